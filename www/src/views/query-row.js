// Beside the heatmap: the focused query's row as bars, largest first, with the sentence
// a teacher would say ("‘it’ gives 0.320 of its attention to ‘because’"), and how spread out
// the row is (its entropy, beside the most it could be). A bar is its weight as a fraction of 1
// (a full bar is all of the attention), or of the row's largest when the colours are stretched.

import { el } from '../dom.js';
import { entropy } from '../caption.js';
import { formatWeight, quoteToken } from '../format.js';
import { headWeights, maxOf, shape, tokenLabel } from '../run-data.js';

/** Bars shown at most; the rest are summarised in one line. */
const SHOWN = 12;

/**
 * @param {HTMLElement} root
 * @param {import('../run-data.js').RunData} data
 * @param {number} head
 * @param {number} query
 * @param {boolean} stretch  bars relative to the row's largest weight instead of to 1
 */
export function renderQueryRow(root, data, head, query, stretch) {
  const doc = root.ownerDocument;
  const { keys } = shape(data);
  const token = data.summary.queryTokens[query];
  const row = headWeights(data, head).subarray(query * keys, (query + 1) * keys);
  const allowed = data.allowed.subarray(query * keys, (query + 1) * keys);
  const order = [...Array(keys).keys()].filter((k) => allowed[k] === 1).sort((a, b) => row[b] - row[a]);
  const top = stretch ? maxOf(row) : 1;
  const spread = entropy(row, allowed);
  // A token whose text appears more than once (the a's of a word in characters) shows its position.
  const texts = data.summary.keyTokens.map((t) => t.text);
  const repeated = (/** @type {number} */ k) => texts.indexOf(texts[k]) !== texts.lastIndexOf(texts[k]);
  const queryTexts = data.summary.queryTokens.map((t) => t.text);
  const queryName = `${quoteToken(token?.text ?? '')}${queryTexts.indexOf(queryTexts[query]) !== queryTexts.lastIndexOf(queryTexts[query]) ? subscript(query) : ''}`;
  const keyName = (/** @type {number} */ k) => `${quoteToken(texts[k])}${repeated(k) ? subscript(k) : ''}`;
  const title = el(doc, 'h3', { class: 'query-row-title', text: data.rolledOut ? `What the vector of ${queryName} draws on` : `Where ${queryName} looks` });
  const lead = order.length === 0
    ? `Every key is masked for ${queryName}: it attends to nothing.`
    : data.rolledOut
      ? `After layer ${data.layer + 1}, ${formatWeight(row[order[0]])} of the vector of ${queryName} comes from ${keyName(order[0])} by the ${data.rolledOut}.`
      : `${queryName} gives ${formatWeight(row[order[0]])} of its attention to ${keyName(order[0])}.`;
  const list = el(doc, 'ol', { class: 'query-row-bars' }, order.slice(0, SHOWN).map((k) => {
    const bar = el(doc, 'span', { class: 'bar', attrs: { 'aria-hidden': 'true' } });
    bar.style.width = `${top > 0 ? Math.min(1, row[k] / top) * 100 : 0}%`;
    return el(doc, 'li', {}, [
      el(doc, 'span', { class: 'bar-label' }, [tokenLabel(data.summary.keyTokens[k], 16), repeated(k) ? el(doc, 'sub', { class: 'token-position', text: String(k) }) : null]),
      el(doc, 'span', { class: 'bar-track' }, [bar]),
      el(doc, 'span', { class: 'bar-value', text: formatWeight(row[k]) }),
    ]);
  }));
  const rest = order.length > SHOWN
    ? el(doc, 'p', { class: 'view-note', text: `and ${order.length - SHOWN} more keys sharing ${formatWeight(order.slice(SHOWN).reduce((sum, k) => sum + row[k], 0))}.` })
    : null;
  const masked = keys - order.length;
  const maskedNote = masked > 0 ? el(doc, 'p', { class: 'view-note', text: `${masked} masked key${masked === 1 ? '' : 's'} get 0.` }) : null;
  const spreadNote = el(doc, 'p', { class: 'query-row-entropy' }, [
    el(doc, 'abbr', { text: 'Entropy', attrs: { title: '−Σ w·log₂ w: 0 when one key gets everything, log₂ n when n keys share it evenly' } }),
    ` ${spread.bits.toFixed(2)} bits; at most log₂ ${spread.keys} = ${spread.max.toFixed(2)}, when every key gets the same`,
  ]);
  const scale = el(doc, 'p', { class: 'view-note', text: stretch ? 'Bars are stretched: the longest is the largest weight.' : 'A full bar is all of the attention (1).' });
  root.replaceChildren(title, el(doc, 'p', { class: 'query-row-lead', text: lead }), spreadNote, list, scale, rest ?? '', maskedNote ?? '');
}

/**
 * A position as subscript digits: 12 → ₁₂.
 * @param {number} index
 */
function subscript(index) {
  return String(index).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'.charAt(Number(d)));
}
