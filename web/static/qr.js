/* A QR symbol as an SVG element, drawn in the browser: for the till to show a PromptPay QR it
   built itself (promptpay.js) when the server cannot be reached. It looks like the server's
   (payments/qr.py payload_svg): error correction M, a quiet zone of 4 modules, black modules
   on white, 8 px a module at its nominal size, one <path> of horizontal runs.

   The Content-Security-Policy refuses inline styles, so the element carries presentation
   attributes (fill, shape-rendering) and never a style attribute; CSS may size it (it keeps
   its viewBox, so it scales cleanly). The symbol is laid out by the vendored qrcode-generator
   (vendor/qrcode-generator/README.md); qrMatrix needs no DOM, so Node can run it too. */
import qrcode from "./vendor/qrcode-generator/qrcode.js";

const SVG_NS = "http://www.w3.org/2000/svg";
export const QUIET_ZONE = 4; // modules of white around the symbol, as ISO/IEC 18004 asks
export const MODULE_PX = 8; // pixels per module at the nominal size (41 modules -> 328 px)

/** The payload's UTF-8 bytes as one character each: qrcode-generator's byte mode keeps the
    low 8 bits of every character. PromptPay payloads are ASCII, for which this is the text. */
function byteString(text) {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

/** [mode, text] segments as python-qrcode's QRCode.add_data splits them (optimal_data_chunks
    with its default minimum of 20: runs of 20 or more digits numeric, then runs of 20 or more
    of the 45 alphanumeric characters, the rest bytes), so that a payload takes the same
    version, the same size, as the server's QR. */
export function segments(text, minimum = 20) {
  const whole = text.length <= minimum;
  const numeric = whole ? /^[0-9]+$/ : new RegExp("[0-9]{" + minimum + ",}");
  const alpha = whole ? /^[0-9A-Z $%*+\-./:]+$/ : new RegExp("[0-9A-Z $%*+\\-./:]{" + minimum + ",}");
  const out = [];
  for (const [isNumber, chunk] of split(text, numeric)) {
    if (isNumber) { out.push(["Numeric", chunk]); continue; }
    for (const [isAlpha, part] of split(chunk, alpha)) out.push([isAlpha ? "Alphanumeric" : "Byte", part]);
  }
  return out;
}

function split(text, pattern) {
  const out = [];
  while (text) {
    const match = pattern.exec(text);
    if (!match) break;
    if (match.index) out.push([false, text.slice(0, match.index)]);
    out.push([true, match[0]]);
    text = text.slice(match.index + match[0].length);
  }
  if (text) out.push([false, text]);
  return out;
}

/** The symbol's modules (true = dark), quiet zone included: rows of booleans. */
export function qrMatrix(payload, quietZone = QUIET_ZONE) {
  if (typeof payload !== "string" || !payload) throw new TypeError("payload must be a non-empty text");
  const code = qrcode(0, "M"); // 0: the smallest version that holds the payload
  for (const [mode, part] of segments(byteString(payload))) code.addData(part, mode);
  code.make();
  const count = code.getModuleCount();
  const size = count + 2 * quietZone;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [];
    for (let x = 0; x < size; x++) {
      const r = y - quietZone, c = x - quietZone;
      row.push(r >= 0 && r < count && c >= 0 && c < count && code.isDark(r, c));
    }
    rows.push(row);
  }
  return rows;
}

/** One SVG path of horizontal runs of dark modules, in module units (as payments/qr.py _path). */
export function qrPath(matrix) {
  const parts = [];
  matrix.forEach(function (row, y) {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) { x++; continue; }
      const start = x;
      while (x < row.length && row[x]) x++;
      parts.push("M" + start + " " + y + "h" + (x - start) + "v1h" + (start - x) + "z");
    }
  });
  return parts.join("");
}

/**
 * The payload's QR as an <svg> element (not yet in the page): a white square and one black
 * path, viewBox in modules. options: moduleSize (px per module of the nominal width and
 * height, default 8), quietZone (modules, default 4), label (its accessible name).
 */
export function qrSvg(payload, options = {}) {
  const matrix = qrMatrix(payload, options.quietZone ?? QUIET_ZONE);
  const size = matrix.length;
  const pixels = size * (options.moduleSize ?? MODULE_PX);
  const svg = document.createElementNS(SVG_NS, "svg");
  const attributes = {
    width: pixels, height: pixels, viewBox: "0 0 " + size + " " + size,
    "shape-rendering": "crispEdges", role: "img", "aria-label": options.label ?? "QR พร้อมเพย์"
  };
  for (const [name, value] of Object.entries(attributes)) svg.setAttribute(name, String(value));
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const modules = document.createElementNS(SVG_NS, "path");
  modules.setAttribute("fill", "#000");
  modules.setAttribute("d", qrPath(matrix));
  svg.append(background, modules);
  return svg;
}
