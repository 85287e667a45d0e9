// tests/e2e/lib.mjs — Debian's Chromium, headless, driven by playwright-core. Never downloads
// a browser. The flags keep Chromium off the network this machine does not have.
import { chromium } from 'playwright-core';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

// extra: more Chromium flags (e.g. a fake microphone for MediaRecorder).
export async function launch(extra = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', ...extra],
  });
}

// A page signed in as `username` (through the real login form).
export async function signedIn(browser, base, username, password, viewport = PHONE) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button.primary')]);
  return { ctx, page };
}
