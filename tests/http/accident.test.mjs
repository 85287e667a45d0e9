// tests/http/accident.test.mjs — incidents and near misses (issue 20): a near miss from the
// phone form with a photo (praised, points, its photo kept by the blob cleanup), casualty
// numbers that do not add up refused naming the field, the one-hour external reporting clock
// of a reportable accident (the clock moved: no escalation at 59 minutes, one escalation at 61
// however often the job runs, the principal's "waiting for me" line and its list), the 四不放过
// investigation and corrective actions gating the close, the lessons bulletin, data scope,
// and hours worked feeding the LTIFR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';
import { png } from './images.mjs';

let srv, T0, worker, officer, principal, director, leader, area, areaOther;
const H = 3600;

// Sign everyone in again (moving the clock ahead signs idle people out).
async function signIn() {
  worker = srv.client();
  await worker.login('yuangong');
  officer = srv.client();
  await officer.apiLogin('ws1anquan');
  principal = srv.client();
  await principal.login('zhuren');
  director = srv.client();
  await director.login('zongjian');
  leader = srv.client();
  await leader.apiLogin('banzhang');
}

before(async () => {
  srv = await startServer();
  T0 = (await serverNow(srv)) + 600;
  await setClock(srv, T0);
  await signIn();
  const form = await worker.get('/incidents/new');
  assert.equal(form.status, 200);
  area = /<option value="(\d+)">合成一车间 反应釜区<\/option>/.exec(form.text)[1];
  areaOther = /<option value="(\d+)">罐区 甲类储罐区<\/option>/.exec(form.text)[1];
});
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const unread = async (c) => (await c.get('/inbox')).text;
function todo(html, key) {
  const m = html.match(new RegExp(`<a class="todo-row" href="([^"]*)" data-todo="${key.replace(/\./g, '\\.')}">[^]*?<strong class="badge">(\\d+)</strong>`));
  return m ? { href: m[1].replace(/&amp;/g, '&'), n: Number(m[2]) } : { href: null, n: 0 };
}

test('a worker reports a near miss with a photo from the phone form; it is praised and its photo survives the cleanup', async () => {
  const fd = new FormData();
  fd.append('kind', 'near_miss');
  fd.append('what', '取样阀门把手松脱，险些烫伤');
  fd.append('area_id', area);
  fd.append('type_code', '2025-08');
  fd.append('photo', new Blob([png(64, 48, (x) => [x * 3, 90, 40])], { type: 'image/png' }), 'p.png');
  const r = await worker.request('POST', '/incidents', { multipart: fd });
  assert.equal(r.status, 303, r.text);
  const loc = r.location;
  assert.match(loc, /^\/incidents\/\d+\?created=1$/);
  const id = loc.match(/\d+/)[0];
  const page = await worker.get(loc);
  assert.match(page.text, /已为您记积分/);
  assert.match(page.text, /未遂事件/);
  assert.doesNotMatch(page.text, /一般事故/, 'a near miss has no accident level');
  // the photo is served to who may see the incident, and the hazard job's blob cleanup keeps it
  await setClock(srv, T0 + 2 * 86400);
  await tick(srv);
  await signIn();
  const photo = await worker.get(`/incidents/${id}/photo?thumb=1`);
  assert.equal(photo.status, 200);
  assert.equal(photo.headers.get('content-type'), 'image/jpeg');
  await setClock(srv, T0);
  await signIn();
  // a team leader's scope (his team) does not reach the workshop's incident; the safety officer's does
  assert.equal((await leader.get(`/api/v1/incidents/${id}`)).status, 404);
  const other = await apiAs('shebei');
  const seen = await officer.get(`/api/v1/incidents/${id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.json.kind, 'near_miss');
  assert.equal(seen.json.level, 'none');
  assert.equal(seen.json.has_photo, true);
  // the bulletin praises the reporter by count, for everyone signed in
  const bulletin = await other.get('/incidents/bulletin');
  assert.equal(bulletin.status, 200);
  assert.match(bulletin.text, /<li class="praised">张三 · [^<]*<strong>\d+<\/strong>/);
});

test('casualty numbers that do not add up are refused naming the field, and the form keeps what was typed', async () => {
  const base = { kind: 'accident', what: '检修时扳手滑脱', area_id: area, type_code: '2025-01' };
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...base, minor: '1' })) fd.append(k, v);
  for (const n of ['甲', '乙']) { fd.append('person_name', n); fd.append('person_injury', 'minor'); }
  let r = await worker.request('POST', '/incidents', { multipart: fd });
  assert.equal(r.status, 422);
  assert.match(r.text, /轻伤：列出的姓名多于该类伤亡人数/);
  assert.match(r.text, /value="检修时扳手滑脱"/, 'what was typed is kept');
  assert.match(r.text, /value="乙"/);
  const api = async (body) => (await officer.postJson('/api/v1/incidents', body)).json?.error?.field;
  assert.equal(await api({ ...base, deaths: -1 }), 'deaths');
  assert.equal(await api({ ...base, kind: 'near_miss', serious: 1 }), 'serious');
  assert.equal(await api({ ...base, kind: 'near_miss', loss_wan: 2 }), 'loss_wan');
  assert.equal(await api({ ...base, area_id: 999999 }), 'area_id');
  assert.equal(await api({ ...base, type_code: 'none' }), 'type_code');
  assert.equal(await api({ ...base, what: '' }), 'what');
  assert.equal(await api({ ...base, occurred_at: '2999-01-01T08:00' }), 'occurred_at');
  assert.equal(await api({ ...base, occurred_at: 'yesterday' }), 'occurred_at');
  assert.equal(await api({ ...base, serious: 1, person_name: ['丙'], person_injury: ['burnt'] }), 'people');
  r = await officer.postJson('/api/v1/incidents', { ...base, deaths: 'x' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'deaths');
  // nothing of the refused reports was stored
  const list = await officer.get('/api/v1/incidents?kind=accident&per_page=100');
  assert.equal(list.json.items.filter((i) => i.what === '检修时扳手滑脱').length, 0);
});

test('levels come from casualties and losses (493号)', async () => {
  const one = async (extra) => (await officer.postJson('/api/v1/incidents', {
    kind: 'accident', what: '等级', area_id: Number(area), type_code: '2025-09', ...extra,
  })).json;
  assert.equal((await one({ minor: 1 })).level, 'general');
  assert.equal((await one({ minor: 1 })).reportable, false, 'minor injuries alone: the company\'s own record');
  assert.equal((await one({ serious: 10 })).level, 'larger');
  assert.equal((await one({ loss_wan: 999.99 })).level, 'general');
  assert.equal((await one({ loss_wan: 1000 })).level, 'larger');
  assert.equal((await one({ deaths: 3 })).level, 'larger');
  assert.equal((await one({ deaths: 10 })).level, 'major');
  // those reportable ones must not linger on the clock for the next test
  const list = await officer.get('/api/v1/incidents?per_page=100');
  for (const i of list.json.items.filter((x) => x.what === '等级' && x.reportable)) {
    const r = await (await apiAs('zhuren')).postJson(`/api/v1/incidents/${i.id}/report`, { note: '已报告' });
    assert.equal(r.status, 200);
  }
});

async function pageAs(user) {
  const c = srv.client();
  await c.login(user);
  return c;
}
async function apiAs(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

test('the one-hour clock: shown with the time left, escalated once after the hour, cleared by the report', async () => {
  await setClock(srv, T0 + 3 * H);
  await signIn();
  const r = await officer.postJson('/api/v1/incidents', {
    kind: 'accident', what: '蒸汽管线泄漏烫伤', area_id: Number(areaOther), type_code: '2025-08', serious: 1,
    person_name: ['王五'], person_injury: ['serious'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const inc = r.json;
  assert.equal(inc.level, 'general');
  assert.equal(inc.reportable, true);
  assert.equal(inc.report_due, T0 + 4 * H);
  assert.equal(inc.seconds_left, H);
  // the principal is told at once, and his home says what waits for him
  assert.match(await unread(principal), /须1小时内报告/);
  let line = todo((await principal.get('/')).text, 'accident.todo.report');
  assert.equal(line.n, 1);
  assert.equal(line.href, '/incidents?todo=report');
  const listPage = await principal.get(line.href);
  assert.equal((listPage.text.match(/<li class="incident-row">/g) || []).length, 1);
  let page = await principal.get(`/incidents/${inc.id}`);
  assert.match(page.text, /还剩 60 分钟/);
  assert.match(page.text, new RegExp(`action="/incidents/${inc.id}/report"`));
  // 59 minutes: nobody escalated
  await setClock(srv, T0 + 4 * H - 60);
  await tick(srv);
  await signIn();
  assert.doesNotMatch(await unread(director), /升级/);
  assert.match((await principal.get(`/incidents/${inc.id}`)).text, /还剩 1 分钟/);
  // 61 minutes: overdue for the principal, escalated to the safety director — once
  await setClock(srv, T0 + 4 * H + 60);
  await tick(srv);
  await tick(srv);
  await signIn();
  const inbox = await unread(director);
  assert.equal((inbox.match(/【升级】事故超时未报告：\s?蒸汽管线泄漏烫伤/g) || []).length, 1);
  assert.equal(((await unread(principal)).match(/【已超时未报告】事故：\s?蒸汽管线泄漏烫伤/g) || []).length, 1);
  const after = await officer.get(`/api/v1/incidents/${inc.id}`);
  assert.equal(after.json.escalated_at, T0 + 4 * H + 60);
  assert.equal(after.json.seconds_left, -60);
  assert.match((await principal.get(`/incidents/${inc.id}`)).text, /已超时 1 分钟/);
  // marking it reported takes it off the principal's list; a second mark is refused
  let rep = await principal.post(`/incidents/${inc.id}/report`, { note: '' });
  assert.equal(rep.status, 422);
  rep = await principal.post(`/incidents/${inc.id}/report`, { note: '已电话报告区应急管理局' });
  assert.equal(rep.status, 303);
  line = todo((await principal.get('/')).text, 'accident.todo.report');
  assert.equal(line.n, 0);
  const again = await (await apiAs('zhuren')).postJson(`/api/v1/incidents/${inc.id}/report`, { note: 'x' });
  assert.equal(again.status, 409);
  // the investigator may not mark it (accident.external): 403
  assert.equal((await officer.postJson(`/api/v1/incidents/${inc.id}/report`, { note: 'x' })).status, 403);
  page = await officer.get(`/api/v1/incidents/${inc.id}`);
  assert.equal(page.json.seconds_left, null);
  assert.equal(page.json.people[0].name, '王五');
});

test('the default chain tells the safety director once in a plant without a group: as the superior, not again as himself', async () => {
  // the demo's plant is the top unit: the chain's superior (60 min) is its safety director,
  // whom the second step (90 min) names again
  const count = async (what) => ((await unread(director)).match(new RegExp(`【升级】事故超时未报告：\\s?${what}`, 'g')) || []).length;
  await setClock(srv, T0 + 20 * H);
  await signIn();
  let r = await officer.postJson('/api/v1/incidents', { kind: 'accident', what: '导热油泄漏烫伤', area_id: Number(areaOther),
    type_code: '2025-08', serious: 1 });
  assert.equal(r.status, 201, r.text);
  await setClock(srv, T0 + 21 * H + 60);	// 61 minutes: the first step
  await tick(srv);
  await signIn();
  assert.equal(await count('导热油泄漏烫伤'), 1);
  await setClock(srv, T0 + 21 * H + 31 * 60);	// 91 minutes: the second step names him again
  await tick(srv);
  await tick(srv);
  await signIn();
  assert.equal(await count('导热油泄漏烫伤'), 1, 'told once, by the first step that reached him');
  // a job that was paused past both steps runs them in one tick: still once
  await setClock(srv, T0 + 22 * H);
  await signIn();
  r = await officer.postJson('/api/v1/incidents', { kind: 'accident', what: '液氨管道泄漏灼伤', area_id: Number(areaOther),
    type_code: '2025-08', serious: 1 });
  assert.equal(r.status, 201, r.text);
  await setClock(srv, T0 + 23 * H + 40 * 60);
  await tick(srv);
  await signIn();
  assert.equal(await count('液氨管道泄漏灼伤'), 1);
  // both are off the clock for the tests after this one
  const p = await apiAs('zhuren');
  for (const w of ['导热油泄漏烫伤', '液氨管道泄漏灼伤']) {
    const list = (await p.get('/api/v1/incidents')).json.items.find((i) => i.what === w);
    assert.ok((await p.postJson(`/api/v1/incidents/${list.id}/report`, { note: '已电话报告' })).status < 300);
  }
});

test('investigation by 四不放过 and corrective actions gate the close; the lessons reach the bulletin', async () => {
  await setClock(srv, T0 + 5 * H);
  await signIn();
  const inc = (await officer.postJson('/api/v1/incidents', {
    kind: 'accident', what: '叉车压脚', area_id: Number(area), type_code: '2025-02', minor: 1,
  })).json;
  const url = `/api/v1/incidents/${inc.id}`;
  let r = await officer.postJson(`${url}/close`, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'cause');
  r = await officer.postJson(`${url}/steps`, { step: 'cause', text: '通道未分隔' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'root_cause');
  r = await officer.postJson(`${url}/steps`, { step: 'cause', text: '通道未分隔', root_cause: 'nothing' });
  assert.equal(r.json.error.field, 'root_cause');
  r = await officer.postJson(`${url}/steps`, { step: 'blame', text: 'x' });
  assert.equal(r.json.error.field, 'step');
  const steps = { cause: '人车通道未分隔', responsibility: '车间未落实定置管理，已按制度考核', lessons: '全员学习人车分流要求', measures: '划设人行通道' };
  for (const [step, text] of Object.entries(steps)) {
    r = await officer.postJson(`${url}/steps`, { step, text, root_cause: 'management' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
  assert.equal(r.json.steps.lessons.text, '全员学习人车分流要求');
  assert.equal(r.json.root_cause, 'management');
  const shown = (await (await pageAs('ws1anquan')).get(`/incidents/${inc.id}`)).text;
  for (const [step, text] of Object.entries(steps)) {
    assert.match(shown, new RegExp(`<li data-step="${step}" class="done"><strong>[^<]*</strong>[^]*?<p class="step-text">${text}</p>`));
  }
  assert.match(shown, /<span class="badge">管理因素<\/span>/);
  // an action: owner in scope and a due day, refused when missing or in the past
  const me = (await leader.get('/api/v1/me')).json;
  const leaderId = me.id ?? me.user?.id;
  const today = new Date((T0 + 5 * H + 8 * H) * 1000).toISOString().slice(0, 10);
  const later = new Date((T0 + 5 * H + 8 * H + 7 * 86400) * 1000).toISOString().slice(0, 10);
  const past = new Date((T0 + 5 * H + 8 * H - 3 * 86400) * 1000).toISOString().slice(0, 10);
  r = await officer.postJson(`${url}/actions`, { title: '划线', owner_id: leaderId, due: past });
  assert.equal(r.json.error.field, 'due');
  r = await officer.postJson(`${url}/actions`, { title: '划线', owner_id: 999999, due: later });
  assert.equal(r.json.error.field, 'owner_id');
  r = await officer.postJson(`${url}/actions`, { title: '', owner_id: leaderId, due: later });
  assert.equal(r.json.error.field, 'title');
  r = await officer.postJson(`${url}/actions`, { title: '装卸区划设人行通道', owner_id: leaderId, due: today });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const action = r.json.actions[0];
  assert.equal(action.status, 'open');
  r = await officer.postJson(`${url}/close`, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'actions');
  // the owner sees it on his home and in the list the line opens, and is told when it is overdue
  const lhome = srv.client();
  await lhome.login('banzhang');
  const line = todo((await lhome.get('/')).text, 'accident.todo.actions');
  assert.ok(line.n >= 1);
  assert.equal(((await lhome.get(line.href)).text.match(/<li class="incident-row">/g) || []).length, line.n);
  await setClock(srv, T0 + 3 * 86400);
  await tick(srv);
  await tick(srv);
  await signIn();
  await lhome.login('banzhang');
  assert.equal(((await unread(lhome)).match(/【已逾期】事故整改措施：\s?装卸区划设人行通道/g) || []).length, 1);
  // someone else may not close it; the owner may
  assert.equal((await (await apiAs('yuangong')).postJson(`/api/v1/incidents/actions/${action.id}/done`, { note: 'x' })).status, 404);
  r = await leader.postJson(`/api/v1/incidents/actions/${action.id}/done`, { note: '' });
  assert.equal(r.json.error.field, 'note');
  r = await leader.postJson(`/api/v1/incidents/actions/${action.id}/done`, { note: '已划线' });
  assert.equal(r.status, 200);
  assert.equal((await leader.postJson(`/api/v1/incidents/actions/${action.id}/done`, { note: '再次' })).status, 409);
  r = await officer.postJson(`${url}/close`, {});
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.status, 'closed');
  assert.equal((await officer.postJson(`${url}/steps`, { step: 'lessons', text: '改' })).status, 409);
  const bulletin = await worker.get('/incidents/bulletin');
  assert.match(bulletin.text, /叉车压脚/);
  assert.match(bulletin.text, /全员学习人车分流要求/);
  assert.doesNotMatch(bulletin.text, /已按制度考核/, 'the bulletin shares lessons, not blame');
});

test('hours worked feed the LTIFR; statistics by type and unit; bad hours refused', async () => {
  const units = await officer.get('/incidents/stats');
  assert.equal(units.status, 200);
  const unit = /<option value="(\d+)">合成一车间<\/option>/.exec(units.text)[1];
  const month = new Date((T0 + 8 * H) * 1000).toISOString().slice(0, 7);
  let r = await officer.postJson('/api/v1/incidents/hours', { unit_id: Number(unit), month, hours: -5 });
  assert.equal(r.json.error.field, 'hours');
  r = await officer.postJson('/api/v1/incidents/hours', { unit_id: Number(unit), month: '2999-01', hours: 5 });
  assert.equal(r.json.error.field, 'month');
  r = await officer.postJson('/api/v1/incidents/hours', { unit_id: 999999, month, hours: 5 });
  assert.equal(r.json.error.field, 'unit_id');
  const before = (await officer.get('/api/v1/incidents/stats')).json;
  r = await officer.postJson('/api/v1/incidents/hours', { unit_id: Number(unit), month, hours: 1000000 });
  assert.equal(r.status, 200);
  const s = (await officer.get('/api/v1/incidents/stats')).json;
  assert.ok(s.hours > 0 && s.injuries > 0 && s.near_misses > 0);
  assert.ok(Math.abs(s.ltifr - s.injuries * 1e6 / s.hours) < 1e-6);
  assert.notEqual(s.hours, before.hours);
  assert.ok(s.by_type.some((t) => t.type === '火灾' && t.accidents >= 7), JSON.stringify(s.by_type));
  const dash = await director.get('/dashboard');
  assert.match(dash.text, /id="dash-accidents"/);
  assert.match(dash.text, /损工伤害频率/);
});
