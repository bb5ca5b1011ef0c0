/* web/static/qr.js without a browser: the symbol's layout (quiet zone, finder patterns), the
   path drawing exactly the dark modules, and segments split as python-qrcode splits them.
   tests/browser/test_offline_qr.py reads the drawn symbols back in Chromium. */
import assert from "node:assert/strict";
import { test } from "node:test";

import { creditTransfer, paymentPayload } from "../../web/static/promptpay.js";
import { QUIET_ZONE, qrMatrix, qrPath, segments } from "../../web/static/qr.js";

const STATIC_MOBILE = creditTransfer("0812345678");

test("the symbol is square, with a white quiet zone of 4 modules", function () {
  const matrix = qrMatrix(STATIC_MOBILE);
  const size = matrix.length;
  assert.equal(QUIET_ZONE, 4);
  assert.ok(matrix.every(function (row) { return row.length === size; }));
  assert.equal((size - 2 * QUIET_ZONE - 17) % 4, 0, "a QR version is 17 + 4n modules wide");
  for (let i = 0; i < size; i++) {
    for (let q = 0; q < QUIET_ZONE; q++) {
      assert.equal(matrix[q][i] || matrix[size - 1 - q][i] || matrix[i][q] || matrix[i][size - 1 - q], false);
    }
  }
});

test("the three finder patterns sit in their corners", function () {
  const matrix = qrMatrix(STATIC_MOBILE);
  const far = matrix.length - QUIET_ZONE - 7;
  for (const [top, left] of [[QUIET_ZONE, QUIET_ZONE], [QUIET_ZONE, far], [far, QUIET_ZONE]]) {
    for (let i = 0; i < 7; i++) {
      assert.ok(matrix[top][left + i] && matrix[top + 6][left + i], "top and bottom edges dark");
      assert.ok(matrix[top + i][left] && matrix[top + i][left + 6], "left and right edges dark");
    }
    assert.ok(!matrix[top + 1][left + 1] && matrix[top + 3][left + 3], "white ring, dark centre");
  }
});

test("the path draws exactly the dark modules, in runs", function () {
  const matrix = qrMatrix(STATIC_MOBILE);
  const drawn = matrix.map(function (row) { return row.map(function () { return false; }); });
  const runs = [...qrPath(matrix).matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)];
  assert.equal(runs.map(function (r) { return r[0]; }).join(""), qrPath(matrix));
  for (const [, x, y, width, back] of runs) {
    assert.equal(width, back);
    for (let i = 0; i < Number(width); i++) drawn[Number(y)][Number(x) + i] = true;
  }
  assert.deepEqual(drawn, matrix);
});

test("segments split as python-qrcode's add_data does (runs of 20)", function () {
  assert.deepEqual(segments(STATIC_MOBILE), [
    ["Numeric", "00020101021129370016"],
    ["Byte", "A"],
    ["Numeric", "000000677010111011300668123456785802"],
    ["Byte", "TH53037646304" + STATIC_MOBILE.slice(-4)]
  ]);
  assert.deepEqual(segments("1234"), [["Numeric", "1234"]]);
  assert.deepEqual(segments("AB12"), [["Alphanumeric", "AB12"]]);
  assert.deepEqual(segments("ab"), [["Byte", "ab"]]);
});

test("a payment's QR is laid out like any other", function () {
  const account = { promptpay_id: "0812345678", biller_id: null, merchant_name: "OTOP", merchant_city: "CHIANG MAI" };
  const matrix = qrMatrix(paymentPayload(account, "OTPAAAAAAAAAAAAA", 12345));
  assert.ok(matrix.length > qrMatrix(STATIC_MOBILE).length, "a longer payload, a larger symbol");
});

test("an empty payload is refused", function () {
  assert.throws(function () { qrMatrix(""); }, TypeError);
});
