// tests/http/sensor.test.mjs — sensors (issue 24 item 4): the registry refuses bad input
// naming the field and keeps to the caller's scope; a sensor's token is shown once and posts
// only its own readings; a batch answers per reading (unknown sensor, not a number, stamped
// in the future, another sensor's) and a batch sent twice is stored once; a reading over a
// threshold raises an alarm; a combustible-gas reading over the live hot-work permit's limit
// in its area suspends the permit and tells its guardian (inbox and outbox), recorded with the
// reading; `anquan sensors simulate` feeds the demo with an alarm; downsampling with the
// clock moved keeps minute averages and drops raw readings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, setClock, serverNow, tick, runSql, BIN, dbEnv } from './lib.mjs';

let srv, T0, admin, viewer, sensors, areaId, tankArea;
const sensor = (code) => sensors.find((s) => s.code === code);

before(async () => {
  srv = await startServer();
  T0 = (await serverNow(srv));
  await setClock(srv, T0);
  admin = srv.client();
  await admin.apiLogin('anhuan');
  viewer = srv.client();
  await viewer.apiLogin('ws1anquan');
  sensors = (await admin.get('/api/v1/sensors?per_page=500')).json.items;
  areaId = sensor('GD-101').area_id;
  tankArea = sensor('GD-401').area_id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('the registry: bad input names its field, a token is shown once, scope holds', async () => {
  assert.ok(sensors.length >= 5, 'demo sensors listed');
  let r = await admin.postJson('/api/v1/sensors', { code: 'T-1', name: 'x', kind: 'gas', uom: 'mg/m3', direction: 'above', area_id: areaId, warn: 5 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'gas', 'a gas sensor names its gas');
  r = await admin.postJson('/api/v1/sensors', { code: 'T-1', name: 'x', kind: 'gas', gas: 'CO', uom: 'mg/m3', direction: 'above', area_id: areaId, warn: 30, alarm: 20 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'alarm', 'thresholds rise from warn to trip');
  r = await admin.postJson('/api/v1/sensors', { code: 'GD-101', name: 'x', kind: 'dust', uom: 'mg/m3', direction: 'above', area_id: areaId, warn: 3 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'code');
  r = await admin.postJson('/api/v1/sensors', { code: 'T-1', name: '测试一氧化碳', kind: 'gas', gas: 'CO', uom: 'mg/m3', direction: 'above', area_id: tankArea, warn: 10, alarm: 20, trip: 40 });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.has_token, false);
  // the workshop safety officer of ws1 sees ws1's sensors only: the tank farm's is not found
  const tank = sensor('GD-401').id;
  assert.equal((await viewer.get(`/api/v1/sensors/${tank}`)).status, 404);
  assert.equal((await viewer.get(`/sensors/${tank}/chart.svg`)).status, 404);
  assert.ok(!(await viewer.get(`/sensors?area_id=${tankArea}`)).text.includes('<svg class="sensor-chart"'), 'no charts of another unit\'s area');
  assert.ok(!(await viewer.get('/api/v1/sensors?per_page=500')).json.items.some((x) => x.id === tank));
  assert.equal((await viewer.get(`/api/v1/sensors/${sensor('GD-101').id}`)).status, 200);
  // a worker may not see sensors at all
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  assert.equal((await worker.get(`/api/v1/sensors/${id}`)).status, 403);
  // the token: shown once, stored hashed
  r = await admin.request('POST', `/api/v1/sensors/${id}/token`);
  assert.equal(r.status, 201);
  const token = r.json.token;
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM sensors WHERE token_hash = '${token}'`), '0', 'never stored in clear');
  assert.equal((await admin.get(`/api/v1/sensors/${id}`)).json.has_token, true);
  assert.ok(!(await admin.get(`/sensors/${id}`)).text.includes(token), 'the page never shows it again');
  // its token posts its readings and no one else's; a reading per answer
  const post = (batch, tok) => fetch(`${srv.url}/api/v1/sensor-readings`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...(tok ? { Authorization: `Bearer ${tok}` } : {}) },
    body: JSON.stringify(batch),
  });
  let res = await post([{ sensor_id: id, value: 1 }]);
  assert.equal(res.status, 401, 'no token');
  res = await post([{ sensor_id: id, value: 1 }], 'f'.repeat(64));
  assert.equal(res.status, 401, 'a wrong token');
  const batch = [
    { sensor: 'T-1', at: T0 - 120, value: 3.5 },
    { sensor_id: 999999, at: T0 - 120, value: 1 },
    { sensor_id: id, at: T0 - 60, value: 'high' },
    { sensor_id: id, at: T0 + 86400, value: 1 },
    { sensor_id: sensor('GD-102').id, at: T0 - 60, value: 1 },
    { sensor_id: id, at: T0 - 60, value: 25 },
  ];
  res = await post(batch, token);
  assert.equal(res.status, 200);
  let body = await res.json();
  assert.deepEqual(body.results.map((x) => x.reason || x.status),
    ['stored', 'unknown_sensor', 'not_number', 'future', 'not_your_sensor', 'stored']);
  assert.equal(body.stored, 2);
  assert.equal(body.refused, 4);
  // sent again after a lost answer: stored once
  res = await post(batch, token);
  body = await res.json();
  assert.equal(body.stored, 0);
  assert.equal(body.duplicate, 2);
  const readings = (await admin.get(`/api/v1/sensors/${id}/readings`)).json;
  assert.equal(readings.total, 2);
  // 25 crossed warn (10) and alarm (20): one alarm at 报警, and the safety department told
  const alarms = (await admin.get(`/api/v1/sensors/${id}/alarms`)).json.items;
  assert.deepEqual(alarms.map((a) => [a.level, a.threshold]), [['alarm', 20]]);
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
    WHERE u.username = 'anhuan' AND n.link = '/sensors/${id}'`), '1');
  // too big a batch
  res = await post(Array.from({ length: 1001 }, (_, i) => ({ sensor_id: id, at: T0 - i, value: 1 })), token);
  assert.equal(res.status, 413);
  // an API caller with sensor.ingest posts for any sensor; the viewer cannot
  r = await viewer.postJson('/api/v1/sensor-readings', [{ sensor_id: id, value: 1 }]);
  assert.equal(r.status, 401);
  // nor does a browser's session cookie, even holding sensor.ingest (the route has no CSRF check)
  const browser = srv.client();
  await browser.login('anhuan');
  r = await browser.postJson('/api/v1/sensor-readings', [{ sensor_id: id, value: 1 }], { csrf: false });
  assert.equal(r.status, 401);
  // a new token from the sensor's page: shown on that page once, and the old one stops working
  await browser.get(`/sensors/${id}`);
  r = await browser.post(`/sensors/${id}/token`, {});
  assert.equal(r.status, 200);
  const fresh = /<code class="token">([0-9a-f]{64})<\/code>/.exec(r.text)[1];
  assert.notEqual(fresh, token);
  assert.equal((await post([{ sensor_id: id, at: T0 - 5, value: 1 }], token)).status, 401, 'the old token is revoked');
  assert.equal((await post([{ sensor_id: id, at: T0 - 5, value: 1 }], fresh)).status, 200);
  assert.ok(runSql(srv.dir, `SELECT count(*) FROM audit_log WHERE entity = 'sensor' AND entity_id = ${id} AND action = 'token'`) === '2',
    'each issue audited');
});

test('a gas reading over the live permit\'s limit suspends it and tells the guardian', async () => {
  // a plant-wide webhook, so that every notification leaves a row in the outbox
  runSql(srv.dir, `INSERT INTO notify_channels (kind, name, url, created_at, updated_at)
    VALUES ('webhook', 'test', 'http://127.0.0.1:9/', 0, 0)`);
  const permits = (await viewer.get('/api/v1/permits?state=in_progress&per_page=500')).json.items;
  // after the demo's last reading (stamped on the minute): an older one is stored, not judged
  const M = Math.floor(T0 / 60) * 60;
  const live = permits.find((p) => p.area_id === areaId && p.type === 'hot_work');
  assert.ok(live, 'the demo has hot work in progress in the reactor area');
  // 0.3 % vol: over GD-101's warn (0.25), under hot work's limit (0.5 % for LEL ≥ 4 %)
  let r = await admin.postJson('/api/v1/sensor-readings', [{ sensor: 'GD-101', at: M + 7, value: 0.3 }]);
  assert.equal(r.json.stored, 1);
  assert.equal((await viewer.get(`/api/v1/permits/${live.id}`)).json.state, 'in_progress', 'under the limit: work goes on');
  r = await admin.postJson('/api/v1/sensor-readings', [{ sensor: 'GD-101', at: M + 13, value: 0.8 }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.stored, 1);
  const p = (await viewer.get(`/api/v1/permits/${live.id}`)).json;
  assert.equal(p.state, 'suspended');
  const alarms = (await admin.get(`/api/v1/sensors/${sensor('GD-101').id}/alarms`)).json.items;
  const suspended = alarms.find((a) => a.level === 'permit');
  assert.equal(suspended.permit_id, live.id, 'recorded with the reading');
  assert.equal(suspended.value, 0.8);
  assert.deepEqual(alarms.map((a) => a.level).sort(), ['alarm', 'permit', 'warn']);
  // the guardian (ws1anquan): in the inbox and queued in the outbox (the webhook), as gas.alarm
  // (the kind the routing table sends by SMS as urgent)
  const out = runSql(srv.dir, `SELECT u.username FROM notify_outbox o JOIN users u ON u.id = o.user_id
    WHERE o.link = '/permits/${live.id}' AND o.kind = 'gas.alarm'`);
  assert.equal(out, 'ws1anquan');
  const inbox = (await viewer.get('/api/v1/inbox?per_page=500')).json.items;
  assert.ok(inbox.some((n) => n.link === `/permits/${live.id}` && n.body.includes('GD-101')), 'the guardian is told what was measured');
  // the permit page shows why
  assert.ok((await viewer.get(`/permits/${live.id}`)).text.includes('GD-101'));
  // the readings chart: on the permit site page (as the sensor's image) and the area's page
  const gd = sensor('GD-101').id;
  const qr = runSql(srv.dir, `SELECT qr_token FROM areas WHERE id = ${areaId}`);
  assert.ok((await viewer.get(`/permits/site/${qr}`)).text.includes(`src="/sensors/${gd}/chart.svg?hours=8"`));
  const img = await viewer.get(`/sensors/${gd}/chart.svg?hours=8`);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /image\/svg\+xml/);
  assert.match(img.text, /<polyline [^>]*points="(\d+,\d+ ){2,}/);
  assert.equal((await viewer.get(`/sensors/${gd}/chart.svg?hours=999`)).status, 422);
  const page = (await viewer.get(`/sensors?area_id=${areaId}`)).text;
  assert.equal((page.match(/<svg class="sensor-chart"/g) || []).length, 2, 'both sensors of the area charted');
});

test('anquan sensors simulate feeds every sensor and takes one past its alarm threshold', async () => {
  const ds = sensor('DS-201').id;
  // every sensor already has readings stamped up to four seconds past the clock the command
  // will read (a device whose clock runs ahead, or a run a moment ago): it starts after them,
  // where it used to meet one and call that step's reading a duplicate (CI, once: "step 1/3:
  // 5 stored, 0 refused, 1 duplicate", the gas test's reading a few seconds ahead)
  // The command's clock is the one a new process reads (under faketime each process starts at
  // the set moment, while this runner's clock has moved on): asked of `date` the same way.
  const active = (await admin.get('/api/v1/sensors?per_page=500')).json.items.filter((x) => x.active);
  const cmdNow = Number(execFileSync('date', ['+%s']).toString().trim());
  const ahead = active.flatMap((x) => [0, 1, 2, 3, 4].map((k) => ({ sensor: x.code, at: cmdNow + k, value: 0.01 })));
  const posted = await admin.postJson('/api/v1/sensor-readings', ahead);
  assert.equal(posted.status, 200, posted.text);
  assert.equal(posted.json.refused, 0, posted.text);
  const before = (await admin.get(`/api/v1/sensors/${ds}/readings`)).json.total;
  const out = execFileSync(BIN, ['sensors', 'simulate', '--steps', '3', '--interval', '0'],
    { env: { ...process.env, ANQUAN_DATA: srv.dir, ...dbEnv(srv.dir) } }).toString();
  // every step stores a reading of every active sensor: none refused, none a duplicate
  const n = (await admin.get('/api/v1/sensors?per_page=500')).json.items.filter((x) => x.active).length;
  for (const step of [1, 2, 3])
    assert.match(out, new RegExp(`^step ${step}/3: ${n} stored, 0 refused, 0 duplicate`, 'm'), out);
  assert.equal((await admin.get(`/api/v1/sensors/${ds}/readings`)).json.total, before + 3, out);
  const alarms = (await admin.get(`/api/v1/sensors/${ds}/alarms`)).json.items;
  assert.equal(alarms[0].level, 'alarm', 'the middle step is past 报警 (8 mg/m3)');
  assert.ok(alarms[0].value > 8);
});

test('downsampling: past the raw retention, minute averages remain', async () => {
  const id = sensor('PT-501').id;
  const before = (await admin.get(`/api/v1/sensors/${id}/readings?per_page=500`)).json;
  assert.ok(before.items.every((x) => x.kind === 'raw'));
  await setClock(srv, T0 + 8 * 86400);
  await tick(srv);
  await admin.apiLogin("anhuan");
  const after = (await admin.get(`/api/v1/sensors/${id}/readings?per_page=500`)).json;
  // one row per minute that had readings, holding their average
  const minutes = new Map();
  for (const x of before.items) {
    const m = Math.floor(x.at / 60) * 60;
    minutes.set(m, [...(minutes.get(m) || []), x.value]);
  }
  assert.equal(after.total, minutes.size);
  assert.ok(after.items.every((x) => x.kind === 'minute'));
  for (const x of after.items) {
    const v = minutes.get(x.at);
    assert.ok(Math.abs(x.value - v.reduce((a, b) => a + b, 0) / v.length) < 1e-9, `the average of minute ${x.at}`);
  }
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM sensor_readings WHERE sensor_id = ${id}`), '0');
  // a year on, the minutes go too
  runSql(srv.dir, "UPDATE settings SET value = '30' WHERE key = 'sensor.minute_days'");
  await setClock(srv, T0 + 40 * 86400);
  await tick(srv);
  await admin.apiLogin('anhuan');
  assert.equal((await admin.get(`/api/v1/sensors/${id}/readings`)).json.total, 0);
  // the page draws no chart then, and says so
  assert.match((await admin.get(`/sensors/${id}`)).text, /最近一天没有读数|No readings/);
});

// The health score of a device (the feeds module) counts the threshold alarms of the sensors
// mounted on it in 30 days: its "readings" factor, through the hook modules_register() sets.
test('alarms of a sensor on a device count in its health score', async () => {
  const now = await serverNow(srv);
  const eq = runSql(srv.dir, 'SELECT id FROM equipment WHERE active = 1 AND id NOT IN'
    + ' (SELECT equipment_id FROM sensors WHERE equipment_id IS NOT NULL) ORDER BY id LIMIT 1');
  let r = await admin.postJson('/api/v1/sensors', { code: 'EQ-T1', name: '泵体温度', kind: 'temperature', uom: '℃',
    direction: 'above', area_id: areaId, equipment_id: Number(eq), warn: 60, alarm: 80 });
  assert.equal(r.status, 201, r.text);
  const token = (await admin.request('POST', `/api/v1/sensors/${r.json.id}/token`)).json.token;
  const res = await fetch(`${srv.url}/api/v1/sensor-readings`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify([{ sensor_id: r.json.id, at: now - 120, value: 65 }, { sensor_id: r.json.id, at: now - 60, value: 85 }]),
  });
  assert.equal((await res.json()).stored, 2);
  assert.equal(runSql(srv.dir, `SELECT count(*) FROM sensor_alarms WHERE sensor_id = ${r.json.id}`), '2', 'warn, then alarm');
  await setClock(srv, now + 7200);	// the health job runs hourly
  await tick(srv);
  assert.match(runSql(srv.dir, `SELECT factors FROM feeds_equipment WHERE equipment_id = ${eq}`), /readings=2/);
});
