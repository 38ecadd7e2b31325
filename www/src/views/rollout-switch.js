// The switch between one head's attention and, through the focused layer, the attention rollout
// or the attention flow, as the heatmap and the picture view offer it, with the definition of the
// one shown beneath; for a model whose run has neither (a decoder, an encoder–decoder), why not.
// The numbers are the core's.

import { el } from '../dom.js';
import { ACROSS_DEFINITIONS } from '../run-data.js';

/** @typedef {import('../types').SourceKind} SourceKind */
/** @typedef {import('../state.js').Across} Across */

/**
 * Why a run of this kind has no rollout ('' when it has one, or for the toy's single layer).
 * @param {SourceKind} kind
 */
export function noRolloutReason(kind) {
  if (kind === 'decoder') {
    return 'Attention rollout and flow are offered for encoders, text or picture: a decoder’s layers are causal (each token sees only the ones before it), and both follow bidirectional self-attention here.';
  }
  if (kind === 'encoder-decoder') {
    return 'Attention rollout and flow are offered for encoders, text or picture: a translation’s decoder reads the source through cross-attention, which a product of self-attention over one sequence does not follow.';
  }
  if (kind === 'captioner') {
    return 'Attention rollout and flow are offered for encoders, text or picture: a captioner’s decoder reads the patches through cross-attention, which a product of self-attention over one sequence does not follow; the picture view shows the cross-attention of each word instead.';
  }
  return '';
}

/**
 * @typedef {Object} RolloutSwitchInput
 * @property {SourceKind} kind   what computed the run
 * @property {Across} on         what the state asks for
 * @property {number} layer      the focused layer (from 0)
 * @property {string | null} [error]  why the core did not compute what was asked for
 * @property {string} [kept]     the special tokens the other views hide, which the rollout keeps
 */

/**
 * @param {Document} doc
 * @param {(across: Across) => void} onChange
 */
export function createRolloutSwitch(doc, onChange) {
  const option = (/** @type {Across} */ value) =>
    el(doc, 'button', { class: 'small-button rollout-option', attrs: { type: 'button', 'aria-pressed': 'false', 'data-across': value }, on: { click: () => onChange(value) } });
  const options = { head: option('head'), rollout: option('rollout'), flow: option('flow') };
  options.head.textContent = 'This layer and head';
  const note = el(doc, 'p', { class: 'field-hint rollout-note' });
  const buttons = el(doc, 'div', { class: 'rollout-options', attrs: { role: 'group', 'aria-label': 'Show one head, the rollout or the flow' } }, [
    el(doc, 'span', { class: 'field-label', text: 'Show' }), options.head, options.rollout, options.flow,
  ]);
  const element = el(doc, 'div', { class: 'rollout-switch' }, [buttons, note]);

  /** @param {RolloutSwitchInput} input */
  function update({ kind, on, layer, error = null, kept = '' }) {
    const offered = kind === 'encoder' || kind === 'vision';
    const why = noRolloutReason(kind);
    element.hidden = !offered && why === '';
    buttons.hidden = !offered;
    for (const [value, button] of Object.entries(options)) button.setAttribute('aria-pressed', String(offered && on === value));
    options.rollout.textContent = `Rollout through layer ${layer + 1}`;
    options.flow.textContent = `Flow through layer ${layer + 1}`;
    const keeps = kept ? ` ${kept} stay in: it is computed over every token.` : '';
    note.textContent = !offered ? why : on === 'head' ? '' : error ? `${error.charAt(0).toUpperCase()}${error.slice(1)}.`.replace(/\.\.$/, '.') : `${ACROSS_DEFINITIONS[on]}${keeps}`;
    note.classList.toggle('rollout-error', offered && on !== 'head' && error !== null);
  }

  return { element, update };
}
