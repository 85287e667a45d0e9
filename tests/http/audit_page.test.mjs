// tests/http/audit_page.test.mjs — the audit page reads as people and actions: names of
// actions, objects and states from the catalogue (Chinese, or English by the viewer's
// language), the person's name with the account in small print, drop-down filters built from
// the values the log holds, links to an object only where the auditor may open it, and the
// JSON API keeping the raw codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';

let srv, auditor, hazard;
const sqlite = (stmt) => runSql(srv.dir, stmt);

before(async () => {
  srv = await startServer();
  auditor = srv.client();
  await auditor.login('auditor');
  // a hazard reported and accepted: two entries, the second a state change
  // a real JPEG: the server's own, of a demo hazard
  const safety = srv.client();
  await safety.apiLogin('anhuan');
  const first = (await safety.get('/api/v1/hazards?per_page=1')).json.items[0];
  const res = await fetch(`${srv.url}/photos/${first.photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(res.status, 200);
  const jpeg = Buffer.from(await res.arrayBuffer());
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  const meta = (await worker.get('/api/v1/hazard-meta')).json;
  const fd = new FormData();
  fd.append('area_id', String(meta.areas.find((a) => a.name === '合成一车间 反应釜区').id));
  fd.append('category_id', String(meta.categories.find((c) => c.code === 'mechanical').id));
  fd.append('description', '审计页测试 护罩脱落');
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  const made = await worker.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(made.status, 201, made.text);
  hazard = made.json;
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  const acc = await leader.postJson(`/api/v1/hazards/${hazard.id}/accept`, {});
  assert.equal(acc.status, 200, acc.text);
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM');
});

const rowOf = (html, action) => {
  const rows = html.match(/<tr data-entry="\d+">(?:(?!<\/tr>).)*<\/tr>/gs) || [];
  return rows.find((t) => t.includes(`data-code="${action}"`));
};

test('a state change shows names: the person, the action, the object and the states', async () => {
  const page = await auditor.get(`/audit?entity=hazard&entity_id=${hazard.id}`);
  assert.equal(page.status, 200);
  const row = rowOf(page.text, 'accept');
  assert.ok(row, 'the accept entry is listed');
  assert.match(row, /孙伟 <small class="account">banzhang<\/small>/, 'the name, the account in small print');
  assert.match(row, /data-code="accept">受理<\/td>/, 'the action by name');
  assert.match(row, new RegExp(`隐患 #${hazard.id}`), 'the object by kind');
  assert.match(row, /待受理 → 已派发/, 'the states by name');
  assert.doesNotMatch(row, /reported|assigned|accept:/, 'no state or action code in the text');
  assert.doesNotMatch(row, /href="\/hazards\//, 'the auditor cannot open a hazard: no link');
  const report = rowOf(page.text, 'report');
  assert.match(report, /张三 <small class="account">yuangong<\/small>/);
  assert.match(report, /data-code="report">上报<\/td>/);
});

test('English names for an English reader', async () => {
  const en = srv.client();
  await en.login('auditor');
  assert.equal((await en.post('/lang', { lang: 'en', next: '/audit' })).status, 303);
  try {
    const row = rowOf((await en.get(`/audit?entity=hazard&entity_id=${hazard.id}`)).text, 'accept');
    assert.match(row, /data-code="accept">Accepted<\/td>/);
    assert.match(row, /Reported → Assigned/);
    assert.match(row, new RegExp(`Hazard #${hazard.id}`));
  } finally {
    // the language is the account's: give the other tests their Chinese back
    assert.equal((await en.post('/lang', { lang: 'zh', next: '/audit' })).status, 303);
  }
});

test('the filters are drop-downs of the values present, by name, the choice kept', async () => {
  const text = (await auditor.get('/audit?action=login&username=banzhang')).text;
  assert.doesNotMatch(text, /<input name="(action|entity|username)"/, 'no free-text code boxes');
  const select = (name) => new RegExp(`<select name="${name}">((?:(?!</select>).)*)</select>`, 's').exec(text)[1];
  assert.match(select('action'), /<option value="login" selected>登录<\/option>/);
  assert.match(select('action'), /<option value="accept">受理<\/option>/);
  assert.doesNotMatch(select('action'), /value="gas_pass"/, 'only actions the log holds');
  assert.match(select('entity'), /<option value="hazard">隐患<\/option>/);
  assert.match(select('entity'), /<option value="user">用户<\/option>/);
  assert.match(select('username'), /<option value="banzhang" selected>孙伟 \(banzhang\)<\/option>/);
  assert.match(select('username'), /<option value="demo">演示数据<\/option>/, 'an account with no person by its name');
  const rows = text.match(/<tr data-entry=/g) || [];
  assert.ok(rows.length >= 1);
  assert.ok(!/data-code="(?!login")/.test(text.split('<tbody>')[1]), 'only sign-ins listed');
});

test('the JSON API keeps the raw codes', async () => {
  const api = srv.client();
  await api.apiLogin('auditor');
  const j = (await api.get(`/api/v1/audit?entity=hazard&entity_id=${hazard.id}`)).json;
  const e = j.items.find((i) => i.action === 'accept');
  assert.deepEqual(Object.keys(e).sort(),
    ['action', 'at', 'client_ip', 'entity', 'entity_id', 'id', 'summary', 'user_id', 'username']);
  assert.equal(e.entity, 'hazard');
  assert.equal(e.username, 'banzhang');
  assert.match(e.summary, /^YH-\d{4}-\d{6} accept: reported → assigned$/);
});

test('an object links only where the auditor may open it', async () => {
  // the auditor may hold read-only permissions (三权分立 forbids only writes beside audit.read)
  sqlite("UPDATE roles SET permissions = permissions || ' hazard.view' WHERE code = 'auditor';");
  try {
    const row = rowOf((await auditor.get(`/audit?entity=hazard&entity_id=${hazard.id}`)).text, 'accept');
    assert.match(row, new RegExp(`<a class="audit-obj" href="/hazards/${hazard.id}">隐患 #${hazard.id}</a>`));
  } finally {
    sqlite("UPDATE roles SET permissions = trim(replace(permissions, ' hazard.view', '')) WHERE code = 'auditor';");
  }
  const row = rowOf((await auditor.get(`/audit?entity=hazard&entity_id=${hazard.id}`)).text, 'accept');
  assert.match(row, /<span class="audit-obj">隐患 #\d+<\/span>/);
});
