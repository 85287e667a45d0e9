// tests/e2e/hazard.test.mjs — a worker reports a hazard with a photo on a 360-px phone (the
// page shrinks the photo with canvas and sends it with fetch), the team leader accepts and
// rectifies it with an after-photo, the workshop safety officer verifies and closes it.
// Screenshots of the report and detail pages go to docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, photo;

// A 2000×1500 JPEG drawn by the browser itself: a grey wall with a red-and-yellow hazard sign.
async function makePhoto(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2000; c.height = 1500;
    const g = c.getContext('2d');
    g.fillStyle = '#8a8f96'; g.fillRect(0, 0, 2000, 1500);
    for (let i = 0; i < 40; i++) { g.fillStyle = i % 2 ? '#f9a825' : '#222'; g.fillRect(i * 50, 1200, 50, 300); }
    g.fillStyle = '#d32f2f'; g.beginPath(); g.arc(1000, 600, 380, 0, 7); g.fill();
    g.fillStyle = '#fff'; g.fillRect(960, 330, 80, 360); g.fillRect(960, 740, 80, 80);
    return c.toDataURL('image/jpeg', 0.92).split(',')[1];
  });
  return { name: 'IMG_20260501_101500.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

// Click an action button and wait until the page shows the hazard's new status.
async function act(page, selector, status) {
  await page.click(selector);
  try {
    await page.waitForFunction((s) => document.querySelector('.hz-detail .badge')?.textContent === s, status, { timeout: 8000 });
  } catch (e) {
    throw new Error(`${selector}: ${(await page.textContent('main')).slice(0, 300)}`);
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('report on a phone, rectify, verify and close through the pages', async () => {
  const errors = [];
  const w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  w.page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await w.page.goto(`${srv.url}/hazards/new`);
  photo = await makePhoto(w.page);
  // an area of 合成一车间, whose hazards go to banzhang's team by default
  const areaValue = await w.page.$eval('select[name=area_id]', (s) => [...s.options].find((o) => o.text === '合成一车间 投料平台').value);
  await w.page.goto(`${srv.url}/hazards/new?area=${areaValue}`);
  assert.equal(await w.page.inputValue('select[name=area_id]'), areaValue, 'the QR/area link preselects');
  assert.ok(await w.page.isVisible('button.hz-gps'), 'the GPS button appears with JavaScript');
  await w.page.setInputFiles('input[name=photo]', photo);
  await w.page.click('label.hz-cat:has-text("机械")');
  await w.page.fill('textarea[name=description]', '投料平台东侧护栏立柱松动，一推就晃');
  const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `report page is ${overflow}px wider than the phone`);
  await w.page.screenshot({ path: `${shots}hazard-report-phone.png`, fullPage: true });
  // watch the upload: the browser must send a shrunk photo, not the 2000-px original
  await w.page.evaluate(() => {
    const f = window.fetch;
    window.fetch = (u, o) => {
      let n = 0;
      for (const [, v] of o.body.entries()) if (v instanceof Blob) n += v.size;
      sessionStorage.setItem('sent', String(n));
      return f(u, o);
    };
  });
  await Promise.all([w.page.waitForURL(/\/hazards\/\d+\?created=1/), w.page.click('button.hz-send')]);
  const sent = Number(await w.page.evaluate(() => sessionStorage.getItem('sent')));
  assert.ok(sent > 0 && sent < photo.buffer.length, `uploaded ${sent} bytes for a ${photo.buffer.length}-byte photo`);
  const number = (await w.page.textContent('h1')).trim();
  assert.match(number, /^YH-\d{4}-\d{6}$/);
  const url = w.page.url().replace(/\?.*/, '');
  assert.equal(await w.page.locator('.hz-photos img').count(), 2, 'the photo in the facts and in the timeline');
  assert.equal(await w.page.locator('form.hz-act-accept').count(), 0, 'a worker is not offered accept');
  assert.deepEqual(errors, [], 'no console errors or CSP violations');
  await w.ctx.close();

  // the team leader accepts, starts and submits with an after-photo
  const l = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, PHONE);
  await l.page.goto(url);
  await l.page.click('details.hz-act:has(form.hz-act-accept) > summary');
  await act(l.page, 'form.hz-act-accept button', '已派发');
  await act(l.page, 'form.hz-act-start button', '整改中');
  await l.page.click('details.hz-act:has(form.hz-act-submit) > summary');
  await l.page.fill('form.hz-act-submit textarea[name=note]', '已紧固立柱螺栓并加装斜撑');
  await l.page.setInputFiles('form.hz-act-submit input[name=photo]', { ...photo, name: 'after.jpg' });
  await act(l.page, 'form.hz-act-submit > button', '待验收');
  assert.match(await l.page.textContent('.hz-detail'), /待验收/);
  assert.equal(await l.page.locator('form.hz-act-verify').count(), 0, 'the rectifier is not offered verify');
  await l.ctx.close();

  // the workshop safety officer verifies: closed
  const v = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  await v.page.goto(url);
  await act(v.page, 'form.hz-act-verify button', '已销号');
  assert.match(await v.page.textContent('.hz-detail'), /已销号/);
  const steps = await v.page.locator('.hz-timeline > li').count();
  assert.equal(steps, 5, 'report, accept, start, submit, verify');
  const overflow2 = await v.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow2 <= 0, `detail page is ${overflow2}px wider than the phone`);
  await v.page.screenshot({ path: `${shots}hazard-detail-phone.png`, fullPage: true });
  await v.ctx.close();
});
