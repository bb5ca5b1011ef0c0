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

/** Basis points as a person reads a percentage: 1000 -> "10", 1250 -> "12.5", 1205 -> "12.05"
    (inventory.stock.markdown_rules.percent_text). */
export function percentText(bp) {
  const whole = Math.floor(bp / 100), part = bp % 100;
  return part ? (whole + "." + String(part).padStart(2, "0")).replace(/0+$/, "") : String(whole);
}
