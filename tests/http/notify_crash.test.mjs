// tests/http/notify_crash.test.mjs — the outbox survives SIGKILL: nothing lost, nothing sent
// twice.
//
// Reports are made as fast as two clients can while the sender thread (every 20 ms) delivers
// each one's outbox row to a webhook receiver on 127.0.0.1, which answers after a few random
// milliseconds so that kills land before, during and after requests. The server is killed
// with SIGKILL at a random moment, restarted on the same data, again and again. At the end,
// once the outbox is empty:
//   - every report that was acknowledged reached the receiver (its event and assignee);
//   - every outbox row is `sent`, and the receiver got exactly the outbox's keys;
//   - a key the receiver saw twice is a request that was in flight at a kill (at most one per
//     kill: the sender sends one at a time), re-sent with the same key after the restart
//     (attempts ≥ 2), which X-Anquan-Delivery lets the receiver recognise. The event itself
//     is never queued twice: the idempotency key is unique.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, tick } from './lib.mjs';
import { png } from './images.mjs';
import { startReceivers } from './notify_receivers.mjs';

const CYCLES = Number(process.env.NOTIFY_CRASH_CYCLES || 4);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test(`SIGKILL while the outbox delivers, ${CYCLES} cycles: nothing lost, nothing sent twice`, { timeout: 120000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anquan-ncrash-'));
  const rcv = await startReceivers();
  // a receiver that takes its time, so some kills find a request in flight
  rcv.webhookDelayMs = 8;
  const seen = new Map();	// key → times received
  const env = { ANQUAN_NOTIFY_INTERVAL_MS: '20' };
  let token = null, meta = null, seq = 0;
  const acked = [];
  try {
    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      const srv = await startServer({ dir, demo: cycle === 0, env });
      if (cycle === 0) {
        const admin = new Client(srv.url);
        await admin.login('admin');
        assert.equal((await admin.post('/admin/notify/viewer', { on: '0' })).status, 303);
        const page = await admin.get('/admin/notify');
        for (const m of page.text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g))
          assert.equal((await admin.post(`/admin/notify/channels/${m[1]}`, {})).status, 303);
        const r = await admin.post('/admin/notify/channels', { kind: 'webhook', name: 'crash', url: `${rcv.base}/webhook`,
          secret: rcv.secrets.hookSecret });
        assert.equal(r.status, 303);
        const c = new Client(srv.url);
        await c.apiLogin('yuangong');
        token = c.bearer;
        meta = (await c.get('/api/v1/hazard-meta')).json;
      }
      if (cycle === CYCLES) {
        // the last start: let the sender (and the tick) finish, then count
        const adm = new Client(srv.url);
        await adm.apiLogin('admin');
        let left = 1;
        for (let i = 0; i < 200 && left; i++) {
          await tick(srv);
          const ob = [];
          for (let page = 1, r; page === 1 || r.json.items.length; page++) {
            r = await adm.get(`/api/v1/notify/outbox?per_page=500&page=${page}`);
            assert.equal(r.status, 200, r.text);
            ob.push(...r.json.items.filter((m) => m.channel === 'crash'));
          }
          left = ob.filter((m) => m.state !== 'sent').length;
          if (!left) {
            const keys = new Set(ob.map((m) => m.idem_key));
            for (const w of rcv.got.webhook) seen.set(w.key, (seen.get(w.key) || 0) + 1);
            assert.deepEqual([...seen.keys()].filter((k) => !keys.has(k)), [], 'nothing the outbox does not hold');
            assert.deepEqual([...keys].filter((k) => !seen.has(k)), [], 'every outbox row reached the receiver');
            const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
            assert.ok(twice.length <= CYCLES, `at most one in-flight repeat per kill (${twice.length})`);
            for (const k of twice) assert.ok(ob.find((m) => m.idem_key === k).attempts >= 2, `${k} was re-sent after a kill`);
            for (const id of acked) {
              const got = rcv.got.webhook.filter((w) => w.ev.link === `/hazards/${id}` && w.ev.kind === 'hazard.assigned');
              assert.ok(got.length >= 1, `acknowledged report ${id} was told`);
              assert.equal(new Set(got.map((w) => w.key)).size, 1, `report ${id}: one event, one key`);
            }
            console.log(`notify crash: ${CYCLES} kills, ${acked.length} reports, ${keys.size} messages delivered,` +
              ` ${twice.length} repeated in flight`);
          } else {
            await sleep(50);
          }
        }
        assert.equal(left, 0, 'the outbox drained');
        const { code } = await srv.stop();
        assert.equal(code, 0);
        break;
      }
      rcv.mode.webhook = 'ok';
      const c = new Client(srv.url);
      c.bearer = token;
      let stop = false;
      const loops = [0, 1].map(async () => {
        while (!stop) {
          const n = ++seq;
          const fd = new FormData();
          fd.append('area_id', String(meta.areas[n % meta.areas.length].id));
          fd.append('category_id', String(meta.categories[n % meta.categories.length].id));
          fd.append('description', `通知崩溃测试 ${n}`);
          fd.append('photo', new Blob([png(16, 16, (x, y) => [x + n, y, n])], { type: 'image/png' }), 'p.png');
          try {
            const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
            if (r.status === 201) acked.push(r.json.id);
            else if (!stop) throw new Error(`report ${r.status} ${r.text}`);
          } catch (e) {
            if (!stop) throw e;
            return;
          }
        }
      });
      await sleep(150 + Math.random() * 500);
      stop = true;
      await srv.kill();
      await Promise.all(loops);
      assert.doesNotMatch(srv.log(), /AddressSanitizer|LeakSanitizer|runtime error:/);
    }
  } finally {
    rcv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
