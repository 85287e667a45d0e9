// tests/http/contractor.test.mjs — contractors (相关方, issue 21 item 5): a suspended
// contractor's worker refused on a permit with the reason (picker and draft save) and
// allowed again once reinstated, an entry permission that lapses with the clock moved (and
// its reminder before), the guardian's score of a closed permit's work, data scope, and a
// refused input naming its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, opt, T0, app, mgr, K;
const H = 3600, D = 86400;

// a weekday 10:00 in the plant's zone (UTC+8) two or more days after the server's now
function weekdayMorning(now) {
  let t = Math.floor(now / D) * D + 2 * D + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += D;
  return t;
}
const local = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 16);
const day = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 10);
const NAME = '测试机电安装有限公司';

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await setClock(srv, T0);
  app = srv.client();
  await app.login('ws1anquan');
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  opt = (await api.get('/api/v1/permits/options')).json;
  mgr = srv.client();
  await mgr.apiLogin('anhuan');
  // a contractor of the maintenance team's workshop, with a valid licence and 张三 (a
  // certified welder with a login) as its worker, entry permitted for ten days
  const demo = (await mgr.get('/api/v1/contractors')).json.items.find((k) => k.name === '南京华建安装工程有限公司');
  const made = await mgr.postJson('/api/v1/contractors', { name: NAME, unit_id: demo.unit_id, status: 'active',
    manager_id: uid('anhuan') });
  assert.equal(made.status, 201, made.text);
  K = made.json.id;
  const q = await mgr.postJson(`/api/v1/contractors/${K}/quals`, { kind: '安全生产许可证', number: 'AQ-2026-01',
    valid_from: day(T0 - 100 * D), valid_to: day(T0 + 400 * D) });
  assert.equal(q.status, 201, q.text);
  const p = await mgr.postJson(`/api/v1/contractors/${K}/people`, { username: 'yuangong', job: '焊工',
    entry_until: day(T0 + 10 * D) });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.people.length, 1);
  // as a contractor's worker he now needs the site induction (入厂安全教育) before working:
  // the training module's requirement; record it, as the safety department does
  const pid = p.json.people[0].person_id;
  const file = (await mgr.get(`/api/v1/train/people/${pid}`)).json;
  const induction = file.requirements.find((x) => x.applies === 'contractor');
  assert.ok(induction, 'the induction applies to him');
  const rec = await mgr.postJson('/api/v1/train/records', { person_id: pid, course_id: induction.course_id, done_on: day(T0) });
  assert.equal(rec.status, 201, rec.text);
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

function uid(u) { return opt.people.find((p) => p.username === u).id; }
const area = (n) => opt.areas.find((a) => a.name === n).id;
// the option of a person in the worker picker: {why} (undefined when qualified)
async function workerOption(id) {
  const c = srv.client();	// a fresh sign-in: the clock may have moved past a login's life
  await c.login('ws1anquan');
  const r = await c.get('/permits/new?type=hot_work');
  assert.equal(r.status, 200);
  const sel = /<select name="worker_1"[^>]*>(.*?)<\/select>/s.exec(r.text)[1];
  const m = new RegExp(`<option value="${id}" data-key="[^"]*"(?: data-why="([^"]*)")?`).exec(sel);
  assert.ok(m, 'the person is in the picker');
  return { why: m[1] };
}
function errorOf(html, field) {
  const m = new RegExp(`<span class="field-error" id="err-${field}">([^<]*)</span>`).exec(html);
  return m ? m[1] : null;
}
function hotForm(extra = {}) {
  return { type: 'hot_work', area_id: area('合成一车间 投料平台'), content: '承包商栏杆焊接', hot_place: 'other',
    planned_start: local(T0 + H), planned_end: local(T0 + 5 * H), wind: '0', medium_lel: '5',
    guardian_id: uid('ws1anquan'), worker_1: uid('yuangong'), worker_role_1: '焊工', ...extra };
}

test('a suspended contractor: its worker is refused in the picker and on saving, with the reason; reinstated, allowed', async () => {
  assert.equal((await workerOption(uid('yuangong'))).why, undefined, 'active: qualified');
  // a suspension needs its reason (422 naming the field); then it is stored
  const bad = await mgr.request('PATCH', `/api/v1/contractors/${K}`, { json: { status: 'suspended' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'suspend_reason');
  const s = await mgr.request('PATCH', `/api/v1/contractors/${K}`, { json: { status: 'suspended', suspend_reason: '违章动火',
    suspended_on: day(T0) } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.blocked, '承包商已暂停');
  const why = `承包商已暂停: ${NAME} · ${day(T0)}`;
  assert.equal((await workerOption(uid('yuangong'))).why, why);
  // the draft is refused under 作业人员 with the same reason, nothing stored
  const r = await app.request('POST', '/permits', { form: hotForm() });
  assert.equal(r.status, 422);
  assert.match(errorOf(r.text, 'workers') ?? '', new RegExp(`承包商已暂停.*${NAME} · ${day(T0)}`));
  assert.match(r.text, /承包商栏杆焊接<\/textarea>/);
  // the certificate module's own query says the same
  const persons = (await mgr.get('/api/v1/persons?per_page=500')).json.items;
  const pid = persons.find((x) => x.name === '张三' && x.contractor).id;
  const may = (await mgr.get(`/api/v1/persons/${pid}/may?operation=hot_work&date=${day(T0)}`)).json;
  assert.equal(may.allowed, false);
  // reinstated: qualified again, and the draft is saved
  const back = await mgr.request('PATCH', `/api/v1/contractors/${K}`, { json: { status: 'active' } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.blocked, null);
  assert.equal((await workerOption(uid('yuangong'))).why, undefined);
  const ok = await app.request('POST', '/permits', { form: hotForm() });
  assert.equal(ok.status, 303, errorOf(ok.text, 'workers') ?? ok.text.slice(0, 200));
});

test('a worker without a login: put on a permit through an account that cannot sign in, refused while the contractor is suspended', async () => {
  const made = await mgr.postJson(`/api/v1/contractors/${K}/people`, { name: '李四', id_no: '320101199001011234', job: '焊工',
    entry_until: day(T0 + 40 * D) });	// beyond the reminders' 30 days in the test below
  assert.equal(made.status, 201, made.text);
  const li = made.json.people.find((p) => p.name === '李四');
  assert.ok(li.user_id, 'the permit pickers name accounts: he has one');
  // which cannot sign in, with any password
  const login = await srv.client().postJson('/api/v1/auth/login', { username: `contractor-person-${li.person_id}`, password: 'Demo-Pass-2026' });
  assert.notEqual(login.status, 200);
  assert.equal((await srv.client().postJson('/api/v1/auth/login', { username: `contractor-person-${li.person_id}`, password: '!no-sign-in' })).status, login.status);
  // he is in the worker picker; suspended, his contractor blocks him there and on saving
  assert.ok(!(await workerOption(li.user_id)).why?.startsWith('承包商已暂停'));
  const s = await mgr.request('PATCH', `/api/v1/contractors/${K}`, { json: { status: 'suspended', suspend_reason: '违章动火',
    suspended_on: day(T0) } });
  assert.equal(s.status, 200, s.text);
  assert.equal((await workerOption(li.user_id)).why, `承包商已暂停: ${NAME} · ${day(T0)}`);
  const r = await app.request('POST', '/permits', { form: hotForm({ worker_1: li.user_id }) });
  assert.equal(r.status, 422);
  assert.match(errorOf(r.text, 'workers') ?? '', /承包商已暂停/);
  assert.equal((await mgr.request('PATCH', `/api/v1/contractors/${K}`, { json: { status: 'active' } })).status, 200);
});

test('the rating threshold through the API: read, set with the audit entry, a bad value names the field, others refused', async () => {
  const was = await mgr.get('/api/v1/contractors/settings');
  assert.equal(was.status, 200, was.text);
  assert.equal(typeof was.json.threshold, 'number');
  const bad = await mgr.request('PUT', '/api/v1/contractors/settings', { json: { threshold: 101 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'threshold');
  const set = await mgr.request('PUT', '/api/v1/contractors/settings', { json: { threshold: 75 } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.threshold, 75);
  assert.equal((await mgr.get('/api/v1/contractors/settings')).json.threshold, 75);
  const officer = srv.client();
  await officer.apiLogin('ws1anquan');	// sees contractors, does not manage them
  assert.equal((await officer.request('PUT', '/api/v1/contractors/settings', { json: { threshold: 10 } })).status, 403);
  const auditor = srv.client();
  await auditor.apiLogin('auditor');
  const log = (await auditor.get('/api/v1/audit?entity=settings&per_page=50')).json.items;
  assert.ok(log.some((e) => e.action === 'contractor' && /→ 75/.test(e.summary)), JSON.stringify(log.slice(0, 3)));
  assert.equal((await mgr.request('PUT', '/api/v1/contractors/settings', { json: { threshold: was.json.threshold } })).status, 200);
});

test('the guardian scores a closed permit of a contractor; others may not, once only, the score is checked', async () => {
  const guard = srv.client();
  await guard.apiLogin('ws1anquan');
  const closed = (await guard.get('/api/v1/permits?state=closed')).json.items[0];
  assert.ok(closed, 'the demo has a closed permit');
  // the applicant sees that the score is waiting; the guardian sees the form
  const team = srv.client();
  await team.login('banzhang');
  assert.match((await team.get(`/permits/${closed.id}`)).text, /待监护人评分/);
  const page = await app.get(`/permits/${closed.id}`);
  assert.match(page.text, /<form method="post" action="\/contractors\/ratings\/\d+" class="stack" data-rating="1">/);
  const other = await team.request('POST', `/contractors/ratings/${closed.id}`, { form: { score: '5' } });
  assert.equal(other.status, 403);
  const wrong = await app.request('POST', `/contractors/ratings/${closed.id}`, { form: { score: '9', comment: '保留评语' } });
  assert.equal(wrong.status, 422);
  assert.match(errorOf(wrong.text, 'score') ?? '', /评分/);
  assert.match(wrong.text, /value="保留评语"/);
  const ok = await app.request('POST', `/contractors/ratings/${closed.id}`, { form: { score: '4', comment: '现场整洁' } });
  assert.equal(ok.status, 303);
  assert.match((await app.get(`/permits/${closed.id}`)).text, /data-score="4"/);
  const again = await guard.postJson(`/api/v1/contractors/ratings/${closed.id}`, { score: '5' });
  assert.equal(again.status, 409);
  // the contractor's page lists the permit with its score, and counts it this year
  const k = (await mgr.get('/api/v1/contractors')).json.items.find((x) => x.name === '南京华建安装工程有限公司');
  const kp = await mgr.get(`/contractors/${k.id}`);
  assert.match(kp.text, new RegExp(`<a href="/permits/${closed.id}">[^<]*</a>[^<]*<small>[^<]*</small> <span class="badge">评分 4/5</span>`));
  assert.match(kp.text, /data-year-score="\d+"/);
});

test('data scope and refused input: another workshop\'s contractor is 404, a qualification ending before it starts names valid_to', async () => {
  const hengan = (await mgr.get('/api/v1/contractors')).json.items.find((x) => x.name === '江苏恒安防腐保温有限公司');
  assert.equal(hengan.status, 'suspended');
  const ws = srv.client();
  await ws.apiLogin('ws1anquan');
  assert.equal((await ws.get(`/api/v1/contractors/${hengan.id}`)).status, 404);
  assert.equal((await ws.get(`/api/v1/contractors/${K}`)).status, 200);
  const bad = await mgr.postJson(`/api/v1/contractors/${K}/quals`, { kind: '资质', number: 'X', valid_from: day(T0), valid_to: day(T0 - D) });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'valid_to');
  const page = await mgr.request('POST', `/contractors/${K}/people`, { form: { username: 'nobody-here', entry_until: day(T0) } });
  assert.equal(page.status, 422);
  assert.match(page.text, /value="nobody-here"/);
});

test('an entry permission: reminded before it ends, refused the day after, allowed again when renewed', async () => {
  // five days before its end the manager is told (once)
  await setClock(srv, T0 + 5 * D);
  await tick(srv);
  await tick(srv);
  const mgr = srv.client();
  await mgr.apiLogin('anhuan');
  const inbox = await mgr.get('/api/v1/inbox');
  assert.equal(inbox.status, 200, inbox.text);
  const items = inbox.json.items;
  assert.equal(items.filter((n) => n.title.includes('入厂许可即将到期') && n.title.includes(NAME)).length, 1);
  // on its last day he may work; the day after he may not
  await setClock(srv, T0 + 10 * D);
  assert.equal((await workerOption(uid('yuangong'))).why, undefined);
  await setClock(srv, T0 + 11 * D);
  assert.equal((await workerOption(uid('yuangong'))).why, `入厂许可已过期: ${NAME} · ${day(T0 + 10 * D)}`);
  // renewed
  const mgr2 = srv.client();
  await mgr2.apiLogin('anhuan');
  const item = (await mgr2.get(`/api/v1/contractors/${K}`)).json.people.find((p) => p.name === '张三').id;
  const renew = await mgr2.postJson(`/api/v1/contractors/${K}/people/${item}`, { entry_until: day(T0 + 60 * D) });
  assert.equal(renew.status, 201, renew.text);
  assert.equal((await workerOption(uid('yuangong'))).why, undefined);
  await setClock(srv, T0);
});
