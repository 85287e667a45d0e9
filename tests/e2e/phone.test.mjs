// tests/e2e/phone.test.mjs — lists read on a 360-px phone: certificate tables become cards (no
// cell squeezed to a character per line, no column cut), and /hazards shows its results before
// the filter form, which is folded. Screenshots go to docs/screenshots/.
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

// Every visible body cell of the page's tables: its width, and whether it is cut off.
const cells = () => [...document.querySelectorAll('main table tbody td')].map((td) => {
  const r = td.getBoundingClientRect();
  const cs = getComputedStyle(td);
  return { w: r.width, right: r.right, hidden: cs.display === 'none', text: td.textContent.trim() };
});

for (const path of ['/certs/expiring', '/certs']) {
  test(`${path} at 360 px: rows are cards, every cell shown, none narrower than half the screen`, async () => {
    const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
    await page.goto(`${srv.url}${path}`);
    const all = await page.evaluate(cells);
    assert.ok(all.length >= 6, `${path}: only ${all.length} cells`);
    const bad = all.filter((c) => c.text && (c.hidden || c.w < 180 || c.right > PHONE.width));
    assert.deepEqual(bad, [], `${path}: cells squeezed, cut or hidden`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
    // a card says what each number is: the column's name leads the cell
    const label = await page.evaluate(() => {
      const td = document.querySelector('main table tbody td[data-label]');
      return td && getComputedStyle(td, '::before').content;
    });
    assert.ok(label && label !== 'none' && label.length > 2, `no column name before the value: ${label}`);
    if (path === '/certs/expiring') await page.screenshot({ path: `${shots}certs-expiring-phone.png`, fullPage: true });
    await ctx.close();
  });
}

test('/hazards at 360 px: the first result is on the first screen, the filters are folded', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/hazards`);
  const top = await page.evaluate(() => document.querySelector('.hz-list .hz-item')?.getBoundingClientRect().top);
  assert.ok(top !== undefined, 'no hazard in the list');
  assert.ok(top < PHONE.height / 2, `first result starts ${Math.round(top)}px down`);
  assert.equal(await page.isVisible('form.filters select[name=status]'), false, 'the filter form is open');
  await page.screenshot({ path: `${shots}hazards-phone.png` });
  // unfolding the filters and filtering still works, without JavaScript help
  await page.click('details.hz-filters > summary');
  await page.selectOption('form.filters select[name=level]', 'major');
  await Promise.all([page.waitForURL(/level=major/), page.click('form.filters button')]);
  assert.match(page.url(), /level=major/);
  await ctx.close();
});
