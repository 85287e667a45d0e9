// tests/e2e/forms_keep.test.mjs — on a 360-px phone a refused hazard report keeps the work: the
// page (sent by hazard.js with fetch) comes back with the message under the photo, the place,
// category and description still filled in, and a note to choose the photo again; choosing
// it again sends the report.
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

async function goodPhoto(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 400; c.height = 300;
    const g = c.getContext('2d');
    g.fillStyle = '#8a8f96'; g.fillRect(0, 0, 400, 300);
    g.fillStyle = '#d32f2f'; g.fillRect(150, 100, 100, 100);
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return { name: 'IMG_1.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

test('a refused photo on a phone: message under the photo, the rest of the report kept', async () => {
  const w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  const page = w.page;
  await page.goto(`${srv.url}/hazards/new`);
  const areaValue = await page.$eval('select[name=area_id]', (s) => [...s.options].find((o) => o.text === '合成一车间 投料平台').value);
  await page.selectOption('select[name=area_id]', areaValue);
  await page.setInputFiles('input[name=photo]', { name: 'scan.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture') });
  await page.click('label.hz-cat:has-text("机械")');
  await page.fill('textarea[name=description]', '护栏立柱松动，一推就晃');
  await page.click('button.hz-send');
  await page.waitForSelector('#err-photo', { timeout: 8000 });
  assert.match(await page.textContent('#err-photo'), /^现场照片: /, 'the photo is named');
  assert.ok(await page.isVisible('#err-photo'));
  assert.match(await page.textContent('.hz-photo-again'), /请重新选择照片/);
  assert.equal(await page.inputValue('select[name=area_id]'), areaValue, 'the place is kept');
  assert.equal(await page.inputValue('textarea[name=description]'), '护栏立柱松动，一推就晃', 'the description is kept');
  assert.ok(await page.isChecked('label.hz-cat:has-text("机械") input'), 'the category is kept');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the refused form is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${shots}hazard-report-refused-phone.png`, fullPage: true });
  // choose the photo again and send: the report goes through with the kept values
  await page.setInputFiles('input[name=photo]', await goodPhoto(page));
  await Promise.all([page.waitForURL(/\/hazards\/\d+\?created=1/, { timeout: 8000 }), page.click('button.hz-send')]);
  assert.match(await page.textContent('main'), /护栏立柱松动，一推就晃/);
  await w.ctx.close();
});
