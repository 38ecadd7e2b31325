import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeState, encodeState } from '../../src/url-state.js';
import { LIMITS, defaultState } from '../../src/state.js';
import { maxSteps } from '../../src/timeline.js';
import { CORE_LIMITS } from '../../src/generated/core.js';

test('the default state round-trips exactly', () => {
  const state = defaultState();
  const { state: back, problems } = decodeState(encodeState(state));
  assert.deepEqual(problems, []);
  assert.deepEqual(back, state);
});

test('every field round-trips exactly', () => {
  const state = defaultState();
  Object.assign(state, {
    text: 'Ünïcode & symbols = 100% 😀 #hash?q=1',
    crossText: 'Der Hund',
    view: 'player',
    source: 'models/all-MiniLM-L6-v2/',
    layer: 2,
    head: 3,
    query: 7,
    step: 12,
    key: 5,
    speed: 2,
    pin: { side: 'k', index: 4 },
    hiddenHeads: [1, 2],
    stretch: true,
    across: 'flow',
  });
  // Causal masking does not apply to cross-attention (a link that asks for both is told so).
  Object.assign(state.model, {
    mode: 'cross', tokenizer: 'chars', dModel: 96, heads: 8, kvHeads: 2, score: 'additive', scale: true,
    temperature: 0.35, positions: 'rope', projections: 'identity', seed: 4294967295,
    masks: { causal: false, window: 3, padTo: 20, blocked: [[0, 1], [5, 2]] },
  });
  const { state: back, problems } = decodeState(`#${encodeState(state)}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(back, state);
});

test('the rollout or flow on screen is in the link, a head is not written, an unknown value is named', () => {
  assert.match(encodeState({ ...defaultState(), across: 'rollout' }), /(^|&)across=rollout(&|$)/);
  assert.doesNotMatch(encodeState(defaultState()), /across=/);
  const { state, problems } = decodeState('#v=1&across=sideways');
  assert.equal(state.across, 'head');
  assert.equal(problems.length, 1);
  assert.match(problems[0], /across/);
});

test('the presentation round-trips, and is left out of the link when it is the default', () => {
  const presentation = { controls: /** @type {const} */ ('minimal'), autoplay: true, embed: true };
  assert.deepEqual(decodeState(encodeState(defaultState(), presentation)).presentation, presentation);
  assert.doesNotMatch(encodeState(defaultState(), {}), /controls|autoplay|embed/);
});

test('an empty fragment gives the defaults without a note', () => {
  const decoded = decodeState('');
  assert.equal(decoded.present, false);
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(decoded.state, defaultState());
});

test('a wrong or missing version falls back to the defaults with a note', () => {
  for (const fragment of ['#v=99&h=2', '#h=2', '#<script>alert(1)</script>']) {
    const decoded = decodeState(fragment);
    assert.equal(decoded.problems.length, 1, fragment);
    assert.deepEqual(decoded.state, defaultState());
  }
});

test('bad fields fall back one by one; out-of-range numbers are clamped', () => {
  const decoded = decodeState('v=1&h=abc&d=99999&temp=-5&score=evil&scale=maybe&seed=1e400&cells=1.2-x.y-3.4&pin=z9&hide=1-zz&speed=7&view=%3Cimg%3E');
  const defaults = defaultState();
  assert.equal(decoded.state.model.heads, defaults.model.heads);
  assert.equal(decoded.state.model.dModel, 1024);
  assert.equal(decoded.state.model.temperature, 0.01);
  assert.equal(decoded.state.model.score, 'dot');
  assert.equal(decoded.state.model.scale, true);
  assert.equal(decoded.state.model.seed, 42);
  assert.deepEqual(decoded.state.model.masks.blocked, [[1, 2], [3, 4]]);
  assert.equal(decoded.state.pin, null);
  assert.deepEqual(decoded.state.hiddenHeads, [1]);
  assert.equal(decoded.state.speed, 1);
  assert.equal(decoded.state.view, 'heatmap');
  assert.ok(decoded.problems.length >= 10, decoded.problems.join('\n'));
  for (const problem of decoded.problems) assert.ok(problem.length < 200);
});

test('the player’s picked key is in the link only when picked; a bad one is named and dropped', () => {
  assert.doesNotMatch(encodeState(defaultState()), /(^|&)key=/);
  assert.match(encodeState({ ...defaultState(), key: 3 }), /&key=3(&|$)/);
  const bad = decodeState('v=1&key=abc');
  assert.equal(bad.state.key, null);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0], /key/);
  assert.equal(decodeState('v=1&key=').state.key, null);
  // A step beyond the longest story (2K + 10 steps at the most tokens) is clamped to its end.
  const far = decodeState('v=1&step=999999');
  assert.equal(far.state.step, maxSteps(LIMITS.index.max + 1) - 1);
  assert.equal(far.problems.length, 1);
});

test('hostile text stays text and is cut to the length limit', () => {
  const long = 'x'.repeat(50000);
  const decoded = decodeState(`v=1&text=${encodeURIComponent(`<img src=x onerror=alert(1)>${long}`)}`);
  assert.ok(decoded.state.text.startsWith('<img src=x onerror=alert(1)>'));
  assert.equal(decoded.state.text.length, 20000);
  assert.equal(decoded.problems.length, 1);
});

test('a decoder’s generation settings round-trip, and links leave out the defaults', () => {
  const plain = encodeState(defaultState());
  assert.doesNotMatch(plain, /(^|&)(gen|gn|gsample|gtemp|gtopk|gseed)=/, 'the defaults are not written');
  const state = defaultState();
  state.generate = { on: true, steps: 40, sample: true, temperature: 0.65, topK: null, seed: 4294967295 };
  const link = encodeState(state);
  assert.match(link, /gen=1&gn=40&gsample=1&gtemp=0\.65&gtopk=&gseed=4294967295/);
  const { state: back, problems } = decodeState(link);
  assert.deepEqual(problems, []);
  assert.deepEqual(back.generate, state.generate);
  // Greedy settings that differ from the defaults are kept too (the link shows what was set).
  const greedy = defaultState();
  greedy.generate = { ...greedy.generate, on: true, steps: 5 };
  assert.deepEqual(decodeState(encodeState(greedy)).state.generate, greedy.generate);
});

test('bad generation settings fall back or are clamped, one note each', () => {
  const decoded = decodeState('v=1&gen=yes&gn=500&gsample=1&gtemp=hot&gtopk=0&gseed=-3');
  const defaults = defaultState().generate;
  assert.equal(decoded.state.generate.on, defaults.on);
  assert.equal(decoded.state.generate.steps, 64, 'at most 64 tokens');
  assert.equal(decoded.state.generate.sample, true);
  assert.equal(decoded.state.generate.temperature, defaults.temperature);
  assert.equal(decoded.state.generate.topK, 1);
  assert.equal(decoded.state.generate.seed, 0);
  assert.deepEqual(decoded.problems, [
    'gen “yes” is not 0 or 1',
    'gn 500 was clamped to 64',
    'gtemp “hot” is not a number',
    'gtopk 0 was clamped to 1',
    'gseed -3 was clamped to 0',
  ]);
  assert.equal(decodeState('v=1&gn=0').state.generate.steps, 1, 'at least one token');
  assert.equal(decodeState('v=1&gtopk=').state.generate.topK, null, 'empty: among all tokens');
});

test("a link's layer and head are bounded by the largest model the core loads, not by the toy's limits", () => {
  // A 32-head decoder's head 31 in layer 40: the toy allows 16 heads, the model's own counts decide later.
  const { state, problems } = decodeState('v=1&layer=40&head=31&hide=20-31');
  assert.deepEqual(problems, []);
  assert.equal(state.layer, 40);
  assert.equal(state.head, 31);
  assert.deepEqual(state.hiddenHeads, [20, 31]);
  const beyond = decodeState(`v=1&head=${CORE_LIMITS.maxModelCount}`);
  assert.equal(beyond.state.head, CORE_LIMITS.maxModelCount - 1);
  assert.deepEqual(beyond.problems, [`head ${CORE_LIMITS.maxModelCount} was clamped to ${CORE_LIMITS.maxModelCount - 1}`]);
  assert.equal(decodeState('v=1&h=32').state.model.heads, CORE_LIMITS.maxHeads, "the toy's own heads keep the toy's limit");
});
