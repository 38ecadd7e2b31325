// "Find heads": pick a query token A and a key token B, and see the heads of every layer that
// give B the most of A's weight, each with its pattern type; a result opens its head. A and B
// start as the focused query and its strongest key in the focused head, and follow the focused
// query until the reader picks them.

import { el } from '../dom.js';
import { FOUND_HEADS, headPattern, searchHeads, searchedBlocks } from '../head-search.js';
import { blockName, layerHeadWeights } from '../run-data.js';

/** @typedef {import('../run-data.js').RunData} RunData */

/**
 * @typedef {Object} HeadSearchInput
 * @property {RunData} data   the run the views show (its token indices)
 * @property {number} layer
 * @property {number} head
 * @property {number} query   the focused query
 */

/**
 * @param {HTMLElement} root
 * @param {{ onHead: (layer: number, head: number) => void }} callbacks
 */
export function createHeadSearch(root, callbacks) {
  const doc = root.ownerDocument;
  const picker = (/** @type {string} */ label, /** @type {string} */ name) => {
    const select = el(doc, 'select', { attrs: { name } });
    return { select, field: el(doc, 'label', { class: 'find-field' }, [el(doc, 'span', { text: label }), select]) };
  };
  const a = picker('Query A', 'find-query');
  const b = picker('Key B', 'find-key');
  const note = el(doc, 'p', { class: 'find-note', attrs: { role: 'status', 'aria-live': 'polite' } });
  const list = el(doc, 'ol', { class: 'find-list' });
  root.replaceChildren(el(doc, 'section', { class: 'find-heads', attrs: { 'aria-label': 'Find heads' } }, [
    el(doc, 'h3', { class: 'find-title', text: 'Find heads where A attends to B' }),
    el(doc, 'div', { class: 'find-pickers' }, [a.field, el(doc, 'span', { class: 'find-arrow', text: '→', attrs: { 'aria-hidden': 'true' } }), b.field]),
    note,
    list,
  ]));

  /** @type {HeadSearchInput | null} */
  let input = null;
  /** The tokens, the focused query the picks started from, and the picks. */
  let picked = { tokens: '', query: -1, a: 0, b: 0 };

  a.select.addEventListener('change', () => {
    picked = { ...picked, a: Number(a.select.value) };
    draw();
  });
  b.select.addEventListener('change', () => {
    picked = { ...picked, b: Number(b.select.value) };
    draw();
  });

  /**
   * @param {HTMLSelectElement} select
   * @param {{ text: string }[]} tokens
   */
  function fill(select, tokens) {
    select.replaceChildren(...tokens.map((token, i) => el(doc, 'option', { text: `${i + 1} · ${token.text}`, attrs: { value: String(i) } })));
  }

  function draw() {
    if (!input) return;
    const { data, layer, head } = input;
    a.select.value = String(picked.a);
    b.select.value = String(picked.b);
    const queryText = data.summary.queryTokens[picked.a]?.text ?? '';
    const keyText = data.summary.keyTokens[picked.b]?.text ?? '';
    if (!queryText || !keyText) {
      note.textContent = 'No tokens to search.';
      list.replaceChildren();
      return;
    }
    const { found, heads, masked } = searchHeads(data, picked.a, picked.b);
    const blocks = searchedBlocks(data);
    const where = data.run.translation ? ` (the ${blockName(data.run, data.layer)} blocks)` : '';
    const across = `${heads} head${heads === 1 ? '' : 's'} in ${blocks.length} ${data.run.translation ? 'block' : 'layer'}${blocks.length === 1 ? '' : 's'}${where}`;
    if (found.length === 0) {
      note.textContent = masked > 0
        ? `‘${keyText}’ (${picked.b + 1}) is masked for this query: ‘${queryText}’ (${picked.a + 1}) may not see it in any of the ${across}, so every head gives it 0.`
        : 'No head to search.';
      list.replaceChildren();
      return;
    }
    const toy = data.model ? '' : ' The toy’s heads are random projections: their patterns show the mechanism, not meaning.';
    const skipped = masked > 0 ? ` ${masked} head${masked === 1 ? '' : 's'} mask it for this query and are left out.` : '';
    const listed = found.length > FOUND_HEADS ? `The ${FOUND_HEADS} strongest of ${across}` : `All ${across}, ranked`;
    note.textContent = `${listed} by the weight ‘${queryText}’ (${picked.a + 1}) gives ‘${keyText}’ (${picked.b + 1}); the rank places ‘${keyText}’ among all the keys ‘${queryText}’ sees.${skipped}${toy}`;
    list.replaceChildren(...found.slice(0, FOUND_HEADS).map((hit) => {
      const pattern = headPattern(data, hit.layer, hit.head);
      const name = `${data.run.translation ? 'Block' : 'Layer'} ${hit.layer + 1}, head ${hit.head + 1}`;
      const weight = hit.weight.toFixed(3);
      const fillBar = el(doc, 'span');
      fillBar.style.width = `${(100 * hit.weight).toFixed(1)}%`;
      return el(doc, 'li', {}, [el(doc, 'button', {
        class: 'find-hit',
        attrs: {
          type: 'button',
          'aria-pressed': String(hit.layer === layer && hit.head === head),
          'aria-label': `${name}: weight ${weight}, rank ${hit.rank} of ${hit.keys}, ${pattern.label}. Show this head.`,
          'data-layer': String(hit.layer),
          'data-head': String(hit.head),
        },
        on: { click: () => callbacks.onHead(hit.layer, hit.head) },
      }, [
        el(doc, 'span', { class: 'find-hit-name', text: name }),
        el(doc, 'span', { class: 'find-hit-weight', text: weight }),
        el(doc, 'span', { class: 'find-hit-bar', attrs: { 'aria-hidden': 'true' } }, [fillBar]),
        el(doc, 'span', { class: 'find-hit-rank', text: `rank ${hit.rank} of ${hit.keys}` }),
        el(doc, 'span', { class: `find-hit-pattern pattern-${pattern.kind}`, text: pattern.label }),
      ])]);
    }));
  }

  /** @param {HeadSearchInput} next */
  function update(next) {
    const { data } = next;
    const tokens = `${data.summary.queryTokens.map((t) => t.text).join(' ')}|${data.summary.keyTokens.map((t) => t.text).join(' ')}`;
    if (tokens !== picked.tokens) {
      fill(a.select, data.summary.queryTokens);
      fill(b.select, data.summary.keyTokens);
    }
    if ((tokens !== picked.tokens || next.query !== picked.query) && data.summary.queryTokens.length > 0) {
      // The focused query and the key its focused head weighs most.
      const keys = data.summary.keyTokens.length;
      const query = Math.min(Math.max(0, next.query), data.summary.queryTokens.length - 1);
      const row = layerHeadWeights(data, next.layer, next.head).subarray(query * keys, (query + 1) * keys);
      const strongest = row.reduce((best, w, k) => (w > row[best] ? k : best), 0);
      picked = { tokens, query: next.query, a: query, b: strongest };
    }
    input = next;
    draw();
  }

  return { update };
}
