/* Stock pages: scanner-friendly line forms (intake, transfer, adjustment, return), the count
   sheet, and print buttons (page.js). A barcode scanner types digits then Enter into the
   focused input. No framework: plain DOM and fetch(). */
import "./page.js";
import { apiOk, onScan, tr } from "./shared.js";

/* apiOk(), with each problem a refused body lists (key and message) in the error's message. */
function sendJSON(method, url, payload) {
  return apiOk(method, url, payload).catch(function (error) {
    var errors = error.body && error.body.errors;
    if (errors && errors.length) {
      error.message += ": " + errors.map(function (e) { return (e.key || "") + " " + (e.message || ""); }).join("; ");
    }
    throw error;
  });
}

function lookup(code, locationId) {
  var url = "/api/v1/stock/lookup?barcode=" + encodeURIComponent(code);
  if (locationId) url += "&location_id=" + encodeURIComponent(locationId);
  return sendJSON("GET", url);
}

function show(el, text) {
  if (!el) return;
  el.textContent = text || "";
  el.hidden = !text;
}

function wholeNumber(value) {
  var text = String(value).trim();
  return /^-?\d+$/.test(text) ? parseInt(text, 10) : NaN;
}

/* ---- line forms: intake, transfer, adjustment, return ---- */

function LinesForm(form) {
  this.form = form;
  this.kind = form.dataset.kind;
  this.lines = {};  // product id -> {row, input, product}
  this.body = form.querySelector("table.lines tbody");
  this.template = form.querySelector("template.line-template");
  this.scan = form.querySelector(".scan-input");
  this.status = form.querySelector(".scan-status");
  this.error = form.querySelector(".form-error");
  this.ok = form.querySelector(".form-ok");
  this.total = form.querySelector(".lines-total");
  this.bind();
}

LinesForm.prototype.field = function (name) { return this.form.elements.namedItem(name); };

LinesForm.prototype.bind = function () {
  var self = this;
  onScan(this.scan, function (code) { self.scanned(code); });
  this.form.addEventListener("submit", function (event) {
    event.preventDefault();
    self.submit();
  });
  if (this.kind === "transfer") {
    var from = this.field("from_location_id"), to = this.field("to_location_id");
    if (from && to && from.value === to.value && to.options.length > 1) {
      to.selectedIndex = from.selectedIndex === 0 ? 1 : 0;
    }
  }
};

LinesForm.prototype.defaultQuantity = function () { return this.kind === "adjustment" ? -1 : 1; };

LinesForm.prototype.scanned = function (code) {
  var self = this;
  var where = this.field(this.form.dataset.lookupLocation);
  show(this.status, tr("กำลังค้นหา ") + code + " …");
  lookup(code, where ? where.value : "").then(function (product) {
    if (!self.checkOwner(product)) return;
    self.add(product);
    show(self.status, "✓ " + product.name_th + " (" + product.sku + ")");
  }).catch(function (error) {
    show(self.status, "✗ " + code + ": " + error.message);
  }).then(function () { self.scan.focus(); });
};

/* Intakes and returns concern one entrepreneur: the first scan picks them if unset. */
LinesForm.prototype.checkOwner = function (product) {
  var owner = this.field("entrepreneur_id");
  if (!owner) return true;
  if (!owner.value) owner.value = String(product.entrepreneur_id);
  if (owner.value !== String(product.entrepreneur_id)) {
    show(this.status, "✗ " + product.name_th + ": " +
      tr("เป็นสินค้าของผู้ประกอบการรายอื่น"));
    return false;
  }
  return true;
};

LinesForm.prototype.add = function (product) {
  var line = this.lines[product.product_id];
  if (line) {  // the same code again: one more of it
    var current = wholeNumber(line.input.value) || 0;
    line.input.value = current + this.defaultQuantity();
  } else {
    var row = this.template.content.firstElementChild.cloneNode(true);
    row.querySelector(".line-name").textContent = product.name_th;
    row.querySelector(".line-code").textContent = product.sku + " · " + product.barcode;
    row.querySelector(".line-on-hand").textContent = product.on_hand;
    var input = row.querySelector(".line-qty");
    input.value = this.defaultQuantity();
    if (this.kind !== "adjustment") input.min = "1";
    var self = this;
    input.addEventListener("input", function () { self.recount(); });
    row.querySelector(".line-remove").addEventListener("click", function () {
      row.remove();
      delete self.lines[product.product_id];
      self.recount();
    });
    this.body.appendChild(row);
    line = this.lines[product.product_id] = { row: row, input: input, product: product };
  }
  this.recount();
};

LinesForm.prototype.recount = function () {
  var sum = 0;
  Object.keys(this.lines).forEach(function (id) { sum += wholeNumber(this.lines[id].input.value) || 0; }, this);
  if (this.total) this.total.textContent = sum;
};

LinesForm.prototype.payload = function () {
  var body = {}, lines = [], problem = null;
  ["entrepreneur_id", "location_id", "from_location_id", "to_location_id"].forEach(function (name) {
    var el = this.field(name);
    if (el && el.value) body[name] = parseInt(el.value, 10);
  }, this);
  ["note", "reason"].forEach(function (name) {
    var el = this.field(name);
    if (el) body[name] = el.value.trim();
  }, this);
  Object.keys(this.lines).forEach(function (id) {
    var line = this.lines[id], quantity = wholeNumber(line.input.value);
    if (isNaN(quantity) || quantity === 0 || (this.kind !== "adjustment" && quantity < 0)) {
      problem = problem || (line.product.name_th + ": " + tr("จำนวนไม่ถูกต้อง"));
      line.input.setAttribute("aria-invalid", "true");
    } else {
      line.input.removeAttribute("aria-invalid");
    }
    lines.push({ product_id: line.product.product_id, quantity: quantity });
  }, this);
  if (!lines.length) problem = tr("ยังไม่มีรายการสินค้า สแกนบาร์โค้ดก่อน");
  if (this.kind === "adjustment" && !body.reason) problem = problem || tr("กรุณาระบุเหตุผล");
  if (this.field("entrepreneur_id") && !body.entrepreneur_id) {
    problem = problem || tr("กรุณาเลือกผู้ประกอบการ");
  }
  body.lines = lines;
  return { body: body, problem: problem };
};

LinesForm.prototype.submit = function () {
  var self = this, built = this.payload();
  show(this.ok, "");
  if (built.problem) { show(this.error, built.problem); return; }
  show(this.error, "");
  var button = this.form.querySelector("button[type=submit]");
  button.disabled = true;
  sendJSON("POST", this.form.dataset.endpoint, built.body).then(function (result) {
    if (self.kind === "intake") {
      window.location.assign("/admin/intakes/" + result.id);
      return;
    }
    show(self.ok, tr("บันทึกแล้ว ") + result.number);
    self.body.innerHTML = "";
    self.lines = {};
    self.recount();
  }).catch(function (error) {
    show(self.error, error.message);
  }).then(function () {
    button.disabled = false;
    self.scan.focus();
  });
};

/* ---- the count sheet ---- */

function CountForm(form) {
  this.form = form;
  this.body = form.querySelector("table.count-lines tbody");
  this.scan = form.querySelector(".scan-input");
  this.status = form.querySelector(".scan-status");
  this.error = form.querySelector(".form-error");
  this.ok = form.querySelector(".form-ok");
  var self = this;
  Array.prototype.forEach.call(this.body.rows, function (row) { self.watch(row); });
  this.scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var code = self.scan.value.trim();
    self.scan.value = "";
    if (code) self.scanned(code);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
}

CountForm.prototype.watch = function (row) {
  var input = row.querySelector("input.counted"), cell = row.querySelector(".difference");
  function update() {
    var counted = wholeNumber(input.value);
    if (isNaN(counted)) { cell.textContent = ""; row.classList.remove("differs"); return; }
    var diff = counted - parseInt(row.dataset.expected, 10);
    cell.textContent = diff > 0 ? "+" + diff : String(diff);
    row.classList.toggle("differs", diff !== 0);
  }
  input.addEventListener("input", update);
  update();
};

CountForm.prototype.rowFor = function (code) {
  return Array.prototype.find.call(this.body.rows, function (row) {
    return row.dataset.barcode === code || row.dataset.sku === code;
  });
};

CountForm.prototype.bump = function (row) {
  var input = row.querySelector("input.counted");
  input.value = (wholeNumber(input.value) || 0) + 1;
  input.dispatchEvent(new Event("input"));
  show(this.status, "✓ " + row.cells[1].textContent + " = " + input.value);
};

CountForm.prototype.scanned = function (code) {
  var self = this, row = this.rowFor(code);
  if (row) { this.bump(row); return; }
  lookup(code, this.form.dataset.locationId).then(function (product) {
    row = self.rowFor(product.barcode) || self.append(product);
    self.bump(row);
  }).catch(function (error) {
    show(self.status, "✗ " + code + ": " + error.message);
  });
};

CountForm.prototype.append = function (product) {
  var row = this.body.insertRow(-1);
  row.dataset.productId = product.product_id;
  row.dataset.barcode = product.barcode;
  row.dataset.sku = product.sku;
  row.dataset.expected = product.on_hand;
  [product.sku, product.name_th, String(product.on_hand)].forEach(function (text, i) {
    var cell = row.insertCell(-1);
    cell.textContent = text;
    if (i === 2) cell.className = "num expected";
  });
  var input = document.createElement("input");
  input.type = "number"; input.min = "0"; input.step = "1"; input.className = "counted";
  var inputCell = row.insertCell(-1);
  inputCell.className = "num";
  inputCell.appendChild(input);
  row.insertCell(-1).className = "num difference";
  this.watch(row);
  return row;
};

CountForm.prototype.submit = function () {
  var self = this, lines = [], problem = null;
  Array.prototype.forEach.call(this.body.rows, function (row) {
    var input = row.querySelector("input.counted");
    if (input.value.trim() === "") return;
    var counted = wholeNumber(input.value);
    if (isNaN(counted) || counted < 0) problem = problem || row.dataset.sku + ": " + tr("จำนวนไม่ถูกต้อง", "stock count");
    lines.push({ product_id: parseInt(row.dataset.productId, 10), counted: counted });
  });
  if (!lines.length) problem = tr("ยังไม่ได้กรอกจำนวนที่นับ");
  show(this.ok, "");
  if (problem) { show(this.error, problem); return; }
  show(this.error, "");
  var note = this.form.elements.namedItem("note");
  sendJSON("POST", "/api/v1/stock/counts", {
    location_id: parseInt(this.form.dataset.locationId, 10),
    lines: lines,
    note: note ? note.value.trim() : ""
  }).then(function (result) {
    var changed = result.lines.filter(function (l) { return l.difference !== 0; }).length;
    show(self.ok, tr("บันทึกแล้ว ", "stock count") + result.number + " · " +
      changed + tr(" รายการมีผลต่าง"));
    result.lines.forEach(function (line) {
      var row = self.body.querySelector('tr[data-product-id="' + line.product_id + '"]');
      if (!row) return;
      row.dataset.expected = line.counted;
      row.querySelector(".expected").textContent = line.counted;
      var input = row.querySelector("input.counted");
      input.value = "";
      input.dispatchEvent(new Event("input"));
    });
  }).catch(function (error) { show(self.error, error.message); });
};

/* ---- start ---- */

// A module runs once the document is parsed.
var linesForm = document.getElementById("lines-form");
if (linesForm) new LinesForm(linesForm);
var countForm = document.getElementById("count-form");
if (countForm) new CountForm(countForm);
