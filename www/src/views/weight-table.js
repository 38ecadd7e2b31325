// The heatmap as a table, for screen readers and for anyone who wants the numbers: rows
// headed by query tokens, columns by key tokens, three decimals per weight.

import { el } from '../dom.js';
import { clipText, formatWeight } from '../format.js';
import { axisTitles, headName, headWeights, rowsNote, shape } from '../run-data.js';

/** Longest token text in a header cell (the table is for screen readers; a word fits whole). */
const HEADER_LABEL = 64;

/** Larger matrices are cut to this many rows and columns (the caption says so). */
export const TABLE_LIMIT = 128;

/**
 * @param {HTMLElement} root
 * @param {import('../run-data.js').RunData} data
 * @param {number} head
 */
export function renderWeightTable(root, data, head) {
  const doc = root.ownerDocument;
  const { summary, allowed } = data;
  const { queries, keys } = shape(data);
  const rows = Math.min(queries, TABLE_LIMIT);
  const columns = Math.min(keys, TABLE_LIMIT);
  const weights = headWeights(data, head);
  const axes = axisTitles(data);
  const cut = rows < queries || columns < keys
    ? ` Only the first ${rows} queries and ${columns} keys are listed.`
    : '';
  const caption = el(doc, 'caption', {
    text: `${data.rolledOut ? `Attention ${data.rolledOut} through layer ${data.layer + 1}` : `Attention weights of ${headName(data, head)}`}: each row is a ${axes ? `${axes.queries} token` : 'query token'}, each column a ${axes ? `${axes.keys} token` : 'key token'}; ${rowsNote(data)}.${cut}`,
  });
  const headRow = el(doc, 'tr', {}, [el(doc, 'td', { text: '' })]);
  for (let k = 0; k < columns; k += 1) {
    headRow.append(el(doc, 'th', { text: clipText(summary.keyTokens[k].text, HEADER_LABEL), attrs: { scope: 'col' } }));
  }
  const body = el(doc, 'tbody');
  for (let q = 0; q < rows; q += 1) {
    const tr = el(doc, 'tr', {}, [el(doc, 'th', { text: clipText(summary.queryTokens[q].text, HEADER_LABEL), attrs: { scope: 'row' } })]);
    for (let k = 0; k < columns; k += 1) {
      const index = q * keys + k;
      tr.append(el(doc, 'td', { text: allowed[index] === 0 ? 'masked' : formatWeight(weights[index]) }));
    }
    body.append(tr);
  }
  root.replaceChildren(el(doc, 'table', { class: 'weight-table' }, [caption, el(doc, 'thead', {}, [headRow]), body]));
}
