// The switch between one head's attention and the attention rollout through the focused layer,
// as the heatmap and the picture view offer it, with the rollout's definition beneath; for a model
// whose run has no rollout (a decoder, an encoder–decoder), why not. The numbers are the core's.

import { el } from '../dom.js';
import { ROLLOUT_DEFINITION } from '../run-data.js';

/** @typedef {import('../types').SourceKind} SourceKind */

/**
 * Why a run of this kind has no rollout ('' when it has one, or for the toy's single layer).
 * @param {SourceKind} kind
 */
export function noRolloutReason(kind) {
  if (kind === 'decoder') {
    return 'Attention rollout is offered for encoders, text or picture: a decoder’s layers are causal (each token sees only the ones before it), and the rollout here follows bidirectional self-attention.';
  }
  if (kind === 'encoder-decoder') {
    return 'Attention rollout is offered for encoders, text or picture: a translation’s decoder reads the source through cross-attention, which a product of self-attention over one sequence does not follow.';
  }
  return '';
}

/**
 * @typedef {Object} RolloutSwitchInput
 * @property {SourceKind} kind   what computed the run
 * @property {boolean} on        the state asks for the rollout
 * @property {number} layer      the focused layer (from 0)
 * @property {string} [kept]     the special tokens the other views hide, which the rollout keeps
 */

/**
 * @param {Document} doc
 * @param {(on: boolean) => void} onChange
 */
export function createRolloutSwitch(doc, onChange) {
  const option = (/** @type {boolean} */ value, /** @type {string} */ text) =>
    el(doc, 'button', { class: 'small-button rollout-option', text, attrs: { type: 'button', 'aria-pressed': 'false', 'data-rollout': String(value) }, on: { click: () => onChange(value) } });
  const head = option(false, 'This layer and head');
  const rolled = option(true, 'Rollout');
  const note = el(doc, 'p', { class: 'field-hint rollout-note' });
  const buttons = el(doc, 'div', { class: 'rollout-options', attrs: { role: 'group', 'aria-label': 'Show one head or the rollout' } }, [
    el(doc, 'span', { class: 'field-label', text: 'Show' }), head, rolled,
  ]);
  const element = el(doc, 'div', { class: 'rollout-switch' }, [buttons, note]);

  /** @param {RolloutSwitchInput} input */
  function update({ kind, on, layer, kept = '' }) {
    const offered = kind === 'encoder' || kind === 'vision';
    const why = noRolloutReason(kind);
    element.hidden = !offered && why === '';
    buttons.hidden = !offered;
    head.setAttribute('aria-pressed', String(offered && !on));
    rolled.setAttribute('aria-pressed', String(offered && on));
    rolled.textContent = `Rollout through layer ${layer + 1}`;
    const keeps = kept ? ` ${kept} stay in: the rollout is a product over every token.` : '';
    note.textContent = !offered ? why : on ? `${ROLLOUT_DEFINITION}${keeps}` : '';
  }

  return { element, update };
}
