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
