// tests/e2e/accident.test.mjs — a worker reports a near miss from a 360-px phone: the menu
// entry, the report form (near miss is the default kind), a photo from the camera input, the
// thanks for the praise, and no sideways scrolling; then the safety officer's view of the
// same report with its 四不放过 steps. Screenshots: docs/screenshots/incident-report-phone.png,
// incident-thanks-phone.png and incident-detail-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function makePhoto(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1200; c.height = 900;
    const g = c.getContext('2d');
    g.fillStyle = '#7d8790'; g.fillRect(0, 0, 1200, 900);
    g.fillStyle = '#c62828'; g.fillRect(420, 200, 360, 500);
    g.fillStyle = '#f9a825'; for (let i = 0; i < 24; i++) g.fillRect(i * 50, 760, 25, 140);
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return { name: 'IMG_near_miss.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

test('a worker reports a near miss from the phone in a few taps', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/`);
  await page.click('details.menu > summary');
  await Promise.all([page.waitForURL(/\/incidents$/), page.click('details.menu a[href="/incidents"]')]);
  await Promise.all([page.waitForURL(/\/incidents\/new$/), page.click('a[href="/incidents/new"]')]);
  assert.equal(await page.isChecked('input[name=kind][value=near_miss]'), true, 'near miss is the default');
  await page.fill('input[name=what]', '卸料口防护栏松动，险些有人跌落');
  await page.selectOption('select[name=area_id]', { label: '合成一车间 投料平台' });
  await page.selectOption('select[name=type_code]', { label: '高处坠落' });
  await page.setInputFiles('input[name=photo]', await makePhoto(page));
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `no sideways scrolling (${wide} px)`);
  await page.screenshot({ path: `${shots}incident-report-phone.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\/incidents\/\d+\?created=1$/), page.click('form.acc-report button[type=submit]')]);
  const id = page.url().match(/incidents\/(\d+)/)[1];
  assert.match(await page.textContent('.notice'), /谢谢/);
  assert.equal(await page.locator('img.acc-photo-img').count(), 1);
  assert.ok(await page.locator('img.acc-photo-img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo shows');
  await page.screenshot({ path: `${shots}incident-thanks-phone.png`, fullPage: true });
  await ctx.close();
  // the workshop's safety officer sees it, with the four steps to record
  const o = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  await o.page.goto(`${srv.url}/incidents/${id}`);
  assert.equal(await o.page.locator('.acc-steps li[data-step]').count(), 4);
  await o.page.selectOption('.acc-steps li[data-step=cause] select[name=root_cause]', 'thing');
  await o.page.fill('.acc-steps li[data-step=cause] textarea', '防护栏螺栓锈蚀松脱');
  await Promise.all([o.page.waitForURL(new RegExp(`/incidents/${id}$`)),
    o.page.click('.acc-steps li[data-step=cause] button[type=submit]')]);
  assert.equal(await o.page.getAttribute('.acc-steps li[data-step=cause]', 'class'), 'done');
  assert.equal(await o.page.textContent('.acc-steps li[data-step=cause] p.step-text'), '防护栏螺栓锈蚀松脱');
  assert.equal(await o.page.locator('.acc-steps li[data-step=responsibility] p.step-text').count(), 0);
  await o.page.screenshot({ path: `${shots}incident-detail-phone.png`, fullPage: true });
  await o.ctx.close();
});
