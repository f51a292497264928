// Keeps the order status page current: every half second it asks the portal whether the order
// changed and, when it did, swaps in the new status (no reload, so the change shows within a
// second of the webhook); it stops once the status is final. Without JavaScript the page reloads
// itself (<noscript> meta refresh) and shows a Refresh link, so this script is only a nicety.
(function () {
  'use strict';
  var region = document.getElementById('order-status');
  if (!region || !window.fetch) return;
  if (region.getAttribute('data-poll') !== '1') return; // the order is final: nothing to follow
  var ref = region.getAttribute('data-order-ref');
  var paid = region.getAttribute('data-paid') === '1';
  var version = region.getAttribute('data-version');
  var INTERVAL = 500;
  var delay = INTERVAL;

  function schedule() {
    window.setTimeout(poll, document.hidden ? Math.max(delay, 10000) : delay);
  }

  function poll() {
    var url = '/thank-you/status?ref=' + encodeURIComponent(ref) + '&version=' + encodeURIComponent(version) + (paid ? '&paid=1' : '');
    fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 404) return null; // unknown order: nothing to follow
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (body) {
        if (!body) return;
        if (body.html && body.version !== version) {
          version = body.version;
          // Focus inside the old status would fall back to the page: keep it on the new headline.
          var hadFocus = region.contains(document.activeElement);
          region.innerHTML = body.html;
          var headline = region.querySelector('h1');
          if (hadFocus && headline) {
            headline.setAttribute('tabindex', '-1');
            headline.focus();
          }
          region.setAttribute('data-version', version);
          if (body.title) document.title = body.title;
        }
        delay = INTERVAL;
        if (!body.final) schedule();
        else region.removeAttribute('data-poll');
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // the portal is restarting or offline: back off
        schedule();
      });
  }

  schedule();
})();
