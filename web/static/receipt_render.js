/* A sale's receipt, rendered in the browser: the same document as the server's
   GET /api/v1/sales/{id}/receipt (web/till/receipts.py with web/templates/pos/receipt.html),
   built from data the till holds, so that the till prints at once, with the sale's number,
   even when the server cannot be reached. Pure string building: no DOM, no network, so that
   Node can run it too.

   `sale` has the shape of the API's SaleView JSON (pos/checkout/queries.py), whether the
   server returned it or the till built it; figures the till did not fill in are priced with
   pricing.js, as the cart prices them (the server's, when present, win). `shop` is the till
   config's `shop` (web/till/pages.py): the seller's names, tax ID and VAT registration.

   The page's Content-Security-Policy (a srcdoc frame inherits it) refuses inline styles and
   scripts: the document links /static/receipt.css and /static/page.js, nothing inline.
   Every value put into the HTML goes through escapeHtml (product names come from the
   entrepreneurs). */
import { code128Svg } from "./code128.js";
import { baht, percentText } from "./money.js";
import { priceSale } from "./pricing.js";
import { thaiBahtText } from "./thai_words.js";

const BUDDHIST_ERA_OFFSET = 543;

/** Text made safe for an HTML element or a quoted attribute (what Jinja's autoescape does). */
export function escapeHtml(value) {
  return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&#34;", "'": "&#39;" }[c];
  });
}

/** pos.checkout.receipts.receipt_datetime: Bangkok time with the Buddhist-era year,
    "21/11/2569 10:00", from an ISO instant (or a Date). */
export function receiptDatetime(at) {
  const parts = {};
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Bangkok", calendar: "gregory", numberingSystem: "latn", hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
  }).formatToParts(at instanceof Date ? at : new Date(at)).forEach(function (p) { parts[p.type] = p.value; });
  return parts.day + "/" + parts.month + "/" + (Number(parts.year) + BUDDHIST_ERA_OFFSET) + " " + parts.hour + ":" + parts.minute;
}

function number(value, fallback) { return typeof value === "number" ? value : fallback; }

/* The sale's money as the receipt prints it: the sale's own figures, or, where it lacks one
   (a sale the till built), pricing.js's for its lines and cart discount. */
function figures(sale) {
  const lines = sale.lines || [];
  const priced = priceSale(lines.map(function (l) {
    return { unit_price_satang: l.unit_price_satang, quantity: l.quantity, discount_satang: l.discount_satang || 0, vat: !!l.vat_applicable };
  }), sale.cart_discount_satang || 0);
  return {
    lines: lines.map(function (l, i) {
      return {
        name_th: l.name_th,
        quantity: l.quantity,
        unit_price_satang: l.unit_price_satang,
        list_price_satang: typeof l.list_price_satang === "number" ? l.list_price_satang : null,
        markdown_bp: number(l.markdown_bp, 0),
        discount_satang: number(l.discount_satang, 0),
        cart_discount_satang: number(l.cart_discount_satang, priced.lines[i].cart_discount_satang),
        line_total_satang: number(l.line_total_satang, priced.lines[i].line_total_satang)
      };
    }),
    subtotal_satang: number(sale.subtotal_satang, priced.subtotal_satang),
    discount_satang: number(sale.discount_satang, priced.discount_satang),
    total_satang: number(sale.total_satang, priced.total_satang),
    vat_included_satang: number(sale.vat_included_satang, priced.vat_included_satang),
    change_satang: number(sale.change_satang, (sale.payments || []).reduce(function (a, p) { return a + (p.change_satang || 0); }, 0))
  };
}

function row(label, amount, className) {
  return "<tr" + (className ? " class=\"" + className + "\"" : "") + "><td>" + label + "</td><td class=\"num\">" + escapeHtml(baht(amount)) + "</td></tr>\n";
}

function header(shop) {
  const seller = "<h1>" + escapeHtml(shop.name_th) + "</h1>\n<p>" + escapeHtml(shop.name_en) + "</p>\n";
  if (shop.vat_registered) {
    return seller + "<p>เลขประจำตัวผู้เสียภาษี / Tax ID " + escapeHtml(shop.tax_id) + "</p>\n" +
      "<h2>ใบกำกับภาษีอย่างย่อ</h2>\n<p class=\"sub\">Abbreviated tax invoice</p>\n";
  }
  return seller + "<h2>ใบเสร็จรับเงิน</h2>\n<p class=\"sub\">Receipt</p>\n";
}

function items(lines) {
  return lines.map(function (l) {
    const gross = l.line_total_satang + l.cart_discount_satang + l.discount_satang;
    let html = "<tr><td colspan=\"2\" class=\"name\">" + escapeHtml(l.name_th) + "</td></tr>\n" +
      "<tr><td>" + escapeHtml(l.quantity) + " × " + escapeHtml(baht(l.unit_price_satang)) + "</td><td class=\"num\">" + escapeHtml(baht(gross)) + "</td></tr>\n";
    if (l.markdown_bp) html += "<tr><td colspan=\"2\">" + escapeHtml(markdownLabel(l.markdown_bp)) + "</td></tr>\n";
    if (l.list_price_satang !== null) {
      const listed = escapeHtml(baht(l.list_price_satang));
      html += "<tr><td colspan=\"2\">เปลี่ยนราคา จากราคาป้าย " + listed + " / Price changed from " + listed + "</td></tr>\n";
    }
    if (l.discount_satang) html += row("ส่วนลด / Discount", -l.discount_satang);
    return html;
  }).join("");
}

/** How a receipt line says its price carries the markdown agreed in the entrepreneur's terms
    (pos.tills.receipts.markdown_label writes the same). */
export function markdownLabel(bp) {
  const percent = percentText(bp);
  return "ลดราคาตามข้อตกลง " + percent + "% / Agreed markdown " + percent + "%";
}

/** How the receipt names a payment (pos.tills.receipts.tender_label writes the same): a card
    as ****1234 with its approval code, another tender by its name and reference. */
export function tenderLabel(p) {
  if (p.method === "cash") return "เงินสด / Cash";
  if (p.method === "card") return "บัตร / Card ****" + p.card_last4 + " อนุมัติ / Appr. " + p.approval_code;
  if (p.method === "other") return p.tender_name + " / Other อ้างอิง / Ref. " + p.tender_ref;
  return "พร้อมเพย์ / PromptPay";
}

function totals(sale, money, shop) {
  let html = row("รวม / Subtotal", money.subtotal_satang);
  if (money.discount_satang) html += row("ส่วนลด / Discount", -money.discount_satang);
  html += row("ยอดสุทธิ / Total", money.total_satang, "grand");
  if (shop.vat_registered) html += row("รวมภาษีมูลค่าเพิ่มแล้ว / VAT included", money.vat_included_satang);
  (sale.payments || []).filter(function (p) { return p.status === "confirmed"; }).forEach(function (p) {
    html += row(escapeHtml(tenderLabel(p)), p.tendered_satang || p.amount_satang);
  });
  if (money.change_satang) html += row("เงินทอน / Change", money.change_satang);
  return html;
}

/** The receipt of a completed sale as a whole HTML document (for an iframe's srcdoc).
    options: {copy: true} marks a reprint (สำเนา / COPY); {now: Date|ISO} is the time printed
    when the sale has no completed_at (nor created_at) of its own. */
export function receiptHtml(sale, shop, options) {
  const opts = options || {};
  const seller = shop || {};
  const money = figures(sale);
  const at = sale.completed_at || sale.created_at || opts.now || new Date();
  return "<!doctype html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n" +
    "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
    "<title>" + escapeHtml(sale.receipt_number) + "</title>\n" +
    "<link rel=\"stylesheet\" href=\"/static/receipt.css\">\n</head>\n<body>\n<main class=\"receipt\">\n" +
    (opts.copy ? "<p class=\"copy\">สำเนา / COPY</p>\n" : "") +
    "<header>\n" + header(seller) + "</header>\n" +
    "<dl class=\"meta\">\n" +
    "<dt>เลขที่ / No.</dt><dd>" + escapeHtml(sale.receipt_number) + "</dd>\n" +
    "<dt>วันที่ / Date</dt><dd>" + escapeHtml(receiptDatetime(at)) + "</dd>\n" +
    "<dt>เครื่อง / Till</dt><dd>" + escapeHtml(sale.till_code) + "</dd>\n" +
    (seller.pos_registration ? "<dt>เลขเครื่อง POS / POS reg. no.</dt><dd>" + escapeHtml(seller.pos_registration) + "</dd>\n" : "") +
    "</dl>\n" +
    "<table class=\"items\">\n<tbody>\n" + items(money.lines) + "</tbody>\n</table>\n" +
    "<table class=\"totals\">\n" + totals(sale, money, seller) + "</table>\n" +
    "<p class=\"words\">(" + escapeHtml(thaiBahtText(money.total_satang)) + ")</p>\n" +
    "<p class=\"thanks\">ขอบคุณที่อุดหนุนสินค้า OTOP<br>Thank you for supporting OTOP</p>\n" +
    (sale.receipt_number ? "<p class=\"barcode\">" + code128Svg(sale.receipt_number) + "</p>\n" : "") +
    "<button class=\"no-print\" type=\"button\" data-print>พิมพ์ / Print</button>\n" +
    "</main>\n<script type=\"module\" src=\"/static/page.js\"></script>\n</body>\n</html>\n";
}
