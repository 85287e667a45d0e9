// tests/http/guard.test.mjs — the connection guard in front of libmicrohttpd (src/http/guard.c):
// slow clients from one address cannot take the listener from everyone else (a cap per
// address, a deadline for the request head), and request heads that RFC 9112 calls invalid
// are refused with 400 and a closed connection before libmicrohttpd parses them.
//
// Slow and hostile connections come from 127.0.0.1; the probes that must keep working come
// from 127.0.0.2 (the whole of 127.0.0.0/8 is loopback on Linux, so binding the client's
// source address to 127.0.0.2 reaches the server on 127.0.0.1 as a second address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const statusOf = (text) => Number((/^HTTP\/1\.[01] (\d{3})/.exec(text) || [])[1]);

// GET /healthz from 127.0.0.2 on a fresh connection; resolves {status, ms}, status 0 when no
// answer came within `limit` ms.
function probe(port, limit = 1000) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const req = http.request({ host: '127.0.0.1', port, path: '/healthz', localAddress: '127.0.0.2', agent: false },
      (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode, ms: ms() })); });
    req.setTimeout(limit, () => { req.destroy(); resolve({ status: 0, ms: ms() }); });
    req.on('error', () => resolve({ status: 0, ms: ms() }));
    req.end();
  });
}

// A raw connection from 127.0.0.1 that records what the server sent and when it closed.
function open(port, first = '') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
    const c = { sock: s, got: '', closed: false, closedAt: 0 };
    s.on('data', (d) => { c.got += d.toString('latin1'); });
    s.on('error', () => {});	// a reset counts as closed
    s.on('close', () => { c.closed = true; c.closedAt = performance.now(); });
    s.on('connect', () => { if (first) s.write(first); resolve(c); });
    s.on('close', () => resolve(c));
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

test('400 slow and 200 silent connections from 127.0.0.1: /healthz from 127.0.0.2 answers within 1 s throughout', async (t) => {
  // the deadline short so the test also sees the slow ones cut; the cap and the connection
  // limit stay at their defaults (more connections than http.max_connections = 512)
  const srv = await startServer({ demo: false, env: { ANQUAN_HTTP_HEAD_TIMEOUT: '3' } });
  const port = Number(new URL(srv.url).port);
  const conns = [];
  try {
    for (let i = 0; i < 600; i += 50) {
      const batch = [];
      for (let j = i; j < i + 50; j++)
        batch.push(open(port, j < 400 ? `GET /login HTTP/1.1\r\nHost: t\r\n` : ''));
      conns.push(...await Promise.all(batch));
    }
    const started = performance.now();
    // slow-loris: one more header line every 500 ms, never the blank line that ends the head
    const drip = setInterval(() => {
      for (const c of conns.slice(0, 400)) if (!c.closed) c.sock.write('X-Slow: 1\r\n');
    }, 500);
    const results = [];
    try {
      while (performance.now() - started < 7000) {
        results.push(await probe(port));
        await sleep(200);
      }
    } finally {
      clearInterval(drip);
    }
    const ok = results.filter((r) => r.status === 200);
    const times = results.map((r) => r.ms);
    t.diagnostic(`/healthz from 127.0.0.2: ${ok.length}/${results.length} answered, ` +
      `median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
    for (const r of results) {
      assert.equal(r.status, 200, `a probe went unanswered for ${r.ms.toFixed(0)} ms`);
      assert.ok(r.ms < 1000, `answered in ${r.ms.toFixed(0)} ms`);
    }
    // every slow connection was either refused (over the per-address cap) or cut at the
    // head deadline: none is still open 7 s later, although each sent a byte every 500 ms
    const open_ = conns.filter((c) => !c.closed).length;
    assert.equal(open_, 0, `${open_} slow or silent connections still open after 7 s`);
    assert.ok(conns.some((c) => statusOf(c.got) === 503), 'some were refused with 503 over the per-address cap');
    assert.ok(conns.some((c) => statusOf(c.got) === 408), 'some were cut with 408 at the head deadline');
  } finally {
    for (const c of conns) c.sock.destroy();
    await srv.stop();
  }
});
