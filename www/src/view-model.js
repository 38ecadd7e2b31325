// What the views show of a run, for a state: the focus clamped to the run, the run as each view
// sees it (the focused block; without [CLS]/[SEP] when they are hidden, except in the player,
// which shows the model's own computation), and the state in the indices of the tokens a view
// shows. Pure module.

import { atLayer, clampIndex, decodingStep, generatedSequence, playerRow, rolloutView, runIndex, shape, shownIndex } from './run-data.js';
import { cloneState, neededModel, TOY_SOURCE } from './state.js';
import { clampStep } from './timeline.js';
import { decodedShares, readablePiece } from './tokens.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').ViewName} ViewName */
/** @typedef {import('./state.js').Pin} Pin */
/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {import('./model/loader.js').ModelStatus} ModelStatus */
/** @typedef {import('./state.js').GenerateState} GenerateState */
/** @typedef {import('./timeline.js').Decoding} Decoding */
/** @typedef {import('./types').StopReason} StopReason */

/**
 * The runs on screen: every token, and the ordinary tokens renormalised when special tokens are
 * hidden (else null); in the Compare view, sentence B's run the same way, or why it failed.
 * @typedef {{ full: RunData, hidden: RunData | null, compared?: Compared | null }} Shown
 */

/** @typedef {{ full: RunData, hidden: RunData | null } | { error: string }} Compared */

/**
 * Sentence B's run as runData gives it.
 * @param {{ full: RunData, shown: RunData | null }} data
 * @returns {Compared}
 */
export function comparedRun({ full, shown }) {
  return { full, hidden: shown };
}

/**
 * Sentence B at block `layer` as the Compare view shows it (without special tokens when they are
 * hidden, as A), or why it could not be computed; both null outside the Compare view.
 * @param {Shown | null} shown
 * @param {number} layer
 * @returns {{ b: RunData | null, error: string | null }}
 */
export function comparedAt(shown, layer) {
  const compared = shown?.compared;
  if (!compared) return { b: null, error: null };
  if ('error' in compared) return { b: null, error: compared.error };
  return { b: atLayer(compared.hidden ?? compared.full, Math.min(layer, compared.full.layers - 1)), error: null };
}

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
  const row = playerRow(full, query);
  return {
    layer: clampIndex(state.layer, layers),
    head: clampIndex(state.head, heads),
    query,
    step: clampStep(row, state.step),
  };
}

/**
 * The run as a view shows it: the focused block, without [CLS]/[SEP] when they are hidden (the
 * player always shows every token); the heatmap shows the rollout (or flow) through the layer,
 * over every token, when `rollout` asks for it and the run has it.
 * @param {Shown} shown
 * @param {ViewName} view
 * @param {number} layer
 * @param {boolean} [rollout]
 */
export function viewOf(shown, view, layer, rollout = false) {
  const rolled = rollout && view === 'heatmap' ? rolloutView(shown.full, layer) : null;
  if (rolled) return rolled;
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

/**
 * One generated token as the generation's timeline shows it.
 * @typedef {Object} GeneratedToken
 * @property {number} step         from 0
 * @property {number} index        its index among the run's tokens
 * @property {number} position     the query that chose it: the token before it
 * @property {string} text         the token, readable ("␣the" is drawn from " the")
 * @property {string} piece        its vocabulary entry ("Ġthe")
 * @property {string} share        its part of the generated text ('' when the character it
 *   starts is completed by the next token)
 * @property {number} probability  under the model, when it was chosen
 * @property {boolean} special     an end-of-text token
 */

/**
 * What the generation panel shows of a decoder's run.
 * @typedef {Object} GenerationView
 * @property {number} promptTokens
 * @property {GeneratedToken[]} tokens
 * @property {number | null} selected   the step whose new query is focused
 * @property {Decoding | null} decoding of the selected step
 * @property {StopReason} stopped
 * @property {string} summary           what was generated, in one sentence
 */

/**
 * How tokens were chosen, ending a sentence: "greedy decoding takes the most probable".
 * @param {GenerateState} generate
 */
export function choiceWords(generate) {
  if (!generate.sample) return 'greedy decoding takes the most probable';
  const among = generate.topK === null ? 'among all tokens' : `among the ${generate.topK} most probable`;
  return `sampling at temperature ${generate.temperature} ${among} (seed ${generate.seed}) drew`;
}

/**
 * A decoder's generation as the panel and the player show it, for the focused query.
 * @param {RunData} full      the run, every token
 * @param {number} query      the focused query (the run's index)
 * @param {GenerateState} generate  the settings the run was computed with
 * @returns {GenerationView | null}  null when the run generated nothing
 */
export function generationView(full, query, generate) {
  const generation = full.run.generation;
  if (!generation) return null;
  const translation = full.run.translation ?? null;
  const tokens = full.sequences[generatedSequence(full.run)];
  const generated = generation.steps.map((_, i) => tokens[generation.promptTokens + i]);
  // A translation's tokens are words or characters of its output text: each one's share runs
  // from the end of the one before (the space between words included).
  const shares = translation
    ? generated.map((token, i) => (!token || token.special ? '' : generation.text.slice(i === 0 ? 0 : generated[i - 1]?.end ?? token.start, token.end)))
    : decodedShares(generated.map((token) => ({ text: token?.piece ?? token?.text ?? '', special: token?.special ?? false })));
  const readable = translation ? (/** @type {string} */ text) => text : readablePiece;
  /** @type {GeneratedToken[]} */
  const list = generation.steps.map((step, i) => {
    const token = generated[i];
    return {
      step: i,
      index: generation.promptTokens + i,
      position: step.position,
      text: token?.text ?? '',
      piece: token?.piece ?? token?.text ?? '',
      share: shares[i] ?? '',
      probability: step.probability,
      special: token?.special ?? false,
    };
  });
  // A translation's step is read from the target's rows (its encoder's blocks have none).
  const at = !translation || full.summary.queries === generatedSequence(full.run) || full.layers === 0 ? decodingStep(full, query) : null;
  /** @type {Decoding | null} */
  let decoding = null;
  if (at) {
    const chosen = list[at.index];
    decoding = {
      index: at.index,
      count: at.count,
      top: at.step.top.map((c) => ({ id: c.id, text: readable(c.text), probability: c.probability })),
      chosen: { id: at.step.id, text: chosen.text, probability: at.step.probability },
      vocabSize: full.model?.vocabulary?.target.length ?? full.model?.info.vocabSize ?? 0,
      how: choiceWords(generate),
    };
  }
  const n = list.length;
  const why = generation.stopped === 'endOfText' ? ': the last is the end-of-text token, where generation stops'
    : generation.stopped === 'context' ? `: the context of ${full.model?.info.maxPositions ?? '?'} tokens is full` : '';
  const written = translation
    ? `${n} target token${n === 1 ? '' : 's'} written one by one${generation.stopped === 'endOfText' ? `, the last the end-of-sequence token <eos>, where the ${full.run.source.kind === 'captioner' ? 'caption' : 'translation'} stops` : ', the most the model writes'}.`
    : `${n} token${n === 1 ? '' : 's'} generated after the ${generation.promptTokens}-token prompt${why}.`;
  return {
    promptTokens: generation.promptTokens,
    tokens: list,
    selected: at?.index ?? null,
    decoding,
    stopped: generation.stopped,
    summary: written,
  };
}
