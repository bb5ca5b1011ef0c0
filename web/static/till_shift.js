/* The browser till: which till this browser is (remembered in localStorage), its shift, the
   dialog that opens one with its float counted by note and coin, and the start-up. */

import { ApiError, api, apiOk, baht, tr } from "./shared.js";
import {
  $, asciiDigits, bangkokTime, closeDialog, config, dialog, focusScan, load, message, openDialog, parseBaht,
  showError, state, store
} from "./till.js";
import { loadCatalogue, renderCategories, runSearch } from "./till_products.js";
import { connectDisplay } from "./till_display.js";
import { ensureNumbers } from "./till_queue.js";
import { cart } from "./till_cart.js";

var KEY_TILL = "otop.till.id";
// What runs once a till is ready to sell (till_pay.js's resume of the outbox); see start().
var afterReady = function () {};

function chooseTill(tills) {
  var box = openDialog("till");
  var list = $("[data-till-choices]", box);
  list.textContent = "";
  tills.filter(function (t) { return t.active; }).forEach(function (till) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "till-choice";
    b.innerHTML = "<strong></strong><span></span>";
    b.children[0].textContent = till.code;
    b.children[1].textContent = till.name;
    b.addEventListener("click", function () { closeDialog("till"); useTill(till); });
    list.appendChild(b);
  });
  if (!list.children.length) showError(box, new Error(tr("ยังไม่มีเครื่องขาย: ให้ผู้จัดการลงทะเบียนก่อน")));
}

function fetchTills() {
  return apiOk("GET", "/api/v1/tills").then(function (tills) { state.tills = tills; return tills; });
}

function loadShift(tillId) {
  return api("GET", "/api/v1/shifts/current?till_id=" + tillId).then(function (answer) {
    if (answer.status === 404) return null;
    if (!answer.ok) throw new ApiError(answer);
    return answer.body;
  });
}

/* Start on a till: its catalogue and shift in parallel (the catalogue may already be on the
   way for the till remembered in this browser). */
function useTill(till, catalogueLoading) {
  state.till = till;
  state.ready = false;
  store(KEY_TILL, till.id);
  $("[data-till-name]").textContent = till.code + " · " + till.name;
  connectDisplay(till.id);
  var scan = $("#scan");
  scan.disabled = true;
  return Promise.all([catalogueLoading || loadCatalogue(till.id), loadShift(till.id)]).then(function (results) {
    setShift(results[1]);
    renderCategories();
    runSearch();
    scan.disabled = false;
    state.ready = true;
    afterReady();
    if (!shiftUsable()) openShiftDialog();
    else focusScan();
    if (!document.body.dataset.ready) {
      performance.mark("till-ready");  // read by the benchmark (bench/till_browser.py)
      document.body.dataset.ready = "true";
    }
  }).catch(function (error) {
    message(error.message);
    $("[data-loading]") && ($("[data-loading]").textContent = error.message);
  });
}

/* The till this browser remembers (its catalogue starts loading before the till list
   answers), or the cashier chooses one; `onReady` runs each time a till is ready to sell. */
export function start(onReady) {
  afterReady = onReady;
  var remembered = load(KEY_TILL);
  var early = remembered ? loadCatalogue(remembered) : null;
  if (early) early.catch(function () { /* the till may be gone; chosen again below */ });
  fetchTills().then(function (tills) {
    var till = tills.filter(function (t) { return t.id === remembered && t.active; })[0];
    if (till) useTill(till, early);
    else chooseTill(tills);
  }, function (error) { message(error.message); });
}

export function setShift(shift) {
  state.shift = shift;
  var info = $("[data-shift-info]");
  if (!shift) { info.textContent = tr("ยังไม่เปิดกะ"); return; }
  info.textContent = tr("กะ #") + shift.id + " · " + tr("เปิด ") + bangkokTime(shift.opened_at);
}

/* A cashier sells only on their own shift (the server refuses otherwise). */
export function shiftUsable() {
  var s = state.shift;
  return !!s && (config.user.role !== "cashier" || s.cashier_id === config.user.id);
}

/* --- opening a shift ------------------------------------------------------------------------ */
export function openShiftDialog() {
  var box = openDialog("open");
  $("[data-open-till]", box).textContent = state.till ? state.till.code : "";
  var other = state.shift && !shiftUsable();
  var warning = $("[data-other-shift]", box);
  warning.hidden = !other;
  $("[data-open-title]", box).textContent = other ? tr("เครื่องไม่ว่าง") : tr("เปิดกะ");
  if (other) {
    warning.textContent = tr("กะ #") + state.shift.id + tr(" ของพนักงานคนอื่นยังเปิดอยู่ที่เครื่องนี้: ให้ผู้นั้นปิดกะก่อน หรือเลือกเครื่องอื่น");
  }
  $("[data-open-fields]", box).hidden = other;
  $("[data-open-submit]", box).hidden = other;
  $("[data-retry-shift]", box).hidden = !other;
  if (!other) {
    openDenoms.reset();
    $("[name=amount]", box).value = "";
    $("[name=amount]", box).focus();
  }
}

var openDenoms = null;

/* The denominations grid (notes and coins, baht): counts -> a total in satang. */
export function denominations(container, onChange) {
  container.textContent = "";
  var inputs = [];
  config.denominations.forEach(function (pair) {
    var key = pair[0], satang = pair[1];
    var row = document.createElement("label");
    row.className = "denom";
    row.innerHTML = '<span class="denom-value"></span><span>×</span><input inputmode="numeric" autocomplete="off" maxlength="5"><span class="denom-sum muted"></span>';
    row.children[0].textContent = satang >= 100 ? (satang / 100).toLocaleString("en-US") : key;
    var input = row.children[2];
    input.dataset.key = key;
    input.dataset.satang = satang;
    input.setAttribute("aria-label", key + " " + tr("บาท"));
    input.addEventListener("input", function () {
      var n = Number(asciiDigits(input.value)) || 0;
      row.children[3].textContent = n ? baht(n * satang) : "";
      onChange(api_.total());
    });
    inputs.push(input);
    container.appendChild(row);
  });
  var api_ = {
    total: function () {
      return inputs.reduce(function (sum, input) { return sum + (Number(asciiDigits(input.value)) || 0) * Number(input.dataset.satang); }, 0);
    },
    counts: function () {
      var counts = {};
      inputs.forEach(function (input) { var n = Number(asciiDigits(input.value)) || 0; if (n) counts[input.dataset.key] = n; });
      return counts;
    },
    used: function () { return inputs.some(function (input) { return input.value.trim() !== ""; }); },
    reset: function () { inputs.forEach(function (input) { input.value = ""; input.dispatchEvent(new Event("input")); }); }
  };
  return api_;
}

/* The shift as the server has it now: sell on it if it is ours, else say whose it is. */
function rechecked(shift) {
  setShift(shift);
  if (shiftUsable()) { closeDialog("open"); focusScan(); } else openShiftDialog();
}

function submitOpenShift(box, amount) {
  var value = parseBaht(amount.value);
  if (value === undefined) value = 0;
  if (value === null) { showError(box, new Error(tr("จำนวนเงินไม่ถูกต้อง เช่น 1000 หรือ 1000.50"))); amount.select(); return; }
  apiOk("POST", "/api/v1/shifts", { till_id: state.till.id, opening_float_satang: value }).then(function (shift) {
    setShift(shift);
    // Receipt numbers now, while the network is here: an outage before the first sale must
    // not find the device holding none (the till otherwise leases at the first payment).
    ensureNumbers(state.till.id).catch(function () { /* offline: at the first payment */ });
    closeDialog("open");
    message(tr("เปิดกะแล้ว เงินทอนตั้งต้น ") + baht(value), "ok");
    focusScan();
  }, function (error) {
    if (error.status === 409) loadShift(state.till.id).then(rechecked);
    showError(box, error);
  });
}

export function bindOpenShift() {
  var box = dialog("open");
  var form = $("[data-open-form]", box);
  var amount = $("[name=amount]", form);
  openDenoms = denominations($("[data-denoms]", form), function (total) { amount.value = total ? baht(total).replace(/,/g, "") : ""; });
  box.addEventListener("cancel", function (event) { event.preventDefault(); });
  $("[data-change-till]", form).addEventListener("click", function () {
    closeDialog("open");
    fetchTills().then(chooseTill, function (error) { message(error.message); });
  });
  $("[data-retry-shift]", form).addEventListener("click", function () {
    loadShift(state.till.id).then(rechecked, function (error) { showError(box, error); });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitOpenShift(box, amount);
  });
}

/* The till chip in the bar: another till, once this sale is done. */
export function bindTillChoice() {
  $("[data-till-name]").addEventListener("click", function () {
    if (cart.lines.length) { message(tr("ขายรายการนี้ให้เสร็จก่อนเปลี่ยนเครื่อง")); return; }
    fetchTills().then(chooseTill, function (error) { message(error.message); });
  });
}

/* The cashier picks another till (the day menu's "change till"). */
export function chooseAnotherTill() { fetchTills().then(chooseTill); }
