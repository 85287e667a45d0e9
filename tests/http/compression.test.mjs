// tests/http/compression.test.mjs — bytes on the wire (issue 17 item 5): static files go
// precompressed (gzip, Brotli) by Accept-Encoding with Vary, an ETag per coding and a year's
// cache for versioned URLs; HTML and JSON above a threshold go Brotli'd or gzip'd; the CSRF token in a
// page is masked afresh on every response (BREACH); the report page without a photo is under
// 15 KB transferred.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { startServer, exchange, Client } from './lib.mjs';

let srv, worker;
before(async () => {
  srv = await startServer();
  worker = new Client(srv.url);
  await worker.login('yuangong');
});
after(() => srv.stop());

const get = (path, headers = {}) => exchange(srv.url + path, 'GET', { Cookie: worker.cookieHeader(), ...headers });
const inflate = (r) => {
  const ce = r.headers.get('content-encoding');
  if (ce === 'gzip') return gunzipSync(r.body);
  if (ce === 'br') return brotliDecompressSync(r.body);
  assert.equal(ce, null);
  return r.body;
};
const assets = (html) => [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

test('a static file: identity, gzip and Brotli hold the same bytes; ETag per coding and 304', async () => {
  const page = await get('/hazards/new');
  const css = assets(page.body.toString()).find((u) => u.startsWith('/static/app.css?v='));
  assert.ok(css, 'the page links app.css with its version');
  const plain = await get(css);
  const gz = await get(css, { 'Accept-Encoding': 'gzip' });
  const br = await get(css, { 'Accept-Encoding': 'gzip, deflate, br' });
  const refused = await get(css, { 'Accept-Encoding': 'br;q=0, gzip;q=0' });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.equal(refused.headers.get('content-encoding'), null);
  assert.ok(gz.body.length < plain.body.length / 3, `gzip ${gz.body.length} of ${plain.body.length}`);
  assert.ok(br.body.length < gz.body.length, 'Brotli is the smaller');
  assert.deepEqual(inflate(gz), plain.body);
  assert.deepEqual(inflate(br), plain.body);
  for (const r of [plain, gz, br]) {
    assert.equal(r.headers.get('vary'), 'Accept-Encoding');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
  const tags = [plain, gz, br].map((r) => r.headers.get('etag'));
  assert.equal(new Set(tags).size, 3, `one ETag per representation: ${tags}`);
  const again = await get(css, { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.get('etag') });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  // the identity tag does not validate the gzip'd representation
  const other = await get(css, { 'Accept-Encoding': 'gzip', 'If-None-Match': plain.headers.get('etag') });
  assert.equal(other.status, 200);
  // an unversioned URL is cached briefly
  const bare = await get('/static/app.css', { 'Accept-Encoding': 'gzip' });
  assert.equal(bare.headers.get('cache-control'), 'public, max-age=300');
});

test('JSON above the threshold goes gzip\'d and inflates to the same body; small JSON as it is', async () => {
  const api = new Client(srv.url);
  await api.apiLogin('anhuan');
  const h = { Authorization: `Bearer ${api.bearer}` };
  const plain = await exchange(`${srv.url}/api/v1/hazards`, 'GET', h);
  const gz = await exchange(`${srv.url}/api/v1/hazards`, 'GET', { ...h, 'Accept-Encoding': 'gzip' });
  assert.equal(plain.status, 200);
  assert.ok(plain.body.length > 1024, 'the demo list is above the threshold');
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(gz.headers.get('vary'), 'Accept-Encoding');
  assert.ok(gz.body.length < plain.body.length);
  assert.deepEqual(JSON.parse(inflate(gz)), JSON.parse(plain.body));
  const small = await exchange(`${srv.url}/healthz`, 'GET', { 'Accept-Encoding': 'gzip' });
  assert.equal(small.headers.get('content-encoding'), null);
});

test('HTML goes gzip\'d with the CSRF token masked afresh each time, and the masked token is accepted', async () => {
  const a = await get('/hazards/new', { 'Accept-Encoding': 'gzip' });
  const b = await get('/hazards/new');
  assert.equal(a.headers.get('content-encoding'), 'gzip');
  assert.equal(a.headers.get('vary'), 'Accept-Encoding');
  const ta = /name="_csrf" value="([0-9a-f]+)"/.exec(inflate(a).toString())[1];
  const tb = /name="_csrf" value="([0-9a-f]+)"/.exec(b.body.toString())[1];
  assert.equal(ta.length, 128);
  assert.notEqual(ta, tb, 'no two pages carry the same bytes for the token');
  // the token and the page's clock (data-now, in seconds: the two fetches may straddle a second)
  const strip = (s) => s.replace(/value="[0-9a-f]{128}"/g, 'value=""').replace(/data-now="\d+"/, 'data-now=""');
  assert.equal(strip(inflate(a).toString()), strip(b.body.toString()));
  // a browser that takes Brotli gets it, smaller than gzip, the same page inside
  const c = await get('/hazards/new', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(c.headers.get('content-encoding'), 'br');
  assert.equal(c.headers.get('vary'), 'Accept-Encoding');
  assert.ok(c.body.length < a.body.length, `br ${c.body.length} against gzip ${a.body.length}`);
  assert.equal(strip(inflate(c).toString()), strip(b.body.toString()));
  // a form posted with either masked token passes the CSRF check (language switch: no data)
  for (const tok of [ta, tb]) {
    const r = await worker.post('/lang', { lang: 'zh', next: '/' , _csrf: tok });
    assert.notEqual(r.status, 403, `masked token ${tok.slice(0, 8)}… accepted`);
  }
  // a token of the right length with one digit changed is refused
  const bad = tb.slice(0, 127) + (tb[127] === '0' ? '1' : '0');
  assert.equal((await worker.post('/lang', { lang: 'zh', next: '/', _csrf: bad })).status, 403);
});

test('the report page without a photo is under 15 KB transferred, as a phone browser fetches it', async () => {
  const ae = { 'Accept-Encoding': 'gzip, deflate, br' };
  const page = await get('/hazards/new', ae);
  assert.equal(page.status, 200);
  let total = page.body.length;
  const urls = assets(inflate(page).toString());
  assert.ok(urls.length >= 2, `the page links its CSS and scripts: ${urls}`);
  for (const u of urls) {
    const r = await get(u, ae);
    assert.equal(r.status, 200, u);
    total += r.body.length;
  }
  assert.ok(total < 15 * 1024, `report page ${total} bytes transferred`);
});
