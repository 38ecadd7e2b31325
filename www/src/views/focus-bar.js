// Which layer and head the views show, and (for a pretrained model) whether [CLS], [SEP] and
// other special tokens are hidden with every row renormalised over the remaining tokens.

import { el } from '../dom.js';

/**
 * @typedef {Object} FocusBarInput
 * @property {number} layers
 * @property {number} heads
 * @property {number} layer
 * @property {number} head
 * @property {boolean} model        a pretrained model computes (it has special tokens)
 * @property {boolean} hideSpecial
 */

/**
 * @param {HTMLElement} root
 * @param {{ onLayer: (layer: number) => void, onHead: (head: number) => void, onHideSpecial: (on: boolean) => void }} callbacks
 */
export function createFocusBar(root, callbacks) {
  const doc = root.ownerDocument;
  const layer = el(doc, 'select', { attrs: { 'aria-label': 'Layer' } });
  const head = el(doc, 'select', { attrs: { 'aria-label': 'Head' } });
  layer.addEventListener('change', () => callbacks.onLayer(Number(layer.value)));
  head.addEventListener('change', () => callbacks.onHead(Number(head.value)));
  const hide = el(doc, 'input', { attrs: { type: 'checkbox' } });
  hide.addEventListener('change', () => callbacks.onHideSpecial(hide.checked));
  const layerField = el(doc, 'label', { class: 'focus-field' }, ['Layer ', layer]);
  const special = el(doc, 'label', { class: 'focus-field focus-special', attrs: { title: 'Most heads of a BERT model send much of their attention to [CLS] and [SEP]; hiding them shows how the rest is shared.' } }, [
    hide, ' Hide [CLS]/[SEP] and renormalise',
  ]);
  root.className = 'focus-bar';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'Layer and head');
  root.replaceChildren(layerField, el(doc, 'label', { class: 'focus-field' }, ['Head ', head]), special);

  /**
   * @param {HTMLSelectElement} select
   * @param {number} count
   * @param {number} value
   */
  function fill(select, count, value) {
    if (select.options.length !== count) {
      select.replaceChildren(...[...Array(count).keys()].map((i) => el(doc, 'option', { text: String(i + 1), attrs: { value: i } })));
    }
    select.value = String(value);
  }

  /** @param {FocusBarInput} input */
  function update(input) {
    fill(layer, input.layers, input.layer);
    fill(head, input.heads, input.head);
    layerField.hidden = input.layers <= 1;
    special.hidden = !input.model;
    hide.checked = input.hideSpecial;
  }

  return { update };
}
