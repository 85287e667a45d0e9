// static/screen.js — the big screen refreshes itself: every data-every seconds (60) it fetches
// the panels' HTML fragment from data-src and swaps it into #scr-panels in one step, so the
// display never flashes through a full reload. A failed fetch (network, signed out) keeps
// the last panels and tries again next minute.
(function () {
  'use strict';
  var main = document.getElementById('scr-panels');
  if (!main || !window.fetch) return;
  var every = (parseInt(main.getAttribute('data-every'), 10) || 60) * 1000;
  var src = main.getAttribute('data-src');
  var time = document.querySelector('.scr-time');
  function refresh() {
    fetch(src, { credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.text();
    }).then(function (html) {
      var t = document.createElement('template');
      t.innerHTML = html;
      var grid = t.content.querySelector('.scr-grid');
      if (!grid) return;
      main.replaceChildren(t.content);
      if (time) time.textContent = grid.getAttribute('data-updated');
      main.setAttribute('data-refreshed', String(Date.now()));
    }).catch(function () { /* keep the last panels */ });
  }
  setInterval(refresh, every);
  // tests and operators can ask for a refresh now: #refresh in the address
  if (location.hash === '#refresh') setTimeout(refresh, 100);
})();
