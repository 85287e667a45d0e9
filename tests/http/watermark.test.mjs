// tests/http/watermark.test.mjs — evidence photos are stored with a watermark band (time,
// person, place, GPS ± accuracy) drawn on the pixels; the unmarked original is served only to
// the safety department (hazard.photo_original), at /photos/<sha>/original.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, setClock, tick, runSql } from './lib.mjs';
import { png } from './images.mjs';

let srv, meta;

// A w×h PNG of one flat grey (png's default): its re-encoded JPEG is tiny, so text drawn on it
// shows in the size.
const flatPng = (w, h) => png(w, h);

// Width and height from a JPEG's SOF marker.
function jpegSize(buf) {
  for (let i = 2; i + 9 < buf.length;) {
    if (buf[i] !== 0xff) return null;
    const m = buf[i + 1], len = buf.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xc2) return { h: buf.readUInt16BE(i + 5), w: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

async function login(username) {
  const c = srv.client();
  await c.apiLogin(username);
  return c;
}
const area = (name) => meta.areas.find((a) => a.name === name).id;
const cat = (code) => meta.categories.find((c) => c.code === code).id;
const get = async (c, path) => {
  const r = await fetch(`${srv.url}${path}`, { headers: { Authorization: `Bearer ${c.bearer}` } });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
};

async function report(c, fields, png) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  fd.append('photo', new Blob([png], { type: 'image/png' }), 'p.png');
  return c.request('POST', '/api/v1/hazards', { multipart: fd });
}

before(async () => {
  srv = await startServer();
  meta = (await (await login('anhuan')).get('/api/v1/hazard-meta')).json;
  await setClock(srv, 1796106600);	// 2026-12-01 14:30 in the plant
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a reported photo is stored with the band; the original goes to the safety department only', async () => {
  const worker = await login('yuangong');
  const png = flatPng(640, 480);
  const r = await report(worker, { area_id: area('精馏车间 中控室'), category_id: cat('management'),
    description: '水印照片', lat: '31.2304000', lng: '121.4737000', gps_acc: '12' }, png);
  assert.equal(r.status, 201, r.text);
  const sha = r.json.photos[0].sha256;
  const marked = await get(worker, `/photos/${sha}`);
  assert.equal(marked.status, 200);
  assert.notDeepEqual(marked.body, png, 'the stored photo is not what was uploaded');
  assert.deepEqual(jpegSize(marked.body), { w: 640, h: 480 });
  // the worker may not have the original: the route needs hazard.photo_original
  const refused = await get(worker, `/photos/${sha}/original`);
  assert.equal(refused.status, 403);
  const safety = await login('anhuan');
  const orig = await get(safety, `/photos/${sha}/original`);
  assert.equal(orig.status, 200);
  assert.deepEqual(jpegSize(orig.body), { w: 640, h: 480 });
  assert.notDeepEqual(orig.body, marked.body);
  // flat grey compresses to almost nothing; three lines of text on a band do not
  assert.ok(marked.body.length > orig.body.length + 3000,
    `marked ${marked.body.length} B vs original ${orig.body.length} B`);
  // an unknown hash has no original
  assert.equal((await get(safety, `/photos/${'0'.repeat(64)}/original`)).status, 404);
  // the nightly clean-up of abandoned uploads keeps originals (and does not fail on them)
  await setClock(srv, 1796106600 + 2 * 86400);
  await tick(srv);
  assert.equal((await get(safety, `/photos/${sha}/original`)).status, 200);
  await setClock(srv, 1796106600);
});

test('a bad GPS field is refused naming it, and nothing is stored', async () => {
  const worker = await login('yuangong');
  const before = (await worker.get('/api/v1/hazards?mine=1&per_page=200')).json.items.length;
  const r = await report(worker, { area_id: area('精馏车间 中控室'), category_id: cat('management'),
    description: '坏坐标', lat: '95', lng: '121.47' }, flatPng(64, 48));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'lat');
  const after = (await worker.get('/api/v1/hazards?mine=1&per_page=200')).json.items.length;
  assert.equal(after, before);
});

test('a photo uploaded alone and attached by its hash gets the band too; the page links the original for the safety department only', async () => {
  const worker = await login('yuangong');
  const png = flatPng(640, 480);
  const fd = new FormData();
  fd.append('photo', new Blob([png], { type: 'image/png' }), 'p.png');
  const up = await worker.request('POST', '/api/v1/photos', { multipart: fd });
  assert.equal(up.status, 201, up.text);
  const uploaded = up.json.sha256;
  const r = await worker.postJson('/api/v1/hazards', { area_id: area('精馏车间 中控室'), category_id: cat('management'),
    description: '先传照片再报', photos: [uploaded] });
  assert.equal(r.status, 201, r.text);
  const sha = r.json.photos[0].sha256;
  assert.notEqual(sha, uploaded, 'the attached photo is a marked copy, not the bare upload');
  const marked = await get(worker, `/photos/${sha}`);
  assert.equal(marked.status, 200);
  assert.deepEqual(jpegSize(marked.body), { w: 640, h: 480 });
  const safety = await login('anhuan');
  const orig = await get(safety, `/photos/${sha}/original`);
  assert.equal(orig.status, 200);
  assert.equal(createHash('sha256').update(orig.body).digest('hex'), uploaded, 'the original is the upload as stored');
  assert.ok(marked.body.length > orig.body.length + 3000, `marked ${marked.body.length} B vs ${orig.body.length} B`);
  // the hazard page: a link to the original for the safety department, none for the reporter
  const link = `href="/photos/${sha}/original"`;
  assert.ok((await safety.get(`/hazards/${r.json.id}`)).text.includes(link));
  assert.ok(!(await worker.get(`/hazards/${r.json.id}`)).text.includes('/original"'));
});

test('the hazard page shows every photo under the description and each step\'s own in the timeline', async () => {
  // a demo hazard with a before photo (its report) and an after photo (its rectification)
  const [id, before, after] = runSql(srv.dir, `SELECT b.hazard_id, b.sha256, a.sha256 FROM hazard_photos b
    JOIN hazard_photos a ON a.hazard_id = b.hazard_id AND a.kind = 'after' AND a.event_id <> b.event_id
    WHERE b.kind = 'before' ORDER BY b.hazard_id LIMIT 1;`).split('|');
  assert.ok(id, 'the demo has a rectified hazard with photos');
  const page = (await (await login('anhuan')).get(`/hazards/${id}`)).text;
  const at = page.indexOf('class="hz-timeline"');
  assert.ok(at > 0);
  const top = page.slice(0, at), steps = page.slice(at).split('<li>').slice(1);
  assert.ok(top.includes(`/photos/${before}?thumb=1`) && top.includes(`/photos/${after}?thumb=1`), 'both under the description');
  const withBefore = steps.filter((s) => s.includes(`/photos/${before}?thumb=1`));
  const withAfter = steps.filter((s) => s.includes(`/photos/${after}?thumb=1`));
  assert.equal(withBefore.length, 1, 'the before photo in one step');
  assert.equal(withAfter.length, 1, 'the after photo in one step');
  assert.notEqual(withBefore[0], withAfter[0], 'not the same step');
});
