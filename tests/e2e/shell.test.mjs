// tests/e2e/shell.test.mjs — the sign-in page and home page in a real browser at phone and
// desktop width; screenshots go to docs/screenshots/ for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE, DESKTOP } from './lib.mjs';

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

test('the home page fits a 360-px phone without sideways scrolling', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, PHONE);
  assert.match(await page.textContent('h1'), /孙伟/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${shots}home-phone.png`, fullPage: true });
  // the menu opens without JavaScript help (<details>) and lists the report link
  await page.click('details.menu > summary');
  assert.ok(await page.isVisible('nav a[href="/hazards/new"]'));
  await ctx.close();
});

test('the home page on a desktop shows the navigation inline', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  assert.ok(await page.isVisible('nav.wide a[href="/hazards"]'));
  await page.screenshot({ path: `${shots}home-desktop.png` });
  await ctx.close();
});

test('no console errors or CSP violations on the sign-in page', async () => {
  const ctx = await browser.newContext({ viewport: PHONE });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/login`);
  await page.screenshot({ path: `${shots}login-phone.png` });
  assert.deepEqual(errors, []);
  await ctx.close();
});

// The page's words on file, date and month controls, whatever the browser's language: a
// browser draws those controls in its own language and ignores lang, so the pages draw them.
async function controlsIn(page, base) {
  const out = { lang: await page.getAttribute('html', 'lang') };
  await page.goto(`${base}/hazards/new`);
  const input = page.locator('.hz-report input[type=file]');
  out.fileOpacity = await input.evaluate((el) => getComputedStyle(el).opacity);
  out.button = (await page.textContent('.hz-report .file-btn')).trim();
  out.none = (await page.textContent('.hz-report .file-names')).trim();
  // a tap on the words lands on the real input, which keeps its label for screen readers
  const b = await page.locator('.hz-report .file-btn').boundingBox();
  out.tapHits = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.type, [b.x + b.width / 2, b.y + b.height / 2]);
  out.inputBox = await input.boundingBox();
  await input.setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: Buffer.from('x') });
  out.chosen = (await page.textContent('.hz-report .file-names')).trim();
  await page.goto(`${base}/hazards`);
  out.dateHint = (await page.locator('.hz-filters .date-hint').first().textContent()).trim();
  await page.goto(`${base}/hazards/ranking?month=2026-03`);
  out.month = (await page.locator('select[name=month] option[selected]').textContent()).trim();
  return out;
}

test('file, date and month controls follow the page language, not the browser\'s', async () => {
  // a Chinese page in an English browser
  const en = await browser.newContext({ viewport: PHONE, locale: 'en-US', deviceScaleFactor: 1 });
  let page = await en.newPage();
  await page.goto(`${srv.url}/login`);
  await page.fill('input[name=username]', 'yuangong');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button.primary')]);
  assert.equal(await page.evaluate(() => navigator.language), 'en-US');
  const zh = await controlsIn(page, srv.url);
  assert.equal(zh.lang, 'zh-CN');
  assert.equal(zh.fileOpacity, '0', 'the browser\'s own button is not shown');
  assert.equal(zh.button, '拍照或选择照片');
  assert.equal(zh.none, '未选择文件');
  assert.equal(zh.tapHits, 'file');
  assert.ok(zh.inputBox.width >= 44 && zh.inputBox.height >= 44, JSON.stringify(zh.inputBox));
  assert.equal(zh.chosen, 'leak.png');
  assert.equal(zh.dateHint, '日期格式：年-月-日');
  assert.equal(zh.month, '2026年3月');
  await en.close();
  // an English page in a Chinese browser
  const { ctx, page: p2 } = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, PHONE);
  page = p2;
  await Promise.all([page.waitForLoadState('load'), page.click('footer button[name=lang][value=en]')]);
  assert.equal(await page.evaluate(() => navigator.language), 'zh-CN');
  await page.goto(`${srv.url}/`);
  const english = await controlsIn(page, srv.url);
  assert.equal(english.lang, 'en');
  assert.equal(english.fileOpacity, '0');
  assert.equal(english.button, 'Take or choose photos');
  assert.equal(english.none, 'No file chosen');
  assert.equal(english.dateHint, 'Date as year-month-day');
  assert.equal(english.month, 'March 2026');
  await ctx.close();
});
