// tests/e2e/emerg.test.mjs — a drill on 360-px phones: the team's drill is started, three
// people scan the muster point's code and tap "I am safe" on their phones, and the incident
// commander's page on his phone shows who of the team is still missing, with the key
// actions and steps to tap. Screenshots: docs/screenshots/emerg-checkin-phone.png and
// emerg-command-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, serverNow, setClock, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  await setClock(srv, (await serverNow(srv)) + 600);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('three people check in at the muster point; the commander sees who is missing', async () => {
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  const units = (await safety.get('/api/v1/units')).json;
  const team = (units.items || units).find((u) => u.name === '合成一车间甲班');
  assert.ok(team, 'the team is in the safety officer\'s scope');
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  const day = new Date(((await serverNow(srv)) + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const d = await safety.postJson('/api/v1/emerg/drills', { title: '甲班有毒气体泄漏演练', kind: 'onsite', unit_id: team.id,
    planned_on: day, announced: '0', muster: '一车间北侧集合点', commander_id: (await leader.get('/api/v1/me')).json.id });
  assert.equal(d.status, 201, d.text);
  const started = await leader.postJson(`/api/v1/emerg/drills/${d.json.id}/start`, {});
  assert.equal(started.status, 200, started.text);
  const expected = started.json.missing.map((p) => p.username);
  assert.ok(expected.length > 3, `the team has more than three people (${expected})`);
  const safe = ['yuangong', ...expected.filter((u) => u !== 'yuangong' && u !== 'banzhang').slice(0, 2)];

  // each scans the code (the QR holds /emerg/c/<token>) and taps once on his phone
  for (const [i, user] of safe.entries()) {
    const { ctx, page } = await signedIn(browser, srv.url, user, DEMO_PASSWORD, PHONE);
    await page.goto(`${srv.url}/emerg/c/${started.json.checkin_token}`);
    const button = page.locator('.emerg-checkin form button');
    const box = await button.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, 'a thumb-sized button');
    await Promise.all([page.waitForURL(/\/emerg\/c\//), button.click()]);
    await page.locator('[data-checked-in="1"]').waitFor();
    if (i === 0) await page.screenshot({ path: `${shots}emerg-checkin-phone.png`, fullPage: true });
    await ctx.close();
  }

  // the commander's page: three safe, the rest listed as missing by name
  const { ctx, page } = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/emerg/drills/${d.json.id}/command`);
  assert.equal(await page.locator('.emerg-in li').count(), 3);
  const missing = await page.locator('.emerg-missing li').evaluateAll((els) => els.map((e) => e.dataset.missing));
  assert.deepEqual(missing.sort(), expected.filter((u) => !safe.includes(u)).sort());
  assert.ok(missing.includes('banzhang'), 'the commander himself has not checked in');
  assert.match(await page.locator('[data-count="missing"]').innerText(), new RegExp(`${missing.length}$`));
  // the alarm tapped from this page: its time appears in place of the button
  await Promise.all([page.waitForURL(/\/command$/), page.locator('li[data-mark="alarm"] button').click()]);
  assert.match(await page.locator('li[data-mark="alarm"]').innerText(), /\d\d:\d\d/);
  await page.screenshot({ path: `${shots}emerg-command-phone.png`, fullPage: true });
  // nothing on the page is wider than the phone
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling');
  await ctx.close();
});
