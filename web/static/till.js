/* The browser till, part 1 of 3: helpers, the catalogue in memory, search, the cart and its
   totals, the scan input, the till and its shift. till_pay.js takes payments exactly once;
   till_day.js is the cashier's day menu. They share `window.Till`. Plain DOM, no framework.

   Speed: the whole catalogue is loaded once (/api/v1/till/catalogue) and kept in Maps, so a
   scanned barcode is one Map lookup and one new cart row; the product grid is re-rendered
   only when the cashier searches or picks a category (debounced, never per scanner key). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("till-config").textContent);
  var thai = (document.documentElement.lang || "th") !== "en";
  function tr(th, en) { return thai ? th : en; }

  var KEY_TILL = "otop.till.id";
  var GRID_PAGE = 48;
  var MAX_QTY = 100000;
  // A barcode scanner types a dozen digits within a few ms: wait before searching digits,
  // so that a scan ends with Enter before the grid is touched.
  var DIGIT_SEARCH_DELAY_MS = 300;
  var TEXT_SEARCH_DELAY_MS = 40;
  // A scanner on a Thai (Kedmanee) keyboard layout types these for 1234567890.
  var KEDMANEE_DIGITS = { "ๅ": "1", "/": "2", "-": "3", "ภ": "4", "ถ": "5", "ุ": "6", "ึ": "7", "ค": "8", "ต": "9", "จ": "0" };

  var T = (window.Till = { config: config, tr: tr, thai: thai });

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

  function kedmanee(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var digit = KEDMANEE_DIGITS[text[i]];
      if (digit === undefined) return null;
      out += digit;
    }
    return out;
  }

  function roundHalfUpDiv(numerator, denominator) {
    return Math.floor((2 * numerator + denominator) / (2 * denominator));
  }

  /* pos/pricing.py allocate(): largest remainder, ties to the earlier weight; exact in BigInt. */
  function allocate(amount, weights) {
    var total = weights.reduce(function (a, w) { return a + w; }, 0);
    if (total === 0 || amount === 0) return weights.map(function () { return 0; });
    var big = BigInt(amount), bigTotal = BigInt(total);
    var shares = weights.map(function (w) { return Number((big * BigInt(w)) / bigTotal); });
    var remainders = weights.map(function (w) { return Number((big * BigInt(w)) % bigTotal); });
    var left = amount - shares.reduce(function (a, s) { return a + s; }, 0);
    var order = weights.map(function (_, i) { return i; }).sort(function (a, b) {
      return remainders[b] - remainders[a] || a - b;
    });
    for (var i = 0; i < left; i++) shares[order[i]] += 1;
    return shares;
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
        var product = productById.get(s.product_id);
        var name = product ? productName(product) : s.name || "#" + s.product_id;
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

  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 330; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.18);
    } catch (e) { /* no sound: the message still shows */ }
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

  /* --- the catalogue in memory ------------------------------------------------------------- */
  var products = [];
  var productById = new Map();
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
    productById = new Map();
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
      productById.set(p.id, p);
      byBarcode.set(p.barcode, p);
      bySku.set(p.sku.toLowerCase(), p);
    }
  }

  function productName(p) { return thai ? p.name_th : p.name_en || p.name_th; }
  function otherName(p) { return thai ? p.name_en : p.name_th; }
  function makerName(p) { return thai ? p.maker.name_th : p.maker.name_en || p.maker.name_th; }

  function loadCatalogue(tillId) {
    return apiOk("GET", "/api/v1/till/catalogue?till_id=" + tillId).then(indexCatalogue);
  }

  /* --- search and the product grid ---------------------------------------------------------- */
  var search = { category: null, query: "", results: [], shown: 0, selected: -1, timer: null };

  function normalize(text) { return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim(); }

  function runSearch() {
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
    T.lastSearchMs = performance.now() - started;
  }

  function scheduleSearch() {
    var text = $("#scan").value;
    search.query = text;
    clearTimeout(search.timer);
    var digits = /^\s*[0-9๐-๙]+\s*$/.test(text) || kedmanee(text.trim()) !== null;
    search.timer = setTimeout(runSearch, digits ? DIGIT_SEARCH_DELAY_MS : TEXT_SEARCH_DELAY_MS);
  }

  function renderGrid() {
    var grid = $("[data-grid]");
    grid.textContent = "";
    search.shown = 0;
    appendCards(grid);
    var count = search.results.length;
    $("[data-result-count]").textContent = count + " " + tr("รายการ", count === 1 ? "item" : "items");
    if (!count) {
      var empty = document.createElement("p");
      empty.className = "till-loading";
      empty.textContent = tr("ไม่พบสินค้า", "Nothing found");
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
    var stock = p.on_hand > 0 ? tr("เหลือ ", "") + p.on_hand + tr("", " left") : tr("หมด", "out");
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

  function moveSelection(step) {
    if (!search.results.length) return;
    var next = Math.max(0, Math.min(search.results.length - 1, search.selected + step));
    while (next >= search.shown) appendCards($("[data-grid]"));
    search.selected = next;
    markSelected();
  }

  function renderCategories() {
    var nav = $("[data-categories]");
    nav.textContent = "";
    var all = document.createElement("button");
    all.type = "button";
    all.dataset.category = "";
    all.textContent = tr("ทั้งหมด", "All");
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

  /* --- the cart ----------------------------------------------------------------------------- */
  var cart = { lines: [], cartDiscount: 0, current: null, approval: null };
  var lineRows = new Map(); // product id -> <li>

  function findLine(productId) {
    for (var i = 0; i < cart.lines.length; i++) if (cart.lines[i].product.id === productId) return cart.lines[i];
    return null;
  }

  function addProduct(p, quantity) {
    T.hideDone();
    message(null);
    var line = findLine(p.id);
    if (line) {
      setQuantity(line, line.quantity + (quantity || 1));
      bump(line);
    } else {
      line = { product: p, quantity: Math.min(MAX_QTY, quantity || 1), discount: 0 };
      cart.lines.push(line);
      var row = $("#tpl-line").content.firstElementChild.cloneNode(true);
      row.dataset.product = p.id;
      $("[data-name]", row).textContent = productName(p);
      $("[data-name-en]", row).textContent = otherName(p);
      $("[data-maker]", row).textContent = makerName(p);
      $("[data-unit]", row).textContent = "@ " + baht(p.price);
      lineRows.set(p.id, row);
      $("[data-cart]").appendChild(row);
      renderLine(line);
      cartChanged();
    }
    setCurrent(line);
    return line;
  }

  function bump(line) {
    var row = lineRows.get(line.product.id);
    row.classList.remove("bump");
    void row.offsetWidth; // restart the animation
    row.classList.add("bump");
  }

  function setQuantity(line, quantity) {
    if (!(quantity >= 1)) return removeLine(line);
    line.quantity = Math.min(MAX_QTY, Math.floor(quantity));
    var gross = line.product.price * line.quantity;
    if (line.discount > gross) line.discount = gross;
    renderLine(line);
    cartChanged();
  }

  function removeLine(line) {
    var index = cart.lines.indexOf(line);
    if (index === -1) return;
    cart.lines.splice(index, 1);
    lineRows.get(line.product.id).remove();
    lineRows.delete(line.product.id);
    if (cart.current === line) setCurrent(cart.lines[cart.lines.length - 1] || null);
    cartChanged();
  }

  function setCurrent(line) {
    if (cart.current && lineRows.has(cart.current.product.id)) lineRows.get(cart.current.product.id).classList.remove("current");
    cart.current = line;
    if (!line) return;
    var row = lineRows.get(line.product.id);
    row.classList.add("current");
    row.scrollIntoView({ block: "nearest" });
  }

  function renderLine(line) {
    var row = lineRows.get(line.product.id);
    var qty = $("[data-qty]", row);
    if (document.activeElement !== qty) qty.value = line.quantity;
    var gross = line.product.price * line.quantity;
    $("[data-line-total]", row).textContent = baht(gross - line.discount);
    $("[data-line-discount]", row).textContent = line.discount ? "−" + baht(line.discount) : tr("ส่วนลด", "discount");
    $("[data-line-discount]", row).classList.toggle("has", line.discount > 0);
    var short = $("[data-short]", row);
    short.hidden = line.quantity <= line.product.on_hand;
    short.textContent = line.product.on_hand > 0 ? tr("มีเพียง ", "only ") + line.product.on_hand : tr("ไม่มีในสต็อก", "not in stock");
  }

  function clearCart() {
    cart.lines = [];
    cart.cartDiscount = 0;
    cart.current = null;
    cart.approval = null;
    lineRows.clear();
    $("[data-cart]").textContent = "";
    cartChanged();
  }

  /* The sale's money as pos/pricing.py computes it; the server's figures win once posted. */
  function pricing() {
    var afterLine = cart.lines.map(function (l) { return l.product.price * l.quantity - l.discount; });
    var shares = allocate(Math.min(cart.cartDiscount, afterLine.reduce(function (a, b) { return a + b; }, 0)), afterLine);
    var subtotal = 0, total = 0, vat = 0, items = 0;
    cart.lines.forEach(function (l, i) {
      var lineTotal = afterLine[i] - shares[i];
      subtotal += l.product.price * l.quantity;
      total += lineTotal;
      items += l.quantity;
      if (l.product.vat) vat += roundHalfUpDiv(lineTotal * 7, 107);
    });
    return { subtotal: subtotal, discount: subtotal - total, total: total, vat: vat, items: items };
  }

  var broadcastPending = false;
  function cartChanged() {
    var money = pricing();
    $("[data-subtotal]").textContent = baht(money.subtotal);
    $("[data-item-count]").textContent = money.items ? "(" + money.items + " " + tr("ชิ้น", money.items === 1 ? "item" : "items") + ")" : "";
    $all("[data-discount-row]").forEach(function (el) { el.hidden = !money.discount; });
    $("[data-discount]").textContent = "−" + baht(money.discount);
    $("[data-vat]").textContent = baht(money.vat);
    $("[data-total]").textContent = "฿" + baht(money.total);
    $("[data-empty]").hidden = cart.lines.length > 0;
    document.body.classList.toggle("cart-empty", cart.lines.length === 0);
    if (!broadcastPending) {
      broadcastPending = true;
      // Coalesced per task (not per frame: a till window behind another gets no frames).
      Promise.resolve().then(function () {
        broadcastPending = false;
        T.broadcastCart();
      });
    }
  }

  function totalDiscount() {
    return cart.lines.reduce(function (a, l) { return a + l.discount; }, 0) + cart.cartDiscount;
  }

  /* A cashier's discount above the limit needs a manager (the server checks it again). */
  function needsApproval() {
    if (config.user.role !== "cashier") return false;
    var money = pricing();
    return money.discount * 100 > money.subtotal * config.discount_approval_percent;
  }

  function approvalValid() {
    var a = cart.approval;
    return !!a && a.discount >= totalDiscount() && Date.parse(a.expires_at) - Date.now() > 15000;
  }

  /* What the cart becomes in POST /api/v1/sales. */
  function saleBody(payments) {
    var body = {
      till_id: state.till.id,
      lines: cart.lines.map(function (l) {
        var line = { product_id: l.product.id, quantity: l.quantity };
        if (l.discount) line.discount_satang = l.discount;
        return line;
      }),
      payments: payments
    };
    if (cart.cartDiscount) body.cart_discount_satang = cart.cartDiscount;
    if (cart.approval && needsApproval()) body.approval_token = cart.approval.token;
    return body;
  }

  function cartSnapshot() {
    return {
      lines: cart.lines.map(function (l) { return [l.product.id, l.quantity, l.discount]; }),
      cart_discount: cart.cartDiscount
    };
  }

  function restoreCart(snapshot) {
    if (!snapshot) return;
    clearCart();
    snapshot.lines.forEach(function (l) {
      var p = productById.get(l[0]);
      if (!p) return;
      var line = addProduct(p, l[1]);
      line.discount = l[2] || 0;
      renderLine(line);
    });
    cart.cartDiscount = snapshot.cart_discount || 0;
    cartChanged();
  }

  /* After a completed sale: what left the shelf is no longer on hand here. */
  function applySold(sale) {
    sale.lines.forEach(function (l) {
      var p = productById.get(l.product_id);
      if (p) p.on_hand -= l.quantity;
    });
  }

  /* --- discounts and quantity (one small amount dialog) ------------------------------------- */
  var amountDialog = { onValue: null };

  function askAmount(options) {
    var box = openDialog("amount");
    $("[data-amount-title]", box).textContent = options.title;
    $("[data-amount-hint]", box).textContent = options.hint || "";
    $("[data-amount-label]", box).textContent = options.label;
    $("[data-amount-percent]", box).hidden = !options.percentOf;
    var input = $("[name=value]", box);
    input.value = options.value || "";
    input.inputMode = options.integer ? "numeric" : "decimal";
    amountDialog.options = options;
    input.select();
    input.focus();
  }

  function bindAmountDialog() {
    var box = dialog("amount");
    var form = $("[data-amount-form]", box);
    var input = $("[name=value]", form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = amountDialog.options;
      var value;
      if (options.integer) {
        var text = asciiDigits(input.value.trim());
        value = /^\d{1,6}$/.test(text) ? Number(text) : null;
      } else {
        value = parseBaht(input.value);
        if (value === undefined) value = 0;
      }
      var problem = value === null ? tr("ตัวเลขไม่ถูกต้อง", "Not a valid number") : options.check(value);
      if (problem) { showError(box, new Error(problem)); input.select(); return; }
      closeDialog("amount");
      options.apply(value);
    });
    $all("[data-percent]", form).forEach(function (button) {
      button.addEventListener("click", function () {
        var base = amountDialog.options.percentOf;
        var percent = Number(button.dataset.percent);
        input.value = baht(roundHalfUpDiv(base * percent, 100)).replace(/,/g, "");
        form.requestSubmit();
      });
    });
  }

  function lineDiscount(line) {
    line = line || cart.current;
    if (!line) return;
    var gross = line.product.price * line.quantity;
    askAmount({
      title: tr("ส่วนลดรายการ", "Line discount") + ": " + productName(line.product),
      hint: tr("ราคารวมของรายการ ", "Line price ") + baht(gross),
      label: tr("ส่วนลด (บาท)", "Discount (baht)"),
      value: line.discount ? baht(line.discount).replace(/,/g, "") : "",
      percentOf: gross,
      check: function (v) { return v > gross ? tr("ส่วนลดมากกว่าราคารายการ", "More than the line's price") : null; },
      apply: function (v) { line.discount = v; renderLine(line); cartChanged(); afterDiscount(); }
    });
  }

  function cartDiscountDialog() {
    if (!cart.lines.length) return;
    var afterLines = pricing().total + cart.cartDiscount;
    askAmount({
      title: tr("ส่วนลดท้ายบิล", "Cart discount"),
      hint: tr("ยอดหลังส่วนลดรายการ ", "After line discounts ") + baht(afterLines),
      label: tr("ส่วนลด (บาท)", "Discount (baht)"),
      value: cart.cartDiscount ? baht(cart.cartDiscount).replace(/,/g, "") : "",
      percentOf: afterLines,
      check: function (v) { return v > afterLines ? tr("ส่วนลดมากกว่ายอดขาย", "More than the sale") : null; },
      apply: function (v) { cart.cartDiscount = v; cartChanged(); afterDiscount(); }
    });
  }

  /* Ask for the manager while they are at the till, not when the customer is paying. */
  function afterDiscount() {
    if (!needsApproval() || approvalValid()) return;
    T.approve("discount", tr("ส่วนลดรวม ", "Total discount ") + baht(totalDiscount()) + tr(" บาท เกิน ", " baht is over ") +
      config.discount_approval_percent + tr("% ของยอดขาย", "% of the sale")).then(function (token) {
      cart.approval = { token: token.approval_token, expires_at: token.expires_at, discount: totalDiscount(), by: token.approver_name };
      message(tr("อนุมัติส่วนลดโดย ", "Discount approved by ") + token.approver_name, "ok");
    }, function () {
      message(tr("ส่วนลดนี้ต้องให้ผู้จัดการอนุมัติก่อนชำระเงิน", "A manager must approve this discount before payment"));
    });
  }

  function askQuantity(line) {
    line = line || cart.current;
    if (!line) return;
    askAmount({
      title: tr("จำนวน", "Quantity") + ": " + productName(line.product),
      label: tr("จำนวน (ชิ้น)", "Quantity"),
      value: String(line.quantity),
      integer: true,
      check: function (v) { return v < 1 || v > MAX_QTY ? tr("จำนวน 1 ถึง ", "1 to ") + MAX_QTY : null; },
      apply: function (v) { setQuantity(line, v); }
    });
  }

  /* --- the scan input ----------------------------------------------------------------------- */
  function focusScan() {
    var scan = $("#scan");
    if (!anyDialogOpen() && !scan.disabled) scan.focus();
  }

  function lookup(code) {
    var ascii = asciiDigits(code);
    return byBarcode.get(ascii) || bySku.get(ascii.toLowerCase()) || byBarcode.get(kedmanee(code) || "") || null;
  }

  function onEnter(scan) {
    var started = performance.now();
    var raw = scan.value.trim();
    if (!raw) {
      if (T.doneVisible()) T.hideDone();
      return;
    }
    var setQty = /^[*xX×](\d{1,6})$/.exec(asciiDigits(raw));
    if (setQty) {
      if (cart.current) setQuantity(cart.current, Number(setQty[1]));
      clearScan(scan);
      return;
    }
    var times = /^(\d{1,5})\s*[*xX×]\s*(\S+)$/.exec(asciiDigits(raw));
    var quantity = times ? Number(times[1]) : 1;
    var p = lookup(times ? times[2] : raw);
    if (!p) {
      if (search.timer || normalize(search.query) !== normalize(raw)) { search.query = raw; runSearch(); }
      if (search.selected >= 0 && !/^\d+$/.test(asciiDigits(raw))) p = search.results[search.selected];
    }
    if (!p) {
      beep();
      message(tr("ไม่พบสินค้า: ", "No product: ") + raw);
      scan.select();
      return;
    }
    addProduct(p, quantity);
    clearScan(scan);
    // Barcode to screen: the new row is in the DOM now; it is painted at the next frame.
    requestAnimationFrame(function () { T.lastScanMs = performance.now() - started; });
  }

  /* Empty the input; the grid goes back to browsing only if a search had filtered it. */
  function clearScan(scan) {
    scan.value = "";
    clearTimeout(search.timer);
    search.timer = null;
    var searched = normalize(search.query) !== "";
    search.query = "";
    if (searched) runSearch();
  }

  function onScanKey(event) {
    var scan = event.target;
    if (event.isComposing) return;
    if (event.key === "Enter") { event.preventDefault(); onEnter(scan); return; }
    if (event.key === "ArrowDown") { event.preventDefault(); moveSelection(1); return; }
    if (event.key === "ArrowUp") { event.preventDefault(); moveSelection(-1); return; }
    if (event.key === "Escape") {
      clearScan(scan);
      message(null);
      T.hideDone();
      return;
    }
    if (scan.value !== "" || !cart.current) return;
    if (event.key === "+") { event.preventDefault(); setQuantity(cart.current, cart.current.quantity + 1); }
    else if (event.key === "-") { event.preventDefault(); setQuantity(cart.current, cart.current.quantity - 1); }
    else if (event.key === "Delete") { event.preventDefault(); removeLine(cart.current); }
  }

  var SHORTCUTS = {
    F2: function () { askQuantity(); },
    F3: function () { T.openMenu(); },
    F4: function () { lineDiscount(); },
    F6: function () { cartDiscountDialog(); },
    F7: function () { T.openPay("split"); },
    F8: function () { T.openPay("cash"); },
    F9: function () { T.openPay("promptpay"); }
  };

  function onDocumentKey(event) {
    var shortcut = SHORTCUTS[event.key];
    if (shortcut) {
      event.preventDefault();
      if (dialog("pay").open && /^F[789]$/.test(event.key)) { T.openPay(event.key === "F8" ? "cash" : event.key === "F9" ? "promptpay" : "split"); return; }
      if (!anyDialogOpen() && state.ready) shortcut();
      return;
    }
    if (anyDialogOpen()) return;
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    // A key pressed anywhere else belongs to the scan input (a scanner does not aim).
    if (event.key.length === 1 || event.key === "Enter") focusScan();
    if (event.key === "Enter" && document.activeElement === $("#scan")) { event.preventDefault(); onEnter($("#scan")); }
  }

  /* Keys that land in a printed frame (printing, or a click on the receipt, can give it the
     focus) still belong to the till: a scan must not be lost while a receipt prints. */
  function keyFromFrame(event) {
    if (SHORTCUTS[event.key] || anyDialogOpen()) { onDocumentKey(event); return; }
    var scan = $("#scan");
    focusScan();
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      scan.value += event.key;
      scheduleSearch();
    } else if (event.key === "Enter") {
      event.preventDefault();
      onEnter(scan);
    }
  }

  function watchFrame(frame) {
    try { frame.contentWindow.addEventListener("keydown", keyFromFrame); } catch (e) { /* another origin */ }
  }

  /* --- the till and its shift ---------------------------------------------------------------- */
  var state = { till: null, shift: null, ready: false, tills: [] };

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
    if (!list.children.length) showError(box, new Error(tr("ยังไม่มีเครื่องขาย: ให้ผู้จัดการลงทะเบียนก่อน", "No till is registered yet: ask a manager")));
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
    T.connectDisplay(till.id);
    var scan = $("#scan");
    scan.disabled = true;
    return Promise.all([catalogueLoading || loadCatalogue(till.id), loadShift(till.id)]).then(function (results) {
      setShift(results[1]);
      renderCategories();
      runSearch();
      scan.disabled = false;
      state.ready = true;
      T.resume();
      if (!shiftUsable()) openShiftDialog();
      else focusScan();
      if (!document.body.dataset.ready) {
        performance.mark("till-ready");
        T.readyMs = performance.now();
        document.body.dataset.ready = "true";
      }
    }).catch(function (error) {
      message(error.message);
      $("[data-loading]") && ($("[data-loading]").textContent = error.message);
    });
  }

  function setShift(shift) {
    state.shift = shift;
    var info = $("[data-shift-info]");
    if (!shift) { info.textContent = tr("ยังไม่เปิดกะ", "No open shift"); return; }
    info.textContent = tr("กะ #", "Shift #") + shift.id + " · " + tr("เปิด ", "opened ") + bangkokTime(shift.opened_at);
  }

  /* A cashier sells only on their own shift (the server refuses otherwise). */
  function shiftUsable() {
    var s = state.shift;
    return !!s && (config.user.role !== "cashier" || s.cashier_id === config.user.id);
  }

  function openShiftDialog() {
    var box = openDialog("open");
    $("[data-open-till]", box).textContent = state.till ? state.till.code : "";
    var other = state.shift && !shiftUsable();
    var warning = $("[data-other-shift]", box);
    warning.hidden = !other;
    $("[data-open-title]", box).textContent = other ? tr("เครื่องไม่ว่าง", "Till in use:") : tr("เปิดกะ", "Open a shift");
    if (other) {
      warning.textContent = tr("กะ #", "Shift #") + state.shift.id + tr(" ของพนักงานคนอื่นยังเปิดอยู่ที่เครื่องนี้: ให้ผู้นั้นปิดกะก่อน หรือเลือกเครื่องอื่น", " of another cashier is open on this till: they must close it first, or choose another till");
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
  function denominations(container, onChange) {
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
      input.setAttribute("aria-label", key + " " + tr("บาท", "baht"));
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

  function bindOpenShift() {
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
      loadShift(state.till.id).then(function (shift) {
        setShift(shift);
        if (shiftUsable()) { closeDialog("open"); focusScan(); } else openShiftDialog();
      }, function (error) { showError(box, error); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = parseBaht(amount.value);
      if (value === undefined) value = 0;
      if (value === null) { showError(box, new Error(tr("จำนวนเงินไม่ถูกต้อง เช่น 1000 หรือ 1000.50", "Not an amount, e.g. 1000 or 1000.50"))); amount.select(); return; }
      apiOk("POST", "/api/v1/shifts", { till_id: state.till.id, opening_float_satang: value }).then(function (shift) {
        setShift(shift);
        closeDialog("open");
        message(tr("เปิดกะแล้ว เงินทอนตั้งต้น ", "Shift open, float ") + baht(value), "ok");
        focusScan();
      }, function (error) {
        if (error.status === 409) {
          loadShift(state.till.id).then(function (shift) { setShift(shift); if (shiftUsable()) { closeDialog("open"); focusScan(); } else openShiftDialog(); });
        }
        showError(box, error);
      });
    });
  }

  /* --- wiring ------------------------------------------------------------------------------- */
  function bindCart() {
    var list = $("[data-cart]");
    list.addEventListener("click", function (event) {
      var row = event.target.closest("li.line");
      if (!row) return;
      var line = findLine(Number(row.dataset.product));
      if (!line) return;
      if (event.target.closest("[data-plus]")) setQuantity(line, line.quantity + 1);
      else if (event.target.closest("[data-minus]")) setQuantity(line, line.quantity - 1);
      else if (event.target.closest("[data-remove]")) { removeLine(line); return; }
      else if (event.target.closest("[data-line-discount]")) { setCurrent(line); lineDiscount(line); return; }
      else if (event.target.closest("[data-qty]")) { setCurrent(line); return; }
      if (findLine(line.product.id)) setCurrent(line);
    });
    list.addEventListener("change", function (event) {
      if (!event.target.matches("[data-qty]")) return;
      var line = findLine(Number(event.target.closest("li.line").dataset.product));
      var text = asciiDigits(event.target.value.trim());
      if (/^\d{1,6}$/.test(text)) setQuantity(line, Number(text));
      else renderLine(line);
    });
    list.addEventListener("keydown", function (event) {
      if (event.target.matches("[data-qty]") && event.key === "Enter") {
        event.preventDefault();
        event.target.dispatchEvent(new Event("change", { bubbles: true }));
        focusScan();
      }
    });
    $("[data-cart-discount]").addEventListener("click", cartDiscountDialog);
    $("[data-clear]").addEventListener("click", function () {
      if (cart.lines.length && window.confirm(tr("ล้างรายการทั้งหมด?", "Clear every line?"))) clearCart();
      focusScan();
    });
  }

  function bindGrid() {
    $("[data-grid]").addEventListener("click", function (event) {
      var button = event.target.closest(".card-product");
      if (!button) return;
      addProduct(search.results[Number(button.dataset.index)], 1);
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

  var REFRESH_MS = 10 * 60 * 1000;
  /* On-hand changes as other tills sell: reload the catalogue now and then, when idle. */
  function refreshWhenIdle() {
    var idle = state.ready && !cart.lines.length && !T.doneVisible() && !anyDialogOpen() &&
      !T.isBusy() && $("#scan").value === "" && search.category === null;
    if (idle) T.reloadCatalogue().catch(function () { /* next time */ });
  }

  var coarse = window.matchMedia && matchMedia("(pointer: coarse)").matches;
  /* Keep the keyboard focus in the scan input; on a touch screen do not pop the keyboard up. */
  function refocusAfterTouch() { if (!coarse) focusScan(); }

  function boot() {
    var scan = $("#scan");
    scan.addEventListener("keydown", onScanKey);
    scan.addEventListener("input", scheduleSearch);
    document.addEventListener("keydown", onDocumentKey);
    $all("dialog.till-dialog").forEach(function (box) {
      box.addEventListener("close", function () { setTimeout(focusScan, 0); });
      $all("[data-close]", box).forEach(function (b) { b.addEventListener("click", function () { box.close(); }); });
    });
    $("[data-till-name]").addEventListener("click", function () {
      if (cart.lines.length) { message(tr("ขายรายการนี้ให้เสร็จก่อนเปลี่ยนเครื่อง", "Finish this sale before changing till")); return; }
      fetchTills().then(chooseTill, function (error) { message(error.message); });
    });
    bindCart();
    bindGrid();
    bindAmountDialog();
    bindOpenShift();
    T.bindPay();
    T.bindDay();

    setInterval(refreshWhenIdle, REFRESH_MS);
    var remembered = load(KEY_TILL);
    // The catalogue of the remembered till starts loading before the till list answers.
    var early = remembered ? loadCatalogue(remembered) : null;
    if (early) early.catch(function () { /* the till may be gone; chosen again below */ });
    fetchTills().then(function (tills) {
      var till = tills.filter(function (t) { return t.id === remembered && t.active; })[0];
      if (till) useTill(till, early);
      else chooseTill(tills);
    }, function (error) { message(error.message); });
  }

  Object.assign(T, {
    $: $, $all: $all, baht: baht, bangkokTime: bangkokTime, parseBaht: parseBaht, asciiDigits: asciiDigits, api: api, apiOk: apiOk,
    ApiError: ApiError, errorText: errorText, newKey: newKey, store: store, load: load,
    openDialog: openDialog, closeDialog: closeDialog, dialog: dialog, showError: showError,
    message: message, focusScan: focusScan, denominations: denominations, pricing: pricing,
    saleBody: saleBody, cartSnapshot: cartSnapshot, restoreCart: restoreCart, clearCart: clearCart,
    applySold: applySold, needsApproval: needsApproval, approvalValid: approvalValid,
    totalDiscount: totalDiscount, productById: function (id) { return productById.get(id); },
    productName: productName, makerName: makerName, lines: function () { return cart.lines; },
    cart: cart, state: state, setShift: setShift, shiftUsable: shiftUsable,
    openShiftDialog: openShiftDialog, chooseTill: function () { fetchTills().then(chooseTill); },
    reloadCatalogue: function () {
      return loadCatalogue(state.till.id).then(function () {
        var snapshot = cartSnapshot();
        restoreCart(snapshot);
        renderCategories();
        runSearch();
      });
    },
    addProduct: addProduct, lookup: lookup, watchFrame: watchFrame, fetchTills: fetchTills, loadShift: loadShift
  });

  document.addEventListener("DOMContentLoaded", boot);
})();
