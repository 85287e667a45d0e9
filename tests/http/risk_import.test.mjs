// tests/http/risk_import.test.mjs — the 风险分级管控清单 import: columns found by their titles
// under a title row, a dry run naming each bad row and column and storing nothing, one bad row
// refusing the whole file, the commit creating the chain (merged cells continuing the row
// above) with its assessments, and the export reading back unchanged. RISK_IMPORT_ROWS=5000
// times a large register (the number in the issue note); the suite's default stays small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';
import { makeXlsx } from './xlsx.mjs';

let srv, c, unit;
before(async () => {
  srv = await startServer();
  c = srv.client();
  await c.apiLogin('anhuan');
  unit = (await c.get('/api/v1/areas')).json.items.find((a) => a.name === '精馏车间 精馏塔区').unit_id;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const HEAD = ['风险点', '危险源', '可能导致的事故', 'L', 'E', 'C', 'D', '风险等级', '管控措施', '管控层级', '责任人'];

async function upload(rows, dryRun, name = 'r.xlsx') {
  const fd = new FormData();
  fd.append('unit_id', String(unit));
  fd.append('dry_run', dryRun ? '1' : '0');
  fd.append('file', new Blob([makeXlsx(rows)]), name);
  return c.request('POST', '/api/v1/risk/import', { multipart: fd });
}

const good = [
  ['江宁精细化工 风险分级管控清单'],	// a title row above the header
  HEAD,
  ['导入测试精馏塔', '塔顶冷凝器泄漏', '火灾、中毒', 3, 6, 15, 270, '较大风险', '可燃气体检测报警', '公司级', '李静'],
  [null, null, null, null, null, null, null, null, '定期巡检冷凝器', '班组级', '李静'],	// merged cells: the same event
  ['导入测试精馏塔', '再沸器超压', '容器爆炸', 1, 6, 7, 42, '低风险', '安全阀定期校验', '车间级', ''],
];

test('a dry run names each bad row and column and stores nothing', async () => {
  const rows = [HEAD,
    ['导入测试A', '泄漏', '火灾', 2, 6, 15, 180, '较大', '措施', '公司级', ''],	// L=2 not in the table
    ['导入测试A', '泄漏2', '火灾', 3, 6, 15, 999, '较大', '措施', '公司级', ''],	// D wrong
    ['导入测试A', '泄漏3', '飞碟', 3, 6, 15, 270, '较大', '措施', '公司级', ''],	// accident type
    ['导入测试A', '泄漏4', '火灾', 6, 6, 15, 540, '重大', '措施', '车间级', ''],	// 重大 below company level
    ['导入测试A', '泄漏5', '火灾', 3, 6, 15, 270, '低', '措施', '公司级', '查无此人'],	// level and person
    ['导入测试A', '泄漏6', '火灾', 3, 6, 15, 270, '较大', '措施', '公司级', '']];	// good
  const before = (await c.get('/api/v1/risk/objects')).json.items.length;
  const r = await upload(rows, true);
  assert.equal(r.status, 422, r.text);
  const got = r.json.errors.map((e) => `${e.row}:${e.field}`);
  assert.deepEqual(got, ['2:L', '3:D', '4:可能导致的事故', '5:管控层级', '6:责任人', '6:风险等级']);
  assert.ok(r.json.errors.every((e) => e.message.startsWith(e.field)));
  // the same file committed: all or nothing
  const r2 = await upload(rows, false);
  assert.equal(r2.status, 422);
  assert.equal(r2.json.committed, false);
  assert.equal((await c.get('/api/v1/risk/objects')).json.items.length, before);
  const nohead = await upload([['a', 'b'], ['c', 'd']], true);
  assert.equal(nohead.status, 400);
});

test('the commit builds the chain with its assessments; the export reads back unchanged', async () => {
  let r = await upload(good, true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.rows, r.json.objects, r.json.units, r.json.events, r.json.measures], [3, 1, 1, 2, 3]);
  assert.equal(r.json.committed, false);
  assert.ok(!(await c.get('/api/v1/risk/objects')).json.items.some((o) => o.name === '导入测试精馏塔'), 'dry run stores nothing');
  r = await upload(good, false);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.committed, true);
  const reg = (await c.get(`/api/v1/risk/events?unit_id=${unit}`)).json.items.filter((e) => e.object === '导入测试精馏塔');
  assert.deepEqual(reg.map((e) => [e.name, e.level, e.control_level]).sort(),
    [['再沸器超压', 'low', 'workshop'], ['塔顶冷凝器泄漏', 'large', 'company']]);
  const ev = (await c.get(`/api/v1/risk/events/${reg.find((e) => e.level === 'large').id}`)).json;
  assert.equal(ev.measures.length, 2);
  assert.equal(ev.assessments[0].approval, 'approved', 'imported by the safety department: approved');
  assert.equal(ev.assessments[0].reason, 'import');
  // export, then import the export again: nothing new
  const x = await fetch(`${srv.url}/risk/export.xlsx?unit_id=${unit}`, { headers: { Authorization: `Bearer ${c.bearer}` } });
  assert.equal(x.status, 200);
  const bytes = Buffer.from(await x.arrayBuffer());
  const fd = new FormData();
  fd.append('unit_id', String(unit));
  fd.append('dry_run', '1');
  fd.append('file', new Blob([bytes]), 'export.xlsx');
  r = await c.request('POST', '/api/v1/risk/import', { multipart: fd });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.events, 0, 'every event of the export exists already');
  assert.equal(r.json.measures, 0);
  const csv = await fetch(`${srv.url}/risk/export.csv?unit_id=${unit}`, { headers: { Authorization: `Bearer ${c.bearer}` } });
  const text = await csv.text();
  const plain = text.replace(/"/g, '');
  assert.match(plain, /^\uFEFF?风险点,风险分析单元,危险源,可能导致的事故,L,E,C,S,D,风险等级,管控措施,措施分类,管控层级,责任人/);
  assert.match(plain, /导入测试精馏塔,导入测试精馏塔,塔顶冷凝器泄漏,火灾、中毒,3,6,15,,270,较大风险,可燃气体检测报警,操作行为,公司级,李静/);
});

test('a register over the row limit (setting risk.import_max_rows) is refused whole', async () => {
  const q = "UPDATE settings SET value = '2' WHERE key = 'risk.import_max_rows'";
  runSql(srv.dir, q);
  const r = await upload(good, false);
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.json.errors.map((e) => [e.row, e.code]), [[5, 'risk.import.err_rows']]);
  runSql(srv.dir, "UPDATE settings SET value = '20000' WHERE key = 'risk.import_max_rows'");
});

test('a large register imports in one go (RISK_IMPORT_ROWS rows, default 300)', async () => {
  const n = Number(process.env.RISK_IMPORT_ROWS || 300);
  const L = [10, 6, 3, 1, 0.5], E = [10, 6, 3, 2, 1], C = [100, 40, 15, 7, 3, 1];
  const rows = [HEAD];
  for (let i = 0; i < n; i++) {
    const l = L[i % 5], e = E[(i >> 2) % 5], cc = C[(i >> 3) % 6];
    const d = Math.round(l * e * cc * 100) / 100;
    const level = d > 320 ? '重大' : d > 160 ? '较大' : d > 70 ? '一般' : '低';
    rows.push([`批量风险点${Math.floor(i / 10)}`, `危险源${i}`, ['火灾', '中毒', '高处坠落', '机械致害'][i % 4], l, e, cc, d, level,
      `管控措施${i}`, level === '重大' ? '公司级' : '车间级', '']);
  }
  const t = process.hrtime.bigint();
  const r = await upload(rows, false);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(r.json.events, n);
  console.log(`# risk import: ${n} rows in ${ms.toFixed(0)} ms`);
});
