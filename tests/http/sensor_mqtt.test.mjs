// tests/http/sensor_mqtt.test.mjs — readings by MQTT (issue 24 item 4): Debian's mosquitto
// broker on 127.0.0.1 on a free port, with a configuration this test writes; the server's
// subscriber (settings sensor.mqtt_url, sensor.mqtt_topic) stores a published batch with the
// same rules as HTTP (a refused reading, a batch published twice stored once), counts a
// message that is not JSON as an error, and connects again after the broker restarts; the
// broker's password is a write-only secret (sealed at rest, never answered by the page or the
// API) with which the subscriber still connects to a broker that requires it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serverNow, freePort, runSql } from './lib.mjs';

const MOSQUITTO = '/usr/sbin/mosquitto';
let srv, admin, port, conf, broker, dir, T0, sensorId, kept;

function startBroker(cfg = conf, p0 = port, auth = []) {
  const p = spawn(MOSQUITTO, ['-c', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => reject(new Error(`mosquitto exited ${code}: ${err}`)));
    // ready once its port answers
    const deadline = performance.now() + 10000;
    const probe = () => {
      const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(p0), ...auth, '-t', 'probe', '-m', 'x']);
      if (r.status === 0) return resolve(p);
      if (performance.now() > deadline) return reject(new Error(`mosquitto not ready: ${err}`));
      setTimeout(probe, 50);
    };
    probe();
  });
}
function stopBroker(p) {
  return new Promise((resolve) => {
    p.removeAllListeners('exit');
    p.on('exit', () => resolve());
    p.kill('SIGTERM');
  });
}
const publish = (msg) => {
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', 'plant/readings', '-m', msg]);
  assert.equal(r.status, 0, String(r.stderr));
};
// Wait for the subscriber to reach a state (it runs on its own thread): at most 20 s.
async function until(what, ok) {
  const deadline = performance.now() + 20000;
  for (;;) {
    const s = (await admin.get('/api/v1/sensor-mqtt')).json;
    if (ok(s)) return s;
    if (performance.now() > deadline) throw new Error(`${what}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anquan-mqtt-'));
  port = await freePort();
  conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  broker = await startBroker();
  srv = await startServer();
  T0 = await serverNow(srv);
  admin = srv.client();
  await admin.apiLogin('anhuan');
  sensorId = (await admin.get('/api/v1/sensors?per_page=500')).json.items.find((s) => s.code === 'PT-501').id;
  runSql(srv.dir, `UPDATE settings SET value = 'mqtt://127.0.0.1:${port}' WHERE key = 'sensor.mqtt_url';
    UPDATE settings SET value = 'plant/readings' WHERE key = 'sensor.mqtt_topic'`);
});
after(async () => {
  if (broker) await stopBroker(broker);
  const { code } = await srv.stop();
  assert.equal(code, 0);
  rmSync(dir, { recursive: true, force: true });
  if (kept) rmSync(kept, { recursive: true, force: true });	// the data directory the restart reused
});

test('a published batch is stored as by HTTP, and the subscriber comes back after the broker restarts', async () => {
  await until('subscribed', (s) => s.connected && s.connections === 1);
  const batch = JSON.stringify([
    { sensor: 'PT-501', at: T0 + 1, value: 1.01 },
    { sensor: 'PT-501', at: T0 + 2, value: 'n/a' },
  ]);
  publish(batch);
  let s = await until('first batch', (x) => x.messages >= 1);
  assert.equal(s.stored, 1);
  assert.equal(s.refused, 1, 'a value that is not a number is refused');
  publish(batch);
  s = await until('the batch again', (x) => x.messages >= 2);
  assert.equal(s.stored, 1, 'stored once');
  publish('not json');
  s = await until('garbage', (x) => x.messages >= 3);
  assert.equal(s.errors, 1);
  // the broker goes away and comes back: the subscriber connects and subscribes again
  await stopBroker(broker);
  broker = null;
  await until('noticed the broker gone', (x) => !x.connected);
  broker = await startBroker();
  await until('subscribed again', (x) => x.connected && x.connections === 2);
  publish(JSON.stringify({ sensor: 'PT-501', at: T0 + 3, value: 1.02 }));
  s = await until('after the restart', (x) => x.messages >= 4);
  assert.equal(s.stored, 2);
  // since T0 + 1: the demo's last reading is stamped at the minute the server started, which can be T0
  const r = (await admin.get(`/api/v1/sensors/${sensorId}/readings?since=${T0 + 1}`)).json;
  assert.deepEqual(r.items.map((x) => x.value), [1.02, 1.01]);
});

test('the broker password is write-only: sealed, never answered, and the subscriber connects with it', async () => {
  const secret = 'Pw-7f3c-秘密';
  const aport = await freePort();
  const pwfile = join(dir, 'passwd');
  writeFileSync(pwfile, '');
  const made = spawnSync('mosquitto_passwd', ['-b', pwfile, 'anquan', secret]);
  assert.equal(made.status, 0, String(made.stderr));
  // mosquitto started as root reads the password file after dropping to its own user
  chmodSync(dir, 0o755);
  chmodSync(pwfile, 0o644);
  const aconf = join(dir, 'auth.conf');
  writeFileSync(aconf, `listener ${aport} 127.0.0.1\nallow_anonymous false\npassword_file ${pwfile}\npersistence false\n`);
  const auth = ['-u', 'anquan', '-P', secret];
  const abroker = await startBroker(aconf, aport, auth);
  try {
    const before = (await admin.get('/api/v1/sensor-mqtt')).json;
    assert.equal(before.password_set, false);
    // a wrong URL names its field and stores nothing
    let r = await admin.postJson('/api/v1/sensor-mqtt', { url: 'http://x', topic: 'plant/readings' });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, 'url');
    // the account without its password: the broker refuses
    r = await admin.postJson('/api/v1/sensor-mqtt', { url: `mqtt://127.0.0.1:${aport}`, topic: 'plant/readings', user: 'anquan' });
    assert.equal(r.status, 200, r.text);
    await until('refused without the password', (x) => !x.connected && x.errors > before.errors);
    // with it: answered only as set, and the subscriber connects and stores
    r = await admin.postJson('/api/v1/sensor-mqtt', { url: `mqtt://127.0.0.1:${aport}`, topic: 'plant/readings', user: 'anquan', password: secret });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.password_set, true);
    assert.ok(!r.text.includes(secret) && !('password' in r.json), 'the answer never carries it');
    const s0 = await until('connected with the password', (x) => x.connected && x.connections > before.connections);
    const pub = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(aport), ...auth, '-q', '1', '-t', 'plant/readings',
      '-m', JSON.stringify({ sensor: 'PT-501', at: T0 + 10, value: 1.05 })]);
    assert.equal(pub.status, 0, String(pub.stderr));
    await until('stored from the protected broker', (x) => x.stored > s0.stored);
    // neither the API, the page nor the database shows it
    const get = await admin.get('/api/v1/sensor-mqtt');
    assert.ok(!get.text.includes(secret));
    assert.equal(get.json.password_set, true);
    const browser = srv.client();
    await browser.login('anhuan');
    const page = await browser.get('/sensors/mqtt');
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes(secret), 'the page never shows it');
    assert.match(page.text, /name="password"[^>]*value=""/, 'the input is always empty');
    assert.ok(page.text.includes('已设置'), 'the page says it is set');
    const sealed = runSql(srv.dir, "SELECT sealed FROM sensor_secrets WHERE name = 'mqtt_password'");
    assert.ok(sealed.length > 20 && !sealed.includes(secret) && !sealed.includes(Buffer.from(secret).toString('hex')), 'sealed at rest');
    assert.equal(runSql(srv.dir, "SELECT count(*) FROM settings WHERE value LIKE '%Pw-7f3c%'"), '0');
    assert.equal(runSql(srv.dir, "SELECT count(*) FROM audit_log WHERE summary LIKE '%Pw-7f3c%'"), '0');
    assert.ok(runSql(srv.dir, "SELECT count(*) FROM audit_log WHERE entity = 'sensor_mqtt' AND summary LIKE '%password: replaced%'") !== '0');
    // a form post with a blank password keeps it (the subscriber reconnects and is let in again)
    const form = await browser.post('/sensors/mqtt', { url: `mqtt://127.0.0.1:${aport}`, topic: 'plant/readings', user: 'anquan', password: '' });
    assert.equal(form.status, 303);
    assert.equal((await admin.get('/api/v1/sensor-mqtt')).json.password_set, true);
    const s1 = await until('connected again after the save', (x) => x.connected && x.connections > s0.connections);
    // removed: said so
    r = await admin.postJson('/api/v1/sensor-mqtt', { url: `mqtt://127.0.0.1:${aport}`, topic: 'plant/readings', user: 'anquan', clear_password: true });
    assert.equal(r.json.password_set, false);
    assert.equal(runSql(srv.dir, 'SELECT count(*) FROM sensor_secrets'), '0');
    await until('refused again without it', (x) => !x.connected && x.connections === s1.connections);
  } finally {
    await stopBroker(abroker);
  }
});

test('a password left in the old plain setting is sealed and the setting emptied when the server starts', async () => {
  runSql(srv.dir, "UPDATE settings SET value = 'legacy-Pw-42' WHERE key = 'sensor.mqtt_password'");
  const data = srv.dir;
  kept = data;
  const { code } = await srv.stop({ keep: true });
  assert.equal(code, 0);
  srv = await startServer({ dir: data });
  admin = srv.client();
  await admin.apiLogin('anhuan');
  // the subscriber thread seals it as it starts, just after the server answers: wait for it
  let sealed = '';
  for (const deadline = performance.now() + 10000; performance.now() < deadline;) {
    sealed = runSql(srv.dir, "SELECT sealed FROM sensor_secrets WHERE name = 'mqtt_password'");
    if (sealed) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sealed.length > 20 && !sealed.includes('legacy-Pw-42'), sealed);
  assert.equal(runSql(srv.dir, "SELECT value FROM settings WHERE key = 'sensor.mqtt_password'"), '');
  const r = await admin.get('/api/v1/sensor-mqtt');
  assert.equal(r.json.password_set, true);
  assert.ok(!r.text.includes('legacy-Pw-42'));
});
