// tests/http/feeds_scope.test.mjs — the HR import keeps to the importer's data scope, and sets
// the hire date: an HR officer whose scope is one workshop's subtree cannot place a person in
// another workshop, create a unit under it, or move a person who is now there (each refused
// with its row number, the whole file with it); the managed people outside the scope are not
// leavers of their import; a row's 入职日期 sets users.hired_on (several date spellings; a bad
// or future date refused naming the field), so the PPE list of new hires not yet equipped
// shows a person HR has just hired.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql, serverNow } from './lib.mjs';

let srv, hr, safety, mine, other, pos, today;
const HEAD = ['工号', '姓名', '部门', '上级部门', '岗位', '直属上级工号', '手机', '状态', '入职日期'];
const csv = (rows) => '\uFEFF' + rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
const q = (sql) => runSql(srv.dir, sql);
const inOther = (order) => q(`SELECT u.id FROM users u JOIN units n ON n.id = u.unit_id WHERE u.active = 1 AND u.username <> 'renshi'
  AND n.path LIKE (SELECT path FROM units WHERE id = ${other.id}) || '%' ORDER BY u.id ${order} LIMIT 1`);

async function upload(rows, { commit = true, confirm = false } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([csv([HEAD, ...rows])]), 'roster.csv');
  if (commit) fd.append('commit', '1');
  if (confirm) fd.append('confirm', '1');
  return hr.request('POST', '/api/v1/feeds/hr/import', { multipart: fd });
}
const codes = (r) => r.json.problems.map((p) => `${p.row}:${p.field}:${p.code}`);
// a local day as YYYY-MM-DD, from the server's clock (Asia/Shanghai, UTC+8)
const dayText = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  const now = await serverNow(srv);
  today = dayText(now);
  // the HR officer placed in the first with a subtree scope
  // two workshops with people in their subtree (teams below them)
  const ws = q(`SELECT w.id || '|' || w.name FROM units w WHERE w.kind = 'workshop' AND w.active = 1 AND EXISTS (SELECT 1 FROM users u
    JOIN units n ON n.id = u.unit_id WHERE u.active = 1 AND n.path LIKE w.path || '%') ORDER BY w.id LIMIT 2`).split('\n');
  mine = { id: ws[0].split('|')[0], name: ws[0].split('|')[1] };
  other = { id: ws[1].split('|')[0], name: ws[1].split('|')[1] };
  q(`UPDATE roles SET scope = 'subtree' WHERE code = 'hr'; UPDATE users SET unit_id = ${mine.id} WHERE username = 'renshi'`);
  hr = srv.client();
  await hr.apiLogin('renshi');
  safety = srv.client();
  await safety.apiLogin('anhuan');
  // a position whose PPE list the demo fills, so a new hire there lacks items
  pos = q('SELECT p.name FROM positions p JOIN ppe_position_items pi ON pi.position_id = p.id ORDER BY p.id LIMIT 1');
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

test('rows outside the importer\'s scope are refused with their row number; nothing stored', async () => {
  // a person of the other workshop, known by employee number
  const outsider = inOther('ASC');
  const outsiderUnit = q(`SELECT unit_id FROM users WHERE id = ${outsider}`);
  assert.ok(outsider, 'the other workshop has people');
  q(`UPDATE users SET employee_no = 'OUT001' WHERE id = ${outsider}`);
  const before = q('SELECT count(*) FROM users');
  const r = await upload([
    ['SC001', '张新', mine.name, '', pos, '', '', '在职', today],
    ['SC002', '李外', other.name, '', '', '', '', '在职', ''],
    ['SC003', '王新班', '新建外班', other.name, '', '', '', '在职', ''],
    ['OUT001', '借调', mine.name, '', '', '', '', '在职', ''],
  ]);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.applied, false);
  const c = codes(r);
  assert.ok(c.includes('3:unit:feeds.hr.unit_out_of_scope'), c.join());
  assert.ok(c.includes('4:parent_unit:feeds.hr.unit_out_of_scope'), c.join());
  assert.ok(c.includes('5:employee_no:feeds.hr.person_out_of_scope'), c.join());
  assert.ok(!c.some((x) => x.startsWith('2:')), 'the row in scope is fine');
  assert.equal(q('SELECT count(*) FROM users'), before, 'nothing half-stored');
  assert.equal(q(`SELECT unit_id FROM users WHERE id = ${outsider}`), outsiderUnit, 'the outsider not moved');
  assert.equal(q("SELECT count(*) FROM units WHERE name = '新建外班'"), '0');
});

test('within the scope: applied with the hire date; people outside it are not leavers', async () => {
  // someone HR manages in the other workshop, absent from this officer's file
  const far = inOther('DESC');
  q(`UPDATE users SET employee_no = 'FAR01' WHERE id = ${far}`);
  q(`INSERT INTO feeds_hr_people (user_id, employee_no, first_seen, last_seen) VALUES (${far}, 'FAR01', 0, 0)`);
  const [y, m, d] = today.split('-').map(Number);
  const r = await upload([
    ['SC001', '张新', mine.name, '', pos, '', '', '在职', `${y}/${m}/${d}`],
    ['SC004', '赵新', '新建内班', mine.name, pos, 'SC001', '', '在职', ''],
  ]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.applied, true);
  assert.equal(r.json.created, 2);
  assert.equal(r.json.deactivated, 0);
  assert.equal(q(`SELECT active FROM users WHERE id = ${far}`), '1', 'outside the scope: not a leaver');
  assert.equal(q("SELECT count(*) FROM units WHERE name = '新建内班'"), '1', 'a unit under one in scope is created');
  // the hire date, as a local day, and the PPE list of new hires shows the person
  const hired = (await safety.get(`/api/v1/users/${q("SELECT id FROM users WHERE employee_no = 'SC001'")}`)).json;
  assert.equal(hired.hired_on, today);
  assert.equal(q("SELECT count(*) FROM users WHERE employee_no = 'SC004' AND hired_on IS NULL"), '1', 'no date, none set');
  const un = await safety.get('/api/v1/ppe/unequipped?per_page=500');
  assert.equal(un.status, 200, un.text);
  assert.ok(un.json.items.some((x) => x.name === '张新'), JSON.stringify(un.json.items.slice(0, 3)));
  assert.ok(!un.json.items.some((x) => x.name === '赵新'), 'without a hire date HR has not said they are new');
});

test('the hire date: changed when given, kept when empty; bad and future dates refused naming the field', async () => {
  const rows = (date4) => [
    ['SC001', '张新', mine.name, '', pos, '', '', '在职', '2020.01.15'],
    ['SC004', '赵新', '新建内班', mine.name, pos, 'SC001', '', '在职', date4],
  ];
  let r = await upload(rows(''));
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.changes.some((c) => c.subject === 'SC001' && /hired_on → 2020-01-15/.test(c.detail)), JSON.stringify(r.json.changes));
  assert.equal(q("SELECT count(*) FROM users WHERE employee_no = 'SC004' AND hired_on IS NULL"), '1');
  const sc001 = q("SELECT hired_on FROM users WHERE employee_no = 'SC001'");
  r = await upload([['SC001', '张新', mine.name, '', pos, '', '', '在职', ''], rows('')[1]]);
  assert.equal(r.status, 200, r.text);
  assert.equal(q("SELECT hired_on FROM users WHERE employee_no = 'SC001'"), sc001, 'an empty cell keeps it');
  r = await upload(rows('2024-02-30'));
  assert.equal(r.status, 422);
  assert.ok(codes(r).includes('3:hired_on:feeds.bad_date'), codes(r).join());
  r = await upload(rows('2999-01-01'));
  assert.equal(r.status, 422);
  assert.ok(codes(r).includes('3:hired_on:feeds.hr.hired_future'), codes(r).join());
  assert.equal(q("SELECT count(*) FROM users WHERE employee_no = 'SC004' AND hired_on IS NULL"), '1', 'nothing stored');
});
