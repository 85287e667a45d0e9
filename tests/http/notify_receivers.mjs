// tests/http/notify_receivers.mjs — the services the outbox talks to, played on 127.0.0.1 so
// that nothing in the tests leaves the machine. Each checks a request the way the real one
// does and records what it accepted:
//   /wecom/send?key=K        企业微信 group robot: body shapes (text with mentioned_mobile_list,
//                            markdown), content ≤ 2048 / 4096 bytes, 20 a minute (errcode 45009)
//   /dingtalk/send?access_token=T&timestamp=MS&sign=S
//                            钉钉 robot with 加签: S = urlencode(base64(HMAC-SHA256(secret,
//                            MS + "\n" + secret))), MS within one hour of the clock, 20 a minute
//                            and then blocked for 10 minutes (errcode 130101)
//   /aliyun/                 Aliyun SendSms with the ACS3-HMAC-SHA256 signature
//   /sms                     a generic SMS gateway (Bearer token, template + params)
//   /webhook                 an integrator: X-Anquan-Signature over timestamp + "." + body
// and an SMTP server (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA; STARTTLS and an SMTPS port
// when given tls: {key, cert}) that decodes what it gets.
// Any service can be told to answer 5xx, to time out or to say "too many" (mode[name]).
// The services' clock is the anquan server's test clock (set `clockMs`), as it is the one the
// sender signs and limits by.
import http from 'node:http';
import net from 'node:net';
import { TLSSocket, createServer as createTlsServer } from 'node:tls';
import { createHash, createHmac } from 'node:crypto';

const hmac = (key, msg) => createHmac('sha256', key).update(msg);
const enc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export async function startReceivers({ wecomKey = 'wk1', dingToken = 'dt1', dingSecret = 'SECdemo',
  aliyunId = 'LTAIdemo', aliyunSecret = 'aliyun-secret', smsToken = 'sms-token', hookSecret = 'hook-secret',
  smtpUser = 'mailer', smtpPass = 'mail-pass', tls = null } = {}) {
  const r = {
    clockMs: 0,
    mode: { wecom: 'ok', dingtalk: 'ok', aliyun: 'ok', sms: 'ok', webhook: 'ok', smtp: 'ok' },
    got: { wecom: [], dingtalk: [], aliyun: [], sms: [], webhook: [], smtp: [] },
    refused: [],	// {service, why}: requests a real service would have refused
    sends: { wecom: [], dingtalk: [] },	// accepted request times (clock ms), for the limits
    dingBlockedUntil: 0,
    hits: 0,
    webhookDelayMs: 0,	// answer the webhook after up to this many ms (the crash test)
  };
  const answer = (res, status, obj) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  const refuse = (res, service, why, obj) => {
    r.refused.push({ service, why });
    answer(res, 200, obj);
  };
  // per-minute window on the server's clock
  const overLimit = (name) => {
    const now = r.clockMs;
    r.sends[name] = r.sends[name].filter((t) => t > now - 60000);
    return r.sends[name].length >= 20;
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://127.0.0.1');
    const name = url.pathname === '/' ? 'aliyun' : url.pathname.split('/')[1];
    r.hits++;
    const mode = r.mode[name];
    if (mode === '5xx') return answer(res, 503, { error: 'unavailable' });
    if (mode === 'timeout') return;	// never answers: the sender's timeout ends it
    if (name === 'wecom') {
      if (url.searchParams.get('key') !== wecomKey) return refuse(res, name, 'key', { errcode: 93000, errmsg: 'invalid webhook url' });
      if (mode === 'limit' || overLimit('wecom')) return answer(res, 200, { errcode: 45009, errmsg: 'api freq out of limit' });
      let b;
      try { b = JSON.parse(raw); } catch { return refuse(res, name, 'json', { errcode: 40008, errmsg: 'invalid message type' }); }
      const max = b.msgtype === 'text' ? 2048 : b.msgtype === 'markdown' ? 4096 : 0;
      const content = b[b.msgtype]?.content;
      if (!max || typeof content !== 'string') return refuse(res, name, 'shape', { errcode: 40008, errmsg: 'invalid message type' });
      if (Buffer.byteLength(content) > max) return refuse(res, name, 'size', { errcode: 40058, errmsg: 'content exceed max length' });
      const ml = b.text?.mentioned_mobile_list;
      if (ml !== undefined && (!Array.isArray(ml) || ml.some((m) => typeof m !== 'string'))) return refuse(res, name, 'mentions', { errcode: 40058, errmsg: 'invalid mentioned_mobile_list' });
      r.sends.wecom.push(r.clockMs);
      r.got.wecom.push(b);
      return answer(res, 200, { errcode: 0, errmsg: 'ok' });
    }
    if (name === 'dingtalk') {
      if (url.searchParams.get('access_token') !== dingToken) return refuse(res, name, 'token', { errcode: 300001, errmsg: 'token is not exist' });
      const ts = url.searchParams.get('timestamp');
      const sign = url.searchParams.get('sign');
      if (!ts || Math.abs(Number(ts) - r.clockMs) > 3600 * 1000) return refuse(res, name, 'timestamp', { errcode: 310000, errmsg: 'timestamp invalid' });
      const want = hmac(dingSecret, `${ts}\n${dingSecret}`).digest('base64');
      if (sign !== want) return refuse(res, name, 'sign', { errcode: 310000, errmsg: 'sign not match' });
      if (r.clockMs < r.dingBlockedUntil) return answer(res, 200, { errcode: 130101, errmsg: 'send too fast, blocked' });
      if (mode === 'limit' || overLimit('dingtalk')) {
        r.dingBlockedUntil = r.clockMs + 600 * 1000;	// over 20 a minute: blocked for 10 minutes
        return answer(res, 200, { errcode: 130101, errmsg: 'send too fast' });
      }
      let b;
      try { b = JSON.parse(raw); } catch { return refuse(res, name, 'json', { errcode: 40035, errmsg: 'bad json' }); }
      if (b.msgtype !== 'markdown' || typeof b.markdown?.title !== 'string' || typeof b.markdown?.text !== 'string') return refuse(res, name, 'shape', { errcode: 40035, errmsg: 'bad shape' });
      if (Buffer.byteLength(b.markdown.text) > 20000) return refuse(res, name, 'size', { errcode: 460101, errmsg: 'message too long' });
      r.sends.dingtalk.push(r.clockMs);
      r.got.dingtalk.push(b);
      return answer(res, 200, { errcode: 0, errmsg: 'ok' });
    }
    if (name === 'aliyun') {
      // recompute the ACS3-HMAC-SHA256 signature from what arrived
      const auth = req.headers.authorization || '';
      const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(auth);
      if (!m || m[1] !== aliyunId) return refuse(res, name, 'credential', { Code: 'InvalidAccessKeyId.NotFound' });
      const signed = m[2].split(';');
      if (!['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'].every((h) => signed.includes(h))) return refuse(res, name, 'headers', { Code: 'IncompleteSignature' });
      const bodyHash = createHash('sha256').update(raw).digest('hex');
      if (req.headers['x-acs-content-sha256'] !== bodyHash) return refuse(res, name, 'body hash', { Code: 'IncompleteSignature' });
      const date = Date.parse(req.headers['x-acs-date']);
      if (!(Math.abs(date - r.clockMs) <= 15 * 60 * 1000)) return refuse(res, name, 'date', { Code: 'InvalidTimeStamp.Expired' });
      const q = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${enc3986(k)}=${enc3986(v)}`).join('&');
      const canon = ['POST', '/', q, signed.map((h) => `${h}:${String(req.headers[h]).trim()}\n`).join(''),
        signed.join(';'), bodyHash].join('\n');
      const sts = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canon).digest('hex')}`;
      if (hmac(aliyunSecret, sts).digest('hex') !== m[3]) return refuse(res, name, 'signature', { Code: 'SignatureDoesNotMatch' });
      if (req.headers['x-acs-action'] !== 'SendSms' || req.headers['x-acs-version'] !== '2017-05-25') return refuse(res, name, 'action', { Code: 'InvalidAction' });
      if (mode === 'limit') return answer(res, 200, { Code: 'isv.BUSINESS_LIMIT_CONTROL' });
      const p = Object.fromEntries(url.searchParams);
      let params;
      try { params = JSON.parse(p.TemplateParam); } catch { return refuse(res, name, 'TemplateParam', { Code: 'isv.INVALID_JSON_PARAM' }); }
      if (!/^1\d{10}$/.test(p.PhoneNumbers || '') || !p.SignName || !p.TemplateCode) return refuse(res, name, 'params', { Code: 'isv.MOBILE_NUMBER_ILLEGAL' });
      r.got.aliyun.push({ ...p, params });
      return answer(res, 200, { Code: 'OK', Message: 'OK', BizId: String(r.got.aliyun.length), RequestId: 'r' });
    }
    if (name === 'sms') {
      if (req.headers.authorization !== `Bearer ${smsToken}`) return answer(res, 401, { error: 'auth' });
      r.got.sms.push(JSON.parse(raw));
      return answer(res, 200, { ok: true });
    }
    if (name === 'webhook') {
      if (r.webhookDelayMs) await new Promise((ok) => setTimeout(ok, Math.random() * r.webhookDelayMs));
      const ts = req.headers['x-anquan-timestamp'];
      const want = 'sha256=' + hmac(hookSecret, `${ts}.${raw}`).digest('hex');
      if (req.headers['x-anquan-signature'] !== want) return answer(res, 401, { error: 'signature' });
      if (mode === 'limit') return answer(res, 429, { error: 'slow down' });
      r.got.webhook.push({ key: req.headers['x-anquan-delivery'], ev: JSON.parse(raw) });
      return answer(res, 204, {});
    }
    answer(res, 404, {});
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;

  // SMTP: enough of RFC 5321 for libcurl (and STARTTLS, RFC 3207, when a certificate is
  // given), and a decoder for what we wrote. smtpsUrl: TLS from the first byte (port 465 style).
  const conversation = (sock, secure) => {
    let buf = '', data = null, from = '', rcpt = [], authStep = null;
    sock.on('error', () => {});
    const onData = (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (data !== null) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buf.slice(0, end);
          buf = buf.slice(end + 5);
          r.got.smtp.push({ ...decodeMail(from, rcpt, Buffer.from(data, 'latin1')), secure });
          data = null;
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (authStep === 'plain') {
          const [, u, p] = Buffer.from(line, 'base64').toString().split('\0');
          authStep = null;
          sock.write(u === smtpUser && p === smtpPass ? '235 OK\r\n' : '535 bad credentials\r\n');
          continue;
        }
        if (authStep === 'user') { authStep = Buffer.from(line, 'base64').toString(); sock.write('334 UGFzc3dvcmQ6\r\n'); continue; }
        if (typeof authStep === 'string') {
          const ok = authStep === smtpUser && Buffer.from(line, 'base64').toString() === smtpPass;
          authStep = null;
          sock.write(ok ? '235 OK\r\n' : '535 bad credentials\r\n');
          continue;
        }
        const verb = line.slice(0, 8).toUpperCase().split(' ')[0];
        if (verb === 'EHLO') sock.write(`250-127.0.0.1\r\n${tls && !secure ? '250-STARTTLS\r\n' : ''}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n`);
        else if (verb === 'HELO') sock.write('250 127.0.0.1\r\n');
        else if (verb === 'STARTTLS' && tls && !secure) {
          sock.removeListener('data', onData);
          sock.write('220 go ahead\r\n', () => conversation(new TLSSocket(sock, { isServer: true, ...tls }), true));
          return;
        } else if (verb === 'AUTH') {
          if (tls && !secure) { sock.write('530 must issue STARTTLS first\r\n'); continue; }
          const [, mech, arg] = line.split(' ');
          if (mech === 'PLAIN' && arg) {
            const [, u, p] = Buffer.from(arg, 'base64').toString().split('\0');
            sock.write(u === smtpUser && p === smtpPass ? '235 OK\r\n' : '535 bad credentials\r\n');
          } else if (mech === 'PLAIN') { authStep = 'plain'; sock.write('334 \r\n'); } else if (mech === 'LOGIN' && arg) { authStep = Buffer.from(arg, 'base64').toString(); sock.write('334 UGFzc3dvcmQ6\r\n'); } else if (mech === 'LOGIN') { authStep = 'user'; sock.write('334 VXNlcm5hbWU6\r\n'); } else sock.write('504 no\r\n');
        } else if (verb === 'MAIL') {
          if (r.mode.smtp === '5xx') { sock.write('451 try later\r\n'); continue; }
          from = /<([^>]*)>/.exec(line)?.[1] || ''; rcpt = []; sock.write('250 OK\r\n');
        } else if (verb === 'RCPT') { rcpt.push(/<([^>]*)>/.exec(line)?.[1] || ''); sock.write('250 OK\r\n'); }
        else if (verb === 'DATA') { data = ''; sock.write('354 go on\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');	// RSET, NOOP
      }
    };
    sock.on('data', onData);
  };
  const greet = (sock, secure) => { conversation(sock, secure); sock.write('220 127.0.0.1 ESMTP test\r\n'); };
  const smtp = net.createServer((sock) => greet(sock, false));
  await new Promise((ok) => smtp.listen(0, '127.0.0.1', ok));
  const smtpUrl = `smtp://127.0.0.1:${smtp.address().port}`;
  let smtps = null, smtpsUrl = null;
  if (tls) {
    smtps = createTlsServer(tls, (sock) => greet(sock, true));
    await new Promise((ok) => smtps.listen(0, '127.0.0.1', ok));
    smtpsUrl = `smtps://127.0.0.1:${smtps.address().port}`;
  }

  return Object.assign(r, {
    base, smtpUrl, smtpsUrl,
    secrets: { wecomKey, dingToken, dingSecret, aliyunId, aliyunSecret, smsToken, hookSecret, smtpUser, smtpPass },
    close: () => { server.closeAllConnections?.(); server.close(); smtp.close(); smtps?.close(); },
  });
}

// Headers unfolded, the Subject decoded from RFC 2047 words, each MIME part's base64 decoded.
function decodeMail(from, rcpt, raw) {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const l of head.split('\r\n')) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const words = headers.subject.match(/=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=/g) || [];
  const subject = Buffer.concat(words.map((w) => Buffer.from(w.slice(10, -2), 'base64'))).toString('utf8');
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'])?.[1];
  const parts = {};
  for (const p of text.slice(split + 4).split(`--${boundary}`)) {
    const m = /Content-Type: (text\/\w+)[^\r]*\r\n(?:[^\r]+\r\n)*\r\n([\s\S]*)$/.exec(p);
    if (m) parts[m[1]] = Buffer.from(m[2].replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { from, rcpt, headers, subject, subjectRaw: headers.subject, text: parts['text/plain'], html: parts['text/html'] };
}
