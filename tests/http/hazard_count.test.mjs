// tests/http/hazard_count.test.mjs — at scale the hazard list counts only where that is cheap
// (src/hazard/hazard_list.c): an unfiltered list of a large table is not counted and pages by
// cursor ("下一页 Next / 上一页 Previous"); a narrowing filter is counted exactly up to 10,000
// and says "10000+" beyond, paging by cursor too; a small filtered set keeps page numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer();
  // 10,050 more hazards, copies of the demo's first one with fresh numbers, straight into
  // the database (the server keeps running: WAL; its scheduler's first pass over the
  // demo's overdue hazards may hold the write lock a moment, so wait for it); SQL that
  // SQLite and PostgreSQL both run
  runSql(srv.dir, `
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050)
    INSERT INTO hazards (number, status, version, reporter_id, anonymous, near_miss, area_id, unit_id,
      equipment_id, category_id, factor_code, level, criterion_id, urgency, description, assignee_id,
      rectifier_id, verifier_id, reported_at, accepted_at, respond_due, rectify_due, submitted_at,
      closed_at, overdue, overdue_at, repeat_of, on_spot, regulator_reported_at, updated_at)
    SELECT 'YH-1999-' || substr('00000' || i, length('00000' || i) - 5), status, version, reporter_id, anonymous, near_miss, area_id,
      unit_id, equipment_id, category_id, factor_code, level, criterion_id, urgency, description,
      assignee_id, rectifier_id, verifier_id, reported_at, accepted_at, respond_due, rectify_due,
      submitted_at, closed_at, overdue, overdue_at, NULL, on_spot, regulator_reported_at, updated_at
    FROM n, (SELECT * FROM hazards ORDER BY id LIMIT 1) AS first;`);
});
after(async () => { await srv.stop(); });

test('a large unfiltered list is not counted and offers next by cursor; a narrowing filter is counted', async () => {
  const c = srv.client();
  await c.apiLogin('anhuan');
  const api = await c.get('/api/v1/hazards?per_page=20');
  assert.equal(api.status, 200);
  assert.equal(api.json.total, null, 'not counted: no filter narrows 10,000+ hazards');
  assert.equal(api.json.items.length, 20);
  assert.equal(typeof api.json.next_cursor, 'string');
  assert.equal(api.json.prev_cursor, null);
  // the filter the 10,050 copies share still matches more than 10,000: counted up to the cap
  const first = api.json.items[0];
  const big = await c.get(`/api/v1/hazards?per_page=5&status=${first.status}`);
  assert.equal(big.json.total, 10000);
  assert.equal(big.json.total_capped, true);
  // a narrow one: its exact count, the same as its rows
  const narrow = await c.get('/api/v1/hazards?per_page=500&status=verifying');
  assert.equal(narrow.json.total_capped, false, 'a narrow filter still gets its exact count');
  assert.equal(narrow.json.total, narrow.json.items.length);
  // page numbers still work for existing clients, and carry the cursor of what follows
  const p2 = await c.get('/api/v1/hazards?per_page=20&page=2');
  assert.equal(p2.status, 200);
  const n2 = await c.get(`/api/v1/hazards?per_page=20&cursor=${encodeURIComponent(api.json.next_cursor)}`);
  assert.deepEqual(n2.json.items.map((h) => h.id), p2.json.items.map((h) => h.id), 'page 2 by number = by cursor');
});

test('the page: next/previous by cursor when large, page numbers when small', async () => {
  const page = srv.client();
  await page.login('anhuan');
  const html = (await page.get('/hazards')).text;
  assert.doesNotMatch(html, /page=2/, 'no page numbers on a large unfiltered list');
  const next = html.match(/<a class="button" rel="next" href="(\/hazards\?cursor=n[^"]+)">下一页<\/a>/);
  assert.ok(next, 'a next link by cursor');
  assert.doesNotMatch(html, /rel="prev"/, 'the first page has no previous');
  const ids = (h) => [...h.matchAll(/<li class="hz-item"><a href="\/hazards\/(\d+)">/g)].map((m) => Number(m[1]));
  const first = ids(html);
  assert.equal(first.length, 20);
  const second = await page.get(next[1].replaceAll('&amp;', '&'));
  assert.equal(second.status, 200);
  const secondIds = ids(second.text);
  assert.equal(secondIds.length, 20);
  assert.ok(Math.max(...secondIds) < Math.min(...first), 'the next page holds the older hazards');
  const prev = second.text.match(/<a class="button" rel="prev" href="(\/hazards\?cursor=p[^"]+)">上一页<\/a>/);
  assert.ok(prev, 'a previous link by cursor');
  const back = await page.get(prev[1].replaceAll('&amp;', '&'));
  assert.deepEqual(ids(back.text), first, 'previous leads back to the first page');
  // a filter matching more than 10,000: "10000+", still by cursor
  const c = srv.client();
  await c.apiLogin('anhuan');
  const status = (await c.get('/api/v1/hazards?per_page=1')).json.items[0].status;
  const capped = (await page.get(`/hazards?status=${status}`)).text;
  assert.match(capped, /共: 10000\+/);
  assert.match(capped, new RegExp(`rel="next" href="/hazards\\?status=${status}&amp;cursor=n`));
  // a small set: its count and page numbers
  const small = (await page.get('/hazards?status=verifying')).text;
  assert.match(small, /共: \d+/);
  assert.match(small, /页码 1 \/ \d+/);
  assert.doesNotMatch(small, /cursor=/);
});
