// "Find heads where A attends to B": every head of every block that reads A's sequence for its
// queries and B's for its keys, ranked by the weight query A gives key B, and each head's pattern
// type over the whole head. Pure module.
//
// The pattern types, checked in this order, the first that holds naming the head (a row is a
// query that may see at least two keys, so that a causal mask's first rows, which have no
// choice, do not count; means are over those rows):
// - diagonal: the mean weight a query gives itself is at least PATTERN_SHARE;
// - previous token: the mean weight on the token just before the query is at least PATTERN_SHARE;
// - special / first token: the mean weight on special tokens ([CLS], [SEP], <|endoftext|>) and
//   the first token together is at least PATTERN_SHARE;
// - column: one key takes at least PATTERN_SHARE of the weight of more than half the rows;
// - broad: the mean over rows of the row's entropy divided by its largest possible value, the
//   logarithm of the keys it may see, is at least BROAD_ENTROPY;
// - mixed: none of these.
// Diagonal and previous token are only asked of blocks whose queries and keys are one sequence.

import { layerHeadWeights, layerMask } from './run-data.js';

/** @typedef {import('./run-data.js').RunData} RunData */

/** The share of a row's weight that makes a head diagonal, previous-token, special or column. */
export const PATTERN_SHARE = 0.5;
/** The share of the rows, exceeded, in which one key must take PATTERN_SHARE for a column. */
export const COLUMN_ROWS = 0.5;
/** The mean row entropy, as a fraction of its largest possible value, that makes a head broad. */
export const BROAD_ENTROPY = 0.8;
/** How many heads a search lists. */
export const FOUND_HEADS = 10;

/** @typedef {'diagonal' | 'previous' | 'special' | 'column' | 'broad' | 'mixed'} PatternKind */

/**
 * @typedef {Object} Pattern
 * @property {PatternKind} kind
 * @property {string} label   in words ("previous token", "column on ‘the’")
 */

/**
 * @typedef {Object} FoundHead
 * @property {number} layer
 * @property {number} head
 * @property {number} weight  the weight query A gives key B in this head
 * @property {number} rank    B's place among A's keys by weight (1 = the strongest)
 * @property {number} keys    how many keys A may see in this block
 */

/**
 * @typedef {Object} HeadSearch
 * @property {FoundHead[]} found   every head A may attend to B in, strongest first
 * @property {number} heads        how many heads were searched
 * @property {number} masked       how many of them mask key B for query A (a causal mask)
 */

/**
 * The blocks a search covers: those with the shown block's query and key sequences.
 * @param {RunData} data
 */
export function searchedBlocks(data) {
  const shownBlock = data.run.blocks[data.layer];
  if (!shownBlock) return [];
  return data.run.blocks.flatMap((block, b) => (block.queries === shownBlock.queries && block.keys === shownBlock.keys ? [b] : []));
}

/**
 * Ranks every head of the searched blocks by the weight query `a` gives key `b` (indices into
 * the shown block's queries and keys); ties keep the order of layers and heads.
 * @param {RunData} data
 * @param {number} a
 * @param {number} b
 * @returns {HeadSearch}
 */
export function searchHeads(data, a, b) {
  const keys = data.summary.keyTokens.length;
  /** @type {FoundHead[]} */
  const found = [];
  let heads = 0;
  let masked = 0;
  for (const layer of searchedBlocks(data)) {
    const block = data.run.blocks[layer];
    heads += block.heads;
    const mask = layerMask(data, layer);
    const row = mask.subarray(a * keys, (a + 1) * keys);
    if (!row[b]) {
      masked += block.heads;
      continue;
    }
    const seen = row.reduce((n, allowed) => n + allowed, 0);
    for (let head = 0; head < block.heads; head += 1) {
      const weights = layerHeadWeights(data, layer, head).subarray(a * keys, (a + 1) * keys);
      const weight = weights[b];
      let rank = 1;
      for (let k = 0; k < keys; k += 1) if (row[k] && weights[k] > weight) rank += 1;
      found.push({ layer, head, weight, rank, keys: seen });
    }
  }
  found.sort((x, y) => y.weight - x.weight);
  return { found, heads, masked };
}

/** @type {WeakMap<Float32Array, Map<string, Pattern>>} */
const patterns = new WeakMap();

/**
 * A head's pattern type (the rules at the top of this file), computed once per run.
 * @param {RunData} data
 * @param {number} layer
 * @param {number} head
 * @returns {Pattern}
 */
export function headPattern(data, layer, head) {
  let cache = patterns.get(data.weights);
  if (!cache) {
    cache = new Map();
    patterns.set(data.weights, cache);
  }
  const name = `${layer}.${head}`;
  let pattern = cache.get(name);
  if (!pattern) {
    const block = data.run.blocks[layer];
    pattern = classify(layerHeadWeights(data, layer, head), layerMask(data, layer), data.sequences[block.queries].length, {
      keyTokens: data.sequences[block.keys],
      oneSequence: block.queries === block.keys,
    });
    cache.set(name, pattern);
  }
  return pattern;
}

/**
 * The pattern type of one head's weights, queries × keys, under its mask.
 * @param {ArrayLike<number>} weights
 * @param {ArrayLike<number>} mask  1 where the query may see the key
 * @param {number} queries
 * @param {{ keyTokens: { text: string, special: boolean }[], oneSequence: boolean }} keyInfo
 * @returns {Pattern}
 */
export function classify(weights, mask, queries, { keyTokens, oneSequence }) {
  const keys = keyTokens.length;
  const special = keyTokens.map((token, k) => token.special || k === 0);
  let rows = 0;
  let self = 0;
  let previous = 0;
  let previousRows = 0;
  let onSpecial = 0;
  let spread = 0;
  const columnRows = new Array(keys).fill(0);
  for (let q = 0; q < queries; q += 1) {
    let seen = 0;
    let entropy = 0;
    for (let k = 0; k < keys; k += 1) {
      if (!mask[q * keys + k]) continue;
      seen += 1;
      const w = weights[q * keys + k];
      if (w > 0) entropy -= w * Math.log(w);
    }
    if (seen < 2) continue;
    rows += 1;
    for (let k = 0; k < keys; k += 1) {
      const w = mask[q * keys + k] ? weights[q * keys + k] : 0;
      if (special[k]) onSpecial += w;
      if (w >= PATTERN_SHARE) columnRows[k] += 1;
    }
    if (oneSequence && q < keys) self += weights[q * keys + q];
    if (oneSequence && q >= 1 && q - 1 < keys) {
      previous += weights[q * keys + q - 1];
      previousRows += 1;
    }
    spread += entropy / Math.log(seen);
  }
  const mean = (/** @type {number} */ sum, /** @type {number} */ n) => (n > 0 ? sum / n : 0);
  const column = columnRows.reduce((best, count, k) => (count > columnRows[best] ? k : best), 0);
  const names = [...new Set(keyTokens.filter((token) => token.special).map((token) => token.text))];
  const specialLabel = [...names, ...(keyTokens[0]?.special ? [] : ['first token'])].join(' / ');
  /** @type {Array<[PatternKind, boolean, string]>} */
  const rules = [
    ['diagonal', mean(self, rows) >= PATTERN_SHARE, 'diagonal (itself)'],
    ['previous', mean(previous, previousRows) >= PATTERN_SHARE, 'previous token'],
    ['special', mean(onSpecial, rows) >= PATTERN_SHARE, specialLabel],
    ['column', mean(columnRows[column] ?? 0, rows) > COLUMN_ROWS, `column on ‘${keyTokens[column]?.text ?? ''}’`],
    ['broad', mean(spread, rows) >= BROAD_ENTROPY, 'broad'],
  ];
  const rule = rows > 0 ? rules.find(([, holds]) => holds) : undefined;
  return rule ? { kind: rule[0], label: rule[2] } : { kind: 'mixed', label: 'mixed' };
}
