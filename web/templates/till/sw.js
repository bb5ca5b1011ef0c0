/* The till's service worker (served as /till/sw.js with scope /till; see web/till/offline.py,
   which writes VERSION, ASSETS and PAGES above this line).

   - install: the till's static files into a cache named for this version (every one, or the
     install fails and the previous worker stays), and the till page best-effort (it needs a
     session; the next visit caches it otherwise).
   - activate: caches of other versions are deleted; this worker takes the open tills over.
   - fetch: the till's pages and static files network-first: the server's answer whenever it
     gives one (the page and its modules stay of one release), the cached copy when the
     network fails or is slower than NETWORK_WAIT_MS. The last good copy of each page is
     kept apart from the versioned files, so a new version does not forget it. Nothing else
     is answered here: the API, and every other page, go to the network as if there were no
     worker. */

const FILES = "otop-till-" + VERSION;
const PAGE_CACHE = "otop-till-pages";
const NETWORK_WAIT_MS = 4000;
const PHOTO_CACHE = "otop-photos";
const PHOTOS_KEPT = 600;  // about 2 MB of 96 px WebP thumbnails
const KEEP = new Set(ASSETS);

function freshRequest(url) { return new Request(url, { cache: "no-cache", credentials: "same-origin" }); }

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) {
    return cache.addAll(ASSETS.map(freshRequest));
  }).then(function () {
    return fetch(freshRequest(PAGES[0])).then(function (answer) {
      if (answer.ok && !answer.redirected) return caches.open(PAGE_CACHE).then(function (c) { return c.put(PAGES[0], answer); });
    }).catch(function () { /* cached on the next visit */ });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("otop-till-") === 0 && name !== FILES && name !== PAGE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
  }).then(function () { return self.clients.claim(); }));
});

/* The network's answer, or null when it fails or takes longer than NETWORK_WAIT_MS (it may
   still arrive: `late` gets it, to keep the page's copy fresh). */
function network(answering, late) {
  var timer;
  var waited = new Promise(function (resolve) { timer = setTimeout(resolve, NETWORK_WAIT_MS, null); });
  var fetched = answering.then(function (answer) { clearTimeout(timer); if (late) late(answer); return answer; },
    function () { clearTimeout(timer); return null; });
  return Promise.race([fetched, waited]);
}

function page(event) {
  var request = event.request;
  var answering = Promise.resolve(event.preloadResponse).then(function (preloaded) {
    return preloaded || fetch(request);
  });
  var keep = function (answer) {
    if (!answer.ok || answer.redirected || answer.type !== "basic") return;
    var copy = answer.clone();
    caches.open(PAGE_CACHE).then(function (cache) { return cache.put(request.url, copy); });
  };
  event.waitUntil(answering.catch(function () { return null; }));
  return network(answering, keep).then(function (answer) {
    if (answer) return answer;
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(request.url).then(function (hit) {
        return hit || cache.match(request.url, { ignoreSearch: true });
      });
    }).then(function (hit) { return hit || answering; });
  });
}

function file(request, key) {
  return network(fetch(request)).then(function (answer) {
    if (answer) return answer;
    return caches.match(key, { cacheName: FILES }).then(function (hit) { return hit || fetch(request); });
  });
}

/* A thumbnail: the kept copy, else the network's (kept when it is a whole image). */
function thumbnail(request) {
  return caches.open(PHOTO_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (answer) {
        if (answer.ok && answer.type === "basic" && !answer.redirected) {
          cache.put(request.url, answer.clone()).then(function () { return trim(cache); });
        }
        return answer;
      });
    });
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {  // oldest first
    return Promise.all(keys.slice(0, Math.max(0, keys.length - PHOTOS_KEPT)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1) {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf("/photos/") === 0 && /\/thumb\.webp$/.test(url.pathname)) {
    event.respondWith(thumbnail(request));
  } else if (KEEP.has(url.pathname + url.search)) {
    event.respondWith(file(request, url.pathname + url.search));
  }
});
