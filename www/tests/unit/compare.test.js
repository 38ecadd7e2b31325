// Comparing two sentences through one head: the token alignment (fewest edits, by position when
// the lengths agree), the difference B − A read straight from both runs' weights, masks, the note
// that says how tokens were paired, and the diverging colours against the design's end points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alignTokens, compareRuns, formatDifference } from '../../src/compare.js';
import { differenceColour } from '../../src/colors.js';
import { DIVERGING } from '../../src/generated/design.js';
import { headWeights } from '../../src/run-data.js';
import { makeRun } from './fixtures.js';

const words = (text) => text.split(' ').map((t) => ({ text: t, special: false }));

test('the same length and one word replaced: paired by position', () => {
  const pairs = alignTokens(words('it was too tired'), words('it was too wide'));
  assert.deepEqual(pairs, [{ a: 0, b: 0 }, { a: 1, b: 1 }, { a: 2, b: 2 }, { a: 3, b: 3 }]);
});

test('an inserted word shifts the pairing; it has no counterpart', () => {
  const pairs = alignTokens(words('the animal was tired'), words('the big animal was tired'));
  assert.deepEqual(pairs, [{ a: 0, b: 0 }, { a: null, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 3 }, { a: 3, b: 4 }]);
  assert.deepEqual(alignTokens([], words('a b')), [{ a: null, b: 0 }, { a: null, b: 1 }]);
});

test('every alignment keeps both orders and pairs equal texts as often as the fewest edits allow', () => {
  const token = fc.constantFrom('a', 'b', 'c', 'd');
  fc.assert(fc.property(fc.array(token, { maxLength: 9 }), fc.array(token, { maxLength: 9 }), (x, y) => {
    const pairs = alignTokens(x.map((text) => ({ text, special: false })), y.map((text) => ({ text, special: false })));
    assert.deepEqual(pairs.filter((p) => p.a !== null).map((p) => p.a), [...x.keys()]);
    assert.deepEqual(pairs.filter((p) => p.b !== null).map((p) => p.b), [...y.keys()]);
    const edits = pairs.filter((p) => p.a === null || p.b === null || x[p.a] !== y[p.b]).length;
    // No alignment needs more edits than replacing position by position and inserting the rest.
    const byPosition = Math.abs(x.length - y.length) + x.slice(0, y.length).filter((t, i) => t !== y[i]).length;
    assert.ok(edits <= byPosition, `${edits} > ${byPosition}`);
  }));
});

test('B − A is each shared pair’s weight in B minus its weight in A', () => {
  const a = makeRun(['the', 'animal', 'was', 'tired'], 2);
  const b = makeRun(['the', 'big', 'animal', 'was', 'wide'], 2, (h, q, k) => 1 + ((h + q * k) % 3));
  const c = compareRuns(a, b, 1);
  assert.deepEqual(c.rows.map((p) => [p.a, p.b, p.same]), [[0, 0, true], [1, 2, true], [2, 3, true], [3, 4, false]]);
  assert.deepEqual(c.rowLabels.map((l) => l.text), ['the', 'animal', 'was', 'tired/wide']);
  const wa = headWeights(a, 1);
  const wb = headWeights(b, 1);
  c.rows.forEach((r, i) => c.cols.forEach((k, j) => {
    assert.ok(Math.abs(c.difference[i * 4 + j] - (wb[r.b * 5 + k.b] - wa[r.a * 4 + k.a])) < 1e-7);
  }));
  assert.equal(c.note, '4 tokens paired by the fewest edits, 1 replaced (‘tired’ → ‘wide’); only in B, left out: ‘big’');
  const same = compareRuns(a, makeRun(['the', 'animal', 'was', 'wide'], 2), 0);
  assert.equal(same.note, '4 tokens each, paired by position, 1 replaced (‘tired’ → ‘wide’)');
});

test('a pair masked in either sentence is masked in the difference, with no number', () => {
  const causal = (q, k) => k <= q;
  const a = makeRun(['a', 'b', 'c'], 1, undefined, causal);
  const b = makeRun(['a', 'b', 'c'], 1, undefined, (q, k) => causal(q, k) && !(q === 2 && k === 0));
  const c = compareRuns(a, b, 0);
  assert.deepEqual([...c.allowed], [1, 0, 0, 1, 1, 0, 0, 1, 1]);
  assert.equal(c.difference[6], 0);
});

test('differences print with a sign and take the diverging scale: blue below 0, red above', () => {
  assert.deepEqual([formatDifference(-0.3957), formatDifference(0.25), formatDifference(0.0002)], ['\u22120.396', '+0.250', '0.000']);
  const hex = ([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  assert.equal(differenceColour(-1), hex(DIVERGING[0]));
  assert.equal(differenceColour(0), hex(DIVERGING[4]));
  assert.equal(differenceColour(1), hex(DIVERGING[8]));
  assert.equal(differenceColour(5), differenceColour(1));
  assert.equal(differenceColour(Number.NaN), differenceColour(0));
});

test('the link and the element carry sentence B; it is written while the Compare view is shown or B is not the default', async () => {
  const { decodeState, encodeState, decodeParams } = await import('../../src/url-state.js');
  const { attributeParams } = await import('../../src/attributes.js');
  const { elementAttributes } = await import('../../src/share.js');
  const { DEFAULT_COMPARE_TEXT, comparedText, defaultPresentation, defaultState, sameComputation } = await import('../../src/state.js');
  const state = { ...defaultState(), view: /** @type {const} */ ('compare'), compareText: 'The animal was too wide.' };
  const back = decodeState(encodeState(state));
  assert.equal(back.state.view, 'compare');
  assert.equal(back.state.compareText, 'The animal was too wide.');
  assert.deepEqual(back.problems, []);
  assert.equal(new URLSearchParams(encodeState(defaultState())).has('compare'), false);
  assert.equal(new URLSearchParams(encodeState({ ...defaultState(), view: 'compare' })).get('compare'), DEFAULT_COMPARE_TEXT);
  const element = { getAttribute: (/** @type {string} */ name) => ({ view: 'compare', 'compare-text': 'B here' })[name] ?? null };
  assert.equal(decodeParams(attributeParams(element)).state.compareText, 'B here');
  assert.deepEqual(elementAttributes(state, defaultPresentation()).find(([name]) => name === 'compare-text'), ['compare-text', 'The animal was too wide.']);
  // Only the Compare view runs B: changing B elsewhere asks for no run.
  assert.equal(comparedText({ ...state, view: 'heatmap' }), null);
  assert.equal(sameComputation({ ...state, view: 'heatmap' }, { ...state, view: 'heatmap', compareText: 'other' }), true);
  assert.equal(sameComputation(state, { ...state, compareText: 'other' }), false);
});
