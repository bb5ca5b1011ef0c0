/* The browser till: the wiring. till.html loads this module; it imports every part of the
   till (which import what they use, see till.js), binds each, and starts. A module runs once
   the document is parsed, so the page's elements are all there. */
import { $, anyDialogOpen, bindDialogs, state } from "./till.js";
import { bindGrid, browsingAll } from "./till_products.js";
import { bindDisplay } from "./till_display.js";
import { addProduct, bindCart, cart, doneVisible, reloadCatalogue } from "./till_cart.js";
import { bindAmountDialog, bindApproval, bindPriceDialog, cartDiscountDialog, changePrice, lineDiscount } from "./till_discounts.js";
import { bindOpenShift, bindTillChoice, start } from "./till_shift.js";
import { bindPay, isBusy, resume } from "./till_pay.js";
import { bindDay } from "./till_day.js";
import { bindKeys } from "./till_keys.js";
import { keepTillOffline } from "./till_offline.js";
import { bindPark, showParkedCount } from "./till_park.js";

var REFRESH_MS = 10 * 60 * 1000;
/* On-hand changes as other tills sell: reload the catalogue now and then, when idle. */
function refreshWhenIdle() {
  var idle = state.ready && !cart.lines.length && !doneVisible() && !anyDialogOpen() &&
    !isBusy() && $("#scan").value === "" && browsingAll();
  if (idle) reloadCatalogue().catch(function () { /* next time */ });
}

bindKeys();
bindDialogs();
bindTillChoice();
bindCart({ lineDiscount: lineDiscount, cartDiscount: cartDiscountDialog, changePrice: changePrice });
bindGrid(function (product) { addProduct(product, 1); });
bindAmountDialog();
bindOpenShift();
bindApproval();
bindPriceDialog();
bindPay();
bindDisplay();
bindDay();
bindPark();

setInterval(refreshWhenIdle, REFRESH_MS);
start(function () { resume(); showParkedCount(); });
keepTillOffline();
