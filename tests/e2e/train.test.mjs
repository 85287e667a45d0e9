// tests/e2e/train.test.mjs — training on a 360-px phone: a worker takes the yearly exam and
// passes it; a guardian fails the guardian exam and is then refused on a hot-work permit, the
// picker and the refusal naming the failed exam and its day. Screenshots go to
// docs/screenshots/train-exam-phone.png, train-result-phone.png, train-guardian-refused.png
// and train-matrix.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, setClock, serverNow, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE, DESKTOP } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser, T0;
const H = 3600;

// the demo bank's keys of the yearly exam (all six questions are drawn)
const KEY = {
  '新员工上岗前（危险化学品企业）安全培训时间不少于多少学时？': [3],
  '从业人员每年再培训时间不少于多少学时？': [2],
  '三级安全教育包括哪三级？': [0, 1, 2],
  '从业人员有权拒绝违章指挥和强令冒险作业。': true,
  '发现事故隐患应立即报告现场安全管理人员或本单位负责人。': true,
  '单位主要负责人发生事故后应在多少小时内向县级以上政府有关部门报告？（填数字）': '1',
};

before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  // a weekday morning, so that the permit form's default times are plain working hours
  let t = Math.floor((await serverNow(srv)) / 86400) * 86400 + 2 * 86400 + 2 * H;
  while ([0, 6].includes(new Date((t + 8 * H) * 1000).getUTCDay())) t += 86400;
  T0 = t;
  await setClock(srv, T0);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function start(page, title) {
  await page.goto(`${srv.url}/train`);
  const li = page.locator('ul.train-exams li', { hasText: title });
  await Promise.all([page.waitForURL(/\/train\/attempts\/\d+$/), li.locator('button').click()]);
}

test('a worker takes the yearly exam on his phone and passes it', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await start(page, '年度再培训考试');
  assert.equal(await page.locator('fieldset.train-q').count(), 6);
  // answer by tapping, as on a phone
  for (const fs of await page.locator('fieldset.train-q').all()) {
    const legend = await fs.locator('legend').innerText();
    const stem = Object.keys(KEY).find((s) => legend.includes(s));
    assert.ok(stem, `a known question: ${legend}`);
    const k = KEY[stem];
    if (typeof k === 'string') await fs.locator('input[type=text], input:not([type])').fill(k);
    else if (typeof k === 'boolean') await fs.locator(`input[type=radio][value="${k ? 1 : 0}"]`).check();
    else if (k.length > 1) for (const i of k) await fs.locator(`input[type=checkbox][name$="_${i}"]`).check();
    else await fs.locator(`input[type=radio][value="${k[0]}"]`).check();
  }
  await page.screenshot({ path: `${shots}train-exam-phone.png`, fullPage: true });
  // saved on the server: a reload keeps the answers
  await Promise.all([page.waitForURL(/\/train\/attempts\/\d+$/), page.click('button[value=save]')]);
  await page.reload();
  assert.equal(await page.locator('input:checked').count(), 1 + 1 + 3 + 1 + 1);
  await Promise.all([page.waitForURL(/\/train\/attempts\/\d+$/), page.click('button[value=submit]')]);
  assert.match(await page.locator('.train-score').innerText(), /100/);
  assert.match(await page.locator('.train-result .badge.ok').innerText(), /合格/);
  await page.screenshot({ path: `${shots}train-result-phone.png`, fullPage: true });
  await ctx.close();
});

test('a guardian fails the guardian exam and is refused on a hot-work permit, with the reason', async () => {
  const { ctx, page } = await signedIn(browser, srv.url, 'ws1anquan', DEMO_PASSWORD, PHONE);
  await start(page, '作业监护人考试');
  await Promise.all([page.waitForURL(/\/train\/attempts\/\d+$/), page.click('button[value=submit]')]);
  assert.match(await page.locator('.train-result .badge.bad').innerText(), /不合格/);
  const day = new Date((T0 + 8 * H) * 1000).toISOString().slice(0, 10);
  // the permit form: he is marked in the guardian picker, and saving is refused under 监护人
  await page.goto(`${srv.url}/permits/new?type=hot_work`);
  const opts = await page.evaluate(() => {
    const sel = (n) => [...document.querySelectorAll(`select[name="${n}"] option`)];
    const me = sel('guardian_id').find((o) => /赵磊/.test(o.textContent));
    const w = sel('worker_1').find((o) => /张三/.test(o.textContent));
    return { me: me && me.value, why: me && me.dataset.why, worker: w && w.value };
  });
  assert.equal(opts.why, `监护人培训考试未通过: ${day}`);
  await page.evaluate((o) => {
    const f = document.querySelector('form[action="/permits"]');
    f.querySelector('select[name=guardian_id]').value = o.me;
    f.querySelector('select[name=worker_1]').value = o.worker;
    f.querySelector('[name=worker_role_1]').value = '焊工';
    f.querySelector('textarea[name=content]').value = '投料平台栏杆焊接';
    f.querySelector('select[name=hot_place]').value = 'other';
    f.submit();
  }, opts);
  await page.waitForLoadState();
  const err = await page.locator('#err-guardian_id').innerText();
  assert.match(err, new RegExp(`监护人培训考试未通过.*${day}`));
  await page.locator('#err-guardian_id').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}train-guardian-refused.png` });
  await ctx.close();
  // the plant's matrix, coloured, as HR sees it on a desk
  const hr = await signedIn(browser, srv.url, 'renshi', DEMO_PASSWORD, DESKTOP);
  await hr.page.goto(`${srv.url}/train/matrix`);
  assert.ok(await hr.page.locator('.train-matrix .badge.bad').count() > 0);
  await hr.page.screenshot({ path: `${shots}train-matrix.png` });
  await hr.ctx.close();
});
