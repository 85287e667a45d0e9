// tests/http/train_material.test.mjs — a course's materials (issue 19): an upload whose bytes
// are not the declared kind (or not the type the browser declared) is refused with nothing
// stored; what is stored is served as its sniffed type with safe headers and byte ranges
// (206, 416) for the video player; the hazard job's sweep of unreferenced blobs keeps them.
// Question banks imported from XLSX: a dry run, a row without an answer refusing the whole
// file by its row, and an exam drawing by category and difficulty. HR manages courses,
// requirements and exams: a new requirement applies at once, a withdrawn one no longer.
// Reminders before a requirement falls due: to the person and the team leader, 30 and 7 days
// before, once each however often the job runs. Self-study: only time between close
// heartbeats of the visible page counts; at the course's hours the course is recorded once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick, runSql, blobLiteral } from './lib.mjs';
import { makeXlsx } from './xlsx.mjs';

let srv, hr, worker, course;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% training\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
// an MP4 head (ftyp box, brand mp42) and bytes that count up, so a slice shows where it came from
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12),
  Buffer.from(Array.from({ length: 100000 }, (_, i) => i % 251))]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

const form = (kind, bytes, type, name, title) => {
  const f = new FormData();
  if (kind) f.append('kind', kind);
  if (title) f.append('title', title);
  f.append('file', new Blob([bytes], { type }), name);
  return f;
};
const upload = (c, ...a) => c.request('POST', `/api/v1/train/courses/${course}/materials`, { multipart: form(...a) });
// the database beside the server (WAL): wait for its writer rather than fail
const db = (sql) => runSql(srv.dir, sql);
const list = async () => (await worker.get(`/api/v1/train/courses/${course}/materials`)).json;

before(async () => {
  srv = await startServer();
  await setClock(srv, await serverNow(srv));
  hr = srv.client();
  await hr.apiLogin('renshi');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  course = (await worker.get('/api/v1/train/me')).json.requirements[0].course_id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('an upload that is not its declared kind or type is refused, naming the file, with nothing stored', async () => {
  for (const [args, status, field] of [
    [['video', PDF, 'video/mp4', 'a.mp4'], 422, 'file'],	// PDF bytes declared a video
    [['pdf', HTML, 'application/pdf', 'a.pdf'], 422, 'file'],	// HTML under a PDF name
    [['image', PNG, 'application/pdf', 'a.png'], 422, 'file'],	// the browser's type says otherwise
    [['pdf', Buffer.alloc(0), 'application/pdf', 'e.pdf'], 422, 'file'],
    [['slides', PDF, 'application/pdf', 'a.pdf'], 422, 'kind'],
    [['image', Buffer.concat([PNG, Buffer.alloc(5 << 20)]), 'image/png', 'big.png'], 413, 'file'],
  ]) {
    const r = await upload(hr, ...args);
    assert.equal(r.status, status, `${args[0]} ${args[3]}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await list()).total, 0);
  assert.equal((await upload(worker, 'pdf', PDF, 'application/pdf', 'a.pdf')).status, 403);
  // the page keeps what was typed and says what is wrong under the file
  const page = srv.client();
  await page.login('renshi');
  await page.get(`/train/courses/${course}`);
  const r = await page.request('POST', `/train/courses/${course}/materials`, { multipart: form('video', PDF, 'video/mp4', 'x.mp4', '动火视频') });
  assert.equal(r.status, 422);
  assert.match(r.text, /<span class="field-error" id="err-file">文件：内容与声明的类型不符/);
  assert.match(r.text, /name="title" maxlength="100" value="动火视频"/);
  assert.match(r.text, /<option value="video" selected>/);
});

test('a video is served as itself with safe headers and byte ranges; a worker sees it play on the course page', async () => {
  const v = await upload(hr, 'video', MP4, 'video/mp4', 'hot-work.mp4', '动火作业警示片');
  assert.equal(v.status, 201, v.text);
  assert.deepEqual([v.json.kind, v.json.mime, v.json.size, v.json.title], ['video', 'video/mp4', MP4.length, '动火作业警示片']);
  assert.equal((await upload(hr, 'pdf', PDF, 'application/octet-stream', 'rules.pdf')).status, 201);
  assert.equal((await list()).total, 2);
  const url = `/train/materials/${v.json.id}`;
  const whole = await worker.get(url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'video/mp4');
  assert.equal(whole.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(whole.headers.get('content-disposition'), `inline; filename="material-${v.json.id}.mp4"`);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(Number(whole.headers.get('content-length')), MP4.length);
  const bytes = async (range) => {
    const r = await fetch(srv.url + url, { headers: { Range: range, Authorization: `Bearer ${worker.bearer}` } });
    return [r, Buffer.from(await r.arrayBuffer())];
  };
  const [mid, midBuf] = await bytes('bytes=1000-1099');
  assert.equal(mid.status, 206);
  assert.equal(mid.headers.get('content-range'), `bytes 1000-1099/${MP4.length}`);
  assert.deepEqual(midBuf, MP4.subarray(1000, 1100));
  const [tail, tailBuf] = await bytes('bytes=-10');
  assert.equal(tail.status, 206);
  assert.deepEqual(tailBuf, MP4.subarray(MP4.length - 10));
  const [open, openBuf] = await bytes(`bytes=${MP4.length - 5}-`);
  assert.equal(open.headers.get('content-range'), `bytes ${MP4.length - 5}-${MP4.length - 1}/${MP4.length}`);
  assert.equal(openBuf.length, 5);
  const [past] = await bytes(`bytes=${MP4.length}-`);
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${MP4.length}`);
  const page = srv.client();
  await page.login('yuangong');
  const html = await page.get(`/train/courses/${course}`);
  assert.equal(html.status, 200);
  assert.match(html.text, new RegExp(`<video controls preload="metadata" playsinline src="${url}"`));
  assert.doesNotMatch(html.text, /train-upload/, 'no upload form for a worker');
  assert.match((await page.get('/train')).text, new RegExp(`href="/train/courses/${course}"`));
});

test('the hazard job, sweeping unreferenced blobs, keeps training materials', async () => {
  const items = (await list()).items;
  assert.equal(items.length, 2);
  // an abandoned upload beside them: the sweep must still run (and remove it)
  db(`INSERT INTO blobs (sha256, mime, bytes, created_at) VALUES ('orphan', 'image/jpeg', ${blobLiteral('ffd8ff')}, 0)`);
  await setClock(srv, (await serverNow(srv)) + 3 * 86400);
  await tick(srv);
  assert.equal(db("SELECT count(*) FROM blobs WHERE sha256 = 'orphan'"), '0', 'the sweep ran');
  const w = srv.client();
  await w.apiLogin('yuangong');
  for (const m of items) assert.equal((await w.get(`/train/materials/${m.id}`)).status, 200, m.title);
});

test('a question bank from XLSX: a dry run stores nothing, a row without an answer refuses the file by its row, an exam draws by category and difficulty', async () => {
  // the clock moved on (the sweep above): sign in again
  hr = srv.client();
  await hr.apiLogin('renshi');
  worker = srv.client();
  await worker.apiLogin('yuangong');
  const ppe = Number(db("SELECT id FROM train_courses WHERE code = 'ppe'"));
  const count = () => Number(db(`SELECT count(*) FROM train_questions WHERE course_id = ${ppe}`));
  const before = count();
  const head = ['题型', '题目', '选项', '答案', '分类', '难度'];
  const rows = [
    head,
    ['单选', '导入题H1：动火作业前应进行？', 'A. 动火分析\nB. 直接作业\nC. 不用准备', 'A', '动火作业', '难'],
    ['多选', '导入题H2：动火作业的防护措施有？', 'A. 清除可燃物|B. 配备灭火器|C. 关闭报警', 'AB', '动火作业', 3],
    ['判断', '导入题E1：动火作业可以不办作业证。', '', '错', '动火作业', '易'],
    ['填空', '导入题C1：受限空间作业前应先（ ）后检测。', '', '通风', '受限空间', '3'],
  ];
  const send = (c, path, xlsx, dry) => {
    const f = new FormData();
    if (dry) f.append('dry_run', '1');
    f.append('file', new Blob([xlsx]), 'bank.xlsx');
    return c.request('POST', path, { multipart: f });
  };
  const api = `/api/v1/train/courses/${ppe}/questions/import`;
  // row 4 (the third question) has no answer: nothing at all is stored, the row is named
  const broken = rows.map((r, i) => (i === 3 ? [...r.slice(0, 3), '', ...r.slice(4)] : r));
  const bad = await send(hr, api, await makeXlsx(broken));
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.field, 'file');
  assert.match(bad.json.error.message, /4: 答案: 没有正确答案/);
  assert.deepEqual(bad.json.errors.map((e) => [e.row, e.column]), [[4, '答案']]);
  assert.equal(count(), before);
  // a dry run: counted, not stored
  const xlsx = await makeXlsx(rows);
  const dry = await send(hr, api, xlsx, true);
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual([dry.json.dry_run, dry.json.rows, dry.json.created, dry.json.by_kind],
    [true, 4, 4, { single: 1, multi: 1, judge: 1, fill: 1 }]);
  assert.equal(count(), before);
  assert.equal((await send(worker, api, xlsx)).status, 403);
  const ok = await send(hr, api, xlsx);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(count(), before + 4);
  const again = await send(hr, api, xlsx);
  assert.deepEqual([again.json.created, again.json.existing], [0, 4]);
  assert.equal(db(`SELECT options || ' ' || answer || ' ' || difficulty FROM train_questions WHERE stem LIKE '导入题H1%'`),
    '["动火分析","直接作业","不用准备"] [0] 3');
  // the page: a dry run reports and keeps the bank as it was
  const page = srv.client();
  await page.login('renshi');
  const course = await page.get(`/train/courses/${ppe}`);
  assert.match(course.text, /action="\/train\/courses\/\d+\/questions\/import"/);
  const shown = await send(page, `/train/courses/${ppe}/questions/import`, await makeXlsx(broken), true);
  assert.equal(shown.status, 422);
  assert.match(shown.text, /<li>第几行 4 · 答案 · 没有正确答案<\/li>/);
  // an exam of hard 动火作业 questions only draws those two
  const exam = db(`SELECT id FROM train_exams WHERE course_id = ${ppe}`);
  const band = await hr.request('PATCH', `/api/v1/train/exams/${exam}`, { json: { difficulty_min: 3, difficulty_max: 1 } });
  assert.equal(band.status, 422);
  assert.equal(band.json.error.field, 'difficulty_max');
  const set = await hr.request('PATCH', `/api/v1/train/exams/${exam}`, { json: { category: '动火作业', difficulty_min: 3, difficulty_max: 3 } });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual([set.json.category, set.json.difficulty_min, set.json.difficulty_max], ['动火作业', 3, 3]);
  const w = srv.client();
  await w.apiLogin('ws1anquan');
  const sit = await w.postJson(`/api/v1/train/exams/${exam}/attempts`, {});
  assert.equal(sit.status, 201, sit.text);
  assert.deepEqual(sit.json.questions.map((q) => q.stem.slice(0, 5)).sort(), ['导入题H1', '导入题H2']);
});

test('HR manages courses, requirements and exams; a requirement applies to the worker at once and stops when withdrawn', async () => {
  const fields = async (r, status, field) => { assert.equal(r.status, status, r.text); if (field) assert.equal(r.json.error.field, field); return r.json; };
  await fields(await hr.postJson('/api/v1/train/courses', { code: 'ppe', name: '重复', hours: 2 }), 422, 'code');
  await fields(await hr.postJson('/api/v1/train/courses', { code: 'gas', name: '气体检测', hours: 0 }), 422, 'hours');
  const course = await fields(await hr.postJson('/api/v1/train/courses', { code: 'gas', name: '气体检测仪使用', hours: 3,
    renew_months: 24, permit_role: 'gas_analyst' }), 201);
  assert.deepEqual([course.code, course.hours, course.renew_months, course.permit_role], ['gas', 3, 24, 'gas_analyst']);
  assert.equal((await worker.get('/api/v1/train/courses')).status, 403);
  await fields(await hr.postJson('/api/v1/train/requirements', { course_id: course.id, applies: 'position' }), 422, 'position_id');
  const reqd = await fields(await hr.postJson('/api/v1/train/requirements', { course_id: course.id, applies: 'all',
    within_days: 30 }), 201);
  const mine = async () => (await worker.get('/api/v1/train/me')).json.requirements.find((x) => x.course_id === course.id);
  assert.equal((await mine())?.state, 'due', 'never done: due within the days allowed');
  const exam = await fields(await hr.postJson('/api/v1/train/exams', { course_id: course.id, title: '气体检测考试',
    questions: 5, minutes: 10, pass_mark: 80, max_attempts: 2 }), 201);
  assert.deepEqual([exam.difficulty_min, exam.difficulty_max, exam.category], [1, 3, null]);
  const page = srv.client();
  await page.login('yuangong');
  assert.match((await page.get('/train')).text, /<strong>气体检测考试<\/strong>/);
  await fields(await hr.postJson(`/api/v1/train/requirements/${reqd.id}/deactivate`, {}), 200);
  assert.equal(await mine(), undefined);
  const admin = srv.client();
  await admin.login('renshi');
  for (const p of ['/train/admin/courses', '/train/admin/courses/new', `/train/admin/courses/${course.id}`,
    '/train/admin/requirements/new', '/train/admin/exams', `/train/admin/exams/${exam.id}`]) {
    assert.equal((await admin.get(p)).status, 200, p);
  }
  assert.match((await admin.get(`/train/admin/courses/${course.id}`)).text, new RegExp(`href="/train/courses/${course.id}"`));
});

test('reminders 30 and 7 days before a requirement falls due, to the person and the team leader, each once', async () => {
  const [pos, created, leaderName, name] = db("SELECT u.position_id || '|' || p.created_at || '|' || COALESCE(s.username, '') || '|' || p.name"
    + " FROM users u JOIN persons p ON p.user_id = u.id LEFT JOIN users s ON s.id = u.supervisor_id WHERE u.username = 'yuangong'").split('|');
  assert.ok(pos && leaderName, 'the worker has a position and a team leader');
  const as = async (u) => { const c = srv.client(); await c.apiLogin(u); return c; };
  let hr = await as('renshi');
  const course = (await hr.postJson('/api/v1/train/courses', { code: 'remind', name: '提醒测试课', hours: 1 })).json;
  assert.equal((await hr.postJson('/api/v1/train/requirements', { course_id: course.id, applies: 'position',
    position_id: Number(pos), within_days: 40 })).status, 201);
  const start = Math.floor(Number(created) / 86400) * 86400 + 86400;	// past the start day's local midnight
  const told = async (u) => (await (await as(u)).get('/api/v1/inbox?per_page=100')).json.items
    .filter((n) => n.title.includes(`${name} 提醒测试课`)).map((n) => n.title.split('：')[0]);
  // 31 days before the due day: nothing yet
  await setClock(srv, start + 8 * 86400);
  await tick(srv);
  assert.deepEqual(await told('yuangong'), []);
  // 28 days before: the person and the team leader, once however often the job runs
  await setClock(srv, start + 12 * 86400);
  await tick(srv);
  await tick(srv);
  await setClock(srv, start + 12 * 86400 + 3600);
  await tick(srv);
  assert.deepEqual(await told('yuangong'), ['培训即将到期']);
  assert.deepEqual(await told(leaderName), ['培训即将到期']);
  // 5 days before: the second reminder
  await setClock(srv, start + 35 * 86400);
  await tick(srv);
  assert.deepEqual(await told('yuangong'), ['培训即将到期', '培训即将到期']);
  // passed: once more, saying what it means; done, nothing further
  await setClock(srv, start + 42 * 86400);
  await tick(srv);
  assert.equal((await told('yuangong'))[0], '培训已逾期，不能再被指派为作业人员');
  const person = Number(db("SELECT p.id FROM persons p JOIN users u ON u.id = p.user_id WHERE u.username = 'yuangong'"));
  hr = await as('renshi');
  assert.equal((await hr.postJson('/api/v1/train/records', { person_id: person, course_id: course.id })).status, 201);
  await setClock(srv, start + 43 * 86400);
  await tick(srv);
  assert.equal((await told('yuangong')).length, 3);
});

test('self-study counts heartbeats, never the time away, and records the course once its hours are reached', async () => {
  const as = async (u) => { const c = srv.client(); await c.apiLogin(u); return c; };
  const t0 = (await serverNow(srv)) + 86400;
  await setClock(srv, t0);
  const hr = await as('renshi');
  const course = (await hr.postJson('/api/v1/train/courses', { code: 'study', name: '自学测试课', hours: 1 })).json;
  const page = srv.client();
  await page.login('yuangong');
  const f = new FormData();
  f.append('kind', 'pdf');
  f.append('file', new Blob([PDF], { type: 'application/pdf' }), 'study.pdf');
  assert.equal((await hr.request('POST', `/api/v1/train/courses/${course.id}/materials`, { multipart: f })).status, 201);
  assert.match((await page.get(`/train/courses/${course.id}`)).text, new RegExp(`data-study="/api/v1/train/courses/${course.id}/study"`));
  const beat = async (t) => {
    await setClock(srv, t);
    const r = await page.postJson(`/api/v1/train/courses/${course.id}/study`, {});
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  assert.equal((await beat(t0)).seconds, 0);
  assert.equal((await beat(t0 + 30)).seconds, 30);
  assert.equal((await beat(t0 + 600)).seconds, 30, 'ten minutes away count nothing');
  assert.equal((await beat(t0 + 630)).seconds, 60);
  let t = t0 + 630, last;
  while (!(last = await beat(t += 45)).completed) assert.ok(t < t0 + 630 + 80 * 45, 'completes at the course hours');
  assert.ok(last.seconds >= 3600 && last.seconds < 3645);
  await beat(t + 30);
  const recs = (await (await as('yuangong')).get('/api/v1/train/me')).json.records.filter((x) => x.course_id === course.id);
  assert.deepEqual(recs.map((x) => [x.source, x.hours]), [['study', 1]]);
});
