// tests/http/migrate_pg.test.mjs — `anquan migrate-to-pg SQLITE_FILE POSTGRES_URL`: the demo
// plant's SQLite database copied into an empty PostgreSQL database. Every table has as many
// rows on both sides, the audit log's chain verifies there, the blobs are in the file store
// and a server on the copy serves them, and a second run into the now non-empty target is
// refused. Needs a PostgreSQL cluster: runs under scripts/pg-test-cluster (make test-pg, which
// sets ANQUAN_TEST_PG_URL), skipped otherwise.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, DEMO_PASSWORD, startServer } from './lib.mjs';

const admin = process.env.ANQUAN_TEST_PG_URL;
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const dirs = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}
function sqlite(file, sql) {
  const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

test('migrate-to-pg copies the demo database: counts equal, audit verifies, blobs in the file store, no overwrite',
  { skip: admin ? false : 'no PostgreSQL cluster (run under scripts/pg-test-cluster)' }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'anquan-migrate-'));
    dirs.push(data);
    const files = join(data, 'files');
    const base = { ...process.env, ANQUAN_DATA: data, ANQUAN_DB_URL: '', ANQUAN_DEMO_PASSWORD: DEMO_PASSWORD };
    const demo = spawnSync(BIN, ['demo'], { env: base, encoding: 'utf8' });
    assert.equal(demo.status, 0, demo.stderr);
    const db = join(data, 'anquan.db');

    const name = `t_${basename(data).toLowerCase().replace(/[^a-z0-9_]/g, '_')}_pg`;
    psql(admin, `CREATE DATABASE ${name}`);
    const url = admin.replace(/\/[^/]*$/, `/${name}`);

    const t0 = performance.now();
    const run = spawnSync(BIN, [`--files.dir=${files}`, 'migrate-to-pg', db, url], { env: base, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const ms = performance.now() - t0;
    assert.match(run.stdout, /^\s+hazards\s+\d+ rows/m, 'progress per table');
    assert.match(run.stdout, /copied \d+ tables/);
    assert.match(run.stdout, /^indexes: \d+ made on the copied rows/m, 'indexes set aside and made again');
    assert.match(run.stdout, /^statistics: ANALYZE in /m, 'statistics gathered');
    console.log(`# migrate-to-pg of the demo database: ${Math.round(ms)} ms`);

    // every table of the source that PostgreSQL has holds as many rows there
    const tables = sqlite(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');
    const onPg = new Set(psql(url, 'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()').split('\n'));
    const copied = tables.filter((t) => onPg.has(t));
    assert.ok(copied.length > 50, `tables copied: ${copied.length}`);
    for (const t of ['hazards', 'audit_log', 'users', 'blobs', 'hazards_fts', 'schema_migrations']) assert.ok(copied.includes(t), t);
    const count = (q, t) => q(`SELECT count(*) FROM ${t}`);
    for (const t of copied) {
      // a search table's rows, counted without its tokenizer (the sqlite3 shell has none):
      // FTS5 keeps one docsize row per document
      const src = tables.includes(`${t}_docsize`) ? `${t}_docsize` : t;
      assert.equal(count((s) => psql(url, s), t), count((s) => sqlite(db, s), src), `rows of ${t}`);
    }
    assert.ok(Number(count((s) => psql(url, s), 'hazards')) > 0);
    // the planner's statistics are there from the start (only ANALYZE fills pg_stats; without
    // them a large copy is served with guessed plans until autovacuum comes by)
    assert.ok(Number(psql(url, "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'hazards'")) > 0,
      'hazards analyzed');

    // the indexes set aside for the copy are all back, as the migrations make them on an empty database
    const fresh = `${name}_fresh`;
    psql(admin, `CREATE DATABASE ${fresh}`);
    const freshUrl = admin.replace(/\/[^/]*$/, `/${fresh}`);
    const mig = spawnSync(BIN, ['migrate'], { env: { ...base, ANQUAN_DB_URL: freshUrl }, encoding: 'utf8' });
    assert.equal(mig.status, 0, mig.stderr);
    const indexes = (u) => psql(u, 'SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2');
    const want = indexes(freshUrl);
    assert.ok(want.split('\n').length > 100, 'the schema has its indexes');
    assert.equal(indexes(url), want);
    psql(admin, `DROP DATABASE ${fresh} WITH (FORCE)`);

    // the audit log's chain, checked by the ordinary command against the copy
    const verify = spawnSync(BIN, ['audit', 'verify'], { env: { ...base, ANQUAN_DB_URL: url }, encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^OK: \d+ entries, chain intact/);

    // the blobs' bytes are files named by their hash; the rows keep none
    assert.equal(psql(url, 'SELECT count(*) FROM blobs WHERE length(bytes) > 0'), '0');
    const shas = psql(url, 'SELECT sha256 FROM blobs ORDER BY sha256').split('\n').filter(Boolean);
    assert.ok(shas.length > 0, 'the demo has blobs (its plans\' PDFs)');
    for (const s of shas) assert.equal(sha256(readFileSync(join(files, s.slice(0, 2), s.slice(2, 4), s))), s);

    // ids go on after the copied ones
    const maxId = Number(psql(url, 'SELECT max(id) FROM hazards'));
    const next = Number(psql(url, "SELECT nextval(pg_get_serial_sequence('hazards', 'id'))"));
    assert.ok(next > maxId, `next hazard id ${next} after ${maxId}`);

    // search works on the copy (the tokens were made while copying)
    const word = sqlite(db, 'SELECT substr(description, 1, 2) FROM hazards ORDER BY id LIMIT 1');
    assert.ok(Number(psql(url, `SELECT count(*) FROM hazards_fts WHERE tokens @@ '''${word.replace(/'/g, '')}'''::tsquery`)) > 0);

    // a server on the copy serves a plan's PDF from the file store
    const plan = psql(url, 'SELECT plan_id, version FROM emerg_plan_versions WHERE pdf_sha IS NOT NULL ORDER BY plan_id LIMIT 1').split('|');
    const srv = await startServer({ dir: data, demo: false, env: { ANQUAN_DB_URL: url, ANQUAN_FILES_DIR: files } });
    try {
      const c = srv.client();
      assert.equal((await c.login('anhuan')).status, 303);
      const pdf = await c.get(`/emerg/plans/${plan[0]}/pdf?v=${plan[1]}`);
      assert.equal(pdf.status, 200);
      assert.match(pdf.text.slice(0, 5), /%PDF-/);
    } finally {
      const { code } = await srv.stop({ keep: true });
      assert.equal(code, 0);
    }

    // the target is not empty now: a second run refuses and changes nothing
    const hazards = count((s) => psql(url, s), 'hazards');
    const again = spawnSync(BIN, [`--files.dir=${files}`, 'migrate-to-pg', db, url], { env: base, encoding: 'utf8' });
    assert.equal(again.status, 2, again.stdout + again.stderr);
    assert.match(again.stderr, /refused: the target database is not empty/);
    assert.equal(count((s) => psql(url, s), 'hazards'), hazards);
    psql(admin, `DROP DATABASE ${name} WITH (FORCE)`);
  });
