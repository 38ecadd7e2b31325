// The wasm core on the lesson page's own thread, for the small computations a lesson measures
// beside its playgrounds: hand-written Q, K and V (<lesson-qkv>) and sweeps of toy settings
// (<lesson-sweep>). Each is a few microseconds to milliseconds; the playgrounds keep their workers.

import init, { Session, attendGiven } from '../../../pkg/attention_playground.js';
import { WASM_FILE } from '../worker.js';
import { entropy } from '../caption.js';
import { runRequest } from '../state.js';

/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */

/** @type {Promise<void> | null} */
let loading = null;

/** Loads the core once (the wasm file beside this bundle). */
export function loadCore() {
  loading ??= init({ module_or_path: new URL(`./${WASM_FILE}`, import.meta.url) }).then(() => undefined);
  return loading;
}

/**
 * @typedef {Object} GivenResult
 * @property {Float32Array} scores   queries × keys, q·k
 * @property {Float32Array} weights  queries × keys
 * @property {Float32Array} output   queries × d_v
 */

/**
 * softmax(Q·Kᵀ/√d_k / temperature)·V on hand-written numbers (flat, row by row).
 * @param {{ q: number[], k: number[], v: number[], queries: number, scale: boolean, temperature: number, causal?: boolean }} input
 * @returns {Promise<GivenResult>}
 */
export async function attendHandWritten({ q, k, v, queries, scale, temperature, causal = false }) {
  await loadCore();
  return /** @type {GivenResult} */ (attendGiven(Float32Array.from(q), Float32Array.from(k), Float32Array.from(v), queries, scale, temperature, causal));
}

/**
 * A toy run of a state (as a playground with the same settings computes it): per head, the
 * weights and raw scores, with the tokens.
 * @param {PlaygroundState} state
 */
export async function toyRun(state) {
  await loadCore();
  const session = new Session();
  try {
    const summary = session.run(runRequest(state, 'toy', { text: state.text, crossText: state.crossText, dModel: null }));
    const block = summary.blocks[0];
    const queries = summary.sequences[block.queries].tokens.length;
    const keys = summary.sequences[block.keys].tokens.length;
    const allowed = session.allowed(0, 0);
    const heads = [];
    for (let head = 0; head < block.heads; head += 1) {
      heads.push({ weights: session.weights(0, head), scores: session.stage(0, head, 'scores') });
    }
    return { queries, keys, allowed, heads };
  } finally {
    session.free();
  }
}

/**
 * What a sweep measures of one run, averaged over its heads and queries.
 * @param {Awaited<ReturnType<typeof toyRun>>} run
 */
export function runMeasures(run) {
  let bits = 0;
  let maxBits = 0;
  let top = 0;
  let squares = 0;
  let rows = 0;
  let cells = 0;
  for (const { weights, scores } of run.heads) {
    for (let q = 0; q < run.queries; q += 1) {
      const row = weights.subarray(q * run.keys, (q + 1) * run.keys);
      const allowed = run.allowed.length > 0 ? run.allowed.subarray(q * run.keys, (q + 1) * run.keys) : new Uint8Array(run.keys).fill(1);
      const e = entropy(row, allowed);
      bits += e.bits;
      maxBits += e.max;
      top += Math.max(...row);
      rows += 1;
    }
    for (const s of scores) {
      squares += s * s;
      cells += 1;
    }
  }
  return { entropy: bits / rows, maxEntropy: maxBits / rows, topWeight: top / rows, scoreSpread: Math.sqrt(squares / cells) };
}
