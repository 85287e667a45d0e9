// tests/http/notify.test.mjs — notifications leave the server through the outbox, to real
// receivers on 127.0.0.1 (notify_receivers.mjs) that check each request as the service would.
// The sender thread is off (notify.interval_ms = 0): each step delivers with the test tick, at
// a clock the test sets, so retries, limits, quiet hours and the 08:00 digest are exact.
//   - demo mode: what would have been sent shows in the viewer; unread count in the header
//   - 企业微信: a report's assignment reaches the unit's robot with @mobile and a link; what is
//     due at once is coalesced into one message; the per-minute limit holds the rest; in a
//     flood the minute's last message lists what fits and counts the rest
//   - 钉钉: signed requests the receiver verifies; "too fast" waits out the 10-minute block
//   - webhooks: signed JSON; an outage is retried with back-off; N failures make a dead
//     letter, which the administrator re-sends; a receiver that never answers times out
//   - e-mail: routing rule added on the admin page, the person's own address and channels,
//     UTF-8 Subject (RFC 2047), text and HTML parts, the recipient's language, quiet hours,
//     and the 08:00 digest
//   - SMS: Aliyun SendSms with its signature and generic gateways (default and templated body); urgent (a major hazard)
//     goes at once even in quiet hours
//   - e-mail over STARTTLS and SMTPS against a private CA made by openssl for the test
//   - secrets: never shown back, not in the database in clear
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, setClock, serverNow, tick, runSql } from './lib.mjs';
import { png } from './images.mjs';
import { startReceivers } from './notify_receivers.mjs';

let srv, rcv, admin, adminApi, meta, tlsDir;
let now = 0;
const clients = new Map();
const DAY = 86400, TZ = 8 * 3600;	// the plant's zone: Asia/Shanghai

// API clients by user name, signed in again when the test clock has moved past the sign-in's
// idle time (30 min) since they signed in
async function as(username) {
  const e = clients.get(username);
  if (e && now - e.at < 1200) return e.c;
  const c = new Client(srv.url);
  await c.apiLogin(username);
  clients.set(username, { c, at: now });
  return c;
}

// set the server's and the receivers' clock together
async function at(t) {
  now = t;
  await setClock(srv, t);
  rcv.clockMs = t * 1000;
}
// the administrator's sign-ins (page and API), renewed when the clock has jumped since
let adminAt = 0;
async function fresh() {
  adminApi = await as('admin');
  if (now - adminAt < 1200) return;
  admin = new Client(srv.url);
  assert.equal((await admin.login('admin')).status, 303);
  adminAt = now;
}
// username signed in through the pages (anew: the clock may have jumped since the last time)
async function browser(username) {
  const c = new Client(srv.url);
  assert.equal((await c.login(username)).status, 303);
  return c;
}
// the next UTC instant after `now` at local hour h (minute m)
const nextLocal = (h, m = 0) => {
  const local = now + TZ;
  let t = local - (local % DAY) + h * 3600 + m * 60 - TZ;
  if (t <= now) t += DAY;
  return t;
};

let seq = 0;
async function report(fields = {}) {
  const c = await as('yuangong');
  const fd = new FormData();
  const all = { area_id: meta.areas.find((a) => a.name === '合成一车间 反应釜区').id,
    category_id: meta.categories[seq % meta.categories.length].id, description: `通知测试 第${++seq}条`, ...fields };
  for (const [k, v] of Object.entries(all)) fd.append(k, String(v));
  fd.append('photo', new Blob([png(32, 24, (x, y) => [x * 5 + seq, y * 7, seq * 3])], { type: 'image/png' }), 'p.png');
  const r = await c.request('POST', '/api/v1/hazards', { multipart: fd });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function outbox(filter) {
  await fresh();
  const r = await adminApi.get('/api/v1/notify/outbox?per_page=500');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total <= 500, `${r.json.total} messages fit one page`);
  return r.json.items.filter(filter);
}

async function userId(username) {
  await fresh();
  const r = await adminApi.get(`/api/v1/users?q=${username}`);
  return r.json.items.find((u) => u.username === username).id;
}

async function setPhone(username, phone) {
  const r = await adminApi.request('PATCH', `/api/v1/users/${await userId(username)}`, { json: { phone } });
  assert.equal(r.status, 200, r.text);
}

async function channel(form) {
  await fresh();
  const r = await admin.post('/admin/notify/channels', form);
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  const page = await admin.get('/admin/notify');
  const ids = [...page.text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g)].map((m) => Number(m[1]));
  return Math.max(...ids);
}

before(async () => {
  // a private CA for 127.0.0.1, for the mail server's STARTTLS and SMTPS
  tlsDir = mkdtempSync(join(tmpdir(), 'anquan-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(tlsDir, 'key.pem'),
    '-out', join(tlsDir, 'cert.pem')], { stdio: 'pipe' });
  rcv = await startReceivers({ tls: { key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) } });
  srv = await startServer({ env: { ANQUAN_NOTIFY_INTERVAL_MS: '0' } });
  await at(await serverNow(srv));	// the clock stands still from here: each step moves it
  await fresh();
  meta = (await (await as('yuangong')).get('/api/v1/hazard-meta')).json;
  let r = await admin.post('/admin/notify/settings', { max_attempts: '3', backoff_seconds: '30', timeout_ms: '400',
    base_url: 'ftp://aq.example' });
  assert.equal(r.status, 422);
  assert.match(r.text, /name="base_url"[^>]*value="ftp:\/\/aq.example"/, 'the typed value is kept');
  r = await admin.post('/admin/notify/settings', { max_attempts: '3', backoff_seconds: '30', timeout_ms: '400',
    base_url: 'https://aq.example' });
  assert.equal(r.status, 303);
  await tick(srv);
});

after(async () => {
  rcv.close();
  rmSync(tlsDir, { recursive: true, force: true });
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('demo mode: deliveries go to the local viewer; the header counts unread notifications', async () => {
  const h = await report();
  await tick(srv);
  const v = await admin.get('/admin/notify/viewer');
  assert.equal(v.status, 200);
  assert.ok(v.text.includes(h.number), 'the robot message is in the viewer');
  assert.match(v.text, /企业微信群机器人/);
  const bz = await browser('banzhang');
  let home = await bz.get('/');
  const n = Number(/<a class="unread" href="\/inbox"[^>]*><span class="sr">[^<]*<\/span>(\d+)<\/a>/.exec(home.text)?.[1]);
  assert.ok(n >= 1, 'an unread count in the header');
  await bz.post('/inbox/read', {});
  home = await bz.get('/');
  assert.doesNotMatch(home.text, /class="unread"/, 'none once read');
  // from here on, real channels: the viewer and the demo's example channels off
  assert.equal((await admin.post('/admin/notify/viewer', { on: '0' })).status, 303);
  const page = await admin.get('/admin/notify');
  for (const m of page.text.matchAll(/\/admin\/notify\/channels\/(\d+)"/g))
    assert.equal((await admin.post(`/admin/notify/channels/${m[1]}`, {})).status, 303);
  assert.match((await admin.get('/admin/notify')).text, /停用/);
});

test('企业微信 robot: @mobile and a link, coalesced when several are due, held by the per-minute limit, a flood summarised', async () => {
  const id = await channel({ kind: 'wecom', name: '一车间安全群', url: `${rcv.base}/wecom/send?key=${rcv.secrets.wecomKey}`,
    per_minute: '2' });
  assert.ok(id > 0);
  await setPhone('banzhang', '13800001111');
  const h1 = await report();
  await tick(srv);
  assert.equal(rcv.got.wecom.length, 1);
  const m1 = rcv.got.wecom[0];
  assert.equal(m1.msgtype, 'text');
  assert.ok(m1.text.content.includes(h1.number), m1.text.content);
  assert.ok(m1.text.content.includes(`https://aq.example/hazards/${h1.id}`));
  assert.deepEqual(m1.text.mentioned_mobile_list, ['13800001111']);
  // two due at once: one message carrying both
  const h2 = await report(), h3 = await report();
  await tick(srv);
  assert.equal(rcv.got.wecom.length, 2, 'coalesced into one message');
  assert.ok(rcv.got.wecom[1].text.content.includes(h2.number) && rcv.got.wecom[1].text.content.includes(h3.number));
  // the channel's limit (2 a minute here, 20 by default) holds the next one for a minute
  const h4 = await report();
  await tick(srv);
  assert.equal(rcv.got.wecom.length, 2, 'over the limit: held');
  assert.equal((await outbox((m) => m.channel_kind === 'wecom' && m.title.includes(h4.number)))[0].state, 'queued');
  await at(now + 61);
  await tick(srv);
  assert.equal(rcv.got.wecom.length, 3);
  assert.ok(rcv.got.wecom[2].text.content.includes(h4.number));
  // a flood: the minute's last request carries what fits and stands for the rest
  const flood = [];
  for (let i = 0; i < 6; i++) flood.push(await report({ level: 'major', description: `泄漏 ${i}` }));
  const due = (await outbox((m) => m.channel_kind === 'wecom' && m.state === 'queued')).length;
  assert.ok(due > 20, `${due} robot messages due`);
  await tick(srv);
  assert.equal(rcv.got.wecom.length, 4, 'one summary');
  const sum = rcv.got.wecom[3].text.content;
  assert.ok(Buffer.byteLength(sum) <= 2048);
  const listed = flood.filter((h) => sum.includes(h.number)).length;
  const more = Number(/未列出的其余消息.*?: (\d+) · https:\/\/aq\.example\/inbox/.exec(sum)?.[1]);
  assert.ok(listed >= 1 && more > 0, sum);
  assert.equal((await outbox((m) => m.channel_kind === 'wecom' && m.state !== 'sent')).length, 0, 'all stood for');
  assert.deepEqual(rcv.refused, []);
});

test('钉钉 robot: signed requests pass the receiver; "too fast" waits out the 10-minute block', async () => {
  const id = await channel({ kind: 'dingtalk', name: '钉钉安全群', url: `${rcv.base}/dingtalk/send?access_token=${rcv.secrets.dingToken}`,
    secret: rcv.secrets.dingSecret });
  // write-only: the page says "set", never the value; the database holds it sealed
  const page = await admin.get(`/admin/notify/channels/${id}`);
  assert.equal(page.status, 200);
  assert.ok(!page.text.includes(rcv.secrets.dingSecret));
  assert.match(page.text, /已设置/);
  const sealed = runSql(srv.dir, `SELECT secret FROM notify_channels WHERE id = ${id}`);
  assert.match(sealed, /^[0-9a-f]{80,}\s*$/);
  assert.ok(!sealed.includes(Buffer.from(rcv.secrets.dingSecret).toString('hex')));
  assert.equal(statSync(join(srv.dir, 'notify.key')).mode & 0o777, 0o600);

  const h = await report();
  await tick(srv);
  assert.deepEqual(rcv.refused, [], 'signature and timestamp accepted');
  const d = rcv.got.dingtalk.at(-1);
  assert.ok(d.markdown.text.includes(h.number) && d.markdown.text.includes('@13800001111'));
  assert.deepEqual(d.at.atMobiles, ['13800001111']);

  rcv.mode.dingtalk = 'limit';
  const h2 = await report();
  await tick(srv);
  rcv.mode.dingtalk = 'ok';
  const [row] = await outbox((m) => m.channel_kind === 'dingtalk' && m.title.includes(h2.number));
  assert.equal(row.state, 'retrying');
  assert.match(row.last_error, /130101/);
  assert.ok(row.due_at >= now + 600, 'not before the block ends');
  const n = rcv.got.dingtalk.length;
  await at(now + 300);
  await tick(srv);
  assert.equal(rcv.got.dingtalk.length, n, 'still blocked');
  await at(row.due_at + 1);
  await tick(srv);
  assert.equal(rcv.got.dingtalk.length, n + 1);
  assert.ok(rcv.got.dingtalk.at(-1).markdown.text.includes(h2.number));
});

test('webhook: signed, retried after an outage, dead after N attempts and re-sent; a silent receiver times out', async () => {
  await channel({ kind: 'webhook', name: 'EHS 平台', url: `${rcv.base}/webhook`, secret: rcv.secrets.hookSecret });
  rcv.mode.webhook = '5xx';
  const h = await report();
  await tick(srv);
  let [row] = await outbox((m) => m.channel_kind === 'webhook' && m.title.includes(h.number));
  assert.equal(row.state, 'retrying');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error, /HTTP 503/);
  rcv.mode.webhook = 'ok';
  await at(now + 31);	// the first back-off is 15–30 s (30 s, half of it jitter)
  await tick(srv);
  [row] = await outbox((m) => m.id === row.id);
  assert.equal(row.state, 'sent');
  const got = rcv.got.webhook.filter((w) => w.key === row.idem_key);
  assert.equal(got.length, 1, 'delivered once, with the outbox key');
  assert.equal(got[0].ev.link, `/hazards/${h.id}`);
  assert.equal(got[0].ev.kind, 'hazard.assigned');

  rcv.mode.webhook = '5xx';
  const h2 = await report();
  for (const wait of [0, 31, 61]) {	// attempts 1, 2, 3 (max_attempts = 3)
    await at(now + wait);
    await tick(srv);
  }
  [row] = await outbox((m) => m.channel_kind === 'webhook' && m.title.includes(h2.number));
  assert.equal(row.state, 'dead');
  assert.equal(row.attempts, 3);
  const page = await admin.get('/admin/notify/outbox?state=dead');
  assert.ok(page.text.includes(`/admin/notify/outbox/${row.id}/resend`), 'the dead letter offers a re-send');
  rcv.mode.webhook = 'ok';
  assert.equal((await adminApi.postJson(`/api/v1/notify/outbox/${row.id}/resend`, {})).status, 200);
  await tick(srv);
  [row] = await outbox((m) => m.id === row.id);
  assert.equal(row.state, 'sent');
  assert.equal((await adminApi.postJson(`/api/v1/notify/outbox/${row.id}/resend`, {})).status, 409, 'only dead ones');

  rcv.mode.webhook = 'timeout';
  const h3 = await report();
  await tick(srv);
  rcv.mode.webhook = 'ok';
  [row] = await outbox((m) => m.channel_kind === 'webhook' && m.title.includes(h3.number));
  assert.equal(row.state, 'retrying');
  assert.match(row.last_error, /time/i);
});

test('e-mail: a routing rule, the person\'s address, UTF-8 subject, text and HTML, their language, quiet hours, the 08:00 digest', async () => {
  await channel({ kind: 'smtp', name: '公司邮件', url: rcv.smtpUrl, from: 'anquan@plant.test', user: rcv.secrets.smtpUser,
    secret: rcv.secrets.smtpPass, tls: 'starttls', ca_file: join(tlsDir, 'cert.pem') });
  let r = await admin.post('/admin/notify/routes', { kind: 'Hazard!', channel_kind: 'smtp' });
  assert.equal(r.status, 422);
  assert.match(r.text, /value="Hazard!"/);
  r = await admin.post('/admin/notify/routes', { kind: 'hazard.assigned', channel_kind: 'smtp' });
  assert.equal(r.status, 303);
  let bz = await browser('banzhang');
  const mails = () => rcv.got.smtp.filter((m) => m.rcpt[0] === 'banzhang@plant.test');
  r = await bz.post('/me/notify', { email: 'banzhang-at-plant', channels: 'smtp' });
  assert.equal(r.status, 422);
  assert.match(r.text, /banzhang-at-plant/);
  assert.equal((await bz.post('/me/notify', { email: 'banzhang@plant.test', channels: 'smtp' })).status, 303);

  const h = await report();
  await tick(srv);
  assert.equal(mails().length, 1);
  const mail = mails()[0];
  assert.deepEqual(mail.rcpt, ['banzhang@plant.test']);
  assert.equal(mail.from, 'anquan@plant.test');
  assert.match(mail.subjectRaw, /^=\?UTF-8\?B\?/);
  assert.ok(mail.subject.includes(h.number) && /隐患/.test(mail.subject), mail.subject);
  assert.ok(mail.text.includes(`https://aq.example/hazards/${h.id}`));
  assert.ok(mail.html.includes(`<a href="https://aq.example/hazards/${h.id}">`));
  assert.match(mail.headers['message-id'], /^<.*\|.*@anquan>$/);

  // the recipient's language, not the reporter's
  await bz.post('/lang', { lang: 'en', next: '/' });
  const h2 = await report();
  await tick(srv);
  const m2 = mails().at(-1);
  assert.ok(m2.subject.includes(h2.number) && !/隐患/.test(m2.subject), m2.subject);

  // quiet hours 22:00–07:00: a message at 23:00 waits until 07:00
  assert.equal((await bz.post('/me/notify', { email: 'banzhang@plant.test', channels: 'smtp', quiet_from: '22:00',
    quiet_to: '07:00' })).status, 303);
  await at(nextLocal(23));
  const h3 = await report();
  await tick(srv);
  assert.equal(mails().length, 2, 'quiet');
  await at(nextLocal(7));
  await tick(srv);
  assert.equal(mails().length, 3);
  assert.ok(mails()[2].subject.includes(h3.number));

  // a digest: held until 08:00 and sent as one mail
  bz = await browser('banzhang');
  assert.equal((await bz.post('/me/notify', { email: 'banzhang@plant.test', channels: 'smtp', digest: '1' })).status, 303);
  await at(nextLocal(9));
  const h4 = await report(), h5 = await report();
  await tick(srv);
  assert.equal(mails().length, 3, 'held for the digest');
  await at(nextLocal(8));
  await tick(srv);
  assert.equal(mails().length, 4, 'one digest mail');
  const dg = mails()[3];
  assert.equal(dg.subject, 'Daily safety digest');
  assert.ok(dg.text.includes(h4.number) && dg.text.includes(h5.number));
});

test('SMS: Aliyun SendSms signed as Aliyun checks it, and a generic gateway; urgent goes through quiet hours', async () => {
  await channel({ kind: 'sms_aliyun', name: '阿里云短信', url: `${rcv.base}/`, access_key_id: rcv.secrets.aliyunId,
    sign_name: '安全平台', template_code: 'SMS_153055065', secret: rcv.secrets.aliyunSecret });
  await channel({ kind: 'sms_http', name: '短信网关', url: `${rcv.base}/sms`, sign_name: '安全平台',
    template_code: 'T100', secret: rcv.secrets.smsToken });
  await channel({ kind: 'sms_http', name: '另一家短信', url: `${rcv.base}/sms`, template_code: 'T200',
    body: '{"to":{phone},"tpl":{template},"vars":{"t":{title},"u":{link}}}', secret: rcv.secrets.smsToken });
  await setPhone('zongjian', '13900000001');
  await at(nextLocal(23, 30));
  const zj = await browser('zongjian');
  assert.equal((await zj.post('/me/notify', { channels: 'sms', quiet_from: '22:00', quiet_to: '07:00' })).status, 303);
  const h = await report({ level: 'major', description: '反应釜区可燃气体报警器失效' });
  await tick(srv);
  assert.deepEqual(rcv.refused, []);
  assert.equal(rcv.got.aliyun.length, 1, 'urgent: not held by quiet hours');
  const a = rcv.got.aliyun[0];
  assert.equal(a.PhoneNumbers, '13900000001');
  assert.equal(a.SignName, '安全平台');
  assert.equal(a.TemplateCode, 'SMS_153055065');
  assert.ok(a.params.title.includes(h.number));
  assert.equal(a.params.link, `https://aq.example/hazards/${h.id}`);
  assert.equal(rcv.got.sms.length, 2, 'both gateways');
  const plain = rcv.got.sms.find((m) => m.template === 'T100');
  assert.equal(plain.phone, '13900000001');
  assert.ok(plain.params.title.includes(h.number));
  const shaped = rcv.got.sms.find((m) => m.tpl === 'T200');	// the provider's shape, from the template
  assert.deepEqual(shaped, { to: '13900000001', tpl: 'T200', vars: { t: plain.params.title, u: `https://aq.example/hazards/${h.id}` } });
});

test('send a test message from the channel page, as text and as markdown; the outbox page lists states', async () => {
  await fresh();
  const page = await admin.get('/admin/notify');
  const wecom = [...page.text.matchAll(/\/admin\/notify\/channels\/(\d+)">一车间安全群/g)][0][1];
  await at(now + 120);
  const n = rcv.got.wecom.length;
  const r = await admin.post(`/admin/notify/channels/${wecom}/test`, { address: '' });
  assert.equal(r.status, 200);
  assert.match(r.text, /测试消息已发出/);
  assert.equal(rcv.got.wecom.length, n + 1);
  assert.match(rcv.got.wecom.at(-1).text.content, /测试消息/);
  // markdown instead of text: the robot's other shape (no @ list; the link in the text)
  assert.equal((await admin.post(`/admin/notify/channels/${wecom}`, { format: 'markdown', active: '1' })).status, 303);
  await admin.post(`/admin/notify/channels/${wecom}/test`, { address: '' });
  const md = rcv.got.wecom.at(-1);
  assert.equal(md.msgtype, 'markdown');
  assert.match(md.markdown.content, /测试消息[\s\S]*https:\/\/aq\.example\/admin\/notify/);
  const ob = await admin.get('/admin/notify/outbox');
  assert.equal(ob.status, 200);
  assert.match(ob.text, /已发送/);
});

test('e-mail over STARTTLS and SMTPS, the server checked against the plant\'s own CA', async () => {
  const ca = join(tlsDir, 'cert.pem');
  for (const [name, url, extra] of [['邮件 STARTTLS', rcv.smtpUrl, { tls: 'starttls' }], ['邮件 SMTPS', rcv.smtpsUrl, {}]]) {
    const id = await channel({ kind: 'smtp', name, url, from: 'anquan@plant.test', user: rcv.secrets.smtpUser,
      secret: rcv.secrets.smtpPass, ca_file: ca, ...extra });
    const n = rcv.got.smtp.length;
    const r = await admin.post(`/admin/notify/channels/${id}/test`, { address: 'tls@plant.test' });
    assert.match(r.text, /测试消息已发出/, `${name}: ${/notify\.test_failed|未发出[^<]*/.exec(r.text)?.[0]}`);
    assert.equal(rcv.got.smtp.length, n + 1);
    const m = rcv.got.smtp.at(-1);
    assert.equal(m.secure, true, `${name}: encrypted before AUTH and DATA`);
    assert.deepEqual(m.rcpt, ['tls@plant.test']);
    assert.equal(m.subject, '安全生产管理系统测试消息');
    await admin.post(`/admin/notify/channels/${id}`, {});	// off again: one e-mail channel is enough
  }
  // without the CA the certificate is refused: nothing is sent in clear instead
  // (test 5's channel is STARTTLS with the CA too: this receiver refuses AUTH in clear)
  const id = await channel({ kind: 'smtp', name: '邮件 无CA', url: rcv.smtpUrl, from: 'anquan@plant.test', tls: 'starttls',
    user: rcv.secrets.smtpUser, secret: rcv.secrets.smtpPass });
  const n = rcv.got.smtp.length;
  const r = await admin.post(`/admin/notify/channels/${id}/test`, { address: 'tls@plant.test' });
  assert.match(r.text, /测试消息未发出/);
  assert.equal(rcv.got.smtp.length, n);
  await admin.post(`/admin/notify/channels/${id}`, {});
});
