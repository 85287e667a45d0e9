// tests/http/permit_pickers.test.mjs — the permit form's person pickers without JavaScript and
// the rules behind them (issue 12 §3): the qualified and the own unit come first in <optgroup>s,
// each person carries a search key (name, number, pinyin initials), the unqualified are marked
// and refused as soon as the draft is saved (the message under the field, every value kept),
// and the safety measures are the guardian's to confirm unless another person is named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow } from './lib.mjs';

let srv, opt, cat, T0, c;
const H = 3600;

// a weekday 10:00 in the plant's zone (UTC+8) two or more days after the server's now
function weekdayMorning(now) {
  let t = Math.floor(now / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  return t;
}
const local = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 16);

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await setClock(srv, T0);
  c = srv.client();
  await c.login('ws1anquan');
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  opt = (await api.get('/api/v1/permits/options')).json;
  cat = (await api.get('/api/v1/permits/catalogue')).json;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const uid = (u) => opt.people.find((p) => p.username === u).id;
const area = (n) => opt.areas.find((a) => a.name === n).id;
const hotMeasures = () => cat.types.find((t) => t.code === 'hot_work').measures.map((m) => m.id);

// the <select name> of a page, and its groups: [{label, options: [{value, key, why, text}]}]
function picker(html, name) {
  const m = new RegExp(`<select name="${name}"[^>]*>(.*?)</select>`, 's').exec(html);
  assert.ok(m, `a select ${name}`);
  const groups = [];
  for (const g of m[1].matchAll(/<optgroup label="([^"]*)">(.*?)<\/optgroup>/gs)) {
    groups.push({ label: g[1], options: [...g[2].matchAll(/<option value="(\d+)" data-key="([^"]*)"(?: data-why="([^"]*)")?[^>]*>([^<]*)<\/option>/g)]
      .map((o) => ({ value: Number(o[1]), key: o[2], why: o[3], text: o[4] })) });
  }
  return { html: m[0], groups };
}
const groupOf = (p, id) => p.groups.findIndex((g) => g.options.some((o) => o.value === id));
const optionOf = (p, id) => p.groups.flatMap((g) => g.options).find((o) => o.value === id);
function errorOf(html, field) {
  const m = new RegExp(`<span class="field-error" id="err-${field}">([^<]*)</span>`).exec(html);
  return m ? m[1] : null;
}

function hotForm(extra = {}) {
  return { type: 'hot_work', area_id: area('合成一车间 投料平台'), content: '栏杆焊接 保留这段话', hot_place: 'other',
    planned_start: local(T0 + H), planned_end: local(T0 + 5 * H), wind: '0', medium_lel: '5',
    guardian_id: uid('ws1anquan'), worker_1: uid('yuangong'), worker_role_1: '焊工', ...extra };
}

test('pickers without JavaScript: the qualified first, own unit first, search keys, the unqualified marked', async () => {
  const r = await c.get('/permits/new?type=hot_work');
  assert.equal(r.status, 200);
  assert.match(r.text, /<script src="\/static\/picker\.js\?v=[0-9a-f]+" defer><\/script>/);
  // guardian: the one person with the guard permission and a valid guardian's certificate
  // first (赵磊, the officer himself), found by pinyin initials and number
  const g = picker(r.text, 'guardian_id');
  assert.match(g.html, /required/);
  assert.equal(groupOf(g, uid('ws1anquan')), 0);
  assert.match(g.groups[0].label, /^有资格/);
  assert.match(optionOf(g, uid('ws1anquan')).key, /赵磊 zhaolei zl jn\d{4}/);
  // 张三 holds a guardian's certificate but may not guard: last group, marked, with the reason
  const last = g.groups.length - 1;
  assert.match(g.groups[last].label, /无资格/);
  assert.equal(groupOf(g, uid('yuangong')), last);
  assert.match(optionOf(g, uid('yuangong')).text, /^✗ 张三/);
  assert.match(optionOf(g, uid('yuangong')).why, /监护权限/);
  // workers of hot work: the certified welder (own workshop) first; u002 without one is marked
  const w = picker(r.text, 'worker_1');
  assert.equal(groupOf(w, uid('yuangong')), 0);
  assert.match(w.groups[0].label, /本单位/);
  assert.equal(groupOf(w, uid('u002')), w.groups.length - 1);
  assert.match(optionOf(w, uid('u002')).why, /证书/);
  // a measure's picker: optional, the guardian by default, own unit (合成一车间) before others
  const m = picker(r.text, `measure_${hotMeasures()[0]}`);
  assert.doesNotMatch(m.html, /required/);
  assert.match(m.html, /<option value="">— 监护人 —<\/option>/);
  assert.equal(m.groups[0].label, '本单位');
  assert.ok(m.groups[0].options.some((o) => o.value === uid('yuangong')));
  assert.ok(!m.groups[0].options.some((o) => o.value === uid('zongjian')), 'the safety director is not of the workshop');
  assert.equal(groupOf(m, uid('zongjian')), 1);
  assert.ok(!m.groups.some((x) => /无资格/.test(x.label)), 'anyone may confirm a measure');
});

test('a guardian whose certificate has lapsed by the planned day: refused on saving, under 监护人, values kept', async () => {
  await c.get('/permits/new?type=hot_work');
  // the demo guardian's certificate runs 630 days; plan the work 700 days on
  const later = T0 + 700 * 86400;
  const r = await c.request('POST', '/permits', { form: hotForm({ planned_start: local(later), planned_end: local(later + 4 * H) }) });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(errorOf(r.text, 'guardian_id') ?? '', /^监护人：.*赵磊/);
  assert.match(errorOf(r.text, 'guardian_id'), /过期/);
  assert.match(r.text, /栏杆焊接 保留这段话<\/textarea>/);
  assert.match(r.text, new RegExp(`name="planned_start" value="${local(later)}"`));
  // the form judges people on the planned day too: now he is in the unqualified group
  const g = picker(r.text, 'guardian_id');
  assert.equal(groupOf(g, uid('ws1anquan')), g.groups.length - 1);
  assert.match(g.html, new RegExp(`<option value="${uid('ws1anquan')}"[^>]* selected>`));
  const w = picker(r.text, 'worker_1');
  assert.match(w.html, new RegExp(`<option value="${uid('yuangong')}"[^>]* selected>`));
});

test('an unqualified worker: refused on saving, named under 作业人员, nothing stored', async () => {
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const n = (await api.get('/api/v1/permits')).json.items.length;
  await c.get('/permits/new?type=hot_work');
  const u002 = opt.people.find((p) => p.username === 'u002');
  const r = await c.request('POST', '/permits', { form: hotForm({ worker_1: u002.id }) });
  assert.equal(r.status, 422);
  assert.match(errorOf(r.text, 'workers') ?? '', new RegExp(`^作业人员：.*${u002.name}`));
  assert.match(r.text, /name="worker_role_1" value="焊工"/);
  assert.match(picker(r.text, 'worker_1').html, new RegExp(`<option value="${u002.id}"[^>]* selected>`));
  assert.equal((await api.get('/api/v1/permits')).json.items.length, n);
  // a guardian without the guard permission, refused the same way
  const g = await c.request('POST', '/permits', { form: hotForm({ guardian_id: uid('banzhang') }) });
  assert.equal(g.status, 422);
  assert.match(errorOf(g.text, 'guardian_id') ?? '', /^监护人：/);
});

test('measures: the guardian confirms each unless another is named; the edit form and the print agree', async () => {
  const ms = hotMeasures();
  await c.get('/permits/new?type=hot_work');
  const r = await c.request('POST', '/permits', { form: hotForm({ [`measure_${ms[1]}`]: uid('anhuan') }) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = Number(/\/permits\/(\d+)/.exec(r.location)[1]);
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const p = (await api.get(`/api/v1/permits/${id}`)).json;
  assert.deepEqual(p.measures.map((m) => m.confirmed_by),
    ms.map((m) => (m === ms[1] ? uid('anhuan') : uid('ws1anquan'))));
  // editing: the override is shown open with its person, the rest stay the guardian's
  const edit = await c.get(`/permits/${id}/edit`);
  assert.match(picker(edit.text, `measure_${ms[1]}`).html, new RegExp(`<option value="${uid('anhuan')}"[^>]* selected>`));
  assert.match(edit.text, new RegExp(`<details open><summary>[^<]*</summary><label>[^<]*<select name="measure_${ms[1]}"`));
  assert.doesNotMatch(picker(edit.text, `measure_${ms[0]}`).html, / selected>/);
  const print = await c.get(`/permits/${id}/print`);
  const rows = [...print.text.matchAll(/<tr><td>\d+<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)].map((x) => x[1]);
  assert.deepEqual(rows, ms.map((m) => (m === ms[1] ? '李静' : '赵磊')));
  // the JSON API: measures left out are the guardian's too
  const j = await api.postJson('/api/v1/permits', { type: 'hot_work', hot_place: 'other', area_id: area('合成一车间 投料平台'),
    content: '接口申请', planned_start: T0 + H, planned_end: T0 + 5 * H, guardian_id: uid('ws1anquan'),
    workers: [{ user_id: uid('yuangong'), role: '焊工' }] });
  assert.equal(j.status, 201, j.text);
  assert.ok((await api.get(`/api/v1/permits/${j.json.id}`)).json.measures.every((m) => m.confirmed_by === uid('ws1anquan')));
});

test("a team leader's own unit is his team's workshop, his own team at its top", async () => {
  const tl = srv.client();
  await tl.login('banzhang');
  const r = await tl.get('/permits/new?type=hot_work');
  const g = picker(r.text, 'guardian_id');
  assert.equal(g.groups[0].label, '有资格 · 本单位');
  assert.ok(g.groups[0].options.some((o) => o.value === uid('ws1anquan')), 'the workshop safety officer is of his unit');
  const m = picker(r.text, `measure_${hotMeasures()[0]}`);
  assert.match(m.groups[0].options[0].text, /· 合成一车间甲班$/);
  assert.ok(m.groups[0].options.some((o) => /· 合成一车间维修班$/.test(o.text)));
  assert.ok(!m.groups[0].options.some((o) => /合成二车间/.test(o.text)));
});

test('the gas test form names the certified analyst first', async () => {
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const p = (await api.get('/api/v1/permits?state=approved&type=confined_space')).json.items[0];
  const r = await c.get(`/permits/${p.id}`);
  assert.equal(r.status, 200);
  const a = picker(r.text, 'analyst_id');
  assert.match(a.html, /required/);
  assert.equal(groupOf(a, uid('u004')), 0, 'the gas analyst with his certificate');
  assert.equal(groupOf(a, uid('yuangong')), a.groups.length - 1);
  assert.match(r.text, /<script src="\/static\/picker\.js\?v=[0-9a-f]+" defer><\/script>/);
});
