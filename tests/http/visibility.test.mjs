// tests/http/visibility.test.mjs — who may read a hazard (HAZARD_VISIBLE_SQL, src/hazard/hazard.h)
// and who may be chosen for a step: a team leader keeps sight of the hazard he dispatched to
// another team and sees his own team's hazards filed under other workshops (list, count, detail
// page, API agree); a worker of another team still gets 404; a rectifier without the rectify
// permission and a guardian without permit.guard are refused when chosen (422 naming the field).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serverNow, runSql } from './lib.mjs';

let srv, meta, jpeg;
const clients = {};

async function as(username) {
  if (!clients[username]) {
    const c = srv.client();
    await c.apiLogin(username);
    c.me = (await c.get('/api/v1/me')).json;
    clients[username] = c;
  }
  return clients[username];
}

// one username of the demo's people placed in team `unit` (units.name) holding role `role`
function personIn(unit, role) {
  return runSql(srv.dir,
    `SELECT u.username FROM users u JOIN units un ON un.id = u.unit_id JOIN user_roles ur ON ur.user_id = u.id
     JOIN roles ro ON ro.id = ur.role_id WHERE un.name = '${unit}' AND ro.code = '${role}' AND u.active = 1
     ORDER BY u.id LIMIT 1;`);
}

const area = (name) => meta.areas.find((a) => a.name === name).id;
const cat = (code) => meta.categories.find((c) => c.code === code).id;

async function report(username, fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  const r = await (await as(username)).request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const act = async (username, id, action, fields = {}) =>
  (await as(username)).postJson(`/api/v1/hazards/${id}/${action}`, fields);

async function listIds(username, query = '') {
  const r = await (await as(username)).get(`/api/v1/hazards?per_page=200${query}`);
  assert.equal(r.status, 200, r.text);
  return { ids: r.json.items.map((i) => i.id), total: r.json.total };
}

before(async () => {
  srv = await startServer();
  const safety = await as('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(res.status, 200);
  jpeg = Buffer.from(await res.arrayBuffer());
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the team leader accepts and dispatches a hazard to another team and can still open it', async () => {
  // reported by the workshop's safety officer in the workshop's area: dispatched to banzhang
  const h = await report('ws1anquan', { area_id: area('合成一车间 反应釜区'), category_id: cat('mechanical'),
    description: '投料口格栅松动' });
  const banzhang = await as('banzhang');
  assert.equal(h.assignee_id, banzhang.me.id);
  const other = await as(personIn('合成一车间维修班', 'worker'));	// the maintenance team's worker
  const r = await act('banzhang', h.id, 'accept', { assignee_id: other.me.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.assignee_id, other.me.id);
  // no longer the assignee, not the reporter, the hazard filed under the workshop: he acted on it
  assert.equal((await banzhang.get(`/api/v1/hazards/${h.id}`)).status, 200);
  const page = srv.client();
  await page.login('banzhang');
  const detail = await page.get(`/hazards/${h.id}`);
  assert.equal(detail.status, 200);
  assert.match(detail.text, /投料口格栅松动/);
  assert.ok((await listIds('banzhang')).ids.includes(h.id), 'in his list too');
  // a worker of a team in another workshop, not involved: still 404, and not in his list
  const stranger = await as(personIn('合成二车间甲班', 'worker'));
  assert.equal((await stranger.get(`/api/v1/hazards/${h.id}`)).status, 404);
  assert.ok(!(await listIds(stranger.me.username)).ids.includes(h.id));
});

test('the team leader sees hazards his team reported elsewhere, in the list and its count', async () => {
  const before = await listIds('banzhang', '&status=open');
  // his worker reports in another workshop's area: filed under that workshop, dispatched there
  const h = await report('yuangong', { area_id: area('合成二车间 离心机房'), category_id: cat('mechanical'),
    description: '离心机地脚螺栓松动' });
  const banzhang = await as('banzhang');
  assert.notEqual(h.assignee_id, banzhang.me.id);
  const after = await listIds('banzhang', '&status=open');
  assert.ok(after.ids.includes(h.id), 'his team member\'s report is in his list');
  assert.equal(after.total, before.total + 1, 'and in the count');
  assert.equal((await banzhang.get(`/api/v1/hazards/${h.id}`)).status, 200);
  // a worker of another team does not see it
  const stranger = await as(personIn('合成一车间乙班', 'worker'));
  assert.equal((await stranger.get(`/api/v1/hazards/${h.id}`)).status, 404);
  assert.ok(!(await listIds(stranger.me.username)).ids.includes(h.id));
});

test('the team leader\'s home counts his team\'s open hazards by the same rule as his list', async () => {
  const page = srv.client();
  await page.login('banzhang');
  const home = await page.get('/');
  assert.equal(home.status, 200);
  // the card "本班组未闭环隐患 · <team>": its first figure links to the open list
  const m = /href="\/hazards\?status=open"><span class="kpi-name">[^<]*<\/span><strong class="kpi-val">(\d+)</.exec(home.text);
  assert.ok(m, 'the team card links its count to the open list');
  const list = await listIds('banzhang', '&status=open');
  assert.ok(list.total > 0, 'his team has open hazards');
  assert.equal(Number(m[1]), list.total, 'the home count is the list count');
});

test('a rectifier without the rectify permission is refused when chosen (accept, reassign)', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 投料平台'), category_id: cat('mechanical'),
    description: '平台护栏缺一段' });
  const hr = await as('renshi');	// HR: no hazard.rectify
  let r = await act('banzhang', h.id, 'accept', { assignee_id: hr.me.id });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'assignee_id');
  let now = (await (await as('banzhang')).get(`/api/v1/hazards/${h.id}`)).json;
  assert.equal(now.status, 'reported', 'nothing changed');
  assert.notEqual(now.assignee_id, hr.me.id);
  // a worker can rectify: accepted
  const worker = await as('yuangong');
  r = await act('banzhang', h.id, 'accept', { assignee_id: worker.me.id });
  assert.equal(r.status, 200, r.text);
  r = await act('banzhang', h.id, 'reassign', { assignee_id: hr.me.id, note: '换人' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'assignee_id');
  now = (await (await as('banzhang')).get(`/api/v1/hazards/${h.id}`)).json;
  assert.equal(now.assignee_id, worker.me.id, 'still the worker');
});

test('the rectifier to choose is one of the hazard\'s plant, not of another plant of the group', async () => {
  // a second plant under the group, with a worker who holds the rectify permission
  const workerRole = runSql(srv.dir, `SELECT ur.role_id FROM user_roles ur JOIN users u ON u.id = ur.user_id
    WHERE u.username = 'yuangong' ORDER BY ur.role_id LIMIT 1;`);
  runSql(srv.dir, `INSERT INTO units (parent_id, name, kind, path, created_at)
      SELECT id, '另一分厂', 'company', '', 0 FROM units WHERE kind = 'group' ORDER BY id LIMIT 1;
    UPDATE units SET path = (SELECT p.path FROM units p WHERE p.id = units.parent_id) || id || '/' WHERE name = '另一分厂';
    INSERT INTO users (username, name, unit_id, password_hash, created_at, updated_at)
      SELECT 'other_plant_fitter', '别厂钳工', id, 'x', 0, 0 FROM units WHERE name = '另一分厂';
    INSERT INTO user_roles (user_id, role_id) SELECT id, ${workerRole} FROM users WHERE username = 'other_plant_fitter';`);
  const h = await report('yuangong', { area_id: area('合成一车间 投料平台'), category_id: cat('mechanical'),
    description: '阀门手轮缺失' });
  const page = srv.client();
  await page.login('anhuan');
  const r = await page.get(`/hazards/${h.id}`);
  assert.equal(r.status, 200);
  const select = r.text.match(/<select name="assignee_id">([\s\S]*?)<\/select>/);
  assert.ok(select, 'the accept form offers a rectifier');
  assert.ok(select[1].includes('>' + (await as('yuangong')).me.name + ' · '), 'this plant\'s worker is offered');
  assert.ok(!select[1].includes('别厂钳工'), 'another plant\'s worker is not');
  const other = runSql(srv.dir, "SELECT id FROM users WHERE username = 'other_plant_fitter';");
  assert.ok(!select[1].includes(`value="${other}"`));
});

test('a guardian without permit.guard is refused when the permit is saved', async () => {
  const c = await as('ws1anquan');
  const opt = (await c.get('/api/v1/permits/options')).json;
  const uid = (u) => opt.people.find((p) => p.username === u).id;
  const cat = (await c.get('/api/v1/permits/catalogue')).json;
  const type = cat.types.find((t) => t.code === 'temp_power');
  const t0 = Math.floor((await serverNow(srv)) / 3600) * 3600 + 48 * 3600;
  const body = (guardian) => ({ type: 'temp_power', area_id: area('合成一车间 投料平台'), content: '临时照明接线',
    planned_start: t0, planned_end: t0 + 4 * 3600, guardian_id: uid(guardian),
    measures: type.measures.map((m) => ({ measure_id: m.id, confirmed_by: uid('ws1anquan') })) });
  const count = async () => (await c.get('/api/v1/permits?per_page=200')).json.total;
  const n = await count();
  let r = await c.postJson('/api/v1/permits', body('banzhang'));	// a team leader may not guard
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'guardian_id');
  assert.match(r.json.error.message, /监护权限|guard/);
  assert.equal(await count(), n, 'nothing stored');
  r = await c.postJson('/api/v1/permits', body('ws1anquan'));
  assert.ok(r.status === 201 || r.status === 200, r.text);
});
