/* The till's search over its whole catalogue in a few milliseconds at 73,240 products.

   Every product's searchable text (search_rank.js `prepare`, its `rest`: names, SKU, barcode,
   maker) is laid end to end in one string, a line each. A search looks for the query's
   longest word in that string with the engine's own indexOf, and ranks (search_rank.js
   `tier`) only the products it lands in: a word in no product costs one pass of native
   string search, not 73,240 calls. The text is folded to one byte a character: ASCII as it is,
   the Thai block (U+0E01-U+0E5F) to 0xA1-0xFF, anything else to 0xA0 (U+0E00's place, which
   Unicode leaves empty). V8 searches a one-byte string fast; in a two-byte one it looks first
   for a byte that every Thai character shares. Folding is exact for ASCII and Thai, so a word
   of those found in the folded text is in the product's text; a word with another script's
   letter may land on a product without it, and ranking throws that one out. */

import { query as prepareQuery, tier } from "./search_rank.js";

var LATIN1 = new TextDecoder("latin1");  // windows-1252: 0xA0-0xFF are U+00A0-U+00FF

function fold(text, out, at) {
  for (var j = 0; j < text.length; j++) {
    var c = text.charCodeAt(j);
    out[at++] = c < 0x80 ? c : c > 0x0E00 && c < 0x0E60 ? 0xA0 + (c - 0x0E00) : 0xA0;
  }
  return at;
}

function folded(text) {
  var bytes = new Uint8Array(text.length);
  fold(text, bytes, 0);
  return LATIN1.decode(bytes);
}

/* The index of products' forms (search_rank.js `prepare`d), made a slice at a time so that
   the till stays responsive: `add(forms)` the next products' in the catalogue's order, then
   `done()` gives the index. */
export function indexBuilder(count) {
  var forms = [], starts = new Int32Array(count + 1), pieces = [], at = 0;
  return {
    add: function (slice) {
      var size = 0;
      for (var i = 0; i < slice.length; i++) size += slice[i].rest.length + 1;
      var bytes = new Uint8Array(size), k = 0;
      for (i = 0; i < slice.length; i++) {
        starts[forms.length] = at + k;
        forms.push(slice[i]);
        k = fold(slice[i].rest, bytes, k);
        bytes[k++] = 10;  // a line between products: no word spans two
      }
      at += k;
      pieces.push(LATIN1.decode(bytes));
    },
    done: function () {
      starts[forms.length] = at;
      return { forms: forms, starts: starts, text: pieces.join("") };
    }
  };
}

export function buildIndex(forms) {
  var builder = indexBuilder(forms.length);
  builder.add(forms);
  return builder.done();
}

/* Does folding lose anything of `text` (a character outside ASCII and Thai)? A hit on its
   folded form may then be another text's. */
function folds(text) {
  for (var j = 0; j < text.length; j++) {
    var c = text.charCodeAt(j);
    if (c >= 0x80 && (c < 0x0E00 || c > 0x0E5F)) return true;
  }
  return false;
}

function longest(terms) {
  var best = terms[0];
  for (var i = 1; i < terms.length; i++) if (terms[i].length > best.length) best = terms[i];
  return best;
}

/* The positions (in `forms`) of the products matching `text`, by tier (search_rank.js: four
   lists, best first, the catalogue's order within each); `keep(position)` may refuse one (the
   grid's category). */
export function searchIndex(index, text, keep) {
  var q = prepareQuery(text);
  var tiers = [[], [], [], []];
  if (!q.needle) return tiers;
  var word = folded(longest(q.terms));
  var single = q.terms.length === 1;  // then a hit is a product holding every word
  var starts = index.starts, n = index.forms.length, i = 0;
  for (var hit = index.text.indexOf(word); hit !== -1;) {
    // The product holding `hit`: forward from the last one (hits come in order).
    var step = 1;
    while (i + step < n && starts[i + step] <= hit) { i += step; step *= 2; }
    while (step > 1) { step >>= 1; if (i + step < n && starts[i + step] <= hit) i += step; }
    if (!keep || keep(i)) {
      var t = tier(q, index.forms[i], single && !folds(q.needle));
      if (t >= 0) tiers[t].push(i);
    }
    if (++i >= n) break;
    hit = index.text.indexOf(word, starts[i]);
  }
  return tiers;
}
