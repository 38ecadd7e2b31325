// The additive (Bahdanau) score of one query and one key, stage by stage, beside the player's
// formula: per unit u of the attention layer, W s (the query through W₁), U h (the key through
// W₂), the bias, their sum, its tanh, v and v·tanh; the score is the sum of the last column.
// The numbers are the core's (Session.additiveParts).

import { el } from '../dom.js';
import { formatNumber } from '../format.js';

/** Units listed; the rest are counted in the last row. */
export const ADDITIVE_ROWS = 8;

/**
 * The rows of one key's additive score: the first `ADDITIVE_ROWS` units and the total.
 * @param {import('../types').AdditiveParts} parts
 * @param {number} key
 */
export function additiveRows(parts, key) {
  const units = parts.query.length;
  const rows = [];
  for (let u = 0; u < Math.min(units, ADDITIVE_ROWS); u += 1) {
    const tanh = parts.tanh[key][u];
    rows.push({
      unit: u + 1,
      query: parts.query[u],
      key: parts.keys[key][u],
      bias: parts.bias ? parts.bias[u] : null,
      sum: parts.sum[key][u],
      tanh,
      v: parts.v[u],
      term: parts.v[u] * tanh,
    });
  }
  const score = parts.tanh[key].reduce((total, t, u) => total + parts.v[u] * t, 0);
  return { rows, units, score };
}

/**
 * Draws the table of `key`'s additive score into `root`, or empties it when there is nothing to
 * show (another stage, another score function).
 * @param {HTMLElement} root
 * @param {import('../types').AdditiveParts | null} parts
 * @param {number} key
 * @param {{ cross: boolean, keyText: string }} names  a translation's cross-attention names the
 *   query the decoder state s and the keys the encoder states h
 */
export function renderAdditive(root, parts, key, names) {
  const doc = root.ownerDocument;
  root.hidden = parts === null || key >= (parts?.keys.length ?? 0);
  if (!parts || root.hidden) {
    root.replaceChildren();
    return;
  }
  const { rows, units, score } = additiveRows(parts, key);
  const [q, k] = names.cross ? ['W s', 'U h'] : ['W₁q', 'W₂k'];
  const bias = parts.bias !== null;
  const heads = ['unit', q, k, ...(bias ? ['b'] : []), 'sum', 'tanh', 'v', 'v · tanh'];
  const cell = (/** @type {number} */ x) => el(doc, 'td', { text: formatNumber(x) });
  const more = units - rows.length;
  root.replaceChildren(el(doc, 'table', { class: 'additive-table' }, [
    el(doc, 'caption', { text: `The additive score for ${names.keyText}, unit by unit: ${q} + ${k}${bias ? ' + b' : ''}, tanh, times v; the score is the sum of the last column over all ${units} units.` }),
    el(doc, 'thead', {}, [el(doc, 'tr', {}, heads.map((text) => el(doc, 'th', { text, attrs: { scope: 'col' } })))]),
    el(doc, 'tbody', {}, [
      ...rows.map((r) => el(doc, 'tr', {}, [
        el(doc, 'th', { text: String(r.unit), attrs: { scope: 'row' } }),
        cell(r.query), cell(r.key), ...(r.bias === null ? [] : [cell(r.bias)]), cell(r.sum), cell(r.tanh), cell(r.v), cell(r.term),
      ])),
      ...(more > 0 ? [el(doc, 'tr', { class: 'additive-more' }, [el(doc, 'td', { text: `… and ${more} more units`, attrs: { colspan: heads.length } })])] : []),
      el(doc, 'tr', { class: 'additive-total' }, [
        el(doc, 'th', { text: 'score', attrs: { scope: 'row', colspan: heads.length - 1 } }),
        cell(score),
      ]),
    ]),
  ]));
}
