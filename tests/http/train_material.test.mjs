// tests/http/train_material.test.mjs — a course's materials (issue 19): an upload whose bytes
// are not the declared kind (or not the type the browser declared) is refused with nothing
// stored; what is stored is served as its sniffed type with safe headers and byte ranges
// (206, 416) for the video player; the hazard job's sweep of unreferenced blobs keeps them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, hr, worker, course;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% training\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
// an MP4 head (ftyp box, brand mp42) and bytes that count up, so a slice shows where it came from
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12),
  Buffer.from(Array.from({ length: 100000 }, (_, i) => i % 251))]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

const form = (kind, bytes, type, name, title) => {
  const f = new FormData();
  if (kind) f.append('kind', kind);
  if (title) f.append('title', title);
  f.append('file', new Blob([bytes], { type }), name);
  return f;
};
const upload = (c, ...a) => c.request('POST', `/api/v1/train/courses/${course}/materials`, { multipart: form(...a) });
const list = async () => (await worker.get(`/api/v1/train/courses/${course}/materials`)).json;

before(async () => {
  srv = await startServer();
  await setClock(srv, await serverNow(srv));
  hr = srv.client();
  await hr.apiLogin('renshi');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  course = (await worker.get('/api/v1/train/me')).json.requirements[0].course_id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('an upload that is not its declared kind or type is refused, naming the file, with nothing stored', async () => {
  for (const [args, status, field] of [
    [['video', PDF, 'video/mp4', 'a.mp4'], 422, 'file'],	// PDF bytes declared a video
    [['pdf', HTML, 'application/pdf', 'a.pdf'], 422, 'file'],	// HTML under a PDF name
    [['image', PNG, 'application/pdf', 'a.png'], 422, 'file'],	// the browser's type says otherwise
    [['pdf', Buffer.alloc(0), 'application/pdf', 'e.pdf'], 422, 'file'],
    [['slides', PDF, 'application/pdf', 'a.pdf'], 422, 'kind'],
    [['image', Buffer.concat([PNG, Buffer.alloc(5 << 20)]), 'image/png', 'big.png'], 413, 'file'],
  ]) {
    const r = await upload(hr, ...args);
    assert.equal(r.status, status, `${args[0]} ${args[3]}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await list()).total, 0);
  assert.equal((await upload(worker, 'pdf', PDF, 'application/pdf', 'a.pdf')).status, 403);
  // the page keeps what was typed and says what is wrong under the file
  const page = srv.client();
  await page.login('renshi');
  await page.get(`/train/courses/${course}`);
  const r = await page.request('POST', `/train/courses/${course}/materials`, { multipart: form('video', PDF, 'video/mp4', 'x.mp4', '动火视频') });
  assert.equal(r.status, 422);
  assert.match(r.text, /<span class="field-error" id="err-file">文件：内容与声明的类型不符/);
  assert.match(r.text, /name="title" maxlength="100" value="动火视频"/);
  assert.match(r.text, /<option value="video" selected>/);
});

test('a video is served as itself with safe headers and byte ranges; a worker sees it play on the course page', async () => {
  const v = await upload(hr, 'video', MP4, 'video/mp4', 'hot-work.mp4', '动火作业警示片');
  assert.equal(v.status, 201, v.text);
  assert.deepEqual([v.json.kind, v.json.mime, v.json.size, v.json.title], ['video', 'video/mp4', MP4.length, '动火作业警示片']);
  assert.equal((await upload(hr, 'pdf', PDF, 'application/octet-stream', 'rules.pdf')).status, 201);
  assert.equal((await list()).total, 2);
  const url = `/train/materials/${v.json.id}`;
  const whole = await worker.get(url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'video/mp4');
  assert.equal(whole.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(whole.headers.get('content-disposition'), `inline; filename="material-${v.json.id}.mp4"`);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(Number(whole.headers.get('content-length')), MP4.length);
  const bytes = async (range) => {
    const r = await fetch(srv.url + url, { headers: { Range: range, Authorization: `Bearer ${worker.bearer}` } });
    return [r, Buffer.from(await r.arrayBuffer())];
  };
  const [mid, midBuf] = await bytes('bytes=1000-1099');
  assert.equal(mid.status, 206);
  assert.equal(mid.headers.get('content-range'), `bytes 1000-1099/${MP4.length}`);
  assert.deepEqual(midBuf, MP4.subarray(1000, 1100));
  const [tail, tailBuf] = await bytes('bytes=-10');
  assert.equal(tail.status, 206);
  assert.deepEqual(tailBuf, MP4.subarray(MP4.length - 10));
  const [open, openBuf] = await bytes(`bytes=${MP4.length - 5}-`);
  assert.equal(open.headers.get('content-range'), `bytes ${MP4.length - 5}-${MP4.length - 1}/${MP4.length}`);
  assert.equal(openBuf.length, 5);
  const [past] = await bytes(`bytes=${MP4.length}-`);
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${MP4.length}`);
  const page = srv.client();
  await page.login('yuangong');
  const html = await page.get(`/train/courses/${course}`);
  assert.equal(html.status, 200);
  assert.match(html.text, new RegExp(`<video controls preload="metadata" playsinline src="${url}"`));
  assert.doesNotMatch(html.text, /train-upload/, 'no upload form for a worker');
  assert.match((await page.get('/train')).text, new RegExp(`href="/train/courses/${course}"`));
});

test('the hazard job, sweeping unreferenced blobs, keeps training materials', async () => {
  const items = (await list()).items;
  assert.equal(items.length, 2);
  const db = (sql) => execFileSync('sqlite3', [join(srv.dir, 'anquan.db'), sql]).toString().trim();
  // an abandoned upload beside them: the sweep must still run (and remove it)
  db("INSERT INTO blobs (sha256, mime, bytes, created_at) VALUES ('orphan', 'image/jpeg', x'ffd8ff', 0)");
  await setClock(srv, (await serverNow(srv)) + 3 * 86400);
  await tick(srv);
  assert.equal(db("SELECT count(*) FROM blobs WHERE sha256 = 'orphan'"), '0', 'the sweep ran');
  const w = srv.client();
  await w.apiLogin('yuangong');
  for (const m of items) assert.equal((await w.get(`/train/materials/${m.id}`)).status, 200, m.title);
});
