// tests/http/duplicates.test.mjs — a report at the place and category of a hazard still open is
// flagged as a probable duplicate (with a link to the open one) and the accepter can merge it:
// the new report ends cancelled, linked to the original, the reporter keeps the report points,
// and the original is not touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv, jpeg, meta;

before(async () => {
  srv = await startServer();
  const safety = srv.client();
  await safety.apiLogin('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  jpeg = Buffer.from(await res.arrayBuffer());
});
after(async () => { await srv.stop(); });

async function report(c, description) {
  const fd = new FormData();
  fd.append('area_id', meta.areas.find((a) => a.name === '合成一车间 反应釜区').id);
  fd.append('category_id', meta.categories.find((x) => x.code === 'electrical').id);
  fd.append('description', description);
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
  const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// the viewer's own points this month, read from their marked row in the ranking (0 if absent)
async function myPoints(page) {
  const r = await page.get('/hazards/ranking');
  const people = r.text.split('</h2>')[2] || '';
  const m = people.match(/<tr class="mine">(?:[\s\S]*?<td>){3}(\d+)<\/td><\/tr>/);
  return m ? Number(m[1]) : 0;
}

test('a report at the place of an open hazard is flagged, merged, and still earns its points', async () => {
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  const workerPage = srv.client();
  await workerPage.login('yuangong');
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  const leaderPage = srv.client();
  await leaderPage.login('banzhang');

  const original = await report(worker, '配电箱门未关，接线裸露');
  const before = (await leader.get(`/api/v1/hazards/${original.id}`)).json;
  const first = await leaderPage.get(`/hazards/${original.id}`);
  assert.doesNotMatch(first.text, /hz-duplicate/, 'the first report is not a duplicate of itself');
  assert.doesNotMatch(first.text, /name="action" value="merge"/, 'nothing to merge into');

  const points0 = await myPoints(workerPage);
  const dup = await report(worker, '反应釜区配电箱敞开');

  // flagged: the new hazard's page (the accepter's view) names and links the open one
  const page = await leaderPage.get(`/hazards/${dup.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`class="hz-duplicate">同一地点、同一类别已有未关闭的隐患： <a href="/hazards/${original.id}">${original.number}</a>`));
  // the merge button comes from the transition table, for whoever may accept
  assert.match(page.text, /<input type="hidden" name="action" value="merge">/);
  const workerView = await workerPage.get(`/hazards/${dup.id}`);
  assert.doesNotMatch(workerView.text, /name="action" value="merge"/, 'a worker cannot merge');
  assert.equal((await worker.request('POST', `/hazards/${dup.id}/act`, { form: { action: 'merge' } })).status, 403);

  // merged
  const m = await leaderPage.request('POST', `/hazards/${dup.id}/act`, { form: { action: 'merge' } });
  assert.ok(m.status === 303 || m.status === 200, m.text);
  const after = (await leader.get(`/api/v1/hazards/${dup.id}`)).json;
  assert.equal(after.status, 'cancelled');
  const merged = await leaderPage.get(`/hazards/${dup.id}`);
  assert.match(merged.text, new RegExp(`已合并到 <a href="/hazards/${original.id}">${original.number}</a>`));
  assert.match(merged.text, /合并到原隐患/, 'the timeline names the merge');

  // the reporter's report points are awarded
  assert.equal(await myPoints(workerPage), points0 + 2);

  // the original is unchanged
  const orig = (await leader.get(`/api/v1/hazards/${original.id}`)).json;
  assert.equal(orig.status, before.status);
  assert.equal(orig.version, before.version);
  assert.equal(orig.assignee_id, before.assignee_id);

  // merging twice, or merging a report that is no duplicate, is refused
  assert.equal((await leaderPage.request('POST', `/hazards/${dup.id}/act`, { form: { action: 'merge' } })).status, 409);
  const refused = await leaderPage.request('POST', `/hazards/${original.id}/act`, { form: { action: 'merge' } });
  assert.equal(refused.status, 409);
});

test('POST /api/v1/hazards/:id/merge merges over the API, is in the OpenAPI document with its schemas, and is refused to a worker', async () => {
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  const original = await report(worker, '电缆桥架盖板缺失');
  const dup = await report(worker, '桥架盖板掉了');
  assert.equal((await leader.get(`/api/v1/hazards/${dup.id}`)).json.duplicate_of, original.id, 'flagged at report time');
  assert.equal((await worker.postJson(`/api/v1/hazards/${dup.id}/merge`, {})).status, 403);
  const m = await leader.postJson(`/api/v1/hazards/${dup.id}/merge`, { note: '同一处' });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.status, 'cancelled');
  assert.equal(m.json.duplicate_of, original.id);
  assert.equal(m.json.events.at(-1).action, 'merge');
  // twice: 409 (a report that repeats nothing is refused the same way, tested above)
  assert.equal((await leader.postJson(`/api/v1/hazards/${dup.id}/merge`, {})).status, 409);
  // the document describes the route with its own request and response schemas
  const op = (await srv.client().get('/api/v1/openapi.json')).json.paths['/api/v1/hazards/{id}/merge'].post;
  assert.equal(op['x-permission'], 'hazard.handle');
  assert.equal(op.requestBody.content['application/json'].schema.properties.note.type, 'string');
  const out = op.responses['200'].content['application/json'].schema;
  assert.ok(out.required.includes('duplicate_of'));
  assert.deepEqual(out.properties.status.enum, ['cancelled']);
});
