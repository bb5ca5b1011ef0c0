/* The date fields' parser, web/static/be_date.js, against tests/date_vectors.json, the cases
   kernel/dates.py also passes (tests/unit/test_dates.py): the browser tidies what the server
   will accept, and flags what it will refuse. Run with `node --test tests/js/`. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { beText, parseDate } from "../../web/static/be_date.js";

const vectors = JSON.parse(readFileSync(new URL("../date_vectors.json", import.meta.url), "utf8"));

vectors.cases.forEach(function ([typed, iso]) {
  test("date " + JSON.stringify(typed), function () {
    const found = parseDate(typed);
    if (iso === null) {
      assert.equal(found, null);
      return;
    }
    const [year, month, day] = iso.split("-").map(Number);
    assert.deepEqual(found, { year, month, day });
    assert.deepEqual(parseDate(beText(found)), found);
  });
});
