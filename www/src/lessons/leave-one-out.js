// Leave-one-out occlusion, the pure part: a text without one token, a token's probability at a
// generation step (exact among the step's best candidates, else only an upper bound), and which
// token was attended to most and which one's removal lowered the prediction most.

import { formatWeight } from '../format.js';

/** @typedef {import('../types').Token} Token */
/** @typedef {import('../types').GenerationStep} GenerationStep */

/**
 * The text with one token's characters taken out.
 * @param {string} text
 * @param {{ start: number, end: number }} token
 */
export function withoutToken(text, token) {
  return text.slice(0, token.start) + text.slice(token.end);
}

/**
 * A token's probability at a generation step: exact when it is among the step's best
 * candidates, else only below the least of them.
 * @param {Pick<GenerationStep, 'top'>} step
 * @param {number} id
 * @returns {{ value: number, below: boolean }}
 */
export function probabilityOf(step, id) {
  const found = step.top.find((c) => c.id === id);
  if (found) return { value: found.probability, below: false };
  return { value: step.top.reduce((least, c) => Math.min(least, c.probability), 1), below: true };
}

/**
 * A probability as the table and the sentences write it.
 * @param {{ value: number, below: boolean }} p
 */
export function probabilityText(p) {
  return p.below ? `< ${formatWeight(p.value)}` : formatWeight(p.value);
}

/**
 * @typedef {Object} Occluded
 * @property {Token} token
 * @property {number} attention  the head's weight on it from the last token
 * @property {{ value: number, below: boolean }} probability  of the predicted token without it
 * @property {string} top  what the model predicts without it
 */

/**
 * The tokens whose removal matters most: every one whose removal pushes the prediction out of
 * the best candidates (their probabilities are only bounds, so none of them can be ranked above
 * another), or else the one removal that lowers it most.
 * @param {Occluded[]} rows
 * @returns {number[]}
 */
export function decisive(rows) {
  const out = rows.flatMap((row, i) => (row.probability.below ? [i] : []));
  if (out.length > 0) return out;
  return [rows.reduce((best, row, i) => (row.probability.value < rows[best].probability.value ? i : best), 0)];
}

/** @param {Occluded[]} rows */
export function mostAttended(rows) {
  return rows.reduce((best, row, i) => (row.attention > rows[best].attention ? i : best), 0);
}
