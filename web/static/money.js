/* Money shown as baht, pure (no DOM, no imports) so that Node and the receipt the till renders
   (receipt_render.js) use the one formatting every page uses; shared.js re-exports it. */

/** Satang as baht with two decimals and thousands separators: 123456 -> "1,234.56"
    (kernel.money.format_baht). */
export function baht(satang) {
  const sign = satang < 0 ? "-" : "";
  const abs = Math.abs(satang);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + whole + "." + String(abs % 100).padStart(2, "0");
}
