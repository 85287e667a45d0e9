/* ppe-sign.js — the signature pad of the PPE issue form (/ppe/store): the person receiving
 * the items signs on the store keeper's tablet with a finger or stylus; on sending, the
 * drawing goes as a PNG data URL in the hidden field "signature" (the server checks it is a
 * PNG and not too large, and stores it with the issue as the receipt). Without this script,
 * or with nothing drawn, the issue is sent unsigned and the holder confirms on the phone.
 * No inline script: CSP. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	document.querySelectorAll('canvas[data-sign-for]').forEach((cv) => {
		const field = cv.form.elements[cv.dataset.signFor];
		const clear = cv.parentElement.querySelector('button[data-sign-clear]');
		const ctx = cv.getContext('2d');
		let drawn = false, last = null;
		const fit = () => {	// draw at the screen's pixel density, a 2:1 box as wide as the form
			const r = cv.getBoundingClientRect(), d = Math.min(window.devicePixelRatio || 1, 2);
			cv.width = Math.round(r.width * d);
			cv.height = Math.round(r.height * d);
			ctx.scale(d, d);
			ctx.lineWidth = 2.5;
			ctx.lineCap = ctx.lineJoin = 'round';
			ctx.strokeStyle = '#111';
		};
		fit();
		const at = (e) => {
			const r = cv.getBoundingClientRect();
			return [e.clientX - r.left, e.clientY - r.top];
		};
		cv.addEventListener('pointerdown', (e) => {
			cv.setPointerCapture(e.pointerId);
			last = at(e);
			e.preventDefault();
		});
		cv.addEventListener('pointermove', (e) => {
			if (!last) return;
			const p = at(e);
			ctx.beginPath();
			ctx.moveTo(last[0], last[1]);
			ctx.lineTo(p[0], p[1]);
			ctx.stroke();
			last = p;
			drawn = true;
			e.preventDefault();
		});
		const up = () => { last = null; };
		cv.addEventListener('pointerup', up);
		cv.addEventListener('pointercancel', up);
		if (clear) clear.addEventListener('click', () => {
			ctx.clearRect(0, 0, cv.width, cv.height);
			drawn = false;
			field.value = '';
		});
		cv.form.addEventListener('submit', () => {
			field.value = drawn ? cv.toDataURL('image/png') : '';
		});
	});
});
