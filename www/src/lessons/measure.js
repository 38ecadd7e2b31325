// What a lesson reads off a playground: the focused head's weights as its JSON export gives them
// (every number from the core), and the measures a lesson's questions and sentences state. Pure
// module: no DOM access.

import { entropy } from '../caption.js';
import { readablePiece } from '../tokens.js';
import { formatWeight } from '../format.js';

/**
 * The part of a playground's JSON export (export/weights.js) a lesson reads.
 * @typedef {Object} Weights
 * @property {string} model        'toy' or the model's address
 * @property {string} caption      what computed the weights, in words
 * @property {{ kind: string, dK: number, hidden: number, heads: number, layers: number } | undefined} [modelInfo]  present once a model computes
 * @property {{ dModel: number, heads: number, temperature: number, scale: boolean } | undefined} [settings]  the toy's
 * @property {number} layer
 * @property {number} head
 * @property {string[]} queryTokens
 * @property {string[]} keyTokens
 * @property {number[][]} weights  weights[query][key]
 * @property {Array<[number, number]>} masked  (query, key) cells no query may see
 * @property {number[]} [specialKeys]  the key tokens that are special ([CLS], [SEP], <|endoftext|>)
 */

/**
 * The name of what computed the weights: the model's (the caption begins with it), or the toy.
 * @param {Weights} w
 */
export function modelName(w) {
  return w.modelInfo ? w.caption.split(',')[0].trim() : 'the toy (random projections)';
}

/**
 * A token as a lesson shows it and matches it: a byte-level piece decoded, edge spaces dropped.
 * @param {string} token
 */
export function tokenText(token) {
  return readablePiece(token).trim();
}

/**
 * Which token a lesson means: a position ("7", counting from 0) or the token's text, with "#2"
 * for its second occurrence ("the#2"). Throws a sentence naming the token when there is none.
 * @param {string[]} tokens
 * @param {string} ref
 */
export function tokenIndex(tokens, ref) {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) {
    const index = Number(trimmed);
    if (index >= tokens.length) throw new Error(`there is no token ${index}: the text has ${tokens.length} tokens`);
    return index;
  }
  const [text, nth = '1'] = trimmed.split('#');
  const wanted = Number(nth);
  let seen = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    if (tokenText(tokens[i]).toLowerCase() === text.toLowerCase()) {
      seen += 1;
      if (seen === wanted) return i;
    }
  }
  throw new Error(`there is no token ‘${trimmed}’ among ${tokens.map((t) => `‘${tokenText(t)}’`).join(' ')}`);
}

/**
 * 1 where a query may see the key, 0 where it is masked, for one query's row.
 * @param {Weights} w
 * @param {number} query
 */
export function allowedRow(w, query) {
  const row = new Uint8Array(w.keyTokens.length).fill(1);
  for (const [q, k] of w.masked) if (q === query) row[k] = 0;
  return row;
}

/**
 * The key a query gives the most weight (the first of equals), and that weight.
 * @param {Weights} w
 * @param {number} query
 */
export function topKey(w, query) {
  const row = w.weights[query];
  let best = 0;
  for (let k = 1; k < row.length; k += 1) if (row[k] > row[best]) best = k;
  return { key: best, weight: row[best] };
}

/**
 * The entropy of a query's row in bits and the most it could be (log₂ of its allowed keys).
 * @param {Weights} w
 * @param {number} query
 */
export function rowEntropy(w, query) {
  return entropy(w.weights[query], allowedRow(w, query));
}

/**
 * How much of a query's weight lands on keys after it (0 under a causal mask).
 * @param {Weights} w
 * @param {number} query
 */
export function futureWeight(w, query) {
  return w.weights[query].slice(query + 1).reduce((sum, x) => sum + x, 0);
}

/**
 * How much of a query's weight lands on masked keys (0: a mask hides them completely).
 * @param {Weights} w
 * @param {number} query
 */
export function maskedWeight(w, query) {
  const allowed = allowedRow(w, query);
  return w.weights[query].reduce((sum, x, k) => sum + (allowed[k] ? 0 : x), 0);
}

/**
 * The largest difference between the weights of a shorter text and those of the same text with
 * more after it, over the shorter one's tokens: 0 under a causal mask, where no token sees what
 * comes later. Null when the first's tokens do not begin the second's.
 * @param {Weights} a
 * @param {Weights} b
 */
export function prefixDifference(a, b) {
  const n = a.queryTokens.length;
  if (n > b.queryTokens.length || a.queryTokens.some((t, i) => t !== b.queryTokens[i])) return null;
  let most = 0;
  for (let q = 0; q < n; q += 1) {
    for (let k = 0; k < n; k += 1) most = Math.max(most, Math.abs(a.weights[q][k] - b.weights[q][k]));
  }
  return most;
}

/**
 * The largest difference between two runs' weights once the second's tokens are put back in
 * the first's order: 0 (to rounding) when shuffling the words only permuted the weights. Tokens
 * are matched by their text, the n-th occurrence to the n-th; null when the texts do not hold
 * the same tokens.
 * @param {Weights} a
 * @param {Weights} b
 */
export function permutedDifference(a, b) {
  const order = matchTokens(a.queryTokens, b.queryTokens);
  const keyOrder = matchTokens(a.keyTokens, b.keyTokens);
  if (!order || !keyOrder) return null;
  let most = 0;
  for (let q = 0; q < order.length; q += 1) {
    for (let k = 0; k < keyOrder.length; k += 1) {
      most = Math.max(most, Math.abs(a.weights[q][k] - b.weights[order[q]][keyOrder[k]]));
    }
  }
  return most;
}

/**
 * For each token of `a`, its position in `b` (the n-th occurrence of a text to the n-th).
 * @param {string[]} a
 * @param {string[]} b
 * @returns {number[] | null}
 */
export function matchTokens(a, b) {
  if (a.length !== b.length) return null;
  /** @type {Map<string, number[]>} */
  const places = new Map();
  b.forEach((token, i) => places.set(tokenText(token), [...(places.get(tokenText(token)) ?? []), i]));
  const order = [];
  for (const token of a) {
    const next = places.get(tokenText(token))?.shift();
    if (next === undefined) return null;
    order.push(next);
  }
  return order;
}

/**
 * Reads a playground's JSON export; null when it is not a weights document.
 * @param {string} text
 * @returns {Weights | null}
 */
export function parseWeights(text) {
  try {
    const doc = JSON.parse(text);
    const ok = Array.isArray(doc?.weights) && Array.isArray(doc?.queryTokens) && Array.isArray(doc?.keyTokens) && Array.isArray(doc?.masked);
    return ok ? /** @type {Weights} */ (doc) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a number is close enough to the measured one.
 * @param {number} guess
 * @param {number} truth
 * @param {number} tolerance
 */
export function withinTolerance(guess, truth, tolerance) {
  return Math.abs(guess - truth) <= tolerance + 1e-9;
}

/** How many decimals a measure is written with unless `digits` says. */
const DIGITS = /** @type {Record<string, number>} */ ({ hidden: 0, heads: 0, layers: 0, entropy: 2, 'max-entropy': 2, 'sqrt-d-k': 2, 'd-k': 0, tokens: 0, temperature: 2 });

/**
 * A reading as the sentence writes it.
 * @param {number | string} value
 * @param {string} name
 * @param {string | null} digits
 */
export function readingText(value, name, digits) {
  if (typeof value === 'string') return name === 'top-key' ? `‘${value}’` : value;
  if (!Number.isFinite(value)) return '—';
  const places = digits !== null ? Number(digits) : DIGITS[name];
  if (places === undefined) return formatWeight(value);
  // Rounding error of f32 sums reads as what it is: "0.000", never "−0.000".
  const text = value.toFixed(places);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text.replace('-', '−');
}
