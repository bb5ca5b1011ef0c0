/* What every page script shares: the page's language, money shown as baht, and the one way
   to call the API (the CSRF header, the answer read as JSON, an error that says what went
   wrong). An ES module: a page loads its script with <script type="module">, which imports
   from here by relative path; no build step. */

const thai = (document.documentElement.lang || "th") !== "en";

// The catalogue's English (GET /i18n/en.json, the same PO file the pages use), read once
// before any module that imports this one runs; Thai pages need none.
const wordsUrl = document.documentElement.dataset.words;
const catalogue = thai || !wordsUrl
  ? null
  : await fetch(wordsUrl).then((r) => (r.ok ? r.json() : null)).catch(() => null);

/** `th` in the page's language; `context` tells apart one Thai word with two English ones. */
export function tr(th, context) {
  if (thai || !catalogue) return th;
  const table = context ? catalogue.contexts[context] : catalogue.words;
  return (table && table[th]) || th;
}

export { thai };

/** A payment's status in words. */
export const PAYMENT_STATUS_WORDS = {
  pending: tr("รอชำระเงิน"),
  confirmed: tr("ชำระแล้ว"),
  expired: tr("หมดอายุ"),
  cancelled: tr("ยกเลิกแล้ว"),
  failed: tr("ไม่สำเร็จ")
};

/** Satang as baht: 123456 -> "1,234.56" (money.js, pure, which the till's receipt uses too). */
export { baht, percentText } from "./money.js";

/** A QR's time left, as its countdown shows it: 125 -> "2:05". */
export function minutesSeconds(seconds) {
  return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
}

/** Show an error's message in its box (or hide the box when there is none). */
export function showError(box, error) {
  if (!box) return;
  box.textContent = error ? error.message || String(error) : "";
  box.hidden = !error;
}

export function csrfToken() {
  // Outside demo mode the cookie is __Host-csrftoken (Secure, this origin only).
  const match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/* Told whether the server answered (true) or could not be reached (false); the till shows it. */
let connectivityListener = null;
export function onConnectivity(listener) { connectivityListener = listener; }
function connected(online) { if (connectivityListener) connectivityListener(online); }

/** fetch() that resolves with {status, ok, body, headers} for any HTTP answer and rejects
    only when no answer came (network down, server gone). */
export function api(method, url, body, headers, signal) {
  const init = { method: method, credentials: "same-origin", cache: "no-store", headers: headers || {}, signal: signal };
  if (method !== "GET") {
    init.headers["x-csrftoken"] = csrfToken();
    init.headers["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body || {});
  }
  return fetch(url, init).then(function (response) {
    connected(true);
    return response.json().catch(function () { return null; }).then(function (data) {
      return { status: response.status, ok: response.ok, body: data, headers: response.headers };
    });
  }, function (error) {
    if (error.name !== "AbortError") connected(false);
    throw error;
  });
}

/** The server's refusal in a sentence: its detail (or the status) and the field it names. */
export function errorText(status, body) {
  let text = (body && body.detail) || tr("เกิดข้อผิดพลาด") + " (" + status + ")";
  if (body && body.field) text += " [" + body.field + "]";
  return text;
}

/** A 4xx/5xx answer as an Error, with the answer's status and body. */
export class ApiError extends Error {
  constructor(answer, message) {
    super(message || errorText(answer.status, answer.body));
    this.name = "ApiError";
    this.status = answer.status;
    this.body = answer.body;
  }
}

/** api() that resolves with the body of a 2xx, throws ApiError on a 4xx/5xx and a readable
    Error when offline. */
export function apiOk(method, url, body, headers) {
  return api(method, url, body, headers).then(function (answer) {
    if (!answer.ok) throw new ApiError(answer);
    return answer.body;
  }, function () {
    throw new Error(tr("ติดต่อเซิร์ฟเวอร์ไม่ได้ ลองอีกครั้ง"));
  });
}

/** A barcode scanner types digits then Enter into `input`: `handler` gets each code read,
    trimmed; the field is emptied, and Enter never submits the form. */
export function onScan(input, handler) {
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    if (code) handler(code);
  });
}
