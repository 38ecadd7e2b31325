// The focused head's weights as data: JSON (with the settings that produced them) and CSV
// (tokens as headers). Pure module.
//
// CSV follows RFC 4180: fields holding a comma, a quote, a line break or edge spaces are
// quoted, quotes doubled, lines end in CRLF, and a byte-order mark tells spreadsheets the
// file is UTF-8. Tokens are typed by anyone, and a spreadsheet runs a cell that starts with
// = + - @ (or a tab or carriage return) as a formula: such tokens get a leading apostrophe,
// which spreadsheets read as "this is text" and do not show.

import { settingsCaption } from '../caption.js';
import { toToyConfig } from '../state.js';
import { headName, headWeights, rowsNote, shape } from '../run-data.js';

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */

/**
 * The shortest decimal that reads back as the same 32-bit float (the core computes in f32).
 * @param {number} value
 */
export function f32Text(value) {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits += 1) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === Math.fround(value)) return text;
  }
  return String(value);
}

/**
 * @param {{ data: RunData, state: PlaygroundState }} input
 * @returns {string}
 */
export function weightsJson({ data, state }) {
  const { queries, keys, heads } = shape(data);
  const weights = headWeights(data, state.head);
  /** @type {number[][]} */
  const rows = [];
  /** @type {Array<[number, number]>} */
  const masked = [];
  for (let q = 0; q < queries; q += 1) {
    const row = [];
    for (let k = 0; k < keys; k += 1) {
      row.push(Number(f32Text(weights[q * keys + k])));
      if (data.allowed[q * keys + k] === 0) masked.push([q, k]);
    }
    rows.push(row);
  }
  const cross = state.model.mode === 'cross' && !data.model;
  const renormalised = Boolean(data.model?.kept);
  const document = {
    generator: 'Attention Playground',
    description: data.rolledOut
      ? `Attention ${data.rolledOut} of ${data.model?.name ?? 'the model'} through layer ${data.layer + 1} (Abnar & Zuidema 2020; every head averaged, the residual counted, ${data.rolledOut === 'flow' ? 'maximum flows through the layers' : 'the layers multiplied'}): weights[i][j] is the share of input token j in token i’s vector after that layer; each row sums to 1; every token is kept.`
      : data.model
      ? `Attention weights of one head of ${data.model.name}: weights[i][j] is how much query token i attends to key token j; ${renormalised ? '[CLS], [SEP] and other special tokens are left out and each row is renormalised to sum to 1 over the remaining tokens, so these are not the model’s raw weights' : 'each row sums to 1'}.`
      : 'Attention weights of one head: weights[i][j] is how much query token i attends to key token j; each row sums to 1 (a row whose keys are all masked is all 0).',
    model: state.source,
    caption: settingsCaption(data, state),
    ...(data.model
      ? { modelInfo: data.model.info, specialTokens: renormalised ? 'hidden, rows renormalised' : 'shown' }
      : { settings: toToyConfig(state.model) }),
    text: state.text,
    crossText: cross ? state.crossText : null,
    layer: state.layer,
    layers: data.layers,
    head: data.rolledOut ? null : state.head,
    heads,
    ...(data.rolledOut ? { across: data.rolledOut } : {}),
    queryTokens: data.summary.queryTokens.map((t) => t.text),
    keyTokens: data.summary.keyTokens.map((t) => t.text),
    specialKeys: data.summary.keyTokens.flatMap((t, k) => (t.special ? [k] : [])),
    weights: rows,
    masked,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * One CSV field, defused and quoted as needed.
 * @param {string} text
 */
export function csvField(text) {
  const value = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A table of weights: a header row of key tokens, then one row per query token.
 * @param {{ data: RunData, state: PlaygroundState }} input
 * @returns {string}
 */
export function weightsCsv({ data, state }) {
  const { queries, keys } = shape(data);
  const weights = headWeights(data, state.head);
  // The corner says what computed the weights (the toy's warning included) and how.
  const which = data.rolledOut ? `${headName(data, 0)}, every head averaged, the residual counted` : `${headName(data, state.head)} of ${shape(data).heads}`;
  const about = [which, settingsCaption(data, state), ...(data.model?.kept ? [rowsNote(data)] : [])];
  const corner = `query \\ key (${about.join(' · ')})`;
  const lines = [[corner, ...data.summary.keyTokens.map((t) => t.text)].map(csvField).join(',')];
  for (let q = 0; q < queries; q += 1) {
    const cells = [csvField(data.summary.queryTokens[q].text)];
    for (let k = 0; k < keys; k += 1) cells.push(f32Text(weights[q * keys + k]));
    lines.push(cells.join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
