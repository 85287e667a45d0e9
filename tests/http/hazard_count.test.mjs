// tests/http/hazard_count.test.mjs — hazard lists count matches only up to 10,000 and say
// "10000+" beyond (an exact count over a plant's million hazards costs seconds); the pager
// still offers the next page.
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

test('the API says the total is capped, the page says 10000+ and offers the next page', async () => {
  const c = srv.client();
  await c.apiLogin('anhuan');
  const api = await c.get('/api/v1/hazards?per_page=20');
  assert.equal(api.status, 200);
  assert.equal(api.json.total, 10000);
  assert.equal(api.json.total_capped, true);
  assert.equal(api.json.items.length, 20);
  const narrow = await c.get('/api/v1/hazards?per_page=5&status=verifying');
  assert.equal(narrow.json.total_capped, false, 'a narrow filter still gets its exact count');
  const page = srv.client();
  await page.login('anhuan');
  const html = (await page.get('/hazards')).text;
  assert.match(html, /10000\+/);
  assert.match(html, /page=2/);
});
