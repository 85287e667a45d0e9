// tests/http/offline_checks.test.mjs — what a round of checks kept on a phone without signal
// relies on (check_record.c, check_web.c, docs/offline.md): the form's API twin stores a check
// once per idempotency key (a retry answers the first record with Idempotent-Replayed), timed at
// capture within the hazard report's bounds, with its voice note; a refusal gives the reason
// (task already done, checkpoint taken out of use, captured outside the window) and stores
// nothing; a voice note comes with a rectification, the hazard JSON lists every note, and the
// blob clean-up keeps them all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, tick } from './lib.mjs';
import { png } from './images.mjs';

// local (UTC+8) wall time as UTC seconds; 2056 lies far past the demo's history (check.test.mjs)
const local = (y, m, d, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min) / 1000 - 8 * 3600;
const NOW = local(2056, 6, 14, 9, 0);
// the smallest thing that starts like a WebM file: the EBML magic, then DocType "webm"
const webm = (n = 200) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01,
  0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(n, 7)]);
const photo = () => new Blob([png(64, 48, (x, y) => [x * 4, y * 5, 90])], { type: 'image/png' });

let srv, safety, w, me, tpl, tasks, points;

function form(fields, files = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  for (const [k, [blob, name]] of Object.entries(files)) fd.append(k, blob, name);
  return fd;
}
// a filled check of the test's checklist (pass, a reading inside the limits)
const answers = (extra = {}) => ({ [`item_${tpl.items[0].id}`]: 'pass', [`item_${tpl.items[1].id}`]: '0.8', ...extra });
const upload = (task, fields, files) => w.request('POST', `/api/v1/check/tasks/${task.id}/record`, { multipart: form(fields, files) });
const task = async (id) => (await w.get(`/api/v1/check/tasks/${id}`)).json;

before(async () => {
  srv = await startServer();
  await setClock(srv, NOW);	// before signing in: a jump of years ends a sign-in
  safety = srv.client();
  await safety.apiLogin('anhuan');
  w = srv.client();
  await w.login('yuangong');
  me = (await w.get('/api/v1/me')).json.id;
  const unit = (await safety.get('/api/v1/areas')).json.items.find((a) => a.name === '合成一车间 反应釜区').unit_id;
  let r = await safety.postJson('/api/v1/check/templates', { name: '离线巡检表', kind: 'round', unit_id: unit, require_scan: false,
    items: [{ kind: 'pass_fail', label: '阀门无泄漏' }, { kind: 'number', label: '压力表读数', min: 0, max: 1.6, unit: 'MPa' }] });
  assert.equal(r.status, 201, r.text);
  tpl = r.json;
  points = (await safety.get('/api/v1/check/points?per_page=100')).json.items.filter((p) => p.active).slice(0, 3);
  assert.equal(points.length, 3);
  // one slot, 08:00–18:00, three checkpoints: three tasks of 张三's
  r = await safety.postJson('/api/v1/check/plans', { name: '离线巡检路线', unit_id: unit, template_id: tpl.id, user_id: me,
    shift_start: 480, shift_end: 1080, every_min: 600, points: points.map((p) => p.id) });
  assert.equal(r.status, 201, r.text);
  const plan = r.json.id;
  await tick(srv);
  r = await w.get('/api/v1/check/tasks?day=2056-06-14&per_page=100');
  assert.equal(r.status, 200, r.text);
  tasks = r.json.items.filter((t) => t.plan_id === plan).sort((a, b) => a.seq - b.seq);
  assert.equal(tasks.length, 3, JSON.stringify(r.json.items));
  assert.ok(tasks.every((t) => t.window_start <= NOW - 600 && t.window_end > NOW + 1200));
});

after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('a round from the queue is stored once per key, timed at capture, with its photo and voice note', async () => {
  const captured = NOW - 600;	// filled at 08:50 without signal, uploaded at 09:20
  await setClock(srv, NOW + 1200);
  const key = 'round-0001-aaaaaaaa';
  const files = { [`photo_${tpl.items[0].id}`]: [photo(), 'valve.png'], voice: [new Blob([webm()], { type: 'audio/webm' }), 'voice.webm'] };
  const first = await upload(tasks[0], { ...answers(), idem_key: key, captured_at: captured, voice_seconds: 4 }, files);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  assert.equal(first.json.finished_at, captured, 'the record is timed at capture, not at upload');
  assert.equal(first.json.captured_at, captured);
  assert.equal(first.json.results.length, 2);
  assert.match(first.json.results[0].photo, /^[0-9a-f]{64}$/);
  assert.equal(first.json.voice.length, 1);
  const v = first.json.voice[0];
  assert.deepEqual([v.type, v.seconds, v.by, v.at], ['audio/webm', 4, me, captured]);
  const clip = await w.get(v.url);
  assert.equal(clip.status, 200);
  assert.match(clip.headers.get('content-type'), /^audio\/webm/);
  assert.match(clip.headers.get('content-disposition'), /^inline; filename="voice-[0-9a-f]{12}\.webm"$/);
  // another worker who may not see the record does not hear it
  const other = srv.client();
  await other.login('u001');
  assert.equal((await other.get(v.url)).status, 404);

  // the answer was lost: the phone sends the same submission again
  const again = await upload(tasks[0], { ...answers(), idem_key: key, captured_at: captured, voice_seconds: 4 }, files);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.id, first.json.id);
  assert.equal((await task(tasks[0].id)).record_id, first.json.id);

  // the JSON route keeps the same rules: capture time, one record per key
  const body = { task_id: tasks[1].id, idem_key: 'round-0002-bbbbbbbb', captured_at: captured + 60,
    answers: tpl.items.map((i, n) => ({ item_id: i.id, value: n ? 0.5 : 'pass' })) };
  const j1 = await w.postJson('/api/v1/check/records', body);
  assert.equal(j1.status, 201, j1.text);
  assert.equal(j1.json.finished_at, captured + 60);
  const j2 = await w.postJson('/api/v1/check/records', body);
  assert.equal(j2.status, 200);
  assert.equal(j2.headers.get('idempotent-replayed'), 'true');
  assert.equal(j2.json.id, j1.json.id);
  const done = await w.get('/api/v1/check/tasks?day=2056-06-14&per_page=100');
  assert.deepEqual(done.json.items.filter((t) => t.id === tasks[0].id || t.id === tasks[1].id).map((t) => t.status), ['done', 'done']);
});

test('refusals give the reason and store nothing: capture time out of bounds, task done, checkpoint out of use', async () => {
  const now = NOW + 1200;
  const t = tasks[2];
  for (const [captured, field, why] of [[now + 3600, 'captured_at', /晚于服务器时间/], [now - 73 * 3600, 'captured_at', /./],
    ['yesterday', 'captured_at', /./], [local(2056, 6, 14, 7, 0), 'task_id', /时间窗口/]]) {
    const r = await upload(t, { ...answers(), idem_key: `round-cap-${String(captured).slice(-6)}x`, captured_at: captured });
    assert.equal(r.status, 422, `${captured}: ${r.text}`);
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, why);
  }
  // a voice note that is not audio, whatever it claims
  let r = await upload(t, { ...answers(), idem_key: 'round-voice-bad01', captured_at: now - 60 },
    { voice: [new Blob(['<html><script>alert(1)</script></html>'.padEnd(200, ' ')], { type: 'audio/webm' }), 'v.webm'] });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'voice');
  // done meanwhile (here: by this person from another phone): a new key is a second record, refused
  r = await upload(tasks[0], { ...answers(), idem_key: 'round-0001-second1', captured_at: now - 60 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.message, '该任务已有记录');
  // the checkpoint was taken out of use while the round waited on the phone
  const off = await safety.postJson(`/api/v1/check/points/${points[2].id}/deactivate`, {});
  assert.ok(off.status < 300, off.text);
  r = await upload(t, { ...answers(), idem_key: 'round-0003-cccccccc', captured_at: now - 60 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.field, 'task_id');
  assert.match(r.json.error.message, /巡检点已停用/);
  const still = await task(t.id);
  assert.equal(still.status, 'open');
  assert.equal(still.record_id, null, 'nothing stored');
  // the plain form reports the same reason on the page
  const page = await w.request('POST', `/checks/tasks/${t.id}`, { multipart: form({ ...answers(), idem_key: 'round-0003-dddddddd' }) });
  assert.equal(page.status, 409);
  assert.match(page.text, /巡检点已停用/);
});

test('a voice note with the rectification: listed in the hazard JSON, played on the page, kept by the clean-up', async () => {
  const meta = (await w.get('/api/v1/hazard-meta')).json;
  const fd = form({ area_id: meta.areas.find((a) => a.name === '合成一车间 反应釜区').id, category_id: meta.categories[0].id,
    description: '离线语音：法兰渗漏', voice_seconds: 2 },
  { photo: [photo(), 'p.png'], voice: [new Blob([webm(300)], { type: 'audio/webm' }), 'v.webm'] });
  let r = await w.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  const h = r.json;
  const leader = srv.client();
  await leader.login('banzhang');
  const lid = (await leader.get('/api/v1/me')).json.id;
  assert.equal(h.assignee_id, lid);
  assert.equal((await leader.postJson(`/api/v1/hazards/${h.id}/accept`, { urgency: 'B' })).status, 200);
  assert.equal((await leader.postJson(`/api/v1/hazards/${h.id}/start`, {})).status, 200);
  // a voice note that is not audio is refused naming the field, and nothing moves
  r = await leader.request('POST', `/api/v1/hazards/${h.id}/submit`, { multipart: form({ note: '已紧固法兰' },
    { photo: [photo(), 'after.png'], voice: [new Blob([Buffer.alloc(200, 0x41)], { type: 'audio/webm' }), 'v.webm'] }) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'voice');
  r = await leader.request('POST', `/api/v1/hazards/${h.id}/submit`, { multipart: form({ note: '已紧固法兰', voice_seconds: 999 },
    { photo: [photo(), 'after.png'], voice: [new Blob([webm(400)], { type: 'audio/webm' }), 'v.webm'] }) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'verifying');
  const submit = r.json.events.find((e) => e.action === 'submit');
  const got = (await w.get(`/api/v1/hazards/${h.id}`)).json.voice;
  assert.equal(got.length, 2);
  const [rep, rect] = got;
  assert.deepEqual([rep.by, rep.event_id, rep.seconds, rep.type], [me, null, 2, 'audio/webm']);
  assert.deepEqual([rect.by, rect.event_id, rect.seconds], [lid, submit.id, 60], 'the claimed length is bounded by the setting');
  assert.ok(rect.at >= rep.at);
  // the detail page plays both, each with who spoke it
  const page = await w.get(`/hazards/${h.id}`);
  for (const v of got) assert.ok(page.text.includes(`src="${v.url}"`), v.url);
  assert.match(page.text, /语音说明 · 孙伟 · 2056-06-14 09:20/);
  // the job's blob clean-up two days later keeps every note (the report's, the rectifier's, the check's)
  const rec = (await w.get(`/api/v1/check/tasks/${tasks[0].id}`)).json.record_id;
  const checkVoice = (await w.get(`/api/v1/check/records/${rec}`)).json.voice[0].url;
  await setClock(srv, NOW + 3 * 86400);
  await tick(srv);
  await w.login('yuangong');	// three days: a new sign-in
  for (const u of [rep.url, rect.url, checkVoice]) assert.equal((await w.get(u)).status, 200, u);
});
