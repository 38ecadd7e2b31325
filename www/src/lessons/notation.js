// The small notations a lesson's author writes in attributes: a playground's attributes to set
// ("view=lines; query=8"), rows of numbers ("1 0; 2 0.5"), named settings for a sweep
// ("scaled: scale=1 | not scaled: scale=0"). Pure module.

/**
 * Settings written as "view=lines; head=2": each an attribute of the playground to set.
 * @param {string} text
 * @returns {Array<[string, string]>}
 */
export function parseSettings(text) {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      if (at <= 0) throw new Error(`"${part}" is not attribute=value`);
      return /** @type {[string, string]} */ ([part.slice(0, at).trim(), part.slice(at + 1).trim()]);
    });
}

/**
 * Rows of numbers written "1 0; 2 0.5".
 * @param {string} text
 * @param {string} name  for the message
 * @returns {number[][]}
 */
export function parseRows(text, name) {
  const rows = text.split(';').map((row) => row.trim().split(/[\s,]+/).filter(Boolean).map(Number));
  if (rows.length === 0 || rows.some((row) => row.length === 0 || row.some((x) => !Number.isFinite(x)))) {
    throw new Error(`${name}="${text}" must be rows of numbers separated by semicolons`);
  }
  if (rows.some((row) => row.length !== rows[0].length)) throw new Error(`${name}'s rows must all hold as many numbers`);
  return rows;
}

/**
 * "name: a=1&b=2 | other: a=0" as named settings.
 * @param {string} text
 * @returns {Array<{ name: string, settings: string }>}
 */
export function parseSeries(text) {
  const parts = text.split('|').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) return [{ name: '', settings: '' }];
  return parts.map((part) => {
    const at = part.lastIndexOf(':');
    return at < 0 ? { name: part, settings: '' } : { name: part.slice(0, at).trim(), settings: part.slice(at + 1).trim() };
  });
}
