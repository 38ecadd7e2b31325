// Property tests of the link's state and the element's attributes (fast-check): whatever string
// comes in, a valid state comes out, with a note naming each parameter that was refused or
// clamped; and a valid state survives being written to a link and read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeParams, decodeState, encodeState, VIEW_NAMES } from '../../src/url-state.js';
import { ATTRIBUTES, attributeParams } from '../../src/attributes.js';
import { CONTROLS, LIMITS, MODES, POSITIONS, PROJECTIONS, SCORES, SPEEDS, TOKENIZERS, VIEWS, defaultState } from '../../src/state.js';
import { TEXT_LIMIT } from '../../src/limits.js';

/** Every parameter a link or an element may carry. */
const KEYS = [
  'v', 'text', 'cross', 'cross-text', 'mode', 'view', 'model', 'vectors', 'nospecial', 'tok', 'd', 'h', 'kv', 'score', 'scale',
  'temp', 'pos', 'proj', 'seed', 'causal', 'window', 'pad', 'cells', 'layer', 'head', 'q', 'query', 'step', 'key', 'speed', 'pin',
  'hide', 'stretch', 'gen', 'gn', 'gsample', 'gtemp', 'gtopk', 'gseed', 'controls', 'autoplay', 'embed',
];

/** Values that are near misses of valid ones, hostile markup, or anything at all. */
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double().map(String),
  fc.constantFrom('', '0', '1', '-1', 'NaN', 'Infinity', '1e400', '0x10', ' 4 ', '4.5', 'toy', 'heatmap', 'cross', 'q3', 'k9999',
    '1.2-3.4', '0-1-2', 'javascript:alert(1)', '//evil.example/m/', 'local:x', '<img src=x onerror=alert(1)>', 'a'.repeat(600)),
);
const params = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string()), value), { maxLength: 12 });

const within = (/** @type {number} */ x, /** @type {{min: number, max: number}} */ r) => Number.isFinite(x) && x >= r.min && x <= r.max;
const wholeWithin = (/** @type {number} */ x, /** @type {{min: number, max: number}} */ r) => Number.isInteger(x) && within(x, r);

/** The state's invariants: what every view and the worker may rely on. */
function assertValid(/** @type {import('../../src/state.js').PlaygroundState} */ s) {
  const m = s.model;
  assert.ok(typeof s.text === 'string' && s.text.length <= TEXT_LIMIT, 'text');
  assert.ok(typeof s.crossText === 'string' && s.crossText.length <= TEXT_LIMIT, 'crossText');
  assert.ok(VIEWS.includes(s.view), 'view');
  assert.ok(typeof s.source === 'string' && s.source.trim() === s.source && !/[\s"'<>\\`]/.test(s.source), 'source');
  assert.ok(s.source === 'toy' || !/^[a-z][a-z\d+.-]*:/i.test(s.source) || /^https?:/i.test(s.source), 'source scheme');
  assert.ok(MODES.includes(m.mode) && TOKENIZERS.includes(m.tokenizer) && SCORES.includes(m.score), 'choices');
  assert.ok(POSITIONS.includes(m.positions) && PROJECTIONS.includes(m.projections), 'choices');
  assert.ok(wholeWithin(m.dModel, LIMITS.dModel) && wholeWithin(m.heads, LIMITS.heads), 'sizes');
  assert.ok(wholeWithin(m.kvHeads, LIMITS.kvHeads) && m.heads % m.kvHeads === 0, 'kvHeads divide heads');
  assert.ok(within(m.temperature, LIMITS.temperature) && wholeWithin(m.seed, LIMITS.seed), 'temperature, seed');
  assert.ok(!(m.masks.causal && m.mode === 'cross'), 'no causal cross-attention');
  assert.ok(m.masks.window === null || wholeWithin(m.masks.window, LIMITS.window), 'window');
  assert.ok(m.masks.padTo === null || wholeWithin(m.masks.padTo, LIMITS.padTo), 'padTo');
  assert.ok(m.masks.blocked.length <= LIMITS.blockedCells, 'blocked count');
  for (const cell of m.masks.blocked) assert.ok(cell.every((i) => wholeWithin(i, LIMITS.index)), 'blocked cell');
  assert.ok(wholeWithin(s.layer, LIMITS.layer) && wholeWithin(s.head, LIMITS.head) && wholeWithin(s.query, LIMITS.index), 'focus');
  assert.ok(Number.isInteger(s.step) && s.step >= 0, 'step');
  assert.ok(SPEEDS.includes(/** @type {any} */ (s.speed)), 'speed');
  assert.ok(s.pin === null || (['q', 'k'].includes(s.pin.side) && wholeWithin(s.pin.index, LIMITS.index)), 'pin');
  assert.ok(s.hiddenHeads.every((h) => wholeWithin(h, LIMITS.head)), 'hidden heads');
  const g = s.generate;
  assert.ok(wholeWithin(g.steps, LIMITS.generateSteps) && within(g.temperature, LIMITS.generateTemperature), 'generate');
  assert.ok((g.topK === null || wholeWithin(g.topK, LIMITS.topK)) && wholeWithin(g.seed, LIMITS.seed), 'generate');
}

/** Each note names what it is about: a parameter of the input, or the masked cells or texts. */
function assertNamed(/** @type {string[]} */ problems, /** @type {Set<string>} */ given) {
  for (const problem of problems) {
    const first = problem.split(/[ “]/)[0];
    const named = given.has(first) || (first === 'kv' && given.has('kv')) || /^\d+ masked cells? ignored$/.test(problem)
      || (first === 'causal' && given.has('causal')) || problem.startsWith('second text') || (first === 'link' && given.has('v'))
      || problem === 'the link has no version';
    assert.ok(named, `the note “${problem}” names none of ${[...given].join(', ')}`);
  }
}

test('any link gives a valid state, each refusal named by its parameter', () => {
  fc.assert(fc.property(params, fc.boolean(), (pairs, versioned) => {
    const search = new URLSearchParams(versioned ? [['v', '1'], ...pairs] : pairs);
    const { state, presentation, problems } = decodeState(`#${search}`);
    assertValid(state);
    assert.ok(CONTROLS.includes(presentation.controls));
    assertNamed(problems, new Set(search.keys()));
  }), { numRuns: 2000 });
});

test('any string as a whole fragment gives a valid state', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (fragment) => {
    assertValid(decodeState(fragment).state);
  }), { numRuns: 2000 });
});

test("any attributes of the element give a valid state, each refusal named by its attribute or its settings' parameter", () => {
  const attributes = fc.dictionary(fc.constantFrom(...ATTRIBUTES), value, { maxKeys: ATTRIBUTES.length });
  const settings = params.map((pairs) => new URLSearchParams(pairs).toString());
  fc.assert(fc.property(attributes, fc.option(settings), (given, setting) => {
    const all = { ...given, ...(setting === null ? {} : { settings: setting }) };
    const element = { getAttribute: (/** @type {string} */ name) => (Object.hasOwn(all, name) ? all[name] : null) };
    const search = attributeParams(element);
    const { state, problems } = decodeParams(search);
    assertValid(state);
    assertNamed(problems, new Set(search.keys()));
  }), { numRuns: 2000 });
});

/** Valid states: every field the link carries, within its range. */
const validState = fc
  .record({
    text: fc.string({ unit: 'grapheme', maxLength: 60 }),
    crossText: fc.string({ unit: 'grapheme', maxLength: 60 }),
    view: fc.constantFrom(...VIEWS),
    source: fc.constantFrom('toy', 'models/all-MiniLM-L6-v2/', 'https://huggingface.co/x/y/resolve/main/', '../m/'),
    hideSpecial: fc.boolean(),
    mode: fc.constantFrom(...MODES),
    tokenizer: fc.constantFrom(...TOKENIZERS),
    dModel: fc.integer(LIMITS.dModel),
    heads: fc.integer(LIMITS.heads),
    kvShare: fc.nat(),
    score: fc.constantFrom(...SCORES),
    scale: fc.boolean(),
    temperature: fc.double({ ...LIMITS.temperature, noNaN: true }),
    positions: fc.constantFrom(...POSITIONS),
    projections: fc.constantFrom(...PROJECTIONS),
    seed: fc.integer(LIMITS.seed),
    causal: fc.boolean(),
    window: fc.option(fc.integer(LIMITS.window)),
    padTo: fc.option(fc.integer(LIMITS.padTo)),
    blocked: fc.uniqueArray(fc.tuple(fc.integer(LIMITS.index), fc.integer(LIMITS.index)), { maxLength: 8, selector: ([q, k]) => `${q}.${k}` }),
    layer: fc.integer(LIMITS.layer),
    head: fc.integer(LIMITS.head),
    query: fc.integer(LIMITS.index),
    speed: fc.constantFrom(...SPEEDS),
    pin: fc.option(fc.record({ side: fc.constantFrom(/** @type {const} */ ('q'), /** @type {const} */ ('k')), index: fc.integer(LIMITS.index) })),
    hiddenHeads: fc.uniqueArray(fc.integer(LIMITS.head), { maxLength: 6 }),
  })
  .map((r) => {
    const state = defaultState();
    const divisors = [...Array(r.heads).keys()].map((i) => i + 1).filter((kv) => r.heads % kv === 0);
    Object.assign(state, {
      text: r.text, crossText: r.crossText, view: r.view, source: r.source, hideSpecial: r.hideSpecial, layer: r.layer, head: r.head,
      query: r.query, speed: r.speed, pin: r.pin && { side: r.pin.side, index: r.pin.index }, hiddenHeads: [...r.hiddenHeads].sort((a, b) => a - b),
    });
    Object.assign(state.model, {
      mode: r.mode, tokenizer: r.tokenizer, dModel: r.dModel, heads: r.heads, kvHeads: divisors[r.kvShare % divisors.length],
      score: r.score, scale: r.scale, temperature: r.temperature, positions: r.positions, projections: r.projections, seed: r.seed,
      masks: {
        causal: r.causal && r.mode !== 'cross', window: r.window, padTo: r.padTo,
        blocked: [...r.blocked].sort(([q1, k1], [q2, k2]) => q1 - q2 || k1 - k2),
      },
    });
    return state;
  });

test('a valid state survives a link: decode(encode(state)) = state, with no notes', () => {
  fc.assert(fc.property(validState, (state) => {
    const { state: back, problems } = decodeState(encodeState(state));
    assert.deepEqual(problems, []);
    assert.deepEqual(back, state);
  }), { numRuns: 1000 });
});

test('view names in links are the public ones', () => {
  for (const view of VIEWS) assert.equal(decodeState(`v=1&view=${VIEW_NAMES[view]}`).state.view, view);
});
