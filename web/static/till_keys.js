/* The browser till: the scan input and the keyboard. A scanner types a code and Enter into
   the scan input; the cashier's keys (+, −, Del, *3, F2–F11) work on the current line and open
   the dialogs; a key pressed anywhere else, even inside a printed frame, belongs to the scan. */

import { tr } from "./shared.js";
import { $, $all, anyDialogOpen, asciiDigits, dialog, focusScan, message, state } from "./till.js";
import { clearSearch, lookup, moveSelection, scheduleSearch, searchPick } from "./till_products.js";
import { addProduct, cart, doneVisible, hideDone, removeLine, setQuantity } from "./till_cart.js";
import { askQuantity, cartDiscountDialog, lineDiscount } from "./till_discounts.js";
import { openPay } from "./till_pay.js";
import { openMenu } from "./till_day.js";

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
  var p = lookup(times ? times[2] : raw) || searchPick(raw);
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

function onScanKey(event) {
  var scan = event.target;
  if (event.isComposing) return;
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
  F4: function () { lineDiscount(); },
  F6: function () { cartDiscountDialog(); },
  F7: function () { openPay("split"); },
  F8: function () { openPay("cash"); },
  F9: function () { openPay("promptpay"); },
  F10: function () { openPay("card"); },
  F11: function () { openPay("other"); }
};
var PAY_KEYS = { F7: "split", F8: "cash", F9: "promptpay", F10: "card", F11: "other" };

function onDocumentKey(event) {
  var shortcut = SHORTCUTS[event.key];
  if (shortcut) {
    event.preventDefault();
    if (dialog("pay").open && PAY_KEYS[event.key]) { openPay(PAY_KEYS[event.key]); return; }
    if (!anyDialogOpen() && state.ready) shortcut();
    return;
  }
  if (anyDialogOpen()) return;
  var target = event.target;
  if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  // A key pressed anywhere else belongs to the scan input (a scanner does not aim).
  if (event.key.length === 1 || event.key === "Enter") focusScan();
  if (event.key === "Enter" && document.activeElement === $("#scan")) { event.preventDefault(); onEnter($("#scan")); }
}

/* Keys that land in a printed frame (printing, or a click on the receipt, can give it the
   focus) still belong to the till: a scan must not be lost while a receipt prints. */
function keyFromFrame(event) {
  if (SHORTCUTS[event.key] || anyDialogOpen()) { onDocumentKey(event); return; }
  var scan = $("#scan");
  focusScan();
  if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    scan.value += event.key;
    scheduleSearch();
  } else if (event.key === "Enter") {
    event.preventDefault();
    onEnter(scan);
  }
}

function watchFrame(frame) {
  try { frame.contentWindow.addEventListener("keydown", keyFromFrame); } catch (e) { /* another origin */ }
}

export function bindKeys() {
  var scan = $("#scan");
  scan.addEventListener("keydown", onScanKey);
  scan.addEventListener("input", scheduleSearch);
  document.addEventListener("keydown", onDocumentKey);
  // The receipt and the documents printed through the hidden frame (till_receipt.js).
  $all("[data-receipt], [data-print-frame]").forEach(function (frame) {
    frame.addEventListener("load", function () { watchFrame(frame); });
  });
}
