// A pretrained model's run as the views read it: every layer's and head's weights over all the
// tokens, and, when [CLS]/[SEP] are hidden, the same over the ordinary tokens with each row
// renormalised. The run's token indices (kept in the state) and the indices of the tokens a
// view shows are mapped both ways here. Pure module.

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../types').ModelInfo} ModelInfo */
/** @typedef {import('../protocol.js').ModelRunResult} ModelRunResult */

/**
 * @typedef {Object} ModelRunData
 * @property {RunData} full   every token; the model's own weights
 * @property {RunData | null} shown  the ordinary tokens, renormalised (null when special tokens
 *   are shown, or when nothing but special tokens is left)
 */

/**
 * @param {ModelRunResult} result
 * @param {number} runId
 * @param {string} name
 * @param {ModelInfo} info
 * @returns {ModelRunData}
 */
export function modelRunData(result, runId, name, info) {
  const { tokens, layers, heads, dK, scale, truncated } = result.summary;
  const count = tokens.length;
  /** @type {import('../types').RunSummary} */
  const summary = {
    queryTokens: tokens,
    keyTokens: tokens,
    heads,
    kvHeads: heads,
    dModel: info.hidden,
    dK,
    scale,
    temperature: 1,
    score: 'dot',
    fullyMaskedRows: [],
    truncated: null,
  };
  /** @type {RunData} */
  const full = {
    runId,
    summary,
    weights: result.attentions,
    allowed: new Uint8Array(count * count).fill(1),
    layers,
    layer: 0,
    model: { name, info, kept: null, pooled: result.pooled, truncated },
  };
  const without = result.withoutSpecial;
  if (!without || without.tokens.length === 0) return { full, shown: null };
  const kept = without.tokens;
  const keptTokens = kept.map((index) => tokens[index]);
  return {
    full,
    shown: {
      ...full,
      summary: { ...summary, queryTokens: keptTokens, keyTokens: keptTokens },
      weights: without.attentions,
      allowed: new Uint8Array(kept.length * kept.length).fill(1),
      model: { name, info, kept, pooled: result.pooled, truncated },
    },
  };
}

/**
 * Where the run's token `index` is among the tokens `data` shows (the nearest shown token when
 * it is hidden).
 * @param {RunData} data
 * @param {number} index
 */
export function shownIndex(data, index) {
  const kept = data.model?.kept;
  if (!kept) return index;
  let best = 0;
  for (let i = 1; i < kept.length; i += 1) if (Math.abs(kept[i] - index) < Math.abs(kept[best] - index)) best = i;
  return best;
}

/**
 * The run's index of the token a view shows at `index`.
 * @param {RunData} data
 * @param {number} index
 */
export function runIndex(data, index) {
  const kept = data.model?.kept;
  return kept ? kept[index] ?? index : index;
}
