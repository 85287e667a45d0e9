// tests/http/server.test.mjs — what the platform promises every module: the default roles'
// permissions, cacheable static assets, one access-log line per request, the password
// policy, the language switch, and a graceful shutdown that loses no request and leaves the
// WAL checkpointed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { startServer, Client, DEMO_PASSWORD, BIN, runSql } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The default roles as the migrations define them: code → {perms, scope}.
function defaultRoles() {
  const sql = readFileSync(new URL('../../src/db/migrations/0002_default_roles.sql', import.meta.url), 'utf8');
  const roles = {};
  for (const m of sql.matchAll(/\('([a-z_]+)',\s*'[^']*',\s*'[^']*',\s*'([^']*)',\s*'([a-z]+)',\s*1\)/g))
    roles[m[1]] = { perms: m[2].split(/\s+/).filter(Boolean).sort(), scope: m[3] };
  // 0003_three_administrators.sql: role.admin moves from the system administrator to a
  // security administrator of its own (等保 2.0 三权分立)
  const sql3 = readFileSync(new URL('../../src/db/migrations/0003_three_administrators.sql', import.meta.url), 'utf8');
  const m = /SELECT '(secadmin)',\s*'[^']*',\s*'[^']*',\s*'([^']*)',\s*'([a-z]+)',\s*1/.exec(sql3);
  roles[m[1]] = { perms: m[2].split(/\s+/).filter(Boolean).sort(), scope: m[3] };
  roles.sysadmin.perms = roles.sysadmin.perms.filter((p) => p !== 'role.admin');
  // a permission added later is granted by its module's descriptor (docs/new-module.md):
  // every src/<module>/<module>_module.c
  const src = new URL('../../src/', import.meta.url);
  const known = new Set(Object.values(roles).flatMap((r) => r.perms));
  for (const dir of readdirSync(src, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const file = new URL(`${dir}/${dir}_module.c`, src);
    if (!existsSync(file)) continue;
    const mod = readFileSync(file, 'utf8');
    for (const [, perm, codes] of mod.matchAll(/\{"([a-z_]+\.[a-z_]+)", "([a-z_ ]+)"\}/g))
      if (!known.has(perm)) for (const code of codes.split(' ')) roles[code].perms = [...new Set([...roles[code].perms, perm])].sort();
  }
  return roles;
}

const ACCOUNTS = {
  admin: 'sysadmin', anquan: 'secadmin', auditor: 'auditor', zongjian: 'safety_director', zhuren: 'principal',
  anhuan: 'safety_dept', ws1zhuren: 'ws_director', ws1anquan: 'ws_safety', banzhang: 'team_leader',
  yuangong: 'worker', shebei: 'equip_manager', renshi: 'hr',
};

test('each default role signs in and holds exactly its permissions from the migrations', async () => {
  const roles = defaultRoles();
  assert.equal(Object.keys(roles).length, 12, 'the migrations define twelve roles');
  const routes = JSON.parse(execFileSync(BIN, ['routes', '--json']).toString());
  // routes behind a permission that a GET can reach (parameters filled with 1: the router
  // checks the permission before the handler looks the record up)
  const guarded = routes.filter((r) => r.perm && r.method === 'GET')
    .map((r) => ({ ...r, path: r.pattern.replace(/:[A-Za-z0-9_]+/g, '1') }));
  for (const [username, code] of Object.entries(ACCOUNTS)) {
    const c = srv.client();
    await c.apiLogin(username);
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200, username);
    assert.deepEqual([...me.json.permissions].sort(), roles[code].perms, `${username} (${code}) permissions`);
    assert.equal(me.json.scope, roles[code].scope, `${username} scope`);
    for (const r of guarded) {
      const res = await c.get(r.path);
      if (!roles[code].perms.includes(r.perm)) {
        assert.equal(res.status, 403, `${username} lacks ${r.perm}: GET ${r.path}`);
      } else {
        assert.notEqual(res.status, 403, `${username} holds ${r.perm}: GET ${r.path}`);
      }
    }
  }
});

test('separation of duties: the auditor can change nothing, the administrator cannot read the audit log', async () => {
  const c = srv.client();
  await c.apiLogin('auditor');
  const perms = (await c.get('/api/v1/me')).json.permissions;
  assert.deepEqual(perms, ['audit.read']);
  for (const p of perms) assert.match(p, /\.(read|view)$/, `auditor permission ${p} is read-only`);
  const a = srv.client();
  await a.apiLogin('admin');
  const admin = (await a.get('/api/v1/me')).json.permissions;
  assert.ok(admin.includes('user.admin'));
  assert.ok(!admin.includes('audit.read'), 'sysadmin lacks audit.read');
  assert.ok(!admin.some((p) => p.startsWith('audit.')));
});

test('static assets: hashed URL is immutable for a year, ETag revalidates to 304, unknown is 404', async () => {
  const c = srv.client();
  const page = await c.get('/login');
  const m = /href="(\/static\/app\.css\?v=([0-9a-f]{12}))"/.exec(page.text);
  assert.ok(m, 'the page links the stylesheet with its content hash');
  const css = await c.get(m[1]);
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(css.headers.get('content-type'), /text\/css/);
  const etag = css.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]+"$/);
  assert.ok(etag.includes(m[2]), 'the ETag is the content hash');
  const again = await c.get(m[1], { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const stale = await c.get('/static/app.css?v=000000000000');
  assert.equal(stale.status, 200);
  assert.doesNotMatch(stale.headers.get('cache-control'), /immutable/, 'an old hash is not cached for a year');
  const js = /src="(\/static\/app\.js\?v=[0-9a-f]{12})"/.exec(page.text);
  assert.ok(js);
  assert.equal((await c.get(js[1])).status, 200);
  assert.equal((await c.get('/static/nope.css')).status, 404);
});

test('each request writes one JSON access-log line with method, path, status and ms', async () => {
  const c = srv.client();
  const tag = `/no-such-page-${randomUUID()}`;
  await c.get(`${tag}?secret=1`);
  await c.postJson('/api/v1/auth/login', { username: 'admin', password: DEMO_PASSWORD });
  let lines = [];
  for (let i = 0; i < 50; i++) {
    lines = srv.log().split('\n').filter((l) => l.startsWith('<6>ACCESS {')).map((l) => JSON.parse(l.slice(10)));
    if (lines.some((l) => l.path === tag)) break;
    await sleep(20);
  }
  const mine = lines.filter((l) => l.path === tag);
  assert.equal(mine.length, 1, 'exactly one line for the request');
  assert.equal(mine[0].method, 'GET');
  assert.equal(mine[0].status, 404);
  assert.equal(typeof mine[0].ms, 'number');
  assert.ok(mine[0].ms >= 0);
  assert.ok(!JSON.stringify(mine[0]).includes('secret'), 'the query string is not logged');
  const login = lines.filter((l) => l.path === '/api/v1/auth/login' && l.method === 'POST' && l.status === 200);
  assert.ok(login.length >= 1);
  assert.ok(login.at(-1).user == null, 'no user before sign-in');
});

test('password change: policy refused naming the field, same password refused, success lets the user in', async () => {
  const c = srv.client();
  await c.apiLogin('u010');
  const tryNew = (nw, current = DEMO_PASSWORD) => c.postJson('/api/v1/auth/password', { current, new: nw });
  for (const [nw, why] of [['Ab1-xyz', 'seven characters'], ['abcdefgh1', 'two classes'],
    ['ABCDEFGH', 'one class'], ['中文密码中文密码', 'one class of symbols'], [DEMO_PASSWORD, 'the same password']]) {
    const r = await tryNew(nw);
    assert.equal(r.status, 422, why);
    assert.equal(r.json.error.field, 'new', why);
    assert.ok(r.json.error.message.length > 0);
  }
  const wrong = await tryNew('Another-Pass-1', 'not-the-password');
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.field, 'current');
  const ok = await tryNew('New-Pass-2027');
  assert.equal(ok.status, 200);
  const old = await srv.client().postJson('/api/v1/auth/login', { username: 'u010', password: DEMO_PASSWORD });
  assert.equal(old.status, 401);
  const d = srv.client();
  await d.apiLogin('u010', 'New-Pass-2027');
  assert.equal((await d.get('/api/v1/me')).status, 200);
  // the same rules on the page, with the field named in the form's answer
  const p = srv.client();
  await p.login('u011');
  await p.get('/password');
  const bad = await p.post('/password', { current: DEMO_PASSWORD, new: 'Ab1-xyz', confirm: 'Ab1-xyz' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /新密码太短/);
  const good = await p.post('/password', { current: DEMO_PASSWORD, new: 'Abcdefg1', confirm: 'Abcdefg1' });
  assert.equal(good.status, 303, 'eight characters of three classes is enough');
});

test('POST /lang switches the pages to English and back, and remembers it for the user', async () => {
  const c = srv.client();
  const zh = await c.get('/login');
  assert.match(zh.text, /<html lang="zh-CN">/);
  assert.match(zh.text, />登录</);
  const to = await c.post('/lang', { lang: 'en', next: '/login' });
  assert.equal(to.status, 303);
  assert.equal(to.location, '/login');
  const en = await c.get('/login');
  assert.match(en.text, /<html lang="en">/);
  assert.match(en.text, /Sign in/);
  assert.doesNotMatch(en.text, />登录</);
  await c.post('/lang', { lang: 'zh', next: '/login' });
  const back = await c.get('/login');
  assert.match(back.text, /<html lang="zh-CN">/);
  // a signed-in user's choice is stored: another browser shows it too
  const u = srv.client();
  await u.login('u012');
  assert.equal((await u.post('/lang', { lang: 'en', next: '/' })).status, 303);
  const elsewhere = new Client(srv.url);
  await elsewhere.login('u012');
  const home = await elsewhere.get('/');
  assert.match(home.text, /<html lang="en">/);
  assert.match(home.text, /Hello/);
});

test('SIGTERM during a slow upload: the request is answered, the server exits 0, the WAL is checkpointed', async () => {
  const s = await startServer();
  const port = Number(new URL(s.url).port);
  try {
    const body = JSON.stringify({ username: 'anhuan', password: DEMO_PASSWORD });
    const half = Math.floor(body.length / 2);
    const answer = new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      let got = '';
      sock.on('data', (d) => { got += d; });
      sock.on('error', reject);
      sock.on('close', () => resolve(got));
      sock.on('connect', async () => {
        sock.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nConnection: close\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
        await sleep(300);
        s.proc.kill('SIGTERM');
        await sleep(500);
        assert.equal(s.proc.exitCode, null, 'the server waits for the request in flight');
        sock.write(body.slice(half));
      });
    });
    const text = await answer;
    assert.match(text, /^HTTP\/1\.1 200/, 'the upload was answered');
    assert.match(text, /"token":"[0-9a-f]{64}"/);
    const { code } = await s.stop({ keep: true });
    assert.equal(code, 0);
    assert.match(s.log(), /stopped cleanly/);
    const wal = join(s.dir, 'anquan.db-wal');
    assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'WAL empty or gone after exit');
    // the session written during shutdown is in the database itself
    const n = runSql(s.dir, 'SELECT count(*) FROM sessions');
    assert.equal(n, '1');
  } finally {
    if (s.proc.exitCode === null) await s.kill();
    rmSync(s.dir, { recursive: true, force: true });
  }
});
