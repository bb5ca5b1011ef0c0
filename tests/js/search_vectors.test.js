/* The shared search-ranking cases (tests/search_vectors.json) against the till's own ranking,
   web/static/search_rank.js. Run with `node --test tests/js/`; tests/unit/test_search_ranking.py
   runs it under pytest and the same cases against inventory/catalogue/search.py. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { enterPick, prepare, ranked } from "../../web/static/search_rank.js";

const vectors = JSON.parse(readFileSync(new URL("../search_vectors.json", import.meta.url), "utf8"));
const prepared = new Map(vectors.products.map(function (p) { return [p, prepare(p)]; }));
function form(p) { return prepared.get(p); }

vectors.cases.forEach(function (c) {
  test(c.case, function () {
    const results = ranked(c.query, vectors.products, form);
    assert.deepEqual(results.map(function (p) { return p.id; }), c.order);
    const pick = enterPick(c.query, results, form);
    assert.equal(pick ? pick.id : null, c.enter);
  });
});
