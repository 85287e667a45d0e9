// tests/http/cert_import.test.mjs — importing the certificate ledger: XLSX (built here with
// node's zlib) and CSV, dry-run preview with per-row problems, all-or-nothing commit, the
// page flow (upload → preview → commit), export round trip, and bad files: not a ledger,
// old .xls, missing columns, empty rows, GBK-encoded CSV, and 50,000 rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from './lib.mjs';
import { makeXlsx } from './xlsx.mjs';

let srv;
let hr;
before(async () => {
  // a small ASan quarantine, so that the memory check below measures our allocations
  // rather than freed memory the sanitizer holds back (256 MB by default)
  const asan = process.env.ASAN_OPTIONS || 'detect_leaks=1:halt_on_error=1';
  srv = await startServer({ env: { ASAN_OPTIONS: `${asan}:quarantine_size_mb=8` } });
  hr = srv.client();
  await hr.apiLogin('renshi');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const HEAD = ['姓名', '工号', '工种/作业类别', '证件编号', '发证机关', '初领日期', '有效期至', '复审日期', '所属车间'];

async function upload(content, name, { commit = false, client = hr } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([content]), name);
  return client.request('POST', `/api/v1/certs/import${commit ? '?commit=1' : ''}`, { multipart: fd });
}

const csv = (rows) => '\uFEFF' + rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';

async function numbers() {
  const r = await hr.get('/api/v1/certs');
  return new Map(r.json.items.map((x) => [x.number, x]));
}

test('XLSX: shared and inline strings, numbers and Excel dates; dry run writes nothing, commit writes all', async () => {
  const rows = [
    ['台账（2026年）'],	// a title row above the header is common; it has no 姓名 column
  ];
  rows.length = 0;
  rows.push(['备注', ...HEAD]);	// an extra column before the layout, order otherwise standard
  rows.push(['', '周一', 'JN9001', '熔化焊接与热切割作业', { inline: 'X-0001' }, '南京市应急管理局',
    { date: '2024-03-01' }, { date: '2030-03-01' }, { date: '2027-03-01' }, '合成一车间']);
  rows.push([]);	// an empty row is skipped
  rows.push(['外协', '吴二', null, '低压电工作业', 'X-0002', '南京市应急管理局', '2024/3/1', '2030.3.1', '2027年3月1日', '罐区']);
  rows.push(['', '郑三', 'JN9003', 'Q2', 123456789, '江苏省市场监督管理局', 46082, '', '', '精馏车间']);
  const file = makeXlsx(rows);
  const dry = await upload(file, 'ledger.xlsx');
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.format, 'xlsx');
  assert.deepEqual([dry.json.rows, dry.json.ok, dry.json.bad, dry.json.committed], [3, 3, 0, 0]);
  assert.equal((await numbers()).has('X-0001'), false, 'the dry run wrote nothing');
  const done = await upload(file, 'ledger.xlsx', { commit: true });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.committed, 3, done.text);
  const n = await numbers();
  assert.equal(n.get('X-0001').item, 'weld.fusion');
  assert.equal(n.get('X-0001').expires_on, '2030-03-01');
  assert.equal(n.get('X-0001').review_on, '2027-03-01');
  assert.equal(n.get('X-0002').issued_on, '2024-03-01');
  assert.equal(n.get('X-0002').review_on, '2027-03-01');
  assert.equal(n.get('X-0002').unit, '罐区');
  assert.equal(n.get('123456789').item, 'se.Q2');
  // no expiry given: six years from the first issue (原安监总局令第30号)
  assert.equal(n.get('123456789').issued_on, '2026-03-01');
  assert.equal(n.get('123456789').expires_on, '2032-03-01');
  // importing it again: every number is now a duplicate against the database
  const again = await upload(file, 'ledger.xlsx', { commit: true });
  assert.equal(again.status, 422);
  assert.equal(again.json.committed, 0);
  assert.equal(again.json.problems.filter((p) => p.code === 'cert.import.duplicate_in_db').length, 3);
});

test('rows about the same person, by name within a unit or by 工号, make one person, in this import and the next', async () => {
  const first = await upload(csv([HEAD,
    ['两证', '', '低压电工作业', 'SP-0001', '', '2024-01-01', '2030-01-01', '', '罐区'],
    ['两证', '', '登高架设作业', 'SP-0002', '', '2024-01-01', '2030-01-01', '', '罐区'],
    ['两证', '', '登高架设作业', 'SP-0003', '', '2024-01-01', '2030-01-01', '', '精馏车间'],	// another unit: another person
    ['甲乙', 'JN7001', '低压电工作业', 'SP-0004', '', '2024-01-01', '2030-01-01', '', '罐区'],
    ['甲乙', 'JN7001', '登高架设作业', 'SP-0005', '', '2024-01-01', '2030-01-01', '', '合成一车间']]), 'same.csv', { commit: true });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual([first.json.committed, first.json.persons_created], [5, 3]);
  let n = await numbers();
  assert.equal(n.get('SP-0001').person_id, n.get('SP-0002').person_id);
  assert.notEqual(n.get('SP-0001').person_id, n.get('SP-0003').person_id);
  assert.equal(n.get('SP-0004').person_id, n.get('SP-0005').person_id);
  const next = await upload(csv([HEAD,
    ['两证', '', '熔化焊接与热切割作业', 'SP-0006', '', '2024-01-01', '2030-01-01', '', '罐区'],
    ['别名', 'JN7001', '熔化焊接与热切割作业', 'SP-0007', '', '2024-01-01', '2030-01-01', '', '罐区']]), 'next.csv', { commit: true });
  assert.deepEqual([next.json.committed, next.json.persons_created], [2, 0], next.text);
  n = await numbers();
  assert.equal(n.get('SP-0006').person_id, n.get('SP-0001').person_id);
  assert.equal(n.get('SP-0007').person_id, n.get('SP-0004').person_id);
});

test('CSV: each row\'s problems are listed, and one bad row means nothing is written', async () => {
  const file = csv([
    [...HEAD.slice().reverse(), '多余的列'],	// any order, extra columns
    ...[
      ['甲', 'C1', '熔化焊接与热切割作业', 'C-0001', '', '2024-01-01', '2030-01-01', '', '合成一车间'],
      ['乙', 'C2', '熔化焊接与热切割作业', 'C-0001', '', '2024-01-01', '2030-01-01', '', '合成一车间'],
      ['丙', 'C3', '杂技作业', 'C-0003', '', '2024-01-01', '2030-01-01', '', '合成一车间'],
      ['丁', 'C4', '高压电工作业', 'C-0004', '', '2024-01-01', '2030-02-30', '', '合成一车间'],
      ['戊', 'C5', '高压电工作业', 'C-0005', '', '2024-01-01', '2030-01-01', '', '不存在的车间'],
      ['己', 'C6', '高压电工作业', 'C-0006', '', '2024-01-01', '2030-01-01', '', '合成二车间'],
    ].map((r) => [...r.slice().reverse(), 'x']),
  ]);
  const r = await upload(file, 'ledger.csv', { commit: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.format, 'csv');
  assert.deepEqual([r.json.rows, r.json.ok, r.json.bad, r.json.committed], [6, 2, 4, 0]);
  const byRow = Object.fromEntries(r.json.problems.map((p) => [p.row, p]));
  assert.equal(byRow[3].code, 'cert.import.duplicate_in_file');
  assert.equal(byRow[3].field, '证件编号');
  assert.equal(byRow[4].code, 'cert.import.unknown_category');
  assert.equal(byRow[5].code, 'cert.import.bad_date');
  assert.equal(byRow[5].value, '2030-02-30');
  assert.equal(byRow[6].code, 'cert.import.unknown_unit');
  const n = await numbers();
  assert.equal(n.has('C-0001'), false, 'all or nothing');
  assert.equal(n.has('C-0006'), false, 'all or nothing');
});

test('bad files are refused with a message that says what to do', async () => {
  let r = await upload(Buffer.from('89504e470d0a1a0a0000', 'hex'), 'photo.png');
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'cert.import.bad_type');
  r = await upload(Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(64)]), 'old.xls');
  assert.equal(r.json.error.code, 'cert.import.old_xls');
  assert.match(r.json.error.message, /xlsx/);
  r = await upload(Buffer.from('PK\x03\x04garbage'), 'broken.xlsx');
  assert.equal(r.json.error.code, 'cert.import.not_xlsx');
  r = await upload(csv([['姓名', '工号', '工种', '发证机关', '有效期至', '所属车间'], ['甲', '', '电工作业', '', '2030-01-01', '罐区']]), 'x.csv');
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'cert.import.missing_column');
  assert.equal(r.json.error.field, '证件编号');
  r = await upload('\r\n\r\n,,,\r\n', 'empty.csv');
  assert.equal(r.json.error.code, 'cert.import.empty');
  r = await upload(makeXlsx([HEAD]), 'header-only.xlsx');
  assert.equal(r.json.error.code, 'cert.import.no_rows');
  // GBK from old Excel: converted, and the preview says so
  const gbk = Buffer.from(readFileSync(new URL('./cert_gbk.hex', import.meta.url), 'utf8').trim(), 'hex');
  r = await upload(gbk, 'gbk.csv', { commit: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.encoding, 'gb18030');
  assert.equal(r.json.committed, 1);
  const n = await numbers();
  assert.equal(n.get('GBK-0001').person, '钱多多');
  // bytes that are neither UTF-8 nor GB18030
  r = await upload(Buffer.from('姓名,证件编号\n\xff\xfe\xff,1\n', 'latin1'), 'bad.csv');
  assert.equal(r.json.error.code, 'cert.import.not_utf8');
  assert.match(r.json.error.message, /UTF-8/);
});

function rss(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)[1]) * 1024;
}

test('50,000 rows: per-row errors, a capped list, bounded memory, nothing half-imported', async () => {
  const lines = [HEAD.join(',')];
  for (let i = 0; i < 50000; i++)
    lines.push(`工人${i},,熔化焊接与热切割作业,BIG-${i},,2024-01-01,2030-01-01,,${i === 49999 ? '没有这个车间' : '合成一车间'}`);
  const file = lines.join('\n');
  const before = rss(srv.proc.pid);
  const r = await upload(file, 'big.csv', { commit: true });
  const grown = rss(srv.proc.pid) - before;
  assert.equal(r.status, 422);
  assert.deepEqual([r.json.rows, r.json.ok, r.json.bad, r.json.committed], [50000, 49999, 1, 0]);
  assert.equal(r.json.problems[0].row, 50001);
  assert.ok(grown < 300 * 1024 * 1024, `server grew by ${grown} bytes`);
  assert.equal((await numbers()).has('BIG-1'), false, 'rolled back');
  // every row bad: the list is capped, the count is complete
  const bad = lines.map((l, i) => (i ? l.replace('熔化焊接与热切割作业', '无此类别') : l)).join('\n');
  const r2 = await upload(bad, 'big-bad.csv');
  assert.equal(r2.json.bad, 50000);
  assert.equal(r2.json.problems.length, 200);
  assert.equal(r2.json.problems_total, 50001, 'the last row also names an unknown unit');
  // one row more is refused outright
  const r3 = await upload(file + '\n多一个,,熔化焊接与热切割作业,BIG-X,,2024-01-01,2030-01-01,,合成一车间', 'big2.csv');
  assert.equal(r3.json.error.code, 'cert.import.too_many_rows');
});

test('the page flow: upload → preview → commit; export as XLSX and CSV reads back', async () => {
  const c = srv.client();
  await c.login('renshi');
  const fd = new FormData();
  fd.append('file', new Blob([csv([HEAD, ['页面导入', 'P1', '登高架设作业', 'PG-0001', '', '2025-05-01', '2031-05-01', '2028-05-01', '罐区']])]), 'p.csv');
  const prev = await c.request('POST', '/certs/import', { multipart: fd });
  assert.equal(prev.status, 200);
  assert.match(prev.text, /data-ok="1"/);
  assert.equal((await numbers()).has('PG-0001'), false);
  const token = /name="token" value="([0-9a-f]+)"/.exec(prev.text)[1];
  const done = await c.post('/certs/import/commit', { token });
  assert.equal(done.status, 200);
  assert.match(done.text, /已导入证书 1/);
  assert.equal((await numbers()).has('PG-0001'), true);
  // someone else cannot use the token
  const other = srv.client();
  await other.login('renshi');
  assert.equal((await other.post('/certs/import/commit', { token })).status, 404);

  const x = await fetch(`${srv.url}/certs/export.xlsx`, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(x.status, 200);
  const xbuf = Buffer.from(await x.arrayBuffer());
  assert.equal(xbuf.subarray(0, 2).toString(), 'PK');
  const back = await upload(xbuf, 'export.xlsx');
  assert.equal(back.status, 422);
  assert.ok(back.json.rows > 10);
  assert.equal(back.json.problems_total, back.json.rows, 'every exported row is already in the database');
  assert.ok(back.json.problems.every((p) => p.code === 'cert.import.duplicate_in_db'));
  const v = await c.get('/certs/export.csv');
  assert.equal(v.status, 200);
  assert.match(v.headers.get('content-type'), /text\/csv/);
  const raw = Buffer.from(await (await fetch(`${srv.url}/certs/export.csv`, { headers: { Cookie: c.cookieHeader() } })).arrayBuffer());
  assert.equal(raw.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with a BOM, for Excel');
  assert.ok(v.text.startsWith('"姓名","工号","工种/作业类别","证件编号"'));
  assert.match(v.text, /"页面导入","P1","登高架设作业","PG-0001","","2025-05-01","2031-05-01","2028-05-01","罐区"/);
  // a worker's export holds only their own certificates
  const w = srv.client();
  await w.login('yuangong');
  const wv = await w.get('/certs/export.csv');
  assert.doesNotMatch(wv.text, /李铁柱/);
  assert.match(wv.text, /张三/);
  assert.equal((await w.get('/certs/import')).status, 403);
});
