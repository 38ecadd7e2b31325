// Which layer and head the views show (a trained model's named heads can be picked by name), and
// (for a pretrained model whose run has special tokens: [CLS] and [SEP], <|endoftext|>) whether
// they are hidden with every row renormalised over the remaining tokens.

import { el } from '../dom.js';
import { headTag, namedHead } from '../model/heads.js';

/** @typedef {import('../model/heads.js').NamedHead} NamedHead */

/**
 * @typedef {Object} FocusBarInput
 * @property {number} layers
 * @property {number} heads
 * @property {number} layer
 * @property {number} head
 * @property {string | null} special  the special tokens a model's run has ("[CLS]/[SEP]"), null
 *   when there are none to hide
 * @property {boolean} hideSpecial
 * @property {NamedHead[]} named      the heads the model's heads.json names
 * @property {string[] | null} [blocks]  each block's name, when the blocks differ in kind (an
 *   encoder–decoder's: encoder self-attention, decoder self-attention (causal), cross-attention)
 */

/**
 * @param {HTMLElement} root
 * @param {{ onLayer: (layer: number) => void, onHead: (head: number) => void, onNamed: (layer: number, head: number) => void,
 *   onHideSpecial: (on: boolean) => void }} callbacks
 */
export function createFocusBar(root, callbacks) {
  const doc = root.ownerDocument;
  const layer = el(doc, 'select', { attrs: { 'aria-label': 'Layer' } });
  const head = el(doc, 'select', { attrs: { 'aria-label': 'Head' } });
  const named = el(doc, 'select', { attrs: { 'aria-label': 'Named head' } });
  layer.addEventListener('change', () => callbacks.onLayer(Number(layer.value)));
  head.addEventListener('change', () => callbacks.onHead(Number(head.value)));
  named.addEventListener('change', () => {
    if (named.value === '') return;
    const [l, h] = named.value.split('.').map(Number);
    callbacks.onNamed(l, h);
  });
  const hide = el(doc, 'input', { attrs: { type: 'checkbox' } });
  hide.addEventListener('change', () => callbacks.onHideSpecial(hide.checked));
  const hideLabel = el(doc, 'span', { text: ' Hide [CLS]/[SEP] and renormalise' });
  const layerName = doc.createTextNode('Layer ');
  const layerField = el(doc, 'label', { class: 'focus-field' }, [layerName, layer]);
  const namedField = el(doc, 'label', { class: 'focus-field focus-named' }, ['Named head ', named]);
  const special = el(doc, 'label', { class: 'focus-field focus-special' }, [hide, hideLabel]);
  root.className = 'focus-bar';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'Layer and head');
  root.replaceChildren(layerField, el(doc, 'label', { class: 'focus-field' }, ['Head ', head]), namedField, special);

  let headKey = '';
  let blocksKey = '';
  let namedKey = '';

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
    const blocks = input.blocks ?? null;
    if (blocks) {
      // Every block by its number and what it attends: "4 · cross-attention".
      const key = blocks.join('|');
      if (key !== blocksKey) {
        blocksKey = key;
        layer.replaceChildren(...blocks.map((name, i) => el(doc, 'option', { text: `${i + 1} · ${name}`, attrs: { value: i } })));
      }
      layer.value = String(input.layer);
    } else {
      if (blocksKey !== '') layer.replaceChildren();
      blocksKey = '';
      fill(layer, input.layers, input.layer);
    }
    layerName.textContent = blocks ? 'Block ' : 'Layer ';
    layer.setAttribute('aria-label', blocks ? 'Block' : 'Layer');
    // The head picker names the layer's named heads: "2 · induction".
    const key = `${input.heads}:${input.layer}:${input.named.map(headTag).join('|')}`;
    if (key !== headKey) {
      headKey = key;
      head.replaceChildren(...[...Array(input.heads).keys()].map((i) => {
        const name = namedHead(input.named, input.layer, i)?.name;
        return el(doc, 'option', { text: name ? `${i + 1} · ${name}` : String(i + 1), attrs: { value: i } });
      }));
    }
    head.value = String(input.head);
    const names = input.named.map(headTag).join('|');
    if (names !== namedKey) {
      namedKey = names;
      named.replaceChildren(
        el(doc, 'option', { text: '—', attrs: { value: '' } }),
        ...input.named.map((n) => el(doc, 'option', { text: headTag(n), attrs: { value: `${n.layer}.${n.head}`, title: n.description } })),
      );
    }
    named.value = namedHead(input.named, input.layer, input.head) ? `${input.layer}.${input.head}` : '';
    namedField.hidden = input.named.length === 0;
    layerField.hidden = input.layers <= 1;
    special.hidden = input.special === null;
    hideLabel.textContent = ` Hide ${input.special ?? '[CLS]/[SEP]'} and renormalise`;
    special.title = input.special === '[CLS]/[SEP]'
      ? 'Most heads of a BERT model send much of their attention to [CLS] and [SEP]; hiding them shows how the rest is shared.'
      : 'Hiding the special tokens shows how the attention among the other tokens is shared.';
    hide.checked = input.hideSpecial;
  }

  return { update };
}
