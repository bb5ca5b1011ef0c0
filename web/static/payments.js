/* Payments: keep a PromptPay panel's status live (server-sent events, long polling as the
   fallback), count down to expiry, confirm by hand (with an optional slip QR that a scanner
   types in) or cancel, and resolve exceptions. Plain DOM and fetch(); no framework. */
import { PAYMENT_STATUS_WORDS, apiOk, minutesSeconds, showError, tr } from "./shared.js";

const FINAL = { confirmed: true, expired: true, cancelled: true, failed: true };

/* --- the live panel ------------------------------------------------------------------ */
function watch(panel) {
  var id = panel.getAttribute("data-payment");
  var actions = document.querySelector("[data-actions]");
  var stopped = false;

  function apply(status) {
    panel.setAttribute("data-status", status);
    document.querySelectorAll("[data-status-text]").forEach(function (el) {
      el.textContent = PAYMENT_STATUS_WORDS[status] || status;
    });
    if (FINAL[status]) {
      stopped = true;
      var qr = panel.querySelector("[data-qr]");
      if (qr) qr.hidden = true;
      var line = panel.querySelector("[data-countdown-line]");
      if (line) line.hidden = true;
      if (actions) actions.hidden = true;
    }
  }

  function longPoll(status) {
    if (stopped) return;
    apiOk("GET", "/api/v1/payments/" + id + "?wait=25&status=" + encodeURIComponent(status))
      .then(function (p) { apply(p.status); longPoll(p.status); })
      .catch(function () { setTimeout(function () { longPoll(status); }, 2000); });
  }

  if (FINAL[panel.getAttribute("data-status")]) return { apply: apply };
  if (window.EventSource) {
    var source = new EventSource("/api/v1/payments/" + id + "/events");
    source.addEventListener("status", function (message) {
      var data = JSON.parse(message.data);
      apply(data.status);
      if (FINAL[data.status]) source.close();
    });
    source.onerror = function () {
      // EventSource reconnects by itself; once the payment is final there is nothing to wait for.
      if (stopped) source.close();
    };
  } else {
    longPoll(panel.getAttribute("data-status"));
  }
  countdown(panel, apply);
  return { apply: apply };
}

function countdown(panel, apply) {
  var clock = panel.querySelector("[data-countdown]");
  if (!clock) return;
  var ends = Date.now() + Number(panel.getAttribute("data-remaining") || 0) * 1000;
  var timer = setInterval(function () {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    clock.textContent = minutesSeconds(left);
    if (FINAL[panel.getAttribute("data-status")]) clearInterval(timer);
    else if (left === 0) { clearInterval(timer); apply("expired"); }
  }, 1000);
}

/* --- the cashier's buttons ------------------------------------------------------------ */
function bindActions(panel, live) {
  var form = document.querySelector("[data-confirm]");
  if (!form) return;
  var id = panel.getAttribute("data-payment");
  var errorBox = document.querySelector("[data-actions] [data-error]");
  var slip = form.querySelector("[name=slip_payload]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    showError(errorBox, null);
    var text = slip && slip.value.trim();
    apiOk("POST", "/api/v1/payments/" + id + "/confirm", text ? { slip_payload: text } : {})
      .then(function (p) { live.apply(p.status); })
      .catch(function (error) { showError(errorBox, error); if (slip) slip.select(); });
  });
  var cancel = form.querySelector("[data-cancel]");
  if (cancel) cancel.addEventListener("click", function () {
    if (!window.confirm(tr("ยกเลิกรายการชำระเงินนี้?"))) return;
    showError(errorBox, null);
    apiOk("POST", "/api/v1/payments/" + id + "/cancel")
      .then(function (p) { live.apply(p.status); })
      .catch(function (error) { showError(errorBox, error); });
  });
}

/* --- exceptions (managers) ------------------------------------------------------------ */
function bindResolve(form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var box = form.querySelector("[data-error]");
    showError(box, null);
    var input = form.querySelector("[name=resolution]");
    var action = event.submitter && event.submitter.name === "action" ? event.submitter.value : "note";
    // Payment exceptions by default; a sale exception's form names its own list.
    var list = form.getAttribute("data-resolve-at") || "/api/v1/payments/exceptions/";
    apiOk("POST", list + form.getAttribute("data-resolve") + "/resolve",
      { resolution: input.value, action: action })
      .then(function (item) { form.replaceWith(document.createTextNode(item.resolution)); })
      .catch(function (error) { showError(box, error); });
  });
}

document.querySelectorAll("[data-payment]").forEach(function (panel) {
  bindActions(panel, watch(panel));
});
document.querySelectorAll("[data-resolve]").forEach(bindResolve);
