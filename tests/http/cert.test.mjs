// tests/http/cert.test.mjs — certificates: status at each boundary day (moving the clock),
// the warning schedule (30/15/7 days and on expiry, once each, to holder, team leader and HR),
// the blocking query through the API for every status, pages, data scope and the scan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setClock, tick } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  await setClock(srv, 0);
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// noon (or h:m) of a local day in the plant's zone (UTC+8), as UTC seconds
const at = (iso, time = '12:00:00') => Date.parse(`${iso}T${time}+08:00`) / 1000;

async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

async function certsByNumber(c) {
  const r = await c.get('/api/v1/certs');
  assert.equal(r.status, 200);
  return new Map(r.json.items.map((x) => [x.number, x]));
}

async function unitOf(c, name) {
  const r = await c.get('/api/v1/persons');
  const p = r.json.items.find((x) => x.name === name);
  assert.ok(p, `person ${name}`);
  return p;
}

test('status is computed at each boundary day, in the plant\'s time zone', async () => {
  try {
    await setClock(srv, at('2026-12-01'));
    let hr = await api('renshi');
    const zs = await unitOf(hr, '张三');
    const p = await hr.postJson('/api/v1/persons', { name: '边界测试', unit_id: zs.unit_id, employer: '测试承包商' });
    assert.equal(p.status, 201);
    assert.equal(p.json.contractor, true);
    // his induction as a contractor's worker (安全教育培训) is recorded, so that only the
    // certificates decide below
    const reqs = (await hr.get(`/api/v1/train/people/${p.json.id}`)).json.requirements;
    assert.ok(reqs.length > 0);
    for (const q of reqs) {
      assert.equal((await hr.postJson('/api/v1/train/records', { person_id: p.json.id, course_id: q.course_id })).status, 201);
    }
    const a = await hr.postJson('/api/v1/certs', { person_id: p.json.id, code: 'weld.fusion', number: 'B-EXP',
      issued_on: '2021-03-02', expires_on: '2027-03-01' });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.review_on, null);
    const b = await hr.postJson('/api/v1/certs', { person_id: p.json.id, code: 'weld.pressure', number: 'B-REV',
      issued_on: '2025-03-01', expires_on: '2031-01-01', review_on: '2027-03-01' });
    assert.equal(b.status, 201, b.text);
    const cases = [
      ['2027-01-29', '12:00:00', 'valid', 'valid'],
      ['2027-01-30', '12:00:00', 'expiring', 'review_due'],
      ['2027-03-01', '00:00:30', 'expiring', 'review_due'],
      ['2027-03-01', '23:59:30', 'expiring', 'review_due'],
      ['2027-03-02', '00:00:30', 'expired', 'review_overdue'],
    ];
    for (const [day, time, sa, sb] of cases) {
      await setClock(srv, at(day, time));
      hr = await api('renshi');
      assert.equal((await hr.get(`/api/v1/certs/${a.json.id}`)).json.status, sa, `expiry on ${day} ${time}`);
      assert.equal((await hr.get(`/api/v1/certs/${b.json.id}`)).json.status, sb, `review on ${day} ${time}`);
    }
    // revoking wins over everything
    const rv = await hr.postJson(`/api/v1/certs/${b.json.id}/revoke`, { reason: '复审不合格' });
    assert.equal(rv.status, 200);
    assert.equal(rv.json.status, 'revoked');
    // the blocking query with an explicit date, independent of the clock
    const may = (d) => hr.get(`/api/v1/persons/${p.json.id}/may?operation=hot_work&date=${d}`);
    let m = await may('2027-03-01');
    assert.equal(m.json.allowed, true);
    assert.match(m.json.detail, /B-EXP/);
    m = await may('2027-03-02');
    assert.equal(m.json.allowed, false);
    assert.equal(m.json.reason, 'cert.reason.expired');
    assert.match(m.json.detail, /B-EXP · 2027-03-01/);
    assert.equal(m.json.message, '证书已过期');
    m = await may('2027/3/2');
    assert.equal(m.json.reason, 'cert.reason.expired');
    assert.equal((await may('2027-02-30')).status, 400);
  } finally {
    await setClock(srv, 0);
  }
});

test('blocking reasons through the API for every status of the demo certificates', async () => {
  const hr = await api('renshi');
  const certs = await certsByNumber(hr);
  const person = (num) => certs.get(num).person_id;
  const may = async (pid, op) => (await hr.get(`/api/v1/persons/${pid}/may?operation=${op}`)).json;
  // valid
  assert.equal(certs.get('T320102199001011234').status, 'valid');
  assert.equal((await may(person('T320102199001011234'), 'hot_work')).allowed, true);
  // expiring: still allowed
  assert.equal(certs.get('T320102198502021111').status, 'expiring');
  assert.equal((await may(person('T320102198502021111'), 'temp_power')).allowed, true);
  // review due: still allowed
  assert.equal(certs.get('T320102199203033333').status, 'review_due');
  assert.equal((await may(person('T320102199203033333'), 'height')).allowed, true);
  // review overdue: invalid
  assert.equal(certs.get('T320102198804044444').status, 'review_overdue');
  let m = await may(person('T320102198804044444'), 'temp_power');
  assert.equal(m.allowed, false);
  assert.equal(m.reason, 'cert.reason.review_overdue');
  // expired
  assert.equal(certs.get('T340103198011115555').status, 'expired');
  m = await may(person('T340103198011115555'), 'hot_work');
  assert.deepEqual([m.allowed, m.reason], [false, 'cert.reason.expired']);
  assert.match(m.detail, /T340103198011115555/);
  // revoked welding, but a valid crane operator's certificate for lifting
  assert.equal(certs.get('T340103198212126666').status, 'revoked');
  m = await may(person('T340103198212126666'), 'hot_work');
  assert.deepEqual([m.allowed, m.reason], [false, 'cert.reason.revoked']);
  assert.equal((await may(person('TS3401-Q2-00088'), 'lifting')).allowed, true);
  // none of the required category; guardian needs the internal qualification
  m = await may(person('T320102199203033333'), 'hot_work');
  assert.deepEqual([m.allowed, m.reason], [false, 'cert.reason.none']);
  assert.equal((await may(person('JN-JH-0002'), 'guardian')).allowed, true);
  assert.equal((await may(person('T320102199203033333'), 'guardian')).reason, 'cert.reason.none');
  assert.equal((await may(person('JN-QT-0003'), 'gas_analyst')).allowed, true);
  // operations without a mapping need nothing; unknown operations are refused
  assert.equal((await may(person('T340103198011115555'), 'confined_space')).allowed, true);
  const bad = await hr.get(`/api/v1/persons/${person('T320102199001011234')}/may?operation=juggling`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'operation');
  // the catalogue and mapping are data
  const cat = await hr.get('/api/v1/certs/catalogue');
  assert.ok(cat.json.items.some((x) => x.name_zh === '硝化工艺作业' && x.parent === 'chem'));
  assert.deepEqual(cat.json.operations.hot_work, ['weld']);
});

test('warnings at 30, 15 and 7 days and on expiry, once each, to holder, team leader and HR', async () => {
  const count = async (user, number) => {
    const c = await api(user);
    const r = await c.get('/api/v1/inbox');
    return r.json.items.filter((n) => n.body.includes(number)).length;
  };
  try {
    await setClock(srv, at('2027-05-01'));
    const hr = await api('renshi');
    const zs = await unitOf(hr, '张三');
    const c = await hr.postJson('/api/v1/certs', { person_id: zs.id, code: 'elec.low', number: 'W-TEST-1',
      issued_on: '2021-07-01', expires_on: '2027-06-30' });
    assert.equal(c.status, 201, c.text);
    const steps = [
      ['2027-05-30', 0], ['2027-05-31', 1], ['2027-05-31', 1], ['2027-06-14', 1], ['2027-06-15', 2],
      ['2027-06-22', 2], ['2027-06-23', 3], ['2027-06-30', 3], ['2027-07-01', 4], ['2027-07-02', 4],
    ];
    for (const [day, want] of steps) {
      await setClock(srv, at(day));
      await tick(srv);
      for (const user of ['yuangong', 'banzhang', 'renshi'])
        assert.equal(await count(user, 'W-TEST-1'), want, `${user} on ${day}`);
    }
    // someone else's team leader hears nothing
    assert.equal(await count('u005', 'W-TEST-1'), 0);
    const inbox = await (await api('yuangong')).get('/api/v1/inbox');
    const titles = inbox.json.items.filter((n) => n.body.includes('W-TEST-1')).map((n) => n.title);
    assert.ok(titles.some((t) => t.startsWith('证书已过期')));
    assert.ok(titles.some((t) => t.startsWith('证书7天后到期')));
    // a review date warns too
    await setClock(srv, at('2027-07-10'));
    const hr2 = await api('renshi');
    await hr2.postJson('/api/v1/certs', { person_id: zs.id, code: 'height.scaffold', number: 'W-REV-1',
      issued_on: '2024-08-31', expires_on: '2030-08-31', review_on: '2027-08-31' });
    await setClock(srv, at('2027-08-01'));
    await tick(srv);
    assert.equal(await count('yuangong', 'W-REV-1'), 1);
    const rev = (await (await api('renshi')).get('/api/v1/inbox')).json.items.find((n) => n.body.includes('W-REV-1'));
    assert.match(rev.title, /^证书30天后需复审/);
  } finally {
    await setClock(srv, 0);
  }
});

test('pages: list with badges and filters, expiring by unit, person page marks invalid certificates', async () => {
  const c = srv.client();
  await c.login('renshi');
  const list = await c.get('/certs');
  assert.equal(list.status, 200);
  assert.match(list.text, /李铁柱/);
  assert.match(list.text, /class="badge bad" data-status="expired"/);
  assert.match(list.text, /南京华建安装工程有限公司/);
  const expired = await c.get('/certs?status=expired');
  assert.match(expired.text, /李铁柱/);
  // 张三's demo certificate is valid (its dates follow the demo's loading); the one an
  // earlier test gave him expires on a fixed day, so it is not the one asked about
  assert.doesNotMatch(expired.text, /T320102199001011234/);
  assert.match(list.text, /T320102199001011234/);
  const exp = await c.get('/certs/expiring');
  assert.equal(exp.status, 200);
  assert.match(exp.text, /<td data-label="所属单位\/车间">合成一车间甲班<\/td>/);
  assert.match(exp.text, /孙伟/);
  const hr = await api('renshi');
  const certs = await certsByNumber(hr);
  const page = await c.get(`/persons/${certs.get('T340103198011115555').person_id}`);
  assert.match(page.text, /cert-flag[^>]*>证书失效</);
  // a holder of only the demo's valid certificates (张三 holds the earlier tests' fixed-date ones)
  const ok = await c.get(`/persons/${certs.get('TS3201-N1-00017').person_id}`);
  assert.match(ok.text, /TS3201-N1-00017/);
  assert.doesNotMatch(ok.text, /cert-flag/);
});

test('data scope: a worker sees only their own certificates; others are refused', async () => {
  const w = srv.client();
  await w.login('yuangong');
  const list = await w.get('/certs');
  assert.equal(list.status, 200);
  assert.match(list.text, /张三/);
  assert.doesNotMatch(list.text, /李铁柱/);
  const hr = await api('renshi');
  const certs = await certsByNumber(hr);
  assert.equal((await w.get(`/persons/${certs.get('T340103198011115555').person_id}`)).status, 404);
  const wa = await api('yuangong');
  const mine = await wa.get('/api/v1/certs');
  assert.ok(mine.json.items.length >= 2);
  assert.ok(mine.json.items.every((x) => x.person === '张三'));
  assert.equal((await wa.get(`/api/v1/certs/${certs.get('T340103198011115555').id}`)).status, 404);
  assert.equal((await wa.postJson('/api/v1/certs', { person_id: 1, code: 'weld', number: 'X' })).status, 403);
  const eq = srv.client();
  await eq.login('shebei');
  assert.equal((await eq.get('/certs')).status, 403);
});

test('add, edit, scan, verify and revoke through the pages', async () => {
  const c = srv.client();
  await c.login('renshi');
  const hr = await api('renshi');
  const zs = await unitOf(hr, '张三');
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  let fd = new FormData();
  fd.append('code', 'refrig');
  fd.append('number', 'P-FORM-1');
  fd.append('authority', '南京市应急管理局');
  fd.append('issued_on', '2026-01-05');
  fd.append('image', new Blob([png], { type: 'image/png' }), 'scan.png');
  let r = await c.request('POST', `/persons/${zs.id}/certs/new`, { multipart: fd });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const cert = (await certsByNumber(hr)).get('P-FORM-1');
  // defaults of 原安监总局令第30号: six years' validity, review after three
  assert.equal(cert.expires_on, '2032-01-05');
  assert.equal(cert.review_on, '2029-01-05');
  assert.equal(cert.has_image, true);
  const img = await c.get(`/certs/${cert.id}/image`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  // a page disguised as an image is refused
  fd = new FormData();
  fd.append('code', 'refrig');
  fd.append('number', 'P-FORM-2');
  fd.append('expires_on', '2030-01-01');
  fd.append('image', new Blob(['<html><script>alert(1)</script>'], { type: 'image/png' }), 'x.png');
  r = await c.request('POST', `/persons/${zs.id}/certs/new`, { multipart: fd });
  assert.equal(r.status, 400);
  assert.match(r.text, /JPEG、PNG 或 PDF/);
  // a duplicate number in the same category
  fd = new FormData();
  fd.append('code', 'refrig.op');
  fd.append('number', 'P-FORM-1');
  fd.append('expires_on', '2030-01-01');
  r = await c.request('POST', `/persons/${zs.id}/certs/new`, { multipart: fd });
  assert.equal(r.status, 400);
  // edit
  fd = new FormData();
  fd.append('code', 'refrig.op');
  fd.append('number', 'P-FORM-1');
  fd.append('issued_on', '2026-01-05');
  fd.append('expires_on', '2032-01-05');
  fd.append('review_on', '2029-01-05');
  r = await c.request('POST', `/certs/${cert.id}/edit`, { multipart: fd });
  assert.equal(r.status, 303);
  // verification against the national query site, by hand
  r = await c.post(`/certs/${cert.id}/verify`, { result: 'genuine', note: '应急管理部官网查询' });
  assert.equal(r.status, 303);
  const shown = await hr.get(`/api/v1/certs/${cert.id}`);
  assert.equal(shown.json.item, 'refrig.op');
  assert.equal(shown.json.verifications[0].method, 'manual');
  assert.equal(shown.json.verifications[0].result, 'genuine');
  r = await c.post(`/certs/${cert.id}/revoke`, { reason: '离职' });
  assert.equal(r.status, 303);
  assert.equal((await hr.get(`/api/v1/certs/${cert.id}`)).json.status, 'revoked');
  // forms for other roles
  const w = srv.client();
  await w.login('yuangong');
  assert.equal((await w.get(`/persons/${zs.id}/certs/new`)).status, 403);
  assert.equal((await c.get('/persons/new')).status, 200);
});
