import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, describeStep, isRevealed, stageStart, stepAt, stepCount, exampleKey } from '../../src/timeline.js';
import { mathText } from '../../src/math.js';

/** A breakdown of 3 keys, 2 dimensions, key 2 masked, with consistent numbers. */
function breakdown() {
  const q = [1, 2];
  const k = [[1, 0], [0, 1], [1, 1]];
  const terms = k.flatMap((row) => row.map((x, d) => x * q[d]));
  const scores = k.map((row) => row[0] * q[0] + row[1] * q[1]);
  const scale = 1 / Math.sqrt(2);
  const scaled = scores.map((s) => s * scale);
  const allowed = [1, 1, 0];
  const masked = scaled.map((s, j) => (allowed[j] ? s : -Infinity));
  const max = Math.max(...masked);
  const exp = masked.map((m) => Math.exp(m - max));
  const sumExp = exp.reduce((a, b) => a + b, 0);
  const weights = exp.map((e) => e / sumExp);
  const values = [[1, 0], [0, 1], [5, 5]];
  const weighted = values.flatMap((row, j) => row.map((x) => x * weights[j]));
  const output = [weighted[0] + weighted[2] + weighted[4], weighted[1] + weighted[3] + weighted[5]];
  const f = (/** @type {number[]} */ a) => Float32Array.from(a);
  return {
    head: 0, query: 1, keys: 3, dK: 2, dV: 2, scale, temperature: 1,
    q: f(q), terms: f(terms), termLen: 2, termLabel: 'q ∘ k',
    scores: f(scores), scaled: f(scaled), masked: f(masked), allowed: Uint8Array.from(allowed),
    max, exp: f(exp), sumExp, weights: f(weights), values: f(values.flat()), weighted: f(weighted), output: f(output),
    fullyMasked: false,
  };
}

const tokens = (/** @type {string[]} */ words) => words.map((text, i) => ({ text, start: i, end: i + 1, special: false }));
const context = { query: tokens(['it'])[0], keys: tokens(['the', 'animal', 'street']), score: /** @type {const} */ ('dot') };

test('a query of K keys has 2K + 5 steps in stage order', () => {
  assert.equal(stepCount(3), 11);
  const kinds = [...Array(11).keys()].map((i) => stepAt(3, i));
  assert.deepEqual(kinds.map((s) => s.kind), ['score', 'score', 'score', 'scale', 'mask', 'exp', 'normalise', 'weigh', 'weigh', 'weigh', 'output']);
  assert.deepEqual(kinds.map((s) => s.key), [0, 1, 2, null, null, null, null, 0, 1, 2, null]);
  assert.equal(stageStart(3, 'weigh'), 7);
  assert.deepEqual(stepAt(3, 99), { kind: 'output', key: null });
});

test('advancing runs across queries and stops at both ends', () => {
  assert.deepEqual(advance({ query: 0, step: 10 }, 1, 2, 3), { query: 1, step: 0 });
  assert.deepEqual(advance({ query: 1, step: 0 }, -1, 2, 3), { query: 0, step: 10 });
  assert.equal(advance({ query: 1, step: 10 }, 1, 2, 3), null);
  assert.equal(advance({ query: 0, step: 0 }, -1, 2, 3), null);
});

test('cells are revealed key by key, then stage by stage', () => {
  assert.equal(isRevealed(3, 1, 'score', 1), true);
  assert.equal(isRevealed(3, 1, 'score', 2), false);
  assert.equal(isRevealed(3, 5, 'mask', 2), true);
  assert.equal(isRevealed(3, 5, 'normalise', 0), false);
});

test('every step explains itself with the live numbers', () => {
  const b = breakdown();
  for (let i = 0; i < stepCount(3); i += 1) {
    const story = describeStep(b, i, context);
    assert.ok(story.explanation.length > 20);
    assert.ok(!/NaN|undefined/.test(story.explanation + story.announcement + mathText(story.formula)), `step ${i}`);
  }
  const score = describeStep(b, 1, context);
  assert.match(mathText(score.formula), /= 0\.000 \+ 2\.000 = 2\.000$/);
  assert.equal(score.announcement, 'Score of ‘it’ with ‘animal’: 2.000.');
  const mask = describeStep(b, stageStart(3, 'mask'), context);
  assert.equal(mask.key, 2);
  assert.match(mathText(mask.formula), /−∞/);
  const softmax = describeStep(b, stageStart(3, 'normalise'), context);
  assert.equal(exampleKey(b, 'normalise'), 1);
  assert.equal(softmax.announcement, `‘it’ gives ${b.weights[1].toFixed(3)} of its attention to ‘animal’.`);
  const output = describeStep(b, stageStart(3, 'output'), context);
  assert.match(mathText(output.formula), new RegExp(b.output[0].toFixed(3)));
});
