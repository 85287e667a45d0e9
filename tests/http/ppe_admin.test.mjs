// tests/http/ppe_admin.test.mjs — the safety department's PPE pages (issue 22, after review):
// the catalogue, the permit requirements, the redemption catalogue and a position's list,
// each created, changed and deactivated through its form; a cycle of zero or a negative
// number redraws the form with the error under the field and what was typed; every change is
// audited, and a worker may open none of the forms. Then uses: a tap on a counted item, and
// one use per closed permit that required it, counted once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick, runSql, DEMO_PASSWORD } from './lib.mjs';

const H = 3600;
let srv, T0, sd, sdApi, worker, workerApi, people;
const fieldError = (html, f) => (new RegExp(`<span class="field-error" id="err-${f}">([^<]*)</span>`).exec(html) || [])[1];
const catalogue = async () => (await sdApi.get('/api/v1/ppe/catalogue')).json;

before(async () => {
  srv = await startServer();
  T0 = Math.floor((await serverNow(srv)) / 86400) * 86400 + 2 * 86400 + 2 * H;
  await setClock(srv, T0);
  sd = srv.client();
  await sd.login('anhuan');
  sdApi = srv.client();
  await sdApi.apiLogin('anhuan');
  worker = srv.client();
  await worker.login('yuangong');
  workerApi = srv.client();
  await workerApi.apiLogin('yuangong');
  const officer = srv.client();
  await officer.apiLogin('ws1anquan');
  people = (await officer.get('/api/v1/permits/options')).json.people;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});
const uid = (u) => people.find((p) => p.username === u).id;

test('the catalogue page: a zero cycle and a negative shelf life are refused under their field with the typed values kept; an item is created, changed and deactivated, audited; a worker is refused', async () => {
  let page = await sd.get('/ppe/admin/items/new');
  assert.equal(page.status, 200);
  const base = { code: 'filter_box', name: '滤毒盒', name_en: 'Filter cartridge', kind: 'respiratory', standard: 'GB 2890-2022',
    protection_class: 'A1', sizes: '', cycle_days: '0', cycle_uses: '', shelf_days: '', permit_only: '0' };
  let r = await sd.post('/ppe/admin/items', base);
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'cycle_days'), /更换周期（天）/);
  assert.match(r.text, /name="cycle_days" value="0"/);
  assert.match(r.text, /name="name" value="滤毒盒"/);
  r = await sd.post('/ppe/admin/items', { ...base, cycle_days: '', cycle_uses: '3', shelf_days: '-5' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'shelf_days'), /有效期/);
  assert.match(r.text, /name="shelf_days" value="-5"/);
  r = await sd.post('/ppe/admin/items', { ...base, cycle_days: '' });
  assert.equal(r.status, 422, 'no cycle at all');
  assert.ok(fieldError(r.text, 'cycle_days'));
  assert.ok(!(await catalogue()).items.some((i) => i.code === 'filter_box'), 'nothing stored');
  r = await sd.post('/ppe/admin/items', { ...base, cycle_days: '', cycle_uses: '3', shelf_days: '730' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  let it = (await catalogue()).items.find((i) => i.code === 'filter_box');
  assert.equal(it.cycle_uses, 3);
  assert.equal(it.shelf_days, 730);
  // the same code again: refused under code
  r = await sd.post('/ppe/admin/items', { ...base, cycle_days: '30' });
  assert.match(fieldError(r.text, 'code'), /编码已存在/);
  // changed through its page: a zero cycle refused, then a real one stored
  page = await sd.get(`/ppe/admin/items/${it.id}`);
  assert.equal(page.status, 200);
  r = await sd.post(`/ppe/admin/items/${it.id}`, { ...base, cycle_uses: '0', cycle_days: '' });
  assert.equal(r.status, 422);
  assert.ok(fieldError(r.text, 'cycle_uses'));
  assert.equal((await catalogue()).items.find((i) => i.code === 'filter_box').cycle_uses, 3);
  r = await sd.post(`/ppe/admin/items/${it.id}`, { ...base, cycle_days: '', cycle_uses: '4', shelf_days: '730' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal((await catalogue()).items.find((i) => i.code === 'filter_box').cycle_uses, 4);
  // a worker may see neither form nor save
  assert.equal((await worker.get('/ppe/admin/items/new')).status, 403);
  assert.equal((await worker.post(`/ppe/admin/items/${it.id}`, { ...base, cycle_days: '9' })).status, 403);
  // a second item, deactivated: gone from the catalogue's issue, refused at the store
  r = await sd.post('/ppe/admin/items', { ...base, code: 'old_apron', name: '旧围裙', kind: 'body', cycle_days: '90' });
  assert.equal(r.status, 303);
  const old = (await catalogue()).items.find((i) => i.code === 'old_apron');
  await sd.get(`/ppe/admin/items/${old.id}`);
  r = await sd.post(`/ppe/admin/items/${old.id}/deactivate`, {});
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const iss = await sdApi.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: old.id, user_id: uid('yuangong'), qty: 1 });
  assert.equal(iss.json.error.field, 'item_id');
  assert.match((await sd.get('/ppe/admin/items')).text, /旧围裙<\/strong><\/a>[^<]*<span class="badge">已停用/);
  const audit = srv.client();
  await audit.apiLogin('auditor');
  const log = (await audit.get('/api/v1/audit?entity=ppe_item&per_page=50')).json.items;
  for (const [id, action] of [[it.id, 'create'], [it.id, 'update'], [old.id, 'deactivate']])
    assert.ok(log.some((e) => e.entity_id === id && e.action === action), `${action} audited`);
});

test('permit requirements: added at block through the form, the same one twice refused, changed to warn, removed; the reward catalogue: a missing store and a negative cost refused naming the field, a reward created and deactivated', async () => {
  const cat = await catalogue();
  const harness = cat.items.find((i) => i.code === 'harness').id;
  const goggles = cat.items.find((i) => i.code === 'goggles').id;
  await sd.get('/ppe/admin/permit-items/new');
  const row = { permit_type: 'lifting', item_id: String(goggles), who: 'workers', alt_group: '', level: 'block' };
  let r = await sd.post('/ppe/admin/permit-items', row);
  assert.equal(r.status, 303, r.text.slice(0, 400));
  let pr = (await catalogue()).permits.find((p) => p.permit_type === 'lifting' && p.item_id === goggles);
  assert.equal(pr.level, 'block');
  r = await sd.post('/ppe/admin/permit-items', { ...row, level: 'warn' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'item_id'), /已对同一人员设置/);
  r = await sd.post('/ppe/admin/permit-items', { ...row, level: 'never' });
  assert.ok(fieldError(r.text, 'level'));
  await sd.get(`/ppe/admin/permit-items/${pr.id}`);
  r = await sd.post(`/ppe/admin/permit-items/${pr.id}`, { ...row, level: 'warn', alt_group: 'eyes' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  pr = (await catalogue()).permits.find((p) => p.id === pr.id);
  assert.equal(pr.level, 'warn');
  assert.equal(pr.alt_group, 'eyes');
  r = await sd.post(`/ppe/admin/permit-items/${pr.id}/deactivate`, {});
  assert.equal(r.status, 303);
  assert.ok(!(await catalogue()).permits.some((p) => p.id === pr.id));
  assert.equal((await worker.post('/ppe/admin/permit-items', row)).status, 403);

  await sd.get('/ppe/admin/rewards/new');
  const rw = { kind: 'item', name: '安全带一条', item_id: String(harness), store_id: '', hours: '', cost: '-3' };
  r = await sd.post('/ppe/admin/rewards', rw);
  assert.equal(r.status, 422);
  assert.ok(fieldError(r.text, 'cost'));
  assert.match(r.text, /name="cost" value="-3"/);
  r = await sd.post('/ppe/admin/rewards', { ...rw, cost: '40' });
  assert.equal(r.status, 422);
  assert.ok(fieldError(r.text, 'store_id'));
  r = await sd.post('/ppe/admin/rewards', { kind: 'time_off', name: '调休两小时', item_id: '', store_id: '', hours: '', cost: '30' });
  assert.ok(fieldError(r.text, 'hours'));
  r = await sd.post('/ppe/admin/rewards', { ...rw, store_id: '1', cost: '40' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const offered = (await workerApi.get('/api/v1/ppe/rewards?per_page=100')).json.items.find((w) => w.name === '安全带一条');
  assert.equal(offered.cost, 40);
  await sd.get(`/ppe/admin/rewards/${offered.id}`);
  assert.equal((await sd.post(`/ppe/admin/rewards/${offered.id}/deactivate`, {})).status, 303);
  assert.ok(!(await workerApi.get('/api/v1/ppe/rewards?per_page=100')).json.items.some((w) => w.name === '安全带一条'));
});

test('a position\'s list: a negative quantity redraws the form naming the item with what was typed; saved, it is what HR\'s list asks for; 0 takes an item off', async () => {
  let cat = await catalogue();
  const op = cat.positions.find((x) => x.position === '操作工').position_id;
  const harness = cat.items.find((i) => i.code === 'harness').id;
  const page = await sd.get(`/ppe/admin/positions/${op}`);
  assert.equal(page.status, 200);
  const form = {};
  for (const m of page.text.matchAll(/name="(qty_\d+)"[^>]*value="(\d*)"/g)) form[m[1]] = m[2];
  assert.ok(Object.keys(form).length > 5);
  let r = await sd.post(`/ppe/admin/positions/${op}`, { ...form, [`qty_${harness}`]: '-1' });
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, `qty_${harness}`), /全身式安全带：数量应为/);
  assert.match(r.text, new RegExp(`name="qty_${harness}" min="0" max="100" step="1" value="-1"`));
  cat = await catalogue();
  assert.ok(!cat.positions.some((x) => x.position_id === op && x.item_id === harness), 'nothing stored');
  r = await sd.post(`/ppe/admin/positions/${op}`, { ...form, [`qty_${harness}`]: '1' });
  assert.equal(r.status, 303);
  cat = await catalogue();
  assert.ok(cat.positions.some((x) => x.position_id === op && x.item_id === harness && x.qty === 1));
  r = await sd.post(`/ppe/admin/positions/${op}`, { ...form, [`qty_${harness}`]: '0' });
  assert.equal(r.status, 303);
  assert.ok(!(await catalogue()).positions.some((x) => x.position_id === op && x.item_id === harness));
  assert.equal((await worker.post(`/ppe/admin/positions/${op}`, form)).status, 403);
  const audit = srv.client();
  await audit.apiLogin('auditor');
  assert.ok((await audit.get('/api/v1/audit?entity=ppe_position&per_page=50')).json.items.some((e) => e.entity_id === op));
});

test('uses: a tap on a counted piece adds one and the state follows; a closed permit that required it adds one per worker, once', async () => {
  const cat = await catalogue();
  const filter = cat.items.find((i) => i.code === 'filter_box');
  assert.ok(filter, 'made by the first test');
  assert.equal((await sdApi.postJson('/api/v1/ppe/receipts', { store_id: 1, item_id: filter.id, qty: 5 })).status, 201);
  const iss = await sdApi.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: filter.id, user_id: uid('yuangong'), qty: 1 });
  assert.equal(iss.status, 201, iss.text);
  const hid = iss.json.holding_id;
  const held = async () => (await workerApi.get('/api/v1/ppe/me')).json.holdings.find((h) => h.id === hid);
  // his own page shows the count and the button; a tap adds one
  const me = await worker.get('/ppe');
  assert.match(me.text, new RegExp(`action="/ppe/holdings/${hid}/use"`));
  let r = await worker.post(`/ppe/holdings/${hid}/use`, {});
  assert.equal(r.status, 303);
  assert.equal((await held()).uses, 1);
  // a piece counted in days has no uses to record
  const gl = (await workerApi.get('/api/v1/ppe/me')).json.holdings.find((h) => h.code === 'gloves');
  assert.equal((await workerApi.postJson(`/api/v1/ppe/holdings/${gl.id}/use`, {})).status, 409);
  // hot work asks it of its workers; the demo's permit in progress (张三 working) is closed
  await sd.get('/ppe/admin/permit-items/new');
  r = await sd.post('/ppe/admin/permit-items', { permit_type: 'hot_work', item_id: String(filter.id), who: 'workers', alt_group: '', level: 'warn' });
  assert.equal(r.status, 303);
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  const live = (await safety.get('/api/v1/permits?state=in_progress')).json.items;
  assert.ok(live.length >= 1);
  for (const p of live)
    assert.equal((await safety.postJson(`/api/v1/permits/${p.id}/actions/close`, { password: DEMO_PASSWORD, site_clear: true })).status, 200);
  await tick(srv);
  let h = await held();
  assert.equal(h.uses, 2);
  assert.equal(h.state, 'ok');
  await tick(srv);
  assert.equal((await held()).uses, 2, 'each permit counted once');
  // the store keeper taps the last use on his page: due soon, then worn out
  await sd.get(`/ppe/people/${uid('yuangong')}`);
  r = await sd.post(`/ppe/holdings/${hid}/use`, {});
  assert.equal(r.status, 303);
  assert.equal((await held()).state, 'due_soon');
  await workerApi.postJson(`/api/v1/ppe/holdings/${hid}/use`, {});
  h = await held();
  assert.equal(h.uses, 4);
  assert.equal(h.state, 'expired');
});

const dayBefore = (n) => new Date((T0 + 8 * H - n * 86400) * 1000).toISOString().slice(0, 10);

test('the demo\'s store: receipts − issues + returns = stock for every item, and the stock ran down between deliveries', async () => {
  const rows = runSql(srv.dir, "SELECT k.item_id, k.qty, (SELECT coalesce(sum(CASE m.kind WHEN 'receipt' THEN m.qty WHEN 'return' THEN m.qty" +
    " WHEN 'issue' THEN -m.qty ELSE 0 END), 0) FROM ppe_moves m WHERE m.store_id = k.store_id AND m.item_id = k.item_id)," +
    " (SELECT count(*) FROM ppe_moves m WHERE m.store_id = k.store_id AND m.item_id = k.item_id AND m.kind = 'receipt')" +
    " FROM ppe_stock k ORDER BY k.store_id, k.item_id").split('\n').map((l) => l.split('|').map(Number));
  assert.ok(rows.length >= 14);
  for (const [item, qty, net] of rows) assert.equal(qty, net, `item ${item}: stock ${qty}, ledger ${net}`);
  // gloves: issued every month to everyone, delivered twice, far more received than left
  const gloves = (await catalogue()).items.find((i) => i.code === 'gloves').id;
  const [, left, , deliveries] = rows.find((r) => r[0] === gloves);
  const issued = Number(runSql(srv.dir, `SELECT count(*) FROM ppe_moves WHERE store_id = 1 AND item_id = ${gloves} AND kind = 'issue'`));
  assert.ok(deliveries >= 2);
  assert.ok(issued > 5 * left, `${issued} gloves issued over the year, ${left} left`);
});

test('HR\'s new hires follow the hire day, not the account\'s creation, within the configurable window; a hire day in the future is refused', async () => {
  const admin = srv.client();
  await admin.apiLogin('admin');
  const cat = await catalogue();
  const op = cat.positions.find((x) => x.position === '操作工').position_id;
  const hr = srv.client();
  await hr.apiLogin('renshi');
  const before = (await hr.get('/api/v1/ppe/unequipped')).json;
  assert.equal(before.total, 2, 'the demo\'s two new operators');
  const team = (await admin.get(`/api/v1/users/${uid('yuangong')}`)).json.unit_id;
  // an account made today for someone hired two years ago: not a new hire
  const made = await admin.postJson('/api/v1/users', { username: 'li.old', name: '李老', unit_id: team, position_id: op,
    roles: ['worker'], hired_on: dayBefore(730) });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.hired_on, dayBefore(730));
  assert.equal((await hr.get('/api/v1/ppe/unequipped')).json.total, 2);
  // his hire day corrected to ten days ago: on the list, missing his post's items
  const ch = await admin.request('PATCH', `/api/v1/users/${made.json.id}`, { json: { hired_on: dayBefore(10) } });
  assert.equal(ch.status, 200, ch.text);
  let list = (await hr.get('/api/v1/ppe/unequipped')).json;
  assert.equal(list.total, 3);
  const li = list.items.find((p) => p.user_id === made.json.id);
  assert.equal(li.hired_on, dayBefore(10));
  assert.match(li.missing, /安全帽/);
  // a narrower window leaves him and the demo's 3- and 6-week hires out
  assert.equal((await hr.get('/api/v1/ppe/unequipped?days=5')).json.total, 0);
  assert.equal((await hr.get('/api/v1/ppe/unequipped?days=30')).json.total, 2);
  assert.equal((await hr.get('/api/v1/ppe/unequipped?days=0')).status, 400);
  // the person form: the field is there, a future day redrawn under it with what was typed
  const form = srv.client();
  await form.login('admin');
  const page = await form.get(`/admin/users/${made.json.id}`);
  assert.match(page.text, new RegExp(`name="hired_on"[^>]*value="${dayBefore(10)}"`));
  const bad = await admin.request('PATCH', `/api/v1/users/${made.json.id}`, { json: { hired_on: dayBefore(-3) } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'hired_on');
  assert.equal((await admin.get(`/api/v1/users/${made.json.id}`)).json.hired_on, dayBefore(10));
});

test('the permit form\'s pickers mark who lacks the type\'s equipment before saving: ⚠ beside the name at warn, unqualified with the item at block; the options JSON says the same', async () => {
  const c = srv.client();
  await c.login('ws1anquan');
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const zhang = uid('yuangong');
  const opt = (html) => {
    const sel = /<select name="worker_1"[^]*?<\/select>/.exec(html)[0];
    return new RegExp(`<option value="${zhang}"([^>]*)>([^<]*)</option>`).exec(sel);
  };
  // shipped at warn: 张三 lacks the flame-retardant clothing hot work asks of everyone
  let page = await c.get('/permits/new?type=hot_work');
  let o = opt(page.text);
  assert.ok(o, 'he is offered');
  assert.match(o[1], /data-ppe-warn="[^"]*阻燃防护服/);
  assert.doesNotMatch(o[1], /data-why/);
  assert.match(o[2], /^⚠ 张三 .*缺 [^<]*阻燃防护服/);
  let j = (await api.get('/api/v1/permits/options?type=hot_work')).json.people.find((p) => p.id === zhang);
  assert.equal(j.ppe.workers.level, 'warn');
  assert.match(j.ppe.workers.missing, /阻燃防护服/);
  // someone who holds it is not marked
  const fr = (await catalogue()).items.find((i) => i.code === 'fr_clothing').id;
  assert.equal((await sdApi.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: fr, user_id: uid('ws1anquan'), qty: 1, size: 'L' })).status, 201);
  j = (await api.get('/api/v1/permits/options?type=hot_work')).json.people.find((p) => p.id === uid('ws1anquan'));
  assert.equal(j.ppe.guardian.level, 'ok');
  // at block: among the unqualified, the reason in data-why for the picker to show when chosen
  const row = (await catalogue()).permits.find((p) => p.permit_type === 'hot_work' && p.item_id === fr);
  await sd.get(`/ppe/admin/permit-items/${row.id}`);
  assert.equal((await sd.post(`/ppe/admin/permit-items/${row.id}`, { permit_type: 'hot_work', item_id: String(fr), who: 'all', alt_group: '', level: 'block' })).status, 303);
  page = await c.get('/permits/new?type=hot_work');
  o = opt(page.text);
  assert.match(o[1], /data-why="[^"]*阻燃防护服/);
  assert.match(o[2], /^✗ 张三/);
  j = (await api.get('/api/v1/permits/options?type=hot_work')).json.people.find((p) => p.id === zhang);
  assert.equal(j.ppe.workers.level, 'block');
  // another type asks nothing of him; a bad type or day is refused
  assert.equal((await api.get('/api/v1/permits/options?type=excavation')).json.people.find((p) => p.id === zhang).ppe.workers.level, 'ok');
  assert.equal((await api.get('/api/v1/permits/options?type=nothing')).status, 400);
  assert.equal((await api.get('/api/v1/permits/options?type=hot_work&day=2026-02-30')).status, 400);
  assert.equal((await sd.post(`/ppe/admin/permit-items/${row.id}`, { permit_type: 'hot_work', item_id: String(fr), who: 'all', alt_group: '', level: 'warn' })).status, 303);
});

// A small real PNG (RGBA, a diagonal stroke), as a tablet's canvas would send: signature,
// IHDR, IDAT (zlib), IEND, each chunk with its CRC-32.
import { deflateSync } from 'node:zlib';
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(h * (1 + 4 * w));
  for (let y = 0; y < h; y++) {
    const x = Math.floor((y * w) / h), at = y * (1 + 4 * w) + 1 + 4 * x;
    raw.set([0, 0, 0, 255], at);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

test('a signature on the store keeper\'s tablet: a PNG stored with the issue as its receipt, shown in the ledger, its spreadsheet and its PDF; not a PNG or too large: refused with nothing issued; kept by the blob clean-up', async () => {
  const cat = await catalogue();
  const goggles = cat.items.find((i) => i.code === 'goggles').id;
  const stock = async () => (await sdApi.get('/api/v1/ppe/stock?per_page=500')).json.items.find((x) => x.store_id === 1 && x.item_id === goggles).qty;
  const s0 = await stock();
  const sig = png(60, 30);
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), sig.subarray(4)]);
  const big = Buffer.concat([sig.subarray(0, 33), Buffer.alloc(210 * 1024)]);
  const body = { store_id: 1, item_id: goggles, user_id: uid('banzhang'), qty: 1 };
  for (const bad of [jpeg.toString('base64'), big.toString('base64'), 'not base64 at all!'])
    assert.equal((await sdApi.postJson('/api/v1/ppe/issues', { ...body, signature_png: bad })).json.error.field, 'signature_png');
  assert.equal(await stock(), s0, 'nothing issued');
  const ok = await sdApi.postJson('/api/v1/ppe/issues', { ...body, signature_png: `data:image/png;base64,${sig.toString('base64')}` });
  assert.equal(ok.status, 201, ok.text);
  const hid = ok.json.holding_id;
  // the signature is the receipt: confirmed, signed, nothing left for him to confirm
  const lead = srv.client();
  await lead.apiLogin('banzhang');
  const h = (await lead.get('/api/v1/ppe/me')).json.holdings.find((x) => x.id === hid);
  assert.equal(h.confirmed, true);
  assert.equal(h.signed, true);
  // the page form: a data URL from the canvas; garbage redraws the form under the pad
  await sd.get('/ppe/store');
  const bad = await sd.post('/ppe/issue', { store_id: '1', item_id: String(goggles), user_id: String(uid('banzhang')), qty: '1', size: 'M', signature: 'data:image/png;base64,AAAA' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<span class="field-error" id="err-signature">签名应为 PNG/);
  assert.match(bad.text, /name="size" maxlength="32" value="M"/);
  const good = await sd.post('/ppe/issue', { store_id: '1', item_id: String(goggles), user_id: String(uid('banzhang')), qty: '1', size: '', signature: `data:image/png;base64,${sig.toString('base64')}` });
  assert.equal(good.status, 303);
  assert.equal(await stock(), s0 - 2);
  // the ledger: the image in the page and the JSON, the bytes as sent
  const led = (await sdApi.get('/api/v1/ppe/ledger?per_page=5')).json;
  const row = led.items.find((x) => x.holding_id === hid);
  assert.equal(row.signed, true);
  assert.equal(row.signature_url, `/ppe/holdings/${hid}/signature.png`);
  assert.ok(led.items.some((x) => x.signed === false && x.confirmed_at === null) || led.total > 5);
  const page = await sd.get('/ppe/ledger');
  assert.match(page.text, new RegExp(`<img class="ppe-sig" src="/ppe/holdings/${hid}/signature.png"`));
  const img = await sd.get(`/ppe/holdings/${hid}/signature.png`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.equal((await fetch(`${srv.url}/ppe/holdings/${hid}/signature.png`, { headers: { Cookie: sd.cookieHeader() } }).then((x) => x.arrayBuffer()).then((b) => Buffer.from(b).equals(sig))), true);
  assert.equal((await worker.get(`/ppe/holdings/${hid}/signature.png`)).status, 403, 'a worker reads no ledger');
  const month = new Date((T0 + 8 * H) * 1000).toISOString().slice(0, 7);
  const xlsx = await fetch(`${srv.url}/ppe/ledger.xlsx?month=${month}`, { headers: { Cookie: sd.cookieHeader() } });
  assert.equal(xlsx.status, 200);
  const xb = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(xb.subarray(0, 2).toString(), 'PK');
  assert.ok(xb.includes('xl/media/image1.png'), 'the signature inside the workbook');
  const pdf = await fetch(`${srv.url}/ppe/ledger.pdf?month=${month}`, { headers: { Cookie: sd.cookieHeader() } });
  assert.equal(pdf.status, 200);
  const pb = Buffer.from(await pdf.arrayBuffer());
  assert.equal(pb.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pb.includes('/Subtype /Image'), 'the signature drawn in the PDF');
  assert.equal((await sd.get('/ppe/ledger?month=2026-13')).status, 400);
  // days later the hazard job clears unreferenced blobs: the signature stays
  await setClock(srv, T0 + 3 * 86400);
  await tick(srv);
  const later = srv.client();
  await later.login('anhuan');
  assert.equal((await later.get(`/ppe/holdings/${hid}/signature.png`)).status, 200);
});
