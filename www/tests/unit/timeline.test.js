import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, describeStep, isRevealed, sameMoment, stageStart, stagesOf, stepAt, stepCount, exampleKey } from '../../src/timeline.js';
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
  // x·W_Q = q and x·W_K = k with W = [[1, 0], [0, 1], [0, 1]] (d_model 3): the inputs below.
  const x = [[1, 0, 0], [0, 1, 0], [1, 0.5, 0.5]];
  return {
    block: 0, layer: 0, head: 1, query: 1, keys: 3, dK: 2, dV: 2, scale, temperature: 1,
    keyVectors: f(k.flat()),
    projection: { input: f([1, 1, 1]), keyInputs: f(x.flat()), dModel: 3, bias: false, rotary: false },
    combined: { heads: 2, concat: f([9, 8, ...output]), output: f([0.5, -0.25, 2]), bias: false },
    q: f(q), terms: f(terms), termLen: 2, termLabel: 'q ∘ k',
    scores: f(scores), scaled: f(scaled), masked: f(masked), allowed: Uint8Array.from(allowed),
    max, exp: f(exp), sumExp, weights: f(weights), values: f(values.flat()), weighted: f(weighted), output: f(output),
    fullyMasked: false,
  };
}

const tokens = (/** @type {string[]} */ words) => words.map((text, i) => ({ text, start: i, end: i + 1, special: false }));
const context = { query: tokens(['it'])[0], keys: tokens(['the', 'animal', 'street']), score: /** @type {const} */ ('dot') };

const three = { keys: 3, predict: false };
const heads = { keys: 3, predict: false, combine: true };

test('a query of K keys has 2K + 8 steps in stage order, one more when heads are combined', () => {
  assert.equal(stepCount(three), 14);
  const kinds = [...Array(14).keys()].map((i) => stepAt(three, i));
  assert.deepEqual(kinds.map((s) => s.kind), ['query', 'key', 'value', 'score', 'score', 'score', 'scale', 'mask', 'exp', 'normalise', 'weigh', 'weigh', 'weigh', 'output']);
  assert.deepEqual(kinds.map((s) => s.key), [null, null, null, 0, 1, 2, null, null, null, null, 0, 1, 2, null]);
  assert.equal(stageStart(three, 'weigh'), 10);
  assert.deepEqual(stepAt(three, 99), { kind: 'output', key: null });
  assert.equal(stepCount(heads), 15);
  assert.deepEqual(stepAt(heads, 14), { kind: 'combine', key: null });
  assert.deepEqual(stagesOf(heads).slice(-2), ['output', 'combine']);
  assert.equal(stageStart(three, 'combine'), 13, 'a stage the row lacks: its output');
  assert.equal(sameMoment(heads, three, 14), 13);
  assert.equal(stepCount({ keys: 3, predict: true, combine: true }), 16);
});

test('advancing runs across queries and stops at both ends', () => {
  assert.deepEqual(advance({ query: 0, step: 13 }, 1, 2, 3), { query: 1, step: 0 });
  assert.deepEqual(advance({ query: 1, step: 0 }, -1, 2, 3), { query: 0, step: 13 });
  assert.deepEqual(advance({ query: 1, step: 0 }, -1, 2, () => heads), { query: 0, step: 14 });
  assert.equal(advance({ query: 1, step: 13 }, 1, 2, 3), null);
  assert.equal(advance({ query: 0, step: 0 }, -1, 2, 3), null);
});

test('cells are revealed key by key, then stage by stage', () => {
  assert.equal(isRevealed(three, 4, 'score', 1), true);
  assert.equal(isRevealed(three, 4, 'score', 2), false);
  assert.equal(isRevealed(three, 8, 'mask', 2), true);
  assert.equal(isRevealed(three, 8, 'normalise', 0), false);
});

test('the row-wide stages show the key the reader picked, else the key the story is at', () => {
  const b = breakdown();
  const at = (/** @type {number} */ i) => stepAt(three, i);
  assert.equal(exampleKey(b, at(1)), 0, 'before the walk: the first key');
  assert.equal(exampleKey(b, at(stageStart(three, 'mask'))), 2, 'the mask: the first masked key');
  assert.equal(exampleKey(b, at(stageStart(three, 'exp'))), 1, 'after the walk: the last key allowed');
  assert.equal(exampleKey(b, at(stageStart(three, 'exp')), 0), 0, 'picked');
  assert.equal(exampleKey(b, at(stageStart(three, 'exp')), 7), 2, 'picked beyond the keys: the last');
  assert.equal(exampleKey(b, at(4), 0), 1, 'a per-key step keeps its own key');
  // The key changes the worked example: exp of the top key is 1, of another less.
  const exp = (/** @type {number | null} */ picked) => describeStep(b, stageStart(three, 'exp'), { ...context, picked });
  const top = exp(null);
  assert.equal(top.key, 1);
  assert.match(mathText(top.formula), /= 1\.000$/);
  assert.match(top.explanation, /largest score, so its exponential is exactly exp\(0\) = 1/);
  const other = exp(0);
  assert.equal(other.key, 0);
  assert.match(mathText(other.formula), new RegExp(`= ${b.exp[0].toFixed(3)}$`));
  assert.ok(b.exp[0] < 0.99);
  assert.match(other.explanation, /The row's largest score, 1\.414 \(‘animal’\), is subtracted first/);
  assert.match(other.title, /Exp · for ‘the’ \(key 1\)/);
  assert.match(exp(2).explanation, /masked, so its exponential is exp\(−∞\) = 0/);
});

test('the projections show x, W and the vector with their numbers, and the heads are combined by W_O', () => {
  const b = breakdown();
  const query = describeStep(b, 0, { ...context, toy: true });
  assert.equal(mathText(query.formula), 'q_i = x_i · W_Q = [1.000,1.000,1.000] · W_Q = [1.000,2.000]');
  assert.deepEqual(query.vectors.map((v) => [mathText(v.label), Array.from(v.values)]), [['x_i', [1, 1, 1]], ['q_i', [1, 2]]]);
  assert.match(query.explanation, /W_Q \(3 × 2\)/);
  assert.match(query.explanation, /token vector/);
  const key = describeStep(b, 1, { ...context, picked: 2 });
  assert.equal(mathText(key.formula), 'k_j = x_j · W_K = [1.000,0.500,0.500] · W_K = [1.000,1.000]');
  assert.match(key.explanation, /x is what layer 1 receives for ‘street’: its token and position embeddings/);
  const patch = describeStep(b, 1, { ...context, picked: 2, patches: true });
  assert.match(patch.explanation, /its patch embedding \(the patch's pixels through a learned linear map; for \[CLS\] a learned vector\) plus its position embedding/);
  assert.doesNotMatch(patch.explanation, /token and position embeddings/);
  const value = describeStep(b, 2, context);
  assert.deepEqual(Array.from(value.vectors[1].values), [1, 0]);
  const rope = describeStep({ ...b, projection: { ...b.projection, rotary: true, bias: true } }, 0, context);
  assert.match(mathText(rope.formula), /^q_i = RoPE\(x_i · W_Q \+ b_Q\)/);
  const none = describeStep({ ...b, projection: null }, 0, context);
  assert.equal(mathText(none.formula), 'q_i = x_i · W_Q = [1.000,2.000]');
  assert.match(none.explanation, /keeps q, k and v but not the vectors/);

  const combine = describeStep(b, stageStart(heads, 'combine'), { ...context, combine: true });
  assert.equal(combine.step.kind, 'combine');
  assert.match(mathText(combine.formula), /^a_i = Concat\(o_i\^1,…,o_i\^H\) · W_O = \[9\.000,8\.000,.*\] · W_O = \[0\.500,−0\.250,2\.000\]$/);
  assert.deepEqual(combine.vectors[0].highlight, [2, 4], 'this head is the second');
  assert.match(combine.explanation, /one of 2/);
});

test('every step explains itself with the live numbers', () => {
  const b = breakdown();
  for (let i = 0; i < stepCount(heads); i += 1) {
    const story = describeStep(b, i, { ...context, combine: true });
    assert.ok(story.explanation.length > 20);
    assert.ok(!/NaN|undefined/.test(story.explanation + story.announcement + mathText(story.formula)), `step ${i}`);
  }
  const score = describeStep(b, 4, context);
  assert.equal(mathText(score.formula), 's_ij = q · k = ∑_c q_ck_c = 0.000 + 2.000 = 2.000');
  assert.deepEqual(score.vectors.map((v) => mathText(v.label)), ['q_i', 'k_j', 'q ∘ k']);
  assert.deepEqual(Array.from(score.vectors[2].values), [0, 2]);
  assert.ok(!/Σ_\{|q∘k\)/.test(mathText(score.formula)));
  assert.equal(score.announcement, 'Score of ‘it’ with ‘animal’: 2.000.');
  const mask = describeStep(b, stageStart(three, 'mask'), context);
  assert.equal(mask.key, 2);
  assert.match(mathText(mask.formula), /−∞/);
  const softmax = describeStep(b, stageStart(three, 'normalise'), context);
  assert.equal(softmax.key, 1);
  assert.equal(softmax.announcement, `‘it’ gives ${b.weights[1].toFixed(3)} of its attention to ‘animal’.`);
  const output = describeStep(b, stageStart(three, 'output'), context);
  assert.match(mathText(output.formula), new RegExp(b.output[0].toFixed(3)));
});
