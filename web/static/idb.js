/* IndexedDB as promises, no library: open a database (creating its stores on an upgrade),
   and get, put or delete one record. Each call is its own transaction, which commits when
   its promise resolves. Any failure (private mode, storage full, a blocked upgrade)
   rejects: callers treat the device's copy as a cache that may be missing. */

/** The database `name` at `version`; `upgrade(db, oldVersion)` creates its stores. */
export function openDatabase(name, version, upgrade) {
  return new Promise(function (resolve, reject) {
    if (!window.indexedDB) { reject(new Error("IndexedDB is not available")); return; }
    var opening = indexedDB.open(name, version);
    opening.onupgradeneeded = function (event) { upgrade(opening.result, event.oldVersion); };
    opening.onsuccess = function () {
      var db = opening.result;
      // Another tab opening a newer version: let it, this one reopens on its next use.
      db.onversionchange = function () { db.close(); };
      resolve(db);
    };
    opening.onerror = function () { reject(opening.error); };
    opening.onblocked = function () { reject(new Error("IndexedDB upgrade blocked: " + name)); };
  });
}

function request(db, store, mode, make) {
  return new Promise(function (resolve, reject) {
    var tx = db.transaction(store, mode);
    var req = make(tx.objectStore(store));
    var result;
    req.onsuccess = function () { result = req.result; };
    tx.oncomplete = function () { resolve(result); };
    tx.onabort = tx.onerror = function () { reject(tx.error || req.error); };
  });
}

/** The record under `key` in `store`, or undefined. */
export function idbGet(db, store, key) {
  return request(db, store, "readonly", function (s) { return s.get(key); });
}

/** Store `value` (under `key` when the store has no key path); resolves once committed. */
export function idbPut(db, store, value, key) {
  return request(db, store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
}

/** Delete the record under `key`; resolves once committed. */
export function idbDelete(db, store, key) {
  return request(db, store, "readwrite", function (s) { return s.delete(key); });
}
