// tests/http/emerg.test.mjs — emergency drills and supplies (issue 20): a drill's flow with
// response times measured by the server's clock (the clock moved between the taps), check-ins
// refused twice and after the drill has ended, the evaluation whose shortcoming becomes an
// action for its owner, the yearly plan against the Art. 33 minimums, and supplies: an
// expiry before the purchase refused naming the field, and expiry warnings to the owner
// after the clock is moved and the jobs run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, T0, boss, safety;
const H = 3600;
const day = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  T0 = (await serverNow(srv)) + 600;
  await setClock(srv, T0);
  safety = srv.client();
  await safety.apiLogin('ws1anquan');
  boss = srv.client();
  await boss.apiLogin('ws1zhuren');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

async function unitId(name) {
  const r = await safety.get('/api/v1/emerg/plan');
  assert.equal(r.status, 200, r.text);
  return r.json.units.find((u) => u.unit === name).unit_id;
}

test('a drill: taps measured by the server clock, check-ins once and only while it runs, an evaluation that raises an action', async () => {
  const ws1 = await unitId('合成一车间');
  const commander = (await boss.get('/api/v1/me')).json.id;
  const created = await safety.postJson('/api/v1/emerg/drills', { title: '反应釜泄漏演练', kind: 'onsite', unit_id: ws1,
    planned_on: day(T0), announced: '0', muster: '北侧集合点', commander_id: commander, steps: ['报警', '疏散', '清点人数'] });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  assert.deepEqual(created.json.steps.map((s) => s.text), ['报警', '疏散', '清点人数']);
  assert.equal(created.json.status, 'planned');
  const token = created.json.checkin_token;
  assert.match(token, /^[0-9a-f]{32}$/);

  // a worker with the code before the start: refused clearly
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  let c = await worker.postJson('/api/v1/emerg/checkin', { token });
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /尚未开始/);
  // a tap before the start is refused too
  assert.equal((await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'alarm' })).status, 409);

  // start; then the clock moves between the taps: the times are the server's differences
  let r = await boss.postJson(`/api/v1/emerg/drills/${id}/start`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.started_at, T0);
  await setClock(srv, T0 + 45);
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'alarm' });
  assert.equal(r.status, 201, r.text);
  await setClock(srv, T0 + 45 + 130);
  await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'first_response' });
  await setClock(srv, T0 + 45 + 400);
  c = await worker.postJson('/api/v1/emerg/checkin', { token });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.at, T0 + 445);
  // the same person again: refused, saying when he checked in
  c = await worker.postJson('/api/v1/emerg/checkin', { token });
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /不能重复签到/);
  await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'evacuated' });
  await setClock(srv, T0 + 45 + 520);
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'headcount' });
  assert.deepEqual(r.json.times, { alarm_s: 45, response_s: 130, evacuation_s: 400, headcount_s: 520 });
  // a second tap of the same action is refused; an unknown one names the field
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'alarm' });
  assert.equal(r.status, 409);
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/marks`, { action: 'coffee' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'action');
  // a step ticked with its time
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/steps/2`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.steps[1].done_at, T0 + 565);
  assert.equal(r.json.steps[0].done_at, null);
  // the worker is safe, the team leader is missing
  assert.ok(r.json.checked_in.some((p) => p.username === 'yuangong'));
  assert.ok(r.json.missing.some((p) => p.username === 'banzhang'));
  assert.ok(!r.json.missing.some((p) => p.username === 'yuangong'));
  assert.equal(r.json.expected, r.json.checked_in_count + r.json.missing.length);

  // evaluation before the end: refused
  r = await safety.postJson(`/api/v1/emerg/drills/${id}/evaluate`, { score: 80, summary: '好' });
  assert.equal(r.status, 409);
  await setClock(srv, T0 + 900);
  r = await boss.postJson(`/api/v1/emerg/drills/${id}/end`, {});
  assert.equal(r.json.status, 'ended');
  // after the end: a check-in is refused
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  c = await leader.postJson('/api/v1/emerg/checkin', { token });
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /已结束/);

  // the evaluation: a bad due day names the shortcoming's field; then one shortcoming → an action
  const owner = r.json.missing.find((p) => p.username === 'banzhang').user_id;
  r = await safety.postJson(`/api/v1/emerg/drills/${id}/evaluate`, { score: 70, summary: '首次响应偏慢',
    shortcomings: [{ text: '班组每月演练报警流程', owner_id: owner, due_on: '2000-01-01' }] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'shortcomings');
  r = await safety.postJson(`/api/v1/emerg/drills/${id}/evaluate`, { score: 70, summary: '首次响应偏慢',
    shortcomings: [{ text: '班组每月演练报警流程', owner_id: owner, due_on: day(T0 + 14 * 86400) }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.evaluation.score, 70);
  assert.equal(r.json.actions.length, 1);
  const mine = await leader.get('/api/v1/emerg/actions?todo=1');
  assert.ok(mine.json.items.some((a) => a.text === '班组每月演练报警流程' && a.drill_id === id));
  assert.equal((await safety.postJson(`/api/v1/emerg/drills/${id}/evaluate`, { score: 90, summary: 'x' })).status, 409);
  // the owner closes it
  const aid = mine.json.items.find((a) => a.drill_id === id).id;
  assert.equal((await leader.postJson(`/api/v1/emerg/actions/${aid}/done`, {})).status, 200);
  assert.ok(!(await leader.get('/api/v1/emerg/actions?todo=1')).json.items.some((a) => a.id === aid));
  // an unannounced drill still planned is hidden from the worker's list; a drill out of scope is 404
  const other = srv.client();
  await other.apiLogin('yuangong');
  assert.equal((await other.get(`/api/v1/emerg/drills/${id}`)).status, 404);
});

test('the HTML check-in page: one tap, then the page says when; the commander page lists who is missing', async () => {
  const ws1 = await unitId('合成一车间');
  const d = await safety.postJson('/api/v1/emerg/drills', { title: '集合点签到演练', kind: 'onsite', unit_id: ws1,
    planned_on: day(T0 + 2 * 86400), announced: '1', muster: '北侧集合点' });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.steps.length, 6, 'the default steps');
  await boss.postJson(`/api/v1/emerg/drills/${d.json.id}/start`, {});
  const w = srv.client();
  await w.login('yuangong');
  const page = await w.get(`/emerg/c/${d.json.checkin_token}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /我已安全到达集合点/);
  const p = await w.post(`/emerg/c/${d.json.checkin_token}`, {});
  assert.equal(p.status, 303);
  assert.match((await w.get(`/emerg/c/${d.json.checkin_token}`)).text, /data-checked-in="1"/);
  const again = await w.post(`/emerg/c/${d.json.checkin_token}`, {});
  assert.equal(again.status, 409);
  const cmd = srv.client();
  await cmd.login('ws1zhuren');
  const html = (await cmd.get(`/emerg/drills/${d.json.id}/command`)).text;
  assert.match(html, /data-missing="banzhang"/);
  assert.doesNotMatch(html, /data-missing="yuangong"/);
  assert.match(html, /data-count="in">[^<]*1</);
  // a worker may not open the commander's page
  assert.equal((await w.get(`/emerg/drills/${d.json.id}/command`)).status, 403);
});

test('the yearly plan flags a unit short of the Art. 33 minimums and plans the missing drills', async () => {
  const year = Number(day(T0).slice(0, 4)) + 2;	// past the demo's drills ahead: every unit short
  let r = await safety.get(`/api/v1/emerg/plan?year=${year}`);
  const ws1 = r.json.units.find((u) => u.unit === '合成一车间');
  assert.equal(ws1.short, true);
  assert.equal(ws1.short_main && ws1.short_h1 && ws1.short_h2, true);
  r = await safety.postJson('/api/v1/emerg/plan', { year });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.added >= 3, 'three drills for the workshop alone');
  const after = r.json.units.find((u) => u.unit === '合成一车间');
  assert.deepEqual([after.short, after.main, after.onsite_h1, after.onsite_h2], [false, 1, 1, 1]);
  // the page shows the standing of each unit
  const c = srv.client();
  await c.login('ws1anquan');
  const page = await c.get(`/emerg?year=${year}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`data-unit="${after.unit_id}" data-short="0"`));
  assert.equal((await safety.postJson('/api/v1/emerg/plan', { year: 1999 })).json.error.field, 'year');
});

test('supplies: an expiry before the purchase is refused naming the field; expiring ones warn their owner', async () => {
  const ws1 = await unitId('合成一车间');
  const me = (await safety.get('/api/v1/me')).json;
  const base = { name: '防化服', kind: 'protective_suit', unit_id: ws1, place: '一车间应急柜', quantity: 4, min_quantity: 2,
    owner_id: me.id };
  let r = await safety.postJson('/api/v1/emerg/resources', { ...base, purchased_on: day(T0 - 10 * 86400), expires_on: day(T0 - 20 * 86400) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'expires_on');
  // the HTML form keeps what was typed
  const c = srv.client();
  await c.login('ws1anquan');
  const form = await c.post('/emerg/resources', { ...base, purchased_on: day(T0 - 10 * 86400), expires_on: day(T0 - 20 * 86400) });
  assert.equal(form.status, 422);
  assert.match(form.text, /value="防化服"/);
  assert.match(form.text, /有效期至不能早于购置日期/);
  r = await safety.postJson('/api/v1/emerg/resources', { ...base, purchased_on: day(T0 - 10 * 86400), expires_on: day(T0 + 60 * 86400) });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.deepEqual(r.json.attention, []);
  // 40 days later it expires within 30 days and its monthly check is due: the owner is told once
  await setClock(srv, T0 + 40 * 86400);
  await tick(srv);
  await tick(srv);
  await safety.apiLogin('ws1anquan');	// the clock moved past the sign-in's lifetime
  const inbox = (await safety.get('/api/v1/inbox')).json;
  const items = inbox.items || inbox;
  const mine = items.filter((n) => (n.link || '') === `/emerg/resources/${id}`);
  assert.equal(mine.filter((n) => /30天内过期/.test(n.body)).length, 1, JSON.stringify(mine));
  const todo = await safety.get('/api/v1/emerg/resources?todo=1');
  const row = todo.json.items.find((x) => x.id === id);
  assert.deepEqual(row.attention, ['expiring', 'check_due']);
  // the monthly check clears the check, not the expiry
  r = await safety.postJson(`/api/v1/emerg/resources/${id}/check`, { quantity: 3 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.attention, ['expiring']);
  assert.equal(r.json.quantity, 3);
  await setClock(srv, T0 + 62 * 86400);
  await tick(srv);
  await safety.apiLogin('ws1anquan');
  const later = (await safety.get('/api/v1/inbox')).json;
  assert.equal((later.items || later).filter((n) => n.link === `/emerg/resources/${id}` && /已过有效期/.test(n.body)).length, 1);
  await setClock(srv, T0);
});

test('plans: a PDF version (magic bytes checked, served as a download, kept by the blob cleanup), parts, the area card, a drill of the plan, review reminders', async () => {
  const admin = srv.client();
  await admin.apiLogin('anhuan');
  const me = (await admin.get('/api/v1/me')).json.id;
  const areas = (await admin.get('/api/v1/areas')).json;
  const area = (areas.items || areas).find((a) => a.name === '合成一车间 反应釜区');
  const ws1 = await unitId('合成一车间');
  let r = await admin.postJson('/api/v1/emerg/plans', { title: '反应釜超温现场处置方案', kind: 'onsite', unit_id: ws1, area_id: area.id,
    owner_id: me, approved_on: day(T0 - 86400), review_months: 36 });
  assert.equal(r.status, 201, r.text);
  const plan = r.json.id;
  assert.equal(r.json.review, 'ok');
  // a file that only calls itself a PDF is refused, naming the field
  const fake = new FormData();
  fake.append('approved_on', day(T0));
  fake.append('pdf', new Blob(['<html>not a pdf</html>'], { type: 'application/pdf' }), 'plan.pdf');
  r = await admin.request('POST', `/api/v1/emerg/plans/${plan}/pdf`, { multipart: fake });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'pdf');
  const pdf = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  const good = new FormData();
  good.append('approved_on', day(T0));
  good.append('pdf', new Blob([pdf], { type: 'application/pdf' }), '"><script>.pdf');
  r = await admin.request('POST', `/api/v1/emerg/plans/${plan}/pdf`, { multipart: good });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.version, 2);
  assert.equal(r.json.versions[0].filename, `plan-${plan}-v2.pdf`, 'the stored name is ours');
  // parts: a role needs a phone; a card its post
  r = await admin.postJson(`/api/v1/emerg/plans/${plan}/parts`, { kind: 'role', title: '现场指挥', user_id: me });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'phone');
  await admin.postJson(`/api/v1/emerg/plans/${plan}/parts`, { kind: 'role', title: '现场指挥', user_id: me, phone: '13800000009' });
  r = await admin.postJson(`/api/v1/emerg/plans/${plan}/parts`, { kind: 'card', title: '操作工处置卡', body: '报警、停车、撤离' });
  assert.equal(r.json.error.field, 'position_id');
  const page = srv.client();
  await page.login('anhuan');
  const form = (await page.get(`/emerg/plans/${plan}`)).text;
  const op = /<select name="position_id">.*?<option value="(\d+)"[^>]*>操作工</s.exec(form)[1];
  r = await admin.postJson(`/api/v1/emerg/plans/${plan}/parts`, { kind: 'card', title: '操作工处置卡', body: '报警、停车、撤离', position_id: Number(op) });
  assert.equal(r.status, 201, r.text);
  for (const t of ['报警并停止进料', '开启紧急冷却']) await admin.postJson(`/api/v1/emerg/plans/${plan}/parts`, { kind: 'step', title: t });
  // the area's card page, as a worker scanning the label sees it
  const w = srv.client();
  await w.login('yuangong');
  const card = await w.get(`/emerg/areas/${area.id}/card`);
  assert.equal(card.status, 200);
  assert.match(card.text, /操作工处置卡/);
  assert.match(card.text, /13800000009/);
  // a drill of the plan takes its steps
  r = await admin.postJson('/api/v1/emerg/drills', { title: '超温演练', kind: 'onsite', unit_id: ws1, planned_on: day(T0 + 86400),
    announced: '1', plan_id: plan });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.steps.map((s) => s.text), ['报警并停止进料', '开启紧急冷却']);
  // two days on, the hazard job's cleanup of unreferenced blobs keeps the plan's PDF
  await setClock(srv, T0 + 2 * 86400);
  await tick(srv);
  await admin.apiLogin('anhuan');
  const dl = await admin.get(`/emerg/plans/${plan}/pdf?v=2`);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/pdf');
  assert.match(dl.headers.get('content-disposition'), new RegExp(`^attachment; filename="plan-${plan}-v2.pdf"$`));
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(dl.text, pdf);
  // the demo's comprehensive plan is due for review within the month: its owner is reminded once
  await tick(srv);
  const inbox = (await admin.get('/api/v1/inbox')).json.items;
  assert.equal(inbox.filter((n) => /生产安全事故综合应急预案/.test(n.title) && /评估期限将至/.test(n.body)).length, 1);
  const list = (await admin.get('/api/v1/emerg/plans')).json.items;
  assert.equal(list.find((p) => p.title === '生产安全事故综合应急预案').review, 'due');
  await setClock(srv, T0);
});
