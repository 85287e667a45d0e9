// tests/http/hazard.test.mjs — the hazard loop over HTTP against the real server: report with
// photos, dispatch, the general and the major lifecycle, rejections, the four-eyes rule, data
// scope, bad photos, a concurrent double verification, repeats, escalation with a moved clock,
// two-character Chinese search, exports and the pages' buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';
import { pngHeader } from './images.mjs';

let srv, jpeg, meta;
const clients = {};

async function as(username) {
  if (!clients[username]) {
    const c = srv.client();
    await c.apiLogin(username);
    c.me = (await c.get('/api/v1/me')).json;
    clients[username] = c;
  }
  return clients[username];
}

function photoForm(fields, photos = [jpeg]) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  photos.forEach((p, i) => fd.append('photo', new Blob([p.bytes || p], { type: p.type || 'image/jpeg' }), p.name || `p${i}.jpg`));
  return fd;
}

const area = (name) => meta.areas.find((a) => a.name === name).id;
const cat = (code) => meta.categories.find((c) => c.code === code).id;

async function report(username, fields, photos) {
  const c = await as(username);
  const r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm(fields, photos) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function act(username, id, action, fields = {}, photos) {
  const c = await as(username);
  if (photos) return c.request('POST', `/api/v1/hazards/${id}/${action}`, { multipart: photoForm(fields, photos) });
  return c.postJson(`/api/v1/hazards/${id}/${action}`, fields);
}

async function get(username, id) {
  return (await as(username)).get(`/api/v1/hazards/${id}`);
}

async function inbox(username, id, kind) {
  const r = await (await as(username)).get('/api/v1/inbox');
  return r.json.items.filter((n) => n.link === `/hazards/${id}` && (!kind || n.kind === kind));
}


before(async () => {
  srv = await startServer();
  const safety = await as('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  // a real JPEG, made by the server's own encoder for a demo hazard
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(res.status, 200);
  jpeg = Buffer.from(await res.arrayBuffer());
  assert.equal(jpeg[0], 0xff);
});

after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM');
});

let general;	// the first hazard, closed by the general loop

test('a worker reports a hazard: numbered, dispatched to the team leader, photos re-encoded', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('mechanical'),
    description: '搅拌电机联轴器护罩脱落' });
  assert.match(h.number, /^YH-\d{4}-\d{6}$/);
  assert.equal(h.status, 'reported');
  assert.equal(h.level, 'general');
  const banzhang = await as('banzhang');
  assert.equal(h.assignee_id, banzhang.me.id, 'no rule: the team leader under the area\'s workshop');
  assert.equal(h.photos.length, 1);
  assert.equal(h.photos[0].kind, 'before');
  assert.ok(h.respond_due > h.reported_at && h.rectify_due >= h.respond_due);
  assert.equal(h.rectify_due - h.reported_at, 7 * 24 * 3600, 'default urgency C: 7 days');
  assert.equal((await inbox('banzhang', h.id, 'hazard.assigned')).length, 1);
  general = h;
});

test('data scope: another worker cannot see the hazard or its photo (404)', async () => {
  const other = await as('u001');
  assert.equal((await other.get(`/api/v1/hazards/${general.id}`)).status, 404);
  const list = (await other.get('/api/v1/hazards?per_page=200')).json;
  assert.ok(!list.items.some((i) => i.id === general.id));
  const res = await fetch(`${srv.url}/photos/${general.photos[0].sha256}`, { headers: { Authorization: `Bearer ${other.bearer}` } });
  assert.equal(res.status, 404);
  const own = await fetch(`${srv.url}/photos/${general.photos[0].sha256}`, { headers: { Authorization: `Bearer ${(await as('yuangong')).bearer}` } });
  assert.equal(own.status, 200);
  assert.equal(own.headers.get('content-type'), 'image/jpeg');
  assert.equal(own.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(own.headers.get('content-disposition'), 'inline');
});

test('the general loop: accept, start, submit, the rectifier cannot verify, another verifies', async () => {
  const id = general.id;
  // the dashboard's "closed on time with evidence" (before and after photos): read before
  // the loop, and again after it, through the same server's cached figures
  const onTime = async () => (await (await as('anhuan')).get('/api/v1/dashboard')).json.counts.on_time;
  const onTimeBefore = await onTime();
  // a worker may not accept (no hazard.handle): 403 and nothing changes
  assert.equal((await act('yuangong', id, 'accept')).status, 403);
  // verify from "reported" is not a transition: 409
  const early = await act('ws1anquan', id, 'verify');
  assert.equal(early.status, 409);
  assert.equal((await get('yuangong', id)).json.status, 'reported');
  let r = await act('banzhang', id, 'accept', { urgency: 'B' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'assigned');
  assert.equal(r.json.rectify_due - r.json.reported_at, 72 * 3600, 'urgency B: 72 h');
  r = await act('banzhang', id, 'start');
  assert.equal(r.json.status, 'rectifying');
  // submit needs a note and an after-photo, each named
  r = await act('banzhang', id, 'submit', { note: '' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'note');
  r = await act('banzhang', id, 'submit', { note: '已重新安装护罩' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'photo');
  r = await act('banzhang', id, 'submit', { note: '已重新安装护罩' }, [jpeg]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'verifying');
  assert.equal(r.json.rectifier_id, (await as('banzhang')).me.id);
  // four eyes: the rectifier holds hazard.verify but may not confirm their own work
  r = await act('banzhang', id, 'verify');
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /验收人不能是整改人/);
  r = await act('ws1anquan', id, 'verify', { note: '复查合格' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  assert.ok(r.json.closed_at > 0);
  const steps = r.json.events.map((e) => e.action);
  assert.deepEqual(steps, ['report', 'accept', 'start', 'submit', 'verify']);
  assert.equal(await onTime(), onTimeBefore + 1, 'closed in time with a before and an after photo');
  assert.ok(r.json.events.every((e) => e.at > 0), 'every step is timed');
  assert.deepEqual(r.json.photos.map((p) => p.kind), ['before', 'after']);
  // closed: nothing more is allowed
  assert.equal((await act('ws1anquan', id, 'reject', { note: 'x' })).status, 409);
  assert.equal((await inbox('banzhang', id, 'hazard.closed')).length, 1);
});

test('rejection sends it back to rectifying with a reason; cancel needs a reason', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 投料平台'), category_id: cat('housekeeping'),
    description: '投料口周边粉料洒落' });
  await act('banzhang', h.id, 'accept');
  await act('banzhang', h.id, 'start');
  await act('banzhang', h.id, 'submit', { note: '已清扫' }, [jpeg]);
  let r = await act('ws1anquan', h.id, 'reject', {});
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'note');
  r = await act('ws1anquan', h.id, 'reject', { note: '角落仍有积料' });
  assert.equal(r.json.status, 'rectifying');
  assert.equal((await inbox('banzhang', h.id, 'hazard.rejected')).length, 1);
  r = await act('banzhang', h.id, 'submit', { note: '再次清扫并加装挡板' }, [jpeg]);
  assert.equal(r.json.status, 'verifying');
  r = await act('ws1anquan', h.id, 'verify');
  assert.equal(r.json.status, 'closed');

  const dup = await report('yuangong', { area_id: area('合成一车间 投料平台'), category_id: cat('ppe') });
  assert.equal((await act('banzhang', dup.id, 'cancel', {})).status, 400);
  r = await act('banzhang', dup.id, 'cancel', { note: '与上一条重复' });
  assert.equal(r.json.status, 'cancelled');
});

test('fixed on the spot (立查立改): the reporter closes it with an after-photo, still counted', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('fire'),
    description: '灭火器被纸箱遮挡' });
  assert.equal((await act('u001', h.id, 'fix_on_spot', {}, [jpeg])).status, 404, 'not theirs to see');
  let r = await act('yuangong', h.id, 'fix_on_spot', { note: '已移开纸箱' });
  assert.equal(r.status, 400);
  r = await act('yuangong', h.id, 'fix_on_spot', { note: '已移开纸箱' }, [jpeg]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.on_spot, true);
  const list = (await (await as('anhuan')).get('/api/v1/hazards?status=closed&per_page=200')).json;
  assert.ok(list.items.some((i) => i.id === h.id && i.on_spot));
});

test('a major hazard alerts the workshop head, safety director and principal at once, once each', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('fire'),
    level: 'major', description: '反应釜区可燃气体报警器失效' });
  for (const who of ['ws1zhuren', 'zongjian', 'zhuren']) {
    const got = await inbox(who, h.id, 'hazard.major');
    assert.equal(got.length, 1, `${who} alerted once`);
    assert.ok(got[0].title.startsWith('新的重大事故隐患'), got[0].title);
  }
  assert.equal((await inbox('banzhang', h.id, 'hazard.major')).length, 0, 'the alert goes above the team');
  const crit = meta.criteria.find((c) => c.article === 13 && c.item === 1).id;
  const r = await act('anhuan', h.id, 'accept', { criterion_id: crit });
  assert.equal(r.status, 200, r.text);
  assert.equal((await inbox('zongjian', h.id, 'hazard.major')).length, 1, 'confirming it does not alert again');
  const general = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('fire'),
    description: '灭火器压力不足' });
  assert.equal((await inbox('zongjian', general.id, 'hazard.major')).length, 0, 'general hazards do not');
});

test('the major loop: criterion, plan, two approvals, regulator flag, assessment before closing', async () => {
  const banzhang = await as('banzhang');
  const h = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('chemical'),
    level: 'major', description: '反应釜区有限空间未设置警示标志且无审批' });
  assert.equal(h.urgency, 'A');
  let r = await act('anhuan', h.id, 'accept', {});
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'criterion_id');
  const crit = meta.criteria.find((c) => c.article === 13 && c.item === 1).id;
  r = await act('anhuan', h.id, 'accept', { criterion_id: crit, assignee_id: banzhang.me.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'planning');
  assert.equal(r.json.criterion_id, crit);
  const plan = { goal: '完成有限空间辨识与标识', method: '建立台账，设置警示标志，落实审批',
    funding: '2万元', organization: '合成一车间，安环部监督', deadline_text: '15日内完成',
    due_date: new Date(((await serverNow(srv)) + 8 * 3600 + 15 * 86400) * 1000).toISOString().slice(0, 10) };
  r = await act('anhuan', h.id, 'submit_plan', plan);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'safety');
  r = await act('anhuan', h.id, 'submit_plan', { ...plan, safety: '作业前通风检测，设监护人' });
  assert.equal(r.json.status, 'plan_review');
  assert.equal((await inbox('zhuren', h.id, 'hazard.plan')).length, 1);
  assert.equal((await act('anhuan', h.id, 'approve_plan')).status, 403, 'hazard.major only');
  r = await act('zongjian', h.id, 'approve_plan');
  assert.equal(r.json.status, 'plan_review', 'one approval is not enough');
  assert.ok(r.json.plan.director_at > 0);
  assert.equal((await act('zongjian', h.id, 'approve_plan')).status, 403, 'the director signs once');
  r = await act('zhuren', h.id, 'approve_plan');
  assert.equal(r.json.status, 'rectifying');
  r = await act('zongjian', h.id, 'report_regulator');
  assert.ok(r.json.regulator_reported_at > 0);
  assert.equal((await act('zongjian', h.id, 'report_regulator')).status, 409);
  r = await act('banzhang', h.id, 'submit', { note: '台账与标志已完成' }, [jpeg]);
  assert.equal(r.json.status, 'verifying');
  r = await act('anhuan', h.id, 'verify');
  assert.equal(r.status, 409);
  assert.match(r.json.error.message, /评估/);
  r = await act('zongjian', h.id, 'assess', { note: '治理效果达到要求' });
  assert.equal(r.json.status, 'verifying');
  r = await act('anhuan', h.id, 'verify');
  assert.equal(r.json.status, 'closed');
});

test('dispatch rules: area × category beats area only; reassignment needs a reason', async () => {
  const safety = await as('anhuan');
  const u001 = await as('u001');
  const u005 = await as('u005');
  const a = area('公用工程 配电室');
  let r = await safety.postJson('/api/v1/hazard-rules', { area_id: a, user_id: u005.me.id });
  assert.equal(r.status, 201, r.text);
  r = await safety.postJson('/api/v1/hazard-rules', { area_id: a, category_id: cat('electrical'), user_id: u001.me.id });
  assert.equal(r.status, 201);
  assert.equal((await safety.postJson('/api/v1/hazard-rules', { area_id: a })).status, 400);
  assert.equal((await (await as('yuangong')).postJson('/api/v1/hazard-rules', { area_id: a, user_id: 1 })).status, 403);
  const e = await report('yuangong', { area_id: a, category_id: cat('electrical'), description: '配电柜门未锁' });
  assert.equal(e.assignee_id, u001.me.id);
  const f = await report('yuangong', { area_id: a, category_id: cat('fire'), description: '灭火器过期' });
  assert.equal(f.assignee_id, u005.me.id);
  // the assignee sees what they were given, even with the narrow "own" scope
  assert.equal((await u001.get(`/api/v1/hazards/${e.id}`)).status, 200);
  // a team leader reassigns with a reason
  r = await act('anhuan', e.id, 'reassign', { assignee_id: u005.me.id });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'note');
  r = await act('anhuan', e.id, 'reassign', { assignee_id: u005.me.id, note: '电工班长休假' });
  assert.equal(r.json.assignee_id, u005.me.id);
});

test('repeats: same area and category as a hazard closed within 30 days', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('mechanical'),
    description: '护罩再次脱落' });
  assert.equal(h.repeat_of, general.id);
  const other = await report('yuangong', { area_id: area('合成一车间 反应釜区'), category_id: cat('height') });
  assert.equal(other.repeat_of, null);
  const list = (await (await as('anhuan')).get('/api/v1/hazards?repeat=1&per_page=200')).json;
  assert.ok(list.items.some((i) => i.id === h.id));
  assert.ok(!list.items.some((i) => i.id === other.id));
});

test('three hazards of one category on one machine warn the equipment manager once', async () => {
  const eq = 12;	// demo equipment P-503 空压机储气罐 (nothing else reported on it)
  for (let i = 0; i < 4; i++)
    await report('yuangong', { area_id: area('公用工程 空压制氮站'), category_id: cat('mechanical'), equipment_id: eq,
      description: `储气罐排污阀故障 ${i}` });
  const r = await (await as('shebei')).get('/api/v1/inbox');
  const warnings = r.json.items.filter((n) => n.kind === 'hazard.equipment' && n.link === `/hazards?equipment_id=${eq}`);
  assert.equal(warnings.length, 1);
});

test('bad photos are refused naming the field, and nothing is stored', async () => {
  const c = await as('yuangong');
  const before = (await c.get('/api/v1/hazards?per_page=1')).json.total;
  const base = { area_id: area('合成一车间 反应釜区'), category_id: cat('fire') };
  let r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm(base, [{ bytes: Buffer.from('just some text, not a photo'), name: 'fake.jpg' }]) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'photo');
  assert.match(r.json.error.message, /图片/);
  r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm(base, [{ bytes: pngHeader(100000, 100000), name: 'bomb.png', type: 'image/png' }]) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'photo');
  assert.match(r.json.error.message, /像素/);
  r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm(base, []) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'photo');
  r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm({ category_id: cat('fire') }) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'area_id');
  r = await c.request('POST', '/api/v1/hazards', { multipart: photoForm({ ...base, urgency: 'Z' }) });
  assert.equal(r.json.error.field, 'urgency');
  // a small real PNG is accepted and stored as JPEG
  assert.equal((await c.get('/api/v1/hazards?per_page=1')).json.total, before);
});

test('JSON report with a photo uploaded first; a half-sent upload leaves nothing', async () => {
  const c = await as('yuangong');
  const fd = new FormData();
  fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'a.jpg');
  const up = await c.request('POST', '/api/v1/photos', { multipart: fd });
  assert.equal(up.status, 201, up.text);
  assert.match(up.json.sha256, /^[0-9a-f]{64}$/);
  const r = await c.postJson('/api/v1/hazards', { area_id: area('精馏车间 中控室'), category_id: cat('management'),
    description: '交接班记录缺项', photos: [up.json.sha256] });
  assert.equal(r.status, 201, r.text);
  // attached with the evidence band drawn now (the upload alone knew no place): a new photo
  assert.match(r.json.photos[0].sha256, /^[0-9a-f]{64}$/);
  assert.notEqual(r.json.photos[0].sha256, up.json.sha256);
  const bad = await c.postJson('/api/v1/hazards', { area_id: area('精馏车间 中控室'), category_id: cat('management'), photos: ['0'.repeat(64)] });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'photos');
  // a body cut off half-way: the server never gets a complete request, so nothing is stored
  const before = (await c.get('/api/v1/hazards?per_page=1')).json.total;
  const net = await import('node:net');
  const { port } = new URL(srv.url);
  await new Promise((resolve) => {
    const s = net.connect(Number(port), '127.0.0.1', () => {
      s.write(`POST /api/v1/hazards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${c.bearer}\r\n` +
        'Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 500000\r\n\r\n' +
        '--XX\r\nContent-Disposition: form-data; name="area_id"\r\n\r\n1\r\n--XX\r\nContent-Disposition: form-data; name="category_id"\r\n\r\n1\r\n' +
        '--XX\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n');
      s.write(jpeg.subarray(0, 2000));
      setTimeout(() => { s.destroy(); resolve(); }, 200);
    });
    s.on('error', resolve);
  });
  assert.equal((await c.get('/api/v1/hazards?per_page=1')).json.total, before);
});

test('two simultaneous verifications: exactly one succeeds', async () => {
  const h = await report('yuangong', { area_id: area('合成一车间 投料平台'), category_id: cat('height'), description: '平台踢脚板缺失' });
  await act('banzhang', h.id, 'accept');
  await act('banzhang', h.id, 'start');
  await act('banzhang', h.id, 'submit', { note: '已补装' }, [jpeg]);
  const [a, b] = await Promise.all([act('ws1anquan', h.id, 'verify'), act('anhuan', h.id, 'verify')]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const after = (await get('anhuan', h.id)).json;
  assert.equal(after.status, 'closed');
  assert.equal(after.events.filter((e) => e.action === 'verify').length, 1);
});

test('search finds a hazard by a two-character Chinese substring, and by its number', async () => {
  const h = await report('yuangong', { area_id: area('精馏车间 精馏塔区'), category_id: cat('chemical'),
    description: '回流泵机封渗漏，地面有物料' });
  const c = await as('anhuan');
  for (const q of ['渗漏', '机封', '回流泵', h.number, h.number.slice(-6)]) {
    const r = await c.get(`/api/v1/hazards?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.some((i) => i.id === h.id), `search for ${q}`);
  }
  const miss = await c.get(`/api/v1/hazards?q=${encodeURIComponent('泵渗')}`);
  assert.ok(!miss.json.items.some((i) => i.id === h.id), 'pairs must be adjacent');
  // notes are searched too
  await act('anhuan', h.id, 'accept', { note: '联系机修班更换密封' });
  const notes = await c.get(`/api/v1/hazards?q=${encodeURIComponent('密封')}`);
  assert.ok(notes.json.items.some((i) => i.id === h.id));
  // the page shows it too
  const page = srv.client();
  await page.login('anhuan');
  const html = await page.get(`/hazards?q=${encodeURIComponent('渗漏')}`);
  assert.match(html.text, new RegExp(h.number));
});

// Moving the clock by hours ends idle sessions: sign in again after each move.
async function moveClock(t) {
  await setClock(srv, t);
  for (const k of Object.keys(clients)) delete clients[k];
}

test('escalation: reminder at 75 %, overdue, then supervisor, unit head, safety director, each once', async () => {
  const safety = await as('anhuan');
  const yuangong = await as('yuangong');
  const a = area('精馏车间 中控室');
  await safety.postJson('/api/v1/hazard-rules', { area_id: a, category_id: cat('ppe'), user_id: yuangong.me.id });
  const t0 = (await serverNow(srv)) + 30 * 86400;
  await moveClock(t0);
  try {
    const h = await report('u001', { area_id: a, category_id: cat('ppe'), urgency: 'A', description: '未戴防护面屏' });
    assert.equal(h.assignee_id, yuangong.me.id);
    assert.equal(h.respond_due, t0 + 2 * 3600, 'A: respond within 2 h');
    assert.equal(h.rectify_due, t0 + 24 * 3600, 'A: control within 24 h');
    await moveClock(t0 + 3600);
    await tick(srv);
    assert.equal((await inbox('yuangong', h.id, 'hazard.remind')).length, 0, 'not yet at 50 %');
    await moveClock(t0 + 5500);	// past 75 % of 2 h
    await tick(srv);
    assert.equal((await inbox('yuangong', h.id, 'hazard.remind')).length, 1);
    await moveClock(t0 + 2 * 3600 + 60);
    await tick(srv);
    await tick(srv);
    assert.equal((await get('anhuan', h.id)).json.overdue, true);
    assert.equal((await inbox('yuangong', h.id, 'hazard.overdue')).length, 1);
    assert.equal((await inbox('banzhang', h.id, 'hazard.escalate')).length, 1, 'step 1: supervisor');
    assert.equal((await inbox('ws1zhuren', h.id, 'hazard.escalate')).length, 0);
    await moveClock(t0 + 26 * 3600 + 60);
    await tick(srv);
    assert.equal((await inbox('ws1zhuren', h.id, 'hazard.escalate')).length, 1, 'step 2: unit head up the tree');
    assert.equal((await inbox('zongjian', h.id, 'hazard.escalate')).length, 0);
    await moveClock(t0 + 50 * 3600 + 60);
    await tick(srv);
    await tick(srv);
    assert.equal((await inbox('zongjian', h.id, 'hazard.escalate')).length, 1, 'step 3: safety director');
    assert.equal((await inbox('banzhang', h.id, 'hazard.escalate')).length, 1, 'still once');
    const overdue = (await (await as('anhuan')).get('/api/v1/hazards?overdue=1&per_page=200')).json;
    assert.ok(overdue.items.some((i) => i.id === h.id));
  } finally {
    await moveClock(0);
  }
});

test('exports: CSV with a UTF-8 BOM, XLSX as a zip', async () => {
  const c = srv.client();
  await c.login('anhuan');
  const csv = await fetch(`${srv.url}/hazards/export.csv?status=closed`, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.match(bytes.toString('utf8'), /编号.*状态/);
  assert.match(bytes.toString('utf8'), /已销号/);
  const x = await fetch(`${srv.url}/hazards/export.xlsx`, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(x.status, 200);
  const xb = Buffer.from(await x.arrayBuffer());
  assert.equal(xb.subarray(0, 2).toString(), 'PK');
  const w = srv.client();
  await w.login('yuangong');
  assert.equal((await w.get('/hazards/export.csv')).status, 403);
});

test('pages: the report form works without JS; buttons come from the transition table', async () => {
  const w = srv.client();
  await w.login('yuangong');
  const form = await w.get('/hazards/new?area=' + area('罐区 装卸站台'));
  assert.equal(form.status, 200);
  assert.match(form.text, /capture="environment"/);
  assert.match(form.text, /enctype="multipart\/form-data"/);
  assert.match(form.text, /<option value="\d+" selected[^>]*>罐区 装卸站台/);
  assert.doesNotMatch(form.text, /<script>/);
  assert.equal((await w.get('/a/not-a-token')).status, 404);
  // a plain form post (no JavaScript) with the photo
  const fd = photoForm({ area_id: area('罐区 装卸站台'), category_id: cat('fire'), description: '静电接地夹损坏' });
  const r = await w.request('POST', '/hazards', { multipart: fd });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const detail = await w.get(r.location);
  assert.match(detail.text, /YH-\d{4}-\d{6}/);
  assert.match(detail.text, /静电接地夹损坏/);
  assert.doesNotMatch(detail.text, /name="action" value="accept"/, 'a worker is offered no accept');
  const id = r.location.match(/\/hazards\/(\d+)/)[1];
  const leader = srv.client();
  await leader.login('anhuan');
  const page = await leader.get(`/hazards/${id}`);
  assert.match(page.text, /name="action" value="accept"/);
  assert.match(page.text, /name="action" value="cancel"/);
  assert.doesNotMatch(page.text, /name="action" value="verify"/);
  const mine = await leader.get('/hazards?mine=1&status=open');
  assert.equal(mine.status, 200);
  assert.equal((await leader.get('/hazards/ranking')).status, 200);
  // a page form post of an action, and a refused one shown as an error page
  const bad = await leader.request('POST', `/hazards/${id}/act`, { form: { action: 'verify' } });
  assert.equal(bad.status, 409);
  const ok = await leader.request('POST', `/hazards/${id}/act`, { form: { action: 'accept' } });
  assert.equal(ok.status, 303);
  // the other worker gets 404 on the page
  const other = srv.client();
  await other.login('u001');
  assert.equal((await other.get(`/hazards/${id}`)).status, 404);
});

test('points: a valid report and an on-time rectification earn points; the ranking lists teams', async () => {
  const c = srv.client();
  await c.login('anhuan');
  const r = await c.get('/hazards/ranking');
  assert.match(r.text, /合成一车间甲班/);
});
