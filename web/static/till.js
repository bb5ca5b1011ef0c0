/* The browser till: its settings and state, and the helpers every till module uses (the DOM,
   typed amounts, storage, dialogs and messages, the keyboard focus). Plain DOM, no framework,
   no build step: till.html loads till_boot.js as a module, and each till module imports what
   it uses from the modules below it, never from one above:

     shared.js          every page's helpers: language, baht, the API
     pricing.js         the sale's money, pure (as pos/checkout/pricing.py computes it)
     promptpay.js, qr.js  a PromptPay payload and its QR, pure (as payments.promptpay makes them)
     receipt_render.js  a sale's receipt as the server prints it, from the sale
     idb.js             IndexedDB as promises (the catalogue's copy on the device)
     search_rank.js     how well a product answers a search, pure (as inventory/catalogue/search.py)
     till.js            settings, state, helpers, dialogs and messages (this file)
     till_queue.js      the sale queue on the device, its receipt numbers and its one sender
     till_offline.js    the service worker that keeps the till on the device
     till_products.js   the catalogue in memory and on the device, refreshed by deltas; the
                        barcode map, search and the product grid
     till_display.js    the customer display's channel (BroadcastChannel)
     till_cart.js       the cart, its totals and its rows; the "sale done" panel over it
     till_discounts.js  the amount dialog: discounts and quantity; manager approval
     till_shift.js      the till and its shift, the start-up
     till_receipt.js    a completed sale on screen, its receipt and printing
     till_promptpay.js  the PromptPay QR, its poll, completing or voiding the sale
     till_pay.js        taking the money: a sale rung into the queue, the till's own QR offline
     till_refund.js     refunds against a receipt
     till_day.js        the cashier's day menu: pay-in/out, X report, closing the shift
     till_park.js       parked sales (พักบิล / เรียกบิล), kept on the device per till
     till_keys.js       the scan input and the keyboard
     till_boot.js       wiring: binds every part and starts

   Where a lower module must reach a higher one (a product picked in the grid goes into the
   cart, a till that is ready resumes the outbox), the higher one hands it a function when it
   binds.

   Speed: the whole catalogue is kept in Maps (from the device's copy, then the server's
   changes), so a scanned barcode is one Map lookup and one new cart row; the product grid is
   re-rendered only when the cashier searches or picks a category (debounced, never per
   scanner key). */
import { onConnectivity, showError as showErrorIn, thai, tr } from "./shared.js";

export const config = JSON.parse(document.getElementById("till-config").textContent);
export const MAX_QTY = 100000;
export const MAX_BACKOFF_MS = 10000;

/* Which till this browser is, its shift, and whether it is ready to sell. */
export const state = { till: null, shift: null, ready: false, tills: [] };

/* --- small helpers --------------------------------------------------------------------- */
export function $(selector, root) { return (root || document).querySelector(selector); }
export function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

/* "150", "150.5", "1,250.50" -> satang; "" -> undefined; anything else -> null. */
export function parseBaht(text) {
  let value = String(text == null ? "" : text).trim().replace(/,/g, "");
  value = asciiDigits(value);
  if (value === "") return undefined;
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
}

export function asciiDigits(text) {
  return text.replace(/[๐-๙]/g, function (d) { return String(d.charCodeAt(0) - 0x0e50); });
}

/* The business runs on Bangkok time, whatever the browser's clock zone is. */
export function bangkokTime(iso, withDate) {
  const options = { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit", hour12: false };
  if (withDate) { options.day = "2-digit"; options.month = "2-digit"; options.year = "numeric"; }
  return new Date(iso).toLocaleString(thai ? "th-TH" : "en-GB", options);
}

/* The chip on the bar says when the server cannot be reached. */
onConnectivity(function (online) {
  const chip = $("[data-net]");
  if (!chip) return;
  chip.hidden = online;
  if (!online) chip.textContent = tr("⚠ ออฟไลน์");
});

export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
}

export function store(key, value) {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch (e) { /* private mode: the till still works, without resuming after a reload */ }
}
export function load(key) {
  try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
}

/* --- dialogs and messages ---------------------------------------------------------------- */
/* Every dialog of the till is a <dialog id="dlg-NAME"> opened with openDialog(NAME) and closed
   with closeDialog(NAME), a [data-close] button inside it, Escape, or a click on its backdrop.
   bindDialogs() listens once, on the document, for every dialog there is or will be: a dialog
   that must not be dismissed (a sale being confirmed) cancels its "cancel" event, and neither
   Escape nor its backdrop closes it. However a dialog closes, the keyboard goes back to the
   scan input (keepScanning), so that the next scan lands in the cart. */
export function dialog(name) { return document.getElementById("dlg-" + name); }

export function openDialog(name) {
  const box = dialog(name);
  showError(box, null);
  // Chrome gives the focus back to the element focused before showModal when the dialog
  // closes, without a caret: an input given the focus that way takes no typing. The scan input
  // is therefore never the element to go back to; keepScanning focuses it properly.
  if (document.activeElement === $("#scan")) $("#scan").blur();
  if (!box.open) box.showModal();
  return box;
}

export function closeDialog(name) {
  const box = dialog(name);
  if (box.open) box.close();
}

export function anyDialogOpen() { return $all("dialog").some(function (d) { return d.open; }); }

/* Dismiss a dialog as Escape does: unless its "cancel" event is cancelled. */
export function dismissDialog(box) {
  if (!box.open) return;
  if (box.dispatchEvent(new Event("cancel", { cancelable: true }))) box.close();
}

function onBackdrop(event) {
  const box = event.target;
  if (!(box instanceof HTMLDialogElement) || !box.open) return;
  // A click on the dialog element itself but outside its box is a click on the backdrop
  // (a click on its padding is inside the rectangle).
  const r = box.getBoundingClientRect();
  const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
  if (!inside) dismissDialog(box);
}

export function bindDialogs() {
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("dialog [data-close]");
    if (button) { button.closest("dialog").close(); return; }
    onBackdrop(event);
  });
  // "close" does not bubble; caught on its way down, it is caught for every dialog.
  document.addEventListener("close", function (event) {
    if (!(event.target instanceof HTMLDialogElement)) return;
    keepScanning();
    setTimeout(keepScanning, 0);  // after what the dialog's own "close" listeners do
  }, true);
}

/* An error in a dialog's (or any root's) [data-error] box. */
export function showError(root, error) { showErrorIn(root && $("[data-error]", root), error); }

let messageTimer = null;
export function message(text, kind) {
  const box = $("[data-message]");
  clearTimeout(messageTimer);
  box.textContent = text || "";
  box.className = "till-message " + (kind || "error");
  box.hidden = !text;
  if (text && kind === "ok") messageTimer = setTimeout(function () { box.hidden = true; }, 4000);
}

/* The keyboard belongs to the scan input unless a dialog is open. The input is focused again
   even when it already holds the focus: the focus Chrome gives back to an input when a dialog
   closes comes without a caret, and such an input takes no typing until it is focused anew. */
export function focusScan() {
  const scan = $("#scan");
  if (anyDialogOpen() || scan.disabled) return;
  if (document.activeElement === scan) scan.blur();
  scan.focus();
}

/* After a dialog, a button or a sale: the focus back on the scan input, unless the cashier is
   typing in another field (a quantity in the cart). */
export function keepScanning() {
  const active = document.activeElement;
  if (active && active !== $("#scan") && editable(active)) return;
  focusScan();
}

/* Whether typing in this element is typing there (an input, a text area, a select; not one
   left holding the focus in a dialog that has just closed). */
export function editable(el) {
  return !!el && !(el.closest && el.closest("dialog:not([open])")) && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable) &&
    !(el.type && /^(button|submit|reset|checkbox|radio)$/.test(el.type));
}
