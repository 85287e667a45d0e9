/* hazard.js — the report page and the rectification forms, enhanced:
 *  - the GPS button picks the nearest area from the <option data-lat/data-lng> list;
 *  - forms with photos get hidden lat/lng/gps_acc fields from the phone's fix, which the
 *    server draws into the photos' evidence watermark (without a fix it names the area only);
 *  - photos are shrunk in the browser (canvas, ≤1600 px, JPEG quality 0.8) before upload,
 *    so a 4 MB phone photo travels as ~300 KB over a weak signal; then the form is sent with
 *    fetch + FormData. Without JavaScript (or on any failure) the plain multipart form works.
 * The server re-encodes every photo anyway; this only saves the worker's data and time.
 *  - a report gets an idempotency key and its capture time; without signal, or when the
 *    request fails, it is kept on the phone (window.aqQueue, static/offline.js) instead;
 *  - the report form's "hold to record" (static/voice.js, loaded by static/offline.js). */
'use strict';
(() => {
	const MAX = 1600;

	function shrink(file) {
		return new Promise((resolve) => {
			if (!file.type.startsWith('image/') || !window.URL || !document.createElement('canvas').toBlob) {
				resolve(file);
				return;
			}
			const img = new Image();
			const url = URL.createObjectURL(file);
			img.onload = () => {
				URL.revokeObjectURL(url);
				const k = Math.min(1, MAX / Math.max(img.naturalWidth, img.naturalHeight));
				const c = document.createElement('canvas');
				c.width = Math.round(img.naturalWidth * k);
				c.height = Math.round(img.naturalHeight * k);
				c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
				c.toBlob((b) => resolve(b && b.size < file.size ? b : file), 'image/jpeg', 0.8);
			};
			img.onerror = () => { URL.revokeObjectURL(url); resolve(file); };
			img.src = url;
		});
	}

	function nearest(select, lat, lng) {
		let best = null, bestD = Infinity;
		for (const o of select.options) {
			if (!o.dataset.lat) continue;
			const dy = (o.dataset.lat - lat) * 111320;
			const dx = (o.dataset.lng - lng) * 111320 * Math.cos(lat * Math.PI / 180);
			const d = dx * dx + dy * dy;
			if (d < bestD) { bestD = d; best = o; }
		}
		if (best) select.value = best.value;
	}

	function setFix(p) {
		document.querySelectorAll('form.js-shrink').forEach((form) => {
			const put = (name, v) => {
				let i = form.elements[name];
				if (!i) {
					i = document.createElement('input');
					i.type = 'hidden';
					i.name = name;
					form.appendChild(i);
				}
				i.value = v;
			};
			put('lat', p.coords.latitude.toFixed(7));
			put('lng', p.coords.longitude.toFixed(7));
			put('gps_acc', Math.round(p.coords.accuracy));
		});
	}

	document.addEventListener('DOMContentLoaded', () => {
		if (document.querySelector('form.js-shrink input[type=file]') && navigator.geolocation)
			navigator.geolocation.getCurrentPosition(setFix, () => {},
				{ enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
		const gps = document.querySelector('.hz-gps');
		const area = document.querySelector('select[name=area_id]');
		if (gps && area && navigator.geolocation) {
			gps.hidden = false;
			gps.addEventListener('click', () => {
				gps.disabled = true;
				navigator.geolocation.getCurrentPosition(
					(p) => { nearest(area, p.coords.latitude, p.coords.longitude); setFix(p); gps.disabled = false; },
					() => { gps.disabled = false; },
					{ enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
			});
		}
		const previews = document.querySelector('.hz-previews');
		const input = document.querySelector('.hz-report input[type=file]');
		if (previews && input) {
			input.addEventListener('change', () => {
				previews.textContent = '';
				for (const f of input.files) {
					const i = document.createElement('img');
					i.src = URL.createObjectURL(f);
					i.alt = '';
					previews.appendChild(i);
				}
			});
		}
		const report = document.querySelector('form.hz-report');
		if (report && input) input.addEventListener('change', () => {
			if (!report.dataset.capturedAt) report.dataset.capturedAt = String(Math.floor(Date.now() / 1000));
		});
		document.querySelectorAll('form.js-shrink').forEach((form) => {
			form.addEventListener('submit', async (e) => {
				const files = form.querySelector('input[type=file]');
				const queued = form.dataset.queued;
				if (!window.fetch || !window.FormData) return;
				if (!queued && (!files || !files.files.length)) return;
				e.preventDefault();
				const button = form.querySelector('button:not([type=button])');
				if (button) button.disabled = true;
				const status = form.querySelector('.hz-status');
				const isReport = form.classList.contains('hz-report') && window.aqQueue;
				const fd = new FormData(form);
				const photos = [];
				if (files) {
					fd.delete(files.name);
					for (const f of files.files) {
						const b = await shrink(f);
						photos.push(b);
						fd.append(files.name, b, (f.name || 'photo').replace(/\.\w+$/, '') + '.jpg');
					}
				}
				/* a report carries its key and capture time, so that it can wait on the phone
				 * (static/offline.js) and a retry after a lost answer is recognised */
				let save = null;
				if (isReport) {
					const key = queued || form.dataset.idem || (form.dataset.idem = window.aqQueue.newKey());
					const captured = Number(form.dataset.capturedAt) || Math.floor(Date.now() / 1000);
					form.dataset.capturedAt = String(captured);
					fd.set('idem_key', key);
					fd.set('captured_at', String(captured));
					if (form.voiceBlob) fd.append('voice', form.voiceBlob, 'voice.webm');
					save = async () => {
						const fields = {};
						for (const [k, v] of fd) if (typeof v === 'string' && k !== '_csrf' && k !== 'idem_key' && k !== 'captured_at') fields[k] = v;
						const area = form.elements.area_id;
						const cat = form.querySelector('input[name=category_id]:checked');
						fields._label = [area && area.selectedOptions[0] ? area.selectedOptions[0].text : '',
							cat ? cat.parentElement.textContent : ''].join(' · ');
						await window.aqQueue.add(fields, photos, form.voiceBlob, captured, key);
						if (queued) {
							await window.aqQueue.flush();
							location.assign('/offline');
							return;
						}
						/* ready for the next report */
						form.reset();
						delete form.dataset.idem;
						delete form.dataset.capturedAt;
						form.voiceBlob = null;
						form.dispatchEvent(new Event('voice-clear'));
						const previews = form.querySelector('.hz-previews');
						if (previews) previews.textContent = '';
						if (status) status.textContent = document.querySelector('.oq')?.dataset.saved || '';
						if (button) button.disabled = false;
					};
					if (queued || !navigator.onLine) {
						await save();
						return;
					}
				}
				try {
					/* getAttribute: a field named "action" shadows form.action */
					const res = await fetch(form.getAttribute('action'), { method: 'POST', body: fd, credentials: 'same-origin' });
					const html = await res.text();
					if (res.ok && res.redirected) {
						location.assign(res.url);
						return;
					}
					document.open();
					document.write(html);
					document.close();
				} catch (err) {
					if (save) {	/* no answer: kept on the phone, sent again with the same key */
						await save();
						return;
					}
					if (status) status.textContent = String(err);
					if (button) button.disabled = false;
					form.submit();	/* the network failed mid-way: try the plain form */
				}
			});
		});
	});
})();
