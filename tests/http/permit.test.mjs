// tests/http/permit.test.mjs — permits to work (GB 30871-2022) over HTTP: a 一级动火 and a
// 受限空间 permit from application to closing, with a failed gas test, a refused approval, an
// expired certificate, a check-in outside the area's radius, the re-test and expiry jobs
// (setClock + tick, no sleeps), and bad input that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick, DEMO_PASSWORD } from './lib.mjs';

let srv, opt;
const as = {};
const H = 3600;
// a weekday 10:00 in the plant's zone (UTC+8), two or more days after the server's now: no
// night or rest-day upgrade of the hot-work grade (set in before())
let T0;
function weekdayMorning(now) {
  let t = Math.floor(now / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  return t;
}

async function who(name) {
  if (!as[name]) {
    as[name] = srv.client();
    await as[name].apiLogin(name);
  }
  return as[name];
}
// sessions end after 30 idle minutes of the test clock: sign in again after each jump
async function clock(t) {
  await setClock(srv, t);
  for (const k of Object.keys(as)) delete as[k];
}
const uid = (u) => opt.people.find((p) => p.username === u).id;
const area = (n) => opt.areas.find((a) => a.name === n);

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await clock(T0);
  opt = (await (await who('banzhang')).get('/api/v1/permits/options')).json;
  // the demo's permit in progress ended before T0: closing it lets its applicant apply again
  // ("no closing, no new permit")
  const running = (await (await who('ws1anquan')).get('/api/v1/permits?state=in_progress')).json.items;
  for (const p of running) {
    const r = await act('ws1anquan', p.id, 'close', { password: DEMO_PASSWORD, site_clear: true });
    assert.equal(r.status, 200, r.text);
  }
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

async function apply(body) {
  const c = await who('banzhang');
  const cat = (await c.get('/api/v1/permits/catalogue')).json;
  const type = cat.types.find((t) => t.code === body.type);
  const measures = type.measures.map((m) => ({ measure_id: m.id, confirmed_by: uid('ws1anquan') }));
  return c.postJson('/api/v1/permits', { measures, guardian_id: uid('ws1anquan'), ...body });
}
const act = async (user, id, action, body = {}) =>
  (await who(user)).postJson(`/api/v1/permits/${id}/actions/${action}`, body);
const gas = async (user, id, body) => (await who(user)).postJson(`/api/v1/permits/${id}/gas`, body);
const show = async (id) => (await (await who('banzhang')).get(`/api/v1/permits/${id}`)).json;
const sign = { password: DEMO_PASSWORD };

test('bad input names the field and stores nothing', async () => {
  const a = area('合成一车间 投料平台');
  const before_ = (await (await who('banzhang')).get('/api/v1/permits')).json.items.length;
  const base = { type: 'hot_work', hot_place: 'hazard_area', area_id: a.id, content: '焊接',
    workers: [{ user_id: uid('yuangong'), role: '焊工' }] };
  let r = await apply({ ...base, planned_start: T0 + 4 * H, planned_end: T0 + 2 * H });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'planned_end');
  assert.match(r.json.error.message, /结束时间必须晚于开始时间/);
  r = await apply({ ...base, planned_start: T0 + H, planned_end: T0 + 10 * H });	// 一级: 8 h
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'planned_end');
  assert.match(r.json.error.message, /8 h/);
  r = await apply({ ...base, type: 'height', height_m: 1.5, planned_start: T0 + H, planned_end: T0 + 2 * H });
  assert.equal(r.json.error.field, 'height_m');
  const after_ = (await (await who('banzhang')).get('/api/v1/permits')).json.items.length;
  assert.equal(after_, before_);
});

test('grades are derived from the inputs, not picked', async () => {
  const c = await who('banzhang');
  const g = async (b) => (await c.postJson('/api/v1/permits/grade', b)).json.grade;
  assert.equal(await g({ type: 'hot_work', hot_place: 'hazard_area' }), '1');
  assert.equal(await g({ type: 'hot_work', hot_place: 'hazard_area', wind: 5 }), 'special');
  assert.equal(await g({ type: 'height', height_m: 16, factors: 1 }), 'IV');
  assert.equal(await g({ type: 'lifting', load_t: 100 }), '2');
});

test('an expired certificate is refused when the worker is chosen, and blocks submission when it lapses after', async () => {
  // banzhang's low-voltage electrician certificate expires 20 days after the demo was loaded
  const later = T0 + 40 * 86400;
  const powerAt = (t) => ({ type: 'temp_power', area_id: area('公用工程 锅炉房').id, content: '临时照明',
    planned_start: t + H, planned_end: t + 5 * H, workers: [{ user_id: uid('banzhang'), role: '电工' }] });
  await clock(later);
  try {
    const before_ = (await (await who('banzhang')).get('/api/v1/permits')).json.items.length;
    const r = await apply(powerAt(later));
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, 'workers');
    assert.match(r.json.error.message, /孙伟/);
    assert.match(r.json.error.message, /过期|expired/i);
    assert.equal((await (await who('banzhang')).get('/api/v1/permits')).json.items.length, before_, 'nothing stored');
  } finally {
    await clock(T0);
  }
  // valid when chosen, revoked before submission: the submission's own check refuses it
  const r = await apply(powerAt(T0));
  assert.equal(r.status, 201, r.text);
  const hr = await who('renshi');
  const cert = (await hr.get('/api/v1/certs')).json.items.find((c) => c.number === 'T320102198502021111');
  assert.equal((await hr.postJson(`/api/v1/certs/${cert.id}/revoke`, { reason: '复审不合格' })).status, 200);
  const s = await act('banzhang', r.json.id, 'submit');
  assert.equal(s.status, 422);
  assert.equal(s.json.error.field, 'workers');
  assert.match(s.json.error.message, /孙伟/);
  assert.equal((await show(r.json.id)).state, 'draft');
});

test('一级动火 from application to closing', async () => {
  const a = area('合成一车间 投料平台');
  const hot = { type: 'hot_work', hot_place: 'hazard_area', area_id: a.id, content: '投料平台栏杆焊接',
    hazards: '可燃气体', planned_start: T0 + 1800, planned_end: T0 + 1800 + 6 * H };
  // a worker without a welding certificate: refused when chosen, nothing stored
  let r = await apply({ ...hot, workers: [{ user_id: uid('u002'), role: '焊工' }] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'workers');
  // the guardian may not also be a worker
  r = await apply({ ...hot, workers: [{ user_id: uid('yuangong'), role: '焊工' }, { user_id: uid('ws1anquan'), role: '辅助' }] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'guardian_id');
  // a certified welder
  r = await apply({ ...hot, workers: [{ user_id: uid('yuangong'), role: '焊工' }] });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.grade, '1');
  assert.match(r.json.number, /^DH-\d{4}-\d{6}$/);
  r = await act('banzhang', id, 'submit');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'submitted');

  // wrong role: the safety department cannot sign the workshop's step; the applicant cannot approve
  r = await act('anhuan', id, 'approve', sign);
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /车间主任/);
  r = await act('banzhang', id, 'approve', sign);
  assert.equal(r.status, 403);

  // a refusal needs a reason and returns the permit to the applicant
  r = await act('ws1zhuren', id, 'refuse', sign);
  assert.equal(r.json.error.field, 'reason');
  r = await act('ws1zhuren', id, 'refuse', { ...sign, reason: '动火点未设置防火花飞溅措施' });
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'refused');
  const inbox = (await (await who('banzhang')).get('/api/v1/inbox')).json.items;
  assert.ok(inbox.some((n) => n.link === `/permits/${id}` && /退回/.test(n.title)));
  assert.equal((await act('banzhang', id, 'revise')).json.state, 'draft');
  assert.equal((await act('banzhang', id, 'submit')).json.state, 'submitted');

  // signatures: a wrong password signs nothing
  r = await act('ws1zhuren', id, 'approve', { password: 'Wrong-pass-1' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.field, 'password');
  r = await act('ws1zhuren', id, 'approve', { ...sign, lat: 31.93, lng: 118.84 });
  assert.equal(r.json.state, 'approving');
  r = await act('anhuan', id, 'approve', sign);
  assert.equal(r.json.state, 'approved');
  const approvals = r.json.approvals.filter((x) => x.round === 2);
  assert.deepEqual(approvals.map((x) => x.level), ['unit', 'dept']);
  // a double-submitted approval changes nothing
  r = await act('anhuan', id, 'approve', sign);
  assert.equal(r.status, 409);
  assert.equal((await show(id)).approvals.length, approvals.length + 1);	// + the refusal

  // gas: impossible values are refused; a failed reading blocks the start
  r = await gas('ws1anquan', id, { analyst_id: uid('u004'), combustible: -1 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'combustible');
  r = await gas('ws1anquan', id, { analyst_id: uid('u003'), combustible: 0.1 });
  assert.equal(r.json.error.field, 'analyst_id', 'the analyst needs a gas-analyst certificate');
  await clock(T0 + 1200);
  r = await gas('ws1anquan', id, { analyst_id: uid('u004'), o2: 20.9, combustible: 0.8 });
  assert.equal(r.status, 201);
  assert.equal(r.json.passed, false);
  const here = { lat: a.latitude, lng: a.longitude };
  r = await act('ws1anquan', id, 'start', here);
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'gas');
  r = await gas('ws1anquan', id, { analyst_id: uid('u004'), o2: 20.9, combustible: 0.3 });
  assert.equal(r.json.passed, true);
  // only the named guardian starts it, on site
  r = await act('anhuan', id, 'start', here);
  assert.equal(r.status, 403);
  r = await act('ws1anquan', id, 'start', { lat: a.latitude + 0.01, lng: a.longitude });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'lat');
  assert.match(r.json.error.message, /\d+ m > 40 m/);
  r = await act('ws1anquan', id, 'start', { lat: a.latitude + 0.0001, lng: a.longitude });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'in_progress');

  // past its validity and not closed: escalated once; the applicant may not submit a new permit
  await clock(T0 + 1800 + 6 * H + 120);
  await tick(srv);
  await tick(srv);
  const told = (await (await who('banzhang')).get('/api/v1/inbox')).json.items
    .filter((n) => n.kind === 'permit_overdue' && n.link === `/permits/${id}`);
  assert.equal(told.length, 1);
  const anhuanTold = (await (await who('anhuan')).get('/api/v1/inbox')).json.items
    .filter((n) => n.kind === 'permit_overdue');
  assert.ok(anhuanTold.length >= 1);
  const now2 = T0 + 1800 + 6 * H + 120;
  r = await apply({ type: 'hot_work', hot_place: 'other', area_id: area('公用工程 锅炉房').id, content: '另一处动火',
    planned_start: now2 + H, planned_end: now2 + 3 * H, workers: [{ user_id: uid('yuangong'), role: '焊工' }] });
  assert.equal(r.status, 201);
  const second = r.json.id;
  const s = await act('banzhang', second, 'submit');
  assert.equal(s.status, 422);
  assert.equal(s.json.error.field, 'applicant_id');

  // closing: the guardian confirms the site and signs
  r = await act('ws1anquan', id, 'close', sign);
  assert.equal(r.json.error.field, 'site_clear');
  r = await act('ws1anquan', id, 'close', { ...sign, site_clear: true, reason: '现场清理完毕' });
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'closed');
  assert.deepEqual(r.json.events.map((e) => e.action),
    ['submit', 'refuse', 'revise', 'submit', 'approve', 'approve', 'start', 'escalate', 'close']);
  assert.equal((await act('banzhang', second, 'cancel')).json.state, 'cancelled');
  await clock(T0);
});

test('受限空间 from application to closing, with re-test suspension', async () => {
  const a = area('精馏车间 精馏塔区');
  let r = await apply({ type: 'confined_space', area_id: a.id, content: 'C-301 塔内检查', planned_start: T0 + 1800,
    planned_end: T0 + 1800 + 8 * H, workers: [{ user_id: uid('u001'), role: '检修' }] });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.grade, '');
  assert.equal((await act('banzhang', id, 'submit')).json.state, 'submitted');
  r = await act('ws1zhuren', id, 'approve', sign);
  assert.equal(r.status, 404, 'the 精馏 workshop is outside the ws1 director\'s scope');
  r = await act('ws1anquan', id, 'approve', sign);
  assert.equal(r.status, 403);
  r = await act('zongjian', id, 'approve', sign);
  assert.equal(r.status, 403, 'a level above may not sign the workshop step');
  // the 精馏 workshop has no demo director; the chain has one level only
  const cat = (await (await who('banzhang')).get('/api/v1/permits/catalogue')).json;
  const chain = cat.types.find((t) => t.code === 'confined_space').grades[0].chain;
  assert.deepEqual(chain.map((s) => s.level), ['unit']);
  await act('banzhang', id, 'cancel', { reason: '改在合成一车间' });
  assert.equal((await show(id)).state, 'cancelled');

  // in the workshop the demo directors run
  const b = area('合成一车间 反应釜区');
  r = await apply({ type: 'confined_space', area_id: b.id, content: 'R-102 釜内清理', planned_start: T0 + 1800,
    planned_end: T0 + 1800 + 8 * H, workers: [{ user_id: uid('u001'), role: '检修' }], related: [] });
  const sid = r.json.id;
  assert.equal((await act('banzhang', sid, 'submit')).json.state, 'submitted');
  r = await act('ws1zhuren', sid, 'approve', sign);
  assert.equal(r.json.state, 'approved', r.text);

  // oxygen 25 % is a real reading out of limit; 18 % too; a toxic gas over its limit too
  await clock(T0 + 1200);
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 25, combustible: 0.1 });
  assert.equal(r.json.passed, false);
  assert.match(r.json.gas_tests.at(-1).reason, /氧含量/);
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 20.5, combustible: 0.1, toxic: { H2S: 12 } });
  assert.equal(r.json.passed, false);
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 101, combustible: 0.1 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'o2');
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), combustible: 0.1 });
  assert.equal(r.json.error.field, 'o2', 'oxygen is required in a confined space');
  r = await act('ws1anquan', sid, 'start', { lat: b.latitude, lng: b.longitude });
  assert.equal(r.json.error.field, 'gas');
  // a reading older than 30 min does not count
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 20.5, combustible: 0.1, toxic: { H2S: 10 } });
  assert.equal(r.json.passed, true, 'at the limit passes');
  await clock(T0 + 1200 + 31 * 60);
  r = await act('ws1anquan', sid, 'start', { lat: b.latitude, lng: b.longitude });
  assert.equal(r.json.error.field, 'gas');
  assert.match(r.json.error.message, /30/);
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 20.6, combustible: 0 });
  r = await act('ws1anquan', sid, 'start', { lat: b.latitude, lng: b.longitude });
  assert.equal(r.json.state, 'in_progress', r.text);
  const started = T0 + 1200 + 31 * 60;

  // no record for 2 h: the scheduler suspends the entry (§6.5)
  await clock(started + 2 * H + 60);
  await tick(srv);
  assert.equal((await show(sid)).state, 'suspended');
  r = await act('ws1anquan', sid, 'resume');
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'gas');
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 20.7, combustible: 0.05 });
  r = await act('ws1anquan', sid, 'resume');
  assert.equal(r.json.state, 'in_progress', r.text);
  // a failed reading while work goes on suspends at once
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 19.0, combustible: 0.05 });
  assert.equal(r.json.passed, false);
  assert.equal(r.json.state, 'suspended');
  r = await gas('ws1anquan', sid, { analyst_id: uid('u004'), o2: 20.7, combustible: 0.05 });
  assert.equal((await act('ws1anquan', sid, 'resume')).json.state, 'in_progress');
  r = await act('ws1anquan', sid, 'close', { ...sign, site_clear: '1' });
  assert.equal(r.json.state, 'closed');
  await clock(T0);
});

test('pages: list, permit, print with a QR code, calendar, areas, site page', async () => {
  const c = srv.client();
  await c.login('ws1anquan');
  const list = await c.get('/permits');
  assert.equal(list.status, 200);
  assert.match(list.text, /DH-\d{4}-\d{6}/);
  const id = /href="\/permits\/(\d+)"/.exec(list.text)[1];
  const page = await c.get(`/permits/${id}`);
  assert.equal(page.status, 200);
  const print = await c.get(`/permits/${id}/print`);
  assert.match(print.text, /<svg class="permit-qr"/);
  assert.match(print.text, /安全作业票/);
  const month = new Date((T0 + 8 * H) * 1000).toISOString().slice(0, 7);
  assert.match((await c.get(`/permits/calendar?month=${month}`)).text, /DH-/);
  assert.equal((await c.get('/permits/areas')).status, 200);
  // the on-site link is shown to those who may see the area's QR label: the workshop's officer
  const officerArea = (await c.get('/api/v1/permits/options')).json.areas.find((a) => a.name === '合成一车间 反应釜区');
  const site = await c.get(officerArea.site_url);
  assert.equal(site.status, 200);
  assert.match(site.text, /data-geo="1"/);
  assert.equal((await c.get('/permits/site/nonexistent')).status, 404);
  // a worker sees only permits they are on
  const w = srv.client();
  await w.apiLogin('u010');
  const mine = (await w.get('/api/v1/permits')).json.items;
  assert.equal(mine.length, 0);
  assert.equal((await w.get(`/api/v1/permits/${id}`)).status, 404);
});

test('动土 needs the co-signature of the equipment and utilities side after the departments', async () => {
  await clock(T0 + 30 * H);
  const a = area('合成一车间 投料平台');
  let r = await apply({ type: 'excavation', area_id: a.id, content: '投料平台东侧开挖检修电缆沟',
    planned_start: T0 + 31 * H, planned_end: T0 + 35 * H, workers: [{ user_id: uid('yuangong'), role: '挖掘' }] });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal((await act('banzhang', id, 'submit')).status, 200);
  r = await act('shebei', id, 'approve', sign);
  assert.equal(r.status, 403, 'the equipment manager cannot sign the workshop\'s step');
  assert.equal((await act('ws1zhuren', id, 'approve', sign)).json.state, 'approving');
  assert.equal((await act('anhuan', id, 'approve', sign)).json.state, 'approving',
    'after the department the co-signature is still missing');
  r = await act('shebei', id, 'approve', sign);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'approved');
  r = await act('banzhang', id, 'cancel', {});
  assert.equal(r.status, 200, r.text);
});

test('permit options are scoped: a worker without user.view gets only themselves, no areas, no QR links', async () => {
  const w = await who('yuangong');
  assert.ok(!(await w.get('/api/v1/me')).json.permissions.includes('user.view'));
  const r = await w.get('/api/v1/permits/options');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.people.map((p) => p.username), ['yuangong']);
  assert.equal(r.json.areas.length, 0);
  assert.doesNotMatch(r.text, /site_url|\/permits\/site\//);
  // an applicant of the plant gets its people and areas, but no QR link of an area outside
  // the data scope in which they may see QR labels (team leader: their own team's unit)
  const lead = (await (await who('banzhang')).get('/api/v1/permits/options')).json;
  assert.ok(lead.people.some((p) => p.username === 'ws1anquan'));
  assert.ok(lead.areas.some((a) => a.name === '合成一车间 反应釜区'));
  assert.ok(lead.areas.every((a) => !a.site_url), 'no area belongs to the team itself');
  const officer = (await (await who('ws1anquan')).get('/api/v1/permits/options')).json;
  const links = officer.areas.filter((a) => a.site_url).map((a) => a.name);
  assert.ok(links.includes('合成一车间 反应釜区'));
  assert.ok(!links.includes('罐区 甲类储罐区'), 'another workshop\'s QR link stays hidden');
});
