// tests/e2e/journeys.test.mjs — each role's main journey on a 360-px phone, as the people who
// use it would walk it, starting from their home page: the worker reports a hazard with a
// photo and finds it on his home; the team leader accepts and dispatches it, opens it again
// and finds his home's counts equal to the lists behind them; the rectifier rectifies with a
// photo; the verifier closes it, the after-photo watermarked; HR reads expiring certificates
// as cards; the safety director reads his key figures most urgent first and the big screen at
// 1920×1080; the auditor reads and filters /audit; the administrator reads accounts as cards.
//
// One server, one hazard carried through the steps (the tests run in order). A small tap
// counter counts what a thumb does: a tap on a link or button, a tap into a text field, two
// for a drop-down (open, choose) and two for a photo (open the camera, take it). It prints the
// taps to report and to dispatch. Screenshots: docs/screenshots/journey-<role>-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
const hazard = {};	// the hazard the journeys share: url, number, rectifier

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

class Taps {
  constructor(page) { this.page = page; this.n = 0; }
  async tap(sel) { this.n++; await this.page.locator(sel).first().click(); }
  async type(sel, text) { this.n++; await this.page.locator(sel).fill(text); }
  async choose(sel, value) { this.n += 2; await this.page.selectOption(sel, value); }
  async photo(sel, file) { this.n += 2; await this.page.setInputFiles(sel, file); }
}

async function as(user, viewport = PHONE) {
  const s = await signedIn(browser, srv.url, user, DEMO_PASSWORD, viewport);
  s.errors = [];
  s.page.on('console', (m) => { if (m.type() === 'error') s.errors.push(m.text()); });
  return s;
}
const shot = (page, name) => page.screenshot({ path: `${shots}journey-${name}.png`, fullPage: true });
const fits = async (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

// A photo drawn by the browser: a grey wall with a warning sign.
async function photo(page, name) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 1200; c.height = 900;
    const g = c.getContext('2d');
    g.fillStyle = '#8a8f96'; g.fillRect(0, 0, 1200, 900);
    g.fillStyle = '#f9a825'; g.beginPath(); g.moveTo(600, 150); g.lineTo(900, 700); g.lineTo(300, 700); g.fill();
    g.fillStyle = '#222'; g.fillRect(580, 330, 40, 220); g.fillRect(580, 590, 40, 40);
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return { name, mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') };
}

// Wait until the hazard page shows the status after an action.
async function status(page, text) {
  await page.waitForFunction((s) => document.querySelector('.hz-detail .badge')?.textContent === s, text, { timeout: 8000 })
    .catch(async () => { throw new Error(`expected ${text}: ${(await page.textContent('main')).slice(0, 300)}`); });
}

// The home page's "waiting for me" lines: key → { n, href }.
async function todo(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('a.todo-row')].map((a) =>
    [a.dataset.todo, { n: Number(a.querySelector('.badge').textContent), href: a.getAttribute('href') }])));
}

test('worker: reports a hazard with a photo from his home in at most 8 taps, and sees it on his home', async () => {
  const w = await as('yuangong');
  const before_ = (await todo(w.page))['hazard.todo.reported']?.n || 0;
  const t = new Taps(w.page);
  const picture = await photo(w.page, 'IMG_0001.jpg');
  await t.tap('a.tile[href="/hazards/new"]');
  await w.page.waitForURL(/\/hazards\/new/);
  await t.photo('input[name=photo]', picture);
  const area = await w.page.$eval('select[name=area_id]', (s) => [...s.options].find((o) => o.text === '合成一车间 反应釜区').value);
  await t.choose('select[name=area_id]', area);
  await t.tap('label.hz-cat:has-text("电气")');
  await t.type('textarea[name=description]', '反应釜区配电箱门锁损坏，箱门敞开');
  await shot(w.page, 'worker-report');
  await Promise.all([w.page.waitForURL(/\/hazards\/\d+\?created=1/), t.tap('button.hz-send')]);
  console.log(`taps to report a hazard: ${t.n}`);
  assert.ok(t.n <= 8, `report took ${t.n} taps`);
  hazard.url = w.page.url().replace(/\?.*/, '');
  hazard.number = (await w.page.textContent('h1')).trim();
  assert.match(hazard.number, /^YH-\d{4}-\d{6}$/);
  // his home: one more of his reports open, and the line lists it
  await w.page.goto(`${srv.url}/`);
  const line = (await todo(w.page))['hazard.todo.reported'];
  assert.equal(line.n, before_ + 1);
  await w.page.click('a.todo-row[data-todo="hazard.todo.reported"]');
  assert.ok(await w.page.isVisible(`.hz-list a:has-text("${hazard.number}")`), 'his report in the list behind the line');
  assert.ok(await fits(w.page) <= 0);
  await shot(w.page, 'worker-home-list');
  assert.deepEqual(w.errors, []);
  await w.ctx.close();
});

test('team leader: accepts and dispatches from his home, opens it again, and his counts are the lists', async () => {
  // the rectifier: another worker of the same team
  const r = await as('u001');
  hazard.rectifier = (await r.page.textContent('li.who a')).trim();
  await r.ctx.close();
  const l = await as('banzhang');
  const t = new Taps(l.page);
  await t.tap('a.todo-row[data-todo="hazard.todo.accept"]');
  await t.tap(`.hz-list a:has-text("${hazard.number}")`);
  await l.page.waitForURL(hazard.url);
  await t.tap('details.hz-act:has(form.hz-act-accept) > summary');
  const who = await l.page.$eval('form.hz-act-accept select[name=assignee_id]',
    (s, name) => [...s.options].find((o) => o.text.startsWith(`${name} ·`)).value, hazard.rectifier);
  await t.choose('form.hz-act-accept select[name=assignee_id]', who);
  await shot(l.page, 'leader-dispatch');
  await t.tap('form.hz-act-accept button');
  await status(l.page, '已派发');
  console.log(`taps to accept and dispatch a hazard: ${t.n}`);
  assert.ok(t.n <= 8, `dispatch took ${t.n} taps`);
  assert.match(await l.page.textContent('main'), new RegExp(hazard.rectifier), 'the confirmation names the rectifier');
  // he can open it again (it was a 404 once: his scope did not reach the workshop's hazards)
  const again = await l.page.goto(hazard.url);
  assert.equal(again.status(), 200);
  // every count on his home is the list behind it
  await l.page.goto(`${srv.url}/`);
  const lines = await todo(l.page);
  const card = await l.page.$$eval('.role-team a.kpi-card', (as_) => as_.map((a) => ({
    href: a.getAttribute('href'), n: Number(a.querySelector('.kpi-val').textContent) })));
  await shot(l.page, 'leader-home');
  // his hazard lines and cards here (tests/http/home_todo.test.mjs compares every module's lines)
  const hazardLines = Object.entries(lines).filter(([k]) => k.startsWith('hazard.')).map(([, v]) => v);
  for (const { href, n } of [...hazardLines, ...card]) {
    await l.page.goto(`${srv.url}${href}`);
    const listed = Number((await l.page.textContent('.hz-count')).match(/\d+/)[0]);
    assert.equal(listed, n, `${href}: the home says ${n}`);
  }
  assert.ok(card.length >= 2 && hazardLines.length >= 1);
  assert.deepEqual(l.errors, []);
  await l.ctx.close();
});

test('rectifier: starts and submits the rectification with an after-photo', async () => {
  const r = await as('u001');
  await r.page.click('a.todo-row[data-todo="hazard.todo.rectify"]');
  await r.page.click(`.hz-list a:has-text("${hazard.number}")`);
  await r.page.click('form.hz-act-start button');
  await status(r.page, '整改中');
  await r.page.click('details.hz-act:has(form.hz-act-submit) > summary');
  await r.page.fill('form.hz-act-submit textarea[name=note]', '已更换配电箱门锁并上锁');
  await r.page.setInputFiles('form.hz-act-submit input[name=photo]', await photo(r.page, 'after.jpg'));
  assert.equal((await r.page.textContent('form.hz-act-submit .file-names')).trim(), 'after.jpg');
  await shot(r.page, 'rectifier-submit');
  await r.page.click('form.hz-act-submit > button');
  await status(r.page, '待验收');
  assert.equal(await r.page.locator('form.hz-act-verify').count(), 0, 'the rectifier does not verify his own work');
  assert.deepEqual(r.errors, []);
  await r.ctx.close();
});

test('verifier: verifies and closes; the after-photo carries the watermark, its original is for the safety department', async () => {
  const v = await as('ws1anquan');
  await v.page.click('a.todo-row[data-todo="hazard.todo.verify"]');
  await v.page.click(`.hz-list a:has-text("${hazard.number}")`);
  await v.page.click('form.hz-act-verify button');
  await status(v.page, '已销号');
  assert.ok(await fits(v.page) <= 0);
  await shot(v.page, 'verifier-closed');
  await v.ctx.close();
  // the safety department sees an original beside each photo: the stored ones are marked
  const s = await as('anhuan');
  await s.page.goto(hazard.url);
  const originals = await s.page.$$eval('.hz-facts a.hz-orig, .hz-photos a.hz-orig', (as_) => as_.map((a) => a.getAttribute('href')));
  const after_ = await s.page.$$eval('.hz-photos img[alt="整改后"]', (imgs) => imgs.map((i) => i.getAttribute('src').replace('?thumb=1', '')));
  assert.ok(after_.length >= 1, 'an after-photo');
  for (const src of after_) {
    assert.ok(originals.includes(`${src}/original`), `${src} has a watermark-free original`);
    const [marked, orig] = await Promise.all([s.page.request.get(`${srv.url}${src}`), s.page.request.get(`${srv.url}${src}/original`)]);
    assert.equal(orig.status(), 200);
    assert.notDeepEqual(await marked.body(), await orig.body(), 'the stored after-photo differs from its original (the band)');
  }
  await s.ctx.close();
});

test('HR: expiring certificates as cards, most urgent first', async () => {
  const h = await as('renshi');
  await h.page.click('a.todo-row[data-todo="cert.todo.expiring"]');
  await h.page.goto(`${srv.url}/certs/expiring`);
  const rows = await h.page.$$eval('table.expiring tbody tr', (trs) => trs.map((tr) => ({
    display: getComputedStyle(tr).display, days: (tr.querySelector('.days-left')?.textContent || '').match(/-?\d+/)?.[0] })));
  assert.ok(rows.length >= 3);
  assert.ok(rows.every((r) => r.display !== 'table-row'), 'rows are cards on a phone');
  const days = rows.filter((r) => r.days != null).map((r) => Number(r.days));
  assert.deepEqual(days, [...days].sort((a, b) => a - b), 'most urgent first');
  assert.ok(await fits(h.page) <= 0);
  await shot(h.page, 'hr-expiring');
  await h.ctx.close();
});

test('director: key figures most urgent first on his phone, and the big screen at 1920×1080', async () => {
  const d = await as('zongjian');
  const first = await d.page.$eval('table.kpi-table tbody tr', (tr) => ({ kpi: tr.dataset.kpi, alarm: tr.classList.contains('alarm') }));
  assert.ok(first.alarm && ['overdue', 'major'].includes(first.kpi), JSON.stringify(first));
  assert.ok(await fits(d.page) <= 0);
  await shot(d.page, 'director-home');
  await d.ctx.close();
  const big = await as('zongjian', { width: 1920, height: 1080 });
  await big.page.goto(`${srv.url}/dashboard/screen`);
  const smallest = await big.page.evaluate(() => Math.min(...[...document.querySelectorAll('figure[data-chart] svg text')]
    .map((t) => parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b))));
  assert.ok(smallest >= 18, `smallest chart text ${smallest} px`);
  await big.page.screenshot({ path: `${shots}journey-director-screen.png` });
  assert.deepEqual(big.errors, []);
  await big.ctx.close();
});

test('auditor: /audit reads as people and actions, and its drop-down filters narrow it', async () => {
  const a = await as('auditor');
  await a.page.goto(`${srv.url}/audit`);
  const who = await a.page.$$eval('td.audit-who', (tds) => tds.map((td) => td.textContent));
  assert.ok(who.length > 0 && who.every((s) => !/user #\d/.test(s)), 'names, not user ids');
  await a.page.selectOption('select[name=action]', 'verify');
  await Promise.all([a.page.waitForURL(/action=verify/), a.page.click('form.filters button')]);
  const actions = await a.page.$$eval('td.audit-action', (tds) => tds.map((td) => [td.dataset.code, td.textContent]));
  assert.ok(actions.length >= 1, 'the verification of the hazard');
  assert.ok(actions.every(([code, text]) => code === 'verify' && text !== 'verify'), JSON.stringify(actions));
  assert.ok(await fits(a.page) <= 0);
  await shot(a.page, 'auditor-audit');
  await a.ctx.close();
});

test('admin: accounts as cards on a phone', async () => {
  const a = await as('admin');
  await a.page.goto(`${srv.url}/admin/users`);
  const display = await a.page.$$eval('table tbody tr', (trs) => trs.map((tr) => getComputedStyle(tr).display));
  assert.ok(display.length > 5 && display.every((x) => x !== 'table-row'), 'rows are cards');
  assert.ok(await fits(a.page) <= 0);
  await shot(a.page, 'admin-users');
  await a.ctx.close();
});
