// tests/http/riskmap.test.mjs — the four-colour map (四色分布图) and the risk notice card
// (风险告知卡) over HTTP: the demo drawing with its areas coloured by their highest current
// risk; the drawing upload refused (not an image, too large, a decompression bomb) naming the
// field with nothing stored; polygons refused (fewer than three corners, outside the drawing,
// malformed) naming the field with nothing stored; an area's colour following a risk's level
// as it is re-assessed and approved; the card's content in A4 and A5 with the QR of the place's
// hazard report; the unit's cards as one PDF with a page per object; every change audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';
import { png, pngHeader } from './images.mjs';

let srv, safety, worker, auditor, map;

async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}
const areaOf = (m, name) => m.areas.find((a) => a.name === name);

before(async () => {
  srv = await startServer();
  safety = await api('anhuan');
  worker = await api('yuangong');
  auditor = await api('auditor');
  map = (await safety.get('/api/v1/risk/map')).json;
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the demo map: the drawing, its areas coloured by their highest current risk, links, legend, A3 view', async () => {
  assert.equal(map.drawing.width, 1200);
  assert.equal(map.drawing.height, 800);
  const tanks = areaOf(map, '罐区 甲类储罐区');
  assert.equal(tanks.level, 'major', 'D = 3 × 6 × 40 = 720 > 320');
  assert.equal(tanks.colour, 'red');
  assert.equal(tanks.points.length, 4);
  assert.equal(areaOf(map, '罐区 装卸站台').points, null, 'left for the editor to place');
  const img = await fetch(`${srv.url}${map.drawing.url}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  const page = await safety.get('/risk/map');
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg class="risk-map"/);
  assert.match(page.text, new RegExp(`<a href="/risk/map/areas/${tanks.id}"><g class="risk-area" data-area="${tanks.id}" data-level="major">`));
  assert.match(page.text, /<polygon points="[^"]+" fill="#d9262c"/);
  assert.match(page.text, /class="risk-legend"/);
  for (const l of ['major', 'large', 'general', 'low', 'none']) assert.match(page.text, new RegExp(`<li data-level="${l}">`));
  const a3 = await safety.get('/risk/map?print=a3');
  assert.match(a3.text, /risk-print-a3/);
  // the area's register lists its objects (directly or by their equipment) with their cards
  const reg = await safety.get(`/risk/map/areas/${tanks.id}`);
  assert.equal(reg.status, 200);
  assert.match(reg.text, /甲醇储罐/);
  assert.match(reg.text, /\/card">/);
  // the worker sees the map but may not change it
  assert.equal((await worker.get('/api/v1/risk/map')).status, 200);
  assert.equal((await worker.request('PUT', `/api/v1/risk/map/areas/${tanks.id}`, { json: { points: [[1, 1], [9, 1], [9, 9]] } })).status, 403);
  // the dashboard shows the map
  const dash = await safety.get('/dashboard');
  assert.match(dash.text, /id="risk-map-panel"/);
});

test('drawing upload: not an image, too large, a bomb are refused naming "drawing", nothing stored', async () => {
  const before = (await safety.get('/api/v1/risk/map')).json;
  const send = (bytes, name = 'plan.png') => {
    const f = new FormData();
    f.append('drawing', new Blob([bytes]), name);
    return safety.request('POST', '/api/v1/risk/map/drawing', { multipart: f });
  };
  let r = await send(Buffer.from('%PDF-1.4 not a picture'), 'plan.pdf');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'drawing');
  r = await send(Buffer.concat([png(4, 4), Buffer.alloc(9 << 20)]));
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.field, 'drawing');
  r = await send(pngHeader(100000, 100000));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'drawing');
  r = await safety.request('POST', '/api/v1/risk/map/drawing', { multipart: new FormData() });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'drawing');
  // the form answers with the editor, the error under the field
  const page = srv.client();
  await page.login('anhuan');
  await page.get('/risk/map/edit');
  const f = new FormData();
  f.append('drawing', new Blob([Buffer.from('GIF89a')]), 'plan.gif');
  r = await page.request('POST', '/risk/map/drawing', { multipart: f });
  assert.equal(r.status, 422);
  assert.match(r.text, /data-field="drawing"/);
  // a workshop's safety officer places his own areas but may not replace the company's drawing
  const ws = await api('ws1anquan');
  const f2 = new FormData();
  f2.append('drawing', new Blob([png(40, 30)]), 'plan.png');
  r = await ws.request('POST', '/api/v1/risk/map/drawing', { multipart: f2 });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.field, 'unit_id');
  assert.deepEqual((await safety.get('/api/v1/risk/map')).json, before, 'nothing changed');
});

test('polygons: fewer than three corners, outside the drawing or malformed are 422 naming "points", nothing stored', async () => {
  const dock = areaOf(map, '罐区 装卸站台');
  const put = (points) => safety.request('PUT', `/api/v1/risk/map/areas/${dock.id}`, { json: { points } });
  for (const points of [[[10, 10], [20, 20]], [], [[10, 10], [1201, 20], [30, 40]], [[10, 10], [20, -1], [30, 40]],
    [[10, 10], [20, 801], [30, 40]], [[10, 10], ['a', 2], [30, 40]], 'x', '10,10 20,20', null]) {
    const r = await put(points);
    assert.equal(r.status, 422, JSON.stringify(points));
    assert.equal(r.json.error.field, 'points', JSON.stringify(points));
  }
  assert.equal(areaOf((await safety.get('/api/v1/risk/map')).json, '罐区 装卸站台').points, null, 'nothing stored');
  assert.equal((await safety.request('PUT', '/api/v1/risk/map/areas/999999', { json: { points: [[1, 1], [9, 1], [9, 9]] } })).status, 404);
  // the form keeps what was typed and names the field
  const page = srv.client();
  await page.login('anhuan');
  await page.get('/risk/map/edit');
  let r = await page.post('/risk/map/areas', { area_id: dock.id, points: '884,544 1116,544' });
  assert.equal(r.status, 422);
  assert.match(r.text, /data-field="points"/);
  assert.match(r.text, />884,544 1116,544<\/textarea>/);
  // a good one, by the form and by the API; both audited
  r = await page.post('/risk/map/areas', { area_id: dock.id, points: '884,544 1116,544 1116,656 884,656' });
  assert.equal(r.status, 303, r.text);
  r = await put([[884.4, 544], [1116, 544], [1116, 656], [884, 656], [1000, 700]]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.points, [[884, 544], [1116, 544], [1116, 656], [884, 656], [1000, 700]]);
  const audit = (await auditor.get(`/api/v1/audit?entity=risk_map_area&entity_id=${dock.id}`)).json.items;
  assert.deepEqual(audit.map((e) => e.action).sort(), ['place', 'redraw']);
  // a new drawing, re-encoded at its own size, unplaces the areas drawn on the old one
  const f = new FormData();
  f.append('drawing', new Blob([png(600, 400, (x, y) => [x % 256, y % 256, 90])]), 'plan.png');
  r = await safety.request('POST', '/api/v1/risk/map/drawing', { multipart: f });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.id, r.json.width, r.json.height], [map.drawing.id, 600, 400]);
  const after = (await safety.get('/api/v1/risk/map')).json;
  assert.ok(after.areas.every((a) => a.points === null));
  const img = await fetch(`${srv.url}${after.drawing.url}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(Buffer.from(await img.arrayBuffer()).subarray(0, 3).toString('hex'), 'ffd8ff', 'stored as JPEG');
  const drawn = (await auditor.get(`/api/v1/audit?entity=risk_map_drawing&entity_id=${map.drawing.id}`)).json.items;
  assert.deepEqual(drawn.map((e) => e.action), ['replace']);
  // corners are checked against the new size
  r = await put([[10, 10], [700, 10], [10, 300]]);
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'points');
});

test("an area's colour follows its risks: assessed 一般 it is yellow, re-assessed and approved 较大 orange", async () => {
  // an area whose risks are all below 一般: 公用工程 空压制氮站
  const area = areaOf(map, '公用工程 空压制氮站');
  assert.ok(['none', 'low'].includes(area.level), area.level);
  const unit = area.unit_id;
  let r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '制氮站', unit_id: unit, area_id: area.id });
  assert.equal(r.status, 201, r.text);
  const obj = r.json.id;
  r = await safety.postJson('/api/v1/risk/units', { object_id: obj, name: '制氮机组' });
  const ru = r.json.id;
  const types = (await safety.get('/api/v1/risk/choices')).json.accident_types;
  const asphyxiation = types.find((t) => t.list === '2025' && t.code === 'asphyxiation').id;
  r = await safety.postJson('/api/v1/risk/events', { risk_unit_id: ru, name: '氮气窒息', accident_type_id: asphyxiation,
    emergency: '佩戴空气呼吸器施救' });
  assert.equal(r.status, 201, r.text);
  const ev = r.json.id;
  r = await safety.postJson(`/api/v1/risk/events/${ev}/assessments`, { method: 'LEC', l: 3, e: 6, c: 7, reason: 'initial' });
  assert.equal(r.status, 201, r.text);
  let m = (await safety.get('/api/v1/risk/map')).json;
  assert.equal(areaOf(m, '公用工程 空压制氮站').colour, 'yellow');
  // 较大 (3 × 6 × 15 = 270) waits for approval: the map keeps the current level until then
  r = await safety.postJson(`/api/v1/risk/events/${ev}/assessments`, { method: 'LEC', l: 3, e: 6, c: 15, reason: 'change' });
  assert.equal(r.status, 201, r.text);
  assert.equal(areaOf((await safety.get('/api/v1/risk/map')).json, '公用工程 空压制氮站').colour, 'yellow');
  r = await safety.postJson(`/api/v1/risk/assessments/${r.json.assessments[0].id}/approve`, { approve: 1 });
  assert.equal(r.status, 200, r.text);
  m = (await safety.get('/api/v1/risk/map')).json;
  assert.equal(areaOf(m, '公用工程 空压制氮站').colour, 'orange');
  assert.equal(areaOf(m, '公用工程 空压制氮站').level, 'large');
  // the page draws it orange too (the unplaced areas beside the drawing)
  const page = await safety.get('/risk/map');
  assert.match(page.text, new RegExp(`risk-cell-large" data-area="${area.id}"`));
});

test('the notice card: hazards, accidents, level, measures, emergency, person and phone, QR to the report, A4 and A5', async () => {
  const objects = (await safety.get('/api/v1/risk/objects')).json.items;
  const tank = objects.find((o) => o.name === '甲类储罐区');
  let r = await safety.get(`/api/v1/risk/objects/${tank.id}/card`);
  assert.equal(r.status, 200, r.text);
  const card = r.json;
  assert.equal(card.level, 'major');
  assert.equal(card.colour, 'red');
  assert.ok(card.events.length >= 2);
  assert.ok(card.events.every((e) => e.measures.length > 0), 'measures on each risk');
  assert.ok(card.events.some((e) => e.emergency), 'emergency actions');
  assert.ok(card.responsible);
  assert.match(card.report_url, /\/a\/[A-Za-z0-9_-]+$/);
  // the QR's link opens the hazard report for the place
  const scan = await safety.get(new URL(card.report_url).pathname);
  assert.equal(scan.status, 303);
  assert.equal(scan.location, `/hazards/new?area=${areaOf(map, '罐区 甲类储罐区').id}`);
  for (const size of ['a4', 'a5']) {
    r = await safety.get(`/risk/objects/${tank.id}/card?size=${size}`);
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`class="risk-card risk-card-${size}" data-level="major"`));
    assert.match(r.text, /安全风险告知卡/);
    assert.match(r.text, /risk-bg-red/);
    for (const e of card.events) assert.ok(r.text.includes(e.name), e.name);
    assert.ok(r.text.includes(card.events[0].measures[0].replace(/&/g, '&amp;')));
    assert.match(r.text, /<svg[^>]*class="qr"|<svg class="qr"/);
    assert.match(r.text, /risk_print\.css/);
  }
  assert.equal((await safety.get(`/api/v1/risk/objects/999999/card`)).status, 404);
  // a worker outside the tank farm's scope does not see its card
  assert.equal((await worker.get(`/api/v1/risk/objects/${tank.id}/card`)).status, 404);
});

test("a unit's cards as one PDF: valid, one page per object, A4 and A5", async () => {
  const objects = (await safety.get('/api/v1/risk/objects')).json.items;
  const tank = objects.find((o) => o.name === '甲类储罐区');
  const expect = objects.filter((o) => o.unit_id === tank.unit_id && o.active !== false).length;
  for (const [size, box] of [['a4', /\/MediaBox \[ ?0 0 595 842 ?\]/], ['a5', /\/MediaBox \[ ?0 0 420 595 ?\]/]]) {
    const res = await fetch(`${srv.url}/risk/cards.pdf?unit_id=${tank.unit_id}&size=${size}`,
      { headers: { Authorization: `Bearer ${safety.bearer}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer()).toString('latin1');
    assert.ok(pdf.startsWith('%PDF-'));
    assert.ok(pdf.trimEnd().endsWith('%%EOF'));
    assert.equal((pdf.match(/\/Type \/Page[^s]/g) || []).length, expect, `${size}: a page per object`);
    assert.match(pdf, box);
  }
});

test("the drawing outlives the hazard scheduler's collection of unused photo blobs", async () => {
  const m = (await safety.get('/api/v1/risk/map')).json;
  await setClock(srv, (await serverNow(srv)) + 2 * 86400);
  const t = await tick(srv);
  assert.ok(t.actions >= 0);
  const s = await api('anhuan');	// the clock moved past the first sign-in's lifetime
  const img = await fetch(`${srv.url}${m.drawing.url}`, { headers: { Authorization: `Bearer ${s.bearer}` } });
  assert.equal(img.status, 200);
  assert.equal((await s.get('/api/v1/risk/map')).json.drawing.id, m.drawing.id);
});

test('the OpenAPI document describes the map and card routes with their schemas', async () => {
  const o = (await safety.get('/api/v1/openapi.json')).json;
  const body = (op) => JSON.stringify(op.requestBody || {});
  const ok = (op) => JSON.stringify(op.responses);
  const put = o.paths['/api/v1/risk/map/areas/{id}'].put;
  assert.match(body(put), /"points":\{"type":"array","minItems":3/);
  assert.match(ok(o.paths['/api/v1/risk/map'].get), /"areas":\{"type":"array"/);
  assert.match(ok(o.paths['/api/v1/risk/map/drawing'].post), /"width":\{"type":"integer"\}/);
  assert.match(ok(o.paths['/api/v1/risk/objects/{id}/card'].get), /"measures":\{"type":"array"/);
});
