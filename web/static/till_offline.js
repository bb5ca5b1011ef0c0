/* The browser till offline: the service worker that keeps the till's page and static files on
   the device (/till/sw.js, scope /till; see web/till/offline.py), so that a till that has
   loaded once opens again with no network. Its catalogue is kept by till_products.js. */

/** Register the till's service worker once the page has loaded (its install fetches every
    file the till uses, which must not compete with the till's own start). */
export function keepTillOffline() {
  if (!("serviceWorker" in navigator)) return;
  var register = function () {
    navigator.serviceWorker.register("/till/sw.js", { scope: "/till" }).catch(function (error) {
      console.warn("the till's service worker was not registered", error);
    });
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
