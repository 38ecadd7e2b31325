// What one run of the core gives the views, and small questions about it. Pure module.
//
// A run of any source has one or more attention blocks (the toy computes one, an encoder one per
// layer); the views show the heads of one block, `layer`, and read its weights through
// `headWeights`. A pretrained model's run says so in `model`. When special tokens are hidden,
// the run's token indices (kept in the state) and the indices a view shows are mapped both ways
// here (`shownIndex`, `runIndex`).

import { HEATMAP_LABEL } from './generated/design.js';

/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').BlockSummary} BlockSummary */
/** @typedef {import('./types').Token} Token */
/** @typedef {import('./types').ModelInfo} ModelInfo */
/** @typedef {import('./types').Truncation} Truncation */
/** @typedef {import('./protocol.js').RunResult} RunResult */

/**
 * What a pretrained model's run adds.
 * @typedef {Object} ModelRun
 * @property {string} name
 * @property {ModelInfo} info
 * @property {number[] | null} kept  when [CLS], [SEP] and other special tokens are hidden: the
 *   indices (into the run's tokens) of the tokens shown, whose weights are renormalised per row
 * @property {Float32Array | null} pooled   the sentence embedding
 * @property {Truncation | null} truncated
 */

/**
 * One block as the views read it: the core's block summary with its tokens.
 * @typedef {BlockSummary & { queryTokens: Token[], keyTokens: Token[] }} BlockView
 */

/**
 * @typedef {Object} RunData
 * @property {number} runId
 * @property {RunSummary} run       what the core computed (all tokens)
 * @property {Token[][]} sequences  the tokens shown, per sequence of the run
 * @property {BlockView} summary    the block the views show
 * @property {Float32Array} weights every block's heads, [block][head][query][key], over the tokens shown
 * @property {Uint8Array} masks     every block's mask, [block][query][key]
 * @property {Uint8Array} allowed   the shown block's mask, queries × keys
 * @property {number} layers        how many blocks the run has
 * @property {number} layer         the block whose heads the views show
 * @property {ModelRun | null} model
 */

/**
 * The views' data of a run: every token (`full`), and, when special tokens are hidden and the
 * core sent the weights among the others, those (`shown`). A run of the toy has no `model`.
 * @param {RunResult} result
 * @param {number} runId
 * @param {{ name: string, info: ModelInfo } | null} model
 * @returns {{ full: RunData, shown: RunData | null }}
 */
export function runData(result, runId, model) {
  const { summary } = result;
  const tokens = summary.sequences.map((s) => s.tokens);
  const modelRun = model && { ...model, kept: null, pooled: result.pooled, truncated: summary.truncated };
  const full = withBlock({ runId, run: summary, sequences: tokens, weights: result.weights, masks: result.allowed, model: modelRun }, 0);
  const without = result.withoutSpecial;
  if (!without || !modelRun) return { full, shown: null };
  const sequences = without.kept.map((kept, s) => kept.map((index) => tokens[s][index]));
  const masks = new Uint8Array(blockOffsets(summary, sequences).masks.at(-1) ?? 0).fill(1);
  const shown = withBlock({ runId, run: summary, sequences, weights: without.weights, masks, model: { ...modelRun, kept: without.kept[0] } }, 0);
  return { full, shown };
}

/**
 * Where each block's weights and mask start in the flat buffers, and where the last ends.
 * @param {RunSummary} run
 * @param {Token[][]} sequences
 */
function blockOffsets(run, sequences) {
  const weights = [0];
  const masks = [0];
  for (const block of run.blocks) {
    const size = sequences[block.queries].length * sequences[block.keys].length;
    weights.push(/** @type {number} */ (weights.at(-1)) + block.heads * size);
    masks.push(/** @type {number} */ (masks.at(-1)) + size);
  }
  return { weights, masks };
}

/** @type {WeakMap<Float32Array, ReturnType<typeof blockOffsets>>} */
const offsetsOf = new WeakMap();

/** @param {Pick<RunData, 'run' | 'sequences' | 'weights'>} data */
function offsets(data) {
  let found = offsetsOf.get(data.weights);
  if (!found) {
    found = blockOffsets(data.run, data.sequences);
    offsetsOf.set(data.weights, found);
  }
  return found;
}

/**
 * The run seen at block `layer`.
 * @param {Omit<RunData, 'summary' | 'allowed' | 'layers' | 'layer'>} data
 * @param {number} layer
 * @returns {RunData}
 */
function withBlock(data, layer) {
  const block = data.run.blocks[layer];
  const queryTokens = data.sequences[block.queries];
  const keyTokens = data.sequences[block.keys];
  const at = offsets(data).masks[layer];
  return {
    ...data,
    summary: { ...block, queryTokens, keyTokens },
    allowed: data.masks.subarray(at, at + queryTokens.length * keyTokens.length),
    layers: data.run.blocks.length,
    layer,
  };
}

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
  const block = data.run.blocks[layer];
  const size = data.sequences[block.queries].length * data.sequences[block.keys].length;
  const at = offsets(data).weights[layer] + head * size;
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
  views[layer] ??= withBlock(data, layer);
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
 * Whether a breakdown is the one of `head` and `query` in the block `data` shows.
 * @param {import('./types').Breakdown | null} b
 * @param {RunData} data
 * @param {number} head
 * @param {number} query
 */
export function breakdownMatches(b, data, head, query) {
  return b !== null && b.head === head && b.query === query && b.block === data.layer;
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
 * @param {Token} token
 * @param {number} [max]
 */
export function tokenLabel(token, max = HEATMAP_LABEL) {
  const text = token.text.replace(/\s/g, '␣') || '∅';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
