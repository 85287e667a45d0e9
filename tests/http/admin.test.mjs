// tests/http/admin.test.mjs — the administration area: units, areas, people, roles, the role
// preview, API tokens, data scope, and the separation of the three administrators of 等保 2.0
// (系统管理员 admin: people and units; 安全管理员 anquan: roles and the preview; 审计管理员
// auditor: the audit log).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD } from './lib.mjs';

let srv;
let admin;	// cookie session, as a browser
let api;	// bearer session, as another system
let sec;	// the security administrator, cookie session
let auditorApi;
const unitIds = {};

before(async () => {
  srv = await startServer();
  admin = srv.client();
  await admin.login('admin');
  api = srv.client();
  await api.apiLogin('admin');
  sec = srv.client();
  await sec.login('anquan');
  auditorApi = srv.client();
  await auditorApi.apiLogin('auditor');
  const units = await api.get('/api/v1/units');
  for (const u of units.json.items) unitIds[u.name] = u.id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM');
});

// A form POST whose array values become repeated fields, as checkboxes send them.
const postForm = (c, path, fields) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ _csrf: c.csrf, ...fields })) {
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, String(x));
  }
  return c.request('POST', path, { body: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
};
const audits = async (q) => (await auditorApi.get(`/api/v1/audit?${q}`)).json.items;
const roleId = async (code) => {
  const page = await sec.get('/admin/roles');
  const row = page.text.split('<tr ').find((tr) => tr.includes(`<code>${code}</code>`));
  const m = row && /data-role-id="(\d+)"/.exec(row);
  return m ? Number(m[1]) : null;
};

test('each administrator sees the sections of their own kind on the admin landing page', async () => {
  const r = await admin.get('/admin');
  assert.equal(r.status, 200);
  for (const href of ['/admin/units', '/admin/areas', '/admin/users', '/admin/tokens', '/admin/positions']) {
    assert.match(r.text, new RegExp(`href="${href}"`));
  }
  for (const href of ['/admin/roles', '/admin/preview']) assert.doesNotMatch(r.text, new RegExp(`href="${href}"`));
  const s = await sec.get('/admin');
  assert.equal(s.status, 200);
  for (const href of ['/admin/roles', '/admin/preview', '/admin/tokens']) assert.match(s.text, new RegExp(`href="${href}"`));
  assert.equal((await sec.get('/admin/users/new')).status, 403, 'people are the system administrator\'s');
  assert.match((await sec.get('/')).text, /href="\/admin"/, 'the home page links the security administrator to /admin');
});

test('the auditor gets 403 on every admin page and on every admin POST', async () => {
  const c = srv.client();
  await c.login('auditor');
  for (const p of ['/admin', '/admin/units', '/admin/units/new', '/admin/areas', '/admin/users', '/admin/users/1', '/admin/roles', '/admin/preview', '/admin/tokens', '/admin/positions']) {
    assert.equal((await c.get(p)).status, 403, `GET ${p}`);
  }
  for (const p of ['/admin/units', '/admin/units/3', '/admin/units/3/deactivate', '/admin/areas', '/admin/areas/1',
    '/admin/areas/1/deactivate', '/admin/users', '/admin/users/9', '/admin/users/9/deactivate', '/admin/users/9/reactivate',
    '/admin/users/9/reset-password', '/admin/users/9/unlock', '/admin/roles', '/admin/roles/1', '/admin/preview',
    '/admin/tokens', '/admin/tokens/1/revoke', '/admin/positions']) {
    const r = await c.post(p, { name: 'x' });
    assert.equal(r.status, 403, `POST ${p}`);
  }
  const a = srv.client();
  await a.apiLogin('auditor');
  assert.equal((await a.postJson('/api/v1/units', { parent_id: 2, name: 'x', kind: 'team' })).status, 403);
  assert.equal((await a.get('/api/v1/users')).status, 403);
});

test('units: create, validate, escape, edit, refuse and allow deactivation, all audited', async () => {
  const ws1 = unitIds['合成一车间'];
  const bad = await admin.post('/admin/units', { parent_id: ws1, kind: 'team', name: '' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="err-name"/);
  assert.match(bad.text, /单位名称：必填/);
  const tooLong = await admin.post('/admin/units', { parent_id: ws1, kind: 'team', name: '长'.repeat(65) });
  assert.equal(tooLong.status, 422);
  assert.match(tooLong.text, /单位名称：太长/);
  const level = await admin.post('/admin/units', { parent_id: ws1, kind: 'company', name: '错层' });
  assert.equal(level.status, 422);
  assert.match(level.text, /id="err-kind"/);

  const evil = '<script>alert(1)</script>班';
  const ok = await admin.post('/admin/units', { parent_id: ws1, kind: 'team', name: evil });
  assert.equal(ok.status, 303);
  const list = await admin.get('/admin/units');
  assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;班/);
  assert.doesNotMatch(list.text, /<script>alert/);
  const created = (await api.get('/api/v1/units')).json.items.find((u) => u.name === evil);
  assert.ok(created, 'stored as typed');
  assert.equal(created.parent_id, ws1);
  assert.equal(created.path, `/1/2/${ws1}/${created.id}/`);

  const edit = await admin.post(`/admin/units/${created.id}`, { name: '新班组', head_user_id: '' });
  assert.equal(edit.status, 303);
  assert.equal((await api.get(`/api/v1/units/${created.id}`)).json.name, '新班组');

  // a unit with people cannot be deactivated, and the page says why
  const t11 = unitIds['合成一车间甲班'];
  const refused = await admin.post(`/admin/units/${t11}/deactivate`, {});
  assert.equal(refused.status, 409);
  assert.match(refused.text, /仍有在用人员/);
  const apiRefused = await api.postJson(`/api/v1/units/${t11}/deactivate`, {});
  assert.equal(apiRefused.status, 409);
  assert.equal((await api.get(`/api/v1/units/${t11}`)).json.active, true);

  const gone = await admin.post(`/admin/units/${created.id}/deactivate`, {});
  assert.equal(gone.status, 303);
  assert.equal((await api.get(`/api/v1/units/${created.id}`)).json.active, false);

  const actions = (await audits(`entity=unit&entity_id=${created.id}`)).map((e) => e.action).sort();
  assert.deepEqual(actions, ['create', 'deactivate', 'update']);
  const upd = (await audits(`entity=unit&entity_id=${created.id}&action=update`))[0];
  assert.match(upd.summary, /name: .*→ 新班组/);
  assert.equal(upd.username, 'admin');
});

test('units over the API: the error shape names the field', async () => {
  const r = await api.postJson('/api/v1/units', { parent_id: unitIds['罐区'], kind: 'team', name: 'x'.repeat(70) });
  assert.equal(r.status, 422);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'field', 'message']);
  assert.equal(r.json.error.field, 'name');
  const noParent = await api.postJson('/api/v1/units', { kind: 'team', name: '无上级' });
  assert.equal(noParent.status, 422);
  assert.equal(noParent.json.error.field, 'parent_id');
  const ok = await api.postJson('/api/v1/units', { parent_id: unitIds['罐区'], kind: 'team', name: '罐区夜班' });
  assert.equal(ok.status, 201);
  const patched = await api.request('PATCH', `/api/v1/units/${ok.json.id}`, { json: { name: '罐区夜班组' } });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.name, '罐区夜班组');
  assert.equal(patched.json.kind, 'team');
});

test('areas: ranges are checked, the QR label is SVG, /a/:token leads to the hazard form', async () => {
  const unit = unitIds['精馏车间'];
  const lat = await admin.post('/admin/areas', { name: '回收塔', unit_id: unit, latitude: '95', longitude: '118.8', radius_m: '50' });
  assert.equal(lat.status, 422);
  assert.match(lat.text, /id="err-latitude"/);
  assert.match(lat.text, /纬度：超出范围/);
  const lng = await admin.post('/admin/areas', { name: '回收塔', unit_id: unit, latitude: '31.9', longitude: '-181', radius_m: '50' });
  assert.equal(lng.status, 422);
  assert.match(lng.text, /id="err-longitude"/);
  const half = await admin.post('/admin/areas', { name: '回收塔', unit_id: unit, latitude: '31.9', longitude: '', radius_m: '50' });
  assert.equal(half.status, 422);
  assert.match(half.text, /id="err-longitude"/);
  const rad = await admin.post('/admin/areas', { name: '回收塔', unit_id: unit, latitude: '', longitude: '', radius_m: '5' });
  assert.equal(rad.status, 422);
  assert.match(rad.text, /id="err-radius_m"/);
  const big = await api.postJson('/api/v1/areas', { name: '回收塔', unit_id: unit, radius_m: 5001 });
  assert.equal(big.status, 422);
  assert.equal(big.json.error.field, 'radius_m');

  const ok = await admin.post('/admin/areas', { name: '回收塔 <b>区</b>', unit_id: unit, latitude: '31.93', longitude: '118.84', radius_m: '80' });
  assert.equal(ok.status, 303);
  const id = Number(ok.location.split('/').pop());
  const page = await admin.get(ok.location);
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg class="qr"[^>]*viewBox="0 0 \d+ \d+"/);
  assert.match(page.text, /回收塔 &lt;b&gt;区&lt;\/b&gt;/);
  const area = (await api.get(`/api/v1/areas/${id}`)).json;
  assert.equal(area.radius_m, 80);
  assert.equal(area.latitude, 31.93);
  assert.match(page.text, new RegExp(`/a/${area.qr_token}`));

  const worker = srv.client();
  await worker.login('yuangong');
  const scan = await worker.get(`/a/${area.qr_token}`);
  assert.equal(scan.status, 303);
  assert.equal(scan.location, `/hazards/new?area=${id}`);
  assert.equal((await srv.client().get(`/a/${area.qr_token}`)).status, 303, 'signed-out: to the login page');
  assert.equal((await worker.get('/a/nosuchtoken')).status, 404);

  const edit = await admin.post(`/admin/areas/${id}`, { name: '回收塔区', unit_id: unit, latitude: '', longitude: '', radius_m: '120' });
  assert.equal(edit.status, 303);
  const after1 = (await api.get(`/api/v1/areas/${id}`)).json;
  assert.equal(after1.latitude, null);
  assert.equal(after1.radius_m, 120);
  assert.equal(after1.qr_token, area.qr_token, 'renaming keeps the label valid');

  assert.equal((await admin.post(`/admin/areas/${id}/deactivate`, {})).status, 303);
  assert.equal((await worker.get(`/a/${area.qr_token}`)).status, 404);
  const actions = (await audits(`entity=area&entity_id=${id}`)).map((e) => e.action).sort();
  assert.deepEqual(actions, ['create', 'deactivate', 'update']);
});

test('users: validation names the field; a new user must change the initial password first', async () => {
  const unit = unitIds['合成一车间乙班'];
  const base = { username: 'li.ming', name: '李明', employee_no: 'JN9001', phone: '139-0000-0001', unit_id: unit, roles_sent: '1', roles: 'worker' };
  const u1 = await admin.post('/admin/users', { ...base, username: 'AB' });
  assert.equal(u1.status, 422);
  assert.match(u1.text, /id="err-username"/);
  const u2 = await admin.post('/admin/users', { ...base, phone: '139abc' });
  assert.equal(u2.status, 422);
  assert.match(u2.text, /id="err-phone"/);
  assert.match(u2.text, /手机号：/);
  const u3 = await admin.post('/admin/users', { ...base, name: '名'.repeat(65) });
  assert.equal(u3.status, 422);
  assert.match(u3.text, /id="err-name"/);
  const u4 = await admin.post('/admin/users', { ...base, roles_sent: '1', roles: '' });
  assert.equal(u4.status, 422);
  assert.match(u4.text, /id="err-roles"/);
  const u5 = await admin.post('/admin/users', { ...base, username: 'yuangong' });
  assert.equal(u5.status, 422);
  assert.match(u5.text, /已被使用/);

  const created = await admin.post('/admin/users', { ...base, name: '李明<img src=x onerror=alert(1)>' });
  assert.equal(created.status, 201);
  const pw = /id="initial-password">([^<]+)</.exec(created.text)[1];
  assert.ok(pw.length >= 12);
  assert.match(created.text, /李明&lt;img src=x onerror=alert\(1\)&gt;/);
  const list = await admin.get('/admin/users?q=li.ming');
  assert.match(list.text, /李明&lt;img/);
  assert.doesNotMatch(list.text, /<img src=x/);

  const u = srv.client();
  const login = await u.login('li.ming', pw);
  assert.equal(login.status, 303);
  const home = await u.get('/');
  assert.equal(home.status, 303);
  assert.equal(home.location, '/password');
  assert.equal((await u.get('/inbox')).location, '/password');
  const me = srv.client();
  await me.apiLogin('li.ming', pw);
  const blocked = await me.get('/api/v1/users');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.json.error.code, 'password_change_required');
  await u.get('/password');	// the form carries the session's CSRF token
  const changed = await u.post('/password', { current: pw, new: 'Li-Ming-2026!', confirm: 'Li-Ming-2026!' });
  assert.equal(changed.status, 303);
  assert.equal((await u.get('/')).status, 200);

  const entry = (await audits('entity=user&action=create')).find((e) => e.summary.includes('li.ming'));
  assert.ok(entry, 'the creation is audited');
  assert.doesNotMatch(JSON.stringify(await audits('entity=user')), new RegExp(pw), 'no password in the audit log');
});

test('users: edit, deactivate ends the session and blocks sign-in, reactivate, reset, unlock', async () => {
  const r = await api.postJson('/api/v1/users', { username: 'wang.qiang', name: '王强', unit_id: unitIds['锅炉班'], roles: ['worker'] });
  assert.equal(r.status, 201);
  const id = r.json.id;
  let pw = r.json.initial_password;
  assert.equal(r.json.must_change_password, true);
  const u = srv.client();
  await u.login('wang.qiang', pw);
  await u.get('/password');
  await u.post('/password', { current: pw, new: 'Wang-Qiang-1', confirm: 'Wang-Qiang-1' });
  assert.equal((await u.get('/')).status, 200);

  const edit = await postForm(admin, `/admin/users/${id}`, { name: '王强强', employee_no: 'JN9002', phone: '', unit_id: unitIds['锅炉班'], position_id: '', supervisor_id: '', roles_sent: '1', roles: ['worker'] });
  assert.equal(edit.status, 303);
  const got = (await api.get(`/api/v1/users/${id}`)).json;
  assert.equal(got.name, '王强强');
  assert.equal(got.employee_no, 'JN9002');

  assert.equal((await admin.post(`/admin/users/${id}/deactivate`, {})).status, 303);
  assert.equal((await u.get('/')).status, 303, 'their session ended');
  const again = srv.client();
  assert.equal((await again.login('wang.qiang', 'Wang-Qiang-1')).status, 401);
  assert.equal((await api.get(`/api/v1/users/${id}`)).json.active, false);
  const inactive = await admin.get('/admin/users?active=0');
  assert.match(inactive.text, /wang\.qiang/);

  assert.equal((await admin.post(`/admin/users/${id}/reactivate`, {})).status, 303);
  assert.equal((await again.login('wang.qiang', 'Wang-Qiang-1')).status, 303);

  const reset = await admin.post(`/admin/users/${id}/reset-password`, {});
  assert.equal(reset.status, 200);
  pw = /id="initial-password">([^<]+)</.exec(reset.text)[1];
  assert.equal((await again.get('/')).status, 303, 'a reset ends their sessions');
  assert.equal((await srv.client().login('wang.qiang', 'Wang-Qiang-1')).status, 401);
  const fresh = srv.client();
  await fresh.login('wang.qiang', pw);
  assert.equal((await fresh.get('/')).location, '/password');

  // five failures lock the account; the administrator unlocks it
  const l = srv.client();
  await l.get('/login');
  for (let i = 0; i < 5; i++) await l.post('/login', { username: 'u010', password: 'Wrong-pass-1' });
  assert.equal((await l.post('/login', { username: 'u010', password: DEMO_PASSWORD })).status, 429);
  const u010 = (await api.get('/api/v1/users?q=u010')).json.items[0];
  assert.equal(u010.locked, true);
  assert.equal((await admin.post(`/admin/users/${u010.id}/unlock`, {})).status, 303);
  assert.equal((await l.post('/login', { username: 'u010', password: DEMO_PASSWORD })).status, 303);

  const actions = (await audits(`entity=user&entity_id=${id}`)).map((e) => e.action);
  for (const a of ['create', 'update', 'deactivate', 'reactivate', 'password_reset']) assert.ok(actions.includes(a), a);
  assert.ok((await audits(`entity=user&entity_id=${u010.id}&action=unlock`)).length === 1);

  const self = await admin.post('/admin/users/1/deactivate', {});
  assert.equal(self.status, 409, 'no one deactivates themselves');
});

test('users API: pagination, filters and the one error shape', async () => {
  const p1 = await api.get('/api/v1/users?per_page=5&page=1');
  const p2 = await api.get('/api/v1/users?per_page=5&page=2');
  assert.equal(p1.json.items.length, 5);
  assert.equal(p2.json.items.length, 5);
  assert.ok(p1.json.total > 40);
  assert.notEqual(p1.json.items[0].id, p2.json.items[0].id);
  const leaders = await api.get('/api/v1/users?role=team_leader&per_page=200');
  assert.ok(leaders.json.items.length >= 10);
  assert.ok(leaders.json.items.every((u) => u.roles.includes('team_leader')));
  const bad = await api.postJson('/api/v1/users', { username: 'ok_name', name: 'x', unit_id: 99999, roles: ['worker'] });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'unit_id');
  const role = await api.postJson('/api/v1/users', { username: 'ok_name', name: 'x', unit_id: unitIds['电气班'], roles: ['nosuchrole'] });
  assert.equal(role.json.error.field, 'roles');
  const patch = await api.request('PATCH', '/api/v1/users/12', { json: { phone: 'call me' } });
  assert.equal(patch.status, 422);
  assert.equal(patch.json.error.field, 'phone');
});

test('data scope: a team leader lists only their unit; a workshop director their workshop', async () => {
  const tl = srv.client();
  await tl.apiLogin('banzhang');
  const mine = await tl.get('/api/v1/users?per_page=200');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length >= 3);
  assert.ok(mine.json.items.every((u) => u.unit_id === unitIds['合成一车间甲班']), 'only 合成一车间甲班');
  assert.equal(mine.json.total, mine.json.items.length);
  assert.equal((await tl.get('/api/v1/users/1')).status, 404, 'the admin is out of scope');
  assert.equal((await tl.postJson('/api/v1/users', { username: 'x_y', name: 'x', unit_id: 1, roles: ['worker'] })).status, 403);
  const wd = srv.client();
  await wd.apiLogin('ws1zhuren');
  const ws = await wd.get('/api/v1/users?per_page=200');
  const allowed = new Set(['合成一车间', '合成一车间甲班', '合成一车间乙班', '合成一车间维修班'].map((n) => unitIds[n]));
  assert.ok(ws.json.items.every((u) => allowed.has(u.unit_id)));
  assert.ok(ws.json.items.length > mine.json.items.length);
  const units = await wd.get('/api/v1/units');
  assert.ok(units.json.items.every((u) => u.path.startsWith(`/1/2/${unitIds['合成一车间']}/`)));
});

test('roles: the security administrator creates and edits them; a role or person is at most one kind of administrator', async () => {
  assert.equal((await admin.get('/admin/roles')).status, 403, 'roles are not the system administrator\'s');
  const clash = await postForm(sec, '/admin/roles', { code: 'super', name_zh: '超级', scope: 'company', perms_sent: '1', perm: ['audit.read', 'user.admin'] });
  assert.equal(clash.status, 422);
  assert.match(clash.text, /三权分立/);
  assert.match(clash.text, /id="err-permissions"/);
  // the system administrator's role is not the security administrator's to edit, nor to widen
  const sysadmin = await roleId('sysadmin');
  assert.equal((await sec.get(`/admin/roles/${sysadmin}`)).status, 403);
  const add = await postForm(sec, `/admin/roles/${sysadmin}`, { name_zh: '系统管理员', name_en: 'System administrator', scope: 'company', perms_sent: '1',
    perm: ['org.view', 'org.admin', 'user.view', 'user.admin', 'token.admin', 'audit.read'] });
  assert.equal(add.status, 403);
  assert.match(add.text, /三权分立/);
  const unknown = await postForm(sec, '/admin/roles', { code: 'weird', name_zh: '怪', scope: 'unit', perms_sent: '1', perm: ['hazard.fly'] });
  assert.equal(unknown.status, 422);
  const badScope = await postForm(sec, '/admin/roles', { code: 'weird', name_zh: '怪', scope: 'planet', perms_sent: '1', perm: ['hazard.view'] });
  assert.equal(badScope.status, 422);
  assert.match(badScope.text, /id="err-scope"/);

  const ok = await postForm(sec, '/admin/roles', { code: 'inspector', name_zh: '巡检员', name_en: 'Inspector', scope: 'unit', perms_sent: '1', perm: ['hazard.report', 'hazard.view'] });
  assert.equal(ok.status, 303);
  const id = await roleId('inspector');
  assert.ok(id);
  const form = await sec.get(`/admin/roles/${id}`);
  assert.match(form.text, /value="hazard.report" checked/);
  assert.match(form.text, /value="role.admin">/, 'security permissions are offered');
  assert.doesNotMatch(form.text, /value="audit.read"/, 'another administrator\'s permissions are not offered');
  assert.doesNotMatch(form.text, /value="user.admin"/);
  const edit = await postForm(sec, `/admin/roles/${id}`, { name_zh: '巡检员', name_en: 'Inspector', scope: 'subtree', perms_sent: '1', perm: ['hazard.report', 'hazard.view', 'org.view'] });
  assert.equal(edit.status, 303);
  const entry = (await audits(`entity=role&entity_id=${id}&action=update`))[0];
  assert.match(entry.summary, /scope: unit → subtree/);
  // nor may the security administrator make it a system administrator's role
  const sysKind = await postForm(sec, `/admin/roles/${id}`, { name_zh: '巡检员', scope: 'subtree', perms_sent: '1', perm: ['hazard.view', 'user.admin'] });
  assert.equal(sysKind.status, 422);
  assert.match(sysKind.text, /三权分立/);

  // a new user with the new role sees what it grants
  const made = await api.postJson('/api/v1/users', { username: 'xunjian1', name: '巡检一', unit_id: unitIds['精馏车间'], roles: ['inspector'] });
  assert.equal(made.status, 201);
  // the system administrator assigns only business roles and their own
  const form2 = await admin.get('/admin/users/new');
  assert.match(form2.text, /name="roles" value="sysadmin"/);
  assert.doesNotMatch(form2.text, /name="roles" value="(auditor|secadmin)"/);

  // one person may not hold two kinds through two roles
  const both = await api.postJson('/api/v1/users', { username: 'both_sides', name: '双', unit_id: unitIds['总经理办公室'], roles: ['auditor', 'sysadmin'] });
  assert.equal(both.status, 422);
  assert.equal(both.json.error.field, 'roles');
  // and a role edit may not create such a person: give the inspector role role.admin while a system administrator holds it
  const ins = await api.postJson('/api/v1/users', { username: 'ins_sys', name: '巡管', unit_id: unitIds['总经理办公室'], roles: ['inspector', 'sysadmin'] });
  assert.equal(ins.status, 201);
  const sneaky = await postForm(sec, `/admin/roles/${id}`, { name_zh: '巡检员', scope: 'subtree', perms_sent: '1', perm: ['hazard.view', 'role.admin'] });
  assert.equal(sneaky.status, 422);
  assert.match(sneaky.text, /三权分立/);
  // every refusal above is in the log, with who tried what
  const refused = await audits('action=duty_refused&entity=role');
  assert.ok(refused.some((e) => e.entity_id === sysadmin && /caller: security; target: system/.test(e.summary)), JSON.stringify(refused));
});

test('roles: an edit refused on what its holders would hold stores nothing, and a new role\'s audit entry names its permissions', async () => {
  const id = await roleId('inspector');
  const before = (await audits(`entity=role&entity_id=${id}&action=update`)).length;
  // ins_sys holds the inspector and the system administrator's roles (the test above)
  const sneaky = await postForm(sec, `/admin/roles/${id}`, { name_zh: '巡检员改', scope: 'company', perms_sent: '1', perm: ['hazard.view', 'role.admin'] });
  assert.equal(sneaky.status, 422);
  assert.match(sneaky.text, /id="err-permissions"/);
  assert.match(sneaky.text, /value="role.admin" checked/, 'the submitted boxes stay ticked');
  const page = (await sec.get(`/admin/roles/${id}`)).text;
  assert.doesNotMatch(page, /value="role.admin" checked/, 'the permissions were rolled back');
  assert.doesNotMatch(page, /巡检员改/, 'and the name with them');
  assert.equal((await audits(`entity=role&entity_id=${id}&action=update`)).length, before, 'no audit entry for what was not stored');

  const made = await postForm(sec, '/admin/roles', { code: 'checker', name_zh: '检查员', scope: 'subtree', perms_sent: '1', perm: ['hazard.view', 'org.view'] });
  assert.equal(made.status, 303);
  const entry = (await audits(`entity=role&entity_id=${await roleId('checker')}&action=create`))[0];
  assert.equal(entry.summary, 'code: checker; scope: subtree; permissions: org.view hazard.view', 'in the vocabulary\'s order');
});

test('三权分立: the system administrator cannot reset, edit, unlock or deactivate the other administrators\' accounts', async () => {
  const users = (await api.get('/api/v1/users?per_page=200&active=all')).json.items;
  for (const name of ['auditor', 'anquan']) {
    const u = users.find((x) => x.username === name);
    assert.equal((await admin.get(`/admin/users/${u.id}`)).status, 403, `edit page of ${name}`);
    for (const action of ['reset-password', 'deactivate', 'reactivate', 'unlock']) {
      const r = await admin.post(`/admin/users/${u.id}/${action}`, {});
      assert.equal(r.status, 403, `${action} ${name}`);
      assert.match(r.text, /三权分立/);
    }
    const edit = await postForm(admin, `/admin/users/${u.id}`, { name: '改', unit_id: u.unit_id, roles_sent: '1', roles: ['worker'] });
    assert.equal(edit.status, 403, `form edit of ${name}`);
    assert.equal((await api.request('PATCH', `/api/v1/users/${u.id}`, { json: { name: '改' } })).status, 403);
    assert.equal((await api.postJson(`/api/v1/users/${u.id}/deactivate`, {})).status, 403);
    const after1 = (await api.get(`/api/v1/users/${u.id}`)).json;
    assert.equal(after1.name, u.name, 'unchanged');
    assert.equal(after1.active, true);
    const tried = await audits(`entity=user&entity_id=${u.id}&action=duty_refused&per_page=50`);
    assert.ok(tried.length >= 7, `${name}: refusals audited (${tried.length})`);
    assert.match(tried[0].summary, /caller: system; target: (audit|security)/);
  }
  // a business account is still the system administrator's to manage
  const worker = users.find((x) => x.username === 'u011');
  assert.equal((await admin.get(`/admin/users/${worker.id}`)).status, 200);
  // and the system administrator may not make an existing person an auditor
  const promote = await api.postJson('/api/v1/users', { username: 'probe_aud', name: '探', unit_id: worker.unit_id, roles: ['worker', 'auditor'] });
  assert.equal(promote.status, 422);
});

test('API tokens never cross administrator kinds: not carried, not listed, not revoked', async () => {
  // the security administrator makes a token for their own integration
  const mine = await postForm(sec, '/admin/tokens', { name: '安全同步', perm: ['role.admin', 'user.view'] });
  assert.equal(mine.status, 201);
  const raw = /id="new-token">([0-9a-f]+)</.exec(mine.text)[1];
  const other = await postForm(sec, '/admin/tokens', { name: '越权', perm: ['user.admin'] });
  assert.equal(other.status, 422, 'a token carries only its owner\'s permissions');
  // the system administrator neither sees nor revokes it
  const list = await admin.get('/admin/tokens');
  assert.doesNotMatch(list.text, /安全同步/);
  const id = /action="\/admin\/tokens\/(\d+)\/revoke"/.exec((await sec.get('/admin/tokens')).text)[1];
  const revoke = await admin.post(`/admin/tokens/${id}/revoke`, {});
  assert.equal(revoke.status, 403);
  const t = new Client(srv.url);
  t.bearer = raw;
  assert.equal((await t.get('/api/v1/users?per_page=1')).status, 200, 'still alive');
  assert.equal((await t.get('/api/v1/audit')).status, 403);
  assert.equal((await sec.post(`/admin/tokens/${id}/revoke`, {})).status, 303, 'its owner\'s kind revokes it');
  assert.equal((await t.get('/api/v1/users?per_page=1')).status, 401);
});

test('positions: list and create', async () => {
  const bad = await admin.post('/admin/positions', { name: '' });
  assert.equal(bad.status, 422);
  assert.equal((await admin.post('/admin/positions', { name: '巡检工' })).status, 303);
  assert.match((await admin.get('/admin/positions')).text, /巡检工/);
  assert.equal((await admin.post('/admin/positions', { name: '巡检工' })).status, 422, 'no duplicates');
});

test('role preview shows a worker\'s navigation, refuses writes, and exit restores', async () => {
  const c = srv.client();
  await c.login('anquan');
  const before1 = await c.get('/');
  assert.match(before1.text, /href="\/admin"/);
  const worker = await roleId('worker');
  const start = await c.post('/admin/preview', { role_id: worker, unit_id: unitIds['合成一车间甲班'] });
  assert.equal(start.status, 303);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /preview-banner/);
  assert.match(home.text, /href="\/hazards\/new"/);
  assert.doesNotMatch(home.text, /<a href="\/admin"/);
  assert.match(home.text, /合成一车间甲班/);
  assert.equal((await c.get('/admin/units')).status, 403, 'the worker cannot see units');
  const write = await c.post('/inbox/read', {});
  assert.equal(write.status, 403);
  assert.match(write.text, /只读/);
  assert.equal((await c.post('/admin/units', { parent_id: 2, name: 'x', kind: 'team' })).status, 403);
  const exit = await c.post('/admin/preview/exit', {});
  assert.equal(exit.status, 303);
  const back = await c.get('/');
  assert.doesNotMatch(back.text, /preview-banner/);
  assert.match(back.text, /href="\/admin"/);
  assert.equal((await c.get('/admin/roles')).status, 200);
  const actions = (await audits('entity=role')).map((e) => e.action);
  assert.ok(actions.includes('preview_start') && actions.includes('preview_end'));
  // only the security administrator may start one
  const w = srv.client();
  await w.login('zongjian');
  assert.equal((await w.post('/admin/preview', { role_id: worker, unit_id: 2 })).status, 403);
  assert.equal((await admin.post('/admin/preview', { role_id: worker, unit_id: 2 })).status, 403, 'not the system administrator');
  // and never as another administrator: the auditor's role is neither offered nor accepted
  const auditorRole = await roleId('auditor');
  const offered = /<select name="role_id"[^>]*>(.*?)<\/select>/.exec((await c.get('/admin/preview')).text)[1];
  assert.doesNotMatch(offered, new RegExp(`<option value="${auditorRole}">`));
  assert.doesNotMatch(offered, new RegExp(`<option value="${await roleId('sysadmin')}">`));
  assert.match(offered, new RegExp(`<option value="${worker}">`));
  const asAuditor = await c.post('/admin/preview', { role_id: auditorRole, unit_id: unitIds['总经理办公室'] });
  assert.equal(asAuditor.status, 422);
  assert.match(asAuditor.text, /三权分立/);
  assert.doesNotMatch((await c.get('/')).text, /preview-banner/);
  assert.equal((await c.get('/audit')).status, 403);
});

test('API tokens: shown once, limited to their permissions, dead after revoke', async () => {
  const notMine = await postForm(admin, '/admin/tokens', { name: 'HR 同步', perm: ['user.view', 'audit.read'] });
  assert.equal(notMine.status, 422);
  assert.match(notMine.text, /id="err-permissions"/);
  const past = await postForm(admin, '/admin/tokens', { name: 'HR 同步', perm: ['user.view'], expires: '2001-01-01' });
  assert.equal(past.status, 422);
  assert.match(past.text, /id="err-expires"/);

  const made = await postForm(admin, '/admin/tokens', { name: 'HR 同步', perm: ['user.view', 'org.view'], expires: '2099-12-31' });
  assert.equal(made.status, 201, made.text.match(/field-error[^<]*<|notice-error[^<]*</g)?.join(' '));
  const token = /id="new-token">([0-9a-f]+)</.exec(made.text)[1];
  assert.equal(token.length, 64);
  const list = await admin.get('/admin/tokens');
  assert.match(list.text, /HR 同步/);
  assert.ok(!list.text.includes(token), 'the list never shows the token');

  const sys = new Client(srv.url);
  sys.bearer = token;
  assert.equal((await sys.get('/api/v1/users?per_page=1')).status, 200);
  assert.equal((await sys.get('/api/v1/units')).status, 200);
  const write = await sys.postJson('/api/v1/units', { parent_id: 2, name: '令牌单位', kind: 'workshop' });
  assert.equal(write.status, 403, 'org.admin was not given to the token');
  assert.equal((await sys.get('/api/v1/audit')).status, 403);

  const id = /action="\/admin\/tokens\/(\d+)\/revoke"/.exec(list.text)[1];
  assert.equal((await admin.post(`/admin/tokens/${id}/revoke`, {})).status, 303);
  const after1 = await sys.get('/api/v1/users');
  assert.equal(after1.status, 401);
  assert.ok((await audits('entity=api_token')).map((e) => e.action).includes('revoke'));
});
