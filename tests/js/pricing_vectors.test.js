/* The shared pricing cases (tests/pricing_vectors.json) against the till's own pricing module,
   web/static/pricing.js, the one its cart imports. Run with `node --test tests/js/`;
   tests/unit/test_pricing_vectors.py runs it under pytest and the same cases against
   pos/pricing.py. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  allocate, needsDiscountApproval, priceSale, refundedAmount, roundHalfUpDiv, scaleHalfUp, vatIncluded
} from "../../web/static/pricing.js";

const vectors = JSON.parse(readFileSync(new URL("../pricing_vectors.json", import.meta.url), "utf8"));

function each(kind, check) {
  vectors[kind].forEach(function (c, i) {
    test(kind + " " + (c.case || i + 1), function () { check(c); });
  });
}

each("round_half_up_div", function (c) {
  assert.equal(roundHalfUpDiv(c.numerator, c.denominator), c.expected);
});

each("vat_included", function (c) {
  assert.equal(vatIncluded(c.total_satang), c.expected);
});

each("allocate", function (c) {
  assert.deepEqual(allocate(c.amount, c.weights), c.expected);
});

each("discount_approval", function (c) {
  assert.equal(needsDiscountApproval(c.subtotal_satang, c.discount_satang, c.limit_percent), c.expected);
});

// The amount dialog's percent buttons (till_discounts.js).
each("percent_discount", function (c) {
  assert.equal(scaleHalfUp(c.base_satang, c.percent, 100), c.expected);
});

// What the refund dialog shows per line and asks the manager to approve (till_refund.js).
each("refunds", function (c) {
  assert.equal(refundedAmount(c.line_total_satang, c.sold, c.refunded_before, c.quantity), c.expected);
});

each("sales", function (c) {
  const sale = priceSale(c.lines, c.cart_discount_satang);
  assert.deepEqual({
    subtotal_satang: sale.subtotal_satang,
    discount_satang: sale.discount_satang,
    total_satang: sale.total_satang,
    vat_included_satang: sale.vat_included_satang,
    lines: sale.lines.map(function (l) {
      return {
        cart_discount_satang: l.cart_discount_satang,
        line_total_satang: l.line_total_satang,
        vat_included_satang: l.vat_included_satang
      };
    })
  }, c.expected);
});
