// What runs inside the worker that owns the wasm core: it answers the requests of protocol.js
// one at a time, in order, and never touches the page. Every bundle is its own worker (the
// entry module checks `isWorkerScope()` and calls `serveCore()`), and the wasm file sits next
// to the bundle, so a page needs one script and one wasm file, wherever they are hosted.

import init, { Session, figureScene, figureSvg } from '../../pkg/attention_playground.js';
import { breakdownBuffers, detachedBreakdown, errorField, errorMessage } from './protocol.js';

/** @typedef {import('./protocol.js').WorkerRequest} WorkerRequest */
/** @typedef {import('./protocol.js').WorkerResponse} WorkerResponse */
/** @typedef {import('./protocol.js').FocusRequest} FocusRequest */
/** @typedef {import('./types').RunSummary} RunSummary */

/** The wasm file, copied next to each bundle by the build. */
export const WASM_FILE = 'attention-playground.wasm';

/** The wasm module failed to load; a fresh worker may succeed. */
class LoadError extends Error {}

/** @type {Promise<Session> | null} */
let loading = null;

function core() {
  loading ??= init({ module_or_path: new URL(`./${WASM_FILE}`, import.meta.url) })
    .then(() => new Session())
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
 * The focus clamped to the run: a block that exists, a head of it, one of its queries; null for a
 * run without attention (an encoder–decoder without it has no block).
 * @param {RunSummary} summary
 * @param {FocusRequest} focus
 */
function clampFocus(summary, focus) {
  if (summary.blocks.length === 0) return null;
  const clamp = (/** @type {number} */ value, /** @type {number} */ count) => Math.min(Math.max(0, value), count - 1);
  const block = clamp(focus.block, summary.blocks.length);
  const { heads, queries } = summary.blocks[block];
  return { block, head: clamp(focus.head, heads), query: clamp(focus.query, summary.sequences[queries].tokens.length) };
}

/**
 * A breakdown as the page holds it, with an additive score's stages (else null).
 * @param {Session} session
 * @param {FocusRequest} focus
 * @returns {import('./types').Breakdown}
 */
function breakdownOf(session, { block, head, query }) {
  return { ...detachedBreakdown(session.breakdown(block, head, query)), additive: session.additiveParts(block, head, query) ?? null };
}

/**
 * @param {Session} session
 * @param {import('./protocol.js').RunMessage} message
 */
function run(session, message) {
  const started = performance.now();
  const compared = typeof message.compare === 'string' ? runCompared(session, message) : null;
  const summary = session.run(message.request);
  const weights = session.attentions();
  const allowed = session.masks();
  const without = message.withoutSpecial ? session.withoutSpecial() : undefined;
  const withoutSpecial = without ? { kept: without.kept, weights: without.weights } : null;
  const pooled = session.pooled() ?? null;
  const { rollout, rolloutKind, rolloutError } = across(session, message.rollout);
  const focus = clampFocus(summary, message.focus);
  const breakdown = message.breakdown && focus ? breakdownOf(session, focus) : null;
  const milliseconds = performance.now() - started;
  reply(
    { type: 'run', id: message.id, summary, weights, allowed, withoutSpecial, pooled, rollout, rolloutKind, rolloutError, compared, breakdown, milliseconds },
    [...comparedBuffers(compared), weights.buffer, allowed.buffer, ...(withoutSpecial ? [withoutSpecial.weights.buffer] : []), ...(pooled ? [pooled.buffer] : []), ...(rollout ? [rollout.buffer] : []), ...(breakdown ? breakdownBuffers(breakdown) : [])],
  );
}

/**
 * Sentence B of the Compare view: the same request on its text, run before A's so that the core
 * keeps A's run for the breakdowns; its weights and masks copied out. A failure is B's alone.
 * @param {Session} session
 * @param {import('./protocol.js').RunMessage} message
 * @returns {import('./protocol.js').ComparedRun}
 */
function runCompared(session, message) {
  try {
    const summary = session.run(/** @type {import('./types').RunRequest} */ ({ ...message.request, text: message.compare }));
    const without = message.withoutSpecial ? session.withoutSpecial() : undefined;
    return { summary, weights: session.attentions(), allowed: session.masks(), withoutSpecial: without ? { kept: without.kept, weights: without.weights } : null, pooled: null, error: null };
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    return { error: errorMessage(error) };
  }
}

/**
 * @param {import('./protocol.js').ComparedRun | null} compared
 * @returns {ArrayBuffer[]}
 */
function comparedBuffers(compared) {
  if (!compared || compared.error !== null) return [];
  const views = [compared.weights, compared.allowed, ...(compared.withoutSpecial ? [compared.withoutSpecial.weights] : [])];
  return views.map((view) => /** @type {ArrayBuffer} */ (view.buffer));
}

/**
 * The rollout or flow asked for; a flow the core refuses (too many tokens) says why, and the run stands.
 * @param {Session} session
 * @param {'rollout' | 'flow' | null} kind
 */
function across(session, kind) {
  if (kind === 'rollout') return { rollout: session.rollout(0), rolloutKind: kind, rolloutError: null };
  if (kind !== 'flow') return { rollout: null, rolloutKind: null, rolloutError: null };
  try {
    return { rollout: session.flow(0), rolloutKind: kind, rolloutError: null };
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw error;
    return { rollout: null, rolloutKind: kind, rolloutError: errorMessage(error) };
  }
}

/**
 * @param {Session} session
 * @param {import('./protocol.js').LoadMessage} message
 */
function load(session, message) {
  const started = performance.now();
  const info = session.loadModel(message.name, message.config, message.tokenizer ?? undefined, message.vocab ?? undefined, new Uint8Array(message.weights));
  const vocabulary = session.vocabulary() ?? null;
  reply({ type: 'load', id: message.id, info, vocabulary, milliseconds: performance.now() - started });
}

/**
 * Figures from the core's render module; each scene's cell pixels are transferred.
 * @param {import('./protocol.js').FigureMessage} message
 */
function figure(message) {
  const { inputs, weights, allowed } = message;
  if (message.format === 'svg') {
    reply({ type: 'figure', id: message.id, scenes: [], svgs: inputs.map((input) => figureSvg(input, weights, allowed)) });
    return;
  }
  /** @type {import('./protocol.js').Scene[]} */
  const scenes = inputs.map((input) => figureScene(input, weights, allowed));
  const pixels = scenes.flatMap((scene) => scene.shapes.flatMap((shape) => (shape.kind === 'cells' ? [shape.pixels.buffer] : [])));
  reply({ type: 'figure', id: message.id, scenes, svgs: [] }, pixels);
}

/**
 * @param {WorkerRequest} message
 */
async function handle(message) {
  try {
    const session = await core();
    if (message.type === 'run') {
      run(session, message);
    } else if (message.type === 'load') {
      load(session, message);
    } else if (message.type === 'figure') {
      figure(message);
    } else {
      const breakdown = breakdownOf(session, message.focus);
      reply({ type: 'breakdown', id: message.id, runId: message.runId, breakdown }, breakdownBuffers(breakdown));
    }
  } catch (error) {
    // A trap (a Rust panic) leaves the instance in an unknown state: ask for a restart.
    const fatal = error instanceof WebAssembly.RuntimeError || error instanceof LoadError || !(error instanceof Error);
    reply({ type: 'error', id: message.id, message: errorMessage(error), field: errorField(error), fatal });
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
    const message = /** @type {WorkerRequest} */ (event.data);
    queue = queue.then(() => handle(message));
  });
}
