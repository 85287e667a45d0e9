// tests/http/testmode.test.mjs — the clock and the scheduler can be driven only in test mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

test('outside test mode the clock and tick routes do not exist', async () => {
  const srv = await startServer({ demo: false, env: { ANQUAN_TEST_MODE: '0' } });
  try {
    for (const p of ['/api/v1/test/clock', '/api/v1/test/tick']) {
      const r = await fetch(srv.url + p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"now":1}' });
      assert.equal(r.status, 404, p);
    }
    assert.equal((await fetch(`${srv.url}/api/v1/test/clock`)).status, 404, 'nor can the clock be read');
    const me = await fetch(`${srv.url}/healthz`);
    assert.equal(me.status, 200);
  } finally {
    await srv.stop();
  }
});

test('in test mode the clock moves and tick runs the jobs', async () => {
  const srv = await startServer({ demo: false });
  try {
    const before = await serverNow(srv);	// its own clock, which faketime may have moved
    await setClock(srv, 1900000000);
    assert.equal(await serverNow(srv), 1900000000);
    const t = await tick(srv);
    assert.equal(t.now, 1900000000);
    await setClock(srv, 0);
    const back = await tick(srv);
    assert.ok(back.now >= before && back.now - before < 60, `back to the server's own time: ${back.now} after ${before}`);
  } finally {
    await srv.stop();
  }
});
