// tests/e2e/taps.test.mjs — tap targets of at least 44 × 44 CSS px on a 360-px phone, for every
// demo role: the pages its menu and home page link to, and the list/detail pages one click away
// from those (one page per path shape, /hazards/12 and /hazards/13 count as one).
//
// Measured: every visible a, button, input (not hidden), select, textarea, summary, and every
// label that wraps a checkbox or radio (the label is the target then, the box itself is not
// measured). The one exemption: a link inside running text (its parent has text of its own
// beside the link, e.g. "… · CSV · Excel" is NOT running text, it is a row of links) whose text
// line is at least 44 px tall — the line is the target a thumb hits. No other exemptions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serverNow, runSql, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const ROLES = ['yuangong', 'banzhang', 'ws1anquan', 'ws1zhuren', 'anhuan', 'zongjian', 'zhuren',
  'shebei', 'renshi', 'auditor', 'admin', 'anquan'];
const MIN = 44;
// Pages deeper than two clicks from home, measured for the role that uses them (the ids are the
// demo's: area 1, risk object 1).
const EXTRA = {
  anhuan: ['/risk/map', '/risk/map/edit', '/risk/map?print=a3', '/risk/map/areas/1', '/risk/objects/1/card',
    '/risk/objects/1/card?size=a5', '/checks/templates/new', '/checks/templates/1/edit', '/checks/plans/new',
    '/incidents/2', '/incidents/stats', '/ppe/store', '/ppe/people/10', '/ppe/catalogue', '/ppe/award',
    '/ppe/statement', '/ppe/ledger', '/ppe/admin/items', '/ppe/admin/items/new', '/ppe/admin/items/1',
    '/ppe/admin/permit-items', '/ppe/admin/permit-items/new', '/ppe/admin/permit-items/1',
    '/ppe/admin/rewards', '/ppe/admin/rewards/new', '/ppe/admin/rewards/1', '/ppe/admin/positions',
    '/ppe/admin/positions/1', '/contractors/new', '/contractors/settings', '/contractors/1/quals/new',
    '/contractors/1/people/new', '/contractors/1/people/1', '/contractors/1/hazards/new', '/contractors/2',
    '/duties/lists', '/incidents/5', '/emerg/teams', '/emerg/teams/1', '/emerg/teams/new', '/emerg/contacts',
    '/emerg/contacts/1', '/emerg/contacts/new', '/admin/province/log'],
  zongjian: ['/incidents/escalation'],
  yuangong: ['/risk/map', '/incidents/new', '/incidents/bulletin', '/ppe', '/ppe?todo=confirm', '/offline'],
  ws1zhuren: ['/ppe/approvals', '/duties/eval/7', '/duties/letters/3', '/duties/meetings/1', '/duties/meetings'],
  renshi: ['/ppe/unequipped', '/train/courses/1', '/admin/feeds/hr'],
  shebei: ['/admin/feeds/eam', '/health-tasks', '/health-tasks?state=all', '/health-tasks/1', '/sensors/mqtt'],
  banzhang: ['/duties/letters/5'],
  admin: ['/admin/duty'],
  ws1anquan: ['/permits/5', '/contractors/ratings/5'],
};

let srv, browser;
before(async () => {
  srv = await startServer();
  // a device below its health threshold with its preventive task for the equipment manager (the
  // demo scores nothing until the job runs), so home's waiting list leads to the task's page
  runSql(srv.dir, `INSERT INTO feeds_equipment (equipment_id, score, scored_at, factors)
      SELECT min(id), 30, 0, 'hazards=1 overdue=1 days=200 readings=2' FROM equipment WHERE 1 = 1 ON CONFLICT (equipment_id) DO NOTHING;
    INSERT INTO feeds_health_tasks (equipment_id, assignee_id, score, opened_at)
      SELECT min(id), (SELECT id FROM users WHERE username = 'shebei'), 30, 0 FROM equipment`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Links worth visiting: same server, a page (not a file, photo, export or sign-out).
function pageLinks(hrefs, base) {
  const out = [];
  for (const h of hrefs) {
    let u;
    try { u = new URL(h, base); } catch { continue; }
    if (u.origin !== new URL(base).origin) continue;
    if (/\.(csv|xlsx|pdf|png|jpg|svg|ics)$|^\/photos\/|^\/static\/|^\/logout|^\/api\/|\/print$|\/screen$|\/label$/
      .test(u.pathname)) continue;
    out.push(u.pathname + u.search);
  }
  return out;
}
const shape = (p) => p.split('?')[0].replace(/\/\d+/g, '/:id');

// In the page: every visible interactive element smaller than MIN, described.
function smallTargets(min) {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && !el.closest('[hidden]');
  };
  const inText = (a) => {
    const p = a.parentElement;
    if (!p || getComputedStyle(a).display !== 'inline') return false;
    const own = [...p.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('')
      .replace(/[\s·|,，、:：()（）]/g, '');
    return own.length > 0;
  };
  const lineHeight = (a) => {
    const lh = parseFloat(getComputedStyle(a.parentElement).lineHeight);
    return Number.isNaN(lh) ? 0 : lh;
  };
  const els = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, label')];
  const bad = [];
  for (const el of els) {
    if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
    if (el.tagName === 'LABEL' && !el.querySelector('input[type=checkbox], input[type=radio]')) continue;
    if (el.tagName === 'INPUT' && /checkbox|radio/.test(el.type) && el.closest('label')) continue;
    if (!visible(el)) continue;
    // an SVG chart's marks and a QR code are not measured here (a tags inside svg are SVGAElement)
    if (el.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width >= min - 0.5 && r.height >= min - 0.5) continue;
    if (el.tagName === 'A' && inText(el) && lineHeight(el) >= min) continue;
    const text = (el.textContent || el.getAttribute('aria-label') || el.name || el.type || '').trim().slice(0, 24);
    bad.push(`${el.tagName.toLowerCase()}${el.type ? `[${el.type}]` : ''} "${text}" ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return bad;
}

test('every interactive element on every page a role reaches is at least 44 × 44 at 360 px', async () => {
  const problems = [];
  const visited = [];
  const seen = new Set();
  for (const user of ROLES) {
    const { ctx, page } = await signedIn(browser, srv.url, user, DEMO_PASSWORD, PHONE);
    const check = async (path) => {
      const resp = await page.goto(`${srv.url}${path}`);
      if (!resp || resp.status() >= 400) return [];
      if (!(resp.headers()['content-type'] || '').includes('text/html')) return [];
      await page.evaluate(() => document.querySelectorAll('details.menu').forEach((d) => { d.open = true; }));
      for (const b of await page.evaluate(smallTargets, MIN)) problems.push(`${user} ${path}: ${b}`);
      visited.push(`${user} ${path}`);
      return page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')));
    };
    const first = pageLinks(await check('/'), srv.url);
    const menuAndHome = [...new Set(first)].filter((p) => !seen.has(`${user} ${shape(p)}`));
    for (const p of menuAndHome) seen.add(`${user} ${shape(p)}`);
    for (const p of menuAndHome) {
      const next = pageLinks(await check(p), srv.url);
      for (const q of [...new Set(next)]) {
        if (seen.has(`${user} ${shape(q)}`) || seen.has(`* ${shape(q)}`)) continue;
        seen.add(`${user} ${shape(q)}`);
        seen.add(`* ${shape(q)}`); // a second-level page shape is measured once, for the first role
        await check(q);
      }
    }
    for (const p of EXTRA[user] || []) await check(p);
    await ctx.close();
  }
  console.log(`visited ${visited.length} pages:\n${visited.join('\n')}`);
  assert.ok(visited.length > 40, `only ${visited.length} pages visited`);
  assert.deepEqual(problems, [], `${problems.length} tap targets under ${MIN}×${MIN} px`);
});

// Pages reached only by a form or three clicks deep: an exam sitting (a worker starts one) and
// a person's training file (from the matrix), a class's pages.
test('training: the exam paper and a training file are 44-px targets at 360 px', async () => {
  const problems = [];
  const w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await w.page.goto(`${srv.url}/train`);
  await w.page.click('form[action$="/start"] button');
  assert.match(w.page.url(), /\/train\/attempts\/\d+$/);
  assert.ok(await w.page.locator('.train-q').count() > 0, 'questions on the paper');
  for (const b of await w.page.evaluate(smallTargets, MIN)) problems.push(`exam paper: ${b}`);
  await w.ctx.close();
  const hr = await signedIn(browser, srv.url, 'renshi', DEMO_PASSWORD, PHONE);
  await hr.page.goto(`${srv.url}/train/matrix`);
  for (const b of await hr.page.evaluate(smallTargets, MIN)) problems.push(`matrix: ${b}`);
  await hr.page.click('.train-matrix tbody a');
  assert.match(hr.page.url(), /\/train\/people\/\d+$/);
  for (const b of await hr.page.evaluate(smallTargets, MIN)) problems.push(`file: ${b}`);
  // classes: the list, the form, the trainer's screen with the QR (the demo's
  // class running now), and the sign-in page a trainee's phone opens from the QR
  for (const path of ['/train/classes', '/train/classes/new']) {
    await hr.page.goto(`${srv.url}${path}`);
    for (const b of await hr.page.evaluate(smallTargets, MIN)) problems.push(`${path}: ${b}`);
  }
  const running = (await (await hr.page.request.get(`${srv.url}/api/v1/train/classes`)).json()).items
    .find((x) => x.signin_url);
  assert.ok(running, 'the demo has a class running now');
  await hr.page.goto(`${srv.url}/train/classes/${running.id}`);
  assert.equal(await hr.page.locator('.train-qr svg').count(), 1, 'the QR on the trainer\'s screen');
  for (const b of await hr.page.evaluate(smallTargets, MIN)) problems.push(`class: ${b}`);
  await hr.page.screenshot({ path: new URL('../../docs/screenshots/train-class-qr.png', import.meta.url).pathname,
    fullPage: true });
  await hr.ctx.close();
  const t = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await t.page.goto(new URL(running.signin_url, srv.url).href);
  for (const b of await t.page.evaluate(smallTargets, MIN)) problems.push(`sign-in: ${b}`);
  await t.page.click('.train-signin button');
  assert.match(await t.page.textContent('.notice'), /已签到/);
  await t.ctx.close();
  assert.deepEqual(problems, []);
});

// Emergency pages that exist only while a drill runs or after it ended: the check-in page a
// phone opens from the muster point's code, the commander's page, the evaluation form, and
// the forms of a new drill and a new supply.
test('emergency: check-in, commander, evaluation and the forms are 44-px targets at 360 px', async () => {
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const units = (await api.get('/api/v1/units')).json;
  const ws = (units.items || units).find((u) => u.name === '合成一车间');
  const day = new Date(((await serverNow(srv)) + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const drill = async () => (await api.postJson('/api/v1/emerg/drills', { title: '触控尺寸演练', kind: 'onsite', unit_id: ws.id,
    planned_on: day, announced: '1', muster: '北侧集合点' })).json;
  const running = await drill();
  await api.postJson(`/api/v1/emerg/drills/${running.id}/start`, {});
  // emergency mode of a real incident (the demo's open near miss in the reactor area)
  const boss = srv.client();
  await boss.apiLogin('ws1zhuren');
  const mode = (await boss.postJson('/api/v1/emerg/incidents/5/mode', {})).json;
  const ended = await drill();
  await api.postJson(`/api/v1/emerg/drills/${ended.id}/start`, {});
  await api.postJson(`/api/v1/emerg/drills/${ended.id}/end`, {});
  const problems = [];
  const pages = {
    yuangong: [`/emerg/c/${running.checkin_token}`],
    ws1anquan: [`/emerg/drills/${running.id}`, `/emerg/drills/${running.id}/command`, `/emerg/drills/${ended.id}`,
      `/emerg/drills/${mode.id}/command`,
      '/emerg/drills/new', '/emerg/resources/new', '/emerg/resources/1', '/emerg/actions?todo=1', '/emerg/plans',
      '/emerg/plans/3', '/emerg/plans/new'],
    banzhang: ['/emerg/areas/2/card'],
  };
  for (const [user, paths] of Object.entries(pages)) {
    const { ctx, page } = await signedIn(browser, srv.url, user, DEMO_PASSWORD, PHONE);
    for (const p of paths) {
      const resp = await page.goto(`${srv.url}${p}`);
      assert.equal(resp.status(), 200, p);
      for (const b of await page.evaluate(smallTargets, MIN)) problems.push(`${user} ${p}: ${b}`);
    }
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});

// The co-working group and its thread on a hazard's own page (the demo's group: an open
// proposal the director may object to, the post form, the member picker).
test('duty: the co-working section on the hazard page is 44-px targets at 360 px', async () => {
  const api = srv.client();
  await api.apiLogin('ws1zhuren');
  let hz = null;
  for (const h of (await api.get('/api/v1/hazards?per_page=100')).json.items) {
    const t = (await api.get(`/api/v1/duty/hazards/${h.id}`)).json;
    if (t.posts?.some((p) => p.outcome === 'open')) { hz = h.id; break; }
  }
  assert.ok(hz, 'the demo has a group with an open proposal');
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, PHONE);
  assert.equal((await page.goto(`${srv.url}/hazards/${hz}`)).status(), 200);
  assert.equal(await page.locator('#duty-cowork form').count() >= 2, true, 'object and post forms');
  assert.equal(await page.locator(`#duty-cowork a[href="/duties/hazards/${hz}/members"]`).count(), 1, 'the way to add a member');
  const problems = (await page.evaluate(smallTargets, MIN)).map((b) => `/hazards/${hz}: ${b}`);
  await page.locator('#duty-cowork').screenshot({ path: new URL('../../docs/screenshots/duty-cowork-hazard.png', import.meta.url).pathname });
  await ctx.close();
  assert.deepEqual(problems, []);
});

// Tabletop exercises: the list with its form, a running exercise as its facilitator (the
// inject form and the join code) and as a participant (join, then the decision form), and
// the demo's ended one with its comparison and gaps.
test('tabletop exercises: the list, a running one for the facilitator and a participant, an ended one are 44-px targets at 360 px', async () => {
  const api = srv.client();
  await api.apiLogin('anhuan');
  const list = (await api.get('/api/v1/emerg/tabletops')).json.items;
  const ended = list.find((x) => x.status === 'ended'), planned = list.find((x) => x.status === 'planned');
  const day = new Date(((await serverNow(srv)) + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const running = (await api.postJson('/api/v1/emerg/tabletops', { plan_id: planned.plan_id, planned_on: day })).json;
  await api.postJson(`/api/v1/emerg/tabletops/${running.id}/start`, {});
  const lead = srv.client();
  await lead.apiLogin('banzhang');
  await lead.postJson(`/api/v1/emerg/tabletops/${running.id}/join`, {});
  const problems = [];
  const pages = {
    anhuan: ['/emerg/tabletops', `/emerg/tabletops/${running.id}`, `/emerg/tabletops/${ended.id}`, `/emerg/plans/${ended.plan_id}`],
    banzhang: [`/emerg/tabletops/${running.id}`, `/emerg/tabletops/${ended.id}`, '/emerg/tabletops?todo=1'],
    yuangong: [`/emerg/tabletops/${running.id}`, `/emerg/tabletops/${planned.id}`],
  };
  for (const [user, paths] of Object.entries(pages)) {
    const { ctx, page } = await signedIn(browser, srv.url, user, DEMO_PASSWORD, PHONE);
    for (const p of paths) {
      const resp = await page.goto(`${srv.url}${p}`);
      assert.equal(resp.status(), 200, p);
      for (const b of await page.evaluate(smallTargets, MIN)) problems.push(`${user} ${p}: ${b}`);
    }
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});

// Sensors: the list, a sensor's page with its chart and alarms, an area's readings page (its
// sensors' charts) and the permit site page with the area's charts, on a phone. The demo's
// reactor area (id 1) has two gas sensors and the hot-work permit in progress.
test('sensors: list, sensor, area readings and the permit site page are 44-px targets at 360 px', async () => {
  const problems = [];
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  const gd = (await (await page.request.get(`${srv.url}/api/v1/sensors?per_page=500`)).json()).items
    .find((s) => s.code === 'GD-101');
  const sys = await signedIn(browser, srv.url, 'admin', DEMO_PASSWORD, PHONE);	// areas are the administrator's
  const qr = (await (await sys.page.request.get(`${srv.url}/api/v1/areas/${gd.area_id}`)).json()).qr_token;
  await sys.ctx.close();
  const shots = { [`/sensors/${gd.id}`]: 'sensor-phone.png', [`/sensors?area_id=${gd.area_id}`]: 'sensor-area-phone.png',
    [`/permits/site/${qr}`]: 'sensor-permit-site-phone.png', '/sensors': null };
  for (const [p, shot] of Object.entries(shots)) {
    const resp = await page.goto(`${srv.url}${p}`);
    assert.equal(resp.status(), 200, p);
    assert.ok(p === '/sensors' || await page.locator('.sensor-chart').count() > 0, `a chart on ${p}`);
    for (const b of await page.evaluate(smallTargets, MIN)) problems.push(`${p}: ${b}`);
    if (shot) await page.screenshot({ path: new URL(`../../docs/screenshots/${shot}`, import.meta.url).pathname, fullPage: true });
  }
  await ctx.close();
  const admin = await signedIn(browser, srv.url, 'anhuan', DEMO_PASSWORD, PHONE);
  for (const p of ['/sensors/new', `/sensors/${gd.id}`]) {
    await admin.page.goto(`${srv.url}${p}`);
    for (const b of await admin.page.evaluate(smallTargets, MIN)) problems.push(`anhuan ${p}: ${b}`);
  }
  await admin.ctx.close();
  assert.deepEqual(problems, []);
});
