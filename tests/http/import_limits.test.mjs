// tests/http/import_limits.test.mjs — zip bombs against the certificate ledger import: XLSX
// files of a few hundred KB whose one cell, shared string, attribute or worksheet inflates to
// hundreds of MB, through the API, the upload page and the command line. Each must be
// refused fast, with a 4xx (or exit 1) naming the limit, while the server's resident memory
// grows by less than 64 MB (its peak, VmHWM, reset before each upload through clear_refs).
// Also the CSV side: a field longer than a cell may be, and long values in the problem list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN } from './lib.mjs';
import { makeXlsxBomb } from './xlsx.mjs';

const MB = 1024 * 1024;
let srv;
let hr;
before(async () => {
  // a small ASan quarantine, so that memory is our allocations, not freed blocks held back
  const asan = process.env.ASAN_OPTIONS || 'detect_leaks=1:halt_on_error=1';
  srv = await startServer({ env: { ASAN_OPTIONS: `${asan}:quarantine_size_mb=8` } });
  hr = srv.client();
  await hr.apiLogin('renshi');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

function status(pid, field) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(s)[1]) * 1024;
}

// Run fn while watching the server: resolves to {result, grown, ms}, where grown is the
// peak resident size during fn minus the resident size before it. The kernel's peak
// (VmHWM) is reset first ("5" to clear_refs); VmRSS is also sampled, in case it cannot be.
async function watched(fn) {
  const pid = srv.proc.pid;
  let reset = true;
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { reset = false; }
  const base = status(pid, 'VmRSS');
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, status(pid, 'VmRSS')); }, 5);
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, status(pid, 'VmRSS'));
  if (reset) peak = Math.max(peak, status(pid, 'VmHWM'));
  return { result, grown: peak - base, ms };
}

async function upload(content, name = 'bomb.xlsx') {
  const fd = new FormData();
  fd.append('file', new Blob([content]), name);
  return hr.request('POST', '/api/v1/certs/import', { multipart: fd });
}

test('one inline-string cell of 256 MB (a 256 KB file): fast 422 naming the limit, memory bounded', async () => {
  // the zip headers tell the truth: refused from the declared size, before inflating
  const honest = await makeXlsxBomb({ size: 256 * MB });
  assert.ok(honest.length < 1 * MB, `the bomb is small (${honest.length} bytes)`);
  let { result: r, grown, ms } = await watched(() => upload(honest));
  console.log(`# honest bomb: ${honest.length} bytes, answered ${r.status} in ${ms.toFixed(0)} ms, RSS grew ${(grown / MB).toFixed(1)} MB`);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_sheet');
  assert.match(r.json.error.message, /100 MB/, 'the message names the limit');
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
  assert.ok(ms < 5000, `answered in ${ms} ms`);
  // the headers lie (1 KB): the cell is cut off as it is inflated
  const liar = await makeXlsxBomb({ size: 256 * MB, declared: 1024 });
  ({ result: r, grown, ms } = await watched(() => upload(liar)));
  console.log(`# lying bomb: ${liar.length} bytes, answered ${r.status} in ${ms.toFixed(0)} ms, RSS grew ${(grown / MB).toFixed(1)} MB`);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_cell');
  assert.match(r.json.error.message, /32,767/, 'the message names the limit');
  assert.equal(r.json.error.field, 'A1', 'and the cell');
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
  assert.ok(ms < 5000, `answered in ${ms} ms`);
  // the server is still well
  assert.equal((await hr.get('/healthz')).status, 200);
});

test('the same bomb through the upload page: 422 with the message on the page', async () => {
  const c = srv.client();
  await c.login('renshi');
  await c.get('/certs/import');
  const bomb = await makeXlsxBomb({ size: 64 * MB, declared: 1024 });
  const fd = new FormData();
  fd.append('file', new Blob([bomb]), 'bomb.xlsx');
  const { result: r, grown } = await watched(() => c.request('POST', '/certs/import', { multipart: fd }));
  assert.equal(r.status, 422);
  assert.match(r.text, /32,767 个字符/);
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
});

test('one shared string of 256 MB: refused by the cell limit before the table grows', async () => {
  const bomb = await makeXlsxBomb({
    size: 256 * MB, member: 'xl/sharedStrings.xml', declared: 1024,
    head: '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
    tail: '</t></si></sst>',
  });
  const { result: r, grown } = await watched(() => upload(bomb));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_cell');
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
});

test('a worksheet of 200 MB of blanks whose headers claim 1 KB: stopped at 100 MB inflated', async () => {
  const bomb = await makeXlsxBomb({ size: 200 * MB, fill: ' ', declared: 1024,
    head: '<?xml version="1.0"?><worksheet><sheetData>', tail: '</sheetData></worksheet>' });
  const { result: r, grown } = await watched(() => upload(bomb));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_sheet');
  assert.match(r.json.error.message, /100 MB/);
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
});

test('one attribute of 256 MB: the XML parser\'s own memory is bounded too', async () => {
  const bomb = await makeXlsxBomb({
    size: 256 * MB, declared: 1024,
    head: '<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" x="',
    tail: '"/></row></sheetData></worksheet>',
  });
  const { result: r, grown } = await watched(() => upload(bomb));
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_xml');
  assert.match(r.json.error.message, /8 MB/);
  assert.ok(grown < 64 * MB, `server grew by ${(grown / MB).toFixed(1)} MB`);
});

test('the command line refuses the bomb with a non-zero exit and the message', async () => {
  const bomb = await makeXlsxBomb({ size: 64 * MB, declared: 1024 });
  const dir = mkdtempSync(join(tmpdir(), 'anquan-bomb-'));
  try {
    const file = join(dir, 'bomb.xlsx');
    writeFileSync(file, bomb);
    const env = { ...process.env, ANQUAN_DATA: dir, ANQUAN_TEST_MODE: '1' };
    const r = spawnSync(BIN, ['import', 'certs', file], { env, encoding: 'utf8' });
    assert.doesNotMatch(r.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /32,767 个字符.*: A1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSV: a 1 MB field is refused by the cell limit, naming the cell; long values are shortened in problems', async () => {
  const head = '姓名,工号,工种/作业类别,证件编号,发证机关,初领日期,有效期至,复审日期,所属车间';
  const long = '长'.repeat(1 << 20);
  let r = await upload(Buffer.from(`${head}\n张三,${long},熔化焊接与热切割作业,L-1,,2024-01-01,2030-01-01,,合成一车间\n`), 'long.csv');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'cert.import.limit_cell');
  assert.equal(r.json.error.field, 'B2');
  // an unclosed quote would make the rest of the file one field
  r = await upload(Buffer.from(`${head}\n"张三${'x'.repeat(40000)}\n`), 'open.csv');
  assert.equal(r.json.error.code, 'cert.import.limit_cell');
  assert.equal(r.json.error.field, 'A2');
  // a long (but allowed) value in a problem is shown cut at 100 characters
  r = await upload(Buffer.from(`${head}\n张三,,熔化焊接与热切割作业,L-2,,2024-01-01,2030-01-01,,${'车'.repeat(30000)}\n`), 'unit.csv');
  assert.equal(r.status, 422, r.text);
  const p = r.json.problems.find((x) => x.code === 'cert.import.unknown_unit');
  assert.equal(p.value, '车'.repeat(100) + '…');
});
