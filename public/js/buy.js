// The plan picker's live summary. The server renders the summary and the trial rules for the
// choices it was given (and re-renders them on "Update summary" without script); this keeps them
// current as the customer clicks. Every word comes from the page (data attributes, in its language).
(function () {
  'use strict';
  var form = document.querySelector('form.buy-form');
  if (!form) return;
  var lang = document.documentElement.lang || 'en';
  var currency = form.getAttribute('data-currency');

  function text(id, value) {
    var el = document.getElementById(id);
    if (el && value !== null) el.textContent = value;
  }

  function money(cents) {
    if (cents === 0) return form.getAttribute('data-free');
    if (!currency) return null;
    var digits = cents % 100 === 0 ? 0 : 2;
    try {
      return new Intl.NumberFormat(lang, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(cents / 100);
    } catch (e) {
      return null;
    }
  }

  // A plan's total for a length: the catalog's listed price (which may be discounted), else monthly × months.
  function totalFor(plan, months) {
    var totals = JSON.parse(plan.getAttribute('data-totals') || '{}');
    if (totals[months] !== undefined && totals[months] !== null) return Number(totals[months]);
    var price = plan.getAttribute('data-price-cents');
    return price === null ? null : Number(price) * months;
  }

  function checked(name) {
    return form.querySelector('input[name="' + name + '"]:checked');
  }

  function update() {
    var plan = checked('plan');
    if (!plan) return;
    var trial = plan.value === 'trial';
    // A trial has no length or credit to choose: hide those fields and leave them out of the post.
    var paidOnly = form.querySelectorAll('[data-paid-only]');
    for (var i = 0; i < paidOnly.length; i++) {
      paidOnly[i].hidden = trial;
      paidOnly[i].disabled = trial;
    }
    var trialOnly = form.querySelectorAll('[data-trial-only]');
    for (var j = 0; j < trialOnly.length; j++) trialOnly[j].hidden = !trial;

    var price = plan.getAttribute('data-price-cents');
    var totals = form.querySelectorAll('[data-total-for]');
    for (var k = 0; k < totals.length; k++) {
      var total = totalFor(plan, Number(totals[k].getAttribute('data-total-for')));
      var label = total === null ? null : money(total);
      totals[k].textContent = label === null ? form.getAttribute('data-at-checkout') : Number(price) === 0 ? label : form.getAttribute('data-in-total').replace('{total}', label);
    }

    var duration = checked('duration_months');
    var credit = checked('credit_usd');
    var months = trial || !duration ? 1 : Number(duration.value);
    var creditCents = trial || !credit ? 0 : Number(credit.getAttribute('data-price-cents') || 0);
    text('summary-plan', plan.getAttribute('data-name'));
    text('summary-duration', trial ? form.getAttribute('data-trial-duration') : duration ? duration.getAttribute('data-label') : null);
    text('summary-credit', trial || !credit ? form.getAttribute('data-no-credit') : credit.getAttribute('data-summary'));
    var base = trial ? 0 : totalFor(plan, months);
    var sum = base === null ? null : money(base + creditCents);
    text('order-total', sum === null ? form.getAttribute('data-at-checkout') : sum);
  }

  form.addEventListener('change', update);
  update();
})();
