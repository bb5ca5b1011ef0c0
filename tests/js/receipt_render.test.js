/* The receipt the till renders itself (web/static/receipt_render.js): the shared cases of
   tests/receipt_vectors.json (the date line, escaping), and the document's parts. The
   browser test tests/browser/test_receipt_render.py compares whole receipts with the
   server's. Run with `node --test tests/js/`. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { escapeHtml, markdownLabel, receiptDatetime, receiptHtml, tenderLabel } from "../../web/static/receipt_render.js";
import { code128Svg, modules } from "../../web/static/code128.js";

const vectors = JSON.parse(readFileSync(new URL("../receipt_vectors.json", import.meta.url), "utf8"));

vectors.datetime.forEach(function (c) {
  test("date line " + c.at, function () { assert.equal(receiptDatetime(c.at), c.expected); });
});

vectors.escape.forEach(function (c) {
  test("escape " + c.text, function () { assert.equal(escapeHtml(c.text), c.expected); });
});

vectors.barcode.forEach(function (c) {
  test("receipt barcode " + c.text, function () {
    assert.equal(modules(c.text), c.modules);
    assert.equal(code128Svg(c.text), c.svg);
  });
});

test("what code set B cannot encode is refused", function () {
  ["", "ใบเสร็จ", "A\nB"].forEach(function (text) { assert.throws(function () { modules(text); }); });
});

vectors.tender.forEach(function (c) {
  test("tender " + c.expected, function () { assert.equal(tenderLabel(c.payment), c.expected); });
});

vectors.markdown.forEach(function (c) {
  test("markdown " + c.expected, function () { assert.equal(markdownLabel(c.markdown_bp), c.expected); });
});

test("a line marked down under the entrepreneur's terms says so under its price", function () {
  const html = receiptHtml(sale({
    lines: [{ name_th: "ผ้าไหม", quantity: 1, unit_price_satang: 40500, discount_satang: 0, vat_applicable: true, markdown_bp: 1000 },
      { name_th: "ย่าม", quantity: 1, unit_price_satang: 9900, discount_satang: 0, vat_applicable: true, markdown_bp: 0 }],
    payments: [{ method: "cash", status: "confirmed", amount_satang: 50400, tendered_satang: 50400, change_satang: 0 }]
  }), SHOP);
  assert.match(html, /1 × 405.00<\/td><td class="num">405.00<\/td><\/tr>\n<tr><td colspan="2">ลดราคาตามข้อตกลง 10% \/ Agreed markdown 10%<\/td><\/tr>/);
  assert.equal(html.split("ลดราคาตามข้อตกลง").length, 2);  // the other line carries none
});

test("a split by card and another tender prints each, the card as ****1234, escaped", function () {
  const html = receiptHtml(sale({
    payments: [
      { method: "card", status: "confirmed", amount_satang: 20000, card_last4: "4242", approval_code: "AB12CD" },
      { method: "other", status: "confirmed", amount_satang: 10000, tender_name: "<เป๋าตัง>", tender_ref: "R1" }
    ]
  }), SHOP);
  assert.match(html, /บัตร \/ Card \*\*\*\*4242 อนุมัติ \/ Appr\. AB12CD<\/td><td class="num">200.00</);
  assert.match(html, /&lt;เป๋าตัง&gt; \/ Other อ้างอิง \/ Ref\. R1<\/td><td class="num">100.00</);
  assert.doesNotMatch(html, /<เป๋าตัง>/);
});

const SHOP = { name_th: "ศูนย์ OTOP", name_en: "OTOP Centre", tax_id: "0994000165510", vat_registered: true };

function sale(extra) {
  return Object.assign({
    id: 7, till_id: 1, till_code: "SKP-01", status: "completed", receipt_number: "SKP-01-000042",
    completed_at: "2026-11-21T03:00:00Z",
    lines: [{ name_th: "ผ้าไหม", quantity: 2, unit_price_satang: 15000, discount_satang: 0, vat_applicable: true }],
    payments: [{ method: "cash", status: "confirmed", amount_satang: 30000, tendered_satang: 50000, change_satang: 20000 }]
  }, extra || {});
}

test("a sale the till built is priced by pricing.js: totals, VAT, change, words", function () {
  const html = receiptHtml(sale(), SHOP);
  assert.match(html, /<title>SKP-01-000042<\/title>/);
  assert.match(html, /<dd>21\/11\/2569 10:00<\/dd>/);
  assert.match(html, /<td>2 × 150.00<\/td><td class="num">300.00<\/td>/);
  assert.match(html, /ยอดสุทธิ \/ Total<\/td><td class="num">300.00</);
  assert.match(html, /VAT included<\/td><td class="num">19.63</);  // 30000 * 7 / 107 = 1962.6
  assert.match(html, /เงินสด \/ Cash<\/td><td class="num">500.00</);
  assert.match(html, /เงินทอน \/ Change<\/td><td class="num">200.00</);
  assert.match(html, /\(สามร้อยบาทถ้วน\)/);
  assert.doesNotMatch(html, /สำเนา/);
  assert.ok(html.includes(code128Svg("SKP-01-000042")));  // the number's barcode, to scan back
});

test("the server's figures win over what pricing.js would make of the lines", function () {
  const html = receiptHtml(sale({ subtotal_satang: 30000, discount_satang: 0, total_satang: 30000, vat_included_satang: 1111, change_satang: 20000 }), SHOP);
  assert.match(html, /VAT included<\/td><td class="num">11.11</);
});

test("a hostile name is text, not markup", function () {
  const evil = "<img src=x onerror=alert(1)>\"ผ้า\" & 'ไหม'";
  const html = receiptHtml(sale({ till_code: "<b>", lines: [{ name_th: evil, quantity: 1, unit_price_satang: 100, discount_satang: 0, vat_applicable: false }] }),
    { name_th: "</title><script>x()</script>", name_en: "A&B", tax_id: "\"1\"", vat_registered: true });
  assert.doesNotMatch(html, /<img|<b>|<\/title><script>x/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;&#34;ผ้า&#34; &amp; &#39;ไหม&#39;/);
  assert.match(html, /<p>A&amp;B<\/p>/);
  assert.equal((html.match(/<script/g) || []).length, 1);  // page.js only
  assert.doesNotMatch(html, /style=|<style/);
});

test("a reprint says COPY; a centre not VAT registered prints a plain receipt", function () {
  const html = receiptHtml(sale(), Object.assign({}, SHOP, { vat_registered: false }), { copy: true });
  assert.match(html, /<p class="copy">สำเนา \/ COPY<\/p>/);
  assert.match(html, /<h2>ใบเสร็จรับเงิน<\/h2>/);
  assert.doesNotMatch(html, /VAT included|Tax ID|ใบกำกับภาษี/);
});

test("line and cart discounts: the line's own beside it, all of them under the subtotal", function () {
  const html = receiptHtml(sale({
    cart_discount_satang: 1000,
    lines: [
      { name_th: "A", quantity: 1, unit_price_satang: 10000, discount_satang: 500, vat_applicable: true },
      { name_th: "B", quantity: 3, unit_price_satang: 5000, discount_satang: 0, vat_applicable: false }
    ],
    payments: [{ method: "promptpay", status: "confirmed", amount_satang: 23500, tendered_satang: null, change_satang: null },
      { method: "promptpay", status: "expired", amount_satang: 23500, tendered_satang: null, change_satang: null }]
  }), SHOP);
  assert.match(html, /<td>1 × 100.00<\/td><td class="num">100.00<\/td><\/tr>\n<tr><td>ส่วนลด \/ Discount<\/td><td class="num">-5.00</);
  assert.match(html, /รวม \/ Subtotal<\/td><td class="num">250.00</);
  assert.match(html, /<tr><td>ส่วนลด \/ Discount<\/td><td class="num">-15.00<\/td><\/tr>\n<tr class="grand">/);
  assert.match(html, /ยอดสุทธิ \/ Total<\/td><td class="num">235.00</);
  // Only line A carries VAT: 9500 less its share of the cart discount (9500/24500 of 1000: 388).
  assert.match(html, /VAT included<\/td><td class="num">5.96</);  // 9112 * 7 / 107 = 596.1
  assert.equal((html.match(/พร้อมเพย์/g) || []).length, 1);  // the expired QR is not a payment
  assert.doesNotMatch(html, /เงินทอน/);
});

test("a registered till's Revenue Department number prints under its code, escaped", function () {
  const plain = receiptHtml(sale(), SHOP);
  assert.ok(!plain.includes("POS reg. no."));
  const html = receiptHtml(sale(), Object.assign({}, SHOP, { pos_registration: "E05<12>" }));
  assert.ok(html.includes("<dt>เลขเครื่อง POS / POS reg. no.</dt><dd>E05&lt;12&gt;</dd>"));
});
