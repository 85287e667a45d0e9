// tests/http/access.test.mjs — the access matrix: every route in the router's table, called
// as nobody and as each of the twelve default roles, must be allowed or denied exactly as
// tests/http/access-matrix.json says. A route added without an entry there fails this test.
// The last test walks, for real, the five ways the system administrator once read the audit
// log (等保 2.0 三权分立), and finds each refused.
//
// Requests carry "X-Access-Check: 1", which in test mode makes the router answer 204 once
// the caller is past login, password-change, CSRF, preview and permission checks, without
// running the handler — so every route, including deletes, is checked without side effects.
// Record-level scope (another unit's record by id) is checked by each module's own tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, BIN, DEMO_PASSWORD } from './lib.mjs';

const matrix = JSON.parse(readFileSync(new URL('./access-matrix.json', import.meta.url)));
const ROLES = {
  sysadmin: 'admin', secadmin: 'anquan', auditor: 'auditor', safety_director: 'zongjian', principal: 'zhuren',
  safety_dept: 'anhuan', ws_director: 'ws1zhuren', ws_safety: 'ws1anquan', team_leader: 'banzhang',
  worker: 'yuangong', equip_manager: 'shebei', hr: 'renshi',
};
// What each default role holds, as the server resolves it at sign-in (the roles come from
// several migrations: 0002 made them, 0003 took role.admin from the system administrator), so
// a "perm:x" entry means "the roles that hold x by default". Filled in before().
const rolePerms = {};

const routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { env: { ...process.env, ANQUAN_DATA: '/nonexistent' } }));

function expected(spec, role) {	// role null = anonymous
  if (spec === 'public') return true;
  if (role === null) return false;
  if (Array.isArray(spec)) return spec.includes(role);
  if (spec === 'login') return true;
  if (spec.startsWith('perm:')) return rolePerms[role].includes(spec.slice(5));
  throw new Error(`bad matrix entry ${spec}`);
}

let srv;
let anonCsrf;
const sessions = {};
before(async () => {
  srv = await startServer();
  // an anonymous browser's double-submit CSRF cookie, so public forms pass that check
  const page = await fetch(`${srv.url}/login`);
  anonCsrf = /aq_csrf=([0-9a-f]+)/.exec(page.headers.get('set-cookie'))[1];
  for (const [role, user] of Object.entries(ROLES)) {
    const r = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
    });
    assert.equal(r.status, 200, `login ${user}`);
    sessions[role] = (await r.json()).token;
    const me = await fetch(`${srv.url}/api/v1/me`, { headers: { Authorization: `Bearer ${sessions[role]}` } });
    rolePerms[role] = (await me.json()).permissions;
  }
});
after(async () => { await srv.stop(); });

test('every route has an entry in the access matrix, and every entry a route', () => {
  const keys = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
  const missing = [...keys].filter((k) => !(k in matrix));
  const stale = Object.keys(matrix).filter((k) => !k.startsWith('//') && !keys.has(k));
  assert.deepEqual(missing, [], 'routes without an access-matrix entry');
  assert.deepEqual(stale, [], 'access-matrix entries without a route');
});

test('each route allows and denies exactly the roles the matrix names', async () => {
  const wrong = [];
  for (const rt of routes) {
    const spec = matrix[`${rt.method} ${rt.pattern}`];
    if (spec === undefined) continue;
    const path = rt.pattern.replace(/:(\w+)/g, (_, name) => (name === 'name' ? 'app.css' : '1'));
    for (const role of [null, ...Object.keys(ROLES)]) {
      const headers = { 'X-Access-Check': '1' };
      if (role) headers.Authorization = `Bearer ${sessions[role]}`;
      else Object.assign(headers, { Cookie: `aq_csrf=${anonCsrf}`, 'X-CSRF-Token': anonCsrf });
      const r = await fetch(srv.url + path, { method: rt.method, headers, redirect: 'manual' });
      // 204: past every check. Static assets answer themselves (no checks to pass).
      const allowed = r.status === 204 || (rt.pattern.startsWith('/static/') && r.status < 400);
      const want = expected(spec, role);
      if (allowed !== want) wrong.push(`${rt.method} ${rt.pattern} as ${role ?? 'nobody'}: got ${r.status}, want ${want ? 'allow' : 'deny'}`);
      if (!allowed && role && r.status !== 403 && r.status !== 401) {
        wrong.push(`${rt.method} ${rt.pattern} as ${role}: denied with ${r.status}, want 403`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

// 等保 2.0 (GB/T 22239-2019 §8.1.4.2) 三权分立. Each numbered test is one of the ways the system
// administrator could read the audit log before; each is now refused, and so is the same step
// by the security administrator where it applies. Real requests, not X-Access-Check.
const call = async (role, method, path, body, json = false) => {
  const headers = { Authorization: `Bearer ${sessions[role]}` };
  if (body !== undefined) headers['Content-Type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  let data;
  if (body !== undefined && json) data = JSON.stringify(body);
  else if (body !== undefined) {
    const f = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const x of [].concat(v)) f.append(k, String(x));
    data = f.toString();
  }
  const r = await fetch(srv.url + path, { method, headers, body: data, redirect: 'manual' });
  const text = await r.text();
  return { status: r.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
};
const readsAudit = async (role) => (await call(role, 'GET', '/api/v1/audit')).status;
const roleId = async (code) => {
  const page = (await call('secadmin', 'GET', '/admin/roles')).text;
  const row = page.split('<tr').find((tr) => tr.includes(`<code>${code}</code>`));
  return Number(/(?:data-role-id="|\/admin\/roles\/)(\d+)/.exec(row)?.[1]);
};
const auditorAccount = async () => (await call('sysadmin', 'GET', '/api/v1/users?q=auditor')).json.items.find((u) => u.username === 'auditor');

test('三权分立 1: a role preview as the auditor is refused, and no preview grants audit.read', async () => {
  const auditorRole = await roleId('auditor'), unit = (await auditorAccount()).unit_id;
  assert.equal((await call('sysadmin', 'POST', '/admin/preview', { role_id: auditorRole, unit_id: unit })).status, 403,
    'the system administrator has no role preview');
  const pv = await call('secadmin', 'POST', '/admin/preview', { role_id: auditorRole, unit_id: unit });
  const reads = await readsAudit('secadmin');
  await call('secadmin', 'POST', '/admin/preview/exit', {});	// whatever happened, leave the others a clean session
  assert.equal(reads, 403, 'no preview grants audit.read');
  assert.equal(pv.status, 422, 'nor may the security administrator preview the auditor');
  assert.match(pv.text, /三权分立/);
  assert.equal(await readsAudit('sysadmin'), 403);
});

test('三权分立 2: the system administrator cannot create a user with the auditor (or security) role', async () => {
  const unit = (await auditorAccount()).unit_id;
  const made = await call('sysadmin', 'POST', '/api/v1/users', { username: 'shadow_auditor', name: '影子', unit_id: unit, roles: ['auditor'] }, true);
  assert.equal(made.status, 422, 'the auditor role is not the system administrator\'s to assign');
  assert.equal(made.json.error.field, 'roles');
  assert.equal((await call('sysadmin', 'GET', '/api/v1/users?q=shadow_auditor')).json.total, 0, 'nothing stored');
  const sec = await call('sysadmin', 'POST', '/api/v1/users', { username: 'shadow_sec', name: '影子', unit_id: unit, roles: ['secadmin'] }, true);
  assert.equal(sec.status, 422, 'nor the security administrator role');
  assert.equal((await call('secadmin', 'POST', '/api/v1/users', { username: 'shadow2', name: '影子', unit_id: unit, roles: ['auditor'] }, true)).status, 403,
    'the security administrator creates no accounts');
});

test('三权分立 3: the system administrator cannot reset the auditor\'s password, nor edit, unlock or deactivate them', async () => {
  const aud = await auditorAccount();
  const reset = await call('sysadmin', 'POST', `/admin/users/${aud.id}/reset-password`, {});
  assert.equal(reset.status, 403, 'no reset of the audit administrator');
  assert.doesNotMatch(reset.text, /initial-password/);
  for (const [method, path, body, json] of [['PATCH', `/api/v1/users/${aud.id}`, { name: '改名', roles: ['worker'] }, true],
    ['POST', `/api/v1/users/${aud.id}/deactivate`, {}, true], ['POST', `/admin/users/${aud.id}`, { name: '改名' }],
    ['POST', `/admin/users/${aud.id}/unlock`, {}], ['GET', `/admin/users/${aud.id}`]]) {
    assert.equal((await call('sysadmin', method, path, body, json)).status, 403, `${method} ${path}`);
  }
  const still = await fetch(`${srv.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'auditor', password: DEMO_PASSWORD }) });
  assert.equal(still.status, 200, 'the auditor\'s password is unchanged');
});

test('三权分立 4: no administrator can add audit.read to another role', async () => {
  const workerRole = await roleId('worker');
  const grant = { name_zh: '员工', name_en: 'Worker', scope: 'own', perms_sent: '1', perm: ['hazard.report', 'hazard.view', 'audit.read'] };
  assert.equal((await call('sysadmin', 'POST', `/admin/roles/${workerRole}`, grant)).status, 403, 'the system administrator edits no role');
  const g2 = await call('secadmin', 'POST', `/admin/roles/${workerRole}`, grant);
  assert.equal(g2.status, 422, 'the security administrator may not grant audit.read');
  assert.match(g2.text, /三权分立/);
  const g3 = await call('secadmin', 'POST', '/admin/roles', { code: 'reader', name_zh: '读者', scope: 'company', perms_sent: '1', perm: ['audit.read', 'hazard.view'] });
  assert.equal(g3.status, 422, 'nor make a new role with it');
  assert.equal(await readsAudit('worker'), 403);
});

test('三权分立 5: no administrator can give the auditor role write permissions', async () => {
  const auditorRole = await roleId('auditor');
  const writes = { name_zh: '审计管理员', name_en: 'Audit administrator', scope: 'company', perms_sent: '1', perm: ['audit.read', 'hazard.view', 'hazard.report'] };
  assert.equal((await call('sysadmin', 'POST', `/admin/roles/${auditorRole}`, writes)).status, 403, 'the system administrator edits no role');
  assert.equal((await call('secadmin', 'POST', `/admin/roles/${auditorRole}`, writes)).status, 403, 'nor the security administrator the auditor\'s');
  assert.equal((await call('secadmin', 'GET', `/admin/roles/${auditorRole}`)).status, 403);
  const mixed = await call('secadmin', 'POST', '/admin/roles', { code: 'aud_writer', name_zh: '审写', scope: 'company', perms_sent: '1', perm: ['audit.read', 'hazard.report'] });
  assert.equal(mixed.status, 422, 'no role both reads the audit log and writes');
  assert.deepEqual((await call('auditor', 'GET', '/api/v1/me')).json.permissions, ['audit.read']);
});

test('三权分立: after all five, only the auditor reads the log, and each refusal is in it', async () => {
  assert.equal(await readsAudit('sysadmin'), 403);
  assert.equal(await readsAudit('secadmin'), 403);
  assert.equal(await readsAudit('auditor'), 200);
  const refused = (await call('auditor', 'GET', '/api/v1/audit?action=duty_refused&per_page=100')).json.items;
  assert.ok(refused.length >= 8, `refusals audited: ${refused.length}`);
  assert.ok(refused.every((e) => /caller: (system|security); target: (audit|security|system)/.test(e.summary)));
});
