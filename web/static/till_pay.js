/* The browser till: taking the money, exactly once.

   Every sale (and refund) goes through the outbox: an Idempotency-Key is made when the
   cashier presses pay, and the request (key and exact body) is written to localStorage
   *before* it is sent. No answer or a 5xx: the same key and body are sent again with backoff
   while the screen says it is waiting to confirm; the server answers a replay with the first
   result, so there is never a second sale. A reload finds the unconfirmed request and sends
   it again. A 4xx is the server's refusal: shown with its message, the cart kept.

   A PromptPay sale waits for its payment in till_promptpay.js; the customer display hears all
   of it through till_display.js; the receipt is till_receipt.js's. */

import { api, apiOk, baht, errorText, tr } from "./shared.js";
import {
  $, $all, MAX_BACKOFF_MS, closeDialog, config, dialog, focusScan, load, message, newKey, openDialog, parseBaht,
  showError, state, store
} from "./till.js";
import { productById, productName } from "./till_products.js";
import {
  cart, cartSnapshot, hideDone, needsApproval, approvalValid, pricing, restoreCart, saleBody, totalDiscount
} from "./till_cart.js";
import { approve } from "./till_discounts.js";
import { openShiftDialog, shiftUsable } from "./till_shift.js";
import { printReceipt } from "./till_receipt.js";
import { bindQr, completed, forgetPending, pendingSale, rememberPending, showQr } from "./till_promptpay.js";

var OUTBOX = "otop.till.outbox";

/* --- the payment dialog ------------------------------------------------------------------ */
var busy = false;

export function openPay(method) {
  if (busy || !state.ready) return;
  if (!cart.lines.length) { message(tr("ยังไม่มีสินค้าในรายการ")); return; }
  if (!shiftUsable()) { openShiftDialog(); return; }
  var money = pricing();
  if (money.total <= 0) { message(tr("ยอดสุทธิเป็นศูนย์: ลดส่วนลดลง")); return; }
  var box = openDialog("pay");
  var form = $("[data-pay-form]", box);
  form.reset();
  $("[value=" + method + "]", form).checked = true;
  $("[data-pay-total]", box).textContent = "฿" + baht(money.total);
  showPart(form);
}

function payForm() { return $("[data-pay-form]", dialog("pay")); }

function method(form) { return $("[name=method]:checked", form).value; }

function showPart(form) {
  var m = method(form);
  $("[data-pay-part=cash]", form).hidden = m === "promptpay";
  $("[data-pay-part=promptpay]", form).hidden = m !== "promptpay";
  $("[data-pay-part=split]", form).hidden = m !== "split";
  updateChange(form);
  var focus = m === "cash" ? "[name=tendered]" : m === "split" ? "[name=cash_part]" : "[data-pay-submit]";
  $(focus, form).focus();
}

/* The cash part of the payment: the whole total, or what the split says. */
function cashDue(form) {
  var total = pricing().total;
  if (method(form) !== "split") return total;
  var part = parseBaht($("[name=cash_part]", form).value);
  return part == null ? 0 : part;
}

function updateChange(form) {
  var total = pricing().total;
  var due = cashDue(form);
  $("[data-qr-part]", form).textContent = baht(Math.max(0, total - due));
  var tendered = parseBaht($("[name=tendered]", form).value);
  var change = tendered == null ? 0 : tendered - due;
  var out = $("[data-change]", form);
  out.textContent = change < 0 ? tr("ยังขาด ") + baht(-change) : baht(change);
  out.classList.toggle("short", change < 0);
}

function paymentsFrom(form) {
  var total = pricing().total;
  var m = method(form);
  if (m === "promptpay") return [{ method: "promptpay", amount_satang: total }];
  var due = cashDue(form);
  if (m === "split" && !(due > 0 && due < total)) {
    throw new Error(tr("ส่วนเงินสดต้องมากกว่า 0 และน้อยกว่ายอดรวม"));
  }
  var tendered = parseBaht($("[name=tendered]", form).value);
  if (tendered === null) throw new Error(tr("จำนวนเงินที่รับมาไม่ถูกต้อง"));
  if (tendered !== undefined && tendered < due) throw new Error(tr("รับเงินมาน้อยกว่ายอดที่ต้องชำระ"));
  var cash = { method: "cash", amount_satang: due, tendered_satang: tendered === undefined ? due : tendered };
  return m === "split" ? [cash, { method: "promptpay", amount_satang: total - due }] : [cash];
}

function bindPayDialog() {
  var box = dialog("pay");
  var form = payForm();
  $all("[name=method]", form).forEach(function (radio) { radio.addEventListener("change", function () { showPart(form); }); });
  form.addEventListener("input", function () { updateChange(form); });
  $all("[data-quick]", form).forEach(function (button) {
    button.addEventListener("click", function () {
      var value = button.dataset.quick === "exact" ? cashDue(form) : Number(button.dataset.quick);
      $("[name=tendered]", form).value = baht(value).replace(/,/g, "");
      updateChange(form);
      $("[data-pay-submit]", form).focus();
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var payments;
    try { payments = paymentsFrom(form); } catch (error) { showError(box, error); return; }
    closeDialog("pay");
    withApproval().then(function () { send(saleBody(payments)); }, function () {
      message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติ"));
    });
  });
}

function withApproval() {
  if (!needsApproval() || approvalValid()) return Promise.resolve();
  return approve("discount", tr("ส่วนลดรวม ") + baht(totalDiscount()) + tr(" บาท เกินเพดาน ") +
    config.discount_approval_percent + "%").then(function (token) {
    cart.approval = { token: token.approval_token, expires_at: token.expires_at, discount: totalDiscount(), by: token.approver_name };
  });
}

/* --- the outbox: exactly once over a flaky network --------------------------------------- */
var handlers = {};
var sending = { entry: null, timer: null, attempt: null };

/* Send the request until the server answers it (2xx or 4xx); resolves with the answer. */
function deliver(entry) {
  return new Promise(function (resolve) {
    var delay = 500;
    var slow = setTimeout(function () { showSending(entry, null); }, 800);
    function attempt() {
      clearTimeout(sending.timer);
      entry.attempts = (entry.attempts || 0) + 1;
      store(OUTBOX, entry);
      var headers = { "Idempotency-Key": entry.key };
      api("POST", entry.url, entry.body, headers).then(function (answer) {
        if (retryable(answer)) return retry(answer);
        if (answer.status === 403 && answer.body && /csrf/i.test(answer.body.detail || "")) {
          // The CSRF cookie went stale: any GET hands out a fresh one; send again.
          return api("GET", "/api/v1/auth/me").then(function () { retry(answer); }, function () { retry(answer); });
        }
        clearTimeout(slow);
        sending.entry = null;
        closeDialog("sending");
        resolve(answer);
      }, function () { retry(null); });
    }
    function retry(answer) {
      showSending(entry, answer);
      sending.timer = setTimeout(attempt, delay);
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
    sending.entry = entry;
    sending.attempt = function () { delay = 500; attempt(); };
    attempt();
  });
}

function retryable(answer) {
  return answer.status >= 500 || answer.status === 408 || answer.status === 429 || answer.status === 401;
}

function showSending(entry, answer) {
  if (sending.entry !== entry) return;
  var box = openDialog("sending");
  $("[data-sending-title]", box).textContent = entry.kind === "refund" ? tr("กำลังยืนยันการคืนเงิน") : tr("กำลังยืนยันการขาย");
  $("[data-sending-key]", box).textContent = entry.key;
  var why = answer === null ? tr("ติดต่อเซิร์ฟเวอร์ไม่ได้")
    : answer === undefined ? tr("กำลังส่ง…")
    : answer.status === 401 ? tr("หมดเวลาเข้าสู่ระบบ: เข้าสู่ระบบใหม่ในแท็บอื่น แล้วระบบจะส่งต่อเอง")
    : tr("เซิร์ฟเวอร์ตอบ ") + answer.status;
  $("[data-sending-text]", box).textContent = why + " · " + tr("ครั้งที่ ") + (entry.attempts || 1);
}

function bindSending() {
  var box = dialog("sending");
  // Never dismissed by Esc: the request is not yet known to be recorded.
  box.addEventListener("cancel", function (event) { event.preventDefault(); });
  $("[data-sending-now]", box).addEventListener("click", function () { if (sending.attempt) sending.attempt(); });
}

/* A new request: stored before it is sent; resolves after its handler has run. */
export function enqueue(kind, url, body, extra) {
  var entry = Object.assign({ kind: kind, url: url, key: newKey(), body: JSON.stringify(body), till_id: state.till.id, created_at: Date.now(), attempts: 0 }, extra || {});
  store(OUTBOX, entry);
  return run(entry);
}

function run(entry) {
  busy = true;
  document.body.classList.add("busy");
  return deliver(entry).then(function (answer) {
    store(OUTBOX, null);
    busy = false;
    document.body.classList.remove("busy");
    return handlers[entry.kind](answer, entry);
  });
}

/* What to do with the server's answer to a request of this kind (a sale here, a refund in
   till_refund.js): handler(answer, entry). */
export function onAnswer(kind, handler) { handlers[kind] = handler; }

export function isBusy() { return busy; }

/* --- a sale -------------------------------------------------------------------------------- */
function send(body) {
  message(null);
  return enqueue("sale", "/api/v1/sales", body, { cart: cartSnapshot() });
}

onAnswer("sale", function (answer, entry) {
  if (!answer.ok) {
    if (answer.body && answer.body.field === "approval_token") cart.approval = null;
    message(refusalText(answer.status, answer.body));
    return;
  }
  var sale = answer.body;
  if (sale.status === "completed") completed(sale);
  else if (sale.status === "pending_payment") {
    rememberPending(sale, entry.till_id, entry.cart);
    showQr(sale);
  } else message(tr("รายการขายนี้ถูกยกเลิกแล้ว"));
});

/* A refused sale in words; not enough stock names each short product as the till shows it. */
function refusalText(status, body) {
  if (!(body && Array.isArray(body.shortages) && body.shortages.length)) return errorText(status, body);
  return tr("สินค้าไม่พอขาย: ") + body.shortages.map(function (s) {
    var product = productById(s.product_id);
    var name = product ? productName(product) : s.name || "#" + s.product_id;
    return name + " (" + tr("ต้องการ ") + s.requested + ", " + tr("มี ") + s.on_hand + ")";
  }).join("; ");
}

/* --- after a reload: what was left unconfirmed --------------------------------------------- */
export function resume() {
  var entry = load(OUTBOX);
  if (entry && entry.till_id === state.till.id && handlers[entry.kind]) {
    if (entry.kind === "sale" && entry.cart) restoreCart(entry.cart);
    run(entry);
    return;
  }
  var pending = pendingSale();
  if (pending && pending.till_id === state.till.id) {
    restoreCart(pending.cart);
    apiOk("GET", "/api/v1/sales/" + pending.sale_id).then(function (sale) {
      if (sale.status === "completed") completed(sale);
      else if (sale.status === "pending_payment") showQr(sale);
      else { forgetPending(); message(tr("รายการขายที่ค้างอยู่ถูกยกเลิกแล้ว สินค้ายังอยู่ในตะกร้า")); }
    }, function (error) { message(error.message); });
  }
}

export function bindPay() {
  bindPayDialog();
  bindSending();
  bindQr();
  $all("[data-pay]").forEach(function (button) {
    button.addEventListener("click", function () { openPay(button.dataset.pay); });
  });
  $("[data-print-receipt]").addEventListener("click", printReceipt);
  $("[data-next-sale]").addEventListener("click", function () { hideDone(); focusScan(); });
}
