/* The browser till: the shared namespace `window.Till` and its helpers (money, the API,
   storage, dialogs and messages). Plain DOM, no framework, no build step: each till_*.js file
   is an IIFE that adds its part to `window.Till`; till.html loads them (defer) in this order:

     till.js            helpers, the API, dialogs and messages (this file)
     till_products.js   the catalogue in memory, the barcode map, search and the product grid
     till_cart.js       the cart, its totals and its rows
     till_discounts.js  the amount dialog: discounts and quantity; manager approval
     till_keys.js       the scan input and the keyboard
     till_shift.js      the till and its shift, the start-up
     till_display.js    the customer display (BroadcastChannel)
     till_pay.js        taking the money exactly once (the outbox), the receipt
     till_promptpay.js  the PromptPay QR, its poll, completing or voiding the sale
     till_day.js        the cashier's day menu: pay-in/out, X report, closing the shift
     till_refund.js     refunds against a receipt
     till_boot.js       wiring, on DOMContentLoaded

   A file may use another's `T.name` only when it runs (a handler, or after boot), except the
   helpers of this file, which load first.

   Speed: the whole catalogue is loaded once (/api/v1/till/catalogue) and kept in Maps, so a
   scanned barcode is one Map lookup and one new cart row; the product grid is re-rendered
   only when the cashier searches or picks a category (debounced, never per scanner key). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("till-config").textContent);
  var thai = (document.documentElement.lang || "th") !== "en";
  function tr(th, en) { return thai ? th : en; }

  var MAX_QTY = 100000;

  var T = (window.Till = { config: config, tr: tr, thai: thai, MAX_QTY: MAX_QTY });

  /* --- small helpers --------------------------------------------------------------------- */
  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function baht(satang) {
    var sign = satang < 0 ? "-" : "";
    var abs = Math.abs(satang);
    var whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + String(abs % 100).padStart(2, "0");
  }

  /* "150", "150.5", "1,250.50" -> satang; "" -> undefined; anything else -> null. */
  function parseBaht(text) {
    var value = String(text == null ? "" : text).trim().replace(/,/g, "");
    value = asciiDigits(value);
    if (value === "") return undefined;
    var match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(value);
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
  }

  function asciiDigits(text) {
    return text.replace(/[๐-๙]/g, function (d) { return String(d.charCodeAt(0) - 0x0e50); });
  }

  function roundHalfUpDiv(numerator, denominator) {
    return Math.floor((2 * numerator + denominator) / (2 * denominator));
  }

  /* The business runs on Bangkok time, whatever the browser's clock zone is. */
  function bangkokTime(iso, withDate) {
    var options = { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit", hour12: false };
    if (withDate) { options.day = "2-digit"; options.month = "2-digit"; options.year = "numeric"; }
    return new Date(iso).toLocaleString(thai ? "th-TH" : "en-GB", options);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* fetch() that resolves with {status, ok, body, headers} for any HTTP answer and rejects
     only when no answer came (network down, server gone). */
  function api(method, url, body, headers, signal) {
    var init = { method: method, credentials: "same-origin", cache: "no-store", headers: headers || {}, signal: signal };
    if (method !== "GET") {
      init.headers["x-csrftoken"] = csrfToken();
      init.headers["content-type"] = "application/json";
      init.body = typeof body === "string" ? body : JSON.stringify(body || {});
    }
    return fetch(url, init).then(function (response) {
      setOnline(true);
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, ok: response.ok, body: data, headers: response.headers };
      });
    }, function (error) {
      if (error.name !== "AbortError") setOnline(false);
      throw error;
    });
  }

  function ApiError(answer) {
    this.name = "ApiError";
    this.status = answer.status;
    this.body = answer.body;
    this.message = errorText(answer.status, answer.body);
  }
  ApiError.prototype = Object.create(Error.prototype);

  /* api() that throws ApiError on a 4xx/5xx and a readable Error when offline. */
  function apiOk(method, url, body, headers) {
    return api(method, url, body, headers).then(function (answer) {
      if (!answer.ok) throw new ApiError(answer);
      return answer.body;
    }, function () {
      throw new Error(tr("ติดต่อเซิร์ฟเวอร์ไม่ได้ ลองอีกครั้ง", "Cannot reach the server; try again"));
    });
  }

  function errorText(status, body) {
    var text = (body && body.detail) || tr("เกิดข้อผิดพลาด", "Error") + " (" + status + ")";
    if (body && body.field) text += " [" + body.field + "]";
    if (body && Array.isArray(body.shortages) && body.shortages.length) {
      text = tr("สินค้าไม่พอขาย: ", "Not enough stock: ") + body.shortages.map(function (s) {
        var product = T.productById(s.product_id);
        var name = product ? T.productName(product) : s.name || "#" + s.product_id;
        return name + " (" + tr("ต้องการ ", "wanted ") + s.requested + ", " + tr("มี ", "on hand ") + s.on_hand + ")";
      }).join("; ");
    }
    return text;
  }

  function setOnline(online) {
    var chip = $("[data-net]");
    if (!chip) return;
    chip.hidden = online;
    if (!online) chip.textContent = tr("⚠ ออฟไลน์", "⚠ Offline");
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function store(key, value) {
    try {
      if (value == null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode: the till still works, without resuming after a reload */ }
  }
  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  /* --- dialogs and messages ---------------------------------------------------------------- */
  function dialog(name) { return document.getElementById("dlg-" + name); }

  function openDialog(name) {
    var box = dialog(name);
    showError(box, null);
    if (!box.open) box.showModal();
    return box;
  }

  function closeDialog(name) {
    var box = dialog(name);
    if (box.open) box.close();
  }

  function anyDialogOpen() { return $all("dialog.till-dialog").some(function (d) { return d.open; }); }

  function showError(root, error) {
    var box = root && $("[data-error]", root);
    if (!box) return;
    box.textContent = error ? error.message || String(error) : "";
    box.hidden = !error;
  }

  var messageTimer = null;
  function message(text, kind) {
    var box = $("[data-message]");
    clearTimeout(messageTimer);
    box.textContent = text || "";
    box.className = "till-message " + (kind || "error");
    box.hidden = !text;
    if (text && kind === "ok") messageTimer = setTimeout(function () { box.hidden = true; }, 4000);
  }

  Object.assign(T, {
    $: $, $all: $all, baht: baht, parseBaht: parseBaht, asciiDigits: asciiDigits, roundHalfUpDiv: roundHalfUpDiv,
    bangkokTime: bangkokTime, api: api, apiOk: apiOk, ApiError: ApiError, errorText: errorText,
    newKey: newKey, store: store, load: load,
    dialog: dialog, openDialog: openDialog, closeDialog: closeDialog, anyDialogOpen: anyDialogOpen,
    showError: showError, message: message
  });
})();
