// tests/e2e/offline_checks.test.mjs — a round of checks without signal (context.setOffline):
// the worker's check forms were cached at sign-in; two checks (one with a photo and a voice
// note) are filled offline and wait on the phone under "待上传 N 条"; when the connection
// returns they upload by themselves, each stored once and timed at capture; a lost answer
// (the request reaches the server, its response is killed) is retried without a duplicate; a
// check refused on upload (its checkpoint taken out of use) stays with the reason and is
// discarded. Prints the cached pages and the time from reconnect to the round stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, setClock, tick, DEMO_PASSWORD } from '../http/lib.mjs';
import { png } from '../http/images.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
// 09:00 in the plant's zone (UTC+8) on a day far past the demo's history (check.test.mjs)
const NOW = Date.UTC(2056, 5, 14, 9, 0) / 1000 - 8 * 3600;
let srv, browser, w, api, tpl, tasks, points, safety;
const errors = [];

async function until(page, fn, arg, ms = 20000) {
  const end = performance.now() + ms;	// a duration (monotonic), not a date
  while (!(await page.evaluate(fn, arg))) {
    if (performance.now() > end) throw new Error(`timed out: ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function queueReady(page) {
  await page.waitForFunction(() => window.aqQueue && window.aqQueue.ready);
  await page.evaluate(() => window.aqQueue.ready);
}
const queue = (page) => page.evaluate(() => window.aqQueue.all().then((items) =>
  items.map((i) => ({ key: i.key, kind: i.kind, task: Number(i.task), captured_at: i.captured_at, state: i.state, error: i.error,
    files: (i.files || []).map((f) => f[0]) }))));
const badgeText = (page) => page.evaluate(() => { const b = document.querySelector('.oq'); return b.hidden ? '' : b.querySelector('.oq-count').textContent; });
const record = async (task) => {
  const t = (await api.get(`/api/v1/check/tasks/${task}`)).json;
  return t.record_id ? (await api.get(`/api/v1/check/records/${t.record_id}`)).json : null;
};

// Fill a check's form (from the cache when offline) and send it; it waits on the phone.
async function fill(page, task, { photo = false, voice = false } = {}) {
  await page.goto(`${srv.url}/checks/tasks/${task.id}`);
  await page.waitForFunction(() => window.aqQueue);
  const [a, b] = tpl.items;
  await page.click(`fieldset[data-item="${a.id}"] label.hz-cat:has-text("正常")`);
  await page.fill(`input[name=item_${b.id}]`, '0.8');
  if (photo)
    await page.setInputFiles(`input[name=photo_${a.id}]`, { name: 'valve.png', mimeType: 'image/png',
      buffer: png(320, 240, (x, y) => [40, (x + y) % 255, 200]) });
  if (voice) {
    await page.waitForSelector('form.ck-form .hz-voice:not([hidden])');	// static/voice.js has loaded
    await page.locator('.hz-rec').hover();
    await page.mouse.down();
    await page.waitForSelector('.hz-rec.recording');
    await page.waitForTimeout(400);	// a clip of some length from the fake microphone
    await page.mouse.up();
    await page.waitForSelector('.hz-voice-play:not([hidden])');
    await page.screenshot({ path: `${shots}offline-round-form-phone.png`, fullPage: true });
  }
  const n = (await queue(page)).length;
  await page.click('form.ck-form button[type=submit]');
  await page.waitForFunction((k) => document.querySelector('.oq').dataset.count === String(k), n + 1);
  await page.waitForSelector('.ck-saved');
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  await setClock(srv, NOW);	// before signing in: a jump of years ends a sign-in
  safety = srv.client();
  await safety.apiLogin('anhuan');
  api = srv.client();
  await api.login('yuangong');
  const me = (await api.get('/api/v1/me')).json.id;
  const unit = (await safety.get('/api/v1/areas')).json.items.find((a) => a.name === '合成一车间 反应釜区').unit_id;
  let r = await safety.postJson('/api/v1/check/templates', { name: '离线巡检表', kind: 'round', unit_id: unit, require_scan: false,
    items: [{ kind: 'pass_fail', label: '阀门无泄漏' }, { kind: 'number', label: '压力表读数', min: 0, max: 1.6, unit: 'MPa' }] });
  assert.equal(r.status, 201, r.text);
  tpl = r.json;
  points = (await safety.get('/api/v1/check/points?per_page=100')).json.items.filter((p) => p.active).slice(0, 4);
  r = await safety.postJson('/api/v1/check/plans', { name: '离线巡检路线', unit_id: unit, template_id: tpl.id, user_id: me,
    shift_start: 480, shift_end: 1080, every_min: 600, points: points.map((p) => p.id) });
  assert.equal(r.status, 201, r.text);
  await tick(srv);
  tasks = (await api.get('/api/v1/check/tasks?day=2056-06-14&per_page=100')).json.items.filter((t) => t.plan_id === r.json.id)
    .sort((x, y) => x.seq - y.seq);
  assert.equal(tasks.length, 4);
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await w.ctx.grantPermissions(['microphone'], { origin: srv.url });
  w.page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
});
after(async () => {
  await browser?.close();
  await setClock(srv, 0).catch(() => {});
  await srv?.stop();
});

test('a round of two checks filled offline (photo, voice note) uploads once, timed at capture', async (t) => {
  const page = w.page;
  await page.goto(`${srv.url}/checks`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await queueReady(page);
  // cached at sign-in: my checks today and each task's form, beside the shell
  const size = await page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const c = await caches.open(name);
      let bytes = 0, n = 0;
      for (const req of await c.keys()) { bytes += (await (await c.match(req)).blob()).size; n++; }
      out[name.startsWith('anquan-shell-') ? 'shell' : name] = { bytes, n, urls: (await c.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search) };
    }
    return out;
  });
  const user = size['anquan-user'].urls;
  assert.ok(user.includes('/checks'), JSON.stringify(user));
  for (const k of tasks) assert.ok(user.includes(`/checks/tasks/${k.id}`), `task ${k.id} cached`);
  t.diagnostic(`cached shell: ${size.shell.n} files, ${size.shell.bytes} bytes; user pages: ${size['anquan-user'].n}, ${size['anquan-user'].bytes} bytes`);

  await w.ctx.setOffline(true);
  await fill(page, tasks[0], { photo: true, voice: true });
  await fill(page, tasks[1]);
  assert.equal(await badgeText(page), '待上传 2 条');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}offline-round-phone.png` });
  const items = await queue(page);
  assert.deepEqual(items.map((i) => [i.kind, i.task, i.state]), [[ 'check', tasks[0].id, 'pending' ], [ 'check', tasks[1].id, 'pending' ]]
    .sort((x, y) => items.findIndex((i) => i.task === x[1]) - items.findIndex((i) => i.task === y[1])));
  const first = items.find((i) => i.task === tasks[0].id);
  assert.deepEqual(first.files.sort(), [`photo_${tpl.items[0].id}`, 'voice'], 'the photo and the voice note queued with the check');
  // the capture time is the server's clock, though the phone's says otherwise (2026)
  assert.ok(items.every((i) => Math.abs(i.captured_at - NOW) < 600), JSON.stringify(items));
  await page.goto(`${srv.url}/offline`);	// what waits, listed without signal
  await page.waitForSelector('.oq-item');
  await page.screenshot({ path: `${shots}offline-round-queue-phone.png` });
  assert.equal(await page.locator('.oq-item').count(), 2);

  // 20 minutes later the signal returns
  await setClock(srv, NOW + 1200);
  const t0 = performance.now();
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  const [r1, r2] = [await record(tasks[0].id), await record(tasks[1].id)];
  const ms = Math.round(performance.now() - t0);
  t.diagnostic(`reconnect to the round stored: ${ms} ms`);
  assert.ok(r1 && r2, 'both stored');
  for (const [r, i] of [[r1, first], [r2, items.find((x) => x.task === tasks[1].id)]]) {
    assert.equal(r.finished_at, i.captured_at, 'timed at capture');
    assert.equal(r.captured_at, i.captured_at);
    assert.deepEqual(r.results.map((x) => [x.value, x.ok]), [['pass', true], ['0.8', true]]);
  }
  assert.match(r1.results[0].photo, /^[0-9a-f]{64}$/);
  assert.equal(r1.voice.length, 1);
  assert.equal(r2.voice.length, 0);
  // the voice note plays on the record's page; nothing waits any more
  await page.goto(`${srv.url}/checks/records/${r1.id}`);
  await queueReady(page);
  assert.equal(await badgeText(page), '');
  const src = await page.getAttribute('.hz-voice-note audio', 'src');
  assert.equal(src, r1.voice[0].url);
  const res = await api.get(src);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^audio\/webm/);
});

test('a lost answer is retried without a duplicate; a refused check keeps its reason and is discarded', async () => {
  const page = w.page;
  await page.goto(`${srv.url}/checks`);
  await queueReady(page);
  await w.ctx.setOffline(true);
  await fill(page, tasks[2]);
  // the request reaches the server and the check is stored; the phone never hears back
  let killed = 0, replayed = null, lost;
  const answerLost = new Promise((resolve) => { lost = resolve; });
  await page.route('**/api/v1/check/tasks/*/record', async (route) => {
    if (killed++ === 0) {
      await route.fetch();
      await route.abort('connectionreset');
      lost();
    } else {
      const res = await route.fetch();
      replayed = res.headers()['idempotent-replayed'] || '';
      await route.fulfill({ response: res });
    }
  });
  await w.ctx.setOffline(false);
  await answerLost;
  await until(page, () => window.aqQueue.idle());
  assert.equal((await queue(page))[0].state, 'pending');
  const stored = await record(tasks[2].id);
  assert.ok(stored, 'stored, the answer lost');
  assert.equal(await badgeText(page), '待上传 1 条');
  await page.click('.oq-send');	// upload now
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  assert.equal(killed, 2);
  assert.equal(replayed, 'true', 'the retry got the first record back');
  assert.equal((await record(tasks[2].id)).id, stored.id, 'no second record');
  await page.unroute('**/api/v1/check/tasks/*/record');

  // refused: the checkpoint was taken out of use while the check waited on the phone
  await w.ctx.setOffline(true);
  await fill(page, tasks[3]);
  const off = await safety.postJson(`/api/v1/check/points/${tasks[3].point_id}/deactivate`, {});
  assert.ok(off.status < 300, off.text);
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 1 && i[0].state === 'refused'));
  await page.goto(`${srv.url}/offline`);
  await page.waitForSelector('.oq-refused');
  assert.match(await page.textContent('.oq-refused'), /巡检点已停用/);
  assert.match(await page.getAttribute('.oq-refused a.button', 'href'), new RegExp(`^/checks/tasks/${tasks[3].id}\\?queued=`));
  page.once('dialog', (d) => d.accept());
  await page.click('.oq-refused .oq-drop');
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  assert.equal(await record(tasks[3].id), null, 'nothing stored');
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET/.test(e)), []);
});
