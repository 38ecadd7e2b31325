// Two sentences through the same head: sentence A's weights, sentence B's, and their difference
// B − A. The two texts rarely have the same tokens, so the difference is taken only over the
// token pairs they share, and the page says how they were paired. Pure module.
//
// Pairing: the tokens of A and B are aligned by the smallest number of edits (keep, replace,
// insert, delete; Levenshtein's distance over token texts), ties resolved towards keeping and
// replacing. Kept and replaced tokens are shared: a replaced one ('tired' in A, 'wide' in B) is
// shown as both texts. An inserted or deleted token has no counterpart, and its row and column
// have no difference. Two texts of the same length that differ in single tokens are so aligned
// by position; an inserted word shifts everything after it, and the alignment follows.
//
// Each sentence's rows still sum to 1 over its own keys: a difference says how the same query
// shares its attention differently, not a difference of two distributions over the same keys.

import { formatWeight, quoteToken } from './format.js';
import { layerHeadWeights, layerMask } from './run-data.js';

/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {{ text: string, special: boolean }} TokenText */

/**
 * One pair of the alignment: a token of A and one of B (a replaced token when their texts
 * differ), or a token of one sentence only (the other index null).
 * @typedef {{ a: number | null, b: number | null }} Pair
 */

/**
 * A shared pair: both indices, and whether their texts are the same.
 * @typedef {{ a: number, b: number, same: boolean }} Shared
 */

/**
 * The alignment of two token lists with the fewest edits, in order.
 * @param {TokenText[]} a
 * @param {TokenText[]} b
 * @returns {Pair[]}
 */
export function alignTokens(a, b) {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // cost[i][j]: edits that turn a[i..] into b[j..] (filled from the end, read from the start).
  const cost = new Int32Array((n + 1) * width);
  for (let i = n; i >= 0; i -= 1) {
    for (let j = m; j >= 0; j -= 1) {
      if (i === n) cost[i * width + j] = m - j;
      else if (j === m) cost[i * width + j] = n - i;
      else {
        const keep = cost[(i + 1) * width + j + 1] + (a[i].text === b[j].text ? 0 : 1);
        cost[i * width + j] = Math.min(keep, cost[(i + 1) * width + j] + 1, cost[i * width + j + 1] + 1);
      }
    }
  }
  /** @type {Pair[]} */
  const pairs = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const here = cost[i * width + j];
    if (i < n && j < m && here === cost[(i + 1) * width + j + 1] + (a[i].text === b[j].text ? 0 : 1)) {
      pairs.push({ a: i, b: j });
      i += 1;
      j += 1;
    } else if (i < n && here === cost[(i + 1) * width + j] + 1) {
      pairs.push({ a: i, b: null });
      i += 1;
    } else {
      pairs.push({ a: null, b: j });
      j += 1;
    }
  }
  return pairs;
}

/**
 * The shared pairs of an alignment.
 * @param {Pair[]} pairs
 * @param {TokenText[]} a
 * @param {TokenText[]} b
 * @returns {Shared[]}
 */
function sharedOf(pairs, a, b) {
  /** @type {Shared[]} */
  const shared = [];
  for (const { a: i, b: j } of pairs) if (i !== null && j !== null) shared.push({ a: i, b: j, same: a[i].text === b[j].text });
  return shared;
}

/**
 * How a shared pair is labelled on the difference's axes: the token, or "tired/wide".
 * @param {Shared} pair
 * @param {TokenText[]} a
 * @param {TokenText[]} b
 * @returns {TokenText}
 */
export function pairLabel(pair, a, b) {
  const special = a[pair.a].special && b[pair.b].special;
  return { text: pair.same ? a[pair.a].text : `${a[pair.a].text}/${b[pair.b].text}`, special };
}

/**
 * @typedef {Object} Comparison
 * @property {Shared[]} rows    the queries both sentences have, in order
 * @property {Shared[]} cols    the keys both have
 * @property {Float32Array} difference  B − A, rows × cols
 * @property {Uint8Array} allowed  rows × cols: 0 where either sentence masks the pair
 * @property {TokenText[]} rowLabels
 * @property {TokenText[]} colLabels
 * @property {string} note     how the tokens were paired, in a sentence
 */

/**
 * Head `head` of block `layer` on sentences A and B (runs of the same model and settings), and
 * B − A over the pairs they share.
 * @param {RunData} a
 * @param {RunData} b
 * @param {number} head
 * @returns {Comparison}
 */
export function compareRuns(a, b, head) {
  const A = a.summary;
  const B = b.summary;
  const rowPairs = alignTokens(A.queryTokens, B.queryTokens);
  const rows = sharedOf(rowPairs, A.queryTokens, B.queryTokens);
  const oneSequence = A.queries === A.keys && B.queries === B.keys;
  const colPairs = oneSequence ? rowPairs : alignTokens(A.keyTokens, B.keyTokens);
  const cols = oneSequence ? rows : sharedOf(colPairs, A.keyTokens, B.keyTokens);
  const wa = layerHeadWeights(a, a.layer, head);
  const wb = layerHeadWeights(b, b.layer, head);
  const ma = layerMask(a, a.layer);
  const mb = layerMask(b, b.layer);
  const ka = A.keyTokens.length;
  const kb = B.keyTokens.length;
  const difference = new Float32Array(rows.length * cols.length);
  const allowed = new Uint8Array(rows.length * cols.length);
  rows.forEach((r, i) => {
    cols.forEach((c, j) => {
      const ia = r.a * ka + c.a;
      const ib = r.b * kb + c.b;
      const both = ma[ia] !== 0 && mb[ib] !== 0;
      allowed[i * cols.length + j] = both ? 1 : 0;
      difference[i * cols.length + j] = both ? wb[ib] - wa[ia] : 0;
    });
  });
  return {
    rows,
    cols,
    difference,
    allowed,
    rowLabels: rows.map((p) => pairLabel(p, A.queryTokens, B.queryTokens)),
    colLabels: cols.map((p) => pairLabel(p, A.keyTokens, B.keyTokens)),
    note: alignmentNote(oneSequence ? [rowPairs] : [rowPairs, colPairs], oneSequence ? [[A.queryTokens, B.queryTokens]] : [[A.queryTokens, B.queryTokens], [A.keyTokens, B.keyTokens]]),
  };
}

/**
 * How the tokens were paired, in a sentence: by position when nothing was inserted or deleted,
 * else by the fewest edits, naming what was replaced and what has no counterpart.
 * @param {Pair[][]} alignments  one per sequence compared (queries, and keys when they differ)
 * @param {Array<[TokenText[], TokenText[]]>} tokens
 */
export function alignmentNote(alignments, tokens) {
  const parts = alignments.map((pairs, s) => {
    const [a, b] = tokens[s];
    const shared = sharedOf(pairs, a, b);
    const replaced = shared.filter((p) => !p.same).map((p) => `${quoteToken(a[p.a].text)} → ${quoteToken(b[p.b].text)}`);
    const onlyA = pairs.filter((p) => p.b === null).map((p) => quoteToken(a[/** @type {number} */ (p.a)].text));
    const onlyB = pairs.filter((p) => p.a === null).map((p) => quoteToken(b[/** @type {number} */ (p.b)].text));
    const which = alignments.length > 1 ? (s === 0 ? 'queries: ' : 'keys: ') : '';
    const list = (/** @type {string[]} */ items) => (items.length > 4 ? `${items.slice(0, 4).join(', ')} and ${items.length - 4} more` : items.join(', '));
    const how = onlyA.length === 0 && onlyB.length === 0 ? `${a.length} tokens each, paired by position` : `${shared.length} tokens paired by the fewest edits`;
    const words = [
      replaced.length === 0 ? 'none replaced' : `${replaced.length} replaced (${list(replaced)})`,
      ...(onlyA.length > 0 ? [`only in A, left out: ${list(onlyA)}`] : []),
      ...(onlyB.length > 0 ? [`only in B, left out: ${list(onlyB)}`] : []),
    ];
    return `${which}${how}, ${words.join('; ')}`;
  });
  return parts.join(' · ');
}

/**
 * A difference as the page prints it: a sign always, three decimals ("+0.396", "−0.012").
 * @param {number} d
 */
export function formatDifference(d) {
  const text = formatWeight(Math.abs(d));
  if (text === '0.000' || !Number.isFinite(d)) return text;
  return d < 0 ? `\u2212${text}` : `+${text}`;
}
