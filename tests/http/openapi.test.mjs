// tests/http/openapi.test.mjs — the OpenAPI document lists exactly the /api/v1 routes the
// binary has (`anquan routes --json`), in a valid OpenAPI 3 shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, BIN } from './lib.mjs';

let srv;
let doc;
let routes;
before(async () => {
  srv = await startServer({ demo: false });
  const r = await srv.client().get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  doc = r.json;
  routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], {
    env: { ...process.env, ANQUAN_DATA: srv.dir },
  }).toString());
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const toOpenApi = (p) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

test('the document is public and has the OpenAPI 3 shape', () => {
  assert.match(doc.openapi, /^3\.\d+\.\d+$/);
  assert.equal(typeof doc.info.title, 'string');
  assert.ok(doc.info.title.length > 0);
  assert.equal(typeof doc.info.version, 'string');
  assert.equal(typeof doc.paths, 'object');
  const err = doc.components.schemas.Error;
  assert.equal(err.type, 'object');
  assert.deepEqual(Object.keys(err.properties.error.properties).sort(), ['code', 'field', 'message']);
  assert.ok(doc.components.securitySchemes.bearer);
  assert.ok(doc.components.securitySchemes.cookie);
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.ok(path.startsWith('/api/v1/'), path);
    for (const [m, op] of Object.entries(item)) {
      assert.ok(METHODS.includes(m), `${path}: ${m} is not an HTTP method`);
      assert.ok(op.responses && op.responses['200'], `${m} ${path} has responses`);
      assert.equal(typeof op.summary, 'string');
      assert.equal(op.tags.length, 1);
      // every path template has its parameter, and no more
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]).sort();
      const params = (op.parameters || []).filter((p) => p.in === 'path').map((p) => p.name).sort();
      assert.deepEqual(params, names, `${m} ${path} parameters`);
      // error responses refer to the one Error schema
      for (const [code, resp] of Object.entries(op.responses)) {
        if (code === '200' || code === '201') continue;
        const name = resp.$ref.split('/').pop();
        const shared = doc.components.responses[name];
        assert.ok(shared, `${resp.$ref} exists`);
        assert.equal(shared.content['application/json'].schema.$ref, '#/components/schemas/Error');
      }
    }
  }
});

// the test routes (/api/v1/test/*, compiled only into test builds) are no part of the API
const isApi = (r) => r.pattern.startsWith('/api/v1/') && !r.pattern.startsWith('/api/v1/test/');

test('its paths and methods are exactly the /api/v1 routes of `anquan routes --json`, less the test routes', () => {
  assert.ok(routes.some((r) => r.pattern === '/api/v1/test/clock'), 'this test build has the test routes');
  assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/test/')), 'the document lists none');
  const want = new Set(routes.filter(isApi)
    .map((r) => `${r.method.toLowerCase()} ${toOpenApi(r.pattern)}`));
  const have = new Set();
  for (const [path, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) have.add(`${m} ${path}`);
  const missing = [...want].filter((x) => !have.has(x));
  const extra = [...have].filter((x) => !want.has(x));
  assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
  assert.deepEqual(extra, [], 'operations in the document without a route');
  assert.ok(want.size >= 5, 'the platform has API routes');
  assert.ok(have.has('post /api/v1/auth/login'));
});

test('security, permission, summary and tag follow each route', () => {
  for (const r of routes.filter(isApi)) {
    const op = doc.paths[toOpenApi(r.pattern)][r.method.toLowerCase()];
    assert.equal(op.summary, r.summary);
    assert.equal(op.tags[0], r.pattern.split('/')[3].replace(/\..*$/, ''));
    if (r.public) assert.deepEqual(op.security, [], `${r.pattern} is public`);
    else assert.deepEqual(op.security, [{ bearer: [] }, { cookie: [] }], `${r.pattern} needs sign-in`);
    assert.equal(op['x-permission'], r.perm ?? undefined, `${r.pattern} x-permission`);
    if (!r.public) assert.ok(op.responses['401'] && op.responses['403']);
    assert.ok(op.responses['429'], `${r.pattern}: 429 from the rate limit`);
  }
  for (const t of doc.tags) assert.ok(t.description, `tag ${t.name} has a description`);
});

test('lists share one pagination: documented parameters, maximum and envelope', () => {
  const paged = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op?.parameters?.some((p) => p.name === 'per_page')) continue;
    paged.push(path);
    const pp = op.parameters.find((p) => p.name === 'per_page');
    assert.equal(pp.in, 'query');
    assert.equal(pp.schema.maximum, 500, `${path}: the documented maximum`);
    const ok = op.responses['200'].content['application/json'].schema;
    assert.equal(ok.$ref ?? ok.allOf[0].$ref, '#/components/schemas/Page');
    assert.ok(op.responses['422']);
  }
  for (const p of ['/api/v1/audit', '/api/v1/hazards', '/api/v1/users', '/api/v1/units', '/api/v1/areas']) {
    assert.ok(paged.includes(p), `${p} is a paginated list`);
  }
  assert.deepEqual(doc.components.schemas.Page.required, ['items', 'page', 'per_page', 'total']);
});

test("an entity's routes carry request and response schemas drawn from its field declarations", () => {
  const body = (p, m) => doc.paths[p][m].requestBody.content['application/json'].schema;
  const create = body('/api/v1/areas', 'post');
  assert.deepEqual(create.required, ['name', 'unit_id'], 'the required fields of the area form');
  assert.equal(create.properties.name.maxLength, 64);
  assert.equal(create.properties.latitude.minimum, -90);
  assert.equal(create.properties.radius_m.type, 'integer');
  const change = body('/api/v1/areas/{id}', 'patch');
  assert.equal(change.required, undefined, 'a change carries only what it changes');
  assert.ok(change.properties.name);
  const one = doc.paths['/api/v1/areas/{id}'].get.responses['200'].content['application/json'].schema;
  assert.deepEqual(one.required, ['id']);
  assert.equal(one.properties.latitude.nullable, true, 'an optional field may be null');
  const list = doc.paths['/api/v1/units'].get.responses['200'].content['application/json'].schema;
  assert.equal(list.allOf[1].properties.items.items.properties.name.type, 'string');
  // a route the entity layer does not serve carries its module's declaration
  assert.deepEqual(body('/api/v1/auth/login', 'post').required, ['username', 'password']);
  // and a deactivation takes no body at all
  assert.equal(doc.paths['/api/v1/areas/{id}/deactivate'].post.requestBody, undefined);
});

// Integrators generate clients from the document: every operation says what it answers and
// what it takes (issue: no body described as a bare {"type":"object"}), and every list is the
// one envelope with page and per_page (but for a list bounded by nature, which says so:
// x-bounded, e.g. the permits of one month).
test('every operation describes its answer and its body, and every list pages the one way', () => {
  const bare = (s) => !s || (s.type === 'object' && !s.properties && !s.allOf && !s.$ref && !s.additionalProperties);
  const missing = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (path === '/api/v1/openapi.json') continue;	// the document itself
    for (const [m, op] of Object.entries(item)) {
      const ok = op.responses['200'].content['application/json'].schema;
      if (bare(ok)) missing.push(`${m.toUpperCase()} ${path}: answer`);
      if (op.requestBody && bare(Object.values(op.requestBody.content)[0].schema)) missing.push(`${m.toUpperCase()} ${path}: body`);
      const items = ok.allOf ? ok.allOf[1]?.properties?.items : ok.properties?.items;
      const paged = (op.parameters || []).some((p) => p.name === 'per_page');
      if (m === 'get' && items?.type === 'array' && !items['x-bounded'] && !paged) missing.push(`GET ${path}: a list without page and per_page`);
    }
  }
  assert.deepEqual(missing, []);
  // a list's filters are documented query parameters, with their values
  const q = Object.fromEntries(doc.paths['/api/v1/hazards'].get.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
  assert.ok(q.status.enum.includes('open') && q.q.type === 'string' && q.per_page.maximum === 500, Object.keys(q).join(' '));
  const cal = doc.paths['/api/v1/permits/calendar'].get.parameters.find((p) => p.name === 'month');
  assert.equal(cal.schema.pattern, '^[0-9]{4}-[0-9]{2}$');
  assert.equal(cal.required, true);
});
