/* sw.js — the service worker. GET /sw.js serves this file with SHELL_VERSION and SHELL_FILES
 * put in front (web/shell.c): the version changes whenever the program or any static file does.
 *  - install: the shell (static files with their content hash in the URL, /offline) goes into
 *    the cache "anquan-shell-VERSION";
 *  - activate: every older shell cache is deleted, and the worker takes the open pages;
 *  - fetch: static files from the cache first; a page from the network, and only when that
 *    fails, the copy static/offline.js put in "anquan-user" at sign-in (the report form and
 *    the worker's own task lists), else /offline. Nothing else is ever cached here: no page
 *    with other people's data, no API answer, no photo. */
const SHELL_CACHE = 'anquan-shell-' + SHELL_VERSION;
const USER_CACHE = 'anquan-user';

self.addEventListener('install', (e) => {
	e.waitUntil(caches.open(SHELL_CACHE)
		.then((c) => c.addAll(SHELL_FILES.map((u) => new Request(u, { cache: 'reload' }))))
		.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
	e.waitUntil(caches.keys()
		.then((keys) => Promise.all(keys.filter((k) => k.startsWith('anquan-shell-') && k !== SHELL_CACHE)
			.map((k) => caches.delete(k))))
		.then(() => self.clients.claim()));
});

self.addEventListener('message', (e) => {
	if (e.data === 'version' && e.source) e.source.postMessage({ version: SHELL_VERSION });
});

self.addEventListener('fetch', (e) => {
	const req = e.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	if (url.origin !== self.location.origin) return;
	if (url.pathname.startsWith('/static/')) {
		e.respondWith(caches.open(SHELL_CACHE).then((c) => c.match(req)).then((hit) => hit || fetch(req)));
		return;
	}
	if (req.mode !== 'navigate') return;
	e.respondWith(fetch(req).catch(async () => {
		const user = await caches.open(USER_CACHE);
		/* the report form opened from an area's QR link carries ?area=: the one copy serves */
		const hit = await user.match(req, { ignoreSearch: url.pathname === '/hazards/new' });
		if (hit) return hit;
		const shell = await caches.open(SHELL_CACHE);
		return (await shell.match('/offline')) || Response.error();
	}));
});
