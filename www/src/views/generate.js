// Generation by a decoder: how many tokens, greedy or sampled (temperature, top-k, seed), the
// Generate button; then the text with the generated tokens marked, a timeline of the generated
// tokens with their probabilities, and, for the step chosen, its next-token distribution and a
// way into the step-by-step player. An encoder–decoder's translation is shown the same way,
// without the settings: the translation, its steps, and each step's next-token distribution.

import { el } from '../dom.js';
import { formatWeight, quoteToken } from '../format.js';
import { LIMITS } from '../state.js';
import { tokenLabel } from '../run-data.js';
import { renderNextTokens } from './next-tokens.js';

/** @typedef {import('../state.js').GenerateState} GenerateState */
/** @typedef {import('../view-model.js').GenerationView} GenerationView */

/**
 * @typedef {Object} GenerateCallbacks
 * @property {(settings: Partial<GenerateState>) => void} onGenerate  generate with these settings
 * @property {(settings: Partial<GenerateState>) => void} onSettings  a setting changed
 * @property {() => void} onStop       show the text alone again
 * @property {(query: number) => void} onStep  focus a decoding step's new query
 * @property {(query: number) => void} onPlay  step through a decoding step in the player
 */

/**
 * @typedef {Object} GenerateInput
 * @property {boolean} decoder        a decoder computes (else the panel is hidden)
 * @property {boolean} [translation]  an encoder–decoder computes: its translation is shown
 * @property {boolean} [caption]      that encoder–decoder is a captioner: the translation is a caption of the picture
 * @property {boolean} [attention]    false for a model without attention (no step to play)
 * @property {GenerateState} settings
 * @property {string} prompt          the text the run continued
 * @property {GenerationView | null} view  the run's generation, if it has one
 * @property {string} error           the core's message about a generation setting
 */

/**
 * @typedef {{ name: 'steps' | 'temperature' | 'topK' | 'seed', label: string, range: { min: number, max: number },
 *   step: number, optional?: boolean }} NumberField
 */

/** @type {NumberField[]} */
const SAMPLING_FIELDS = [
  { name: 'temperature', label: 'Temperature', range: LIMITS.generateTemperature, step: 0.1 },
  { name: 'topK', label: 'Top-k', range: LIMITS.topK, step: 1, optional: true },
  { name: 'seed', label: 'Seed', range: LIMITS.seed, step: 1 },
];

/**
 * @param {HTMLElement} root
 * @param {GenerateCallbacks} callbacks
 */
export function createGeneratePanel(root, callbacks) {
  const doc = root.ownerDocument;
  /** @type {GenerateInput | null} */
  let input = null;
  const error = el(doc, 'p', { class: 'field-error generate-error', attrs: { role: 'alert' } });

  /**
   * A number field: reports valid values as they are typed, says what is wrong with others.
   * @param {NumberField} field
   */
  function numberField(field) {
    const control = el(doc, 'input', {
      attrs: {
        type: 'number', min: field.range.min, max: field.range.max, step: field.step === 1 ? 1 : 'any', inputmode: field.step === 1 ? 'numeric' : 'decimal',
        'aria-label': field.name === 'steps' ? 'Tokens to generate' : field.label, placeholder: field.optional ? 'all' : null,
      },
    });
    control.addEventListener('input', () => {
      const value = read(field, control);
      control.setAttribute('aria-invalid', String(value === undefined));
      error.textContent = value === undefined ? rangeSentence(field) : '';
      if (value !== undefined) callbacks.onSettings({ [field.name]: value });
    });
    const label = el(doc, 'label', { class: `generate-field generate-${field.name}` }, [el(doc, 'span', { text: field.name === 'steps' ? 'Tokens' : field.label }), control]);
    return { field, control, label };
  }

  const steps = numberField({ name: 'steps', label: 'Tokens', range: LIMITS.generateSteps, step: 1 });
  const sampling = SAMPLING_FIELDS.map(numberField);
  const mode = el(doc, 'select', { attrs: { 'aria-label': 'Decoding' } }, [
    el(doc, 'option', { text: 'Greedy', attrs: { value: 'greedy' } }),
    el(doc, 'option', { text: 'Sampling', attrs: { value: 'sample' } }),
  ]);
  mode.addEventListener('change', () => callbacks.onSettings({ sample: mode.value === 'sample' }));
  const samplingGroup = el(doc, 'span', { class: 'generate-sampling' }, sampling.map((f) => f.label));
  const generate = el(doc, 'button', { class: 'generate-button', text: 'Generate', attrs: { type: 'submit' } });
  const stop = el(doc, 'button', {
    class: 'small-button', text: 'Text only', attrs: { type: 'button', title: 'Show the attention of the text alone, without a continuation' },
    on: { click: () => callbacks.onStop() },
  });
  // The fields are checked here, with sentences, not by the browser's own bubbles.
  const form = el(doc, 'form', { class: 'generate-controls', attrs: { 'aria-label': 'Generate', novalidate: true } }, [
    steps.label,
    el(doc, 'label', { class: 'generate-field' }, [el(doc, 'span', { text: 'Decoding' }), mode]),
    samplingGroup,
    generate,
    stop,
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    /** @type {Partial<GenerateState>} */
    const settings = {};
    for (const { field, control } of [steps, ...sampling]) {
      const value = read(field, control);
      if (value === undefined) {
        if (field.name === 'steps' || mode.value === 'sample') {
          error.textContent = rangeSentence(field);
          control.focus();
          return;
        }
        continue;
      }
      Object.assign(settings, { [field.name]: value });
    }
    error.textContent = '';
    callbacks.onGenerate({ ...settings, sample: mode.value === 'sample' });
  });

  const text = el(doc, 'p', { class: 'generate-text', attrs: { 'aria-label': 'The text and its continuation' } });
  const summary = el(doc, 'p', { class: 'generate-summary' });
  const timeline = el(doc, 'ol', { class: 'generate-timeline', attrs: { 'aria-label': 'Generated tokens, one per decoding step' } });
  const stepTitle = el(doc, 'h3', { class: 'generate-step-title' });
  const stepLead = el(doc, 'p', { class: 'generate-step-lead' });
  const bars = el(doc, 'div', { class: 'generate-bars' });
  const play = el(doc, 'button', {
    class: 'small-button action-button', text: 'Step through this decoding step ▸', attrs: { type: 'button' },
    on: { click: () => input?.view?.selected != null && callbacks.onPlay(input.view.tokens[input.view.selected].position) },
  });
  const stepPanel = el(doc, 'div', { class: 'generate-step' }, [stepTitle, stepLead, bars, play]);
  const result = el(doc, 'div', { class: 'generate-result' }, [
    el(doc, 'div', { class: 'generate-main' }, [text, summary, timeline]),
    stepPanel,
  ]);
  const heading = el(doc, 'h2', { class: 'generate-heading', text: 'Generate' });
  const hint = el(doc, 'p', { class: 'field-hint generate-hint' });
  root.replaceChildren(el(doc, 'section', { class: 'ap-generate', attrs: { 'aria-label': 'Generate' } }, [heading, hint, form, error, result]));

  /** @type {HTMLButtonElement[]} */
  let chips = [];
  let drawn = '';

  /** @param {GenerateInput} next */
  function update(next) {
    input = next;
    const translating = next.translation ?? false;
    root.hidden = !next.decoder && !translating;
    if (root.hidden) return;
    form.hidden = translating;
    const captioning = next.caption ?? false;
    heading.textContent = captioning ? 'Caption' : translating ? 'Translation' : 'Generate';
    text.setAttribute('aria-label', captioning ? 'The caption' : translating ? 'The translation' : 'The text and its continuation');
    play.hidden = next.attention === false;
    const s = next.settings;
    sync(steps.control, s.steps);
    for (const { field, control } of sampling) sync(control, s[field.name]);
    mode.value = s.sample ? 'sample' : 'greedy';
    samplingGroup.hidden = !s.sample;
    stop.hidden = !s.on;
    // The core's message about a setting stays until a run succeeds; the fields' own stay until fixed.
    if (next.error) error.textContent = next.error;
    else if (error.dataset.core === 'yes') error.textContent = '';
    error.dataset.core = next.error ? 'yes' : 'no';
    hint.textContent = captioning
      ? 'The decoder writes the caption one word at a time, each the most probable under the model (greedy decoding), reading the picture’s patches through cross-attention, until the end-of-sequence token <eos>. Choose a step to see its distribution and its row of attention.'
      : translating
      ? 'The decoder writes the translation one token at a time, each the most probable under the model (greedy decoding), until the end-of-sequence token <eos>. Choose a step to see its distribution and its row of attention.'
      : s.sample
      ? 'Each token is drawn from the model’s distribution (softmax of the logits ÷ temperature, among the top-k): the same seed draws the same tokens.'
      : 'Each token is the most probable one under the model (greedy decoding). Generating appends the tokens to the attention below, one row per decoding step.';
    const view = next.view;
    result.hidden = view === null;
    if (!view) return;
    const key = `${next.prompt}\u0000${view.tokens.map((t) => `${t.piece}:${t.probability}`).join('\u0000')}`;
    if (key !== drawn) {
      drawn = key;
      draw(next.prompt, view);
    }
    chips.forEach((chip, i) => chip.setAttribute('aria-pressed', String(i === view.selected)));
    text.querySelectorAll('.generated').forEach((piece) => piece.classList.toggle('selected', Number(/** @type {HTMLElement} */ (piece).dataset.step) === view.selected));
    stepPanel.hidden = view.decoding === null;
    if (view.decoding && view.selected !== null) {
      const token = view.tokens[view.selected];
      const before = view.selected === 0 ? 'the last token of the prompt' : `the token generated before it`;
      stepTitle.textContent = `Step ${view.selected + 1} of ${view.tokens.length}: ${quoteToken(token.text)}`;
      stepLead.textContent = translating
        ? `The decoder’s state after ${view.selected === 0 ? 'the start token' : 'the tokens written so far'} attends over the source; with what it read it scores every target token, and ${view.decoding.how} ${quoteToken(token.text)} (${formatWeight(token.probability)}).`
        : `The new query is ${before}; its output after the last layer gives this distribution of the next token, and ${view.decoding.how} ${quoteToken(token.text)} (${formatWeight(token.probability)}).`;
      renderNextTokens(bars, view.decoding.top, view.decoding.chosen, `Most probable tokens at step ${view.selected + 1}`);
    }
  }

  /**
   * @param {string} prompt
   * @param {GenerationView} view
   */
  function draw(prompt, view) {
    chips = view.tokens.map((token) => {
      const chip = el(doc, 'button', {
        class: token.special ? 'generate-chip special' : 'generate-chip',
        attrs: { type: 'button', 'aria-pressed': 'false', 'data-piece': token.piece, title: `Step ${token.step + 1}: ${token.piece} (probability ${formatWeight(token.probability)})` },
        on: { click: () => callbacks.onStep(token.position) },
      }, [
        el(doc, 'span', { class: 'generate-chip-step', text: String(token.step + 1) }),
        el(doc, 'span', { class: 'generate-chip-token', text: tokenLabel({ text: token.text, start: 0, end: 0, special: token.special }, 16) }),
        el(doc, 'span', { class: 'generate-chip-probability', text: formatWeight(token.probability) }),
      ]);
      // The chip fills as far as the token's probability (set through the CSSOM: no style attributes).
      chip.style.setProperty('--p', String(Math.max(0, Math.min(1, token.probability))));
      return chip;
    });
    timeline.replaceChildren(...chips.map((chip) => el(doc, 'li', {}, [chip])));
    summary.textContent = view.summary;
    const pieces = view.tokens.filter((token) => token.share !== '' || token.special).map((token) => el(doc, 'span', {
      class: token.special ? 'generated special' : 'generated',
      text: token.special ? `⟨${token.text}⟩` : token.share,
      attrs: { 'data-step': token.step, title: `Step ${token.step + 1} · probability ${formatWeight(token.probability)}` },
      on: { click: () => callbacks.onStep(token.position) },
    }));
    text.replaceChildren(...(input?.translation ? [] : [el(doc, 'span', { class: 'generate-prompt', text: prompt })]), ...pieces);
  }

  return { update };
}

/**
 * @param {HTMLInputElement} control
 * @param {number | null} value
 */
function sync(control, value) {
  if (control.ownerDocument.activeElement === control) return;
  control.value = value === null ? '' : String(value);
  control.setAttribute('aria-invalid', 'false');
}

/**
 * The value of a number field, or undefined when it is not valid (an optional one may be empty: null).
 * @param {NumberField} field
 * @param {HTMLInputElement} control
 * @returns {number | null | undefined}
 */
function read(field, control) {
  const raw = control.value.trim();
  if (raw === '') return field.optional ? null : undefined;
  const value = Number(raw);
  const whole = field.step !== 1 || Number.isInteger(value);
  return Number.isFinite(value) && whole && value >= field.range.min && value <= field.range.max ? value : undefined;
}

/** @param {NumberField} field */
function rangeSentence(field) {
  const what = field.step === 1 ? 'a whole number' : 'a number';
  return `${field.name === 'steps' ? 'Tokens' : field.label}: enter ${what} from ${field.range.min} to ${field.range.max.toLocaleString('en')}${field.optional ? ' (or leave it empty for all tokens)' : ''}.`;
}
