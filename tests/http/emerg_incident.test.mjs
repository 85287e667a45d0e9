// tests/http/emerg_incident.test.mjs — emergency mode for a real incident and the emergency
// teams and outside contacts (issue 20 items 6 and 3): the commander opens the mode from an
// incident (once, within his scope; no drill minimum counts it), people check in by the QR
// token once and never after it is closed, the steps of the unit's plan are ticked off with
// the server's time (the clock moved), and the incident's page keeps the record; teams with a
// deputy and members, contacts with a kind, both on the commander's page and the area card;
// and the monthly PDF report's accident statistics table (read back with pdftotext).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, T0, officer, boss, worker, leader, bossPage, area, ws1;

before(async () => {
  srv = await startServer();
  T0 = (await serverNow(srv)) + 600;
  await setClock(srv, T0);
  officer = srv.client();
  await officer.apiLogin('ws1anquan');
  boss = srv.client();
  await boss.apiLogin('ws1zhuren');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  leader = srv.client();
  await leader.apiLogin('banzhang');
  bossPage = srv.client();
  await bossPage.login('ws1zhuren');
  const form = await bossPage.get('/incidents/new');
  area = /<option value="(\d+)">合成一车间 反应釜区<\/option>/.exec(form.text)[1];
  ws1 = (await officer.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间');
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('emergency mode of an incident: opened once in scope, check-ins once and not after closing, steps time-stamped, the record on the incident', async () => {
  const inc = await officer.postJson('/api/v1/incidents', { kind: 'near_miss', what: '反应釜区氯气泄漏', area_id: Number(area),
    type_code: '2025-23' });
  assert.equal(inc.status, 201, inc.text);
  const id = inc.json.id;
  // a team leader whose scope is his team, not the workshop, cannot open it
  assert.equal((await leader.postJson(`/api/v1/emerg/incidents/${id}/mode`, {})).status, 404);
  const before = (await officer.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间').main;
  let r = await boss.postJson(`/api/v1/emerg/incidents/${id}/mode`, { muster: '北门集合点' });
  assert.equal(r.status, 201, r.text);
  const mode = r.json;
  assert.equal(mode.kind, 'incident');
  assert.equal(mode.incident_id, id);
  assert.equal(mode.status, 'running');
  assert.equal(mode.started_at, T0);
  assert.equal(mode.muster, '北门集合点');
  // the steps are those of the workshop's on-site plan
  assert.ok(mode.plan_id);
  assert.equal(mode.steps[0].text, '发现泄漏，立即报警并报告班长');
  assert.ok(mode.missing.some((p) => p.username === 'yuangong'));
  // once per incident; and it is no drill: not in the year's drills, not towards the minimums
  assert.equal((await boss.postJson(`/api/v1/emerg/incidents/${id}/mode`, {})).status, 409);
  const drills = (await officer.get('/api/v1/emerg/drills')).json.items;
  assert.ok(!drills.some((d) => d.id === mode.id));
  assert.equal((await officer.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间').main, before);

  // check-in by the QR token: once, at the server's time
  await setClock(srv, T0 + 120);
  let c = await worker.postJson('/api/v1/emerg/checkin', { token: mode.checkin_token });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.at, T0 + 120);
  c = await worker.postJson('/api/v1/emerg/checkin', { token: mode.checkin_token });
  assert.equal(c.status, 409);
  await setClock(srv, T0 + 200);
  r = await boss.postJson(`/api/v1/emerg/drills/${mode.id}/steps/1`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.steps[0].done_at, T0 + 200);

  // the commander's page: who is safe, who is missing, the way back to the incident
  const cmd = (await bossPage.get(`/emerg/drills/${mode.id}/command`)).text;
  assert.match(cmd, /data-missing="banzhang"/);
  assert.doesNotMatch(cmd, /data-missing="yuangong"/);
  assert.match(cmd, new RegExp(`href="/incidents/${id}"`));
  assert.match(cmd, /解除应急状态/);

  // closed: a later check-in is refused, saying so
  await setClock(srv, T0 + 600);
  r = await boss.postJson(`/api/v1/emerg/drills/${mode.id}/end`, {});
  assert.equal(r.status, 200, r.text);
  c = await leader.postJson('/api/v1/emerg/checkin', { token: mode.checkin_token });
  assert.equal(c.status, 409);
  assert.match(c.json.error.message, /应急状态已解除/);

  // the record stays with the incident for its investigation
  const page = (await bossPage.get(`/incidents/${id}`)).text;
  assert.match(page, /id="emergency"/);
  assert.match(page, /data-mode="ended"/);
  assert.match(page, /data-count="in">[^<]*1</);
  assert.match(page, /data-step="1" data-done="1"/);
  assert.match(page, /data-step="2" data-done="0"/);
  const rec = await officer.get(`/api/v1/emerg/incidents/${id}/mode`);
  assert.equal(rec.status, 200, rec.text);
  assert.equal(rec.json.ended_at, T0 + 600);
  assert.deepEqual(rec.json.checked_in.map((p) => [p.username, p.at]), [['yuangong', T0 + 120]]);
  // an incident without emergency mode: 404 for its record, the button on its page
  const other = await officer.postJson('/api/v1/incidents', { kind: 'near_miss', what: '地面湿滑险些摔倒', area_id: Number(area),
    type_code: '2025-27' });
  assert.equal((await officer.get(`/api/v1/emerg/incidents/${other.json.id}/mode`)).status, 404);
  assert.match((await bossPage.get(`/incidents/${other.json.id}`)).text, new RegExp(`action="/emerg/incidents/${other.json.id}/mode"`));
});

test('teams with a deputy and members, outside contacts: checked, audited, shown on the commander page and the area card', async () => {
  const bossId = (await boss.get('/api/v1/me')).json.id;
  const officerId = (await officer.get('/api/v1/me')).json.id;
  const workerId = (await worker.get('/api/v1/me')).json.id;
  let r = await officer.postJson('/api/v1/emerg/teams', { name: '合成一车间抢险队', unit_id: ws1.unit_id, duty: '泄漏抢险',
    leader_id: bossId, deputy_id: bossId });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'deputy_id');
  r = await officer.postJson('/api/v1/emerg/teams', { name: '合成一车间抢险队', unit_id: ws1.unit_id, duty: '泄漏抢险',
    leader_id: bossId, deputy_id: officerId });
  assert.equal(r.status, 201, r.text);
  const team = r.json;
  assert.equal(team.deputy_id, officerId);
  r = await officer.postJson(`/api/v1/emerg/teams/${team.id}/members`, { user_id: workerId, role: '警戒', phone: 'abc' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'phone');
  r = await officer.postJson(`/api/v1/emerg/teams/${team.id}/members`, { user_id: workerId, role: '警戒', phone: '13800000009' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.members.map((m) => [m.name, m.role, m.phone]), [['张三', '警戒', '13800000009']]);
  assert.equal((await officer.postJson(`/api/v1/emerg/teams/${team.id}/members`, { user_id: workerId, role: '警戒', phone: '119' })).status, 409);
  // a worker sees teams but may not make them
  assert.equal((await worker.postJson('/api/v1/emerg/teams', { name: 'x', unit_id: ws1.unit_id, leader_id: workerId })).status, 403);
  r = await officer.postJson('/api/v1/emerg/contacts', { name: '园区消防站', kind: 'fire', unit_id: ws1.unit_id, phone: '119' });
  assert.equal(r.status, 201, r.text);
  const contact = r.json.id;
  r = await officer.postJson('/api/v1/emerg/contacts', { name: '某处', kind: 'police', unit_id: ws1.unit_id, phone: '110' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'kind');
  const list = await worker.get('/api/v1/emerg/contacts');
  assert.ok(list.json.items.some((x) => x.id === contact));

  // on the commander's page of a drill of the workshop, and on the area's response card; planned
  // for the plant's today by the server's clock as it stands now (the first test moved it 600 s
  // past T0, which may be past midnight)
  const now = await serverNow(srv);
  const d = await officer.postJson('/api/v1/emerg/drills', { title: '队伍联络演练', kind: 'onsite', unit_id: ws1.unit_id,
    planned_on: new Date((now + 8 * 3600) * 1000).toISOString().slice(0, 10), announced: '1', muster: '北侧集合点' });
  assert.equal(d.status, 201, d.text);
  await boss.postJson(`/api/v1/emerg/drills/${d.json.id}/start`, {});
  const cmd = (await bossPage.get(`/emerg/drills/${d.json.id}/command`)).text;
  assert.match(cmd, new RegExp(`data-team="${team.id}"`));
  assert.match(cmd, new RegExp(`data-contact="${contact}" data-kind="fire"`));
  assert.match(cmd, /href="tel:119"/);
  const card = (await bossPage.get(`/emerg/areas/${area}/card`)).text;
  assert.match(card, new RegExp(`data-contact="${contact}"`));
  assert.match((await bossPage.get(`/emerg/teams/${team.id}`)).text, /警戒/);
});

// A month far beyond the demo's history (2061-05), so the figures are this test's alone.
test('the monthly PDF report carries the accident statistics table: accidents, near misses, injuries, hours, LTIFR', async () => {
  const T = Date.UTC(2061, 4, 10, 2) / 1000;
  await setClock(srv, T);
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  let r = await safety.postJson('/api/v1/incidents/hours', { unit_id: ws1.unit_id, month: '2061-05', hours: 100000 });
  assert.equal(r.status, 200, r.text);
  r = await safety.postJson('/api/v1/incidents', { kind: 'accident', what: '搬运时手指挤伤', area_id: Number(area),
    type_code: '2025-01', minor: 1 });
  assert.equal(r.status, 201, r.text);
  r = await safety.postJson('/api/v1/incidents', { kind: 'near_miss', what: '货架松动险些倾倒', area_id: Number(area),
    type_code: '2025-01' });
  assert.equal(r.status, 201, r.text);
  const page = srv.client();
  await page.login('ws1zhuren');
  const pdf = await fetch(`${srv.url}/reports/monthly.pdf?unit=${ws1.unit_id}&month=2061-05`, { headers: { Cookie: page.cookieHeader() } });
  assert.equal(pdf.status, 200);
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString();
  assert.match(text, /9\. 事故统计/);
  // 1 accident, 1 near miss, 1 injury, 100000 hours: 1 × 1,000,000 / 100,000 = 10.00
  assert.match(text, /合计\s+1\s+1\s+1\s+100000\s+10\.00/);
});

async function inbox(user) {
  const c = srv.client();
  await c.login(user);
  return (await c.get('/inbox')).text;
}
const count = (text, re) => (text.match(re) || []).length;

// A day far beyond the demo (2062-03-10): the escalation chain of the one-hour clock.
test('the one-hour clock escalates in configured steps, each sent once (clock moved, never slept)', async () => {
  const TB = Date.UTC(2062, 2, 10, 2) / 1000;
  await setClock(srv, TB);
  const director = srv.client();
  await director.apiLogin('zongjian');
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  let r = await director.postJson('/api/v1/incidents/escalation', { steps: '30:superior' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'steps');
  assert.equal((await safety.postJson('/api/v1/incidents/escalation', { steps: '60:safety_dept' })).status, 403);
  r = await director.postJson('/api/v1/incidents/escalation', { steps: '60:safety_dept, 90:safety_director' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.chain, [{ minutes: 60, target: 'safety_dept' }, { minutes: 90, target: 'safety_director' }]);
  assert.equal((await safety.get('/api/v1/incidents/escalation')).json.steps, '60:safety_dept,90:safety_director');
  r = await safety.postJson('/api/v1/incidents', { kind: 'accident', what: '链式升级烫伤', area_id: Number(area), type_code: '2025-08',
    serious: 1, person_name: ['王五'], person_injury: ['serious'] });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const up = /【升级】事故超时未报告：\s?链式升级烫伤/g;
  // 61 minutes: the first step (the safety department), not yet the second
  await setClock(srv, TB + 61 * 60);
  await tick(srv);
  await tick(srv);
  assert.equal(count(await inbox('anhuan'), up), 1);
  assert.equal(count(await inbox('zongjian'), up), 0);
  await setClock(srv, TB + 89 * 60);
  await tick(srv);
  assert.equal(count(await inbox('zongjian'), up), 0);
  // 91 minutes: the safety director, once however often the job runs; the first step not again
  await setClock(srv, TB + 91 * 60);
  await tick(srv);
  await tick(srv);
  assert.equal(count(await inbox('zongjian'), up), 1);
  assert.equal(count(await inbox('anhuan'), up), 1);
  const again = srv.client();
  await again.apiLogin('ws1anquan');
  assert.equal((await again.get(`/api/v1/incidents/${id}`)).json.escalated_at, TB + 61 * 60);
  const page = srv.client();
  await page.login('zongjian');
  assert.match((await page.get('/incidents/escalation')).text, /data-chain-step="2"/);
  // back to the default chain for what follows
  const reset = srv.client();
  await reset.apiLogin('zongjian');
  assert.equal((await reset.postJson('/api/v1/incidents/escalation', { steps: '60:superior,90:safety_director' })).status, 200);
});

// A day far beyond the demo (2062-06-10): a drill's action past its due day.
test('an overdue drill action reminds its owner once, then, days later, his superior once', async () => {
  const TC = Date.UTC(2062, 5, 10, 2) / 1000;
  await setClock(srv, TC);
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  const cmd = srv.client();
  await cmd.apiLogin('ws1zhuren');
  const w = srv.client();
  await w.apiLogin('yuangong');
  const owner = (await w.get('/api/v1/me')).json.id;
  const d = await safety.postJson('/api/v1/emerg/drills', { title: '逾期措施演练', kind: 'onsite', unit_id: ws1.unit_id,
    planned_on: '2062-06-10', announced: '1', muster: '北侧集合点' });
  assert.equal(d.status, 201, d.text);
  await cmd.postJson(`/api/v1/emerg/drills/${d.json.id}/start`, {});
  await cmd.postJson(`/api/v1/emerg/drills/${d.json.id}/end`, {});
  const r = await safety.postJson(`/api/v1/emerg/drills/${d.json.id}/evaluate`, { score: 75, summary: '集合点标识不清',
    shortcomings: [{ text: '补设集合点指示牌', owner_id: owner, due_on: '2062-06-12' }] });
  assert.equal(r.status, 200, r.text);
  const late = /【已逾期】演练整改措施：\s?补设集合点指示牌/g, up = /【升级】演练整改措施逾期未完成：\s?补设集合点指示牌/g;
  // on the due day: nothing; the day after: the owner, once
  await setClock(srv, Date.UTC(2062, 5, 12, 2) / 1000);
  await tick(srv);
  assert.equal(count(await inbox('yuangong'), late), 0);
  await setClock(srv, Date.UTC(2062, 5, 13, 2) / 1000);
  await tick(srv);
  await tick(srv);
  assert.equal(count(await inbox('yuangong'), late), 1);
  assert.equal(count(await inbox('ws1zhuren'), up), 0);
  // more than three days late: the head of the workshop above the owner's team, once
  await setClock(srv, Date.UTC(2062, 5, 16, 2) / 1000);
  await tick(srv);
  await tick(srv);
  assert.equal(count(await inbox('ws1zhuren'), up), 1);
  assert.equal(count(await inbox('yuangong'), late), 1);
});
