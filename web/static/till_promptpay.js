/* The browser till: a PromptPay payment. The QR of the pending sale with a countdown, a long
   poll of the payment. The server completes the sale in the transaction that confirms its
   payment (whoever confirmed it), so once the payment moves the till only reads the sale
   (retried until the server answers): completed, another QR to pay, or voided with the cart
   kept. The customer display shows the same QR. The sale waiting for its payment is
   remembered in localStorage, so that a reload finds it again (till_pay.js's resume). */

import { ApiError, PAYMENT_STATUS_WORDS, api, apiOk, baht, minutesSeconds, tr } from "./shared.js";
import { $, MAX_BACKOFF_MS, closeDialog, config, dialog, load, message, openDialog, parseBaht, showError, store } from "./till.js";
import { postDisplay } from "./till_display.js";
import { displayCart } from "./till_cart.js";
import { showDone } from "./till_receipt.js";

var POLL_WAIT_S = 25;
var PENDING = "otop.till.pending";

/* --- the sale waiting for its payment ------------------------------------------------------ */
export function rememberPending(sale, tillId, cartSnapshot) {
  store(PENDING, { sale_id: sale.id, till_id: tillId, cart: cartSnapshot });
}
export function pendingSale() { return load(PENDING); }
export function forgetPending() { store(PENDING, null); }

/* The sale is completed, however it was paid: no QR to watch any more, the receipt shows. */
export function completed(sale) {
  stopWatching();
  closeDialog("qr");
  forgetPending();
  showDone(sale);
}

/* --- the QR and its poll ------------------------------------------------------------------- */

var watching = { saleId: null, paymentId: null, timer: null, countdown: null, skew: 0, abort: null, display: null };

export function showQr(sale) {
  var qr = sale.payments.filter(function (p) { return p.method === "promptpay" && p.status === "pending"; })[0];
  if (!qr) {
    if (sale.status === "completed") return completed(sale);
    if (paidPart(sale) > 0) return showRest(sale);
    return voidSale(sale.id, tr("การชำระเงินไม่สำเร็จ: ยกเลิกรายการแล้ว กดชำระเงินอีกครั้ง"));
  }
  var box = openDialog("qr");
  $("[data-qr-img]", box).src = qr.qr_url;
  $("[data-qr-amount]", box).textContent = "฿" + baht(qr.amount_satang);
  $("[data-qr-ref]", box).textContent = qr.reference;
  $("[data-qr-slip]", box).value = "";
  setQrStatus("pending");
  var cash = sale.payments.filter(function (p) { return p.method === "cash"; })[0];
  $("[data-qr-cash]", box).hidden = !cash;
  if (cash) $("[data-qr-cash]", box).textContent = tr("รับเงินสดแล้ว ") + baht(cash.amount_satang) + (cash.change_satang ? tr(" ทอน ") + baht(cash.change_satang) : "");
  var demo = $("[data-qr-demo]", box);
  demo.hidden = !config.demo;
  demo.href = "/demo/pay/" + encodeURIComponent(qr.reference);
  watching.saleId = sale.id;
  watching.paymentId = qr.payment_id;
  countdown(qr.expires_at);
  poll(qr.payment_id, sale.id);
  // The sale's lines go with the QR: a display opened (or reloaded) now has no cart yet.
  watching.display = {
    type: "qr", qr_url: qr.qr_url, amount_satang: qr.amount_satang, expires_at: qr.expires_at,
    skew_ms: watching.skew,  // the browser's clock against the server's, as the till counts
    lines: sale.lines.map(function (l) {
      return { name_th: l.name_th, name_en: l.name_en, quantity: l.quantity,
               total_satang: l.unit_price_satang * l.quantity - l.discount_satang };
    }),
    discount_satang: sale.subtotal_satang - sale.total_satang, total_satang: sale.total_satang
  };
  postDisplay(watching.display);
}

function setQrStatus(status) {
  var words = Object.assign({}, PAYMENT_STATUS_WORDS, {
    pending: tr("รอลูกค้าสแกนจ่าย…"),
    expired: tr("QR หมดอายุ")
  });
  var box = dialog("qr");
  var el = $("[data-qr-status]", box);
  el.textContent = words[status] || status;
  el.dataset.status = status;
  box.dataset.status = status;
}

function countdown(expiresAt) {
  clearInterval(watching.countdown);
  var box = dialog("qr");
  var clock = $("[data-qr-countdown]", box);
  var ends = expiresAt ? Date.parse(expiresAt) : null;
  $("[data-qr-countdown-line]", box).hidden = !ends;
  if (!ends) return;
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now() - watching.skew) / 1000));
    clock.textContent = minutesSeconds(left);
    if (left === 0) clearInterval(watching.countdown);
  }
  tick();
  watching.countdown = setInterval(tick, 1000);
}

function poll(paymentId, saleId) {
  if (watching.paymentId !== paymentId) return;
  watching.abort = window.AbortController ? new AbortController() : null;
  var url = "/api/v1/payments/" + paymentId + "?wait=" + POLL_WAIT_S + "&status=pending";
  api("GET", url, null, {}, watching.abort && watching.abort.signal).then(function (answer) {
    if (watching.paymentId !== paymentId) return;
    var date = answer.headers.get("date");
    var skew = date ? Date.now() - Date.parse(date) : watching.skew;
    var moved = Math.abs(skew - watching.skew) > 1000;
    watching.skew = skew;
    if (!answer.ok) { watching.timer = setTimeout(function () { poll(paymentId, saleId); }, 3000); return; }
    var status = answer.body.status;
    if (status === "pending") {
      // The display counts down with the till's skew: tell it when that was learnt anew.
      if (moved && watching.display) {
        watching.display.skew_ms = skew;
        postDisplay(watching.display);
      }
      return poll(paymentId, saleId);
    }
    setQrStatus(status);
    // Completed, another QR to pay, the rest to take another way, or nothing paid (void).
    refresh(saleId);
  }, function () {
    watching.timer = setTimeout(function () { poll(paymentId, saleId); }, 2000);
  });
}

function stopWatching() {
  if (watching.abort) watching.abort.abort();
  watching.abort = null;
  watching.paymentId = null;
  watching.display = null;
  watching.saleId = null;
  clearTimeout(watching.timer);
  clearInterval(watching.countdown);
}

/* The sale as the server has it now (its payment's confirmation completed it already). */
function refresh(saleId, delay) {
  return api("GET", "/api/v1/sales/" + saleId).then(function (answer) {
    if (answer.status >= 500) throw new Error(answer.status);
    if (!answer.ok) { showError(dialog("qr"), new ApiError(answer)); return; }
    var sale = answer.body;
    if (sale.status === "completed") completed(sale);
    else if (sale.status === "pending_payment") { stopWatching(); showQr(sale); }
    else voidedShown(tr("รายการขายนี้ถูกยกเลิกแล้ว"));
  }).catch(function () {
    var next = Math.min((delay || 500) * 2, MAX_BACKOFF_MS);
    setTimeout(function () { refresh(saleId, next); }, next);
  });
}

function voidSale(saleId, why) {
  stopWatching();
  return apiOk("POST", "/api/v1/sales/" + saleId + "/void").then(function (sale) {
    if (sale.status === "completed") return completed(sale);
    voidedShown(why);
  }, function (error) {
    if (error.status === 409) {
      // Paid after all (or already voided): the server knows which.
      return apiOk("GET", "/api/v1/sales/" + saleId).then(function (sale) {
        if (sale.status === "completed") completed(sale);
        else if (sale.status === "voided") voidedShown(why);
        else showError(openBox(), error);
      });
    }
    showError(openBox(), error);
  });
}

function openBox() { return dialog("rest").open ? dialog("rest") : dialog("qr"); }

function paidPart(sale) {
  return sale.payments.reduce(function (sum, p) { return sum + (p.status === "confirmed" ? p.amount_satang : 0); }, 0);
}

/* Partly paid, nothing pending: the rest in cash, a new QR for it, or void (the paid
   PromptPay part is then owed back to the customer; the manager sees it in the exceptions). */
function showRest(sale) {
  stopWatching();
  closeDialog("qr");
  var box = openDialog("rest");
  var paid = paidPart(sale);
  box.dataset.sale = sale.id;
  box.dataset.paid = paid;
  $("[data-rest-paid]", box).textContent = "฿" + baht(paid);
  $("[data-rest-due]", box).textContent = "฿" + baht(sale.total_satang - paid);
  $("[data-rest-tendered]", box).value = "";
  showError(box, null);
}

function takeRest(body) {
  var box = dialog("rest");
  var saleId = Number(box.dataset.sale);
  showError(box, null);
  return apiOk("POST", "/api/v1/sales/" + saleId + "/payments", body).then(function (sale) {
    closeDialog("rest");
    if (sale.status === "completed") completed(sale);
    else if (sale.status === "pending_payment") showQr(sale);
    else voidedShown(tr("รายการขายนี้ถูกยกเลิกแล้ว"));
  }, function (error) { showError(box, error); });
}

function bindRest() {
  var box = dialog("rest");
  box.addEventListener("cancel", function (event) { event.preventDefault(); });
  $("[data-rest-cash]", box).addEventListener("click", function () {
    var typed = $("[data-rest-tendered]", box).value.trim();
    var tendered = typed ? parseBaht(typed) : null;
    if (typed && tendered === null) return showError(box, new Error(tr("จำนวนเงินไม่ถูกต้อง")));
    takeRest(tendered === null ? { method: "cash" } : { method: "cash", tendered_satang: tendered });
  });
  $("[data-rest-qr]", box).addEventListener("click", function () { takeRest({ method: "promptpay" }); });
  $("[data-rest-void]", box).addEventListener("click", function () {
    var paid = Number(box.dataset.paid || 0);
    if (!window.confirm(tr("ยกเลิกการขายนี้? สินค้ากลับเข้าสต็อก เงินพร้อมเพย์ที่รับแล้ว ฿") + baht(paid) + tr(" จะถูกบันทึกให้ผู้จัดการโอนคืนลูกค้า"))) return;
    voidSale(Number(box.dataset.sale), tr("ยกเลิกการขายแล้ว เงินที่รับแล้วรอผู้จัดการโอนคืน"));
  });
}

function voidedShown(why) {
  stopWatching();
  forgetPending();
  closeDialog("rest");
  closeDialog("qr");
  displayCart();
  message(why);
}

export function bindQr() {
  bindRest();
  var box = dialog("qr");
  box.addEventListener("cancel", function (event) { event.preventDefault(); });
  $("[data-qr-confirm]", box).addEventListener("click", function () {
    var paymentId = watching.paymentId, saleId = watching.saleId;
    if (!paymentId) return;
    var slip = $("[data-qr-slip]", box).value.trim();
    showError(box, null);
    apiOk("POST", "/api/v1/payments/" + paymentId + "/confirm", slip ? { slip_payload: slip } : {}).then(function (payment) {
      setQrStatus(payment.status);
      if (payment.status === "confirmed") refresh(saleId);
    }, function (error) { showError(box, error); });
  });
  $("[data-qr-cancel]", box).addEventListener("click", function () {
    if (!watching.saleId) return;
    if (!window.confirm(tr("ยกเลิกรายการขายนี้? สินค้าจะกลับเข้าสต็อก และยังอยู่ในตะกร้า"))) return;
    voidSale(watching.saleId, tr("ยกเลิกรายการขายแล้ว สินค้ายังอยู่ในตะกร้า"));
  });
  $("[data-qr-slip]", box).addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); $("[data-qr-confirm]", box).click(); }
  });
}
