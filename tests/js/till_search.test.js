/* The till's search index (web/static/till_search.js) finds exactly what ranking every product
   (search_rank.js `ranked`) finds, in the same order: on the shared cases, and on a generated
   catalogue of Thai, English, codes and other scripts whose characters fold onto Thai ones
   (the index may look at a product that does not match; it must never miss one that does). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { prepare, ranked } from "../../web/static/search_rank.js";
import { buildIndex, indexBuilder, searchIndex } from "../../web/static/till_search.js";

const vectors = JSON.parse(readFileSync(new URL("../search_vectors.json", import.meta.url), "utf8"));

function byIndex(index, items, query, keep) {
  return searchIndex(index, query, keep).flat().map(function (i) { return items[i].id; });
}

function byRanking(items, query, keep) {
  const kept = items.filter(function (p, i) { return !keep || keep(i); });
  return ranked(query, kept, function (p) { return p.form; }).map(function (p) { return p.id; });
}

function withForms(products) {
  return products.map(function (p) { return Object.assign({}, p, { form: prepare(p) }); });
}

test("the shared cases: the index ranks as search_rank.js does", function () {
  const items = withForms(vectors.products);
  const index = buildIndex(items.map(function (p) { return p.form; }));
  vectors.cases.forEach(function (c) {
    assert.deepEqual(byIndex(index, items, c.query), c.order, c.case);
  });
});

// A small random catalogue: words that share prefixes, Thai with tone marks and digits, letters
// of other scripts (which all fold to one byte: é, Ω and 漢 look alike to the index), codes.
const WORDS = ["ผ้า", "ผ้าฝ้าย", "ฝ้าย", "กาแฟ", "ร่ม", "ซิ่น", "ไม้สัก", "ศิลาดล", "silk", "cotton",
  "umbrella", "coffee", "café", "celadon", "teak", "๙", "é", "ก", "ข", "a", "Ω", "漢", "ฯ"];
const QUERIES = WORDS.concat(["ผ้า ฝ้าย", "กา", "แฟ", "caf", "ca fé", "p-00", "885", "E00", "zzz", "",
  "  ผ้า  ", "SILK", "ไม้ สัก", "ฝ้ายผ้า", "cafΩ", "漢é", "ขก", "๙ ข"]);

function rng(seed) {
  return function () {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

function generated(count, random) {
  const pick = function (list) { return list[Math.floor(random() * list.length)]; };
  const products = [];
  for (let i = 0; i < count; i++) {
    products.push({
      id: "p" + i,
      name_th: pick(WORDS) + (random() < 0.5 ? pick(WORDS) : " " + pick(WORDS)),
      name_en: random() < 0.8 ? pick(WORDS) + " " + pick(WORDS) : "",
      sku: "P-" + String(i).padStart(5, "0"),
      barcode: String(8850000000000 + i * 7919),
      maker_th: pick(WORDS),
      maker_en: pick(WORDS),
      maker_code: "E" + String(i % 37).padStart(4, "0"),
      category: i % 5
    });
  }
  return withForms(products);
}

test("a generated catalogue: every query, with and without a category", function () {
  const items = generated(3000, rng(2026));
  const index = buildIndex(items.map(function (p) { return p.form; }));
  const inCategory = function (i) { return items[i].category === 2; };
  QUERIES.forEach(function (query) {
    assert.deepEqual(byIndex(index, items, query), byRanking(items, query), query);
    assert.deepEqual(byIndex(index, items, query, inCategory), byRanking(items, query, inCategory), query);
  });
  // A product's own code: the exact code ranks first.
  assert.deepEqual(byIndex(index, items, items[1234].barcode)[0], "p1234");
  assert.deepEqual(byIndex(index, items, "p-01234"), ["p1234"]);
});

test("an index made a slice at a time is the index made at once", function () {
  const items = generated(1000, rng(7));
  const forms = items.map(function (p) { return p.form; });
  const builder = indexBuilder(forms.length);
  for (let start = 0; start < forms.length; start += 333) builder.add(forms.slice(start, start + 333));
  const sliced = builder.done();
  const whole = buildIndex(forms);
  assert.equal(sliced.text, whole.text);
  assert.deepEqual(Array.from(sliced.starts), Array.from(whole.starts));
  QUERIES.forEach(function (query) {
    assert.deepEqual(byIndex(sliced, items, query), byRanking(items, query), query);
  });
});

test("an empty catalogue and an empty query find nothing", function () {
  const index = buildIndex([]);
  assert.deepEqual(searchIndex(index, "ผ้า").flat(), []);
  const items = generated(10, rng(1));
  assert.deepEqual(searchIndex(buildIndex(items.map(function (p) { return p.form; })), "  ").flat(), []);
});
