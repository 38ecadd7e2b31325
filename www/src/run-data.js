// What one run of the core gives the views, and small questions about it. Pure module.
//
// A run of any source has one or more attention blocks (the toy computes one, an encoder one per
// layer); the views show the heads of one block, `layer`, and read its weights through
// `headWeights`. A pretrained model's run says so in `model`. When special tokens are hidden,
// the run's token indices (kept in the state) and the indices a view shows are mapped both ways
// here (`shownIndex`, `runIndex`).

import { HEATMAP_LABEL } from './generated/design.js';
import { readableToken } from './tokens.js';

/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').BlockSummary} BlockSummary */
/** @typedef {import('./types').Token} Token */
/** @typedef {import('./tokens.js').ShownToken} ShownToken */
/** @typedef {import('./types').ModelInfo} ModelInfo */
/** @typedef {import('./types').Truncation} Truncation */
/** @typedef {import('./types').GenerationStep} GenerationStep */
/** @typedef {import('./types').Generation} Generation */
/** @typedef {import('./types').Breakdown} Breakdown */
/** @typedef {import('./protocol.js').RunResult} RunResult */
/** @typedef {import('./model/heads.js').NamedHead} NamedHead */

/**
 * What a pretrained model's run adds.
 * @typedef {Object} ModelRun
 * @property {string} name
 * @property {ModelInfo} info
 * @property {import('./types').Origin | null} origin  how a model the project ships came to be
 *   (pretrained, or trained here); null for any other model, whose training the page cannot know
 * @property {NamedHead[]} heads  the heads its heads.json names (none for most models)
 * @property {import('./types').Vocabularies | null} vocabulary  an encoder–decoder's source and
 *   target tokens
 * @property {number[] | null} kept  when [CLS], [SEP] and other special tokens are hidden: the
 *   indices (into the run's tokens) of the tokens shown, whose weights are renormalised per row
 * @property {Float32Array | null} pooled   the sentence embedding
 * @property {Truncation | null} truncated
 */

/**
 * One block as the views read it: the core's block summary with its tokens.
 * @typedef {BlockSummary & { queryTokens: ShownToken[], keyTokens: ShownToken[] }} BlockView
 */

/**
 * @typedef {Object} RunData
 * @property {number} runId
 * @property {RunSummary} run       what the core computed (all tokens)
 * @property {ShownToken[][]} sequences  the tokens shown, per sequence of the run (a decoder's
 *   decoded to readable text, with the vocabulary entry as `piece`)
 * @property {BlockView} summary    the block the views show
 * @property {Float32Array} weights every block's heads, [block][head][query][key], over the tokens shown
 * @property {Uint8Array} masks     every block's mask, [block][query][key]
 * @property {Uint8Array} allowed   the shown block's mask, queries × keys
 * @property {number} layers        how many blocks the run has
 * @property {number} layer         the block whose heads the views show
 * @property {ModelRun | null} model
 * @property {Float32Array | null} [rollout]  the core's attention rollout (or flow) after each
 *   layer, [layer][query][key] over every token, when it was asked for (an encoder's run)
 * @property {'rollout' | 'flow'} [rolloutKind]  which of the two `rollout` holds
 * @property {string | null} [rolloutError]  why the flow asked for was not computed
 * @property {import('./state.js').Picture | null} [picture]  the picture a vision model's run read
 * @property {'rollout' | 'flow'} [rolledOut]  this is the rollout (or flow) seen as a run: one
 *   "head" per layer, through layers 1 to `layer` (rolloutView)
 */

/**
 * The views' data of a run: every token (`full`), and, when special tokens are hidden and the
 * core sent the weights among the others, those (`shown`). A run of the toy has no `model`. A
 * decoder's byte-level tokens are shown decoded (tokens.js).
 * @param {Pick<RunResult, 'summary' | 'weights' | 'allowed' | 'withoutSpecial' | 'pooled'> & Partial<Pick<RunResult, 'rollout' | 'rolloutKind' | 'rolloutError'>>} result
 * @param {number} runId
 * @param {{ name: string, info: ModelInfo, origin?: import('./types').Origin | null, heads?: NamedHead[], vocabulary?: import('./types').Vocabularies | null } | null} model
 * @param {import('./state.js').Picture | null} [picture]  the picture the run read (a vision model's)
 * @returns {{ full: RunData, shown: RunData | null }}
 */
export function runData(result, runId, model, picture = null) {
  const { summary } = result;
  const decoder = summary.source.kind === 'decoder';
  const tokens = summary.sequences.map((s) => (decoder ? s.tokens.map(readableToken) : s.tokens));
  const modelRun = model && { heads: [], vocabulary: null, origin: null, ...model, kept: null, pooled: decoder ? null : result.pooled, truncated: summary.truncated };
  const full = withBlock({ runId, run: summary, sequences: tokens, weights: result.weights, masks: result.allowed, model: modelRun, rollout: result.rollout ?? null, rolloutKind: result.rolloutKind ?? 'rollout', rolloutError: result.rolloutError ?? null, picture }, 0);
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
  const block = data.run.blocks[layer] ?? withoutAttention(data.run);
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

/**
 * The block a run without attention stands on (an encoder–decoder without it has none): the
 * target over the source, no head, so the views have nothing to draw and say why instead.
 * @param {RunSummary} run
 * @returns {BlockSummary}
 */
function withoutAttention(run) {
  const role = (/** @type {import('./types').Role} */ r) => Math.max(0, run.sequences.findIndex((s) => s.role === r));
  return {
    layer: 0, kind: 'cross', queries: role('target'), keys: role('source'), heads: 0, kvHeads: 0, dK: 0, dV: 0,
    score: 'dot', scale: 1, temperature: 1, fullyMaskedRows: [], masked: false, combined: false,
  };
}

/**
 * The index of the sequence a run generated (an encoder–decoder's target; a decoder's one
 * sequence, prompt then continuation).
 * @param {RunSummary} run
 */
export function generatedSequence(run) {
  return Math.max(0, run.sequences.findIndex((s) => s.role === 'target'));
}

/**
 * The index of the sequence of the text typed in the sentence box: a translation's source, else
 * the sequence the shown block's queries read (a decoder's prompt and continuation, the toy's
 * first text).
 * @param {RunData} data
 */
export function typedSequence(data) {
  const source = data.run.sequences.findIndex((s) => s.role === 'source');
  return source < 0 ? data.summary.queries : source;
}

/**
 * The block a translation's decoding step is read in: `layer` when its queries are the target,
 * else the last block whose are (the cross-attention of the decoder's last layer).
 * @param {RunSummary} run
 * @param {number} layer
 */
export function targetBlock(run, layer) {
  const target = generatedSequence(run);
  if (run.blocks[layer]?.queries === target) return layer;
  const last = run.blocks.map((block) => block.queries).lastIndexOf(target);
  return last < 0 ? layer : last;
}

/**
 * What the axes of a block over two sequences are (a translation: the generated target over the
 * source), or null for self-attention within one sequence.
 * @param {RunData} data
 * @returns {{ queries: string, keys: string } | null}
 */
export function axisTitles(data) {
  const { queries, keys } = data.summary;
  if (queries === keys) return null;
  const roles = data.run.sequences.map((s) => s.role);
  if (roles[queries] === 'target' && roles[keys] === 'source') return { queries: 'target (generated)', keys: 'source' };
  return { queries: 'first text (queries)', keys: 'second text (keys and values)' };
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
 * One block's mask, queries × keys, 1 where the query may see the key (a view, not a copy).
 * @param {RunData} data
 * @param {number} layer
 */
export function layerMask(data, layer) {
  const at = offsets(data).masks[layer];
  return data.masks.subarray(at, offsets(data).masks[layer + 1]);
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

/** @type {WeakMap<RunData, RunData>} */
const rollouts = new WeakMap();

/**
 * The rollout (or flow) of a run, every token, seen as a run whose layer l has one head, the
 * core's rollout (or flow) through layer l, so the heatmap, its table and the picture view read it as they read a
 * head; null when the run has none.
 * @param {RunData} data
 * @param {number} layer
 * @returns {RunData | null}
 */
export function rolloutView(data, layer) {
  const { rollout } = data;
  if (!rollout) return null;
  let found = rollouts.get(data);
  if (!found) {
    const run = { ...data.run, blocks: data.run.blocks.map((block) => ({ ...block, heads: 1, kvHeads: 1 })) };
    const model = data.model && { ...data.model, kept: null };
    found = withBlock({ runId: data.runId, run, sequences: data.sequences, weights: rollout, masks: data.masks, model, rollout, rolledOut: data.rolloutKind ?? 'rollout' }, 0);
    rollouts.set(data, found);
  }
  return atLayer(found, layer);
}

/** What the rollout and the flow are (the views' definitions of them). */
export const ACROSS_DEFINITIONS = {
  rollout: 'Attention rollout (Abnar & Zuidema, 2020): each layer’s heads are averaged into A, the residual connection is counted as the identity, Â = (A + I) / 2, and the layers are multiplied, Â_l ⋯ Â_1. Row i says how much token i’s vector after layer l draws on each input token, every path through the layers counted; every row sums to 1.',
  flow: 'Attention flow (Abnar & Zuidema, 2020): the layers’ Â = (A + I) / 2 (heads averaged, the residual counted) as capacities of a network from every token after a layer to every token before it; row i is the maximum flow from token i after layer l to each input token, divided by the row’s total. A flow is bounded by the narrowest cut between two tokens, where rollout multiplies every path, so it spreads more evenly.',
};

/**
 * Names what the views of a run show (the run, its layer, whether special tokens are hidden),
 * so a view can tell whether to redraw.
 * @param {RunData} data
 */
export function dataKey(data) {
  return `${data.runId}:${data.layer}:${data.model?.kept ? 'renormalised' : 'all'}${data.rolledOut ? `:${data.rolledOut}` : ''}`;
}

/**
 * How a head is named in titles: "head 3", or "layer 2 · head 3" when there are several layers.
 * @param {RunData} data
 * @param {number} head
 */
export function headName(data, head) {
  if (data.rolledOut) return `the ${data.rolledOut} through layer ${data.layer + 1}`;
  return data.layers > 1 ? `layer ${data.layer + 1} · head ${head + 1}` : `head ${head + 1}`;
}

/** What each kind of block is called. */
export const BLOCK_KINDS = /** @type {const} */ ({ self: 'self-attention', causal: 'causal self-attention', cross: 'cross-attention' });

/**
 * A block named for the block picker: what it attends, and for an encoder–decoder where
 * ("encoder self-attention", "decoder self-attention (causal)", "cross-attention").
 * @param {RunSummary} run
 * @param {number} block
 */
export function blockName(run, block) {
  const { kind, queries } = run.blocks[block];
  if (!run.translation) return BLOCK_KINDS[kind];
  if (kind === 'cross') return 'cross-attention';
  const role = run.sequences[queries]?.role;
  return role === 'source' || role === 'patches' ? 'encoder self-attention' : 'decoder self-attention (causal)';
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
  const hidden = specialsHidden ? ` · ${specialNames(data.run)} hidden, rows renormalised` : '';
  const generation = data.run.generation;
  if (data.run.translation) {
    const source = data.run.sequences[generatedSequence(data.run) === 0 ? 1 : 0]?.tokens.length ?? 0;
    const sizes = `${source} source tokens → ${generation?.steps.length ?? 0} target tokens`;
    if (layers === 0) return `${data.model.name} · no attention · ${sizes}`;
    const scores = summary.score === 'additive' ? 'additive scores' : 'scaled dot-product scores';
    return `${data.model.name} · ${blockName(data.run, at.layer)} · ${sizes} · block ${at.layer + 1} of ${layers}, head ${at.head + 1} of ${heads} · d_k = ${summary.dK} · ${scores}`;
  }
  const tokens = generation ? `${generation.promptTokens} + ${generation.steps.length} generated tokens` : `${queries} tokens`;
  return `${data.model.name} · ${BLOCK_KINDS[summary.kind]} · ${tokens} · layer ${at.layer + 1} of ${layers}, head ${at.head + 1} of ${heads} · d_k = ${summary.dK} · scaled dot-product scores${hidden}`;
}

/**
 * The special tokens of a run, named as the option that hides them says: "[CLS]/[SEP]",
 * "<|endoftext|>"; "special tokens" when there are none or many.
 * @param {RunSummary} run
 * @param {string} [joiner]  between two names
 */
export function specialNames(run, joiner = '/') {
  const names = [...new Set(run.sequences.flatMap((s) => s.tokens.filter((t) => t.special).map((t) => t.text)))];
  return names.length === 0 || names.length > 3 ? 'special tokens' : names.join(joiner);
}

/**
 * Whether a run has special tokens (then hiding them means something).
 * @param {RunSummary} run
 */
export function hasSpecial(run) {
  return run.sequences.some((s) => s.tokens.some((t) => t.special));
}

/**
 * The generation step whose new query is the run's token `query` (its output chose the next
 * token), or null.
 * @param {RunData} data
 * @param {number} query  an index of the run's tokens
 * @returns {{ index: number, step: GenerationStep, count: number, promptTokens: number } | null}
 */
export function decodingStep(data, query) {
  const generation = data.run.generation;
  if (!generation) return null;
  const index = generation.steps.findIndex((step) => step.position === query);
  return index < 0 ? null : { index, step: generation.steps[index], count: generation.steps.length, promptTokens: generation.promptTokens };
}

/**
 * The keys the step-by-step player walks for a query, and whether its story ends with the choice
 * of the next token: a decoding step's new query sees only the tokens before it and itself.
 * @param {RunData} data
 * @param {number} query
 * @returns {import('./timeline.js').Row}
 */
export function playerRow(data, query) {
  const generating = data.summary.queries === generatedSequence(data.run);
  const decoding = generating && data.summary.kind !== 'self' ? decodingStep(data, query) : null;
  // A decoder's new query walks the tokens so far (its matrix cropped to them); a translation's
  // every key of its block (the whole source; the later target tokens masked).
  // A block with several heads ends by combining them, when the run keeps its output after W_O.
  const combine = data.summary.heads > 1 && data.summary.combined;
  if (decoding) return { keys: data.run.translation ? data.summary.keyTokens.length : query + 1, predict: true, combine };
  return { keys: data.summary.keyTokens.length, predict: false, combine };
}

/** @type {WeakMap<RunData, Map<number, RunData>>} */
const croppedViews = new WeakMap();

/**
 * The run as it stood when its first `count` tokens existed (a decoding step's matrix): every
 * block's queries and keys cut to them. Only for runs whose blocks attend over one sequence.
 * @param {RunData} data
 * @param {number} count
 * @returns {RunData}
 */
export function cropped(data, count) {
  const n = Math.min(count, data.summary.queryTokens.length);
  if (n === data.summary.queryTokens.length) return data;
  let views = croppedViews.get(data);
  if (!views) {
    views = new Map();
    croppedViews.set(data, views);
  }
  const found = views.get(n);
  if (found) return found;
  const { run } = data;
  const sequences = data.sequences.map((tokens) => tokens.slice(0, n));
  const blocks = run.blocks.length;
  const weights = new Float32Array(run.blocks.reduce((sum, block) => sum + block.heads * n * n, 0));
  const masks = new Uint8Array(blocks * n * n);
  let at = 0;
  run.blocks.forEach((block, b) => {
    if (block.queries !== block.keys) throw new Error('Only a run whose blocks attend over one sequence can be cropped.');
    const keys = data.sequences[block.keys].length;
    const maskAt = offsets(data).masks[b];
    for (let q = 0; q < n; q += 1) masks.set(data.masks.subarray(maskAt + q * keys, maskAt + q * keys + n), (b * n + q) * n);
    for (let h = 0; h < block.heads; h += 1) {
      const head = layerHeadWeights(data, b, h);
      for (let q = 0; q < n; q += 1) weights.set(head.subarray(q * keys, q * keys + n), at + q * n);
      at += n * n;
    }
  });
  const view = withBlock({ runId: data.runId, run, sequences, weights, masks, model: data.model }, data.layer);
  views.set(n, view);
  return view;
}

/**
 * A breakdown cut to its first `keys` keys (a decoding step's: the keys that exist yet).
 * @param {Breakdown} b
 * @param {number} keys
 * @returns {Breakdown}
 */
export function firstKeys(b, keys) {
  if (keys >= b.keys) return b;
  return {
    ...b,
    keys,
    terms: b.terms.subarray(0, keys * b.termLen),
    scores: b.scores.subarray(0, keys),
    scaled: b.scaled.subarray(0, keys),
    masked: b.masked.subarray(0, keys),
    allowed: b.allowed.subarray(0, keys),
    exp: b.exp.subarray(0, keys),
    weights: b.weights.subarray(0, keys),
    values: b.values.subarray(0, keys * b.dV),
    weighted: b.weighted.subarray(0, keys * b.dV),
    keyVectors: b.keyVectors.subarray(0, keys * b.dK),
    projection: b.projection && { ...b.projection, keyInputs: b.projection.keyInputs.subarray(0, keys * b.projection.dModel) },
  };
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
  return data.model?.kept ? `${specialNames(data.run, ' and ')} hidden, each row renormalised to sum to 1` : 'each row sums to 1';
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
