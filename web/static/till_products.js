/* The browser till: the catalogue in memory (Maps by id, barcode and SKU), what a scan finds,
   the search over it and the product grid with its categories. */

import { apiOk, baht, thai, tr } from "./shared.js";
import { $, $all, asciiDigits, focusScan } from "./till.js";

var GRID_PAGE = 48;
// A barcode scanner types a dozen digits within a few ms: wait before searching digits,
// so that a scan ends with Enter before the grid is touched.
var DIGIT_SEARCH_DELAY_MS = 300;
var TEXT_SEARCH_DELAY_MS = 40;
// A scanner on a Thai (Kedmanee) keyboard layout types these for 1234567890.
var KEDMANEE_DIGITS = { "ๅ": "1", "/": "2", "-": "3", "ภ": "4", "ถ": "5", "ุ": "6", "ึ": "7", "ค": "8", "ต": "9", "จ": "0" };

function kedmanee(text) {
  var out = "";
  for (var i = 0; i < text.length; i++) {
    var digit = KEDMANEE_DIGITS[text[i]];
    if (digit === undefined) return null;
    out += digit;
  }
  return out;
}

/* --- the catalogue in memory ------------------------------------------------------------- */
var products = [];
var byId = new Map();
var byBarcode = new Map();
var bySku = new Map();
var categories = [];

function indexCatalogue(data) {
  var col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });
  var makers = new Map();
  data.entrepreneurs.forEach(function (e) { makers.set(e[0], { name_th: e[1], name_en: e[2] }); });
  categories = data.categories.map(function (c) { return { id: c[0], name_th: c[1], name_en: c[2] }; });
  products = new Array(data.products.length);
  byId = new Map();
  byBarcode = new Map();
  bySku = new Map();
  for (var i = 0; i < data.products.length; i++) {
    var r = data.products[i];
    var maker = makers.get(r[col.entrepreneur_id]) || { name_th: "", name_en: "" };
    var p = {
      id: r[col.id], barcode: r[col.barcode], sku: r[col.sku],
      name_th: r[col.name_th], name_en: r[col.name_en], price: r[col.price_satang],
      vat: r[col.vat], category_id: r[col.category_id], maker: maker, on_hand: r[col.on_hand],
      hay: (r[col.name_th] + " " + r[col.name_en] + " " + r[col.sku] + " " + r[col.barcode] +
        " " + maker.name_th + " " + maker.name_en).normalize("NFC").toLowerCase()
    };
    products[i] = p;
    byId.set(p.id, p);
    byBarcode.set(p.barcode, p);
    bySku.set(p.sku.toLowerCase(), p);
  }
}

export function productById(id) { return byId.get(id); }

export function productName(p) { return thai ? p.name_th : p.name_en || p.name_th; }
export function otherName(p) { return thai ? p.name_en : p.name_th; }
export function makerName(p) { return thai ? p.maker.name_th : p.maker.name_en || p.maker.name_th; }

export function loadCatalogue(tillId) {
  return apiOk("GET", "/api/v1/till/catalogue?till_id=" + tillId).then(indexCatalogue);
}

/* A scanned or typed code: a barcode, a SKU, or a barcode typed on a Thai layout. */
export function lookup(code) {
  var ascii = asciiDigits(code);
  return byBarcode.get(ascii) || bySku.get(ascii.toLowerCase()) || byBarcode.get(kedmanee(code) || "") || null;
}

/* --- search and the product grid ---------------------------------------------------------- */
var search = { category: null, query: "", results: [], shown: 0, selected: -1, timer: null };

function normalize(text) { return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim(); }

export function runSearch() {
  var started = performance.now();
  clearTimeout(search.timer);
  search.timer = null;
  var query = normalize(search.query);
  var terms = query ? query.split(" ") : [];
  var first = [], rest = [];
  for (var i = 0; i < products.length; i++) {
    var p = products[i];
    if (search.category !== null && p.category_id !== search.category) continue;
    var ok = true;
    for (var t = 0; t < terms.length && ok; t++) ok = p.hay.indexOf(terms[t]) !== -1;
    if (!ok) continue;
    // Names that start with the query come first.
    if (query && (p.name_th.toLowerCase().indexOf(query) === 0 || p.name_en.toLowerCase().indexOf(query) === 0 || p.barcode === query)) first.push(p);
    else rest.push(p);
  }
  search.results = first.concat(rest);
  search.selected = query && search.results.length ? 0 : -1;
  renderGrid();
  // How long a search takes, for the benchmark (bench/till_browser.py) and DevTools.
  performance.clearMeasures("till-search");
  performance.measure("till-search", { start: started });
}

export function scheduleSearch() {
  var text = $("#scan").value;
  search.query = text;
  clearTimeout(search.timer);
  var digits = /^\s*[0-9๐-๙]+\s*$/.test(text) || kedmanee(text.trim()) !== null;
  search.timer = setTimeout(runSearch, digits ? DIGIT_SEARCH_DELAY_MS : TEXT_SEARCH_DELAY_MS);
}

/* Enter on text that is no code: the search's selected product, searched now if the
   debounced search has not run on this text yet; never for digits (a failed scan). */
export function searchPick(raw) {
  if (search.timer || normalize(search.query) !== normalize(raw)) { search.query = raw; runSearch(); }
  if (search.selected >= 0 && !/^\d+$/.test(asciiDigits(raw))) return search.results[search.selected];
  return null;
}

/* The scan input was emptied: the grid goes back to browsing only if a search had filtered it. */
export function clearSearch() {
  clearTimeout(search.timer);
  search.timer = null;
  var searched = normalize(search.query) !== "";
  search.query = "";
  if (searched) runSearch();
}

function renderGrid() {
  var grid = $("[data-grid]");
  grid.textContent = "";
  search.shown = 0;
  appendCards(grid);
  var count = search.results.length;
  $("[data-result-count]").textContent = count + " " + tr("รายการ", count === 1 ? "one" : "other");
  if (!count) {
    var empty = document.createElement("p");
    empty.className = "till-loading";
    empty.textContent = tr("ไม่พบสินค้า", "search");
    grid.appendChild(empty);
  }
}

function appendCards(grid) {
  var end = Math.min(search.results.length, search.shown + GRID_PAGE);
  var fragment = document.createDocumentFragment();
  for (var i = search.shown; i < end; i++) fragment.appendChild(card(search.results[i], i));
  grid.appendChild(fragment);
  search.shown = end;
  $("[data-more]").hidden = end >= search.results.length;
  markSelected();
}

function card(p, index) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "card-product";
  button.setAttribute("role", "option");
  button.dataset.index = index;
  var stock = p.on_hand > 0 ? tr("เหลือ {n}").replace("{n}", p.on_hand) : tr("หมด", "lowercase");
  button.innerHTML = '<span class="card-name"></span><span class="card-en"></span>' +
    '<span class="card-maker"></span><span class="card-foot"><strong class="card-price"></strong>' +
    '<span class="card-stock"></span></span>';
  button.children[0].textContent = productName(p);
  button.children[1].textContent = otherName(p);
  button.children[2].textContent = makerName(p);
  button.children[3].children[0].textContent = baht(p.price);
  button.children[3].children[1].textContent = stock;
  if (p.on_hand <= 0) button.classList.add("out");
  return button;
}

function markSelected() {
  var previous = $(".card-product.selected");
  if (previous) previous.classList.remove("selected");
  if (search.selected < 0) return;
  var current = $('.card-product[data-index="' + search.selected + '"]');
  if (current) {
    current.classList.add("selected");
    current.scrollIntoView({ block: "nearest" });
  }
}

export function moveSelection(step) {
  if (!search.results.length) return;
  var next = Math.max(0, Math.min(search.results.length - 1, search.selected + step));
  while (next >= search.shown) appendCards($("[data-grid]"));
  search.selected = next;
  markSelected();
}

export function renderCategories() {
  var nav = $("[data-categories]");
  nav.textContent = "";
  var all = document.createElement("button");
  all.type = "button";
  all.dataset.category = "";
  all.textContent = tr("ทั้งหมด");
  nav.appendChild(all);
  categories.forEach(function (c) {
    var b = document.createElement("button");
    b.type = "button";
    b.dataset.category = c.id;
    b.textContent = thai ? c.name_th : c.name_en;
    nav.appendChild(b);
  });
  markCategory();
}

function markCategory() {
  $all("[data-categories] button").forEach(function (b) {
    var id = b.dataset.category === "" ? null : Number(b.dataset.category);
    b.classList.toggle("active", id === search.category);
    b.setAttribute("aria-pressed", id === search.category ? "true" : "false");
  });
}

var coarse = window.matchMedia && matchMedia("(pointer: coarse)").matches;
/* Keep the keyboard focus in the scan input; on a touch screen do not pop the keyboard up. */
function refocusAfterTouch() { if (!coarse) focusScan(); }

/* A product picked in the grid goes to `onPick` (the cart's). */
export function bindGrid(onPick) {
  $("[data-grid]").addEventListener("click", function (event) {
    var button = event.target.closest(".card-product");
    if (!button) return;
    onPick(search.results[Number(button.dataset.index)]);
    refocusAfterTouch();
  });
  $("[data-more]").addEventListener("click", function () { appendCards($("[data-grid]")); });
  $("[data-categories]").addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    search.category = button.dataset.category === "" ? null : Number(button.dataset.category);
    markCategory();
    runSearch();
    refocusAfterTouch();
  });
}

/* No category chosen: the grid shows the whole catalogue. */
export function browsingAll() { return search.category === null; }
