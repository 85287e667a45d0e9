// tests/http/backup.test.mjs — backup and restore of a 200 MB database while a client writes
// every 0.25 s, a backup killed half-way, the modes of every file the server and a backup
// create, and SIGHUP. The big database is a blob table added with the sqlite3 CLI, which is
// quicker than the bench generator.
//
// Under ANQUAN_TEST_PG=1 the database is PostgreSQL's: what is SQLite's own (the file, its WAL,
// `anquan backup` and `restore` of it, PRAGMA integrity_check) skips there with its reason;
// the data directory's own files and SIGHUP are checked on both.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN, DEMO_PASSWORD } from './lib.mjs';

const PG = process.env.ANQUAN_TEST_PG === '1';

const dirs = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'anquan-backup-'));
  dirs.push(d);
  return d;
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sql = (db, q) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, q]).toString().trim();
const env = (dir) => ({ ...process.env, ANQUAN_DATA: dir, ANQUAN_TEST_MODE: '1', ANQUAN_DEMO_PASSWORD: DEMO_PASSWORD });

// `anquan ARGS` without blocking the event loop; resolves to {code, signal, out, err, ms}.
function runAsync(dir, args, { shell } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = shell
      ? spawn('bash', ['-c', `${shell}; exec "$0" "$@"`, BIN, ...args], { env: env(dir) })
      : spawn(BIN, args, { env: env(dir) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code, signal) => resolve({ code, signal, out, err, ms: performance.now() - t0 }));
  });
}

const mode = (p) => (statSync(p).mode & 0o777).toString(8);
const sha256 = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');

// A client that signs in every 0.25 s (each sign-in commits a session and an audit entry).
function writer(srv) {
  let stop = false;
  let writes = 0;
  const done = (async () => {
    while (!stop) {
      const r = await srv.client().postJson('/api/v1/auth/login', { username: 'anhuan', password: DEMO_PASSWORD });
      assert.equal(r.status, 200);
      writes++;
      await sleep(250);
    }
  })();
  return { writes: () => writes, stop: async () => { stop = true; await done; } };
}

test('data directory 0700; database, WAL, key, anchor, lock, backup and manifest 0600', async (t) => {
  const dir = join(tempDir(), 'data');	// does not exist yet: the server creates it
  const srv = await startServer({ dir });
  try {
    assert.equal(mode(dir), '700');
    const files = [...(PG ? [] : ['anquan.db', 'anquan.db-wal', 'anquan.db-shm']), 'audit.key', 'audit.anchor', 'anquan.lock'];
    for (const f of files) assert.equal(mode(join(dir, f)), '600', f);
    for (const f of readdirSync(dir)) assert.equal(mode(join(dir, f)), '600', f);
    await t.test('anquan backup FILE and its manifest are 0600', async (st) => {
      if (PG) return st.skip('SQLite file operation: anquan backup copies DATA/anquan.db');
      const dest = join(tempDir(), 'b.db');
      const b = await runAsync(dir, ['backup', dest]);
      assert.equal(b.code, 0, b.err);
      assert.equal(mode(dest), '600');
      assert.equal(mode(`${dest}.manifest`), '600');
      for (const f of readdirSync(dir)) assert.equal(mode(join(dir, f)), '600', `${f} after the backup`);
    });
  } finally {
    const { code } = await srv.stop();
    assert.equal(code, 0);
  }
});

test('SIGHUP is ignored: the server still answers, then stops cleanly', async () => {
  const srv = await startServer({ demo: false });
  srv.proc.kill('SIGHUP');
  await sleep(300);
  srv.proc.kill('SIGHUP');
  await sleep(300);
  assert.equal(srv.proc.exitCode, null, 'still running');
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
  const { code, log } = await srv.stop();
  assert.equal(code, 0);
  assert.match(log, /SIGHUP: ignored/);
  assert.match(log, /stopped cleanly/);
});

test('backup and restore of a 200 MB database under writes every 0.25 s', async (t) => {
  if (PG) return t.skip('SQLite file operation: anquan backup/restore of DATA/anquan.db, its WAL, PRAGMA integrity_check');
  const base = tempDir();
  const dir = join(base, 'data');
  const srv = await startServer({ dir });
  let w;
  try {
    const db = join(dir, 'anquan.db');
    // 200 × 1 MiB of random bytes beside the real tables
    sql(db, 'CREATE TABLE bulk (id INTEGER PRIMARY KEY, b BLOB);'
      + ' WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)'
      + ' INSERT INTO bulk SELECT i, randomblob(1048576) FROM n;');
    w = writer(srv);
    await sleep(600);

    // a backup that dies half-way (file size limit: SIGXFSZ) leaves nothing under its name
    const broken = join(base, 'broken.db');
    const k = await runAsync(dir, ['backup', broken], { shell: 'ulimit -f 51200' });
    assert.notEqual(k.code, 0);
    assert.equal(existsSync(broken), false, 'no file with the final name');
    assert.equal(existsSync(`${broken}.manifest`), false);

    const dest = join(base, 'anquan-backup.db');
    const before = w.writes();
    const b = await runAsync(dir, ['backup', dest]);
    assert.equal(b.code, 0, b.err);
    console.log(`# anquan backup of ${statSync(dest).size} bytes under writes: ${Math.round(b.ms)} ms (sanitizer build), ${w.writes() - before} writes during it`);
    assert.ok(w.writes() - before >= 1, 'the writer went on during the backup');
    assert.ok(statSync(dest).size > 200 * 1048576);
    assert.equal(sql(dest, 'PRAGMA integrity_check'), 'ok');
    assert.equal(sql(dest, 'SELECT count(*) FROM bulk'), '200');
    const m = Object.fromEntries(readFileSync(`${dest}.manifest`, 'utf8').split('\n')
      .filter((l) => l.includes(' = ')).map((l) => l.split(' = ')));
    assert.equal(m.sha256, sha256(dest));
    assert.equal(Number(m.size), statSync(dest).size);
    assert.equal(m.schema_version, sql(dest, 'SELECT max(version) FROM schema_migrations'));
    assert.equal(m.audit_head_seq, sql(dest, 'SELECT max(id) FROM audit_log'));
    assert.equal(m.audit_head_hash, sql(dest, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1'));
    assert.match(m.audit_log, /^intact/);
    assert.match(m.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // restore refuses while the server runs, and changes nothing
    const r1 = await runAsync(dir, ['restore', dest]);
    assert.equal(r1.code, 1);
    assert.match(r1.err, /a server is running on .*stop it first/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('before-restore')), []);

    // a backup that does not match its manifest is refused
    await w.stop();
    w = null;
    const { code } = await srv.stop({ keep: true });
    assert.equal(code, 0);
    const liveHead = Number(sql(db, 'SELECT max(id) FROM audit_log'));
    assert.ok(liveHead > Number(m.audit_head_seq), 'entries were written after the backup');
    const tampered = join(base, 'tampered.db');
    execFileSync('cp', [dest, tampered]);
    execFileSync('cp', [`${dest}.manifest`, `${tampered}.manifest`]);
    sql(tampered, 'UPDATE bulk SET b = x\'00\' WHERE id = 1');
    const r2 = await runAsync(dir, ['restore', tampered]);
    assert.equal(r2.code, 1);
    assert.match(r2.err, /does not match its manifest/);

    const r3 = await runAsync(dir, ['restore', dest]);
    assert.equal(r3.code, 0, r3.err);
    assert.match(r3.out, new RegExp(`audit entries ${Number(m.audit_head_seq) + 1} to ${liveHead} are not in the restored database`));
    const kept = readdirSync(dir).filter((f) => /^anquan\.db\.before-restore-\d{8}-\d{6}$/.test(f));
    assert.equal(kept.length, 1);
    assert.equal(sql(join(dir, kept[0]), 'SELECT max(id) FROM audit_log'), String(liveHead), 'the old database, WAL included');
    assert.equal(mode(join(dir, 'anquan.db')), '600');
    const v = spawnSync(BIN, ['audit', 'verify'], { env: env(dir), encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`^OK: ${m.audit_head_seq} entries, chain intact; anchored head ${m.audit_head_seq}`));
    const again = await startServer({ dir, demo: false });
    try {
      const c = again.client();
      await c.apiLogin('anhuan');
      assert.equal(sql(db, 'SELECT count(*) FROM bulk'), '200');
    } finally {
      assert.equal((await again.stop()).code, 0);
    }
    const v2 = spawnSync(BIN, ['audit', 'verify'], { env: env(dir), encoding: 'utf8' });
    assert.equal(v2.status, 0, v2.stdout + v2.stderr);
  } finally {
    if (w) await w.stop();
    if (srv.proc.exitCode === null) await srv.stop();
  }
});
