/* The shared Thai-words cases (tests/thai_words_vectors.json) against the till's own module,
   web/static/thai_words.js, the one its receipt imports. Run with `node --test tests/js/`;
   tests/unit/test_thai_words_vectors.py runs it under pytest and the same cases against
   pos/checkout/thai_words.py. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { thaiBahtText, thaiNumberText } from "../../web/static/thai_words.js";

const vectors = JSON.parse(readFileSync(new URL("../thai_words_vectors.json", import.meta.url), "utf8"));

vectors.number_words.forEach(function (c) {
  test("number_words " + c.number, function () { assert.equal(thaiNumberText(c.number), c.expected); });
});

vectors.baht_words.forEach(function (c) {
  test("baht_words " + c.satang, function () { assert.equal(thaiBahtText(c.satang), c.expected); });
});

vectors.not_satang.forEach(function (value) {
  test("not satang " + JSON.stringify(value), function () {
    assert.throws(function () { thaiBahtText(value); }, TypeError);
  });
});

test("a negative number is refused", function () {
  assert.throws(function () { thaiNumberText(-1); }, RangeError);
});
