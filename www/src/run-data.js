// What one run of the core gives the views, and small questions about it. Pure module.

/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').TokenInfo} TokenInfo */

/**
 * @typedef {Object} RunData
 * @property {number} runId
 * @property {RunSummary} summary
 * @property {Float32Array} weights  heads × queries × keys
 * @property {Uint8Array} allowed    queries × keys
 */

/** @param {RunData} data */
export function shape(data) {
  return {
    queries: data.summary.queryTokens.length,
    keys: data.summary.keyTokens.length,
    heads: data.summary.heads,
    // The toy core computes a single attention layer.
    layers: 1,
  };
}

/**
 * One head's queries × keys weights (a view, not a copy).
 * @param {RunData} data
 * @param {number} head
 */
export function headWeights(data, head) {
  const { queries, keys } = shape(data);
  const size = queries * keys;
  return data.weights.subarray(head * size, (head + 1) * size);
}

/**
 * @param {ArrayLike<number>} values
 */
export function maxOf(values) {
  let max = 0;
  for (let i = 0; i < values.length; i += 1) if (values[i] > max) max = values[i];
  return max;
}

/**
 * @param {number} value
 * @param {number} count
 */
export function clampIndex(value, count) {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, Math.trunc(value)));
}

/**
 * A token label short enough for an axis.
 * @param {TokenInfo} token
 * @param {number} [max]
 */
export function tokenLabel(token, max = 14) {
  const text = token.text.replace(/\s/g, '␣') || '∅';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
