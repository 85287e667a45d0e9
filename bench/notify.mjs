// bench/notify.mjs — what notifications cost, on 127.0.0.1:
//   1. the outbox's delivery rate: N messages queued for a webhook channel with no sender
//      thread, then the server restarted with it; first to last receipt at a local receiver
//      (each message: a claim commit, one HTTP request, an outcome commit);
//   2. hazard reports per second with and without a 企业微信 robot configured, in the same run,
//      alternating rounds (A B A B ...) so load from others on the machine falls on both.
// Prints one line per measurement and a summary line starting "notify:" (bench/run keeps it).
//
//   ANQUAN_BIN=./anquan node bench/notify.mjs
//   NOTIFY_ROWS=1000 NOTIFY_ROUND_SECONDS=3 NOTIFY_ROUNDS=6 NOTIFY_CLIENTS=4 node bench/notify.mjs
//   NOTIFY_SENDER_MS=0: part 2 without the sender thread (the robot's rows are only written),
//   to tell the cost of writing them from the cost of sending them
import { startServer, Client } from '../tests/http/lib.mjs';
import { png } from '../tests/http/images.mjs';
import { startReceivers } from '../tests/http/notify_receivers.mjs';

const ROWS = Number(process.env.NOTIFY_ROWS || 1000);
const ROUND_S = Number(process.env.NOTIFY_ROUND_SECONDS || 3);
const ROUNDS = Number(process.env.NOTIFY_ROUNDS || 6);
const CLIENTS = Number(process.env.NOTIFY_CLIENTS || 4);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rcv = await startReceivers();
let dir = null;
// four clients reporting back to back stand for a plant's phones: the per-address and
// per-token limits (which a plant puts behind nginx anyway) would measure the limiter (429)
const UNLIMITED = { ANQUAN_HTTP_RATE_PER_ADDRESS: '0', ANQUAN_HTTP_RATE_PER_TOKEN: '0' };
let srv = await startServer({ env: { ...UNLIMITED, ANQUAN_NOTIFY_INTERVAL_MS: '0' } });
const signIn = async (s) => {
  const admin = new Client(s.url);
  await admin.login('admin');
  return admin;
};
try {
  let admin = await signIn(srv);
  await admin.post('/admin/notify/viewer', { on: '0' });
  const ids = async () => [...(await admin.get('/admin/notify')).text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g)].map((m) => m[1]);
  for (const id of await ids()) await admin.post(`/admin/notify/channels/${id}`, {});
  let reporters = [];
  const signInReporters = async (s) => {
    reporters = [];
    for (let i = 0; i < CLIENTS; i++) {
      const c = new Client(s.url);
      await c.apiLogin(['yuangong', 'banzhang', 'ws1anquan', 'anhuan'][i % 4]);
      reporters.push(c);
    }
  };
  await signInReporters(srv);
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

  // 1. delivery rate: queue ROWS webhook messages with no sender thread (the scheduler's
  // minute run is 60 s away), restart with the sender on, and time first to last receipt
  await admin.post('/admin/notify/channels', { kind: 'webhook', name: 'bench-hook', url: `${rcv.base}/webhook`,
    secret: rcv.secrets.hookSecret });
  const t_q = performance.now();
  while (seq < ROWS && performance.now() - t_q < 45000) await Promise.all(reporters.map((c) => report(c)));
  const queued = rcv.got.webhook.length === 0 ? seq : -1;
  if (queued < 0) throw new Error('the webhook received messages while the sender was off');
  dir = srv.dir;
  await srv.stop({ keep: true });
  const stamps = [];
  const orig = rcv.got.webhook.push.bind(rcv.got.webhook);
  rcv.got.webhook.push = (x) => { stamps.push(performance.now()); return orig(x); };
  srv = await startServer({ dir, demo: false, env: { ...UNLIMITED, ANQUAN_NOTIFY_INTERVAL_MS: '50' } });
  const t0 = performance.now();
  while (rcv.got.webhook.length < queued) {
    await sleep(25);
    if (performance.now() - t0 > 120000) throw new Error(`only ${rcv.got.webhook.length} of ${queued} delivered in 120 s`);
  }
  const span = (stamps.at(-1) - stamps[0]) / 1000;
  const rate = (queued - 1) / span;
  console.log(`delivery: ${queued} webhook messages, first to last receipt ${span.toFixed(2)} s = ${rate.toFixed(0)} messages/s`);
  // the rest with the sender at its default pace (notify.interval_ms = 2000)
  await srv.stop({ keep: true });
  srv = await startServer({ dir, demo: false,
    env: { ...UNLIMITED, ...(process.env.NOTIFY_SENDER_MS ? { ANQUAN_NOTIFY_INTERVAL_MS: process.env.NOTIFY_SENDER_MS } : {}) } });
  admin = await signIn(srv);
  await signInReporters(srv);
  const hook = (await ids()).at(-1);
  await admin.post(`/admin/notify/channels/${hook}`, {});	// off: only the robot differs below

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
  const measure = async (active) => {
    await admin.post(`/admin/notify/channels/${robot}`, active ? { active: '1' } : {});
    (active ? on : off).push(await round());
  };
  for (let i = 0; i < ROUNDS; i++) {
    // A B, then B A: a drift in the machine's load falls on both sides
    for (const active of i % 2 ? [true, false] : [false, true]) await measure(active);
    console.log(`round ${i + 1}: without robot ${off.at(-1).toFixed(1)} reports/s, with robot ${on.at(-1).toFixed(1)} reports/s`);
  }
  const a = median(off), b = median(on);
  // each round's pair ran back to back: their ratio is less disturbed than the medians
  const ratio = median(on.map((x, i) => x / off[i]));
  console.log(`notify: outbox delivery ${rate.toFixed(0)} messages/s to a local webhook (${queued} messages);` +
    ` reports ${a.toFixed(1)}/s without a robot, ${b.toFixed(1)}/s with one (medians of ${ROUNDS} paired` +
    ` ${ROUND_S}-s rounds, ${CLIENTS} clients); with ÷ without, median of the pairs: ${ratio.toFixed(3)};` +
    ` robot received ${rcv.got.wecom.length} messages`);
} finally {
  rcv.close();
  await srv.stop();
  if (dir) (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
}
