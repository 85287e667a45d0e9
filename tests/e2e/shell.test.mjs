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
