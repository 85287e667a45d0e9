// tests/e2e/checks.test.mjs — a round on a 360-px phone: the worker opens the checkpoint's QR
// URL (as the phone's camera would), records the ten-item round with one failed item (big
// toggles, the numeric keypad for readings, a photo of the failure), and files the failure as
// a hazard in one tap. Every tap is counted; the count for a ten-item round with one failure is
// printed for the issue note. Screenshots go to docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, setClock, tick, DEMO_PASSWORD } from '../http/lib.mjs';
import { png } from '../http/images.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
// Monday 2027-03-01 09:05 in the plant's zone (UTC+8): the 08:00–10:00 day round is open
const NOW = Date.UTC(2027, 2, 1, 9, 5) / 1000 - 8 * 3600;

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  await setClock(srv, NOW);
  await tick(srv);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await setClock(srv, 0);
  await srv?.stop();
});

test('a worker scans the checkpoint, records a ten-item round with one failure and files it as a hazard', async () => {
  const c = srv.client();
  await c.apiLogin('anhuan');
  const point = (await c.get('/api/v1/check/points')).json.items.find((p) => p.name === '1#反应釜');
  const { ctx, page } = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  let taps = 0;
  const tap = async (sel) => { taps++; await page.click(sel); };

  // my checks today, in route order, with the round's progress
  await page.goto(`${srv.url}/checks`);
  assert.match(await page.textContent('#my-checks'), /合成一车间白班巡检/);
  await page.screenshot({ path: `${shots}checks-today-phone.png`, fullPage: true });

  // the QR label: the scan is recorded and the task due here opens with it
  taps++;
  await page.goto(`${srv.url}/c/${point.token}`);
  assert.match(new URL(page.url()).pathname, /^\/checks\/tasks\/\d+$/);
  const items = await page.$$eval('fieldset.ck-item', (fs) => fs.map((f) => ({ id: f.dataset.item, kind: f.dataset.kind })));
  assert.equal(items.length, 10);
  for (const [i, it] of items.entries()) {
    const fs = `fieldset[data-item="${it.id}"]`;
    if (it.kind === 'number') {
      assert.equal(await page.getAttribute(`${fs} input[name=item_${it.id}]`, 'inputmode'), 'decimal');
      await tap(`${fs} input[name=item_${it.id}]`);
      await page.keyboard.type('5');
    } else if (i === 0) {
      await tap(`${fs} label.hz-cat:has-text("异常")`);
      taps++;	// the camera: one shutter press
      await page.setInputFiles(`${fs} input[type=file]`, { name: 'leak.png', mimeType: 'image/png',
        buffer: png(320, 240, (x, y) => [200, (x + y) % 255, 40]) });
    } else {
      await tap(`${fs} label.hz-cat:has-text("正常")`);
    }
  }
  const toggle = await page.$eval(`fieldset[data-item="${items[0].id}"] label.hz-cat span`, (s) => s.getBoundingClientRect());
  assert.ok(toggle.height >= 44 && toggle.width >= 120, `pass/fail toggles are big (${toggle.width}×${toggle.height})`);
  await page.screenshot({ path: `${shots}check-form-phone.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\/checks\/records\/\d+$/), tap('form.ck-form button[type=submit]')]);
  assert.equal((await page.textContent('#failed-count')).trim(), '1');
  assert.match(await page.textContent('#on-site'), /\d+/, 'time on site shown');
  await page.screenshot({ path: `${shots}check-record-phone.png`, fullPage: true });

  // one tap: the failure becomes a hazard, pre-filled and linked
  await Promise.all([page.waitForURL(/\/hazards\/\d+$/), tap('#results form button')]);
  assert.match(await page.textContent('main'), /现场无泄漏、无异味/);
  await page.screenshot({ path: `${shots}check-hazard-phone.png`, fullPage: true });
  console.log(`taps for a ten-item round with one failure, from the scan to the filed hazard: ${taps}`);
  assert.ok(taps <= 15, `${taps} taps`);

  // the round's progress counts the record
  await page.goto(`${srv.url}/checks`);
  assert.match(await page.textContent('#my-checks [data-progress]'), /1\/2/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await ctx.close();
});
