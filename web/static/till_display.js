/* The browser till: the customer display's side of the channel. display.js, in another window
   of the same browser, hears over a BroadcastChannel ("otop-till-<id>") what to show: the cart,
   the PromptPay QR, "paid". No server state; a display that opens says hello and is answered
   with the last screen. */
(function () {
  "use strict";

  var T = window.Till;
  var $ = T.$;

  var channel = null;
  var lastScreen = { type: "idle" };

  function connectDisplay(tillId) {
    if (channel) channel.close();
    if (!window.BroadcastChannel) return;
    channel = new BroadcastChannel("otop-till-" + tillId);
    channel.onmessage = function (event) {
      // A display that just opened asks what to show.
      if (event.data && event.data.type === "hello") post(lastScreen);
    };
  }

  function post(screen) {
    lastScreen = screen;
    if (channel) channel.postMessage(screen);
  }

  /* The cart, unless the display shows the QR, or "paid" until the next sale starts. */
  function broadcastCart() {
    if (lastScreen.type === "qr" || (lastScreen.type === "paid" && !T.lines().length)) return;
    var money = T.pricing();
    post({
      type: T.lines().length ? "cart" : "idle",
      lines: T.lines().map(function (l) {
        return {
          name_th: l.product.name_th, name_en: l.product.name_en, quantity: l.quantity,
          total_satang: l.product.price * l.quantity - l.discount
        };
      }),
      subtotal_satang: money.subtotal, discount_satang: money.discount, total_satang: money.total
    });
  }

  /* The QR or "paid" is over: back to the cart (or the welcome). */
  function displayCart() {
    lastScreen = { type: "idle" };
    broadcastCart();
  }

  function openDisplay() {
    window.open("/till/display?till=" + T.state.till.id, "otop-display-" + T.state.till.id, "popup,width=1024,height=700");
    T.focusScan();
  }

  function bindDisplay() {
    // On the till's bar, and in the QR dialog (which, modal, keeps the bar out of reach).
    document.querySelectorAll("[data-open-display]").forEach(function (button) {
      button.addEventListener("click", openDisplay);
    });
  }

  Object.assign(T, {
    connectDisplay: connectDisplay, postDisplay: post, broadcastCart: broadcastCart,
    displayCart: displayCart, bindDisplay: bindDisplay
  });
})();
