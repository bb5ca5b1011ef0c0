/* The browser till: the cart (its lines, their rows on the screen), its money (pricing.js,
   as pos/pricing.py computes it), what it becomes in a sale, what the customer display shows of
   it, and the "sale done" panel over it until the next sale starts. */

import { baht, tr } from "./shared.js";
import { needsDiscountApproval, priceSale } from "./pricing.js";
import { $, $all, MAX_QTY, asciiDigits, config, focusScan, message, state } from "./till.js";
import { loadCatalogue, makerName, markdownNote, otherName, productById, productName, renderCategories, runSearch } from "./till_products.js";
import { postCart, releaseDisplay } from "./till_display.js";

/* approval: a manager's token for this cart ({kind: "discount"|"sale", ...}); allowShort: the
   manager allowed selling lines short of the books (the goods are in the customer's hand). */
export const cart = { lines: [], cartDiscount: 0, current: null, approval: null, allowShort: false };
var lineRows = new Map(); // product id -> <li>

function findLine(productId) {
  for (var i = 0; i < cart.lines.length; i++) if (cart.lines[i].product.id === productId) return cart.lines[i];
  return null;
}

export function addProduct(p, quantity) {
  hideDone();
  message(null);
  var line = findLine(p.id);
  if (line) {
    setQuantity(line, line.quantity + (quantity || 1));
    bump(line);
  } else {
    line = { product: p, quantity: Math.min(MAX_QTY, quantity || 1), discount: 0 };
    cart.lines.push(line);
    var row = $("#tpl-line").content.firstElementChild.cloneNode(true);
    row.dataset.product = p.id;
    $("[data-name]", row).textContent = productName(p);
    $("[data-name-en]", row).textContent = otherName(p);
    $("[data-maker]", row).textContent = makerName(p);
    lineRows.set(p.id, row);
    $("[data-cart]").appendChild(row);
    renderLine(line);
    cartChanged();
  }
  setCurrent(line);
  return line;
}

function bump(line) {
  var row = lineRows.get(line.product.id);
  row.classList.remove("bump");
  void row.offsetWidth; // restart the animation
  row.classList.add("bump");
}

export function setQuantity(line, quantity) {
  if (!(quantity >= 1)) return removeLine(line);
  line.quantity = Math.min(MAX_QTY, Math.floor(quantity));
  var gross = unitPrice(line) * line.quantity;
  if (line.discount > gross) line.discount = gross;
  renderLine(line);
  cartChanged();
}

export function removeLine(line) {
  var index = cart.lines.indexOf(line);
  if (index === -1) return;
  cart.lines.splice(index, 1);
  lineRows.get(line.product.id).remove();
  lineRows.delete(line.product.id);
  if (cart.current === line) setCurrent(cart.lines[cart.lines.length - 1] || null);
  cartChanged();
}

function setCurrent(line) {
  if (cart.current && lineRows.has(cart.current.product.id)) lineRows.get(cart.current.product.id).classList.remove("current");
  cart.current = line;
  if (!line) return;
  var row = lineRows.get(line.product.id);
  row.classList.add("current");
  row.scrollIntoView({ block: "nearest" });
}

export function renderLine(line) {
  var row = lineRows.get(line.product.id);
  var qty = $("[data-qty]", row);
  if (document.activeElement !== qty) qty.value = line.quantity;
  var gross = unitPrice(line) * line.quantity;
  var unit = $("[data-unit]", row);
  unit.textContent = "@ " + baht(unitPrice(line));
  unit.classList.toggle("changed", priceChanged(line));
  unit.title = priceChanged(line) ? tr("ราคาป้าย") + " " + baht(line.product.price) + " · " + line.priceReason : "";
  $("[data-line-total]", row).textContent = baht(gross - line.discount);
  var markdown = $("[data-markdown]", row);
  markdown.textContent = "";
  markdown.hidden = !line.product.markdown || priceChanged(line);
  if (!markdown.hidden) markdown.appendChild(markdownNote(line.product, "line-markdown-note"));
  $("[data-line-discount]", row).textContent = line.discount ? "−" + baht(line.discount) : tr("ส่วนลด", "lowercase");
  $("[data-line-discount]", row).classList.toggle("has", line.discount > 0);
  var short = $("[data-short]", row);
  short.hidden = line.quantity <= line.product.on_hand;
  short.textContent = line.product.on_hand > 0 ? tr("มีเพียง ") + line.product.on_hand : tr("ไม่มีในสต็อก");
}

export function clearCart() {
  cart.lines = [];
  cart.cartDiscount = 0;
  cart.current = null;
  cart.approval = null;
  cart.allowShort = false;
  lineRows.clear();
  $("[data-cart]").textContent = "";
  cartChanged();
}

/* The sale is done: what it sold leaves the cart. A scan that came in while it was being paid
   (a line the sale does not hold, or more of one) stays for the next customer. */
export function clearSold(sale) {
  sale.lines.forEach(function (sold) {
    var line = findLine(sold.product_id);
    if (!line) return;
    if (line.quantity > sold.quantity) setQuantity(line, line.quantity - sold.quantity);
    else removeLine(line);
  });
  if (!cart.lines.length) { clearCart(); return; }
  cart.cartDiscount = 0;  // the discounts and their approval were the sold sale's
  cart.approval = null;
  cart.allowShort = false;
  cart.lines.forEach(function (l) { l.discount = 0; l.price = null; l.priceReason = null; renderLine(l); });
  cartChanged();
}

/* --- the money ------------------------------------------------------------------------------ */
/* The sale's money as pos/pricing.py computes it; the server's figures win once posted. */
export function pricing() {
  var sale = priceSale(cart.lines.map(function (l) {
    return { unit_price_satang: unitPrice(l), quantity: l.quantity, discount_satang: l.discount, vat: l.product.vat };
  }), cart.cartDiscount);
  var items = cart.lines.reduce(function (a, l) { return a + l.quantity; }, 0);
  return {
    subtotal: sale.subtotal_satang, discount: sale.discount_satang, total: sale.total_satang,
    vat: sale.vat_included_satang, items: items
  };
}

var broadcastPending = false;
export function cartChanged() {
  var money = pricing();
  $("[data-subtotal]").textContent = baht(money.subtotal);
  $("[data-item-count]").textContent = money.items ? "(" + money.items + " " + tr("ชิ้น", money.items === 1 ? "one" : "other") + ")" : "";
  $all("[data-discount-row]").forEach(function (el) { el.hidden = !money.discount; });
  $("[data-discount]").textContent = "−" + baht(money.discount);
  $("[data-vat]").textContent = baht(money.vat);
  $("[data-total]").textContent = "฿" + baht(money.total);
  $("[data-empty]").hidden = cart.lines.length > 0;
  document.body.classList.toggle("cart-empty", cart.lines.length === 0);
  if (!broadcastPending) {
    broadcastPending = true;
    // Coalesced per task (not per frame: a till window behind another gets no frames).
    Promise.resolve().then(function () {
      broadcastPending = false;
      broadcastCart();
    });
  }
}

export function totalDiscount() {
  return cart.lines.reduce(function (a, l) { return a + l.discount; }, 0) + cart.cartDiscount;
}

/* A cashier's discount above the limit needs a manager (the server checks it again). */
export function needsApproval() {
  if (config.user.role !== "cashier") return false;
  var money = pricing();
  return needsDiscountApproval(money.subtotal, money.discount, config.discount_approval_percent);
}

/* What a discount approval is for: this cart's lines and cart discount. The manager's token
   names it and is used once, so a changed cart or the next sale asks again. */
export function discountSubject() {
  return {
    discount: {
      lines: cart.lines.map(function (l) {
        return { product_id: l.product.id, quantity: l.quantity, discount_satang: l.discount || 0 };
      }),
      cart_discount_satang: cart.cartDiscount || 0
    }
  };
}

/* A line's unit price: the one a manager approved in place of the list price, or the list's. */
export function unitPrice(line) { return line.price != null ? line.price : line.product.price; }

export function priceChanged(line) { return line.price != null && line.price !== line.product.price; }

/* What only a manager may allow in this cart: a changed price, lines sold short of the books. */
export function needsSaleApproval() { return cart.allowShort || cart.lines.some(priceChanged); }

/* What a sale approval is for: the whole cart as the sale sends it (changed prices with their
   reasons, and whether short lines may be sold). A changed cart asks again. */
export function saleSubject(allowShort) {
  return {
    sale: {
      lines: cart.lines.map(function (l) {
        var line = { product_id: l.product.id, quantity: l.quantity, discount_satang: l.discount || 0 };
        if (priceChanged(l)) { line.unit_price_satang = l.price; line.price_reason = l.priceReason; }
        return line;
      }),
      cart_discount_satang: cart.cartDiscount || 0,
      allow_short_stock: allowShort === undefined ? cart.allowShort : !!allowShort
    }
  };
}

export function approvalValid() {
  var a = cart.approval;
  if (!a || Date.parse(a.expires_at) - Date.now() <= 15000) return false;
  if (a.kind === "sale") return a.subject === JSON.stringify(saleSubject());
  return !needsSaleApproval() && a.subject === JSON.stringify(discountSubject());
}

/* The token to send with the sale: a sale approval always, a discount one when it is needed. */
export function approvalToken() {
  if (!approvalValid()) return null;
  return cart.approval.kind === "sale" || needsApproval() ? cart.approval.token : null;
}

/* --- the cart as data ---------------------------------------------------------------------- */
/* What the cart becomes in POST /api/v1/sales. */
export function saleBody(payments) {
  var body = {
    till_id: state.till.id,
    lines: cart.lines.map(function (l) {
      var line = { product_id: l.product.id, quantity: l.quantity };
      if (l.discount) line.discount_satang = l.discount;
      if (priceChanged(l)) { line.unit_price_satang = l.price; line.price_reason = l.priceReason; }
      return line;
    }),
    payments: payments
  };
  if (cart.cartDiscount) body.cart_discount_satang = cart.cartDiscount;
  if (cart.allowShort) body.allow_short_stock = true;
  var token = approvalToken();
  if (token) body.approval_token = token;
  return body;
}

export function cartSnapshot() {
  return {
    lines: cart.lines.map(function (l) { return [l.product.id, l.quantity, l.discount, l.price, l.priceReason]; }),
    cart_discount: cart.cartDiscount
  };
}

export function restoreCart(snapshot) {
  if (!snapshot) return;
  clearCart();
  snapshot.lines.forEach(function (l) {
    var p = productById(l[0]);
    if (!p) return;
    var line = addProduct(p, l[1]);
    line.discount = l[2] || 0;
    line.price = l[3] == null ? null : l[3];
    line.priceReason = l[4] || null;
    renderLine(line);
  });
  cart.cartDiscount = snapshot.cart_discount || 0;
  cartChanged();
}

/* After a completed sale: what left the shelf is no longer on hand here. */
export function applySold(sale) {
  sale.lines.forEach(function (l) {
    var p = productById(l.product_id);
    if (p) p.on_hand -= l.quantity;
  });
}

/* --- what the customer display shows of it ---------------------------------------------------- */
/* The cart, unless the display shows the QR, or "paid" until the next sale starts. */
function broadcastCart() {
  var money = pricing();
  postCart({
    type: cart.lines.length ? "cart" : "idle",
    lines: cart.lines.map(function (l) {
      return {
        name_th: l.product.name_th, name_en: l.product.name_en, quantity: l.quantity,
        total_satang: unitPrice(l) * l.quantity - l.discount
      };
    }),
    subtotal_satang: money.subtotal, discount_satang: money.discount, total_satang: money.total
  });
}

/* The QR or "paid" is over: back to the cart (or the welcome). */
export function displayCart() {
  releaseDisplay();
  broadcastCart();
}

/* --- the "sale done" panel over the cart (till_receipt.js shows it) ------------------------- */
export function doneVisible() { return !$("[data-done]").hidden; }

export function hideDone() {
  var done = $("[data-done]");
  if (done.hidden) return;
  done.hidden = true;
  document.body.classList.remove("sale-done");
  displayCart();
}

/* A fresh catalogue (on-hand moves as other tills sell): the cart keeps its lines. */
export function reloadCatalogue() {
  return loadCatalogue(state.till.id).then(function () {
    restoreCart(cartSnapshot());
    renderCategories();
    runSearch();
  });
}

/* --- the cart's own buttons and quantity inputs --------------------------------------------- */
function onCartClick(event, actions) {
  var row = event.target.closest("li.line");
  if (!row) return;
  var line = findLine(Number(row.dataset.product));
  if (!line) return;
  if (event.target.closest("[data-plus]")) setQuantity(line, line.quantity + 1);
  else if (event.target.closest("[data-minus]")) setQuantity(line, line.quantity - 1);
  else if (event.target.closest("[data-remove]")) { removeLine(line); return; }
  else if (event.target.closest("[data-line-discount]")) { setCurrent(line); actions.lineDiscount(line); return; }
  else if (event.target.closest("[data-unit]") && actions.changePrice) { setCurrent(line); actions.changePrice(line); return; }
  else if (event.target.closest("[data-qty]")) { setCurrent(line); return; }
  if (findLine(line.product.id)) setCurrent(line);
}

/* `actions` opens the discount dialogs (till_discounts.js): lineDiscount(line), cartDiscount(),
   and the price change: changePrice(line). */
export function bindCart(actions) {
  var list = $("[data-cart]");
  list.addEventListener("click", function (event) { onCartClick(event, actions); });
  list.addEventListener("change", function (event) {
    if (!event.target.matches("[data-qty]")) return;
    var line = findLine(Number(event.target.closest("li.line").dataset.product));
    var text = asciiDigits(event.target.value.trim());
    if (/^\d{1,6}$/.test(text)) setQuantity(line, Number(text));
    else renderLine(line);
  });
  list.addEventListener("keydown", function (event) {
    if (event.target.matches("[data-qty]") && event.key === "Enter") {
      event.preventDefault();
      event.target.dispatchEvent(new Event("change", { bubbles: true }));
      focusScan();
    }
  });
  $("[data-cart-discount]").addEventListener("click", actions.cartDiscount);
  $("[data-clear]").addEventListener("click", function () {
    if (cart.lines.length && window.confirm(tr("ล้างรายการทั้งหมด?"))) clearCart();
    focusScan();
  });
}
