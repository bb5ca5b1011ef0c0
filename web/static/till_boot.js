/* The browser till: the wiring, once every till_*.js file has added its part to `window.Till`
   (they are deferred, so all of them have run by DOMContentLoaded). */
(function () {
  "use strict";

  var T = window.Till;
  var $ = T.$, $all = T.$all;

  var REFRESH_MS = 10 * 60 * 1000;
  /* On-hand changes as other tills sell: reload the catalogue now and then, when idle. */
  function refreshWhenIdle() {
    var idle = T.state.ready && !T.cart.lines.length && !T.doneVisible() && !T.anyDialogOpen() &&
      !T.isBusy() && $("#scan").value === "" && T.browsingAll();
    if (idle) T.reloadCatalogue().catch(function () { /* next time */ });
  }

  /* Every dialog gives the keyboard back to the scan input when it closes. */
  function bindDialogs() {
    $all("dialog.till-dialog").forEach(function (box) {
      box.addEventListener("close", function () { setTimeout(T.focusScan, 0); });
      $all("[data-close]", box).forEach(function (b) { b.addEventListener("click", function () { box.close(); }); });
    });
  }

  function boot() {
    T.bindKeys();
    bindDialogs();
    T.bindTillChoice();
    T.bindCart();
    T.bindGrid();
    T.bindAmountDialog();
    T.bindOpenShift();
    T.bindApproval();
    T.bindPay();
    T.bindDisplay();
    T.bindDay();

    setInterval(refreshWhenIdle, REFRESH_MS);
    T.start();
  }

  document.addEventListener("DOMContentLoaded", boot);
})();
