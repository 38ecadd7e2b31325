// The tokens of the sentence as chips: how the text was split, which query is focused.
// Click a chip to focus that query; hovering one highlights it in the text box.

import { el } from '../dom.js';
import { tokenLabel } from '../run-data.js';

/** @typedef {import('../types').Token} TokenInfo */

/**
 * A chip's content: a WordPiece continuation ("##ing") shows its ## apart, so the pieces of one
 * word read as one.
 * @param {Document} doc
 * @param {TokenInfo} token
 */
function chipContent(doc, token) {
  if (token.special || !token.text.startsWith('##') || token.text.length <= 2) return [tokenLabel(token, 24)];
  return [el(doc, 'span', { class: 'piece-mark', text: '##' }), tokenLabel({ ...token, text: token.text.slice(2) }, 22)];
}

/**
 * @param {HTMLElement} root
 * @param {{ onQuery: (query: number) => void, onHover: (token: TokenInfo | null) => void }} callbacks
 */
export function createTokenStrip(root, callbacks) {
  const doc = root.ownerDocument;
  const list = el(doc, 'div', { class: 'token-strip', attrs: { role: 'group', 'aria-label': 'Query tokens (arrow keys move the focused query)' } });
  root.replaceChildren(list);
  /** @type {TokenInfo[]} */
  let tokens = [];
  /** @type {HTMLButtonElement[]} */
  let chips = [];

  /**
   * @param {TokenInfo[]} next
   * @param {number} query
   * @param {boolean} [specialsHidden]  special tokens are hidden from the view on screen
   */
  function update(next, query, specialsHidden = false) {
    if (next !== tokens) {
      tokens = next;
      chips = next.map((token, index) => el(doc, 'button', {
        class: token.special ? 'token-chip special' : token.text.startsWith('##') && token.text.length > 2 ? 'token-chip piece' : 'token-chip',
        attrs: { type: 'button', 'aria-pressed': 'false', title: `Focus the query ${token.text}` },
        on: {
          click: () => callbacks.onQuery(index),
          pointerenter: () => callbacks.onHover(token),
          pointerleave: () => callbacks.onHover(null),
          focus: () => callbacks.onHover(token),
          blur: () => callbacks.onHover(null),
        },
      }, chipContent(doc, token)));
      list.replaceChildren(...chips);
    }
    tokens.forEach((token, index) => {
      if (token.special) chips[index].disabled = specialsHidden;
    });
    chips.forEach((chip, index) => {
      const on = index === query;
      if ((chip.getAttribute('aria-pressed') === 'true') !== on) chip.setAttribute('aria-pressed', String(on));
      // One tab stop for the whole strip; the arrow keys move between tokens.
      chip.tabIndex = on ? 0 : -1;
    });
  }

  /** Moves keyboard focus to the focused query's chip, when focus was on another chip. */
  function follow(/** @type {number} */ query) {
    const active = root.ownerDocument.activeElement;
    if (active && chips.includes(/** @type {HTMLButtonElement} */ (active)) && chips[query]) chips[query].focus();
  }

  return { update, follow };
}
