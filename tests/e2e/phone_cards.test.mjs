// tests/e2e/phone_cards.test.mjs — more tables read on a 360-px phone: the accounts list
// (/admin/users), a group's key figures per plant and a director's key figures (home) become cards, with no sideways
// scroll; /certs/expiring is one list, most urgent first, each card with a 还剩 N 天 badge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, BIN, DEMO_PASSWORD } from '../http/lib.mjs';
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

// The rows of the table matched by `sel`: each row's box and whether it is shown as a block
// (a card) rather than a table row, and the narrowest labelled cell.
async function rowsOf(page, sel) {
  return page.evaluate((sel) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => {
    const r = tr.getBoundingClientRect();
    const cells = [...tr.children].filter((c) => c.textContent.trim());
    return {
      display: getComputedStyle(tr).display, right: r.right,
      narrowest: Math.min(...cells.map((c) => c.getBoundingClientRect().width)),
      label: tr.querySelector('td[data-label]') && getComputedStyle(tr.querySelector('td[data-label]'), '::before').content,
    };
  }), sel);
}

async function assertCards(page, sel, what) {
  const rows = await rowsOf(page, sel);
  assert.ok(rows.length >= 1, `${what}: no rows`);
  for (const r of rows) {
    assert.equal(r.display, 'block', `${what}: a row is a ${r.display}, not a card`);
    assert.ok(r.right <= PHONE.width, `${what}: a card ends at ${r.right}px`);
    assert.ok(r.narrowest >= 180, `${what}: a cell is squeezed to ${r.narrowest}px`);
    assert.ok(r.label && r.label !== 'none' && r.label.length > 2, `${what}: no column name before a value`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the phone`);
}

test('/admin/users at 360 px: each account is a card, no sideways scroll', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'admin', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/admin/users`);
  await assertCards(page, 'main table', '/admin/users');
  await page.screenshot({ path: `${shots}users-phone.png`, fullPage: true });
  await ctx.close();
});

test("a group's key figures per plant at 360 px: each plant is a card", async () => {
  const out = execFileSync(BIN, ['unit', 'list'], { env: { ...process.env, ANQUAN_DATA: srv.dir } }).toString();
  const group = out.split('\n').map((l) => /^\s*(\d+)\s+group\s/.exec(l)).find(Boolean);
  assert.ok(group, 'the demo has no group unit');
  execFileSync(BIN, ['user', 'add', 'jituan2', '集团安全部', group[1], 'safety_director', 'Temp-Pass-2026x'],
    { env: { ...process.env, ANQUAN_DATA: srv.dir } });
  const c = srv.client();
  await c.login('jituan2', 'Temp-Pass-2026x');
  await c.get('/password');	// the first sign-in must change the password
  const ch = await c.post('/password', { current: 'Temp-Pass-2026x', new: DEMO_PASSWORD, confirm: DEMO_PASSWORD, new2: DEMO_PASSWORD });
  assert.ok([200, 303].includes(ch.status), `password change ${ch.status}`);
  const { ctx, page } = await signedIn(browser, srv.url, 'jituan2', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/`);
  await assertCards(page, 'main table.plants', 'key figures');
  await ctx.close();
});

test("a director's key figures at 360 px: each figure is a card, its values named, beside the plant's", async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/`);
  await assertCards(page, 'main table.kpi-table', "the workshop director's key figures");
  // the plant's column (the yardstick) is named on each card, not lost off the right edge
  const plant = await page.$$eval('main table.kpi-table tbody td[data-label]', (tds) => tds.map((td) => td.dataset.label));
  assert.ok(plant.includes('全厂'), `column names on the cards: ${[...new Set(plant)].join(', ')}`);
  await page.screenshot({ path: `${shots}director-kpis-phone.png`, fullPage: true });
  await ctx.close();
});

test('/certs/expiring at 360 px: one list, most urgent first, each card says 还剩 N 天', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/certs/expiring`);
  const badges = await page.$$eval('main table tbody tr', (trs) => trs.map((tr) => tr.querySelector('.days-left')?.textContent.trim()));
  assert.ok(badges.length >= 2, `only ${badges.length} rows`);
  const days = badges.map((b) => {
    const m = /^还剩 (\d+) 天$/.exec(b || '');
    assert.ok(m, `badge reads "${b}"`);
    return Number(m[1]);
  });
  assert.deepEqual(days, [...days].sort((a, b) => a - b), 'not most urgent first');
  await assertCards(page, 'main table', '/certs/expiring');
  await ctx.close();
});
