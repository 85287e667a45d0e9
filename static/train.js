// static/train.js — the training pages' two timers.
// A class's sign-in QR follows its code: the code changes every minute
// (src/train/train_class.c), so the trainer's page reloads itself every data-train-qr
// seconds while it shows the code.
// A course page counts self-study time honestly (src/train/train_study.c): a heartbeat every
// 30 seconds, sent only while the page is visible; a hidden page sends nothing, and the
// server counts no gap longer than 45 seconds, so time away is never counted.
(function () {
  'use strict';
  const qr = document.querySelector('[data-train-qr]');
  if (qr) {
    const every = Math.max(10, Number(qr.getAttribute('data-train-qr')) || 30) * 1000;
    setTimeout(() => {
      if (!document.hidden) location.reload();
      else document.addEventListener('visibilitychange', () => location.reload(), { once: true });
    }, every);
  }
  const study = document.querySelector('[data-study]');
  if (study) {
    const url = study.getAttribute('data-study');
    const beat = () => {
      if (document.hidden) return;
      fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf(), 'Content-Type': 'application/json' }, body: '{}' })
        .then((r) => (r.ok ? r.json() : null))
        .then((j) => { if (j) study.setAttribute('data-seconds', String(j.seconds)); })
        .catch(() => {});
    };
    const csrf = () => (document.querySelector('input[name=_csrf]') || {}).value || '';
    beat();
    setInterval(beat, 30000);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) beat(); });
  }
})();
