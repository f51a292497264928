// Keeps the order status page current: asks the portal for the order's status and reloads the
// page when it changes; stops once the status is final. Without JavaScript the page refreshes
// itself (<noscript> meta refresh) and shows a Refresh link, so this script is only a nicety.
(function () {
  'use strict';
  var panel = document.querySelector('[data-poll="1"][data-order-ref]');
  if (!panel || !window.fetch) return;
  var ref = panel.getAttribute('data-order-ref');
  var shown = panel.getAttribute('data-order-status');
  var delay = 1500;

  function schedule() {
    window.setTimeout(poll, document.hidden ? Math.max(delay, 10000) : delay);
  }

  function poll() {
    fetch('/thank-you/status?ref=' + encodeURIComponent(ref), {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'same-origin',
    })
      .then(function (res) {
        if (res.status === 404) return null; // unknown order: nothing to follow
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (body) {
        if (!body) return;
        if (body.status !== shown) {
          window.location.reload();
          return;
        }
        delay = 1500;
        if (!body.final) schedule();
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // the portal is restarting or offline: back off
        schedule();
      });
  }

  schedule();
})();
