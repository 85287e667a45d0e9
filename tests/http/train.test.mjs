// tests/http/train.test.mjs — training and competence (issue 19): an exam's life (start, a
// reload that resumes the same paper with its saved answers, hand-in, a second hand-in and a
// sheet after the time limit refused, retakes up to the limit), a failed guardian exam that
// blocks the guardian on a hot-work permit with its reason and date until he passes, overdue
// training that blocks, and who may see whose file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, setClock, serverNow, tick } from './lib.mjs';
import { xlsxText } from './xlsx.mjs';

let srv, T0, guard, worker, opt;
const H = 3600;

// the demo bank's keys, by question text (the API never shows them)
const KEY = {
  '作业监护人在作业期间应当怎样？': [1],
  '发现作业现场出现异常情况时，监护人应当怎样？': [1],
  '监护人在作业前应确认哪些事项？': [0, 1, 2],
  '监护人应佩戴或携带什么？': [0, 1, 2],
  '监护人可以同时是该作业的作业人员。': false,
  '作业结束后，监护人应检查现场确认无遗留火种。': true,
  '一名监护人可以同时监护多处特级动火作业。': false,
  '受限空间作业时，监护人应在受限空间外还是内？（填“外”或“内”）': '外',
};
const wrong = (q) => (q.kind === 'fill' ? '不知道' : q.kind === 'judge' ? !KEY[q.stem] : q.kind === 'multi' ? [KEY[q.stem][0]] : [KEY[q.stem][0] === 0 ? 1 : 0]);
const sheet = (p, f) => Object.fromEntries(p.questions.map((q) => [q.id, f(q)]));

function weekdayMorning(now) {
  let t = Math.floor(now / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  return t;
}
const local = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 16);
const day = (t) => new Date((t + 8 * H) * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  T0 = weekdayMorning(await serverNow(srv));
  await setClock(srv, T0);
  guard = srv.client();
  await guard.apiLogin('ws1anquan');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  opt = (await guard.get('/api/v1/permits/options')).json;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const exams = async (c) => {
  const page = await c.get('/train');
  assert.equal(page.status, 200);
  return page;
};
async function examId(title) {
  const hr = srv.client();
  await hr.login('ws1anquan');
  const page = await exams(hr);
  const m = new RegExp(`<strong>${title}</strong>.*?action="/train/exams/(\\d+)/start"`, 's').exec(page.text);
  assert.ok(m, `exam ${title} offered`);
  return Number(m[1]);
}
const guardianPicker = (html) => /<select name="guardian_id".*?<\/select>/s.exec(html)[0];
const uid = (u) => opt.people.find((p) => p.username === u).id;

test('a failed guardian exam blocks the guardian on a hot-work permit, with its reason and date; passing lifts it', async () => {
  const exam = await examId('作业监护人考试');
  const s = await guard.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  const p = s.json;
  assert.equal(p.questions.length, 8);
  assert.equal(p.submitted, false);
  assert.equal(p.seconds_left, 20 * 60);
  assert.ok(p.questions.every((q) => !('answer' in q) || q.answer === null));
  // answers saved as they are given; a reload (and a second start) finds the same paper
  const first = p.questions[0];
  const sv = await guard.postJson(`/api/v1/train/attempts/${p.id}/answers`, { answers: { [first.id]: wrong(first) } });
  assert.equal(sv.status, 200, sv.text);
  const again = await guard.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(again.json.id, p.id);
  assert.deepEqual(again.json.questions.map((q) => q.id), p.questions.map((q) => q.id));
  assert.deepEqual(again.json.questions[0].answer, wrong(first));
  // an answer to a question not on the paper names the field
  const bad = await guard.postJson(`/api/v1/train/attempts/${p.id}/answers`, { answers: { 999999: [0] } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'answers');
  // all wrong: failed
  const sub = await guard.postJson(`/api/v1/train/attempts/${p.id}/submit`, { answers: sheet(p, wrong) });
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.json.passed, false);
  assert.equal(sub.json.score, 0);
  // twice: refused clearly
  const twice = await guard.postJson(`/api/v1/train/attempts/${p.id}/submit`, { answers: {} });
  assert.equal(twice.status, 409);
  assert.match(twice.json.error.message, /已提交/);

  // the permit: refused with the reason and the day of the exam
  const failedOn = day(T0);
  const c = srv.client();
  await c.login('ws1anquan');
  const form = await c.get('/permits/new?type=hot_work');
  const opt1 = new RegExp(`<option value="${uid('ws1anquan')}" data-key="[^"]*" data-why="([^"]*)"`).exec(guardianPicker(form.text));
  assert.ok(opt1, 'the guardian is marked in the picker');
  assert.equal(opt1[1], `监护人培训考试未通过: ${failedOn}`);
  const area = opt.areas.find((a) => a.name === '合成一车间 投料平台').id;
  const r = await c.request('POST', '/permits', { form: { type: 'hot_work', area_id: area, content: '栏杆焊接', hot_place: 'other',
    planned_start: local(T0 + H), planned_end: local(T0 + 5 * H), wind: '0', medium_lel: '5',
    guardian_id: uid('ws1anquan'), worker_1: uid('yuangong'), worker_role_1: '焊工' } });
  assert.equal(r.status, 422);
  const err = /<span class="field-error" id="err-guardian_id">([^<]*)<\/span>/.exec(r.text);
  assert.ok(err, 'an error under the guardian');
  assert.match(err[1], new RegExp(`监护人培训考试未通过.*${failedOn}`));

  // the retake, all right: passed, and the block lifts
  const s2 = await guard.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(s2.status, 201);
  assert.notEqual(s2.json.id, p.id);
  const ok = await guard.postJson(`/api/v1/train/attempts/${s2.json.id}/submit`, { answers: sheet(s2.json, (q) => KEY[q.stem]) });
  assert.equal(ok.json.passed, true, ok.text);
  assert.equal(ok.json.score, 100);
  const form2 = await c.get('/permits/new?type=hot_work');
  assert.doesNotMatch(guardianPicker(form2.text), new RegExp(`<option value="${uid('ws1anquan')}" data-key="[^"]*" data-why=`));
  // passed: no further sitting
  const s3 = await guard.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(s3.status, 409);
  // his file shows both sittings
  const me = (await guard.get('/api/v1/train/me')).json;
  assert.deepEqual(me.exams.map((e) => e.passed), [true, false]);
});

test('the time limit: a sheet after it is refused (marked on what was saved), retakes end at the limit', async () => {
  const exam = await examId('动火作业安全考试');
  const s = await worker.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  await setClock(srv, T0 + 20 * 60);	// the last second allowed: still saves
  const q = s.json.questions[0];
  assert.equal((await worker.postJson(`/api/v1/train/attempts/${s.json.id}/answers`, { answers: { [q.id]: q.kind === 'fill' ? 'x' : q.kind === 'judge' ? true : [0] } })).status, 200);
  await setClock(srv, T0 + 20 * 60 + 1);
  const late = await worker.postJson(`/api/v1/train/attempts/${s.json.id}/answers`, { answers: {} });
  assert.equal(late.status, 409);
  const sub = await worker.postJson(`/api/v1/train/attempts/${s.json.id}/submit`, { answers: {} });
  assert.equal(sub.status, 409);
  assert.match(sub.json.error.message, /考试时间已到/);
  const after = (await worker.get(`/api/v1/train/attempts/${s.json.id}`)).json;
  assert.equal(after.submitted, true);
  assert.equal(after.late, true);
  assert.equal(after.passed, false);
  // two more sittings left (three in all), then none
  for (let i = 0; i < 2; i++) {
    const t = await worker.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
    assert.equal(t.status, 201);
    assert.equal((await worker.postJson(`/api/v1/train/attempts/${t.json.id}/submit`, { answers: {} })).json.passed, false);
  }
  const none = await worker.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(none.status, 409);
  assert.match(none.json.error.message, /次数已用完/);
  // another person's sitting is not found
  assert.equal((await guard.get(`/api/v1/train/attempts/${s.json.id}`)).status, 404);
  await setClock(srv, T0);
});

test('the exam on the phone page: answers kept across a reload, handed in once', async () => {
  const c = srv.client();
  await c.login('banzhang');
  const page = await exams(c);
  const m = /<strong>个体防护装备考试<\/strong>.*?action="(\/train\/exams\/\d+\/start)"/s.exec(page.text);
  assert.ok(m);
  const st = await c.post(m[1], {});
  assert.equal(st.status, 303);
  const paper = await c.get(st.location);
  assert.equal(paper.status, 200);
  const radio = /<input type="radio" name="(q\d+)" value="(\d+)"/.exec(paper.text);
  assert.ok(radio, 'a choice on the paper');
  assert.equal((await c.post(st.location, { [radio[1]]: radio[2], do: 'save' })).status, 303);
  const reload = await c.get(st.location);
  assert.match(reload.text, new RegExp(`name="${radio[1]}" value="${radio[2]}" checked`));
  assert.equal((await c.post(st.location, { do: 'submit' })).status, 303);
  const done = await c.get(st.location);
  assert.match(done.text, /class="train-score"/);
  assert.equal((await c.post(st.location, { do: 'submit' })).status, 409);
});

test('overdue training blocks; files and the matrix follow the data scope', async () => {
  const me = (await worker.get('/api/v1/train/me')).json;
  const yearly = me.requirements.find((x) => x.course === '年度安全再培训');
  assert.notEqual(yearly.state, 'overdue');
  const leader = srv.client();
  await leader.apiLogin('banzhang');
  const mr = await leader.get('/api/v1/train/matrix');
  assert.equal(mr.status, 200, mr.text);
  const row = mr.json.people.find((p) => p.name === '张三');
  assert.ok(row, 'the team leader sees his team');
  assert.ok(!mr.json.people.some((p) => p.name === '赵磊'), 'but not the workshop');
  assert.equal((await leader.get(`/api/v1/train/people/${row.id}`)).status, 200);
  // his yearly course lapses a year after it was done: from the day after, he may not work
  const hr = srv.client();
  await hr.apiLogin('renshi');
  const due = yearly.due;
  const next = day(Date.parse(`${due}T00:00:00+08:00`) / 1000 + 86400);
  const onDue = (await hr.get(`/api/v1/persons/${row.id}/may?operation=excavation&date=${due}`)).json;
  assert.equal(onDue.allowed, true, JSON.stringify(onDue));
  const after = (await hr.get(`/api/v1/persons/${row.id}/may?operation=excavation&date=${next}`)).json;
  assert.equal(after.allowed, false);
  assert.equal(after.reason, 'train.reason.overdue');
  assert.match(after.detail, new RegExp(`年度安全再培训 · ${due}`));
  // HR sees the plant, with the demo's overdue people; the team leader not beyond his team
  const all = (await hr.get('/api/v1/train/matrix')).json;
  const zhao = all.people.find((p) => p.name === '赵磊');
  assert.ok(zhao, 'HR sees the plant');
  assert.ok(all.people.some((p) => Object.values(p.cells).some((x) => x.state === 'overdue')));
  assert.equal((await leader.get(`/api/v1/train/people/${zhao.id}`)).status, 404);
  // the print and the export follow the same scope
  assert.equal((await leader.get(`/train/people/${zhao.id}/file.pdf`)).status, 404);
  const x = await hr.get(`/train/people/${zhao.id}/file.xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-disposition'), /attachment; filename="training-file.xlsx"/);
  assert.equal((await worker.get(`/api/v1/train/people/${row.id}`)).status, 403);
  const page = srv.client();
  await page.login('renshi');
  const html = await page.get('/train/matrix');
  assert.equal(html.status, 200);
  assert.match(html.text, /class="train-matrix"/);
  assert.match(html.text, /badge bad/);
  assert.equal((await page.get(`/train/people/${zhao.id}`)).status, 200);
});

test('HR records a course held in class: bad fields named, nothing stored; the worker may not', async () => {
  const hr = srv.client();
  await hr.apiLogin('renshi');
  const all = (await hr.get('/api/v1/train/matrix')).json;
  const late = all.people.find((p) => Object.values(p.cells).some((x) => x.state === 'overdue'));
  assert.ok(late, 'a demo person with overdue training');
  const f = (await hr.get(`/api/v1/train/people/${late.id}`)).json;
  const q = f.requirements.find((x) => x.state === 'overdue');
  for (const [body, field] of [[{ course_id: q.course_id }, 'person_id'], [{ person_id: late.id, course_id: 999999 }, 'course_id'],
    [{ person_id: late.id, course_id: q.course_id, done_on: '2099-01-01' }, 'done_on'],
    [{ person_id: late.id, course_id: q.course_id, hours: 0 }, 'hours']]) {
    const r = await hr.postJson('/api/v1/train/records', body);
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await hr.get(`/api/v1/train/people/${late.id}`)).json.records.length, f.records.length);
  assert.equal((await worker.postJson('/api/v1/train/records', { person_id: late.id, course_id: q.course_id })).status, 403);
  const ok = await hr.postJson('/api/v1/train/records', { person_id: late.id, course_id: q.course_id });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.requirements.find((x) => x.course_id === q.course_id).state, 'complete');
  assert.equal(ok.json.records.length, f.records.length + 1);
});

test('a sitting left open past its time is marked by the scheduler on what was saved', async () => {
  const d = srv.client();
  await d.apiLogin('ws1zhuren');
  const exam = await examId('个体防护装备考试');
  const s = await d.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  await tick(srv);
  assert.equal((await d.get(`/api/v1/train/attempts/${s.json.id}`)).json.submitted, false, 'not before its time');
  await setClock(srv, T0 + 15 * 60 + 1);
  await tick(srv);
  const a = (await d.get(`/api/v1/train/attempts/${s.json.id}`)).json;
  assert.deepEqual([a.submitted, a.late, a.passed, a.score], [true, true, false, 0]);
  await setClock(srv, T0);
});

test('a class: the QR sign-in holds only inside its window, with the code shown now in its room, once', async () => {
  // the clock jumps past the idle timeout of a sign-in: each step signs in anew
  const as = async (u) => { const c = srv.client(); await c.apiLogin(u); return c; };
  let hr = await as('renshi'), w = worker;
  const course = (await worker.get('/api/v1/train/me')).json.requirements.find((x) => x.course === '年度安全再培训').course_id;
  const place = (n) => opt.areas.find((a) => a.name === n).id;
  const d = day(T0 + 86400);
  const start = Date.parse(`${d}T09:00:00+08:00`) / 1000, end = start + 60 * 60;
  const body = { course_id: course, area_id: place('合成一车间 投料平台'), day: d, start: '09:00', minutes: 60 };
  const bad = await hr.postJson('/api/v1/train/classes', { ...body, start: '25:00' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'start');
  assert.equal((await worker.postJson('/api/v1/train/classes', body)).status, 403);
  const a = await hr.postJson('/api/v1/train/classes', body);
  assert.equal(a.status, 201, a.text);
  assert.deepEqual([a.json.starts_at, a.json.ends_at, a.json.signin_url], [start, end, null]);
  const b = (await hr.postJson('/api/v1/train/classes', { ...body, area_id: place('罐区 装卸站台') })).json;
  const codeOf = async (id) => {
    const url = (await hr.get(`/api/v1/train/classes/${id}`)).json.signin_url;
    assert.ok(url, 'the link is shown while the class runs');
    assert.match(url, new RegExp(`/train/signin/${id}\\?c=`));
    return new URL(url, 'http://x').searchParams.get('c');
  };
  const signIn = (c, id, code) => c.postJson(`/api/v1/train/classes/${id}/signin`, { code });
  const before = (await w.get('/api/v1/train/me')).json.records.length;

  // before the window: refused, saying when it opens
  await setClock(srv, start - 60);
  [hr, w] = [await as('renshi'), await as('yuangong')];
  const early = await signIn(w, a.json.id, '0123456789');
  assert.equal(early.status, 409);
  assert.match(early.json.error.message, new RegExp(`签到尚未开始.*${d} 09:00`));

  // inside: another class's (another place's) code is refused as such; its own signs in once
  await setClock(srv, start + 5 * 60);
  const [codeA, codeB] = [await codeOf(a.json.id), await codeOf(b.id)];
  const other = await signIn(w, a.json.id, codeB);
  assert.equal(other.status, 422);
  assert.equal(other.json.error.field, 'code');
  assert.match(other.json.error.message, /不属于本场培训/);
  const ok = await signIn(w, a.json.id, codeA);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.hours, a.json.hours);
  const twice = await signIn(w, a.json.id, codeA);
  assert.equal(twice.status, 409);
  assert.match(twice.json.error.message, /已签到本场培训.*09:05/);
  const me = (await w.get('/api/v1/train/me')).json;
  assert.equal(me.records.length, before + 1);
  assert.deepEqual([me.records[0].source, me.records[0].done_on, me.records[0].hours, me.records[0].place],
    ['class', d, a.json.hours, '合成一车间 投料平台']);
  // the sign-in is the proof in the file's print and export
  const file = async (ext) => {
    const r = await fetch(`${srv.url}/train/file.${ext}`, { headers: { Authorization: `Bearer ${w.bearer}` } });
    assert.equal(r.status, 200);
    return [r.headers.get('content-type'), Buffer.from(await r.arrayBuffer())];
  };
  const [pdfType, pdf] = await file('pdf');
  assert.equal(pdfType, 'application/pdf');
  const printed = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
  assert.match(printed, /安全教育培训档案/);
  assert.match(printed, new RegExp(`已签到 ${d} 09:05 · 合成一车间 投料平台`));
  const [, xlsx] = await file('xlsx');
  assert.match(xlsxText(xlsx), new RegExp(`已签到 ${d} 09:05 · 合成一车间 投料平台`));

  // a photo of the code sent on: expired ten minutes later; the code on the screen then works (page flow)
  await setClock(srv, start + 15 * 60);
  const leader = srv.client();
  await leader.login('banzhang');
  const stale = await leader.get(`/train/signin/${a.json.id}?c=${codeA}`);
  assert.equal(stale.status, 422);
  assert.match(stale.text, /签到码已过期/);
  const fresh = await codeOf(a.json.id);
  const confirm = await leader.get(`/train/signin/${a.json.id}?c=${fresh}`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /<form method="post" action="\/train\/signin\/\d+">/);
  const done = await leader.post(`/train/signin/${a.json.id}`, { c: fresh });
  assert.equal(done.status, 200, done.text);
  assert.match(done.text, /已签到/);

  // the day's hours on the dashboard and in the monthly report (and its PDF)
  const boss = await as('anhuan');
  const board = await boss.get(`/dashboard?from=${d}&to=${d}`);
  assert.equal(board.status, 200);
  assert.match(board.text, new RegExp(`<section class="card" id="train-hours">.*data-hours="${2 * a.json.hours}"`, 's'));
  const month = await boss.get(`/reports/monthly?month=${d.slice(0, 7)}`);
  assert.match(month.text, /id="train-hours"/);
  assert.ok(Number(/data-hours="(\d+)"/.exec(month.text)[1]) >= 2 * a.json.hours);
  const mpdf = await fetch(`${srv.url}/reports/monthly.pdf?month=${d.slice(0, 7)}`, { headers: { Authorization: `Bearer ${boss.bearer}` } });
  assert.equal(mpdf.status, 200);
  assert.match(execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await mpdf.arrayBuffer()) }).toString(), /安全教育培训学时/);

  // the trainer's screen: the QR while it runs, and who signed in
  const trainer = srv.client();
  await trainer.login('renshi');
  const screen = await trainer.get(`/train/classes/${a.json.id}`);
  assert.equal(screen.status, 200);
  assert.match(screen.text, /class="qr-label train-qr" data-train-qr="30"><svg/);
  assert.match(screen.text, /<ul class="list train-signins"><li>[^<]+ <span class="hint">09:05<\/span><\/li><li>/);

  // after the end, even a code of the last minute is refused: the class is over
  await setClock(srv, end - 30);
  [hr, w] = [await as('renshi'), await as('yuangong')];
  const last = await codeOf(b.id);
  await setClock(srv, end + 1);
  const late = await signIn(w, b.id, last);
  assert.equal(late.status, 409);
  assert.match(late.json.error.message, /本场培训已结束/);
  assert.equal((await hr.get(`/api/v1/train/classes/${b.id}`)).json.signed_in, 0);
  await trainer.login('renshi');
  const over = await trainer.get(`/train/classes/${a.json.id}`);
  assert.equal(over.status, 200);
  assert.match(over.text, /本场培训已结束/);
  assert.doesNotMatch(over.text, /train-qr/);
  await setClock(srv, T0);
  worker = await as('yuangong');
});
