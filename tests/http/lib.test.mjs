// tests/http/lib.test.mjs — the test client itself: its cookie jar must hold every Set-Cookie
// line on every supported Node.js. Debian 12's Node.js 18 has a fetch whose Headers lacks
// getSetCookie; a client that silently skipped cookies there turned 51 HTTP tests into
// misleading failures (a 303 to /login where a 403 or 422 was expected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Client } from './lib.mjs';

// A server that answers every request with two cookies, one whose Expires holds a comma (the
// reason comma-joined Set-Cookie values cannot be split back).
async function twoCookieServer() {
  const s = http.createServer((req, res) => {
    res.setHeader('Set-Cookie', ['a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly', 'b=2; Path=/']);
    res.end('<input name="_csrf" value="00ff">');
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { s, url: `http://127.0.0.1:${s.address().port}` };
}

test('the client keeps every Set-Cookie line even where fetch cannot list them', async () => {
  const { s, url } = await twoCookieServer();
  const saved = Object.getOwnPropertyDescriptor(Headers.prototype, 'getSetCookie');
  delete Headers.prototype.getSetCookie;	// as in Debian 12's Node.js 18
  try {
    const c = new Client(url);
    const r = await c.get('/');
    assert.equal(r.status, 200);
    assert.deepEqual(r.setCookies.length, 2);
    assert.equal(c.cookies.get('a'), '1');
    assert.equal(c.cookies.get('b'), '2');
    assert.equal(c.csrf, '00ff');
  } finally {
    if (saved) Object.defineProperty(Headers.prototype, 'getSetCookie', saved);
    s.close();
  }
});

test('an unreadable Set-Cookie line stops the test instead of being skipped', () => {
  const c = new Client('http://127.0.0.1:1');
  assert.throws(() => c.keepCookies(['no-equals-sign']), /unreadable Set-Cookie/);
  assert.throws(() => c.keepCookies('a=1'), /list of Set-Cookie lines/);
});
