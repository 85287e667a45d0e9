// tests/http/ranking_mine.test.mjs — the points ranking marks the viewer's own team and the
// viewer with a class and a word ("本班组", "我"), not colour alone; nobody else's rows are marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;

before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('ranking: my team and I are marked, with a visible word', async () => {
  const safety = srv.client();
  await safety.apiLogin('anhuan');
  const meta = (await safety.get('/api/v1/hazard-meta')).json;
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  const jpeg = Buffer.from(await res.arrayBuffer());
  const photo = () => { const fd = new FormData(); fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg'); return fd; };

  // a worker fixes a hazard on the spot: report and rectify points this month
  const w = srv.client();
  await w.apiLogin('yuangong');
  const me = (await w.get('/api/v1/me')).json;
  const fd = photo();
  fd.append('area_id', meta.areas.find((a) => a.name === '合成一车间 反应釜区').id);
  fd.append('category_id', meta.categories.find((c) => c.code === 'mechanical').id);
  fd.append('description', '地面油污');
  const h = (await w.request('POST', '/api/v1/hazards', { multipart: fd })).json;
  const fix = await w.request('POST', `/api/v1/hazards/${h.id}/fix_on_spot`, { multipart: photo() });
  assert.equal(fix.status, 200, fix.text);

  const page = srv.client();
  await page.login('yuangong');
  const r = await page.get('/hazards/ranking');
  assert.equal(r.status, 200);
  const mine = [...r.text.matchAll(/<tr class="mine">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  assert.equal(mine.length, 2, 'exactly one team row and one person row are marked');
  assert.match(mine[0], /<strong class="me-tag">（本班组）<\/strong>/);
  assert.match(mine[1], new RegExp(`${me.name} <strong class="me-tag">（我）</strong>`));

  // someone else sees no "me" on the worker's row
  const other = srv.client();
  await other.login('anhuan');
  const o = await other.get('/hazards/ranking');
  assert.doesNotMatch(o.text, new RegExp(`${me.name} <strong class="me-tag">`));
});
