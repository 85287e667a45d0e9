/* offline.js — the phone without signal, on every page (added by app.js once the page is up):
 *  - registers the service worker (/sw.js, web/shell.c);
 *  - at sign-in (a new user on this phone, or a quarter of an hour after the last time) puts
 *    the report form and the worker's own task lists in the cache "anquan-user", which the
 *    worker serves when a page cannot be loaded; another user's copy is deleted first;
 *  - keeps the reports that could not be sent in IndexedDB ("anquan" / "queue"), each with
 *    its idempotency key, capture time and place, shrunk photos and voice note, and the user
 *    it belongs to; shows "待上传 N 条" with an "upload now" button; uploads them to
 *    POST /api/v1/hazards when the connection returns. A refusal keeps the item with the
 *    server's reason (/offline lists it, /hazards/new?queued=KEY corrects it); an expired
 *    sign-in asks to sign in, and the items upload after it;
 *  - a round of checks the same way: the check form (/checks/tasks/:id, cached at sign-in with
 *    "/checks" and the tasks it lists) is sent to POST /api/v1/check/tasks/:id/record, and
 *    kept in the queue with its photos, voice note and capture time when that fails; a
 *    refused check (/offline) opens its form again with the answers kept (?queued=KEY);
 *  - at sign-out, warns when reports would be lost, then deletes them and the user cache.
 * Capture times are the phone's clock corrected by the server's (the pages' data-now, read
 * whenever a page comes fresh from the network), as phone clocks drift.
 * window.aqQueue is what static/hazard.js calls to queue a report. */
'use strict';
(() => {
	const USER_CACHE = 'anquan-user';
	let box = null;
	let user = '';
	let flushing = null;

	function idb() {
		return new Promise((resolve, reject) => {
			const o = indexedDB.open('anquan', 1);
			o.onupgradeneeded = () => o.result.createObjectStore('queue', { keyPath: 'key' });
			o.onsuccess = () => resolve(o.result);
			o.onerror = () => reject(o.error);
		});
	}
	async function tx(mode, fn) {
		const db = await idb();
		return new Promise((resolve, reject) => {
			const t = db.transaction('queue', mode);
			const out = fn(t.objectStore('queue'));
			t.oncomplete = () => { db.close(); resolve(out && 'result' in out ? out.result : undefined); };
			t.onerror = () => { db.close(); reject(t.error); };
		});
	}
	const all = async () => ((await tx('readonly', (s) => s.getAll())) || []).filter((i) => i.user === user);
	const get = (key) => tx('readonly', (s) => s.get(key));
	const put = (item) => tx('readwrite', (s) => s.put(item));
	const del = (key) => tx('readwrite', (s) => s.delete(key));

	/* the server's clock minus the phone's, from a page fresh off the network (data-now) */
	function skew(html) {
		const m = /data-now="(\d+)"/.exec(html);
		if (m) localStorage.setItem('aq.skew', String(Number(m[1]) - Date.now() / 1000));
	}
	const capturedNow = () => Math.round(Date.now() / 1000 + (Number(localStorage.getItem('aq.skew')) || 0));

	function newKey() {
		if (crypto.randomUUID) return crypto.randomUUID();
		const b = crypto.getRandomValues(new Uint8Array(16));
		return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	}

	async function badge() {
		const items = await all();
		const page = document.querySelector('.oq-page');
		if (page) listPage(page, items);	/* /offline from the cache: no badge, the list still */
		if (!box) return;
		box.hidden = items.length === 0;
		box.querySelector('.oq-count').textContent = box.dataset.badge.replace('{n}', String(items.length));
		box.querySelector('.oq-login').hidden = !items.some((i) => i.state === 'login');
		box.dataset.count = String(items.length);
	}

	/* A fresh CSRF token from the network (the page in hand may be an old cached copy), or
	 * null when the sign-in has expired. */
	async function token() {
		const res = await fetch('/hazards/new', { credentials: 'same-origin', cache: 'no-store' });
		if (res.redirected && new URL(res.url).pathname === '/login') return null;
		const html = await res.text();
		skew(html);
		const m = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
		return m ? m[1] : null;
	}

	async function upload(item, csrf) {
		const fd = new FormData();
		if (item.kind === 'check') {
			for (const [k, v] of Object.entries(item.fields)) fd.append(k, v);
			for (const [k, b, n] of item.files) fd.append(k, b, n);
			fd.set('idem_key', item.key);
			fd.set('captured_at', String(item.captured_at));
			return fetch(`/api/v1/check/tasks/${item.task}/record`, { method: 'POST', body: fd, credentials: 'same-origin',
				headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' } });
		}
		for (const [k, v] of Object.entries(item.fields)) fd.append(k, v);
		fd.set('idem_key', item.key);
		fd.set('captured_at', String(item.captured_at));
		item.photos.forEach((p, i) => fd.append('photo', p, `photo${i + 1}.jpg`));
		if (item.voice) fd.append('voice', item.voice, 'voice' + (/ogg/.test(item.voice.type) ? '.ogg' : /mp4/.test(item.voice.type) ? '.m4a' : '.webm'));
		return fetch('/api/v1/hazards', { method: 'POST', body: fd, credentials: 'same-origin',
			headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' } });
	}

	/* Send every pending item once; stops at the first network failure (still no signal). */
	async function flushNow() {
		const items = (await all()).filter((i) => i.state !== 'refused');
		if (!items.length || !navigator.onLine) return;
		let csrf;
		try { csrf = await token(); } catch { return; }
		for (const item of items) {
			if (!csrf) { item.state = 'login'; await put(item); continue; }
			let res;
			try { res = await upload(item, csrf); } catch { break; }
			if (res.ok) { await del(item.key); continue; }	/* 201, or 200 for a replayed check */
			let err = {};
			try { err = (await res.json()).error || {}; } catch { /* not JSON: a proxy's page */ }
			if (res.status === 401) { item.state = 'login'; await put(item); csrf = null; continue; }
			if (res.status >= 500 || res.status === 429) break;	/* the server's trouble: later */
			if (res.status === 403 && err.code === 'csrf') break;
			item.state = 'refused';
			item.error = err.message || String(res.status);
			item.field = err.field || '';
			await put(item);
		}
	}
	function flush() {
		if (!flushing) flushing = flushNow().catch(() => {}).then(() => { flushing = null; return badge(); });
		return flushing;
	}

	/* called by hazard.js with the report's fields, shrunk photos and voice note */
	async function add(fields, photos, voice, capturedAt, key) {
		const prev = key ? await get(key) : null;
		const item = {
			key: key || newKey(), user, fields, photos, voice: voice || null,
			captured_at: capturedAt, state: 'pending', error: '', field: '',
			saved_at: Date.now(), label: fields._label || '',
		};
		delete item.fields._label;
		if (prev && !photos.length) item.photos = prev.photos;
		if (prev && !voice) item.voice = prev.voice;
		if (prev) item.captured_at = prev.captured_at;
		await put(item);
		await badge();
		return item.key;
	}

	/* a check kept on the phone: its form's fields, files (photos, voice note) and task */
	async function addCheck(task, fields, files, capturedAt, key, label) {
		const prev = await get(key);
		const item = {
			key, kind: 'check', task, user, fields, files, photos: [], voice: null,
			captured_at: capturedAt, state: 'pending', error: '', field: '', saved_at: Date.now(), label,
		};
		if (prev) {
			/* a correction keeps what was not chosen again (photos, the voice note) and the capture time */
			for (const f of prev.files || []) if (!files.some((x) => x[0] === f[0])) item.files.push(f);
			item.captured_at = prev.captured_at;
		}
		await put(item);
		await badge();
		return key;
	}

	/* the check form: sent online to its API twin; without signal, or when the request fails,
	 * kept in the queue with one key for the submission */
	function checkForm(form) {
		const m = /^\/checks\/tasks\/(\d+)/.exec(form.getAttribute('action') || '');
		if (!m) return;
		const task = m[1];
		const queued = new URLSearchParams(location.search).get('queued');
		form.elements.idem_key.value = queued || newKey();	/* a cached page's key is not reused */
		if (queued) correct(form, queued);
		form.addEventListener('submit', async (e) => {
			if (!window.fetch || !window.FormData) return;
			e.preventDefault();
			const button = form.querySelector('button[type=submit]');
			if (button) button.disabled = true;
			const fd = new FormData(form);
			const key = form.elements.idem_key.value;
			const save = async () => {
				const fields = {}, files = [];
				for (const [k, v] of fd) {
					if (typeof v === 'string') { if (k !== '_csrf' && k !== 'idem_key') fields[k] = v; }
					else if (v.size) files.push([k, v, v.name || k]);
				}
				const h1 = document.querySelector('main h1');
				await addCheck(task, fields, files, capturedNow(), key, h1 ? h1.textContent : '');
				if (queued) {
					await flush();
					location.assign('/offline');
					return;
				}
				const note = document.createElement('p');
				note.className = 'notice ck-saved';
				note.setAttribute('role', 'status');
				note.textContent = box ? box.dataset.saved : '';
				form.replaceWith(note);
			};
			if (queued || !navigator.onLine) { await save(); return; }
			let res;
			try {
				res = await fetch(`/api/v1/check/tasks/${task}/record`, { method: 'POST', body: fd, credentials: 'same-origin',
					headers: { 'X-CSRF-Token': form.elements._csrf.value, Accept: 'application/json' } });
			} catch { await save(); return; }	/* no answer: kept, sent again with the same key */
			if (res.ok) { location.assign(`/checks/records/${(await res.json()).id}`); return; }
			if (res.status >= 500 || res.status === 401 || res.status === 403) { await save(); return; }
			form.submit();	/* refused: the plain form shows the reason under its field */
		});
	}

	function listPage(page, items) {
		const ul = page.querySelector('.oq-items');
		ul.textContent = '';
		if (!items.length) {
			const li = document.createElement('li');
			li.textContent = page.dataset.empty;
			ul.appendChild(li);
		}
		for (const i of items) {
			const li = document.createElement('li');
			li.className = 'oq-item' + (i.state === 'refused' ? ' oq-refused' : '');
			const head = document.createElement('b');
			head.textContent = `${new Date(i.captured_at * 1000).toLocaleString()} · ${i.label}`;
			li.appendChild(head);
			const p = document.createElement('p');
			const files = i.files || [];
			p.textContent = (i.fields.description ? `${i.fields.description} · ` : '') +
				`${page.dataset.photos} ${i.photos.length + files.filter((f) => f[0] !== 'voice').length}` +
				(i.voice || files.some((f) => f[0] === 'voice') ? ` · ${page.dataset.voice}` : '');
			li.appendChild(p);
			if (i.state === 'refused') {
				const e = document.createElement('p');
				e.className = 'field-error';
				e.textContent = `${page.dataset.refused}: ${i.error}`;
				li.appendChild(e);
				const a = document.createElement('a');
				a.className = 'button';
				a.href = i.kind === 'check' ? `/checks/tasks/${i.task}?queued=${encodeURIComponent(i.key)}`
					: `/hazards/new?queued=${encodeURIComponent(i.key)}`;
				a.textContent = page.dataset.fix;
				li.appendChild(a);
			}
			const d = document.createElement('button');
			d.type = 'button';
			d.className = 'link oq-drop';
			d.textContent = page.dataset.drop;
			d.addEventListener('click', async () => {
				if (window.confirm(page.dataset.dropAsk)) { await del(i.key); await badge(); }
			});
			li.appendChild(d);
			ul.appendChild(li);
		}
	}

	/* /hazards/new?queued=KEY: the refused item back in the form, its photos kept */
	async function correct(form, key) {
		const item = await get(key);
		if (!item || item.user !== user) return;
		form.dataset.queued = key;
		for (const [k, v] of Object.entries(item.fields)) {
			const el = form.elements[k];
			if (!el || k === '_csrf') continue;
			if (el instanceof RadioNodeList || el.type === 'radio') {
				for (const r of form.querySelectorAll(`input[name="${k}"]`)) r.checked = r.value === v;
			} else if (el.type === 'checkbox') el.checked = true;
			else el.value = v;
		}
		const file = form.querySelector('input[type=file]');
		if (file) file.required = false;
		let status = form.querySelector('.hz-status');
		if (!status) {	/* the check form: the reason above it */
			status = document.createElement('p');
			status.className = 'notice notice-error oq-reason';
			form.prepend(status);
		}
		status.textContent = `${item.error} · ${document.querySelector('.oq')?.dataset.saved || ''}`;
		if (item.field && form.elements[item.field] && form.elements[item.field].focus) form.elements[item.field].focus();
	}

	/* the report form and the worker's own lists, for reading without signal */
	async function warm() {
		if (!window.caches || !navigator.onLine || !user) return;
		const last = JSON.parse(localStorage.getItem('aq.warm') || '{}');
		if (last.user === user && Date.now() - last.at < 15 * 60 * 1000) return;
		if (last.user !== user) await caches.delete(USER_CACHE);
		const c = await caches.open(USER_CACHE);
		/* the pages the server named for this person (the ones he may open) */
		const pages = box.dataset.pages.split(' ').filter(Boolean);
		for (let n = 0; n < pages.length && n < 40; n++) {
			const u = pages[n];
			try {
				const res = await fetch(u, { credentials: 'same-origin', cache: 'no-store' });
				if (!res.ok || res.redirected) continue;
				const html = await res.clone().text();
				skew(html);
				/* my checks today: each task's form too, for a round without signal */
				if (u === '/checks')
					for (const t of html.matchAll(/href="(\/checks\/tasks\/\d+)"/g)) if (!pages.includes(t[1])) pages.push(t[1]);
				await c.put(u, res);
			} catch { return; }
		}
		localStorage.setItem('aq.warm', JSON.stringify({ user, at: Date.now() }));
	}

	window.aqQueue = { add, flush, all, get, newKey, ready: null, idle: () => !flushing };

	function init() {
		box = document.querySelector('.oq');
		user = box ? box.dataset.user : localStorage.getItem('aq.lastUser') || '';
		if (box) localStorage.setItem('aq.lastUser', user);
		if ('serviceWorker' in navigator && window.isSecureContext)
			navigator.serviceWorker.register('/sw.js').catch(() => {});
		if (box) {
			box.querySelector('.oq-send').addEventListener('click', () => flush());
			const login = box.querySelector('.oq-login');
			login.href = '/login?next=' + encodeURIComponent(location.pathname);
		}
		const queued = new URLSearchParams(location.search).get('queued');
		const form = document.querySelector('form.hz-report');
		if (form && queued) correct(form, queued);
		const ck = document.querySelector('form.ck-form');
		if (ck) checkForm(ck);
		/* hold to record (static/voice.js) on the report, rectification and check forms: loaded
		 * here, after the page, so that it never weighs on the first paint */
		const vbox = document.querySelector('form .hz-voice');
		if (vbox && vbox.dataset.src && window.MediaRecorder) {
			const sc = document.createElement('script');
			sc.src = vbox.dataset.src;
			document.head.appendChild(sc);
		}
		const area = new URLSearchParams(location.search).get('area');
		if (form && area && form.elements.area_id && !form.elements.area_id.value) form.elements.area_id.value = area;
		/* sign-out: the queue and the cached pages are this user's; warn before they go */
		document.querySelectorAll('form[action="/logout"]').forEach((f) => {
			f.addEventListener('submit', async (e) => {
				if (f.dataset.cleared) return;
				e.preventDefault();
				const items = await all();
				if (items.length && box && !window.confirm(box.dataset.logout.replace('{n}', String(items.length)))) return;
				await Promise.all(items.map((i) => del(i.key)));
				if (window.caches) await caches.delete(USER_CACHE);
				localStorage.removeItem('aq.warm');
				f.dataset.cleared = '1';
				f.submit();
			});
		});
		window.addEventListener('online', () => flush());
		window.aqQueue.ready = (box ? warm() : Promise.resolve()).catch(() => {})
			.then(() => badge()).then(() => (navigator.onLine ? flush() : null));
	}
	/* app.js adds this script after the page's load event */
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
	else init();
})();
