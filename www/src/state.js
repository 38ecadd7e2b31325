// The playground's state: one plain object that every view renders from.
// Pure module: no DOM access, testable in Node.

import { CORE_LIMITS, DEFAULT_TOY_CONFIG } from './generated/core.js';

/** @typedef {import('./types').ScoreKind} ScoreName */
/** @typedef {import('./types').TokenizerKind} TokenizerName */
/** @typedef {import('./types').Positions} PositionsName */
/** @typedef {import('./types').ProjectionKind} ProjectionsName */
/** @typedef {import('./types').ToyConfig} ToyConfig */
/** @typedef {import('./types').MaskSpec} MaskSpec */

/** @typedef {'heatmap' | 'lines' | 'heads' | 'player' | 'compare'} ViewName */

/**
 * How much of the playground is shown around the view: `full` everything, `minimal` the
 * sentence, its tokens, the view switcher and the player's buttons, `none` the view alone.
 * @typedef {'full' | 'minimal' | 'none'} ControlsMode
 */

/**
 * How a page presents the playground (not part of what is computed or focused).
 * @typedef {Object} Presentation
 * @property {ControlsMode} controls
 * @property {boolean} autoplay  start the step-by-step player once the numbers are ready
 * @property {boolean} embed     the page is framed by another page: no page header or footer
 */

/**
 * The masks as the controls show them; combined into ToyConfig.masks.
 * @typedef {Object} MaskState
 * @property {boolean} causal
 * @property {number | null} window   key j allowed for query i when |i − j| ≤ window
 * @property {number | null} padTo    pad the keys with [PAD] up to this length
 * @property {Array<[number, number]>} blocked  custom (query, key) cells
 */

/**
 * @typedef {Object} ModelState
 * @property {'self' | 'cross'} mode
 * @property {TokenizerName} tokenizer
 * @property {number} dModel
 * @property {number} heads
 * @property {number} kvHeads
 * @property {ScoreName} score
 * @property {boolean} scale
 * @property {number} temperature
 * @property {PositionsName} positions
 * @property {ProjectionsName} projections
 * @property {number} seed
 * @property {MaskState} masks
 */

/**
 * What a decoder is asked to generate after the text.
 * @typedef {Object} GenerateState
 * @property {boolean} on        the run continues the text (when a decoder computes); typing
 *   keeps it on, so the continuation follows the text
 * @property {number} steps      how many tokens to generate (it may stop earlier at an
 *   end-of-text token or a full context)
 * @property {boolean} sample    draw each token (temperature, top-k, seed) instead of taking the
 *   most probable one
 * @property {number} temperature  softmax(logits / temperature) when sampling
 * @property {number | null} topK  sample among the k most probable tokens (null: among all)
 * @property {number} seed       of the sampling generator: the same seed gives the same tokens
 */

/**
 * A picture as a vision model reads it: RGBA bytes, row by row (a canvas's ImageData).
 * @typedef {{ width: number, height: number, pixels: Uint8ClampedArray }} Picture
 */

/**
 * A token pinned in the lines view.
 * @typedef {{ side: 'q' | 'k', index: number }} Pin
 */

/**
 * @typedef {Object} PlaygroundState
 * @property {string} text
 * @property {string} crossText
 * @property {string} compareText  sentence B of the Compare view (the text is sentence A): the
 *   same model, layer and head on both, and the difference B − A
 * @property {ViewName} view
 * @property {string} source   which model computes: 'toy' (the configurable toy model of
 *   `model`), the address of a pretrained model's folder (or of one of its files), or
 *   'local:<name>' for a model read from the reader's own files
 * @property {ModelState} model  the toy model's settings
 * @property {string | null} vectors  the toy's token vectors come from the word embeddings of
 *   the pretrained model at this address (null: hashed vectors)
 * @property {boolean} hideSpecial  a pretrained model's views leave out [CLS], [SEP] and other
 *   special tokens and renormalise each row over the rest
 * @property {Across} across  what an encoder's heatmap and picture view show: the focused head,
 *   or the attention rollout or attention flow through the focused layer
 * @property {number} layer    the focused layer (the toy model has one)
 * @property {number} head     the focused head
 * @property {number} query    the focused query token
 * @property {number} step     the player's step within the focused query
 * @property {number | null} key  the key the player's row-wide stages show their formulas for,
 *   picked by the reader (null: the key the story is at)
 * @property {number} speed    the player's speed factor
 * @property {Pin | null} pin
 * @property {number[]} hiddenHeads  heads switched off in the lines view
 * @property {boolean} stretch  colours, bars and lines stretched to the largest weight shown
 *   instead of the fixed scale from 0 to 1
 * @property {GenerateState} generate  a decoder's continuation of the text
 */

export const DEFAULT_TEXT = "The animal didn't cross the street because it was too tired.";
export const DEFAULT_CROSS_TEXT = "L'animal n'a pas traversé la rue parce qu'il était trop fatigué.";
/** Sentence B of the Compare view: one word changed, and 'it' now means the street. */
export const DEFAULT_COMPARE_TEXT = "The animal didn't cross the street because it was too wide.";

/** Longest token sequence the toy model accepts (the core's limit, also its default). */
export const MAX_TOKENS = CORE_LIMITS.maxTokens;

/** What an encoder's heatmap and picture view show: one head, or every layer up to the focused one. */
export const ACROSS = /** @type {const} */ (['head', 'rollout', 'flow']);
/** @typedef {typeof ACROSS[number]} Across */

export const VIEWS = /** @type {const} */ (['heatmap', 'lines', 'heads', 'player', 'compare']);
export const SCORES = /** @type {const} */ (['dot', 'additive', 'general', 'cosine']);
export const TOKENIZERS = /** @type {const} */ (['words', 'chars']);
export const POSITIONS = /** @type {const} */ (['none', 'sinusoidal', 'rope']);
export const PROJECTIONS = /** @type {const} */ (['random', 'identity']);
export const MODES = /** @type {const} */ (['self', 'cross']);
export const SPEEDS = /** @type {const} */ ([0.25, 0.5, 1, 2, 4]);
export const CONTROLS = /** @type {const} */ (['full', 'minimal', 'none']);
export const TOY_SOURCE = 'toy';

/**
 * Inclusive ranges of the numeric fields, from the core's limits where it has them; the core
 * checks the rest (e.g. divisibility). A link's layer and head are bounded by the largest model
 * the core loads, then by the model's own counts once it is known.
 */
export const LIMITS = {
  dModel: { min: 2, max: CORE_LIMITS.maxDModel },
  heads: { min: 1, max: CORE_LIMITS.maxHeads },
  kvHeads: { min: 1, max: CORE_LIMITS.maxHeads },
  temperature: { min: 0.01, max: 100 },
  seed: { min: 0, max: 4294967295 },
  window: { min: 0, max: MAX_TOKENS },
  padTo: { min: 1, max: MAX_TOKENS },
  index: { min: 0, max: MAX_TOKENS - 1 },
  layer: { min: 0, max: CORE_LIMITS.maxModelCount - 1 },
  head: { min: 0, max: CORE_LIMITS.maxModelCount - 1 },
  blockedCells: 4096,
  generateSteps: { min: 1, max: 64 },
  generateTemperature: { min: 0.05, max: 10 },
  topK: { min: 1, max: 100000 },
};

/** A decoder's generation settings before the reader changes them. */
export const DEFAULT_GENERATE = /** @type {const} */ ({ on: false, steps: 12, sample: false, temperature: 0.8, topK: 40, seed: 1 });

/** @returns {PlaygroundState} */
export function defaultState() {
  return {
    text: DEFAULT_TEXT,
    crossText: DEFAULT_CROSS_TEXT,
    compareText: DEFAULT_COMPARE_TEXT,
    view: 'heatmap',
    source: TOY_SOURCE,
    vectors: null,
    hideSpecial: false,
    across: 'head',
    model: {
      mode: 'self',
      tokenizer: DEFAULT_TOY_CONFIG.tokenizer,
      dModel: DEFAULT_TOY_CONFIG.dModel,
      heads: DEFAULT_TOY_CONFIG.heads,
      kvHeads: DEFAULT_TOY_CONFIG.kvHeads,
      score: DEFAULT_TOY_CONFIG.score,
      scale: DEFAULT_TOY_CONFIG.scale,
      temperature: DEFAULT_TOY_CONFIG.temperature,
      positions: DEFAULT_TOY_CONFIG.positions,
      projections: DEFAULT_TOY_CONFIG.projections,
      seed: DEFAULT_TOY_CONFIG.seed,
      masks: { causal: false, window: null, padTo: null, blocked: [] },
    },
    layer: 0,
    head: 0,
    query: 0,
    step: 0,
    key: null,
    speed: 1,
    pin: null,
    hiddenHeads: [],
    stretch: false,
    generate: { ...DEFAULT_GENERATE },
  };
}

/**
 * Whether scores are scaled by 1/√d_k unless the reader says otherwise, per score function: dot
 * products (and q·W·k) grow with d_k, so they are; cosine scores lie in [−1, 1] and additive
 * scores v·tanh(…) within ±‖v‖₁ whatever d_k is, so dividing would only flatten the weights.
 * @type {Record<ScoreName, boolean>}
 */
export const SCALE_BY_DEFAULT = { dot: true, general: true, additive: false, cosine: false };

/**
 * The largest number of key/value heads that divides `heads` and is at most `kvHeads`: what the
 * key/value heads become when the heads change and the old count no longer divides them.
 * @param {number} heads
 * @param {number} kvHeads
 */
export function kvHeadsFor(heads, kvHeads) {
  for (let kv = Math.min(heads, kvHeads); kv > 1; kv -= 1) if (heads % kv === 0) return kv;
  return 1;
}

/** @returns {Presentation} */
export function defaultPresentation() {
  return { controls: 'full', autoplay: false, embed: false };
}

/**
 * The configuration the core receives.
 * @param {ModelState} model
 * @returns {ToyConfig}
 */
export function toToyConfig(model) {
  /** @type {MaskSpec[]} */
  const masks = [];
  // Causal masking orders one text's tokens; cross-attention's queries and keys are two texts.
  if (model.masks.causal && model.mode === 'self') masks.push({ kind: 'causal' });
  if (model.masks.window !== null) masks.push({ kind: 'window', width: model.masks.window });
  if (model.masks.padTo !== null) masks.push({ kind: 'padding', padTo: model.masks.padTo });
  if (model.masks.blocked.length > 0) {
    masks.push({ kind: 'custom', blocked: model.masks.blocked.map(([q, k]) => [q, k]) });
  }
  return {
    mode: model.mode,
    tokenizer: model.tokenizer,
    dModel: model.dModel,
    heads: model.heads,
    kvHeads: model.kvHeads,
    score: model.score,
    scale: model.scale,
    temperature: model.temperature,
    masks,
    positions: model.positions,
    projections: model.projections,
    seed: model.seed,
    maxTokens: MAX_TOKENS,
  };
}

/**
 * What the core is asked to compute for a state: the loaded model on the text (`model`; a
 * decoder continues it when generating is on), the toy on the model's word embeddings at the
 * model's width (`vectors`), or the toy. A loaded vision model reads the picture instead of
 * the text.
 * @param {PlaygroundState} state
 * @param {'toy' | 'vectors' | 'model'} kind
 * @param {{ text: string, crossText: string, dModel: number | null, decoder?: boolean, picture?: Picture | null }} input  the
 *   texts as sent (cut to the page's limit), the loaded model's width, whether it is a decoder,
 *   and the picture when it is a vision model
 * @returns {import('./types').RunRequest}
 */
export function runRequest(state, kind, input) {
  if (kind === 'model' && input.picture) return { source: 'image', ...input.picture };
  if (kind === 'model' && input.decoder && state.generate.on) return generateRequest(state.generate, input.text);
  if (kind === 'model') return { source: 'model', text: input.text };
  const config = toToyConfig(state.model);
  if (kind === 'vectors' && input.dModel !== null) config.dModel = input.dModel;
  const crossText = state.model.mode === 'cross' ? input.crossText : undefined;
  return { source: 'toy', config, text: input.text, crossText, vectors: kind === 'vectors' };
}

/**
 * A decoder's generation request: greedy, or sampled with the state's temperature, top-k and seed.
 * @param {GenerateState} generate
 * @param {string} text
 * @returns {import('./types').RunRequest}
 */
export function generateRequest(generate, text) {
  if (!generate.sample) return { source: 'generate', text, steps: generate.steps };
  return {
    source: 'generate',
    text,
    steps: generate.steps,
    temperature: generate.temperature,
    ...(generate.topK === null ? {} : { topK: generate.topK }),
    seed: generate.seed,
  };
}

/**
 * Whether two generation settings ask for the same tokens (settings that do not apply, such as
 * the seed of greedy decoding, do not count).
 * @param {GenerateState} a
 * @param {GenerateState} b
 */
export function sameGeneration(a, b) {
  if (a.on !== b.on) return false;
  return !a.on || JSON.stringify(generateRequest(a, '')) === JSON.stringify(generateRequest(b, ''));
}

/**
 * A deep copy, so a state handed out can never be mutated behind the app's back.
 * @param {PlaygroundState} state
 * @returns {PlaygroundState}
 */
export function cloneState(state) {
  return {
    ...state,
    model: {
      ...state.model,
      masks: {
        ...state.model.masks,
        blocked: state.model.masks.blocked.map(([q, k]) => /** @type {[number, number]} */ ([q, k])),
      },
    },
    pin: state.pin ? { ...state.pin } : null,
    hiddenHeads: [...state.hiddenHeads],
    generate: { ...state.generate },
  };
}

/**
 * Adds or removes one custom-mask cell, keeping the list sorted and bounded.
 * @param {Array<[number, number]>} blocked
 * @param {number} query
 * @param {number} key
 * @returns {Array<[number, number]>}
 */
export function toggleBlocked(blocked, query, key) {
  const without = blocked.filter(([q, k]) => q !== query || k !== key);
  if (without.length !== blocked.length) return without;
  if (blocked.length >= LIMITS.blockedCells) return blocked;
  return sortCells([...blocked, [query, key]]);
}

/**
 * @param {Array<[number, number]>} cells
 * @returns {Array<[number, number]>}
 */
export function sortCells(cells) {
  return [...cells].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * Whether two model states ask the core for the same computation.
 * @param {ModelState} a
 * @param {ModelState} b
 */
export function sameModel(a, b) {
  return JSON.stringify(toToyConfig(a)) === JSON.stringify(toToyConfig(b));
}

/**
 * Sentence B when the Compare view is on screen (the core then runs it too), else null.
 * @param {PlaygroundState} state
 */
export function comparedText(state) {
  return state.view === 'compare' ? state.compareText : null;
}

/**
 * Whether two states ask for the same computation of their texts: the same model (and toy
 * settings, and token vectors), the same special tokens shown, the same generation.
 * @param {PlaygroundState} a
 * @param {PlaygroundState} b
 */
export function sameComputation(a, b) {
  return comparedText(a) === comparedText(b) && a.source === b.source && a.vectors === b.vectors && a.hideSpecial === b.hideSpecial && a.across === b.across && sameModel(a.model, b.model)
    && sameGeneration(a.generate, b.generate);
}

/**
 * The address of the pretrained model a state needs loaded, if any: the one that computes, or
 * the one whose word embeddings the toy borrows.
 * @param {PlaygroundState} state
 */
export function neededModel(state) {
  return state.source !== TOY_SOURCE ? state.source : state.vectors;
}
