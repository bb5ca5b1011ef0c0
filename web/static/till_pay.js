/* The browser till: taking the money, exactly once, without waiting for the network.

   A sale paid in cash, or by a PromptPay transfer the cashier saw, is rung on the device:
   till_queue.js gives it the next receipt number of the device's leased block and writes it
   to the durable queue in one step, the receipt prints at once, and the queue's sender
   delivers it (exactly once, by its Idempotency-Key) whenever the server can be reached. The
   next customer never waits for it. A card approved on the bank's own terminal (F10: its last
   four digits and the slip's approval code, never the card's number) and another tender
   (F11: เป๋าตัง, a voucher, by name and reference) are taken the same way, alone or in a
   split (F7) with cash and PromptPay: nothing to wait for.

   PromptPay while the server answers: the server makes the QR and the sale waits for the
   bank's confirmation (till_promptpay.js). When it does not answer (offline, or no answer in
   a few seconds), the till makes the QR itself (promptpay.js, qr.js) with a reference of its
   own; the cashier confirms the transfer seen on the customer's phone (or scans the slip),
   and the sale is rung as paid, awaiting the bank's confirmation, which the server matches
   by the reference, before or after the sale reaches it.

   Refunds need the server: they go through the small outbox below (one at a time, retried
   until the server answers, the same key and body, so never twice). */

import { api, apiOk, baht, errorText, tr } from "./shared.js";
import { priceSale } from "./pricing.js";
import { newReference, paymentPayload } from "./promptpay.js";
import { qrSvg } from "./qr.js";
import {
  clockSkewMs, deviceId, ensureNumbers, flush, noteServerDate, onChange, ring, startSender, status
} from "./till_queue.js";
import {
  $, $all, MAX_BACKOFF_MS, closeDialog, config, dialog, focusScan, message, newKey, openDialog, parseBaht,
  showError, state
} from "./till.js";
import { productById, productName } from "./till_products.js";
import {
  cart, cartSnapshot, discountSubject, displayCart, hideDone, needsApproval, approvalValid, pricing, restoreCart,
  saleBody, totalDiscount, unitPrice, priceChanged, approvalToken, needsSaleApproval, saleSubject
} from "./till_cart.js";
import { approvalOf, approve } from "./till_discounts.js";
import { openShiftDialog, shiftUsable } from "./till_shift.js";
import { printReceipt } from "./till_receipt.js";
import { postDisplay } from "./till_display.js";
import { bindQr, completed, forgetPending, pendingSale, rememberPending, showQr } from "./till_promptpay.js";

/* The refund in flight, per tab (sessionStorage: a reload of the tab resumes it; another tab
   has its own, so one tab's answer never erases another's request). */
var OUTBOX = "otop.till.outbox";
function keep(entry) {
  try {
    if (entry == null) sessionStorage.removeItem(OUTBOX);
    else sessionStorage.setItem(OUTBOX, JSON.stringify(entry));
  } catch (e) { /* private mode: no resuming after a reload */ }
}
function kept() {
  try { return JSON.parse(sessionStorage.getItem(OUTBOX) || "null"); } catch (e) { return null; }
}

/* --- the payment dialog ------------------------------------------------------------------ */
var busy = false;

export function openPay(method) {
  if (busy || !state.ready) return;
  if (!cart.lines.length) { message(tr("ยังไม่มีสินค้าในรายการ")); return; }
  if (!shiftUsable()) { openShiftDialog(); return; }
  var money = pricing();
  if (money.total <= 0) { message(tr("ยอดสุทธิเป็นศูนย์: ลดส่วนลดลง")); return; }
  var short = shortItems();
  if (!short.length) cart.allowShort = false;  // nothing short now: nothing to allow
  if (short.length && !(cart.allowShort && approvalValid())) { askShortSale(short, method); return; }
  keepNumbers();  // while the cashier counts the money
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
  $("[data-pay-part=cash]", form).hidden = m !== "cash" && m !== "split";
  $("[data-pay-part=promptpay]", form).hidden = m !== "promptpay";
  $("[data-pay-part=split]", form).hidden = m !== "split";
  updateChange(form);
  var focus = { cash: "[name=tendered]", split: "[name=cash_part]", card: "[name=card_last4]", other: "[name=tender_name]" }[m];
  $(focus || "[data-pay-submit]", form).focus();
}

/* A split's part by a method (none entered: 0; unreadable: null). */
function part(form, name) {
  var value = parseBaht($("[name=" + name + "]", form).value);
  return value === undefined ? 0 : value;
}

/* The cash part of the payment: the whole total, or what the split says. */
function cashDue(form) {
  var m = method(form);
  if (m === "split") return part(form, "cash_part") || 0;
  return m === "cash" ? pricing().total : 0;
}

/* The card's and the other tender's fields show when the payment takes them. */
function showTenderFields(form) {
  var m = method(form);
  $("[data-pay-part=card]", form).hidden = !(m === "card" || (m === "split" && part(form, "card_part") > 0));
  $("[data-pay-part=other]", form).hidden = !(m === "other" || (m === "split" && part(form, "other_part") > 0));
}

function updateChange(form) {
  var total = pricing().total;
  var due = cashDue(form);
  showTenderFields(form);
  var rest = total - due - (part(form, "card_part") || 0) - (part(form, "other_part") || 0);
  $("[data-qr-part]", form).textContent = baht(Math.max(0, rest));
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
  if (m === "card") return [cardPayment(form, total)];
  if (m === "other") return [otherPayment(form, total)];
  var due = cashDue(form);
  var card = m === "split" ? part(form, "card_part") : 0;
  var other = m === "split" ? part(form, "other_part") : 0;
  if (card === null || other === null || part(form, "cash_part") === null) throw new Error(tr("จำนวนเงินที่แบ่งจ่ายไม่ถูกต้อง"));
  if (m === "split" && !(due + card + other > 0 && due + card + other <= total)) {
    throw new Error(tr("ส่วนที่แบ่งจ่ายรวมกันต้องมากกว่า 0 และไม่เกินยอดรวม"));
  }
  var payments = [];
  if (due > 0 || m === "cash") {
    var tendered = parseBaht($("[name=tendered]", form).value);
    if (tendered === null) throw new Error(tr("จำนวนเงินที่รับมาไม่ถูกต้อง"));
    if (tendered !== undefined && tendered < due) throw new Error(tr("รับเงินมาน้อยกว่ายอดที่ต้องชำระ"));
    payments.push({ method: "cash", amount_satang: due, tendered_satang: tendered === undefined ? due : tendered });
  }
  if (card > 0) payments.push(cardPayment(form, card));
  if (other > 0) payments.push(otherPayment(form, other));
  var rest = total - due - card - other;
  if (rest > 0) payments.push({ method: "promptpay", amount_satang: rest });
  return payments;
}

/* An error that puts the cursor back in its field (emptied when it held a card number). */
function fieldError(input, text, clear) {
  if (clear) input.value = "";
  var error = new Error(text);
  error.input = input;
  return error;
}

function digitCount(text) { return (text.replace(/[\s\-.]/g, "").match(/[0-9\u0E50-\u0E59\uFF10-\uFF19]/g) || []).length; }

/* A card on the bank's terminal: the last four digits and the slip's approval code, never
   more of the card (payments/tenders.py says the same; a card number is emptied at once). */
function cardPayment(form, amount) {
  var last4 = $("[name=card_last4]", form);
  var code = $("[name=approval_code]", form);
  var pan = tr("ห้ามกรอกเลขบัตรเต็ม: ใส่เฉพาะเลข 4 ตัวท้ายของบัตร");
  var digits = last4.value.replace(/[\s\-.]/g, "");
  if (digitCount(digits) > 4) throw fieldError(last4, pan, true);
  if (!/^[0-9]{4}$/.test(digits)) throw fieldError(last4, tr("ใส่เลข 4 ตัวท้ายของบัตร (ตัวเลข 4 หลัก)"));
  var approval = code.value.trim().toUpperCase();
  if (digitCount(approval) >= 12) throw fieldError(code, pan, true);
  if (!/^[A-Z0-9]{6}$/.test(approval)) throw fieldError(code, tr("รหัสอนุมัติต้องเป็นตัวอักษร A-Z หรือตัวเลข 6 ตัว ตามสลิป"));
  return { method: "card", amount_satang: amount, card_last4: digits, approval_code: approval };
}

/* Another tender (เป๋าตัง, a voucher): its name and reference, both required. */
function otherPayment(form, amount) {
  var name = $("[name=tender_name]", form);
  var ref = $("[name=tender_ref]", form);
  var named = name.value.trim().replace(/\s+/g, " ");
  var reference = ref.value.trim().replace(/\s+/g, " ");
  if (!named) throw fieldError(name, tr("ใส่ชื่อช่องทางชำระ เช่น เป๋าตัง"));
  if (!reference) throw fieldError(ref, tr("ใส่เลขอ้างอิงของการชำระ"));
  return { method: "other", amount_satang: amount, tender_name: named, tender_ref: reference };
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
    try { payments = paymentsFrom(form); } catch (error) {
      showError(box, error);
      if (error.input) error.input.focus();
      return;
    }
    closeDialog("pay");
    withApproval().then(function () { pay(payments); }, function () {
      message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติ"));
    });
  });
}

function withApproval() {
  if (needsSaleApproval()) {
    if (approvalValid()) return Promise.resolve();
    return approve("sale", tr("รายการนี้ต้องให้ผู้จัดการอนุมัติ (เปลี่ยนราคา/ขายเกินสต็อก)"), saleSubject()).then(function (token) {
      cart.approval = approvalOf(token, "sale");
    });
  }
  if (!needsApproval() || approvalValid()) return Promise.resolve();
  return approve("discount", tr("ส่วนลดรวม ") + baht(totalDiscount()) + tr(" บาท เกินเพดาน ") +
    config.discount_approval_percent + "%", discountSubject()).then(function (token) {
    cart.approval = approvalOf(token);
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
      keep(entry);
      var headers = { "Idempotency-Key": entry.key };
      api("POST", entry.url, entry.body, headers).then(function (answer) {
        if (retryable(answer)) return retry(answer);
        if (answer.status === 403 && answer.body && answer.body.code === "csrf.invalid") {
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
  keep(entry);
  return run(entry);
}

function run(entry) {
  busy = true;
  document.body.classList.add("busy");
  return deliver(entry).then(function (answer) {
    keep(null);
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
var ONLINE_QR_WAIT_MS = 5000;

function pay(payments) {
  message(null);
  var snap = cartNow();
  var qr = payments.filter(function (p) { return p.method === "promptpay"; })[0];
  if (!qr) return ringSale(payments, snap);
  if (!navigator.onLine) return offlineQr(payments, snap);
  return serverQr(payments, snap);
}

/* The server makes the QR; no answer within a few seconds: the till makes its own. A pending
   sale the server made meanwhile shows no QR to anyone and is voided at the shift's close
   (pos/completion/stranded.py) with its stock returned. */
function serverQr(payments, snap) {
  var key = newKey();
  var body = saleBody(payments);
  var entry = { kind: "sale", key: key, till_id: state.till.id, cart: cartSnapshot() };
  var abort = new AbortController();
  var timer = setTimeout(function () { abort.abort(); }, ONLINE_QR_WAIT_MS);
  busy = true;
  document.body.classList.add("busy");
  return api("POST", "/api/v1/sales", body, { "Idempotency-Key": key }, abort.signal).then(function (answer) {
    if (answer.status >= 500) throw new Error("server " + answer.status);
    noteServerDate(answer.headers);
    return handlers.sale(answer, entry);
  }).catch(function () {
    message(tr("ติดต่อเซิร์ฟเวอร์ไม่ได้: ใช้ QR ของเครื่องนี้แทน"), "ok");
    return offlineQr(payments, snap);
  }).finally(function () {
    clearTimeout(timer);
    busy = false;
    document.body.classList.remove("busy");
  });
}

function pad(seq) { return String(seq).padStart(6, "0"); }

/* The cart as it is when the cashier pays: the sale is made of this, whatever is scanned next. */
function cartNow() {
  return {
    lines: cart.lines.map(function (l) {
      return { product: l.product, quantity: l.quantity, discount: l.discount, price: unitPrice(l),
               changed: priceChanged(l), priceReason: l.priceReason };
    }),
    cartDiscount: cart.cartDiscount,
    allowShort: cart.allowShort,
    approval: approvalToken()
  };
}

/* What the server records: the lines with the prices charged, and what the till says of the
   sale (its number, its clock and known offset, its shift). */
function rungBody(snap, payments, seq, now, skew) {
  var body = {
    till_id: state.till.id,
    lines: snap.lines.map(function (l) {
      var line = { product_id: l.product.id, quantity: l.quantity, unit_price_satang: l.price };
      if (l.discount) line.discount_satang = l.discount;
      if (l.changed) line.price_reason = l.priceReason;
      return line;
    }),
    payments: payments,
    rung: {
      receipt_seq: seq, device_id: deviceId(), rung_at: now.toISOString(), clock_skew_ms: skew,
      shift_id: state.shift.id
    }
  };
  if (snap.cartDiscount) body.cart_discount_satang = snap.cartDiscount;
  if (snap.allowShort) body.allow_short_stock = true;
  if (snap.approval) body.approval_token = snap.approval;
  return body;
}

/* The sale as the server will record it (and as the receipt prints it). */
function rungSale(snap, payments, seq, when) {
  var money = priceSale(snap.lines.map(function (l) {
    return { unit_price_satang: l.price, quantity: l.quantity, discount_satang: l.discount, vat: l.product.vat };
  }), snap.cartDiscount);
  var change = 0;
  payments.forEach(function (p) {
    if (p.method === "cash" && p.tendered_satang != null) change += p.tendered_satang - p.amount_satang;
  });
  return {
    id: null,
    till_id: state.till.id,
    till_code: state.till.code,
    shift_id: state.shift.id,
    cashier_id: config.user.id,
    status: "completed",
    receipt_number: state.till.code + "-" + pad(seq),
    subtotal_satang: money.subtotal_satang,
    discount_satang: money.discount_satang,
    cart_discount_satang: snap.cartDiscount,
    total_satang: money.total_satang,
    vat_included_satang: money.vat_included_satang,
    change_satang: change,
    created_at: when.toISOString(),
    completed_at: when.toISOString(),
    lines: snap.lines.map(function (l, i) {
      var priced = money.lines[i];
      return {
        line_no: i + 1, product_id: l.product.id, sku: l.product.sku, barcode: l.product.barcode,
        name_th: l.product.name_th, name_en: l.product.name_en, unit_price_satang: l.price,
        list_price_satang: l.changed ? l.product.price : null, price_reason: l.changed ? l.priceReason : null,
        markdown_bp: l.changed ? 0 : l.product.markdown || 0,
        quantity: l.quantity, discount_satang: l.discount, cart_discount_satang: priced.cart_discount_satang,
        line_total_satang: priced.line_total_satang, vat_applicable: !!l.product.vat,
        vat_included_satang: priced.vat_included_satang, refunded_quantity: 0
      };
    }),
    payments: payments.map(function (p) {
      return {
        payment_id: null, method: p.method, amount_satang: p.amount_satang, status: "confirmed",
        reference: p.reference || null, tendered_satang: p.method === "cash" ? p.tendered_satang : null,
        change_satang: p.method === "cash" && p.tendered_satang != null ? p.tendered_satang - p.amount_satang : null,
        qr_payload: null, qr_url: null, expires_at: null, confirmed_at: when.toISOString(),
        card_last4: p.card_last4 || null, approval_code: p.approval_code || null,
        tender_name: p.tender_name || null, tender_ref: p.tender_ref || null
      };
    }),
    queued: true
  };
}

/* Ring the sale on the device: its number, its queue entry, its receipt; sent in the background.
   A device that holds no numbers yet (its first sale) leases a block first, if it can. */
function ringSale(payments, snap) {
  snap = snap || cartNow();
  var tillId = state.till.id;
  var skew = clockSkewMs();
  var now = new Date();
  function entry(seq) {
    return {
      key: newKey(), till_id: tillId, created_at: now.getTime(),
      body: rungBody(snap, payments, seq, now, skew),
      sale: rungSale(snap, payments, seq, new Date(now.getTime() + skew))
    };
  }
  return ring(tillId, entry).catch(function (error) {
    if (error.code !== "no_numbers") throw error;
    return ensureNumbers(tillId).then(function () { return ring(tillId, entry); }, function () { throw error; });
  }).then(function (queued) {
    completed(queued.sale);
    flush();
    keepNumbers();
  }, function (error) {
    message(error.message);
  });
}

/* --- PromptPay with the till's own QR ------------------------------------------------------- */
var offline = { payments: null, reference: null, snap: null };

function offlineQr(payments, snap) {
  var qr = payments.filter(function (p) { return p.method === "promptpay"; })[0];
  var box = dialog("offline-qr");
  var reference = newReference();
  var payload;
  try { payload = paymentPayload(config.account, reference, qr.amount_satang); } catch (error) {
    message(tr("สร้าง QR ไม่ได้: ") + error.message);
    return;
  }
  offline.payments = payments;
  offline.reference = reference;
  offline.snap = snap || cartNow();
  var holder = $("[data-offline-qr]", box);
  holder.textContent = "";
  holder.appendChild(qrSvg(payload));
  $("[data-offline-amount]", box).textContent = "฿" + baht(qr.amount_satang);
  $("[data-offline-ref]", box).textContent = reference;
  $("[data-offline-slip]", box).value = "";
  postDisplay({
    type: "qr", qr_payload: payload, amount_satang: qr.amount_satang, expires_at: null,
    lines: offline.snap.lines.map(function (l) {
      return { name_th: l.product.name_th, name_en: l.product.name_en, quantity: l.quantity,
               total_satang: l.price * l.quantity - l.discount };
    }),
    discount_satang: 0, total_satang: qr.amount_satang
  });
  openDialog("offline-qr");
  $("[data-offline-paid]", box).focus();
}

function bindOfflineQr() {
  var box = dialog("offline-qr");
  $("[data-offline-paid]", box).addEventListener("click", function () {
    if (!offline.payments) return;
    var slip = $("[data-offline-slip]", box).value.trim();
    var payments = offline.payments.map(function (p) {
      if (p.method !== "promptpay") return p;
      var paid = { method: "promptpay", amount_satang: p.amount_satang, reference: offline.reference };
      if (slip) paid.slip_payload = slip;
      return paid;
    });
    var snap = offline.snap;
    offline.payments = null;
    closeDialog("offline-qr");
    ringSale(payments, snap);
  });
  box.addEventListener("close", function () {
    if (offline.payments) displayCart();  // cancelled: the display goes back to the cart
    offline.payments = null;
  });
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

/* Stock never goes below zero by the till's own doing: a line above what the till knows is on
   hand is refused here (on-hand comes with the catalogue and its refreshes; a sale another
   till made meanwhile, or one rung offline, may still take it below: the server then asks
   for a count instead of refusing what already happened). */
function shortItems() {
  return cart.lines.filter(function (l) { return l.quantity > l.product.on_hand; });
}

function shortText(l) {
  return productName(l.product) + " (" + tr("ต้องการ ") + l.quantity + ", " + tr("มี ") + Math.max(0, l.product.on_hand) + ")";
}

/* The books hold fewer than the customer has in hand: a manager may allow the sale (the stock
   goes below zero and the server records it for a count), or the cashier changes the quantity. */
var shortAsk = { method: null, lines: null };

function askShortSale(short, method) {
  var box = openDialog("short");
  var list = $("[data-short-lines]", box);
  list.textContent = "";
  short.forEach(function (l) {
    var item = document.createElement("li");
    item.textContent = shortText(l);
    list.appendChild(item);
  });
  shortAsk.method = method;
  shortAsk.lines = short;
  message(tr("สินค้าไม่พอขาย: ") + short.map(shortText).join("; "));
  $("[data-short-approve]", box).focus();
}

function bindShortSale() {
  var box = dialog("short");
  $("[data-short-form]", box).addEventListener("submit", function (event) {
    event.preventDefault();
    var method = shortAsk.method;
    var what = tr("ขายเกินสต็อกในระบบ: ") + shortAsk.lines.map(shortText).join("; ");
    closeDialog("short");
    approve("sale", what, saleSubject(true)).then(function (token) {
      cart.allowShort = true;
      cart.approval = approvalOf(token, "sale");
      message(tr("อนุมัติขายเกินสต็อกโดย ") + token.approver_name, "ok");
      openPay(method);
    }, function () { /* cancelled: the cart stays as it is */ });
  });
}

/* A refused sale in words; not enough stock names each short product as the till shows it. */
function refusalText(status, body) {
  if (!(body && Array.isArray(body.shortages) && body.shortages.length)) return errorText(status, body);
  return tr("สินค้าไม่พอขาย: ") + body.shortages.map(function (s) {
    var product = productById(s.product_id);
    var name = product ? productName(product) : s.name || "#" + s.product_id;
    return name + " (" + tr("ต้องการ ") + s.requested + ", " + tr("มี ") + s.on_hand + ")";
  }).join("; ");
}

/* --- the queue on screen ------------------------------------------------------------------------ */
var NUMBERS_EVERY_MS = 60 * 1000;

function age(since) {
  var minutes = Math.floor((Date.now() - since) / 60000);
  if (minutes < 1) return tr("ไม่ถึงนาที");
  if (minutes < 60) return tr("{n} นาที").replace("{n}", minutes);
  return tr("{h} ชม. {m} นาที").replace("{h}", Math.floor(minutes / 60)).replace("{m}", minutes % 60);
}

/* The chip on the bar: how many sales wait to reach the server, how old the oldest is, and
   any the server refused (kept on the device for a manager). */
export function showQueue() {
  return status().then(function (s) {
    var chip = $("[data-queue]");
    var parts = [];
    if (s.waiting) {
      parts.push(tr("รอส่ง {n} บิล · นานสุด {age}").replace("{n}", s.waiting).replace("{age}", age(s.oldest_at)));
    }
    if (s.refused.length) parts.push(tr("เซิร์ฟเวอร์ไม่รับ {n} บิล: แจ้งผู้จัดการ").replace("{n}", s.refused.length));
    chip.hidden = !parts.length;
    chip.textContent = parts.join(" · ");
    chip.title = s.refused.map(function (e) {
      return e.sale.receipt_number + ": " + errorText(e.status_code, e.refusal);
    }).join("\n");
    return s;
  }, function () { /* no IndexedDB: nothing to show */ });
}

function keepNumbers() {
  if (state.till && state.shift) ensureNumbers(state.till.id).catch(function () { /* offline: later */ });
}

/* Signing out while sales wait: they stay on this device and go when someone signs in. */
function bindSignOut() {
  var form = document.querySelector("form[action='/logout']");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    if (form.dataset.confirmed) return;
    event.preventDefault();
    status().then(function (s) {
      var ok = !s.waiting || window.confirm(
        tr("ยังมีการขายรอส่ง {n} บิล รายการจะอยู่ในเครื่องนี้และส่งเมื่อมีผู้เข้าสู่ระบบอีกครั้ง ออกจากระบบหรือไม่?").replace("{n}", s.waiting)
      );
      if (ok) { form.dataset.confirmed = "1"; form.submit(); }
    }, function () { form.dataset.confirmed = "1"; form.submit(); });
  });
}

/* --- after a reload: what was left unconfirmed --------------------------------------------- */
var sending_started = false;
export function resume() {
  if (!sending_started) {
    sending_started = true;
    startSender();
    setInterval(keepNumbers, NUMBERS_EVERY_MS);
  }
  keepNumbers();
  showQueue();
  var entry = kept();
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
  onChange(showQueue);
  setInterval(showQueue, 5000);
  $("[data-queue]").addEventListener("click", function () { flush(); });
  bindSignOut();
  bindPayDialog();
  bindOfflineQr();
  bindShortSale();
  bindSending();
  bindQr();
  $all("[data-pay]").forEach(function (button) {
    button.addEventListener("click", function () { openPay(button.dataset.pay); });
  });
  $("[data-print-receipt]").addEventListener("click", printReceipt);
  $("[data-next-sale]").addEventListener("click", function () { hideDone(); focusScan(); });
}
