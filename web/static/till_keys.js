/* The browser till: the scan input and the keyboard. A scanner types a code and Enter into
   the scan input; the cashier's keys (+, −, Del, *3, F2–F11) work on the current line and open
   the dialogs. A scan is never lost: a key typed while no field has the focus (after a button,
   a dialog, a sale, or inside a printed frame) is the scan's, put into it here; a key the scan
   input itself did not take (an input focused without a caret) is put into it too. */

import { tr } from "./shared.js";
import { $, $all, anyDialogOpen, asciiDigits, dialog, editable, focusScan, keepScanning, message, state } from "./till.js";
import { clearSearch, lookup, moveSelection, scheduleSearch, searchCount, searchPick } from "./till_products.js";
import { addProduct, cart, doneVisible, hideDone, removeLine, setQuantity } from "./till_cart.js";
import { askQuantity, cartDiscountDialog, changePrice, lineDiscount } from "./till_discounts.js";
import { openPay } from "./till_pay.js";
import { openMenu } from "./till_day.js";
import { isReceiptNumber, openScannedReceipt } from "./till_refund.js";

var audio = null;
function beep() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 330; gain.gain.value = 0.08;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.18);
  } catch (e) { /* no sound: the message still shows */ }
}

function onEnter(scan) {
  rescue();
  var started = performance.now();
  var raw = scan.value.trim();
  if (!raw) {
    if (doneVisible()) hideDone();
    return;
  }
  var setQty = /^[*xX×](\d{1,6})$/.exec(asciiDigits(raw));
  if (setQty) {
    if (cart.current) setQuantity(cart.current, Number(setQty[1]));
    clearScan(scan);
    return;
  }
  var times = /^(\d{1,5})\s*[*xX×]\s*(\S+)$/.exec(asciiDigits(raw));
  var quantity = times ? Number(times[1]) : 1;
  var p = lookup(times ? times[2] : raw);
  if (!p && !times && isReceiptNumber(raw)) {
    // A receipt's barcode: open that sale for a reprint or a refund.
    clearScan(scan);
    openScannedReceipt(raw);
    return;
  }
  p = p || searchPick(raw);
  if (!p && searchCount() > 1 && !/^\d+$/.test(asciiDigits(raw))) {
    // Several products answer the words: the first is not the cashier's choice to make for them.
    message(tr("พบหลายรายการ: เลือกสินค้าจากรายการ (ลูกศร ↑↓ แล้ว Enter หรือแตะสินค้า)"), "info");
    return;
  }
  if (!p) {
    beep();
    message(tr("ไม่พบสินค้า: ") + raw);
    scan.select();
    return;
  }
  addProduct(p, quantity);
  clearScan(scan);
  // Barcode to screen: the new row is in the DOM now; it is painted at the next frame. The
  // benchmark (bench/till_browser.py) reads this measure.
  requestAnimationFrame(function () {
    performance.clearMeasures("till-scan");
    performance.measure("till-scan", { start: started });
  });
}

/* Empty the input; the grid goes back to browsing only if a search had filtered it. */
function clearScan(scan) {
  scan.value = "";
  clearSearch();
}

/* Characters typed into the scan input that it did not take (no "beforeinput" followed their
   key): the input had the focus without a caret. They are put in, in order, before Enter. */
var untaken = [];
function printable(event) { return event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey; }
function rescue() {
  if (!untaken.length) return;
  var text = untaken.join("");
  untaken = [];
  var scan = $("#scan");
  focusScan();
  scan.value += text;
  scheduleSearch();
}

function onScanKey(event) {
  var scan = event.target;
  if (event.isComposing) return;
  if (printable(event) && !(scan.value === "" && cart.current && /^[+-]$/.test(event.key))) {
    untaken.push(event.key);
    setTimeout(rescue, 0);
  }
  if (event.key === "Enter") { event.preventDefault(); onEnter(scan); return; }
  if (event.key === "ArrowDown") { event.preventDefault(); moveSelection(1); return; }
  if (event.key === "ArrowUp") { event.preventDefault(); moveSelection(-1); return; }
  if (event.key === "Escape") {
    clearScan(scan);
    message(null);
    hideDone();
    return;
  }
  var current = cart.current;
  if (scan.value !== "" || !current) return;
  if (event.key === "+") { event.preventDefault(); setQuantity(current, current.quantity + 1); }
  else if (event.key === "-") { event.preventDefault(); setQuantity(current, current.quantity - 1); }
  else if (event.key === "Delete") { event.preventDefault(); removeLine(current); }
}

var SHORTCUTS = {
  F2: function () { askQuantity(); },
  F3: function () { openMenu(); },
  F4: function (event) { if (event && event.shiftKey) changePrice(); else lineDiscount(); },
  F6: function () { cartDiscountDialog(); },
  F7: function () { openPay("split"); },
  F8: function () { openPay("cash"); },
  F9: function () { openPay("promptpay"); },
  F10: function () { openPay("card"); },
  F11: function () { openPay("other"); }
};
var PAY_KEYS = { F7: "split", F8: "cash", F9: "promptpay", F10: "card", F11: "other" };

/* A key that belongs to no field: the scan's. */
/* The cart's own keys, which work on the current line while the scan input is empty. */
var LINE_KEYS = { "+": true, "-": true, Delete: true, ArrowDown: true, ArrowUp: true, Escape: true };

function routeKey(event) {
  var scan = $("#scan");
  if (scan.disabled || event.isComposing) return;
  var lineKey = LINE_KEYS[event.key] && !(printable(event) && scan.value !== "");
  if (printable(event) && !lineKey) {
    event.preventDefault();
    focusScan();
    scan.value += event.key;
    scheduleSearch();
  } else if (event.key === "Enter") {
    event.preventDefault();
    focusScan();
    onEnter(scan);
  } else if (lineKey) {
    // +, −, Del and the arrows pressed before the scan input had the focus back (a dialog
    // just closed): they act as if typed there, so the cashier's key is not lost either.
    focusScan();
    onScanKey({
      key: event.key, target: scan, isComposing: false, ctrlKey: false, metaKey: false, altKey: false,
      preventDefault: function () { event.preventDefault(); }
    });
  }
}

function onDocumentKey(event) {
  var shortcut = SHORTCUTS[event.key];
  if (shortcut) {
    event.preventDefault();
    if (dialog("pay").open && PAY_KEYS[event.key]) { openPay(PAY_KEYS[event.key]); return; }
    if (!anyDialogOpen() && state.ready) shortcut(event);
    return;
  }
  if (anyDialogOpen() || editable(event.target)) return;
  // A key pressed anywhere else belongs to the scan input (a scanner does not aim).
  routeKey(event);
}

/* Keys that land in a printed frame (printing, or a click on the receipt, can give it the
   focus) still belong to the till: a scan must not be lost while a receipt prints. */
function keyFromFrame(event) {
  if (SHORTCUTS[event.key] || anyDialogOpen()) { onDocumentKey(event); return; }
  routeKey(event);
}

function watchFrame(frame) {
  try { frame.contentWindow.addEventListener("keydown", keyFromFrame); } catch (e) { /* another origin */ }
}

export function bindKeys() {
  var scan = $("#scan");
  scan.addEventListener("keydown", onScanKey);
  scan.addEventListener("input", scheduleSearch);
  scan.addEventListener("beforeinput", function () { untaken.shift(); });
  document.addEventListener("keydown", onDocumentKey);
  // After any of the till's buttons (a dialog's close is till.js's): back to the scan input. On
  // a touch screen the input is left alone (its keyboard would pop up); keys still reach it.
  var coarse = window.matchMedia && matchMedia("(pointer: coarse)").matches;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button");
    if (button && !button.closest("dialog") && !coarse) setTimeout(keepScanning, 0);
  });
  // The receipt and the documents printed through the hidden frame (till_receipt.js).
  $all("[data-receipt], [data-print-frame]").forEach(function (frame) {
    frame.addEventListener("load", function () { watchFrame(frame); });
  });
}
