// The browser's Cache Storage as a shelf for model files, so that a reload reads them from the
// disk instead of downloading them again. A copy is kept with the validators of the response it
// came from (ETag and size) and used only while the server still announces the same ones, or when
// the server cannot be asked at all. Every step may fail (no Cache Storage outside secure
// contexts, storage full, some private windows): the loader then simply downloads.

const CACHE_NAME = 'attention-playground-models-v1';

/**
 * What identifies one version of a file.
 * @typedef {Object} Validators
 * @property {string | null} etag
 * @property {number | null} size
 */

/** @param {Headers} headers @returns {Validators} */
export function validatorsOf(headers) {
  const length = headers.get('Content-Length');
  const size = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  return { etag: headers.get('ETag'), size };
}

/**
 * Whether a stored copy is the version the server announces (null: the server could not say).
 * @param {Validators} stored
 * @param {Validators | null} announced
 */
export function sameVersion(stored, announced) {
  if (!announced) return true;
  if (stored.etag !== null && announced.etag !== null) return stored.etag === announced.etag;
  return stored.size !== null && stored.size === announced.size;
}

/** The model shelf, or null where the browser offers none. */
export async function openModelCache() {
  try {
    if (typeof caches === 'undefined') return null;
    return await caches.open(CACHE_NAME);
  } catch {
    return null;
  }
}

/**
 * @param {Cache | null} cache
 * @param {URL} url
 * @returns {Promise<Response | null>}
 */
export async function storedCopy(cache, url) {
  if (!cache) return null;
  try {
    return (await cache.match(url.href)) ?? null;
  } catch {
    return null;
  }
}

/**
 * Keeps a copy of a file with its validators; false when the browser would not store it.
 * @param {Cache | null} cache
 * @param {URL} url
 * @param {Uint8Array} bytes
 * @param {Validators} validators
 */
export async function storeCopy(cache, url, bytes, validators) {
  if (!cache) return false;
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) };
  if (validators.etag) headers.ETag = validators.etag;
  try {
    // The Response takes its own copy of the bytes, so the caller may transfer them at once.
    await cache.put(url.href, new Response(/** @type {Uint8Array<ArrayBuffer>} */ (bytes), { headers }));
    return true;
  } catch {
    return false;
  }
}
