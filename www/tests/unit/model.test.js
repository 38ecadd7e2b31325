import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localSource, planFor, relativeAddress, sortModelFiles } from '../../src/model/address.js';
import { sameVersion } from '../../src/model/cache.js';
import { progressText } from '../../src/views/load-status.js';
import { describeLoad, describeModel } from '../../src/views/model-panel.js';
import { atLayer, breakdownMatches, headName, headWeights, layerHeadWeights, rowsNote, runData, runIndex, shownIndex } from '../../src/run-data.js';
import { limitNotes } from '../../src/limits.js';
import { decodeState, encodeState } from '../../src/url-state.js';
import { defaultState, neededModel, sameComputation } from '../../src/state.js';

const PAGE = 'http://example.org/course/attention/index.html';

test('a model folder, a file in it, or a hub page become the files to fetch', () => {
  const folder = planFor('models/all-MiniLM-L6-v2/', PAGE);
  assert.equal(folder.name, 'all-MiniLM-L6-v2');
  assert.equal(folder.config.href, 'http://example.org/course/attention/models/all-MiniLM-L6-v2/config.json');
  assert.deepEqual(folder.weights.map((url) => url.pathname.split('/').pop()), ['model.safetensors', 'model.f16.safetensors']);
  // Without the final slash, and with a file of the folder: the same folder.
  assert.equal(planFor('models/all-MiniLM-L6-v2', PAGE).folder.href, folder.folder.href);
  assert.equal(planFor('models/all-MiniLM-L6-v2/config.json', PAGE).folder.href, folder.folder.href);
  // A link to one weights file: that file is the one used.
  const single = planFor('https://cdn.example.net/m/bert/weights.safetensors?download=1', PAGE);
  assert.deepEqual(single.weights.map((url) => url.href), ['https://cdn.example.net/m/bert/weights.safetensors?download=1']);
  assert.equal(single.tokenizer.href, 'https://cdn.example.net/m/bert/tokenizer.json');
  // A model hub's pages point at their raw files.
  const hub = planFor('https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2', PAGE);
  assert.equal(hub.folder.href, 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/');
  assert.equal(hub.name, 'all-MiniLM-L6-v2');
  assert.equal(planFor('https://huggingface.co/org/m/tree/v2', PAGE).folder.href, 'https://huggingface.co/org/m/resolve/v2/');
  assert.equal(planFor('https://huggingface.co/org/m/blob/main/model.safetensors', PAGE).weights[0].href, 'https://huggingface.co/org/m/resolve/main/model.safetensors');
});

test('addresses that are not on the web are refused with a sentence', () => {
  assert.throws(() => planFor('javascript:alert(1)', PAGE), /not a web address/);
  assert.throws(() => planFor('file:///etc/passwd', PAGE), /not a web address/);
  assert.throws(() => planFor('http://[bad', PAGE), /not an address/);
});

test('the served model is named relative to the page that shows it', () => {
  const served = new URL('http://example.org/models/all-MiniLM-L6-v2/');
  assert.equal(relativeAddress(new URL('http://example.org/'), served), 'models/all-MiniLM-L6-v2/');
  assert.equal(relativeAddress(new URL('http://example.org/index.html#v=1'), served), 'models/all-MiniLM-L6-v2/');
  assert.equal(relativeAddress(new URL('http://example.org/www/docs/'), served), '../../models/all-MiniLM-L6-v2/');
  assert.equal(relativeAddress(new URL('https://other.example/'), served), served.href);
});

test('picked or dropped files are sorted by name; missing ones and shards are named', () => {
  const file = (name) => ({ name, size: 1 });
  const sorted = sortModelFiles([file('README.md'), file('config.json'), file('vocab.txt'), file('model.safetensors'), file('model.f16.safetensors'), file('tokenizer.json')]);
  assert.equal(sorted.weights?.name, 'model.safetensors');
  assert.equal(sorted.tokenizer?.name, 'tokenizer.json');
  assert.deepEqual(sorted.ignored, ['README.md', 'model.f16.safetensors']);
  assert.equal(sortModelFiles([file('config.json'), file('vocab.txt'), file('my-bert.safetensors')]).weights?.name, 'my-bert.safetensors');
  assert.throws(() => sortModelFiles([file('vocab.txt'), file('model.safetensors')]), /config\.json is missing/);
  assert.throws(() => sortModelFiles([file('config.json')]), /tokenizer\.json, vocab\.txt or vocab\.json, a \.safetensors weights file are missing/);
  assert.equal(sortModelFiles([file('config.json'), file('vocab.json'), file('model.safetensors')]).vocab?.name, 'vocab.json', 'an encoder–decoder’s vocabularies');
  assert.throws(() => sortModelFiles([]), /No files were given/);
  assert.throws(
    () => sortModelFiles([file('config.json'), file('vocab.txt'), file('model-00001-of-00002.safetensors'), file('model-00002-of-00002.safetensors')]),
    /split into 2 shards/,
  );
  assert.equal(localSource('my model (v2)'), 'local:my-model-v2-');
});

test('a stored copy is used while the server announces the same version, or cannot be asked', () => {
  assert.equal(sameVersion({ etag: 'W/"a"', size: 10 }, { etag: 'W/"a"', size: 10 }), true);
  assert.equal(sameVersion({ etag: 'W/"a"', size: 10 }, { etag: 'W/"b"', size: 10 }), false);
  assert.equal(sameVersion({ etag: null, size: 10 }, { etag: null, size: 10 }), true);
  assert.equal(sameVersion({ etag: null, size: 10 }, { etag: null, size: 11 }), false);
  assert.equal(sameVersion({ etag: null, size: null }, { etag: null, size: null }), false);
  assert.equal(sameVersion({ etag: 'W/"a"', size: 10 }, null), true);
});

/** A model run of 4 tokens, [CLS] a b [SEP], 2 layers × 2 heads. */
function fakeRun() {
  const tokens = ['[CLS]', 'a', 'b', '[SEP]'].map((text, i) => ({ text, id: i, start: 0, end: 0, special: text.startsWith('[') }));
  const attentions = new Float32Array(2 * 2 * 16).map((_, i) => (i % 16) / 100);
  const kept = new Float32Array(2 * 2 * 4).map((_, i) => i);
  const info = { architecture: 'bert', layers: 2, heads: 2, hidden: 8, dK: 4, vocabSize: 10, maxPositions: 8, dtype: /** @type {const} */ ('F16'), parameters: 1234567 };
  const block = (/** @type {number} */ layer) => ({
    layer, kind: /** @type {const} */ ('self'), queries: 0, keys: 0, heads: 2, kvHeads: 2, dK: 4, dV: 4, score: /** @type {const} */ ('dot'),
    scale: 0.5, temperature: 1, fullyMaskedRows: [], masked: false, combined: false,
  });
  const result = {
    type: /** @type {const} */ ('run'), id: 1, milliseconds: 1, breakdown: null, pooled: new Float32Array(8),
    summary: {
      source: { name: 'tiny', kind: /** @type {const} */ ('encoder'), trained: true },
      sequences: [{ role: /** @type {const} */ ('text'), tokens }],
      blocks: [block(0), block(1)],
      dModel: 8, truncated: null, pooled: true,
    },
    weights: attentions,
    allowed: new Uint8Array(2 * 16).fill(1),
    withoutSpecial: { kept: [[1, 2]], weights: kept },
  };
  return { result, info };
}

test('a model run gives the views every layer, and the ordinary tokens renormalised', () => {
  const { result, info } = fakeRun();
  const { full, shown } = runData(result, 7, { name: 'tiny', info });
  assert.equal(full.layers, 2);
  assert.equal(full.summary.queryTokens.length, 4);
  assert.deepEqual([...layerHeadWeights(full, 1, 1)], [...result.weights.subarray(48, 64)]);
  const second = atLayer(full, 1);
  assert.equal(atLayer(full, 1), second, 'one object per layer');
  assert.deepEqual([...headWeights(second, 0)], [...result.weights.subarray(32, 48)]);
  assert.equal(second.summary.layer, 1);
  assert.equal(headName(second, 0), 'layer 2 · head 1');
  assert.ok(shown);
  assert.deepEqual(shown.summary.queryTokens.map((t) => t.text), ['a', 'b']);
  assert.deepEqual([...layerHeadWeights(shown, 1, 0)], [8, 9, 10, 11]);
  assert.equal(shown.allowed.length, 4);
  assert.match(rowsNote(shown), /renormalised/);
  assert.equal(rowsNote(full), 'each row sums to 1');
  // Indices: the run's [CLS] is shown as the nearest kept token, and back.
  assert.equal(shownIndex(shown, 0), 0);
  assert.equal(shownIndex(shown, 3), 1);
  assert.equal(runIndex(shown, 1), 2);
  assert.equal(shownIndex(full, 3), 3);
  assert.equal(breakdownMatches(/** @type {any} */ ({ head: 1, query: 2, block: 1 }), second, 1, 2), true);
  assert.equal(breakdownMatches(/** @type {any} */ ({ head: 1, query: 2, block: 0 }), second, 1, 2), false);
  // Nothing but [CLS] and [SEP]: the core sends nothing to renormalise over.
  assert.equal(runData({ ...result, withoutSpecial: null }, 8, { name: 'tiny', info }).shown, null);
  // A toy run has no model, even with the same shapes.
  assert.equal(runData(result, 9, null).full.model, null);
});

test('the model, its loading and its limits in words', () => {
  const { info } = fakeRun();
  assert.equal(describeModel(info), 'BERT encoder · 2 layers × 2 heads · d_model 8, d_k 4 · 1.2 M parameters · F16 weights, computed in f32 · up to 8 tokens');
  const report = { milliseconds: 1234, downloaded: 45e6, fromCache: 0, readLocally: 0, weightsName: 'model.f16.safetensors', ignored: [] };
  assert.equal(describeLoad(report), 'Loaded model.f16.safetensors in 1.2 s, 42.9 MB downloaded and kept in the browser’s cache.');
  assert.match(describeLoad({ ...report, downloaded: 0, fromCache: 45e6 }), /in 1\.2 s, from the browser’s cache\.$/);
  assert.match(describeLoad({ ...report, downloaded: 0, readLocally: 45e6, ignored: ['README.md'] }), /from your files \(42\.9 MB of weights\)\. Not used: README\.md\.$/);
  assert.equal(progressText('m', { phase: 'download', file: 'model.f16.safetensors', done: 5 * 1024 * 1024, total: 40 * 1024 * 1024 }), 'Downloading model.f16.safetensors: 5.0 MB of 40.0 MB');
  assert.equal(progressText('m', { phase: 'cache', file: 'config.json', done: 512, total: null }), 'Reading config.json from the browser’s cache: 512 B');
  assert.equal(progressText('m', null), 'Looking for the files of m…');
  const encoder = { name: 'm', kind: /** @type {const} */ ('encoder') };
  assert.deepEqual(limitNotes({ model: encoder }), []);
  assert.deepEqual(limitNotes({ model: encoder, truncated: { limit: 512, total: 700, which: 'text' } }), ['m reads at most 512 tokens, [CLS] and [SEP] included: this text makes 700, so only the first 512 are shown.']);
  assert.deepEqual(limitNotes({ model: { name: 'g', kind: 'decoder' }, truncated: { limit: 64, total: 180, which: 'text' } }), [
    'The context of g holds 64 tokens, prompt and generated tokens together: this text makes 180, so only the first 64 are shown and none can be generated. To generate, shorten the text to at most 63 tokens.',
  ]);
});

test('the link keeps the model, the borrowed embeddings and hidden special tokens; local files are refused', () => {
  const state = { ...defaultState(), source: 'models/all-MiniLM-L6-v2/', hideSpecial: true, layer: 4, head: 7 };
  const back = decodeState(encodeState(state));
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.state, state);
  const borrowed = { ...defaultState(), vectors: 'models/all-MiniLM-L6-v2/' };
  assert.deepEqual(decodeState(encodeState(borrowed)).state, borrowed);
  assert.equal(neededModel(borrowed), 'models/all-MiniLM-L6-v2/');
  assert.equal(neededModel(state), 'models/all-MiniLM-L6-v2/');
  assert.equal(neededModel(defaultState()), null);
  assert.equal(sameComputation(state, { ...state, hideSpecial: false }), false);
  assert.equal(sameComputation(state, { ...state, layer: 1 }), true);
  const local = decodeState(encodeState({ ...defaultState(), source: 'local:my-bert' }));
  assert.equal(local.state.source, 'toy');
  assert.match(local.problems[0], /read from files on another computer/);
  assert.match(decodeState('v=1&vectors=javascript:x').problems[0], /neither “toy” nor the address of a model folder/);
});
