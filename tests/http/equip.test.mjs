// tests/http/equip.test.mjs — special equipment: states and overdue counts, warnings at 60
// and 30 days and when overdue (once each, to the responsible person and the equipment
// managers), an inspection moving the due date by the kind's interval, pages and permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, tick } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const at = (iso) => Date.parse(`${iso}T12:00:00+08:00`) / 1000;
async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

test('the demo registry has devices in every state, and overdue ones are counted', async () => {
  const c = await api('shebei');
  const r = await c.get('/api/v1/equipment');
  assert.equal(r.status, 200);
  const states = new Set(r.json.items.map((x) => x.state));
  for (const s of ['ok', 'due60', 'due30', 'overdue']) assert.ok(states.has(s), s);
  assert.equal(r.json.counts.overdue, 2);
  assert.ok(r.json.items.every((x) => x.special));
  const overdue = await c.get('/api/v1/equipment?state=overdue');
  assert.deepEqual(overdue.json.items.map((x) => x.code).sort(), ['C-301', 'CC-01']);
  const page = srv.client();
  await page.login('shebei');
  const list = await page.get('/equipment');
  assert.equal(list.status, 200);
  assert.match(list.text, /data-count="overdue">已超期 2</);
  assert.match(list.text, /class="badge bad" data-state="overdue"/);
});

test('warnings at 60 and 30 days and when overdue, once each; an inspection moves the due date', async () => {
  const count = async (user, code) => {
    const c = await api(user);
    return (await c.get('/api/v1/inbox')).json.items.filter((n) => n.title.includes(code)).length;
  };
  try {
    await setClock(srv, at('2027-01-01'));
    const m = await api('shebei');
    const units = await m.get('/api/v1/equipment/1');
    const d = await m.postJson('/api/v1/equipment', { code: 'CC-T9', name: '测试叉车', kind: 'forklift',
      unit_id: units.json.unit_id, reg_no: '车11苏A09999(27)', responsible: 'banzhang',
      last_inspection_on: '2026-06-30' });
    assert.equal(d.status, 201, d.text);
    assert.equal(d.json.next_inspection_on, '2027-06-30', 'forklifts yearly by default');
    const steps = [['2027-04-30', 0], ['2027-05-01', 1], ['2027-05-01', 1], ['2027-05-31', 2], ['2027-06-30', 2],
      ['2027-07-01', 3], ['2027-07-02', 3]];
    for (const [day, want] of steps) {
      await setClock(srv, at(day));
      await tick(srv);
      assert.equal(await count('banzhang', 'CC-T9'), want, `responsible on ${day}`);
      assert.equal(await count('shebei', 'CC-T9'), want, `equipment manager on ${day}`);
    }
    assert.equal(await count('renshi', 'CC-T9'), 0);
    let c = await api('shebei');
    assert.equal((await c.get(`/api/v1/equipment/${d.json.id}`)).json.state, 'overdue');
    // the inspection: next due a year on; a report date wins when given
    const ins = await c.postJson(`/api/v1/equipment/${d.json.id}/inspections`, { inspected_on: '2027-07-02',
      result: 'pass', agency: '江苏省特种设备安全监督检验研究院', report_no: 'CC-2027-001' });
    assert.equal(ins.status, 201, ins.text);
    assert.equal(ins.json.next_inspection_on, '2028-07-02');
    assert.equal(ins.json.last_inspection_on, '2027-07-02');
    assert.equal(ins.json.state, 'ok');
    assert.equal(ins.json.inspections[0].report_no, 'CC-2027-001');
    const mt = await c.postJson(`/api/v1/equipment/${d.json.id}/maintenance`, { done_on: '2027-07-02',
      description: '更换制动片', done_by: '维修班' });
    assert.equal(mt.status, 201);
    assert.equal(mt.json.maintenance[0].description, '更换制动片');
    // an inspection in the future is refused
    const future = await c.postJson(`/api/v1/equipment/${d.json.id}/inspections`, { inspected_on: '2030-01-01', result: 'pass' });
    assert.equal(future.status, 400);
    assert.equal(future.json.error.field, 'inspected_on');
    // a pressure vessel's interval follows its safety grade (TSG 21-2016): grade 2 → 6 years
    const pv = await c.postJson('/api/v1/equipment', { code: 'V-T9', name: '测试储气罐', kind: 'pressure_vessel',
      unit_id: units.json.unit_id, safety_grade: 2, last_inspection_on: '2027-01-01' });
    assert.equal(pv.json.next_inspection_on, '2033-01-01');
    const dup = await c.postJson('/api/v1/equipment', { code: 'V-T9', name: 'x', kind: 'boiler', unit_id: units.json.unit_id });
    assert.equal(dup.status, 409);
  } finally {
    await setClock(srv, 0);
  }
});

test('pages: detail, add and record forms; permissions', async () => {
  const c = srv.client();
  await c.login('shebei');
  const list = await (await api('shebei')).get('/api/v1/equipment');
  const id = list.json.items.find((x) => x.code === 'C-301').id;
  const page = await c.get(`/equipment/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /1#精馏塔/);
  assert.match(page.text, /action="\/equipment\/\d+\/inspections"/);
  let r = await c.post(`/equipment/${id}/maintenance`, { done_on: '2026-01-05', description: '安全阀校验', done_by: '' });
  assert.equal(r.status, 303);
  assert.match((await c.get(`/equipment/${id}`)).text, /安全阀校验/);
  assert.equal((await c.get('/equipment/new')).status, 200);
  r = await c.post('/equipment/new', { code: 'QZ-T1', name: '2t电动葫芦', kind: 'crane', unit_id: String(list.json.items[0].unit_id), reg_no: '', location: '仓库',
    responsible: '', last_inspection_on: '2026-01-10', next_inspection_on: '', interval_months: '', safety_grade: '' });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  r = await c.post('/equipment/new', { code: '', name: 'x', kind: 'crane', unit_id: String(list.json.items[0].unit_id) });
  assert.equal(r.status, 400);
  // HR and workers have no equip.view; a team leader may look but not change
  const hr = srv.client();
  await hr.login('renshi');
  assert.equal((await hr.get('/equipment')).status, 403);
  const tl = srv.client();
  await tl.login('banzhang');
  assert.equal((await tl.get('/equipment')).status, 200);
  assert.equal((await tl.get('/equipment/new')).status, 403);
});
