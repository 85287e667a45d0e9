// tests/e2e/admin.test.mjs — the administration and audit pages in a real browser: they fit
// a 360-px phone, raise no CSP errors, and the area's QR label renders. Screenshots go to
// docs/screenshots/.
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

async function fits(page, path) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const res = await page.goto(`${srv.url}${path}`);
  assert.equal(res.status(), 200, path);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
  assert.deepEqual(errors, [], path);
}

test('admin pages fit a 360-px phone', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'admin', DEMO_PASSWORD, PHONE);
  for (const p of ['/admin', '/admin/units', '/admin/users', '/admin/users/new', '/admin/areas/1', '/admin/tokens']) {
    await fits(page, p);
  }
  // roles and the preview are the security administrator's (三权分立)
  const sec = await signedIn(browser, srv.url, 'anquan', DEMO_PASSWORD, PHONE);
  for (const p of ['/admin', '/admin/roles', '/admin/roles/1', '/admin/preview']) await fits(sec.page, p);
  await sec.ctx.close();
  await page.goto(`${srv.url}/admin/areas/1`);
  const box = await page.locator('svg.qr').boundingBox();
  assert.ok(box && box.width > 150, 'the QR code is drawn large enough to scan');
  await page.screenshot({ path: `${shots}admin-area-phone.png`, fullPage: true });
  await page.goto(`${srv.url}/admin/units`);
  await page.screenshot({ path: `${shots}admin-units-phone.png`, fullPage: true });
  await ctx.close();
});

test('the audit log on a desktop and on a phone', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'auditor', DEMO_PASSWORD, DESKTOP);
  await page.goto(`${srv.url}/audit`);
  assert.ok(await page.isVisible('table.audit'));
  await page.screenshot({ path: `${shots}audit-desktop.png` });
  await ctx.close();
  const phone = await signedIn(browser, srv.url, 'auditor', DEMO_PASSWORD, PHONE);
  await fits(phone.page, '/audit/verify');
  await phone.ctx.close();
});
