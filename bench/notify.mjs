// bench/notify.mjs — what notifications cost, on 127.0.0.1:
//   1. the outbox's delivery rate: N messages queued for a webhook channel while it is off,
//      then switched on; time until the sender thread has sent them all to a local receiver
//      (each message: a claim commit, one HTTP request, an outcome commit);
//   2. hazard reports per second with and without a 企业微信 robot configured, in the same run,
//      alternating rounds (A B A B ...) so load from others on the machine falls on both.
// Prints one line per measurement and a summary line starting "notify:" (bench/run keeps it).
//
//   ANQUAN_BIN=./anquan node bench/notify.mjs
//   NOTIFY_ROWS=1000 NOTIFY_ROUND_SECONDS=4 NOTIFY_ROUNDS=3 NOTIFY_CLIENTS=4 node bench/notify.mjs
import { startServer, Client } from '../tests/http/lib.mjs';
import { png } from '../tests/http/images.mjs';
import { startReceivers } from '../tests/http/notify_receivers.mjs';

const ROWS = Number(process.env.NOTIFY_ROWS || 1000);
const ROUND_S = Number(process.env.NOTIFY_ROUND_SECONDS || 4);
const ROUNDS = Number(process.env.NOTIFY_ROUNDS || 3);
const CLIENTS = Number(process.env.NOTIFY_CLIENTS || 4);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const rcv = await startReceivers();
const srv = await startServer({ env: { ANQUAN_NOTIFY_INTERVAL_MS: '50' } });
try {
  const admin = new Client(srv.url);
  await admin.login('admin');
  const api = new Client(srv.url);
  await api.apiLogin('admin');
  await admin.post('/admin/notify/viewer', { on: '0' });
  const ids = async () => [...(await admin.get('/admin/notify')).text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g)].map((m) => m[1]);
  for (const id of await ids()) await admin.post(`/admin/notify/channels/${id}`, {});
  const reporters = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = new Client(srv.url);
    await c.apiLogin(['yuangong', 'banzhang', 'ws1anquan', 'anhuan'][i % 4]);
    reporters.push(c);
  }
  const meta = (await reporters[0].get('/api/v1/hazard-meta')).json;
  let seq = 0;
  const photo = png(64, 48, (x, y) => [x * 3, y * 5, 90]);
  const report = async (c) => {
    const n = ++seq;
    const fd = new FormData();
    fd.append('area_id', String(meta.areas[n % meta.areas.length].id));
    fd.append('category_id', String(meta.categories[n % meta.categories.length].id));
    fd.append('description', `性能测试 ${n}`);
    fd.append('photo', new Blob([photo], { type: 'image/png' }), 'p.png');
    const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
    if (r.status !== 201) throw new Error(`report ${r.status} ${r.text}`);
  };

  // 1. delivery rate
  await admin.post('/admin/notify/channels', { kind: 'webhook', name: 'bench-hook', url: `${rcv.base}/webhook`,
    secret: rcv.secrets.hookSecret });
  const hook = (await ids()).at(-1);
  await admin.post(`/admin/notify/channels/${hook}`, {});	// off while the rows queue
  // queue ROWS messages: reports by CLIENTS clients (each report: one webhook row)
  while (seq < ROWS) await Promise.all(reporters.map((c) => report(c)));
  const queued = (await api.get('/api/v1/notify/outbox?state=queued&limit=5000')).json.messages
    .filter((m) => m.channel === 'bench-hook').length;
  const t0 = performance.now();
  await admin.post(`/admin/notify/channels/${hook}`, { active: '1' });
  let sent = 0;
  while (sent < queued) {
    await sleep(25);
    sent = rcv.got.webhook.length;
    if (performance.now() - t0 > 120000) throw new Error(`only ${sent} of ${queued} delivered in 120 s`);
  }
  const rate = queued / ((performance.now() - t0) / 1000);
  console.log(`delivery: ${queued} webhook messages in ${((performance.now() - t0) / 1000).toFixed(2)} s = ${rate.toFixed(0)} messages/s`);
  await admin.post(`/admin/notify/channels/${hook}`, {});	// off again: only the robot differs below

  // 2. reports per second, robot off / on, alternating
  await admin.post('/admin/notify/channels', { kind: 'wecom', name: 'bench-robot', url: `${rcv.base}/wecom/send?key=${rcv.secrets.wecomKey}` });
  const robot = (await ids()).at(-1);
  const round = async () => {
    let n = 0, stop = false;
    const t = performance.now();
    const timer = sleep(ROUND_S * 1000).then(() => { stop = true; });
    await Promise.all(reporters.map(async (c) => { while (!stop) { await report(c); n++; } }));
    await timer;
    return n / ((performance.now() - t) / 1000);
  };
  const off = [], on = [];
  for (let i = 0; i < ROUNDS; i++) {
    await admin.post(`/admin/notify/channels/${robot}`, {});
    off.push(await round());
    await admin.post(`/admin/notify/channels/${robot}`, { active: '1' });
    on.push(await round());
    console.log(`round ${i + 1}: without robot ${off.at(-1).toFixed(1)} reports/s, with robot ${on.at(-1).toFixed(1)} reports/s`);
  }
  const a = median(off), b = median(on);
  console.log(`notify: outbox delivery ${rate.toFixed(0)} messages/s to a local webhook (${queued} messages);` +
    ` reports ${a.toFixed(1)}/s without a robot, ${b.toFixed(1)}/s with one (median of ${ROUNDS} alternating` +
    ` ${ROUND_S}-s rounds, ${CLIENTS} clients; ${(100 * (a - b) / a).toFixed(1)} % slower, ` +
    `${((1000 / b - 1000 / a) * CLIENTS).toFixed(2)} ms more per report); robot received ${rcv.got.wecom.length} messages`);
} finally {
  rcv.close();
  await srv.stop();
}
