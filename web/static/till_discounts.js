/* The browser till: one small amount dialog for a line discount, the cart discount and a
   quantity; and the manager's approval (a discount above the limit, a refund). */
(function () {
  "use strict";

  var T = window.Till;
  var config = T.config, tr = T.tr, $ = T.$, $all = T.$all, baht = T.baht;
  var MAX_QTY = T.MAX_QTY;

  /* --- the amount dialog ---------------------------------------------------------------------- */
  var amountDialog = { onValue: null };

  function askAmount(options) {
    var box = T.openDialog("amount");
    $("[data-amount-title]", box).textContent = options.title;
    $("[data-amount-hint]", box).textContent = options.hint || "";
    $("[data-amount-label]", box).textContent = options.label;
    $("[data-amount-percent]", box).hidden = !options.percentOf;
    var input = $("[name=value]", box);
    input.value = options.value || "";
    input.inputMode = options.integer ? "numeric" : "decimal";
    amountDialog.options = options;
    input.select();
    input.focus();
  }

  /* The typed value: whole units for a quantity, satang for money; null when it is neither. */
  function typedValue(input, options) {
    if (options.integer) {
      var text = T.asciiDigits(input.value.trim());
      return /^\d{1,6}$/.test(text) ? Number(text) : null;
    }
    var value = T.parseBaht(input.value);
    return value === undefined ? 0 : value;
  }

  function bindAmountDialog() {
    var box = T.dialog("amount");
    var form = $("[data-amount-form]", box);
    var input = $("[name=value]", form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = amountDialog.options;
      var value = typedValue(input, options);
      var problem = value === null ? tr("ตัวเลขไม่ถูกต้อง", "Not a valid number") : options.check(value);
      if (problem) { T.showError(box, new Error(problem)); input.select(); return; }
      T.closeDialog("amount");
      options.apply(value);
    });
    $all("[data-percent]", form).forEach(function (button) {
      button.addEventListener("click", function () {
        var base = amountDialog.options.percentOf;
        var percent = Number(button.dataset.percent);
        input.value = baht(T.roundHalfUpDiv(base * percent, 100)).replace(/,/g, "");
        form.requestSubmit();
      });
    });
  }

  /* --- discounts and quantity ------------------------------------------------------------------ */
  function lineDiscount(line) {
    line = line || T.cart.current;
    if (!line) return;
    var gross = line.product.price * line.quantity;
    askAmount({
      title: tr("ส่วนลดรายการ", "Line discount") + ": " + T.productName(line.product),
      hint: tr("ราคารวมของรายการ ", "Line price ") + baht(gross),
      label: tr("ส่วนลด (บาท)", "Discount (baht)"),
      value: line.discount ? baht(line.discount).replace(/,/g, "") : "",
      percentOf: gross,
      check: function (v) { return v > gross ? tr("ส่วนลดมากกว่าราคารายการ", "More than the line's price") : null; },
      apply: function (v) { line.discount = v; T.renderLine(line); T.cartChanged(); afterDiscount(); }
    });
  }

  function cartDiscountDialog() {
    var cart = T.cart;
    if (!cart.lines.length) return;
    var afterLines = T.pricing().total + cart.cartDiscount;
    askAmount({
      title: tr("ส่วนลดท้ายบิล", "Cart discount"),
      hint: tr("ยอดหลังส่วนลดรายการ ", "After line discounts ") + baht(afterLines),
      label: tr("ส่วนลด (บาท)", "Discount (baht)"),
      value: cart.cartDiscount ? baht(cart.cartDiscount).replace(/,/g, "") : "",
      percentOf: afterLines,
      check: function (v) { return v > afterLines ? tr("ส่วนลดมากกว่ายอดขาย", "More than the sale") : null; },
      apply: function (v) { cart.cartDiscount = v; T.cartChanged(); afterDiscount(); }
    });
  }

  /* Ask for the manager while they are at the till, not when the customer is paying. */
  function afterDiscount() {
    if (!T.needsApproval() || T.approvalValid()) return;
    approve("discount", tr("ส่วนลดรวม ", "Total discount ") + baht(T.totalDiscount()) + tr(" บาท เกิน ", " baht is over ") +
      config.discount_approval_percent + tr("% ของยอดขาย", "% of the sale")).then(function (token) {
      T.cart.approval = { token: token.approval_token, expires_at: token.expires_at, discount: T.totalDiscount(), by: token.approver_name };
      T.message(tr("อนุมัติส่วนลดโดย ", "Discount approved by ") + token.approver_name, "ok");
    }, function () {
      T.message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติก่อนชำระเงิน", "A manager must approve this discount before payment"));
    });
  }

  function askQuantity(line) {
    line = line || T.cart.current;
    if (!line) return;
    askAmount({
      title: tr("จำนวน", "Quantity") + ": " + T.productName(line.product),
      label: tr("จำนวน (ชิ้น)", "Quantity"),
      value: String(line.quantity),
      integer: true,
      check: function (v) { return v < 1 || v > MAX_QTY ? tr("จำนวน 1 ถึง ", "1 to ") + MAX_QTY : null; },
      apply: function (v) { T.setQuantity(line, v); }
    });
  }

  /* --- manager approval -------------------------------------------------------------------- */
  var approval = null;

  /* Resolves with the approval (its approval_token); rejects when the cashier cancels. */
  function approve(action, what) {
    var box = T.openDialog("approval");
    $("[data-approval-what]", box).textContent = what;
    var form = $("[data-approval-form]", box);
    form.reset();
    $("[name=username]", form).focus();
    return new Promise(function (resolve, reject) { approval = { action: action, resolve: resolve, reject: reject }; });
  }

  function bindApproval() {
    var box = T.dialog("approval");
    var form = $("[data-approval-form]", box);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var current = approval;
      if (!current) return;
      T.apiOk("POST", "/api/v1/approvals", {
        username: $("[name=username]", form).value.trim(),
        password: $("[name=password]", form).value,
        action: current.action
      }).then(function (token) {
        approval = null;
        T.closeDialog("approval");
        current.resolve(token);
      }, function (error) {
        T.showError(box, error);
        $("[name=password]", form).select();
      });
    });
    box.addEventListener("close", function () {
      if (approval) { var current = approval; approval = null; current.reject(new Error("cancelled")); }
    });
  }

  Object.assign(T, {
    askQuantity: askQuantity, lineDiscount: lineDiscount, cartDiscountDialog: cartDiscountDialog,
    bindAmountDialog: bindAmountDialog, approve: approve, bindApproval: bindApproval
  });
})();
