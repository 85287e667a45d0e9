// tests/http/check.test.mjs — hazard checks and rounds (隐患排查 · 巡检) over HTTP: tasks generated
// from control measures for each cycle unit across a month and a year end (the clock moved),
// idempotently; a missed task told to its person and escalated to the unit head, then to the
// safety department; the scan requirement, a reading that is not a number, a record outside its
// window and a double submit; a failed item filed as a hazard that sends its control measure's
// risk back for re-assessment; a device out of use suspending its tasks; checklist versions a
// record keeps; coverage against a hand-computed data set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, tick } from './lib.mjs';
import { png } from './images.mjs';
import { execFileSync } from 'node:child_process';

let srv, meta;
const ids = {};
// The test's days lie in 2054–2059, which fall on the same weekdays as 2026–2031 (the calendar
// repeats every 28 years), far past the demo's three months of check records before the
// server's start: the dates run starts servers as late as 2028, and a fixed day inside the
// demo's history finds its tasks already done.
// local (UTC+8) wall time as UTC seconds
const local = (y, m, d, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000 - 8 * 3600;

async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

async function photo(c) {
  const fd = new FormData();
  fd.append('photo', new Blob([png(64, 48, (x, y) => [x * 4, y * 5, 90])], { type: 'image/png' }), 'p.png');
  const r = await c.request('POST', '/api/v1/photos', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json.sha256;
}

// the tasks of a local day, of the measures named, as {unit: task}
async function tasksOf(day, measures) {
  const c = await api('anhuan');
  const r = await c.get(`/api/v1/check/tasks?all=1&day=${day}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((t) => measures.includes(t.measure_id));
}

before(async () => {
  srv = await startServer();
  const safety = await api('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  ids.yuangong = (await (await api('yuangong')).get('/api/v1/me')).json.id;
  ids.shebei = (await (await api('shebei')).get('/api/v1/me')).json.id;
  const areas = (await safety.get('/api/v1/areas')).json.items;
  ids.area = areas.find((a) => a.name === '合成一车间 反应釜区');
  const choices = (await safety.get('/api/v1/risk/choices')).json;
  ids.fire = choices.accident_types.find((a) => a.list === '2025' && a.code === 'fire').id;
  // object A in workshop one, one measure per cycle unit, all 张三's
  let r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '测试排查对象', unit_id: ids.area.unit_id, area_id: ids.area.id });
  assert.equal(r.status, 201, r.text);
  ids.objA = r.json.id;
  r = await safety.postJson('/api/v1/risk/units', { object_id: ids.objA, name: '测试单元' });
  r = await safety.postJson('/api/v1/risk/events', { risk_unit_id: r.json.id, name: '测试泄漏着火', accident_type_id: ids.fire });
  ids.eventA = r.json.id;
  ids.m = {};
  for (const [key, cycle, unit, ws, we] of [['hour', 4, 'hour', 480, 1080], ['day', 1, 'day', 0, 1440], ['week', 1, 'week', 0, 1440],
    ['month', 1, 'month', 0, 1440], ['quarter', 3, 'month', 0, 1440], ['year', 1, 'year', 0, 1440]]) {
    r = await safety.postJson('/api/v1/risk/measures', { event_id: ids.eventA, description: `测试措施-${key}`, classify1: 'eng',
      control_level: 'workshop', check_content: '联锁投用完好', resp_user_id: ids.yuangong, check_cycle: cycle, check_cycle_unit: unit,
      work_start: ws, work_end: we });
    assert.equal(r.status, 201, r.text);
    ids.m[key] = r.json.id;
  }
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('tasks for each cycle unit across the month and year end, once each', async () => {
  const all = Object.values(ids.m);
  await setClock(srv, local(2054, 12, 31, 9));
  await tick(srv);
  const win = (ts, key) => ts.filter((t) => t.measure_id === ids.m[key]).map((t) => [t.window_start, t.window_end]);
  let ts = await tasksOf('2054-12-31', all);
  assert.deepEqual(win(ts, 'hour'), [[local(2054, 12, 31, 8), local(2054, 12, 31, 12)], [local(2054, 12, 31, 12), local(2054, 12, 31, 16)],
    [local(2054, 12, 31, 16), local(2054, 12, 31, 18)]], 'every 4 h inside 08:00–18:00, the last slot cut at the end');
  assert.deepEqual(win(ts, 'day'), [[local(2054, 12, 31), local(2055, 1, 1)]]);
  assert.deepEqual(win(ts, 'week'), [[local(2054, 12, 28), local(2055, 1, 4)]], 'Monday to Sunday across the year end');
  assert.deepEqual(win(ts, 'month'), [[local(2054, 12, 1), local(2055, 1, 1)]]);
  assert.deepEqual(win(ts, 'quarter'), [[local(2054, 10, 1), local(2055, 1, 1)]]);
  assert.deepEqual(win(ts, 'year'), [[local(2054, 1, 1), local(2055, 1, 1)]]);
  ids.dec31 = ts.find((t) => t.measure_id === ids.m.day).id;
  ids.week = ts.find((t) => t.measure_id === ids.m.week).id;
  await setClock(srv, local(2055, 1, 1, 0, 30));
  await tick(srv);
  await tick(srv);	// twice: nothing is made twice
  ts = await tasksOf('2055-01-01', all);
  assert.deepEqual(win(ts, 'day'), [[local(2055, 1, 1), local(2055, 1, 2)]]);
  assert.deepEqual(win(ts, 'week'), [[local(2054, 12, 28), local(2055, 1, 4)]]);
  assert.equal(ts.find((t) => t.measure_id === ids.m.week).id, ids.week, 'the same weekly task, not a second');
  assert.deepEqual(win(ts, 'month'), [[local(2055, 1, 1), local(2055, 2, 1)]]);
  assert.deepEqual(win(ts, 'quarter'), [[local(2055, 1, 1), local(2055, 4, 1)]]);
  assert.deepEqual(win(ts, 'year'), [[local(2055, 1, 1), local(2056, 1, 1)]]);
  assert.equal(win(ts, 'hour').length, 3);
  const old = await tasksOf('2054-12-31', all);
  assert.equal(old.find((t) => t.id === ids.dec31).status, 'missed', "yesterday's task was not done in its window");
  assert.equal(old.filter((t) => t.measure_id === ids.m.month).length, 1, 'one task per window');
  assert.equal(old.find((t) => t.measure_id === ids.m.year).status, 'missed');
});

test('a missed check is told to its person, then escalated to the unit head and the safety department', async () => {
  // one message a day per person, however many tasks it covers (a round every 2 h would bury the inbox)
  const inbox = async (u, link) => (await (await api(u)).get('/api/v1/inbox')).json.items.filter((n) => n.link === link);
  const mine = await inbox('yuangong', '/checks');
  assert.ok(mine.length >= 1, 'told');
  for (const n of mine) assert.match(n.title, /^漏检 \d+$/, 'with the count of his missed checks');
  await tick(srv);
  assert.equal((await inbox('yuangong', '/checks')).length, mine.length, 'once a day');
  // (tasks the server made at start-up, in real time, were escalated at the first tick: count from here)
  const head0 = (await inbox('ws1zhuren', '/checks/missed')).length, safety0 = (await inbox('anhuan', '/checks/missed')).length;
  await setClock(srv, local(2055, 1, 2, 1));
  await tick(srv);
  assert.equal((await inbox('ws1zhuren', '/checks/missed')).length, head0 + 1, 'a day late: the head of workshop one');
  assert.equal((await inbox('anhuan', '/checks/missed')).length, safety0, 'not yet the safety department');
  await setClock(srv, local(2055, 1, 3, 1));
  await tick(srv);
  await tick(srv);
  assert.equal((await inbox('anhuan', '/checks/missed')).length, safety0 + 1, 'two days late: the safety department, once');
  const c = await api('anhuan');
  const t = (await c.get(`/api/v1/check/tasks/${ids.dec31}`)).json;
  assert.equal(t.status, 'missed');
});

test('a round is started by scanning; bad readings, wrong windows and double submits are refused or merged', async () => {
  await setClock(srv, local(2055, 1, 4, 9));
  await tick(srv);
  const w = await api('yuangong');
  const mine = (await w.get('/api/v1/check/tasks?day=2055-01-04')).json.items.filter((t) => t.origin === 'plan');
  const first = mine.find((t) => t.window_start === local(2055, 1, 4, 8) && t.seq === 1);
  const later = mine.find((t) => t.window_start === local(2055, 1, 4, 10) && t.seq === 1);
  assert.ok(first && later, 'the day round every 2 h');
  assert.equal(first.require_scan, true);
  const task = (await w.get(`/api/v1/check/tasks/${first.id}`)).json;
  assert.equal(task.items.length, 10);
  const points = (await (await api('anhuan')).get('/api/v1/check/points')).json.items;
  const here = points.find((p) => p.id === first.point_id), other = points.find((p) => p.name === '投料平台');
  const sha = await photo(w);
  const answers = task.items.map((i) => ({ item_id: i.id, value: i.kind === 'number' ? (i.min + i.max) / 2 : 'pass' }));
  answers[0] = { item_id: task.items[0].id, value: 'fail', photo: sha };
  let r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', answers });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'scan_id', 'not scanned');
  const wrong = (await w.postJson('/api/v1/check/scans', { token: other.token })).json.scan_id;
  r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', scan_id: wrong, answers });
  assert.equal(r.json.error.field, 'scan_id', "another checkpoint's scan");
  r = await w.postJson('/api/v1/check/scans', { token: here.token });
  assert.equal(r.status, 201, r.text);
  assert.ok(r.json.tasks.some((t) => t.id === first.id), 'the scan names the task due here');
  const scan = r.json.scan_id;
  const numeric = task.items.find((i) => i.kind === 'number');
  const bad = answers.map((a) => (a.item_id === numeric.id ? { item_id: a.item_id, value: '十二' } : a));
  r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', scan_id: scan, answers: bad });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, `item_${numeric.id}`);
  const nophoto = answers.map((a, i) => (i === 0 ? { item_id: a.item_id, value: 'fail' } : a));
  r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', scan_id: scan, answers: nophoto });
  assert.equal(r.json.error.field, `item_${task.items[0].id}`, 'a failed item needs its photo');
  assert.equal((await w.get(`/api/v1/check/tasks/${first.id}`)).json.status, 'open', 'nothing stored');
  r = await w.postJson('/api/v1/check/records', { task_id: later.id, idem_key: 'k0', scan_id: scan, answers });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'task_id', 'the 10:00 round is not open yet');
  await setClock(srv, local(2055, 1, 4, 9, 12));
  r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', scan_id: scan, answers });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.failed, 1);
  assert.equal(r.json.on_site_seconds, 12 * 60, 'from the scan to the record');
  assert.equal(r.json.template_version, 1);
  ids.roundRecord = r.json.id;
  const again = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k1', scan_id: scan, answers });
  assert.equal(again.status, 200, 'a network retry finds the stored record');
  assert.equal(again.json.id, r.json.id);
  assert.equal(again.json.duplicate, true);
  r = await w.postJson('/api/v1/check/records', { task_id: first.id, idem_key: 'k2', scan_id: scan, answers });
  assert.equal(r.status, 409, 'a second record of a done task');
  // NFC tags are accepted in either case
  r = await w.postJson('/api/v1/check/scans', { nfc_id: '04a1b2c3d4e501' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.point_id, points.find((p) => p.nfc_id === '04A1B2C3D4E501').id);
  assert.equal((await w.postJson('/api/v1/check/scans', { token: 'nope' })).json.error.field, 'token');
  // the QR label's URL records a scan and opens the task
  const page = srv.client();
  await page.login('yuangong');
  const q = await page.get(`/c/${other.token}`);
  assert.equal(q.status, 303);
  const home = await page.get('/');
  assert.match(home.text, /href="\/checks\?todo=due" data-todo="[^"]*"><span>待做的排查任务/, 'the home page lists the checks due now');
  assert.match(q.location, new RegExp(`^/checks/tasks/${mine.find((t) => t.point_id === other.id && t.window_start === first.window_start).id}\\?scan=\\d+$`));
  // a new checklist version; the record keeps the one it was made with
  const safety = await api('anhuan');
  r = await safety.postJson(`/api/v1/check/templates/${first.template_id}/versions`, { items: [{ kind: 'pass_fail', label: '只剩一项' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, 2);
  assert.equal(r.json.items.length, 1);
  r = await safety.postJson(`/api/v1/check/templates/${first.template_id}/versions`, { items: [{ kind: 'number', label: '无上下限' }] });
  assert.equal(r.json.error.field, 'items[0].min');
  const rec = (await w.get(`/api/v1/check/records/${ids.roundRecord}`)).json;
  assert.equal(rec.template_version, 1);
  assert.equal(rec.results.length, 10);
});

test('a failed item becomes a hazard in one step, and its control measure sends the risk back for re-assessment', async () => {
  const w = await api('yuangong');
  const t = (await w.get('/api/v1/check/tasks?day=2055-01-04')).json.items.find((x) => x.measure_id === ids.m.day);
  const task = (await w.get(`/api/v1/check/tasks/${t.id}`)).json;
  assert.equal(task.require_scan, false);
  const sha = await photo(w);
  let r = await w.postJson('/api/v1/check/records', { task_id: t.id, idem_key: 'm1', answers: [{ item_id: task.items[0].id, value: 'fail',
    photo: sha, note: '联锁旁路未恢复' }] });
  assert.equal(r.status, 201, r.text);
  const rec = r.json.id;
  // the record's photo, before it is any hazard's: shown on the record page, served to its
  // maker and to whoever sees the record's unit, 404 to a person outside that scope
  const shot = `/checks/records/${rec}/photos/${sha}`;
  const wp = srv.client();
  await wp.login('yuangong');
  assert.match((await wp.get(`/checks/records/${rec}`)).text, new RegExp(`src="${shot}\\?thumb=1"`));
  for (const who of ['yuangong', 'ws1zhuren']) {
    const g = await (await api(who)).request('GET', `${shot}?thumb=1`);
    assert.equal(g.status, 200, who);
    assert.equal(g.headers.get('content-type'), 'image/jpeg');
  }
  const outside = await api('u011');
  assert.equal((await outside.request('GET', shot)).status, 404, 'a team leader of workshop two does not see workshop one');
  assert.equal((await outside.request('GET', `/photos/${sha}`)).status, 404);
  assert.equal((await w.request('GET', `/checks/records/${rec}/photos/${'0'.repeat(64)}`)).status, 404, 'not this record\'s photo');
  r = await w.postJson(`/api/v1/check/records/${rec}/items/${task.items[0].id}/hazard`, {});
  assert.equal(r.status, 201, r.text);
  const hid = r.json.hazard_id;
  const h = (await w.get(`/api/v1/hazards/${hid}`)).json;
  assert.equal(h.area_id, ids.area.id, 'filed at the place of the checked object');
  assert.match(h.description, /联锁旁路未恢复/);
  r = await w.postJson(`/api/v1/check/records/${rec}/items/${task.items[0].id}/hazard`, {});
  assert.equal(r.json.hazard_id, hid, 'one failure, one hazard');
  assert.equal((await w.get(`/api/v1/check/records/${rec}`)).json.results[0].hazard_id, hid);
  await tick(srv);
  const tasks = (await (await api('ws1zhuren')).get('/api/v1/risk/tasks')).json.items.filter((x) => x.event_id === ids.eventA);
  assert.deepEqual(tasks.filter((x) => x.reason === 'measure_failure').map((x) => x.hazard_id), [hid],
    'source 9 with the measure: the risk module opened a re-assessment');
});

test('a device out of use suspends its tasks for the period (is_defend), neither due nor missed', async () => {
  const safety = await api('anhuan');
  // meanwhile a checklist of its own for the daily measure, from the next task on
  const base = { name: '联锁日检', kind: 'post_daily', unit_id: ids.area.unit_id, bindings: [{ target: 'measure', target_id: ids.m.day }] };
  let tpl = await safety.postJson('/api/v1/check/templates', { ...base, items: [] });
  assert.equal(tpl.json.error.field, 'items');
  tpl = await safety.postJson('/api/v1/check/templates', { ...base, items: [{ kind: 'gauge', label: 'x' }] });
  assert.equal(tpl.json.error.field, 'items[0].kind');
  tpl = await safety.postJson('/api/v1/check/templates', { ...base, items: [{ kind: 'pass_fail', label: '联锁投用' },
    { kind: 'number', label: '联锁设定值', min: 80, max: 90, unit: '℃' }] });
  assert.equal(tpl.status, 201, tpl.text);
  ids.dayTemplate = tpl.json.id;
  let r = await safety.postJson('/api/v1/check/stops', { object_id: ids.objA, start: '2055-01-06', end: '2055-01-05', reason: '检修' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'end');
  r = await safety.postJson('/api/v1/check/stops', { object_id: ids.objA, start: '2055-01-05', end: '2055-01-06', reason: '年度检修' });
  assert.equal(r.status, 201, r.text);
  await setClock(srv, local(2055, 1, 5, 9));
  await tick(srv);
  const t = (await tasksOf('2055-01-05', [ids.m.day]))[0];
  assert.equal(t.status, 'suspended');
  assert.equal(t.is_defend, true);
  const w = await api('yuangong');
  const task = (await w.get(`/api/v1/check/tasks/${t.id}`)).json;
  // what the person found at the stopped device is recorded, marked out of use (isDefend);
  // the task stays suspended (neither done nor missed), and a second record is refused
  const wp = srv.client();
  await wp.login('yuangong');
  assert.match((await wp.get(`/checks/tasks/${t.id}`)).text, /id="defend"[\s\S]*class="stack ck-form"/);
  const answers = task.items.map((i) => ({ item_id: i.id, value: i.kind === 'number' ? '85' : 'pass' }));
  r = await w.postJson('/api/v1/check/records', { task_id: t.id, idem_key: 's1', answers });
  assert.equal(r.status, 201, r.text);
  const rec = (await w.get(`/api/v1/check/records/${r.json.id}`)).json;
  assert.equal(rec.is_defend, true);
  assert.equal((await tasksOf('2055-01-05', [ids.m.day]))[0].status, 'suspended');
  r = await w.postJson('/api/v1/check/records', { task_id: t.id, idem_key: 's2', answers });
  assert.equal(r.status, 409);
  assert.match((await wp.get(`/checks/records/${rec.id}`)).text, /notice-warn/);
  await setClock(srv, local(2055, 1, 7, 9));
  await tick(srv);
  assert.equal((await tasksOf('2055-01-05', [ids.m.day]))[0].status, 'suspended', 'not missed');
  const back = (await tasksOf('2055-01-07', [ids.m.day]))[0];
  assert.equal(back.status, 'open', 'back after the period');
  assert.equal(back.template_id, ids.dayTemplate, "the measure's own checklist");
});

test('coverage per unit against a hand-computed data set', async () => {
  // a unit of its own: an area of the equipment department with two daily measures of 马建军's
  const admin = await api('admin');
  const eqd = (await admin.get('/api/v1/units')).json.items.find((u) => u.name === '设备动力部').id;
  let r = await admin.postJson('/api/v1/areas', { name: '测试设备库', unit_id: eqd, radius_m: 50 });
  assert.equal(r.status, 201, r.text);
  const area = r.json.id;
  const safety = await api('anhuan');
  r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: '设备库', unit_id: eqd, area_id: area });
  r = await safety.postJson('/api/v1/risk/units', { object_id: r.json.id, name: '库房' });
  r = await safety.postJson('/api/v1/risk/events', { risk_unit_id: r.json.id, name: '库房火灾', accident_type_id: ids.fire });
  const ev = r.json.id, m = [];
  for (const name of ['甲', '乙']) {
    r = await safety.postJson('/api/v1/risk/measures', { event_id: ev, description: `措施${name}`, classify1: 'emerg', control_level: 'team',
      resp_user_id: ids.shebei, check_cycle: 1, check_cycle_unit: 'day' });
    m.push(r.json.id);
  }
  // 2059-03-10..12: 甲 done, done, missed; 乙 done, done (one item failed, filed as a hazard), done;
  // one hazard reported directly in the unit
  const record = async (day, measure, fail) => {
    const c = await api('shebei');
    const t = (await c.get(`/api/v1/check/tasks?day=2059-03-${day}`)).json.items.find((x) => x.measure_id === measure);
    const item = (await c.get(`/api/v1/check/tasks/${t.id}`)).json.items[0];
    const a = fail ? { item_id: item.id, value: 'fail', photo: await photo(c) } : { item_id: item.id, value: 'pass' };
    const res = await c.postJson('/api/v1/check/records', { task_id: t.id, idem_key: `c-${day}-${measure}`, answers: [a] });
    assert.equal(res.status, 201, res.text);
    if (fail) assert.equal((await c.postJson(`/api/v1/check/records/${res.json.id}/items/${item.id}/hazard`, {})).status, 201);
  };
  for (const [day, plan] of [[10, [[m[0]], [m[1]]]], [11, [[m[0]], [m[1], true]]], [12, [[m[1]]]]]) {
    await setClock(srv, local(2059, 3, day, 10));
    await tick(srv);
    for (const [measure, fail] of plan) await record(day, measure, fail);
    if (day === 11) {
      const c = await api('shebei');
      const fd = new FormData();
      fd.append('area_id', area);
      fd.append('category_id', meta.categories[0].id);
      fd.append('description', '库房灭火器过期');
      fd.append('photo', new Blob([png(40, 40)], { type: 'image/png' }), 'p.png');
      assert.equal((await c.request('POST', '/api/v1/hazards', { multipart: fd })).status, 201);
    }
  }
  await setClock(srv, local(2059, 3, 13, 10));
  await tick(srv);
  r = await (await api('anhuan')).get(`/api/v1/check/coverage?from=2059-03-10&to=2059-03-12&unit_id=${eqd}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.total, { measures: 2, measures_covered: 1, coverage: 50, tasks: 6, done: 5, missed: 1, failed_items: 1,
    hazards_by_checks: 1, hazards_other: 1 });
  assert.equal(r.json.units.length, 1);
  assert.equal(r.json.units[0].unit, '设备动力部');
  // the same figures on the dashboard and in the monthly report
  const page = srv.client();
  await page.login('anhuan');
  for (const path of [`/dashboard?unit=${eqd}&month=2059-03`, `/reports/monthly?unit=${eqd}&month=2059-03`]) {
    const html = (await page.get(path)).text;
    assert.match(html, /id="check-coverage"/, path);
    assert.match(html, /<tr class="total"><td>合计<\/td><td>50\.0%<\/td><td>1<\/td><td>1<\/td><td>1<\/td><td>1<\/td><\/tr>/, path);
  }
  // the calendar of that unit: done and missed per day, the same 5 and 1 (cards below 600 px)
  const cal = (await page.get(`/checks/calendar?month=2059-03&unit=${eqd}`)).text;
  assert.match(cal, /<table id="calendar" class="cards">/);
  const days = [...cal.matchAll(/data-day="2059-03-(\d\d)"><td>[^<]*<\/td><td class="num" data-label="[^"]*">(\d+)<\/td><td class="num[^"]*" data-label="[^"]*">(\d+)<\/td>/g)];
  assert.equal(days.length, 31);
  const sum = (k) => days.filter((x) => ['10', '11', '12'].includes(x[1])).reduce((a, x) => a + Number(x[k]), 0);
  assert.deepEqual([sum(2), sum(3)], [5, 1]);
  assert.equal((await page.get('/checks/calendar?month=2059-03&unit=999999')).status, 400);
  assert.match((await page.get('/checks/missed')).text, /<table id="missed-people" class="cards">/);
  // and in the monthly PDF (its section 7) and on the big screen
  const pdf = await fetch(`${srv.url}/reports/monthly.pdf?unit=${eqd}&month=2059-03`, { headers: { Cookie: page.cookieHeader() } });
  assert.equal(pdf.status, 200);
  const bytes = Buffer.from(await pdf.arrayBuffer());
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes }).toString();
  assert.match(text, /7\. 排查覆盖率/);
  assert.match(text, /合计\s+50\.0%\s+1\s+1\s+1\s+1/);
  const screen = (await page.get(`/dashboard/screen?unit=${eqd}`)).text;
  assert.match(screen, /id="check-coverage">[^<]+<strong>50\.0%<\/strong> · [^<]+<strong>1<\/strong>/);
  const bad = await (await api('anhuan')).get('/api/v1/check/coverage?from=2059-03-12&to=2059-03-10');
  assert.equal(bad.status, 400);
});

// repeated form fields (the item rows, the route) as a browser posts them
function formBody(c, pairs) {
  const p = new URLSearchParams([['_csrf', c.csrf], ...pairs]);
  return { body: p.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
}
const row = (kind, label, min = '', max = '', unit = '', photo = '0') => [['item_kind', kind], ['item_label', label],
  ['item_min', min], ['item_max', max], ['item_unit', unit], ['item_choices', ''], ['item_fails', ''], ['item_photo', photo]];

test('the safety officer makes a checklist with a reading item, its next version and a round plan on the desktop forms', async () => {
  const page = srv.client();
  await page.login('anhuan');
  const unit = String(ids.area.unit_id);
  assert.match((await page.get('/checks/templates')).text, /href="\/checks\/templates\/new"/);
  assert.match((await page.get('/checks/templates/new')).text, /id="template-form"/);
  const head = [['name', '表单压力巡检'], ['kind', 'round'], ['unit_id', unit], ['require_scan', '0']];
  // a reading without limits is refused under its row, with what was typed kept
  let r = await page.request('POST', '/checks/templates', formBody(page, [...head, ...row('pass_fail', '阀门无泄漏'),
    ...row('number', '出口压力无限值')]));
  assert.equal(r.status, 422, r.text);
  assert.match(r.text, /id="err-item_2"/);
  assert.match(r.text, /value="出口压力无限值"/);
  assert.match(r.text, /value="表单压力巡检"/);
  r = await page.request('POST', '/checks/templates', formBody(page, [...head, ...row('pass_fail', '阀门无泄漏'),
    ...row('number', '出口压力', '0.2', '0.6', 'MPa'), ...row('pass_fail', '', '', '', '')]));
  assert.equal(r.status, 303, r.text);
  const tid = Number(/\/checks\/templates\/(\d+)$/.exec(r.location)[1]);
  const safety = await api('anhuan');
  let t = (await safety.get(`/api/v1/check/templates/${tid}`)).json;
  assert.equal(t.version, 1);
  assert.deepEqual(t.items.map((i) => [i.kind, i.label, i.min ?? null, i.max ?? null]),
    [['pass_fail', '阀门无泄漏', null, null], ['number', '出口压力', 0.2, 0.6]]);
  // editing writes version 2; version 1 stays as records made with it show it
  const edit = (await page.get(`/checks/templates/${tid}/edit`)).text;
  assert.match(edit, /value="出口压力"/);
  r = await page.request('POST', `/checks/templates/${tid}/edit`, formBody(page, [['require_scan', '1'],
    ...row('pass_fail', '阀门无泄漏'), ...row('number', '出口压力', '0.25', '0.6', 'MPa'), ...row('text', '备注')]));
  assert.equal(r.status, 303, r.text);
  t = (await safety.get(`/api/v1/check/templates/${tid}`)).json;
  assert.equal(t.version, 2);
  assert.equal(t.items.length, 3);
  assert.equal(t.items[1].min, 0.25);
  assert.equal((await safety.get(`/api/v1/check/templates/${tid}?version=1`)).json.items.length, 2);
  // a checkpoint on its form, then a plan whose route runs through it
  r = await page.post('/checks/points', { name: '表单巡检点', unit_id: unit });
  assert.equal(r.status, 303, r.text);
  const pt = (await safety.get('/api/v1/check/points')).json.items.find((p) => p.name === '表单巡检点');
  assert.ok(pt);
  assert.match((await page.get('/checks/plans')).text, /href="\/checks\/plans\/new"/);
  const plan = [['name', '表单夜班巡检'], ['unit_id', unit], ['template_id', String(tid)], ['position_id', ''],
    ['user_id', String(ids.yuangong)], ['shift_end', '06:00'], ['every_min', '120'], ['points', ''], ['points', String(pt.id)]];
  r = await page.request('POST', '/checks/plans', formBody(page, [...plan, ['shift_start', '25:00']]));
  assert.equal(r.status, 422, r.text);
  assert.match(r.text, /id="err-shift_start"/);
  assert.match(r.text, /value="表单夜班巡检"/);
  r = await page.request('POST', '/checks/plans', formBody(page, [...plan, ['shift_start', '20:00']]));
  assert.equal(r.status, 303, r.text);
  const p = (await safety.get('/api/v1/check/plans')).json.items.find((x) => x.name === '表单夜班巡检');
  assert.deepEqual([p.template_id, p.user_id, p.shift_start, p.shift_end, p.every_min, p.points], [tid, ids.yuangong, 1200, 360, 120, [pt.id]]);
});
