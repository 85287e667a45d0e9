// tests/http/home_todo.test.mjs — the home page's "waiting for me" list: each role sees its
// counts and links, a permit submitted for approval reaches the approver's home, the reporter
// sees the hazard he just reported, and the open-hazards card names the person's own unit kind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serverNow, setClock } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer();
  // a weekday morning after the demo was loaded, so permits may be planned in the future
  await setClock(srv, (await serverNow(srv)) + 3600);
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

async function home(user) {
  const c = srv.client();
  await c.login(user);
  const r = await c.get('/');
  assert.equal(r.status, 200);
  return r.text;
}
// the count on the line `key`, with its link; 0 when the line is absent
function line(html, key) {
  const m = html.match(new RegExp(`<a class="todo-row" href="([^"]*)" data-todo="${key.replace(/\./g, '\\.')}">[^]*?<strong class="badge">(\\d+)</strong>`));
  return m ? { href: m[1].replace(/&amp;/g, '&'), n: Number(m[2]) } : { href: null, n: 0 };
}
async function api(user) {
  const c = srv.client();
  await c.apiLogin(user);
  return c;
}

// How many records the page behind a "waiting for me" line lists.
function listed(href, html) {
  if (href.startsWith('/hazards')) return Number(html.match(/class="hz-count"[^>]*>[^<\d]*(\d+)/)[1]);
  if (href.startsWith('/permits')) return (html.match(/<li class="permit-row">/g) || []).length;
  if (href.startsWith('/certs')) return (html.match(/<tr><td><a href="\/persons\//g) || []).length;
  if (href.startsWith('/equipment')) return (html.match(/<tr class="eq-/g) || []).length;
  if (href.startsWith('/checks')) return (html.match(/<li data-task="/g) || []).length;
  if (href.startsWith('/ppe/approvals')) return (html.match(/<li data-redemption="/g) || []).length;
  if (href.startsWith('/ppe')) return (html.match(/<li data-holding="/g) || []).length;
  if (href.startsWith('/contractors')) return (html.match(/<tr data-contractor="/g) || []).length;
  if (href.startsWith('/risk/acks')) return (html.match(/<li data-ack="/g) || []).length;
  if (href.startsWith('/incidents')) return (html.match(/<li class="incident-row">/g) || []).length;
  if (href.startsWith('/emerg')) return (html.match(/<li data-emerg-row="/g) || []).length;
  if (href.startsWith('/risk')) return (html.match(/<tr data-event="/g) || []).length;
  if (href.startsWith('/duties/letters')) return (html.match(/<li data-signed="/g) || []).length;
  if (href.startsWith('/duties/resolutions')) return (html.match(/<li data-resolution="/g) || []).length;
  throw new Error(`no counter for ${href}`);
}

test('each "waiting for me" count is exactly the list its link opens', async () => {
  // every role with a line: worker, team leader, workshop officer and director, safety
  // department, safety director, HR, equipment manager
  const seen = new Set();
  for (const user of ['yuangong', 'banzhang', 'ws1anquan', 'ws1zhuren', 'anhuan', 'zongjian', 'renshi', 'shebei']) {
    const c = srv.client();
    await c.login(user);
    const html = (await c.get('/')).text;
    const lines = [...html.matchAll(/<a class="todo-row" href="([^"]*)" data-todo="([^"]*)">[^]*?<strong class="badge">(\d+)<\/strong>/g)];
    assert.ok(lines.length > 0, `${user} has something waiting`);
    for (const [, raw, key, n] of lines) {
      const href = raw.replace(/&amp;/g, '&');
      const page = await c.get(href);
      assert.equal(page.status, 200, `${user} ${href}`);
      assert.equal(listed(href, page.text), Number(n), `${user}: ${key} says ${n}, ${href} lists another number`);
      seen.add(key);
    }
  }
  // the lines of every module were compared
  for (const key of ['hazard.todo.rectify', 'hazard.todo.accept', 'hazard.todo.review', 'hazard.todo.verify',
    'hazard.todo.reported', 'permit.todo.approve', 'permit.todo.guard', 'permit.todo.close', 'cert.todo.expiring',
    'equip.todo.due', 'risk.todo.acks', 'risk.todo.tasks', 'risk.todo.approve', 'check.todo.due',
    'accident.todo.actions', 'ppe.todo.confirm', 'ppe.todo.approve', 'duty.todo.sign',
    'contractor.todo.expiring', 'emerg.todo.actions', 'emerg.todo.resources', 'emerg.tt.todo']) assert.ok(seen.has(key), `${key} was compared`);
});

test('HR sees expiring certificates, the equipment manager inspections due', async () => {
  const hr = line(await home('renshi'), 'cert.todo.expiring');
  assert.ok(hr.n > 0, 'the demo has certificates expiring within 30 days');
  assert.equal(hr.href, '/certs?status=due');
  const eq = line(await home('shebei'), 'equip.todo.due');
  assert.ok(eq.n >= 2, 'the demo has two overdue devices');
  assert.equal(eq.href, '/equipment?state=due&all=1');
  // a worker has neither line
  const w = await home('yuangong');
  assert.equal(line(w, 'cert.todo.expiring').n, 0);
  assert.equal(line(w, 'equip.todo.due').n, 0);
  assert.match(w, /<section class="card todo"><h2>待我处理<\/h2>/);
});

test('the reporter sees the hazard he just reported on his home', async () => {
  const c = await api('yuangong');
  const meta = (await c.get('/api/v1/hazard-meta')).json;
  // a real JPEG, made by the server's own encoder for a demo hazard
  const item = (await c.get('/api/v1/hazards?per_page=1')).json.items[0];
  const res = await fetch(`${srv.url}/photos/${item.photo}`, { headers: { Authorization: `Bearer ${c.bearer}` } });
  const fd = new FormData();
  fd.append('photo', new Blob([Buffer.from(await res.arrayBuffer())], { type: 'image/jpeg' }), 'a.jpg');
  const up = await c.request('POST', '/api/v1/photos', { multipart: fd });
  assert.equal(up.status, 201, up.text);
  const before_ = line(await home('yuangong'), 'hazard.todo.reported').n;
  const r = await c.postJson('/api/v1/hazards', { area_id: meta.areas[0].id, photos: [up.json.sha256],
    category_id: meta.categories[0].id, description: '首页待办测试：护栏松动' });
  assert.equal(r.status, 201, r.text);
  const after_ = line(await home('yuangong'), 'hazard.todo.reported');
  assert.equal(after_.n, before_ + 1);
  assert.equal(after_.href, '/hazards?todo=reported');
  // and the workshop's handler has it to accept
  assert.ok(line(await home('ws1anquan'), 'hazard.todo.accept').n > 0 ||
    line(await home('banzhang'), 'hazard.todo.accept').n > 0);
});

test('a permit submitted for approval appears on the approver\'s home', async () => {
  const b = await api('banzhang');
  const opt = (await b.get('/api/v1/permits/options')).json;
  const uid = (u) => opt.people.find((p) => p.username === u).id;
  // the demo's running permits were planned before now: close them so banzhang may apply
  const g = await api('ws1anquan');
  for (const p of (await g.get('/api/v1/permits?state=in_progress')).json.items)
    await g.postJson(`/api/v1/permits/${p.id}/actions/close`, { password: 'Demo-Pass-2026', site_clear: true });
  const before_ = line(await home('ws1zhuren'), 'permit.todo.approve').n;
  const cat = (await b.get('/api/v1/permits/catalogue')).json;
  const type = cat.types.find((t) => t.code === 'confined_space');
  const now = await serverNow(srv);
  const area = opt.areas.find((a) => a.name === '合成一车间 投料平台');
  const r = await b.postJson('/api/v1/permits', { type: 'confined_space', area_id: area.id, content: '清罐',
    planned_start: now + 2 * 86400, planned_end: now + 2 * 86400 + 4 * 3600, guardian_id: uid('ws1anquan'), workers: [{ user_id: uid('u001'), role: '检修' }],
    measures: type.measures.map((m) => ({ measure_id: m.id, confirmed_by: uid('ws1anquan') })) });
  assert.equal(r.status, 201, r.text);
  const s = await b.postJson(`/api/v1/permits/${r.json.id}/actions/submit`, {});
  assert.equal(s.status, 200, s.text);
  const after_ = line(await home('ws1zhuren'), 'permit.todo.approve');
  assert.equal(after_.n, before_ + 1);
  assert.equal(after_.href, '/permits?todo=approve');
  // the applicant does not approve his own
  assert.equal(line(await home('banzhang'), 'permit.todo.approve').n, 0);
});

test('the workshop officer\'s card names the workshop, the team leader\'s the team', async () => {
  const ws = await home('ws1anquan');
  assert.match(ws, /<h2>本车间未闭环隐患 · /);
  assert.doesNotMatch(ws, /本班组/);
  assert.match(await home('banzhang'), /<h2>本班组未闭环隐患 · /);
});

