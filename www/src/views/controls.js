// The settings panel: every option of the core, grouped (Input · Model · Attention · Mask ·
// Positions). Each change is reported as a patch of the model state; the core's complaints
// are shown next to the control they concern.

import { el } from '../dom.js';
import { LIMITS, SCALE_BY_DEFAULT, kvHeadsFor } from '../state.js';

/** @typedef {import('../state.js').ModelState} ModelState */
/** @typedef {keyof ModelState | 'window' | 'padTo'} FieldName */

/**
 * @typedef {Object} ControlsCallbacks
 * @property {(patch: (model: ModelState) => void) => void} onChange
 * @property {(on: boolean) => void} onEditMask
 * @property {() => void} onClearMask
 */

/**
 * @typedef {{ kind: 'select', name: FieldName, label: string, hint: string, options: Array<[string, string]> }
 *   | { kind: 'number', name: FieldName, label: string, hint: string, min: number, max: number, step: number }
 *   | { kind: 'check', name: FieldName, label: string, hint: string }
 *   | { kind: 'optional', name: 'window' | 'padTo', label: string, hint: string, min: number, max: number, initial: number }} Field
 */

/**
 * What scaling does for each score function (the checkbox follows SCALE_BY_DEFAULT when the
 * score changes).
 * @type {Record<ModelState['score'], string>}
 */
export const SCALE_HINTS = {
  dot: 'Scale by 1/√d_k keeps scores from growing with d_k.',
  general: 'Scale by 1/√d_k keeps scores from growing with d_k.',
  cosine: 'Off for cosine: its scores lie in [−1, 1] whatever d_k, and dividing them flattens the weights. Lower the temperature to sharpen them instead.',
  additive: 'Off for additive: its scores v·tanh(W·q + U·k) are bounded by ‖v‖₁ whatever d_k, so they need no scaling.',
};

/** Why Causal is off in cross-attention. */
export const CROSS_CAUSAL = 'Not in cross-attention: causal masks a text’s later tokens, and here queries and keys come from two texts.';

/**
 * The hint of a field that depends on the other settings, and why a field cannot be changed.
 * @type {Partial<Record<string, { hint?: (model: ModelState) => string, lock?: (model: ModelState) => string | undefined }>>}
 */
const DEPENDS = {
  scale: { hint: (model) => SCALE_HINTS[model.score] },
  causal: { lock: (model) => (model.mode === 'cross' ? CROSS_CAUSAL : undefined) },
};

/** @type {Array<{ legend: string, fields: Field[] }>} */
const GROUPS = [
  {
    legend: 'Input',
    fields: [
      { kind: 'select', name: 'mode', label: 'Mode', hint: 'Cross-attention takes queries from the sentence, keys and values from a second text.', options: [['self', 'Self-attention'], ['cross', 'Cross-attention']] },
      { kind: 'select', name: 'tokenizer', label: 'Tokens', hint: '', options: [['words', 'Words'], ['chars', 'Characters']] },
    ],
  },
  {
    legend: 'Toy model',
    fields: [
      { kind: 'number', name: 'dModel', label: 'd_model', hint: '', ...LIMITS.dModel, step: 1 },
      { kind: 'number', name: 'heads', label: 'Heads', hint: 'Must divide d_model; each head works in d_k = d_model / heads.', ...LIMITS.heads, step: 1 },
      { kind: 'number', name: 'kvHeads', label: 'Key/value heads', hint: 'Must divide heads; fewer share keys and values (grouped-query).', ...LIMITS.kvHeads, step: 1 },
      { kind: 'select', name: 'projections', label: 'Projections', hint: '', options: [['random', 'Random'], ['identity', 'Identity']] },
      { kind: 'number', name: 'seed', label: 'Seed', hint: '', ...LIMITS.seed, step: 1 },
    ],
  },
  {
    legend: 'Attention',
    fields: [
      { kind: 'select', name: 'score', label: 'Score', hint: '', options: [['dot', 'Dot product'], ['general', 'General (q·W·k)'], ['additive', 'Additive (Bahdanau)'], ['cosine', 'Cosine']] },
      { kind: 'check', name: 'scale', label: 'Scale by 1/√d_k', hint: 'Keeps scores from growing with the vector size.' },
      { kind: 'number', name: 'temperature', label: 'Temperature', hint: 'Above 1 flattens the weights, below 1 sharpens them.', ...LIMITS.temperature, step: 0.1 },
    ],
  },
  {
    legend: 'Mask',
    fields: [
      { kind: 'check', name: 'masks', label: 'Causal', hint: 'A token may only look at itself and earlier tokens.' },
      { kind: 'optional', name: 'window', label: 'Window', hint: 'Only keys within this distance of the query.', ...LIMITS.window, initial: 2 },
      { kind: 'optional', name: 'padTo', label: 'Pad keys to', hint: 'Adds masked [PAD] keys up to this length.', ...LIMITS.padTo, initial: 16 },
    ],
  },
  {
    legend: 'Positions',
    fields: [
      { kind: 'select', name: 'positions', label: 'Positions', hint: '', options: [['none', 'None'], ['sinusoidal', 'Sinusoidal'], ['rope', 'Rotary (RoPE)']] },
    ],
  },
];

/**
 * @param {HTMLElement} root
 * @param {ControlsCallbacks} callbacks
 */
export function createControls(root, callbacks) {
  const doc = root.ownerDocument;
  /** @type {Map<string, { sync: (model: ModelState) => void, error: HTMLElement, hint: HTMLElement, control: HTMLInputElement | HTMLSelectElement, text: string }>} */
  const fields = new Map();

  /** Said beside Key/value heads after they followed a change of Heads. */
  let kvNote = '';

  /** @param {ModelState} model @returns {number | null} */
  const optionalValue = (model, /** @type {'window' | 'padTo'} */ name) => model.masks[name];

  /** @param {Field} field */
  function build(field) {
    const error = el(doc, 'span', { class: 'field-error', attrs: { role: 'alert' } });
    const hint = el(doc, 'span', { class: 'field-hint', text: field.hint });
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let control;
    /** @type {HTMLElement} */
    let row;
    /** @type {(model: ModelState) => void} */
    let sync;
    if (field.kind === 'select') {
      const name = /** @type {'mode' | 'tokenizer' | 'score' | 'positions' | 'projections'} */ (field.name);
      const select = el(doc, 'select', { attrs: { 'aria-label': field.label } }, field.options.map(([value, text]) => el(doc, 'option', { text, attrs: { value } })));
      control = select;
      select.addEventListener('change', () => callbacks.onChange((model) => {
        /** @type {any} */ (model)[name] = select.value;
        // Each score function gets its own scaling; cross-attention has no causal mask.
        if (name === 'score') model.scale = SCALE_BY_DEFAULT[model.score];
        if (name === 'mode' && model.mode === 'cross') model.masks.causal = false;
      }));
      row = el(doc, 'label', { class: 'field' }, [el(doc, 'span', { class: 'field-label', text: field.label }), select, hint, error]);
      sync = (model) => { select.value = model[name]; };
    } else if (field.kind === 'number') {
      const name = /** @type {'dModel' | 'heads' | 'kvHeads' | 'seed' | 'temperature'} */ (field.name);
      const input = el(doc, 'input', { attrs: { type: 'number', min: field.min, max: field.max, step: field.step, inputmode: field.step === 1 ? 'numeric' : 'decimal', 'aria-label': field.label } });
      control = input;
      input.addEventListener('input', () => {
        const value = Number(input.value);
        const valid = input.value.trim() !== '' && Number.isFinite(value) && value >= field.min && value <= field.max
          && (field.step !== 1 || Number.isInteger(value));
        input.setAttribute('aria-invalid', String(!valid));
        error.textContent = valid ? '' : `Enter ${field.step === 1 ? 'a whole number' : 'a number'} from ${field.min} to ${field.max}.`;
        if (valid) {
          callbacks.onChange((model) => {
            model[name] = value;
            if (name === 'kvHeads') kvNote = '';
            if (name !== 'heads') return;
            // Key/value heads follow the heads when they no longer divide them.
            const kv = kvHeadsFor(value, model.kvHeads);
            kvNote = kv === model.kvHeads ? '' : `Now ${kv}: ${model.kvHeads} key/value heads do not divide ${value} heads.`;
            model.kvHeads = kv;
          });
        }
      });
      row = el(doc, 'label', { class: 'field' }, [el(doc, 'span', { class: 'field-label', text: field.label }), input, hint, error]);
      sync = (model) => {
        if (Number(input.value) !== model[name] || input.value === '') input.value = String(model[name]);
      };
    } else if (field.kind === 'check') {
      const box = el(doc, 'input', { attrs: { type: 'checkbox', 'aria-label': field.label } });
      control = box;
      const isCausal = field.name === 'masks';
      box.addEventListener('change', () => callbacks.onChange((model) => {
        if (isCausal) model.masks.causal = box.checked;
        else model.scale = box.checked;
      }));
      row = el(doc, 'label', { class: 'field field-check' }, [box, el(doc, 'span', { class: 'field-label', text: field.label }), hint, error]);
      sync = (model) => { box.checked = isCausal ? model.masks.causal : model.scale; };
    } else {
      const name = field.name;
      const box = el(doc, 'input', { attrs: { type: 'checkbox', 'aria-label': `${field.label} on` } });
      const input = el(doc, 'input', { attrs: { type: 'number', min: field.min, max: field.max, step: 1, 'aria-label': field.label } });
      control = box;
      const commit = () => callbacks.onChange((model) => {
        const value = Number(input.value);
        const valid = Number.isInteger(value) && value >= field.min && value <= field.max;
        error.textContent = box.checked && !valid ? `Enter a whole number from ${field.min} to ${field.max}.` : '';
        if (!box.checked) model.masks[name] = null;
        else if (valid) model.masks[name] = value;
        else model.masks[name] = optionalValue(model, name) ?? field.initial;
      });
      box.addEventListener('change', commit);
      input.addEventListener('input', () => {
        box.checked = true;
        commit();
      });
      row = el(doc, 'div', { class: 'field field-optional' }, [
        el(doc, 'label', { class: 'field-check' }, [box, el(doc, 'span', { class: 'field-label', text: field.label })]),
        input, hint, error,
      ]);
      sync = (model) => {
        const value = optionalValue(model, name);
        box.checked = value !== null;
        if (value !== null && Number(input.value) !== value) input.value = String(value);
        if (value === null && input.value === '') input.value = String(field.initial);
      };
    }
    fields.set(field.name === 'masks' ? 'causal' : field.name, { sync, error, hint, control, text: field.hint });
    return row;
  }

  const editBox = el(doc, 'input', { attrs: { type: 'checkbox', 'aria-label': 'Click heatmap cells to mask them' } });
  editBox.addEventListener('change', () => callbacks.onEditMask(editBox.checked));
  const blockedCount = el(doc, 'span', { class: 'field-hint' });
  const clear = el(doc, 'button', { class: 'small-button', text: 'Clear cells', attrs: { type: 'button' }, on: { click: () => callbacks.onClearMask() } });
  const custom = el(doc, 'div', { class: 'field field-custom' }, [
    el(doc, 'label', { class: 'field-check' }, [editBox, el(doc, 'span', { class: 'field-label', text: 'Click heatmap cells to mask them' })]),
    el(doc, 'div', { class: 'field-inline' }, [blockedCount, clear]),
  ]);

  root.replaceChildren(...GROUPS.map((group) => el(doc, 'fieldset', { class: 'control-group' }, [
    el(doc, 'legend', { text: group.legend }),
    ...group.fields.map(build),
    group.legend === 'Mask' ? custom : null,
  ])));

  /**
   * @param {ModelState} model
   * @param {boolean} editMask
   * @param {Partial<Record<string, string>>} errors  core messages by field name
   * @param {Partial<Record<string, string>>} [locked]  fields fixed by something else, and why
   */
  function update(model, editMask, errors, locked = {}) {
    for (const [name, field] of fields) {
      field.sync(model);
      const depends = DEPENDS[name];
      const reason = locked[name] ?? depends?.lock?.(model);
      field.control.disabled = reason !== undefined;
      const note = name === 'kvHeads' && kvNote && model.heads % model.kvHeads === 0 ? kvNote : '';
      field.hint.textContent = reason ?? (note || depends?.hint?.(model) || field.text);
      const message = errors[name];
      if (message !== undefined) field.error.textContent = message;
      else if (field.error.dataset.core === 'yes') field.error.textContent = '';
      field.error.dataset.core = message !== undefined ? 'yes' : 'no';
    }
    editBox.checked = editMask;
    const n = model.masks.blocked.length;
    blockedCount.textContent = n === 0 ? 'No cells masked.' : `${n} cell${n === 1 ? '' : 's'} masked.`;
    clear.disabled = n === 0;
  }

  return { update };
}
