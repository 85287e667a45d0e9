// tests/http/form_equip.test.mjs — the special equipment and certificate person forms on the
// declared-field layer (web/form.c, web/entity.c): a refused form comes back with the error
// under the field that failed and every value the person typed still in its input (a day, a
// choice drawn from the database, an id reference, text), and the API names the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
let page;
let api;
let unit;

before(async () => {
  srv = await startServer();
  page = srv.client();
  await page.login('shebei');
  api = srv.client();
  await api.apiLogin('shebei');
  unit = (await api.get('/api/v1/equipment/1')).json.unit_id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const inputValue = (html, name) => {
  const m = new RegExp(`<input name="${name}" value="([^"]*)"`).exec(html);
  return m ? m[1] : null;
};
const selected = (html, name) => {
  const sel = new RegExp(`<select name="${name}"[^>]*>(.*?)</select>`, 's').exec(html);
  const m = sel && /<option value="([^"]*)" selected>/.exec(sel[1]);
  return m ? m[1] : null;
};

const device = (over) => ({ code: 'FE-T1', name: '3t 电动葫芦', kind: 'crane', unit_id: String(unit), reg_no: '起17苏A0001(26)',
  location: '成品仓库', responsible: 'banzhang', last_inspection_on: '2026-01-10', next_inspection_on: '', interval_months: '',
  safety_grade: '', ...over });

test('equipment (day, choice): a bad next inspection date re-renders with the kind and every value kept', async () => {
  const r = await page.post('/equipment/new', device({ next_inspection_on: '2026-02-30' }));
  assert.equal(r.status, 400);
  assert.match(r.text, /<input name="next_inspection_on" value="2026-02-30" type="date"[^>]*aria-invalid="true"[^>]*><span class="field-error" id="err-next_inspection_on">下次检验日期：日期无效/);
  assert.equal(selected(r.text, 'kind'), 'crane');
  assert.equal(selected(r.text, 'unit_id'), String(unit));
  assert.equal(inputValue(r.text, 'name'), '3t 电动葫芦');
  assert.equal(inputValue(r.text, 'last_inspection_on'), '2026-01-10');
  assert.equal(inputValue(r.text, 'responsible'), 'banzhang');
  assert.match(r.text, /action="\/equipment\/new"/);
  // a kind not in the catalogue is refused under the kind, with the date kept
  const forged = await page.post('/equipment/new', device({ kind: 'castle' }));
  assert.equal(forged.status, 400);
  assert.match(forged.text, /id="err-kind"/);
  assert.equal(inputValue(forged.text, 'last_inspection_on'), '2026-01-10');
  // stored, then an edit that fails keeps the typed values, not the stored ones
  const ok = await page.post('/equipment/new', device());
  assert.equal(ok.status, 303);
  const id = ok.location.split('/').pop();
  const edit = await page.get(`/equipment/${id}/edit`);
  assert.equal(selected(edit.text, 'kind'), 'crane');
  assert.equal(inputValue(edit.text, 'next_inspection_on'), '2027-01-10', 'cranes yearly by default');
  assert.match(edit.text, new RegExp(`action="/equipment/${id}/edit"`));
  const bad = await page.post(`/equipment/${id}/edit`, device({ kind: 'forklift', responsible: 'nobody-here', next_inspection_on: '2027-03-01' }));
  assert.equal(bad.status, 400);
  assert.match(bad.text, /id="err-responsible">安全管理负责人：/);
  assert.equal(selected(bad.text, 'kind'), 'forklift');
  assert.equal(inputValue(bad.text, 'next_inspection_on'), '2027-03-01');
  assert.equal((await api.get(`/api/v1/equipment/${id}`)).json.kind, 'crane', 'nothing stored');
  const saved = await page.post(`/equipment/${id}/edit`, device({ kind: 'forklift', next_inspection_on: '2027-03-01' }));
  assert.equal(saved.status, 303);
  assert.equal(saved.location, `/equipment/${id}`);
  const now = (await api.get(`/api/v1/equipment/${id}`)).json;
  assert.equal(now.kind, 'forklift');
  assert.equal(now.next_inspection_on, '2027-03-01');
  // the API names the field
  const j = await api.postJson(`/api/v1/equipment/${id}`, { safety_grade: 9 });
  assert.equal(j.status, 400);
  assert.equal(j.json.error.field, 'safety_grade');
});

test('person (text, id): an unknown account re-renders with the error under it and the values kept', async () => {
  const hr = srv.client();
  await hr.login('renshi');
  const hrApi = srv.client();
  await hrApi.apiLogin('renshi');
  const someone = (await hrApi.get('/api/v1/persons')).json.items.find((p) => p.user_id);
  const person = { name: '陈 <焊工>', employee_no: 'T-0091', id_no: '320102199001019999', employer: '宁安检修公司',
    username: 'no-such-account', unit_id: String(someone.unit_id) };
  const r = await hr.post('/persons/new', person);
  assert.equal(r.status, 400);
  assert.match(r.text, /<input name="username" value="no-such-account"[^>]*aria-invalid="true"[^>]*><span class="field-error" id="err-username">关联账号/);
  assert.equal(inputValue(r.text, 'name'), '陈 &lt;焊工&gt;', 'escaped, and kept');
  assert.equal(inputValue(r.text, 'employee_no'), 'T-0091');
  assert.equal(inputValue(r.text, 'employer'), '宁安检修公司');
  assert.equal(selected(r.text, 'unit_id'), String(someone.unit_id));
  assert.match(r.text, /action="\/persons\/new"/);
  const long = await hr.post('/persons/new', { ...person, username: '', name: '长'.repeat(51) });
  assert.equal(long.status, 400);
  assert.match(long.text, /id="err-name">姓名：太长/);
  assert.equal(inputValue(long.text, 'id_no'), '320102199001019999');
  // an account belongs to one person: the second link is refused by the API, naming the field
  const first = await hrApi.postJson('/api/v1/persons', { name: '审计员', unit_id: someone.unit_id, username: 'auditor' });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.json.user_id > 0, true);
  const again = await hrApi.postJson('/api/v1/persons', { name: '重复', unit_id: someone.unit_id, username: 'auditor' });
  assert.equal(again.status, 400);
  assert.equal(again.json.error.field, 'username');
  assert.match(again.json.error.message, /已关联其他人员/);
  const ok = await hr.post('/persons/new', { ...person, username: '' });
  assert.equal(ok.status, 303);
  assert.match(ok.location, /^\/persons\/\d+$/);
  const made = (await hrApi.get(`/api/v1/persons/${ok.location.split('/').pop()}`)).json;
  assert.equal(made.name, '陈 <焊工>');
  assert.equal(made.contractor, true);
});
