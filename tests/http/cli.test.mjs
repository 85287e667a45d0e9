// tests/http/cli.test.mjs — the sub-commands an operator types: help, migrate, config
// precedence and validation, demo, user add, backup while serving, audit verify (and the
// attacks on the audit log by someone who can edit the database but not the key).
// Each runs the sanitizer build directly with a temporary data directory, on the database of
// the tests' backend (SQLite's DATA/anquan.db, or a PostgreSQL database per data directory
// under ANQUAN_TEST_PG=1); the copy of a live SQLite file by `anquan backup` is SQLite's own and
// skips on PostgreSQL (pg_dump and base backups there: docs/operations.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN, DEMO_PASSWORD, dbEnv, runSql } from './lib.mjs';

const dirs = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'anquan-cli-'));
  dirs.push(d);
  return d;
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const PG = process.env.ANQUAN_TEST_PG === '1';

function env(dir, extra = {}) {
  const e = { ...process.env, ANQUAN_DATA: dir, ANQUAN_TEST_MODE: '1', ANQUAN_DEMO_PASSWORD: DEMO_PASSWORD, ...dbEnv(dir), ...extra };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

// Run `anquan ARGS`; returns {code, out, err}. Fails on any sanitizer report.
function run(dir, args, extra = {}) {
  const r = spawnSync(BIN, args, { env: env(dir, extra), encoding: 'utf8' });
  const err = r.stderr || '';
  assert.doesNotMatch(err, /AddressSanitizer|LeakSanitizer|runtime error:/, `sanitizer report from ${args.join(' ')}`);
  return { code: r.status, out: r.stdout || '', err };
}

// The same, without blocking the event loop (so a server in this process keeps answering).
function runAsync(dir, args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { env: env(dir) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

// SQL on the database of data directory DIR (lib.mjs: the sqlite3 CLI or psql)
const sql = (dir, q) => runSql(dir, q);

// The rows of QUERY as objects, in its order: the sqlite3 CLI's -json, PostgreSQL's json_agg.
function sqlJson(dir, query) {
  if (!PG)
    return JSON.parse(execFileSync('sqlite3', ['-json', join(dir, 'anquan.db'), query]).toString() || '[]');
  return JSON.parse(runSql(dir, `SELECT COALESCE(json_agg(r), '[]') FROM (${query}) r`));
}

// Whether table NAME exists, in either catalogue.
const hasTable = (dir, name) => sql(dir, PG ? `SELECT count(*) FROM pg_tables WHERE tablename = '${name}'`
  : `SELECT count(*) FROM sqlite_master WHERE name = '${name}'`) === '1';

test('--help for the program and every sub-command exits 0 and prints usage', () => {
  const dir = tempDir();
  const top = run(dir, ['--help']);
  assert.equal(top.code, 0);
  assert.match(top.out, /^usage: anquan/);
  const commands = [...top.out.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
  assert.ok(commands.length >= 8, `commands listed: ${commands}`);
  for (const cmd of ['serve', 'migrate', 'demo', 'user', 'backup', 'audit', 'config', 'routes'])
    assert.ok(commands.includes(cmd), `${cmd} is listed`);
  for (const cmd of commands) {
    const r = run(dir, [cmd, '--help']);
    assert.equal(r.code, 0, `${cmd} --help`);
    assert.match(r.out, new RegExp(`^usage: anquan ${cmd}`), `${cmd} --help prints its usage`);
  }
  const none = run(dir, []);
  assert.equal(none.code, 2, 'no command is a usage error');
  const unknown = run(dir, ['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
});

test('migrate twice is idempotent', () => {
  const dir = tempDir();
  const a = run(dir, ['migrate']);
  assert.equal(a.code, 0, a.err);
  const before = sql(dir, 'SELECT version FROM schema_migrations ORDER BY version');
  const roles = sql(dir, 'SELECT count(*) FROM roles');
  const b = run(dir, ['migrate']);
  assert.equal(b.code, 0, b.err);
  assert.equal(b.out, a.out, 'the same version both times');
  assert.equal(sql(dir, 'SELECT version FROM schema_migrations ORDER BY version'), before);
  assert.equal(sql(dir, 'SELECT count(*) FROM roles'), roles, 'seed rows not inserted twice');
  assert.equal(roles, '12');	// eleven (0002) and the security administrator (0003)
});

test('config: file, then ANQUAN_* environment, then --key=value flag; bad keys and values are refused by name', () => {
  const dir = tempDir();
  const line = (out, key) => out.split('\n').find((l) => l.startsWith(`${key} `));
  const dflt = run(dir, ['config']);
  assert.equal(dflt.code, 0);
  assert.match(line(dflt.out, 'session.idle'), /= 1800 .*# default, env ANQUAN_SESSION_IDLE/);
  writeFileSync(join(dir, 'anquan.conf'), '# test\nsession.idle = 600\nauth.lockout_attempts = 7\n');
  const file = run(dir, ['config']);
  assert.match(line(file.out, 'session.idle'), /= 600 .*# .*anquan\.conf/);
  assert.match(line(file.out, 'auth.lockout_attempts'), /= 7 /);
  const envd = run(dir, ['config'], { ANQUAN_SESSION_IDLE: '700' });
  assert.match(line(envd.out, 'session.idle'), /= 700 .*# environment/);
  assert.match(line(envd.out, 'auth.lockout_attempts'), /= 7 /, 'other file values stay');
  const flag = run(dir, ['--session.idle=800', 'config'], { ANQUAN_SESSION_IDLE: '700' });
  assert.match(line(flag.out, 'session.idle'), /= 800 .*# flag/);

  const unknownFlag = run(dir, ['--no.such.key=1', 'config']);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.err, /no\.such\.key/);
  const range = run(dir, ['--http.threads=1000', 'config']);
  assert.equal(range.code, 2);
  assert.match(range.err, /http\.threads/);
  const envRange = run(dir, ['config'], { ANQUAN_SESSION_IDLE: '5' });
  assert.equal(envRange.code, 2);
  assert.match(envRange.err, /session\.idle.*environment/);
  const notNumber = run(dir, ['--auth.lockout_seconds=ten', 'config']);
  assert.equal(notNumber.code, 2);
  assert.match(notNumber.err, /auth\.lockout_seconds/);
  const sync = run(dir, ['--db.synchronous=SOMETIMES', 'config']);
  assert.equal(sync.code, 2, 'db.synchronous takes FULL or NORMAL only');
  assert.match(sync.err, /db\.synchronous/);
  assert.match(line(run(dir, ['--db.synchronous=NORMAL', 'config']).out, 'db.synchronous'), /= NORMAL /);
  writeFileSync(join(dir, 'anquan.conf'), 'sesion.idle = 600\n');
  const typo = run(dir, ['config']);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /sesion\.idle/);
});

test('demo loads once and refuses a second time', () => {
  const dir = tempDir();
  const a = run(dir, ['demo']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /admin/);
  const users = sql(dir, 'SELECT count(*) FROM users');
  const b = run(dir, ['demo']);
  assert.equal(b.code, 1);
  assert.match(b.err, /already has users/);
  assert.equal(sql(dir, 'SELECT count(*) FROM users'), users, 'nothing added');
});

test('user add: weak password refused, strong accepted, and the new user must change it first', async (t) => {
  const dir = tempDir();
  assert.equal(run(dir, ['demo']).code, 0);
  const unit = sql(dir, "SELECT id FROM units WHERE name = '合成一车间甲班'");
  for (const weak of ['Short-1', 'alllowercase1', 'NODIGITSORLOWER']) {
    const r = run(dir, ['user', 'add', 'xinyuan', '新员工', unit, 'worker', weak]);
    assert.equal(r.code, 1, weak);
    assert.match(r.err, /password rejected/);
  }
  assert.equal(sql(dir, "SELECT count(*) FROM users WHERE username = 'xinyuan'"), '0');
  const ok = run(dir, ['user', 'add', 'xinyuan', '新员工', unit, 'worker', 'Strong-Pass-42']);
  assert.equal(ok.code, 0, ok.err);
  const dup = run(dir, ['user', 'add', 'xinyuan', '重名', unit, 'worker', 'Strong-Pass-42']);
  assert.equal(dup.code, 1, 'a taken name is refused');

  const srv = await startServer({ dir, demo: false });
  try {
    const c = srv.client();
    const login = await c.postJson('/api/v1/auth/login', { username: 'xinyuan', password: 'Strong-Pass-42' });
    assert.equal(login.status, 200);
    assert.equal(login.json.must_change_password, true);
    c.bearer = login.json.token;
    const inbox = await c.get('/api/v1/inbox');
    assert.equal(inbox.status, 403);
    assert.equal(inbox.json.error.code, 'password_change_required');
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200, '/me is allowed to show why');
    assert.equal(me.json.must_change_password, true);
    const page = srv.client();
    await page.login('xinyuan', 'Strong-Pass-42');
    const home = await page.get('/');
    assert.equal(home.status, 303);
    assert.equal(home.location, '/password');
    const changed = await c.postJson('/api/v1/auth/password', { current: 'Strong-Pass-42', new: 'Changed-Pass-43' });
    assert.equal(changed.status, 200);
    assert.equal((await c.get('/api/v1/inbox')).status, 200, 'in after the change');

    await t.test('backup while this server is serving and writing', async (st) => {
      if (PG) return st.skip('SQLite file operation: anquan backup copies DATA/anquan.db');
      const dest = join(dir, 'backup.db');
      const writes = Array.from({ length: 4 }, () => srv.client().postJson('/api/v1/auth/login', { username: 'anhuan', password: DEMO_PASSWORD }));
      const [b] = await Promise.all([runAsync(dir, ['backup', dest]), ...writes]);
      assert.equal(b.code, 0, b.err);
      const file = (q) => execFileSync('sqlite3', [dest, q]).toString().trim();
      assert.equal(file('PRAGMA integrity_check'), 'ok');
      assert.equal(file("SELECT count(*) FROM users WHERE username = 'xinyuan'"), '1');
      assert.equal(file('SELECT count(*) FROM roles'), '12');
    });
  } finally {
    const { code } = await srv.stop();
    assert.equal(code, 0);
  }
});

// 等保 2.0 三权分立: the web pages never make a security or audit administrator, so the first
// of each is made here, on the server; one person is never two of the three.
test('user add --role: the security and audit administrators come from the command line, never two in one person', async () => {
  const dir = tempDir();
  assert.equal(run(dir, ['migrate']).code, 0);
  assert.equal(run(dir, ['unit', 'add', '测试公司', 'company']).code, 0);
  const unit = sql(dir, "SELECT id FROM units WHERE name = '测试公司'");
  for (const roles of [['sysadmin', 'auditor'], ['secadmin', 'auditor'], ['sysadmin', 'secadmin'], ['auditor', 'worker']]) {
    const r = run(dir, ['user', 'add', ...roles.flatMap((x) => ['--role', x]), 'two', '两类', unit, 'Strong-Pass-42']);
    assert.equal(r.code, 1, roles.join('+'));
    assert.match(r.err, /separation of duties/);
  }
  assert.equal(sql(dir, "SELECT count(*) FROM users WHERE username = 'two'"), '0', 'nothing stored');
  assert.equal(run(dir, ['user', 'add', 'two', '两类', unit, 'sysadmin,auditor', 'Strong-Pass-42']).code, 1, 'the positional form too');
  assert.equal(run(dir, ['user', 'add', '--role', 'auditor', 'x', 'y', unit, 'ROLES', 'Strong-Pass-42']).code, 2, 'roles given twice');
  for (const [user, role] of [['sec', 'secadmin'], ['aud', 'auditor'], ['sys', 'sysadmin']]) {
    const r = run(dir, ['user', 'add', '--role', role, user, '管理员', unit, 'Strong-Pass-42']);
    assert.equal(r.code, 0, r.err);
  }
  assert.equal(sql(dir, "SELECT summary FROM audit_log WHERE action = 'create' AND summary LIKE 'aud;%'"), 'aud; roles: auditor');
  const srv = await startServer({ dir, demo: false });
  try {
    const signIn = async (user) => {
      const c = srv.client();
      const login = await c.postJson('/api/v1/auth/login', { username: user, password: 'Strong-Pass-42' });
      c.bearer = login.json.token;
      assert.equal((await c.postJson('/api/v1/auth/password', { current: 'Strong-Pass-42', new: 'Changed-Pass-43' })).status, 200);
      return c;
    };
    const aud = await signIn('aud'), sec = await signIn('sec'), sys = await signIn('sys');
    assert.equal((await aud.get('/api/v1/audit')).status, 200, 'the audit administrator reads the log');
    assert.equal((await sec.get('/api/v1/audit')).status, 403);
    assert.equal((await sys.get('/api/v1/audit')).status, 403);
    // the system administrator cannot reset either of the other two
    const audId = (await sys.get('/api/v1/users?q=aud')).json.items.find((u) => u.username === 'aud').id;
    assert.equal((await sys.postJson(`/api/v1/users/${audId}/deactivate`, {})).status, 403);
  } finally {
    const { code } = await srv.stop();
    assert.equal(code, 0);
  }
});

test('audit verify passes on a fresh demo database and names the entry edited afterwards', () => {
  const dir = tempDir();
  assert.equal(run(dir, ['demo']).code, 0);
  const fresh = run(dir, ['audit', 'verify']);
  assert.equal(fresh.code, 0, fresh.out + fresh.err);
  const n = Number(/^OK: (\d+) entries/.exec(fresh.out)[1]);	// the demo loaders' entries
  assert.ok(n >= 1);
  // two more entries, so that the edited one is in the middle of the chain
  assert.equal(run(dir, ['user', 'passwd', 'yuangong', 'Reset-Pass-1']).code, 0);
  assert.equal(run(dir, ['user', 'passwd', 'banzhang', 'Reset-Pass-2']).code, 0);
  assert.match(run(dir, ['audit', 'verify']).out, new RegExp(`^OK: ${n + 2} entries`));
  sql(dir, `UPDATE audit_log SET summary = 'nothing happened' WHERE id = ${n + 1}`);
  const broken = run(dir, ['audit', 'verify']);
  assert.equal(broken.code, 1);
  assert.match(broken.out, new RegExp(`BROKEN at entry ${n + 1}\\b`));
  assert.match(broken.out, /changed/);
});

test('a new installation: first unit and administrator from the command line, then sign-in', async () => {
  const dir = tempDir();
  const bad = run(dir, ['unit', 'add', '某化工', 'factory']);
  assert.equal(bad.code, 2, 'an unknown kind is refused');
  const unit = run(dir, ['unit', 'add', '某某化工有限公司', 'company']);
  assert.equal(unit.code, 0, unit.err);
  const id = /^unit (\d+):/.exec(unit.out)[1];
  const team = run(dir, ['unit', 'add', '一班', 'team', '999']);
  assert.equal(team.code, 1, 'an unknown parent is refused');
  assert.match(run(dir, ['unit', 'list']).out, /某某化工有限公司/);
  assert.equal(run(dir, ['user', 'add', 'admin', '管理员', id, 'sysadmin', 'First-Admin-1']).code, 0);
  const srv = await startServer({ dir, demo: false });
  try {
    const c = srv.client();
    const r = await c.postJson('/api/v1/auth/login', { username: 'admin', password: 'First-Admin-1' });
    assert.equal(r.status, 200);
    assert.equal(r.json.must_change_password, true);
  } finally {
    await srv.stop();
  }
  // unit created, user created, signed in
  assert.match(run(dir, ['audit', 'verify']).out, /^OK: 3 entries/);
});

// Someone who can edit the database (anquan.db, or PostgreSQL's tables) but not
// DATA/audit.key: the three ways a plain SHA-256 chain verified as intact. Each must be
// reported, with a non-zero exit.
function auditDb() {
  const dir = tempDir();
  assert.equal(run(dir, ['demo']).code, 0);
  for (const [u, p] of [['yuangong', 'Reset-Pass-1'], ['banzhang', 'Reset-Pass-2'], ['shebei', 'Reset-Pass-3']])
    assert.equal(run(dir, ['user', 'passwd', u, p]).code, 0);
  const ok = run(dir, ['audit', 'verify']);
  assert.equal(ok.code, 0, ok.out + ok.err);
  const n = Number(/^OK: (\d+) entries/.exec(ok.out)[1]);
  return { dir, n };
}

test('audit verify: the newest entries deleted is a truncation', () => {
  const { dir, n } = auditDb();
  sql(dir, `DELETE FROM audit_log WHERE id > ${n - 2}`);
  const r = run(dir, ['audit', 'verify']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, new RegExp(`^TRUNCATED: the log ends at entry ${n - 2}, but .*audit\\.anchor records entry ${n}\\b`));
});

test('audit verify: an emptied table is reported', () => {
  const { dir, n } = auditDb();
  sql(dir, 'DELETE FROM audit_log');
  const r = run(dir, ['audit', 'verify']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, new RegExp(`^EMPTIED: .* records ${n}: the table was emptied`));
});

test('audit verify: an entry edited and the chain recomputed with plain SHA-256 is reported', () => {
  const { dir, n } = auditDb();
  const edit = n - 1;
  // the forger's tool: the canonical form of audit.c, hashed as the old chain was
  const rows = sqlJson(dir,
    'SELECT id, at, COALESCE(user_id, 0) AS uid, username, client_ip, entity, entity_id, action, summary, prev_hash, hash FROM audit_log ORDER BY id');
  let prev = rows[edit - 2].hash;
  const updates = [];
  for (const r of rows.slice(edit - 1)) {
    if (r.id === edit) r.summary = 'nothing happened';
    const canon = JSON.stringify([r.id, r.at, r.uid, r.username, r.client_ip, r.entity, r.entity_id, r.action, r.summary]);
    const h = createHash('sha256').update(prev + canon).digest('hex');
    updates.push(`UPDATE audit_log SET summary = '${r.summary.replaceAll("'", "''")}', prev_hash = '${prev}', hash = '${h}' WHERE id = ${r.id};`);
    prev = h;
  }
  sql(dir, updates.join('\n'));
  const r = run(dir, ['audit', 'verify']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, new RegExp(`^BROKEN at entry ${edit}: the entry's content was changed`));
  // moving the switch-over row so that the rows count as plain SHA-256 does not help
  if (hasTable(dir, 'audit_chain')) {
    sql(dir, 'UPDATE audit_chain SET keyed_from = 1000000');
    let p = '0'.repeat(64);
    const all = [];
    for (const row of rows) {
      const canon = JSON.stringify([row.id, row.at, row.uid, row.username, row.client_ip, row.entity, row.entity_id, row.action, row.summary]);
      const h = createHash('sha256').update(p + canon).digest('hex');
      all.push(`UPDATE audit_log SET prev_hash = '${p}', hash = '${h}' WHERE id = ${row.id};`);
      p = h;
    }
    sql(dir, all.join('\n'));
    const again = run(dir, ['audit', 'verify']);
    assert.equal(again.code, 1, again.out);
    assert.match(again.out, new RegExp(`^REWRITTEN at entry ${n}\\b`));
  }
});

test('a database chained with plain SHA-256 before the key keeps verifying, keyed after the switch-over', () => {
  const { dir, n } = auditDb();
  // make it look like a database of the previous version: plain SHA-256, no key, no anchor
  const rows = sqlJson(dir,
    'SELECT id, at, COALESCE(user_id, 0) AS uid, username, client_ip, entity, entity_id, action, summary FROM audit_log ORDER BY id');
  let p = '0'.repeat(64);
  const all = ['DELETE FROM audit_chain;'];
  for (const row of rows) {
    const canon = JSON.stringify([row.id, row.at, row.uid, row.username, row.client_ip, row.entity, row.entity_id, row.action, row.summary]);
    const h = createHash('sha256').update(p + canon).digest('hex');
    all.push(`UPDATE audit_log SET prev_hash = '${p}', hash = '${h}' WHERE id = ${row.id};`);
    p = h;
  }
  sql(dir, all.join('\n'));
  rmSync(join(dir, 'audit.key'));
  rmSync(join(dir, 'audit.anchor'));
  assert.match(run(dir, ['audit', 'verify']).out, new RegExp(`^OK: ${n} entries`));
  assert.equal(run(dir, ['user', 'passwd', 'yuangong', 'Reset-Pass-9']).code, 0);	// first keyed entry
  assert.equal(sql(dir, 'SELECT keyed_from FROM audit_chain'), String(n + 1));
  assert.match(run(dir, ['audit', 'verify']).out, new RegExp(`^OK: ${n + 1} entries, chain intact; anchored head ${n + 1}`));
  sql(dir, `DELETE FROM audit_log WHERE id = ${n + 1}`);
  assert.match(run(dir, ['audit', 'verify']).out, /^TRUNCATED/);
});

test('a missing audit.key is not silently replaced when the log was chained with one', () => {
  const { dir } = auditDb();
  rmSync(join(dir, 'audit.key'));
  const r = run(dir, ['user', 'passwd', 'yuangong', 'Reset-Pass-7']);
  assert.equal(r.code, 1);
  assert.match(r.err, /audit\.key was missing; the audit log was chained with key [0-9a-f]{16}/);
  assert.equal(existsSync(join(dir, 'audit.key')), false, 'no new key left behind');
  const v = run(dir, ['audit', 'verify']);
  assert.equal(v.code, 1);
  assert.match(v.out, /no audit key is loaded/);
});
