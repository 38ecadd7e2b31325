// A decoding step's distribution of the next token: the most probable tokens as bars with their
// probabilities, the one chosen marked (and added below them when sampling drew a rarer one).

import { el } from '../dom.js';
import { formatWeight } from '../format.js';
import { tokenLabel } from '../run-data.js';

/** @typedef {import('../timeline.js').NextToken} NextToken */

/**
 * @param {HTMLElement} root
 * @param {NextToken[]} top  most probable first
 * @param {NextToken} chosen
 * @param {string} [label]  what the list is, for screen readers
 */
export function renderNextTokens(root, top, chosen, label = 'Most probable next tokens') {
  const doc = root.ownerDocument;
  const max = Math.max(chosen.probability, ...top.map((t) => t.probability), 1e-9);
  const shown = top.some((t) => t.id === chosen.id) ? top : [...top, chosen];
  const list = el(doc, 'ol', { class: 'next-tokens', attrs: { 'aria-label': label } }, shown.map((token) => {
    const isChosen = token.id === chosen.id;
    const bar = el(doc, 'span', { class: 'bar', attrs: { 'aria-hidden': 'true' } });
    bar.style.width = `${(token.probability / max) * 100}%`;
    const outside = isChosen && shown !== top;
    return el(doc, 'li', { class: isChosen ? 'chosen' : '', attrs: { 'data-id': token.id } }, [
      el(doc, 'span', { class: 'bar-label', text: tokenLabel({ text: token.text, start: 0, end: 0, special: false }, 16), attrs: { title: token.text } }),
      el(doc, 'span', { class: 'bar-track' }, [bar]),
      el(doc, 'span', { class: 'bar-value', text: formatWeight(token.probability) }),
      el(doc, 'span', { class: 'next-chosen', text: isChosen ? (outside ? 'chosen (drawn from outside the top 10)' : 'chosen') : '' }),
    ]);
  }));
  root.replaceChildren(list);
}
