// bench/sensors.mjs — how many sensor readings a second the server stores, over HTTP batches
// and over MQTT, with the server's other work measured in the same run: a hazard-list client
// (GET /api/v1/hazards, 20 a page) runs alone first, then beside each ingest phase, so its
// requests a second and p50/p99 show what ingest costs the people using the system.
//
//   1. HTTP: SENSORS_CLIENTS clients (4) each post batches of SENSORS_BATCH readings (500) to
//      POST /api/v1/sensor-readings for SENSORS_SECONDS (10);
//   2. MQTT: Debian's mosquitto on a free port, one `mosquitto_pub -l` publishing
//      SENSORS_MESSAGES batches (400) of SENSORS_BATCH readings; the rate is from the first
//      publish to the subscriber's last stored reading (GET /api/v1/sensor-mqtt).
// Every reading goes through the whole path: checks, the insert, the sensor's state and
// thresholds (100 sensors in an area without permits, values under their warn thresholds).
// Prints one line per measurement and a summary line starting "sensors:" (bench/run keeps it).
//
//   make anquan && ANQUAN_BIN=$PWD/anquan node bench/sensors.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, runSql } from '../tests/http/lib.mjs';

const CLIENTS = Number(process.env.SENSORS_CLIENTS || 4);
const BATCH = Number(process.env.SENSORS_BATCH || 500);
const SECONDS = Number(process.env.SENSORS_SECONDS || 10);
const MESSAGES = Number(process.env.SENSORS_MESSAGES || 400);
const NSENSORS = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : 0; };

const dir = mkdtempSync(join(tmpdir(), 'anquan-bench-sensors-'));
const port = await freePort();
const conf = join(dir, 'mosquitto.conf');
writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n`);
const broker = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
// no rate limits: the bench is its own heaviest client
const srv = await startServer({ env: { ANQUAN_NOTIFY_INTERVAL_MS: '0', ANQUAN_HTTP_RATE_PER_TOKEN: '0', ANQUAN_HTTP_RATE_PER_ADDRESS: '0' } });
try {
  const admin = srv.client();
  await admin.apiLogin('anhuan');
  const lister = srv.client();
  await lister.apiLogin('anhuan');
  // 100 sensors in the boiler house (no permits there), thresholds far above the values
  const area = (await admin.get('/api/v1/sensors?per_page=500')).json.items.find((s) => s.code === 'PT-501').area_id;
  const ids = [];
  for (let i = 0; i < NSENSORS; i++) {
    const r = await admin.postJson('/api/v1/sensors', { code: `B-${i}`, name: `基准 ${i}`, kind: 'temperature',
      uom: '°C', direction: 'above', area_id: area, warn: 1000, alarm: 2000, trip: 3000 });
    if (r.status !== 201) throw new Error(`sensor: ${r.status} ${r.text}`);
    ids.push(r.json.id);
  }
  const now = Math.floor(Date.now() / 1000);	// a release server has no test clock to ask
  let t = now - 6 * 86400;	// each batch a second later for every sensor: never a duplicate
  const batch = () => {
    const out = [];
    for (let k = 0; k < BATCH; k++) {
      const i = k % NSENSORS;
      if (i === 0) t++;
      out.push({ sensor_id: ids[i], at: t, value: 20 + (k % 7) });
    }
    return out;
  };

  // the hazard list, timed while `running()` holds
  async function hazards(running) {
    const lat = [];
    const start = performance.now();
    while (running()) {
      const a = performance.now();
      const r = await lister.get('/api/v1/hazards?per_page=20');
      if (r.status !== 200) throw new Error(`hazards: ${r.status}`);
      lat.push(performance.now() - a);
    }
    const s = (performance.now() - start) / 1000;
    return { rps: lat.length / s, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
  }
  const fmt = (h) => `${h.rps.toFixed(0)} req/s, p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms`;

  // 0. the hazard list alone
  let until = performance.now() + SECONDS * 1000;
  const alone = await hazards(() => performance.now() < until);
  console.log(`hazard list alone: ${fmt(alone)}`);

  // 1. HTTP batches
  let stored = 0, refused = 0;
  until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const poster = async () => {
    while (performance.now() < until) {
      const r = await admin.postJson('/api/v1/sensor-readings', batch());
      if (r.status !== 200) throw new Error(`ingest: ${r.status} ${r.text.slice(0, 200)}`);
      stored += r.json.stored;
      refused += r.json.refused;
    }
  };
  const [hHttp] = await Promise.all([hazards(() => performance.now() < until), ...Array.from({ length: CLIENTS }, poster)]);
  const httpRate = stored / ((performance.now() - t0) / 1000);
  console.log(`HTTP: ${stored} readings stored (${refused} refused) by ${CLIENTS} clients in batches of ${BATCH}: ${httpRate.toFixed(0)} readings/s`);
  console.log(`hazard list beside HTTP ingest: ${fmt(hHttp)}`);

  // 2. MQTT
  runSql(srv.dir, `UPDATE settings SET value = 'mqtt://127.0.0.1:${port}' WHERE key = 'sensor.mqtt_url';
    UPDATE settings SET value = 'bench/readings' WHERE key = 'sensor.mqtt_topic'`);
  const deadline = performance.now() + 30000;
  while (!(await admin.get('/api/v1/sensor-mqtt')).json.connected) {
    if (performance.now() > deadline) throw new Error('the subscriber did not connect');
    await sleep(100);
  }
  const base = (await admin.get('/api/v1/sensor-mqtt')).json.stored;
  const pub = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-t', 'bench/readings', '-l'],
    { stdio: ['pipe', 'ignore', 'inherit'] });
  const m0 = performance.now();
  let done = false, mqttStored = 0;
  const want = MESSAGES * BATCH;
  const feeder = (async () => {
    for (let i = 0; i < MESSAGES; i++) {
      if (!pub.stdin.write(JSON.stringify(batch()) + '\n')) await new Promise((r) => pub.stdin.once('drain', r));
    }
    pub.stdin.end();
  })();
  const watcher = (async () => {
    const limit = performance.now() + 300000;
    for (;;) {
      const s = (await admin.get('/api/v1/sensor-mqtt')).json;
      mqttStored = s.stored - base;
      if (mqttStored >= want || performance.now() > limit) break;
      await sleep(50);
    }
    done = true;
  })();
  const [hMqtt] = await Promise.all([hazards(() => !done), feeder, watcher]);
  const mqttRate = mqttStored / ((performance.now() - m0) / 1000);
  console.log(`MQTT: ${mqttStored} of ${want} readings stored from ${MESSAGES} messages of ${BATCH}: ${mqttRate.toFixed(0)} readings/s`);
  console.log(`hazard list beside MQTT ingest: ${fmt(hMqtt)}`);
  console.log(`sensors: HTTP batches of ${BATCH} by ${CLIENTS} clients ${httpRate.toFixed(0)} readings/s, MQTT ${mqttRate.toFixed(0)} readings/s;` +
    ` hazard list ${alone.rps.toFixed(0)} req/s alone (p99 ${alone.p99.toFixed(0)} ms), ${hHttp.rps.toFixed(0)} beside HTTP ingest` +
    ` (p99 ${hHttp.p99.toFixed(0)} ms), ${hMqtt.rps.toFixed(0)} beside MQTT ingest (p99 ${hMqtt.p99.toFixed(0)} ms)`);
} finally {
  await srv.stop();
  broker.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
