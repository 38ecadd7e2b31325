// How much typed text the playground analyses, and how it says so.
// Pure module: no DOM access.

import { CORE_LIMITS } from './generated/core.js';
import { MAX_TOKENS } from './state.js';

/** Characters sent to the core; longer text is cut here so a huge paste stays responsive. */
export const TEXT_LIMIT = CORE_LIMITS.maxTextUnits;

/**
 * @typedef {Object} LimitedText
 * @property {string} text   at most TEXT_LIMIT UTF-16 units, never ending inside a surrogate pair
 * @property {boolean} cut
 * @property {number} total  the original length in UTF-16 units
 */

/**
 * @param {string} text
 * @returns {LimitedText}
 */
export function limitText(text) {
  if (text.length <= TEXT_LIMIT) return { text, cut: false, total: text.length };
  let end = TEXT_LIMIT;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), cut: true, total: text.length };
}

/**
 * The sentences that tell which limits applied, empty when none did.
 * @param {{ characters?: LimitedText | null, truncated?: import('./types').Truncation | null, model?: { name: string, kind: import('./types').SourceKind } | null }} applied
 *   `model`: the pretrained model that read the text (an encoder's limit counts [CLS] and [SEP];
 *   a decoder's is its context, which generated tokens share with the prompt)
 * @returns {string[]}
 */
export function limitNotes({ characters = null, truncated = null, model = null }) {
  /** @type {string[]} */
  const notes = [];
  if (characters && characters.cut) {
    notes.push(
      `Only the first ${characters.text.length.toLocaleString('en')} of ${characters.total.toLocaleString('en')} characters are analysed.`,
    );
  }
  if (truncated && model) {
    const limit = truncated.limit.toLocaleString('en');
    const shown = `this text makes ${truncated.total.toLocaleString('en')}, so only the first ${limit} are shown`;
    if (model.kind === 'encoder') notes.push(`${model.name} reads at most ${limit} tokens, [CLS] and [SEP] included: ${shown}.`);
    else if (model.kind === 'decoder') {
      notes.push(`The context of ${model.name} holds ${limit} tokens, prompt and generated tokens together: ${shown} and none can be generated. To generate, shorten the text to at most ${(truncated.limit - 1).toLocaleString('en')} tokens.`);
    } else notes.push(`${model.name} reads at most ${limit} tokens: ${shown}.`);
  } else if (truncated) {
    const which = truncated.which === 'crossText' ? ' of the second text' : '';
    notes.push(
      `Showing the first ${truncated.limit.toLocaleString('en')} of ${truncated.total.toLocaleString('en')} tokens${which} (the toy model takes at most ${MAX_TOKENS.toLocaleString('en')}).`,
    );
  }
  return notes;
}
