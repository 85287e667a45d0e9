// tests/e2e/duty.test.mjs — the duty evaluation as a workshop director meets it: his last
// month as a radar chart drawn by the server, a figure opened to the list of exactly the
// records behind it, and one record opened from there; the evaluation of his workshop with
// the ranking of units. Screenshots: docs/screenshots/duty-radar.png (phone),
// duty-drilldown.png (phone) and duty-eval.png (desktop).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, serverNow, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE, DESKTOP } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, last;

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  const d = new Date(((await serverNow(srv)) + 8 * 3600) * 1000);
  last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test("a workshop director's radar chart and its drill-down to the records", async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/duties?month=${last}`);
  const radar = page.locator('svg.duty-radar');
  await radar.waitFor();
  assert.equal(await radar.locator('text.axis').count(), 5, 'one axis per duty of his list');
  assert.equal(await radar.locator('polygon.score').count(), 1);
  assert.match(await page.locator('.duty-score').innerText(), /\d+%/);
  await page.screenshot({ path: `${shots}duty-radar.png`, fullPage: true });
  // the checks figure: "N / 4" opens the list of those N records
  const drill = page.locator('tr[data-measure="checks"] a.duty-drill');
  const n = Number((await drill.innerText()).split('/')[0].trim());
  assert.ok(n > 0, 'the demo has his checks of last month');
  await Promise.all([page.waitForURL(/\/duties\/eval\/\d+\/records\?/), drill.click()]);
  assert.equal(await page.locator('ul.duty-records > li').count(), n);
  assert.match(await page.locator('.duty-count').innerText(), new RegExp(`${n}$`));
  await page.screenshot({ path: `${shots}duty-drilldown.png` });
  // and one record opens
  await Promise.all([page.waitForURL(/\/checks\/records\/\d+$/), page.locator('ul.duty-records > li a').first().click()]);
  // the hazards figure lists the hazards, each marked on time or late
  await page.goto(`${srv.url}/duties?month=${last}`);
  const hz = page.locator('tr[data-measure="hazards"] a.duty-drill');
  await Promise.all([page.waitForURL(/\/records\?/), hz.click()]);
  const items = page.locator('ul.duty-records > li');
  assert.equal(await items.count(), await page.locator('ul.duty-records .badge').count());
  await ctx.close();
});

test('the evaluation of his workshop ranks its units and links each person', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, DESKTOP);
  await page.goto(`${srv.url}/duties/eval?month=${last}`);
  assert.ok(await page.locator('ol.duty-rank li').count() >= 2);
  await page.screenshot({ path: `${shots}duty-eval.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\/duties\/eval\/\d+\?month=/), page.locator('table.duty-people a', { hasText: '孙伟' }).click()]);
  assert.equal(await page.locator('svg.duty-radar').count(), 1);
  await ctx.close();
});
