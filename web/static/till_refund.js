/* The browser till: a refund against a receipt. Find the sale (typed, or its receipt's barcode
   scanned into the scan field: a small dialog offers a reprint or a refund), choose the
   quantities back, a manager approves (for a cashier), the request goes exactly once through
   the outbox, and the credit note prints. */

import { ApiError, apiOk, baht, thai, tr } from "./shared.js";
import { refundedAmount } from "./pricing.js";
import { $, $all, asciiDigits, bangkokTime, closeDialog, config, dialog, openDialog, showError, state } from "./till.js";
import { productById } from "./till_products.js";
import { approve } from "./till_discounts.js";
import { print, taxInvoiceUrl } from "./till_receipt.js";
import { enqueue, onAnswer } from "./till_pay.js";
import { shiftUsable } from "./till_shift.js";

var refund = { sale: null, result: null };
var scanned = { sale: null };

// A receipt number as pos/tills/receipts.py writes it: the till's code, a hyphen, six digits.
var RECEIPT_NUMBER = /^[A-Z0-9][A-Z0-9-]{1,15}-\d{6}$/;

/* Whether a scan is a receipt's barcode (a product's barcode or SKU was looked up first). */
export function isReceiptNumber(text) { return RECEIPT_NUMBER.test(asciiDigits(text).trim().toUpperCase()); }

/* A receipt's barcode was scanned: find the sale, offer a reprint (COPY) or a refund. */
export function openScannedReceipt(text) {
  var number = asciiDigits(text).trim().toUpperCase();
  var box = openDialog("scanned");
  scanned.sale = null;
  $("[data-scanned-number]", box).textContent = number;
  var invoice = $("[data-scanned-tax-invoice]", box);
  if (invoice) invoice.href = taxInvoiceUrl(number);
  $("[data-scanned-sale]", box).textContent = tr("กำลังค้นหา…");
  $("[data-scanned-reprint]", box).disabled = true;
  $("[data-scanned-refund]", box).disabled = true;
  // Not a button: the scanner's Enter is still arriving and would press it.
  $("[data-scanned-sale]", box).focus();
  apiOk("GET", "/api/v1/sales?receipt_number=" + encodeURIComponent(number)).then(function (sales) {
    if (!box.open || $("[data-scanned-number]", box).textContent !== number) return;
    if (!sales.length) {
      $("[data-scanned-sale]", box).textContent = "";
      showError(box, new Error(tr("ไม่พบใบเสร็จ ") + number));
      return;
    }
    var sale = scanned.sale = sales[0];
    $("[data-scanned-sale]", box).textContent = saleSummary(sale);
    var completed = sale.status === "completed";
    $("[data-scanned-reprint]", box).disabled = !completed;
    $("[data-scanned-refund]", box).disabled = !completed || !shiftUsable();
    if (!completed) showError(box, new Error(tr("บิลนี้ยังไม่เสร็จสมบูรณ์ คืนเงินไม่ได้")));
    else if (!shiftUsable()) showError(box, new Error(tr("เปิดกะก่อนจึงจะคืนสินค้าได้")));
    var first = $("[data-scanned-refund]:not([disabled]), [data-scanned-reprint]:not([disabled])", box);
    if (first) first.focus();
  }, function (error) {
    $("[data-scanned-sale]", box).textContent = "";
    showError(box, error);
  });
}

function saleSummary(sale) {
  return bangkokTime(sale.completed_at || sale.created_at, true) + " · " + tr("ยอด ") + baht(sale.total_satang) +
    " · " + sale.lines.length + tr(" รายการ") + " · " +
    sale.payments.map(tenderWord).join(" + ");
}

function bindScanned() {
  var box = dialog("scanned");
  $("[data-scanned-reprint]", box).addEventListener("click", function () {
    if (!scanned.sale) return;
    closeDialog("scanned");
    print("/api/v1/sales/" + scanned.sale.id + "/receipt?copy=1");
  });
  $("[data-scanned-refund]", box).addEventListener("click", function () {
    var sale = scanned.sale;
    if (!sale) return;
    closeDialog("scanned");
    openRefund();
    $("[data-refund-find] [name=receipt]", dialog("refund")).value = sale.receipt_number;
    showSale(sale);
  });
}

export function openRefund() {
  var box = openDialog("refund");
  refund.sale = null;
  refund.result = null;
  $("[data-refund-find]", box).reset();
  $("[data-refund-form]", box).hidden = true;
  $("[data-refund-done]", box).hidden = true;
  $("[data-refund-submit]", box).hidden = true;
  $("[data-refund-print]", box).hidden = true;
  $("[data-refund-reprint]", box).hidden = true;
  $("[data-refund-find] [name=receipt]", box).focus();
}

function refundable(line) { return line.quantity - (line.refunded_quantity || 0); }

/* What a line's refund comes to, as the server computes it (the credit note's figure). */
function estimate(line, quantity) {
  return refundedAmount(line.line_total_satang, line.quantity, line.refunded_quantity || 0, quantity);
}

/* Under the product's name: what one cost, the discount on the line and what the line came to,
   each with its label (a bare figure read as the price of one). */
function lineAmounts(box, line) {
  var parts = [[tr("ราคาต่อชิ้น"), baht(line.unit_price_satang)]];
  var discount = line.discount_satang + (line.cart_discount_satang || 0);
  if (discount) parts.push([tr("ส่วนลด", "one sale"), "−" + baht(discount)]);
  parts.push([tr("ยอดบรรทัด"), baht(line.line_total_satang)]);
  parts.forEach(function (part) {
    var label = document.createElement("span");
    label.textContent = part[0] + " ";
    var figure = document.createElement("b");
    figure.textContent = part[1];
    label.appendChild(figure);
    box.appendChild(label);
    box.appendChild(document.createTextNode(" · "));
  });
  box.appendChild(document.createTextNode(line.sku));
}

/* How each tender is paid back without another approval (pos/refunds/service.py). */
var REFUND_BY = { cash: "cash", promptpay: "transfer", card: "card", other: "other" };

function tenderWord(p) {
  if (p.method === "cash") return tr("เงินสด", "lowercase");
  if (p.method === "card") return tr("บัตร") + " ****" + p.card_last4;
  if (p.method === "other") return p.tender_name;
  return "PromptPay";
}

function showSale(sale) {
  var box = dialog("refund");
  refund.sale = sale;
  $("[data-refund-sale]", box).textContent = sale.receipt_number + " · " + saleSummary(sale);
  // The money goes back by the tender that paid (another way needs a manager's approval).
  var paid = sale.payments.filter(function (p) { return p.status === "confirmed"; })[0];
  var back = $("[name=method][value=" + (REFUND_BY[paid && paid.method] || "cash") + "]", box);
  if (back) back.checked = true;
  var body = $("[data-refund-lines]", box);
  body.textContent = "";
  sale.lines.forEach(function (line) {
    var tr_ = document.createElement("tr");
    tr_.innerHTML = '<td><span></span><small class="muted line-amounts"></small></td><td class="num"></td><td class="num"></td>' +
      '<td class="num"><input class="qty" inputmode="numeric" autocomplete="off" value="0"></td><td class="num" data-estimate>0.00</td>';
    tr_.children[0].children[0].textContent = thai ? line.name_th : line.name_en || line.name_th;
    lineAmounts(tr_.children[0].children[1], line);
    tr_.children[1].textContent = line.quantity;
    tr_.children[2].textContent = line.refunded_quantity || 0;
    var input = tr_.children[3].children[0];
    input.dataset.line = line.line_no;
    input.disabled = refundable(line) <= 0;
    input.setAttribute("aria-label", tr("จำนวนที่คืน ") + line.name_th);
    body.appendChild(tr_);
  });
  $("[data-refund-form]", box).hidden = false;
  $("[data-refund-submit]", box).hidden = sale.status !== "completed";
  $("[data-refund-reprint]", box).hidden = sale.status !== "completed";
  if (sale.status !== "completed") showError(box, new Error(tr("บิลนี้ยังไม่เสร็จสมบูรณ์ คืนเงินไม่ได้")));
  updateRefundTotal();
  var first = $("[data-refund-lines] input:not([disabled])", box);
  if (first) first.select();
}

function chosenLines() {
  var box = dialog("refund");
  var out = [];
  var problem = null;
  $all("[data-refund-lines] input", box).forEach(function (input) {
    var line = refund.sale.lines.filter(function (l) { return l.line_no === Number(input.dataset.line); })[0];
    var text = asciiDigits(input.value.trim());
    var quantity = text === "" ? 0 : /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    var row = input.closest("tr");
    if (!(quantity >= 0 && quantity <= refundable(line))) {
      problem = tr("จำนวนคืนของ ") + line.name_th + tr(" ต้องอยู่ระหว่าง 0 ถึง ") + refundable(line);
      row.classList.add("bad");
      return;
    }
    row.classList.remove("bad");
    $("[data-estimate]", row).textContent = baht(quantity ? estimate(line, quantity) : 0);
    if (quantity) out.push({ line: line, quantity: quantity });
  });
  return { lines: out, problem: problem };
}

function updateRefundTotal() {
  var chosen = chosenLines();
  var total = chosen.lines.reduce(function (sum, c) { return sum + estimate(c.line, c.quantity); }, 0);
  $("[data-refund-total]", dialog("refund")).textContent = baht(total);
}

function submitRefund() {
  var box = dialog("refund");
  var form = $("[data-refund-form]", box);
  var chosen = chosenLines();
  if (chosen.problem) { showError(box, new Error(chosen.problem)); return; }
  if (!chosen.lines.length) { showError(box, new Error(tr("เลือกจำนวนที่จะคืนอย่างน้อยหนึ่งรายการ"))); return; }
  var reason = $("[name=reason]", form).value.trim();
  if (!reason) { showError(box, new Error(tr("ใส่เหตุผลการคืน"))); $("[name=reason]", form).focus(); return; }
  var body = {
    sale_id: refund.sale.id,
    till_id: state.till.id,
    lines: chosen.lines.map(function (c) { return { line_no: c.line.line_no, quantity: c.quantity }; }),
    restock: $("[name=restock]:checked", form).value === "1",
    method: $("[name=method]:checked", form).value,
    reason: reason
  };
  var total = chosen.lines.reduce(function (sum, c) { return sum + estimate(c.line, c.quantity); }, 0);
  var approval = config.user.role === "cashier"
    ? approve("refund", tr("คืนเงิน ") + baht(total) + tr(" บาท ตามใบเสร็จ ") + refund.sale.receipt_number,
      { refund: { sale_id: body.sale_id, lines: body.lines, method: body.method } })
    : Promise.resolve(null);
  approval.then(function (token) {
    if (token) body.approval_token = token.approval_token;
    closeDialog("refund");
    return enqueue("refund", "/api/v1/refunds", body, {
      restock: body.restock, approver: token ? token.approver_name : null,
      chosen: chosen.lines.map(function (c) { return [c.line.product_id, c.quantity]; })
    });
  }, function () {
    showError(box, new Error(tr("การคืนเงินต้องให้ผู้จัดการอนุมัติ")));
  });
}

onAnswer("refund", function (answer, entry) {
  var box = openDialog("refund");
  $("[data-refund-find]", box).hidden = false;
  if (!answer.ok) {
    if (refund.sale) $("[data-refund-form]", box).hidden = false;
    showError(box, new ApiError(answer));
    return;
  }
  var result = answer.body;
  refund.result = result;
  if (entry.restock && entry.chosen) {
    entry.chosen.forEach(function (c) { var p = productById(c[0]); if (p) p.on_hand += c[1]; });
  }
  $("[data-refund-form]", box).hidden = true;
  $("[data-refund-submit]", box).hidden = true;
  $("[data-refund-reprint]", box).hidden = true;
  var done = $("[data-refund-done]", box);
  done.hidden = false;
  done.textContent = "";
  var title = document.createElement("p");
  title.className = "refund-done-title";
  title.textContent = "✓ " + tr("คืนเงินแล้ว ") + baht(result.total_satang) + " · " + result.credit_note_number;
  var detail = document.createElement("p");
  detail.textContent = (result.method === "cash" ? tr("คืนเป็นเงินสดจากลิ้นชัก")
    : result.method === "card" ? tr("คืนเข้าบัตร")
    : result.method === "other" ? tr("คืนทางช่องทางอื่น") + " " + result.tender_name
    : tr("โอนคืนลูกค้า")) +
    " · " + (result.restock ? tr("สินค้ากลับเข้าสต็อก") : tr("ตัดเป็นของเสีย", "done")) +
    (entry.approver ? " · " + tr("อนุมัติโดย ") + entry.approver : "");
  done.appendChild(title);
  done.appendChild(detail);
  $("[data-refund-print]", box).hidden = false;
  print("/api/v1/refunds/" + result.id + "/credit-note");
});

export function bindRefund() {
  bindScanned();
  var box = dialog("refund");
  var find = $("[data-refund-find]", box);
  find.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = $("[name=receipt]", find).value.trim().toUpperCase();
    if (!number) return;
    showError(box, null);
    $("[data-refund-done]", box).hidden = true;
    $("[data-refund-print]", box).hidden = true;
    apiOk("GET", "/api/v1/sales?receipt_number=" + encodeURIComponent(number)).then(function (sales) {
      if (!sales.length) {
        $("[data-refund-form]", box).hidden = true;
        showError(box, new Error(tr("ไม่พบใบเสร็จ ") + number));
        $("[name=receipt]", find).select();
        return;
      }
      showSale(sales[0]);
    }, function (error) { showError(box, error); });
  });
  $("[data-refund-form]", box).addEventListener("input", updateRefundTotal);
  $("[data-refund-form]", box).addEventListener("submit", function (event) { event.preventDefault(); submitRefund(); });
  $("[data-refund-submit]", box).addEventListener("click", submitRefund);
  $("[data-refund-print]", box).addEventListener("click", function () {
    if (refund.result) print("/api/v1/refunds/" + refund.result.id + "/credit-note");
  });
  $("[data-refund-reprint]", box).addEventListener("click", function () {
    if (refund.sale) print("/api/v1/sales/" + refund.sale.id + "/receipt?copy=1");
  });
}
