// tests/http/form.test.mjs — the declared-field layer (web/form.c) and the generic record
// pages (web/entity.c): a refused form comes back with status 422, the error under the field
// that failed, and every value the person typed still in its input — for each kind of field
// the ported pages use (text, number, id reference, choice, list) — and the API names the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
let admin;
let api;
let sec;	// the security administrator: roles are theirs
const unitIds = {};

before(async () => {
  srv = await startServer();
  admin = srv.client();
  await admin.login('admin');
  api = srv.client();
  await api.apiLogin('admin');
  sec = srv.client();
  await sec.login('anquan');
  for (const u of (await api.get('/api/v1/units')).json.items) unitIds[u.name] = u.id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// The value of the input or the selected option of a <select> named `name`.
const inputValue = (html, name) => {
  const m = new RegExp(`<input name="${name}" value="([^"]*)"`).exec(html);
  return m ? m[1] : null;
};
// A form POST whose array values become repeated fields, as checkboxes send them.
const postForm = (c, path, fields) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ _csrf: c.csrf, ...fields })) {
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, String(x));
  }
  return c.request('POST', path, { body: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
};
// The values of the ticked checkboxes named `name`.
const ticked = (html, name) => [...html.matchAll(new RegExp(`<input type="checkbox" name="${name}" value="([^"]*)" checked>`, 'g'))].map((m) => m[1]);
const selected = (html, name) => {
  const sel = new RegExp(`<select name="${name}"[^>]*>(.*?)</select>`, 's').exec(html);
  const m = sel && /<option value="([^"]*)" selected>/.exec(sel[1]);
  return m ? m[1] : null;
};

test('area (text, id, numbers): a number out of range re-renders with the error under it and the values kept', async () => {
  const unit = unitIds['精馏车间'];
  const r = await admin.post('/admin/areas', { name: '东 <罐区>', unit_id: unit, latitude: '31.5', longitude: '200', radius_m: '75' });
  assert.equal(r.status, 422);
  assert.match(r.text, /<input name="longitude" value="200"[^>]*aria-invalid="true" aria-describedby="err-longitude"[^>]*><span class="field-error" id="err-longitude">经度：超出范围/);
  assert.equal(inputValue(r.text, 'name'), '东 &lt;罐区&gt;', 'escaped, and kept');
  assert.equal(inputValue(r.text, 'latitude'), '31.5');
  assert.equal(inputValue(r.text, 'radius_m'), '75');
  assert.equal(selected(r.text, 'unit_id'), String(unit));
  // an edit keeps the typed values too, not the stored ones
  const ok = await admin.post('/admin/areas', { name: '东罐区', unit_id: unit, latitude: '', longitude: '', radius_m: '60' });
  assert.equal(ok.status, 303);
  const edit = await admin.post(ok.location, { name: '东罐区二', unit_id: unit, latitude: '', longitude: '', radius_m: '60.5' });
  assert.equal(edit.status, 422);
  assert.match(edit.text, /id="err-radius_m">范围半径（米）：应为整数/);
  assert.equal(inputValue(edit.text, 'name'), '东罐区二');
  assert.equal(inputValue(edit.text, 'radius_m'), '60.5');
  const api422 = await api.request('PATCH', `/api/v1/areas/${ok.location.split('/').pop()}`, { json: { latitude: 'north' } });
  assert.equal(api422.status, 422);
  assert.equal(api422.json.error.field, 'latitude');
  assert.equal((await api.get(`/api/v1/areas/${ok.location.split('/').pop()}`)).json.name, '东罐区', 'nothing stored');
});

test('unit (choice, id, text): a name too long re-renders with the kind and parent kept', async () => {
  const parent = unitIds['合成一车间'];
  const r = await admin.post('/admin/units', { parent_id: parent, kind: 'department', name: '长'.repeat(65) });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="err-name">单位名称：太长/);
  assert.equal(inputValue(r.text, 'name'), '长'.repeat(65));
  assert.equal(selected(r.text, 'kind'), 'department');
  assert.equal(selected(r.text, 'parent_id'), String(parent));
  const bad = await admin.post('/admin/units', { parent_id: parent, kind: 'castle', name: '城堡' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /id="err-kind"/);
  assert.equal(inputValue(bad.text, 'name'), '城堡');
});

test('position (text): a duplicate name is refused with the name kept', async () => {
  assert.equal((await admin.post('/admin/positions', { name: '司泵工' })).status, 303);
  const r = await admin.post('/admin/positions', { name: '司泵工' });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="err-name">[^<]*已被使用/);
  assert.equal(inputValue(r.text, 'name'), '司泵工');
});

test('user (text, id references, list of roles): a malformed phone re-renders with every value and the ticked roles kept', async () => {
  const unit = unitIds['精馏车间'];
  const base = { username: 'zhao.lei', name: '赵磊 <b>', employee_no: 'JN7001', phone: '139 abc', unit_id: unit, position_id: '', supervisor_id: '1', roles_sent: '1', roles: ['worker', 'ws_safety'] };
  const r = await postForm(admin, '/admin/users', base);
  assert.equal(r.status, 422);
  assert.match(r.text, /id="err-phone">[^<]*手机号/);
  assert.equal(inputValue(r.text, 'username'), 'zhao.lei');
  assert.equal(inputValue(r.text, 'name'), '赵磊 &lt;b&gt;', 'escaped, and kept');
  assert.equal(inputValue(r.text, 'employee_no'), 'JN7001');
  assert.equal(inputValue(r.text, 'phone'), '139 abc');
  assert.equal(selected(r.text, 'unit_id'), String(unit));
  assert.equal(selected(r.text, 'supervisor_id'), '1');
  assert.deepEqual(ticked(r.text, 'roles').sort(), ['worker', 'ws_safety']);
  // no role at all: the list's own error, the other values still kept
  const none = await postForm(admin, '/admin/users', { ...base, phone: '139-0000-7001', roles: [] });
  assert.equal(none.status, 422);
  assert.match(none.text, /id="err-roles">[^<]*必填/);
  assert.equal(inputValue(none.text, 'phone'), '139-0000-7001');
  assert.deepEqual(ticked(none.text, 'roles'), []);
  // an edit keeps what was typed, not what is stored
  const made = await postForm(admin, '/admin/users', { ...base, phone: '', roles: ['worker'] });
  assert.equal(made.status, 201);
  const id = /href="\/admin\/users\/(\d+)"/.exec(made.text)[1];
  const edit = await postForm(admin, `/admin/users/${id}`, { name: '赵磊', employee_no: 'JN7001', phone: 'x', unit_id: unit, position_id: '', supervisor_id: '', roles_sent: '1', roles: ['worker', 'ws_safety'] });
  assert.equal(edit.status, 422);
  assert.equal(inputValue(edit.text, 'name'), '赵磊');
  assert.equal(inputValue(edit.text, 'phone'), 'x');
  assert.deepEqual(ticked(edit.text, 'roles').sort(), ['worker', 'ws_safety']);
  assert.equal((await api.get(`/api/v1/users/${id}`)).json.name, '赵磊 <b>', 'nothing stored');
});

test('role (text, choice, list of permissions): a name too long re-renders with the scope and the ticked permissions kept', async () => {
  const fields = { code: 'patrol', name_zh: '巡'.repeat(65), name_en: 'Patrol', scope: 'subtree', perms_sent: '1', perm: ['hazard.view', 'hazard.report'] };
  const r = await postForm(sec, '/admin/roles', fields);
  assert.equal(r.status, 422);
  assert.match(r.text, /id="err-name_zh">[^<]*太长/);
  assert.equal(inputValue(r.text, 'code'), 'patrol');
  assert.equal(inputValue(r.text, 'name_zh'), '巡'.repeat(65));
  assert.equal(inputValue(r.text, 'name_en'), 'Patrol');
  assert.equal(selected(r.text, 'scope'), 'subtree');
  assert.deepEqual(ticked(r.text, 'perm').sort(), ['hazard.report', 'hazard.view']);
  // a scope that is no choice: the same, on an edit of a stored role
  const ok = await postForm(sec, '/admin/roles', { ...fields, name_zh: '巡查' });
  assert.equal(ok.status, 303);
  const page = await sec.get('/admin/roles');
  const row = page.text.split('<tr ').find((tr) => tr.includes('<code>patrol</code>'));
  const id = /data-role-id="(\d+)"/.exec(row)[1];
  const edit = await postForm(sec, `/admin/roles/${id}`, { name_zh: '巡查二', name_en: '', scope: 'planet', perms_sent: '1', perm: ['hazard.view'] });
  assert.equal(edit.status, 422);
  assert.match(edit.text, /id="err-scope"/);
  assert.equal(inputValue(edit.text, 'name_zh'), '巡查二');
  assert.equal(inputValue(edit.text, 'name_en'), '');
  assert.deepEqual(ticked(edit.text, 'perm'), ['hazard.view']);
  assert.equal(inputValue((await sec.get(`/admin/roles/${id}`)).text, 'name_zh'), '巡查', 'nothing stored');
});

test('API token (text, day, list of permissions): an expiry in the past re-renders with the name, day and ticked permissions kept', async () => {
  const r = await postForm(admin, '/admin/tokens', { name: 'MES 同步', perm: ['user.view', 'org.view'], expires: '2001-01-01' });
  assert.equal(r.status, 422);
  assert.match(r.text, /id="err-expires"/);
  assert.equal(inputValue(r.text, 'name'), 'MES 同步');
  assert.equal(inputValue(r.text, 'expires'), '2001-01-01');
  assert.deepEqual(ticked(r.text, 'perm').sort(), ['org.view', 'user.view']);
  assert.doesNotMatch(r.text, /id="new-token"/, 'nothing made');
});
