// tests/e2e/ppe.test.mjs — protective equipment on a 360-px phone: the worker 张三 confirms
// receipt of the full-body harness issued to him (签收) and redeems points for a pair of
// gloves, which arrive from stock as a piece he holds (to confirm in turn); the safety
// department's stock page, a team's monthly statement and the nomination list on a desk.
// Screenshots: docs/screenshots/ppe-phone.png, ppe-redeemed-phone.png, ppe-store.png,
// ppe-statement.png, ppe-award.png.
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

const balance = async (page) => Number(await page.locator('.ppe-balance strong').innerText());

test('a worker confirms receipt of a harness and redeems points for gloves, on his phone', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  // from the home page's "waiting for me" line
  await page.goto(`${srv.url}/`);
  await Promise.all([page.waitForURL(/\/ppe\?todo=confirm$/), page.click('a[data-todo="ppe.todo.confirm"]')]);
  const harness = page.locator('li[data-code="harness"]');
  assert.equal(await harness.count(), 1);
  assert.match(await harness.innerText(), /全身式安全带/);
  await page.goto(`${srv.url}/ppe`);
  await page.screenshot({ path: `${shots}ppe-phone.png`, fullPage: true });
  const box = await page.locator('li[data-code="harness"] form.ppe-confirm button').boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, 'the confirm button is a 44-px target');
  await Promise.all([page.waitForURL(/\/ppe\?done=confirmed$/), page.click('li[data-code="harness"] form.ppe-confirm button')]);
  assert.match(await page.locator('.notice').first().innerText(), /已确认签收/);
  assert.equal(await page.locator('li[data-code="harness"] form.ppe-confirm').count(), 0, 'signed for: no button left');

  // gloves for points: size 9, from the safety department's store
  const before = await balance(page);
  const gloves = page.locator('ul.ppe-rewards li', { hasText: '防护手套一副' });
  await gloves.locator('select[name=size]').selectOption('9');
  const heldBefore = await page.locator('li[data-code="gloves"]').count();
  await Promise.all([page.waitForURL(/\/ppe\?done=redeemed$/), gloves.locator('button').click()]);
  assert.match(await page.locator('.notice').first().innerText(), /兑换成功/);
  assert.equal(await balance(page), before - 5);
  assert.equal(await page.locator('li[data-code="gloves"]').count(), heldBefore + 1);
  assert.match(await page.locator('ul.ppe-redemptions').innerText(), /防护手套一副/);
  const fresh = page.locator('li[data-code="gloves"]', { hasText: '9' }).filter({ has: page.locator('form.ppe-confirm') });
  assert.equal(await fresh.count(), 1, 'the new gloves wait for his confirmation');
  await page.screenshot({ path: `${shots}ppe-redeemed-phone.png`, fullPage: true });
  await ctx.close();
});

test('the store, a team statement and the nomination list on a desk', async () => {
  const a = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, DESKTOP);
  await a.page.goto(`${srv.url}/ppe/store`);
  assert.ok(await a.page.locator('table.ppe-stock tbody tr').count() > 10);
  await a.page.screenshot({ path: `${shots}ppe-store.png`, fullPage: true });
  await a.page.goto(`${srv.url}/ppe/award`);
  assert.ok(await a.page.locator('ol.ppe-award li').count() > 0);
  await a.page.screenshot({ path: `${shots}ppe-award.png`, fullPage: false });
  await a.ctx.close();
  const b = await signedIn(browser, srv.url, 'banzhang', DEMO_PASSWORD, DESKTOP);
  await b.page.goto(`${srv.url}/ppe/statement`);
  assert.match(await b.page.locator('table.ppe-statement').innerText(), /张三/);
  await b.page.screenshot({ path: `${shots}ppe-statement.png`, fullPage: true });
  await b.ctx.close();
});
