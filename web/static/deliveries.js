/* Deliveries: the entrepreneur's announcement form (phone first) and cancel button, the
   staff's receiving page (a scanner types digits then Enter) and the approval of proposed
   products. Plain DOM and fetch(); the server decides, this only helps. */
import "./page.js";
import { api, apiOk, csrfToken, onScan, showError, tr } from "./shared.js";

function wholeNumber(value) {
  var text = String(value).trim();
  return /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
}

/** "1,250.5" baht -> 125050 satang; NaN when it is not an amount. */
export function satangOf(text) {
  var clean = String(text).replace(/[,\s฿]/g, "");
  var match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return NaN;
  return parseInt(match[1], 10) * 100 + parseInt((match[2] || "").padEnd(2, "0") || "0", 10);
}

function said(answer) {
  var body = answer.body || {};
  var text = body.detail || tr("เกิดข้อผิดพลาด") + " (" + answer.status + ")";
  return body.field ? text + " [" + body.field + "]" : text;
}

/* ---- the portal: announce ---- */

var PHOTO_SIDE = 1600;  // plenty for the 480 px the server keeps; a phone's photo is 4000+

/* A phone photo made smaller before it travels (JPEG, at most PHOTO_SIDE a side); the file
   as chosen when the browser cannot. */
function smaller(file) {
  if (!file || !window.createImageBitmap || file.size < 700 * 1024) return Promise.resolve(file);
  return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
    var scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) {
      canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
    });
  }).catch(function () { return file; });
}

function AnnounceForm(form) {
  this.form = form;
  this.error = form.querySelector(".form-error");
  this.summary = document.getElementById("announce-summary");
  this.newBox = document.getElementById("new-products");
  this.template = document.getElementById("new-product-template");
  this.bind();
  this.recount();
}

AnnounceForm.prototype.bind = function () {
  var self = this;
  var search = document.getElementById("product-search");
  if (search) search.addEventListener("input", function () { self.filter(search.value); });
  this.form.querySelectorAll("#own-products li").forEach(function (row) {
    var input = row.querySelector(".own-qty");
    row.querySelectorAll("button.step").forEach(function (button) {
      button.addEventListener("click", function () {
        var next = (wholeNumber(input.value) || 0) + parseInt(button.dataset.step, 10);
        input.value = Math.max(0, next);
        self.recount();
      });
    });
    input.addEventListener("input", function () { self.recount(); });
  });
  document.getElementById("add-new-product").addEventListener("click", function () { self.addNew(); });
  this.form.addEventListener("submit", function (event) {
    event.preventDefault();
    self.submit();
  });
};

AnnounceForm.prototype.filter = function (text) {
  var words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  var shown = 0;
  this.form.querySelectorAll("#own-products li").forEach(function (row) {
    var haystack = row.dataset.search;
    var picked = (wholeNumber(row.querySelector(".own-qty").value) || 0) > 0;
    var hit = picked || words.every(function (w) { return haystack.indexOf(w) >= 0; });
    row.hidden = !hit;
    if (hit) shown += 1;
  });
  document.getElementById("no-match").hidden = shown > 0;
};

AnnounceForm.prototype.addNew = function () {
  var self = this;
  var box = this.template.content.firstElementChild.cloneNode(true);
  box.querySelector(".remove-new").addEventListener("click", function () {
    box.remove();
    self.renumber();
  });
  box.querySelectorAll("input").forEach(function (input) {
    input.addEventListener("input", function () { self.recount(); });
  });
  this.newBox.appendChild(box);
  this.renumber();
  box.querySelector("input[name=name_th]").focus();
};

AnnounceForm.prototype.renumber = function () {
  this.newBox.querySelectorAll("fieldset.new-product").forEach(function (box, index) {
    box.querySelector(".index").textContent = String(index + 1);
  });
  this.recount();
};

AnnounceForm.prototype.recount = function () {
  var lines = 0, units = 0;
  this.form.querySelectorAll(".own-qty").forEach(function (input) {
    var n = wholeNumber(input.value) || 0;
    if (n > 0) { lines += 1; units += n; }
  });
  this.newBox.querySelectorAll("fieldset.new-product").forEach(function (box) {
    lines += 1;
    units += wholeNumber(box.querySelector("input[name=quantity]").value) || 0;
  });
  this.summary.textContent = lines + " " + tr("รายการ") + " · " + units + " " + tr("ชิ้น");
};

AnnounceForm.prototype.payload = function () {
  var form = this.form;
  var lines = [];
  form.querySelectorAll("#own-products li").forEach(function (row) {
    var n = wholeNumber(row.querySelector(".own-qty").value);
    if (n > 0) lines.push({ product_id: parseInt(row.dataset.productId, 10), quantity: n });
  });
  var fresh = [];
  this.newBox.querySelectorAll("fieldset.new-product").forEach(function (box) {
    var price = satangOf(box.querySelector("input[name=price]").value);
    var quantity = wholeNumber(box.querySelector("input[name=quantity]").value);
    fresh.push({
      name_th: box.querySelector("input[name=name_th]").value,
      name_en: box.querySelector("input[name=name_en]").value,
      category_id: parseInt(box.querySelector("select[name=category_id]").value, 10),
      // A typo is sent as it is: the server names the field in Thai.
      price_satang: isNaN(price) ? box.querySelector("input[name=price]").value : price,
      quantity: isNaN(quantity) ? box.querySelector("input[name=quantity]").value : quantity
    });
  });
  return {
    location_id: parseInt(form.elements.namedItem("location_id").value, 10) || null,
    expected_on: form.elements.namedItem("expected_on").value,
    note: form.elements.namedItem("note").value,
    lines: lines,
    new_products: fresh
  };
};

AnnounceForm.prototype.submit = function () {
  var self = this;
  var button = this.form.querySelector("button[type=submit]");
  var body = new FormData();
  body.append("payload", JSON.stringify(this.payload()));
  var boxes = Array.prototype.slice.call(this.newBox.querySelectorAll("fieldset.new-product"));
  showError(this.error, null);
  button.disabled = true;
  Promise.all(boxes.map(function (box) {
    var input = box.querySelector("input[name=photo]");
    return smaller(input.files && input.files[0]);
  })).then(function (photos) {
    photos.forEach(function (photo, index) {
      if (photo) body.append("photo_" + index, photo, "photo-" + index + ".jpg");
    });
    return fetch("/portal/deliveries", {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "x-csrftoken": csrfToken() }
    });
  }).then(function (response) {
    return response.json().catch(function () { return null; }).then(function (data) {
      if (response.ok && data && data.url) {
        window.location.assign(data.url);
        return;
      }
      throw new Error(said({ status: response.status, body: data }));
    });
  }).catch(function (error) {
    button.disabled = false;
    showError(self.error, error.message ? error : new Error(tr("ติดต่อเซิร์ฟเวอร์ไม่ได้ ลองอีกครั้ง")));
    self.error.scrollIntoView({ block: "center" });
  });
};

/* ---- the portal: cancel ---- */

function bindCancel(button) {
  var box = button.parentElement.querySelector(".form-error");
  button.addEventListener("click", function () {
    if (!window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    apiOk("POST", "/api/v1/deliveries/" + button.dataset.cancelDelivery + "/cancel", {})
      .then(function () { window.location.reload(); })
      .catch(function (error) { button.disabled = false; showError(box, error); });
  });
}

/* ---- staff: receive by scanning ---- */

function ReceiveForm(form) {
  this.form = form;
  this.body = form.querySelector("tbody");
  this.scan = form.querySelector(".scan-input");
  this.status = form.querySelector(".scan-status");
  this.error = form.querySelector(".form-error");
  this.total = form.querySelector(".lines-total");
  this.diffCount = form.querySelector(".diff-count");
  this.words = {};
  var self = this;
  document.getElementById("diff-words").content.querySelectorAll("[data-word]").forEach(function (el) {
    self.words[el.dataset.word] = el.textContent;
  });
  this.bind();
  this.recount();
}

ReceiveForm.prototype.rows = function () {
  return Array.prototype.slice.call(this.body.querySelectorAll("tr[data-product-id]"));
};

ReceiveForm.prototype.say = function (text) {
  this.status.textContent = text;
};

ReceiveForm.prototype.bind = function () {
  var self = this;
  onScan(this.scan, function (code) { self.scanned(code); });
  this.body.addEventListener("input", function () { self.recount(); });
  this.form.addEventListener("submit", function (event) {
    event.preventDefault();
    self.submit();
  });
};

ReceiveForm.prototype.bump = function (row) {
  var input = row.querySelector(".line-qty");
  input.value = (wholeNumber(input.value) || 0) + 1;
  row.classList.remove("flash");
  void row.offsetWidth;  // restart the highlight
  row.classList.add("flash");
  this.recount();
  this.say("✓ " + row.querySelector(".line-name").textContent + " → " + input.value);
};

ReceiveForm.prototype.scanned = function (code) {
  var self = this;
  var row = this.rows().find(function (r) { return r.dataset.barcode === code || r.dataset.sku === code; });
  if (row) {
    this.bump(row);
    this.scan.focus();
    return;
  }
  this.say(tr("กำลังค้นหา ") + code + " …");
  var url = "/api/v1/stock/lookup?barcode=" + encodeURIComponent(code) + "&location_id=" + this.form.dataset.location;
  api("GET", url).then(function (answer) {
    if (!answer.ok) { self.say("✗ " + code + ": " + said(answer)); return; }
    var product = answer.body;
    if (String(product.entrepreneur_id) !== self.form.dataset.entrepreneur) {
      self.say("✗ " + product.name_th + ": " + self.words.other);
      return;
    }
    var again = self.rows().find(function (r) { return r.dataset.productId === String(product.product_id); });
    self.bump(again || self.addExtra(product));
  }).catch(function () {
    self.say("✗ " + tr("ติดต่อเซิร์ฟเวอร์ไม่ได้ ลองอีกครั้ง"));
  }).then(function () { self.scan.focus(); });
};

ReceiveForm.prototype.addExtra = function (product) {
  var row = document.getElementById("extra-line").content.firstElementChild.cloneNode(true);
  row.dataset.productId = String(product.product_id);
  row.dataset.barcode = product.barcode;
  row.dataset.sku = product.sku;
  row.querySelector(".line-name").textContent = product.name_th;
  row.querySelector(".line-code").textContent = product.sku + " · " + product.barcode;
  row.querySelector(".line-qty").value = "0";
  this.body.appendChild(row);
  return row;
};

function kindOf(announced, received) {
  if (announced === 0) return received > 0 ? "not_announced" : "match";
  if (received < announced) return "short";
  if (received > announced) return "over";
  return "match";
}

ReceiveForm.prototype.recount = function () {
  var self = this, units = 0, differ = 0;
  this.rows().forEach(function (row) {
    var input = row.querySelector(".line-qty");
    if (!input) return;
    var received = wholeNumber(input.value) || 0;
    var announced = parseInt(row.dataset.announced, 10);
    var kind = kindOf(announced, received);
    units += received;
    if (kind !== "match") differ += 1;
    var cell = row.querySelector(".line-diff");
    var text = self.words[kind];
    if (kind === "short") text += " " + (announced - received);
    if (kind === "over") text += " " + (received - announced);
    cell.innerHTML = "";
    var span = document.createElement("span");
    span.className = "diff " + ({ short: "short", over: "over", not_announced: "extra", match: "match" })[kind];
    span.dataset.kind = kind;
    span.textContent = text;
    cell.appendChild(span);
  });
  if (this.total) this.total.textContent = units;
  if (this.diffCount) this.diffCount.textContent = differ ? self.words.differ + " " + differ : "";
};

ReceiveForm.prototype.submit = function () {
  var self = this;
  var lines = [];
  this.rows().forEach(function (row) {
    var input = row.querySelector(".line-qty");
    var n = wholeNumber(input.value);
    if (row.dataset.extra !== undefined && n === 0) return;
    lines.push({ product_id: parseInt(row.dataset.productId, 10), quantity: isNaN(n) ? input.value : n });
  });
  var button = this.form.querySelector("button[type=submit]");
  button.disabled = true;
  showError(this.error, null);
  var note = this.form.elements.namedItem("note").value;
  apiOk("POST", "/api/v1/deliveries/" + this.form.dataset.delivery + "/receive", { lines: lines, note: note })
    .then(function () { window.location.reload(); })
    .catch(function (error) { button.disabled = false; showError(self.error, error); });
};

/* ---- staff: approve or reject a proposed product ---- */

function bindDecision(box) {
  var error = box.querySelector(".form-error");
  function decide(action, body) {
    box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    apiOk("POST", "/api/v1/product-proposals/" + box.dataset.product + "/" + action, body)
      .then(function () { window.location.reload(); })
      .catch(function (e) {
        box.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        showError(error, e);
      });
  }
  box.querySelector("[data-approve]").addEventListener("click", function () {
    var text = box.querySelector(".approve-price").value;
    var price = satangOf(text);
    decide("approve", { price_satang: isNaN(price) ? text : price });
  });
  box.querySelector("[data-reject]").addEventListener("click", function () {
    decide("reject", { reason: box.querySelector(".reject-reason").value });
  });
}

var announce = document.getElementById("announce-form");
if (announce) new AnnounceForm(announce);
document.querySelectorAll("[data-cancel-delivery]").forEach(bindCancel);
var receive = document.getElementById("receive-form");
if (receive && receive.dataset.status === "announced") new ReceiveForm(receive);
document.querySelectorAll(".decide[data-product]").forEach(bindDecision);
