// tests/http/feeds_tasks.test.mjs — the health score's preventive task has pages: with the
// clock moved a device falls below the threshold and the job opens a task; the equipment
// manager finds it in the list, on the home page's "waiting for me" and from the device's page;
// its page shows the device and each score factor with what it costs; a person outside it (no
// equipment permission, not assigned) gets 404; closing needs a note (refused naming the field,
// what was typed kept on the page), is audited, and the job opens no new task for the days
// set; closing with "maintenance done" records the maintenance, so the score recovers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql, serverNow, setClock, tick } from './lib.mjs';

let srv, eq, now, equipId, taskId;
const q = (sql) => runSql(srv.dir, sql);
const csv = (rows) => '\uFEFF' + rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
const day = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);	// the plant's day (UTC+8)

async function signIn() {
  eq = srv.client();	// the clock jumps past a sign-in's idle time
  await eq.apiLogin('shebei');
}
async function at(t) {
  await setClock(srv, t);
  await tick(srv);
  await signIn();
}

before(async () => {
  srv = await startServer();
  now = await serverNow(srv);
  await signIn();
  const area = q('SELECT name FROM areas WHERE active = 1 ORDER BY id LIMIT 1');
  const fd = new FormData();
  fd.append('file', new Blob([csv([['设备编号', '设备名称', '设备类型', '区域', '特种设备类别', '最近维护日期', '状态'],
    ['HT-EQ1', '循环水泵', '泵', area, '', day(now), '在用']])]), 'eam.csv');
  fd.append('commit', '1');
  const r = await eq.request('POST', '/api/v1/feeds/eam/import', { multipart: fd });
  assert.equal(r.status, 200, r.text);
  equipId = q("SELECT id FROM equipment WHERE code = 'HT-EQ1'");
  await at(now);
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a task opened by the score: listed, on the home page and the device page, its factors shown', async () => {
  await at(now + 300 * 86400);	// 300 days without maintenance: (300 - 90) / 30 = 7 steps of 10 → 30
  const list = (await eq.get('/api/v1/feeds/health-tasks')).json;
  const t = list.items.find((x) => x.code === 'HT-EQ1');
  assert.ok(t, JSON.stringify(list));
  taskId = t.id;
  assert.deepEqual([t.open, t.score, t.score_now, t.closed_at], [true, 30, 30, null]);
  const one = (await eq.get(`/api/v1/feeds/health-tasks/${taskId}`)).json;
  const days = one.factors.find((f) => f.factor === 'days_since_maintenance');
  assert.deepEqual([days.value, days.cost], [300, 70]);
  assert.equal(one.factors.reduce((a, f) => a + f.cost, 0), 100 - one.score_now, 'the factors add up to the score');
  // the pages
  const web = srv.client();
  await web.login('shebei');
  const home = await web.get('/');
  assert.match(home.text, /href="\/health-tasks\?todo=mine" data-todo="feeds.todo.health"/, 'waiting for me');
  const mine = (await eq.get('/api/v1/feeds/health-tasks?todo=mine')).json;
  assert.ok(mine.items.some((x) => x.id === taskId), 'the home line\'s list holds it');
  assert.match((await web.get(`/equipment/${equipId}`)).text, new RegExp(`href="/health-tasks/${taskId}"`), 'linked from the device');
  const listPage = await web.get('/health-tasks');
  assert.equal(listPage.status, 200);
  assert.match(listPage.text, new RegExp(`href="/health-tasks/${taskId}"`));
  const page = await web.get(`/health-tasks/${taskId}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /class="ht-factors"/);
  assert.match(page.text, new RegExp(`href="/equipment/${equipId}"`));
  assert.match(page.text, /−70/);
  assert.match(page.text, /name="note"/);
  // someone with no equipment permission and not assigned: not found, and an empty list
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  assert.equal((await worker.get(`/api/v1/feeds/health-tasks/${taskId}`)).status, 404);
  assert.equal((await worker.postJson(`/api/v1/feeds/health-tasks/${taskId}/close`, { note: 'x' })).status, 404);
  assert.equal((await worker.get('/api/v1/feeds/health-tasks')).json.total, 0);
  // a bad filter names its parameter
  assert.equal((await eq.get('/api/v1/feeds/health-tasks?state=maybe')).status, 400);
});

test('closing needs a note; a closed task is not reopened for the days set; maintenance lets the score recover', async () => {
  let r = await eq.postJson(`/api/v1/feeds/health-tasks/${taskId}/close`, { note: '   ' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'note');
  const web = srv.client();
  await web.login('shebei');
  await web.get(`/health-tasks/${taskId}`);
  const form = await web.post(`/health-tasks/${taskId}/close`, { note: 'x'.repeat(501) });
  assert.equal(form.status, 422);
  assert.ok(form.text.includes('x'.repeat(501)), 'what was typed is kept');
  r = await web.post(`/health-tasks/${taskId}/close`, { note: '已检查密封，待备件到货后更换' });
  assert.equal(r.status, 303);
  const closed = (await eq.get(`/api/v1/feeds/health-tasks/${taskId}`)).json;
  assert.deepEqual([closed.open, closed.closed_how, closed.close_note], [false, 'closed', '已检查密封，待备件到货后更换']);
  assert.ok(closed.closed_by);
  assert.equal(q(`SELECT count(*) FROM audit_log WHERE entity = 'feeds_health_task' AND entity_id = ${taskId} AND action = 'close'`), '1');
  assert.equal((await eq.postJson(`/api/v1/feeds/health-tasks/${taskId}/close`, { note: 'again' })).status, 409);
  assert.match((await web.get(`/health-tasks/${taskId}?closed=1`)).text, /已检查密封/);
  // still below the threshold, but closed by hand lately: no new task within 7 days
  await at(now + 302 * 86400);
  assert.equal(q(`SELECT count(*) FROM feeds_health_tasks WHERE equipment_id = ${equipId}`), '1');
  // past the 7 days: a new one
  await at(now + 308 * 86400);
  const open = (await eq.get('/api/v1/feeds/health-tasks?state=open')).json.items.filter((x) => x.code === 'HT-EQ1');
  assert.equal(open.length, 1);
  assert.notEqual(open[0].id, taskId);
  // closed with maintenance done: recorded, and the next scoring is back to 100 with no task
  r = await eq.postJson(`/api/v1/feeds/health-tasks/${open[0].id}/close`, { note: '更换机械密封', maintenance: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(q(`SELECT count(*) FROM equip_maintenance WHERE equipment_id = ${equipId} AND description = '更换机械密封'`), '1');
  await at(now + 308 * 86400 + 3 * 3600);
  assert.equal(q(`SELECT score FROM feeds_equipment WHERE equipment_id = ${equipId}`), '100');
  assert.equal(q(`SELECT count(*) FROM feeds_health_tasks WHERE equipment_id = ${equipId} AND closed_at = 0`), '0');
  const all = (await eq.get('/api/v1/feeds/health-tasks?state=all')).json.items.filter((x) => x.code === 'HT-EQ1');
  assert.equal(all.length, 2);
  await setClock(srv, 0);
});
