import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mathText } from '../../src/math.js';
import { csvField, f32Text, weightsCsv, weightsJson } from '../../src/export/weights.js';
import { clipFigureRequest, stepView, viewFigureRequest } from '../../src/export/figure-input.js';
import { ExportError } from '../../src/export/scene.js';
import { headWeights } from '../../src/run-data.js';
import { stepCount } from '../../src/timeline.js';
import { defaultState } from '../../src/state.js';
import { makeRun } from './fixtures.js';

test('CSV fields are quoted where needed and formulas defused', () => {
  assert.equal(csvField('cat'), 'cat');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(' '), '" "');
  for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvField(`${start}1+1`).replace(/^"/, '').startsWith("'"), start);
  assert.equal(csvField('=SUM(A1:A9)'), "'=SUM(A1:A9)");
  assert.equal(csvField('=1,2'), `"'=1,2"`);
});

test('numbers are the shortest decimals that read back as the same f32', () => {
  for (const value of [0, 1, 0.1, 1 / 3, 0.08573628216981888, 1e-9, 0.999999]) {
    const f = Math.fround(value);
    const text = f32Text(f);
    assert.equal(Math.fround(Number(text)), f, text);
    assert.ok(text.replace(/^0\.|-|e.*/g, '').length <= 9, text);
  }
  assert.equal(f32Text(Math.fround(0.25)), '0.25');
});

test('the CSV has key tokens as headers, query tokens as rows and the head’s weights', () => {
  const data = makeRun(['=cmd', 'a,b', 'the'], 2);
  const state = { ...defaultState(), head: 1 };
  const csv = weightsCsv({ data, state });
  assert.ok(csv.startsWith('\uFEFF'));
  assert.ok(csv.endsWith('\r\n'));
  const lines = csv.slice(1).trimEnd().split('\r\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], `"query \\ key (head 2 of 2 · toy model, random projections: shows the mechanism, not meaning · dot-product scores × 1/√d_k · temperature 1 · no mask)",'=cmd,"a,b",the`);
  assert.ok(lines[2].startsWith('"a,b",'));
  const numbers = lines[3].split(',').slice(1).map(Number);
  numbers.forEach((n, k) => assert.equal(Math.fround(n), data.weights[9 + 2 * 3 + k]));
});

test('the JSON holds tokens, weights, masked cells and the settings', () => {
  const data = makeRun(['a', 'b', 'c'], 1, undefined, (q, k) => k <= q);
  const json = JSON.parse(weightsJson({ data, state: defaultState() }));
  assert.deepEqual(json.queryTokens, ['a', 'b', 'c']);
  assert.deepEqual(json.masked, [[0, 1], [0, 2], [1, 2]]);
  assert.equal(json.weights[0][0], 1);
  assert.equal(json.weights[0][1], 0);
  assert.equal(json.settings.heads, 4);
  assert.equal(json.model, 'toy');
  json.weights.forEach((/** @type {number[]} */ row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6));
});

/**
 * @param {import('../../src/run-data.js').RunData} data
 * @param {Partial<import('../../src/state.js').PlaygroundState>} patch
 */
const snapshot = (data, patch) => ({ data, state: { ...defaultState(), ...patch }, breakdown: null });

test('the heatmap is described with its head’s weights, its query and the mask, copied', () => {
  const data = makeRun(['<b>', 'x&y', '"q"'], 2, undefined, (q, k) => !(q === 0 && k === 2));
  const { inputs, weights, allowed } = viewFigureRequest(snapshot(data, { view: 'heatmap', head: 1, query: 2 }));
  assert.equal(inputs.length, 1);
  const [input] = inputs;
  assert.deepEqual(input.view, { kind: 'heatmap', head: 1, query: 2 });
  assert.deepEqual(input.queries.map((t) => t.text), ['<b>', 'x&y', '"q"']);
  assert.deepEqual(input.queries[0], { text: '<b>', special: false }, 'tokens as the figure labels them, nothing more');
  assert.equal(input.model, null);
  assert.equal(input.score, 'dot');
  assert.deepEqual([input.layers, input.heads, input.layer, input.renormalised], [1, 2, 0, false]);
  assert.deepEqual([...weights], [...headWeights(data, 1)]);
  assert.notEqual(weights.buffer, data.weights.buffer, 'a copy: the worker takes its buffer');
  assert.deepEqual([...allowed], [1, 1, 0, 1, 1, 1, 1, 1, 1]);
  assert.equal(viewFigureRequest(snapshot(makeRun(['a', 'b']), { view: 'heatmap' })).allowed.length, 0, 'nothing masked: no mask');
});

test('the lines are described with the shown heads’ weights and the pinned token', () => {
  const data = makeRun(['a', 'b', 'c'], 3);
  const { inputs, weights } = viewFigureRequest(snapshot(data, { view: 'lines', hiddenHeads: [1], pin: { side: 'k', index: 2 } }));
  assert.deepEqual(inputs[0].view, { kind: 'lines', shown: [0, 2], pin: { side: 'k', index: 2 } });
  assert.deepEqual([...weights], [...headWeights(data, 0), ...headWeights(data, 2)]);
});

test('the grid takes every head, a step the player’s story and numbers', () => {
  const data = makeRun(['one', 'two', 'three', 'four'], 3);
  const grid = viewFigureRequest(snapshot(data, { view: 'heads', head: 1 }));
  assert.deepEqual(grid.inputs[0].view, { kind: 'grid', head: 1 });
  assert.equal(grid.weights.length, 3 * 16);
  assert.throws(() => viewFigureRequest(snapshot(data, { view: 'player' })), (e) => e instanceof ExportError && /still being computed/.test(e.message));

  const b = breakdown(4);
  const row = { keys: 4, predict: false, combine: true };
  const view = stepView(data, b, 0, 1, 7);
  assert.equal(view.kind, 'steps');
  assert.equal(view.steps, stepCount(row));
  assert.equal(view.stages.length, 11);
  assert.equal(view.stages.at(-1), 'Heads · W_O', 'three heads end combined by W_O');
  assert.equal(view.stages[view.stage], 'Scale');
  assert.equal(view.formula.t, 'row', 'the formula goes as its tree, for the core to lay out');
  assert.equal(mathText(view.formula).split(' = ')[0], 'ŝ_ij');
  const projection = stepView(data, b, 0, 1, 0);
  assert.deepEqual(projection.vectors.map((v) => [mathText(v.label), v.values.length, v.highlight]), [['q_i', 2, null]]);
  assert.deepEqual(view.allowed, [true, true, true, false]);
  assert.deepEqual(view.columns.map((c) => [c.label, c.shown, c.weight, c.faintWhenMasked]), [
    ['score s', 4, false, false],
    ['scaled ŝ', 4, false, false],
    ['masked m', 0, false, true],
    ['exp e', 0, false, true],
    ['weight w', 0, true, true],
  ]);
  assert.equal(stepView(data, b, 0, 1, 5).columns[0].shown, 3, 'scores are revealed key by key');
  const clip = clipFigureRequest({ data, state: { ...defaultState(), head: 0, query: 1 }, breakdown: b });
  assert.equal(clip.inputs.length, stepCount(row));
  assert.deepEqual(clip.inputs.map((i) => /** @type {{ step: number }} */ (i.view).step), [...Array(stepCount(row)).keys()]);
});

/**
 * A breakdown of query 1 of head 0 over `keys` keys, the last masked.
 * @param {number} keys
 * @returns {import('../../src/types').Breakdown}
 */
function breakdown(keys) {
  const values = (/** @type {number} */ v) => Float32Array.from({ length: keys }, (_, j) => v + j);
  const weights = Float32Array.from({ length: keys }, (_, j) => (j === keys - 1 ? 0 : 1 / (keys - 1)));
  return /** @type {any} */ ({
    block: 0, layer: 0, head: 0, query: 1, keys, dK: 2, dV: 2, termLen: 2, termLabel: 'q∘k',
    q: values(0).subarray(0, 2), terms: new Float32Array(keys * 2), scores: values(1), scaled: values(0.5),
    masked: Float32Array.from({ length: keys }, (_, j) => (j === keys - 1 ? -Infinity : j)), allowed: Uint8Array.from({ length: keys }, (_, j) => (j === keys - 1 ? 0 : 1)),
    exp: values(1), weights, values: new Float32Array(keys * 2), weighted: new Float32Array(keys * 2), output: new Float32Array(2),
    scale: 0.5, temperature: 1, sum: 3, fullyMasked: false,
    keyVectors: new Float32Array(keys * 2), projection: null, combined: null,
  });
}
