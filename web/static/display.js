/* The customer-facing display: a second window of the same browser as the till, fed by the
   till page over a BroadcastChannel named after the till ("otop-till-<id>"). There is no
   server state: the display shows only what the till in this browser tells it (the cart, the
   totals, the PromptPay QR, "paid"). On opening it says hello and the till answers. */
import { baht, minutesSeconds } from "./shared.js";
import { qrSvg } from "./qr.js";

var root = document.querySelector("[data-display]");
var tillId = root.getAttribute("data-till") || rememberedTill();

/* The till this browser was last used as (till_shift.js remembers it). */
function rememberedTill() {
  try { return JSON.parse(localStorage.getItem("otop.till.id") || "null"); } catch (e) { return null; }
}

function $(selector) { return root.querySelector(selector); }

function state(name) {
  root.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.getAttribute("data-state") !== name; });
  root.dataset.screen = name;
}

function lines(list) {
  var ol = $("[data-lines]");
  ol.textContent = "";
  (list || []).forEach(function (line) {
    var li = document.createElement("li");
    li.innerHTML = '<span class="d-name"><span></span><small></small></span><span class="d-qty"></span><span class="d-total"></span>';
    li.children[0].children[0].textContent = line.name_th;
    li.children[0].children[1].textContent = line.name_en;
    li.children[1].textContent = "× " + line.quantity;
    li.children[2].textContent = baht(line.total_satang);
    ol.appendChild(li);
  });
  if (ol.lastElementChild) ol.lastElementChild.scrollIntoView({ block: "nearest" });
}

function totals(total, discount) {
  $("[data-total]").textContent = "฿" + baht(total || 0);
  root.querySelectorAll("[data-discount-row]").forEach(function (el) { el.hidden = !discount; });
  $("[data-discount]").textContent = "−" + baht(discount || 0);
}

// The QR's time left, counted as the till counts it (the same expiry and clock skew).
var countdown = null;
function count(expiresAt, skewMs) {
  clearInterval(countdown);
  var ends = expiresAt ? Date.parse(expiresAt) : NaN;
  $("[data-qr-countdown-line]").hidden = isNaN(ends);
  $("[data-qr-expired-line]").hidden = true;
  if (isNaN(ends)) return;
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now() - (skewMs || 0)) / 1000));
    $("[data-qr-countdown]").textContent = minutesSeconds(left);
    if (left > 0) return;
    clearInterval(countdown);
    $("[data-qr-countdown-line]").hidden = true;
    $("[data-qr-expired-line]").hidden = false;
  }
  tick();
  countdown = setInterval(tick, 1000);
}

function show(message) {
  $("[data-link-state]").hidden = true;
  if (message.type !== "qr") clearInterval(countdown);
  if (message.type === "cart" || message.type === "idle") {
    lines(message.lines);
    totals(message.total_satang, message.discount_satang);
    state("idle");
  } else if (message.type === "qr") {
    lines(message.lines);
    totals(message.total_satang, message.discount_satang);
    // The server's QR by URL; the till's own (offline) as its payload, drawn here.
    var img = $("[data-qr-img]"), drawn = $("[data-qr-svg]");
    img.hidden = !message.qr_url;
    drawn.hidden = !message.qr_payload;
    drawn.textContent = "";
    if (message.qr_url) img.src = message.qr_url;
    else drawn.appendChild(qrSvg(message.qr_payload));
    $("[data-qr-amount]").textContent = "฿" + baht(message.amount_satang);
    count(message.expires_at, message.skew_ms);
    state("qr");
  } else if (message.type === "paid") {
    var change = $("[data-change-line]");
    change.hidden = message.change_satang == null;
    $("[data-change]").textContent = baht(message.change_satang || 0);
    totals(message.total_satang, 0);
    state("paid");
  }
}

if (!window.BroadcastChannel || !tillId) {
  $("[data-link-state]").textContent = "This browser cannot link the display to the till (open it from the till page).";
} else {
  var channel = new BroadcastChannel("otop-till-" + tillId);
  channel.onmessage = function (event) { if (event.data && event.data.type !== "hello") show(event.data); };
  channel.postMessage({ type: "hello" });
}
