// tests/http/offline.test.mjs — what a phone's offline queue relies on (hazard_offline.c,
// web/shell.c): a retry with the same idempotency key gets the first hazard back and stores
// no second one; the capture time becomes the report time within its bounds, and a refusal
// names the field; voice notes are checked by their magic bytes and size, served as audio
// with nosniff and a file name, and survive the blob clean-up; the service worker, manifest
// and icons are served as the browser needs them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, jpeg, meta, c, c2;

function form(fields, { photo = true, voice } = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  if (photo) fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  if (voice) fd.append('voice', new Blob([voice], { type: 'audio/webm' }), 'voice.webm');
  return fd;
}
// the smallest thing that starts like a WebM file: the EBML magic, then DocType "webm"
const webm = (n = 200) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01,
  0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(n, 7)]);

let base;
const reportedTotal = async (client) => (await client.get('/api/v1/hazards?todo=reported&per_page=1')).json.total;

before(async () => {
  srv = await startServer();
  c = srv.client();
  await c.login('yuangong');
  c2 = srv.client();
  await c2.login('banzhang');
  meta = (await c.get('/api/v1/hazard-meta')).json;
  const list = (await c2.get('/api/v1/hazards?per_page=1')).json;
  const res = await c2.get(`/photos/${list.items[0].photo}`);
  assert.equal(res.status, 200);
  const raw = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Cookie: c2.cookieHeader() } });
  jpeg = Buffer.from(await raw.arrayBuffer());
  base = { area_id: meta.areas[0].id, category_id: meta.categories[0].id };
});

after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a retry after a lost answer returns the first hazard and stores no second one', async () => {
  const before = await reportedTotal(c);
  const key = 'k-0123456789abcdef';
  const first = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: key }) });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const again = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: key }) });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.json.number, first.json.number);
  // the page form (the online path of the report page) answers with the same hazard too
  const page = await c.request('POST', '/hazards', { multipart: form({ ...base, idem_key: key }) });
  assert.equal(page.status, 303);
  assert.equal(page.location, `/hazards/${first.json.id}?created=1`);
  assert.equal(await reportedTotal(c), before + 1, 'one hazard for three requests');
  // keys are per user: another person's key that happens to be equal is another report
  const other = await c2.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: key }) });
  assert.equal(other.status, 201);
  assert.notEqual(other.json.id, first.json.id);
  // a malformed key is refused, naming the field
  const bad = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: 'a b' }) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'idem_key');
  // and the key does not stand in for the CSRF token
  const forged = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: 'k-forged-000001' }), csrf: false });
  assert.equal(forged.status, 403);
});

test('the capture time is the report time, within bounds; a refusal names captured_at', async () => {
  const now = await serverNow(srv);
  for (const [captured, why] of [[now + 3600, 'an hour ahead'], [now - 73 * 3600, 'older than 72 h'], ['yesterday', 'not a number']]) {
    const r = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: 'k-capture-0001', captured_at: captured }) });
    assert.equal(r.status, 400, why);
    assert.equal(r.json.error.field, 'captured_at', why);
  }
  // a refused upload did not use up its key: corrected, the same key is accepted
  const r = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, idem_key: 'k-capture-0001', captured_at: now - 3600 }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.reported_at, now - 3600);
  // the deadlines run from the upload, when the rectifier can first know (urgency C: 7 days)
  assert.ok(r.json.rectify_due - now >= 7 * 24 * 3600 && r.json.rectify_due - now <= 7 * 24 * 3600 + 5);
  const small = await c.request('POST', '/api/v1/hazards', { multipart: form({ ...base, captured_at: now + 60 }) });
  assert.equal(small.status, 201, 'a phone clock a minute fast is within the skew');
});

test('voice notes: magic bytes and size checked, served as audio, kept by the blob clean-up', async () => {
  let r = await c.request('POST', '/api/v1/hazards', { multipart: form(base, { voice: Buffer.from('<html><script>alert(1)</script></html>'.padEnd(300)) }) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'voice');
  r = await c.request('POST', '/api/v1/hazards', { multipart: form(base, { voice: webm(60 * 16000) }) });
  assert.equal(r.status, 400, 'over 60 s worth of bytes');
  assert.equal(r.json.error.field, 'voice');
  const clip = webm(5000);
  r = await c.request('POST', '/api/v1/hazards', { multipart: form(base, { voice: clip }) });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const page = await c.get(`/hazards/${id}`);
  const m = /<audio controls preload="none" src="\/voice\/([0-9a-f]{64})">/.exec(page.text);
  assert.ok(m, 'the detail page plays the note');
  const url = `/voice/${m[1]}`;
  const check = async () => {
    const v = await c.get(url);
    assert.equal(v.status, 200);
    assert.equal(v.headers.get('content-type'), 'audio/webm');
    assert.equal(v.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(v.headers.get('content-disposition'), `inline; filename="voice-${m[1].slice(0, 12)}.webm"`);
  };
  await check();
  assert.equal((await srv.client().get(url)).status, 303, 'not without signing in');
  assert.equal((await c.get(`/voice/${'0'.repeat(64)}`)).status, 404);
  // two days on, the hazard job deletes unreferenced blobs: this one is referenced
  const now = await serverNow(srv);
  await setClock(srv, now + 2 * 86400);
  await tick(srv);
  await c.login('yuangong');	// two idle days ended the sign-in
  await check();
  await setClock(srv, 0);
});

test('the installable app: service worker, manifest, icons and the offline page', async () => {
  const sw = await fetch(`${srv.url}/sw.js`);
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /^text\/javascript/);
  assert.equal(sw.headers.get('cache-control'), 'no-cache');
  const js = await sw.text();
  const version = /const SHELL_VERSION = '([0-9a-f]{12})'/.exec(js);
  assert.ok(version);
  const files = JSON.parse(/const SHELL_FILES = (\[.*\]);/.exec(js)[1].replaceAll("'", '"'));
  assert.ok(files.includes('/offline'));
  assert.ok(files.some((f) => /^\/static\/offline\.js\?v=[0-9a-f]{12}$/.test(f)));
  // only public files in the shell: no page with anyone's data
  assert.deepEqual(files.filter((f) => !f.startsWith('/static/')), ['/offline']);
  const man = await fetch(`${srv.url}/manifest.webmanifest`);
  assert.equal(man.headers.get('content-type'), 'application/manifest+json');
  const mj = await man.json();
  assert.equal(mj.display, 'standalone');
  for (const icon of mj.icons) {
    const res = await fetch(srv.url + icon.src);
    const png = Buffer.from(await res.arrayBuffer());
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes);
  }
  assert.equal((await fetch(`${srv.url}/icons/../etc`)).status, 404);
  const off = await fetch(`${srv.url}/offline`);
  assert.equal(off.status, 200);
  assert.match(await off.text(), /class="card stack oq-page"/);
  // a signed-in page links the manifest, loads the queue script and carries the badge
  await c.login('yuangong');
  const home = await c.get('/');
  assert.match(home.text, /<link rel="manifest" href="\/manifest.webmanifest">/);
  assert.match(home.text, /<div class="oq" hidden data-user="\d+"/);
});
