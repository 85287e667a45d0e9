// tests/http/scan.test.mjs — scanning an area's QR label (/a/<token>): a worker lands on the
// hazard form with the area chosen (even where permits are live); a guardian, where permits
// are live, is offered the permit site page as well.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';

let srv;
const token = (name) => runSql(srv.dir, `SELECT id || ' ' || qr_token FROM areas WHERE name = '${name}'`).split(' ');
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('a worker scanning a label goes straight to the report form, even where permits are live', async () => {
  const [id, tok] = token('合成一车间 反应釜区');
  const c = srv.client();
  await c.login('yuangong');
  const r = await c.get(`/a/${tok}`);
  assert.equal(r.status, 303);
  assert.equal(r.location, `/hazards/new?area=${id}`);
});

test('a guardian scanning where permits are live is offered the permit site page', async () => {
  const [id, tok] = token('合成一车间 反应釜区');
  const c = srv.client();
  await c.login('ws1anquan');
  const r = await c.get(`/a/${tok}`);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`href="/permits/site/${tok}"`));
  assert.match(r.text, new RegExp(`href="/hazards/new\\?area=${id}"`));
  // where nothing is live, the same person goes straight to the report form
  const [id2, tok2] = token('罐区 装卸站台');
  const quiet = await c.get(`/a/${tok2}`);
  assert.equal(quiet.status, 303);
  assert.equal(quiet.location, `/hazards/new?area=${id2}`);
});

test('an unknown label is a 404', async () => {
  const c = srv.client();
  await c.login('yuangong');
  assert.equal((await c.get('/a/' + 'f'.repeat(32))).status, 404);
});
