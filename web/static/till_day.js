/* The browser till: the cashier's day. The shift menu, pay-in/pay-out, the X report,
   reprinting the last receipt, and closing the shift by counting the drawer (Z report).
   Refunds against a receipt are in till_refund.js. */

import { apiOk, baht, tr } from "./shared.js";
import { $, $all, closeDialog, dialog, message, openDialog, parseBaht, showError, state } from "./till.js";
import { cart, hideDone, reloadCatalogue } from "./till_cart.js";
import { chooseAnotherTill, denominations, openShiftDialog, setShift, shiftUsable } from "./till_shift.js";
import { autoPrint, lastSale, print, reprintLast, setAutoPrint } from "./till_receipt.js";
import { isBusy, showQueue } from "./till_pay.js";
import { closeNumbers, deviceId, drain, forgetNumbers, reopenNumbers, waitingCash } from "./till_queue.js";
import { bindRefund, openRefund } from "./till_refund.js";
import { bindReturn, openReturn } from "./till_return.js";

// ShiftReport fields shown on screen, in order: [field, Thai, English].
var REPORT_ROWS = [
  ["sales_count", "จำนวนบิลขาย"],
  ["gross_satang", "ยอดขายก่อนส่วนลด", "till report"],
  ["discount_satang", "ส่วนลด"],
  ["price_changes_count", "จำนวนรายการที่เปลี่ยนราคา"],
  ["price_changes_satang", "เปลี่ยนราคาต่ำกว่าราคาป้ายรวม"],
  ["sales_satang", "ยอดขาย", "till report"],
  ["refunds_count", "จำนวนการคืนเงิน"],
  ["refunds_satang", "ยอดคืนเงิน"],
  ["net_satang", "ยอดขายสุทธิ"],
  ["vat_included_satang", "ภาษีมูลค่าเพิ่มที่รวมอยู่"],
  ["cash_satang", "รับชำระเงินสด"],
  ["promptpay_satang", "รับชำระพร้อมเพย์"],
  ["card_satang", "รับชำระบัตร"],
  ["other_satang", "รับชำระช่องทางอื่น"],
  ["pending_sales", "บิลรอชำระ"],
  ["voided_sales", "บิลที่ยกเลิก"],
  ["opening_float_satang", "เงินทอนตั้งต้น"],
  ["cash_taken_satang", "รับเงินสดมา"],
  ["change_given_satang", "เงินทอนที่จ่าย"],
  ["pay_ins_satang", "นำเงินเข้า"],
  ["pay_outs_satang", "นำเงินออก"],
  ["cash_refunds_satang", "คืนเงินสด", "till report"],
  ["transfer_refunds_satang", "โอนคืน", "till report"],
  ["card_refunds_satang", "คืนเข้าบัตร"],
  ["other_refunds_satang", "คืนทางช่องทางอื่น"],
  ["expected_cash_satang", "เงินสดที่ควรมีในลิ้นชัก"],
  ["counted_cash_satang", "เงินสดที่นับได้"],
  ["difference_satang", "ผลต่าง"]
];

function shiftId() { return state.shift && state.shift.id; }

/* --- the menu -------------------------------------------------------------------------------- */
export function openMenu() {
  if (isBusy()) return;
  var box = openDialog("menu");
  var shift = state.shift;
  $("[data-menu-shift]", box).textContent = state.till ? state.till.code + (shift ? " · " + tr("กะ #", "lowercase") + shift.id : "") : "";
  $("[data-auto-print]", box).checked = autoPrint();
  var own = shiftUsable();
  ["pay_in", "pay_out", "x", "close", "refund", "return"].forEach(function (name) { $("[data-menu=" + name + "]", box).disabled = !own; });
  $("[data-menu=reprint]", box).disabled = !lastSale();
  $("[data-menu=refund]", box).focus();
}

var ACTIONS = {
  refund: function () { openRefund(); },
  return: function () { openReturn(); },
  reprint: function () { reprintLast(); },
  pay_in: function () { openMovement("pay_in"); },
  pay_out: function () { openMovement("pay_out"); },
  x: function () { showReport(false); },
  close: function () { openClose(); },
  reload: function () {
    reloadCatalogue().then(function () { message(tr("โหลดรายการสินค้าใหม่แล้ว"), "ok"); }, function (e) { message(e.message); });
  },
  till: function () {
    if (cart.lines.length) { message(tr("ขายรายการนี้ให้เสร็จก่อนเปลี่ยนเครื่อง")); return; }
    chooseAnotherTill();
  }
};

/* --- pay-in / pay-out -------------------------------------------------------------------- */
function openMovement(kind) {
  var box = openDialog("movement");
  var form = $("[data-movement-form]", box);
  form.reset();
  form.dataset.kind = kind;
  $("[data-movement-title]", box).textContent = kind === "pay_in" ? tr("นำเงินเข้าลิ้นชัก") : tr("นำเงินออกจากลิ้นชัก");
  $("[name=amount]", form).focus();
}

function bindMovement() {
  var box = dialog("movement");
  var form = $("[data-movement-form]", box);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var amount = parseBaht($("[name=amount]", form).value);
    var reason = $("[name=reason]", form).value.trim();
    if (!(amount > 0)) { showError(box, new Error(tr("ใส่จำนวนเงิน เช่น 500"))); return; }
    if (!reason) { showError(box, new Error(tr("ใส่เหตุผล"))); return; }
    var kind = form.dataset.kind;
    apiOk("POST", "/api/v1/shifts/" + shiftId() + "/cash-movements", { kind: kind, amount_satang: amount, reason: reason }).then(function () {
      closeDialog("movement");
      message((kind === "pay_in" ? tr("นำเงินเข้าแล้ว ") : tr("นำเงินออกแล้ว ")) + baht(amount), "ok");
    }, function (error) { showError(box, error); });
  });
}

/* --- X and Z reports --------------------------------------------------------------------- */
var reportShown = { id: null, afterClose: null };

function differenceClass(d) { return d === 0 ? "positive" : d < 0 ? "negative" : "over"; }

/* The figures a cashier looks at first: expected cash, counted, the difference. */
function fillKey(list, report) {
  list.textContent = "";
  var key = [["expected_cash_satang", "เงินสดที่ควรมี"], ["counted_cash_satang", "นับได้"],
    ["difference_satang", "ผลต่าง"]];
  if (report.counted_cash_satang == null) key = [["net_satang", "ยอดขายสุทธิ"], ["sales_count", "จำนวนบิล"], key[0]];
  // The drawer holds the cash of sales not yet received: the cashier's figures count it.
  var queued = report.outstanding_cash_satang || 0;
  key.forEach(function (k) {
    var value = report[k[0]];
    if (k[0] === "expected_cash_satang") value += queued;
    if (k[0] === "difference_satang") value -= queued;
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

/* The Z report's receipt numbers, first: issued here and not yet received (with their cash,
   which is in the drawer but not yet in the books), and leased but never issued. */
function fillNumbers(list, report) {
  var rows = [
    ["outstanding_numbers", "เลขที่ใบเสร็จที่ออกแล้วแต่ยังไม่ถึงเซิร์ฟเวอร์"],
    ["outstanding_cash_satang", "เงินสดของบิลที่ยังไม่ถึง (อยู่ในลิ้นชักแล้ว)"],
    ["void_numbers", "เลขที่ใบเสร็จที่ไม่ได้ใช้ (ยกเลิก)"]
  ];
  var first = list.firstChild;
  rows.forEach(function (row) {
    var value = report[row[0]];
    if (!value || (Array.isArray(value) && !value.length)) return;
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = tr(row[1]);
    dt.className = dd.className = "strong";
    dd.textContent = Array.isArray(value) ? value.join(", ") : baht(value);
    list.insertBefore(dt, first);
    list.insertBefore(dd, first);
  });
}

/* The cashier's reason for the drawer's difference, first: the manager reads it with the figures. */
function fillReason(list, report) {
  if (!report.difference_reason) return;
  var dt = document.createElement("dt");
  var dd = document.createElement("dd");
  dt.textContent = tr("เหตุผลของผลต่าง");
  dd.textContent = report.difference_reason;
  dt.className = dd.className = "strong";
  list.insertBefore(dd, list.firstChild);
  list.insertBefore(dt, dd);
}

function fillReport(list, report) {
  list.textContent = "";
  REPORT_ROWS.forEach(function (row) {
    var value = report[row[0]];
    if (value === undefined || value === null) return;
    if (/^price_changes_/.test(row[0]) && !report.price_changes_count) return;
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = tr(row[1], row[2]);
    dd.textContent = /_satang$/.test(row[0]) ? baht(value) : String(value);
    if (row[0] === "difference_satang") dd.className = differenceClass(value);
    if (row[0] === "expected_cash_satang" || row[0] === "net_satang") { dt.className = dd.className = "strong"; }
    list.appendChild(dt);
    list.appendChild(dd);
    if (row[0] === "other_satang") fillOtherTenders(list, report.other_tenders || []);
  });
}

/* One line per other tender by its name (เป๋าตัง 2 · 300.00), under the other tenders' total. */
function fillOtherTenders(list, tenders) {
  tenders.forEach(function (t) {
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = "· " + t.name + " (" + t.count + ")";
    dd.textContent = baht(t.amount_satang);
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
    $("[data-report-title]", box).textContent = r.z_number ? tr("รายงาน Z ") + r.z_number : tr("รายงาน X (ระหว่างกะ) · กะ #") + r.shift_id;
    fillKey($("[data-report-key]", box), r);
    fillReport(list, r);
    fillNumbers(list, r);
    fillReason(list, r);
    if (isClose) print("/api/v1/shifts/" + id + "/report.html");
  }
  if (report) return show(report);
  list.textContent = "…";
  $("[data-report-key]", box).textContent = "";
  apiOk("GET", "/api/v1/shifts/" + id + "/report").then(show, function (error) { list.textContent = ""; showError(box, error); });
}

/* --- close the shift: a blind count ----------------------------------------------------------
   The cashier counts first; the expected cash is not on screen until the count is sent. A count
   close enough to it closes the shift (the Z report then shows both); one further away than the
   centre's set amount comes back refused with the expected cash and the difference: the cashier
   counts again, or gives a reason, which the Z report keeps. */
var closeState = { denoms: null, revealed: null };

function openClose() {
  var box = openDialog("close");
  var form = $("[data-close-form]", box);
  form.reset();
  closeState.denoms.reset();
  blind(box);
  $("[name=counted]", form).focus();
  // Only what stops the close is said before the count: sales still waiting, cash still queued.
  Promise.all([
    apiOk("GET", "/api/v1/shifts/" + shiftId() + "/report"),
    waitingCash(shiftId()).catch(function () { return 0; })
  ]).then(function (both) {
    var report = both[0];
    var queued = both[1];
    if (queued) {
      showError(box, new Error(tr("รวมเงินสด {cash} บาทของบิลที่ยังรอส่ง ระบบจะส่งก่อนปิดกะ บิลที่ยังส่งไม่ถึงจะแสดงในรายงาน Z ว่ายังค้าง").replace("{cash}", baht(queued))));
    }
    if (report.pending_sales) showError(box, new Error(tr("มีบิลรอชำระ ") + report.pending_sales + tr(" รายการ: ยืนยันหรือยกเลิกก่อนปิดกะ")));
  }, function (error) { showError(box, error); });
}

/* Back to counting: nothing of the expected cash on screen. */
function blind(box) {
  closeState.revealed = null;
  $("[data-close-expected]", box).textContent = tr("แสดงหลังนับ");
  $("[data-close-reason]", box).hidden = true;
  $("[name=difference_reason]", box).value = "";
  $("[data-close-recount]", box).hidden = true;
  $("[data-close-blind]", box).hidden = false;
  $("[data-close-submit]", box).textContent = tr("ยืนยันยอดที่นับและปิดกะ");
  $("[name=counted]", box).readOnly = false;
  $("details.denoms-box", box).open = true;
  updateDifference();
}

/* The server's answer to a count too far out: the expected cash and the difference, and the
   reason it asks for. */
function reveal(box, answer) {
  closeState.revealed = answer;
  $("[data-close-expected]", box).textContent = baht(answer.expected_cash_satang);
  $("[data-close-reason]", box).hidden = false;
  $("[data-close-recount]", box).hidden = false;
  $("[data-close-blind]", box).hidden = true;
  $("[data-close-submit]", box).textContent = tr("ปิดกะพร้อมเหตุผล");
  $("[name=counted]", box).readOnly = true;  // this count is the one explained
  $("details.denoms-box", box).open = false;
  updateDifference();
  $("[name=difference_reason]", box).focus();
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
  var shown = closeState.revealed;
  if (!shown) { diff.textContent = "—"; diff.className = ""; return; }
  var d = shown.difference_satang;
  diff.textContent = (d > 0 ? "+" : "") + baht(d) + (d === 0 ? " ✓" : d < 0 ? tr(" (ขาด)") : tr(" (เกิน)"));
  diff.className = differenceClass(d);
}

function bindClose() {
  var box = dialog("close");
  var form = $("[data-close-form]", box);
  var input = $("[name=counted]", form);
  closeState.denoms = denominations($("[data-denoms]", form), function (total) {
    if (closeState.revealed) return;
    input.value = total ? baht(total).replace(/,/g, "") : "";
    updateDifference();
  });
  input.addEventListener("input", updateDifference);
  $("[data-close-recount]", box).addEventListener("click", function () {
    form.reset();
    closeState.denoms.reset();
    blind(box);
    $("[data-error]", box).hidden = true;
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = counted(form);
    if (value == null) { showError(box, new Error(tr("ใส่เงินสดที่นับได้ (0 ได้)"))); input.select(); return; }
    var body = { counted_satang: value };
    if (closeState.denoms.used()) body.denominations = closeState.denoms.counts();
    if (closeState.revealed) {
      var reason = $("[name=difference_reason]", form).value.trim();
      if (!reason) { showError(box, new Error(tr("ใส่เหตุผลของผลต่าง"))); $("[name=difference_reason]", form).focus(); return; }
      body.difference_reason = reason;
    }
    var id = shiftId();
    var tillId = state.till.id;
    // The queue first (a few seconds at most), then the last number this device issued.
    var numbering = function () { return closeNumbers(tillId); };
    drain(8000).then(numbering, numbering).then(function (last) {
      body.device_id = deviceId();
      if (last) body.last_receipt_seq = last;
      return waitingCash(id).catch(function () { return 0; });
    }).then(function (stillQueued) {
      if (stillQueued) body.outstanding_cash_satang = stillQueued;
      return apiOk("POST", "/api/v1/shifts/" + id + "/close", body);
    }).then(function (report) {
      forgetNumbers(tillId).then(showQueue, showQueue);
      closeDialog("close");
      hideDone();
      setShift(null);
      reportShown.afterClose = true;
      showReport(true, report);
    }, function (error) {
      reopenNumbers(tillId).catch(function () { /* */ });  // still open: sell on
      if (error.body && error.body.code === "shift.difference_reason_required") reveal(box, error.body);
      showError(box, error);
    });
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
  bindReturn();
}
