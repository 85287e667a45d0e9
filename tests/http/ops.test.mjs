// tests/http/ops.test.mjs — what an operator reaches for: the version (command line and
// /healthz, never a response header), request ids in X-Request-Id and the access log, log
// lines with journald priorities, and Prometheus /metrics (token-protected on the main
// address, or alone on an address of its own); a database from a newer anquan refused;
// the audit log exported for a regulator; retention of sign-in attempts and notifications.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, setClock, tick, BIN, dbEnv, runSql } from './lib.mjs';

const TOKEN = 'metrics-token-for-the-test-0123456789';
let srv, metricsPort;
before(async () => {
  metricsPort = await freePort();
  srv = await startServer({
    env: {
      ANQUAN_METRICS_TOKEN: TOKEN, ANQUAN_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
      ANQUAN_RETENTION_NOTIFICATION_DAYS: '183',
    },
  });
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function accessLines(pred) {
  let lines = [];
  for (let i = 0; i < 50; i++) {
    lines = srv.log().split('\n').filter((l) => l.startsWith('<6>ACCESS {')).map((l) => JSON.parse(l.slice(10)));
    if (lines.some(pred)) break;
    await sleep(20);
  }
  return lines.filter(pred);
}

test('anquan --version and /healthz name the same version and build date; no header does', async () => {
  const out = execFileSync(BIN, ['--version'], { encoding: 'utf8' });
  const m = /^anquan (\d+\.\d+\.\d+\S*) \(built (\d{4}-\d{2}-\d{2})\)\n$/.exec(out);
  assert.ok(m, `--version printed: ${out}`);
  const r = await srv.client().get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.json.version, m[1]);
  assert.equal(r.json.build_date, m[2]);
  for (const [k, v] of r.headers) assert.ok(!v.includes(m[1]), `header ${k} carries the version`);
});

test('every response carries a request id, and its access-log line the same id and route', async () => {
  const c = srv.client();
  await c.apiLogin('zongjian');
  const r = await c.get('/api/v1/me');
  assert.equal(r.status, 200);
  const id = r.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{32}$/);
  const [line] = await accessLines((l) => l.id === id);
  assert.ok(line, 'the access log names the request id');
  assert.equal(line.path, '/api/v1/me');
  assert.equal(line.route, '/api/v1/me');
  const other = await c.get('/api/v1/me');
  assert.notEqual(other.headers.get('x-request-id'), id, 'one id per request');
  // a proxy's id (nginx $request_id) is kept; a malformed one is replaced
  const kept = await c.get('/healthz', { headers: { 'X-Request-Id': 'nginx-7f3a.1' } });
  assert.equal(kept.headers.get('x-request-id'), 'nginx-7f3a.1');
  const bad = await c.get('/healthz', { headers: { 'X-Request-Id': 'a b<script>' } });
  assert.match(bad.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
});

test('every log line starts with a journald priority', async () => {
  await srv.client().get('/no-such-page');
  await accessLines((l) => l.path === '/no-such-page');
  const lines = srv.stderrLog().split('\n').filter((l) => l && !/^(==|\s)/.test(l));	// sanitizer notes aside
  assert.ok(lines.length > 3);
  for (const l of lines) assert.match(l, /^<[346]>(ERROR|WARN|INFO|ACCESS) /, l);
  assert.ok(lines.some((l) => l.startsWith('<4>WARN test mode')), 'a warning is <4>');
});

test('/metrics needs the token on the main address and shows the routes called', async () => {
  const c = srv.client();
  await c.apiLogin('zongjian');
  const h = await c.get('/api/v1/hazards?per_page=1');
  assert.equal(h.status, 200);
  const id = h.json.items?.[0]?.id ?? h.json.hazards?.[0]?.id;
  if (id) assert.equal((await c.get(`/api/v1/hazards/${id}`)).status, 200);
  await accessLines((l) => l.path === '/api/v1/hazards');	// counted when the request completes
  await tick(srv);	// one delivery round of the outbox sets its gauges
  const anon = await srv.client().get('/metrics');
  assert.equal(anon.status, 401);
  const wrong = await srv.client().get('/metrics', { headers: { Authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  const r = await srv.client().get('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const t = r.text;
  assert.match(t, /^anquan_http_requests_total\{method="GET",route="\/api\/v1\/hazards",code="2xx"\} [1-9]/m);
  if (id) assert.match(t, /route="\/api\/v1\/hazards\/:id"/, 'by route pattern, never by path');
  assert.doesNotMatch(t, new RegExp(`route="/api/v1/hazards/${id}"`));
  assert.match(t, /^anquan_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/me",le="\+Inf"\} [1-9]/m);
  assert.match(t, /^anquan_http_requests_total\{method="GET",route="unmatched",code="4xx"\} [1-9]/m);
  assert.match(t, /^anquan_db_seconds_total [0-9.]+$/m);
  assert.match(t, /^anquan_open_connections [1-9]/m, 'this request is open');
  assert.match(t, /^anquan_scheduler_lag_seconds [0-9.e+-]+$/m);
  assert.match(t, /^anquan_outbox_depth [0-9]+$/m);
  assert.match(t, /^anquan_outbox_dead [0-9]+$/m);
  // and alone on its own address, without the token
  const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.equal(own.status, 200);
  assert.match(await own.text(), /route="\/api\/v1\/me"/);
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status, 404, 'nothing else there');
});

test('a database migrated by a newer anquan is refused, naming both versions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anquan-ops-'));
  try {
    const env = { ...process.env, ANQUAN_DATA: dir };
    const first = spawnSync(BIN, ['migrate'], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const mine = execFileSync(BIN, ['--version'], { encoding: 'utf8' }).split(' ')[1];
    const db = join(dir, 'anquan.db');
    assert.equal(execFileSync('sqlite3', [db, 'SELECT version FROM program_version'], { encoding: 'utf8' }).trim(), mine,
      'the migrating version is recorded');
    execFileSync('sqlite3', [db, "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0);" +
      " UPDATE program_version SET version = '9.9.9'"]);
    for (const args of [['migrate'], ['serve']]) {
      const r = spawnSync(BIN, args, { env: { ...env, ANQUAN_LISTEN: '127.0.0.1:1' }, encoding: 'utf8', timeout: 20000 });
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^<3>ERROR database: migrated by anquan 9\\.9\\.9 \\(schema 9999\\), newer than this anquan ${mine.replace(/\./g, '\\.')} `, 'm'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit export: signed JSON lines that link up to the signed head, and CSV, for a regulator', async () => {
  const c = srv.client();
  await c.apiLogin('zongjian');	// at least one more entry than the demo's
  const dir = mkdtempSync(join(tmpdir(), 'anquan-export-'));
  try {
    const env = { ...process.env, ANQUAN_DATA: srv.dir, ...dbEnv(srv.dir) };
    const file = join(dir, 'audit.jsonl');
    const r = spawnSync(BIN, ['audit', 'export', file], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(file, 'utf8');
    const cut = text.lastIndexOf('\n', text.length - 2) + 1;
    const body = text.slice(0, cut);
    const trailer = JSON.parse(text.slice(cut));
    const entries = body.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(trailer.type, 'trailer');
    assert.equal(trailer.count, entries.length);
    assert.ok(entries.length >= 2);
    assert.equal(trailer.chain, 'intact');
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i].prev_hash, entries[i - 1].hash, `entry ${entries[i].id} links`);
    assert.deepEqual(trailer.head, { id: entries.at(-1).id, hash: entries.at(-1).hash });
    assert.equal(createHash('sha256').update(body).digest('hex'), trailer.sha256);
    const pub = execFileSync(BIN, ['audit', 'export', '--public-key'], { env, encoding: 'utf8' }).trim();
    assert.equal(pub, trailer.public_key, 'the same installation signs with the same key');
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pub, 'hex')]), format: 'der', type: 'spki' });
    assert.ok(verify(null, Buffer.from(trailer.sha256), key, Buffer.from(trailer.signature, 'hex')), 'signature checks');
    assert.ok(!verify(null, Buffer.from(createHash('sha256').update(body.replace('"demo_load"', '"demo_lode"')).digest('hex')), key,
      Buffer.from(trailer.signature, 'hex')), 'an edited export does not');
    // an earlier export is never overwritten
    assert.equal(spawnSync(BIN, ['audit', 'export', file], { env }).status, 1);
    const csv = spawnSync(BIN, ['audit', 'export', '--csv'], { env, encoding: 'utf8' });
    assert.equal(csv.status, 0, csv.stderr);
    const rows = csv.stdout.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(rows[0], '"id","time","user_id","username","ip","entity","entity_id","action","summary","prev_hash","hash"');
    assert.ok(rows.length - 1 >= entries.length, 'every entry (and those added since)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one pagination on every list: 422 naming page or per_page out of range', async () => {
  const auditor = srv.client();
  await auditor.apiLogin('auditor');
  const admin = srv.client();
  await admin.apiLogin('zongjian');
  const lists = [[auditor, '/api/v1/audit'], [admin, '/api/v1/hazards'], [admin, '/api/v1/users'],
    [admin, '/api/v1/units'], [admin, '/api/v1/areas']];
  for (const [c, path] of lists) {
    const ok = await c.get(`${path}?page=1&per_page=500`);
    assert.equal(ok.status, 200, `${path}: ${ok.text}`);
    assert.equal(ok.json.per_page, 500);
    assert.equal(ok.json.page, 1);
    assert.equal(typeof ok.json.total, 'number');
    assert.ok(Array.isArray(ok.json.items));
    for (const [q, field] of [['per_page=501', 'per_page'], ['per_page=0', 'per_page'], ['page=0', 'page'], ['page=1000001', 'page']]) {
      const r = await c.get(`${path}?${q}`);
      assert.equal(r.status, 422, `${path}?${q}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.field, field, `${path}?${q}`);
    }
    const nan = await c.get(`${path}?per_page=lots`);
    // not a number: 400 (the audit list answers its filter form's 422)
    assert.ok([400, 422].includes(nan.status), `${path}?per_page=lots: ${nan.status}`);
    assert.equal(nan.json.error.field, 'per_page');
  }
});

// Last in this file: it moves the server's clock.
test('retention: sign-in attempts and notifications go after their configured days, never before six months; the audit log stays', async () => {
  const bad = spawnSync(BIN, ['config', '--retention.access_days=90'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /retention\.access_days \(flag\): '90' is not a whole number from 183 to 3650/);
  const T0 = 1893456000;	// 2030-01-01T00:00Z, far from any test date
  const DAY = 86400;
  const sql = (q) => runSql(srv.dir, q);
  await setClock(srv, T0);
  await srv.client().apiLogin('zongjian');
  const uid = sql("SELECT id FROM users WHERE username = 'zongjian'");
  sql(`INSERT INTO notifications (user_id, created_at, kind, title) VALUES (${uid}, ${T0}, 'test', 'old'),` +
    ` (${uid}, ${T0 + 100 * DAY}, 'test', 'recent')`);
  const audits = Number(sql('SELECT count(*) FROM audit_log'));
  await setClock(srv, T0 + 182 * DAY);	// under six months: everything stays
  assert.equal((await srv.client().postJson('/api/v1/test/tick', {})).status, 200);
  assert.equal(sql(`SELECT count(*) FROM login_attempts WHERE at = ${T0}`), '1');
  assert.equal(sql(`SELECT count(*) FROM notifications WHERE kind = 'test'`), '2');
  await setClock(srv, T0 + 184 * DAY);	// retention.access_days 183, notification_days 183 (env)
  assert.equal((await srv.client().postJson('/api/v1/test/tick', {})).status, 200);
  assert.equal(sql(`SELECT count(*) FROM login_attempts WHERE at = ${T0}`), '0');
  assert.equal(sql(`SELECT title FROM notifications WHERE kind = 'test'`), 'recent');
  assert.ok(Number(sql('SELECT count(*) FROM audit_log')) >= audits, 'the audit log is kept');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE at = ${T0}`), '1', 'the sign-in\'s audit entry stays');
  await setClock(srv, 0);
});
