// What the views show of a run, for a state: the focus clamped to the run, the run as each view
// sees it (the focused block; without [CLS]/[SEP] when they are hidden, except in the player,
// which shows the model's own computation), and the state in the indices of the tokens a view
// shows. Pure module.

import { atLayer, clampIndex, runIndex, shape, shownIndex } from './run-data.js';
import { cloneState, neededModel, TOY_SOURCE } from './state.js';
import { clampStep } from './timeline.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').ViewName} ViewName */
/** @typedef {import('./state.js').Pin} Pin */
/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {import('./model/loader.js').ModelStatus} ModelStatus */

/**
 * The runs on screen: every token, and the ordinary tokens renormalised when special tokens are
 * hidden (else null).
 * @typedef {{ full: RunData, hidden: RunData | null }} Shown
 */

/**
 * @typedef {Object} Focused
 * @property {number} layer
 * @property {number} head
 * @property {number} query  an index of the run's tokens
 * @property {number} step
 */

/**
 * The state's focus clamped to the run on screen.
 * @param {PlaygroundState} state
 * @param {Shown | null} shown
 * @returns {Focused}
 */
export function focusIn(state, shown) {
  if (!shown) return { layer: state.layer, head: state.head, query: state.query, step: state.step };
  const { full, hidden } = shown;
  const { queries, heads, layers } = shape(full);
  let query = clampIndex(state.query, queries);
  // With [CLS]/[SEP] hidden, a view other than the player focuses the nearest token it shows.
  if (hidden && state.view !== 'player') query = runIndex(hidden, shownIndex(hidden, query));
  return {
    layer: clampIndex(state.layer, layers),
    head: clampIndex(state.head, heads),
    query,
    step: clampStep(full.summary.keyTokens.length, state.step),
  };
}

/**
 * The run as a view shows it: the focused block, without [CLS]/[SEP] when they are hidden (the
 * player always shows every token).
 * @param {Shown} shown
 * @param {ViewName} view
 * @param {number} layer
 */
export function viewOf(shown, view, layer) {
  return atLayer(view !== 'player' && shown.hidden ? shown.hidden : shown.full, layer);
}

/**
 * The state as a view of `run` sees it: its focus, with token indices among the tokens shown.
 * @param {PlaygroundState} state
 * @param {Focused} focus
 * @param {RunData} run
 */
export function stateIn(state, focus, run) {
  /** @type {Pin | null} */
  const pin = state.pin && { side: state.pin.side, index: shownIndex(run, state.pin.index) };
  return { ...cloneState(state), ...focus, query: shownIndex(run, focus.query), pin };
}

/**
 * Which computation a state gets now: the loaded model's, the toy on the model's word
 * embeddings, or the toy (also while the model it needs is not ready).
 * @param {PlaygroundState} state
 * @param {ModelStatus} status
 * @returns {'toy' | 'model' | 'vectors'}
 */
export function computingKind(state, status) {
  const needed = neededModel(state);
  const ready = needed !== null && status.phase === 'ready' && status.source === needed;
  if (!ready) return 'toy';
  return state.source !== TOY_SOURCE ? 'model' : 'vectors';
}

/**
 * Whether the run on screen is of the source the state asks for (a model's run while the state
 * asks for a model, the toy's while it asks for the toy): only then does the run's shape clamp
 * the state's focus. While a model loads, the toy's run is shown and the state keeps the layer
 * and head asked for until the model's own run can take them.
 * @param {PlaygroundState} state
 * @param {Shown | null} shown
 */
export function shownMatchesSource(state, shown) {
  return shown !== null && (shown.full.model !== null) === (state.source !== TOY_SOURCE);
}
