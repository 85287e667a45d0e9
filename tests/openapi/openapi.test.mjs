// tests/openapi/openapi.test.mjs — the OpenAPI document as an integrator meets it: `redocly
// lint` passes without a warning, a client built from the document (openapi-client-axios)
// signs in and reads, and every JSON response the HTTP tests received validates against the
// document (ajv). tests/run runs this after tests/http with ANQUAN_RECORD_RESPONSES set (see
// tests/http/lib.mjs); run alone, it validates the responses of its own calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { OpenAPIClientAxios } from 'openapi-client-axios';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';

const here = new URL('.', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'anquan-openapi-'));
if (!process.env.ANQUAN_RECORD_RESPONSES) process.env.ANQUAN_RECORD_RESPONSES = tmp;
let srv, doc;
const own = [];	// the generated client's responses: {method, path, status, body}

before(async () => {
  srv = await startServer();
  doc = (await srv.client().get('/api/v1/openapi.json')).json;
  writeFileSync(join(tmp, 'openapi.json'), JSON.stringify(doc));
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
  rmSync(tmp, { recursive: true, force: true });
});

test('redocly lint: the document is valid, without a warning', () => {
  let out;
  try {
    out = execFileSync(join(here, 'node_modules/.bin/redocly'),
      ['lint', '--config', join(here, 'redocly.yaml'), join(tmp, 'openapi.json')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  } catch (e) {
    assert.fail(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
  }
  assert.doesNotMatch(out, /warning/i, out);
});

test('a client generated from the document signs in and reads hazards', async () => {
  const api = new OpenAPIClientAxios({
    definition: doc,
    axiosConfigDefaults: { baseURL: srv.url, validateStatus: () => true },
  });
  const client = await api.init();
  const call = async (opId, ...args) => {
    assert.equal(typeof client[opId], 'function', `the client has ${opId}`);
    const r = await client[opId](...args);
    own.push({ method: r.config.method.toUpperCase(), path: new URL(r.config.url, srv.url).pathname, status: r.status, body: r.data });
    return r;
  };
  const login = await call('post_auth_login', null, { username: 'zongjian', password: DEMO_PASSWORD });
  assert.equal(login.status, 200);
  client.defaults.headers.common.Authorization = `Bearer ${login.data.token}`;
  const me = await call('get_me');
  assert.equal(me.data.username ?? me.data.user?.username, 'zongjian');
  const list = await call('get_hazards', { per_page: 2 });
  assert.equal(list.status, 200);
  assert.ok(list.data.items.length <= 2);
  if (list.data.items.length) {
    const one = await call('get_hazards_id', { id: list.data.items[0].id });
    assert.equal(one.status, 200);
  }
  const tooMany = await call('get_hazards', { per_page: 501 });
  assert.equal(tooMany.status, 422);
  assert.equal(tooMany.data.error.field, 'per_page');
});

// the operation whose path template matches: literal segments win over parameters
function operationFor(method, path) {
  const segs = path.split('/');
  let best = null, bestScore = -1;
  for (const [tpl, item] of Object.entries(doc.paths)) {
    const t = tpl.split('/');
    if (t.length !== segs.length) continue;
    let score = 0, ok = true;
    for (let i = 0; i < t.length && ok; i++) {
      if (/^\{.+\}$/.test(t[i])) continue;
      if (t[i] === segs[i]) score++; else ok = false;
    }
    const op = item[(method === 'HEAD' ? 'get' : method.toLowerCase())];
    if (ok && op && score > bestScore) { best = { tpl, op }; bestScore = score; }
  }
  return best;
}

function schemaFor(op, status) {
  let resp = op.responses[String(status)] ?? op.responses.default;
  if (!resp) return null;
  if (resp.$ref) resp = resp.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
  return resp.content?.['application/json']?.schema ?? null;
}

test('every JSON response of the HTTP tests validates against the document', () => {
  const dir = process.env.ANQUAN_RECORD_RESPONSES;
  const seen = [...own];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line) seen.push(JSON.parse(line));
  }
  // the document is not itself a JSON Schema (only its schema objects are): not checked as one
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema(doc, 'openapi.json');
  const compiled = new Map();
  const problems = new Map();	// one line per (operation, status, problem)
  let checked = 0;
  for (const r of seen) {
    const found = operationFor(r.method, r.path);
    let why = null, key;
    if (r.path.startsWith('/api/v1/test/')) continue;	// test builds only, never documented
    if (!found) {
      // a path or method the API does not have: the router's 404 or 405, in the Error shape
      key = `${r.method} ${r.path} ${r.status}`;
      const validate = compiled.get('Error') ?? ajv.compile({ $ref: 'openapi.json#/components/schemas/Error' });
      compiled.set('Error', validate);
      if (![404, 405].includes(r.status)) why = 'no such operation in the document';
      else if (!validate(r.body)) why = ajv.errorsText(validate.errors);
    } else {
      key = `${r.method} ${found.tpl} ${r.status}`;
      const schema = schemaFor(found.op, r.status);
      if (!schema) {
        why = `status ${r.status} is not documented`;
      } else {
        if (!compiled.has(key)) compiled.set(key, ajv.compile(resolveRefs(schema)));
        const validate = compiled.get(key);
        if (!validate(r.body)) why = ajv.errorsText(validate.errors);
      }
    }
    checked++;
    if (why && !problems.has(key)) problems.set(key, why);
  }
  assert.ok(checked > 0, 'responses were recorded');
  assert.deepEqual([...problems].map(([k, v]) => `${k}: ${v}`), [], `${checked} responses checked`);
});

// "#/components/..." references point into the document added to ajv as openapi.json
function resolveRefs(schema) {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"openapi.json#/'));
}
