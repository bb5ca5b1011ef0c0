/* The browser till: a completed sale on screen (the "sale done" panel with the change and the
   receipt in a frame), printing the receipt or any document through a hidden frame, and the
   last sale remembered for a reprint. */
import { baht } from "./shared.js";
import { $, focusScan, load, store } from "./till.js";
import { postDisplay } from "./till_display.js";
import { applySold, clearCart } from "./till_cart.js";

var LAST_SALE = "otop.till.last_sale";
var AUTO_PRINT = "otop.till.auto_print";

/* The sale is done: the cart empties, the panel shows the change and the receipt (printed at
   once unless the cashier turned that off), the customer display says "paid". */
export function showDone(sale) {
  store(LAST_SALE, { sale_id: sale.id, receipt_number: sale.receipt_number, till_id: sale.till_id });
  applySold(sale);
  clearCart();
  var cashPaid = sale.payments.some(function (p) { return p.method === "cash"; });
  var done = $("[data-done]");
  $("[data-done-number]", done).textContent = sale.receipt_number || "";
  $("[data-done-change]", done).textContent = baht(sale.change_satang || 0);
  $("[data-done-change-line]", done).hidden = !cashPaid;
  var frame = $("[data-receipt]", done);
  loadFrame(frame, "/api/v1/sales/" + sale.id + "/receipt", function () { if (autoPrint()) printFrame(frame); });
  done.hidden = false;
  document.body.classList.add("sale-done");
  done.dataset.sale = sale.id;
  postDisplay({ type: "paid", change_satang: cashPaid ? sale.change_satang : null, total_satang: sale.total_satang, receipt_number: sale.receipt_number });
  focusScan();
}

export function lastSale() { return load(LAST_SALE); }

export function autoPrint() { return load(AUTO_PRINT) !== false; }
export function setAutoPrint(on) { store(AUTO_PRINT, !!on); }

/* print() of the frame alone (focusing it would take the keyboard away from the till). It
   returns once the browser's print dialog is done; keys pressed meanwhile go to that dialog,
   not to the till (Chrome with --kiosk-printing prints at once, without a dialog). Keys that
   reach the frame itself are the till's: till_keys.js watches every frame that loads. */
function printFrame(frame) {
  try { frame.contentWindow.print(); } catch (e) { /* blocked: the button still works */ }
  frame.dataset.printed = frame.getAttribute("src");
  focusScan();
}

function loadFrame(frame, url, onload) {
  delete frame.dataset.printed;
  frame.onload = onload;
  frame.src = url;
}

export function printReceipt() { printFrame($("[data-receipt]")); }

/* Print any document (reprint, report, credit note) through the hidden frame. */
export function print(url) {
  var frame = $("[data-print-frame]");
  loadFrame(frame, url, function () { printFrame(frame); });
}
