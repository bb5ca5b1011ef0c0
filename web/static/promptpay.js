/* PromptPay / Thai QR payloads built in the browser, for the till to show a QR when the server
   cannot be reached. The same payloads as payments/promptpay (credit_transfer, bill_payment)
   and payments/references.py (payment_payload, new_reference), character for character:
   tests/promptpay_vectors.json is written by the Python (tests/promptpay_vectors.py) and
   tests/js/promptpay_vectors.test.js checks this module against every case in it.

   Pure: no DOM, no imports, so that Node runs it too. Money is integer satang (a Number that
   is a safe integer); the amount field is written with integer arithmetic only. A refusal is
   a PromptPayError whose `code` is the Python codec's code (promptpay.amount_not_positive,
   ...) and whose message is the Thai sentence the server would show. */

const AID_CREDIT_TRANSFER = "A000000677010111";
const AID_BILL_PAYMENT = "A000000677010112";
const TH = "5802TH5303764"; // country TH, currency THB (764)
const PROXY_TYPES = ["mobile", "national_id", "tax_id", "ewallet", "bank_account"];
const SUB_TAG = { mobile: "01", national_id: "02", tax_id: "02", ewallet: "03", bank_account: "04" };

export const MAX_AMOUNT_SATANG = 999999999999; // "9999999999.99": the 13 characters of tag 54
const MERCHANT_NAME_MAX = 25;
const MERCHANT_CITY_MAX = 15;
const ADDITIONAL_MAX = 25;
const REF = /^[A-Z0-9]{1,20}$/;
const DIGITS = /^[0-9]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const SEPARATORS = /[ \-.()]/g;

export const REFERENCE_PREFIX = "OTP";
const REFERENCE = /^[A-Z0-9]{12,20}$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A refused value: `code` as the Python codec's, `message` in Thai, `params` its values. */
export class PromptPayError extends Error {
  constructor(code, thai, params) {
    super(fill(thai, params || {}));
    this.name = "PromptPayError";
    this.code = code;
    this.params = params || {};
  }
}

/** references.AccountError: the receiving account cannot make a PromptPay QR. */
export class AccountError extends Error {
  constructor(message) {
    super(message);
    this.name = "AccountError";
    this.code = "promptpay.no_account";
  }
}

function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, function (whole, name) {
    return name in params ? String(params[name]) : whole;
  });
}

function quoted(value) {
  return typeof value === "string" ? "“" + value + "”" : String(value);
}

function isNone(value) { return value === null || value === undefined; }

function two(n) { return String(n).padStart(2, "0"); }

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 of `text`, four upper-case hex digits. */
export function crc16(text) {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

/** One field: 2-digit tag, 2-digit length, value (at most 99 characters). */
export function tlv(tag, value) {
  if (value.length > 99) {
    throw new PromptPayError("promptpay.field_too_long",
      "ข้อมูลแท็ก {tag} ยาว {length} ตัวอักษร แต่หนึ่งช่องใส่ได้ไม่เกิน 99 ตัวอักษร",
      { tag: tag, length: value.length });
  }
  return tag + two(value.length) + value;
}

function withCrc(body) {
  const signed = body + "6304";
  return signed + crc16(signed);
}

/** fields.amount_field: tag 54 for integer satang, 15025 -> "5406150.25". */
export function amountField(amountSatang) {
  if (typeof amountSatang !== "number" || !Number.isInteger(amountSatang)) {
    throw new PromptPayError("promptpay.amount_not_integer",
      "จำนวนเงินต้องเป็นจำนวนเต็มหน่วยสตางค์ แต่ได้ {type_name} {amount}",
      { type_name: typeof amountSatang, amount: String(amountSatang) });
  }
  if (amountSatang <= 0) {
    throw new PromptPayError("promptpay.amount_not_positive",
      "จำนวนเงินต้องมากกว่าศูนย์ แต่ได้ {baht} บาท", { baht: bahtText(amountSatang) });
  }
  if (amountSatang > MAX_AMOUNT_SATANG) {
    throw new PromptPayError("promptpay.amount_too_large",
      "จำนวนเงิน {baht} บาท เกินที่ QR พร้อมเพย์รองรับ (ไม่เกิน 9,999,999,999.99 บาท)",
      { baht: bahtText(amountSatang) });
  }
  const text = wholeBaht(amountSatang) + "." + two(amountSatang % 100);
  return "54" + two(text.length) + text;
}

function wholeBaht(satang) { return (satang - (satang % 100)) / 100; } // exact: no rounding

function bahtText(satang) {
  const size = Math.abs(satang);
  const whole = String(wholeBaht(size)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (satang < 0 ? "-" : "") + whole + "." + two(size % 100);
}

function thaiIdCheckDigit(digits) {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (13 - i);
  return String((11 - (sum % 11)) % 10);
}

/** "national_id" (PIN), "tax_id" (a company's number, first digit 0) or null. */
function validId(digits) {
  if (digits[12] !== thaiIdCheckDigit(digits)) return null;
  if (digits[0] === "0") return "tax_id";
  return digits[0] === "9" ? null : "national_id";
}

function notATarget(target) {
  return new PromptPayError("promptpay.target_form",
    "“{target}” ไม่ใช่เบอร์มือถือ (เช่น 0812345678, 081-234-5678, +66 81 234 5678," +
      " 66812345678) เลขประจำตัวประชาชนหรือเลขผู้เสียภาษี 13 หลัก หรือเลข e-wallet 15 หลัก",
    { target: target });
}

/** fields.proxy: [proxyType, subTag, value] of tag 29 for `target`; the type is inferred if none. */
function proxy(target, proxyType) {
  if (typeof target !== "string") {
    throw new PromptPayError("promptpay.target_not_text",
      "ผู้รับเงินต้องเป็นข้อความ แต่ได้ {type_name}", { type_name: typeof target });
  }
  const compact = target.trim().replace(SEPARATORS, "");
  const plus = compact[0] === "+";
  const digits = plus ? compact.slice(1) : compact;
  if (!DIGITS.test(digits)) throw notATarget(target);
  const kind = proxyType || inferType(target, digits, plus);
  if (kind === "mobile") return [kind, SUB_TAG.mobile, mobileField(target, digits)];
  if (kind === "national_id" || kind === "tax_id") return [kind, SUB_TAG[kind], thaiId(target, digits, kind)];
  if (kind === "ewallet") {
    if (digits.length !== 15) {
      throw new PromptPayError("promptpay.ewallet_length",
        "เลข e-wallet “{target}” ต้องมี 15 หลัก", { target: target });
    }
    return [kind, SUB_TAG.ewallet, digits];
  }
  if (kind === "bank_account") {
    if (digits.length < 4 || digits.length > 43) {
      throw new PromptPayError("promptpay.bank_account_length",
        "เลขบัญชีธนาคาร “{target}” ต้องมี 4 ถึง 43 หลัก (รหัสธนาคารขึ้นก่อน)", { target: target });
    }
    return [kind, SUB_TAG.bank_account, digits];
  }
  throw new PromptPayError("promptpay.proxy_type",
    "ประเภทผู้รับเงินต้องเป็นอย่างใดอย่างหนึ่งใน {types} ไม่ใช่ “{kind}”",
    { types: PROXY_TYPES.join(", "), kind: kind });
}

function inferType(target, digits, plus) {
  const size = digits.length;
  if (plus || size === 10 || size === 11) return "mobile";
  if (size === 13) return validId(digits) === "national_id" ? "national_id" : "tax_id";
  if (size === 15) return "ewallet";
  throw notATarget(target);
}

/** A Thai mobile as the 13-digit "0066" + 9 digits that tag 29 carries. */
function mobileField(target, digits) {
  let national;
  if (digits.length === 10 && digits[0] === "0") national = digits.slice(1);
  else if (digits.length === 11 && digits.startsWith("66")) national = digits.slice(2);
  else {
    throw new PromptPayError("promptpay.mobile_length",
      "เบอร์มือถือ “{target}” ต้องมี 10 หลักขึ้นต้นด้วย 0 หรือขึ้นต้นด้วย 66 ตามด้วย 9 หลัก",
      { target: target });
  }
  if (!"689".includes(national[0])) {
    throw new PromptPayError("promptpay.not_thai_mobile",
      "“{target}” ไม่ใช่เบอร์มือถือไทย (ต้องขึ้นต้นด้วย 06, 08 หรือ 09)", { target: target });
  }
  return "0066" + national;
}

function thaiId(target, digits, kind) {
  if (digits.length !== 13) {
    throw new PromptPayError("promptpay.id_length",
      "เลขประจำตัวประชาชน/เลขผู้เสียภาษี “{target}” ต้องมี 13 หลัก", { target: target });
  }
  const valid = validId(digits);
  if (kind === "national_id" && valid !== "national_id") {
    throw new PromptPayError("promptpay.national_id_invalid",
      "เลขประจำตัวประชาชน “{target}” มีเลขตรวจสอบหรือหลักแรกไม่ถูกต้อง", { target: target });
  }
  if (kind === "tax_id" && valid === null) {
    throw new PromptPayError("promptpay.tax_id_invalid",
      "“{target}” ไม่ใช่ทั้งเลขประจำตัวประชาชนและเลขผู้เสียภาษี (เลขตรวจสอบหรือหลักแรกไม่ถูกต้อง)",
      { target: target });
  }
  return digits;
}

function reference(name, value) {
  if (typeof value !== "string" || !REF.test(value)) {
    throw new PromptPayError("promptpay.reference",
      "{name} ต้องเป็นตัวอักษรอังกฤษพิมพ์ใหญ่และตัวเลข 1 ถึง {limit} ตัว แต่ได้ {value}",
      { name: name, limit: 20, value: quoted(value) });
  }
  return value;
}

function biller(billerId) {
  if (typeof billerId !== "string" || billerId.length !== 15 || !DIGITS.test(billerId)) {
    throw new PromptPayError("promptpay.biller_id",
      "รหัสผู้รับชำระ (biller ID) ต้องเป็นตัวเลข 15 หลัก (เลขผู้เสียภาษี 13 หลัก" +
        " + ส่วนท้าย 2 หลัก) แต่ได้ {value}",
      { value: quoted(billerId) });
  }
  return billerId;
}

/** fields.text: printable ASCII of 1 to `limit` characters (EMVCo "ans" fields). */
function text(name, value, limit) {
  if (typeof value !== "string" || !value) {
    throw new PromptPayError("promptpay.text_empty",
      "{name} ต้องเป็นข้อความที่ไม่ว่าง แต่ได้ {value}", { name: name, value: quoted(value) });
  }
  if (!PRINTABLE_ASCII.test(value)) {
    throw new PromptPayError("promptpay.text_not_ascii",
      "{name} “{value}” ต้องเป็นตัวอักษรภาษาอังกฤษ ตัวเลข หรือเครื่องหมายที่พิมพ์ได้เท่านั้น",
      { name: name, value: value });
  }
  if (value.length > limit) {
    throw new PromptPayError("promptpay.text_too_long",
      "{name} ยาว {length} ตัวอักษร ใส่ได้ไม่เกิน {limit} ตัวอักษร",
      { name: name, length: value.length, limit: limit });
  }
  return value;
}

function merchant(name, city) {
  let out = "";
  if (!isNone(name)) out += tlv("59", text("merchant_name", name, MERCHANT_NAME_MAX));
  if (!isNone(city)) out += tlv("60", text("merchant_city", city, MERCHANT_CITY_MAX));
  return out;
}

function additional(billNumber, terminalLabel, referenceLabel) {
  let inner = "";
  const parts = [["01", "bill_number", billNumber], ["05", "reference_label", referenceLabel],
    ["07", "terminal_label", terminalLabel]];
  for (const [subTag, name, value] of parts) {
    if (!isNone(value)) inner += tlv(subTag, text(name, value, ADDITIONAL_MAX));
  }
  return inner ? tlv("62", inner) : "";
}

function head(amountSatang) { return "00020101021" + (isNone(amountSatang) ? "1" : "2"); }

/**
 * promptpay.credit_transfer: the tag 29 payload paying `target` (a mobile number in any common
 * form, a 13-digit national or tax ID, a 15-digit e-wallet ID, or with proxyType
 * "bank_account" a bank account). Static without an amount, dynamic with one (integer satang).
 * options: proxyType, merchantName, merchantCity, billNumber, terminalLabel, referenceLabel.
 */
export function creditTransfer(target, amountSatang = null, options = {}) {
  const [, subTag, value] = proxy(target, options.proxyType);
  const account = "0016" + AID_CREDIT_TRANSFER + subTag + two(value.length) + value;
  let body = head(amountSatang) + "29" + two(account.length) + account + TH;
  if (!isNone(amountSatang)) body += amountField(amountSatang);
  const extras = [options.merchantName, options.merchantCity, options.billNumber,
    options.terminalLabel, options.referenceLabel];
  if (extras.some(function (v) { return !isNone(v); })) {
    body += merchant(options.merchantName, options.merchantCity);
    body += additional(options.billNumber, options.terminalLabel, options.referenceLabel);
  }
  return withCrc(body);
}

/**
 * promptpay.bill_payment: the tag 30 payload for a biller ID (13-digit tax ID + 2-digit suffix),
 * ref1 and optional ref2 (1 to 20 upper-case letters and digits), optional amount in satang.
 * options: ref3 (sent in tag 62's terminal label), merchantName, merchantCity, billNumber,
 * referenceLabel.
 */
export function billPayment(billerId, ref1, ref2 = null, amountSatang = null, options = {}) {
  let account = "0016" + AID_BILL_PAYMENT + "0115" + biller(billerId) + tlv("02", reference("ref1", ref1));
  if (!isNone(ref2)) account += tlv("03", reference("ref2", ref2));
  let body = head(amountSatang) + "30" + two(account.length) + account + TH;
  if (!isNone(amountSatang)) body += amountField(amountSatang);
  const ref3 = isNone(options.ref3) ? null : reference("ref3", options.ref3);
  body += merchant(options.merchantName, options.merchantCity);
  body += additional(options.billNumber, ref3, options.referenceLabel);
  return withCrc(body);
}

/**
 * references.payment_payload: the dynamic QR of one payment, for exactly `amountSatang`,
 * carrying `reference`. `account` is a references.ReceivingAccount as JSON:
 * {promptpay_id, biller_id, merchant_name, merchant_city}. With a biller ID the reference is
 * ref1 of a bill payment; otherwise it rides in tag 62's reference label of a credit transfer.
 */
export function paymentPayload(account, reference, amountSatang) {
  const options = { merchantName: account.merchant_name, merchantCity: account.merchant_city };
  if (isNone(options.merchantName) || isNone(options.merchantCity)) {
    // The server always writes both (tags 59 and 60); without them the QR would not be its QR.
    throw new AccountError("บัญชีรับเงินไม่มีชื่อร้านหรือเมือง จึงสร้าง QR ให้ตรงกับของเซิร์ฟเวอร์ไม่ได้");
  }
  if (account.biller_id) {
    return billPayment(account.biller_id, reference, null, amountSatang, options);
  }
  if (!account.promptpay_id) {
    throw new AccountError("ยังไม่ได้ตั้งบัญชีรับเงิน: ตั้ง OTOP_PROMPTPAY_ID หรือ OTOP_PROMPTPAY_BILLER_ID");
  }
  options.referenceLabel = reference;
  return creditTransfer(account.promptpay_id, amountSatang, options);
}

/** RFC 4648 base32 of `bytes`, without the "=" padding. */
function base32(bytes) {
  let out = "", buffer = 0, bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1; // keep only the bits not written yet
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The reference new_reference() would make of these 8 random bytes: "OTP" + 13 base32 characters. */
export function referenceFromBytes(bytes) {
  if (bytes.length !== 8) throw new RangeError("a reference takes 8 random bytes (64 bits)");
  return REFERENCE_PREFIX + base32(bytes);
}

/** references.new_reference: "OTP" and 64 random bits in base32, 16 upper-case letters and digits. */
export function newReference() {
  return referenceFromBytes(crypto.getRandomValues(new Uint8Array(8)));
}

/** references.is_reference: 12 to 20 upper-case letters and digits. */
export function isReference(text) { return typeof text === "string" && REFERENCE.test(text); }
