// Small hand-made runs for the unit tests of the front end's pure modules.

import { runData } from '../../src/run-data.js';

/**
 * @param {string[]} tokens
 * @param {number} [heads]
 * @param {(head: number, q: number, k: number) => number} [weight]  row-normalised below
 * @param {(q: number, k: number) => boolean} [allowed]
 */
export function makeRun(tokens, heads = 2, weight = (h, q, k) => 1 + ((h + 2 * q + 3 * k) % 5), allowed = () => true) {
  const n = tokens.length;
  const info = tokens.map((text, i) => ({ text, start: i, end: i + 1, special: false }));
  const weights = new Float32Array(heads * n * n);
  const mask = new Uint8Array(n * n);
  for (let q = 0; q < n; q += 1) for (let k = 0; k < n; k += 1) mask[q * n + k] = allowed(q, k) ? 1 : 0;
  for (let h = 0; h < heads; h += 1) {
    for (let q = 0; q < n; q += 1) {
      let sum = 0;
      for (let k = 0; k < n; k += 1) sum += mask[q * n + k] ? weight(h, q, k) : 0;
      for (let k = 0; k < n; k += 1) weights[h * n * n + q * n + k] = mask[q * n + k] && sum > 0 ? weight(h, q, k) / sum : 0;
    }
  }
  const dK = 8 / heads;
  const summary = {
    source: { name: 'toy', kind: /** @type {const} */ ('toy'), trained: false },
    sequences: [{ role: /** @type {const} */ ('text'), tokens: info }],
    blocks: [{
      layer: 0, kind: /** @type {const} */ ('self'), queries: 0, keys: 0, heads, kvHeads: heads, dK, dV: dK, score: /** @type {const} */ ('dot'),
      scale: 1 / Math.sqrt(dK), temperature: 1, fullyMaskedRows: [], masked: mask.includes(0), combined: true,
    }],
    dModel: 8,
    truncated: null,
    pooled: false,
    generation: null,
  };
  const result = { type: /** @type {const} */ ('run'), id: 1, summary, weights, allowed: mask, withoutSpecial: null, pooled: null, breakdown: null, milliseconds: 0 };
  return runData(result, 1, null).full;
}

/** A loaded decoder's sizes, as the core describes them. */
export const DECODER_INFO = /** @type {import('../../src/types').ModelInfo} */ ({
  architecture: 'gpt2', kind: 'decoder', layers: 1, heads: 2, kvHeads: 2, hidden: 8, dK: 4, vocabSize: 50, maxPositions: 16, dtype: 'F32', parameters: 1234,
});

/**
 * A decoder's run that continued a prompt: byte-level tokens (the prompt's, then the generated
 * ones), one causal block, and the generation's steps (the chosen token first among the
 * candidates, then two others).
 * @param {string[]} prompt      vocabulary entries ("The", "Ġcat")
 * @param {string[]} generated
 * @param {{ stopped?: import('../../src/types').StopReason, special?: number[] }} [options]
 *   why it stopped; indices (among all tokens) of special tokens
 */
export function makeDecoderRun(prompt, generated, { stopped = 'steps', special = [] } = {}) {
  const pieces = [...prompt, ...generated];
  const n = pieces.length;
  const heads = 2;
  const tokens = pieces.map((text, i) => ({ text, start: i, end: i + 1, special: special.includes(i), id: i }));
  const mask = new Uint8Array(n * n);
  const weights = new Float32Array(heads * n * n);
  for (let q = 0; q < n; q += 1) {
    for (let k = 0; k <= q; k += 1) mask[q * n + k] = 1;
    for (let h = 0; h < heads; h += 1) for (let k = 0; k <= q; k += 1) weights[h * n * n + q * n + k] = 1 / (q + 1);
  }
  const steps = generated.map((text, i) => ({
    position: prompt.length - 1 + i,
    id: prompt.length + i,
    probability: 0.5,
    top: [{ id: prompt.length + i, text, probability: 0.5 }, { id: 900, text: 'Ġdog', probability: 0.3 }, { id: 901, text: 'Ã©', probability: 0.1 }],
  }));
  const summary = {
    source: { name: 'tiny', kind: /** @type {const} */ ('decoder'), trained: true },
    sequences: [{ role: /** @type {const} */ ('text'), tokens }],
    blocks: [{
      layer: 0, kind: /** @type {const} */ ('causal'), queries: 0, keys: 0, heads, kvHeads: heads, dK: 4, dV: 4, score: /** @type {const} */ ('dot'),
      scale: 0.5, temperature: 1, fullyMaskedRows: [], masked: true, combined: false,
    }],
    dModel: 8,
    truncated: null,
    pooled: false,
    generation: generated.length === 0 ? null : { promptTokens: prompt.length, text: '', steps, stopped },
  };
  const result = { type: /** @type {const} */ ('run'), id: 1, summary, weights, allowed: mask, withoutSpecial: null, pooled: null, breakdown: null, milliseconds: 0 };
  return runData(result, 1, { name: 'tiny', info: DECODER_INFO, heads: [] }).full;
}
