// tests/http/dashboard.test.mjs — dashboards and reports over HTTP on the demo plant: each role
// gets the right home panel and the right scope (a workshop director sees his workshop and
// cannot open the plant's dashboard; a team leader and a worker have no dashboard; a group
// account sees the plants side by side), the KPI numbers match the hazard list behind them,
// every chart is there with drill-down links whose counts match the list, an empty period
// shows "—", the exports are a real XLSX (a zip with xl/workbook.xml) and CSV with a BOM, the
// monthly report is a page and a PDF, and the big screen's fragment carries no script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, setClock, serverNow, BIN, DEMO_PASSWORD, dbEnv } from './lib.mjs';

let srv;
const clients = {};
async function as(user) {
  if (!clients[user]) {
    const c = srv.client();
    const r = await c.login(user);
    assert.equal(r.status, 303, `login ${user}`);
    clients[user] = c;
  }
  return clients[user];
}
const decode = (s) => s.replace(/&amp;/g, '&');
const CHARTS = ['trend7', 'trend30', 'category', 'factor', 'repeats', 'participation', 'areas'];

before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

function units() {
  const out = execFileSync(BIN, ['unit', 'list'], { env: { ...process.env, ANQUAN_DATA: srv.dir, ...dbEnv(srv.dir) } }).toString();
  const map = {};
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\w+)\s+(\S+)\s+(.+)$/.exec(line);
    if (m) map[m[4].trim()] = { id: Number(m[1]), kind: m[2], path: m[3] };
  }
  return map;
}

async function listCount(c, href) {
  const r = await c.get(decode(href));
  assert.equal(r.status, 200, href);
  const m = /class="hz-count">[^:：]*[:：] ?(\d+)/.exec(r.text);
  assert.ok(m, `no count on ${href}`);
  return Number(m[1]);
}

test('the safety department sees the plant dashboard with every chart and KPI formula', async () => {
  const c = await as('anhuan');
  const r = await c.get('/dashboard');
  assert.equal(r.status, 200);
  assert.match(r.text, /江宁精细化工有限公司/);
  for (const id of CHARTS) assert.match(r.text, new RegExp(`<figure class="chart chart-${id}" data-chart="${id}"><figcaption>[^<]+</figcaption><svg`), id);
  // every KPI has its formula on the page
  for (const k of ['response', 'closure', 'on_time', 'repeat', 'participation', 'cycle', 'compression', 'overdue', 'major']) {
    assert.match(r.text, new RegExp(`data-kpi="${k}"(?: class="alarm")?><th scope="row"><abbr title="[^"]+÷|data-kpi="${k}"(?: class="alarm")?><th scope="row"><abbr title="[^"]+">`), k);
  }
  // no inline script anywhere
  for (const m of r.text.matchAll(/<script([^>]*)>/g)) assert.match(m[1], /src=/);
  // the ranking lists the workshops with arrows
  assert.match(r.text, /<table class="ranking">[\s\S]*合成一车间[\s\S]*<\/table>/);
});

test('drill-down: a bar, a category and the KPI counts match the filtered hazard list', async () => {
  const c = await as('anhuan');
  const r = await c.get('/dashboard');
  const marks = [...r.text.matchAll(/<a href="([^"]+)" class="mark" data-count="(\d+)">/g)]
    .filter((m) => Number(m[2]) > 0);
  assert.ok(marks.length >= 5, 'marks with counts');
  // one of each kind: reported per day, closed per day, category, area
  const kinds = [/status=valid&amp;from=/, /closed_from=/, /category_id=/, /area_id=/];
  for (const k of kinds) {
    const m = marks.find((x) => k.test(x[1]));
    assert.ok(m, `a mark for ${k}`);
    assert.equal(await listCount(c, m[1]), Number(m[2]), m[1]);
  }
  // the API's counts against the list
  const api = await c.get('/api/v1/dashboard');
  assert.equal(api.status, 200);
  const { counts } = api.json;
  const from = new Date((api.json.from + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const to = new Date((api.json.to - 1 + 8 * 3600) * 1000).toISOString().slice(0, 10);
  assert.equal(await listCount(c, `/hazards?unit_id=${api.json.unit_id}&status=valid&from=${from}&to=${to}`), counts.reported);
  assert.equal(await listCount(c, `/hazards?unit_id=${api.json.unit_id}&status=open&overdue=1`), counts.overdue_open);
  assert.equal(await listCount(c, `/hazards?unit_id=${api.json.unit_id}&status=open&level=major`), counts.major_open);
  assert.ok(counts.major_open >= 1, 'the demo has an open major hazard');
});

// The plant's calendar (UTC+8): local midnight of t's day, and of the 1st of t's month
// (+ `add` months), as UTC seconds.
const H8 = 8 * 3600;
const dayStart = (t) => Math.floor((t + H8) / 86400) * 86400 - H8;
function monthStart(t, add = 0) {
  const d = new Date((t + H8) * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1) / 1000 - H8;
}

test('the default period is the last 30 days, on the 1st of a month too; this month and last month are tabs', async () => {
  // 00:05 on the 1st of the server's month (the month before if that is still to come): the
  // morning meeting of a new month, with the demo's 90 days of hazards behind it
  const now = await serverNow(srv);
  let t = monthStart(now) + 300;
  if (t > now) t = monthStart(now, -1) + 300;
  await setClock(srv, t);
  try {
    const c = srv.client();
    assert.equal((await c.login('anhuan')).status, 303);
    const def = (await c.get('/api/v1/dashboard')).json;
    assert.equal(def.from, dayStart(t) - 29 * 86400, 'from: 29 days before today');
    assert.equal(def.to, dayStart(t) + 86400, 'to: the end of today');
    assert.ok(def.counts.reported > 0, 'the 1st of a month still shows the recent weeks');
    const page = await c.get('/dashboard');
    assert.equal(page.status, 200);
    const tabs = [...page.text.matchAll(/<a href="\/dashboard\?unit=\d+&amp;period=(\w+)" data-period="\w+"( aria-current="page")?>([^<]+)<\/a>/g)]
      .map((m) => [m[1], !!m[2], m[3]]);
    assert.deepEqual(tabs, [['30d', true, '近30天'], ['month', false, '本月'], ['last_month', false, '上月']]);
    const month = (await c.get('/api/v1/dashboard?period=month')).json;
    assert.deepEqual([month.from, month.to], [monthStart(t), monthStart(t, 1)]);
    const last = (await c.get('/api/v1/dashboard?period=last_month')).json;
    assert.deepEqual([last.from, last.to], [monthStart(t, -1), monthStart(t)]);
    assert.ok(last.counts.reported > 0, 'last month has hazards');
    const lastPage = await c.get('/dashboard?period=last_month');
    assert.match(lastPage.text, /data-period="last_month" aria-current="page">上月</);
    assert.doesNotMatch(lastPage.text, /data-period="30d" aria-current/);
    // the big screen keeps the period through its refresh
    assert.match((await c.get('/dashboard/screen?period=last_month')).text, /data-src="\/dashboard\/screen\/panels\?period=last_month"/);
    // the existing choices still work: a month by name, dates by hand (no tab marked)
    const m = new Date((monthStart(t, -1) + H8) * 1000).toISOString().slice(0, 7);
    assert.deepEqual((await c.get(`/api/v1/dashboard?month=${m}`)).json.from, monthStart(t, -1));
    const hand = await c.get('/dashboard?from=2020-01-01&to=2020-01-31');
    assert.match(hand.text, /2020-01-01 ~ 2020-01-31/);
    assert.doesNotMatch(hand.text, /aria-current="page">近30天/);
  } finally {
    await setClock(srv, 0);
  }
});

test('the demo data covers the 90 days before it was loaded, whatever the day', async () => {
  const c = await as('anhuan');
  const now = await serverNow(srv);
  const day = (t) => new Date((t + H8) * 1000).toISOString().slice(0, 10);
  // hazards reported between two days, both included: from the dashboard API
  const reported = async (from, to) =>
    (await c.get(`/api/v1/dashboard?from=${day(from)}&to=${day(to)}`)).json.counts.reported;
  const D = 86400;
  assert.ok(await reported(now - 89 * D, now - 60 * D) > 0, '60 to 90 days ago');
  assert.ok(await reported(now - 59 * D, now - 30 * D) > 0, '30 to 60 days ago');
  assert.ok(await reported(now - 29 * D, now) > 0, 'the last 30 days');
  assert.equal(await reported(now - 150 * D, now - 91 * D), 0, 'nothing older');
});

test('an empty period shows "—", never NaN or a division by zero', async () => {
  const c = await as('anhuan');
  const r = await c.get('/dashboard?from=2020-01-01&to=2020-01-31');
  assert.equal(r.status, 200);
  for (const k of ['response', 'closure', 'on_time', 'repeat', 'cycle']) {
    assert.match(r.text, new RegExp(`data-kpi="${k}"(?: class="alarm")?>.*?<td class="num">(<a [^>]+>)?—`), k);
  }
  assert.doesNotMatch(r.text, /NaN|inf%/i);
  const api = await c.get('/api/v1/dashboard?from=2020-01-01&to=2020-01-31');
  assert.equal(api.json.kpis.closure, null);
  assert.equal(api.json.counts.reported, 0);
});

test('a workshop director: his workshop against the plant, not the plant dashboard', async () => {
  const u = units();
  const ws1 = u['合成一车间'].id;
  const plant = u['江宁精细化工有限公司'].id;
  const c = await as('ws1zhuren');
  const home = await c.get('/');
  assert.match(home.text, /role-director/);
  assert.match(home.text, /<th>全厂<\/th>/, 'a column for the whole plant');
  assert.match(home.text, /近30天，对比全厂/, 'the panel shows the dashboard\'s default period');
  const r = await c.get('/dashboard');
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>[^<]*合成一车间/);
  assert.doesNotMatch(r.text, /<td><a href="\/dashboard\?unit=\d+[^"]*">罐区/, 'no other workshop in his ranking');
  assert.equal((await c.get(`/dashboard?unit=${plant}`)).status, 404);
  assert.equal((await c.get(`/reports/monthly.pdf?unit=${plant}`)).status, 404);
  assert.equal((await c.get(`/dashboard/export.csv?unit=${plant}`)).status, 404);
  // his numbers are his workshop's
  const mine = (await c.get(`/api/v1/dashboard?unit=${ws1}`)).json.counts;
  const all = (await (await as('anhuan')).get(`/api/v1/dashboard?unit=${ws1}`)).json.counts;
  assert.deepEqual(mine, all);
  const plantCounts = (await (await as('anhuan')).get(`/api/v1/dashboard?unit=${plant}`)).json.counts;
  assert.ok(plantCounts.reported > mine.reported);
});

test('the director\'s key figures: most urgent first (what is wrong now with a count, then the rest)', async () => {
  for (const user of ['ws1zhuren', 'anhuan']) {
    const home = (await (await as(user)).get('/')).text;
    const table = home.slice(home.indexOf('<table class="kpi-table'));
    const rows = [...table.slice(0, table.indexOf('</table>')).matchAll(/<tr data-kpi="([a-z_]+)"( class="alarm")?>/g)]
      .map((m) => ({ kpi: m[1], alarm: !!m[2] }));
    assert.equal(rows.length, 16, `${user}: every key figure once`);
    const at = (k) => rows.findIndex((r) => r.kpi === k);
    // alarms (a count above zero of something wrong now) lead, and the demo has some
    const firstCalm = rows.findIndex((r) => !r.alarm);
    assert.ok(firstCalm > 0, `${user}: an alarm row leads (${rows.map((r) => r.kpi)})`);
    assert.ok(rows.slice(firstCalm).every((r) => !r.alarm), `${user}: no alarm below a calm row`);
    // overdue and major before every rate or period count
    for (const k of ['overdue', 'major'])
      for (const later of ['on_time', 'closure', 'response', 'reported', 'participation'])
        assert.ok(at(k) < at(later), `${user}: ${k} above ${later}`);
  }
});

test('team leader and worker: their own panels and no dashboard', async () => {
  const t = await as('banzhang');
  const th = await t.get('/');
  assert.match(th.text, /role-team/);
  assert.match(th.text, /本班组未闭环隐患/);
  assert.equal((await t.get('/dashboard')).status, 403);
  const w = await as('yuangong');
  const wh = await w.get('/');
  assert.match(wh.text, /role-worker/);
  assert.match(wh.text, /本月积分/);
  assert.match(wh.text, /我的整改任务/);
  assert.equal((await w.get('/dashboard')).status, 403);
  assert.equal((await w.get('/reports/monthly')).status, 403);
  // management sees the plant panel with the ranking
  const m = await as('zhuren');
  const mh = await m.get('/');
  assert.match(mh.text, /role-plant/);
  assert.match(mh.text, /<table class="ranking">/);
});

test('a group account sees its plants side by side', async () => {
  const u = units();
  const group = Object.values(u).find((x) => x.kind === 'group');
  execFileSync(BIN, ['user', 'add', 'jituan', '集团安全部', String(group.id), 'safety_director', 'Temp-Pass-2026x'],
    { env: { ...process.env, ANQUAN_DATA: srv.dir, ...dbEnv(srv.dir) } });
  const c = srv.client();
  await c.login('jituan', 'Temp-Pass-2026x');
  await c.get('/password');	// a first sign-in must change the password: the form's CSRF token
  const ch = await c.post('/password', { current: 'Temp-Pass-2026x', new: DEMO_PASSWORD, confirm: DEMO_PASSWORD, new2: DEMO_PASSWORD });
  assert.ok([200, 303].includes(ch.status), `password change ${ch.status}`);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /role-group/);
  assert.match(home.text, /<table class="plants cards">[\s\S]*江宁精细化工有限公司/);
});

test('exports: XLSX is a workbook, CSV has a BOM, a bad table is refused', async () => {
  const c = await as('anhuan');
  const x = await fetch(`${srv.url}/dashboard/export.xlsx`, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(x.status, 200);
  const buf = Buffer.from(await x.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  assert.ok(buf.includes(Buffer.from('xl/workbook.xml')), 'a zip holding xl/workbook.xml');
  assert.ok(buf.includes(Buffer.from('xl/worksheets/sheet7.xml')), 'seven sheets');
  for (const table of ['kpi', 'ranking', 'trend', 'category', 'factor', 'areas', 'repeats']) {
    const r = await fetch(`${srv.url}/dashboard/export.csv?table=${table}`, { headers: { Cookie: c.cookieHeader() } });
    assert.equal(r.status, 200, table);
    assert.match(r.headers.get('content-type'), /text\/csv/);
    const b = Buffer.from(await r.arrayBuffer());
    assert.deepEqual([...b.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${table} BOM`);
    const text = b.subarray(3).toString('utf8');
    assert.ok(text.split('\r\n').length > (table === 'repeats' ? 1 : 2), `${table} has rows`);
  }
  const kpi = (await c.get('/dashboard/export.csv?table=kpi')).text;
  assert.match(kpi, /"整改完成率","统计期内上报且已闭环的隐患数 ÷ /);
  assert.equal((await c.get('/dashboard/export.csv?table=nope')).status, 400);
});

test('the monthly report: a printable page and a PDF', async () => {
  const c = await as('anhuan');
  const month = new Date(((await serverNow(srv)) + 8 * 3600) * 1000).toISOString().slice(0, 7);
  const page = await c.get(`/reports/monthly?month=${month}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /月度安全报告/);
  assert.match(page.text, /data-chart="trend-period"/);
  assert.match(page.text, /未闭环重大隐患/);
  const r = await fetch(`${srv.url}/reports/monthly.pdf?month=${month}`, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await r.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.length > 10000);
  const bad = await c.get('/reports/monthly?month=2026-13');	// refused, not quietly this month
  assert.equal(bad.status, 400);
  assert.match(bad.text, /<code>month<\/code>/);
});

test('the big screen: a frame with screen.js and a fragment without script', async () => {
  const c = await as('zongjian');
  const r = await c.get('/dashboard/screen');
  assert.equal(r.status, 200);
  assert.match(r.text, /<html lang="zh-CN" class="screen">/);
  assert.match(r.text, /<script src="\/static\/screen\.js\?v=[0-9a-f]+" defer><\/script>/);
  assert.match(r.text, /id="scr-panels" data-src="\/dashboard\/screen\/panels\?[^"]*" data-every="60"/);
  const f = await c.get('/dashboard/screen/panels');
  assert.equal(f.status, 200);
  assert.match(f.text, /^<div class="scr-grid"/);
  assert.doesNotMatch(f.text, /<script/);
  assert.equal(f.headers.get('cache-control'), 'no-store');
  assert.equal((await (await as('banzhang')).get('/dashboard/screen/panels')).status, 403);
});
