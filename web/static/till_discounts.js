/* The browser till: one small amount dialog for a line discount, the cart discount and a
   quantity; and the manager's approval (a discount above the limit, a refund). */

import { apiOk, baht, tr } from "./shared.js";
import { scaleHalfUp } from "./pricing.js";
import { $, $all, MAX_QTY, asciiDigits, closeDialog, config, dialog, message, openDialog, parseBaht, showError } from "./till.js";
import { productName } from "./till_products.js";
import {
  approvalValid, cart, cartChanged, discountSubject, needsApproval, pricing, renderLine, setQuantity, totalDiscount,
  unitPrice, priceChanged, saleSubject
} from "./till_cart.js";

/* --- the amount dialog ---------------------------------------------------------------------- */
var amountDialog = { onValue: null };

function askAmount(options) {
  var box = openDialog("amount");
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
    var text = asciiDigits(input.value.trim());
    return /^\d{1,6}$/.test(text) ? Number(text) : null;
  }
  var value = parseBaht(input.value);
  return value === undefined ? 0 : value;
}

export function bindAmountDialog() {
  var box = dialog("amount");
  var form = $("[data-amount-form]", box);
  var input = $("[name=value]", form);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var options = amountDialog.options;
    var value = typedValue(input, options);
    var problem = value === null ? tr("ตัวเลขไม่ถูกต้อง") : options.check(value);
    if (problem) { showError(box, new Error(problem)); input.select(); return; }
    closeDialog("amount");
    options.apply(value);
  });
  $all("[data-percent]", form).forEach(function (button) {
    button.addEventListener("click", function () {
      var base = amountDialog.options.percentOf;
      var percent = Number(button.dataset.percent);
      input.value = baht(scaleHalfUp(base, percent, 100)).replace(/,/g, "");
      form.requestSubmit();
    });
  });
}

/* --- discounts and quantity ------------------------------------------------------------------ */
export function lineDiscount(line) {
  line = line || cart.current;
  if (!line) return;
  var gross = unitPrice(line) * line.quantity;
  askAmount({
    title: tr("ส่วนลดรายการ") + ": " + productName(line.product),
    hint: tr("ราคารวมของรายการ ") + baht(gross),
    label: tr("ส่วนลด (บาท)"),
    value: line.discount ? baht(line.discount).replace(/,/g, "") : "",
    percentOf: gross,
    check: function (v) { return v > gross ? tr("ส่วนลดมากกว่าราคารายการ") : null; },
    apply: function (v) { line.discount = v; renderLine(line); cartChanged(); afterDiscount(); }
  });
}

export function cartDiscountDialog() {
  if (!cart.lines.length) return;
  var afterLines = pricing().total + cart.cartDiscount;
  askAmount({
    title: tr("ส่วนลดท้ายบิล"),
    hint: tr("ยอดหลังส่วนลดรายการ ") + baht(afterLines),
    label: tr("ส่วนลด (บาท)"),
    value: cart.cartDiscount ? baht(cart.cartDiscount).replace(/,/g, "") : "",
    percentOf: afterLines,
    check: function (v) { return v > afterLines ? tr("ส่วนลดมากกว่ายอดขาย") : null; },
    apply: function (v) { cart.cartDiscount = v; cartChanged(); afterDiscount(); }
  });
}

/* Ask for the manager while they are at the till, not when the customer is paying. */
function afterDiscount() {
  if (!needsApproval() || approvalValid()) return;
  if (cart.approval && cart.approval.kind === "sale") return;  // asked again, for the whole cart, at payment
  approve("discount", tr("ส่วนลดรวม ") + baht(totalDiscount()) + tr(" บาท เกิน ") +
    config.discount_approval_percent + tr("% ของยอดขาย"), discountSubject()).then(function (token) {
    cart.approval = approvalOf(token);
    message(tr("อนุมัติส่วนลดโดย ") + token.approver_name, "ok");
  }, function () {
    message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติก่อนชำระเงิน"));
  });
}

export function askQuantity(line) {
  line = line || cart.current;
  if (!line) return;
  askAmount({
    title: tr("จำนวน") + ": " + productName(line.product),
    label: tr("จำนวน (ชิ้น)"),
    value: String(line.quantity),
    integer: true,
    check: function (v) { return v < 1 || v > MAX_QTY ? tr("จำนวน 1 ถึง ") + MAX_QTY : null; },
    apply: function (v) { setQuantity(line, v); }
  });
}

/* --- a line's price changed (manager's approval and a reason) ------------------------------- */
var priceAsk = { line: null };

export function changePrice(line) {
  line = line || cart.current;
  if (!line) return;
  var box = openDialog("price");
  var form = $("[data-price-form]", box);
  form.reset();
  priceAsk.line = line;
  $("[data-price-name]", box).textContent = productName(line.product);
  $("[data-price-listed]", box).textContent = tr("ราคาป้าย ") + baht(line.product.price) + " × " + line.quantity;
  $("[data-price-restore]", box).hidden = !priceChanged(line);
  if (priceChanged(line)) {
    $("[name=price]", form).value = baht(line.price).replace(/,/g, "");
    $("[name=reason]", form).value = line.priceReason || "";
  }
  $("[name=price]", form).focus();
}

function setPrice(line, price, reason) {
  line.price = price;
  line.priceReason = reason;
  if (line.discount > unitPrice(line) * line.quantity) line.discount = unitPrice(line) * line.quantity;
  renderLine(line);
  cartChanged();
}

export function bindPriceDialog() {
  var box = dialog("price");
  var form = $("[data-price-form]", box);
  $("[data-price-restore]", box).addEventListener("click", function () {
    if (priceAsk.line) setPrice(priceAsk.line, null, null);
    closeDialog("price");
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var line = priceAsk.line;
    var price = parseBaht($("[name=price]", form).value);
    var reason = $("[name=reason]", form).value.trim();
    if (price == null) { showError(box, new Error(tr("ใส่ราคาใหม่ เช่น 150"))); $("[name=price]", form).select(); return; }
    if (price === line.product.price) { showError(box, new Error(tr("ราคาเท่าราคาป้าย: ไม่ต้องเปลี่ยน"))); return; }
    if (!reason) { showError(box, new Error(tr("ใส่เหตุผลที่เปลี่ยนราคา"))); $("[name=reason]", form).focus(); return; }
    var before = { price: line.price, reason: line.priceReason };
    closeDialog("price");
    setPrice(line, price, reason);
    var what = tr("เปลี่ยนราคา") + " " + productName(line.product) + tr(" จาก ") + baht(line.product.price) +
      tr(" เป็น ") + baht(price) + tr(" บาท เหตุผล: ") + reason;
    approve("sale", what, saleSubject()).then(function (token) {
      cart.approval = approvalOf(token, "sale");
      message(tr("อนุมัติเปลี่ยนราคาโดย ") + token.approver_name, "ok");
    }, function () {
      setPrice(line, before.price, before.reason);
      message(tr("เปลี่ยนราคาต้องให้ผู้จัดการอนุมัติ: ใช้ราคาป้าย"));
    });
  });
}

/* --- manager approval -------------------------------------------------------------------- */
var approval = null;

/* Resolves with the approval (its approval_token) for one use on ``subject`` ({discount: ...}
   or {refund: ...}, as POST /api/v1/approvals takes it); rejects when the cashier cancels. */
export function approve(action, what, subject) {
  var box = openDialog("approval");
  $("[data-approval-what]", box).textContent = what;
  var form = $("[data-approval-form]", box);
  form.reset();
  $("[name=username]", form).focus();
  return new Promise(function (resolve, reject) {
    approval = { action: action, subject: subject, resolve: resolve, reject: reject };
  });
}

/* The cart's record of an approval (a discount's, or the whole cart's: kind "sale"): the token
   and the subject it was given for. */
export function approvalOf(token, kind) {
  return {
    kind: kind || "discount", token: token.approval_token, expires_at: token.expires_at, by: token.approver_name,
    subject: JSON.stringify(kind === "sale" ? saleSubject() : discountSubject())
  };
}

export function bindApproval() {
  var box = dialog("approval");
  var form = $("[data-approval-form]", box);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var current = approval;
    if (!current) return;
    apiOk("POST", "/api/v1/approvals", Object.assign({
      username: $("[name=username]", form).value.trim(),
      password: $("[name=password]", form).value,
      action: current.action
    }, current.subject)).then(function (token) {
      approval = null;
      closeDialog("approval");
      current.resolve(token);
    }, function (error) {
      showError(box, error);
      $("[name=password]", form).select();
    });
  });
  box.addEventListener("close", function () {
    if (approval) { var current = approval; approval = null; current.reject(new Error("cancelled")); }
  });
}
