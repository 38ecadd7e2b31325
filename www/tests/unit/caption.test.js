// What the page says about the weights it shows: the model (the toy's warning), the scale, the
// settings that fit each choice, and links whose one bad setting does not cost the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOY_WARNING, entropy, modelLabel, settingsCaption } from '../../src/caption.js';
import { ORIGINS, initialPage, reduce } from '../../src/controller.js';
import { weightsCsv, weightsJson } from '../../src/export/weights.js';
import { viewFigureRequest } from '../../src/export/figure-input.js';
import { foreignHost } from '../../src/model/address.js';
import { SCALE_BY_DEFAULT, defaultPresentation, defaultState, kvHeadsFor, toToyConfig } from '../../src/state.js';
import { decodeParams, decodeState, encodeState } from '../../src/url-state.js';
import { linesToDraw } from '../../src/views/lines.js';
import { makeRun } from './fixtures.js';

/** @typedef {import('../../src/model/loader.js').ModelStatus} ModelStatus */

const NO_MODEL = /** @type {ModelStatus} */ ({ phase: 'none', source: null, name: '', progress: null, info: null, report: null, heads: [], message: null });
const ENV = { status: NO_MODEL, origin: ORIGINS.attributes, reducedMotion: false, foreignHost: (/** @type {string} */ s) => foreignHost(s, 'https://course.example/') };

/** A run of a trained model: the fixture's run with a model's name and info. */
function trainedRun() {
  const data = makeRun(['it', 'was', 'tired']);
  const info = /** @type {any} */ ({ architecture: 'bert', kind: 'encoder', layers: 1, heads: 2, kvHeads: 2, hidden: 8, dK: 4, vocabSize: 10, maxPositions: 512, dtype: 'F32', parameters: 1 });
  return { ...data, model: { name: 'all-MiniLM-L6-v2', info, origin: /** @type {const} */ ('pretrained'), heads: [], kept: null, pooled: null, truncated: null } };
}

test('the toy says that it shows the mechanism, not meaning; a trained model says what it is and its precision', () => {
  const toy = makeRun(['the', 'cat']);
  const state = defaultState();
  assert.equal(modelLabel(toy, state.model, null), `toy model, ${TOY_WARNING}`);
  assert.equal(TOY_WARNING, 'random projections: shows the mechanism, not meaning');
  assert.equal(modelLabel(toy, state.model, 'models/all-MiniLM-L6-v2/'), `toy model on all-MiniLM-L6-v2’s word embeddings, ${TOY_WARNING}`);
  assert.match(modelLabel(toy, { ...state.model, projections: 'identity' }, null), /identity projections of hashed token vectors: shows the mechanism, not meaning$/);
  const caption = settingsCaption(toy, { ...state, model: { ...state.model, temperature: 5, masks: { ...state.model.masks, causal: true, window: 2 } } });
  assert.equal(caption, `toy model, ${TOY_WARNING} · dot-product scores × 1/√d_k · temperature 5 · causal mask, window 2`);
  const cosine = settingsCaption(toy, { ...state, model: { ...state.model, score: 'cosine', scale: false } });
  assert.match(cosine, /cosine scores, not scaled · temperature 1 · no mask$/);
  assert.equal(settingsCaption(trainedRun(), state), 'all-MiniLM-L6-v2, pretrained encoder, F32 weights · dot-product scores × 1/√d_k · temperature 1 · no mask');
});

test('only a model the project ships is called trained: any other says its training is unknown', () => {
  const state = defaultState();
  const run = trainedRun();
  const decoder = { ...run.model.info, kind: 'decoder', dtype: 'F16' };
  assert.equal(modelLabel({ ...run, model: { ...run.model, name: 'gpt2-2l-induction', origin: 'trained', info: { ...decoder, dtype: 'F32' } } }, state.model, null),
    'gpt2-2l-induction, decoder trained here, F32 weights');
  const loaded = modelLabel({ ...run, model: { ...run.model, name: 'tiny-gpt2', origin: null, info: decoder } }, state.model, null);
  assert.equal(loaded, 'tiny-gpt2, decoder not shipped here (its training unknown), F16 weights');
  assert.doesNotMatch(loaded, /trained (encoder|decoder)/);
});

test('every export of the toy carries its warning and the settings: figures, CSV, JSON', () => {
  const data = makeRun(['the', 'cat', 'sat']);
  const state = { ...defaultState(), stretch: true };
  const figure = viewFigureRequest({ data, state, breakdown: null }).inputs[0];
  assert.ok(figure.settings.includes(TOY_WARNING), figure.settings);
  assert.equal(figure.scale, 'stretched');
  assert.match(figure.settings, / · ‘the’: entropy \d\.\d\d bits; at most log₂ 3 = 1\.58$/, 'the outlined row’s entropy');
  assert.equal(viewFigureRequest({ data, state: defaultState(), breakdown: null }).inputs[0].scale, 'fixed');
  const header = weightsCsv({ data, state }).slice(1).split('\r\n')[0];
  assert.equal(header, `"query \\ key (head 1 of 2 · toy model, ${TOY_WARNING} · dot-product scores × 1/√d_k · temperature 1 · no mask)",the,cat,sat`);
  assert.ok(JSON.parse(weightsJson({ data, state })).caption.includes(TOY_WARNING));
  const trained = weightsCsv({ data: trainedRun(), state }).slice(1).split('\r\n')[0];
  assert.ok(trained.startsWith('"query \\ key (head 1 of 2 · all-MiniLM-L6-v2, pretrained encoder, F32 weights'), trained);
});

test('entropy of a row in bits, and the most it could be: log2 of the keys allowed', () => {
  assert.deepEqual(entropy([1, 0, 0, 0], [1, 1, 1, 1]), { bits: 0, max: 2, keys: 4 });
  assert.deepEqual(entropy([0.25, 0.25, 0.25, 0.25], [1, 1, 1, 1]), { bits: 2, max: 2, keys: 4 });
  const masked = entropy([0.5, 0.5, 0], [1, 1, 0]);
  assert.deepEqual(masked, { bits: 1, max: 1, keys: 2 });
  // Temperature 5 over 12 keys: weights between 0.05 and 0.19 are nearly flat.
  const flat = Array.from({ length: 12 }, (_, i) => 0.05 + (0.14 * i) / 11);
  const sum = flat.reduce((a, b) => a + b, 0);
  const e = entropy(flat.map((w) => w / sum), new Uint8Array(12).fill(1));
  assert.ok(e.bits > 0.95 * e.max && e.bits < e.max, `${e.bits} of ${e.max}`);
});

test('lines are as strong as their weight out of 1, unless stretched to the largest', () => {
  const data = makeRun(['a', 'b'], 1, (h, q, k) => (k === 0 ? 1 : 3));
  const fixed = linesToDraw(data, [], null).lines ?? [];
  const stretched = linesToDraw(data, [], null, true).lines ?? [];
  const strongest = (/** @type {typeof fixed} */ lines) => Math.max(...lines.map((l) => l.opacity));
  assert.equal(strongest(fixed).toFixed(4), (0.95 * 0.75).toFixed(4));
  assert.equal(strongest(stretched).toFixed(4), '0.9500');
});

test('scaling follows the score function; cross-attention has no causal mask; key/value heads follow the heads', () => {
  assert.deepEqual(SCALE_BY_DEFAULT, { dot: true, general: true, additive: false, cosine: false });
  assert.equal(decodeParams(new URLSearchParams('score=cosine')).state.model.scale, false);
  assert.equal(decodeParams(new URLSearchParams('score=additive')).state.model.scale, false);
  assert.equal(decodeParams(new URLSearchParams('score=cosine&scale=1')).state.model.scale, true);
  assert.equal(decodeParams(new URLSearchParams('score=general')).state.model.scale, true);

  const cross = decodeParams(new URLSearchParams('mode=cross&causal=1'));
  assert.equal(cross.state.model.masks.causal, false);
  assert.deepEqual(cross.problems, ['causal was ignored: it masks later tokens of one text, and cross-attention compares two']);
  assert.deepEqual(toToyConfig({ ...defaultState().model, mode: 'cross', masks: { causal: true, window: null, padTo: null, blocked: [] } }).masks, []);

  assert.deepEqual([kvHeadsFor(2, 4), kvHeadsFor(6, 4), kvHeadsFor(8, 3), kvHeadsFor(7, 4), kvHeadsFor(4, 4)], [2, 3, 2, 1, 4]);
  const embed = decodeParams(new URLSearchParams('causal=1&h=2'));
  assert.deepEqual([embed.state.model.heads, embed.state.model.kvHeads, embed.state.model.masks.causal, embed.problems], [2, 2, true, []]);
  const explicit = decodeParams(new URLSearchParams('h=2&kv=3'));
  assert.deepEqual([explicit.state.model.kvHeads, explicit.problems], [2, ['kv 3 does not divide the 2 heads, so 2 is used']]);
});

test('the stretched scale travels in links, and is off by default', () => {
  assert.equal(defaultState().stretch, false);
  const state = { ...defaultState(), stretch: true };
  const hash = encodeState(state);
  assert.match(hash, /&stretch=1/);
  assert.equal(decodeState(hash).state.stretch, true);
  assert.doesNotMatch(encodeState(defaultState()), /stretch/);
});

test('an element whose one setting the core refuses keeps the others and names the one', () => {
  const decoded = decodeParams(new URLSearchParams('text=The cat sat on the mat&causal=1&d=10&h=3'));
  const page = initialPage(decoded, ORIGINS.attributes);
  const failed = reduce(page, { type: 'run-failed', message: 'd_model 10 is not divisible by 3 heads', field: 'heads' }, ENV);
  const { state } = failed.page;
  assert.deepEqual([state.text, state.model.masks.causal, state.model.dModel, state.model.heads], ['The cat sat on the mat', true, 10, defaultState().model.heads]);
  assert.equal(failed.page.notes.link, 'Some attributes had values that could not be used, so defaults stand in for them: h (d_model 10 is not divisible by 3 heads).');
  assert.deepEqual(failed.effects, [{ type: 'run', delay: 0 }]);
  // Still refused with the default heads: d_model goes back to its default too.
  const again = reduce(failed.page, { type: 'run-failed', message: 'd_model 10 is not divisible by 4 heads', field: 'heads' }, ENV);
  assert.deepEqual([again.page.state.model.dModel, again.page.state.model.masks.causal], [defaultState().model.dModel, true]);
  assert.match(/** @type {string} */ (again.page.notes.link), /: h \(d_model 10 is not divisible by 3 heads\)\. .*: d \(d_model 10 is not divisible by 4 heads\)\.$/);
});

test('the page opens on a trained model, and the next one stands in when it is not on the server', () => {
  const opening = { state: { ...defaultState(), source: 'models/all-MiniLM-L6-v2/' }, presentation: defaultPresentation(), problems: [], present: false };
  const page = initialPage(opening, ORIGINS.link, ['trained/gpt2-2l-induction/']);
  const failed = /** @type {ModelStatus} */ ({ ...NO_MODEL, phase: 'failed', source: 'models/all-MiniLM-L6-v2/', name: 'all-MiniLM-L6-v2', message: 'config.json: HTTP 404' });
  const next = reduce(page, { type: 'model-status' }, { ...ENV, origin: ORIGINS.link, status: failed });
  assert.equal(next.page.state.source, 'trained/gpt2-2l-induction/');
  assert.deepEqual(next.effects, [{ type: 'want-model', source: 'trained/gpt2-2l-induction/' }, { type: 'run', delay: 0 }]);
  assert.match(/** @type {string} */ (next.page.notes.model), /^all-MiniLM-L6-v2 could not be loaded \(config\.json: HTTP 404\), so another trained model is shown\.$/);
  // The last one missing too: the toy, with the usual note.
  const gone = /** @type {ModelStatus} */ ({ ...failed, source: 'trained/gpt2-2l-induction/', name: 'gpt2-2l-induction' });
  const last = reduce(next.page, { type: 'model-status' }, { ...ENV, origin: ORIGINS.link, status: gone });
  assert.equal(last.page.state.source, 'toy');
});
