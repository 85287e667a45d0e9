// tests/http/emerg_tabletop.test.mjs — tabletop exercises (应急推演, issue 20 item 5): an
// exercise made from a plan (its roles with named people, its steps with target times, its
// prepared injects), the people told in their inbox and joining once each, injects and
// decisions stamped by the server's clock (moved, never slept), the refusals (an inject
// before the start and after the end, a decision by someone not in the exercise or not yet
// joined, a second join), the comparison at the end (done / late by N min / missing) and
// each gap as an action for its owner, reminded when overdue; audit and data scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, T0;
const H = 3600;
const day = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 10);
const as = async (user) => {
  const c = srv.client();
  await c.apiLogin(user);
  c.id = (await c.get('/api/v1/me')).json.id;
  return c;
};

before(async () => {
  srv = await startServer();
  T0 = (await serverNow(srv)) + 600;
  await setClock(srv, T0);
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a tabletop exercise: joined in roles, injects and decisions timed by the server, compared with the plan, gaps as actions', async () => {
  const fac = await as('ws1anquan'), boss = await as('ws1zhuren'), lead = await as('banzhang'), worker = await as('yuangong');
  const ws1 = (await fac.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间').unit_id;

  // the plan: roles with named people, steps with target times and who answers for them
  let r = await fac.postJson('/api/v1/emerg/plans', { title: '反应釜泄漏着火现场处置方案', kind: 'onsite', unit_id: ws1,
    owner_id: fac.id, approved_on: day(T0 - 86400), review_months: 36 });
  assert.equal(r.status, 201, r.text);
  const plan = r.json.id;
  const part = (p) => fac.postJson(`/api/v1/emerg/plans/${plan}/parts`, p);
  await part({ kind: 'scenario', title: '反应釜法兰泄漏', body: '泄漏后遇明火着火' });
  assert.equal((await part({ kind: 'role', title: '现场指挥', user_id: boss.id, phone: '13800000001' })).status, 201);
  await part({ kind: 'role', title: '现场处置', user_id: lead.id, phone: '13800000002' });
  await part({ kind: 'role', title: '疏散引导', user_id: worker.id, phone: '13800000003' });
  // a target time belongs to a step only
  r = await part({ kind: 'role', title: '警戒', user_id: worker.id, phone: '13800000004', target_min: 5 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'target_min');
  await part({ kind: 'step', title: '报警并启动响应', user_id: boss.id, target_min: 2 });
  await part({ kind: 'step', title: '关闭进料阀，切断物料', user_id: lead.id, target_min: 5 });
  await part({ kind: 'step', title: '疏散无关人员', user_id: worker.id, target_min: 10 });
  r = await part({ kind: 'step', title: '向公司报告', target_min: 30 });
  // the plan's JSON carries each step's target (null for the other parts)
  const steps = r.json.parts.filter((x) => x.kind === 'step').map((x) => [x.title, x.target_min]);
  assert.deepEqual(steps, [['报警并启动响应', 2], ['关闭进料阀，切断物料', 5], ['疏散无关人员', 10], ['向公司报告', 30]]);
  assert.equal(r.json.parts.find((x) => x.kind === 'scenario').target_min, null);
  assert.equal((await fac.get(`/api/v1/emerg/plans/${plan}`)).json.parts.find((x) => x.title === '疏散无关人员').target_min, 10);
  r = await fac.postJson(`/api/v1/emerg/plans/${plan}/injects`, { text: '第二处泄漏' });
  assert.equal(r.status, 201, r.text);
  const inject = r.json.id;
  assert.equal((await fac.postJson(`/api/v1/emerg/plans/${plan}/injects`, { text: '' })).json.error.field, 'text');

  // creating: a day past and an unknown plan are refused naming the field
  r = await fac.postJson('/api/v1/emerg/tabletops', { plan_id: plan, planned_on: day(T0 - 3 * 86400) });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'planned_on');
  r = await fac.postJson('/api/v1/emerg/tabletops', { plan_id: 999999, planned_on: day(T0) });
  assert.equal(r.json.error.field, 'plan_id');
  r = await fac.postJson('/api/v1/emerg/tabletops', { plan_id: plan, planned_on: day(T0) });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id, tt = `/api/v1/emerg/tabletops/${id}`;
  assert.equal(r.json.status, 'planned');
  assert.equal(r.json.title, '反应釜泄漏着火现场处置方案');
  assert.match(r.json.scenario, /反应釜法兰泄漏：泄漏后遇明火着火/);
  assert.deepEqual(r.json.roles.map((x) => [x.role, x.user_id, x.joined_at]),
    [['现场指挥', boss.id, null], ['现场处置', lead.id, null], ['疏散引导', worker.id, null]]);
  assert.deepEqual(r.json.steps.map((s) => [s.seq, s.target_min, s.owner_id]), [[1, 2, boss.id], [2, 5, lead.id], [3, 10, worker.id], [4, 30, null]]);
  assert.deepEqual(r.json.injects.map((x) => x.text), ['第二处泄漏']);

  // the people named are invited through their inbox, with the link to join
  const invite = (await lead.get('/api/v1/inbox')).json.items.find((n) => n.title.includes('应急推演邀请'));
  assert.ok(invite, 'the role holder is invited');
  assert.equal(invite.link, `/emerg/tabletops/${id}`);

  // data scope: the worker sees the exercise he has a role in; someone of another workshop does not
  assert.ok((await worker.get('/api/v1/emerg/tabletops')).json.items.some((x) => x.id === id));
  assert.equal((await worker.get(tt)).json.my_role, '疏散引导');
  const other = await as('u012');	// a worker of the second workshop: neither his unit nor a role
  assert.equal((await other.get(tt)).status, 404);

  // before the start: no inject; the people join once each
  r = await fac.postJson(`${tt}/injects`, { text: '停电' });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /尚未开始/);
  r = await lead.postJson(`${tt}/join`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.joined, true);
  r = await lead.postJson(`${tt}/join`, {});
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /不能重复加入/);
  // only the facilitator (or a manager) runs it
  assert.equal((await boss.postJson(`${tt}/start`, {})).status, 403);
  r = await fac.postJson(`${tt}/start`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.started_at, T0);

  // the facilitator is not in a role: his decision is refused; the worker must join first
  r = await fac.postJson(`${tt}/decisions`, { text: '我来处置' });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /不是本次推演的参演人员/);
  r = await worker.postJson(`${tt}/decisions`, { text: '引导疏散', step_seq: 3 });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /先加入/);

  await setClock(srv, T0 + 60);
  await boss.postJson(`${tt}/join`, {});
  r = await boss.postJson(`${tt}/decisions`, { text: '启动车间级响应', step_seq: 1 });
  assert.equal(r.status, 201, r.text);
  await setClock(srv, T0 + 180);
  r = await fac.postJson(`${tt}/injects`, { inject_id: inject, text: '储罐区可燃气体报警' });
  assert.equal(r.status, 201, r.text);
  assert.equal((await fac.postJson(`${tt}/injects`, { inject_id: 424242 })).json.error.field, 'inject_id');
  // on the page a refused inject shows the form again: the error under the field it names, the words kept
  const runPage = srv.client();
  await runPage.login('ws1anquan');
  await runPage.get(`/emerg/tabletops/${id}`);
  let html = await runPage.post(`/emerg/tabletops/${id}/injects`, { inject_id: '424242', text: '东侧围堰也有积液' });
  assert.equal(html.status, 422);
  assert.match(html.text, /<select name="inject_id" aria-invalid="true">/);
  assert.match(html.text, /<span class="field-error" role="alert" data-field="inject_id">预设事件[^<]*: /);
  assert.match(html.text, /<textarea name="text" maxlength="500">东侧围堰也有积液<\/textarea>/);
  html = await runPage.post(`/emerg/tabletops/${id}/injects`, { inject_id: String(inject), text: 'x'.repeat(501) });
  assert.equal(html.status, 422);
  assert.match(html.text, /data-field="text">事件描述/);
  assert.match(html.text, new RegExp(`<option value="${inject}" selected>`), 'the prepared event stays picked');
  assert.match(html.text, new RegExp(`>${'x'.repeat(501)}</textarea>`));
  await setClock(srv, T0 + 8 * 60 + 1);	// step 2's target is 5 min: 3 min 1 s late rounds up to 4
  await lead.postJson(`${tt}/decisions`, { text: '佩戴空气呼吸器关闭进料阀', step_seq: 2 });
  await setClock(srv, T0 + 9 * 60);
  await fac.postJson(`${tt}/injects`, { text: '厂区停电' });
  await worker.postJson(`${tt}/join`, {});
  await setClock(srv, T0 + 9 * 60 + 30);
  r = await worker.postJson(`${tt}/decisions`, { text: '引导人员撤离至北侧集合点', step_seq: 3 });
  assert.equal(r.status, 201, r.text);
  // bad input names its field
  assert.equal((await worker.postJson(`${tt}/decisions`, { text: '' })).json.error.field, 'text');
  assert.equal((await worker.postJson(`${tt}/decisions`, { text: 'x'.repeat(501) })).json.error.field, 'text');
  assert.equal((await worker.postJson(`${tt}/decisions`, { text: '报告', step_seq: 99 })).json.error.field, 'step_seq');
  // a decision for no step is on the timeline but completes nothing
  await worker.postJson(`${tt}/decisions`, { text: '发现一人受伤，呼叫急救' });

  // while it runs: the steps recorded are compared already, the others pending
  r = await fac.get(tt);
  assert.deepEqual(r.json.steps.map((s) => s.result), ['done', 'late', 'done', 'pending']);
  assert.deepEqual(r.json.events.map((e) => [e.kind, e.offset_s, e.role]), [
    ['decision', 60, '现场指挥'], ['inject', 180, '主持人'], ['decision', 481, '现场处置'], ['inject', 540, '主持人'],
    ['decision', 570, '疏散引导'], ['decision', 570, '疏散引导']]);
  assert.equal(r.json.events[1].text, '第二处泄漏 — 储罐区可燃气体报警');

  // the end: fixed comparison, a gap action per step late or missing
  await setClock(srv, T0 + 20 * 60);
  r = await fac.postJson(`${tt}/end`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ended');
  assert.deepEqual(r.json.steps.map((s) => [s.result, s.late_min]), [['done', 0], ['late', 4], ['done', 0], ['missing', 0]]);
  assert.deepEqual(r.json.actions.map((a) => [a.step_seq, a.owner_id, a.due_on, a.done_at]),
    [[2, lead.id, day(T0 + 20 * 60 + 14 * 86400), null], [4, fac.id, day(T0 + 20 * 60 + 14 * 86400), null]]);
  assert.match(r.json.actions[0].text, /关闭进料阀.*4/);
  assert.match(r.json.actions[1].text, /向公司报告.*缺失/);

  // after the end: nothing more is recorded, and it ends once
  r = await fac.postJson(`${tt}/injects`, { text: '又一处泄漏' });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /已结束/);
  r = await lead.postJson(`${tt}/decisions`, { text: '补记' });
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /已结束/);
  assert.equal((await fac.postJson(`${tt}/end`, {})).status, 409);
  // the page refuses the same way, keeping the words typed
  const page = srv.client();
  await page.login('ws1anquan');
  await page.get(`/emerg/tabletops/${id}`);
  r = await page.post(`/emerg/tabletops/${id}/injects`, { text: '网页上晚到的事件' });
  assert.equal(r.status, 409);
  assert.match(r.text, /已结束/);
  assert.match(r.text, /data-result="late" data-late="4"/);
  // the form of a new exercise refused: the field named, what was typed kept
  await page.get('/emerg/tabletops');
  r = await page.post('/emerg/tabletops', { plan_id: String(plan), title: '复盘推演', planned_on: day(T0 - 3 * 86400) });
  assert.equal(r.status, 422);
  assert.match(r.text, /planned_on: /);
  assert.match(r.text, /name="title" maxlength="100" value="复盘推演"/);
  assert.match(r.text, new RegExp(`<option value="${plan}" selected`));
  // the plan's page shows the steps' targets and its injects, with the form of a new one
  r = await page.get(`/emerg/plans/${plan}`);
  assert.match(r.text, /关闭进料阀，切断物料 · 5 分钟/);
  assert.match(r.text, /<li>第二处泄漏<\/li>/);
  r = await page.post(`/emerg/plans/${plan}/injects`, { text: '人员被困' });
  assert.equal(r.status, 303);
  // a refused one shows the plan's page again, the field named under it and the words kept
  r = await page.post(`/emerg/plans/${plan}/injects`, { text: '被困'.repeat(251) });
  assert.equal(r.status, 422);
  assert.match(r.text, /<h1>反应釜泄漏着火现场处置方案<\/h1>/);
  assert.match(r.text, new RegExp(`<input name="text" maxlength="500" required value="${'被困'.repeat(251)}" aria-invalid="true">`));
  assert.match(r.text, /<span class="field-error" role="alert" data-field="text">新的突发事件: 请填写内容/);
  assert.deepEqual((await fac.get(tt)).json.injects.map((x) => x.text), ['第二处泄漏', '人员被困']);

  // every change is audited
  const auditor = await as('auditor');
  const actions = (await auditor.get(`/api/v1/audit?entity=emerg_tabletop&entity_id=${id}&per_page=100`)).json.items.map((e) => e.action).sort();
  assert.deepEqual(actions, ['create', 'decision', 'decision', 'decision', 'decision', 'end', 'inject', 'inject', 'join', 'join', 'join', 'start']);

  // overdue: the owner is reminded once, not once a tick; he closes it, and only he may
  await setClock(srv, T0 + 16 * 86400);
  await tick(srv);
  await tick(srv);
  const lead16 = await as('banzhang'), fac16 = await as('ws1anquan');	// signed in again, days later
  const overdue = (await lead16.get('/api/v1/inbox')).json.items.filter((n) => n.title.includes('推演整改措施已逾期'));
  assert.equal(overdue.length, 1);
  assert.match(overdue[0].body, /关闭进料阀/);
  const gap = (await lead16.get(tt)).json.actions[0];
  assert.equal(gap.overdue, true);
  // it waits for him: the exercise under ?todo=1, and the action on the list his home line opens
  assert.deepEqual((await lead16.get('/api/v1/emerg/tabletops?todo=1')).json.items.map((x) => x.id), [id]);
  const web = srv.client();
  await web.login('banzhang');
  assert.match((await web.get('/')).text, /data-todo="emerg\.tt\.todo">[^]*?<strong class="badge">1<\/strong>/);
  assert.equal(((await web.get('/emerg/tabletops?todo=1')).text.match(/data-emerg-row="/g) || []).length, 1);
  assert.equal((await fac16.postJson(`/api/v1/emerg/tt-actions/${gap.id}/done`, {})).status, 404);
  r = await lead16.postJson(`/api/v1/emerg/tt-actions/${gap.id}/done`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal((await lead16.postJson(`/api/v1/emerg/tt-actions/${gap.id}/done`, {})).status, 409);
  assert.equal((await lead16.get('/api/v1/emerg/tabletops?todo=1')).json.total, 0);
  await setClock(srv, T0 + 23 * 86400);
  await tick(srv);
  const later = await as('banzhang');	// a week on: signed in again
  const inbox = await later.get('/api/v1/inbox');
  assert.equal(inbox.status, 200, inbox.text);
  assert.equal(inbox.json.items.filter((n) => n.title.includes('推演整改措施已逾期')).length, 1);
  await setClock(srv, T0);
});

test('a gap left open climbs the drill actions\' chain: its owner once when overdue, his superior once days later', async () => {
  const TC = Date.UTC(2063, 2, 10, 2) / 1000;
  await setClock(srv, TC);
  const fac = await as('ws1anquan'), worker = await as('yuangong');
  const ws1 = (await fac.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间').unit_id;
  let r = await fac.postJson('/api/v1/emerg/plans', { title: '储罐区泄漏现场处置方案', kind: 'onsite', unit_id: ws1,
    owner_id: fac.id, approved_on: day(TC - 86400), review_months: 36 });
  assert.equal(r.status, 201, r.text);
  await fac.postJson(`/api/v1/emerg/plans/${r.json.id}/parts`, { kind: 'role', title: '现场处置', user_id: worker.id, phone: '13800000005' });
  await fac.postJson(`/api/v1/emerg/plans/${r.json.id}/parts`, { kind: 'step', title: '关闭罐根阀', user_id: worker.id, target_min: 3 });
  r = await fac.postJson('/api/v1/emerg/tabletops', { plan_id: r.json.id, planned_on: day(TC) });
  assert.equal(r.status, 201, r.text);
  const tt = `/api/v1/emerg/tabletops/${r.json.id}`;
  assert.equal((await fac.postJson(`${tt}/start`, {})).status, 200);
  r = await fac.postJson(`${tt}/end`, {});	// nobody acted: the step is missing, a gap for its owner
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.actions.map((a) => a.owner_id), [worker.id]);
  const mine = async (user, re) => ((await (await as(user)).get('/api/v1/inbox')).json.items.filter((n) => re.test(n.title) && /储罐区泄漏/.test(n.title))).length;
  const late = /推演整改措施已逾期/, up = /【升级】推演整改措施逾期未完成/;
  // 14 days to remedy it; two days past: the owner, once however often the job runs
  await setClock(srv, TC + 16 * 86400);
  await tick(srv);
  await tick(srv);
  assert.equal(await mine('yuangong', late), 1);
  assert.equal(await mine('ws1zhuren', up), 0);
  // more than three days past (emerg.action_escalate_days): the head of the workshop above his team, once
  await setClock(srv, TC + 18 * 86400);
  await tick(srv);
  await tick(srv);
  assert.equal(await mine('ws1zhuren', up), 1);
  assert.equal(await mine('yuangong', late), 1);
  await setClock(srv, TC + 30 * 86400);
  await tick(srv);
  assert.equal(await mine('ws1zhuren', up), 1);
  assert.equal(await mine('yuangong', late), 1);
  await setClock(srv, T0);
});

test('the demo: the multi-hazard exercise done with its gaps, and one planned', async () => {
  const safety = await as('anhuan');
  const list = (await safety.get('/api/v1/emerg/tabletops?per_page=50')).json;
  const done = list.items.find((x) => x.title === '地震+燃气泄漏+电梯困人 桌面推演');
  assert.equal(done.status, 'ended');
  assert.deepEqual(done.steps.map((s) => s.result), ['done', 'late', 'done', 'late', 'missing', 'done', 'done']);
  assert.deepEqual(done.steps.filter((s) => s.result === 'late').map((s) => s.late_min), [3, 7]);
  assert.deepEqual(done.actions.map((a) => a.step_seq), [2, 4, 5]);
  assert.equal(done.events.filter((e) => e.kind === 'inject').length, 3);
  assert.match(done.scenario, /地震.*燃气.*电梯/);
  assert.ok(list.items.some((x) => x.status === 'planned' && x.plan_id === done.plan_id));
  assert.equal((await safety.get('/api/v1/emerg/tabletops?status=planned')).json.items.every((x) => x.status === 'planned'), true);
  assert.equal((await safety.get('/api/v1/emerg/tabletops?status=bogus')).status, 400);
});
