// The playground's behaviour as a pure function: (page, event) → (page, effects). The page holds
// the state, the runs on screen and what the notes say; an event is something that happened (a
// keystroke, a run's answer, the model loader's news); effects are what the app must do next
// (run the core, ask for a breakdown, load a model, move the player's clock). app.js performs
// the effects and renders; nothing here touches the DOM, the worker or a timer.

import { advance, sameMoment } from './timeline.js';
import { breakdownMatches, clampIndex, playerRow, runIndex, shape, shownIndex, atLayer } from './run-data.js';
import { defaultState, neededModel, sameComputation, TOY_SOURCE } from './state.js';
import { withoutRefused } from './url-state.js';
import { focusIn, shownMatchesSource, viewOf } from './view-model.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').Presentation} Presentation */
/** @typedef {import('./state.js').GenerateState} GenerateState */
/** @typedef {import('./url-state.js').DecodedState} DecodedState */
/** @typedef {import('./types').Breakdown} Breakdown */
/** @typedef {import('./types').Field} Field */
/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {import('./view-model.js').Shown} Shown */
/** @typedef {import('./model/loader.js').ModelStatus} ModelStatus */

/** Typing waits at most this long for a pause before the core runs (scheduler.js's typingDelay). */
export const TYPING_DELAY_MS = 120;

/** The settings that have a control of their own: a message of the core about one is shown beside it. */
export const CONTROL_FIELDS = new Set(['dModel', 'heads', 'kvHeads', 'temperature', 'window', 'padTo', 'seed', 'score', 'positions', 'tokenizer', 'steps', 'sampling']);

/** How a note names what the state came from. */
export const ORIGINS = {
  link: { some: 'This link had values', all: 'This link’s settings' },
  attributes: { some: 'Some attributes had values', all: 'These attributes’ settings' },
};

/**
 * Everything the playground knows besides its widgets.
 * @typedef {Object} Page
 * @property {PlaygroundState} state
 * @property {Presentation} presentation
 * @property {Shown | null} shown         the last successful run (null until there is one)
 * @property {Breakdown | null} breakdown  of the focused (block, head, query), when it has come
 * @property {PlaygroundState | null} lastGood  the state of the last successful run
 * @property {boolean} fromLink            the state came from a link or attributes and has not
 *   yet been computed: if it cannot be, the defaults replace it
 * @property {boolean} editMask
 * @property {boolean} playing
 * @property {boolean} autoplayPending     start playing once the player has its numbers
 * @property {boolean} runPending          a run is scheduled or on its way
 * @property {boolean} focusGeneration     the reader asked for a generation: focus its first step
 *   when it comes
 * @property {boolean} chosenModel         the reader chose the model in the settings: once it is
 *   ready, a captioner opens on the head its evaluation named
 * @property {number} runCount
 * @property {{ link: string | null, model: string | null, core: string | null }} notes
 * @property {Partial<Record<string, string>>} fieldErrors  core messages by control
 * @property {string} inputError           a core message about the text
 * @property {string[]} limits             which limits applied to the last run
 * @property {{ source: string, host: string } | null} consent  a model on another site that a
 *   link asked for, not fetched until the reader says so
 * @property {string[]} fallbacks          the trained models to open on instead, in order, when
 *   the one asked for is not on the server (the page's opening, or "Use a trained model")
 */

/**
 * What the controller needs to know of the world besides the page.
 * @typedef {Object} Env
 * @property {ModelStatus} status     the model loader's
 * @property {typeof ORIGINS.link} origin
 * @property {boolean} reducedMotion  the reader asked for less motion
 * @property {(source: string) => string | null} foreignHost  the host of a model address on
 *   another site than the page's, else null
 */

/**
 * @typedef {{ type: 'patch', patch: Partial<PlaygroundState> }
 *   | { type: 'text', which: 'text' | 'crossText' | 'compareText', text: string }
 *   | { type: 'picture' }
 *   | { type: 'choose-source', patch: Partial<PlaygroundState>, fallbacks?: string[] }
 *   | { type: 'ran', request: PlaygroundState, shown: Shown, breakdown: Breakdown | null, limits: string[] }
 *   | { type: 'run-failed', message: string, field: Field | null }
 *   | { type: 'breakdown', runId: number, breakdown: Breakdown }
 *   | { type: 'breakdown-failed', message: string }
 *   | { type: 'model-status' }
 *   | { type: 'restart', reason: string }
 *   | { type: 'play', on: boolean }
 *   | { type: 'tick' }
 *   | { type: 'step', direction: 1 | -1 }
 *   | { type: 'move-query', delta: number }
 *   | { type: 'edit-mask', on: boolean }
 *   | { type: 'hash', decoded: DecodedState }
 *   | { type: 'presentation', presentation: Presentation }
 *   | { type: 'problems', problems: string[] }
 *   | { type: 'dismiss-link-note' }
 *   | { type: 'start' }
 *   | { type: 'consent', load: boolean }
 *   | { type: 'generate', settings: Partial<GenerateState> }
 *   | { type: 'stop-generating' }} Event
 */

/**
 * @typedef {{ type: 'run', delay: number }
 *   | { type: 'breakdown', runId: number, focus: { block: number, head: number, query: number } }
 *   | { type: 'want-model', source: string }
 *   | { type: 'reload-model' }
 *   | { type: 'follow-query', query: number }
 *   | { type: 'set-texts' }
 *   | { type: 'clock', on: boolean }} Effect
 */

/**
 * The page before anything is computed.
 * @param {DecodedState} decoded
 * @param {typeof ORIGINS.link} origin
 * @param {string[]} [fallbacks]  models to open on instead when the state's cannot be loaded
 * @returns {Page}
 */
export function initialPage(decoded, origin, fallbacks = []) {
  return {
    state: decoded.state,
    presentation: decoded.presentation,
    shown: null,
    breakdown: null,
    lastGood: null,
    fromLink: decoded.present,
    editMask: false,
    playing: false,
    autoplayPending: decoded.presentation.autoplay,
    runPending: false,
    focusGeneration: false,
    chosenModel: false,
    runCount: 0,
    notes: { link: problemNote(decoded.problems, origin), model: null, core: null },
    fieldErrors: {},
    inputError: '',
    limits: [],
    consent: null,
    fallbacks,
  };
}

/**
 * @param {Page} page
 * @param {Event} event
 * @param {Env} env
 * @returns {{ page: Page, effects: Effect[] }}
 */
export function reduce(page, event, env) {
  const next = { ...page, notes: { ...page.notes } };
  const effects = handle(next, event, env);
  if (next.autoplayPending && next.state.view === 'player' && next.breakdown) {
    next.autoplayPending = false;
    // A reader who asked for less motion gets the player paused, with its Play button.
    if (!env.reducedMotion && !next.playing) effects.push(...setPlaying(next, true));
  }
  if (effects.some((e) => e.type === 'run')) next.runPending = true;
  return { page: next, effects };
}

/**
 * Applies one event to `page` (a copy the caller owns) and returns the effects.
 * @param {Page} page
 * @param {Event} event
 * @param {Env} env
 * @returns {Effect[]}
 */
function handle(page, event, env) {
  switch (event.type) {
    case 'start':
      // A model a link or an attribute asked for starts loading at once (unless a link names
      // another site: then the reader is asked first); the toy shows meanwhile.
      return [...linkedModel(page, env), { type: 'set-texts' }, { type: 'run', delay: 0 }];
    case 'consent': {
      const consent = page.consent;
      page.consent = null;
      if (!consent) return [];
      if (event.load) return [{ type: 'want-model', source: consent.source }];
      const { state } = page;
      return update(page, { ...(state.source === consent.source ? { source: TOY_SOURCE } : {}), ...(state.vectors === consent.source ? { vectors: null } : {}) });
    }
    case 'patch':
      return update(page, event.patch);
    case 'choose-source':
      page.notes.model = null;
      page.fallbacks = event.fallbacks ?? [];
      page.chosenModel = true;
      return update(page, event.patch);
    case 'text':
      page.state = { ...page.state, [event.which]: event.text };
      return [{ type: 'run', delay: TYPING_DELAY_MS }];
    case 'picture':
      // The picture lives in its canvas, not in the state: a new one is only run again.
      return [{ type: 'run', delay: TYPING_DELAY_MS }];
    case 'ran':
      return accept(page, event);
    case 'run-failed':
      page.runPending = false;
      return failRun(page, event.message, event.field, env.origin);
    case 'breakdown': {
      const f = focusIn(page.state, page.shown);
      const b = event.breakdown;
      if (page.shown?.full.runId !== event.runId || b.head !== f.head || b.query !== f.query || b.block !== f.layer) return [];
      page.breakdown = b;
      return [];
    }
    case 'breakdown-failed':
      page.notes.core = capitalise(event.message);
      return [];
    case 'model-status':
      return modelStatus(page, env.status);
    case 'restart':
      page.notes.core = `The attention core stopped (${event.reason}); it has been restarted.`;
      return [{ type: 'reload-model' }];
    case 'play':
      return setPlaying(page, event.on);
    case 'tick':
      if (!page.playing) return [];
      return stepBy(page, 1) ?? setPlaying(page, false);
    case 'step':
      return stepBy(page, event.direction) ?? [];
    case 'move-query':
      return moveQuery(page, event.delta);
    case 'edit-mask':
      page.editMask = event.on;
      return event.on && page.state.view !== 'heatmap' ? update(page, { view: 'heatmap' }) : [];
    case 'hash':
      page.notes.link = problemNote(event.decoded.problems, env.origin);
      page.fromLink = true;
      page.shown = null;
      page.state = event.decoded.state;
      page.consent = null;
      return [...setPresentation(page, event.decoded.presentation), { type: 'set-texts' }, ...linkedModel(page, env), { type: 'run', delay: 0 }];
    case 'presentation':
      return setPresentation(page, event.presentation);
    case 'problems':
      page.notes.link = problemNote(event.problems, env.origin);
      return [];
    case 'dismiss-link-note':
      page.notes.link = null;
      return [];
    case 'generate': {
      // Generate always computes, even with the settings of the generation on screen.
      page.focusGeneration = true;
      const effects = update(page, { generate: { ...page.state.generate, ...event.settings, on: true } });
      return effects.some((e) => e.type === 'run') ? effects : [...effects, { type: 'run', delay: 0 }];
    }
    case 'stop-generating':
      page.focusGeneration = false;
      return update(page, { generate: { ...page.state.generate, on: false } });
    default:
      return [];
  }
}

/**
 * Applies a change of the state: runs the core when the computation changed, asks for a
 * breakdown when only the focus moved in the player (or the player opened): the other views
 * need none, and at 512 tokens one is megabytes.
 * @param {Page} page
 * @param {Partial<PlaygroundState>} patch
 * @returns {Effect[]}
 */
function update(page, patch) {
  const previous = page.state;
  page.state = { ...previous, ...patch };
  // While a model loads the toy's run is on screen: the state keeps the layer and head asked
  // for (by a link, an attribute) until the model's own run can take them.
  if (shownMatchesSource(page.state, page.shown)) page.state = { ...page.state, ...focusIn(page.state, page.shown) };
  // A change the reader makes is their consent to the model it needs; a model awaiting consent
  // that is no longer needed is forgotten.
  if (page.consent && neededModel(page.state) !== page.consent.source) page.consent = null;
  /** @type {Effect[]} */
  const effects = page.consent ? [] : wantModel(page.state);
  const s = page.state;
  const sameTexts = s.text === previous.text && s.crossText === previous.crossText;
  if (!sameComputation(previous, s) || !sameTexts) effects.push({ type: 'run', delay: 0 });
  else if (s.view === 'player' && (previous.view !== 'player' || s.head !== previous.head || s.query !== previous.query || s.layer !== previous.layer)) {
    effects.push(...requestBreakdown(page));
  }
  if (patch.query !== undefined && patch.query !== previous.query) effects.push({ type: 'follow-query', query: s.query });
  return effects;
}

/**
 * The model a link asked for: loaded at once from the page's own site; from another site only
 * once the reader agrees (a shared link must not make a reader's browser contact any server).
 * Attributes are the embedding page's author's choice and load at once.
 * @param {Page} page
 * @param {Env} env
 * @returns {Effect[]}
 */
function linkedModel(page, env) {
  const needed = neededModel(page.state);
  const host = needed === null || env.origin !== ORIGINS.link ? null : env.foreignHost(needed);
  if (needed !== null && host !== null) {
    page.consent = { source: needed, host };
    return [];
  }
  return wantModel(page.state);
}

/**
 * @param {PlaygroundState} state
 * @returns {Effect[]}
 */
function wantModel(state) {
  const needed = neededModel(state);
  return needed === null ? [] : [{ type: 'want-model', source: needed }];
}

/**
 * @param {Page} page
 * @returns {Effect[]}
 */
function requestBreakdown(page) {
  // A run without attention (an encoder–decoder without it) has no head to break down.
  if (!page.shown || page.runPending || page.shown.full.layers === 0) return [];
  const { layer, head, query } = focusIn(page.state, page.shown);
  return [{ type: 'breakdown', runId: page.shown.full.runId, focus: { block: layer, head, query } }];
}

/**
 * Takes a successful run's numbers.
 * @param {Page} page
 * @param {Extract<Event, { type: 'ran' }>} event
 * @returns {Effect[]}
 */
function accept(page, event) {
  // The step is kept at the same moment of the story when the run on screen was of this source
  // (a link's step is not remapped by the toy's run shown while its model loads).
  const previous = page.shown && shownMatchesSource(page.state, page.shown) ? playerRow(page.shown.full, focusIn(page.state, page.shown).query) : null;
  page.runPending = false;
  page.runCount = event.shown.full.runId;
  page.shown = event.shown;
  page.breakdown = event.breakdown;
  page.lastGood = event.request;
  page.fieldErrors = {};
  page.inputError = '';
  page.notes.core = null;
  page.limits = event.limits;
  /** @type {Effect[]} */
  const effects = [];
  const first = event.shown.full.run.generation?.steps[0];
  if (page.focusGeneration && first) {
    // A new generation is read from its first step: the query that chose the first token.
    const query = first.position;
    page.state = { ...page.state, query, step: 0, ...(page.state.view === 'lines' ? { pin: { side: 'q', index: query } } : {}) };
    effects.push({ type: 'follow-query', query });
  }
  page.focusGeneration = false;
  const row = playerRow(event.shown.full, clampIndex(page.state.query, shape(event.shown.full).queries));
  if (previous && (previous.keys !== row.keys || previous.predict !== row.predict)) {
    // Stay on the same stage (and key, where it still exists) when the query's keys changed.
    page.state = { ...page.state, step: sameMoment(previous, row, page.state.step) };
  }
  effects.push(...update(page, {}));
  const f = focusIn(page.state, page.shown);
  const matches = breakdownMatches(page.breakdown, atLayer(page.shown.full, f.layer), f.head, f.query);
  if (page.state.view === 'player' && !matches) effects.push(...requestBreakdown(page));
  return effects;
}

/**
 * @param {Page} page
 * @param {string} message
 * @param {Field | null} field  the setting or input the core said it is about
 * @param {typeof ORIGINS.link} origin
 * @returns {Effect[]}
 */
function failRun(page, message, field, origin) {
  const kept = !page.shown && page.fromLink ? withoutRefused(page.state, field) : null;
  if (kept) {
    // One setting of the link the core refused: it alone goes back to its default, and is named.
    page.state = kept.state;
    const named = `${origin.some} that could not be used, so defaults stand in for them: ${kept.param} (${message.replace(/[.]$/, '')}).`;
    page.notes.link = page.notes.link ? `${page.notes.link} ${named}` : named;
    return [{ type: 'run', delay: 0 }];
  }
  if (!page.shown && page.fromLink) {
    // The link's settings cannot be computed at all: show the defaults instead.
    page.fromLink = false;
    page.notes.link = `${origin.all} could not be used (${message}), so the defaults are shown.`;
    page.state = defaultState();
    return [{ type: 'set-texts' }, { type: 'run', delay: 0 }];
  }
  // The limits said what was cut of the text last run; the text that failed is another.
  page.limits = [];
  const inInput = field === 'text' || field === 'crossText';
  const onControl = field !== null && !inInput && CONTROL_FIELDS.has(field);
  page.fieldErrors = onControl ? { [field]: capitalise(message) } : {};
  page.inputError = inInput ? capitalise(message) : '';
  // A message about a control that is not shown (controls minimal or none) becomes a note.
  const controls = page.presentation.controls;
  const shown = controls === 'full' || (inInput && controls === 'minimal');
  if (!(inInput || onControl) || !shown) page.notes.core = capitalise(message);
  return [];
}

/**
 * What the model loader's news means: a note and the toy back when the model asked for failed
 * or was cancelled, a run when it is ready.
 * @param {Page} page
 * @param {ModelStatus} status
 * @returns {Effect[]}
 */
function modelStatus(page, status) {
  const { source } = status;
  const { state } = page;
  const about = source !== null && (source === state.source || source === state.vectors);
  const [next, ...later] = page.fallbacks;
  if (about && source === state.source && status.phase === 'failed' && next !== undefined) {
    // A trained model to open on is not on the server: the next one stands in, and a note says why.
    page.fallbacks = later;
    page.notes.model = `${status.name} could not be loaded (${status.message ?? 'no reason given'}), so another trained model is shown.`;
    return update(page, { source: next });
  }
  if (about && status.phase === 'ready') page.fallbacks = [];
  // A captioner chosen in the settings opens on the head its evaluation named (heads.json): the
  // cross-attention head that looks at the object a word names. A link's focus is kept.
  const named = status.heads?.[0];
  const opening = about && source === state.source && status.phase === 'ready' && page.chosenModel;
  if (about && status.phase !== 'loading') page.chosenModel = false;
  if (opening && status.info?.kind === 'captioner' && named) {
    return [...update(page, { layer: named.layer, head: named.head }), { type: 'run', delay: 0 }];
  }
  if (about && (status.phase === 'failed' || status.phase === 'cancelled')) {
    const subject = source.startsWith('local:') ? 'The model in your files' : `The model “${status.name}”`;
    page.notes.model = status.phase === 'failed'
      ? `${subject} could not be loaded. ${capitalise(status.message ?? 'It failed without saying why.')} The toy model is shown.`
      : `Loading ${status.name} was cancelled: the toy model is shown.`;
    return update(page, { ...(source === state.source ? { source: TOY_SOURCE } : {}), ...(source === state.vectors ? { vectors: null } : {}) });
  }
  return about && status.phase === 'ready' ? [{ type: 'run', delay: 0 }] : [];
}

/**
 * @param {Page} page
 * @param {boolean} on
 * @returns {Effect[]}
 */
function setPlaying(page, on) {
  page.playing = on;
  return [{ type: 'clock', on }];
}

/**
 * One step of the player forwards or back; null when there is no step that way.
 * @param {Page} page
 * @param {1 | -1} direction
 * @returns {Effect[] | null}
 */
function stepBy(page, direction) {
  if (!page.shown) return null;
  const { full } = page.shown;
  const { queries } = shape(full);
  const next = advance({ query: page.state.query, step: page.state.step }, direction, queries, (query) => playerRow(full, query));
  return next ? update(page, next) : null;
}

/**
 * Moves the focused query among the tokens the view shows (the player shows them all).
 * @param {Page} page
 * @param {number} delta
 * @returns {Effect[]}
 */
function moveQuery(page, delta) {
  if (!page.shown) return [];
  const f = focusIn(page.state, page.shown);
  const run = viewOf(page.shown, page.state.view, f.layer, page.state.across !== 'head');
  const query = runIndex(run, clampIndex(shownIndex(run, f.query) + delta, shape(run).queries));
  return update(page, page.state.pin?.side === 'q' ? { query, pin: { side: 'q', index: query } } : { query });
}

/**
 * @param {Page} page
 * @param {Presentation} next
 * @returns {Effect[]}
 */
function setPresentation(page, next) {
  /** @type {Effect[]} */
  const effects = [];
  if (next.autoplay !== page.presentation.autoplay) {
    page.autoplayPending = next.autoplay;
    if (!next.autoplay && page.playing) effects.push(...setPlaying(page, false));
  }
  page.presentation = { ...next };
  return effects;
}

/**
 * The event a key stands for, where the playground has one: arrows move the query (in the
 * player, left and right step), space plays and pauses the player.
 * @param {string} key
 * @param {import('./state.js').ViewName} view
 * @param {boolean} onButton  the key was pressed on a button or link (space is theirs)
 * @param {boolean} playing
 * @returns {Event | null}
 */
export function keyEvent(key, view, onButton, playing) {
  const inPlayer = view === 'player';
  if (key === ' ') return inPlayer && !onButton ? { type: 'play', on: !playing } : null;
  if (key === 'ArrowUp') return { type: 'move-query', delta: -1 };
  if (key === 'ArrowDown') return { type: 'move-query', delta: 1 };
  if (key === 'ArrowLeft') return inPlayer ? { type: 'step', direction: -1 } : { type: 'move-query', delta: -1 };
  if (key === 'ArrowRight') return inPlayer ? { type: 'step', direction: 1 } : { type: 'move-query', delta: 1 };
  return null;
}

/**
 * A note above the playground; `dismiss` offers to close it, `consent` to load the model it is
 * about or stay with the toy.
 * @typedef {{ kind: 'warn' | 'info' | 'error', text: string, dismiss?: boolean, consent?: boolean }} Note
 */

/**
 * The notes above the playground, most important first.
 * @param {Page} page
 * @param {ModelStatus} status
 * @returns {Note[]}
 */
export function notesOf(page, status) {
  /** @type {Note[]} */
  const items = [];
  if (page.consent) {
    items.push({ kind: 'warn', text: `This link asks to load a model from ${page.consent.host}, another site: your browser would download its files from there. The toy is shown until you choose.`, consent: true });
  }
  if (page.notes.link) items.push({ kind: 'warn', text: page.notes.link, dismiss: true });
  if (page.notes.model) items.push({ kind: status.phase === 'cancelled' ? 'info' : 'error', text: page.notes.model });
  if (page.notes.core) items.push({ kind: 'error', text: page.notes.core });
  for (const text of page.limits) items.push({ kind: 'info', text });
  return items;
}

/**
 * @param {string[]} problems
 * @param {typeof ORIGINS.link} origin
 */
function problemNote(problems, origin) {
  return problems.length > 0 ? `${origin.some} that could not be used, so defaults stand in for them: ${problems.join('; ')}.` : null;
}

/**
 * A message as a sentence: capitalised and ending with a full stop. File names (model.safetensors:
 * …) and identifiers (d_model) keep their case.
 * @param {string} message
 */
export function capitalise(message) {
  const first = /^[a-z]+\b(?![_.]\w)/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  return first + (/[.!?]$/.test(message) ? '' : '.');
}
