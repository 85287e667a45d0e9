// tests/http/sensor_hazard.test.mjs — the optional hazard at 报警 (issue 24 item 4): a sensor
// set to file one raises a hazard when a reading crosses its alarm threshold, without a photo
// and without a reporter, its text naming the sensor, the reading and the threshold, owned by
// the head of the area's unit; one alarm episode files one hazard (climbing on to the trip
// level, or flapping while the hazard is open, records the alarm on it); after the hazard is
// closed the next episode files a new one; sensors left at the plant's setting follow
// sensor.hazard_at_alarm, and 'off' files none; a person's report still needs its photo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, runSql, tick } from './lib.mjs';

let srv, T0, admin, areaId, unitHead;
let at = 0;

before(async () => {
  srv = await startServer();
  T0 = await serverNow(srv);
  await setClock(srv, T0);
  admin = srv.client();
  await admin.apiLogin('anhuan');
  const sensors = (await admin.get('/api/v1/sensors?per_page=500')).json.items;
  areaId = sensors.find((s) => s.code === 'GD-101').area_id;
  // the owner the rule names: the head of the area's unit (the demo's workshop has one)
  unitHead = Number(runSql(srv.dir, `SELECT coalesce(u.head_user_id, 0) FROM areas a JOIN units u ON u.id = a.unit_id WHERE a.id = ${areaId}`));
  at = T0 - 3000;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

async function newSensor(code, hazard) {
  const body = { code, name: `粉尘${code}`, kind: 'dust', uom: 'mg/m3', direction: 'above', area_id: areaId, warn: 5, alarm: 10, trip: 20 };
  if (hazard) body.hazard = hazard;
  const r = await admin.postJson('/api/v1/sensors', body);
  assert.equal(r.status, 201, r.text);
  const t = await admin.request('POST', `/api/v1/sensors/${r.json.id}/token`);
  return { id: r.json.id, token: t.json.token, hazard: r.json.hazard };
}

async function read(s, value) {
  at += 10;
  const res = await fetch(`${srv.url}/api/v1/sensor-readings`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
    body: JSON.stringify([{ sensor_id: s.id, at, value }]),
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).stored, 1);
}

const alarmsOf = async (s) => (await admin.get(`/api/v1/sensors/${s.id}/alarms?per_page=50`)).json.items.reverse();
const hazardsOf = (s) => runSql(srv.dir, `SELECT count(DISTINCT hazard_id) FROM sensor_alarms WHERE sensor_id = ${s.id} AND hazard_id IS NOT NULL`);

test('a sensor set to file one raises one hazard per alarm episode, honest about its source', async () => {
  assert.ok(unitHead > 0, 'the demo area\'s unit has a head');
  const s = await newSensor('HZ-1', 'on');
  assert.equal(s.hazard, 'on');
  const before = Number(runSql(srv.dir, 'SELECT count(*) FROM hazards'));
  await read(s, 6);		// 预警: an alarm, no hazard
  assert.equal(Number(runSql(srv.dir, 'SELECT count(*) FROM hazards')), before, 'a warning files nothing');
  await read(s, 12.5);	// 报警: the episode starts
  let alarms = await alarmsOf(s);
  assert.deepEqual(alarms.map((a) => [a.level, a.hazard_state]), [['warn', ''], ['alarm', 'raised']]);
  const hid = alarms[1].hazard_id;
  assert.ok(hid > 0);
  const h = (await admin.get(`/api/v1/hazards/${hid}`)).json;
  assert.equal(h.reporter_id, null, 'no person reported it');
  assert.deepEqual(h.photos, [], 'and there is no photo');
  assert.equal(h.area_id, areaId);
  assert.equal(h.status, 'reported');
  assert.equal(h.assignee_id, unitHead, 'owned by the head of the area\'s unit');
  assert.ok(h.description.includes('HZ-1') && h.description.includes('12.5') && h.description.includes('10'), h.description);
  // its page says who raised it: the system, from this sensor's alarm
  const page = await admin.get(`/hazards/${hid}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('id="sensor-source"'), 'the source section');
  assert.ok(page.text.includes(`/sensors/${s.id}`), 'links the sensor');
  assert.ok(page.text.includes('系统（自动生成）'), 'the reporter is the system');
  // the owner is told
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM notifications WHERE user_id = ${unitHead} AND link = '/hazards/${hid}'`) !== '0', true);
  // audited as the system's
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM audit_log WHERE entity = 'hazard' AND entity_id = ${hid} AND action = 'report'`), '1');

  // the same episode: climbing to 联锁停机 files nothing more
  await read(s, 25);
  alarms = await alarmsOf(s);
  assert.deepEqual(alarms.map((a) => a.level), ['warn', 'alarm', 'trip']);
  assert.equal(alarms[2].hazard_state, '');
  assert.equal(hazardsOf(s), '1');
  // back to normal and over again while the hazard is open: recorded on it, not a second one
  await read(s, 2);
  await read(s, 11);
  alarms = await alarmsOf(s);
  assert.equal(alarms.at(-1).level, 'alarm');
  assert.equal(alarms.at(-1).hazard_state, 'joined');
  assert.equal(alarms.at(-1).hazard_id, hid);
  assert.equal(hazardsOf(s), '1');
  assert.ok((await admin.get(`/sensors/${s.id}`)).text.includes(`/hazards/${hid}`), 'the sensor page links the hazard');

  // once that hazard is closed, a new episode is a new condition: a new hazard
  runSql(srv.dir, `UPDATE hazards SET status = 'closed', closed_at = ${T0 - 60} WHERE id = ${hid}`);
  await read(s, 1);
  await read(s, 15);
  alarms = await alarmsOf(s);
  assert.equal(alarms.at(-1).hazard_state, 'raised');
  assert.notEqual(alarms.at(-1).hazard_id, hid);
  assert.equal(hazardsOf(s), '2');
});

test('the plant\'s setting decides for sensors left at the default; off files none', async () => {
  const d = await newSensor('HZ-2');
  assert.equal(d.hazard, 'default');
  const off = await newSensor('HZ-3', 'off');
  await read(d, 12);
  assert.equal((await alarmsOf(d)).at(-1).hazard_state, '', 'the setting is off by default');
  runSql(srv.dir, "UPDATE settings SET value = '1' WHERE key = 'sensor.hazard_at_alarm'");
  await read(d, 1);
  await read(d, 12);
  assert.equal((await alarmsOf(d)).at(-1).hazard_state, 'raised');
  await read(off, 30);
  assert.equal((await alarmsOf(off)).at(-1).hazard_state, '', 'a sensor set off files none');
  assert.equal(hazardsOf(off), '0');
  // a bad choice names its field
  const r = await admin.postJson('/api/v1/sensors', { code: 'HZ-4', name: 'x', kind: 'dust', uom: 'mg/m3', direction: 'above', area_id: areaId, warn: 5, hazard: 'always' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'hazard');
});

test('an alarm left pending (no such category) is kept with its reason; the job files it once fixed', async () => {
  const s = await newSensor('HZ-5', 'on');
  runSql(srv.dir, "UPDATE settings SET value = 'nosuch' WHERE key = 'sensor.hazard_category'");
  await read(s, 12);
  let last = (await alarmsOf(s)).at(-1);
  assert.equal(last.hazard_state, 'failed');
  assert.equal(last.hazard_id, null);
  runSql(srv.dir, "UPDATE settings SET value = 'chemical' WHERE key = 'sensor.hazard_category'");
  // a crash between the readings' commit and the filing leaves it pending: the job files it
  runSql(srv.dir, `UPDATE sensor_alarms SET hazard_state = 'pending' WHERE id = ${last.id}`);
  await tick(srv);
  last = (await alarmsOf(s)).at(-1);
  assert.equal(last.hazard_state, 'raised');
  await tick(srv);
  assert.equal(hazardsOf(s), '1', 'filed once');
});
