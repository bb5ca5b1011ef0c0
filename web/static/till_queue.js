/* The browser till: the sale queue on the device, so that paying never waits for the network.

   A sale the cashier completes (cash, or a PromptPay transfer the cashier saw) is written to
   IndexedDB before anything else happens: one entry per sale, never rewritten but to say it
   was answered, keyed by its Idempotency-Key, holding the request exactly as it will be sent
   (the prices charged, payments, tendered and change, the shift, the till's clock and its
   known offset from the server's) and the receipt number. The number comes from a block of
   the till's numbers leased to this device in advance (pos/tills/leases.py), taken in the
   same IndexedDB transaction that writes the entry: a number is issued with its sale or not
   at all, and tabs of one device never issue the same number. The receipt prints at once.

   One sender per device, whatever the tabs and windows (Web Locks): it sends the oldest
   waiting entry until none is left or the server cannot be reached, and goes again on the
   `online` event, on a timer and at start-up. A replay of a key is answered with the first
   sale, so a sale reaches the books exactly once. A 4xx other than an expired session is the
   server's refusal: the entry is kept as refused, shown to the cashier, never dropped.

   Refunds and the day's other actions need the network (they need the sale on the server and
   often a manager): they do not go through this queue. */

import { api, tr } from "./shared.js";

const DB_NAME = "otop-till-queue";
const SENDER_LOCK = "otop-till-sender";
const CHANNEL = "otop-till-queue";
const DEVICE = "otop.till.device";
const SKEW = "otop.till.clock_skew_ms";
export const BLOCK_SIZE = 100;
const LOW_WATER = 150; // lease another block below this: a busy morning offline, at least
const RETRY_MS = 5000;
const SENT_KEPT_MS = 7 * 24 * 3600 * 1000; // answered entries are kept a week, then pruned

/* --- IndexedDB, as promises ------------------------------------------------------------------ */
let opened = null;
function db() {
  if (!opened) {
    opened = new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        const store = request.result.createObjectStore("outbox", { keyPath: "key" });
        store.createIndex("waiting", ["state", "created_at"]);
        request.result.createObjectStore("numbers", { keyPath: "till_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  return opened;
}

/* One transaction over `stores`; `work(tx)` returns a value or a request whose result is the
   value. Resolves once the transaction committed (durably: the sale survives a power cut). */
function transact(stores, mode, work) {
  return db().then(function (database) {
    return new Promise(function (resolve, reject) {
      const tx = database.transaction(stores, mode, { durability: "strict" });
      let value;
      try { value = work(tx); } catch (error) { tx.abort(); reject(error); return; }
      tx.oncomplete = function () { resolve(value instanceof IDBRequest ? value.result : value); };
      tx.onabort = tx.onerror = function () { reject(tx.error || new Error("IndexedDB transaction failed")); };
    });
  });
}

function requested(request) {
  return new Promise(function (resolve, reject) {
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

/* --- the device and its clock -------------------------------------------------------------- */
export function deviceId() {
  let id = null;
  try { id = localStorage.getItem(DEVICE); } catch (e) { /* private mode */ }
  if (!id) {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    id = "dev-" + Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    try { localStorage.setItem(DEVICE, id); } catch (e) { /* the id lives as long as the page */ }
  }
  return id;
}

/* Server time minus this device's clock, from the Date header of the server's answers. */
export function noteServerDate(headers) {
  const date = headers && headers.get && headers.get("date");
  if (!date) return;
  const skew = Date.parse(date) - Date.now();
  if (Number.isFinite(skew)) try { localStorage.setItem(SKEW, String(Math.round(skew))); } catch (e) { /* */ }
}
export function clockSkewMs() {
  try { return Number(localStorage.getItem(SKEW)) || 0; } catch (e) { return 0; }
}

/* --- receipt numbers: blocks leased to this device ------------------------------------------ */
function left(record) {
  if (!record) return 0;
  return record.blocks.reduce(function (n, b) { return n + Math.max(0, b.last - Math.max(b.first, record.next) + 1); }, 0);
}

export function numbersLeft(tillId) {
  return transact(["numbers"], "readonly", function (tx) { return tx.objectStore("numbers").get(tillId); }).then(left);
}

function addBlocks(tillId, blocks) {
  return transact(["numbers"], "readwrite", function (tx) {
    const store = tx.objectStore("numbers");
    store.get(tillId).onsuccess = function (event) {
      const record = event.target.result || { till_id: tillId, blocks: [], next: 0, last_issued: null };
      blocks.forEach(function (b) {
        if (!record.blocks.some(function (known) { return known.first === b.first_seq; })) {
          record.blocks.push({ first: b.first_seq, last: b.last_seq });
        }
        // Numbers of this block the server has received already: go on after them.
        if (b.next_seq > b.first_seq) record.next = Math.max(record.next, b.next_seq);
      });
      record.blocks.sort(function (a, b) { return a.first - b.first; });
      store.put(record);
    };
  });
}

/* Lease blocks while online until the device holds enough numbers (never waits on a dead
   network: a failed request ends it, the next sale or the timer tries again). */
export function ensureNumbers(tillId, tries) {
  tries = tries === undefined ? 3 : tries;
  return numbersLeft(tillId).then(function (count) {
    if (count >= LOW_WATER || tries <= 0) return count;
    const url = "/api/v1/tills/" + tillId + "/receipt-blocks";
    return api("POST", url, { device_id: deviceId(), size: BLOCK_SIZE }).then(function (answer) {
      if (answer.ok) return addBlocks(tillId, [answer.body]).then(function () { return ensureNumbers(tillId, tries - 1); });
      // Holding enough already (this device's local copy was lost): take the server's list.
      return api("GET", url + "?device_id=" + deviceId()).then(function (list) {
        if (list.ok) return addBlocks(tillId, list.body);
      }).then(function () { return numbersLeft(tillId); });
    });
  });
}

/* Ring a sale: take the next number of this device's blocks and write the sale's entry, in
   one transaction. `build(seq)` makes the entry from its number. Rejects with code
   "no_numbers" when the device holds none (it must reach the server once to lease some). */
export function ring(tillId, build) {
  let entry = null;
  return transact(["numbers", "outbox"], "readwrite", function (tx) {
    const numbers = tx.objectStore("numbers");
    numbers.get(tillId).onsuccess = function (event) {
      const record = event.target.result;
      if (record && record.closing) {
        const closing = new Error(tr("กำลังปิดกะ: ขายต่อได้เมื่อเปิดกะใหม่"));
        closing.code = "closing";
        tx.abort();
        entry = closing;
        return;
      }
      const block = record && record.blocks.find(function (b) { return b.last >= Math.max(b.first, record.next); });
      if (!block) {
        const error = new Error(tr("เครื่องนี้ไม่มีเลขที่ใบเสร็จสำรองเหลือ: ต่อเครือข่ายสักครู่เพื่อรับเลขชุดใหม่"));
        error.code = "no_numbers";
        tx.abort();
        entry = error;
        return;
      }
      const seq = Math.max(block.first, record.next);
      record.next = seq + 1;
      record.last_issued = seq;
      numbers.put(record);
      entry = build(seq);
      entry.state = "waiting";
      entry.attempts = 0;
      tx.objectStore("outbox").add(entry);
    };
  }).then(function () { notify(); return entry; }, function (error) {
    throw entry instanceof Error ? entry : error;
  });
}

/* The shift is closing: no tab of this device issues another number (the server voids those
   above the last one issued); the last issued, for the close to send, read in the same step. */
export function closeNumbers(tillId) {
  return marked(tillId, true);
}
/* The close failed: the device numbers its sales again. */
export function reopenNumbers(tillId) {
  return marked(tillId, false);
}
function marked(tillId, closing) {
  let last = null;
  return transact(["numbers"], "readwrite", function (tx) {
    const store = tx.objectStore("numbers");
    store.get(tillId).onsuccess = function (event) {
      const record = event.target.result;
      if (!record) return;
      last = record.last_issued;
      record.closing = closing;
      store.put(record);
    };
  }).then(function () { return last; });
}

/* After the shift closed: the server closed this device's blocks; so do we. */
export function forgetNumbers(tillId) {
  return transact(["numbers"], "readwrite", function (tx) { tx.objectStore("numbers").delete(tillId); });
}

/* --- the queue ---------------------------------------------------------------------------------- */
function waitingEntries() {
  return transact(["outbox"], "readonly", function (tx) {
    return tx.objectStore("outbox").index("waiting").getAll(IDBKeyRange.bound(["waiting", 0], ["waiting", Infinity]));
  });
}

/* The cash in the drawer from this shift's sales still waiting to be sent (their cash
   payments; change already given back). */
export function waitingCash(shiftId) {
  return waitingEntries().then(function (entries) {
    return entries.reduce(function (sum, e) {
      if (!e.body.rung || e.body.rung.shift_id !== shiftId) return sum;
      return sum + e.body.payments.reduce(function (a, p) { return a + (p.method === "cash" ? p.amount_satang : 0); }, 0);
    }, 0);
  });
}

/* What waits and what was refused (read through the index: the answered entries, a week of
   them, are never read here). */
export function status() {
  const found = {};
  return transact(["outbox"], "readonly", function (tx) {
    const index = tx.objectStore("outbox").index("waiting");
    ["waiting", "refused"].forEach(function (state) {
      index.getAll(IDBKeyRange.bound([state, 0], [state, Infinity])).onsuccess = function (event) {
        found[state] = event.target.result;
      };
    });
  }).then(function () {
    const waiting = found.waiting;
    return {
      waiting: waiting.length,
      oldest_at: waiting.length ? waiting[0].created_at : null,
      refused: found.refused,
      lastError: waiting.length ? waiting[0].last_error || null : null
    };
  });
}

function answered(entry, state, answer) {
  return transact(["outbox"], "readwrite", function (tx) {
    const store = tx.objectStore("outbox");
    store.get(entry.key).onsuccess = function (event) {
      const stored = event.target.result;
      if (!stored || stored.state !== "waiting") return;
      stored.state = state;
      stored.answered_at = Date.now();
      stored.status_code = answer.status;
      if (state === "sent") stored.sale_id = answer.body && answer.body.id;
      else stored.refusal = answer.body || null;
      store.put(stored);
    };
  });
}

function attempted(entry, why) {
  return transact(["outbox"], "readwrite", function (tx) {
    const store = tx.objectStore("outbox");
    store.get(entry.key).onsuccess = function (event) {
      const stored = event.target.result;
      if (!stored || stored.state !== "waiting") return;
      stored.attempts += 1;
      stored.last_error = why;
      store.put(stored);
    };
  });
}

function prune() {
  const before = Date.now() - SENT_KEPT_MS;
  return transact(["outbox"], "readwrite", function (tx) {
    const store = tx.objectStore("outbox");
    store.index("waiting").openCursor(IDBKeyRange.bound(["sent", 0], ["sent", before])).onsuccess = function (event) {
      const cursor = event.target.result;
      if (cursor) { cursor.delete(); cursor.continue(); }
    };
  });
}

function retryable(answer) {
  return answer.status >= 500 || answer.status === 408 || answer.status === 429 || answer.status === 401;
}

/* Send what waits, oldest first, until none is left (a sale rung meanwhile goes too); stop at
   the first entry the server does not answer. */
async function sendAll() {
  for (;;) {
    const entries = await waitingEntries();
    if (!entries.length) return;
    for (const entry of entries) {
      if (!(await sendOne(entry))) return;
    }
  }
}

/* One entry: true when the server answered it (recorded or refused), false to stop for now. */
async function sendOne(entry) {
  let answer;
  try {
    answer = await api("POST", "/api/v1/sales", entry.body, { "Idempotency-Key": entry.key });
  } catch (error) {
    await attempted(entry, "offline");
    notify();
    return false;
  }
  noteServerDate(answer.headers);
  if (answer.status === 403 && answer.body && answer.body.code === "csrf.invalid") {
    await api("GET", "/api/v1/auth/me").catch(function () { /* next time */ });
    await attempted(entry, "csrf");
    return false;
  }
  if (retryable(answer)) {
    await attempted(entry, answer.status === 401 ? "signed_out" : "server_" + answer.status);
    notify();
    return false;
  }
  await answered(entry, answer.ok ? "sent" : "refused", answer);
  notify();
  return true;
}

let flushing = null;
/* Send now (one sender per device: a tab that finds another sending leaves it to that one). */
export function flush() {
  if (flushing) return flushing;
  const run = navigator.locks
    ? navigator.locks.request(SENDER_LOCK, { ifAvailable: true }, function (lock) { return lock ? sendAll() : null; })
    : sendAll();
  flushing = Promise.resolve(run).catch(function () { /* the timer tries again */ }).then(function () { flushing = null; });
  return flushing;
}

/* --- telling the page (and the device's other tabs) ------------------------------------------ */
const listeners = [];
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
if (channel) channel.onmessage = function () { listeners.forEach(function (l) { l(); }); };
function notify() {
  listeners.forEach(function (l) { l(); });
  if (channel) channel.postMessage("changed");
}
export function onChange(listener) { listeners.push(listener); }

/* Start sending: now, whenever the browser says it is back online, and every few seconds
   while anything waits. */
export function startSender() {
  // Ask the browser not to evict the queue under storage pressure (granted to a site in use).
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () { /* */ });
  window.addEventListener("online", flush);
  setInterval(function () {
    status().then(function (s) { if (s.waiting) flush(); }, function () { /* */ });
  }, RETRY_MS);
  prune().catch(function () { /* */ });
  return flush();
}

/* Wait (at most `ms`) for the queue to empty: before a shift closes. */
export function drain(ms) {
  const until = Date.now() + ms;
  function again() {
    return flush().then(status).then(function (s) {
      if (!s.waiting || Date.now() > until) return s;
      return new Promise(function (resolve) { setTimeout(resolve, 500); }).then(again);
    });
  }
  return again();
}
