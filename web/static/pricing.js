/* The money of a sale as pos/pricing.py and pos/refund_rules.py compute it, for the till to
   show before the server answers (the server's figures win once posted). Pure integer satang:
   no DOM, no imports, so that Node can run it too. tests/pricing_vectors.json holds the cases
   both implementations must agree on: tests/js/pricing_vectors.test.js runs them against this
   module, tests/unit/test_pricing_vectors.py against the Python.

   Numbers: amounts are whole satang below 2^53. A product of two of them (a line total times
   7, a cart discount times a weight) may not be, so those go through BigInt. */

export const VAT_RATE_PERCENT = 7;

/** amount * numerator / denominator, rounded half up; exact (BigInt) for amount, numerator >= 0. */
export function scaleHalfUp(amount, numerator, denominator) {
  const twice = 2n * BigInt(amount) * BigInt(numerator) + BigInt(denominator);
  return Number(twice / (2n * BigInt(denominator)));
}

/** pricing.round_half_up_div: numerator / denominator rounded half up. */
export function roundHalfUpDiv(numerator, denominator) { return scaleHalfUp(numerator, 1, denominator); }

/** pricing.vat_included: the VAT part of a VAT-inclusive amount, total * 7 / 107 half up. */
export function vatIncluded(total) { return scaleHalfUp(total, VAT_RATE_PERCENT, 100 + VAT_RATE_PERCENT); }

/** pricing.allocate: amount split in proportion to weights by largest remainder (ties to
    the earlier weight); the parts add up to amount exactly. */
export function allocate(amount, weights) {
  const total = weights.reduce(function (a, w) { return a + w; }, 0);
  if (total === 0 || amount === 0) return weights.map(function () { return 0; });
  const big = BigInt(amount), bigTotal = BigInt(total);
  const shares = weights.map(function (w) { return Number((big * BigInt(w)) / bigTotal); });
  const remainders = weights.map(function (w) { return Number((big * BigInt(w)) % bigTotal); });
  const left = amount - shares.reduce(function (a, s) { return a + s; }, 0);
  const order = weights.map(function (_, i) { return i; }).sort(function (a, b) {
    return remainders[b] - remainders[a] || a - b;
  });
  for (let i = 0; i < left; i++) shares[order[i]] += 1;
  return shares;
}

/** pricing.price_sale, the customer's side of it (commission is the server's): lines are
    {unit_price_satang, quantity, discount_satang, vat}; the cart discount is spread over the
    lines by what each costs after its own discount. A cart discount above that total counts
    as the whole of it (the server refuses it; the till asks for less). */
export function priceSale(lines, cartDiscount) {
  const afterLine = lines.map(function (l) { return l.unit_price_satang * l.quantity - (l.discount_satang || 0); });
  const payable = afterLine.reduce(function (a, b) { return a + b; }, 0);
  const shares = allocate(Math.min(cartDiscount || 0, payable), afterLine);
  // The VAT the receipt states: 7/107 of the VAT-able total, once; the lines share it.
  const vatable = lines.map(function (l, i) { return l.vat ? afterLine[i] - shares[i] : 0; });
  const statedVat = vatIncluded(vatable.reduce(function (a, b) { return a + b; }, 0));
  const vatParts = allocate(statedVat, vatable);
  const priced = lines.map(function (l, i) {
    return {
      gross_satang: l.unit_price_satang * l.quantity,
      discount_satang: l.discount_satang || 0,
      cart_discount_satang: shares[i],
      line_total_satang: afterLine[i] - shares[i],
      vat_included_satang: vatParts[i]
    };
  });
  const sum = function (key) { return priced.reduce(function (a, p) { return a + p[key]; }, 0); };
  const subtotal = sum("gross_satang"), total = sum("line_total_satang");
  return {
    lines: priced,
    subtotal_satang: subtotal,
    discount_satang: subtotal - total,
    total_satang: total,
    vat_included_satang: statedVat
  };
}

/** pricing.needs_discount_approval: a discount above limitPercent of the subtotal. */
export function needsDiscountApproval(subtotal, discount, limitPercent) {
  return discount * 100 > subtotal * limitPercent;
}

/** refund_rules.refunded_part's amount: refunding `quantity` of a line's `sold` units, when
    `refundedBefore` went back already, gives the difference of two cumulative shares of the
    line's total, so that the whole line, in any number of refunds, returns exactly its total. */
export function refundedAmount(lineTotal, sold, refundedBefore, quantity) {
  return scaleHalfUp(lineTotal, refundedBefore + quantity, sold) - scaleHalfUp(lineTotal, refundedBefore, sold);
}
