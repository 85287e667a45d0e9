// tests/http/ratelimit.test.mjs — 429 with Retry-After past the per-token and the
// per-address rate (http.rate_per_token, http.rate_per_address), here set low.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer({ env: { ANQUAN_HTTP_RATE_PER_ADDRESS: '20', ANQUAN_HTTP_RATE_PER_TOKEN: '5' } });
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a bearer token past its rate gets 429 with Retry-After; then the address past its own', async () => {
  const c = srv.client();
  await c.apiLogin('zongjian');	// 1 from this address
  for (let i = 0; i < 5; i++) assert.equal((await c.get('/api/v1/me')).status, 200, `call ${i + 1} of 5`);
  const over = await c.get('/api/v1/me');
  assert.equal(over.status, 429);
  assert.equal(over.json.error.code, 'rate_limited');
  const wait = Number(over.headers.get('retry-after'));
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  // another token from the same address has its own allowance
  const other = srv.client();
  await other.apiLogin('anhuan');	// 8 from this address so far
  assert.equal((await other.get('/api/v1/me')).status, 200);	// 9
  // the address: 20 a minute, whoever asks; /healthz is never limited
  const anon = srv.client();
  let status = 0, n = 0;
  while (n < 40 && (status = (await anon.get('/login')).status) === 200) n++;
  assert.equal(status, 429, 'the address is limited');
  assert.ok(n >= 9 && n <= 12, `${n} pages before the limit`);
  assert.equal((await anon.get('/healthz')).status, 200);
});
