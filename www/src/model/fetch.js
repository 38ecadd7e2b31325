// Downloads a model's files from its address, with progress in bytes, cancellation (an
// AbortSignal) and the browser's cache: each file is first asked for with HEAD (does it exist,
// how large, which version), then read from the cache when the stored copy is that version, or
// downloaded and stored. Every failure becomes a LoadError whose message names the file and
// the problem.

import { formatBytes } from '../format.js';
import { MAX_WEIGHTS_BYTES } from './address.js';
import { openModelCache, sameVersion, storeCopy, storedCopy, validatorsOf } from './cache.js';

/** @typedef {import('./address.js').ModelPlan} ModelPlan */
/** @typedef {import('./cache.js').Validators} Validators */

/** A failure to get a model's files, told in one sentence. */
export class LoadError extends Error {}

/**
 * The contents of a model's files, as the core reads them.
 * @typedef {Object} ModelFiles
 * @property {string} config
 * @property {string | null} tokenizer
 * @property {string | null} vocab
 * @property {Uint8Array} weights   owns its whole buffer (so it can be transferred)
 * @property {string} weightsName
 * @property {string | null} heads  heads.json, when the model has one
 */

/**
 * @typedef {Object} LoadProgress
 * @property {'check' | 'download' | 'cache' | 'read' | 'prepare'} phase  'prepare': the core reads the weights
 * @property {string} file         the file being read
 * @property {number} done         bytes so far, every file together
 * @property {number | null} total bytes in all, null while unknown
 */

/**
 * @typedef {Object} FetchedModel
 * @property {ModelFiles} files
 * @property {number} downloaded   bytes that came over the network
 * @property {number} fromCache    bytes read from the browser's cache
 * @property {Promise<void>} stored  settles when the downloaded copies are in the cache
 */

/**
 * What a HEAD request told about a file.
 * @typedef {{ exists: true, validators: Validators } | { exists: false, status: number } | { exists: null }} Probe
 */

/** A file the plan knows is not there (not asked for). @type {Probe} */
const NO_FILE = { exists: false, status: 404 };

/** @param {URL} url */
const fileName = (url) => decodeURIComponent(url.pathname.split('/').pop() ?? url.href);

/** @param {unknown} error */
export const isAbort = (error) => error instanceof DOMException && error.name === 'AbortError';

/**
 * @param {URL} url
 * @param {AbortSignal} signal
 * @returns {Promise<Probe>}
 */
async function probe(url, signal) {
  try {
    const response = await fetch(url, { method: 'HEAD', signal, cache: 'no-store' });
    if (response.status === 404 || response.status === 410) return { exists: false, status: response.status };
    if (!response.ok) return { exists: null };
    return { exists: true, validators: validatorsOf(response.headers) };
  } catch (error) {
    if (isAbort(error)) throw error;
    return { exists: null };
  }
}

/** @param {URL} url */
function unreachable(url) {
  return new LoadError(`${fileName(url)} could not be fetched from ${url.origin}: the server did not answer, or this page’s security policy or the server’s cross-origin (CORS) settings do not allow it.`);
}

/**
 * Reads a body chunk by chunk into one buffer, reporting each chunk.
 * @param {Response} response
 * @param {URL} url
 * @param {number | null} expected  announced size
 * @param {(bytes: number) => void} onChunk
 * @returns {Promise<Uint8Array>}
 */
async function readBody(response, url, expected, onChunk) {
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    onChunk(whole.byteLength);
    return whole;
  }
  const reader = response.body.getReader();
  let buffer = new Uint8Array(expected ?? 1 << 20);
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.byteLength > buffer.byteLength) {
        const needed = length + value.byteLength;
        if (needed > MAX_WEIGHTS_BYTES) throw new LoadError(tooLarge(url, needed, true));
        const grown = new Uint8Array(Math.min(MAX_WEIGHTS_BYTES, Math.max(needed, buffer.byteLength * 2)));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(value, length);
      length += value.byteLength;
      onChunk(value.byteLength);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (isAbort(error) || error instanceof LoadError) throw error;
    const of = expected ? ` of ${formatBytes(expected)}` : '';
    throw new LoadError(`The download of ${fileName(url)} stopped after ${formatBytes(length)}${of} (${error instanceof Error ? error.message : 'the connection broke'}).`);
  }
  // A compressed transfer announces fewer bytes than it brings, never more.
  if (expected !== null && length < expected && !response.headers.get('Content-Encoding')) {
    throw new LoadError(`${fileName(url)} ended after ${formatBytes(length)} of the ${formatBytes(expected)} its server announced: the download is incomplete.`);
  }
  return length === buffer.byteLength ? buffer : buffer.slice(0, length);
}

/**
 * @param {URL | string} file  its address, or its name
 * @param {number} size
 * @param {boolean} [atLeast]
 */
export function tooLarge(file, size, atLeast = false) {
  return `${typeof file === 'string' ? file : fileName(file)} is ${atLeast ? 'over ' : ''}${formatBytes(size)}: larger than the ${formatBytes(MAX_WEIGHTS_BYTES)} the playground loads in a browser tab.`;
}

/**
 * Downloads (or reads from the cache) the files of the model at `plan`.
 * @param {ModelPlan} plan
 * @param {{ signal: AbortSignal, onProgress: (progress: LoadProgress) => void }} options
 * @returns {Promise<FetchedModel>}
 */
export async function fetchModel(plan, { signal, onProgress }) {
  const cache = await openModelCache();
  onProgress({ phase: 'check', file: 'config.json', done: 0, total: null });
  const [configProbe, tokenizerProbe, firstWeights] = await Promise.all([
    probe(plan.config, signal), plan.tokenizer ? probe(plan.tokenizer, signal) : NO_FILE, probe(plan.weights[0], signal),
  ]);
  if (configProbe.exists === false) {
    throw new LoadError(`No model at ${plan.folder.href}: its config.json was not found (HTTP ${configProbe.status}).`);
  }
  const vocabProbe = tokenizerProbe.exists === false || plan.vocabToo ? await probe(plan.vocab, signal) : null;
  if (tokenizerProbe.exists === false && vocabProbe?.exists === false) {
    throw new LoadError(`${plan.name} has neither tokenizer.json nor vocab.txt at ${plan.folder.href}: one of them is needed to split text into tokens.`);
  }
  /** @type {{ url: URL, probe: Probe }} */
  let weights = { url: plan.weights[0], probe: firstWeights };
  for (const url of plan.weights.slice(1)) {
    if (weights.probe.exists !== false) break;
    weights = { url, probe: await probe(url, signal) };
  }
  if (weights.probe.exists === false) {
    const tried = plan.weights.map(fileName).join(' nor ');
    throw new LoadError(`No weights at ${plan.folder.href}: ${plan.weights.length > 1 ? `neither ${tried}` : tried} was found (HTTP ${weights.probe.status}).`);
  }
  const weightsSize = weights.probe.exists ? weights.probe.validators.size : null;
  if (weightsSize !== null && weightsSize > MAX_WEIGHTS_BYTES) throw new LoadError(tooLarge(weights.url, weightsSize));

  /** @type {Array<{ url: URL, probe: Probe, optional: boolean }>} */
  const wanted = [{ url: plan.config, probe: configProbe, optional: false }];
  // tokenizer.json is optional while vocab.txt may stand in for it.
  if (plan.tokenizer && tokenizerProbe.exists !== false) wanted.push({ url: plan.tokenizer, probe: tokenizerProbe, optional: true });
  if (vocabProbe) wanted.push({ url: plan.vocab, probe: vocabProbe, optional: false });
  wanted.push({ url: weights.url, probe: weights.probe, optional: false });
  const sizes = wanted.map(({ probe: p }) => (p.exists ? p.validators.size : null));
  const total = sizes.every((size) => size !== null) ? sizes.reduce((sum, size) => sum + Number(size), 0) : null;

  let done = 0;
  let downloaded = 0;
  let fromCache = 0;
  /** @type {Promise<boolean>[]} */
  const stores = [];
  /** @type {Map<URL, Uint8Array | null>} */
  const contents = new Map();

  /**
   * One file, from the cache when the stored copy is the announced version, else downloaded
   * (and stored); null when an optional file does not exist.
   * @param {{ url: URL, probe: Probe, optional: boolean }} entry
   */
  async function get({ url, probe: p, optional }) {
    const announced = p.exists ? p.validators : null;
    const stored = await storedCopy(cache, url);
    if (stored && sameVersion(validatorsOf(stored.headers), announced)) {
      // From the disk in one piece: faster than chunk by chunk, and quick enough to need no bar.
      const bytes = new Uint8Array(await stored.arrayBuffer());
      done += bytes.byteLength;
      fromCache += bytes.byteLength;
      onProgress({ phase: 'cache', file: fileName(url), done, total });
      return bytes;
    }
    /** @type {Response} */
    let response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw unreachable(url);
    }
    if ((response.status === 404 || response.status === 410) && optional) return null;
    if (!response.ok) {
      throw new LoadError(`${fileName(url)} could not be downloaded from ${url.origin}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
    }
    const validators = validatorsOf(response.headers);
    if (validators.size !== null && validators.size > MAX_WEIGHTS_BYTES) throw new LoadError(tooLarge(url, validators.size));
    const bytes = await readBody(response, url, validators.size ?? announced?.size ?? null, (n) => {
      done += n;
      downloaded += n;
      onProgress({ phase: 'download', file: fileName(url), done, total });
    });
    stores.push(storeCopy(cache, url, bytes, { etag: validators.etag ?? announced?.etag ?? null, size: bytes.byteLength }));
    return bytes;
  }

  const got = await Promise.all(wanted.map(get));
  wanted.forEach((entry, i) => contents.set(entry.url, got[i]));
  if (!(plan.tokenizer && contents.get(plan.tokenizer)) && !contents.has(plan.vocab)) {
    contents.set(plan.vocab, await get({ url: plan.vocab, probe: { exists: null }, optional: false }));
  }

  const text = (/** @type {URL} */ url) => {
    const bytes = contents.get(url);
    return bytes ? new TextDecoder().decode(bytes) : null;
  };
  return {
    files: {
      config: text(plan.config) ?? '',
      tokenizer: plan.tokenizer && text(plan.tokenizer),
      vocab: text(plan.vocab),
      weights: /** @type {Uint8Array} */ (contents.get(weights.url)),
      weightsName: fileName(weights.url),
      heads: plan.heads ? await fetchHeads(plan.heads, signal) : null,
    },
    downloaded,
    fromCache,
    stored: Promise.all(stores).then(() => {}),
  };
}

/**
 * A model's heads.json, or null when it has none or it cannot be read (the model loads without
 * the names of its heads). Small, so it goes through the browser's ordinary HTTP cache.
 * @param {URL} url
 * @param {AbortSignal} signal
 */
async function fetchHeads(url, signal) {
  try {
    const response = await fetch(url, { signal });
    return response.ok ? await response.text() : null;
  } catch (error) {
    if (isAbort(error)) throw error;
    return null;
  }
}
