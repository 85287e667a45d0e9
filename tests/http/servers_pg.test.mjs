// tests/http/servers_pg.test.mjs — two app servers on one PostgreSQL database (a group of
// plants behind a load balancer, docs/operations.md):
//   - exactly one of them holds the leader's advisory lock and runs the scheduler and the
//     outbox sender (/healthz "leader", anquan_leader in /metrics, pg_locks);
//   - a bearer token's rate is counted once for both (http_rate), not once per server;
//   - SIGKILL the leader: the other takes the lock within seconds (db.leader_retry, here 1 s;
//     its default is under a minute) and runs the scheduler at once; every message, the
//     ones queued while both ran and the reminders the new leader's scheduler found due, reaches
//     a webhook receiver on 127.0.0.1 exactly once;
//   - `anquan audit verify` passes on each server's data directory (each with its own anchor);
//   - two servers migrating a new database at once both start, each migration applied once.
// Needs a PostgreSQL cluster: runs under scripts/pg-test-cluster (make test-pg, which sets
// ANQUAN_TEST_PG_URL), skipped otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, Client, startServer, setClock, serverNow, tick } from './lib.mjs';
import { png } from './images.mjs';
import { startReceivers } from './notify_receivers.mjs';

const admin = process.env.ANQUAN_TEST_PG_URL;
const skip = admin ? false : 'no PostgreSQL cluster (run under scripts/pg-test-cluster)';
const TOKEN = 'metrics-token-for-the-servers-test-0123';
const PER_TOKEN = 30;
const LEADER_KEY = 0x616e716c;	// src/db/leader.c
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

let url, a, b, rcv, bDir;
const env = {
  ANQUAN_DB_LEADER_RETRY: '1', ANQUAN_NOTIFY_INTERVAL_MS: '100', ANQUAN_METRICS_TOKEN: TOKEN,
  ANQUAN_HTTP_RATE_PER_TOKEN: String(PER_TOKEN),
};

before(async () => {
  if (skip) return;
  rcv = await startReceivers();
  const base = mkdtempSync(join(tmpdir(), 'anquan-servers-'));
  rmSync(base, { recursive: true, force: true });
  const name = `t_${basename(base).toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  psql(admin, `CREATE DATABASE ${name}`);
  url = admin.replace(/\/[^/]*$/, `/${name}`);
  a = await startServer({ db: url, env });
  // the plant's channel: a webhook to the receiver, the demo's viewer and channels off
  const adm = new Client(a.url);
  await adm.login('admin');
  assert.equal((await adm.post('/admin/notify/viewer', { on: '0' })).status, 303);
  const page = await adm.get('/admin/notify');
  for (const m of page.text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g))
    assert.equal((await adm.post(`/admin/notify/channels/${m[1]}`, {})).status, 303);
  assert.equal((await adm.post('/admin/notify/channels', { kind: 'webhook', name: 'servers', url: `${rcv.base}/webhook`,
    secret: rcv.secrets.hookSecret })).status, 303);
  // the second server shares the first's keys: the audit chain's and the channel secrets'
  bDir = mkdtempSync(join(tmpdir(), 'anquan-test-'));
  for (const f of ['audit.key', 'notify.key']) copyFileSync(join(a.dir, f), join(bDir, f));
  b = await startServer({ db: url, env, dir: bDir, demo: false });
});

after(async () => {
  if (skip) return;
  if (b) {
    const { code } = await b.stop();
    assert.equal(code, 0);
  }
  if (a) await a.stop();	// killed in the takeover test: only its directory is left
  rmSync(bDir, { recursive: true, force: true });
  rcv.close();
});

async function leader(srv) {
  const r = await srv.client().get('/healthz');
  assert.equal(r.status, 200);
  return r.json.leader;
}

async function metrics(srv) {
  const r = await srv.client().get('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(r.status, 200);
  return r.text;
}

// the backends holding the leader's lock
const holders = () => psql(url, 'SELECT pid FROM pg_locks WHERE locktype = \'advisory\' AND granted'
  + ` AND classid = 0 AND objid = ${LEADER_KEY} AND objsubid = 1`).split('\n').filter(Boolean);

test('exactly one server holds the leader lock and runs the scheduler; the default retry is under a minute', { skip }, async () => {
  assert.equal(await leader(a), true, 'the first server leads');
  assert.equal(await leader(b), false, 'the second follows');
  assert.equal(holders().length, 1, 'one backend holds the lock');
  const ma = await metrics(a), mb = await metrics(b);
  assert.match(ma, /^anquan_leader 1$/m);
  assert.match(mb, /^anquan_leader 0$/m);
  assert.match(ma, /^anquan_scheduler_round_seconds /m, 'the leader ran its scheduler');
  assert.doesNotMatch(mb, /^anquan_scheduler_round_seconds /m, 'the follower never did');
  assert.match(b.log(), /leader: another server runs the background work/);
  // the default, and the limit that keeps a takeover within a minute
  const cfgEnv = { ...process.env, ANQUAN_DATA: bDir, ANQUAN_DB_LEADER_RETRY: '' };
  delete cfgEnv.ANQUAN_DB_LEADER_RETRY;
  const shown = spawnSync(BIN, ['config'], { env: cfgEnv, encoding: 'utf8' });
  assert.equal(shown.status, 0, shown.stderr);
  const retry = Number(/^db\.leader_retry\s+=\s+(\d+)/m.exec(shown.stdout)[1]);
  assert.ok(retry > 0 && retry * 2 < 60, `default db.leader_retry ${retry} s`);
  const tooLong = spawnSync(BIN, ['--db.leader_retry=31', 'config'], { env: cfgEnv, encoding: 'utf8' });
  assert.notEqual(tooLong.status, 0, 'a retry of 31 s or more is refused');
});

test('a bearer token\'s rate is counted once for both servers', { skip }, async () => {
  const c = new Client(a.url);
  await c.apiLogin('zongjian');
  const on = [new Client(a.url), new Client(b.url)];
  for (const x of on) x.bearer = c.bearer;
  let passed = 0, status = 200;
  const t0 = performance.now();
  for (let i = 0; i < 2 * PER_TOKEN && status === 200; i++) {
    status = (await on[i % 2].get('/api/v1/me')).status;
    if (status === 200) passed++;
  }
  const secs = (performance.now() - t0) / 1000;
  assert.equal(status, 429, 'refused before two servers\' worth');
  // the bucket holds a minute's allowance and refills per_minute / 60 a second meanwhile
  assert.ok(passed >= PER_TOKEN && passed <= PER_TOKEN + Math.ceil(secs * PER_TOKEN / 60) + 1,
    `${passed} requests passed over both servers in ${secs.toFixed(1)} s`);
  // the other server refuses the same token too
  assert.equal((await on[passed % 2 ? 0 : 1].get('/api/v1/me')).status, 429);
  assert.equal(psql(url, 'SELECT count(*) > 0 FROM http_rate'), 't');
});

// every message of the outbox sent, and each delivery key received once
async function drained(what) {
  let left = '1';
  for (let i = 0; i < 600 && left !== '0'; i++) {
    left = psql(url, "SELECT count(*) FROM notify_outbox WHERE state IN ('queued', 'retrying', 'sending')"
      + " AND channel_id = (SELECT id FROM notify_channels WHERE name = 'servers')");
    if (left !== '0') await sleep(200);
  }
  assert.equal(left, '0', `${what}: the outbox drained`);
  const seen = new Map();
  for (const w of rcv.got.webhook) seen.set(w.key, (seen.get(w.key) || 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], `${what}: no message reached the receiver twice`);
  const sent = new Set(psql(url, "SELECT o.idem_key FROM notify_outbox o JOIN notify_channels ch ON ch.id = o.channel_id"
    + " WHERE ch.name = 'servers' AND o.state = 'sent'").split('\n').filter(Boolean));
  assert.deepEqual([...seen.keys()].filter((k) => !sent.has(k)), [], `${what}: nothing the outbox does not hold as sent`);
  assert.deepEqual([...sent].filter((k) => !seen.has(k)), [], `${what}: every sent row reached the receiver`);
  return seen.size;
}

test('SIGKILL the leader: the other takes over within seconds; every message is delivered once', { skip, timeout: 300000 }, async () => {
  // reports through the follower: its requests queue the messages, the leader sends them
  const c = new Client(b.url);
  await c.apiLogin('yuangong');
  const meta = (await c.get('/api/v1/hazard-meta')).json;
  const ids = [];
  for (let n = 0; n < 3; n++) {
    const fd = new FormData();
    fd.append('area_id', String(meta.areas[n % meta.areas.length].id));
    fd.append('category_id', String(meta.categories[n % meta.categories.length].id));
    fd.append('description', `两台服务器测试 ${n}`);
    fd.append('photo', new Blob([png(16, 16, (x, y) => [x + n, y, n])], { type: 'image/png' }), 'p.png');
    const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  const first = await drained('while both run');
  assert.ok(first >= 3, `${first} messages delivered while both ran`);
  assert.match(a.log(), /leader: this server now runs/);

  // the deadlines of the reports pass on both servers' clocks; the leader's next round
  // would be a minute away, so its successor's first round is what finds them
  const later = (await serverNow(a)) + 40 * 86400;
  await setClock(a, later);
  await setClock(b, later);
  const before = holders();
  const t0 = performance.now();
  await a.kill();
  let led = false;
  while (!led && performance.now() - t0 < 60000) {
    led = await leader(b);
    if (!led) await sleep(100);
  }
  const took = (performance.now() - t0) / 1000;
  assert.ok(led, 'the second server took over within a minute');
  assert.ok(took < 10, `taken over in ${took.toFixed(1)} s with db.leader_retry = 1`);
  console.log(`# leader takeover after SIGKILL: ${took.toFixed(2)} s (db.leader_retry = 1)`);
  const after = holders();
  assert.equal(after.length, 1, 'one holder again');
  assert.notEqual(after[0], before[0], 'another backend');
  assert.match(await metrics(b), /^anquan_leader 1$/m);
  assert.match(b.log(), /leader: this server now runs/);

  // the new leader's scheduler finds the overdue reports and its sender delivers
  let overdue = 0;
  for (let i = 0; i < 600 && overdue < ids.length; i++) {
    overdue = Number(psql(url, `SELECT count(DISTINCT dedup_key) FROM notifications WHERE dedup_key LIKE 'hazard:%:overdue:%'
      AND (${ids.map((id) => `dedup_key LIKE 'hazard:${id}:%'`).join(' OR ')})`));
    if (overdue < ids.length) await sleep(200);
  }
  assert.equal(overdue, ids.length, 'each report was found overdue by the new leader');
  const total = await drained('after the takeover');
  assert.ok(total > first, `${total - first} reminders delivered after the takeover`);
  // more rounds find nothing new to send: each reminder once
  await tick(b);
  await tick(b);
  await sleep(500);
  assert.equal(await drained('after more rounds'), total);

  // each server's anchor file holds the heads of its own commits; verify passes on both
  for (const dir of [a.dir, bDir]) {
    const v = spawnSync(BIN, ['audit', 'verify'], {
      env: { ...process.env, ANQUAN_DATA: dir, ANQUAN_DB_URL: url,
        ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') },
      encoding: 'utf8',
    });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^OK: \d+ entries, chain intact; anchored head \d+/);
  }
});

test('two servers migrating one new database at once: each migration applied once, both succeed', { skip, timeout: 300000 }, async () => {
  const name = `${basename(url)}_two`;
  psql(admin, `CREATE DATABASE ${name}`);
  const target = admin.replace(/\/[^/]*$/, `/${name}`);
  const dirs = [mkdtempSync(join(tmpdir(), 'anquan-mig-')), mkdtempSync(join(tmpdir(), 'anquan-mig-'))];
  // the same audit key on both, as the servers of a group have
  for (const d of dirs) copyFileSync(join(bDir, 'audit.key'), join(d, 'audit.key'));
  try {
    const run = (d) => new Promise((resolve) => {
      const p = spawn(BIN, ['migrate'], { env: { ...process.env, ANQUAN_DATA: d, ANQUAN_DB_URL: target,
        ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') } });
      let out = '';
      p.stdout.on('data', (x) => { out += x; });
      p.stderr.on('data', (x) => { out += x; });
      p.on('exit', (code) => resolve({ code, out }));
    });
    const [r1, r2] = await Promise.all(dirs.map(run));
    assert.equal(r1.code, 0, r1.out);
    assert.equal(r2.code, 0, r2.out);
    assert.equal(psql(target, 'SELECT count(*) = count(DISTINCT version) AND count(*) > 50 FROM schema_migrations'), 't');
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
