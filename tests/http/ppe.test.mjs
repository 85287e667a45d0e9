// tests/http/ppe.test.mjs — protective equipment and points (issue 22): an issue confirmed by
// its holder and returned to stock, issues beyond the stock refused with nothing stored (and
// two racing for the last pieces: one wins), bad catalogue values refused naming the field,
// the permit check of a worker's and guardian's equipment (warn on the permit page, block
// refusing it with the reason until the item is issued), redemptions that never overdraw
// (two racing for the last points: exactly one succeeds) and that issue from stock, time off
// decided by the team leader, HR's list of new hires not equipped, the monthly statement and
// the nomination list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow } from './lib.mjs';

const H = 3600;
let srv, T0, keeper, worker, leader, cat, people;
const item = (code) => cat.items.find((i) => i.code === code).id;
const local = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 16);
function weekdayMorning(now) {
  let t = Math.floor(now / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  return t;
}
const stockOf = async (store, it) => {
  const s = (await keeper.get('/api/v1/ppe/stock?per_page=500')).json.items.find((x) => x.store_id === store && x.item_id === it);
  return s ? s.qty : 0;
};

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await setClock(srv, T0);
  keeper = srv.client();
  await keeper.apiLogin('anhuan');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  leader = srv.client();
  await leader.apiLogin('banzhang');
  cat = (await keeper.get('/api/v1/ppe/catalogue')).json;
  const officer = srv.client();
  await officer.apiLogin('ws1anquan');
  people = (await officer.get('/api/v1/permits/options')).json.people;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});
const uid = (u) => people.find((p) => p.username === u).id;

test('issue and return: stock moves, only the holder confirms, a second return is refused, the ledger is audited', async () => {
  const goggles = item('goggles');
  const before = await stockOf(1, goggles);
  const r = await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: goggles, user_id: uid('yuangong'), qty: 2 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.stock, before - 2);
  const hid = r.json.holding_id;
  let me = (await worker.get('/api/v1/ppe/me')).json;
  let h = me.holdings.find((x) => x.id === hid);
  assert.equal(h.confirmed, false);
  assert.equal(h.qty, 2);
  assert.equal(h.state, 'ok');
  assert.ok(h.due_on > h.issued_on, 'a replacement day after the issue (365 days for goggles)');
  // someone else cannot sign for him
  assert.equal((await leader.postJson(`/api/v1/ppe/holdings/${hid}/confirm`, {})).status, 404);
  const c = await worker.postJson(`/api/v1/ppe/holdings/${hid}/confirm`, {});
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.holdings.find((x) => x.id === hid).confirmed, true);
  assert.equal((await worker.postJson(`/api/v1/ppe/holdings/${hid}/confirm`, {})).status, 409);
  // returned: back in stock, gone from his list; a second return finds nothing to return
  const back = await keeper.postJson(`/api/v1/ppe/holdings/${hid}/return`, {});
  assert.equal(back.status, 200, back.text);
  assert.ok(!back.json.holdings.some((x) => x.id === hid));
  assert.equal(await stockOf(1, goggles), before);
  assert.equal((await keeper.postJson(`/api/v1/ppe/holdings/${hid}/return`, {})).status, 409);
  // a worker may neither issue nor return
  assert.equal((await worker.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: goggles, user_id: uid('yuangong'), qty: 1 })).status, 403);
  const audit = srv.client();
  await audit.apiLogin('auditor');
  const log = (await audit.get('/api/v1/audit?entity=ppe_holding&per_page=50')).json.items;
  assert.deepEqual(['issue', 'confirm', 'return'].filter((a) => log.some((e) => e.entity_id === hid && e.action === a)), ['issue', 'confirm', 'return']);
});

test('stock limits and bad input: more than the stock, zero or negative quantities, a zero cycle refused naming the field; two issues race for the last pieces and one wins', async () => {
  const zero = await keeper.postJson('/api/v1/ppe/items', { code: 'apron', name: '防化围裙', kind: 'body', cycle_days: 0 });
  assert.equal(zero.status, 422);
  assert.equal(zero.json.error.field, 'cycle_days');
  const none = await keeper.postJson('/api/v1/ppe/items', { code: 'apron', name: '防化围裙', kind: 'body' });
  assert.equal(none.json.error.field, 'cycle_days');
  const neg = await keeper.postJson('/api/v1/ppe/items', { code: 'apron', name: '防化围裙', kind: 'body', cycle_days: 90, shelf_days: -1 });
  assert.equal(neg.json.error.field, 'shelf_days');
  assert.ok(!(await keeper.get('/api/v1/ppe/catalogue')).json.items.some((i) => i.code === 'apron'), 'nothing stored');
  const made = await keeper.postJson('/api/v1/ppe/items', { code: 'apron', name: '防化围裙', kind: 'body', standard: 'GB 24539', cycle_days: 90 });
  assert.equal(made.status, 201, made.text);
  const apron = made.json.id;
  assert.equal((await keeper.postJson(`/api/v1/ppe/items/${apron}`, { cycle_days: -5 })).json.error.field, 'cycle_days');
  const changed = await keeper.postJson(`/api/v1/ppe/items/${apron}`, { cycle_days: 60 });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.json.cycle_days, 60);
  assert.equal(changed.json.permit_only, false, 'what was not sent is kept');

  const rneg = await keeper.postJson('/api/v1/ppe/receipts', { store_id: 2, item_id: apron, qty: -3 });
  assert.equal(rneg.status, 422);
  assert.equal(rneg.json.error.field, 'qty');
  const rec = await keeper.postJson('/api/v1/ppe/receipts', { store_id: 2, item_id: apron, qty: 3 });
  assert.equal(rec.status, 201, rec.text);
  assert.equal(rec.json.qty, 3);
  const heldBefore = (await worker.get('/api/v1/ppe/me')).json.holdings.length;
  const over = await keeper.postJson('/api/v1/ppe/issues', { store_id: 2, item_id: apron, user_id: uid('yuangong'), qty: 4 });
  assert.equal(over.status, 409);
  assert.equal(over.json.error.field, 'qty');
  assert.match(over.json.error.message, /库存不足/);
  const zq = await keeper.postJson('/api/v1/ppe/issues', { store_id: 2, item_id: apron, user_id: uid('yuangong'), qty: 0 });
  assert.equal(zq.json.error.field, 'qty');
  assert.equal(await stockOf(2, apron), 3, 'the stock is untouched');
  assert.equal((await worker.get('/api/v1/ppe/me')).json.holdings.length, heldBefore, 'nothing issued');
  // two issues of 2 race for the 3 left: exactly one is served
  const race = await Promise.all([uid('yuangong'), uid('banzhang')].map((u) =>
    keeper.postJson('/api/v1/ppe/issues', { store_id: 2, item_id: apron, user_id: u, qty: 2 })));
  assert.deepEqual(race.map((x) => x.status).sort(), [201, 409]);
  assert.equal(await stockOf(2, apron), 1);
  // the store keeper's form: refused with the error under the quantity, what he typed kept
  const form = srv.client();
  await form.login('anhuan');
  await form.get('/ppe/store');
  const page = await form.post('/ppe/issue', { store_id: '2', item_id: String(apron), user_id: String(uid('yuangong')), qty: '5', size: 'XL-长' });
  assert.equal(page.status, 409);
  assert.match(page.text, /<span class="field-error" id="err-qty">库存不足，未发放<\/span>/);
  assert.match(page.text, /name="qty" min="1" max="10000" value="5"/);
  assert.match(page.text, /name="size" maxlength="32" value="XL-长"/);
  assert.equal(await stockOf(2, apron), 1);
  // breathing apparatus only against a live permit's number
  const scba = await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: item('scba'), user_id: uid('yuangong'), qty: 1 });
  assert.equal(scba.status, 422);
  assert.equal(scba.json.error.field, 'permit_no');
  const fake = await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: item('scba'), user_id: uid('yuangong'), qty: 1, permit_no: 'SX-1999-000001' });
  assert.equal(fake.json.error.field, 'permit_no');
});

async function hotWork(c) {
  const area = (await c.get('/api/v1/permits/options')).json.areas.find((a) => a.name === '合成一车间 投料平台').id;
  await c.get('/permits/new?type=hot_work');
  return c.request('POST', '/permits', { form: { type: 'hot_work', area_id: area, content: '管架焊接', hot_place: 'other',
    planned_start: local(T0 + H), planned_end: local(T0 + 5 * H), wind: '0', medium_lel: '5',
    guardian_id: uid('ws1anquan'), worker_1: uid('yuangong'), worker_role_1: '焊工' } });
}
const fieldError = (html, f) => (new RegExp(`<span class="field-error" id="err-${f}">([^<]*)</span>`).exec(html) || [])[1];

test('the permit PPE check: a warning on the permit page; at block the permit is refused naming the person and item until it is issued', async () => {
  const c = srv.client();
  await c.login('ws1anquan');
  // shipped as warn: the permit is made, and its page names who lacks the flame-retardant clothing
  const ok = await hotWork(c);
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const page = await c.get(ok.location);
  const warn = /<div class="notice notice-warn permit-ppe"[^>]*>([^]*?)<\/div>/.exec(page.text);
  assert.ok(warn, 'the PPE warning on the permit page');
  assert.match(warn[1], /张三: 阻燃防护服/);
  assert.match(warn[1], /赵磊: 阻燃防护服/);
  // the safety department makes it a block: refused, under the guardian first
  const set = await keeper.postJson('/api/v1/ppe/permit-items', { permit_type: 'hot_work', item_id: item('fr_clothing'), who: 'all', level: 'block' });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.find((x) => x.permit_type === 'hot_work').level, 'block');
  let r = await hotWork(c);
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'guardian_id'), /赵磊 \(ws1anquan\): 阻燃防护服/);
  // issued to the guardian: the worker is the one left
  assert.equal((await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: item('fr_clothing'), user_id: uid('ws1anquan'), qty: 1, size: 'L' })).status, 201);
  r = await hotWork(c);
  assert.equal(r.status, 422);
  assert.equal(fieldError(r.text, 'guardian_id'), undefined);
  assert.match(fieldError(r.text, 'workers'), /张三 \(yuangong\): 阻燃防护服/);
  // past its life it does not count: the worker's piece, issued and then disposed, blocks again
  const iss = await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: item('fr_clothing'), user_id: uid('yuangong'), qty: 1, size: 'M' });
  assert.equal(iss.status, 201);
  r = await hotWork(c);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.doesNotMatch((await c.get(r.location)).text, /permit-ppe/);
  assert.equal((await keeper.postJson(`/api/v1/ppe/holdings/${iss.json.holding_id}/dispose`, {})).status, 200);
  r = await hotWork(c);
  assert.equal(r.status, 422);
  assert.match(fieldError(r.text, 'workers'), /阻燃防护服/);
  // back to warn for the tests after this one
  assert.equal((await keeper.postJson('/api/v1/ppe/permit-items', { permit_type: 'hot_work', item_id: item('fr_clothing'), who: 'all', level: 'warn' })).status, 200);
  assert.equal((await keeper.postJson('/api/v1/ppe/permit-items', { permit_type: 'hot_work', item_id: item('fr_clothing'), level: 'never' })).json.error.field, 'level');
});

test('redemption: never more than the balance, two racing for the last points: exactly one succeeds; an item comes from stock; time off waits for the team leader and a refusal gives the points back', async () => {
  const start = (await worker.get('/api/v1/ppe/me')).json;
  const B = start.balance;
  assert.ok(B >= 20, `the demo worker has points to spend (${B})`);
  // a reward costing more than half the balance: two at once cannot both fit
  const cost = Math.floor(B / 2) + 1;
  const rw = await keeper.postJson('/api/v1/ppe/rewards', { kind: 'time_off', name: '调休半天', hours: 4, cost });
  assert.equal(rw.status, 201, rw.text);
  const race = await Promise.all([1, 2].map(() => worker.postJson('/api/v1/ppe/redemptions', { reward_id: rw.json.id })));
  assert.deepEqual(race.map((x) => x.status).sort(), [201, 409]);
  const lost = race.find((x) => x.status === 409).json.error;
  assert.equal(lost.field, 'reward_id');
  assert.match(lost.message, /积分不足/);
  let me = (await worker.get('/api/v1/ppe/me')).json;
  assert.equal(me.balance, B - cost);
  assert.equal(me.redemptions.filter((d) => d.reward === '调休半天').length, 1);
  // more than what is left: refused, nothing recorded
  assert.equal((await worker.postJson('/api/v1/ppe/redemptions', { reward_id: rw.json.id })).status, 409);
  assert.equal((await worker.get('/api/v1/ppe/me')).json.redemptions.length, me.redemptions.length);
  // the team leader refuses it: the points come back; he cannot decide twice
  const rid = race.find((x) => x.status === 201).json.redemption_id;
  const pend = (await leader.get('/api/v1/ppe/redemptions/pending')).json.items;
  assert.ok(pend.some((p) => p.id === rid));
  assert.equal((await leader.postJson(`/api/v1/ppe/redemptions/${rid}/refuse`, {})).json.state, 'refused');
  assert.equal((await leader.postJson(`/api/v1/ppe/redemptions/${rid}/approve`, {})).status, 404);
  assert.equal((await worker.get('/api/v1/ppe/me')).json.balance, B);
  // gloves from stock: debit and issue together
  const gloves = (await worker.get('/api/v1/ppe/rewards')).json.items.find((w) => w.name === '防护手套一副');
  const g0 = await stockOf(1, item('gloves'));
  const got = await worker.postJson('/api/v1/ppe/redemptions', { reward_id: gloves.id, size: '9' });
  assert.equal(got.status, 201, got.text);
  assert.equal(got.json.balance, B - gloves.cost);
  assert.ok(got.json.holdings.some((h) => h.code === 'gloves' && h.size === '9' && !h.confirmed));
  assert.equal(await stockOf(1, item('gloves')), g0 - 1);
  // a reward whose store is empty: refused, and the points stay where they were
  const empty = await keeper.postJson('/api/v1/ppe/rewards', { kind: 'item', name: '防化手套', item_id: item('chem_gloves'), store_id: 2, cost: 1 });
  assert.equal(empty.status, 201);
  const no = await worker.postJson('/api/v1/ppe/redemptions', { reward_id: empty.json.id });
  assert.equal(no.status, 409);
  assert.equal(no.json.error.field, 'reward_id');
  me = (await worker.get('/api/v1/ppe/me')).json;
  assert.equal(me.balance, B - gloves.cost);
  assert.ok(!me.redemptions.some((d) => d.reward === '防化手套'));
  // a worker cannot approve time off, nor the team leader his own
  assert.equal((await worker.postJson(`/api/v1/ppe/redemptions/${rid}/approve`, {})).status, 403);
});

test('HR sees the new hires not yet equipped, until they are', async () => {
  const hr = srv.client();
  await hr.apiLogin('renshi');
  const list = (await hr.get('/api/v1/ppe/unequipped')).json;
  assert.equal(list.total, 2);
  const first = list.items[0];
  assert.match(first.missing, /安全帽/);
  const missing = cat.items.filter((i) => first.missing.split('、').includes(i.name));
  for (const i of missing)
    assert.equal((await keeper.postJson('/api/v1/ppe/issues', { store_id: 1, item_id: i.id, user_id: first.user_id, qty: i.code === 'gloves' ? 2 : 1 })).status, 201);
  const after = (await hr.get('/api/v1/ppe/unequipped')).json;
  assert.equal(after.total, 1);
  assert.ok(!after.items.some((p) => p.user_id === first.user_id));
  // the position's list is data: a harness added to the operator's list puts him back on it
  const op = cat.positions.find((x) => x.position === '操作工').position_id;
  const add = await keeper.postJson('/api/v1/ppe/position-items', { position_id: op, item_id: item('harness'), qty: 1 });
  assert.equal(add.status, 200, add.text);
  assert.ok(add.json.some((x) => x.position_id === op && x.item === '全身式安全带'));
  const again = (await hr.get('/api/v1/ppe/unequipped')).json.items.find((p) => p.user_id === first.user_id);
  assert.equal(again.missing, '全身式安全带');
  assert.equal((await keeper.postJson('/api/v1/ppe/position-items', { position_id: op, item_id: item('harness'), qty: 0 })).status, 200);
  assert.equal((await keeper.postJson('/api/v1/ppe/position-items', { position_id: 99999, item_id: item('harness') })).json.error.field, 'position_id');
  assert.equal((await hr.get('/api/v1/ppe/unequipped')).json.total, 1);
  // the page lists the same
  const page = srv.client();
  await page.login('renshi');
  assert.equal(((await page.get('/ppe/unequipped')).text.match(/<li><a href="\/ppe\/people\//g) || []).length, 1);
});

test('the monthly statement of a team and the yearly nomination list, in scope', async () => {
  const s = await leader.get('/api/v1/ppe/statement');
  assert.equal(s.status, 200, s.text);
  const zhang = s.json.people.find((p) => p.name === '张三');
  assert.ok(zhang, 'the team leader sees his team');
  const me = (await worker.get('/api/v1/ppe/me')).json;
  assert.equal(zhang.balance, me.balance);
  assert.ok(zhang.spent >= 5, 'this month\'s gloves');
  assert.equal(s.json.balance, s.json.people.reduce((a, p) => a + p.balance, 0));
  assert.equal((await leader.get('/api/v1/ppe/statement?month=2026-13')).status, 400);
  // another unit's statement is not his to read
  const other = (await keeper.get('/api/v1/units?per_page=500')).json.items.find((u) => u.kind === 'team' && u.id !== s.json.unit_id);
  assert.equal((await leader.get(`/api/v1/ppe/statement?unit=${other.id}`)).status, 404);
  const root = (await keeper.get('/api/v1/units?per_page=500')).json.items.find((u) => u.kind === 'company');
  // the demo's year of records: the server's year, or the one before when the run starts on
  // New Year's Eve and the test clock has moved into January
  const year = new Date((T0 + 8 * H) * 1000).getUTCFullYear();
  let a;
  for (const y of [year, year - 1]) {
    a = await keeper.get(`/api/v1/ppe/award?unit=${root.id}&year=${y}`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.year, y);
    if (a.json.people.length) break;
  }
  assert.ok(a.json.people.length > 0);
  const top = a.json.people[0];
  assert.ok(top.points >= a.json.people.at(-1).points, 'ranked by points');
  assert.ok(top.evidence.every((e) => /^\/(ppe\/people|hazards)\/\d+$/.test(e)));
  assert.ok(a.json.people.some((p) => p.evidence.some((e) => e.startsWith('/hazards/'))), 'hazards linked as evidence');
  assert.equal((await keeper.get('/api/v1/ppe/award?year=1999')).status, 400);
});
