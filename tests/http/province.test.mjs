// tests/http/province.test.mjs — the provincial dual-prevention upload against a province
// played on 127.0.0.1 (province_receiver.mjs: checks the credentials, decrypts with the key,
// validates each field and code and the chain's references, refuses what fails).
//   - permission: the safety department only (not a worker, not the system administrator)
//   - secrets write-only: never in an answer, a page, the audit log, the server log or the
//     database in clear; a blank input keeps them; a key of the wrong length is refused
//   - the mapping is data: a bad one is refused naming the field, a good one stored
//   - no upload before a dry run; the dry run names the required fields the demo lacks
//   - a full upload: every complete record reaches the province once; one refused there
//     (its own limit) is recorded with the reason and goes again, accepted, once corrected
//   - incremental: a second run sends nothing; a changed record alone goes, the cursor moves
//   - the endpoint down, then slow past the timeout: the job backs off (60 s, then 120 s) on
//     the test clock, the cursor holds, nothing is lost and nothing accepted twice
//   - wrong credentials: the whole batch fails and waits, nothing is marked refused
//   - the pages: settings, dry run, upload now, the log and a batch
//   - the optional parts: permit approvals; hazards' photos (base64 JPEG/PNG, by hash in the
//     log); deletions: a cancelled hazard or permit the province held is sent as a deletion
//     and removed there, one it never held is not sent
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, setClock, tick, runSql } from './lib.mjs';
import { startProvinceReceiver } from './province_receiver.mjs';

const PASS = 'prov-pass-1', KEY = '0123456789abcdef', COMPANY = '91320000TEST0001', USER = 'qy-demo';
const T0 = Date.UTC(2058, 4, 10, 2, 0, 0) / 1000;	// outside the demo's history
let srv, rcv, api, now = T0;

async function at(t) {
  now = t;
  await setClock(srv, t);
  api = new Client(srv.url);	// a fresh sign-in: the clock may have jumped past its idle time
  await api.apiLogin('anhuan');
}
const settings = (extra = {}) => ({ base_url: rcv.url, company_code: COMPANY, username: USER, iv_rule: 'prefix',
  page_size: 200, timeout_ms: 5000, backoff_s: 60, backoff_max_s: 3600, interval_min: 120, max_pages: 100, enabled: 1, ...extra });
const count = (sql) => Number(runSql(srv.dir, sql));
const cursor = async (type) => (await api.get('/api/v1/province/settings')).json.cursors.find((c) => c.type === type);
const items = async (id) => (await api.get(`/api/v1/province/batches/${id}`)).json.items;
async function batchesOf(type) {
  const r = await api.get(`/api/v1/province/batches?type=${type}&per_page=500`);
  assert.equal(r.status, 200);
  return r.json.items;
}

before(async () => {
  rcv = await startProvinceReceiver({ user: USER, pass: PASS, key: KEY, company: COMPANY });
  srv = await startServer();
  await at(T0);
});
after(async () => {
  await srv?.stop();
  await rcv?.close();
});

test('only the safety department reaches the upload', async () => {
  for (const who of ['yuangong', 'admin']) {
    const c = new Client(srv.url);
    await c.apiLogin(who);
    assert.equal((await c.get('/api/v1/province/settings')).status, 403, who);
    assert.equal((await c.postJson('/api/v1/province/run', {})).status, 403, who);
  }
  assert.equal((await api.get('/api/v1/province/settings')).status, 200);
});

test('settings: secrets are write-only, a bad key is refused naming it', async () => {
  let r = await api.postJson('/api/v1/province/settings', settings({ password: PASS, aes_key: 'too-short' }));
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'aes_key');
  r = await api.postJson('/api/v1/province/settings', settings({ base_url: 'ftp://x' }));
  assert.equal(r.json.error.field, 'base_url');
  r = await api.postJson('/api/v1/province/settings', settings({ password: PASS, aes_key: KEY }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.password_set, true);
  assert.equal(r.json.aes_key_set, true);
  assert.ok(!('password' in r.json) && !('aes_key' in r.json));
  // a blank secret keeps the stored one
  r = await api.postJson('/api/v1/province/settings', settings());
  assert.equal(r.json.password_set, true);
  assert.equal(r.json.aes_key_set, true);
  const page = new Client(srv.url);
  await page.login('anhuan');
  const html = (await page.get('/admin/province')).text;
  assert.match(html, /name="aes_key"/);
  for (const secret of [PASS, KEY]) {
    assert.ok(!html.includes(secret), 'shown on the page');
    assert.ok(!JSON.stringify(r.json).includes(secret), 'in the API');
    assert.equal(count(`SELECT count(*) FROM audit_log WHERE summary LIKE '%${secret}%'`), 0, 'in the audit log');
    assert.equal(count(`SELECT count(*) FROM province_secrets WHERE sealed LIKE '%${secret}%'`), 0, 'stored in clear');
    assert.equal(count(`SELECT count(*) FROM settings WHERE value LIKE '%${secret}%'`), 0, 'stored in clear');
    assert.ok(!srv.log().includes(secret), 'in the server log');
  }
  assert.equal(count("SELECT count(*) FROM audit_log WHERE entity = 'province_settings' AND summary LIKE '%aes_key: replaced%'"), 1);
});

test('the mapping is data: a bad one is refused naming the field, a good one stored', async () => {
  let r = await api.get('/api/v1/province/mappings');
  const objects = r.json.items.find((m) => m.type === 'objects');
  assert.equal(r.json.items.length, 9);
  assert.ok(objects.fields.some((f) => f.field === 'hazardLiablePerson' && f.required));
  r = await api.postJson('/api/v1/province/mappings/objects', { fields: [{ field: 'id', from: 'no_such_column' }] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'fields');
  r = await api.postJson('/api/v1/province/mappings/nothing', { fields: objects.fields });
  assert.equal(r.status, 404);
  r = await api.postJson('/api/v1/province/mappings/objects', { fields: objects.fields, path: '/riskObject', enabled: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(count("SELECT count(*) FROM audit_log WHERE entity = 'province_mapping'"), 1);
});

test('dry run first: it names what the province requires and we lack', async () => {
  let r = await api.postJson('/api/v1/province/run', {});
  assert.equal(r.status, 409, 'no upload before a dry run');
  assert.equal(rcv.hits, 0);
  r = await api.postJson('/api/v1/province/dry-run', {});
  assert.equal(r.status, 200);
  assert.equal(r.json.ready, true);
  assert.equal(r.json.complete, false);
  const lack = (type, field) => r.json.types.find((t) => t.type === type).lacking.find((l) => l.field === field);
  const noPerson = count('SELECT count(*) FROM risk_units WHERE resp_user_id IS NULL');
  assert.ok(noPerson > 0);
  assert.equal(lack('units', 'hazardLiablePerson').count, noPerson);
  assert.equal(lack('units', 'hazardLiablePerson').why, 'missing');
  const noMobile = count(`SELECT count(*) FROM check_records cr JOIN check_tasks t ON t.id = cr.task_id
    JOIN users u ON u.id = cr.user_id WHERE t.measure_id IS NOT NULL AND coalesce(u.phone, '') = ''`);
  assert.equal(lack('records', 'mobileMe').count, noMobile);
  // the plant completes its data (as it would on the risk pages) and the dry run agrees
  runSql(srv.dir, `UPDATE risk_units SET resp_user_id = (SELECT id FROM users WHERE username = 'anhuan') WHERE resp_user_id IS NULL;
    UPDATE users SET phone = '1380000' || id WHERE coalesce(phone, '') = '';
    UPDATE risk_events SET level = 'low' WHERE level IS NULL;`);
  r = await api.postJson('/api/v1/province/dry-run', {});
  assert.equal(r.json.complete, true, JSON.stringify(r.json.types.filter((t) => t.lacking.length)));
  assert.equal(count("SELECT count(*) FROM audit_log WHERE entity = 'province_upload' AND action = 'dry_run'"), 2);
});

const expected = () => ({
  objects: count('SELECT count(*) FROM risk_objects'),
  units: count('SELECT count(*) FROM risk_units'),
  events: count('SELECT count(*) FROM risk_events'),
  measures: count('SELECT count(*) FROM risk_measures'),
  tasks: count('SELECT count(*) FROM risk_measures WHERE check_cycle > 0'),
  records: count('SELECT count(*) FROM check_records cr JOIN check_tasks t ON t.id = cr.task_id WHERE t.measure_id IS NOT NULL'),
  hazards: count("SELECT count(*) FROM hazards WHERE status <> 'cancelled'"),
  stops: count('SELECT count(*) FROM check_stops'),
  approvals: count("SELECT count(*) FROM permit_approvals a JOIN permits p ON p.id = a.permit_id WHERE p.state <> 'cancelled'"),
});
let stopId;

test('a full upload: all of the chain once; a refusal recorded, then accepted once corrected', async () => {
  stopId = count('SELECT min(id) FROM check_stops');
  runSql(srv.dir, `UPDATE check_stops SET reason = '${'检修'.repeat(30)}' WHERE id = ${stopId}`);
  const r = await api.postJson('/api/v1/province/run', {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.refused, 1);
  assert.equal(r.json.failed, 0);
  assert.equal(r.json.incomplete, 0);
  const want = expected();
  for (const [type, n] of Object.entries(want)) {
    const held = rcv.store[type].size + (type === 'stops' ? 1 : 0);
    assert.equal(held, n, type);
  }
  assert.equal(r.json.accepted + 1, Object.values(want).reduce((a, b) => a + b, 0));
  assert.deepEqual(rcv.denied, []);
  assert.ok([...rcv.deliveries.values()].every((n) => n === 1), 'a record sent twice');
  assert.deepEqual(rcv.refused, [{ type: 'stops', id: String(stopId), reason: 'stopReason longer than 50 characters' }]);
  // the log says what was refused and why
  const [stops] = await batchesOf('stops');
  assert.equal(stops.state, 'refused');
  const [it] = await items(stops.id);
  assert.deepEqual(it, { record_id: stopId, status: 'refused', reason: 'stopReason longer than 50 characters' });
  const detail = (await api.get(`/api/v1/province/batches/${stops.id}`)).json;
  assert.equal(detail.sent[0].stopReason, '检修'.repeat(30));
  // corrected: it goes again (its update time moved past the cursor) and is accepted
  runSql(srv.dir, `UPDATE check_stops SET reason = '年度检修', updated_at = ${now + 5} WHERE id = ${stopId}`);
  const again = await api.postJson('/api/v1/province/run', {});
  assert.deepEqual({ records: again.json.records, accepted: again.json.accepted }, { records: 1, accepted: 1 });
  assert.equal(rcv.store.stops.get(String(stopId)).stopReason, '年度检修');
});

test('incremental: nothing the second time; a changed record alone, the cursor moved', async () => {
  const hits = rcv.hits;
  let r = await api.postJson('/api/v1/province/run', {});
  assert.deepEqual(r.json, { batches: 0, records: 0, accepted: 0, refused: 0, failed: 0, incomplete: 0 });
  assert.equal(rcv.hits, hits);
  const obj = count('SELECT max(id) FROM risk_objects');
  const before = await cursor('objects');
  runSql(srv.dir, `UPDATE risk_objects SET name = '改名的风险对象', updated_at = ${now + 10} WHERE id = ${obj}`);
  r = await api.postJson('/api/v1/province/run', {});
  assert.deepEqual({ batches: r.json.batches, records: r.json.records, accepted: r.json.accepted },
    { batches: 1, records: 1, accepted: 1 });
  assert.equal(rcv.store.objects.get(String(obj)).riskObjectName, '改名的风险对象');
  const after = await cursor('objects');
  assert.ok(before.cursor_at < now);
  assert.deepEqual({ at: after.cursor_at, id: after.cursor_id }, { at: now + 10, id: obj });
});

test('endpoint down, then slow: back-off on the clock, nothing lost, nothing accepted twice', async () => {
  // the other jobs settle at this hour first, so that what follows is the upload's alone
  await api.postJson('/api/v1/province/settings', settings({ enabled: 0, timeout_ms: 300 }));
  await at(now + 3600);
  await tick(srv);
  await api.postJson('/api/v1/province/run', {});
  await api.postJson('/api/v1/province/settings', settings({ timeout_ms: 300 }));
  const hz = count("SELECT max(id) FROM hazards WHERE status <> 'cancelled'");
  const lastBatch = count('SELECT coalesce(max(id), 0) FROM province_batches');
  runSql(srv.dir, `UPDATE hazards SET description = '巡检发现泄漏点（补录）', updated_at = ${now + 1} WHERE id = ${hz}`);

  // down: the job's run fails, the cursor holds, the next try waits 60 s
  rcv.mode = 'down';
  const start = now + 121 * 60;	// past the interval since the last run
  await at(start);
  await tick(srv);
  let c = await cursor('hazards');
  assert.equal(c.attempts, 1);
  assert.equal(c.next_try_at, start + 60);
  assert.match(c.last_error, /HTTP 503/);
  // slow: stored there but answered after our timeout; tried at 60 s, then waits 120 s
  rcv.mode = 'slow';
  rcv.slowMs = 1500;
  await at(start + 59);
  const hits = rcv.hits;
  await tick(srv);
  assert.equal(rcv.hits, hits, 'tried before its time');
  await at(start + 60);
  await tick(srv);
  c = await cursor('hazards');
  assert.equal(c.attempts, 2);
  assert.equal(c.next_try_at, start + 60 + 120);
  assert.match(c.last_error, /[Tt]imeout|timed out/);
  assert.equal(rcv.deliveries.get(`hazards:${hz}`), 2, 'the slow province did get it');
  // back: the same record goes once more and is accepted once
  rcv.mode = 'ok';
  await at(start + 179);
  await tick(srv);
  assert.equal((await cursor('hazards')).attempts, 2);
  await at(start + 180);
  await tick(srv);
  c = await cursor('hazards');
  assert.deepEqual({ attempts: c.attempts, next: c.next_try_at, at: c.cursor_at }, { attempts: 0, next: 0, at: T0 + 3600 + 1 });
  assert.equal(rcv.store.hazards.get(String(hz)).dangerDesc, '巡检发现泄漏点（补录）');
  assert.equal(rcv.store.hazards.size, expected().hazards, 'nothing lost');
  const states = (await batchesOf('hazards')).slice(0, 3).map((b) => b.state);
  assert.deepEqual(states, ['accepted', 'failed', 'failed']);
  const since = (status) => count(`SELECT count(*) FROM province_items i JOIN province_batches b ON b.id = i.batch_id
    WHERE b.id > ${lastBatch} AND b.type = 'hazards' AND i.record_id = ${hz} AND i.status = '${status}'`);
  assert.deepEqual({ failed: since('failed'), accepted: since('accepted') }, { failed: 2, accepted: 1 });
  const twice = count(`SELECT count(*) FROM (SELECT b.type, i.record_id FROM province_items i JOIN province_batches b
    ON b.id = i.batch_id WHERE b.id > ${lastBatch} AND i.status = 'accepted' GROUP BY b.type, i.record_id
    HAVING count(*) > 1) d`);
  assert.equal(twice, 0, 'a record accepted twice');
});

test('wrong credentials: the batch fails whole, nothing refused, the cursor holds', async () => {
  await api.postJson('/api/v1/province/settings', settings({ password: 'not-the-password' }));
  const obj = count('SELECT min(id) FROM risk_objects');
  runSql(srv.dir, `UPDATE risk_objects SET updated_at = ${now + 20} WHERE id = ${obj}`);
  const before = await cursor('objects');
  let r = await api.postJson('/api/v1/province/run', {});
  assert.deepEqual({ failed: r.json.failed, refused: r.json.refused, accepted: r.json.accepted }, { failed: 1, refused: 0, accepted: 0 });
  const c = await cursor('objects');
  assert.equal(c.cursor_at, before.cursor_at);
  assert.match(c.last_error, /code 401: bad credentials/);
  assert.equal(rcv.denied.at(-1), 'credentials');
  await api.postJson('/api/v1/province/settings', settings({ password: PASS }));
  r = await api.postJson('/api/v1/province/run', {});
  assert.equal(r.json.accepted, 1, 'the button does not wait out the back-off');
  assert.equal((await cursor('objects')).cursor_at, now + 20);
});

test('pages: settings, dry run, upload now, the log and a batch', async () => {
  const page = new Client(srv.url);
  await page.login('anhuan');
  let r = await page.get('/admin/province');
  assert.equal(r.status, 200);
  assert.match(r.text, /省级双重预防数据上报/);
  assert.match(r.text, /hazardLiablePerson/);
  r = await page.post('/admin/province/dry-run', {});
  assert.equal(r.status, 200);
  assert.match(r.text, /风险分析对象/);
  r = await page.post('/admin/province/run', {});
  assert.equal(r.status, 303);
  assert.equal(r.location, '/admin/province/log');
  r = await page.get('/admin/province/log');
  assert.match(r.text, /部分拒收|全部拒收/);
  const id = (await batchesOf('stops')).at(-1).id;
  r = await page.get(`/admin/province/log/${id}`);
  assert.match(r.text, /stopReason longer than 50 characters/);
  r = await page.post('/admin/province/mappings/objects', { fields: '[not json', path: '/riskObject', enabled: '1' });
  assert.equal(r.status, 422);
  assert.match(r.text, /\[not json/, 'what was typed is kept');
});

test('permit approvals, hazards\' photos and deletions', async () => {
  const want = expected();
  assert.ok(want.approvals > 0, 'the demo has approvals');
  assert.equal(rcv.store.approvals.size, want.approvals);
  const [aid] = [...rcv.store.approvals.keys()];
  const a = rcv.store.approvals.get(aid);
  const row = runSql(srv.dir, `SELECT p.number || '|' || a.step || '|' || u.name FROM permit_approvals a JOIN permits p ON p.id = a.permit_id
    JOIN users u ON u.id = a.user_id WHERE a.id = ${aid}`);
  assert.equal(`${a.workTicketNo}|${a.approvalStep}|${a.approvalPerson}`, row);
  // photos: each hazard's report photos, as base64 the province could read; the log keeps hashes
  const hid = count("SELECT min(hp.hazard_id) FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id WHERE hp.kind = 'before' AND h.status <> 'cancelled'");
  const n = count(`SELECT count(*) FROM hazard_photos WHERE hazard_id = ${hid} AND kind = 'before'`);
  assert.ok(n > 0);
  assert.equal(rcv.store.hazards.get(String(hid)).photos.length, n);
  assert.ok(!rcv.refused.some((x) => x.type === 'hazards'), JSON.stringify(rcv.refused));
  assert.ok(count("SELECT count(*) FROM province_batches WHERE type = 'hazards' AND sent LIKE '%sha256:%'") > 0);
  assert.equal(count("SELECT count(*) FROM province_batches WHERE type = 'hazards' AND sent LIKE '%/9j/%'"), 0, 'no base64 in the log');
  // a hazard cancelled before it was ever sent is not sent at all
  const never = runSql(srv.dir, "SELECT coalesce(min(id), 0) FROM hazards WHERE status = 'cancelled'");
  if (never !== '0') assert.equal(rcv.deliveries.get(`hazards:${never}`), undefined);
  // cancelled here after the province took it: sent again as a deletion and removed there
  const gone = count("SELECT max(id) FROM hazards WHERE status = 'reported'");
  assert.ok(rcv.store.hazards.has(String(gone)));
  runSql(srv.dir, `UPDATE hazards SET status = 'cancelled', updated_at = ${now + 30} WHERE id = ${gone}`);
  const pid = count("SELECT min(a.permit_id) FROM permit_approvals a JOIN permits p ON p.id = a.permit_id WHERE p.state <> 'cancelled'");
  const its = runSql(srv.dir, `SELECT id FROM permit_approvals WHERE permit_id = ${pid} ORDER BY id`).split('\n').map((x) => x.trim());
  runSql(srv.dir, `UPDATE permits SET state = 'cancelled', updated_at = ${now + 30} WHERE id = ${pid}`);
  const r = await api.postJson('/api/v1/province/run', {});
  assert.equal(r.status, 200);
  assert.equal(r.json.refused, 0, JSON.stringify(rcv.refused.slice(-3)));
  assert.ok(rcv.deleted.includes(`hazards:${gone}`));
  assert.ok(!rcv.store.hazards.has(String(gone)), 'removed at the province');
  for (const id of its) {
    assert.ok(rcv.deleted.includes(`approvals:${id}`), `approval ${id} deleted`);
    assert.ok(!rcv.store.approvals.has(id));
  }
  const [hb] = await batchesOf('hazards');
  const sent = (await api.get(`/api/v1/province/batches/${hb.id}`)).json.sent;
  assert.equal(sent.find((x) => x.id === String(gone)).deleted, '1');
  // and once deleted, nothing more goes for it
  const again = await api.postJson('/api/v1/province/run', {});
  assert.equal(again.json.records, 0);
});
