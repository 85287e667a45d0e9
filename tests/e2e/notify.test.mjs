// tests/e2e/notify.test.mjs — the notification pages in a real browser at 360 px: the
// administrator's channels, outbox and the demo's mail-and-robot viewer, and a person's own
// preferences fit the phone without sideways scrolling and raise no CSP errors. Screenshots of
// the viewer and the channel page go to docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, Client, DEMO_PASSWORD, tick } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
  // the demo's scheduled warnings, delivered into the viewer
  await tick(srv);
  await tick(srv);
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

test('notification pages fit a 360-px phone; the viewer shows what the demo sent', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'admin', DEMO_PASSWORD, PHONE);
  for (const p of ['/admin/notify', '/admin/notify/outbox', '/admin/notify/channels/1', '/admin/notify/viewer']) await fits(page, p);
  assert.ok(await page.locator('article.viewer').count() > 0, 'the viewer lists deliveries');
  await page.screenshot({ path: `${shots}notify-viewer-phone.png`, fullPage: false });
  await page.goto(`${srv.url}/admin/notify`);
  await page.screenshot({ path: `${shots}notify-admin-phone.png` });
  await ctx.close();
  const me = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, PHONE);
  await fits(me.page, '/me/notify');
  await me.ctx.close();
});
