/* How well a product answers a search, best first: pure, as inventory/catalogue/search.py ranks
   it on the server (tests/search_vectors.json holds their shared cases). The till ranks its
   own catalogue with it (till_products.js).

     0  the query is the product's barcode or SKU
     1  a name of the product (Thai or English) starts with the query
     2  every word of the query is in the product's names
     3  every word is somewhere else: SKU, barcode, the maker's name or code

   A maker's name never ranks a product above one whose own name matches: "umbrella" lists
   umbrellas before the photo frames of a maker called "… Umbrella …". */

export const EXACT_CODE = 0, NAME_START = 1, NAME = 2, OTHER = 3;

export function normalize(text) {
  return String(text == null ? "" : text).normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
}

/* What a product is searched by, normalised once (the till searches on every keystroke). */
export function prepare(s) {
  var th = normalize(s.name_th), en = normalize(s.name_en);
  var names = th + " " + en;
  return {
    th: th, en: en, names: names, sku: String(s.sku || "").toLowerCase(), barcode: String(s.barcode || ""),
    rest: normalize([names, s.sku, s.barcode, s.maker_th, s.maker_en, s.maker_code].join(" "))
  };
}

/* A query made ready once for many products. */
export function query(text) {
  var needle = normalize(text);
  var code = String(text == null ? "" : text).trim();
  return { needle: needle, terms: needle ? needle.split(" ") : [], code: code, sku: code.toLowerCase() };
}

function every(terms, hay) {
  for (var i = 0; i < terms.length; i++) if (hay.indexOf(terms[i]) === -1) return false;
  return true;
}

/* The tier of a prepared product for a prepared query, or -1 when it does not match.
   `holds`: the caller already knows every word is in `p.rest` (till_search.js found it). */
export function tier(q, p, holds) {
  if (!q.needle) return -1;
  if (q.code && (q.code === p.barcode || q.sku === p.sku)) return EXACT_CODE;
  if (p.th.startsWith(q.needle) || p.en.startsWith(q.needle)) return NAME_START;
  if (every(q.terms, p.names)) return NAME;
  if (holds || every(q.terms, p.rest)) return OTHER;
  return -1;
}

export function rank(text, searchable) {
  var t = tier(query(text), prepare(searchable));
  return t < 0 ? null : t;
}

/* The matching items, best tier first, in their given order within a tier. `prepared(item)`
   gives an item's prepare()d form. */
export function ranked(text, items, prepared) {
  var q = query(text);
  var tiers = [[], [], [], []];
  for (var i = 0; i < items.length; i++) {
    var t = tier(q, prepared(items[i]));
    if (t >= 0) tiers[t].push(items[i]);
  }
  return tiers[0].concat(tiers[1], tiers[2], tiers[3]);
}

/* What Enter on a typed query adds without the cashier choosing: the one result, the one
   product whose barcode or SKU the query is, or the one whose name the query is exactly;
   null when the query is ambiguous (the cashier chooses from the list). */
export function enterPick(text, results, prepared) {
  if (results.length === 1) return results[0];
  return exactPick(text, results, prepared);
}

/* Of `items`, the one product whose barcode or SKU the query is, else the one whose name the
   query is exactly, else null. Both rank first or second (EXACT_CODE, NAME_START): a caller
   holding the results by tier need only look there (the till's "ผ้า" has tens of thousands
   of results, a few thousand of them first or second). */
export function exactPick(text, items, prepared) {
  var q = query(text);
  if (!q.needle) return null;
  var code = null, codes = 0, named = null, names = 0;
  for (var i = 0; i < items.length; i++) {
    var p = prepared(items[i]);
    if (q.code && (q.code === p.barcode || q.sku === p.sku)) { codes++; code = items[i]; }
    if (p.th === q.needle || p.en === q.needle) { names++; named = items[i]; }
  }
  if (codes === 1) return code;
  if (names === 1) return named;
  return null;
}
