// tests/e2e/emerg_tabletop.test.mjs — a tabletop exercise on 360-px phones: two people named in
// the plan's roles join from their phones and record their decisions for the plan's steps,
// the facilitator injects an event from his phone, ends the exercise and sees the comparison
// with the plan (done, late by N minutes, missing) and the gaps as actions. The server's clock
// is moved between the decisions (never slept). Screenshot: docs/screenshots/emerg-tabletop-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, serverNow, setClock, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, T0;
before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  T0 = (await serverNow(srv)) + 600;
  await setClock(srv, T0);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('two participants record decisions on their phones; the facilitator sees the comparison with the plan', async () => {
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const me = async (u) => { const c = srv.client(); await c.apiLogin(u); return (await c.get('/api/v1/me')).json.id; };
  const boss = await me('ws1zhuren'), lead = await me('banzhang');
  const ws1 = (await api.get('/api/v1/emerg/plan')).json.units.find((u) => u.unit === '合成一车间').unit_id;
  const day = new Date((T0 + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const plan = (await api.postJson('/api/v1/emerg/plans', { title: '精馏塔泄漏现场处置方案', kind: 'onsite', unit_id: ws1,
    owner_id: await me('ws1anquan'), approved_on: day, review_months: 36 })).json.id;
  const part = (p) => api.postJson(`/api/v1/emerg/plans/${plan}/parts`, p);
  await part({ kind: 'scenario', title: '精馏塔塔釜泄漏' });
  await part({ kind: 'role', title: '现场指挥', user_id: boss, phone: '13800000001' });
  await part({ kind: 'role', title: '现场处置', user_id: lead, phone: '13800000002' });
  await part({ kind: 'step', title: '报警并启动响应', user_id: boss, target_min: 2 });
  await part({ kind: 'step', title: '关闭塔釜出料阀', user_id: lead, target_min: 5 });
  await part({ kind: 'step', title: '集合点清点人数', user_id: boss, target_min: 15 });
  await api.postJson(`/api/v1/emerg/plans/${plan}/injects`, { text: '一名操作工吸入有毒气体晕倒' });
  const created = await api.postJson('/api/v1/emerg/tabletops', { plan_id: plan, planned_on: day });
  assert.equal(created.status, 201, created.text);
  const url = `${srv.url}/emerg/tabletops/${created.json.id}`;

  const fac = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  await fac.page.goto(url);
  await Promise.all([fac.page.waitForURL(url), fac.page.getByRole('button', { name: '开始推演' }).click()]);
  await fac.page.locator('[data-status="running"]').waitFor();

  // each participant joins in his role and records a decision for his step
  const decide = async (user, step, text, at) => {
    await setClock(srv, at);
    const { ctx, page } = await signedIn(browser, srv.url, user, DEMO_PASSWORD, PHONE);
    await page.goto(url);
    const join = page.locator('form[action$="/join"] button');
    const box = await join.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, 'a thumb-sized join button');
    await Promise.all([page.waitForURL(url), join.click()]);
    await page.locator('form[action$="/decisions"] select').selectOption(String(step));
    await page.locator('form[action$="/decisions"] textarea').fill(text);
    await Promise.all([page.waitForURL(url), page.locator('form[action$="/decisions"] button').click()]);
    assert.equal(await page.locator('[data-event="decision"]').filter({ hasText: text }).count(), 1);
    await ctx.close();
  };
  await decide('ws1zhuren', 1, '启动车间级响应，广播报警', T0 + 60);
  // the facilitator injects the prepared event from his phone
  await setClock(srv, T0 + 4 * 60);
  await fac.page.goto(url);
  await fac.page.locator('form[action$="/injects"] select').selectOption({ label: '一名操作工吸入有毒气体晕倒' });
  await Promise.all([fac.page.waitForURL(url), fac.page.locator('form[action$="/injects"] button').click()]);
  await decide('banzhang', 2, '佩戴空气呼吸器关闭出料阀', T0 + 7 * 60 + 30);	// target 5 min: 3 min late

  // the end: the comparison with the plan and the gaps
  await setClock(srv, T0 + 20 * 60);
  await fac.page.goto(url);
  await Promise.all([fac.page.waitForURL(url), fac.page.getByRole('button', { name: '结束推演并对比预案' }).click()]);
  await fac.page.locator('[data-status="ended"]').waitFor();
  const results = await fac.page.locator('.emerg-tt-compare [data-result]').evaluateAll((els) =>
    els.map((e) => e.dataset.result + (e.dataset.late ? `:${e.dataset.late}` : '')));
  assert.deepEqual(results, ['done', 'late:3', 'missing']);
  assert.equal(await fac.page.locator('[data-gap]').count(), 2);
  assert.equal(await fac.page.locator('[data-event]').count(), 3);
  // nothing wider than the phone
  const width = await fac.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width} px)`);
  await fac.page.screenshot({ path: `${shots}emerg-tabletop-phone.png`, fullPage: true });
  await fac.ctx.close();
  await setClock(srv, T0);
});
