// tests/http/files_dir.test.mjs — photos and files outside the database (files.dir): a
// reported photo lands on disk under its SHA-256, is served with the same access checks, a
// file changed on disk is refused, the clean-up job removes an abandoned upload's file, and
// `anquan files export` moves an existing database's blobs out, after which the pages still
// show them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, DEMO_PASSWORD, dbEnv, runSql, serverNow, setClock, startServer, tick } from './lib.mjs';
import { png } from './images.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const seeded = (seed) => png(16, 16, (x, y) => [0, 1, 2].map((c) => seed * 41 + (x * 5 + c) * 13 + y * 29));
const fileOf = (dir, sha) => join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
const dirs = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function login(srv, username) {
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

// a hazard reported by yuangong with one photo uploaded first; returns {id, sha} of the
// attached (watermarked) photo
async function report(srv, seed) {
  const c = await login(srv, 'yuangong');
  const meta = (await c.get('/api/v1/hazard-meta')).json;
  const up = await upload(c, seed);
  const r = await c.postJson('/api/v1/hazards', {
    area_id: meta.areas.find((a) => a.name === '精馏车间 中控室').id,
    category_id: meta.categories.find((k) => k.code === 'management').id,
    description: '照片存放在文件目录', photos: [up],
  });
  assert.equal(r.status, 201, r.text);
  return { id: r.json.id, sha: r.json.photos[0].sha256, upload: up, client: c };
}

const get = (srv, c, path) => fetch(`${srv.url}${path}`, { headers: { Authorization: `Bearer ${c.bearer}` } });

test('files.dir: a reported photo is a file named by its hash, served with the same checks, refused when changed', async () => {
  const data = mkdtempSync(join(tmpdir(), 'anquan-files-'));
  const files = join(data, 'files');
  dirs.push(data);
  const srv = await startServer({ dir: data, env: { ANQUAN_FILES_DIR: files } });
  try {
    const { id, sha, upload: original, client: reporter } = await report(srv, 1);
    // on disk under DIR/ab/cd/<sha>, and the database keeps only the row
    assert.ok(existsSync(fileOf(files, sha)), 'the photo is a file under its hash');
    assert.equal(sha256(readFileSync(fileOf(files, sha))), sha);
    assert.equal(runSql(data, `SELECT length(bytes) FROM blobs WHERE sha256 = '${sha}'`), '0');
    const thumb = runSql(data, `SELECT thumb_sha256 FROM blobs WHERE sha256 = '${sha}'`);
    assert.ok(existsSync(fileOf(files, thumb)), 'the thumbnail too');
    assert.ok(existsSync(fileOf(files, original)), 'and the unmarked original');

    // the reporter sees it; a worker of another team does not (hazard scope, as before)
    let r = await get(srv, reporter, `/photos/${sha}`);
    assert.equal(r.status, 200);
    assert.equal(sha256(Buffer.from(await r.arrayBuffer())), sha);
    r = await get(srv, reporter, `/photos/${sha}?thumb=1`);
    assert.equal(r.status, 200);
    assert.equal(sha256(Buffer.from(await r.arrayBuffer())), thumb);
    const other = await login(srv, 'u010');
    assert.equal((await get(srv, other, `/photos/${sha}`)).status, 404);
    // the hazard's page links it
    const page = await reporter.get(`/hazards/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`/photos/${sha}`));

    // a file changed on disk is not served, and the log says why
    const bytes = readFileSync(fileOf(files, sha));
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(fileOf(files, sha), bytes);
    r = await get(srv, reporter, `/photos/${sha}`);
    assert.notEqual(r.status, 200, 'a tampered file is refused');
    const refused = new RegExp(`${sha}.*does not hash to its name`);
    for (let i = 0; i < 50 && !refused.test(srv.stderrLog()); i++) await new Promise((ok) => setTimeout(ok, 100));
    assert.match(srv.stderrLog(), refused, 'the log names the file');

    // an upload never attached is collected after a day, its file with its row
    const stray = await upload(reporter, 2);
    assert.ok(existsSync(fileOf(files, stray)));
    const now = await serverNow(srv);
    await setClock(srv, now + 2 * 86400);
    await tick(srv);
    await setClock(srv, 0);
    assert.equal(runSql(data, `SELECT count(*) FROM blobs WHERE sha256 = '${stray}'`), '0');
    assert.ok(!existsSync(fileOf(files, stray)), 'the abandoned upload\'s file is removed');
    assert.ok(existsSync(fileOf(files, thumb)), 'what a hazard uses stays');
  } finally {
    const { code } = await srv.stop({ keep: true });
    assert.equal(code, 0);
  }
});

test('anquan files export moves an existing database\'s blobs out; pages still show them; a second run has nothing to do', async () => {
  const data = mkdtempSync(join(tmpdir(), 'anquan-files-'));
  const files = join(data, 'files');
  dirs.push(data);
  let srv = await startServer({ dir: data });
  let hz;
  try {
    hz = await report(srv, 3);
  } finally {
    await srv.stop({ keep: true });
  }
  const inside = Number(runSql(data, 'SELECT count(*) FROM blobs WHERE length(bytes) > 0'));
  assert.ok(inside >= 3, `blobs inside the database before (${inside})`);
  const plan = runSql(data, 'SELECT plan_id, version FROM emerg_plan_versions WHERE pdf_sha IS NOT NULL ORDER BY plan_id LIMIT 1');
  const env = { ...process.env, ANQUAN_DATA: data, ...dbEnv(data) };

  const none = spawnSync(BIN, ['files', 'export'], { env, encoding: 'utf8' });
  assert.equal(none.status, 2, 'files.dir must be given');
  assert.match(none.stderr, /files\.dir/);

  const run = spawnSync(BIN, [`--files.dir=${files}`, 'files', 'export'], { env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.match(run.stdout, new RegExp(`${inside}/${inside} moved`));
  assert.equal(runSql(data, 'SELECT count(*) FROM blobs WHERE length(bytes) > 0'), '0');
  assert.equal(sha256(readFileSync(fileOf(files, hz.sha))), hz.sha);
  const again = spawnSync(BIN, [`--files.dir=${files}`, 'files', 'export'], { env, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /nothing to move/);

  srv = await startServer({ dir: data, env: { ANQUAN_FILES_DIR: files } });
  try {
    const c = await login(srv, 'yuangong');
    const page = await c.get(`/hazards/${hz.id}`);
    assert.match(page.text, new RegExp(`/photos/${hz.sha}`));
    const r = await get(srv, c, `/photos/${hz.sha}`);
    assert.equal(r.status, 200);
    assert.equal(sha256(Buffer.from(await r.arrayBuffer())), hz.sha);
    // a demo emergency plan's PDF, now read from the file store
    const [planId, version] = plan.split('|');
    const admin = srv.client();
    await admin.login('anhuan', DEMO_PASSWORD);
    const pdf = await admin.get(`/emerg/plans/${planId}/pdf?v=${version}`);
    assert.equal(pdf.status, 200);
    assert.match(pdf.text.slice(0, 5), /%PDF-/);
  } finally {
    const { code } = await srv.stop({ keep: true });
    assert.equal(code, 0);
  }
});
