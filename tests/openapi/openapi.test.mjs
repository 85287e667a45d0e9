// tests/openapi/openapi.test.mjs — the OpenAPI document as an integrator meets it: `redocly
// lint` passes without a warning, a TypeScript client generated from the document
// (openapi-typescript-codegen, bundled by esbuild) signs in, reports a hazard and reads it
// back, and every JSON response the HTTP tests received validates against the
// document (ajv). tests/run runs this after tests/http with ANQUAN_RECORD_RESPONSES set (see
// tests/http/lib.mjs); run alone, it validates the responses of its own calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { generate } from 'openapi-typescript-codegen';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { png } from '../http/images.mjs';

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

test('a client generated from the document signs in, reports a hazard and reads it back', async () => {
  // generate the TypeScript client as an integrator would, and bundle it into one module
  const out = join(tmp, 'client');
  await generate({ input: join(tmp, 'openapi.json'), output: out, httpClient: 'fetch', useOptions: true });
  buildSync({ entryPoints: [join(out, 'index.ts')], bundle: true, format: 'esm', platform: 'node',
    outfile: join(tmp, 'client.mjs'), logLevel: 'error' });
  const api = await import(pathToFileURL(join(tmp, 'client.mjs')).href);
  // every answer the client receives is checked against the document with the HTTP tests' ones
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const res = await realFetch(url, init);
    if (/^application\/json/.test(res.headers.get('content-type') || ''))
      own.push({ method: init?.method || 'GET', path: new URL(url).pathname, status: res.status, body: await res.clone().json() });
    return res;
  };
  try {
    api.OpenAPI.BASE = srv.url;
    const login = await api.AuthService.postAuthLogin({ requestBody: { username: 'zongjian', password: DEMO_PASSWORD } });
    api.OpenAPI.TOKEN = login.token;
    assert.equal((await api.MeService.getMe()).username, 'zongjian');
    const meta = await api.HazardMetaService.getHazardMeta();
    // the photo goes up first (multipart), then the report names it
    const photo = await api.PhotosService.postPhotos({ formData: { photo: new Blob([png(64, 48)], { type: 'image/png' }) } });
    assert.match(photo.sha256, /^[0-9a-f]{64}$/);
    const made = await api.HazardsService.postHazards({ requestBody: { area_id: meta.areas[0].id,
      category_id: meta.categories[0].id, description: '生成的客户端上报：配电柜门未关', urgency: 'C', photos: [photo.sha256] } });
    assert.equal(made.status, 'reported');
    const one = await api.HazardsService.getHazardsId({ id: made.id });
    assert.equal(one.number, made.number);
    const list = await api.HazardsService.getHazards({ perPage: 2, status: 'open' });
    assert.ok(list.items.length <= 2 && list.total >= 1, JSON.stringify(list).slice(0, 200));
    // an error is the client's ApiError with the document's Error body
    await assert.rejects(api.HazardsService.getHazards({ perPage: 501 }),
      (e) => e.status === 422 && e.body.error.field === 'per_page');
  } catch (e) {
    throw new Error(`${e.message}: ${JSON.stringify(own.at(-1))}`);	// the answer that failed
  } finally {
    globalThis.fetch = realFetch;
  }
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
