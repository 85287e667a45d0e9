// tests/e2e/offline.test.mjs — a worker without signal (context.setOffline): two reports with
// photos and a voice note are kept on the phone, "待上传 2 条" shows, and when the connection
// returns both upload by themselves, exactly once, with the time they were captured; a lost
// answer (the request reaches the server, its response is killed) is retried without a
// duplicate; a report refused on upload stays with its reason and is corrected; an upgraded
// server's service worker takes over with a new cache and the old one is deleted.
// Prints the size of the cached app shell and the time from reconnect to both reports stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort, setClock, serverNow, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, w, api, port, dir, photo;
const errors = [];

async function makePhoto(page, hue) {
  const b64 = await page.evaluate((h) => {
    const c = document.createElement('canvas');
    c.width = 1800; c.height = 1200;
    const g = c.getContext('2d');
    g.fillStyle = `hsl(${h},40%,50%)`; g.fillRect(0, 0, 1800, 1200);
    g.fillStyle = '#d32f2f'; g.beginPath(); g.arc(900, 600, 300, 0, 7); g.fill();
    return c.toDataURL('image/jpeg', 0.92).split(',')[1];
  }, hue);
  return { name: `IMG_${hue}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

// Poll an async condition in the page (waitForFunction takes a returned promise as truthy).
async function until(page, fn, arg, ms = 20000) {
  const end = performance.now() + ms;	// a duration (monotonic), not a date
  while (!(await page.evaluate(fn, arg))) {
    if (performance.now() > end) throw new Error(`timed out: ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// offline.js comes after the page's load event (app.js): wait for it, then for its sign-in work
async function queueReady(page) {
  await page.waitForFunction(() => window.aqQueue && window.aqQueue.ready);
  await page.evaluate(() => window.aqQueue.ready);
}

const queue = (page) => page.evaluate(() => window.aqQueue.all().then((items) =>
  items.map((i) => ({ key: i.key, captured_at: i.captured_at, state: i.state, error: i.error, description: i.fields.description, photos: i.photos.length, voice: i.voice ? i.voice.size : 0 }))));
const badgeText = (page) => page.evaluate(() => { const b = document.querySelector('.oq'); return b.hidden ? '' : b.querySelector('.oq-count').textContent; });

// Fill the report form (served from the cache when offline) and send it.
async function report(page, { description, hue, voice = false, area }) {
  await page.waitForFunction(() => window.aqQueue);
  await page.setInputFiles('input[name=photo]', await makePhoto(page, hue));
  await page.selectOption('select[name=area_id]', area);
  await page.click('label.hz-cat >> nth=0');
  await page.fill('textarea[name=description]', description);
  if (voice) {
    await page.waitForSelector('.hz-voice:not([hidden])');	// static/voice.js has loaded
    const rec = page.locator('.hz-rec');
    await rec.hover();
    await page.mouse.down();
    await page.waitForSelector('.hz-rec.recording');
    await page.waitForTimeout(400);	// a clip of some length from the fake microphone
    await page.mouse.up();
    await page.waitForSelector('.hz-voice-play:not([hidden])');
  }
  const n = (await queue(page)).length;
  await page.click('button.hz-send');
  await page.waitForFunction((k) => document.querySelector('.oq').dataset.count === String(k), n + 1);
}

// the hazards this worker reported with a description, as the server has them
async function stored(description) {
  const r = await api.get('/api/v1/hazards?todo=reported&per_page=100');
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((h) => h.description === description);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'anquan-offline-'));
  port = await freePort();
  srv = await startServer({ dir, port });
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await w.ctx.grantPermissions(['microphone'], { origin: srv.url });
  w.page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  api = srv.client();
  await api.login('yuangong');
});
after(async () => {
  await browser?.close();
  await setClock(srv, 0).catch(() => {});
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let area1, area2;

test('two reports offline with photos and a voice note upload once, with their capture times', async (t) => {
  const page = w.page;
  await page.goto(`${srv.url}/hazards/new`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await queueReady(page);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is under the worker');
  const areas = await page.$$eval('select[name=area_id] option', (o) => o.map((x) => x.value).filter(Boolean));
  [area1, area2] = areas;
  // the cached shell: the public files plus this worker's own pages
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
  assert.ok(size.shell.n >= 9, JSON.stringify(size));
  // the report form and the worker's lists; my checks today and their forms (offline_checks.test.mjs)
  const userPages = size['anquan-user'].urls;
  assert.deepEqual(userPages.filter((u) => u.startsWith('/hazards')).sort(), ['/hazards/new', '/hazards?todo=rectify', '/hazards?todo=reported']);
  assert.deepEqual(userPages.filter((u) => !u.startsWith('/hazards') && !/^\/checks(\/tasks\/\d+)?$/.test(u)), [], 'nothing else');
  t.diagnostic(`cached shell: ${size.shell.n} files, ${size.shell.bytes} bytes; user pages: ${size['anquan-user'].n}, ${size['anquan-user'].bytes} bytes`);

  await w.ctx.setOffline(true);
  await page.goto(`${srv.url}/hazards/new`);	// from the cache: the form and its areas without signal
  assert.equal(await page.locator('select[name=area_id] option').count(), areas.length + 1);
  await report(page, { description: '离线上报一：罐区阀门渗漏', hue: 20, voice: true, area: area1 });
  await report(page, { description: '离线上报二：地下室照明损坏', hue: 200, area: area2 });
  assert.equal(await badgeText(page), '待上传 2 条');
  assert.ok(await page.isHidden('.hz-voice-del'), 'the sent report took its voice note along');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}offline-badge-phone.png` });
  const items = await queue(page);
  assert.equal(items.length, 2);
  assert.ok(items.every((i) => i.photos === 1 && i.state === 'pending'));
  assert.ok(items.find((i) => i.description.startsWith('离线上报一')).voice > 0, 'the voice note queued with the item');

  // 20 minutes pass on the server before the signal returns (within the sign-in's idle
  // limit): the report time is still the capture time
  const now = await serverNow(srv);
  await setClock(srv, now + 1200);
  const t0 = performance.now();
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  const [one] = await stored('离线上报一：罐区阀门渗漏');
  const [two] = await stored('离线上报二：地下室照明损坏');
  const ms = Math.round(performance.now() - t0);
  t.diagnostic(`reconnect to both reports stored: ${ms} ms`);
  assert.ok(one && two, 'both stored');
  for (const [h, d] of [[one, '离线上报一：罐区阀门渗漏'], [two, '离线上报二：地下室照明损坏']]) {
    assert.equal((await stored(d)).length, 1, `${d}: exactly once`);
    assert.equal(h.reported_at, items.find((i) => i.description === d).captured_at, 'reported at the capture time');
  }
  assert.equal(await badgeText(page), '');
  // the voice note plays on the detail page
  await page.goto(`${srv.url}/hazards/${one.id}`);
  const src = await page.getAttribute('.hz-voice-note audio', 'src');
  const res = await api.get(src);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^audio\/webm/);
  await setClock(srv, 0);
});

test('a lost answer is retried without a duplicate; a refused report is corrected', async () => {
  const page = w.page;
  await page.goto(`${srv.url}/hazards/new`);
  await queueReady(page);
  assert.deepEqual(await queue(page), []);
  await w.ctx.setOffline(true);
  await report(page, { description: '应答丢失：二号罐液位计失灵', hue: 90, area: area1 });
  // the request reaches the server and the report is stored; the phone never hears back
  let killed = 0, lost;
  const answerLost = new Promise((resolve) => { lost = resolve; });
  await page.route('**/api/v1/hazards', async (route) => {
    if (killed++ === 0) {
      await route.fetch();
      await route.abort('connectionreset');
      lost();
    } else {
      await route.continue();
    }
  });
  await w.ctx.setOffline(false);
  await answerLost;
  await until(page, () => window.aqQueue.idle());
  assert.equal((await queue(page)).length, 1);
  assert.equal((await queue(page))[0].state, 'pending');
  assert.equal(killed, 1);
  assert.equal((await stored('应答丢失：二号罐液位计失灵')).length, 1, 'stored once, answer lost');
  assert.equal(await badgeText(page), '待上传 1 条');
  await page.click('.oq-send');	// upload now
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  assert.equal(killed, 2);
  assert.equal((await stored('应答丢失：二号罐液位计失灵')).length, 1, 'the retry made no duplicate');
  await page.unroute('**/api/v1/hazards');

  // refused: the area was deactivated while the report waited on the phone
  const admin = srv.client();
  await admin.login('admin');
  await w.ctx.setOffline(true);
  await report(page, { description: '被拒后改正：区域已停用', hue: 300, area: area2 });
  const r = await admin.post(`/admin/areas/${area2}/deactivate`, {});
  assert.ok(r.status < 400, `deactivate: ${r.status}`);
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 1 && i[0].state === 'refused'));
  await page.goto(`${srv.url}/offline`);
  await page.waitForSelector('.oq-refused');
  // the server's reason, under what the worker wrote
  assert.match(await page.textContent('.oq-refused'), /被拒后改正：区域已停用[\s\S]*未被接受: 请选择隐患所在地点/);
  await Promise.all([page.waitForURL(/queued=/), page.click('.oq-refused a.button')]);
  await page.waitForFunction(() => document.querySelector('form.hz-report').dataset.queued);
  assert.equal(await page.inputValue('textarea[name=description]'), '被拒后改正：区域已停用', 'what was typed is kept');
  await page.selectOption('select[name=area_id]', area1);
  await Promise.all([page.waitForURL(/\/offline$/), page.click('button.hz-send')]);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  const [fixed] = await stored('被拒后改正：区域已停用');
  assert.ok(fixed, 'uploaded after the correction');
  assert.equal((await stored('被拒后改正：区域已停用')).length, 1);
});

test('an expired sign-in asks to sign in, then uploads; sign-out warns and discards the queue', async () => {
  const page = w.page;
  await page.goto(`${srv.url}/hazards/new`);
  await queueReady(page);
  await w.ctx.setOffline(true);
  await report(page, { description: '会话过期后上传：消防栓被遮挡', hue: 150, area: area1 });
  // two hours without a request: the sign-in expired (30 minutes idle) while the phone was offline
  const now = await serverNow(srv);
  await setClock(srv, now + 2 * 3600);
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 1 && i[0].state === 'login'));
  await page.waitForSelector('.oq-login:not([hidden])');
  await Promise.all([page.waitForURL(/\/login/), page.click('.oq-login')]);
  await page.fill('input[name=username]', 'yuangong');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/hazards\/new/), page.click('button.primary')]);
  await until(page, () => window.aqQueue.all().then((i) => i.length === 0));
  await api.login('yuangong');
  assert.equal((await stored('会话过期后上传：消防栓被遮挡')).length, 1, 'uploaded once after signing in');

  // sign-out with a report still on the phone (the server unreachable, so it stays): warned;
  // "cancel" keeps the queue and the sign-in, "OK" discards the queue and the cached pages
  await w.ctx.setOffline(true);
  await report(page, { description: '退出前未上传', hue: 60, area: area1 });
  await page.route('**/api/v1/hazards', (route) => route.abort('internetdisconnected'));
  await w.ctx.setOffline(false);
  await until(page, () => window.aqQueue.idle());
  assert.equal((await queue(page)).length, 1);
  const dialogs = [];
  page.once('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.click('details.menu > summary');
  await page.click('details.menu form[action="/logout"] button');
  for (let i = 0; i < 200 && !dialogs.length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(dialogs[0], /1 条未上传/);
  assert.equal((await queue(page)).length, 1, 'cancelled: kept');
  assert.match(page.url(), /\/hazards\/new/);
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/hazards')), page.click('details.menu form[action="/logout"] button')]);
  assert.equal(await page.evaluate(() => new Promise((resolve) => {
    const o = indexedDB.open('anquan', 1);
    o.onsuccess = () => { const r = o.result.transaction('queue').objectStore('queue').count(); r.onsuccess = () => resolve(r.result); };
  })), 0, 'the queue went with the sign-out');
  assert.deepEqual(await page.evaluate(() => caches.keys().then((k) => k.filter((n) => n === 'anquan-user'))), [], 'and the cached pages');
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await setClock(srv, 0);
  // back in for the upgrade test
  await page.goto(`${srv.url}/login`);
  await page.fill('input[name=username]', 'yuangong');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button.primary')]);
});

test('an upgraded server: the new service worker takes over and the old cache goes', async () => {
  const page = w.page;
  await page.goto(`${srv.url}/offline`);
  const before = await page.evaluate(() => caches.keys());
  const old = before.filter((k) => k.startsWith('anquan-shell-'));
  assert.equal(old.length, 1);
  await srv.stop();
  srv = await startServer({ dir, port, demo: false, env: { ANQUAN_TEST_SHELL_SALT: 'upgrade' } });
  const fresh = /const SHELL_VERSION = '([0-9a-f]{12})'/.exec(await (await fetch(`${srv.url}/sw.js`)).text())[1];
  assert.notEqual(`anquan-shell-${fresh}`, old[0]);
  await page.reload();	// a navigation checks /sw.js for a new version
  await until(page, (v) => caches.keys().then((k) => k.filter((n) => n.startsWith('anquan-shell-')).join() === `anquan-shell-${v}`), fresh);
  await page.reload();
  // the page's controller is the new worker once it has claimed the page
  await until(page, (v) => new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data.version === v), { once: true });
    navigator.serviceWorker.controller.postMessage('version');
  }), fresh);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET/.test(e)), []);
});
