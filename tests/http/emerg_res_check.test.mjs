// tests/http/emerg_res_check.test.mjs — the monthly check of an emergency supply as a check
// task (issue 20, "Resources"): the job makes one task for the calendar month through the
// 应急物资月检 checklist (once, however often it runs), the owner does it like any check, the
// record sets the supply's checked day, a failed item warns the owner (the shortage for the
// quantity, the failed check for the seal), and the supply's page shows the last check and
// the next due. The month boundaries: 29 Feb of a leap year, 31 Dec late in the evening and
// the 1st of January just after midnight (the December task then missed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, tick } from './lib.mjs';
import { png } from './images.mjs';

let srv, admin, res;
// local (UTC+8) wall time as UTC seconds; the days lie far past the demo's history
const local = (y, m, d, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000 - 8 * 3600;

async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

// the supply's check tasks on a local day, as its owner sees them
async function resTasks(c, day) {
  const r = await c.get(`/api/v1/check/tasks?day=${day}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((t) => t.origin === 'resource' && t.label.includes('测试空气呼吸器'));
}

before(async () => {
  srv = await startServer();
  await setClock(srv, local(2056, 2, 20, 9));
  admin = await api('anhuan');
  const w = await api('yuangong');
  const me = (await w.get('/api/v1/me')).json;
  const r = await admin.postJson('/api/v1/emerg/resources', { name: '测试空气呼吸器', kind: 'breathing_apparatus', unit_id: me.unit_id,
    place: '一车间东侧应急柜', quantity: 4, min_quantity: 2, owner_id: me.id });
  assert.equal(r.status, 201, r.text);
  res = r.json.id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('29 Feb: the month\'s task through the checklist, once; done on the phone; failures warn the owner', async () => {
  await setClock(srv, local(2056, 2, 29, 10));
  await tick(srv);
  await tick(srv);
  const w = await api('yuangong');
  const tasks = await resTasks(w, '2056-02-29');
  assert.equal(tasks.length, 1, 'one task however often the job runs');
  const [t] = tasks;
  assert.equal(t.window_start, local(2056, 2, 1));
  assert.equal(t.window_end, local(2056, 3, 1));
  assert.match(t.label, /一车间东侧应急柜/);
  const form = (await w.get(`/api/v1/check/tasks/${t.id}`)).json;
  assert.deepEqual(form.items.map((i) => i.label.split(' / ')[0]), ['数量齐全', '在有效期内', '封条完好', '取用通道畅通']);
  // the phone's form page opens for the owner
  const page = srv.client();
  await page.login('yuangong');
  const html = await page.get(`/checks/tasks/${t.id}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /封条完好/);
  // the quantity and the seal fail (each with its photo, as every failed item)
  const fd = new FormData();
  fd.append('photo', new Blob([png(64, 48, (x, y) => [x * 4, y * 5, 90])], { type: 'image/png' }), 'p.png');
  const sha = (await w.request('POST', '/api/v1/photos', { multipart: fd })).json.sha256;
  const answers = form.items.map((i, k) => (k === 0 || k === 2 ? { item_id: i.id, value: 'fail', photo: sha } : { item_id: i.id, value: 'pass' }));
  let r = await w.postJson('/api/v1/check/records', { task_id: t.id, idem_key: 'res-feb', answers });
  assert.equal(r.status, 201, r.text);
  assert.equal((await resTasks(w, '2056-02-29'))[0].status, 'done');
  admin = await api('anhuan');	// the clock moved past the sign-in's lifetime
  r = await admin.get(`/api/v1/emerg/resources/${res}`);
  assert.equal(r.json.checked_on, '2056-02-29');
  assert.ok(!r.json.attention.includes('check_due'));
  const inbox = (await w.get('/api/v1/inbox')).json;
  const mine = (inbox.items || inbox).filter((n) => n.link === `/emerg/resources/${res}`);
  assert.equal(mine.filter((n) => /低于最低数量/.test(n.body)).length, 1, JSON.stringify(mine));
  assert.equal(mine.filter((n) => /封条破损/.test(n.body)).length, 1, JSON.stringify(mine));
  assert.equal(mine.filter((n) => /有效期/.test(n.body)).length, 0, 'the expiry item passed');
  // the supply's page: the last check and, this month's being done, the end of next month
  const c = srv.client();
  await c.login('anhuan');
  const show = (await c.get(`/emerg/resources/${res}`)).text;
  assert.match(show, /data-last-check="2056-02-29"/);
  assert.match(show, /data-next-due="2056-03-31"/);
  assert.doesNotMatch(show, /data-check-task=/);
});

test('31 Dec late evening is still December\'s task; just after midnight January has its own, December\'s missed', async () => {
  await setClock(srv, local(2056, 12, 31, 23, 30));
  await tick(srv);
  const w = await api('yuangong');
  const dec = await resTasks(w, '2056-12-31');
  assert.equal(dec.length, 1);
  assert.deepEqual([dec[0].window_start, dec[0].window_end, dec[0].status], [local(2056, 12, 1), local(2057, 1, 1), 'open']);
  const c = srv.client();
  await c.login('anhuan');
  let show = (await c.get(`/emerg/resources/${res}`)).text;
  assert.match(show, /data-next-due="2056-12-31"/);
  assert.match(show, new RegExp(`data-check-task="${dec[0].id}"`));
  await setClock(srv, local(2057, 1, 1, 0, 5));
  await tick(srv);
  const w2 = await api('yuangong');
  const jan = await resTasks(w2, '2057-01-01');
  assert.equal(jan.length, 1);
  assert.deepEqual([jan[0].window_start, jan[0].window_end], [local(2057, 1, 1), local(2057, 2, 1)]);
  admin = await api('anhuan');
  const missed = (await admin.get('/api/v1/check/tasks?all=1&day=2056-12-31&status=missed')).json.items;
  assert.ok(missed.some((t) => t.id === dec[0].id), 'December\'s check was not done in December');
  await c.login('anhuan');
  show = (await c.get(`/emerg/resources/${res}`)).text;
  assert.match(show, /data-next-due="2057-01-31"/);
  assert.match(show, new RegExp(`data-check-task="${jan[0].id}"`));
});

test('an open check follows its supply: to the new owner, and away when the supply is retired', async () => {
  await setClock(srv, local(2057, 1, 2, 9));
  admin = await api('anhuan');
  const boss = await api('banzhang');
  const bossId = (await boss.get('/api/v1/me')).json.id;
  let r = await admin.request('PATCH', `/api/v1/emerg/resources/${res}`, { json: { owner_id: bossId } });
  assert.equal(r.status, 200, r.text);
  await tick(srv);
  assert.equal((await resTasks(await api('yuangong'), '2057-01-02')).length, 0);
  const [t] = await resTasks(boss, '2057-01-02');
  assert.equal(t.window_start, local(2057, 1, 1));
  r = await admin.postJson(`/api/v1/emerg/resources/${res}/deactivate`, {});
  assert.ok(r.status < 300, r.text);
  await tick(srv);
  assert.equal((await resTasks(await api('banzhang'), '2057-01-02')).length, 0);
  assert.equal((await admin.get(`/api/v1/check/tasks?all=1&day=2056-12-31&status=missed`)).json.items.filter((x) => x.label.includes('测试空气呼吸器')).length, 1,
    'a missed one stays on the record');
});
