// tests/http/hazard_filters.test.mjs — each filter of the hazard list narrows exactly as it says,
// alone and combined (src/hazard/hazard_list.c assembles the statement from the filters given):
// for a safety officer and for a worker, every filtered list (all its pages, by cursor) is the
// person's unfiltered list narrowed here in JS from the hazards' own columns, and its count is
// its number of rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runSql } from './lib.mjs';

let srv, facts, paths;
const clients = {};

async function as(username) {
  if (!clients[username]) {
    const c = srv.client();
    await c.apiLogin(username);
    clients[username] = c;
  }
  return clients[username];
}

// every row of the list for `query`, following next_cursor; and the first page's count
async function listAll(username, query) {
  const c = await as(username);
  let r = await c.get(`/api/v1/hazards?per_page=50${query}`);
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  const total = r.json.total, capped = r.json.total_capped;
  const ids = r.json.items.map((i) => i.id);
  for (let n = 0; r.json.next_cursor && n < 200; n++) {
    r = await c.get(`/api/v1/hazards?per_page=50${query}&cursor=${encodeURIComponent(r.json.next_cursor)}`);
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    ids.push(...r.json.items.map((i) => i.id));
  }
  return { ids, total, capped };
}

const OPEN = ['reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying'];

// the filters this test combines: query parameter → does hazard h pass it for value v
const rules = {
  status: (h, v) => (v === 'open' ? OPEN.includes(h.status) : v === 'valid' ? h.status !== 'cancelled' : h.status === v),
  level: (h, v) => h.level === v,
  area_id: (h, v) => h.area === v,
  unit_id: (h, v) => h.path.startsWith(paths.get(v)),
  category_id: (h, v) => h.category === v,
  overdue: (h) => h.overdue === 1,
  repeat: (h) => h.repeat !== 0,
};

before(async () => {
  srv = await startServer();
  facts = readFacts();
  paths = new Map(runSql(srv.dir, 'SELECT id, path FROM units;').split('\n')
    .map((l) => l.split('|')).map(([id, path]) => [+id, path]));
});
after(async () => { await srv.stop(); });

function readFacts() {
  return runSql(srv.dir,
    `SELECT h.id, h.status, h.level, h.area_id, un.path, h.category_id, h.overdue, coalesce(h.repeat_of, 0),
       coalesce(h.assignee_id, 0) FROM hazards h JOIN units un ON un.id = h.unit_id ORDER BY h.id;`)
    .split('\n').map((l) => {
      const [id, status, level, area, path, category, overdue, repeat, assignee] = l.split('|');
      return { id: +id, status, level, area: +area, path, category: +category, overdue: +overdue,
        repeat: +repeat, assignee: +assignee };
    });
}

// the combinations: each filter alone and the pairs and triples a list page offers together,
// with values taken from the data (the most common ones, so every list has rows to compare)
function combinations(visible) {
  const common = (key) => {
    const n = new Map();
    for (const h of visible) n.set(h[key], (n.get(h[key]) || 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1])[0][0];
  };
  // a unit above a hazard's team: its workshop (the third level of the path, when deep enough)
  const parts = common('path').split('/').filter(Boolean);
  const unitPath = `/${parts.slice(0, Math.min(parts.length, 3)).join('/')}/`;
  const unit = [...paths.entries()].find(([, p]) => p === unitPath)[0];
  const area = common('area'), category = common('category'), status = common('status');
  const singles = [['status', 'open'], ['status', 'valid'], ['status', status], ['status', 'closed'],
    ['level', 'major'], ['level', 'general'], ['area_id', area], ['unit_id', unit], ['category_id', category],
    ['overdue', 1], ['repeat', 1]];
  const combos = singles.map((s) => [s]);
  combos.push([['status', 'open'], ['level', 'general']], [['status', 'open'], ['area_id', area]],
    [['status', 'open'], ['unit_id', unit]], [['status', status], ['category_id', category]],
    [['overdue', 1], ['status', 'open']], [['area_id', area], ['category_id', category], ['status', 'valid']],
    [['unit_id', unit], ['level', 'general'], ['status', 'open']]);
  return combos;
}

async function checkPerson(username, extra = []) {
  const all = await listAll(username, '');
  assert.ok(all.ids.length > 0, `${username} sees hazards`);
  const byId = new Map(facts.map((h) => [h.id, h]));
  const visible = all.ids.map((id) => byId.get(id));
  let nonEmpty = 0;
  for (const combo of [...combinations(visible), ...extra]) {
    const query = combo.map(([k, v]) => `&${k}=${v}`).join('');
    const got = await listAll(username, query);
    const want = visible.filter((h) => combo.every(([k, v]) => (rules[k] || extra.rule)(h, v, k))).map((h) => h.id);
    assert.deepEqual(got.ids, want, `${username} ${query}: the rows, newest first`);
    assert.equal(got.capped, false, `${username} ${query}`);
    assert.equal(got.total, want.length, `${username} ${query}: the count`);
    if (want.length) nonEmpty++;
  }
  assert.ok(nonEmpty >= 8, `${username}: most combinations have rows to compare (${nonEmpty})`);
  return visible;
}

test('every filter and combination narrows the safety officer\'s list exactly', async () => {
  await checkPerson('anhuan');
});

test('a worker\'s lists, "mine" among the filters, narrow exactly', async () => {
  // a worker whose roles act on no step (mine is then "assigned to me and not done"), the one
  // with the most hazards assigned
  const [username, id] = runSql(srv.dir,
    `SELECT u.username, u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles ro ON ro.id = ur.role_id
     WHERE ro.code = 'worker' AND u.active = 1 AND NOT EXISTS (SELECT 1 FROM user_roles ur2
       JOIN roles r2 ON r2.id = ur2.role_id WHERE ur2.user_id = u.id AND (r2.permissions LIKE '%hazard.handle%'
       OR r2.permissions LIKE '%hazard.verify%' OR r2.permissions LIKE '%hazard.major%'))
     ORDER BY (SELECT count(*) FROM hazards h WHERE h.assignee_id = u.id
       AND h.status IN ('reported', 'assigned', 'planning', 'rectifying')) DESC, u.id LIMIT 1;`).split('|');
  // three open hazards of other people's made his (straight into the database, as a
  // dispatch would), so that "mine" has rows; the facts read again
  runSql(srv.dir, `UPDATE hazards SET assignee_id = ${+id} WHERE id IN (SELECT id FROM hazards
    WHERE status IN ('assigned', 'rectifying') ORDER BY id LIMIT 3);`);
  facts = readFacts();
  const mine = (h) => h.assignee === +id && ['reported', 'assigned', 'planning', 'rectifying'].includes(h.status);
  const extra = [[['mine', 1]], [['mine', 1], ['status', 'open']], [['mine', 1], ['status', 'rectifying']],
    [['mine', 1], ['level', 'general']]];
  extra.rule = (h, v, k) => (k === 'mine' ? mine(h) : false);
  const visible = await checkPerson(username, extra);
  assert.ok(visible.some(mine), `${username} has hazards assigned, so "mine" is not empty`);
});
