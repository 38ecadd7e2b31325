// What an encoder–decoder adds around its translation: the source words or characters its
// vocabulary lacks (read as <unk>), example sources for its task, its vocabulary to search, and
// the measured accuracy of the task's three models by source length (accuracy-chart.js). And,
// in place of the views, the panel of a model without attention, which has no weights to show.

import { el } from '../dom.js';
import { quoteToken } from '../format.js';
import { TASKS, taskEvaluations } from '../model/catalog.js';
import { renderAccuracyChart } from './accuracy-chart.js';

/** @typedef {import('../types').Vocabularies} Vocabularies */
/** @typedef {import('../types').UnknownToken} UnknownToken */
/** @typedef {import('../model/catalog.js').TaskName} TaskName */

/** Tokens of the model's own (padding, start, end, unknown), left out of the list a reader searches. */
const RESERVED = new Set(['<pad>', '<bos>', '<eos>', '<unk>']);

/**
 * @typedef {Object} TranslationInput
 * @property {boolean} on            an encoder–decoder computes (else the panel is hidden)
 * @property {string} model          its name
 * @property {TaskName | null} task  a shipped model's task
 * @property {UnknownToken[]} unknown  source tokens outside the vocabulary
 * @property {Vocabularies | null} vocabulary
 * @property {boolean} characters    the source is read character by character
 */

/**
 * The sentence naming the source tokens a model does not know, or '' when it knows them all.
 * @param {UnknownToken[]} unknown
 * @param {string} model
 * @param {boolean} characters
 */
export function unknownNote(unknown, model, characters) {
  if (unknown.length === 0) return '';
  const names = [...new Set(unknown.map((token) => token.text))];
  const list = names.slice(0, 8).map((name) => quoteToken(name)).join(', ') + (names.length > 8 ? `, and ${names.length - 8} more` : '');
  return `Not in ${model}’s vocabulary: ${list}. The model reads ${names.length === 1 ? 'it' : 'each'} as <unk>, a token it never saw in training, so the translation there is a guess. The vocabulary below lists the ${characters ? 'characters' : 'words'} it knows.`;
}

/**
 * Whether a model reads its source character by character: every entry of its source vocabulary
 * (its own tokens aside) is one character.
 * @param {Vocabularies} vocabulary
 */
export function readsCharacters(vocabulary) {
  return searchVocabulary(vocabulary.source, '').every((token) => [...token].length === 1);
}

/**
 * The vocabulary entries that contain `query` (case-insensitive), the model's own tokens left out.
 * @param {string[]} tokens
 * @param {string} query
 */
export function searchVocabulary(tokens, query) {
  const q = query.trim().toLowerCase();
  return tokens.filter((token) => !RESERVED.has(token) && (q === '' || token.toLowerCase().includes(q)));
}

/**
 * @param {HTMLElement} root
 * @param {{ onExample: (text: string) => void }} callbacks
 */
export function createTranslationPanel(root, callbacks) {
  const doc = root.ownerDocument;
  const unknown = el(doc, 'p', { class: 'note note-warn translation-unknown', attrs: { role: 'status' } });
  const examples = el(doc, 'div', { class: 'translation-examples', attrs: { role: 'group', 'aria-label': 'Examples' } });
  const search = el(doc, 'input', { attrs: { type: 'search', 'aria-label': 'Search the vocabulary', placeholder: 'Search…', spellcheck: 'false', autocomplete: 'off' } });
  const count = el(doc, 'p', { class: 'field-hint vocabulary-count' });
  const list = el(doc, 'ul', { class: 'vocabulary-list', attrs: { 'aria-label': 'Source vocabulary' } });
  const vocabularySummary = el(doc, 'summary');
  const vocabulary = el(doc, 'details', { class: 'translation-vocabulary' }, [vocabularySummary, search, count, list]);
  const chartTitle = el(doc, 'h3', { class: 'translation-chart-title' });
  const chart = el(doc, 'div', { class: 'translation-chart' });
  const chartSection = el(doc, 'section', { class: 'translation-accuracy', attrs: { 'aria-label': 'Accuracy by length' } }, [chartTitle, chart]);
  root.replaceChildren(el(doc, 'div', { class: 'ap-translation' }, [unknown, examples, vocabulary, chartSection]));
  search.addEventListener('input', () => drawList());

  /** @type {TranslationInput | null} */
  let input = null;
  let drawnFor = '';

  function drawList() {
    const tokens = input?.vocabulary?.source ?? [];
    const found = searchVocabulary(tokens, search.value);
    const known = searchVocabulary(tokens, '').length;
    const unit = input?.characters ? 'characters' : 'words';
    count.textContent = search.value.trim() === '' ? `${known} source ${unit} the model knows.` : `${found.length} of ${known} source ${unit} contain ${quoteToken(search.value.trim())}.`;
    list.replaceChildren(...found.map((token) => el(doc, 'li', { class: 'vocabulary-chip', text: token === ' ' ? '␣' : token })));
  }

  /** @param {TranslationInput} next */
  function update(next) {
    input = next;
    root.hidden = !next.on;
    if (!next.on) return;
    const note = unknownNote(next.unknown, next.model, next.characters);
    unknown.textContent = note;
    unknown.hidden = note === '';
    const key = `${next.model}:${next.task}:${next.vocabulary?.source.length ?? 0}`;
    if (key === drawnFor) return;
    drawnFor = key;
    const task = next.task ? TASKS[next.task] : null;
    examples.hidden = task === null;
    examples.replaceChildren(
      el(doc, 'span', { class: 'field-label', text: 'Try' }),
      ...(task?.examples ?? []).map((text) => el(doc, 'button', { class: 'small-button example-button', text, attrs: { type: 'button' }, on: { click: () => callbacks.onExample(text) } })),
    );
    vocabulary.hidden = next.vocabulary === null;
    vocabularySummary.textContent = `Vocabulary: the ${next.characters ? 'characters' : 'words'} ${next.model} knows`;
    search.value = '';
    drawList();
    chartSection.hidden = next.task === null;
    if (next.task) {
      chartTitle.textContent = next.task === 'grammar' ? 'Why attention: accuracy as sentences grow' : 'Accuracy on held-out dates';
      renderAccuracyChart(chart, taskEvaluations(next.task), next.model);
    }
  }

  return { update };
}

/**
 * The panel shown instead of the views for a model without attention.
 * @param {HTMLElement} root
 */
export function createNoAttentionPanel(root) {
  const doc = root.ownerDocument;
  const sentence = el(doc, 'p', { class: 'no-attention-lead' });
  root.replaceChildren(el(doc, 'div', { class: 'no-attention', attrs: { role: 'note' } }, [
    el(doc, 'h3', { class: 'no-attention-title', text: 'No attention to show' }),
    sentence,
    el(doc, 'p', { text: 'The encoder reads the whole source into one fixed-length vector, its final state; the decoder starts from that vector and never looks back at the source words. Everything it writes has to come through that one vector, which is why this model fails on long sentences (see the chart beside the translation). The same model with attention scores every encoder state at each step instead: pick it in the Model settings to see the alignment.' }),
  ]));
  return {
    /** @param {string | null} message  the core's sentence, or null to hide the panel */
    update(message) {
      root.hidden = message === null;
      sentence.textContent = message ? `${message.charAt(0).toUpperCase()}${message.slice(1)}.` : '';
    },
  };
}
