/* The browser till: the customer display's side of the channel. display.js, in another window
   of the same browser, hears over a BroadcastChannel ("otop-till-<id>") what to show: the cart,
   the PromptPay QR, "paid". No server state; a display that opens says hello and is answered
   with the last screen. What the cart screen holds is till_cart.js's. */
import { focusScan, state } from "./till.js";

var channel = null;
var lastScreen = { type: "idle" };

export function connectDisplay(tillId) {
  if (channel) channel.close();
  if (!window.BroadcastChannel) return;
  channel = new BroadcastChannel("otop-till-" + tillId);
  channel.onmessage = function (event) {
    // A display that just opened asks what to show.
    if (event.data && event.data.type === "hello") postDisplay(lastScreen);
  };
}

export function postDisplay(screen) {
  lastScreen = screen;
  if (channel) channel.postMessage(screen);
}

/* The cart ("cart", or "idle" when empty), unless the display shows the QR, or "paid" until
   the next sale starts. */
export function postCart(screen) {
  if (lastScreen.type === "qr" || (lastScreen.type === "paid" && screen.type === "idle")) return;
  postDisplay(screen);
}

/* The QR or "paid" is over: the next cart screen shows whatever it holds. */
export function releaseDisplay() { lastScreen = { type: "idle" }; }

function openDisplay() {
  window.open("/till/display?till=" + state.till.id, "otop-display-" + state.till.id, "popup,width=1024,height=700");
  focusScan();
}

export function bindDisplay() {
  // On the till's bar, and in the QR dialog (which, modal, keeps the bar out of reach).
  document.querySelectorAll("[data-open-display]").forEach(function (button) {
    button.addEventListener("click", openDisplay);
  });
}
