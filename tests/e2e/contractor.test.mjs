// tests/e2e/contractor.test.mjs — contractors on a 360-px phone: the safety department's
// list and a contractor's page (qualifications, people with their entry permission and
// training, permits, hazards, ratings), and a permit refused because its worker belongs to
// the suspended contractor, the picker and the refusal naming the suspension and its day.
// Screenshots: docs/screenshots/contractor-phone.png, contractor-permit-refused.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, setClock, serverNow, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, T0;
const H = 3600;
const HENGAN = '江苏恒安防腐保温有限公司';

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  let t = Math.floor((await serverNow(srv)) / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  T0 = t;
  await setClock(srv, T0);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the safety department sees the contractors and a contractor\'s page on a phone', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/contractors`);
  assert.equal(await page.locator('tr[data-contractor]').count(), 2);
  assert.match(await page.locator('tr[data-contractor]', { hasText: HENGAN }).innerText(), /承包商已暂停/);
  await Promise.all([page.waitForURL(/\/contractors\/\d+$/), page.click('a:text("南京华建安装工程有限公司")')]);
  assert.ok(await page.locator('ul.contractor-people li[data-person]').count() >= 2, 'its people');
  assert.match(await page.locator('section.card').innerText(), /安全生产许可证/);
  // nothing wider than the phone
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360 + 1), 'no sideways scrolling');
  await page.locator('h2', { hasText: '人员' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}contractor-phone.png` });
  await ctx.close();
});

test('a worker of the suspended contractor is refused on a hot-work permit, with the reason', async () => {
  // the suspended contractor's worker who has a login (u003)
  const api = srv.client();
  await api.apiLogin('anhuan');
  const k = (await api.get('/api/v1/contractors')).json.items.find((x) => x.name === HENGAN);
  const since = k.suspended_on;
  const add = await api.postJson(`/api/v1/contractors/${k.id}/people`, { username: 'u003', job: '防腐工',
    entry_until: new Date((T0 + 8 * H + 60 * 86400) * 1000).toISOString().slice(0, 10) });
  assert.equal(add.status, 201, add.text);
  const ws = srv.client();
  await ws.apiLogin('ws1anquan');
  const u003 = (await ws.get('/api/v1/permits/options')).json.people.find((p) => p.username === 'u003').id;
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  await page.goto(`${srv.url}/permits/new?type=hot_work`);
  const opts = await page.evaluate((id) => {
    const sel = (n) => [...document.querySelectorAll(`select[name="${n}"] option`)];
    const g = sel('guardian_id').find((o) => /赵磊/.test(o.textContent));
    const w = sel('worker_1').find((o) => o.value === String(id));
    return { g: g && g.value, w: w && w.value, why: w && w.dataset.why };
  }, u003);
  assert.ok(opts.w, 'u003 is in the worker picker');
  assert.equal(opts.why, `承包商已暂停: ${HENGAN} · ${since}`);
  await page.evaluate((o) => {
    const f = document.querySelector('form[action="/permits"]');
    f.querySelector('select[name=guardian_id]').value = o.g;
    f.querySelector('select[name=worker_1]').value = o.w;
    f.querySelector('[name=worker_role_1]').value = '防腐工';
    f.querySelector('textarea[name=content]').value = '储罐防腐层修补动火';
    f.querySelector('select[name=hot_place]').value = 'other';
    f.submit();
  }, opts);
  await page.waitForLoadState();
  const err = await page.locator('#err-workers').innerText();
  assert.match(err, new RegExp(`承包商已暂停.*${HENGAN} · ${since}`));
  await page.locator('#err-workers').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}contractor-permit-refused.png` });
  await ctx.close();
});
