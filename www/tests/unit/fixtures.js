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
      scale: 1 / Math.sqrt(dK), temperature: 1, fullyMaskedRows: [], masked: mask.includes(0),
    }],
    dModel: 8,
    truncated: null,
    pooled: false,
  };
  const result = { type: /** @type {const} */ ('run'), id: 1, summary, weights, allowed: mask, withoutSpecial: null, pooled: null, breakdown: null, milliseconds: 0 };
  return runData(result, 1, null).full;
}
