// tests/http/audit.test.mjs — the auditor's pages: who may read the log, what a change leaves
// in it, the filters, and the hash chain catching an entry edited in the database file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, serverNow, BIN, runSql, dbEnv } from './lib.mjs';

let srv;
let auditor;
before(async () => {
  srv = await startServer();
  auditor = srv.client();
  await auditor.login('auditor');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM');
});

const cliVerify = () => spawnSync(BIN, ['audit', 'verify'], {
  // keep the caller's sanitizer options (make test-dates needs verify_asan_link_order=0)
  env: { ...process.env, ANQUAN_DATA: srv.dir, ...dbEnv(srv.dir),
    ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') },
  encoding: 'utf8',
});

test('the system and security administrators cannot read the audit log; the auditor can', async () => {
  for (const name of ['admin', 'anquan']) {
    const admin = srv.client();
    await admin.login(name);
    for (const p of ['/audit', '/audit/verify', '/api/v1/audit', '/api/v1/audit/verify']) {
      assert.equal((await admin.get(p)).status, 403, `${name} ${p}`);
    }
    assert.doesNotMatch((await admin.get('/')).text, /href="\/audit"/);
  }
  const page = await auditor.get('/audit');
  assert.equal(page.status, 200);
  assert.match(page.text, /demo_load/);
  assert.match((await auditor.get('/')).text, /href="\/audit"/);
  const worker = srv.client();
  await worker.login('yuangong');
  assert.equal((await worker.get('/audit')).status, 403);
});

// 三权分立 holds even against the database file: the forms refuse these states, and a file
// edited by hand into one of them fails closed at sign-in and in the role preview.
const sqlite = (stmt) => runSql(srv.dir, stmt);

test('a person given two administrator roles in the database file holds neither kind\'s powers', async () => {
  const admin = srv.client();
  await admin.login('admin');
  assert.equal((await admin.get('/admin/users/new')).status, 200);
  sqlite("INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r WHERE u.username = 'admin' AND r.code = 'auditor';");
  try {
    assert.equal((await admin.get('/api/v1/audit')).status, 403, 'no audit.read');
    assert.equal((await admin.get('/admin/users/new')).status, 403, 'and no user.admin either');
  } finally {
    sqlite("DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE username = 'admin') AND role_id = (SELECT id FROM roles WHERE code = 'auditor');");
  }
  assert.equal((await admin.get('/admin/users/new')).status, 200, 'back to one kind');
});

test('a role preview never grants audit.read, even of a role edited in the file to hold it', async () => {
  const sec = srv.client();
  await sec.login('anquan');
  const roles = (await sec.get('/admin/roles')).text;
  const viewer = Number(/data-role-id="(\d+)"><td>(?:(?!<\/tr>).)*<code>principal<\/code>/.exec(roles)[1]);
  const units = (await sec.get('/api/v1/units')).json.items;
  assert.equal((await sec.post('/admin/preview', { role_id: viewer, unit_id: units[0].id })).status, 303);
  assert.match((await sec.get('/')).text, /preview-banner/);
  sqlite("UPDATE roles SET permissions = permissions || ' audit.read user.admin' WHERE code = 'principal';");
  try {
    assert.equal((await sec.get('/audit')).status, 403, 'previewing: no audit log');
    assert.equal((await sec.get('/admin/users/new')).status, 403, 'previewing: no system administrator page');
    assert.equal((await sec.get('/hazards')).status, 200, 'the business permissions still show');
    const zhuren = srv.client();
    await zhuren.login('zhuren');
    assert.equal((await zhuren.get('/audit')).status, 403, 'the principal, now mixed, fails closed too');
  } finally {
    sqlite("UPDATE roles SET permissions = trim(replace(permissions, ' audit.read user.admin', '')) WHERE code = 'principal';");
  }
  assert.equal((await sec.post('/admin/preview/exit', {})).status, 303);
});

test('a change shows who, when, from where, what and a summary, newest first', async () => {
  const admin = srv.client();
  await admin.apiLogin('admin');
  const made = await admin.postJson('/api/v1/units', { parent_id: 2, kind: 'workshop', name: '审计测试车间<i>' });
  assert.equal(made.status, 201);
  const page = await auditor.get(`/audit?entity=unit&entity_id=${made.json.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /周建国 <small class="account">admin<\/small><\/td><td class="audit-object" data-label="对象"><span class="audit-obj">组织单位 #\d+<\/span><\/td><td class="audit-action" data-label="操作" data-code="create">新建<\/td>/);
  assert.match(page.text, /<td class="audit-ip" data-label="IP 地址">127\.0\.0\.1<\/td>/);
  assert.match(page.text, /审计测试车间&lt;i&gt;/);
  assert.match(page.text, /\d{4}-\d\d-\d\d \d\d:\d\d/);
  const api = srv.client();
  await api.apiLogin('auditor');
  const all = (await api.get('/api/v1/audit?per_page=500')).json;
  assert.ok(all.items.length > 3);
  for (let i = 1; i < all.items.length; i++) assert.ok(all.items[i - 1].id > all.items[i].id, 'newest first');
  const logins = (await api.get('/api/v1/audit?action=login&username=admin')).json;
  assert.ok(logins.items.length >= 2);
  assert.ok(logins.items.every((e) => e.username === 'admin' && e.action === 'login'));
  const p2 = (await api.get('/api/v1/audit?per_page=2&page=2')).json;
  assert.equal(p2.items.length, 2);
  assert.equal(p2.items[0].id, all.items[2].id);
});

test('filters by date range, and a bad filter names its field', async () => {
  const api = srv.client();
  await api.apiLogin('auditor');
  const day = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);	// plant time, UTC+8
  // the server's day, not the runner's; the hour before covers entries written before a midnight
  const now = await serverNow(srv);
  const today = day(now), tomorrow = day(now + 86400);
  assert.ok((await api.get(`/api/v1/audit?from=${day(now - 3600)}&to=${today}`)).json.total > 0);
  assert.equal((await api.get(`/api/v1/audit?from=${tomorrow}`)).json.total, 0);
  const bad = await api.get('/api/v1/audit?from=2026-13-45');
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'from');
  const badId = await api.get('/api/v1/audit?entity_id=abc');
  assert.equal(badId.json.error.field, 'entity_id');
  const page = await auditor.get('/audit?to=yesterday');
  assert.equal(page.status, 422);
  assert.match(page.text, /id="err-to"/);
});

test('verify reports intact, then names an entry edited in the database file', async () => {
  const ok = await auditor.get('/audit/verify');
  assert.equal(ok.status, 200);
  assert.match(ok.text, /data-intact="1"/);
  const n = Number(/<strong>(\d+)<\/strong>/.exec(ok.text)[1]);
  assert.ok(n > 3);
  const cli = cliVerify();
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /intact/);

  // someone with the database file rewrites history
  runSql(srv.dir, "UPDATE audit_log SET summary = 'nothing happened' WHERE id = 3;");

  const broken = await auditor.get('/audit/verify');
  assert.match(broken.text, /data-intact="0"/);
  assert.match(broken.text, /id="broken-entry">3</);
  const api = srv.client();
  await api.apiLogin('auditor');
  const j = (await api.get('/api/v1/audit/verify')).json;
  assert.equal(j.intact, false);
  assert.equal(j.broken_id, 3);
  const after1 = cliVerify();
  assert.equal(after1.status, 1);
  assert.match(after1.stdout, /entry 3\b/);
});
