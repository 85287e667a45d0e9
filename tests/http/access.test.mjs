// tests/http/access.test.mjs — the access matrix: every route in the router's table, called
// as nobody and as each of the eleven default roles, must be allowed or denied exactly as
// tests/http/access-matrix.json says. A route added without an entry there fails this test.
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
  sysadmin: 'admin', auditor: 'auditor', safety_director: 'zongjian', principal: 'zhuren',
  safety_dept: 'anhuan', ws_director: 'ws1zhuren', ws_safety: 'ws1anquan', team_leader: 'banzhang',
  worker: 'yuangong', equip_manager: 'shebei', hr: 'renshi',
};
// Default role permissions as specified (src/db/migrations/0002_default_roles.sql is the
// implementation; this file is read from there once so a "perm:x" entry means "the roles that
// hold x by default").
const rolePerms = {};
for (const m of readFileSync(new URL('../../src/db/migrations/0002_default_roles.sql', import.meta.url), 'utf8')
  .matchAll(/\('(\w+)', '[^']*', '[^']*',\s*'([^']*)'/g)) rolePerms[m[1]] = m[2].split(/\s+/);

const routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { env: { ...process.env, ANQUAN_DATA: '/nonexistent' } }));

function expected(spec, role) {	// role null = anonymous
  if (spec === 'public') return true;
  if (role === null) return false;
  if (spec === 'login') return true;
  if (spec.startsWith('perm:')) return rolePerms[role].includes(spec.slice(5));
  if (Array.isArray(spec)) return spec.includes(role);
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
