// tests/e2e/province.test.mjs — the provincial upload's pages on a 360-px phone after a real
// upload to a local province (tests/http/province_receiver.mjs) that refused one record: the
// settings page with its mapping and the upload log, without sideways scrolling.
// Screenshots: docs/screenshots/province-phone.png and province-log-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, Client, runSql, DEMO_PASSWORD } from '../http/lib.mjs';
import { startProvinceReceiver } from '../http/province_receiver.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, rcv, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  rcv = await startProvinceReceiver();
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  await rcv?.close();
});

test('the upload settings and log on a phone', async () => {
  const api = new Client(srv.url);
  await api.apiLogin('anhuan');
  let r = await api.postJson('/api/v1/province/settings', { base_url: rcv.url, company_code: '91320000TEST0001',
    username: 'qy-demo', password: 'prov-pass-1', aes_key: '0123456789abcdef', iv_rule: 'prefix', page_size: 50,
    timeout_ms: 5000, backoff_s: 60, backoff_max_s: 3600, interval_min: 120, max_pages: 5, enabled: 1 });
  assert.equal(r.status, 200);
  runSql(srv.dir, "UPDATE check_stops SET reason = '" + '检修'.repeat(30) + "'");
  await api.postJson('/api/v1/province/dry-run', {});
  r = await api.postJson('/api/v1/province/run', {});
  assert.equal(r.status, 200);
  const { page } = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  for (const [path, shot] of [['/admin/province', 'province-phone.png'], ['/admin/province/log', 'province-log-phone.png']]) {
    await page.goto(`${srv.url}${path}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 360, `${path}: no sideways scrolling (${wide} px)`);
    await page.screenshot({ path: `${shots}${shot}`, fullPage: false });
  }
  assert.match(await page.textContent('body'), /部分拒收|全部拒收/);
});
