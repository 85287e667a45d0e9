/* app.js — small enhancements only; every page works without it. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	/* confirm buttons that change something irreversible: <button data-confirm="…"> */
	document.querySelectorAll('button[data-confirm]').forEach((b) => {
		b.addEventListener('click', (e) => {
			if (!window.confirm(b.dataset.confirm)) e.preventDefault();
		});
	});
});
/* a file input drawn by page_file_input (web/page_lang.c): the chosen files' names in the
 * page's words, as the browser's own line (in the browser's language) is hidden */
document.addEventListener('change', (e) => {
	const input = e.target;
	if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
	const names = input.parentElement && input.parentElement.querySelector('.file-names');
	if (!names) return;
	if (!names.dataset.none) names.dataset.none = names.textContent;
	const files = [...input.files].map((f) => f.name);
	names.textContent = files.length === 0 ? names.dataset.none
		: files.length === 1 ? files[0] : names.dataset.many.replace('{n}', String(files.length));
});
/* the offline queue and the service worker (static/offline.js): loaded once the page is up,
 * so that it never delays the first paint on a weak signal */
window.addEventListener('load', () => {
	const m = document.querySelector('meta[name="aq-offline"]');
	if (!m) return;
	const s = document.createElement('script');
	s.src = m.content;
	document.head.appendChild(s);
});
