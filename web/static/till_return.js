/* The browser till: a return without a receipt (shift menu). The cashier scans (or types the
   barcode or SKU of) each product the customer brought back, with its quantity and the unit
   price given back (today's price, or less), a reason, restock or write off, cash or transfer;
   a manager approves these lines at this till (a manager at the till is the approver); the
   request goes exactly once through the outbox (POST /api/v1/returns) and the credit note
   prints. */

import { ApiError, baht, thai, tr } from "./shared.js";
import { $, asciiDigits, closeDialog, config, dialog, openDialog, parseBaht, showError, state } from "./till.js";
import { lookup, productById } from "./till_products.js";
import { approve } from "./till_discounts.js";
import { print } from "./till_receipt.js";
import { enqueue, onAnswer } from "./till_pay.js";

var goods = { lines: [], result: null };

export function openReturn() {
  var box = openDialog("return");
  goods.lines = [];
  goods.result = null;
  $("[data-return-add]", box).reset();
  $("[data-return-form]", box).reset();
  $("[data-return-form]", box).hidden = false;
  $("[data-return-add]", box).hidden = false;
  $("[data-return-done]", box).hidden = true;
  $("[data-return-print]", box).hidden = true;
  $("[data-return-submit]", box).hidden = false;
  render();
  $("[data-return-add] [name=code]", box).focus();
}

function addCode(code) {
  var box = dialog("return");
  var product = lookup(code.trim());
  if (!product) { showError(box, new Error(tr("ไม่พบสินค้า: ") + code)); return false; }
  showError(box, null);
  var same = goods.lines.filter(function (l) { return l.product.id === product.id; })[0];
  if (same) same.quantity += 1;
  else goods.lines.push({ product: product, quantity: 1, unit_price_satang: product.price });
  render();
  return true;
}

function render() {
  var box = dialog("return");
  var body = $("[data-return-lines]", box);
  body.textContent = "";
  goods.lines.forEach(function (line, index) {
    var row = document.createElement("tr");
    row.innerHTML = '<td><span></span><small class="muted line-amounts"></small></td>' +
      '<td class="num"><input class="qty" data-price inputmode="decimal" autocomplete="off"></td>' +
      '<td class="num"><input class="qty" data-qty inputmode="numeric" autocomplete="off"></td>' +
      '<td class="num" data-line-total></td><td><button type="button" data-remove>✕</button></td>';
    var p = line.product;
    row.children[0].children[0].textContent = thai ? p.name_th : p.name_en || p.name_th;
    row.children[0].children[1].textContent = tr("ราคาต่อชิ้น") + " " + baht(p.price) + " · " + p.sku;
    var price = $("[data-price]", row), qty = $("[data-qty]", row);
    price.value = baht(line.unit_price_satang).replace(/,/g, "");
    qty.value = String(line.quantity);
    price.dataset.index = qty.dataset.index = String(index);
    price.setAttribute("aria-label", tr("ราคาต่อชิ้น (บาท)") + " " + p.name_th);
    qty.setAttribute("aria-label", tr("จำนวนที่คืน ") + p.name_th);
    $("[data-remove]", row).setAttribute("aria-label", tr("ลบ") + " " + p.name_th);
    $("[data-remove]", row).addEventListener("click", function () { goods.lines.splice(index, 1); render(); });
    body.appendChild(row);
  });
  $("[data-return-empty]", box).hidden = goods.lines.length > 0;
  readLines();
}

/* The lines as typed: each quantity 1..999 and unit price above 0 up to today's price; the
   first problem in words (the server checks the same and names the line). */
function readLines() {
  var box = dialog("return");
  var problem = null, total = 0;
  Array.prototype.forEach.call($("[data-return-lines]", box).children, function (row, index) {
    var line = goods.lines[index];
    var quantityText = asciiDigits($("[data-qty]", row).value.trim());
    var quantity = /^\d{1,3}$/.test(quantityText) ? Number(quantityText) : NaN;
    var price = parseBaht($("[data-price]", row).value);
    var ok = quantity >= 1 && price != null && price > 0 && price <= line.product.price;
    row.classList.toggle("bad", !ok);
    if (!ok) {
      problem = problem || tr("ใส่จำนวนและราคาต่อชิ้นให้ถูกต้อง: ") + line.product.name_th;
      $("[data-line-total]", row).textContent = "—";
      return;
    }
    line.quantity = quantity;
    line.unit_price_satang = price;
    $("[data-line-total]", row).textContent = baht(price * quantity);
    total += price * quantity;
  });
  $("[data-return-total]", box).textContent = baht(total);
  return { problem: problem, total: total };
}

function submitReturn() {
  var box = dialog("return");
  var form = $("[data-return-form]", box);
  var read = readLines();
  if (!goods.lines.length) { showError(box, new Error(tr("เลือกจำนวนที่จะคืนอย่างน้อยหนึ่งรายการ"))); return; }
  if (read.problem) { showError(box, new Error(read.problem)); return; }
  var reason = $("[name=reason]", form).value.trim();
  if (!reason) { showError(box, new Error(tr("ใส่เหตุผลการคืน"))); $("[name=reason]", form).focus(); return; }
  var lines = goods.lines.map(function (l) {
    return { product_id: l.product.id, quantity: l.quantity, unit_price_satang: l.unit_price_satang };
  });
  var body = {
    till_id: state.till.id,
    lines: lines,
    restock: $("[name=restock]:checked", form).value === "1",
    method: $("[name=method]:checked", form).value,
    reason: reason
  };
  var approval = config.user.role === "cashier"
    ? approve("return", tr("คืนสินค้าที่ไม่มีใบเสร็จ ") + baht(read.total) + tr(" บาท"),
      { goods_return: { till_id: body.till_id, lines: lines } })
    : Promise.resolve(null);
  approval.then(function (token) {
    if (token) body.approval_token = token.approval_token;
    closeDialog("return");
    return enqueue("return", "/api/v1/returns", body, {
      restock: body.restock, approver: token ? token.approver_name : null,
      chosen: lines.map(function (l) { return [l.product_id, l.quantity]; })
    });
  }, function () {
    showError(box, new Error(tr("การคืนสินค้าต้องให้ผู้จัดการอนุมัติ")));
  });
}

onAnswer("return", function (answer, entry) {
  var box = openDialog("return");
  if (!answer.ok) {
    $("[data-return-form]", box).hidden = false;
    showError(box, new ApiError(answer));
    return;
  }
  var result = goods.result = answer.body;
  if (entry.restock && entry.chosen) {
    entry.chosen.forEach(function (c) { var p = productById(c[0]); if (p) p.on_hand += c[1]; });
  }
  $("[data-return-form]", box).hidden = true;
  $("[data-return-add]", box).hidden = true;
  $("[data-return-submit]", box).hidden = true;
  var done = $("[data-return-done]", box);
  done.hidden = false;
  done.textContent = "";
  var title = document.createElement("p");
  title.className = "refund-done-title";
  title.textContent = "✓ " + tr("คืนสินค้าแล้ว ") + baht(result.total_satang) + " · " + result.credit_note_number;
  var detail = document.createElement("p");
  detail.textContent = (result.method === "cash" ? tr("คืนเป็นเงินสดจากลิ้นชัก") : tr("โอนคืนลูกค้า")) +
    " · " + (result.restock ? tr("สินค้ากลับเข้าสต็อก") : tr("ตัดเป็นของเสีย", "done")) +
    (entry.approver ? " · " + tr("อนุมัติโดย ") + entry.approver : "");
  done.appendChild(title);
  done.appendChild(detail);
  $("[data-return-print]", box).hidden = false;
  print("/api/v1/refunds/" + result.id + "/credit-note");
});

export function bindReturn() {
  var box = dialog("return");
  var add = $("[data-return-add]", box);
  add.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("[name=code]", add);
    if (!input.value.trim()) return;
    if (addCode(input.value)) input.value = "";
    else input.select();
  });
  $("[data-return-form]", box).addEventListener("input", function () {
    if (!readLines().problem) showError(box, null);
  });
  $("[data-return-form]", box).addEventListener("submit", function (event) { event.preventDefault(); submitReturn(); });
  $("[data-return-submit]", box).addEventListener("click", submitReturn);
  $("[data-return-print]", box).addEventListener("click", function () {
    if (goods.result) print("/api/v1/refunds/" + goods.result.id + "/credit-note");
  });
}
