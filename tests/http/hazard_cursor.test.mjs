// tests/http/hazard_cursor.test.mjs — the hazard list pages by cursor (keyset): walking a
// filtered list forward and back gives every match once, in order, even while hazards are
// added between the requests; a cursor altered, of another filter or sent with a page number
// is refused naming the field; the page's next/previous links carry the cursor; the count a
// narrowed list shows stays exact as hazards are reported, moved and cancelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';

let srv;
let api;

// n copies of the demo's first hazard with fresh numbers (a prefix per batch), level `level`:
// SQL that SQLite and PostgreSQL both run, as in hazard_count.test.mjs
function copies(prefix, n, level) {
  runSql(srv.dir, `
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO hazards (number, status, version, reporter_id, anonymous, near_miss, area_id, unit_id,
      equipment_id, category_id, factor_code, level, criterion_id, urgency, description, assignee_id,
      rectifier_id, verifier_id, reported_at, accepted_at, respond_due, rectify_due, submitted_at,
      closed_at, overdue, overdue_at, repeat_of, on_spot, regulator_reported_at, updated_at)
    SELECT '${prefix}-' || substr('00000' || i, length('00000' || i) - 5), status, version, reporter_id, anonymous,
      near_miss, area_id, unit_id, equipment_id, category_id, factor_code, '${level}', criterion_id, urgency,
      description, assignee_id, rectifier_id, verifier_id, reported_at, accepted_at, respond_due, rectify_due,
      submitted_at, closed_at, overdue, overdue_at, NULL, on_spot, regulator_reported_at, updated_at
    FROM n, (SELECT * FROM hazards ORDER BY id LIMIT 1) AS first;`);
}

// every match of a filter, by page number in one page (the reference the walks must equal)
async function all(query) {
  const r = await api.get(`/api/v1/hazards?per_page=500&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((h) => h.id);
}

before(async () => {
  srv = await startServer();
  copies('YH-1998', 40, 'major');
  copies('YH-1997', 40, 'general');
  api = srv.client();
  await api.apiLogin('anhuan');
});
after(async () => { await srv.stop(); });

test('a filtered list walked forward then back by cursor: each match once, hazards added meanwhile included once', async () => {
  const filter = 'level=major';
  const expected = await all(filter);
  assert.ok(expected.length > 40, `the demo's major hazards and the 40 copies: ${expected.length}`);
  assert.deepEqual([...expected].sort((a, b) => b - a), expected, 'newest first');

  // forward: page 1, then next_cursor until there is none
  let r = await api.get(`/api/v1/hazards?${filter}&per_page=7`);
  assert.equal(r.status, 200);
  assert.equal(r.json.prev_cursor, null, 'the first page has nothing before it');
  assert.equal(r.json.total, expected.length, 'a narrowed list is counted exactly');
  const forward = [];
  const pages = [];
  let added = false;
  for (;;) {
    forward.push(...r.json.items.map((h) => h.id));
    pages.push(r.json.items.map((h) => h.id));
    assert.ok(r.json.items.length <= 7);
    assert.ok(r.json.items.every((h) => h.level === 'major'), 'the filter holds on every page');
    if (!added) {	// new reports arrive while the person pages: newer than every row seen
      copies('YH-1996', 5, 'major');
      added = true;
    }
    if (!r.json.next_cursor) break;
    const next = await api.get(`/api/v1/hazards?${filter}&per_page=7&cursor=${encodeURIComponent(r.json.next_cursor)}`);
    assert.equal(next.status, 200, next.text);
    assert.equal(next.json.total, null, 'pages reached by cursor are not counted again');
    assert.ok(next.json.prev_cursor, 'a page reached by cursor can go back');
    r = next;
  }
  assert.deepEqual(forward, expected, 'forward: every match once, in order, none of the later ones');

  // back from the last page: prev_cursor until there is none
  const back = [...r.json.items.map((h) => h.id)];
  let p = r;
  let steps = 0;
  while (p.json.prev_cursor) {
    p = await api.get(`/api/v1/hazards?${filter}&per_page=7&cursor=${encodeURIComponent(p.json.prev_cursor)}`);
    assert.equal(p.status, 200, p.text);
    assert.ok(p.json.next_cursor, 'a page reached backwards can go forward again');
    back.unshift(...p.json.items.map((h) => h.id));
    steps++;
    // until the top is reached, going back lands exactly on the pages seen going forward
    if (steps < pages.length - 1) assert.deepEqual(p.json.items.map((h) => h.id), pages[pages.length - 1 - steps]);
  }
  const now = await all(filter);
  assert.equal(now.length, expected.length + 5);
  assert.deepEqual(back, now, 'backward: every match once, the 5 added at the top');
  assert.equal(new Set(back).size, back.length, 'nothing twice');
});

test('a cursor altered, of another filter, or sent with a page number: 422 naming the field', async () => {
  const first = await api.get('/api/v1/hazards?level=major&per_page=3');
  const cur = first.json.next_cursor;
  assert.ok(cur);
  // one character changed: the id, the fingerprint or the check
  for (const i of [1, cur.length - 12, cur.length - 1]) {
    const c = cur.slice(0, i) + (cur[i] === '1' ? '2' : '1') + cur.slice(i + 1);
    const r = await api.get(`/api/v1/hazards?level=major&per_page=3&cursor=${encodeURIComponent(c)}`);
    assert.equal(r.status, 422, `${c}: ${r.text}`);
    assert.equal(r.json.error.field, 'cursor');
  }
  for (const c of ['garbage', cur.slice(0, -1), `${cur}0`, 'n1-0000000000000000-00000000']) {
    const r = await api.get(`/api/v1/hazards?level=major&per_page=3&cursor=${encodeURIComponent(c)}`);
    assert.equal(r.status, 422, c);
    assert.equal(r.json.error.field, 'cursor');
  }
  const other = await api.get(`/api/v1/hazards?level=general&per_page=3&cursor=${encodeURIComponent(cur)}`);
  assert.equal(other.status, 422);
  assert.equal(other.json.error.field, 'cursor');
  assert.match(other.json.error.message, /另一组筛选条件|another filter/);
  // another person's cursor for the same filter is another list too
  const other_person = srv.client();
  await other_person.apiLogin('banzhang');
  const theirs = await other_person.get(`/api/v1/hazards?level=major&per_page=3&cursor=${encodeURIComponent(cur)}`);
  assert.equal(theirs.status, 422);
  assert.equal(theirs.json.error.field, 'cursor');
  const both = await api.get(`/api/v1/hazards?level=major&per_page=3&page=2&cursor=${encodeURIComponent(cur)}`);
  assert.equal(both.status, 422);
  assert.equal(both.json.error.field, 'page');
  // the page says so too, naming the field
  const page = srv.client();
  await page.login('anhuan');
  const html = await page.get('/hazards?level=major&cursor=garbage');
  assert.equal(html.status, 422);
  assert.match(html.text, /cursor/);
});

test('the OpenAPI document describes the cursor and the envelope beside it', async () => {
  const doc = (await api.get('/api/v1/openapi.json')).json;
  const op = doc.paths['/api/v1/hazards'].get;
  const cursor = op.parameters.find((p) => p.name === 'cursor');
  assert.ok(cursor && cursor.in === 'query', 'cursor is a documented query parameter');
  const ok = JSON.stringify(op.responses['200']);
  assert.match(ok, /next_cursor/);
  assert.match(ok, /prev_cursor/);
  assert.equal(doc.components.schemas.Page.properties.total.nullable, true);
});

test('the count of a narrowed list stays exact as hazards are reported, moved and cancelled', async () => {
  const count = async (q) => {
    const r = await api.get(`/api/v1/hazards?per_page=1&${q}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total_capped, false);
    return r.json.total;
  };
  const exact = async (q) => {
    const n = await count(q);
    assert.equal(n, (await all(q)).length, `${q}: the count is the number of matches`);
    return n;
  };
  const meta = (await api.get('/api/v1/hazard-meta')).json;
  const area = meta.areas[0].id;
  const other = meta.areas.find((a) => a.id !== area).id;
  const reported = await exact('status=reported');
  const inArea = await exact(`area_id=${area}`);
  // a report through the API: one more reported, one more in its area
  // a real JPEG, made by the server's own encoder for a demo hazard
  const withPhoto = (await api.get('/api/v1/hazards?per_page=500')).json.items.find((h) => h.photo);
  const res = await fetch(`${srv.url}/photos/${withPhoto.photo}`, { headers: { Authorization: `Bearer ${api.bearer}` } });
  assert.equal(res.status, 200);
  const jpeg = Buffer.from(await res.arrayBuffer());
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  const fd = new FormData();
  fd.append('area_id', String(area));
  fd.append('category_id', String(meta.categories[0].id));
  fd.append('description', '计数测试：通道堵塞');
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  const made = await worker.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  assert.equal(await exact('status=reported'), reported + 1);
  assert.equal(await exact(`area_id=${area}`), inArea + 1);
  // moved to another area (straight in the database, as a data fix would): counts follow
  runSql(srv.dir, `UPDATE hazards SET area_id = ${other} WHERE id = ${id}`);
  assert.equal(await exact(`area_id=${area}`), inArea);
  // cancelled: no longer reported
  const cancel = await api.postJson(`/api/v1/hazards/${id}/cancel`, { note: '重复上报，计数测试' });
  assert.equal(cancel.status, 200, cancel.text);
  assert.equal(await exact('status=reported'), reported);
});
