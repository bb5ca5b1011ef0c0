/* The browser till: the catalogue in memory (Maps by id, barcode and SKU), kept on the device
   (IndexedDB) and refreshed by deltas; what a scan finds, the search over it and the product
   grid with its categories. */

import { apiOk, baht, percentText, thai, tr } from "./shared.js";
import { idbGet, idbPut, openDatabase } from "./idb.js";
import { $, $all, asciiDigits, config, focusScan } from "./till.js";
import { enterPick, exactPick, prepare } from "./search_rank.js";
import { buildIndex, indexBuilder, searchIndex } from "./till_search.js";

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
/* The answer of GET /api/v1/till/catalogue as it was last whole (rows by position, see
   `columns`), kept on the device so that the till opens offline; deltas patch it. */
var held = null;  // { till_id, version, columns, rows: Map id -> row, makers: Map, categories }
var products = [];
var position = new Map();  // product id -> index in `products`
var byId = new Map();
var byBarcode = new Map();
var bySku = new Map();
var categories = [];
var col = {};

function product(row, old) {
  var maker = held.makers.get(row[col.entrepreneur_id]) || { name_th: "", name_en: "" };
  var p = {
    id: row[col.id], barcode: row[col.barcode], sku: row[col.sku],
    name_th: row[col.name_th], name_en: row[col.name_en], price: row[col.price_satang],
    vat: row[col.vat], category_id: row[col.category_id], maker: maker, on_hand: row[col.on_hand],
    photo: col.photo === undefined ? null : row[col.photo],
    // The agreed markdown in `price` (0: none) and the list price before it (older catalogues
    // kept on a device have neither column).
    markdown: col.markdown_bp === undefined ? 0 : row[col.markdown_bp] || 0,
    list_price: col.list_price_satang === undefined ? row[col.price_satang] : row[col.list_price_satang],
    // What search reads (formOf): an old product's when nothing it reads changed.
    form: null
  };
  if (old && old.form && old.name_th === p.name_th && old.name_en === p.name_en && old.sku === p.sku &&
      old.barcode === p.barcode && old.maker.name_th === maker.name_th &&
      old.maker.name_en === maker.name_en) p.form = old.form;
  return p;
}

/* What search reads of a product, normalised (search_rank.js ranks it as the server does):
   made when first needed, not for every product as the till starts. */
function formOf(p) {
  return p.form || (p.form = prepare({
    name_th: p.name_th, name_en: p.name_en, sku: p.sku, barcode: p.barcode,
    maker_th: p.maker.name_th, maker_en: p.maker.name_en
  }));
}

function setCategories(list) {
  categories = list.map(function (c) { return { id: c[0], name_th: c[1], name_en: c[2] }; });
}

function addMakers(list) {
  list.forEach(function (e) { held.makers.set(e[0], { name_th: e[1], name_en: e[2] }); });
}

function indexCatalogue(data) {
  col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });
  held = { till_id: data.till_id, version: data.version || "", columns: data.columns, rows: new Map(), makers: new Map() };
  addMakers(data.entrepreneurs);
  setCategories(data.categories);
  products = new Array(data.products.length);
  position = new Map();
  byId = new Map();
  byBarcode = new Map();
  bySku = new Map();
  for (var i = 0; i < data.products.length; i++) {
    var row = data.products[i];
    var p = product(row);
    held.rows.set(p.id, row);
    products[i] = p;
    position.set(p.id, i);
    byId.set(p.id, p);
    byBarcode.set(p.barcode, p);
    bySku.set(p.sku.toLowerCase(), p);
  }
  dropIndex();
}

function forget(id) {
  var old = byId.get(id);
  if (!old) return;
  byId.delete(id);
  if (byBarcode.get(old.barcode) === old) byBarcode.delete(old.barcode);
  if (bySku.get(old.sku.toLowerCase()) === old) bySku.delete(old.sku.toLowerCase());
}

function byName(a, b) {
  if (a.name_th !== b.name_th) return a.name_th < b.name_th ? -1 : 1;
  return a.id - b.id;
}

/* A delta (see pos/tills/catalogue.py): rows replace the ones held, removed ids go, on-hand
   values replace on-hand. Idempotent: the server sends a change again for a while. New
   objects, never changed ones: a cart line keeps the product it was rung up with. True when
   anything the till shows changed. */
function applyDelta(data) {
  addMakers(data.entrepreneurs);
  var changed = [], resort = false;
  function put(row) {
    var old = held.rows.get(row[col.id]);
    if (old && JSON.stringify(old) === JSON.stringify(row)) return;
    held.rows.set(row[col.id], row);
    changed.push(row);
    if (!old || old[col.name_th] !== row[col.name_th]) resort = true;
  }
  data.products.forEach(put);
  data.on_hand.forEach(function (pair) {
    var row = held.rows.get(pair[0]);
    if (row && row[col.on_hand] !== pair[1]) { row = row.slice(); row[col.on_hand] = pair[1]; put(row); }
  });
  var removed = data.removed.filter(function (id) { return held.rows.delete(id); });
  var categoriesChanged = JSON.stringify(categories.map(function (c) { return [c.id, c.name_th, c.name_en]; })) !==
    JSON.stringify(data.categories);
  if (categoriesChanged) setCategories(data.categories);
  held.version = data.version;
  if (!changed.length && !removed.length) return categoriesChanged;
  removed.forEach(forget);
  changed.forEach(function (row) {
    var p = product(row, byId.get(row[col.id]));
    if (!p.form) dropIndex();
    forget(row[col.id]);
    byId.set(p.id, p);
    byBarcode.set(p.barcode, p);
    bySku.set(p.sku.toLowerCase(), p);
    if (!resort) products[position.get(p.id)] = p;
  });
  if (resort || removed.length) {
    dropIndex();
    products = Array.from(byId.values()).sort(byName);
    position = new Map();
    products.forEach(function (p, i) { position.set(p.id, i); });
  }
  return true;
}

/* What the device keeps: the shape of a whole answer, so that reading it back is indexing it. */
function snapshot() {
  return {
    till_id: held.till_id, version: held.version, columns: held.columns,
    products: products.map(function (p) { return held.rows.get(p.id); }),
    categories: categories.map(function (c) { return [c.id, c.name_th, c.name_en]; }),
    entrepreneurs: Array.from(held.makers, function (e) { return [e[0], e[1].name_th, e[1].name_en]; })
  };
}

/* --- the device's copy (IndexedDB), and the refresh by deltas ------------------------------ */
var STORE = "catalogue";
var deviceDb = null;
function device() {
  deviceDb = deviceDb || openDatabase("otop-till-catalogue", 1, function (db) {
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
  }).catch(function (error) { deviceDb = null; throw error; });
  return deviceDb;
}
function readSaved(tillId) {
  return device().then(function (db) { return idbGet(db, STORE, tillId); }).catch(function () { return null; });
}
/* Keep the catalogue on the device: soon after a whole one came, and after deltas at most
   every SAVE_EVERY_MS. Storing is a copy of the whole catalogue on the page's thread (a
   fifth of a second at 73,240 products): not every half-minute refresh, and never in the
   middle of a start-up or a scan. A copy some minutes old costs only a longer delta on the
   next start. */
var SAVE_EVERY_MS = 5 * 60 * 1000;
var saving = null;
var savedAt = 0;
function save() {
  var kept = snapshot();
  savedAt = Date.now();
  return device().then(function (db) { return idbPut(db, STORE, kept, kept.till_id); }).catch(function () { /* a cache */ });
}
function saveSoon(now) {
  if (saving && !now) return;
  clearTimeout(saving);
  var wait = now ? 0 : Math.max(0, savedAt + SAVE_EVERY_MS - Date.now());
  saving = setTimeout(function () { saving = null; if (held) save(); }, wait);
}

function fetchCatalogue(tillId, since) {
  var url = "/api/v1/till/catalogue?till_id=" + tillId + (since ? "&since=" + encodeURIComponent(since) : "");
  return apiOk("GET", url);
}

/* The whole catalogue from the server, kept on the device. */
function loadWhole(tillId) {
  return fetchCatalogue(tillId, null).then(function (data) { indexCatalogue(data); saveSoon(true); });
}

var refreshing = null;
var searchStale = false;
/* What changed on the server since the version held (the whole catalogue when the server
   says the version is too old); the grid is redrawn unless the cashier is searching. */
export function refreshCatalogue() {
  if (!held) return Promise.resolve(false);
  if (refreshing) return refreshing;
  var tillId = held.till_id;
  refreshing = fetchCatalogue(tillId, held.version).then(function (data) {
    if (!held || held.till_id !== tillId) return false;
    var changed = true, before = held.version;
    if (data.full) indexCatalogue(data);
    else changed = applyDelta(data);
    if (changed) redraw();
    if (data.full) saveSoon(true);
    else if (held.version !== before) saveSoon(false);
    return changed;
  }).finally(function () { refreshing = null; });
  return refreshing;
}

var refreshTimer = null;
function refreshEvery(seconds) {
  if (refreshTimer) return;
  refreshTimer = setInterval(function () { refreshCatalogue().catch(function () { /* offline: next time */ }); }, seconds * 1000);
}

function redraw() {
  if (!document.body.dataset.ready) return;  // the start-up draws it
  var searching = normalize(search.query) !== "" || $("#scan").value.trim() !== "";
  if (searching) { searchStale = true; return; }
  renderCategories();
  runSearch();
}

export function productById(id) { return byId.get(id); }

export function productName(p) { return thai ? p.name_th : p.name_en || p.name_th; }
export function otherName(p) { return thai ? p.name_en : p.name_th; }
export function makerName(p) { return thai ? p.maker.name_th : p.maker.name_en || p.maker.name_th; }

/* The till's catalogue into memory. The first time: the device's copy when it has one (the
   till is ready at once, and offline), then what changed since in the background; the whole
   catalogue from the server otherwise. Again for the same till (a reload asked for): the
   whole catalogue from the server. Then the changes every `catalogue_refresh_seconds`. */
export function loadCatalogue(tillId) {
  refreshEvery(config.catalogue_refresh_seconds || 30);
  if (held && held.till_id === tillId) return loadWhole(tillId);
  return readSaved(tillId).then(function (saved) {
    if (!saved || !saved.version || saved.till_id !== tillId) return loadWhole(tillId);
    indexCatalogue(saved);
    savedAt = Date.now();  // what is on the device is as good as a save now
    refreshCatalogue().catch(function () { /* offline: the device's copy serves */ });
  });
}

/* A scanned or typed code: a barcode, a SKU, or a barcode typed on a Thai layout. */
export function lookup(code) {
  var ascii = asciiDigits(code);
  return byBarcode.get(ascii) || bySku.get(ascii.toLowerCase()) || byBarcode.get(kedmanee(code) || "") || null;
}

/* --- search and the product grid ---------------------------------------------------------- */
// `chosen`: the cashier moved the selection (arrow keys) since the last search.
var search = { category: null, query: "", results: [], shown: 0, selected: -1, chosen: false, timer: null };

function normalize(text) { return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim(); }

/* The products of the chosen category that match the query, ranked as the server ranks them
   (search_rank.js: barcode or SKU, then the product's own names, then the rest, the maker's
   name last), catalogue order within a rank. */
export function runSearch() {
  var started = performance.now();
  clearTimeout(search.timer);
  search.timer = null;
  var category = search.category, pick = null;
  if (normalize(search.query)) {
    var tiers = searchIndex(searchable(), search.query, category === null ? null : function (i) {
      return products[i].category_id === category;
    });
    var results = new Array(tiers[0].length + tiers[1].length + tiers[2].length + tiers[3].length);
    var k = 0;
    for (var t = 0; t < tiers.length; t++) {
      for (var i = 0; i < tiers[t].length; i++) results[k++] = products[tiers[t][i]];
    }
    search.results = results;
    // Marked: what Enter would add; none when the cashier must choose (the arrows start there).
    pick = results.length === 1 ? results[0] :
      exactPick(search.query, results.slice(0, tiers[0].length + tiers[1].length), formOf);
  } else {
    search.results = category === null ? products.slice() : products.filter(function (p) { return p.category_id === category; });
  }
  search.selected = pick ? search.results.indexOf(pick) : -1;
  search.chosen = false;
  renderGrid();
  // How long a search takes, for the benchmark (bench/till_browser.py) and DevTools.
  performance.clearMeasures("till-search");
  performance.measure("till-search", { start: started });
  indexSoon();
}

/* --- the search index (till_search.js) --------------------------------------------------- */
/* Made from the products' forms, in slices between other work once the till is ready (a
   scan never waits more than a slice), or at once when a search comes first; dropped when
   the catalogue changes what search reads or the products' order. */
var index = null;
var generation = 0;  // a new one each time the index is dropped
var indexing = null;
var INDEX_SLICE = 2000;

function dropIndex() { index = null; generation++; }

function searchable() {
  if (!index) index = buildIndex(products.map(formOf));
  return index;
}

function indexSoon() {
  if (index || indexing) return;
  var builder = indexBuilder(products.length), mine = generation, next = 0;
  indexing = setTimeout(function slice() {
    indexing = null;
    if (index) return;  // a search came first
    if (mine !== generation) { indexSoon(); return; }  // the catalogue changed: start again
    var end = Math.min(products.length, next + INDEX_SLICE);
    builder.add(products.slice(next, end).map(formOf));
    next = end;
    if (next < products.length) { indexing = setTimeout(slice, 0); return; }
    index = builder.done();
    // Two searches of its own, broad ones in each script, thrown away: the engine compiles
    // the search on them, so the cashier's first search is as quick as the later ones
    // (at 73,240 products a first "ผ้า" took 30 ms, the next ones 15).
    searchIndex(index, "ก");
    searchIndex(index, "a");
  }, 0);
}

export function scheduleSearch() {
  var text = $("#scan").value;
  search.query = text;
  clearTimeout(search.timer);
  var digits = /^\s*[0-9๐-๙]+\s*$/.test(text) || kedmanee(text.trim()) !== null;
  search.timer = setTimeout(runSearch, digits ? DIGIT_SEARCH_DELAY_MS : TEXT_SEARCH_DELAY_MS);
}

/* Enter on text that is no code: only an unambiguous match (the one result, or the one
   product named exactly so), or the product the cashier chose with the arrow keys; searched
   now if the debounced search has not run on this text yet; never for digits (a failed scan).
   Null otherwise: searchCount() tells whether there was a list to choose from. */
export function searchPick(raw) {
  if (search.timer || normalize(search.query) !== normalize(raw)) { search.query = raw; runSearch(); }
  if (/^\d+$/.test(asciiDigits(raw))) return null;
  if (search.chosen && search.selected >= 0) return search.results[search.selected];
  return enterPick(raw, search.results, formOf);
}

export function searchCount() { return search.results.length; }

/* The scan input was emptied: the grid goes back to browsing only if a search had filtered it. */
export function clearSearch() {
  clearTimeout(search.timer);
  search.timer = null;
  var searched = normalize(search.query) !== "";
  search.query = "";
  // A delta that came while the cashier searched is drawn now.
  if (searchStale) renderCategories();
  if (searched || searchStale) runSearch();
  searchStale = false;
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
  if (p.markdown) button.insertBefore(markdownNote(p, "card-markdown"), button.children[3]);
  if (p.photo) {
    button.classList.add("has-photo");
    button.appendChild(photo(p));
  }
  return button;
}

/* A product marked down under its entrepreneur's terms: "ลด 10%" and the list price struck
   through (the card's and the cart line's). */
export function markdownNote(p, className) {
  var note = document.createElement("span");
  note.className = className;
  var tag = document.createElement("b");
  tag.className = "markdown-tag";
  tag.textContent = tr("ลด {p}%").replace("{p}", percentText(p.markdown));
  var was = document.createElement("s");
  was.textContent = baht(p.list_price);
  was.title = tr("ราคาป้าย");
  note.append(tag, " ", was);
  return note;
}

/* The product's thumbnail: a fixed 48 px box (the card does not move as it loads), loaded
   only when the card scrolls into view; an immutable URL (the key is the photo's hash). */
function photo(p) {
  var img = document.createElement("img");
  img.className = "card-photo";
  img.alt = "";
  img.width = 48;
  img.height = 48;
  img.loading = "lazy";
  img.decoding = "async";
  img.addEventListener("error", function () { img.classList.add("failed"); });
  img.src = "/photos/products/" + p.id + "/" + encodeURIComponent(p.photo) + "/thumb.webp";
  return img;
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
  var next = search.selected < 0 ? 0 : Math.max(0, Math.min(search.results.length - 1, search.selected + step));
  while (next >= search.shown) appendCards($("[data-grid]"));
  search.selected = next;
  search.chosen = true;
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
