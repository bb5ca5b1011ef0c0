/* The returns page and a return note's page: prepare a note from the due lots of one
   entrepreneur and location, extend the lots due for another period, confirm pickup,
   cancel. Each posts JSON to /api/v1/stock and then shows the page again. */
import "./page.js";
import { apiOk, showError, tr } from "./shared.js";

function errorBox(near) {
  return near.querySelector(".form-error") || document.getElementById("returns-error");
}

function busy(form, yes) {
  Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = yes; });
}

function post(form, url, body, then) {
  var box = errorBox(form.closest("section") || document);
  showError(box, null);
  busy(form, true);
  apiOk("POST", url, body).then(then).catch(function (error) {
    showError(box, error);
    busy(form, false);
  });
}

/* ---- prepare a note from a group of due lots ---- */

function chosenLots(form) {
  var lots = [], problem = null;
  Array.prototype.forEach.call(form.querySelectorAll("tbody tr"), function (row) {
    var pick = row.querySelector(".lot-pick"), qty = row.querySelector(".lot-qty");
    if (!pick || !pick.checked) return;
    var text = String(qty.value).trim(), units = /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
    var bad = isNaN(units) || units < 1 || units > parseInt(qty.max, 10);
    if (bad) {
      qty.setAttribute("aria-invalid", "true");
      problem = problem || tr("จำนวนที่คืนต้องอยู่ระหว่าง 1 ถึงจำนวนที่เหลือ");
    } else {
      qty.removeAttribute("aria-invalid");
    }
    lots.push({ lot_id: parseInt(pick.value, 10), quantity: units });
  });
  if (!lots.length) problem = tr("กรุณาเลือกล็อตอย่างน้อยหนึ่งล็อต");
  return { lots: lots, problem: problem };
}

document.querySelectorAll("form.due-group").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = chosenLots(form);
    if (chosen.problem) {
      showError(document.getElementById("returns-error"), new Error(chosen.problem));
      return;
    }
    post(form, "/api/v1/stock/return-notes", {
      entrepreneur_id: parseInt(form.dataset.entrepreneur, 10),
      location_id: parseInt(form.dataset.location, 10),
      lots: chosen.lots,
      note: form.elements.namedItem("note").value.trim()
    }, function (note) { window.location.assign("/admin/stock/returns/" + note.id); });
  });
});

/* ---- extend the lots due for another period ---- */

document.querySelectorAll("form.extend-due").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    if (form.dataset.entrepreneur) body.entrepreneur_id = parseInt(form.dataset.entrepreneur, 10);
    if (form.dataset.location) body.location_id = parseInt(form.dataset.location, 10);
    post(form, "/api/v1/stock/lot-extensions", body, function () { window.location.reload(); });
  });
});

/* ---- a note: pickup and cancel ---- */

var note = document.querySelector(".return-note[data-note]");
if (note) {
  var base = "/api/v1/stock/return-notes/" + note.dataset.note;
  var pickup = note.querySelector("form.pickup-form");
  if (pickup) {
    pickup.addEventListener("submit", function (event) {
      event.preventDefault();
      var who = pickup.elements.namedItem("collected_by");
      if (!who.value.trim()) {
        who.setAttribute("aria-invalid", "true");
        showError(errorBox(note), new Error(tr("กรุณาระบุชื่อผู้มารับสินค้า")));
        who.focus();
        return;
      }
      post(pickup, base + "/collect", { collected_by: who.value.trim() }, function () {
        window.location.reload();
      });
    });
  }
  var cancel = note.querySelector("form.cancel-form");
  if (cancel) {
    cancel.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!window.confirm(tr("ยกเลิกใบคืนสินค้านี้?"))) return;
      post(cancel, base + "/cancel", { reason: cancel.elements.namedItem("reason").value.trim() },
        function () { window.location.reload(); });
    });
  }
}
