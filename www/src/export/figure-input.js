// What is on screen, described for the core's figures (src/render/input.rs): the tokens, where
// the weights come from, the view and what it singles out, with the weights and the mask as
// fresh typed arrays (they are transferred to the worker). The figure itself — its layout,
// titles, legend and colours — is built in Rust; this module only says what to draw. Pure
// module: no DOM access.

import { rowEntropyLabel, settingsCaption } from '../caption.js';
import { compareRuns } from '../compare.js';
import { clipText } from '../format.js';
import { breakdownMatches, cropped, firstKeys, headWeights, layerHeadWeights, playerRow, shape } from '../run-data.js';
import { STAGE_LABELS, clampStep, describeStep, isRevealed, stagesOf, stepAt, stepCount } from '../timeline.js';
import { generationView } from '../view-model.js';
import { NUMBER_COLUMNS } from '../views/player.js';
import { ExportError } from './scene.js';

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../types').Breakdown} Breakdown */
/** @typedef {import('../types').Token} Token */
/** @typedef {import('../types').ScoreKind} ScoreKind */

/** @typedef {{ text: string, special: boolean }} TokenLabel */

/**
 * A column of the player's table: a value per key, the first `shown` computed at the step.
 * @typedef {{ label: string, values: number[], shown: number, weight: boolean, faintWhenMasked: boolean }} StepColumn
 */

/**
 * One step of the player: the timeline's story of it (the formula as plain text), the stages,
 * and the query's numbers.
 * @typedef {Object} StepView
 * @property {'steps'} kind
 * @property {number} head
 * @property {number} query
 * @property {number} step
 * @property {number} steps
 * @property {string[]} stages
 * @property {number} stage
 * @property {string} title
 * @property {string} explanation
 * @property {import('../math.js').MathNode} formula  laid out as maths by the core
 * @property {Array<{ label: import('../math.js').MathNode, values: number[], highlight: [number, number] | null }>} vectors
 *   the step's vectors in full
 * @property {number} key
 * @property {boolean[]} allowed  per key
 * @property {StepColumn[]} columns
 */

/**
 * @typedef {{ kind: 'heatmap', head: number, query: number }
 *   | { kind: 'rollout', across: 'rollout' | 'flow', query: number }
 *   | { kind: 'lines', shown: number[], pin: { side: 'q' | 'k', index: number } | null }
 *   | { kind: 'grid', head: number }
 *   | StepView
 *   | CompareView} FigureView
 */

/**
 * The Compare view: sentence B's tokens, the shared pairs the difference is over, the two texts
 * and how their tokens were paired (compare.js).
 * @typedef {Object} CompareView
 * @property {'compare'} kind
 * @property {number} head
 * @property {number} query            A's focused query
 * @property {number | null} otherQuery  its counterpart among B's queries
 * @property {number | null} row       and among the difference's rows
 * @property {TokenLabel[]} otherQueries
 * @property {TokenLabel[]} otherKeys
 * @property {TokenLabel[]} rows
 * @property {TokenLabel[]} cols
 * @property {string} textA
 * @property {string} textB
 * @property {string} alignment
 */

/**
 * @typedef {Object} FigureInput
 * @property {TokenLabel[]} queries
 * @property {TokenLabel[]} keys
 * @property {string | null} model   the pretrained model's name, null for the toy
 * @property {ScoreKind} score
 * @property {number} layers
 * @property {number} heads
 * @property {number} layer          the layer whose heads are shown
 * @property {boolean} renormalised  special tokens hidden, rows renormalised
 * @property {string} settings      what computed the weights and how (caption.js), in the caption
 * @property {'fixed' | 'stretched'} scale  the colour scale: 0 to 1, or to the largest weight
 * @property {FigureView} view
 */

/**
 * What the worker is asked for: the inputs (one per frame of a clip) and their numbers.
 * @typedef {{ inputs: FigureInput[], weights: Float32Array, allowed: Uint8Array }} FigureRequest
 */

/** @param {Token} token */
const label = (token) => ({ text: token.text, special: token.special });

/**
 * The description every view shares.
 * @param {RunData} data
 * @param {FigureView} view
 * @param {PlaygroundState} state
 * @returns {FigureInput}
 */
function describe(data, view, state) {
  const { summary } = data;
  return {
    queries: summary.queryTokens.map(label),
    keys: summary.keyTokens.map(label),
    model: data.model?.name ?? null,
    score: summary.score,
    layers: data.layers,
    heads: summary.heads,
    layer: data.layer,
    renormalised: Boolean(data.model?.kept),
    settings: settingsCaption(data, state),
    scale: state.stretch ? 'stretched' : 'fixed',
    view,
  };
}

/**
 * The shown block's mask, or nothing when every pair is allowed (a copy).
 * @param {RunData} data
 */
function maskOf(data) {
  return data.allowed.includes(0) ? data.allowed.slice() : new Uint8Array(0);
}

/**
 * Several heads' weights one after another, in a fresh array.
 * @param {Array<ArrayLike<number>>} blocks
 */
function concat(blocks) {
  const out = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}

/** Longest text quoted in a comparison's caption. */
const CAPTION_TEXT = 90;

/**
 * The figure of the Compare view: A's weights, B's, then B − A over the shared pairs; the three
 * masks so when any pair is masked.
 * @param {RunData} a
 * @param {RunData | null} b
 * @param {PlaygroundState} state
 * @returns {FigureRequest}
 */
function compareFigureRequest(a, b, state) {
  if (!b) throw new ExportError('Sentence B is not computed yet (or could not be): wait for its map, then export.');
  const c = compareRuns(a, b, state.head);
  const shared = c.rows.find((p) => p.a === state.query) ?? null;
  /** @type {CompareView} */
  const view = {
    kind: 'compare',
    head: state.head,
    query: state.query,
    otherQuery: shared?.b ?? null,
    row: shared ? c.rows.indexOf(shared) : null,
    otherQueries: b.summary.queryTokens.map(label),
    otherKeys: b.summary.keyTokens.map(label),
    rows: c.rowLabels,
    cols: c.colLabels,
    textA: clipText(state.text, CAPTION_TEXT),
    textB: clipText(state.compareText, CAPTION_TEXT),
    alignment: `tokens ${c.note}`,
  };
  const masked = a.allowed.includes(0) || b.allowed.includes(0);
  const allowed = masked ? Uint8Array.from([...a.allowed, ...b.allowed, ...c.allowed]) : new Uint8Array(0);
  return { inputs: [describe(a, view, state)], weights: concat([headWeights(a, state.head), headWeights(b, state.head), c.difference]), allowed };
}

/**
 * The figure of the view on screen.
 * @param {{ data: RunData, state: PlaygroundState, breakdown: Breakdown | null, compared?: RunData | null }} snapshot
 * @returns {FigureRequest}
 */
export function viewFigureRequest({ data, state, breakdown, compared = null }) {
  const { heads, layers } = shape(data);
  switch (state.view) {
    case 'heatmap': {
      // The rollout (or flow) through the layer: one map, titled as what it is.
      if (data.rolledOut) {
        return { inputs: [describe(data, { kind: 'rollout', across: data.rolledOut, query: state.query }, state)], weights: headWeights(data, 0).slice(), allowed: new Uint8Array(0) };
      }
      // The outlined row's entropy, as the page shows it beside the row's bars.
      const input = describe(data, { kind: 'heatmap', head: state.head, query: state.query }, state);
      const focused = { ...input, settings: `${input.settings} · ${rowEntropyLabel(data, state.head, state.query)}` };
      return { inputs: [focused], weights: headWeights(data, state.head).slice(), allowed: maskOf(data) };
    }
    case 'lines': {
      const shown = [...Array(heads).keys()].filter((h) => !state.hiddenHeads.includes(h));
      const pin = state.pin ? { side: state.pin.side, index: state.pin.index } : null;
      return { inputs: [describe(data, { kind: 'lines', shown, pin }, state)], weights: concat(shown.map((h) => headWeights(data, h))), allowed: maskOf(data) };
    }
    case 'heads': {
      const every = [...Array(layers > 1 ? layers : 1).keys()].flatMap((l) => [...Array(heads).keys()].map((h) => layerHeadWeights(data, layers > 1 ? l : data.layer, h)));
      return { inputs: [describe(data, { kind: 'grid', head: state.head }, state)], weights: concat(every), allowed: maskOf(data) };
    }
    case 'player':
      return { inputs: [describe(data, stepView(data, breakdown, state.head, state.query, state.step, state), state)], weights: new Float32Array(0), allowed: new Uint8Array(0) };
    case 'compare':
      return compareFigureRequest(data, compared, state);
  }
}

/**
 * Every step of the focused query, one input per frame of the clip.
 * @param {{ data: RunData, state: PlaygroundState, breakdown: Breakdown | null }} snapshot
 * @returns {FigureRequest}
 */
export function clipFigureRequest({ data, state, breakdown }) {
  const inputs = [...Array(stepCount(storyRow(data, state.query, state))).keys()].map((step) => describe(data, stepView(data, breakdown, state.head, state.query, step, state), state));
  return { inputs, weights: new Float32Array(0), allowed: new Uint8Array(0) };
}

/**
 * The shape of a query's story in an export: a decoding step's choice of the next token only
 * with the generation settings that tell it.
 * @param {RunData} data
 * @param {number} query
 * @param {PlaygroundState} [state]
 * @returns {import('../timeline.js').Row}
 */
function storyRow(data, query, state) {
  const row = playerRow(data, query);
  return { ...row, predict: row.predict && state !== undefined && generationView(data, query, state.generate)?.decoding != null };
}

/**
 * One step of the player as the figure shows it: the timeline's story and the numbers computed
 * (a decoding step's: the keys that existed then, and the choice of the next token).
 * @param {RunData} data
 * @param {Breakdown | null} whole
 * @param {number} head
 * @param {number} query
 * @param {number} step
 * @param {PlaygroundState} [state]  the generation settings, for a decoding step's story
 * @returns {StepView}
 */
export function stepView(data, whole, head, query, step, state) {
  if (!whole || !breakdownMatches(whole, data, head, query)) {
    throw new ExportError('The numbers of this query are still being computed; try again in a moment.');
  }
  const row = storyRow(data, query, state);
  const { keys, predict } = playerRow(data, query);
  const decoding = row.predict && state ? generationView(data, query, state.generate)?.decoding ?? null : null;
  const b = firstKeys(whole, keys);
  const at = clampStep(row, step);
  const { summary } = predict ? cropped(data, keys) : data;
  const picked = state?.key ?? null;
  const story = describeStep(b, at, { query: summary.queryTokens[query], keys: summary.keyTokens, score: summary.score, decoding, picked, combine: row.combine, toy: !data.model });
  const kind = stepAt(row, at).kind;
  const stages = stagesOf(row);
  return {
    kind: 'steps',
    head,
    query,
    step: at,
    steps: stepCount(row),
    stages: stages.map((stage) => STAGE_LABELS[stage]),
    stage: stages.indexOf(kind),
    title: story.title,
    explanation: story.explanation,
    formula: story.formula,
    vectors: story.vectors.map((v) => ({ label: v.label, values: Array.from(v.values), highlight: v.highlight ?? null })),
    key: story.key,
    allowed: Array.from(b.allowed, (a) => a !== 0),
    columns: NUMBER_COLUMNS.map(({ kind: column, label: name, pick }) => ({
      label: name,
      values: Array.from(pick(b)),
      shown: [...Array(b.keys).keys()].filter((j) => isRevealed(row, at, column, j)).length,
      weight: column === 'normalise',
      faintWhenMasked: column !== 'score' && column !== 'scale',
    })),
  };
}
