// tests/http/feeds.test.mjs — the HR and EAM feeds: HR file import (dry run writes nothing,
// apply, bad rows refuse the whole file), leavers deactivated with their open hazard handed to
// their team leader and a notice, the share limit refused then confirmed; the HR pull from a
// local receiver (auth header, two pages, the secret never shown back, endpoint down and
// malformed JSON recorded as failed runs); the EAM import and pull; the health score and its
// preventive task with the clock moved, opened once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql, serverNow, setClock, tick } from './lib.mjs';
import { startReceiver } from './feeds_receiver.mjs';

let srv, hr, eq, rcv, unit, area;
const TOKEN = 'k-3f9a1c';

before(async () => {
  srv = await startServer();
  hr = srv.client();
  await hr.apiLogin('renshi');
  eq = srv.client();
  await eq.apiLogin('shebei');
  unit = runSql(srv.dir, "SELECT name FROM units WHERE kind = 'workshop' AND active = 1 ORDER BY id LIMIT 1");
  area = runSql(srv.dir, 'SELECT name FROM areas WHERE active = 1 ORDER BY id LIMIT 1');
});
after(async () => {
  if (rcv) await rcv.close();
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const csv = (rows) => '\uFEFF' + rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
const HR_HEAD = ['工号', '姓名', '部门', '上级部门', '岗位', '直属上级工号', '手机', '状态'];

async function upload(client, feed, rows, { commit = false, confirm = false } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([csv(rows)]), 'feed.csv');
  if (commit) fd.append('commit', '1');
  if (confirm) fd.append('confirm', '1');
  return client.request('POST', `/api/v1/feeds/${feed}/import`, { multipart: fd });
}
const users = (where) => runSql(srv.dir, `SELECT count(*) FROM users WHERE ${where}`);

function people() {
  return [HR_HEAD,
    ['FD0001', '冯班长', '合成三班', unit, '班组长', '', '13800000001', '在职'],
    ['FD0002', '陈一', '合成三班', '', '操作工', 'FD0001', '', '在职'],
    ['FD0003', '陈二', '合成三班', '', '操作工', 'FD0001', '', '在职'],
    ['FD0004', '陈三', unit, '', '操作工', '', '', ''],
    ['FD0005', '陈四', unit, '', '操作工', '', '', '在职']];
}

test('HR file: a dry run shows the changes and writes nothing; apply creates units, positions and people', async () => {
  const dry = await upload(hr, 'hr', people());
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.applied, false);
  assert.deepEqual([dry.json.created, dry.json.units_created], [5, 1]);
  assert.ok(dry.json.changes.some((c) => c.action === 'create' && c.subject === 'FD0002'));
  assert.equal(users("employee_no LIKE 'FD%'"), '0', 'the dry run stored nothing');
  assert.equal(runSql(srv.dir, "SELECT count(*) FROM units WHERE name = '合成三班'"), '0');

  const done = await upload(hr, 'hr', people(), { commit: true });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.applied, true);
  assert.equal(users("employee_no LIKE 'FD%' AND active = 1"), '5');
  assert.equal(runSql(srv.dir, "SELECT s.employee_no FROM users u JOIN users s ON s.id = u.supervisor_id WHERE u.employee_no = 'FD0002'"), 'FD0001');
  assert.equal(runSql(srv.dir, "SELECT p.kind FROM units p JOIN units t ON t.parent_id = p.id WHERE t.name = '合成三班'"), 'workshop');
  assert.equal(runSql(srv.dir, "SELECT count(*) FROM audit_log WHERE entity = 'feeds' AND action = 'hr_import'"), '1');
  // the same file again changes nothing
  const again = await upload(hr, 'hr', people(), { commit: true });
  assert.deepEqual([again.json.created, again.json.updated, again.json.deactivated], [0, 0, 0]);
});

test('HR file: an unknown unit and a duplicate employee number refuse the whole file', async () => {
  const before = users('1 = 1');
  const rows = [...people(), ['FD0009', '王五', '不存在的车间', '', '', '', '', ''], ['FD0004', '重复', unit, '', '', '', '', '']];
  const r = await upload(hr, 'hr', rows, { commit: true });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.applied, false);
  assert.ok(r.json.error.message);
  const codes = r.json.problems.map((p) => `${p.row}:${p.field}:${p.code}`);
  assert.ok(codes.includes('7:unit:feeds.hr.unknown_unit'), codes.join());
  assert.ok(codes.includes('8:employee_no:feeds.duplicate_key'), codes.join());
  assert.equal(users('1 = 1'), before, 'nothing half-stored');
  const runs = await hr.get('/api/v1/feeds/hr/runs');
  assert.equal(runs.status, 200);
  assert.equal(runs.json.items[0].outcome, 'failed');
  assert.match(runs.json.items[0].message, /unknown_unit/);
  // the page: the same file uploaded through the form shows its problems, keeps nothing
  const web = srv.client();
  await web.login('renshi');
  assert.equal((await web.get('/admin')).text.includes('/admin/feeds/hr'), true, 'linked from the admin page');
  const form = await web.get('/admin/feeds/hr');
  assert.equal(form.status, 200);
  const fd = new FormData();
  fd.append('file', new Blob([csv(rows)]), 'roster.csv');
  fd.append('commit', '1');
  const page = await web.request('POST', '/admin/feeds/hr/import', { multipart: fd });
  assert.equal(page.status, 422);
  assert.match(page.text, /部门不存在/);
  assert.equal(users('1 = 1'), before);
});

test('HR leavers: over the share refused, then confirmed: deactivated, hazard handed to the team leader with a notice', async () => {
  runSql(srv.dir, `INSERT INTO hazards (number, status, area_id, unit_id, category_id, assignee_id, reported_at, updated_at)
    SELECT 'FD-H1', 'assigned', (SELECT min(id) FROM areas), (SELECT min(id) FROM units), (SELECT min(id) FROM hazard_categories),
    (SELECT id FROM users WHERE employee_no = 'FD0003'), 0, 0`);
  const cfg = await hr.postJson('/api/v1/feeds/hr/config', { max_leave_pct: '30' });
  assert.equal(cfg.status, 200, cfg.text);
  assert.equal(cfg.json.max_leave_pct, 30);
  // FD0003 marked as left, FD0005 absent: 2 of 5 = 40 % > 30 %
  const rows = people().filter((r) => r[0] !== 'FD0005');
  rows[3] = ['FD0003', '陈二', '合成三班', '', '操作工', 'FD0001', '', '离职'];
  const refused = await upload(hr, 'hr', rows, { commit: true });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.share_refused, true);
  assert.equal(refused.json.error.field, 'confirm');
  assert.equal(users("employee_no IN ('FD0003', 'FD0005') AND active = 1"), '2', 'nobody deactivated');

  const ok = await upload(hr, 'hr', rows, { commit: true, confirm: true });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.json.deactivated, ok.json.reassigned], [2, 1]);
  assert.equal(users("employee_no IN ('FD0003', 'FD0005') AND active = 1"), '0');
  assert.equal(runSql(srv.dir, "SELECT u.employee_no FROM hazards h JOIN users u ON u.id = h.assignee_id WHERE h.number = 'FD-H1'"), 'FD0001');
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
    WHERE u.employee_no = 'FD0001' AND n.title LIKE '%陈二%'`), '1');
  const runs = await hr.get('/api/v1/feeds/hr/runs?per_page=2');
  assert.deepEqual(runs.json.items.map((x) => x.outcome), ['applied', 'refused']);
});

test('HR pull: auth header, two pages, secret never shown; endpoint down and malformed JSON leave failed runs', async () => {
  const list = [
    { empNo: 'FD0001', fullName: '冯班长', dept: { name: '合成三班' }, post: '班组长', mobile: 13800000001 },
    { empNo: 'FD0002', fullName: '陈一', dept: { name: '合成三班' }, post: '操作工', boss: 'FD0001' },
    { empNo: 'FD0004', fullName: '陈三', dept: { name: unit }, post: '操作工' },
    { empNo: 'FD0006', fullName: '新人', dept: { name: '合成三班' }, post: '操作工', boss: 'FD0001' },
  ];
  rcv = await startReceiver({ token: TOKEN, people: list, equipment: [] });
  const mapping = JSON.stringify({ _items: 'data.list', _next: 'next', employee_no: 'empNo', name: 'fullName',
    unit: 'dept.name', position: 'post', leader_no: 'boss', phone: 'mobile' });
  const cfg = await hr.postJson('/api/v1/feeds/hr/config', { url: `${rcv.url}/people`, auth_name: 'X-Api-Key', auth: TOKEN, mapping });
  assert.equal(cfg.status, 200, cfg.text);
  assert.equal(cfg.json.auth_set, true);
  const shown = await hr.get('/api/v1/feeds/hr/config');
  assert.ok(!shown.text.includes(TOKEN), 'the secret is write-only');
  assert.ok(!(await hr.get('/admin/feeds/hr')).text.includes(TOKEN));

  const dry = await hr.postJson('/api/v1/feeds/hr/pull', {});
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual([dry.json.applied, dry.json.rows, dry.json.created], [false, 4, 1]);
  assert.equal(users("employee_no = 'FD0006'"), '0');
  const done = await hr.postJson('/api/v1/feeds/hr/pull', { commit: '1' });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.applied, true);
  assert.equal(users("employee_no = 'FD0006' AND active = 1"), '1');
  assert.ok(rcv.seen.length >= 4 && rcv.seen.every((s) => s.auth === TOKEN), JSON.stringify(rcv.seen));
  assert.ok(rcv.seen.some((s) => s.url === '/people?page=2'));

  const before = users('1 = 1');
  await hr.postJson('/api/v1/feeds/hr/config', { url: `${rcv.url}/broken` });
  const bad = await hr.postJson('/api/v1/feeds/hr/pull', { commit: '1' });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.json.error.message, /JSON/);
  await hr.postJson('/api/v1/feeds/hr/config', { url: 'http://127.0.0.1:9/people' });
  const down = await hr.postJson('/api/v1/feeds/hr/pull', { commit: '1' });
  assert.equal(down.status, 503, down.text);
  assert.equal(users('1 = 1'), before, 'nothing stored');
  const runs = await hr.get('/api/v1/feeds/hr/runs?per_page=2');
  assert.deepEqual(runs.json.items.map((x) => x.outcome), ['failed', 'failed']);
  assert.match(runs.json.items[0].message, /pull_failed/);
  await hr.postJson('/api/v1/feeds/hr/config', { url: '' });	// no scheduled pulls later on
  // the secret is stored sealed, not as typed
  assert.ok(!runSql(srv.dir, "SELECT value FROM settings WHERE key = 'feeds.hr.auth'").includes(TOKEN));
});

test('EAM: file import (unknown area refused), pull by mapping; health score and one preventive task with the clock moved', async () => {
  const now = await serverNow(srv);
  const day = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);	// the plant's day (UTC+8)
  const HEAD = ['设备编号', '设备名称', '设备类型', '区域', '特种设备类别', '最近维护日期', '状态'];
  const bad = await upload(eq, 'eam', [HEAD, ['FD-EQ1', '反应釜', '釜', '没有这个区域', '压力容器', day(now), '在用']], { commit: true });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.problems[0].code, 'feeds.eam.unknown_area');
  assert.equal(runSql(srv.dir, "SELECT count(*) FROM equipment WHERE code = 'FD-EQ1'"), '0');

  const ok = await upload(eq, 'eam', [HEAD, ['FD-EQ1', '反应釜', '釜', area, '压力容器', day(now), '在用'],
    ['FD-EQ2', '输送泵', '泵', area, '', day(now), '']], { commit: true });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.created, 2);
  assert.equal(runSql(srv.dir, "SELECT kind FROM equipment WHERE code = 'FD-EQ1'"), 'pressure_vessel');

  rcv.close();
  rcv = await startReceiver({ token: TOKEN, people: [], equipment: { rows: [{ no: 'FD-EQ3', title: '空压机', area, cls: 'general' }] } });
  let r = await eq.postJson('/api/v1/feeds/eam/config', { url: `${rcv.url}/equipment`, auth_name: 'X-Api-Key', auth: TOKEN,
    mapping: JSON.stringify({ _items: 'rows', code: 'no', name: 'title', area: 'area', special_class: 'cls' }),
    threshold: '60', w_maint: '10', grace_days: '90', w_hazard: '10' });
  assert.equal(r.status, 200, r.text);
  // the scheduled pull: not before the interval (120 minutes by default), then by the job
  await tick(srv);
  assert.equal(runSql(srv.dir, "SELECT count(*) FROM equipment WHERE code = 'FD-EQ3'"), '0');
  await setClock(srv, now + 121 * 60);
  await tick(srv);
  eq = srv.client();	// two idle hours end a sign-in
  await eq.apiLogin('shebei');
  assert.equal(runSql(srv.dir, "SELECT name FROM equipment WHERE code = 'FD-EQ3'"), '空压机');
  const runs = await eq.get('/api/v1/feeds/eam/runs?per_page=1');
  assert.deepEqual([runs.json.items[0].via, runs.json.items[0].outcome], ['pull', 'applied']);
  assert.ok(rcv.seen.some((x) => x.url === '/equipment' && x.auth === TOKEN));
  await eq.postJson('/api/v1/feeds/eam/config', { url: '' });

  // maintained today: 100 (scored by the tick above); 300 days on: (300 - 90) / 30 = 7 steps of 10 → 30, below 60
  const ids = runSql(srv.dir, "SELECT id FROM equipment WHERE code = 'FD-EQ2'");
  const health = async () => (await eq.get('/api/v1/feeds/health?per_page=500')).json.items.find((x) => x.code === 'FD-EQ2');
  let h = await health();
  assert.deepEqual([h.score, h.task_id], [100, null]);
  const page = await eq.get('/admin/feeds/eam');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('FD-EQ2'));
  assert.match((await eq.get(`/equipment/${ids}`)).text, /data-health="100"/, 'the score on the equipment page');
  assert.match((await eq.get('/equipment?all=1')).text, /data-health="100"/, 'and in the list');
  await setClock(srv, now + 300 * 86400);
  await tick(srv);
  eq = srv.client();	// the sign-in of 300 days ago has expired
  await eq.apiLogin('shebei');
  h = await health();
  assert.equal(h.score, 30);
  assert.ok(h.task_id > 0, 'a preventive task below the threshold');
  await setClock(srv, now + 300 * 86400 + 7200);
  await tick(srv);
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM feeds_health_tasks WHERE equipment_id = ${ids}`), '1', 'opened once');
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
    WHERE u.username = 'shebei' AND n.link = '/health-tasks/${h.task_id}'`), '1', 'the equipment manager told once, linked to the task');
  await setClock(srv, 0);
});
