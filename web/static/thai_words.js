/* Amounts in Thai words, as receipts write them: 15025 -> "หนึ่งร้อยห้าสิบบาทยี่สิบห้าสตางค์".
   A port of pos/checkout/thai_words.py, for the receipt the till renders itself
   (receipt_render.js). Pure: no DOM, no imports, so that Node runs it too;
   tests/thai_words_vectors.json holds the cases both implementations must read alike
   (tests/js/thai_words_vectors.test.js here, tests/unit/test_thai_words_vectors.py there).

   Rules: a 1 in the tens place is สิบ (not หนึ่งสิบ), a 2 there is ยี่สิบ; a 1 in the units
   place after any higher digit is เอ็ด (สิบเอ็ด, หนึ่งร้อยเอ็ด, หนึ่งล้านเอ็ด); millions repeat
   (ล้านล้าน). Whole baht end in ถ้วน; less than one baht is satang only. Amounts are whole
   satang below 2^53 (Number.isSafeInteger), as everywhere in the till. */

const DIGITS = ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"];
const PLACES = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"];
const MILLION = 1000000;

/** thai_words.number_words: a whole number >= 0 read in Thai. */
export function thaiNumberText(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("thaiNumberText takes a whole number >= 0, got " + String(n));
  return n === 0 ? DIGITS[0] : words(n, false);
}

function words(n, hasHigher) {
  const millions = Math.floor(n / MILLION), rest = n % MILLION;
  const head = millions ? words(millions, hasHigher) + "ล้าน" : "";
  return head + group(rest, hasHigher || millions > 0);
}

/* 0..999,999 in words ("" for 0); hasHigher: a non-zero digit stands before it. */
function group(n, hasHigher) {
  const digits = n ? String(n).split("").reverse() : [];
  let out = "";
  for (let place = digits.length - 1; place >= 0; place--) {
    const digit = Number(digits[place]);
    if (digit === 0) continue;
    if (place === 1 && digit === 1) out += "สิบ";
    else if (place === 1 && digit === 2) out += "ยี่สิบ";
    else if (place === 0 && digit === 1 && (hasHigher || n > 9)) out += "เอ็ด";
    else out += DIGITS[digit] + PLACES[place];
  }
  return out;
}

/** thai_words.baht_words: an amount in satang as Thai words for a receipt. */
export function thaiBahtText(satang) {
  if (!Number.isSafeInteger(satang)) throw new TypeError("money must be integer satang, got " + typeof satang + " " + String(satang));
  if (satang < 0) return "ลบ" + thaiBahtText(-satang);
  const whole = Math.floor(satang / 100), rest = satang % 100;
  if (rest === 0) return thaiNumberText(whole) + "บาทถ้วน";
  return (whole ? thaiNumberText(whole) + "บาท" : "") + thaiNumberText(rest) + "สตางค์";
}
