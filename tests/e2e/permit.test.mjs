// tests/e2e/permit.test.mjs — the guardian's on-site start in a real browser on a 360-px phone
// with the phone's position granted, and the printed permit. Screenshots go to
// docs/screenshots/permit-site-phone.png and docs/screenshots/permit-print.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, setClock, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, api, permit, site;

async function apiAs(username) {
  const c = srv.client();
  await c.apiLogin(username);
  return c;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
  // the demo's approved confined-space entry, guarded by ws1anquan; its area's QR link
  let c = await apiAs('ws1anquan');
  permit = (await c.get('/api/v1/permits?state=approved&type=confined_space')).json.items[0];
  site = (await c.get('/api/v1/permits/options')).json.areas.find((a) => a.id === permit.area_id);
  // stand at the planned start, with a fresh passing gas test by the qualified analyst
  await setClock(srv, permit.planned_start + 60);
  c = await apiAs('ws1anquan');
  const analyst = (await c.get('/api/v1/permits/options')).json.people.find((p) => p.username === 'u004');
  const g = await c.postJson(`/api/v1/permits/${permit.id}/gas`,
    { analyst_id: analyst.id, o2: 20.8, combustible: 0.1, toxic: { H2S: 1 }, point: '人孔' });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.json.passed, true);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the guardian starts the work on site from the area QR page, located by the phone', async () => {
  const ctx = await browser.newContext({
    viewport: PHONE, locale: 'zh-CN', deviceScaleFactor: 1,
    permissions: ['geolocation'],
    geolocation: { latitude: site.latitude + 0.0001, longitude: site.longitude },
  });
  const page = await ctx.newPage();
  const errors = [];
  // Chromium's own /favicon.ico request (the platform has no icon yet) logs a bare "Failed to
  // load resource" that no response event matches; every response the pages load is checked
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${srv.url}/login`);
  await page.fill('input[name=username]', 'ws1anquan');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button.primary')]);

  await page.goto(`${srv.url}${site.site_url}`);
  assert.match(await page.textContent('h1'), /反应釜区/);
  // permit.js fills the hidden fields from navigator.geolocation
  await page.waitForSelector('[data-geo-status][data-located="1"]');
  const form = `form[action="/permits/${permit.id}/act/start"]`;
  const lat = await page.inputValue(`${form} input[name=lat]`);
  assert.ok(Math.abs(Number(lat) - (site.latitude + 0.0001)) < 1e-6);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${shots}permit-site-phone.png`, fullPage: true });

  await Promise.all([page.waitForURL(/done=start/), page.click(`${form} button`)]);
  assert.match(await page.textContent('.notice-ok'), /作业已开始/);
  const c = await apiAs('ws1anquan');
  const p = (await c.get(`/api/v1/permits/${permit.id}`)).json;
  assert.equal(p.state, 'in_progress');
  assert.equal(p.events.at(-1).action, 'start');
  // now the page offers suspension and closing instead
  assert.ok(await page.isVisible(`form[action="/permits/${permit.id}/act/suspend"]`));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the permit prints on one A4 page with a QR code to the live record', async () => {
  const ctx = await browser.newContext({ viewport: { width: 794, height: 1123 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/login`);
  await page.fill('input[name=username]', 'ws1anquan');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button.primary')]);
  await page.goto(`${srv.url}/permits/${permit.id}/print`);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.isVisible('svg.permit-qr'));
  assert.ok(!(await page.isVisible('header.top')), 'the chrome is not printed');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height <= 1123 + 40, `print layout is ${height}px tall, more than one A4 page`);
  await page.screenshot({ path: `${shots}permit-print.png`, fullPage: true });
  await ctx.close();
});
