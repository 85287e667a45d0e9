// tests/e2e/dashboard.test.mjs — the dashboard and the big screen in headless Chromium: every
// chart is drawn, a click on a bar opens the hazard list with the same count, the page fits
// a phone, the big screen fills 1920×1080 without scrolling and swaps its panels in place
// (screen.js), the monthly PDF renders with Chinese text (pdftoppm). Screenshots go to
// docs/screenshots/: dashboard-desktop.png, dashboard-phone.png, screen-1920.png,
// monthly-report.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE, DESKTOP } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
const CHARTS = ['trend7', 'trend30', 'category', 'factor', 'repeats', 'participation', 'areas'];
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

test('the dashboard draws every chart, and a bar leads to a list of the same count', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/dashboard`);
  for (const id of CHARTS) {
    const box = await page.locator(`figure[data-chart="${id}"] svg`).boundingBox();
    assert.ok(box && box.width > 150 && box.height > 40, `${id} is drawn (${JSON.stringify(box)})`);
  }
  // a bar of the 30-day trend that counts something
  const bar = page.locator('figure[data-chart="trend30"] a.mark').filter({ has: page.locator('rect') });
  const n = await bar.count();
  let target = null;
  for (let i = 0; i < n && !target; i++) {
    const c = Number(await bar.nth(i).getAttribute('data-count'));
    const h = Number(await bar.nth(i).locator('rect').getAttribute('height'));
    if (c > 0 && h > 4) target = { i, c };
  }
  assert.ok(target, 'a bar with hazards');
  await page.screenshot({ path: `${shots}dashboard-desktop.png`, fullPage: true });
  await Promise.all([page.waitForURL(/\/hazards\?/), bar.nth(target.i).locator('rect').click()]);
  const count = Number((await page.textContent('.hz-count')).match(/\d+/)[0]);
  assert.equal(count, target.c, `the list behind the bar (${page.url()})`);
  assert.equal(await page.locator('.hz-list .hz-item').count(), Math.min(count, 20));
  // a category bar too
  await page.goto(`${srv.url}/dashboard`);
  const cat = page.locator('figure[data-chart="category"] a.mark').first();
  const cc = Number(await cat.getAttribute('data-count'));
  await Promise.all([page.waitForURL(/category_id=/), cat.locator('rect').click()]);
  assert.equal(Number((await page.textContent('.hz-count')).match(/\d+/)[0]), cc);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the period tabs: the last 30 days by default, this month and last month a 44 px tap away', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/dashboard`);
  const tabs = page.locator('nav.period-tabs a');
  assert.deepEqual(await tabs.allTextContents(), ['近30天', '本月', '上月']);
  for (let i = 0; i < 3; i++) {
    const box = await tabs.nth(i).boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, `tab ${i} is ${box.width}×${box.height}`);
  }
  assert.equal(await page.getAttribute('nav.period-tabs a[aria-current="page"]', 'data-period'), '30d');
  await Promise.all([page.waitForURL(/period=last_month/), tabs.nth(2).click()]);
  assert.equal(await page.getAttribute('nav.period-tabs a[aria-current="page"]', 'data-period'), 'last_month');
  for (const id of CHARTS) assert.equal(await page.locator(`figure[data-chart="${id}"] svg`).count(), 1, id);
  await ctx.close();
});

test('the dashboard fits a phone', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/dashboard`);
  for (const id of CHARTS) assert.equal(await page.locator(`figure[data-chart="${id}"] svg`).count(), 1, id);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the dashboard is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${shots}dashboard-phone.png`, fullPage: true });
  await ctx.close();
});

test('the big screen fills 1920×1080 without scrolling and refreshes in place', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'zongjian', DEMO_PASSWORD, { width: 1920, height: 1080 });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/dashboard/screen`);
  for (const id of ['trend30', 'category', 'participation', 'areas']) {
    const box = await page.locator(`figure[data-chart="${id}"] svg`).boundingBox();
    assert.ok(box && box.width > 150 && box.y + box.height <= 1080, `${id} on screen (${JSON.stringify(box)})`);
  }
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(size, [1920, 1080], 'no scrolling');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(11, 21, 38)', 'dark theme');
  await page.screenshot({ path: `${shots}screen-1920.png` });
  // screen.js swaps the fragment in place (#refresh asks for one at once instead of in a
  // minute): a marker set on the window survives, so the page was not reloaded
  await page.goto(`${srv.url}/dashboard/screen?again=1#refresh`);
  await page.evaluate(() => { window.stillHere = 1; });
  await page.waitForFunction(() => document.getElementById('scr-panels').hasAttribute('data-refreshed'), null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.stillHere), 1);
  assert.equal(await page.locator('#scr-panels .scr-grid').count(), 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the big screen reads from across the room: chart text at least 18 px, no label cut or outside its box', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'zongjian', DEMO_PASSWORD, { width: 1920, height: 1080 });
  await page.goto(`${srv.url}/dashboard/screen`);
  const found = await page.evaluate(() => {
    const small = [], outside = [], cut = [];
    let texts = 0, tiles = 0;
    const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    for (const fig of document.querySelectorAll('figure[data-chart]')) {
      const svg = fig.querySelector('svg');
      const box = svg.getBoundingClientRect();
      for (const t of svg.querySelectorAll('text')) {
        texts++;
        const m = t.getScreenCTM();
        const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        const what = `${fig.dataset.chart} .${t.getAttribute('class')} "${t.textContent}"`;
        if (px < 18) small.push(`${what} ${px.toFixed(1)} px`);
        if (!inside(t.getBoundingClientRect(), box)) outside.push(what);
      }
      // the heat map: every area's whole name inside its own tile
      for (const a of svg.querySelectorAll('a.mark')) {
        const tile = a.querySelector('rect.tile');
        if (!tile) continue;
        tiles++;
        for (const t of a.querySelectorAll('text')) {
          if (t.textContent.includes('…')) cut.push(t.textContent);
          if (!inside(t.getBoundingClientRect(), tile.getBoundingClientRect())) outside.push(`tile "${t.textContent}"`);
        }
      }
    }
    return { small, outside, cut, texts, tiles };
  });
  assert.ok(found.texts > 40 && found.tiles >= 5, `measured ${found.texts} texts, ${found.tiles} tiles`);
  assert.deepEqual(found.small, [], 'text under 18 px');
  assert.deepEqual(found.outside, [], 'text outside its chart or tile');
  assert.deepEqual(found.cut, [], 'names cut with …');
  // the charts still fit the screen without scrolling
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.deepEqual(size, [1920, 1080]);
  await ctx.close();
});

test('the monthly PDF renders with Chinese text', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  const res = await page.request.get(`${srv.url}/reports/monthly.pdf`);
  assert.equal(res.status(), 200);
  const pdf = await res.body();
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const dir = mkdtempSync(join(tmpdir(), 'anquan-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '100', '-png', '-f', '1', '-l', '1', '-singlefile', join(dir, 'r.pdf'), join(dir, 'p1')]);
    const png = readFileSync(join(dir, 'p1.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    writeFileSync(`${shots}monthly-report.png`, png);
    // the fonts are embedded and CJK, and the text layer holds the Chinese title
    const fonts = execFileSync('pdffonts', [join(dir, 'r.pdf')]).toString();
    assert.match(fonts, /NotoSansCJK/);
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', join(dir, 'r.pdf'), '-']).toString();
    assert.match(text, /月度安全报告/);
    assert.match(text, /整改完成率/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await ctx.close();
});
