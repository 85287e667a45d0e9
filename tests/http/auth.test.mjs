// tests/http/auth.test.mjs — sign-in, lockout, CSRF, session expiry, sign-out, the bearer API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, setClock, serverNow, DEMO_PASSWORD, runSql } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM');
});

test('healthz answers 200 with the database open', async () => {
  const r = await srv.client().get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
});

test('pages need a login and redirect to the sign-in page', async () => {
  const r = await srv.client().get('/inbox');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login?next=/inbox');
});

test('security headers are on every response', async () => {
  const r = await srv.client().get('/login');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'same-origin');
});

test('a demo account signs in and sees its home page', async () => {
  const c = srv.client();
  const r = await c.login('banzhang');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/');
  const sess = r.setCookies.find((s) => s.startsWith('aq_session='));
  assert.match(sess, /HttpOnly/);
  assert.match(sess, /SameSite=Lax/);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /孙伟/);
});

test('a wrong password is refused without saying which part was wrong', async () => {
  const c = srv.client();
  await c.get('/login');
  const r = await c.post('/login', { username: 'banzhang', password: 'nope-Nope-1' });
  assert.equal(r.status, 401);
  assert.match(r.text, /用户名或密码错误/);
  const unknown = await c.post('/login', { username: 'nobody-here', password: 'nope-Nope-1' });
  assert.equal(unknown.status, 401);
  assert.match(unknown.text, /用户名或密码错误/);
});

test('five failures lock the account for 15 minutes, even for the right password', async () => {
  const c = srv.client();
  await c.get('/login');
  for (let i = 0; i < 4; i++) {
    const r = await c.post('/login', { username: 'u005', password: 'Wrong-pass-1' });
    assert.equal(r.status, 401);
  }
  const fifth = await c.post('/login', { username: 'u005', password: 'Wrong-pass-1' });
  assert.equal(fifth.status, 429);
  const right = await c.post('/login', { username: 'u005', password: DEMO_PASSWORD });
  assert.equal(right.status, 429, 'locked even with the right password');
  // 15 minutes later it opens again
  await setClock(srv, (await serverNow(srv)) + 16 * 60);
  try {
    const later = await c.post('/login', { username: 'u005', password: DEMO_PASSWORD });
    assert.equal(later.status, 303);
  } finally {
    await setClock(srv, 0);
  }
});

test('a state-changing form without the CSRF token is refused', async () => {
  const c = srv.client();
  await c.login('banzhang');
  const r = await c.post('/inbox/read', {}, { csrf: false });
  assert.equal(r.status, 403);
  assert.match(r.text, /表单已失效/);
  const bad = await c.post('/inbox/read', { _csrf: 'f'.repeat(64) });
  assert.equal(bad.status, 403);
  const ok = await c.post('/inbox/read', {});
  assert.equal(ok.status, 303);
});

test('the login form itself needs its CSRF token', async () => {
  const c = srv.client();
  const r = await c.post('/login', { username: 'banzhang', password: DEMO_PASSWORD }, { csrf: false });
  assert.equal(r.status, 403);
});

test('a session ends after 30 idle minutes and after 12 hours in any case', async () => {
  const c = srv.client();
  await c.login('banzhang');
  const now = await serverNow(srv);
  try {
    await setClock(srv, now + 29 * 60);
    assert.equal((await c.get('/')).status, 200, 'still signed in after 29 minutes');
    await setClock(srv, now + 29 * 60 + 31 * 60);
    const r = await c.get('/');
    assert.equal(r.status, 303, 'signed out after 31 idle minutes');
    // absolute limit: active every 20 minutes, but gone after 12 h
    const d = srv.client();
    await setClock(srv, now);
    await d.login('yuangong');
    let t = now;
    for (; t < now + 12 * 3600 - 1200; t += 1200) {
      await setClock(srv, t);
      assert.equal((await d.get('/')).status, 200);
    }
    await setClock(srv, now + 12 * 3600 + 60);
    assert.equal((await d.get('/')).status, 303, 'signed out after 12 hours');
  } finally {
    await setClock(srv, 0);
  }
});

test('a session cookie planted before login is not promoted (fixation)', async () => {
  const c = srv.client();
  c.cookies.set('aq_session', 'a'.repeat(64));
  await c.login('banzhang');
  assert.notEqual(c.cookies.get('aq_session'), 'a'.repeat(64));
});

test('sign-out ends the session', async () => {
  const c = srv.client();
  await c.login('banzhang');
  const cookie = c.cookies.get('aq_session');
  const r = await c.post('/logout', {});
  assert.equal(r.status, 303);
  const again = new Client(srv.url);
  again.cookies.set('aq_session', cookie);
  assert.equal((await again.get('/')).status, 303);
});

test('the API signs in with JSON and answers a bearer token', async () => {
  const c = srv.client();
  await c.apiLogin('anhuan');
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.username, 'anhuan');
  assert.ok(me.json.permissions.includes('hazard.view'));
  const out = await c.postJson('/api/v1/auth/logout', {});
  assert.equal(out.status, 200);
  const after = await c.get('/api/v1/me');
  assert.equal(after.status, 401);
  assert.equal(after.json.error.code, 'unauthenticated');
});

test('API errors have one shape and name the field', async () => {
  const c = srv.client();
  const r = await c.postJson('/api/v1/auth/login', { username: 'admin' });
  assert.equal(r.status, 400);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'field', 'message']);
  assert.equal(r.json.error.field, 'password');
  const notjson = await c.request('POST', '/api/v1/auth/login', { body: 'username=admin', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(notjson.status, 415);
  const broken = await c.request('POST', '/api/v1/auth/login', { body: '{"username":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(broken.status, 400);
  assert.equal(broken.json.error.field, 'body');
});

test('inbox links leave the site never: only local paths are linked', async () => {
  runSql(srv.dir,
    "INSERT INTO notifications (user_id, created_at, kind, title, link) SELECT id, 1, 't', '外链', '//evil.example/x' FROM users WHERE username = 'shebei'");
  const c = srv.client();
  await c.login('shebei');
  const page = (await c.get('/inbox')).text;
  assert.match(page, /外链/);
  assert.doesNotMatch(page, /evil\.example/);
});
