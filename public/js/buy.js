// Live totals on the plan picker. The server renders correct totals for the plan it pre-selected;
// this only updates them when the customer picks another plan. The form works without it.
(function () {
  'use strict';
  var form = document.querySelector('form.buy-form');
  if (!form) return;
  var currency = form.getAttribute('data-currency');

  function money(cents) {
    if (cents === 0) return 'Free';
    if (!currency) return null;
    var digits = cents % 100 === 0 ? 0 : 2;
    try {
      return new Intl.NumberFormat('en', {
        style: 'currency',
        currency: currency.toUpperCase(),
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(cents / 100);
    } catch (e) {
      return null;
    }
  }

  function update() {
    var plan = form.querySelector('input[name="plan"]:checked');
    var duration = form.querySelector('input[name="duration_months"]:checked');
    var price = plan ? plan.getAttribute('data-price-cents') : null;
    var totals = form.querySelectorAll('[data-total-for]');
    for (var i = 0; i < totals.length; i++) {
      var months = Number(totals[i].getAttribute('data-total-for'));
      var label = price === null ? null : money(Number(price) * months);
      totals[i].textContent = label === null ? 'Total at checkout' : label === 'Free' ? 'Free' : label + ' in total';
    }
    var total = document.getElementById('order-total');
    var note = document.getElementById('order-total-note');
    if (total) {
      var sum = price === null || !duration ? null : money(Number(price) * Number(duration.value));
      total.textContent = sum === null ? 'Shown at checkout' : sum;
    }
    if (note && plan && duration) {
      note.textContent = plan.getAttribute('data-name') + ', ' + duration.getAttribute('data-label') + '. You confirm and pay on the next page.';
    }
  }

  form.addEventListener('change', update);
})();
