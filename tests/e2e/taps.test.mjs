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
import { startServer, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const ROLES = ['yuangong', 'banzhang', 'ws1anquan', 'ws1zhuren', 'anhuan', 'zongjian', 'zhuren',
  'shebei', 'renshi', 'auditor', 'admin', 'anquan'];
const MIN = 44;
// Pages deeper than two clicks from home, measured for the role that uses them (the ids are the
// demo's: area 1, risk object 1).
const EXTRA = {
  anhuan: ['/risk/map', '/risk/map/edit', '/risk/map?print=a3', '/risk/map/areas/1', '/risk/objects/1/card',
    '/risk/objects/1/card?size=a5', '/checks/templates/new', '/checks/templates/1/edit', '/checks/plans/new'],
  yuangong: ['/risk/map', '/offline'],
};

let srv, browser;
before(async () => {
  srv = await startServer();
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
// a person's training file (from the matrix).
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
  await hr.ctx.close();
  assert.deepEqual(problems, []);
});
