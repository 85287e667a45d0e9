// tests/http/permit_forms.test.mjs — a refused permit application keeps the work: the form
// comes back (422) with the message under its field, labelled in the viewer's language, and
// every value kept; the applicant edits a draft (GET /permits/:id/edit, POST /permits/:id);
// a refused submit returns to the draft's form; a confirmation names who acts next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, DEMO_PASSWORD } from './lib.mjs';

let srv, opt, cat, T0;
const H = 3600;

// a weekday 10:00 in the plant's zone (UTC+8) two or more days after the server's now
function weekdayMorning(now) {
  let t = Math.floor(now / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  return t;
}
// the form's datetime-local value of t in the plant's zone
const local = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 16);

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await setClock(srv, T0);
  const c = srv.client();
  await c.apiLogin('banzhang');
  opt = (await c.get('/api/v1/permits/options')).json;
  cat = (await c.get('/api/v1/permits/catalogue')).json;
  // the demo's permit in progress ended before T0: closing it lets its applicant submit again
  const safety = srv.client();
  await safety.apiLogin('ws1anquan');
  for (const p of (await safety.get('/api/v1/permits?state=in_progress')).json.items) {
    const r = await safety.postJson(`/api/v1/permits/${p.id}/actions/close`, { password: DEMO_PASSWORD, site_clear: true });
    assert.equal(r.status, 200, r.text);
  }
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const uid = (u) => opt.people.find((p) => p.username === u).id;
const area = (n) => opt.areas.find((a) => a.name === n).id;
const measures = (type) => cat.types.find((t) => t.code === type).measures.map((m) => m.id);

function errorOf(html, field) {
  const m = new RegExp(`<span class="field-error" id="err-${field}">([^<]*)</span>`).exec(html);
  return m ? m[1] : null;
}

async function page(user) {
  const c = srv.client();
  await c.login(user);
  return c;
}

// a temporary-power application as the page's form sends it
function powerForm(extra = {}) {
  const f = { type: 'temp_power', area_id: area('合成一车间 投料平台'), content: '临时照明 保留这段话',
    hazards: '触电', planned_start: local(T0 + H), planned_end: local(T0 + 5 * H),
    guardian_id: uid('ws1anquan'), worker_1: uid('banzhang'), worker_role_1: '电工甲', medium_lel: '4.5',
    hazardous_area: '1' };
  for (const m of measures('temp_power')) f[`measure_${m}`] = uid('ws1anquan');
  return { ...f, ...extra };
}

test('a refused application: the form again, 422, message under 计划结束, every value kept', async () => {
  const c = await page('banzhang');
  await c.get('/permits/new?type=temp_power');
  const f = powerForm({ planned_end: local(T0) });
  const r = await c.request('POST', '/permits', { form: f });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, /<form class="stack" method="post" action="\/permits">/, 'the form again, not a dead end');
  assert.match(errorOf(r.text, 'planned_end') ?? '', /^计划结束：/, 'the field label in Chinese');
  assert.doesNotMatch(r.text, /字段|planned_end:/, 'no raw field code shown');
  assert.match(r.text, /临时照明 保留这段话<\/textarea>/);
  assert.match(r.text, />触电<\/textarea>/);
  assert.match(r.text, new RegExp(`name="planned_start" value="${local(T0 + H)}"`));
  assert.match(r.text, new RegExp(`name="planned_end" value="${local(T0)}"`));
  assert.match(r.text, new RegExp(`<option value="${area('合成一车间 投料平台')}" selected>`));
  assert.match(r.text, new RegExp(`name="guardian_id"[^>]* required aria-invalid="true"|name="guardian_id"[^>]* required>(?:(?!</select>).)*<option value="${uid('ws1anquan')}"[^>]* selected>`, 's'));
  assert.match(r.text, new RegExp(`name="worker_1"[^>]*>(?:(?!</select>).)*<option value="${uid('banzhang')}"[^>]* selected>`, 's'));
  assert.match(r.text, /name="worker_role_1" value="电工甲"/);
  const m = measures('temp_power')[0];
  assert.match(r.text, new RegExp(`name="measure_${m}"[^>]*>(?:(?!</select>).)*<option value="${uid('ws1anquan')}"[^>]* selected>`, 's'));
  assert.match(r.text, /name="hazardous_area" value="1" checked/);
  assert.match(r.text, /name="medium_lel" value="4.5"/);

  // in English, the English label
  const en = await page('banzhang');
  await en.request('POST', '/lang', { form: { lang: 'en' } });
  const e = await en.request('POST', '/permits', { form: { ...powerForm({ content: '' }), _csrf: en.csrf } });
  assert.equal(e.status, 422);
  assert.match(errorOf(e.text, 'content') ?? '', /^Work content: /);
  await en.request('POST', '/lang', { form: { lang: 'zh' } });	// the choice is the user's: back to Chinese
});

test('the applicant edits a draft; others may not; a saved draft says so', async () => {
  const c = await page('banzhang');
  await c.get('/permits/new?type=temp_power');
  let r = await c.request('POST', '/permits', { form: powerForm({ content: '初稿' }) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = /\/permits\/(\d+)/.exec(r.location)[1];
  const show = await c.get(`/permits/${id}`);
  assert.match(show.text, new RegExp(`<a class="button" href="/permits/${id}/edit">编辑</a>`));
  const edit = await c.get(`/permits/${id}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, new RegExp(`action="/permits/${id}"`));
  assert.match(edit.text, />初稿<\/textarea>/);
  assert.match(edit.text, /name="worker_role_1" value="电工甲"/);
  assert.match(edit.text, new RegExp(`name="planned_end" value="${local(T0 + 5 * H)}"`));
  r = await c.request('POST', `/permits/${id}`, { form: powerForm({ content: '改过的内容' }) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const after = await c.get(r.location);
  assert.match(after.text, /改过的内容/);
  assert.match(after.text, /草稿已保存/);
  // a refused edit keeps the values too
  r = await c.request('POST', `/permits/${id}`, { form: powerForm({ content: '又改', guardian_id: '999999' }) });
  assert.equal(r.status, 422);
  assert.match(errorOf(r.text, 'guardian_id') ?? '', /^监护人：/);
  assert.match(r.text, />又改<\/textarea>/);
  // someone else who may apply: no edit link, no edit
  const other = await page('ws1anquan');
  const seen = await other.get(`/permits/${id}`);
  assert.doesNotMatch(seen.text, /\/edit"/);
  assert.equal((await other.get(`/permits/${id}/edit`)).status, 409);
  await other.get('/permits/new?type=temp_power');
  assert.equal((await other.request('POST', `/permits/${id}`, { form: powerForm({ content: '别人改' }) })).status, 409);
});

test('a refused submit returns to the draft form with the message under 监护人; a submit names the approver', async () => {
  const c = await page('banzhang');
  await c.get('/permits/new?type=temp_power');
  let r = await c.request('POST', '/permits', { form: powerForm({ guardian_id: '', content: '无监护人' }) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = /\/permits\/(\d+)/.exec(r.location)[1];
  await c.get(`/permits/${id}`);
  r = await c.request('POST', `/permits/${id}/act/submit`, { form: { next: `/permits/${id}` } });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, new RegExp(`action="/permits/${id}"`), 'the draft form, not a dead end');
  assert.match(errorOf(r.text, 'guardian_id') ?? '', /^监护人：/);
  assert.doesNotMatch(r.text, /字段/);
  assert.match(r.text, />无监护人<\/textarea>/);

  r = await c.request('POST', `/permits/${id}`, { form: powerForm({ content: '无监护人' }) });
  assert.equal(r.status, 303);
  await c.get(`/permits/${id}`);
  r = await c.request('POST', `/permits/${id}/act/submit`, { form: { next: `/permits/${id}` } });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const done = await c.get(r.location);
  assert.match(done.text, /已提交，等待 [^<]+ 审批。/);
  assert.doesNotMatch(done.text, /\{who\}/);
});
