// tests/http/photo_ref.test.mjs — a photo may be attached by its SHA-256 only by the person
// who uploaded it, within 24 hours: a hash seen in a page (/photos/<sha>) is not a key to the
// photo. Anything else is refused with 422 naming "photos", for reports and for actions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock } from './lib.mjs';
import { png } from './images.mjs';

let srv, meta;

// A small PNG whose pixels depend on `seed`, so that each test photo has its own hash.
const seeded = (seed) => png(16, 16, (x, y) => [0, 1, 2].map((c) => seed * 37 + (x * 3 + c) * 11 + y * 23));

async function login(username) {
  const c = srv.client();
  await c.apiLogin(username);
  return c;
}

async function upload(c, seed) {
  const fd = new FormData();
  fd.append('photo', new Blob([seeded(seed)], { type: 'image/png' }), 'p.png');
  const r = await c.request('POST', '/api/v1/photos', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json.sha256;
}

const area = (name) => meta.areas.find((a) => a.name === name).id;
const cat = (code) => meta.categories.find((c) => c.code === code).id;
const readPhoto = (c, sha) => fetch(`${srv.url}/photos/${sha}`, { headers: { Authorization: `Bearer ${c.bearer}` } });

before(async () => {
  srv = await startServer();
  meta = (await (await login('anhuan')).get('/api/v1/hazard-meta')).json;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test("user B attaching user A's photo hash is refused (422, photos) and B still cannot read it", async () => {
  const a = await login('yuangong');
  const b = await login('u010');	// a worker of another team: sees only their own hazards
  const sha = await upload(a, 1);
  const body = { area_id: area('精馏车间 中控室'), category_id: cat('management'), description: '借用他人照片', photos: [sha] };
  assert.equal((await readPhoto(b, sha)).status, 404, 'B cannot read the photo before');
  const r = await b.postJson('/api/v1/hazards', body);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'photos');
  assert.match(r.json.error.message, /24 小时/);
  assert.equal((await readPhoto(b, sha)).status, 404, 'B cannot read the photo after');
  // an action (fixing B's own hazard on the spot) is refused the same way
  const own = await upload(b, 2);
  const h = await b.postJson('/api/v1/hazards', { ...body, description: 'B 自己的照片', photos: [own] });
  assert.equal(h.status, 201, h.text);
  const fix = await b.postJson(`/api/v1/hazards/${h.json.id}/fix_on_spot`, { note: '已整改', photos: [sha] });
  assert.equal(fix.status, 422, fix.text);
  assert.equal(fix.json.error.field, 'photos');
  assert.equal((await readPhoto(b, sha)).status, 404);
  // A may attach it: A uploaded it
  const ok = await a.postJson('/api/v1/hazards', { ...body, description: 'A 自己的照片' });
  assert.equal(ok.status, 201, ok.text);
  // what is attached is the upload with the evidence band drawn (its original stays hidden)
  const marked = ok.json.photos[0].sha256;
  assert.equal((await readPhoto(a, marked)).status, 200);
  assert.equal((await readPhoto(b, marked)).status, 404, 'A\'s hazard is not in B\'s scope');
  assert.equal((await readPhoto(b, sha)).status, 404);
});

test('the uploader too may attach a photo by hash only within 24 hours of uploading it', async () => {
  const T = 1900000000;
  try {
    await setClock(srv, T);
    const sha = await upload(await login('yuangong'), 3);
    await setClock(srv, T + 25 * 3600);
    const a = await login('yuangong');
    const r = await a.postJson('/api/v1/hazards', { area_id: area('精馏车间 中控室'), category_id: cat('management'),
      description: '旧照片', photos: [sha] });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, 'photos');
  } finally {
    await setClock(srv, 0);
  }
});
