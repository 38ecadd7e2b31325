// What computed the weights on screen, and how, in words: the model (a trained one by name and
// its weights' precision, or the toy with its warning), the scores and their scaling, the
// temperature, the masks; and the colour scale. One definition for the badge and status line
// above the views, the legend, and every export (the figures' caption, the CSV's corner, the
// JSON). Pure module.

import { quoteToken } from './format.js';
import { headWeights } from './run-data.js';

/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {import('./state.js').ModelState} ModelState */
/** @typedef {import('./types').ScoreKind} ScoreKind */

/** Said wherever the toy's weights appear: they come from random numbers, not from training. */
export const TOY_WARNING = 'random projections: shows the mechanism, not meaning';

/** The score functions in words. */
export const SCORE_NAMES = /** @type {const} */ ({ dot: 'dot-product', general: 'general (q·W·k)', additive: 'additive', cosine: 'cosine' });

/**
 * What computed the weights: "all-MiniLM-L6-v2, pretrained encoder, F32 weights", "gpt2-2l-induction,
 * decoder trained here, F32 weights", a model the project does not ship "tiny-gpt2, decoder not
 * shipped here (its training unknown), F16 weights" (random weights load as well as trained
 * ones), or "toy model, random projections: shows the mechanism, not meaning".
 * @param {RunData} data
 * @param {ModelState} model  the toy's settings (unused for a trained model)
 * @param {string | null} vectors  the address of the model whose word embeddings the toy borrows, if any
 */
export function modelLabel(data, model, vectors) {
  if (data.model) {
    const { name, info, origin } = data.model;
    const kind = info.kind.replace('-', '–');
    const what = origin === 'pretrained' ? `pretrained ${kind}` : origin === 'trained' ? `${kind} trained here` : `${kind} not shipped here (its training unknown)`;
    return `${name}, ${what}, ${info.dtype} weights`;
  }
  const borrowed = vectors?.replace(/[/]+$/, '').split('/').pop();
  if (model.projections === 'random') return `toy model${borrowed ? ` on ${borrowed}’s word embeddings` : ''}, ${TOY_WARNING}`;
  const of = borrowed ? `${borrowed}’s word embeddings` : 'hashed token vectors';
  return `toy model, identity projections of ${of}: shows the mechanism, not meaning`;
}

/**
 * How the scores were made and scaled: "dot-product scores × 1/√d_k", "cosine scores, not scaled".
 * A trained model's are scaled dot products, but for a translation GRU's additive scores.
 * @param {RunData} data
 * @param {ModelState} model
 */
export function scoreLabel(data, model) {
  if (data.model) return data.summary.score === 'additive' ? 'additive scores vᵀ tanh(W s + U h + b), not scaled' : 'dot-product scores × 1/√d_k';
  return `${SCORE_NAMES[model.score]} scores${model.scale ? ' × 1/√d_k' : ', not scaled'}`;
}

/**
 * The masks in words: "no mask", "causal mask", "causal mask, window 2, 3 cells masked".
 * @param {RunData} data
 * @param {ModelState} model
 */
export function maskLabel(data, model) {
  if (data.model) return data.summary.kind === 'causal' ? 'causal mask' : 'no mask';
  const { masks } = model;
  const parts = [
    ...(masks.causal && model.mode === 'self' ? ['causal mask'] : []),
    ...(masks.window !== null ? [`window ${masks.window}`] : []),
    ...(masks.padTo !== null ? [`keys padded to ${masks.padTo}`] : []),
    ...(masks.blocked.length > 0 ? [`${masks.blocked.length} cell${masks.blocked.length === 1 ? '' : 's'} masked`] : []),
  ];
  return parts.length === 0 ? 'no mask' : parts.join(', ');
}

/**
 * How the weights were computed besides the model: "dot-product scores × 1/√d_k · temperature 1 · no mask".
 * @param {RunData} data
 * @param {ModelState} model
 */
export function computationLabel(data, model) {
  // An encoder–decoder without attention has no block: nothing was scored.
  if (data.layers === 0) return 'no attention: the decoder sees only the final encoder state';
  return [scoreLabel(data, model), `temperature ${data.model ? 1 : model.temperature}`, maskLabel(data, model)].join(' · ');
}

/**
 * Everything above, one part after another: the caption of an export.
 * @param {RunData} data
 * @param {{ model: ModelState, vectors: string | null }} state
 */
export function settingsCaption(data, state) {
  return `${modelLabel(data, state.model, state.vectors)} · ${computationLabel(data, state.model)}`;
}

/**
 * The entropy of a row of weights in bits, −Σ w·log₂ w over its allowed keys, and the most it
 * could be, log₂ of how many keys are allowed (the weights spread evenly).
 * @param {ArrayLike<number>} row
 * @param {ArrayLike<number>} allowed  1 for a key the query may attend to
 * @returns {{ bits: number, max: number, keys: number }}
 */
export function entropy(row, allowed) {
  let bits = 0;
  let keys = 0;
  for (let k = 0; k < row.length; k += 1) {
    if (allowed[k] === 0) continue;
    keys += 1;
    const w = row[k];
    if (w > 0) bits -= w * Math.log2(w);
  }
  return { bits: Math.max(0, bits), max: keys > 0 ? Math.log2(keys) : 0, keys };
}

/**
 * A query's row of one head, as its entropy in words: "‘it’: entropy 3.21 bits; at most log₂ 12 = 3.58".
 * @param {RunData} data
 * @param {number} head
 * @param {number} query
 */
export function rowEntropyLabel(data, head, query) {
  const keys = data.summary.keyTokens.length;
  const at = query * keys;
  const { bits, max, keys: allowed } = entropy(headWeights(data, head).subarray(at, at + keys), data.allowed.subarray(at, at + keys));
  return `${quoteToken(data.summary.queryTokens[query]?.text ?? '')}: entropy ${bits.toFixed(2)} bits; at most log₂ ${allowed} = ${max.toFixed(2)}`;
}
