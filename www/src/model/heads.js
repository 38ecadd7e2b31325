// The named heads of a model the project trained: `heads.json` next to its weights lists the
// heads whose pattern was measured (layer and head from 0, a short name, the score it was named
// by, one line of description). The page shows them in the model's description and names them
// in the head picker. Pure module.

/**
 * @typedef {Object} NamedHead
 * @property {number} layer        from 0
 * @property {number} head         from 0
 * @property {string} name         e.g. "induction"
 * @property {number | null} score the measurement it was named by
 * @property {string} description  one line
 */

/** Named heads read at most (a file is a model's, not a list of thousands). */
const MAX_HEADS = 256;

/**
 * The named heads of a heads.json file; anything unreadable is left out (a model loads without
 * its names rather than not at all).
 * @param {string | null} json
 * @returns {NamedHead[]}
 */
export function parseHeads(json) {
  if (json === null) return [];
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const list = parsed && typeof parsed === 'object' && 'heads' in parsed ? /** @type {{ heads: unknown }} */ (parsed).heads : null;
  if (!Array.isArray(list)) return [];
  /** @type {NamedHead[]} */
  const heads = [];
  for (const item of list.slice(0, MAX_HEADS)) {
    if (!item || typeof item !== 'object') continue;
    const { layer, head, name, score, description } = /** @type {Record<string, unknown>} */ (item);
    const index = (/** @type {unknown} */ value) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 4096;
    if (!index(layer) || !index(head) || typeof name !== 'string' || name.trim() === '') continue;
    heads.push({
      layer: /** @type {number} */ (layer),
      head: /** @type {number} */ (head),
      name: clip(name.trim(), 40),
      score: typeof score === 'number' && Number.isFinite(score) ? score : null,
      description: typeof description === 'string' ? clip(description.trim(), 240) : '',
    });
  }
  return heads.sort((a, b) => a.layer - b.layer || a.head - b.head);
}

/**
 * @param {string} text
 * @param {number} max
 */
function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * How a head is named where space is short: "L2 H2 · induction" (layers and heads from 1, as
 * everywhere on the page).
 * @param {NamedHead} named
 */
export function headTag(named) {
  return `L${named.layer + 1} H${named.head + 1} · ${named.name}`;
}

/**
 * The named head at (layer, head), if there is one.
 * @param {NamedHead[]} heads
 * @param {number} layer
 * @param {number} head
 */
export function namedHead(heads, layer, head) {
  return heads.find((named) => named.layer === layer && named.head === head) ?? null;
}
