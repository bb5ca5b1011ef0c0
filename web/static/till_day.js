/* The browser till: the cashier's day. The shift menu, pay-in/pay-out, the X report,
   reprinting the last receipt, and closing the shift by counting the drawer (Z report).
   Refunds against a receipt are in till_refund.js. */

import { apiOk, baht, tr } from "./shared.js";
import { $, $all, closeDialog, dialog, message, openDialog, parseBaht, showError, state } from "./till.js";
import { cart, hideDone, reloadCatalogue } from "./till_cart.js";
import { chooseAnotherTill, denominations, openShiftDialog, setShift, shiftUsable } from "./till_shift.js";
import { autoPrint, lastSale, print, setAutoPrint } from "./till_receipt.js";
import { isBusy } from "./till_pay.js";
import { bindRefund, openRefund } from "./till_refund.js";

// ShiftReport fields shown on screen, in order: [field, Thai, English].
var REPORT_ROWS = [
  ["sales_count", "จำนวนบิลขาย", "Sales"],
  ["gross_satang", "ยอดขายก่อนส่วนลด", "Gross sales"],
  ["discount_satang", "ส่วนลด", "Discounts"],
  ["sales_satang", "ยอดขาย", "Sales total"],
  ["refunds_count", "จำนวนการคืนเงิน", "Refunds"],
  ["refunds_satang", "ยอดคืนเงิน", "Refunded"],
  ["net_satang", "ยอดขายสุทธิ", "Net sales"],
  ["vat_included_satang", "ภาษีมูลค่าเพิ่มที่รวมอยู่", "VAT included"],
  ["cash_satang", "รับชำระเงินสด", "Paid in cash"],
  ["promptpay_satang", "รับชำระพร้อมเพย์", "Paid by PromptPay"],
  ["pending_sales", "บิลรอชำระ", "Sales awaiting payment"],
  ["voided_sales", "บิลที่ยกเลิก", "Voided sales"],
  ["opening_float_satang", "เงินทอนตั้งต้น", "Opening float"],
  ["cash_taken_satang", "รับเงินสดมา", "Cash taken"],
  ["change_given_satang", "เงินทอนที่จ่าย", "Change given"],
  ["pay_ins_satang", "นำเงินเข้า", "Pay-ins"],
  ["pay_outs_satang", "นำเงินออก", "Pay-outs"],
  ["cash_refunds_satang", "คืนเงินสด", "Cash refunds"],
  ["transfer_refunds_satang", "โอนคืน", "Refunds by transfer"],
  ["expected_cash_satang", "เงินสดที่ควรมีในลิ้นชัก", "Expected cash in the drawer"],
  ["counted_cash_satang", "เงินสดที่นับได้", "Counted cash"],
  ["difference_satang", "ผลต่าง", "Difference"]
];

function shiftId() { return state.shift && state.shift.id; }

/* --- the menu -------------------------------------------------------------------------------- */
export function openMenu() {
  if (isBusy()) return;
  var box = openDialog("menu");
  var shift = state.shift;
  $("[data-menu-shift]", box).textContent = state.till ? state.till.code + (shift ? " · " + tr("กะ #", "shift #") + shift.id : "") : "";
  $("[data-auto-print]", box).checked = autoPrint();
  var own = shiftUsable();
  ["pay_in", "pay_out", "x", "close", "refund"].forEach(function (name) { $("[data-menu=" + name + "]", box).disabled = !own; });
  $("[data-menu=reprint]", box).disabled = !lastSale();
  $("[data-menu=refund]", box).focus();
}

var ACTIONS = {
  refund: function () { openRefund(); },
  reprint: function () {
    var last = lastSale();
    if (last) print("/api/v1/sales/" + last.sale_id + "/receipt?copy=1");
  },
  pay_in: function () { openMovement("pay_in"); },
  pay_out: function () { openMovement("pay_out"); },
  x: function () { showReport(false); },
  close: function () { openClose(); },
  reload: function () {
    reloadCatalogue().then(function () { message(tr("โหลดรายการสินค้าใหม่แล้ว", "Catalogue reloaded"), "ok"); }, function (e) { message(e.message); });
  },
  till: function () {
    if (cart.lines.length) { message(tr("ขายรายการนี้ให้เสร็จก่อนเปลี่ยนเครื่อง", "Finish this sale before changing till")); return; }
    chooseAnotherTill();
  }
};

/* --- pay-in / pay-out -------------------------------------------------------------------- */
function openMovement(kind) {
  var box = openDialog("movement");
  var form = $("[data-movement-form]", box);
  form.reset();
  form.dataset.kind = kind;
  $("[data-movement-title]", box).textContent = kind === "pay_in" ? tr("นำเงินเข้าลิ้นชัก", "Pay in") : tr("นำเงินออกจากลิ้นชัก", "Pay out");
  $("[name=amount]", form).focus();
}

function bindMovement() {
  var box = dialog("movement");
  var form = $("[data-movement-form]", box);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var amount = parseBaht($("[name=amount]", form).value);
    var reason = $("[name=reason]", form).value.trim();
    if (!(amount > 0)) { showError(box, new Error(tr("ใส่จำนวนเงิน เช่น 500", "Enter an amount, e.g. 500"))); return; }
    if (!reason) { showError(box, new Error(tr("ใส่เหตุผล", "Give a reason"))); return; }
    var kind = form.dataset.kind;
    apiOk("POST", "/api/v1/shifts/" + shiftId() + "/cash-movements", { kind: kind, amount_satang: amount, reason: reason }).then(function () {
      closeDialog("movement");
      message((kind === "pay_in" ? tr("นำเงินเข้าแล้ว ", "Paid in ") : tr("นำเงินออกแล้ว ", "Paid out ")) + baht(amount), "ok");
    }, function (error) { showError(box, error); });
  });
}

/* --- X and Z reports --------------------------------------------------------------------- */
var reportShown = { id: null, afterClose: null };

function differenceClass(d) { return d === 0 ? "positive" : d < 0 ? "negative" : "over"; }

/* The figures a cashier looks at first: expected cash, counted, the difference. */
function fillKey(list, report) {
  list.textContent = "";
  var key = [["expected_cash_satang", "เงินสดที่ควรมี", "Expected cash"], ["counted_cash_satang", "นับได้", "Counted"],
    ["difference_satang", "ผลต่าง", "Difference"]];
  if (report.counted_cash_satang == null) key = [["net_satang", "ยอดขายสุทธิ", "Net sales"], ["sales_count", "จำนวนบิล", "Sales"], key[0]];
  key.forEach(function (k) {
    var value = report[k[0]];
    var div = document.createElement("div");
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = tr(k[1], k[2]);
    dd.textContent = /_satang$/.test(k[0]) ? (k[0] === "difference_satang" && value > 0 ? "+" : "") + baht(value) : String(value);
    if (k[0] === "difference_satang") dd.className = differenceClass(value);
    div.appendChild(dt);
    div.appendChild(dd);
    list.appendChild(div);
  });
}

function fillReport(list, report) {
  list.textContent = "";
  REPORT_ROWS.forEach(function (row) {
    var value = report[row[0]];
    if (value === undefined || value === null) return;
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = tr(row[1], row[2]);
    dd.textContent = /_satang$/.test(row[0]) ? baht(value) : String(value);
    if (row[0] === "difference_satang") dd.className = differenceClass(value);
    if (row[0] === "expected_cash_satang" || row[0] === "net_satang") { dt.className = dd.className = "strong"; }
    list.appendChild(dt);
    list.appendChild(dd);
  });
}

function showReport(isClose, report) {
  var id = report ? report.shift_id : shiftId();
  var box = openDialog("report");
  var list = $("[data-report]", box);
  reportShown.id = id;
  function show(r) {
    $("[data-report-title]", box).textContent = r.z_number ? tr("รายงาน Z ", "Z report ") + r.z_number : tr("รายงาน X (ระหว่างกะ) · กะ #", "X report (shift open) · shift #") + r.shift_id;
    fillKey($("[data-report-key]", box), r);
    fillReport(list, r);
    if (isClose) print("/api/v1/shifts/" + id + "/report.html");
  }
  if (report) return show(report);
  list.textContent = "…";
  $("[data-report-key]", box).textContent = "";
  apiOk("GET", "/api/v1/shifts/" + id + "/report").then(show, function (error) { list.textContent = ""; showError(box, error); });
}

/* --- close the shift -------------------------------------------------------------------- */
var closeState = { expected: null, denoms: null };

function openClose() {
  var box = openDialog("close");
  var form = $("[data-close-form]", box);
  form.reset();
  closeState.denoms.reset();
  closeState.expected = null;
  $("[data-close-expected]", box).textContent = "…";
  updateDifference();
  $("[name=counted]", form).focus();
  apiOk("GET", "/api/v1/shifts/" + shiftId() + "/report").then(function (report) {
    closeState.expected = report.expected_cash_satang;
    $("[data-close-expected]", box).textContent = baht(report.expected_cash_satang);
    if (report.pending_sales) showError(box, new Error(tr("มีบิลรอชำระ ", "Pending sales: ") + report.pending_sales + tr(" รายการ: ยืนยันหรือยกเลิกก่อนปิดกะ", " — confirm or cancel them before closing")));
    updateDifference();
  }, function (error) { showError(box, error); });
}

function counted(form) {
  var value = parseBaht($("[name=counted]", form).value);
  return value === undefined ? null : value;
}

function updateDifference() {
  var box = dialog("close");
  var form = $("[data-close-form]", box);
  var value = counted(form);
  $("[data-close-counted]", box).textContent = value == null ? "—" : baht(value);
  var diff = $("[data-close-difference]", box);
  if (value == null || closeState.expected == null) { diff.textContent = "—"; diff.className = ""; return; }
  var d = value - closeState.expected;
  diff.textContent = (d > 0 ? "+" : "") + baht(d) + (d === 0 ? " ✓" : d < 0 ? tr(" (ขาด)", " (short)") : tr(" (เกิน)", " (over)"));
  diff.className = differenceClass(d);
}

function bindClose() {
  var box = dialog("close");
  var form = $("[data-close-form]", box);
  var input = $("[name=counted]", form);
  closeState.denoms = denominations($("[data-denoms]", form), function (total) {
    input.value = total ? baht(total).replace(/,/g, "") : "";
    updateDifference();
  });
  input.addEventListener("input", updateDifference);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = counted(form);
    if (value == null) { showError(box, new Error(tr("ใส่เงินสดที่นับได้ (0 ได้)", "Enter the counted cash (0 is allowed)"))); input.select(); return; }
    var body = { counted_satang: value };
    if (closeState.denoms.used()) body.denominations = closeState.denoms.counts();
    var id = shiftId();
    apiOk("POST", "/api/v1/shifts/" + id + "/close", body).then(function (report) {
      closeDialog("close");
      hideDone();
      setShift(null);
      reportShown.afterClose = true;
      showReport(true, report);
    }, function (error) { showError(box, error); });
  });
}

function bindReport() {
  var box = dialog("report");
  $("[data-report-print]", box).addEventListener("click", function () {
    if (reportShown.id) print("/api/v1/shifts/" + reportShown.id + "/report.html");
  });
  box.addEventListener("close", function () {
    if (reportShown.afterClose) { reportShown.afterClose = null; openShiftDialog(); }
  });
}

export function bindDay() {
  var menu = dialog("menu");
  $("[data-open-menu]").addEventListener("click", openMenu);
  $all("[data-menu]", menu).forEach(function (button) {
    button.addEventListener("click", function () {
      closeDialog("menu");
      ACTIONS[button.dataset.menu]();
    });
  });
  $("[data-auto-print]", menu).addEventListener("change", function (event) { setAutoPrint(event.target.checked); });
  bindMovement();
  bindClose();
  bindReport();
  bindRefund();
}
