// tests/http/origin.test.mjs — state-changing requests made with a session cookie must come
// from this site when the browser says where they come from (Origin, else Referer), even
// with a valid CSRF token; with neither header they pass (old browsers), and bearer-token
// calls are not browser requests and are not checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv, c;
before(async () => {
  srv = await startServer();
  c = srv.client();
  const r = await c.login('yuangong');
  assert.equal(r.status, 303, r.text);
  assert.ok(c.csrf, 'the session page gave a CSRF token');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// POST /inbox/read: a state change any signed-in user may make, with the session's token
const markRead = (headers) => c.post('/inbox/read', {}, { headers });

test('a cookie POST with a valid CSRF token but Origin: http://evil.example is refused', async () => {
  const r = await markRead({ Origin: 'http://evil.example' });
  assert.equal(r.status, 403, r.text);
  assert.match(r.text, /其他网站/);
  const json = await c.postJson('/api/v1/hazards', { area_id: 1 }, { headers: { Origin: 'http://evil.example' } });
  assert.equal(json.status, 403);
  assert.equal(json.json.error.code, 'cross_origin');
  assert.equal(json.json.error.field, 'Origin');
});

test('another site in Referer (no Origin) is refused; so are Origin: null and a look-alike host', async () => {
  for (const headers of [
    { Referer: 'http://evil.example/page' },
    { Origin: 'null' },
    { Origin: `${srv.url}.evil.example` },
    { Origin: `http://127.0.0.1:1` },
    { Referer: `http://127.0.0.1@evil.example${new URL(srv.url).pathname}` },
  ]) {
    const r = await markRead(headers);
    assert.equal(r.status, 403, JSON.stringify(headers));
  }
});

test('no Origin and no Referer passes; the site\'s own origin and referer pass', async () => {
  let r = await markRead({});
  assert.equal(r.status, 303, r.text);
  r = await markRead({ Origin: srv.url });
  assert.equal(r.status, 303, r.text);
  r = await markRead({ Origin: srv.url.toUpperCase().replace('HTTP://', 'http://') });
  assert.equal(r.status, 303, 'the host is compared without regard to case');
  r = await markRead({ Referer: `${srv.url}/inbox` });
  assert.equal(r.status, 303, r.text);
});

test('the sign-in form from another site is refused too (login CSRF)', async () => {
  const anon = srv.client();
  await anon.get('/login');
  const r = await anon.post('/login', { username: 'yuangong', password: 'x' }, { headers: { Origin: 'http://evil.example' } });
  assert.equal(r.status, 403);
});

test('bearer-token calls are not checked: no browser attaches a bearer token', async () => {
  const api = srv.client();
  await api.apiLogin('yuangong');
  const r = await api.request('POST', '/api/v1/auth/logout', { headers: { Origin: 'http://evil.example' } });
  assert.equal(r.status, 200, r.text);
});
