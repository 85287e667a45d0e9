// tests/e2e/audit_page.test.mjs — the auditor's log on a 360-px phone: rows as cards with
// names (not codes), drop-down filters, no horizontal scroll, and every control of the page
// at least 44 × 44 CSS px. The screenshot goes to docs/screenshots/audit-phone.png.
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

test('the audit log on a 360-px phone: cards, names, drop-downs, 44-px targets', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'auditor', DEMO_PASSWORD, PHONE);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  assert.equal((await page.goto(`${srv.url}/audit`)).status(), 200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  // rows are cards: the table head is hidden and a row is as wide as the list
  assert.equal(await page.locator('table.audit thead').isVisible(), false);
  const row = page.locator('table.audit tbody tr').first();
  const rb = await row.boundingBox();
  assert.ok(rb.width > 280, `a card spans the phone (${rb.width}px)`);
  assert.equal(await row.evaluate((tr) => getComputedStyle(tr).display), 'block');
  // names, not codes: the sign-in of the auditor herself is the newest entry
  const text = await row.innerText();
  assert.match(text, /吴雪梅/);
  assert.match(text, /登录/);
  assert.doesNotMatch(text, /\blogin\b|user #/);
  // the filters are drop-downs, and choosing one filters by its code
  assert.equal(await page.locator('select[name="action"]').count(), 1);
  assert.equal(await page.locator('select[name="entity"]').count(), 1);
  assert.equal(await page.locator('select[name="username"]').count(), 1);
  await page.selectOption('select[name="action"]', 'login');
  await Promise.all([page.waitForNavigation(), page.click('.audit-page form.filters button')]);
  assert.match(page.url(), /action=login/);
  const codes = await page.locator('table.audit td.audit-action').evaluateAll((tds) => tds.map((td) => td.dataset.code));
  assert.ok(codes.length > 0 && codes.every((c) => c === 'login'), codes.join(','));
  // every control of the page's own section is at least 44 × 44
  const small = await page.evaluate(() => [...document.querySelectorAll(
    '.audit-page a, .audit-page button, .audit-page select, .audit-page input')]
    .map((el) => ({ el: `${el.tagName} ${el.getAttribute('name') || el.textContent.trim()}`, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && (r.width < 44 || r.height < 44))
    .map(({ el, r }) => `${el} ${Math.round(r.width)}×${Math.round(r.height)}`));
  assert.deepEqual(small, []);
  assert.deepEqual(errors, []);
  await page.goto(`${srv.url}/audit`);
  await page.screenshot({ path: `${shots}audit-phone.png`, fullPage: false });
  await ctx.close();
});
