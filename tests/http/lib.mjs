// tests/http/lib.mjs — start the real anquan binary (the sanitizer build) on a free port with
// a temporary data directory, and talk to it like a browser (cookies, CSRF tokens) or like
// another system (bearer tokens). Every server is checked on stop: it must exit 0 after
// SIGTERM and its log must hold no sanitizer report.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import net from 'node:net';
import http from 'node:http';

export const DEMO_PASSWORD = 'Demo-Pass-2026';
export const BIN = process.env.ANQUAN_BIN ||
  new URL('../../build/asan/anquan', import.meta.url).pathname;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// With ANQUAN_TEST_PG=1 (make test-pg, inside scripts/pg-test-cluster) each data directory
// gets its own PostgreSQL database on that cluster, named after the directory, so a server
// restarted on the same directory finds its database again. Returns the db.url, or undefined
// when the tests run on SQLite.
export function testDatabaseUrl(data) {
  const admin = process.env.ANQUAN_TEST_PG_URL;
  if (process.env.ANQUAN_TEST_PG !== '1') return undefined;
  if (!admin) throw new Error('ANQUAN_TEST_PG=1 needs ANQUAN_TEST_PG_URL: run under scripts/pg-test-cluster');
  const name = `t_${basename(data).toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  const r = spawnSync('psql', [admin, '-qAtc', `SELECT 1 FROM pg_database WHERE datname = '${name}'`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  if (r.stdout.trim() !== '1') {
    const c = spawnSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`psql: ${c.stderr}`);
  }
  return admin.replace(/\/[^/]*$/, `/${name}`);
}

// The environment that points a command of the CLI (anquan audit verify, ...) at the
// database of data directory DIR: nothing more on SQLite (ANQUAN_DATA finds anquan.db), the
// test database's db.url under ANQUAN_TEST_PG=1.
export function dbEnv(dir) {
  const url = testDatabaseUrl(dir);
  return url ? { ANQUAN_DB_URL: url } : {};
}

// Run SQL beside a server on its database, the way an operator would from a shell: the sqlite3
// CLI on DIR/anquan.db, or psql on the test database of DIR under ANQUAN_TEST_PG=1. Both print
// rows one a line, columns separated by |. Returns the output, trimmed.
export function runSql(dir, sql) {
  const url = testDatabaseUrl(dir);
  const r = url ? spawnSync('psql', [url, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', join(dir, 'anquan.db'), sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${url ? 'psql' : 'sqlite3'}: ${r.stderr}`);
  return r.stdout.trim();
}

// A blob literal in the dialect of the tests' database, for runSql: SQLite's x'...' is a bit
// string to PostgreSQL, whose bytea takes '\x...' instead. HEX is hexadecimal digits.
export function blobLiteral(hex) {
  return process.env.ANQUAN_TEST_PG === '1' ? `'\\x${hex}'::bytea` : `x'${hex}'`;
}

// Start a server. Options: demo (load the demo company, default true), env (extra variables),
// args (extra arguments after `serve`), dir (reuse a data directory), port (a given one: a
// browser test restarting "the same site" needs the same origin), db (a postgresql:// db.url
// instead of the data directory's own database: a second app server on the first one's).
export async function startServer({ demo = true, env = {}, args = [], dir, port: fixedPort, db } = {}) {
  const data = dir || mkdtempSync(join(tmpdir(), 'anquan-test-'));
  const port = fixedPort || await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dbUrl = db || testDatabaseUrl(data);
  let log = '';
  const proc = spawn(BIN, ['serve', ...(demo ? ['--demo'] : []), ...args], {
    env: {
      ...process.env,
      ANQUAN_DATA: data,
      ANQUAN_LISTEN: `127.0.0.1:${port}`,
      ANQUAN_TEST_MODE: '1',
      ANQUAN_DEMO_PASSWORD: DEMO_PASSWORD,
      ...(dbUrl ? { ANQUAN_DB_URL: dbUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d) => { log += d; });
  let errLog = '';	// standard error alone: the log lines (stdout holds the demo's notice)
  proc.stderr.on('data', (d) => { log += d; errLog += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let up = false;
  // PostgreSQL: the demo's thousands of statements are each a round trip to the server
  const tries = dbUrl ? 1200 : 300;
  for (let i = 0; i < tries && proc.exitCode === null; i++) {
    try {
      // a connection of its own, closed after: fetch would keep one open (the server keeps
      // connections alive), counted against http.max_per_address by the test that follows
      const status = await new Promise((resolve, reject) => {
        http.get(`${url}/healthz`, { agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
      });
      if (status === 200) { up = true; break; }
    } catch { /* not yet listening */ }
    await sleep(100);
  }
  if (!up) {
    proc.kill('SIGKILL');
    // another process took the free port between freePort() and the server's bind (parallel
    // test runs): start again on another port, in a new data directory
    if (!fixedPort && !dir && /Address already in use/.test(log)) {
      await exited;
      return startServer({ demo, env, args, db });
    }
    throw new Error(`server did not start:\n${log}`);
  }
  return {
    url, dir: data, proc,
    log: () => log,
    stderrLog: () => errLog,
    client: () => new Client(url),
    // Stop with SIGTERM; resolves to {code, log}; throws if the sanitizers reported anything.
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const { code, signal } = await exited;
      if (!keep && !dir) rmSync(data, { recursive: true, force: true });
      if (/AddressSanitizer|LeakSanitizer|ThreadSanitizer|runtime error:/.test(log)) {
        throw new Error(`sanitizer report in server log:\n${log.slice(-6000)}`);
      }
      return { code, signal, log };
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

// One request over node:http, not fetch: the fetch of Debian 12's Node.js 18 has no
// Headers.getSetCookie and folds every Set-Cookie into one comma-joined string, which cannot be
// split back reliably; node:http hands over each Set-Cookie line as sent, on every Node.js.
// payload: undefined, a string, bytes or FormData (encoded by Request exactly as fetch would).
// Resolves to {status, headers (a Headers), setCookies (array), body (Buffer)}; never follows
// redirects.
export async function exchange(url, method, headers = {}, payload) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  let body = Buffer.alloc(0);
  if (payload !== undefined && payload !== null) {
    const req = new Request(url, { method, headers: out, body: payload });
    body = Buffer.from(await req.arrayBuffer());
    for (const [k, v] of req.headers) out[k] = v;
  }
  if (body.length || !['GET', 'HEAD'].includes(method)) out['content-length'] = String(body.length);
  const res = await new Promise((resolve, reject) => {
    const r = http.request(url, { method, headers: out, agent: false }, resolve);
    r.on('error', reject);
    r.end(body.length ? body : undefined);
  });
  const chunks = [];
  for await (const c of res) chunks.push(c);
  const h = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  const setCookies = res.headers['set-cookie'] || [];
  if (h.has('set-cookie') && setCookies.length === 0) throw new Error(`${method} ${url}: Set-Cookie lines were lost`);
  return { status: res.statusCode, headers: h, setCookies, body: Buffer.concat(chunks) };
}

// With ANQUAN_RECORD_RESPONSES=DIR (tests/run sets it), every JSON response of the API is
// appended to DIR/PID.jsonl, and tests/openapi/responses.test.mjs validates each against the
// OpenAPI document once the HTTP tests are done.
function recordResponse(method, path, res) {
  const dir = process.env.ANQUAN_RECORD_RESPONSES;
  if (!dir || !path.startsWith('/api/v1/') || !/^application\/json/.test(res.headers.get('content-type') || '')) return;
  let body;
  try { body = JSON.parse(res.body.toString('utf8')); } catch { return; }	// a malformed body is the test's to find
  appendFileSync(join(dir, `${process.pid}.jsonl`),
    `${JSON.stringify({ method, path: path.split('?')[0], status: res.status, body })}\n`);
}

export function csrfFrom(html) {
  const m = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
  return m ? m[1] : null;
}

// A client with a cookie jar. Responses come back as {status, headers, text, json, location}.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.bearer = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  // setCookies: every Set-Cookie line of one response, as the server sent them.
  keepCookies(setCookies) {
    if (!Array.isArray(setCookies)) throw new Error('keepCookies needs the list of Set-Cookie lines');
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`unreadable Set-Cookie line: ${c}`);
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('max-age='));
      if (value === '' || (maxAge && Number(maxAge.split('=')[1]) <= 0)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  // method, path, and one of: form (object → url-encoded), json (object), multipart (FormData),
  // body (string, with headers). csrf: false to leave the token out.
  async request(method, path, { form, json, multipart, body, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    let payload = body;
    if (form) {
      const f = { ...form };
      if (csrf && this.csrf && !('_csrf' in f)) f._csrf = this.csrf;
      payload = new URLSearchParams(f).toString();
      h['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
      payload = JSON.stringify(json);
      h['Content-Type'] = 'application/json';
      if (csrf && this.csrf && !this.bearer) h['X-CSRF-Token'] = this.csrf;
    } else if (multipart) {
      if (csrf && this.csrf && !multipart.has('_csrf')) multipart.append('_csrf', this.csrf);
      payload = multipart;
    }
    const res = await exchange(this.base + path, method, h, payload);
    this.keepCookies(res.setCookies);
    recordResponse(method, path, res);
    const text = new TextDecoder().decode(res.body);	// drops a UTF-8 BOM, as fetch's text() did
    const token = csrfFrom(text);
    if (token) this.csrf = token;
    let parsed;
    return {
      status: res.status,
      headers: res.headers,
      setCookies: res.setCookies,
      text,
      location: res.headers.get('location'),
      get json() {
        if (parsed === undefined) parsed = JSON.parse(text);
        return parsed;
      },
    };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, form, opts = {}) { return this.request('POST', path, { ...opts, form }); }
  postJson(path, json, opts = {}) { return this.request('POST', path, { ...opts, json }); }

  // Sign in through the login form, as a browser does. Returns the POST's response.
  async login(username, password = DEMO_PASSWORD) {
    await this.get('/login');
    const r = await this.post('/login', { username, password, next: '/' });
    if (r.status === 303) await this.get('/');	// picks up the session's CSRF token
    return r;
  }

  // Sign in through the API; later requests carry the bearer token.
  async apiLogin(username, password = DEMO_PASSWORD) {
    const r = await this.postJson('/api/v1/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`api login ${username}: ${r.status} ${r.text}`);
    this.bearer = r.json.token;
    return r;
  }
}

// Move the server's clock (test mode only). t: UTC seconds, or 0 to return to real time.
export async function setClock(server, t) {
  const r = await fetch(`${server.url}/api/v1/test/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ now: t }),
  });
  if (r.status !== 200) throw new Error(`setClock: ${r.status} ${await r.text()}`);
}

// The server's "now" in UTC seconds (its test clock when set). Expectations that depend on the
// date come from here, never from Date.now(): under faketime the runner's clock and the
// server's run apart, and on a real day they may straddle midnight.
export async function serverNow(server) {
  const r = await fetch(`${server.url}/api/v1/test/clock`);
  if (r.status !== 200) throw new Error(`serverNow: ${r.status} ${await r.text()}`);
  return (await r.json()).now;
}

// Run every scheduled job now (test mode only), as the scheduler thread would at "now".
export async function tick(server) {
  const r = await fetch(`${server.url}/api/v1/test/tick`, { method: 'POST' });
  if (r.status !== 200) throw new Error(`tick: ${r.status} ${await r.text()}`);
  return r.json();
}
