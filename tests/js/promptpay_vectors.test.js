/* The shared PromptPay cases (tests/promptpay_vectors.json, written by the Python) against the
   till's web/static/promptpay.js: every payload character for character, every refusal with
   the Python's code. Run with `node --test tests/js/`; tests/unit/test_promptpay_vectors.py
   runs it under pytest. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  AccountError, PromptPayError, billPayment, crc16, creditTransfer, isReference, newReference,
  paymentPayload, referenceFromBytes
} from "../../web/static/promptpay.js";

const vectors = JSON.parse(readFileSync(new URL("../promptpay_vectors.json", import.meta.url), "utf8"));

/** The Python keyword arguments (merchant_name) as the JS options (merchantName). */
function camel(options) {
  const out = {};
  for (const [name, value] of Object.entries(options)) {
    out[name.replace(/_(\w)/g, function (_, letter) { return letter.toUpperCase(); })] = value;
  }
  return out;
}

/** The CRC field ends the payload and covers everything before its last four characters. */
function assertCrc(payload) {
  assert.equal(payload.slice(-8, -4), "6304");
  assert.equal(crc16(payload.slice(0, -4)), payload.slice(-4));
}

function each(kind, check) {
  assert.ok(vectors[kind].length > 0, kind + " has cases");
  vectors[kind].forEach(function (c, i) {
    test(kind + " " + (c.case || c.data || i + 1), function () { check(c); });
  });
}

each("crc16", function (c) {
  assert.equal(crc16(c.data), c.crc);
});

test("crc16 gives CRC-16/CCITT-FALSE's catalogued check value", function () {
  assert.equal(crc16("123456789"), "29B1");
});

each("credit_transfer", function (c) {
  const payload = creditTransfer(c.target, c.amount_satang, camel(c.options));
  assert.equal(payload, c.payload);
  assertCrc(payload);
});

each("bill_payment", function (c) {
  const payload = billPayment(c.biller_id, c.ref1, c.ref2, c.amount_satang, camel(c.options));
  assert.equal(payload, c.payload);
  assertCrc(payload);
});

each("payment_payload", function (c) {
  const payload = paymentPayload(c.account, c.reference, c.amount_satang);
  assert.equal(payload, c.payload);
  assertCrc(payload);
});

each("new_reference", function (c) {
  assert.equal(referenceFromBytes(Uint8Array.from(c.random_bytes)), c.reference);
});

each("refusals", function (c) {
  const build = { credit_transfer: creditTransfer, bill_payment: billPayment }[c.function];
  const args = c.args.slice();
  const positional = c.function === "credit_transfer" ? 2 : 4;
  while (args.length < positional) args.push(null);
  args.push(camel(c.options));
  assert.throws(function () { build.apply(null, args); }, function (error) {
    assert.ok(error instanceof PromptPayError, String(error));
    assert.equal(error.code, c.code);
    assert.match(error.message, /[\u0E00-\u0E7F]/, "the refusal is said in Thai");
    return true;
  });
});

test("newReference is OTP and 13 base32 characters, unguessable, and fits ref1", function () {
  const made = new Set();
  for (let i = 0; i < 1000; i++) {
    const reference = newReference();
    assert.match(reference, /^OTP[A-Z2-7]{13}$/);
    assert.ok(isReference(reference));
    billPayment("010555512345601", reference); // ref1 takes it as it is
    made.add(reference);
  }
  assert.equal(made.size, 1000);
});

test("a payment needs a receiving account, and its merchant name and city", function () {
  const none = { promptpay_id: null, biller_id: null, merchant_name: "OTOP", merchant_city: "CHIANG MAI" };
  assert.throws(function () { paymentPayload(none, "OTPAAAAAAAAAAAAA", 100); }, AccountError);
  const nameless = { promptpay_id: "0812345678", biller_id: null };
  assert.throws(function () { paymentPayload(nameless, "OTPAAAAAAAAAAAAA", 100); }, AccountError);
});

test("an amount is never written through a float: the largest amount is exact", function () {
  const payload = creditTransfer("0812345678", 999999999999);
  assert.ok(payload.includes("54139999999999.99"));
  assert.ok(creditTransfer("0812345678", 999999999901).includes("54139999999999.01"));
});
