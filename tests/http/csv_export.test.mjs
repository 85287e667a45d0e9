// tests/http/csv_export.test.mjs — CSV injection through the exports: text a worker typed
// that starts with = + - @, TAB or CR comes out of /hazards/export.csv with a leading single
// quote (OWASP's advice), quoted per RFC 4180, while a plain negative number stays a number.
// All exports share one writer (src/base/csv.c); its rules are unit-tested in test_base.c.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

// RFC 4180 fields of a CSV text (quoted fields may hold commas, quotes and line breaks)
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n' && text[i - 1] === '\r') {
      row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  return rows;
}

test('a hazard whose description starts with TAB, CR or = is exported with a leading quote', async () => {
  const worker = srv.client();
  await worker.apiLogin('yuangong');
  const meta = (await worker.get('/api/v1/hazard-meta')).json;
  // a report needs a photo: a real JPEG, one of the demo hazards'
  const safety = srv.client();
  await safety.apiLogin('anhuan');
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const photo = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(photo.status, 200);
  const jpeg = Buffer.from(await photo.arrayBuffer());
  const texts = ['\t=HYPERLINK("http://evil.example/","点此")', '\r=1+2', '=cmd|\' /C calc\'!A0', '-2+3'];
  const numbers = [];
  const stored = [];
  for (const description of texts) {
    const fd = new FormData();
    fd.append('area_id', String(meta.areas[0].id));
    fd.append('category_id', String(meta.categories[0].id));
    fd.append('description', description);
    fd.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'p.jpg');
    const r = await worker.request('POST', '/api/v1/hazards', { multipart: fd });
    assert.equal(r.status, 201, r.text);
    // a form's line breaks are CRLF (\r alone becomes \r\n): the first character stays
    assert.equal(r.json.description[0], description[0], 'stored as typed');
    numbers.push(r.json.number);
    stored.push(r.json.description);
  }
  const res = await fetch(`${srv.url}/hazards/export.csv`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  assert.equal(res.status, 200);
  const text = Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8');
  const rows = parseCsv(text);
  const head = rows[0];
  const col = head.indexOf('描述') >= 0 ? head.indexOf('描述') : head.findIndex((h) => /描述|说明|Description/.test(h));
  assert.ok(col >= 0, `a description column in ${head.join(',')}`);
  stored.forEach((t, i) => {
    const row = rows.find((r) => r[0] === numbers[i]);
    assert.ok(row, `hazard ${numbers[i]} exported`);
    assert.equal(row[col], `'${t}`, `the cell of ${JSON.stringify(t)} is guarded`);
  });
  // byte for byte: the quote comes first inside the field's quotes
  assert.ok(text.includes('"\'\t=HYPERLINK(""http://evil.example/"",""点此"")"'), 'TAB guarded, quotes doubled');
  assert.ok(text.includes('"\'\r\n=1+2"'), 'CR guarded');
});
