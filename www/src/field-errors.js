// Which control a message of the core is about, so it can be shown next to that control.
// Pure module.

/** @type {Array<[RegExp, string]>} */
const PATTERNS = [
  [/key\/value heads|kv.?heads/i, 'kvHeads'],
  [/not divisible by .* heads|heads must/i, 'heads'],
  [/d_model|dmodel/i, 'dModel'],
  [/temperature/i, 'temperature'],
  [/padding|pad to/i, 'padTo'],
  [/window/i, 'window'],
  [/seed/i, 'seed'],
  [/second text|cross/i, 'crossText'],
  [/\btext\b.*empty|type at least/i, 'text'],
];

/**
 * @param {string} message
 * @returns {string | null} a field name of the model state, 'text', 'crossText', or null
 */
export function fieldOfMessage(message) {
  for (const [pattern, field] of PATTERNS) if (pattern.test(message)) return field;
  return null;
}
