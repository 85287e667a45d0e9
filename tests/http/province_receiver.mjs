// tests/http/province_receiver.mjs — the provincial dual-prevention platform, played on
// 127.0.0.1 for tests/http/province.test.mjs. It takes what the uploader posts the way a
// province's interface does (DOMAIN §7): POST <path> with HTTP Basic credentials and
// {"companyCode", "datas"}, datas being the records of one object type as a JSON array,
// AES-128-CBC/PKCS#7 under the company's key with a random IV written before the ciphertext,
// base64. It checks the credentials and the company, decrypts with the key, validates each
// record (required fields, code lists, time formats, and that it points at a record of the
// chain it already holds) and refuses those that fail, naming why. It stores records by id
// (an upsert: a record sent twice is held once) and counts deliveries, so a test can tell
// "nothing lost" and "nothing duplicated".
// Deletions: a record with deleted "1" of a type that sends only what the province holds
// (hazards, permit approvals) removes it, and is refused when the province never held it;
// the other types' deactivated records are held with deleted "1". A hazard's photos must be
// base64 JPEG or PNG of at most 5 MB each.
//   mode: 'ok' | 'down' (503) | 'slow' (stores, then answers after slowMs: past the
//   uploader's timeout) | 'denied' (code 401 for every batch)
import http from 'node:http';
import { createDecipheriv } from 'node:crypto';

const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const HM = /^\d\d:\d\d$/;
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
// per path: the object type, required fields with their checks, and the parent it points at
const SPEC = {
  '/riskObject': { type: 'objects', req: { id: 'id', riskObjectName: 'text', hazardDep: 'text', hazardLiablePerson: 'text', deleted: ['0', '1'] } },
  '/riskUnit': { type: 'units', req: { id: 'id', riskObjectId: 'id', riskUnitName: 'text', hazardDep: 'text', hazardLiablePerson: 'text', deleted: ['0', '1'] }, parent: ['riskObjectId', 'objects'] },
  '/riskEvent': { type: 'events', req: { id: 'id', riskUnitId: 'id', riskEventName: 'text', accidentType: range(1, 20), riskLevel: ['1', '2', '3', '4'], deleted: ['0', '1'] }, parent: ['riskUnitId', 'units'] },
  '/riskMeasure': { type: 'measures', req: { id: 'id', riskEventId: 'id', riskMeasureDesc: 'text', classify1: ['1', '2', '3', '4'], troubleshootContent: 'text', dataSrc: 'text', deleted: ['0', '1'] }, parent: ['riskEventId', 'events'] },
  '/checkTask': { type: 'tasks', req: { id: 'id', riskMeasureId: 'id', troubleshootContent: 'text', checkCycle: 'number', checkCycleUnit: ['小时', '天', '周', '月', '年'], taskStartTime: 'time', workStartTime: 'hm', workEndTime: 'hm', workDayType: ['0', '1'], workType: ['0', '1'], taskNum: 'text', deleted: ['0', '1'] }, parent: ['riskMeasureId', 'measures'] },
  '/checkRecord': { type: 'records', req: { id: 'id', checkTaskId: 'id', checkTime: 'time', mobileMe: 'text', isDefend: ['0', '1'], checkStatus: ['0', '1'] }, parent: ['checkTaskId', 'tasks'] },
  '/danger': { type: 'hazards', req: { id: 'id', dangerName: 'text', dangerLevel: ['0', '1'], dangerSrc: range(1, 10), dangerManageType: ['0', '1'], hazardDangerType: range(1, 8), hazardCategory: ['0', '1', '2', '3'], dangerState: ['0', '1', '9'], dangerDesc: 'text', registTime: 'time', deleted: ['0', '1'] }, photos: 'photos', deleteKnown: true },
  '/workApproval': { type: 'approvals', req: { id: 'id', workTicketId: 'id', workTicketNo: 'text', workType: range(1, 8), approvalStep: 'number', approvalNode: 'text', approvalPerson: 'text', approvalResult: ['0', '1'], approvalTime: 'time', deleted: ['0', '1'] }, deleteKnown: true },
  '/stopRecord': { type: 'stops', req: { id: 'id', riskUnitId: 'id', stopStartTime: 'time', stopEndTime: 'time', stopReason: 'text', deleted: ['0', '1'] }, parent: ['riskUnitId', 'units'] },
};

function check(spec, rec, store) {
  // a deletion names the record by id: it must be one the province holds
  if (spec.deleteKnown && rec.deleted === '1') {
    if (!/^\d+$/.test(String(rec.id ?? ''))) return 'id: not an id';
    return store[spec.type].has(String(rec.id)) ? null : `deleted: no such ${spec.type} record held`;
  }
  for (const [f, rule] of Object.entries(spec.req)) {
    const v = rec[f];
    if (v === undefined || v === null || v === '') return `${f} is required`;
    if (Array.isArray(rule) && !rule.includes(String(v))) return `${f}: ${v} is not in the code list`;
    if (rule === 'id' && !/^\d+$/.test(String(v))) return `${f}: not an id`;
    if (rule === 'time' && !TIME.test(v)) return `${f}: not yyyy-MM-dd HH:mm:ss`;
    if (rule === 'hm' && !HM.test(v)) return `${f}: not HH:mm`;
    if (rule === 'number' && typeof v !== 'number') return `${f}: not a number`;
  }
  if (spec.photos && rec[spec.photos] !== undefined) {
    const ph = rec[spec.photos];
    if (!Array.isArray(ph)) return `${spec.photos}: not an array`;
    for (const p of ph) {
      const b = typeof p === 'string' ? Buffer.from(p, 'base64') : Buffer.alloc(0);
      const jpeg = b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
      const png = b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      if (!jpeg && !png) return `${spec.photos}: not a base64 JPEG or PNG`;
      if (b.length > 5 * 1024 * 1024) return `${spec.photos}: over 5 MB`;
    }
  }
  // the province's own limit, which the uploader does not know: refused there, not here
  if (rec.stopReason && [...rec.stopReason].length > 50) return 'stopReason longer than 50 characters';
  if (spec.parent) {
    const [f, type] = spec.parent;
    if (!store[type].has(String(rec[f]))) return `${f} ${rec[f]}: no such ${type} record`;
  }
  return null;
}

export async function startProvinceReceiver({ user = 'qy-demo', pass = 'prov-pass-1', key = '0123456789abcdef',
  company = '91320000TEST0001' } = {}) {
  const r = {
    mode: 'ok', slowMs: 0, hits: 0, batches: 0,
    store: Object.fromEntries(Object.values(SPEC).map((s) => [s.type, new Map()])),
    deliveries: new Map(),	// "type:id" -> times received
    refused: [],		// {type, id, reason}
    deleted: [],		// "type:id" removed by a deletion
    denied: [],		// batches refused as a whole (credentials, company, decryption)
  };
  const answer = (res, status, obj) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    r.hits++;
    const spec = SPEC[new URL(req.url, 'http://x').pathname];
    if (r.mode === 'down') return answer(res, 503, { code: 503, msg: 'maintenance' });
    if (!spec || req.method !== 'POST') return answer(res, 404, { code: 404, msg: 'no such interface' });
    const auth = req.headers.authorization || '';
    const basic = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    if (auth !== basic || r.mode === 'denied') {
      r.denied.push('credentials');
      return answer(res, 200, { code: 401, msg: 'bad credentials' });
    }
    let body, records;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const bin = Buffer.from(body.datas, 'base64');
      const d = createDecipheriv('aes-128-cbc', Buffer.from(key, 'utf8'), bin.subarray(0, 16));
      records = JSON.parse(Buffer.concat([d.update(bin.subarray(16)), d.final()]).toString('utf8'));
    } catch (e) {
      r.denied.push('decrypt');
      return answer(res, 200, { code: 400, msg: `cannot decrypt: ${e.message}` });
    }
    if (body.companyCode !== company) {
      r.denied.push('company');
      return answer(res, 200, { code: 403, msg: 'unknown company' });
    }
    if (!Array.isArray(records)) return answer(res, 200, { code: 400, msg: 'datas is not an array' });
    r.batches++;
    const results = [];
    for (const rec of records) {
      const why = check(spec, rec, r.store);
      const id = String(rec.id);
      const k = `${spec.type}:${id}`;
      r.deliveries.set(k, (r.deliveries.get(k) || 0) + 1);
      if (why) {
        r.refused.push({ type: spec.type, id, reason: why });
        results.push({ id, ok: false, reason: why });
      } else if (spec.deleteKnown && rec.deleted === '1') {
        r.store[spec.type].delete(id);
        r.deleted.push(k);
        results.push({ id, ok: true });
      } else {
        r.store[spec.type].set(id, rec);
        results.push({ id, ok: true });
      }
    }
    if (r.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, r.slowMs));
    if (!res.destroyed) answer(res, 200, { code: 0, msg: 'ok', results });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${server.address().port}`;
  r.close = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); });
  return r;
}
