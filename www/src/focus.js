// What the reader is looking at (layer, head, query, step) and which of the element's events
// a change of it fires. Pure module.

import { stepAt, stepCount } from './timeline.js';
import { playerRow } from './run-data.js';
import { VIEW_NAMES } from './url-state.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./run-data.js').RunData} RunData */

/**
 * The detail of every event: indices count from 0.
 * @typedef {Object} Focus
 * @property {import('./url-state.js').PublicViewName} view
 * @property {number} layer
 * @property {number} head
 * @property {number} query
 * @property {string} token   the query token's text
 * @property {number} step    the player's step within the query
 * @property {number} steps   how many steps the query has
 * @property {import('./timeline.js').StageKind} stage
 * @property {number | null} key  the key of a per-key step (score, weigh), else null
 */

/**
 * @param {PlaygroundState} state  already clamped to the run's shape
 * @param {RunData} data
 * @returns {Focus}
 */
export function focusOf(state, data) {
  const row = playerRow(data, state.query);
  const at = stepAt(row, state.step);
  return {
    view: VIEW_NAMES[state.view],
    layer: state.layer,
    head: state.head,
    query: state.query,
    token: data.summary.queryTokens[state.query]?.text ?? '',
    step: state.step,
    steps: stepCount(row),
    stage: at.kind,
    key: at.key,
  };
}

/** The element's events, in the order they fire. */
export const FOCUS_EVENTS = /** @type {const} */ (['querychange', 'headchange', 'stepchange']);

/**
 * The events a change of focus fires.
 * @param {Focus} before
 * @param {Focus} after
 * @returns {Array<typeof FOCUS_EVENTS[number]>}
 */
export function focusEvents(before, after) {
  /** @type {Array<typeof FOCUS_EVENTS[number]>} */
  const events = [];
  if (before.query !== after.query || before.token !== after.token) events.push('querychange');
  if (before.head !== after.head || before.layer !== after.layer) events.push('headchange');
  if (before.step !== after.step) events.push('stepchange');
  return events;
}
