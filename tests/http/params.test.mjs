// tests/http/params.test.mjs — every route in the router's table, called by a role allowed to
// call it, with malformed values in each path parameter and in each query parameter its
// handler reads: each answer is a 4xx (never a 5xx, a crash, or a bad number silently taken
// for its default) and the server still answers /healthz. The sanitizer build runs it, and
// stop() fails the test on any sanitizer report in the server's log.
//
// Which query parameters a handler reads is asked of the server, not listed here: in test
// mode a request carrying "X-Params-Read: 1" gets back the names the handler asked for
// (router.c), so a parameter added tomorrow is tested tomorrow. Each route is called once
// normally to learn them; parameters first read on a malformed call are learnt and tested too.
//
// GET routes get malformed path and query parameters; routes that change state (POST, PATCH,
// DELETE) get malformed path parameters only, with an empty body, so nothing can be stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, BIN, DEMO_PASSWORD, runSql, blobLiteral } from './lib.mjs';

const matrix = JSON.parse(readFileSync(new URL('./access-matrix.json', import.meta.url)));
const routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { env: { ...process.env, ANQUAN_DATA: '/nonexistent' } }));

// The default roles and their demo users, broadest first: each route is called as the first
// role the access matrix lets through, so the handler gets past its own scope checks.
const ROLES = {
  safety_director: 'zongjian', sysadmin: 'admin', safety_dept: 'anhuan', principal: 'zhuren',
  equip_manager: 'shebei', hr: 'renshi', auditor: 'auditor', ws_director: 'ws1zhuren',
  ws_safety: 'ws1anquan', team_leader: 'banzhang', worker: 'yuangong', secadmin: 'anquan',
};
// What each role holds, as the server resolves it at sign-in (several migrations shape the
// default roles): filled in before() from /api/v1/me.
const rolePerms = {};

function allowed(spec, role) {
  if (spec === 'public' || spec === 'login') return true;
  if (Array.isArray(spec)) return spec.includes(role);
  if (spec.startsWith('perm:')) return (rolePerms[role] || []).includes(spec.slice(5));
  throw new Error(`bad matrix entry ${spec}`);
}

// The malformed values, already percent-encoded as they go into the URL.
const BAD = {
  letters: 'abc',
  'minus one': '-1',
  zero: '0',
  '2^63': '9223372036854775808',
  empty: '',
  '10 KB': '9'.repeat(10 * 1024),
  'invalid UTF-8': '%C3%28%FF',
  NUL: '1%00',
};

// Query parameters for which some malformed value is legitimately valid, with the reason.
// Everything not listed here must answer 4xx for every value above. An empty query value is
// what an HTML GET form sends for a filter left unset, so it means "not given" everywhere.
const TEXT = ['letters', 'minus one', 'zero', '2^63'];
const SWITCH = { values: ['zero'], why: 'a yes/no switch: 0 is "no"' };
const EXCEPT = {
  '*': { values: ['empty'], why: 'an empty value is an unset filter field of a GET form' },
  q: { values: TEXT, why: 'a free-text search: any words, digits included, may be searched for' },
  entity: { values: TEXT, why: 'the audit filters are typed into text boxes and matched exactly' },
  username: { values: TEXT, why: 'the audit filters are typed into text boxes and matched exactly' },
  action: { values: TEXT, why: 'the audit filters are typed into text boxes and matched exactly' },
  next: { values: TEXT, why: 'where to go after signing in: anything but a local path becomes "/"' },
  v: { values: TEXT, why: 'a static asset\'s cache-busting version: an old one gets the asset with a short cache' },
  mine: SWITCH, overdue: SWITCH, repeat: SWITCH, all: SWITCH, created: SWITCH, thumb: SWITCH,
  inactive: SWITCH, unsigned: SWITCH, todo: SWITCH, closed: SWITCH,
  active: { values: ['zero'], why: 'the user lists\' status filter: 0 lists deactivated accounts' },
  days: { values: ['zero'], why: 'certificates expiring within 0 days: those expiring today' },
};

// Valid values for path parameters that are not numeric ids, read from the demo database.
function sql(q) {
  return runSql(srv.dir, q);
}

let srv;
const tokens = {};
before(async () => {
  srv = await startServer();
  for (const [role, user] of Object.entries(ROLES)) {
    const r = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
    });
    assert.equal(r.status, 200, `login ${user}`);
    tokens[role] = (await r.json()).token;
    const me = await fetch(`${srv.url}/api/v1/me`, { headers: { Authorization: `Bearer ${tokens[role]}` } });
    rolePerms[role] = (await me.json()).permissions;
  }
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// Routes only a record's owner may call: the role of the demo user who owns the record.
const OWNER = { 'GET /permits/:id/edit': 'team_leader', 'GET /checks/records/:id/photos/:sha': 'safety_dept',
  'GET /checks/records/:id/voice/:sha': 'safety_dept',
  'GET /contractors/ratings/:permit': 'ws_safety',	// the closed demo permit's guardian
  'GET /health-tasks/:id': 'equip_manager', 'GET /api/v1/feeds/health-tasks/:id': 'equip_manager' };	// a device's preventive task

function roleFor(rt) {
  const spec = matrix[`${rt.method} ${rt.pattern}`];
  if (spec === undefined) throw new Error(`no access-matrix entry for ${rt.method} ${rt.pattern}`);
  if (spec === 'public') return null;
  if (OWNER[`${rt.method} ${rt.pattern}`]) return OWNER[`${rt.method} ${rt.pattern}`];
  const role = Object.keys(ROLES).find((r) => allowed(spec, r));
  if (!role) throw new Error(`no role in ROLES may call ${rt.method} ${rt.pattern}: add one with its demo user`);
  return role;
}

// Valid path parameters for the normal call: "1" unless named here. Unit 1 is the group, above
// the company-wide scope of every default role, so unit routes take the company (2).
let goodPath;
function good(rt, name) {
  if (name === 'id' && /\/units\//.test(rt.pattern)) return '2';
  if (name === 'id' && rt.pattern === '/permits/:id/edit') return goodPath.draft;	// banzhang's demo draft
  if (rt.pattern === '/checks/records/:id/photos/:sha') return name === 'id' ? goodPath.check_record : goodPath.sha;
  if (rt.pattern === '/voice/:sha') return goodPath.voice;
  if (rt.pattern === '/checks/records/:id/voice/:sha') return name === 'id' ? goodPath.check_record : goodPath.voice;
  if (rt.pattern === '/api/v1/emerg/incidents/:id/mode') return goodPath.incident_mode;	// the demo's incident in emergency mode
  if (rt.pattern === '/icons/:name') return '192.png';
  return goodPath[name] ?? '1';
}
function pathWith(rt, name, value) {
  const path = rt.pattern.replace(/:(\w+)/g, (_, n) => (n === name ? value : good(rt, n)));
  return path + (BASE_QUERY[`${rt.method} ${rt.pattern}`] || '');
}
// The query a route cannot be called without (each such parameter is tested like the others).
const BASE_QUERY = {
  'GET /api/v1/persons/:id/may': '?operation=hot_work',
  'GET /api/v1/permits/calendar': '?month=2026-11',
  'GET /duties/eval/:user/records': '?item=1',	// the demo's first duty (车间主任, checks)
  'GET /api/v1/duty/eval/:user/records': '?item=1',
};

async function call(rt, role, path) {
  const headers = { 'X-Params-Read': '1' };
  if (role) headers.Authorization = `Bearer ${tokens[role]}`;
  try {
    const r = await fetch(srv.url + path, { method: rt.method, headers, redirect: 'manual' });
    const text = await r.text();
    const read = (r.headers.get('x-params-read') || '').split(',').map((s) => s.trim()).filter(Boolean);
    return { status: r.status, read, text, type: r.headers.get('content-type') || '' };
  } catch (e) {
    return { status: 0, read: [], error: String(e.cause?.code || e.message) };
  }
}

// A 400 or 422 names the parameter: the API's error.field, or the error page's field line
// (or, on a filter form shown again, the message beside that input).
function namesField(res, name) {
  if (res.type.startsWith('application/json')) {
    try { return JSON.parse(res.text).error?.field === name; } catch { return false; }
  }
  return res.text.includes(`<code>${name}</code>`) || res.text.includes(`id="err-${name}"`);
}

async function healthy() {
  try {
    return (await fetch(`${srv.url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

// Run `jobs` (functions returning promises) a few at a time; after each batch /healthz must
// still answer, else the batch that killed the server is named and the rest are skipped.
async function inBatches(jobs, size, label, problems) {
  for (let i = 0; i < jobs.length; i += size) {
    const batch = jobs.slice(i, i + size);
    const names = await Promise.all(batch.map((j) => j()));
    if (!(await healthy())) {
      problems.push(`server stopped answering /healthz after: ${names.join('; ')}`);
      throw new Error(`${label}: the server died\n${problems.join('\n')}\n${srv.log().slice(-4000)}`);
    }
  }
}

const learnt = new Map();	// "METHOD pattern" → Set of query parameter names
const CONCURRENCY = 4;

test('every GET route answers its normal call, and says which query parameters it reads', async () => {
  goodPath = {
    name: 'app.css',
    sha: sql('SELECT sha256 FROM hazard_photos LIMIT 1'),
    token: sql('SELECT qr_token FROM areas WHERE qr_token IS NOT NULL LIMIT 1'),
    qr_token: sql('SELECT qr_token FROM areas WHERE qr_token IS NOT NULL LIMIT 1'),
    point_token: sql('SELECT token FROM check_points WHERE active = 1 LIMIT 1'),
    checkin: sql('SELECT token FROM emerg_drills LIMIT 1'),
    draft: sql("SELECT p.id FROM permits p JOIN users u ON u.id = p.applicant_id WHERE p.state = 'draft' AND u.username = 'banzhang' LIMIT 1"),
    meeting_token: sql('SELECT token FROM duty_meetings LIMIT 1'),
    user: sql("SELECT id FROM users WHERE username = 'ws1zhuren'"),	// a person with a duty list
    permit: sql("SELECT id FROM permits WHERE state = 'closed' LIMIT 1"),	// the guardian scores it
    incident_mode: sql('SELECT incident_id FROM emerg_drills WHERE incident_id IS NOT NULL LIMIT 1'),
  };
  // a photo on a demo check result, so that /checks/records/:id/photos/:sha has one to serve
  // (the first by its key, record and item: both databases have that, only SQLite a rowid)
  const first = "(record_id, item_id) = (SELECT record_id, item_id FROM check_results ORDER BY record_id, item_id LIMIT 1)";
  sql(`UPDATE check_results SET photo_sha = '${goodPath.sha}' WHERE ${first}`);
  goodPath.check_record = sql(`SELECT record_id FROM check_results WHERE ${first}`);
  // a voice note on the hazard of that photo, so that /voice/:sha has one to serve
  goodPath.voice = 'a'.repeat(64);
  sql(`INSERT INTO blobs (sha256, mime, bytes, created_at) VALUES ('${goodPath.voice}', 'audio/webm', ${blobLiteral('1A45DFA3')}, 0)`);
  sql(`INSERT INTO hazard_voice (hazard_id, sha256) SELECT hazard_id, '${goodPath.voice}' FROM hazard_photos WHERE sha256 = '${goodPath.sha}' LIMIT 1`);
  // and on that check record, for /checks/records/:id/voice/:sha
  sql(`INSERT INTO check_voice (record_id, sha256, user_id, at) SELECT id, '${goodPath.voice}', user_id, 0 FROM check_records WHERE id = ${goodPath.check_record}`);
  // a batch in the provincial upload's log, so that /admin/province/log/:id has one to show
  sql("INSERT INTO province_batches (id, type, origin, state, started_at) VALUES (1, 'objects', 'button', 'local', 0)");
  // a preventive task of the health score, so that /health-tasks/1 has one to show
  sql('INSERT INTO feeds_health_tasks (id, equipment_id, score, opened_at) SELECT 1, min(id), 30, 0 FROM equipment');
  // a scanned image for certificate 1, so that /certs/1/image has something to answer with
  sql(`UPDATE certs SET image = ${blobLiteral('FFD8FFE000104A464946')}, image_type = 'image/jpeg' WHERE id = 1`);
  // a material for training course 1, so that /train/materials/1 has a file to serve (named by
  // the SHA-256 of its bytes, "%PDF-1.4", as the blob store checks)
  const pdf = 'e16fa5d9b51928755db85b917f0297babaf22c7a47e97d9212adab56e61ba04e';
  sql(`INSERT INTO blobs (sha256, mime, bytes, created_at) VALUES ('${pdf}', 'application/pdf', ${blobLiteral('255044462D312E34')}, 0);`
    + " INSERT INTO train_materials (id, course_id, sha256, kind, mime, title, size, created_at)"
    + ` VALUES (1, 1, '${pdf}', 'pdf', 'application/pdf', 'p', 8, 0)`);
  // the sign-in link of the demo's class running now (its code changes every minute)
  const hr = await fetch(`${srv.url}/api/v1/train/classes/1`, { headers: { Authorization: `Bearer ${tokens.hr}` } });
  BASE_QUERY['GET /train/signin/:id'] = new URL((await hr.json()).signin_url, srv.url).search;
  const bad = [];
  for (const rt of routes.filter((r) => r.method === 'GET')) {
    const res = await call(rt, roleFor(rt), pathWith(rt));
    learnt.set(`${rt.method} ${rt.pattern}`, new Set(res.read));
    if (res.status >= 400 || res.status === 0) bad.push(`${rt.method} ${rt.pattern}: ${res.status}`);
  }
  assert.deepEqual(bad, [], 'the normal call failed, so malformed values would prove nothing');
  assert.ok([...learnt.values()].some((s) => s.size), 'no route reported a query parameter');
});

test('malformed path parameters answer 4xx on every route, and the server stays up', async () => {
  const problems = [];
  const jobs = [];
  for (const rt of routes) {
    const role = roleFor(rt);
    for (const [, name] of rt.pattern.matchAll(/:(\w+)/g)) {
      for (const [label, value] of Object.entries(BAD)) {
        jobs.push(async () => {
          const what = `${rt.method} ${rt.pattern} :${name}=${label}`;
          const res = await call(rt, role, pathWith(rt, name, value));
          if (!(res.status >= 400 && res.status < 500)) problems.push(`${what}: ${res.status || res.error}`);
          return what;
        });
      }
    }
  }
  await inBatches(jobs, CONCURRENCY, 'path parameters', problems);
  assert.deepEqual(problems, []);
});

test('malformed query parameters answer 4xx on every GET route, and the server stays up', async (t) => {
  const problems = [];
  const done = new Set();
  let tested = 0;
  for (;;) {
    const jobs = [];
    for (const rt of routes.filter((r) => r.method === 'GET')) {
      const key = `${rt.method} ${rt.pattern}`;
      const role = roleFor(rt);
      for (const name of learnt.get(key) || []) {
        if (done.has(`${key} ${name}`)) continue;
        done.add(`${key} ${name}`);
        const ok = new Set([...(EXCEPT['*'].values), ...(EXCEPT[name]?.values || [])]);
        for (const [label, value] of Object.entries(BAD)) {
          jobs.push(async () => {
            const what = `${key} ?${name}=${label}`;
            const base = new URL(pathWith(rt), srv.url);
            base.searchParams.delete(name);
            const path = `${base.pathname}?${base.searchParams}${base.search ? '&' : ''}${encodeURIComponent(name)}=${value}`;
            const res = await call(rt, role, path);
            for (const p of res.read) learnt.get(key).add(p);	// read only on this path
            const good = (res.status >= 400 && res.status < 500) || (ok.has(label) && res.status < 400 && res.status > 0);
            if (!good) problems.push(`${what}: ${res.status || res.error}`);
            else if ((res.status === 400 || res.status === 422) && !namesField(res, name)) {
              problems.push(`${what}: ${res.status} without naming the field`);
            }
            return what;
          });
        }
      }
    }
    if (!jobs.length) break;
    tested += jobs.length;
    await inBatches(jobs, CONCURRENCY, 'query parameters', problems);
  }
  if (process.env.PARAMS_DEBUG) for (const [k, v] of learnt) if (v.size) t.diagnostic(`${k}: ${[...v].join(" ")}`);
  t.diagnostic(`${done.size} query parameters of ${learnt.size} GET routes, ${tested} malformed requests`);
  assert.ok(tested > 100, `only ${tested} malformed query values were sent`);
  assert.deepEqual(problems, []);
});

// The crash this test was written for: struct dash freed before it was initialised when
// ?unit= was not an id, on the page and on the PDF, as any user with report.view.
test('GET /reports/monthly with ?unit=abc or -1 answers 400 naming unit, and the server lives', async () => {
  for (const path of ['/reports/monthly?unit=abc', '/reports/monthly?unit=-1', '/reports/monthly.pdf?unit=abc',
    '/reports/monthly?month=2026-13']) {
    const r = await fetch(srv.url + path, { headers: { Authorization: `Bearer ${tokens.ws_director}` } });
    const text = await r.text();
    assert.equal(r.status, 400, path);
    assert.match(text, /<code>(unit|month)<\/code>/, path);
    assert.ok(await healthy(), `after ${path}`);
  }
  const ok = await fetch(`${srv.url}/reports/monthly?unit=2&month=2026-11`, { headers: { Authorization: `Bearer ${tokens.safety_director}` } });
  assert.equal(ok.status, 200);
});
