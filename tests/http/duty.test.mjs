// tests/http/duty.test.mjs — the all-staff responsibility system (issue 21): responsibility
// letters signed level by level with the password signature (a letter skipping a level is
// refused, the level above sees who has not signed), the monthly evaluation computed from the
// records (each figure's drill-down lists exactly the records counted; a QR sign-in to a
// meeting moves the figure; a self-declared duty counts once the superior confirms it; scope),
// and silence-is-consent on a hazard's co-working thread with the clock moved, not slept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, serverNow, tick } from './lib.mjs';

let srv, T0, director, leader, worker, member, safety, zongjian, auditor;
const H = 3600;
const month = (t, back = 0) => {
  const d = new Date((t + 8 * H) * 1000);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return m.toISOString().slice(0, 7);
};
const api = async (u) => { const c = srv.client(); await c.apiLogin(u); return c; };

before(async () => {
  srv = await startServer();
  T0 = await serverNow(srv);
  [director, leader, worker, member, safety, zongjian, auditor] = await Promise.all(
    ['ws1zhuren', 'banzhang', 'yuangong', 'u001', 'ws1anquan', 'zongjian', 'auditor'].map(api));
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const me = async (c) => (await c.get('/api/v1/me')).json;
// the inbox notifications of c whose title holds `title` (and whose body holds `body`)
const told = async (c, title, body = '') =>
  (await c.get('/api/v1/inbox?per_page=100')).json.items.filter((n) => n.title.includes(title) && (n.body ?? '').includes(body));

test('letters are signed level by level with the password; the level above sees who has not signed', async () => {
  const u001 = await me(member);
  // a worker issues nothing
  assert.equal((await worker.postJson('/api/v1/duty/letters', { level: 'person', signer_id: u001.id, targets: 'x' })).status, 403);
  // the team leader's own letter is a team one: he cannot skip to issuing team letters
  const skip = await leader.postJson('/api/v1/duty/letters', { level: 'team', signer_id: u001.id, targets: '零违章' });
  assert.equal(skip.status, 422);
  assert.equal(skip.json.error.field, 'level');
  const empty = await leader.postJson('/api/v1/duty/letters', { level: 'person', signer_id: u001.id, targets: '' });
  assert.equal(empty.status, 422);
  assert.equal(empty.json.error.field, 'targets');
  const made = await leader.postJson('/api/v1/duty/letters', { level: 'person', signer_id: u001.id, targets: '遵守操作规程 <b>' });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.signed, false);
  assert.equal((await leader.postJson('/api/v1/duty/letters', { level: 'person', signer_id: u001.id, targets: '再来' })).status, 409);
  // the leader sees it among the unsigned ones, with the worker's from the demo
  const open = (await leader.get('/api/v1/duty/letters?unsigned=1')).json;
  assert.ok(open.items.some((l) => l.id === made.json.id));
  assert.ok(open.items.every((l) => !l.signed));
  // only the signer signs, and only with the right password
  assert.equal((await leader.postJson(`/api/v1/duty/letters/${made.json.id}/sign`, { password: 'Demo-Pass-2026' })).status, 403);
  const none = await member.postJson(`/api/v1/duty/letters/${made.json.id}/sign`, {});
  assert.equal(none.status, 422);
  assert.equal(none.json.error.field, 'password');
  const wrong = await member.postJson(`/api/v1/duty/letters/${made.json.id}/sign`, { password: 'not-it' });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json.error.field, 'password');
  // a refused form comes back with the message under its field and what was typed kept
  const lweb = srv.client();
  await lweb.login('banzhang');
  const kept = await lweb.post('/duties/letters', { level: 'team', signer_id: String(u001.id), year: '', targets: '班组全年零违章' });
  assert.equal(kept.status, 422);
  assert.match(kept.text, /id="err-level"/);
  assert.match(kept.text, /<textarea name="targets"[^>]*>班组全年零违章<\/textarea>/);
  assert.match(kept.text, /<option value="team" selected>/);
  // the page shows the sign form and the todo list holds exactly this letter
  const web = srv.client();
  await web.login('u001');
  const todo = await web.get('/duties/letters?todo=sign');
  assert.equal((todo.text.match(/<li data-signed="0">/g) || []).length, 1);
  const page = await web.get(`/duties/letters/${made.json.id}`);
  assert.match(page.text, /遵守操作规程 &lt;b&gt;/);
  const signed = await web.post(`/duties/letters/${made.json.id}/sign`, { password: 'Demo-Pass-2026' });
  assert.equal(signed.status, 303);
  assert.equal((await member.postJson(`/api/v1/duty/letters/${made.json.id}/sign`, { password: 'Demo-Pass-2026' })).status, 409);
  // the leader's own letter lists those handed down: this one signed, the demo worker's not
  const mine = (await leader.get('/api/v1/duty/letters')).json.items.find((l) => l.level === 'team');
  const below = (await leader.get(`/api/v1/duty/letters/${mine.id}`)).json.below;
  assert.equal(below.find((l) => l.id === made.json.id).signed, true);
  assert.equal(below.find((l) => l.signer === '张三').signed, false);
  // both signatures are in the audit log, the refused one too
  const log = (await auditor.get(`/api/v1/audit?entity=duty_letter&entity_id=${made.json.id}`)).json.items.map((e) => e.action);
  assert.deepEqual(log.sort(), ['create', 'sign', 'sign_refused']);
});

test('evaluation: figures from the records, drill-down to exactly them, declarations confirmed by the superior', async () => {
  const d = await me(director);
  const last = month(T0, 1);
  const ev = (await director.get(`/api/v1/duty/eval/${d.id}?month=${last}`)).json;
  assert.equal(ev.items.length, 5);
  for (const it of ev.items.filter((i) => i.measure !== 'none')) {
    const recs = (await director.get(`/api/v1/duty/eval/${d.id}/records?month=${last}&item=${it.item_id}`)).json;
    assert.equal(recs.total, it.records, it.title);
    const page = await director.get(`/duties/eval/${d.id}/records?month=${last}&item=${it.item_id}`);
    const list = page.text.slice(page.text.indexOf('<ul class="list duty-records"'));
    assert.equal((list.slice(0, list.indexOf('</ul>')).match(/<li>/g) || []).length, it.records, it.title);
  }
  assert.ok(ev.items.find((i) => i.measure === 'checks').records > 0, 'the demo has checks last month');
  // no hand-entered score: a sign-in by QR moves this month's meetings figure by one
  const now = month(T0);
  const before = (await director.get(`/api/v1/duty/eval/${d.id}?month=${now}`)).json.items.find((i) => i.measure === 'meetings');
  const m = await director.postJson('/api/v1/duty/meetings', { kind: 'committee', unit_id: d.unit_id, title: '安委会扩大会' });
  assert.equal(m.status, 201, m.text);
  const token = m.json.attend_path.split('/').pop();
  assert.equal((await director.postJson(`/api/v1/duty/attend/${token}`, {})).status, 200);
  assert.equal((await director.postJson(`/api/v1/duty/attend/${token}`, {})).status, 200);	// once
  const after = (await director.get(`/api/v1/duty/eval/${d.id}?month=${now}`)).json.items.find((i) => i.measure === 'meetings');
  assert.equal(after.records, before.records + 1);
  // the duty without a measure: declared (demo), confirmed by the safety director, not by himself
  const decl = (await director.get(`/api/v1/duty/eval/${d.id}?month=${now}`)).json.items.find((i) => i.measure === 'none');
  assert.equal(decl.declared, true);
  assert.equal(decl.fulfil, 0);
  assert.equal((await director.postJson(`/api/v1/duty/eval/${d.id}/confirm`, { item_id: String(decl.item_id), month: now })).status, 403);
  assert.equal((await worker.postJson(`/api/v1/duty/eval/${d.id}/declare`, { item_id: String(decl.item_id), month: now })).status, 404);
  // nor by a colleague of his own unit: the superior confirms
  assert.equal((await safety.postJson(`/api/v1/duty/eval/${d.id}/confirm`, { item_id: String(decl.item_id), month: now })).status, 403);
  const ok = await zongjian.postJson(`/api/v1/duty/eval/${d.id}/confirm`, { item_id: String(decl.item_id), month: now });
  assert.equal(ok.status, 200, ok.text);
  const conf = (await director.get(`/api/v1/duty/eval/${d.id}?month=${now}`)).json.items.find((i) => i.measure === 'none');
  assert.equal(conf.fulfil, 100);
  // the radar and the table on the page; the worker sees only his own; a bad month is named
  const page = srv.client();
  await page.login('ws1zhuren');
  const html = (await page.get(`/duties/eval/${d.id}?month=${last}`)).text;
  assert.match(html, /<svg class="duty-radar"/);
  assert.equal((html.match(/class="duty-drill"/g) || []).length, 4);
  assert.equal((await worker.get(`/api/v1/duty/eval/${d.id}`)).status, 404);
  const bad = await director.get(`/api/v1/duty/eval/${d.id}?month=2026-13`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'month');
  // the ranking covers the director's units, best first
  const rk = (await director.get(`/api/v1/duty/ranking?month=${last}`)).json.units;
  assert.ok(rk.length >= 2);
  for (let i = 1; i < rk.length; i++) assert.ok(rk[i - 1].fulfil >= rk[i].fulfil);
});

// the text of the field-error span for a field, or null
const errorOf = (html, field) => {
  const m = new RegExp(`<span class="field-error" id="err-${field}">([^<]*)</span>`).exec(html);
  return m ? m[1] : null;
};

test('duty item, meeting and resolution forms: a refusal comes back with the message under its field and what was typed, nothing stored', async () => {
  const keeper = await api('anhuan');	// the safety department keeps the lists
  const web = srv.client();
  await web.login('anhuan');
  const pos = (await keeper.get('/api/v1/duty/items?per_page=1')).json.items[0].position_id;
  const items = async () => (await keeper.get('/api/v1/duty/items?per_page=1')).json.total;
  const n0 = await items();
  const r1 = await web.post('/duties/items', { position_id: String(pos), title: '每月检查消防设施 保留', measure: 'hazards',
    frequency: 'week', target: '150' });
  assert.equal(r1.status, 422, r1.text.slice(0, 200));
  assert.match(r1.text, /<form method="post" action="\/duties\/items"/, 'the lists page with its form, not an error page');
  assert.match(errorOf(r1.text, 'target') ?? '', /^目标[:：] ?整改率/);
  assert.match(r1.text, /name="title" value="每月检查消防设施 保留"/);
  assert.match(r1.text, /<option value="hazards" selected>/);
  assert.match(r1.text, /<option value="week" selected>/);
  assert.match(r1.text, /name="target" value="150"/);
  assert.match(r1.text.slice(r1.text.indexOf('id="duty-add-item"')), new RegExp(`<option value="${pos}" selected>`));
  const r2 = await web.post('/duties/items', { position_id: String(pos), title: '', measure: 'checks', target: '2' });
  assert.equal(r2.status, 422);
  assert.match(errorOf(r2.text, 'title') ?? '', /^职责[:：] ?必填/);
  assert.match(r2.text, /<option value="checks" selected>/);
  const r3 = await keeper.postJson('/api/v1/duty/items', { position_id: pos, title: '每周巡查', measure: 'bogus' });
  assert.equal(r3.status, 422);
  assert.equal(r3.json.error.field, 'measure');
  assert.equal(await items(), n0, 'nothing stored');
  // a meeting without its unit: the meetings page again
  const d = await me(director);
  const meetings = async () => (await director.get('/api/v1/duty/meetings?per_page=1')).json.total;
  const m0 = await meetings();
  const dweb = srv.client();
  await dweb.login('ws1zhuren');
  const m1 = await dweb.post('/duties/meetings', { kind: 'committee', unit_id: '', title: '十二月安委会 保留' });
  assert.equal(m1.status, 422);
  assert.match(errorOf(m1.text, 'unit_id') ?? '', /^单位[:：] ?必填/);
  assert.match(m1.text, /name="title" value="十二月安委会 保留"/);
  assert.match(m1.text, /<option value="committee" selected>/);
  assert.equal(await meetings(), m0);
  // a resolution due in the past: the meeting's page again, the owner and the text kept
  const mt = await director.postJson('/api/v1/duty/meetings', { kind: 'preshift', unit_id: d.unit_id, title: '班前会 表单' });
  assert.equal(mt.status, 201, mt.text);
  const r4 = await dweb.post(`/duties/meetings/${mt.json.id}/resolutions`, { title: '更换破损护栏 保留', owner_id: String(d.id), due: '2020-01-02' });
  assert.equal(r4.status, 422);
  assert.match(errorOf(r4.text, 'due') ?? '', /^完成期限[:：] ?须为今天或以后/);
  assert.match(r4.text, /name="title" value="更换破损护栏 保留"/);
  assert.match(r4.text.slice(r4.text.indexOf('id="duty-new-resolution"')), new RegExp(`<option value="${d.id}" selected>`));
  assert.match(r4.text, /name="due" value="2020-01-02"/);
  const r5 = await dweb.post(`/duties/meetings/${mt.json.id}/resolutions`, { title: '更换破损护栏 保留', owner_id: '999999', due: '2099-01-01' });
  assert.equal(r5.status, 422);
  assert.ok(errorOf(r5.text, 'owner_id'), 'an owner outside the scope is named');
  assert.doesNotMatch((await dweb.get(`/duties/meetings/${mt.json.id}`)).text, /<li>更换破损护栏/, 'nothing stored');
});

test('co-working: a proposal nobody objects to within 24 h is agreed by the job, recorded as such', async () => {
  const list = (await director.get('/api/v1/hazards?per_page=50')).json.items;
  const hz = list.find((h) => h.status !== 'closed' && h.status !== 'cancelled');
  assert.ok(hz, 'an open hazard in the workshop');
  const s = await me(safety);
  const add = await director.postJson(`/api/v1/duty/hazards/${hz.id}/members`, { user_id: String(s.id) });
  assert.equal(add.status, 201, add.text);
  // the group crosses departments: the equipment manager, outside the director's workshop
  const eqm = await api('shebei');
  const eq = await me(eqm);
  assert.equal((await director.postJson(`/api/v1/duty/hazards/${hz.id}/members`, { user_id: eq.id })).status, 201);
  const t1 = T0 + 600;
  await setClock(srv, t1);
  const a = await director.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'proposal', body: '周六停车更换阀门' });
  assert.equal(a.status, 201);
  const b = await director.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'proposal', body: '外委单位施工' });
  const [pa, pb] = b.json.posts.filter((p) => p.kind === 'proposal').slice(-2);
  assert.equal(pa.deadline, t1 + 24 * H);
  // the members are told of each proposal, in their inbox (and through the outbox); the proposer is not
  assert.equal((await told(safety, '协同任务组有新提议', '周六停车更换阀门')).length, 1);
  assert.equal((await told(safety, '协同任务组有新提议', '外委单位施工')).length, 1);
  assert.equal((await told(director, '协同任务组有新提议')).length, 0);
  // the group and its thread are drawn on the hazard's own page, its forms posting from there
  const dweb = srv.client();
  await dweb.login('ws1zhuren');
  const hp = await dweb.get(`/hazards/${hz.id}`);
  assert.equal(hp.status, 200);
  const sec = hp.text.slice(hp.text.indexOf('<section class="card duty-cowork" id="duty-cowork">'));
  assert.ok(sec.length < hp.text.length, 'the co-working section is on the hazard page');
  assert.match(sec, /周六停车更换阀门/);
  assert.match(sec, new RegExp(`<form method="post" action="/duties/hazards/${hz.id}/posts"`));
  // the form that adds a member, with the plant's people, is a page of its own behind a link
  assert.doesNotMatch(sec, /name="user_id"/, 'no list of people on the hazard page');
  assert.match(sec, new RegExp(`<a class="button" href="/duties/hazards/${hz.id}/members">`));
  const mp = await dweb.get(`/duties/hazards/${hz.id}/members`);
  assert.equal(mp.status, 200);
  assert.match(mp.text, new RegExp(`<form method="post" action="/duties/hazards/${hz.id}/members"`));
  assert.match(mp.text, /<select name="user_id"><option value="\d+">/);
  assert.match(mp.text, /周六停车更换阀门/, 'with the group and its thread');
  const old = await dweb.get(`/duties/hazards/${hz.id}`);
  assert.equal(old.status, 303);
  assert.equal(old.location, `/hazards/${hz.id}#duty-cowork`);
  const sent = await dweb.post(`/duties/hazards/${hz.id}/posts`, { kind: 'comment', body: '已通知电气车间' });
  assert.equal(sent.status, 303);
  assert.equal(sent.location, `/hazards/${hz.id}#duty-cowork`);
  // a refused post comes back on the hazard's page with the message under its field and the text kept
  const bad = await dweb.post(`/duties/hazards/${hz.id}/posts`, { kind: 'vote', body: '先评估再定方案' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<section class="card hz-detail">/);
  assert.match(bad.text, /id="err-kind"/);
  assert.match(bad.text, />先评估再定方案<\/textarea>/);
  const nobody = await dweb.post(`/duties/hazards/${hz.id}/members`, { user_id: '999999' });
  assert.equal(nobody.status, 422);
  assert.match(nobody.text, /id="err-user_id"/);
  assert.match(nobody.text, /<select name="user_id">/, 'back on the page with the list of people');
  // a worker outside the group may not object
  assert.equal((await worker.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'objection', body: '不同意', proposal_id: String(pb.id) })).status, 404);
  // 23 hours on: still open; the safety officer objects to the second
  await setClock(srv, t1 + 23 * H);
  await tick(srv);
  // (a sign-in lapses over a day: sign in again at the new time)
  [director, safety] = await Promise.all(['ws1zhuren', 'ws1anquan'].map(api));
  const obj = await safety.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'objection', body: '需先办理作业票', proposal_id: String(pb.id) });
  assert.equal(obj.status, 201, obj.text);
  let posts = obj.json.posts;
  assert.equal(posts.find((p) => p.id === pa.id).outcome, 'open');
  assert.equal(posts.find((p) => p.id === pb.id).outcome, 'objected');
  // the proposer and the other members are told it was objected to (not the objector)
  assert.equal((await told(director, '协同任务组提议被提出异议', '需先办理作业票')).length, 1);
  assert.equal((await told(await api('shebei'), '协同任务组提议被提出异议')).length, 1);
  assert.equal((await told(safety, '协同任务组提议被提出异议')).length, 0);
  // 24 hours and a minute on: the job agrees the first
  await setClock(srv, t1 + 24 * H + 60);
  await tick(srv);
  [director, safety, auditor] = await Promise.all(['ws1zhuren', 'ws1anquan', 'auditor'].map(api));
  await tick(srv);	// a second run tells nobody twice
  posts = (await director.get(`/api/v1/duty/hazards/${hz.id}`)).json.posts;
  // agreed by silence: everyone in the group is told, the proposer too, once
  const eqm2 = await api('shebei');
  for (const c of [director, safety, eqm2]) {
    const n = await told(c, '协同任务组提议无人异议', '周六停车更换阀门');
    assert.equal(n.length, 1);
    assert.equal(n[0].link, `/hazards/${hz.id}#duty-cowork`);
  }
  const agreed = posts.find((p) => p.id === pa.id);
  assert.equal(agreed.outcome, 'agreed');
  assert.equal(agreed.decided_at, t1 + 24 * H + 60);
  assert.equal(posts.find((p) => p.id === pb.id).outcome, 'objected');
  // too late to object now
  const late = await safety.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'objection', body: '晚了', proposal_id: String(pa.id) });
  assert.equal(late.status, 409);
  // the time is a setting of the system administrator: 2 hours from now on
  const admin = await api('admin');
  assert.equal((await admin.postJson('/api/v1/duty/settings', { consent_hours: 0 })).status, 422);
  assert.equal((await admin.postJson('/api/v1/duty/settings', { consent_hours: 2 })).status, 200);
  const c = await director.postJson(`/api/v1/duty/hazards/${hz.id}/posts`, { kind: 'proposal', body: '加急处理' });
  assert.equal(c.json.posts.at(-1).deadline, t1 + 24 * H + 60 + 2 * H);
  const log = (await auditor.get(`/api/v1/audit?entity=duty_post&entity_id=${pa.id}`)).json.items;
  assert.ok(log.some((e) => e.action === 'agreed_by_silence' && e.username === 'system'), JSON.stringify(log));
  await setClock(srv, 0);
});

test('monthly snapshot: a closed month is stored on the first run of the next and read from it; the current month stays live', async () => {
  // a month the co-working test's ticks (up to a day and a half after T0) have not closed:
  // under faketime at 31 Dec 23:55 they already stored December
  const base = T0 + 48 * H;
  const M0 = month(base);
  const d0 = new Date((base + 8 * H) * 1000);
  const M1 = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + 1, 1) / 1000 - 8 * H;	// the next month's first minute
  const lines = (ev) => ev.items.map((i) => `${i.item_id}:${i.records}:${i.fulfil}`);
  // the month has ended, the job has not run: still computed from the records
  await setClock(srv, M1 + 600);
  let [dir, keeper] = await Promise.all(['ws1zhuren', 'anhuan'].map(api));
  const d = await me(dir);
  const live = (await dir.get(`/api/v1/duty/eval/${d.id}?month=${M0}`)).json;
  assert.equal(live.snapshot_at, 0);
  await tick(srv);
  const snap = (await dir.get(`/api/v1/duty/eval/${d.id}?month=${M0}`)).json;
  assert.equal(snap.snapshot_at, M1 + 600);
  assert.deepEqual(lines(snap), lines(live));
  // later the list changes: a new duty for the director's post, a measured one retired
  const all = (await keeper.get('/api/v1/duty/items?per_page=500')).json.items;
  const retired = all.find((i) => i.id === live.items.find((l) => l.measure === 'checks').item_id);
  const added = await keeper.postJson('/api/v1/duty/items', { position_id: retired.position_id, title: '每月检查应急物资', measure: 'checks', target: 1 });
  assert.equal(added.status, 201, added.text);
  const web = srv.client();
  await web.login('anhuan');
  assert.equal((await web.post(`/duties/items/${retired.id}/deactivate`, {})).status, 303);
  // a second run, hours later, stores nothing again
  await setClock(srv, M1 + 2 * H);
  await tick(srv);
  [dir] = await Promise.all(['ws1zhuren'].map(api));
  const past = (await dir.get(`/api/v1/duty/eval/${d.id}?month=${M0}`)).json;
  assert.equal(past.snapshot_at, M1 + 600);
  assert.deepEqual(lines(past), lines(live), 'the closed month keeps its radar');
  // the current month is live: the new duty is there, the retired one is not
  const now = (await dir.get(`/api/v1/duty/eval/${d.id}?month=${month(M1 + 600)}`)).json;
  assert.equal(now.snapshot_at, 0);
  assert.ok(now.items.some((i) => i.item_id === added.json.id));
  assert.ok(!now.items.some((i) => i.item_id === retired.id));
  // the page says the closed month is a stored one, and still draws its radar
  const page = srv.client();
  await page.login('ws1zhuren');
  const html = (await page.get(`/duties/eval/${d.id}?month=${M0}`)).text;
  assert.match(html, /class="hint duty-snapshot"/);
  assert.match(html, /<svg class="duty-radar"/);
  await setClock(srv, 0);
});
