// Number formatting that always looks finite and honest: masked scores read "−∞",
// a missing value reads "—", never "NaN". Pure module.

import { QUOTE_LABEL } from './generated/design.js';

const MINUS = '\u2212';

/**
 * @param {number} value
 * @param {number} [digits]
 * @returns {string}
 */
export function formatNumber(value, digits = 3) {
  if (Number.isNaN(value)) return '—';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return `${MINUS}∞`;
  const magnitude = Math.abs(value);
  let text;
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 10 ** -digits / 2)) {
    text = magnitude.toExponential(2).replace('e+', 'e');
  } else {
    text = magnitude.toFixed(digits);
  }
  const negative = value < 0 && /[1-9]/.test(text);
  return negative ? `${MINUS}${text}` : text;
}

/** A softmax weight, always three decimals. */
export function formatWeight(/** @type {number} */ value) {
  if (!Number.isFinite(value)) return formatNumber(value);
  return value.toFixed(3);
}

/**
 * Reads a number back from its formatted text (for tests and copy/paste).
 * @param {string} text
 * @returns {number}
 */
export function parseFormatted(text) {
  const plain = text.trim().replace(MINUS, '-');
  if (plain === '-∞') return -Infinity;
  if (plain === '∞') return Infinity;
  if (plain === '—') return NaN;
  return Number(plain);
}

/**
 * Text cut to `max` UTF-16 units, never inside a surrogate pair, ending in '…' when cut: a token
 * (one grapheme can hold 20,000 combining marks) stays cheap for the browser to lay out.
 * @param {string} text
 * @param {number} max
 */
export function clipText(text, max) {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * A token as it is quoted in sentences: 'it'.
 * @param {string} token
 */
export function quoteToken(token) {
  const shown = token.length > QUOTE_LABEL ? `${token.slice(0, QUOTE_LABEL - 1)}…` : token;
  return `‘${shown.replace(/\s/g, '␣')}’`;
}

/**
 * A file size: "812 B", "455.3 KB", "43.3 MB" (powers of 1024).
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** A round number at or above `value` for the top of an axis (a lesson's sweep, the training curves). */
export function niceCeiling(/** @type {number} */ value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 4, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
