import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeState, encodeState } from '../../src/url-state.js';
import { defaultState } from '../../src/state.js';

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
    speed: 2,
    pin: { side: 'k', index: 4 },
    hiddenHeads: [1, 2],
  });
  Object.assign(state.model, {
    mode: 'cross', tokenizer: 'chars', dModel: 96, heads: 8, kvHeads: 2, score: 'additive', scale: false,
    temperature: 0.35, positions: 'rope', projections: 'identity', seed: 4294967295,
    masks: { causal: true, window: 3, padTo: 20, blocked: [[0, 1], [5, 2]] },
  });
  const { state: back, problems } = decodeState(`#${encodeState(state)}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(back, state);
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

test('hostile text stays text and is cut to the length limit', () => {
  const long = 'x'.repeat(50000);
  const decoded = decodeState(`v=1&text=${encodeURIComponent(`<img src=x onerror=alert(1)>${long}`)}`);
  assert.ok(decoded.state.text.startsWith('<img src=x onerror=alert(1)>'));
  assert.equal(decoded.state.text.length, 20000);
  assert.equal(decoded.problems.length, 1);
});
