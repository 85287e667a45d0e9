// static/train.js — a classroom session's sign-in QR follows its code: the code changes every
// minute (src/train/train_session.c), so the trainer's page reloads itself every
// data-train-qr seconds while it shows the code.
(function () {
  'use strict';
  const qr = document.querySelector('[data-train-qr]');
  if (!qr) return;
  const every = Math.max(10, Number(qr.getAttribute('data-train-qr')) || 30) * 1000;
  setTimeout(() => { if (!document.hidden) location.reload(); else document.addEventListener('visibilitychange', () => location.reload(), { once: true }); }, every);
})();
