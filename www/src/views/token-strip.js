// The tokens of the sentence as chips: how the typed text was split, which query is focused.
// Click a chip to focus that query; hovering one highlights it in the text box. A translation's
// chips are its source tokens (what was typed), also while the views show a block whose queries
// are the target's.

import { el } from '../dom.js';
import { tokenLabel } from '../run-data.js';

/** @typedef {import('../types').Token} TokenInfo */
/** @typedef {import('../tokens.js').ShownToken} ShownToken */

/**
 * A chip's content: a WordPiece continuation ("##ing") shows its ## apart, so the pieces of one
 * word read as one; a byte-level token that starts a word shows its leading space as a faint ␣
 * mark (the vocabulary's "Ġ").
 * @param {Document} doc
 * @param {ShownToken} token
 */
function chipContent(doc, token) {
  if (!token.special && token.piece !== undefined && /^\s/.test(token.text) && token.text.length > 1) {
    return [el(doc, 'span', { class: 'space-mark', text: '␣', attrs: { 'aria-hidden': 'true' } }), tokenLabel({ ...token, text: token.text.slice(1) }, 23)];
  }
  if (token.special || !token.text.startsWith('##') || token.text.length <= 2) return [tokenLabel(token, 24)];
  return [el(doc, 'span', { class: 'piece-mark', text: '##' }), tokenLabel({ ...token, text: token.text.slice(2) }, 22)];
}

/**
 * What a chip says about its token when hovered: the vocabulary entry when it is not the text.
 * @param {ShownToken} token
 */
function chipTitle(token) {
  return token.piece === undefined ? `Focus the query ${token.text}` : `Focus the query “${token.text}” (vocabulary entry ${token.piece})`;
}

/**
 * @param {HTMLElement} root
 * @param {{ onQuery: (query: number) => void, onHover: (token: TokenInfo | null) => void }} callbacks
 */
export function createTokenStrip(root, callbacks) {
  const doc = root.ownerDocument;
  const list = el(doc, 'div', { class: 'token-strip', attrs: { role: 'group', 'aria-label': 'Query tokens (arrow keys move the focused query)' } });
  const note = el(doc, 'p', { class: 'token-strip-note' });
  note.hidden = true;
  root.replaceChildren(list, note);
  /** @type {ShownToken[]} */
  let tokens = [];
  /** @type {HTMLButtonElement[]} */
  let chips = [];
  let generatedFrom = -1;
  let numbered = false;

  /**
   * @param {ShownToken[]} next
   * @param {number} query
   * @param {boolean} [specialsHidden]  special tokens are hidden from the view on screen
   * @param {number | null} [generated]  the index of the first generated token, when a decoder generated
   * @param {boolean} [positions]  each chip shows its position as a subscript (characters: the
   *   seven a's of a sentence are told apart)
   * @param {string} [source]  the chips are a translation's source tokens while the view's queries
   *   are the target's: what the note under them says (nothing is focused among them; empty: the
   *   chips are the queries)
   * @param {boolean} [focusable]  a click focuses the chip's token (a translation without a block
   *   whose queries are its source has none to focus)
   */
  function update(next, query, specialsHidden = false, generated = null, positions = false, source = '', focusable = true) {
    note.hidden = source === '';
    note.textContent = source;
    list.setAttribute('aria-label', source ? 'Source tokens, as typed' : 'Query tokens (arrow keys move the focused query)');
    if (next !== tokens || (generated ?? -1) !== generatedFrom || positions !== numbered) {
      tokens = next;
      generatedFrom = generated ?? -1;
      numbered = positions;
      chips = next.map((token, index) => el(doc, 'button', {
        class: [
          'token-chip',
          token.special ? 'special' : token.text.startsWith('##') && token.text.length > 2 ? 'piece' : '',
          generated !== null && index >= generated ? 'generated' : '',
        ].filter(Boolean).join(' '),
        attrs: { type: 'button', 'aria-pressed': 'false', title: chipTitle(token) },
        on: {
          click: () => callbacks.onQuery(index),
          pointerenter: () => callbacks.onHover(token),
          pointerleave: () => callbacks.onHover(null),
          focus: () => callbacks.onHover(token),
          blur: () => callbacks.onHover(null),
        },
      }, [...chipContent(doc, token), positions ? el(doc, 'sub', { class: 'token-position', text: String(index) }) : null]));
      list.replaceChildren(...chips);
    }
    tokens.forEach((token, index) => {
      chips[index].disabled = !focusable || (token.special && specialsHidden);
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
