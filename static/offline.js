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
 *  - at sign-out, warns when reports would be lost, then deletes them and the user cache.
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

	function newKey() {
		if (crypto.randomUUID) return crypto.randomUUID();
		const b = crypto.getRandomValues(new Uint8Array(16));
		return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	}

	async function badge() {
		if (!box) return;
		const items = await all();
		box.hidden = items.length === 0;
		box.querySelector('.oq-count').textContent = box.dataset.badge.replace('{n}', String(items.length));
		box.querySelector('.oq-login').hidden = !items.some((i) => i.state === 'login');
		box.dataset.count = String(items.length);
		const page = document.querySelector('.oq-page');
		if (page) listPage(page, items);
	}

	/* A fresh CSRF token from the network (the page in hand may be an old cached copy), or
	 * null when the sign-in has expired. */
	async function token() {
		const res = await fetch('/hazards/new', { credentials: 'same-origin', cache: 'no-store' });
		if (res.redirected && new URL(res.url).pathname === '/login') return null;
		const m = /name="_csrf" value="([0-9a-f]+)"/.exec(await res.text());
		return m ? m[1] : null;
	}

	async function upload(item, csrf) {
		const fd = new FormData();
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
			if (res.status === 201) { await del(item.key); continue; }
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
			p.textContent = (i.fields.description ? `${i.fields.description} · ` : '') +
				`${page.dataset.photos} ${i.photos.length}` + (i.voice ? ` · ${page.dataset.voice}` : '');
			li.appendChild(p);
			if (i.state === 'refused') {
				const e = document.createElement('p');
				e.className = 'field-error';
				e.textContent = `${page.dataset.refused}: ${i.error}`;
				li.appendChild(e);
				const a = document.createElement('a');
				a.className = 'button';
				a.href = `/hazards/new?queued=${encodeURIComponent(i.key)}`;
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
		const status = form.querySelector('.hz-status');
		if (status) status.textContent = `${item.error} · ${document.querySelector('.oq')?.dataset.saved || ''}`;
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
		for (const u of box.dataset.pages.split(' ').filter(Boolean)) {
			try {
				const res = await fetch(u, { credentials: 'same-origin', cache: 'no-store' });
				if (res.ok && !res.redirected) await c.put(u, res);
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
