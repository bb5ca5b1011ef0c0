/* Code 128 (code set B) as a small SVG string: the receipt number's barcode, the same symbol,
   character for character, as the server's inventory/catalogue/code128.py draws (the shared
   cases: tests/receipt_vectors.json, "barcode"). Pure string building, so that Node runs it and
   the till prints it offline. Colours are presentation attributes: the Content-Security-Policy
   forbids inline styles. */

// Bar (1) and space (0) modules of each symbol value, 0-102, then START A/B/C (103-105).
const PATTERNS = [
  "11011001100", "11001101100", "11001100110", "10010011000", "10010001100",
  "10001001100", "10011001000", "10011000100", "10001100100", "11001001000",
  "11001000100", "11000100100", "10110011100", "10011011100", "10011001110",
  "10111001100", "10011101100", "10011100110", "11001110010", "11001011100",
  "11001001110", "11011100100", "11001110100", "11101101110", "11101001100",
  "11100101100", "11100100110", "11101100100", "11100110100", "11100110010",
  "11011011000", "11011000110", "11000110110", "10100011000", "10001011000",
  "10001000110", "10110001000", "10001101000", "10001100010", "11010001000",
  "11000101000", "11000100010", "10110111000", "10110001110", "10001101110",
  "10111011000", "10111000110", "10001110110", "11101110110", "11010001110",
  "11000101110", "11011101000", "11011100010", "11011101110", "11101011000",
  "11101000110", "11100010110", "11101101000", "11101100010", "11100011010",
  "11101111010", "11001000010", "11110001010", "10100110000", "10100001100",
  "10010110000", "10010000110", "10000101100", "10000100110", "10110010000",
  "10110000100", "10011010000", "10011000010", "10000110100", "10000110010",
  "11000010010", "11001010000", "11110111010", "11000010100", "10001111010",
  "10100111100", "10010111100", "10010011110", "10111100100", "10011110100",
  "10011110010", "11110100100", "11110010100", "11110010010", "11011011110",
  "11011110110", "11110110110", "10101111000", "10100011110", "10001011110",
  "10111101000", "10111100010", "11110101000", "11110100010", "10111011110",
  "10111101110", "11101011110", "11110101110", "11010000100", "11010010000",
  "11010011100"
];
const START_B = 104;
const STOP = "1100011101011";  // the stop symbol with its final bar
const QUIET = 10;  // modules of white on each side
const HEIGHT = 40;  // in modules; the stylesheet sets the printed height
const MODULE_HUNDREDTHS_MM = 33;  // 0.33 mm: three dots of a 203 dpi thermal printer

/** The symbol's modules, bars as 1 and spaces as 0, start to stop (no quiet zone). */
export function modules(text) {
  const value = String(text == null ? "" : text);
  if (!value || !/^[\x20-\x7e]+$/.test(value)) throw new Error("Code 128 B encodes printable ASCII only");
  const values = [START_B];
  for (let i = 0; i < value.length; i++) values.push(value.charCodeAt(i) - 32);
  let check = values[0];
  for (let i = 1; i < values.length; i++) check += i * values[i];
  values.push(check % 103);
  return values.map(function (v) { return PATTERNS[v]; }).join("") + STOP;
}

function escapeLabel(text) {
  return text.replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&#34;", "'": "&#39;" }[c];
  });
}

/** An <svg> of `text` to put in HTML: one path of bars on a white ground. */
export function code128Svg(text) {
  const bits = modules(text);
  const width = bits.length + 2 * QUIET;
  const hundredths = width * MODULE_HUNDREDTHS_MM;  // integers: no rounding to disagree on
  let bars = "";
  for (let x = 0; x < bits.length;) {
    if (bits[x] !== "1") { x += 1; continue; }
    let run = 0;
    while (bits[x + run] === "1") run += 1;
    bars += "M" + (QUIET + x) + " 0h" + run + "v" + HEIGHT + "h-" + run + "z";
    x += run;
  }
  return "<svg class=\"receipt-barcode\" xmlns=\"http://www.w3.org/2000/svg\" " +
    "width=\"" + Math.floor(hundredths / 100) + "." + String(hundredths % 100).padStart(2, "0") + "mm\" height=\"12mm\" viewBox=\"0 0 " + width + " " + HEIGHT + "\" " +
    "preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" role=\"img\" " +
    "aria-label=\"" + escapeLabel(String(text)) + "\"><rect width=\"" + width + "\" height=\"" + HEIGHT + "\" fill=\"#fff\"/>" +
    "<path fill=\"#000\" d=\"" + bars + "\"/></svg>";
}
