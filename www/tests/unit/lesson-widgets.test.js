// The pure parts of the lesson widgets that read trained models and measure costs: numbers from
// evaluation files (a dotted path, a model's exact match by length), leave-one-out occlusion
// (a text without a token, a probability known exactly or only as a bound, the most attended and
// the most important token), the cost widget's texts and medians, and a head's pattern read
// off a playground's export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactMatch, valueAt } from '../../src/lessons/file-values.js';
import { decisive, mostAttended, probabilityOf, probabilityText, withoutToken } from '../../src/lessons/leave-one-out.js';
import { COST_MEASURES, median, wordsText } from '../../src/lessons/cost-measures.js';
import { patternOf } from '../../src/lessons/pattern.js';
import { EVALUATIONS } from '../../src/generated/catalog.js';

test('a value at a dotted path: objects by name, arrays by position, a missing part named', () => {
  const doc = { accuracy: { top1: 0.77 }, heads: [{ name: 'previous token' }, { name: 'induction', score: 0.79 }] };
  assert.equal(valueAt(doc, 'accuracy.top1'), 0.77);
  assert.equal(valueAt(doc, 'heads.1.name'), 'induction');
  assert.throws(() => valueAt(doc, 'heads.2.name'), /no heads\.2/);
  assert.throws(() => valueAt(doc, 'accuracy'), /not a number or a name/);
  assert.throws(() => valueAt({ a: null }, 'a.b'), /no a\.b/);
});

test('exact match by model and length group, from the committed evaluations', () => {
  const grammar = EVALUATIONS.filter((e) => e.task === 'grammar');
  const gru = grammar.find((e) => e.name === 'grammar-gru');
  assert.ok(gru);
  assert.equal(exactMatch(grammar, 'grammar-gru', null), gru.exactMatch);
  assert.equal(exactMatch(grammar, 'grammar-gru', '36-40'), gru.buckets.find((b) => b.label === '36-40')?.exactMatch);
  assert.throws(() => exactMatch(grammar, 'dates-gru', null), /is not one of grammar-/);
  assert.throws(() => exactMatch(grammar, 'grammar-gru', '41-45'), /bucket="41-45" is not one of 1-5/);
});

test('a token is taken out of the text by its span, spaces around it kept as they were', () => {
  const text = 'kite ball lamp';
  assert.equal(withoutToken(text, { start: 4, end: 9 }), 'kite lamp');
  assert.equal(withoutToken(text, { start: 0, end: 4 }), ' ball lamp');
});

test('a probability is exact among the best candidates, else an upper bound: the least of them', () => {
  const step = { top: [{ id: 5, text: 'a', probability: 0.6 }, { id: 9, text: 'b', probability: 0.3 }, { id: 2, text: 'c', probability: 0.05 }] };
  assert.deepEqual(probabilityOf(step, 9), { value: 0.3, below: false });
  assert.deepEqual(probabilityOf(step, 7), { value: 0.05, below: true });
  assert.equal(probabilityText({ value: 0.05, below: true }), '< 0.050');
  assert.equal(probabilityText({ value: 0.3, below: false }), '0.300');
});

test('the most attended token and the ones whose removal matters most can differ', () => {
  const token = (text) => ({ text, start: 0, end: 1, special: false });
  const rows = [
    { token: token('a'), attention: 0.1, probability: { value: 0.5, below: false }, top: 'x' },
    { token: token('b'), attention: 0.8, probability: { value: 0.2, below: false }, top: 'x' },
    { token: token('c'), attention: 0.05, probability: { value: 0.01, below: true }, top: 'y' },
  ];
  assert.equal(mostAttended(rows), 1);
  // Only the removal that pushed the prediction out of the best candidates is decisive.
  assert.deepEqual(decisive(rows), [2]);
  // Two bounds cannot be ranked: both are decisive.
  const two = [...rows, { token: token('d'), attention: 0, probability: { value: 0.001, below: true }, top: 'z' }];
  assert.deepEqual(decisive(two), [2, 3]);
  // With every probability exact, the lowest one.
  assert.deepEqual(decisive(rows.slice(0, 2)), [1]);
});

test('the cost widget runs texts of exactly n words and takes the median of its timings', () => {
  for (const n of [1, 20, 64, 1024]) assert.equal(wordsText(n).split(' ').length, n);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const measured = { tokens: 8, ms: 2, weightBytes: 4 * 8 * 8 * 4, qkvBytes: 3 * 4 * 8 * 16 * 4, pairs: 64 };
  assert.equal(COST_MEASURES['weights-mb'].read(measured), 1024 / 1e6);
  assert.equal(COST_MEASURES.pairs.read(measured), 64);
});

test('a head is named by its pattern over every query of the export, special keys as the export marks them', () => {
  const tokens = ['[CLS]', 'the', 'cat', 'sat', '[SEP]'];
  const n = tokens.length;
  const rowOn = (k) => Array.from({ length: n }, (_, j) => (j === k ? 1 : 0));
  const previous = { model: 'm', caption: 'm', layer: 0, head: 0, queryTokens: tokens, keyTokens: tokens, masked: [], specialKeys: [0, 4],
    weights: tokens.map((_, q) => rowOn(Math.max(q - 1, 0))) };
  assert.equal(patternOf(previous).label, 'previous token');
  const parked = { ...previous, weights: tokens.map(() => rowOn(4)) };
  assert.equal(patternOf(parked).kind, 'special');
  assert.match(patternOf(parked).label, /\[SEP\]/);
  const even = { ...previous, weights: tokens.map(() => Array(n).fill(1 / n)) };
  assert.equal(patternOf(even).label, 'broad');
});
