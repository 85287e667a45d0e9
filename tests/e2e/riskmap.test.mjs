// tests/e2e/riskmap.test.mjs — the four-colour map (四色分布图) and the risk notice card in
// headless Chromium: the safety engineer draws two areas on the demo drawing with the pointer
// (static/riskmap.js: a press a corner), saves each, and the rendered map colours both; the map
// and a notice card read on a 360-px phone; the card prints on A4 (print media, and page.pdf
// with the stylesheet's @page size) and the map on A3 landscape; the unit's cards come as one
// PDF rendered with Chinese text (pdftoppm). Screenshots go to docs/screenshots/: riskmap-edit.png,
// riskmap-desktop.png, riskmap-phone.png, riskcard-phone.png, riskcard-a4.png, riskcards-pdf.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE, DESKTOP } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
const placed = {};

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The first page's size in points, from a PDF's bytes.
function mediaBox(pdf) {
  const m = /\/MediaBox \[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  return m ? [Math.round(m[3] - m[1]), Math.round(m[4] - m[2])] : null;
}

// Press each corner (drawing pixels) on the editor's SVG, as a mouse would: the drawing's
// pixels become the window's through the SVG's own transform (viewBox, letterboxing, scroll).
async function draw(page, corners) {
  const svg = page.locator('.risk-map-edit svg.risk-map');
  await svg.scrollIntoViewIfNeeded();
  const at = await svg.evaluate((el, pts) => {
    const m = el.getScreenCTM();
    return pts.map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; });
  }, corners);
  for (const [x, y] of at) await page.mouse.click(x, y);
}

test('two areas drawn with the pointer on the demo drawing show on the four-colour map', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/risk/map/edit`);
  for (const [name, corners] of [
    ['罐区 装卸站台', [[884, 544], [1116, 544], [1116, 656], [884, 656]]],
    ['公用工程 空压制氮站', [[1004, 364], [1136, 364], [1136, 466], [1070, 440], [1004, 466]]]]) {
    const id = await page.evaluate((n) => [...document.querySelectorAll('#area_id option')]
      .find((o) => o.textContent.includes(n)).value, name);
    await page.selectOption('#area_id', id);
    await draw(page, corners);
    const typed = await page.inputValue('#points');
    const got = typed.split(' ').map((p) => p.split(',').map(Number));
    assert.equal(got.length, corners.length, typed);
    got.forEach(([x, y], i) => {
      assert.ok(Math.abs(x - corners[i][0]) <= 3 && Math.abs(y - corners[i][1]) <= 3, `${typed} ~ ${corners}`);
    });
    if (name === '公用工程 空压制氮站')
      await page.screenshot({ path: `${shots}riskmap-edit.png`, fullPage: true });
    await Promise.all([page.waitForURL(/\/risk\/map\/edit/), page.click('#place-save')]);
    placed[name] = id;
  }
  // undo and clear work on the draft without sending anything
  await draw(page, [[10, 10], [20, 20]]);
  await page.click('button[data-map=undo]');
  assert.equal((await page.inputValue('#points')).split(' ').length, 1);
  await page.click('button[data-map=clear]');
  assert.equal(await page.inputValue('#points'), '');

  await page.goto(`${srv.url}/risk/map`);
  for (const id of Object.values(placed)) {
    const g = page.locator(`svg.risk-map g.risk-area[data-area="${id}"] polygon`);
    const b = await g.boundingBox();
    assert.ok(b && b.width > 20 && b.height > 20, `area ${id} drawn: ${JSON.stringify(b)}`);
    assert.match(await g.getAttribute('fill'), /^#[0-9a-f]{6}$/);
  }
  // every placed area takes its level's colour; the tank farm is red
  const levels = await page.evaluate(() => [...document.querySelectorAll('svg.risk-map g.risk-area')]
    .map((g) => [g.dataset.level, g.querySelector('polygon').getAttribute('fill')]));
  const rgb = { major: '#d9262c', large: '#f28c1c', general: '#f5d01a', low: '#2f6fd6', none: '#adb5bd' };
  for (const [l, fill] of levels) assert.equal(fill, rgb[l]);
  assert.ok(levels.some(([l]) => l === 'major'));
  await page.screenshot({ path: `${shots}riskmap-desktop.png`, fullPage: true });
  // the map prints on A3 landscape (the stylesheet's named @page)
  await page.goto(`${srv.url}/risk/map?print=a3`);
  const a3 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  assert.deepEqual(mediaBox(a3), [1191, 842], 'A3 landscape');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the map and a risk notice card on a 360-px phone, and the card printed on A4', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/risk/map`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width})`);
  const svg = await page.locator('svg.risk-map').boundingBox();
  assert.ok(svg.width > 300 && svg.width <= 360, JSON.stringify(svg));
  await page.screenshot({ path: `${shots}riskmap-phone.png`, fullPage: true });
  // from the map to the tank farm's register, then to a card
  const tank = await page.evaluate(() => [...document.querySelectorAll('svg.risk-map g.risk-area')]
    .find((g) => g.querySelector('title').textContent.startsWith('罐区 甲类储罐区')).dataset.area);
  await page.goto(`${srv.url}/risk/map/areas/${tank}`);
  await Promise.all([page.waitForURL(/\/card$/), page.locator('a[href$="/card"]').first().click()]);
  const card = page.locator('article.risk-card');
  assert.equal(await card.getAttribute('data-level'), 'major');
  assert.ok(await page.locator('.risk-card-band.risk-bg-red').isVisible());
  assert.ok(await page.locator('.risk-card-qr svg').isVisible(), 'the QR code');
  assert.ok((await page.locator('.risk-card-measures li').count()) > 0, 'measures');
  const cw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(cw <= 360, `card fits the phone (${cw})`);
  await page.screenshot({ path: `${shots}riskcard-phone.png`, fullPage: true });
  const url = page.url();
  await ctx.close();

  // A4: print media at A4's CSS pixel size, and the PDF Chromium makes with the @page size
  const print = await browser.newContext({ viewport: { width: 794, height: 1123 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  const p = await print.newPage();
  await p.goto(`${srv.url}/login`);
  await p.fill('input[name=username]', 'anhuan');
  await p.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([p.waitForURL((u) => !u.pathname.startsWith('/login')), p.click('button.primary')]);
  await p.goto(url + '?size=a4');
  await p.emulateMedia({ media: 'print' });
  assert.equal(await p.locator('header.top').isVisible(), false, 'no page chrome on paper');
  assert.equal(await p.locator('p.actions').isVisible(), false);
  // the foot (responsible person, phones, the QR code) prints with the card
  assert.ok(await p.locator('.risk-card-foot').isVisible(), 'the foot on paper');
  assert.ok(await p.locator('.risk-card-qr svg').isVisible(), 'the QR code on paper');
  await p.screenshot({ path: `${shots}riskcard-a4.png`, fullPage: true });
  const a4 = await p.pdf({ preferCSSPageSize: true, printBackground: true });
  assert.deepEqual(mediaBox(a4), [595, 842], 'A4');
  await p.goto(url + '?size=a5');
  const a5 = await p.pdf({ preferCSSPageSize: true, printBackground: true });
  assert.deepEqual(mediaBox(a5), [420, 595], 'A5');
  await print.close();
});

test("the unit's cards as one PDF render with Chinese text", async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  await page.goto(`${srv.url}/risk/map`);
  const tank = await page.evaluate(() => [...document.querySelectorAll('svg.risk-map g.risk-area')]
    .find((g) => g.querySelector('title').textContent.startsWith('罐区 甲类储罐区')).dataset.area);
  await page.goto(`${srv.url}/risk/map/areas/${tank}`);
  const href = await page.locator('a[href$="/card"]').first().getAttribute('href');
  await page.goto(`${srv.url}${href}`);
  const pdfHref = await page.locator('a[href^="/risk/cards.pdf"]').getAttribute('href');
  const res = await page.request.get(`${srv.url}${pdfHref.replace(/&amp;/g, '&')}`);
  assert.equal(res.status(), 200);
  const pdf = await res.body();
  const dir = mkdtempSync(join(tmpdir(), 'anquan-cards-'));
  try {
    writeFileSync(join(dir, 'c.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', join(dir, 'c.pdf'), join(dir, 'p1')]);
    writeFileSync(`${shots}riskcards-pdf.png`, readFileSync(join(dir, 'p1.png')));
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', join(dir, 'c.pdf'), '-']).toString();
    assert.match(text, /安全风险告知卡/);
    assert.match(text, /管控措施/);
    const fonts = execFileSync('pdffonts', [join(dir, 'c.pdf')]).toString();
    assert.match(fonts, /CJK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await ctx.close();
});
