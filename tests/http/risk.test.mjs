// tests/http/risk.test.mjs — risk grading and control over HTTP: the chain (object → analysis
// unit → event → measure) through the API with bad input naming its field, versioned
// assessment with the safety department's approval for 重大/较大 and 重大 only at company
// level, scope per role, hazards sending their risk back for re-assessment (3 of one accident
// type on one object in 30 days) with a deadline and escalation by the moved clock, closing
// refused while measures point at a risk (deactivate instead, audited), 岗位风险告知, and the
// register page with counts by colour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick, runSql } from './lib.mjs';

let srv, jpeg, meta, safety, t0;
const ids = {};

async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

before(async () => {
  srv = await startServer();
  safety = await api('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  jpeg = Buffer.from(await res.arrayBuffer());
  t0 = await serverNow(srv);
  await setClock(srv, t0);
  // the demo's hazards are scanned before this test's chain exists: the job scans 200 a run,
  // so tick until it has reached the last one (the demo has more than 200)
  const caughtUp = () => Number(runSql(srv.dir, "SELECT value FROM settings WHERE key = 'risk.hazard_scan_after'"))
    >= Number(runSql(srv.dir, 'SELECT max(id) FROM hazards'));
  for (let i = 0; i < 50; i++) {
    await tick(srv);
    if (caughtUp()) break;
  }
  assert.ok(caughtUp(), "the risk job's scan reached the demo's last hazard");
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const area = (name) => meta.areas.find((a) => a.name === name).id;

test('the chain through the API, each bad field named and nothing stored', async () => {
  const units = (await safety.get('/api/v1/areas')).json.items;
  const ws1 = units.find((a) => a.name === '合成一车间 反应釜区').unit_id;
  ids.ws1 = ws1;
  // an area object names its area
  let r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '测试反应釜区', unit_id: ws1 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'area_id');
  // a 重大危险源 names its three 包保 people
  r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '测试反应釜区', unit_id: ws1,
    area_id: area('合成一车间 反应釜区'), hazard_code: 'T-MHS-1', hazard_level: 3 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'principal_user_id');
  const before = (await safety.get('/api/v1/risk/objects')).json.items.length;
  r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '测试反应釜区', unit_id: ws1,
    area_id: area('合成一车间 反应釜区') });
  assert.equal(r.status, 201, r.text);
  ids.object = r.json.id;
  assert.equal((await safety.get('/api/v1/risk/objects')).json.items.length, before + 1);
  r = await safety.postJson('/api/v1/risk/units', { object_id: ids.object, name: '1#反应釜' });
  assert.equal(r.status, 201, r.text);
  ids.unit = r.json.id;
  const choices = (await safety.get('/api/v1/risk/choices')).json;
  assert.equal(choices.accident_types.filter((a) => a.list === '1986').length, 20);
  assert.equal(choices.accident_types.filter((a) => a.list === '2025').length, 27);
  assert.deepEqual(choices.LEC.l.map((x) => x.value), [10, 6, 3, 1, 0.5, 0.2, 0.1]);
  ids.fire = choices.accident_types.find((a) => a.list === '2025' && a.code === 'fire').id;
  r = await safety.postJson('/api/v1/risk/events', { risk_unit_id: ids.unit, name: '反应失控着火', accident_type_id: 999999 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'accident_type_id');
  r = await safety.postJson('/api/v1/risk/events', { risk_unit_id: ids.unit, name: '反应失控着火', accident_type_id: ids.fire,
    emergency: '立即停止进料，启动紧急冷却' });
  assert.equal(r.status, 201, r.text);
  ids.event = r.json.id;
  assert.equal(r.json.level, null);
  // classify2 must belong to classify1
  r = await safety.postJson('/api/v1/risk/measures', { event_id: ids.event, description: '温度高高联锁', classify1: 'eng',
    classify2: 'maint.static', control_level: 'workshop' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'classify2');
  r = await safety.postJson('/api/v1/risk/measures', { event_id: ids.event, description: '温度高高联锁', classify1: 'eng',
    classify2: 'eng.interlock', classify3: 'eng.interlock.sis', check_content: '联锁投用状态', control_level: 'workshop',
    check_cycle: 1, check_cycle_unit: 'day', work_start: 480, work_end: 1020, work_type: 'baobao' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.check_cycle_unit, 'day');
  assert.equal(r.json.work_start, 480);
  ids.measure = r.json.id;
});

test('assessment: bad scores are 422 naming the field; 重大 waits for approval and is controlled at company level', async () => {
  const post = (body) => safety.postJson(`/api/v1/risk/events/${ids.event}/assessments`, body);
  for (const [body, field] of [
    [{ method: 'LEC', l: 2, e: 6, c: 7 }, 'l'], [{ method: 'LEC', l: 3, e: 4, c: 7 }, 'e'],
    [{ method: 'LEC', l: 3, e: 6, c: 8 }, 'c'], [{ method: 'LEC', l: 3, e: 6 }, 'c'],
    [{ method: 'LS', l: 6, s: 2 }, 'l'], [{ method: 'LS', l: 2, s: 0 }, 's'], [{ method: 'XYZ', l: 1 }, 'method'],
    [{ method: 'LEC', l: 6, e: 6, c: 15, control_level: 'team' }, 'control_level']]) {
    const r = await post(body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  let ev = (await safety.get(`/api/v1/risk/events/${ids.event}`)).json;
  assert.equal(ev.assessments.length, 0, 'nothing stored');
  // 一般 (D = 3 × 6 × 7 = 126): current at once
  let r = await post({ method: 'LEC', l: 3, e: 6, c: 7, reason: 'initial', stage: 'inherent' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.level, 'general');
  assert.equal(r.json.colour, 'yellow');
  assert.equal(r.json.control_level, 'workshop');
  // 重大 (D = 6 × 6 × 15 = 540): pending, the event stays 一般
  r = await post({ method: 'LEC', l: 6, e: 6, c: 15, reason: 'change', note: '工艺变更' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.level, 'general');
  const pending = r.json.assessments[0];
  assert.equal(pending.version, 2);
  assert.equal(pending.approval, 'pending');
  assert.equal(pending.old_level, 'general');
  assert.equal(pending.band_set, 'lec_default');
  // a workshop safety officer may assess, not approve
  const ws = await api('ws1anquan');
  assert.equal((await ws.postJson(`/api/v1/risk/assessments/${pending.id}/approve`, { approve: 1 })).status, 403);
  r = await safety.postJson(`/api/v1/risk/assessments/${pending.id}/approve`, { approve: 1, note: '同意' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.level, 'major');
  assert.equal(r.json.colour, 'red');
  assert.equal(r.json.control_level, 'company');
  assert.equal((await safety.postJson(`/api/v1/risk/assessments/${pending.id}/approve`, { approve: 1 })).status, 409);
  ev = (await safety.get(`/api/v1/risk/events/${ids.event}`)).json;
  assert.deepEqual(ev.assessments.map((a) => [a.version, a.level, a.approval]), [[2, 'major', 'approved'], [1, 'general', 'none']]);
  assert.equal(ev.inherent_level, 'general');
});

test('scope per role: out of scope is 404, the register lists only what the role may see', async () => {
  const ws1 = await api('ws1anquan');
  assert.equal((await ws1.get(`/api/v1/risk/events/${ids.event}`)).status, 200);
  const objs = (await safety.get('/api/v1/areas')).json.items;
  const ws4 = objs.find((a) => a.name === '罐区 甲类储罐区');
  const r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '测试罐区', unit_id: ws4.unit_id, area_id: ws4.id });
  assert.equal(r.status, 201, r.text);
  assert.equal((await ws1.get(`/api/v1/risk/objects/${r.json.id}`)).status, 404, 'another workshop');
  assert.ok(!(await ws1.get('/api/v1/risk/objects')).json.items.some((o) => o.id === r.json.id));
  // a workshop safety officer may not put an object in another workshop
  const bad = await ws1.postJson('/api/v1/risk/objects', { kind: 'area', name: 'x', unit_id: ws4.unit_id, area_id: ws4.id });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'unit_id');
  // a worker (own scope) sees no object he does not answer for, and may not edit
  const worker = await api('yuangong');
  assert.equal((await worker.get(`/api/v1/risk/objects/${ids.object}`)).status, 404);
  assert.equal((await worker.postJson('/api/v1/risk/units', { object_id: ids.object, name: 'x' })).status, 403);
  const counts = (await safety.get('/api/v1/risk/counts')).json.units;
  const row = counts.find((u) => u.unit_id === ids.ws1);
  assert.ok(row && row.red >= 1, 'the 重大 risk counts red in its workshop');
  const reg = (await safety.get(`/api/v1/risk/events?level=major&unit_id=${ids.ws1}`)).json.items;
  assert.ok(reg.some((e) => e.id === ids.event));
  assert.ok(reg.every((e) => e.level === 'major'));
});

test('岗位风险告知: the people of the workshop confirm, the team leader sees who has not', async () => {
  const worker = await api('yuangong');
  let mine = (await worker.get('/api/v1/risk/acks')).json.mine.filter((a) => a.event_id === ids.event);
  assert.equal(mine.length, 2, 'asked at 一般 and again at 重大');
  const leader = await api('banzhang');
  const pending = async () => ((await leader.get('/api/v1/risk/acks')).json.unconfirmed.find((u) => u.name === '张三') || { pending: 0 }).pending;
  const was = await pending();
  assert.ok(was >= 2, 'the team leader sees 张三 has not confirmed');
  for (const a of mine) assert.equal((await worker.postJson(`/api/v1/risk/acks/${a.id}/confirm`, {})).status, 200);
  assert.equal((await leader.postJson(`/api/v1/risk/acks/${mine[0].id}/confirm`, {})).status, 404, "not the leader's to confirm");
  mine = (await worker.get('/api/v1/risk/acks')).json.mine.filter((a) => a.event_id === ids.event);
  assert.equal(mine.length, 0);
  assert.equal(await pending(), was - 2);
});

// Sessions time out as the clock moves: each step signs in again.
async function report(at) {
  await setClock(srv, at);
  const c = await api('yuangong');
  const fd = new FormData();
  fd.append('area_id', area('合成一车间 反应釜区'));
  fd.append('category_id', meta.categories[0].id);
  fd.append('description', '反应釜温度计失灵');
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('hazards send their risk back: marked, then 3 in 30 days open a task with a deadline, escalated when late', async () => {
  const day = 86400;
  await report(t0 + 1 * day);
  await tick(srv);
  let ev = (await (await api('anhuan')).get(`/api/v1/risk/events/${ids.event}`)).json;
  assert.equal(ev.needs_reassessment, true);
  assert.equal(ev.hazards.length, 1);
  await report(t0 + 2 * day);
  await tick(srv);
  assert.equal((await (await api('anhuan')).get('/api/v1/risk/tasks')).json.items.filter((t) => t.event_id === ids.event).length, 0);
  await report(t0 + 3 * day);
  await tick(srv);
  // the object has no responsible person: the task goes to the workshop's head
  let ev2 = (await (await api('anhuan')).get(`/api/v1/risk/events/${ids.event}`)).json;
  assert.equal(ev2.hazards.length, 3);
  let director = await api('ws1zhuren');
  let tasks = (await director.get('/api/v1/risk/tasks')).json.items.filter((t) => t.event_id === ids.event);
  assert.equal(tasks.length, 1, 'one task, for the responsible person');
  assert.equal(tasks[0].reason, 'hazard_count');
  assert.equal(tasks[0].escalation, 0);
  const due = tasks[0].due_at;
  assert.equal(due, t0 + 3 * day + 7 * day, 'due a week after it opened');
  // a day before the deadline nothing moves; after it, the safety department is told
  await setClock(srv, due - day);
  await tick(srv);
  director = await api('ws1zhuren');
  tasks = (await director.get('/api/v1/risk/tasks')).json.items.filter((t) => t.event_id === ids.event);
  assert.equal(tasks[0].escalation, 0);
  await setClock(srv, due + 60);
  await tick(srv);
  await setClock(srv, due + 49 * 3600);
  await tick(srv);
  director = await api('ws1zhuren');
  const inbox = (await (await api('anhuan')).get('/api/v1/inbox')).json.items;
  assert.ok(inbox.some((n) => n.link === `/risk/events/${ids.event}`), 'escalated to the safety department');
  // the home panel lists it for the responsible person
  const page = srv.client();
  await page.login('ws1zhuren');
  const home = await page.get('/');
  assert.match(home.text, /id="risk-due"/);
  assert.match(home.text, /反应失控着火/);
  // re-assessing closes the task
  const r = await (await api('anhuan')).postJson(`/api/v1/risk/events/${ids.event}/assessments`, { method: 'LEC', l: 3, e: 6, c: 15,
    reason: 'hazard' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.needs_reassessment, false);
  tasks = (await director.get('/api/v1/risk/tasks')).json.items.filter((t) => t.event_id === ids.event);
  assert.equal(tasks.length, 0);
});

test('a hazard tied to a failed control measure (source 9) opens a re-assessment of its risk', async () => {
  const c = await api('anhuan');
  const h = (await c.get('/api/v1/hazards?per_page=1')).json.items[0];
  let r = await c.postJson(`/api/v1/risk/events/${ids.event}/hazards`, { hazard_id: h.id, source: 9 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'source', 'source 9 names the measure that failed');
  r = await c.postJson(`/api/v1/risk/events/${ids.event}/hazards`, { hazard_id: h.id, measure_id: 999999 });
  assert.equal(r.json.error.field, 'measure_id');
  r = await c.postJson(`/api/v1/risk/events/${ids.event}/hazards`, { number: h.number, measure_id: ids.measure });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.needs_reassessment, true);
  const ev = (await c.get(`/api/v1/risk/events/${ids.event}`)).json;
  assert.ok(ev.hazards.some((x) => x.id === h.id));
  const director = await api('ws1zhuren');
  const tasks = (await director.get('/api/v1/risk/tasks')).json.items.filter((t) => t.event_id === ids.event);
  assert.deepEqual(tasks.filter((t) => t.reason === 'measure_failure').map((t) => t.hazard_id), [h.id]);
});

test('a risk with measures or open hazards cannot be closed; deactivating it is audited', async () => {
  let r = await (await api('anhuan')).request('DELETE', `/api/v1/risk/events/${ids.event}`);
  assert.equal(r.status, 409);
  assert.equal((await (await api('anhuan')).get(`/api/v1/risk/events/${ids.event}`)).status, 200);
  // an event with nothing attached may be deleted
  const spare = await (await api('anhuan')).postJson('/api/v1/risk/events', { risk_unit_id: ids.unit, name: '误建', accident_type_id: ids.fire });
  assert.equal((await (await api('anhuan')).request('DELETE', `/api/v1/risk/events/${spare.json.id}`)).status, 200);
  assert.equal((await (await api('anhuan')).get(`/api/v1/risk/events/${spare.json.id}`)).status, 404);
  r = await (await api('anhuan')).postJson(`/api/v1/risk/measures/${ids.measure}/deactivate`, {});
  assert.equal(r.status, 200, r.text);
  const audit = await api('auditor');
  const log = (await audit.get('/api/v1/audit?entity=risk_measure')).json;
  const items = log.items || log;
  assert.ok(items.some((e) => e.entity_id === ids.measure && /deactivate/.test(e.action)), 'audited');
});

test('the register page: counts by colour per unit, filters, a risk page with its chain and history', async () => {
  const c = srv.client();
  await c.login('anhuan');
  let r = await c.get('/risk');
  assert.equal(r.status, 200);
  assert.match(r.text, /class="risk-counts"/);
  assert.match(r.text, new RegExp(`data-event="${ids.event}"`));
  // the dashboard and the home page show the four colours per unit
  const dash = await c.get('/dashboard');
  assert.equal(dash.status, 200);
  assert.match(dash.text, new RegExp(`id="dash-risk"[^]*data-unit="${ids.ws1}"><td><a href="/risk\\?unit_id=${ids.ws1}">[^<]*</a></td><td data-colour="red">[1-9]`));
  assert.match((await c.get('/')).text, /id="risk-colours"/);
  r = await c.get('/risk?level=low');
  assert.doesNotMatch(r.text, new RegExp(`data-event="${ids.event}"`));
  r = await c.get('/risk?level=purple');
  assert.equal(r.status, 400);
  r = await c.get(`/risk/events/${ids.event}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /测试反应釜区<\/a> → /);
  assert.match(r.text, /data-version="3"/);
  assert.match(r.text, /name="l"/);
  assert.match(r.text, /完全可以预料/);
});

test('every risk API route carries its request and response schema in the OpenAPI document', async () => {
  const doc = await (await fetch(`${srv.url}/api/v1/openapi.json`)).json();
  const ops = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/risk/'))
    .flatMap(([p, item]) => Object.entries(item).map(([m, op]) => [`${m.toUpperCase()} ${p}`, op]));
  assert.ok(ops.length >= 30);
  for (const [name, op] of ops) {
    // a list is the one pagination envelope (allOf: Page and its items)
    const out = op.responses['200'].content['application/json'].schema;
    assert.ok(out.properties || out.allOf?.[1]?.properties?.items?.items?.properties, `${name}: a response schema`);
    // an upload's body is multipart/form-data; a deactivation, confirmation or choice has none
    if (/deactivate|confirm|\/use$/.test(name)) assert.equal(op.requestBody, undefined, `${name}: no body`);
    else if (op.requestBody) assert.ok(Object.values(op.requestBody.content)[0].schema.properties, `${name}: a request schema`);
  }
  const assess = doc.paths['/api/v1/risk/events/{id}/assessments'].post;
  assert.deepEqual(assess.requestBody.content['application/json'].schema.properties.c.enum, [100, 40, 15, 7, 3, 1]);
  assert.equal(assess.requestBody.required, true);
});

test("a company's own band set: bad edges named, a new version, chosen for its method", async () => {
  const c = await api('anhuan');
  let r = await c.postJson('/api/v1/risk/band-sets', { code: 'own-lec', method: 'LEC', name: '本公司 LEC', major: 100, large: 150, general: 20 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'large');
  r = await c.postJson('/api/v1/risk/band-sets', { code: 'own-lec', method: 'LEC', name: '本公司 LEC', major: 300, large: 150, general: 20 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.version, 1);
  const id = r.json.id;
  r = await c.postJson('/api/v1/risk/band-sets', { id, code: 'own-lec', method: 'LEC', name: '本公司 LEC', major: 320, large: 160, general: 20 });
  assert.equal(r.json.version, 2);
  assert.equal((await (await api('ws1anquan')).postJson(`/api/v1/risk/band-sets/${id}/use`, {})).status, 403);
  assert.equal((await c.postJson(`/api/v1/risk/band-sets/${id}/use`, {})).status, 200);
  r = await c.postJson(`/api/v1/risk/events/${ids.event}/assessments`, { method: 'LEC', l: 1, e: 6, c: 7, reason: 'change' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.level, 'general', '42 is above 20 in the own set (low in the default one)');
  assert.equal(r.json.assessments[0].band_set, 'own-lec');
  assert.equal(r.json.assessments[0].band_version, 2);
});

test('risk settings: each field checked and named, 重大 stays at company level, changes audited', async () => {
  const c = await api('anhuan');
  let r = await c.request('PATCH', '/api/v1/risk/settings', { json: { trigger_count: 0 } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'trigger_count');
  r = await c.request('PATCH', '/api/v1/risk/settings', { json: { 'control_level.major': 'team' } });
  assert.equal(r.json.error.field, 'control_level.major');
  r = await c.request('PATCH', '/api/v1/risk/settings', { json: { method: 'XY' } });
  assert.equal(r.json.error.field, 'method');
  assert.equal((await c.get('/api/v1/risk/settings')).json.trigger_count, 3, 'nothing stored');
  r = await c.request('PATCH', '/api/v1/risk/settings', { json: { trigger_count: 2, review_months_major: 3 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.trigger_count, 2);
  assert.equal(r.json.review_months_major, 3);
  assert.equal((await (await api('ws1anquan')).get('/api/v1/risk/settings')).status, 403);
  const log = (await (await api('auditor')).get('/api/v1/audit?entity=settings')).json;
  assert.ok((log.items || log).some((e) => /trigger_count: 3 → 2/.test(e.summary)));
  const page = srv.client();
  await page.login('anhuan');
  const form = await page.get('/risk/settings');
  assert.equal(form.status, 200);
  const bad = await page.post('/risk/settings', { trigger_days: '999' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-field="trigger_days"/);
  assert.match(bad.text, /name="trigger_days" value="999"/, 'what was typed is kept');
});
