/* voice.js — hold to record a voice note (gloves on) on the report, rectification and check
 * forms; loaded by offline.js after the page. The clip stays on the form (form.voiceBlob) for
 * hazard.js to send or queue, and goes into the form's hidden file input "voice" if it has one;
 * its length in voice_seconds. A "voice-clear" event drops it. */
'use strict';
(() => {
	/* MediaRecorder (the browser asks for the microphone once), up to the configured limit;
	 * Space or Enter held works too. Without it the box stays hidden: dictation still works. */
	function voice(form) {
		const box = form && form.querySelector('.hz-voice');
		if (!box || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
		box.hidden = false;
		const btn = box.querySelector('.hz-rec');
		const play = box.querySelector('.hz-voice-play');
		const drop = box.querySelector('.hz-voice-del');
		const max = (Number(box.dataset.max) || 60) * 1000;
		let rec = null, stream = null, want = false, timer = 0;
		const types = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'];
		const input = box.querySelector('input[type=file][name=voice]');
		const secs = Object.assign(document.createElement('input'), { type: 'hidden', name: 'voice_seconds', value: '0' });
		box.appendChild(secs);
		let began = 0;
		const clear = () => {
			form.voiceBlob = null;
			form.voiceSeconds = 0;
			if (input) input.value = '';
			secs.value = '0';
			play.hidden = true;
			drop.hidden = true;
			play.removeAttribute('src');
		};
		async function start(e) {
			if (e) e.preventDefault();
			if (want) return;
			want = true;
			try {
				stream = await navigator.mediaDevices.getUserMedia({ audio: true });
			} catch {
				want = false;
				return;
			}
			const type = types.find((t) => MediaRecorder.isTypeSupported(t));
			rec = new MediaRecorder(stream, type ? { mimeType: type } : {});
			const chunks = [];
			rec.ondataavailable = (ev) => { if (ev.data.size) chunks.push(ev.data); };
			rec.onstop = () => {
				stream.getTracks().forEach((t) => t.stop());
				clearTimeout(timer);
				btn.classList.remove('recording');
				btn.textContent = btn.dataset.hold;
				const blob = new Blob(chunks, { type: rec.mimeType || 'audio/webm' });
				if (blob.size) {
					form.voiceBlob = blob;
					form.voiceSeconds = Math.max(1, Math.round((performance.now() - began) / 1000));
					secs.value = String(form.voiceSeconds);
					if (input && window.DataTransfer) {
						const dt = new DataTransfer();
						const ext = /ogg/.test(blob.type) ? 'ogg' : /mp4/.test(blob.type) ? 'm4a' : 'webm';
						dt.items.add(new File([blob], `voice.${ext}`, { type: blob.type }));
						input.files = dt.files;
					}
					play.src = URL.createObjectURL(blob);
					play.hidden = false;
					drop.hidden = false;
					box.dataset.size = String(blob.size);
				}
				rec = null;
			};
			rec.start();
			began = performance.now();
			btn.classList.add('recording');
			btn.textContent = btn.dataset.rec;
			timer = setTimeout(stop, max);
			if (!want) stop();
		}
		function stop() {
			want = false;
			if (rec && rec.state === 'recording') rec.stop();
		}
		btn.addEventListener('pointerdown', start);
		btn.addEventListener('pointerup', stop);
		btn.addEventListener('pointerleave', stop);
		btn.addEventListener('pointercancel', stop);
		btn.addEventListener('contextmenu', (e) => e.preventDefault());
		btn.addEventListener('keydown', (e) => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) start(e); });
		btn.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') stop(); });
		drop.addEventListener('click', clear);
		form.addEventListener('voice-clear', clear);
	}
	if (window.aqVoice) return;	/* once a page */
	window.aqVoice = true;
	document.querySelectorAll('form').forEach((f) => { if (f.querySelector('.hz-voice')) voice(f); });
})();
