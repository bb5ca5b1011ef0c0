/* The browser till: taking the money, exactly once.

   Every sale (and refund) goes through the outbox: an Idempotency-Key is made when the
   cashier presses pay, and the request (key and exact body) is written to localStorage
   *before* it is sent. No answer or a 5xx: the same key and body are sent again with backoff
   while the screen says it is waiting to confirm; the server answers a replay with the first
   result, so there is never a second sale. A reload finds the unconfirmed request and sends
   it again. A 4xx is the server's refusal: shown with its message, the cart kept.

   A PromptPay sale waits for its payment in till_promptpay.js; the customer display hears all
   of it through till_display.js. */
(function () {
  "use strict";

  var T = window.Till;
  var tr = T.tr, $ = T.$, $all = T.$all, baht = T.baht;
  var OUTBOX = "otop.till.outbox";
  var PENDING = "otop.till.pending";
  var LAST_SALE = "otop.till.last_sale";
  var AUTO_PRINT = "otop.till.auto_print";
  var MAX_BACKOFF_MS = 10000;

  /* --- the payment dialog ------------------------------------------------------------------ */
  var busy = false;

  T.openPay = function (method) {
    if (busy || !T.state.ready) return;
    if (!T.lines().length) { T.message(tr("ยังไม่มีสินค้าในรายการ", "The cart is empty")); return; }
    if (!T.shiftUsable()) { T.openShiftDialog(); return; }
    var money = T.pricing();
    if (money.total <= 0) { T.message(tr("ยอดสุทธิเป็นศูนย์: ลดส่วนลดลง", "The total is zero: reduce the discount")); return; }
    var box = T.openDialog("pay");
    var form = $("[data-pay-form]", box);
    form.reset();
    $("[value=" + method + "]", form).checked = true;
    $("[data-pay-total]", box).textContent = "฿" + baht(money.total);
    showPart(form);
  };

  function payForm() { return $("[data-pay-form]", T.dialog("pay")); }

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
    var total = T.pricing().total;
    if (method(form) !== "split") return total;
    var part = T.parseBaht($("[name=cash_part]", form).value);
    return part == null ? 0 : part;
  }

  function updateChange(form) {
    var total = T.pricing().total;
    var due = cashDue(form);
    $("[data-qr-part]", form).textContent = baht(Math.max(0, total - due));
    var tendered = T.parseBaht($("[name=tendered]", form).value);
    var change = tendered == null ? 0 : tendered - due;
    var out = $("[data-change]", form);
    out.textContent = change < 0 ? tr("ยังขาด ", "Short by ") + baht(-change) : baht(change);
    out.classList.toggle("short", change < 0);
  }

  function paymentsFrom(form) {
    var total = T.pricing().total;
    var m = method(form);
    if (m === "promptpay") return [{ method: "promptpay", amount_satang: total }];
    var due = cashDue(form);
    if (m === "split" && !(due > 0 && due < total)) {
      throw new Error(tr("ส่วนเงินสดต้องมากกว่า 0 และน้อยกว่ายอดรวม", "The cash part must be more than 0 and less than the total"));
    }
    var tendered = T.parseBaht($("[name=tendered]", form).value);
    if (tendered === null) throw new Error(tr("จำนวนเงินที่รับมาไม่ถูกต้อง", "The tendered amount is not a number"));
    if (tendered !== undefined && tendered < due) throw new Error(tr("รับเงินมาน้อยกว่ายอดที่ต้องชำระ", "Less than the amount due"));
    var cash = { method: "cash", amount_satang: due, tendered_satang: tendered === undefined ? due : tendered };
    return m === "split" ? [cash, { method: "promptpay", amount_satang: total - due }] : [cash];
  }

  function bindPayDialog() {
    var box = T.dialog("pay");
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
      try { payments = paymentsFrom(form); } catch (error) { T.showError(box, error); return; }
      T.closeDialog("pay");
      withApproval().then(function () { send(T.saleBody(payments)); }, function () {
        T.message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติ", "A manager must approve this discount"));
      });
    });
  }

  function withApproval() {
    if (!T.needsApproval() || T.approvalValid()) return Promise.resolve();
    return T.approve("discount", tr("ส่วนลดรวม ", "Total discount ") + baht(T.totalDiscount()) + tr(" บาท เกินเพดาน ", " baht is over ") +
      T.config.discount_approval_percent + "%").then(function (token) {
      T.cart.approval = { token: token.approval_token, expires_at: token.expires_at, discount: T.totalDiscount(), by: token.approver_name };
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
        T.store(OUTBOX, entry);
        var headers = { "Idempotency-Key": entry.key };
        T.api("POST", entry.url, entry.body, headers).then(function (answer) {
          if (retryable(answer)) return retry(answer);
          if (answer.status === 403 && answer.body && /csrf/i.test(answer.body.detail || "")) {
            // The CSRF cookie went stale: any GET hands out a fresh one; send again.
            return T.api("GET", "/api/v1/auth/me").then(function () { retry(answer); }, function () { retry(answer); });
          }
          clearTimeout(slow);
          sending.entry = null;
          T.closeDialog("sending");
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
    var box = T.openDialog("sending");
    $("[data-sending-title]", box).textContent = entry.kind === "refund" ? tr("กำลังยืนยันการคืนเงิน", "Waiting to confirm the refund") : tr("กำลังยืนยันการขาย", "Waiting to confirm the sale");
    $("[data-sending-key]", box).textContent = entry.key;
    var why = answer === null ? tr("ติดต่อเซิร์ฟเวอร์ไม่ได้", "No answer from the server")
      : answer === undefined ? tr("กำลังส่ง…", "Sending…")
      : answer.status === 401 ? tr("หมดเวลาเข้าสู่ระบบ: เข้าสู่ระบบใหม่ในแท็บอื่น แล้วระบบจะส่งต่อเอง", "Signed out: sign in again in another tab and the till carries on")
      : tr("เซิร์ฟเวอร์ตอบ ", "The server answered ") + answer.status;
    $("[data-sending-text]", box).textContent = why + " · " + tr("ครั้งที่ ", "attempt ") + (entry.attempts || 1);
  }

  function bindSending() {
    var box = T.dialog("sending");
    // Never dismissed by Esc: the request is not yet known to be recorded.
    box.addEventListener("cancel", function (event) { event.preventDefault(); });
    $("[data-sending-now]", box).addEventListener("click", function () { if (sending.attempt) sending.attempt(); });
  }

  /* A new request: stored before it is sent; resolves after its handler has run. */
  function enqueue(kind, url, body, extra) {
    var entry = Object.assign({ kind: kind, url: url, key: T.newKey(), body: JSON.stringify(body), till_id: T.state.till.id, created_at: Date.now(), attempts: 0 }, extra || {});
    T.store(OUTBOX, entry);
    return run(entry);
  }

  function run(entry) {
    busy = true;
    document.body.classList.add("busy");
    return deliver(entry).then(function (answer) {
      T.store(OUTBOX, null);
      busy = false;
      document.body.classList.remove("busy");
      return handlers[entry.kind](answer, entry);
    });
  }

  T.enqueue = enqueue;
  T.outboxHandlers = handlers;
  T.isBusy = function () { return busy; };

  /* --- a sale -------------------------------------------------------------------------------- */
  function send(body) {
    T.message(null);
    return enqueue("sale", "/api/v1/sales", body, { cart: T.cartSnapshot() });
  }

  handlers.sale = function (answer, entry) {
    if (!answer.ok) {
      if (answer.body && answer.body.field === "approval_token") T.cart.approval = null;
      T.message(T.errorText(answer.status, answer.body));
      return;
    }
    var sale = answer.body;
    if (sale.status === "completed") completed(sale);
    else if (sale.status === "pending_payment") {
      T.store(PENDING, { sale_id: sale.id, till_id: entry.till_id, cart: entry.cart });
      T.showQr(sale);
    } else T.message(tr("รายการขายนี้ถูกยกเลิกแล้ว", "This sale was voided"));
  };

  function completed(sale) {
    T.stopWatching();
    T.closeDialog("qr");
    T.store(PENDING, null);
    T.store(LAST_SALE, { sale_id: sale.id, receipt_number: sale.receipt_number, till_id: sale.till_id });
    T.applySold(sale);
    T.clearCart();
    var cashPaid = sale.payments.some(function (p) { return p.method === "cash"; });
    var done = $("[data-done]");
    $("[data-done-number]", done).textContent = sale.receipt_number || "";
    $("[data-done-change]", done).textContent = baht(sale.change_satang || 0);
    $("[data-done-change-line]", done).hidden = !cashPaid;
    var frame = $("[data-receipt]", done);
    load(frame, "/api/v1/sales/" + sale.id + "/receipt", function () { if (autoPrint()) printFrame(frame); });
    done.hidden = false;
    document.body.classList.add("sale-done");
    done.dataset.sale = sale.id;
    T.postDisplay({ type: "paid", change_satang: cashPaid ? sale.change_satang : null, total_satang: sale.total_satang, receipt_number: sale.receipt_number });
    T.focusScan();
  }
  T.completed = completed;

  T.doneVisible = function () { return !$("[data-done]").hidden; };
  T.hideDone = function () {
    var done = $("[data-done]");
    if (done.hidden) return;
    done.hidden = true;
    document.body.classList.remove("sale-done");
    T.displayCart();
  };

  function autoPrint() { return T.load(AUTO_PRINT) !== false; }
  T.autoPrint = autoPrint;
  T.setAutoPrint = function (on) { T.store(AUTO_PRINT, !!on); };

  /* print() of the frame alone (focusing it would take the keyboard away from the till). It
     returns once the browser's print dialog is done; keys pressed meanwhile go to that dialog,
     not to the till (Chrome with --kiosk-printing prints at once, without a dialog). */
  function printFrame(frame) {
    try { frame.contentWindow.print(); } catch (e) { /* blocked: the button still works */ }
    frame.dataset.printed = frame.getAttribute("src");
    T.focusScan();
  }

  function load(frame, url, onload) {
    delete frame.dataset.printed;
    frame.onload = function () {
      T.watchFrame(frame);
      onload();
    };
    frame.src = url;
  }

  T.printReceipt = function () { printFrame($("[data-receipt]")); };

  /* Print any document (reprint, report, credit note) through the hidden frame. */
  T.print = function (url) {
    var frame = $("[data-print-frame]");
    load(frame, url, function () { printFrame(frame); });
  };

  /* --- after a reload: what was left unconfirmed --------------------------------------------- */
  T.resume = function () {
    var entry = T.load(OUTBOX);
    if (entry && entry.till_id === T.state.till.id && handlers[entry.kind]) {
      if (entry.kind === "sale" && entry.cart) T.restoreCart(entry.cart);
      run(entry);
      return;
    }
    var pending = T.load(PENDING);
    if (pending && pending.till_id === T.state.till.id) {
      T.restoreCart(pending.cart);
      T.apiOk("GET", "/api/v1/sales/" + pending.sale_id).then(function (sale) {
        if (sale.status === "completed") completed(sale);
        else if (sale.status === "pending_payment") T.showQr(sale);
        else { T.store(PENDING, null); T.message(tr("รายการขายที่ค้างอยู่ถูกยกเลิกแล้ว สินค้ายังอยู่ในตะกร้า", "The waiting sale was voided; the cart is kept")); }
      }, function (error) { T.message(error.message); });
    }
  };

  T.lastSale = function () { return T.load(LAST_SALE); };
  T.forgetPending = function () { T.store(PENDING, null); };
  T.MAX_BACKOFF_MS = MAX_BACKOFF_MS;

  T.bindPay = function () {
    bindPayDialog();
    bindSending();
    T.bindQr();
    $all("[data-pay]").forEach(function (button) {
      button.addEventListener("click", function () { T.openPay(button.dataset.pay); });
    });
    $("[data-print-receipt]").addEventListener("click", T.printReceipt);
    $("[data-next-sale]").addEventListener("click", function () { T.hideDone(); T.focusScan(); });
  };
})();
