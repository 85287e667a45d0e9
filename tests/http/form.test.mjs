// tests/http/form.test.mjs — the declared-field layer (web/form.c) and the generic record
// pages (web/entity.c): a refused form comes back with status 422, the error under the field
// that failed, and every value the person typed still in its input — for each kind of field
// the ported pages use (text, number, id reference, choice) — and the API names the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
let admin;
let api;
const unitIds = {};

before(async () => {
  srv = await startServer();
  admin = srv.client();
  await admin.login('admin');
  api = srv.client();
  await api.apiLogin('admin');
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
