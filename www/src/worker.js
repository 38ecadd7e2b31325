// What runs inside the worker that owns the wasm core: it answers the requests of protocol.js
// one at a time, in order, and never touches the page. Every bundle is its own worker (the
// entry module checks `isWorkerScope()` and calls `serveCore()`), and the wasm file sits next
// to the bundle, so a page needs one script and one wasm file, wherever they are hosted.

import init, { ModelSession, Playground } from '../../pkg/attention_playground.js';
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

/** The pretrained model loaded last (one at a time: it holds its weights in wasm memory). */
/** @type {ModelSession | null} */
let session = null;

/** Which handle computed the last run, so breakdowns ask the same one. */
/** @type {'toy' | 'model'} */
let lastRun = 'toy';

function loadedSession() {
  if (!session) throw new Error('No pretrained model is loaded in this playground.');
  return session;
}

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
  const summary = request.vectors
    ? playground.runWithModelEmbeddings(loadedSession(), request.text, request.crossText ?? undefined)
    : playground.run(request.text, request.crossText ?? undefined);
  lastRun = 'toy';
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
 * @param {import('./protocol.js').ModelRunRequest} request
 */
function modelRun(request) {
  const started = performance.now();
  const model = loadedSession();
  const summary = model.run(request.text);
  lastRun = 'model';
  const attentions = model.attentions();
  const { layers, heads } = summary;
  /** @type {import('./protocol.js').ModelRunResult['withoutSpecial']} */
  let withoutSpecial = null;
  if (request.withoutSpecial) {
    /** @type {number[]} */
    let tokens = [];
    /** @type {Float32Array | null} */
    let all = null;
    for (let l = 0; l < layers; l += 1) {
      for (let h = 0; h < heads; h += 1) {
        const part = model.weightsWithoutSpecial(l, h);
        tokens = part.tokens;
        all ??= new Float32Array(layers * heads * part.weights.length);
        all.set(part.weights, (l * heads + h) * part.weights.length);
      }
    }
    withoutSpecial = { tokens, attentions: all ?? new Float32Array(0) };
  }
  const pooled = model.pooled();
  const count = summary.tokens.length;
  const layer = Math.min(Math.max(0, request.layer), layers - 1);
  const head = Math.min(Math.max(0, request.head), heads - 1);
  const query = Math.min(Math.max(0, request.query), count - 1);
  const breakdown = count > 0 ? detachedBreakdown(model.breakdown(layer, head, query)) : null;
  const milliseconds = performance.now() - started;
  reply(
    { type: 'model-run', id: request.id, summary, attentions, withoutSpecial, pooled, breakdown, milliseconds },
    [attentions.buffer, pooled.buffer, ...(withoutSpecial ? [withoutSpecial.attentions.buffer] : []), ...(breakdown ? breakdownBuffers(breakdown) : [])],
  );
}

/**
 * @param {import('./protocol.js').LoadRequest} request
 */
function load(request) {
  const started = performance.now();
  session?.free();
  session = null;
  const loaded = ModelSession.fromFiles(request.config, request.tokenizer ?? undefined, request.vocab ?? undefined, new Uint8Array(request.weights));
  session = loaded;
  reply({ type: 'load', id: request.id, info: loaded.info(), milliseconds: performance.now() - started });
}

/**
 * @param {WorkerRequest} request
 */
async function handle(request) {
  try {
    const playground = await core();
    if (request.type === 'run') {
      run(playground, request);
    } else if (request.type === 'model-run') {
      modelRun(request);
    } else if (request.type === 'load') {
      load(request);
    } else {
      const breakdown = detachedBreakdown(lastRun === 'model'
        ? loadedSession().breakdown(request.layer, request.head, request.query)
        : playground.breakdown(request.head, request.query));
      reply({ type: 'breakdown', id: request.id, runId: request.runId, breakdown, layer: lastRun === 'model' ? request.layer : 0 }, breakdownBuffers(breakdown));
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
