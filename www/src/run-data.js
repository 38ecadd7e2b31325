// What one run of the core gives the views, and small questions about it. Pure module.
//
// A run has one or more layers of heads (the toy core computes one layer, a pretrained model
// several); the views show the heads of one layer, `layer`, and read its weights through
// `headWeights`. A pretrained model's run says so in `model`.

/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').TokenInfo} TokenInfo */
/** @typedef {import('./types').ModelInfo} ModelInfo */
/** @typedef {import('./types').ModelTruncation} ModelTruncation */

/**
 * What a pretrained model's run adds.
 * @typedef {Object} ModelRun
 * @property {string} name
 * @property {ModelInfo} info
 * @property {number[] | null} kept  when [CLS], [SEP] and other special tokens are hidden: the
 *   indices (into the run's tokens) of the tokens shown, whose weights are renormalised per row
 * @property {Float32Array} pooled   the sentence embedding
 * @property {ModelTruncation} truncated
 */

/**
 * @typedef {Object} RunData
 * @property {number} runId
 * @property {RunSummary} summary   the tokens shown, the heads' sizes, the score
 * @property {Float32Array} weights layers × heads × queries × keys
 * @property {Uint8Array} allowed   queries × keys
 * @property {number} layers
 * @property {number} layer         the layer whose heads the views show
 * @property {ModelRun | null} model
 */

/** @param {RunData} data */
export function shape(data) {
  return {
    queries: data.summary.queryTokens.length,
    keys: data.summary.keyTokens.length,
    heads: data.summary.heads,
    layers: data.layers,
  };
}

/**
 * One head's queries × keys weights in a layer (a view, not a copy).
 * @param {RunData} data
 * @param {number} layer
 * @param {number} head
 */
export function layerHeadWeights(data, layer, head) {
  const { queries, keys, heads } = shape(data);
  const size = queries * keys;
  const at = (layer * heads + head) * size;
  return data.weights.subarray(at, at + size);
}

/**
 * One head's queries × keys weights in the layer the views show.
 * @param {RunData} data
 * @param {number} head
 */
export function headWeights(data, head) {
  return layerHeadWeights(data, data.layer, head);
}

/** @type {WeakMap<RunData, RunData[]>} */
const layerViews = new WeakMap();

/**
 * The same run seen at another layer: one object per run and layer, so views that compare what
 * they were given redraw only when the layer changes.
 * @param {RunData} data
 * @param {number} layer
 * @returns {RunData}
 */
export function atLayer(data, layer) {
  if (data.layer === layer) return data;
  let views = layerViews.get(data);
  if (!views) {
    views = [];
    layerViews.set(data, views);
  }
  views[layer] ??= { ...data, layer };
  return views[layer];
}

/**
 * Names what the views of a run show (the run, its layer, whether special tokens are hidden),
 * so a view can tell whether to redraw.
 * @param {RunData} data
 */
export function dataKey(data) {
  return `${data.runId}:${data.layer}:${data.model?.kept ? 'renormalised' : 'all'}`;
}

/**
 * How a head is named in titles: "head 3", or "layer 2 · head 3" when there are several layers.
 * @param {RunData} data
 * @param {number} head
 */
export function headName(data, head) {
  return data.layers > 1 ? `layer ${data.layer + 1} · head ${head + 1}` : `head ${head + 1}`;
}

/**
 * The status line above the views: what was computed, for which layer and head.
 * @param {RunData} data
 * @param {{ layer: number, head: number }} at
 * @param {boolean} specialsHidden
 * @param {boolean | null} stale  the settings on screen are not the ones computed
 */
export function describeRun(data, at, specialsHidden, stale) {
  const { summary } = data;
  const { queries, keys, heads, layers } = shape(data);
  const last = stale ? ' · showing the last valid settings' : '';
  if (!data.model) {
    return `${queries} ${queries === 1 ? 'query' : 'queries'} × ${keys} keys · ${heads} heads of d_k = ${summary.dK} · ${summary.score} scores${last}`;
  }
  const hidden = specialsHidden ? ' · [CLS]/[SEP] hidden, rows renormalised' : '';
  return `${data.model.name} · ${queries} tokens · layer ${at.layer + 1} of ${layers}, head ${at.head + 1} of ${heads} · d_k = ${summary.dK} · scaled dot-product scores${hidden}`;
}

/** @param {string} text */
export function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What the rows of the weights add up to, in words.
 * @param {RunData} data
 */
export function rowsNote(data) {
  return data.model?.kept ? '[CLS] and [SEP] hidden, each row renormalised to sum to 1' : 'each row sums to 1';
}

/**
 * Whether a breakdown is the one of `head` and `query` in the layer `data` shows (a toy
 * breakdown is of the toy's one layer).
 * @param {import('./types').QueryBreakdown | null} b
 * @param {RunData} data
 * @param {number} head
 * @param {number} query
 */
export function breakdownMatches(b, data, head, query) {
  if (!b) return false;
  const layer = 'layer' in b && typeof b.layer === 'number' ? b.layer : 0;
  return b.head === head && b.query === query && layer === data.layer;
}

/**
 * @param {ArrayLike<number>} values
 */
export function maxOf(values) {
  let max = 0;
  for (let i = 0; i < values.length; i += 1) if (values[i] > max) max = values[i];
  return max;
}

/**
 * @param {number} value
 * @param {number} count
 */
export function clampIndex(value, count) {
  if (count <= 0) return 0;
  return Math.min(count - 1, Math.max(0, Math.trunc(value)));
}

/**
 * A token label short enough for an axis.
 * @param {TokenInfo} token
 * @param {number} [max]
 */
export function tokenLabel(token, max = 14) {
  const text = token.text.replace(/\s/g, '␣') || '∅';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
