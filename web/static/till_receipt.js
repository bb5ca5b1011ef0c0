/* The browser till: a completed sale on screen (the "sale done" panel with the change and the
   receipt in a frame), printing the receipt or any document through a hidden frame, and the
   last sale remembered for a reprint.

   A sale's receipt is rendered here, from the sale the till holds (receipt_render.js, the
   same document as the server's /api/v1/sales/{id}/receipt), into the frame's srcdoc: it
   shows and prints at once, whether or not the server can be reached. A reprint of the last
   sale is rendered the same way, marked COPY; other documents (Z reports, credit notes, the
   receipt of an older sale) are the server's, loaded by URL. */
import { baht } from "./shared.js";
import { receiptHtml } from "./receipt_render.js";
import { $, config, focusScan, load, state, store } from "./till.js";
import { postDisplay } from "./till_display.js";
import { applySold, clearSold } from "./till_cart.js";

var LAST_SALE = "otop.till.last_sale";
var AUTO_PRINT = "otop.till.auto_print";
var SALE_RECEIPT = /^\/api\/v1\/sales\/(\d+)\/receipt(?:\?(.*))?$/;

/* The sale is done: the cart empties, the panel shows the change and the receipt (printed at
   once unless the cashier turned that off), the customer display says "paid". */
export function showDone(sale) {
  // The whole sale is kept (a few hundred bytes a line): its reprint needs no server.
  store(LAST_SALE, { sale_id: sale.id, receipt_number: sale.receipt_number, till_id: sale.till_id, sale: sale });
  applySold(sale);
  clearSold(sale);
  var cashPaid = sale.payments.some(function (p) { return p.method === "cash"; });
  var done = $("[data-done]");
  $("[data-done-number]", done).textContent = sale.receipt_number || "";
  // A buyer who asks for a full tax invoice: the form for this receipt, in a window of its own.
  var invoice = $("[data-done-tax-invoice]", done);
  if (invoice) invoice.href = taxInvoiceUrl(sale.receipt_number);
  $("[data-done-change]", done).textContent = baht(sale.change_satang || 0);
  $("[data-done-change-line]", done).hidden = !cashPaid;
  var frame = $("[data-receipt]", done);
  renderFrame(frame, sale, false, function () { if (autoPrint()) printFrame(frame); });
  done.hidden = false;
  document.body.classList.add("sale-done");
  done.dataset.sale = sale.id;
  postDisplay({ type: "paid", change_satang: cashPaid ? sale.change_satang : null, total_satang: sale.total_satang, receipt_number: sale.receipt_number });
  focusScan();
}

/* The full tax invoice form for a receipt (web/tax/pages.py): the buyer's details, then A4. */
export function taxInvoiceUrl(receiptNumber) {
  return "/tax-invoices/new?receipt=" + encodeURIComponent(receiptNumber || "");
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
  frame.dataset.printed = frame.dataset.source || "";
  focusScan();
}

function loadFrame(frame, url, onload) {
  delete frame.dataset.printed;
  frame.onload = onload;
  frame.dataset.source = url;
  frame.removeAttribute("srcdoc");  // a srcdoc would win over the src
  frame.src = url;
}

/* The receipt rendered here; the frame's source reads "local:<receipt number>[:copy]". The
   srcdoc document has the till's origin and base URL, and its Content-Security-Policy: it
   links /static/receipt.css and /static/page.js, nothing inline. */
function renderFrame(frame, sale, copy, onload) {
  delete frame.dataset.printed;
  frame.onload = onload;
  frame.dataset.source = "local:" + (sale.receipt_number || sale.id) + (copy ? ":copy" : "");
  frame.removeAttribute("src");
  // The till's Revenue Department number prints under its code, as on the server's receipt.
  var seller = Object.assign({}, config.shop, { pos_registration: state.till ? state.till.pos_registration : null });
  frame.srcdoc = receiptHtml(sale, seller, { copy: copy });
}

export function printReceipt() { printFrame($("[data-receipt]")); }

/* Print any document (report, credit note, a sale's receipt) through the hidden frame. The
   reprint of the last sale (its receipt URL, as the day menu asks for it) is rendered here
   from the sale kept in showDone, with COPY: it prints offline too. */
export function print(url) {
  var frame = $("[data-print-frame]");
  var held = heldSale(url);
  if (held) renderFrame(frame, held.sale, held.copy, function () { printFrame(frame); });
  else loadFrame(frame, url, function () { printFrame(frame); });
}

/* Reprint the last sale, marked COPY (a sale rung offline has no server id yet). */
export function reprintLast() {
  var last = lastSale();
  if (!last || !last.sale) return;
  var frame = $("[data-print-frame]");
  renderFrame(frame, last.sale, true, function () { printFrame(frame); });
}

function heldSale(url) {
  var match = SALE_RECEIPT.exec(url);
  var last = lastSale();
  if (!match || !last || !last.sale || String(last.sale_id) !== match[1]) return null;
  return { sale: last.sale, copy: new URLSearchParams(match[2] || "").get("copy") === "1" };
}
