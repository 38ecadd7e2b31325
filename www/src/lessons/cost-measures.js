// What <lesson-cost> measures of a run and how it writes it, the pure part: the texts it runs
// (one word a token), the median of its timings, and its quantities by name.

/** Words the texts are made of (the toy splits on spaces, one token a word). */
const WORDS = 'the animal did not cross the street because it was too tired and the night was long so it slept'.split(' ');

/**
 * @typedef {Object} Measured
 * @property {number} tokens      T, as the core tokenized the text
 * @property {number} ms          the median time of one run
 * @property {number} weightBytes every head's T × T weights, as the core returns them
 * @property {number} qkvBytes    every head's queries, keys and values
 * @property {number} pairs       (query, key) pairs one head may attend over
 */

/** @typedef {{ name: string, settings: string, points: Measured[] }} CostSeries */

/**
 * A text of `n` words.
 * @param {number} n
 */
export function wordsText(n) {
  return Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The quantities a measure can read, with how they are written. */
export const COST_MEASURES = /** @type {const} */ ({
  'time-ms': { label: 'time of one run (ms)', read: (/** @type {Measured} */ m) => m.ms, digits: 1 },
  'weights-mb': { label: 'attention weights (MB)', read: (/** @type {Measured} */ m) => m.weightBytes / 1e6, digits: 2 },
  'qkv-kb': { label: 'queries, keys and values (kB)', read: (/** @type {Measured} */ m) => m.qkvBytes / 1e3, digits: 1 },
  pairs: { label: '(query, key) pairs per head', read: (/** @type {Measured} */ m) => m.pairs, digits: 0 },
});
