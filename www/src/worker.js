// What runs inside the worker that owns the wasm core: it answers the requests of protocol.js
// one at a time, in order, and never touches the page. Every bundle is its own worker (the
// entry module checks `isWorkerScope()` and calls `serveCore()`), and the wasm file sits next
// to the bundle, so a page needs one script and one wasm file, wherever they are hosted.

import init, { Playground } from '../../pkg/attention_playground.js';
import { breakdownBuffers, detachedBreakdown, errorMessage } from './protocol.js';

/** @typedef {import('./protocol.js').WorkerRequest} WorkerRequest */
/** @typedef {import('./protocol.js').WorkerResponse} WorkerResponse */

/** The wasm file, copied next to each bundle by the build. */
export const WASM_FILE = 'attention-playground.wasm';

/** The wasm module failed to load; a fresh worker may succeed. */
class LoadError extends Error {}

/** @type {Promise<Playground> | null} */
let loading = null;

function core() {
  loading ??= init({ module_or_path: new URL(`./${WASM_FILE}`, import.meta.url) })
    .then(() => new Playground())
    .catch((error) => {
      loading = null;
      throw new LoadError(`The attention core could not be loaded: ${errorMessage(error)}`);
    });
  return loading;
}

/** @type {DedicatedWorkerGlobalScope | null} */
let scope = null;

/**
 * @param {WorkerResponse} response
 * @param {Transferable[]} [transfer]
 */
function reply(response, transfer = []) {
  scope?.postMessage(response, transfer);
}

/**
 * @param {Playground} playground
 * @param {import('./protocol.js').RunRequest} request
 */
function run(playground, request) {
  const started = performance.now();
  playground.configure(request.config);
  const summary = playground.run(request.text, request.crossText ?? undefined);
  const queries = summary.queryTokens.length;
  const keys = summary.keyTokens.length;
  const weights = new Float32Array(summary.heads * queries * keys);
  for (let h = 0; h < summary.heads; h += 1) {
    weights.set(playground.stage(h, 'weights').subarray(0, queries * keys), h * queries * keys);
  }
  const masked = playground.stage(0, 'masked');
  const allowed = new Uint8Array(queries * keys);
  for (let i = 0; i < allowed.length; i += 1) allowed[i] = masked[i] === -Infinity ? 0 : 1;
  const head = Math.min(Math.max(0, request.head), summary.heads - 1);
  const query = Math.min(Math.max(0, request.query), queries - 1);
  const breakdown = queries > 0 && keys > 0 ? detachedBreakdown(playground.breakdown(head, query)) : null;
  const milliseconds = performance.now() - started;
  reply(
    { type: 'run', id: request.id, summary, weights, allowed, breakdown, head, query, milliseconds },
    [weights.buffer, allowed.buffer, ...(breakdown ? breakdownBuffers(breakdown) : [])],
  );
}

/**
 * @param {WorkerRequest} request
 */
async function handle(request) {
  try {
    const playground = await core();
    if (request.type === 'run') {
      run(playground, request);
    } else {
      const breakdown = detachedBreakdown(playground.breakdown(request.head, request.query));
      reply({ type: 'breakdown', id: request.id, runId: request.runId, breakdown }, breakdownBuffers(breakdown));
    }
  } catch (error) {
    // A trap (a Rust panic) leaves the instance in an unknown state: ask for a restart.
    const fatal = error instanceof WebAssembly.RuntimeError || error instanceof LoadError || !(error instanceof Error);
    reply({ type: 'error', id: request.id, message: errorMessage(error), fatal });
  }
}

/** Whether this module is running in a worker (rather than in a page). */
export function isWorkerScope() {
  return typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope;
}

/** Answers the page's requests; called once, by the bundle's entry module, inside the worker. */
export function serveCore() {
  scope = /** @type {DedicatedWorkerGlobalScope} */ (/** @type {unknown} */ (globalThis));
  let queue = Promise.resolve();
  scope.addEventListener('message', (event) => {
    const request = /** @type {WorkerRequest} */ (event.data);
    queue = queue.then(() => handle(request));
  });
}
