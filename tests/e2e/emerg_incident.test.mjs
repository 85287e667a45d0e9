// tests/e2e/emerg_incident.test.mjs — emergency mode of a real incident on 360-px phones: the
// workshop director opens it from the incident's page with one tap and lands on the command
// page (who is safe, who is missing, the teams and outside contacts to call, the check-in
// code), a worker checks in from the code on his phone, the director closes the mode, and the
// incident's page keeps the record for the investigation. Screenshots:
// docs/screenshots/emerg-incident-command-phone.png and emerg-incident-record-phone.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, serverNow, setClock, DEMO_PASSWORD } from '../http/lib.mjs';
import { launch, signedIn, PHONE } from './lib.mjs';

const shots = new URL('../../docs/screenshots/', import.meta.url).pathname;
let srv, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  srv = await startServer();
  await setClock(srv, (await serverNow(srv)) + 600);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an incident\'s emergency mode: opened with one tap, a check-in, closed, recorded on the incident', async () => {
  const api = srv.client();
  await api.apiLogin('ws1anquan');
  const area = (await api.get('/api/v1/incidents/5')).json.area_id;
  const inc = await api.postJson('/api/v1/incidents', { kind: 'near_miss', what: '反应釜区溶剂泄漏', area_id: area, type_code: '2025-23' });
  assert.equal(inc.status, 201, inc.text);
  const boss = await signedIn(browser, srv.url, 'ws1zhuren', DEMO_PASSWORD, PHONE);
  await boss.page.goto(`${srv.url}/incidents/${inc.json.id}`);
  const open = boss.page.locator('#emergency form button');
  const box = await open.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, 'a thumb-sized button');
  await Promise.all([boss.page.waitForURL(/\/command$/), open.click()]);
  assert.ok(await boss.page.locator('.emerg-teams li').count() >= 1, 'the teams to call');
  assert.ok(await boss.page.locator('.emerg-contacts li[data-kind="fire"]').count() >= 1, 'the fire brigade');
  const mode = Number(/\/emerg\/drills\/(\d+)\/command/.exec(boss.page.url())[1]);
  const bossApi = srv.client();
  await bossApi.apiLogin('ws1zhuren');
  const token = (await bossApi.get(`/api/v1/emerg/drills/${mode}`)).json.checkin_token;

  // a worker scans the code and taps once
  const w = await signedIn(browser, srv.url, 'yuangong', DEMO_PASSWORD, PHONE);
  await w.page.goto(`${srv.url}/emerg/c/${token}`);
  await Promise.all([w.page.waitForURL(/\/emerg\/c\//), w.page.locator('.emerg-checkin form button').click()]);
  await w.page.locator('[data-checked-in="1"]').waitFor();
  await w.ctx.close();

  await boss.page.reload();
  assert.equal(await boss.page.locator('.emerg-in li').count(), 1);
  assert.equal(await boss.page.locator('.emerg-missing li[data-missing="yuangong"]').count(), 0);
  await boss.page.screenshot({ path: `${shots}emerg-incident-command-phone.png`, fullPage: true });
  assert.ok(await boss.page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling');

  // closed from the command page: the incident's page keeps the record
  await Promise.all([boss.page.waitForURL(/\/command$/), boss.page.locator('form[action$="/end"] button').click()]);
  await boss.page.goto(`${srv.url}/incidents/${inc.json.id}#emergency`);
  assert.equal(await boss.page.locator('#emergency [data-mode="ended"]').count(), 1);
  assert.match(await boss.page.locator('#emergency [data-count="in"]').innerText(), /1$/);
  await boss.page.locator('#emergency').screenshot({ path: `${shots}emerg-incident-record-phone.png` });
  await boss.ctx.close();
});
