/* The browser till: parked sales (พักบิล / เรียกบิล). A customer went to fetch something: the
   cashier parks the cart, with its discounts and approvals, serves the next customer, and
   recalls it later. Parked sales are kept on the device (IndexedDB, per till), so a reload or
   a restart keeps them; several can wait, each with its time and total. A parked sale is not a
   sale: it takes no receipt number and moves no stock until it is recalled and paid. Closing
   the shift with sales parked warns (they stay parked for the next shift or a discard). */

import { baht, tr } from "./shared.js";
import { idbGet, openDatabase } from "./idb.js";
import { $, bangkokTime, closeDialog, dialog, focusScan, message, newKey, openDialog, state } from "./till.js";
import { productById, productName } from "./till_products.js";
import { addProduct, cart, clearCart, hideDone, pricing, renderLine, cartChanged } from "./till_cart.js";

var DB_NAME = "otop-till-parked";
var STORE = "parked";  // one record per till: { till_id, sales: [parked sale, ...] }
var opened = null;

function database() {
  opened = opened || openDatabase(DB_NAME, 1, function (db) {
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "till_id" });
  });
  return opened;
}

/* The parked sales of this till, oldest first. */
export function parkedSales() {
  if (!state.till) return Promise.resolve([]);
  var tillId = state.till.id;
  return database().then(function (db) { return idbGet(db, STORE, tillId); }).then(function (record) {
    return record ? record.sales : [];
  });
}

/* Change this till's parked sales in one transaction (read and write together: two tabs of
   one till never lose each other's parked sale); resolves with what `change(sales)` returned
   once it is committed. */
function updateParked(change) {
  var tillId = state.till.id;
  return database().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, "readwrite");
      var store = tx.objectStore(STORE);
      var result;
      var read = store.get(tillId);
      read.onsuccess = function () {
        var sales = read.result ? read.result.sales : [];
        var changed = change(sales);
        result = changed.result;
        store.put({ till_id: tillId, sales: changed.sales });
      };
      tx.oncomplete = function () { resolve(result); };
      tx.onabort = tx.onerror = function () { reject(tx.error || new Error("IndexedDB")); };
    });
  });
}

/* The cart as data: every line's own fields (quantity, discount, and whatever a line carries:
   a price override, an approval) and the cart's (its discount, its approval). */
function snapshot() {
  var money = pricing();
  return {
    id: newKey(),
    parked_at: new Date().toISOString(),
    total_satang: money.total,
    items: money.items,
    names: cart.lines.slice(0, 3).map(function (l) { return productName(l.product); }),
    lines: cart.lines.map(function (line) {
      var kept = { product_id: line.product.id };
      Object.keys(line).forEach(function (k) { if (k !== "product") kept[k] = line[k]; });
      return kept;
    }),
    cart: Object.keys(cart).reduce(function (kept, k) {
      if (k !== "lines" && k !== "current") kept[k] = cart[k];
      return kept;
    }, {})
  };
}

/* Put a parked sale back in the cart; the products no longer in the catalogue are named. */
function restore(parked) {
  clearCart();
  var missing = [];
  parked.lines.forEach(function (kept) {
    var p = productById(kept.product_id);
    if (!p) { missing.push(kept.product_id); return; }
    var line = addProduct(p, kept.quantity);
    Object.keys(kept).forEach(function (k) { if (k !== "product_id") line[k] = kept[k]; });
    renderLine(line);
  });
  Object.keys(parked.cart).forEach(function (k) { cart[k] = parked.cart[k]; });
  cartChanged();
  return missing;
}

/* พักบิล: the cart is kept on the device and emptied for the next customer. */
export function parkSale() {
  if (!state.ready) return Promise.resolve();
  if (!cart.lines.length) { message(tr("ยังไม่มีสินค้าในรายการ")); return Promise.resolve(); }
  var parked = snapshot();
  return updateParked(function (sales) { return { sales: sales.concat([parked]) }; }).then(function () {
    clearCart();
    hideDone();
    message(tr("พักบิลแล้ว: ") + "฿" + baht(parked.total_satang) + " · " + tr("เรียกคืนได้ที่ปุ่ม เรียกบิล"), "ok");
    return showParkedCount();
  }, function (error) {
    message(tr("พักบิลไม่ได้: ") + error.message);  // the cart stays as it was
  }).then(focusScan);
}

/* เรียกบิล: the list of parked sales; the one chosen comes back to the cart. A cart that is
   not empty is parked first, so nothing is lost. */
export function openParked() {
  if (!state.ready) return;
  parkedSales().then(function (sales) {
    var box = openDialog("parked");
    var list = $("[data-parked-list]", box);
    list.textContent = "";
    $("[data-parked-empty]", box).hidden = sales.length > 0;
    sales.slice().reverse().forEach(function (parked) { list.appendChild(row(parked)); });
    var first = $("[data-recall]", list);
    if (first) first.focus();
  }, function (error) { message(error.message); });
}

function row(parked) {
  var li = document.createElement("li");
  li.className = "parked-sale";
  li.dataset.parked = parked.id;
  var time = document.createElement("span");
  time.className = "parked-time";
  time.textContent = bangkokTime(parked.parked_at);
  var what = document.createElement("span");
  what.className = "parked-what";
  what.textContent = parked.names.join(", ") + (parked.lines.length > parked.names.length ? " …" : "") +
    " · " + parked.items + " " + tr("ชิ้น", parked.items === 1 ? "one" : "other");
  var total = document.createElement("strong");
  total.className = "parked-total";
  total.textContent = "฿" + baht(parked.total_satang);
  var recall = document.createElement("button");
  recall.type = "button";
  recall.className = "primary";
  recall.dataset.recall = parked.id;
  recall.textContent = tr("เรียกบิลนี้");
  var drop = document.createElement("button");
  drop.type = "button";
  drop.className = "danger";
  drop.dataset.discard = parked.id;
  drop.textContent = tr("ลบบิลที่พัก");
  li.append(time, what, total, recall, drop);
  return li;
}

function recall(id) {
  var current = cart.lines.length ? snapshot() : null;
  // Stored before the cart changes: a reload in between finds every sale somewhere.
  return updateParked(function (sales) {
    var parked = sales.filter(function (s) { return s.id === id; })[0];
    if (!parked) return { sales: sales, result: null };
    var rest = sales.filter(function (s) { return s.id !== id; });
    if (current) rest.push(current);
    return { sales: rest, result: parked };
  }).then(function (parked) {
    closeDialog("parked");
    if (!parked) { message(tr("ไม่พบบิลที่พักไว้นี้แล้ว")); return showParkedCount(); }
    hideDone();
    var missing = restore(parked);
    var words = tr("เรียกบิลแล้ว: ") + "฿" + baht(parked.total_satang);
    if (current) words += " · " + tr("บิลที่อยู่ในตะกร้าถูกพักไว้แทน");
    if (missing.length) message(tr("สินค้าบางรายการไม่มีในรายการสินค้าแล้ว: ") + missing.join(", "));
    else message(words, "ok");
    return showParkedCount();
  }, function (error) { message(error.message); }).then(focusScan);
}

function discard(id) {
  if (!window.confirm(tr("ลบบิลที่พักไว้นี้? สินค้าในบิลจะไม่ถูกขาย"))) return Promise.resolve();
  return updateParked(function (sales) {
    return { sales: sales.filter(function (s) { return s.id !== id; }) };
  }).then(function () {
    var li = $('[data-parked="' + id + '"]', dialog("parked"));
    if (li) li.remove();
    $("[data-parked-empty]", dialog("parked")).hidden = !!$("[data-parked]", dialog("parked"));
    return showParkedCount();
  });
}

/* The recall button says how many wait; the shift's close warns of them. */
export function showParkedCount() {
  return parkedSales().then(function (sales) {
    $("[data-parked-count]").textContent = sales.length ? " (" + sales.length + ")" : "";
    $("[data-recall-open]").classList.toggle("has-parked", sales.length > 0);
    var warning = $("[data-parked-warning]");
    if (warning) {
      warning.hidden = !sales.length;
      warning.textContent = tr("มีบิลพักไว้ {n} บิล: บิลที่พักยังไม่ใช่การขาย ไม่อยู่ในรายงานและเงินในลิ้นชัก เรียกบิลมาชำระหรือลบก่อนปิดกะ").replace("{n}", sales.length);
    }
    return sales.length;
  }, function () { return 0; });
}

export function bindPark() {
  $("[data-park]").addEventListener("click", parkSale);
  $("[data-recall-open]").addEventListener("click", openParked);
  dialog("parked").addEventListener("click", function (event) {
    var recallButton = event.target.closest("[data-recall]");
    if (recallButton) { recall(recallButton.dataset.recall); return; }
    var discardButton = event.target.closest("[data-discard]");
    if (discardButton) discard(discardButton.dataset.discard);
  });
  // Closing the shift: the count is read again as its dialog opens.
  var close = dialog("close");
  if (close) new MutationObserver(function () { if (close.open) showParkedCount(); }).observe(close, { attributes: true, attributeFilter: ["open"] });
}
