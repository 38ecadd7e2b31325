// The whole state as a compact, versioned URL fragment, and back. The same names serve the
// <attention-playground> element's attributes (see element.js), so a link, an iframe and an
// element describe a playground in one vocabulary.
// Parsing is defensive: every field is validated on its own, out-of-range numbers are
// clamped, anything unreadable falls back to its default, and each fallback is noted.
// Pure module: no DOM access.

import {
  ACROSS,
  CONTROLS,
  DEFAULT_COMPARE_TEXT,
  DEFAULT_GENERATE,
  LIMITS,
  MODES,
  POSITIONS,
  PROJECTIONS,
  SCALE_BY_DEFAULT,
  SCORES,
  SPEEDS,
  TOKENIZERS,
  TOY_SOURCE,
  cloneState,
  defaultPresentation,
  defaultState,
  kvHeadsFor,
  sortCells,
} from './state.js';
import { limitText } from './limits.js';
import { maxSteps } from './timeline.js';
import { LOCAL_PREFIX, isLocalSource } from './model/address.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').Presentation} Presentation */
/** @typedef {import('./state.js').ViewName} ViewName */

export const URL_VERSION = 1;

/** The views by their public names (links, attributes, events); older links used the inner ones. */
export const VIEW_NAMES = /** @type {const} */ ({ heatmap: 'heatmap', lines: 'lines', heads: 'grid', player: 'steps', compare: 'compare' });

/** @typedef {typeof VIEW_NAMES[ViewName]} PublicViewName */

/** @type {Record<string, ViewName>} */
const VIEWS_BY_NAME = {
  heatmap: 'heatmap', lines: 'lines', grid: 'heads', steps: 'player', heads: 'heads', player: 'player', compare: 'compare',
};

/** Longest model folder address accepted. */
const SOURCE_LENGTH = 512;

/**
 * The toy model's settings as URL parameters (also the element's `settings` attribute).
 * @param {import('./state.js').ModelState} m
 * @returns {Array<[string, string]>}
 */
export function settingsParams(m) {
  return [
    ['tok', m.tokenizer],
    ['d', String(m.dModel)],
    ['h', String(m.heads)],
    ['kv', String(m.kvHeads)],
    ['score', m.score],
    ['scale', m.scale ? '1' : '0'],
    ['temp', String(m.temperature)],
    ['pos', m.positions],
    ['proj', m.projections],
    ['seed', String(m.seed)],
    ['causal', m.masks.causal ? '1' : '0'],
    ['window', m.masks.window === null ? '' : String(m.masks.window)],
    ['pad', m.masks.padTo === null ? '' : String(m.masks.padTo)],
    ['cells', m.masks.blocked.map(([q, k]) => `${q}.${k}`).join('-')],
  ];
}

/** @typedef {{ param: string, reset: (m: import('./state.js').ModelState, d: import('./state.js').ModelState) => void }} Refusable */

/** @type {Refusable} */
const D_MODEL = { param: 'd', reset: (m, d) => { m.dModel = d.dModel; } };

/**
 * The toy's settings the core may refuse, by the field its message names: the link parameter
 * and how the setting goes back to its default, in order (heads take their key/value heads
 * along; heads already at their default and still refused send d_model back to its own).
 * @type {Partial<Record<import('./types').Field, Refusable[]>>}
 */
const REFUSABLE = {
  dModel: [D_MODEL],
  heads: [{ param: 'h', reset: (m, d) => { m.heads = d.heads; m.kvHeads = kvHeadsFor(d.heads, m.kvHeads); } }, D_MODEL],
  kvHeads: [{ param: 'kv', reset: (m, d) => { m.kvHeads = kvHeadsFor(m.heads, d.kvHeads); } }],
  temperature: [{ param: 'temp', reset: (m, d) => { m.temperature = d.temperature; } }],
  window: [{ param: 'window', reset: (m, d) => { m.masks.window = d.masks.window; } }],
  padTo: [{ param: 'pad', reset: (m, d) => { m.masks.padTo = d.masks.padTo; } }],
  score: [{ param: 'score', reset: (m, d) => { m.score = d.score; m.scale = SCALE_BY_DEFAULT[d.score]; } }],
  positions: [{ param: 'pos', reset: (m, d) => { m.positions = d.positions; } }],
  tokenizer: [{ param: 'tok', reset: (m, d) => { m.tokenizer = d.tokenizer; } }],
};

/**
 * A state with the one setting the core refused back at its default, and the link parameter's
 * name; null when the message is about no single toy setting.
 * @param {PlaygroundState} state
 * @param {import('./types').Field | null} field
 * @returns {{ state: PlaygroundState, param: string } | null}
 */
export function withoutRefused(state, field) {
  for (const refusable of (field === null ? undefined : REFUSABLE[field]) ?? []) {
    const next = cloneState(state);
    refusable.reset(next.model, defaultState().model);
    if (JSON.stringify(next.model) !== JSON.stringify(state.model)) return { state: next, param: refusable.param };
  }
  return null;
}

/**
 * A decoder's generation settings as URL parameters: `gen` (1: the text is continued), `gn`
 * (tokens), `gsample` (0 greedy, 1 sampled), `gtemp`, `gtopk` (empty: among all tokens),
 * `gseed`. Links leave them out while they are the defaults.
 * @param {import('./state.js').GenerateState} g
 * @returns {Array<[string, string]>}
 */
export function generateParams(g) {
  return [
    ['gen', g.on ? '1' : '0'],
    ['gn', String(g.steps)],
    ['gsample', g.sample ? '1' : '0'],
    ['gtemp', String(g.temperature)],
    ['gtopk', g.topK === null ? '' : String(g.topK)],
    ['gseed', String(g.seed)],
  ];
}

/**
 * @param {PlaygroundState} state
 * @param {Partial<Presentation>} [presentation]  written only where it differs from the default
 * @returns {string} the fragment, without its leading '#'
 */
export function encodeState(state, presentation = {}) {
  const params = new URLSearchParams();
  params.set('v', String(URL_VERSION));
  params.set('text', state.text);
  params.set('cross', state.crossText);
  if (state.view === 'compare' || state.compareText !== DEFAULT_COMPARE_TEXT) params.set('compare', state.compareText);
  params.set('mode', state.model.mode);
  params.set('view', VIEW_NAMES[state.view]);
  params.set('model', state.source);
  if (state.vectors !== null) params.set('vectors', state.vectors);
  if (state.hideSpecial) params.set('nospecial', '1');
  if (state.across !== 'head') params.set('across', state.across);
  for (const [name, value] of settingsParams(state.model)) params.set(name, value);
  params.set('layer', String(state.layer));
  params.set('head', String(state.head));
  params.set('q', String(state.query));
  params.set('step', String(state.step));
  if (state.key !== null) params.set('key', String(state.key));
  params.set('speed', String(state.speed));
  params.set('pin', state.pin ? `${state.pin.side}${state.pin.index}` : '');
  params.set('hide', state.hiddenHeads.join('-'));
  if (state.stretch) params.set('stretch', '1');
  const generate = generateParams(state.generate);
  const defaults = new Map(generateParams({ ...DEFAULT_GENERATE }));
  if (generate.some(([name, value]) => defaults.get(name) !== value)) for (const [name, value] of generate) params.set(name, value);
  const shown = { ...defaultPresentation(), ...presentation };
  if (shown.controls !== 'full') params.set('controls', shown.controls);
  if (shown.autoplay) params.set('autoplay', '1');
  if (shown.embed) params.set('embed', '1');
  return params.toString();
}

/**
 * @typedef {Object} DecodedState
 * @property {PlaygroundState} state
 * @property {Presentation} presentation
 * @property {string[]} problems  one short phrase per field that fell back or was clamped
 * @property {boolean} present    whether the fragment held any state at all
 */

/**
 * @param {string} fragment  with or without its leading '#'
 * @returns {DecodedState}
 */
export function decodeState(fragment) {
  const raw = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (raw.trim() === '') return { state: defaultState(), presentation: defaultPresentation(), problems: [], present: false };

  /** @type {URLSearchParams} */
  let params;
  try {
    params = new URLSearchParams(raw);
  } catch {
    return { state: defaultState(), presentation: defaultPresentation(), problems: ['the link could not be read'], present: true };
  }
  const version = params.get('v');
  if (version !== String(URL_VERSION)) {
    const problem = version === null ? 'the link has no version' : `link version “${clip(version)}” is not supported`;
    return { state: defaultState(), presentation: defaultPresentation(), problems: [problem], present: true };
  }
  return decodeParams(params);
}

/**
 * Reads the state from named values (a link's parameters, or an element's attributes). Each
 * field has one name, a few have a second, longer one: `cross` or `cross-text`, `q` or `query`.
 * @param {URLSearchParams} params
 * @returns {DecodedState}
 */
export function decodeParams(params) {
  const state = defaultState();
  const presentation = defaultPresentation();
  /** @type {string[]} */
  const problems = [];
  const read = new FieldReader(params, problems);
  const m = state.model;

  const text = params.get('text');
  if (text !== null) {
    const limited = limitText(text);
    state.text = limited.text;
    if (limited.cut) problems.push(`text shortened to ${limited.text.length.toLocaleString('en')} characters`);
  }
  const cross = params.get('cross-text') ?? params.get('cross');
  if (cross !== null) {
    const limited = limitText(cross);
    state.crossText = limited.text;
    if (limited.cut) problems.push('second text shortened');
  }
  const compare = params.get('compare-text') ?? params.get('compare');
  if (compare !== null) {
    const limited = limitText(compare);
    state.compareText = limited.text;
    if (limited.cut) problems.push('sentence B shortened');
  }
  m.mode = read.choice('mode', MODES, m.mode);
  state.view = VIEWS_BY_NAME[read.choice('view', Object.keys(VIEWS_BY_NAME), VIEW_NAMES[state.view])];
  state.source = read.source('model', state.source);
  state.vectors = read.optionalSource('vectors', state.vectors);
  state.hideSpecial = read.flag('nospecial', state.hideSpecial);
  state.across = read.choice('across', ACROSS, state.across);
  m.tokenizer = read.choice('tok', TOKENIZERS, m.tokenizer);
  m.dModel = read.integer('d', LIMITS.dModel, m.dModel);
  m.heads = read.integer('h', LIMITS.heads, m.heads);
  m.kvHeads = read.integer('kv', LIMITS.kvHeads, m.kvHeads);
  // Key/value heads follow the heads: an explicit count that does not divide them is named.
  const kv = kvHeadsFor(m.heads, m.kvHeads);
  if (kv !== m.kvHeads && params.has('kv')) problems.push(`kv ${m.kvHeads} does not divide the ${m.heads} heads, so ${kv} is used`);
  m.kvHeads = kv;
  m.score = read.choice('score', SCORES, m.score);
  m.scale = read.flag('scale', SCALE_BY_DEFAULT[m.score]);
  m.temperature = read.number('temp', LIMITS.temperature, m.temperature);
  m.positions = read.choice('pos', POSITIONS, m.positions);
  m.projections = read.choice('proj', PROJECTIONS, m.projections);
  m.seed = read.integer('seed', LIMITS.seed, m.seed);
  m.masks.causal = read.flag('causal', m.masks.causal);
  if (m.masks.causal && m.mode === 'cross') {
    problems.push('causal was ignored: it masks later tokens of one text, and cross-attention compares two');
    m.masks.causal = false;
  }
  m.masks.window = read.optionalInteger('window', LIMITS.window, m.masks.window);
  m.masks.padTo = read.optionalInteger('pad', LIMITS.padTo, m.masks.padTo);
  m.masks.blocked = read.cells('cells', m.masks.blocked);
  state.layer = read.integer('layer', LIMITS.layer, state.layer);
  state.head = read.integer('head', LIMITS.head, state.head);
  state.query = read.integer(params.has('query') ? 'query' : 'q', LIMITS.index, state.query);
  state.step = read.integer('step', { min: 0, max: maxSteps(LIMITS.index.max + 1) - 1 }, state.step);
  state.key = read.optionalInteger('key', LIMITS.index, state.key);
  state.speed = Number(read.choice('speed', SPEEDS.map(String), String(state.speed)));
  state.pin = read.pin('pin', state.pin);
  state.hiddenHeads = read.indexList('hide', LIMITS.head.max, state.hiddenHeads);
  state.stretch = read.flag('stretch', state.stretch);
  const g = state.generate;
  g.on = read.flag('gen', g.on);
  g.steps = read.integer('gn', LIMITS.generateSteps, g.steps);
  g.sample = read.flag('gsample', g.sample);
  g.temperature = read.number('gtemp', LIMITS.generateTemperature, g.temperature);
  g.topK = read.optionalInteger('gtopk', LIMITS.topK, g.topK);
  g.seed = read.integer('gseed', LIMITS.seed, g.seed);
  presentation.controls = read.choice('controls', CONTROLS, presentation.controls);
  presentation.autoplay = read.flag('autoplay', presentation.autoplay);
  presentation.embed = read.flag('embed', presentation.embed);

  return { state, presentation, problems, present: true };
}

/** Shortens a hostile value before it is quoted back in a note. */
function clip(/** @type {string} */ value) {
  const flat = value.replace(/\s+/g, ' ');
  return flat.length > 24 ? `${flat.slice(0, 24)}…` : flat;
}

/** Reads typed fields from URL parameters, noting each one that falls back or is clamped. */
class FieldReader {
  /**
   * @param {URLSearchParams} params
   * @param {string[]} problems
   */
  constructor(params, problems) {
    this.params = params;
    this.problems = problems;
  }

  /**
   * @template {string} T
   * @param {string} name
   * @param {readonly T[]} options
   * @param {T} fallback
   * @returns {T}
   */
  choice(name, options, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    const found = options.find((option) => option === value);
    if (found === undefined) {
      this.problems.push(`${name} “${clip(value)}” is not one of ${options.join(', ')}`);
      return fallback;
    }
    return found;
  }

  /**
   * @param {string} name
   * @param {boolean} fallback
   */
  flag(name, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '1') return true;
    if (value === '0') return false;
    this.problems.push(`${name} “${clip(value)}” is not 0 or 1`);
    return fallback;
  }

  /**
   * @param {string} name
   * @param {{min: number, max: number}} range
   * @param {number} fallback
   */
  number(name, range, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    const parsed = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isFinite(parsed)) {
      this.problems.push(`${name} “${clip(value)}” is not a number`);
      return fallback;
    }
    return this.clamp(name, parsed, range);
  }

  /**
   * @param {string} name
   * @param {{min: number, max: number}} range
   * @param {number} fallback
   */
  integer(name, range, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (!/^\s*[-+]?\d{1,16}\s*$/.test(value)) {
      this.problems.push(`${name} “${clip(value)}” is not a whole number`);
      return fallback;
    }
    return this.clamp(name, Number(value), range);
  }

  /**
   * An integer field where the empty string means "off".
   * @param {string} name
   * @param {{min: number, max: number}} range
   * @param {number | null} fallback
   * @returns {number | null}
   */
  optionalInteger(name, range, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '') return null;
    // Not a whole number: named, and the field keeps its fallback (null stays off).
    const number = this.integer(name, range, Number.NaN);
    return Number.isNaN(number) ? fallback : number;
  }

  /**
   * @param {string} name
   * @param {number} value
   * @param {{min: number, max: number}} range
   */
  clamp(name, value, range) {
    const clamped = Math.min(range.max, Math.max(range.min, value));
    if (clamped !== value) this.problems.push(`${name} ${value} was clamped to ${clamped}`);
    return clamped;
  }

  /**
   * Which model computes: "toy", or the address of a pretrained model's folder (absolute, or
   * relative to the page). Only the form is checked here; the page resolves and loads it.
   * @param {string} name
   * @param {string} fallback
   */
  source(name, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    const trimmed = value.trim();
    if (trimmed === '' || trimmed === TOY_SOURCE) return TOY_SOURCE;
    if (isLocalSource(trimmed)) {
      this.problems.push(`${name} “${clip(trimmed.slice(LOCAL_PREFIX.length))}” was read from files on another computer, which a link cannot carry (load them with Model → Load files…)`);
      return fallback;
    }
    const address = /^(https?:\/\/|\/|\.{1,2}\/|[\w-])[^\s"'<>\\`]*$/;
    const scheme = /^([a-z][a-z\d+.-]*):/i.exec(trimmed)?.[1];
    if (trimmed.length > SOURCE_LENGTH || !address.test(trimmed) || (scheme !== undefined && !/^https?$/i.test(scheme))) {
      this.problems.push(`${name} “${clip(value)}” is neither “toy” nor the address of a model folder`);
      return fallback;
    }
    return trimmed;
  }

  /**
   * A model address where the empty string or "toy" means none.
   * @param {string} name
   * @param {string | null} fallback
   */
  optionalSource(name, fallback) {
    const value = this.source(name, fallback ?? TOY_SOURCE);
    return value === TOY_SOURCE ? null : value;
  }

  /**
   * Custom-mask cells as "q.k-q.k-…".
   * @param {string} name
   * @param {Array<[number, number]>} fallback
   * @returns {Array<[number, number]>}
   */
  cells(name, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '') return [];
    const parts = value.split('-');
    /** @type {Map<string, [number, number]>} */
    const cells = new Map();
    let bad = 0;
    for (const part of parts) {
      const match = /^(\d{1,4})\.(\d{1,4})$/.exec(part);
      const q = match ? Number(match[1]) : NaN;
      const k = match ? Number(match[2]) : NaN;
      if (!(q <= LIMITS.index.max && k <= LIMITS.index.max)) {
        bad += 1;
        continue;
      }
      if (cells.size < LIMITS.blockedCells) cells.set(`${q}.${k}`, [q, k]);
      else bad += 1;
    }
    if (bad > 0) this.problems.push(`${bad} masked cell${bad === 1 ? '' : 's'} ignored`);
    return sortCells([...cells.values()]);
  }

  /**
   * @param {string} name
   * @param {import('./state.js').Pin | null} fallback
   * @returns {import('./state.js').Pin | null}
   */
  pin(name, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '') return null;
    const match = /^([qk])(\d{1,4})$/.exec(value);
    if (!match || Number(match[2]) > LIMITS.index.max) {
      this.problems.push(`pin “${clip(value)}” is not a token`);
      return fallback;
    }
    return { side: match[1] === 'q' ? 'q' : 'k', index: Number(match[2]) };
  }

  /**
   * @param {string} name
   * @param {number} max
   * @param {number[]} fallback
   * @returns {number[]}
   */
  indexList(name, max, fallback) {
    const value = this.params.get(name);
    if (value === null) return fallback;
    if (value === '') return [];
    const items = value.split('-');
    const valid = items.filter((item) => /^\d{1,4}$/.test(item) && Number(item) <= max).map(Number);
    if (valid.length !== items.length) this.problems.push(`${name} has unreadable heads`);
    return [...new Set(valid)].sort((a, b) => a - b);
  }
}
