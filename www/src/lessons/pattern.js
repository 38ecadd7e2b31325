// A head's pattern type read off a playground's export, by the rules the Heads tab's search uses
// (head-search.js's classify: diagonal, previous token, special/first token, column, broad,
// mixed), so a lesson names a head by what it measurably does on the sentence shown.

import { classify } from '../head-search.js';
import { allowedRow, tokenText } from './measure.js';

/**
 * @param {import('./measure.js').Weights} w
 * @returns {import('../head-search.js').Pattern}
 */
export function patternOf(w) {
  const queries = w.queryTokens.length;
  const keys = w.keyTokens.length;
  const weights = new Float32Array(queries * keys);
  const mask = new Uint8Array(queries * keys);
  for (let q = 0; q < queries; q += 1) {
    weights.set(w.weights[q], q * keys);
    mask.set(allowedRow(w, q), q * keys);
  }
  const special = new Set(w.specialKeys ?? []);
  const oneSequence = queries === keys && w.queryTokens.every((t, i) => t === w.keyTokens[i]);
  const keyTokens = w.keyTokens.map((text, k) => ({ text: tokenText(text), special: special.has(k) }));
  return classify(weights, mask, queries, { keyTokens, oneSequence });
}
