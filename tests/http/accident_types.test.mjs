// tests/http/accident_types.test.mjs — the two editions of GB 6441 accident types (issue 20):
// new reports offer GB 6441-2025's 27 types by default; the setting accident.type_edition
// (set on the escalation page, audited) switches new reports to GB 6441-1986; a type of the
// other edition is refused naming type_code; incidents keep the type they were reported with
// and the statistics count each type under its own edition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow } from './lib.mjs';

let srv, worker, officer, principal, director, auditor, area;

before(async () => {
  srv = await startServer();
  await setClock(srv, (await serverNow(srv)) + 600);
  worker = srv.client();
  await worker.login('yuangong');
  officer = srv.client();
  await officer.apiLogin('ws1anquan');
  principal = srv.client();
  await principal.login('zhuren');
  director = srv.client();
  await director.apiLogin('zongjian');
  auditor = srv.client();
  await auditor.apiLogin('auditor');
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// the codes the report form's type list offers
async function offered() {
  const form = await worker.get('/incidents/new');
  assert.equal(form.status, 200);
  area ??= /<option value="(\d+)">合成一车间 反应釜区<\/option>/.exec(form.text)[1];
  const select = /<select name="type_code"[^]*?<\/select>/.exec(form.text)[0];
  return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
}
const report = (type_code, what) =>
  officer.postJson('/api/v1/incidents', { kind: 'near_miss', what, area_id: Number(area), type_code });
const byType = async () => (await director.get('/api/v1/incidents/stats')).json.by_type;

test('new reports offer GB 6441-2025 by default; the setting switches them to 1986, audited; the other edition is refused naming type_code; both count under their own edition', async () => {
  let codes = await offered();
  assert.equal(codes.length, 27, codes.join());
  assert.deepEqual([codes[0], codes[26]], ['2025-01', '2025-27']);
  assert.equal((await director.get('/api/v1/incidents/escalation')).json.type_edition, '2025');
  assert.equal(await worker.get('/incidents/new').then((r) => /<option value="2025-18">粉尘爆炸<\/option>/.test(r.text)), true);

  // a 1986 type is refused for a new report while 2025 is in force
  let r = await report('1986-15', '井下瓦斯浓度超限');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'type_code');

  // a 2025 type is stored and counted under 2025
  r = await report('2025-18', '除尘器积灰未清理，险些引燃');
  assert.equal(r.status, 201, r.text);
  assert.equal((await officer.get(`/api/v1/incidents/${r.json.id}`)).json.type_code, '2025-18');
  let dust = (await byType()).find((t) => t.code === '2025-18');
  assert.deepEqual(dust, { type: '粉尘爆炸', code: '2025-18', edition: '2025', accidents: 0, near_misses: 1 });

  // only those who report to the authority change the setting; a value outside the list is refused
  assert.equal((await officer.postJson('/api/v1/incidents/escalation', { type_edition: '1986' })).status, 403);
  r = await director.postJson('/api/v1/incidents/escalation', { type_edition: '2019' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'type_edition');

  // the principal switches to 1986 on the escalation page's form
  const page = await principal.get('/incidents/escalation');
  assert.match(page.text, /<select name="type_edition" required><option value="2025" selected>/);
  r = await principal.post('/incidents/escalation', { type_edition: '1986' });
  assert.equal(r.status, 303, r.text);
  assert.match((await principal.get('/incidents/escalation')).text, /<option value="1986" selected>/);
  const audit = (await auditor.get('/api/v1/audit?action=accident.type_edition')).json.items;
  assert.equal(audit[0]?.summary, '2025 → 1986', JSON.stringify(audit));

  codes = await offered();
  assert.equal(codes.length, 20, codes.join());
  assert.deepEqual([codes[0], codes[19]], ['1986-01', '1986-20']);
  r = await report('2025-16', '管廊可燃气体报警');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'type_code');
  // the phone form keeps what was typed and names the field
  r = await worker.post('/incidents', { kind: 'near_miss', what: '管廊可燃气体报警', area_id: area, type_code: '2025-16' });
  assert.equal(r.status, 422);
  assert.match(r.text, /value="管廊可燃气体报警"/);
  assert.match(r.text, /不属于本单位现行采用的事故分类标准版本/);
  r = await report('1986-15', '井下瓦斯浓度超限');
  assert.equal(r.status, 201, r.text);
  const old = r.json.id;

  // back to 2025: the 1986 incident keeps its type and still counts, under 1986, beside the 2025 one
  r = await director.postJson('/api/v1/incidents/escalation', { type_edition: '2025' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.type_edition, '2025');
  assert.equal((await offered()).length, 27);
  assert.equal((await officer.get(`/api/v1/incidents/${old}`)).json.type_code, '1986-15');
  const rows = await byType();
  assert.deepEqual(rows.find((t) => t.code === '1986-15'),
    { type: '瓦斯爆炸', code: '1986-15', edition: '1986', accidents: 0, near_misses: 1 });
  dust = rows.find((t) => t.code === '2025-18');
  assert.equal(dust.near_misses, 1);
  assert.ok(rows.findIndex((t) => t.edition === '1986') > rows.findIndex((t) => t.edition === '2025'),
    'the edition in force comes first');
  const html = (await principal.get('/incidents/stats')).text;
  assert.match(html, /<tr data-type="1986-15"><td>瓦斯爆炸<\/td><td>GB 6441-1986<\/td><td>0<\/td><td>1<\/td><\/tr>/);
  assert.match(html, /<tr data-type="2025-18"><td>粉尘爆炸<\/td><td>GB 6441-2025<\/td><td>0<\/td><td>1<\/td><\/tr>/);
});
