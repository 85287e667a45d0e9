// tests/http/forms_keep.test.mjs — a refused page form keeps the work: the hazard report comes
// back with the message under its field (the field's label, not its code) and every value
// kept, a refused photo is named and the reporter is told to choose it again; after a hazard
// action the next page says what happened and what comes next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv, jpeg, meta;

before(async () => {
  srv = await startServer();
  const safety = srv.client();
  await safety.apiLogin('anhuan');
  meta = (await safety.get('/api/v1/hazard-meta')).json;
  const list = (await safety.get('/api/v1/hazards?per_page=1')).json;
  const res = await fetch(`${srv.url}/photos/${list.items[0].photo}`, { headers: { Authorization: `Bearer ${safety.bearer}` } });
  jpeg = Buffer.from(await res.arrayBuffer());
  assert.equal(jpeg[0], 0xff);
});

after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0);
});

const area = (name) => meta.areas.find((a) => a.name === name).id;
const cat = (code) => meta.categories.find((c) => c.code === code).id;

function form(fields, photos) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  for (const p of photos) fd.append('photo', new Blob([p.bytes], { type: p.type }), p.name);
  return fd;
}

// the text of the field-error span for a field, or null
function errorOf(html, field) {
  const m = new RegExp(`<span class="field-error" id="err-${field}">([^<]*)</span>`).exec(html);
  return m ? m[1] : null;
}

test('hazard report without a place: the form again, message under 地点, values kept, photo to choose again', async () => {
  const w = srv.client();
  await w.login('yuangong');
  const fd = form({ area_id: '', category_id: cat('fire'), description: '法兰渗漏 保留这段话', level: 'major', urgency: 'B' },
    [{ bytes: jpeg, type: 'image/jpeg', name: 'a.jpg' }]);
  const r = await w.request('POST', '/hazards', { multipart: fd });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(r.text, /<form[^>]*action="\/hazards"/, 'the report form again, not a dead end');
  assert.equal(errorOf(r.text, 'area_id'), '地点: 请选择隐患所在地点。');
  assert.doesNotMatch(r.text, /字段|area_id:/, 'no raw field code shown to the reporter');
  assert.match(r.text, /法兰渗漏 保留这段话<\/textarea>/, 'the description is kept');
  assert.match(r.text, new RegExp(`name="category_id" value="${cat('fire')}" required checked`), 'the category is kept');
  assert.match(r.text, /<option value="major" selected>/, 'the level is kept');
  assert.match(r.text, /<option value="B" selected>/, 'the urgency is kept');
  assert.match(r.text, /请重新选择照片/, 'told that the photo has to be chosen again');
  assert.ok(w.csrf, 'the re-rendered form carries a token to send again');
});

test('hazard report with a photo that is not an image: the photo is named, the rest stays', async () => {
  const w = srv.client();
  await w.login('yuangong');
  const fd = form({ area_id: area('罐区 装卸站台'), category_id: cat('fire'), description: '坏照片的那份' },
    [{ bytes: Buffer.from('not an image at all'), type: 'image/jpeg', name: 'x.jpg' }]);
  const r = await w.request('POST', '/hazards', { multipart: fd });
  assert.equal(r.status, 422);
  assert.match(errorOf(r.text, 'photo') || '', /^现场照片: /, 'the message is under the photo and names it');
  assert.match(r.text, /请重新选择照片/);
  assert.match(r.text, new RegExp(`<option value="${area('罐区 装卸站台')}" selected`), 'the place is kept');
  assert.match(r.text, /坏照片的那份<\/textarea>/);
  // in English the label is English too
  const e = srv.client();
  await e.login('yuangong');
  await e.post('/lang', { lang: 'en', next: '/' });
  const en = await e.request('POST', '/hazards', { multipart: form({ category_id: cat('fire') }, [{ bytes: jpeg, type: 'image/jpeg', name: 'a.jpg' }]) });
  assert.equal(en.status, 422);
  assert.match(errorOf(en.text, 'area_id') || '', /^Place: /);
});

test('after each hazard action the next page says what happened and who acts next', async () => {
  const w = srv.client();
  await w.login('yuangong');
  const r = await w.request('POST', '/hazards', {
    multipart: form({ area_id: area('罐区 装卸站台'), category_id: cat('fire'), description: '确认提示' },
      [{ bytes: jpeg, type: 'image/jpeg', name: 'a.jpg' }]),
  });
  assert.equal(r.status, 303);
  const id = r.location.match(/\/hazards\/(\d+)/)[1];
  const leader = srv.client();
  await leader.login('anhuan');
  const ok = await leader.request('POST', `/hazards/${id}/act`, { form: { action: 'accept' } });
  assert.equal(ok.status, 303);
  assert.match(ok.location, /done=accept/);
  const page = await leader.get(ok.location);
  const m = /已受理，已派发给 ([^<]+)</.exec(page.text);
  assert.ok(m, 'the confirmation names the person it went to');
  assert.match(page.text, new RegExp(`<dd>${m[1]}</dd>`), 'the same person the hazard is assigned to');
  // a forged ?done= shows nothing
  const forged = await leader.get(`/hazards/${id}?done=<b>x`);
  assert.doesNotMatch(forged.text, /已受理/);
});
