// The page's side of decoders: byte-level tokens made readable, named heads, the shipped models
// offered, a generation as the panel shows it, the decoding step's story and matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesText, decodedShares, readablePiece, readableToken } from '../../src/tokens.js';
import { headTag, namedHead, parseHeads } from '../../src/model/heads.js';
import { shippedAt, shippedBehind, shippedLabel, shippedModels } from '../../src/model/catalog.js';
import { sortModelFiles } from '../../src/model/address.js';
import { cropped, decodingStep, describeRun, firstKeys, headWeights, playerRow, specialNames, tokenLabel } from '../../src/run-data.js';
import { choiceWords, generationView } from '../../src/view-model.js';
import { DEFAULT_GENERATE, defaultState } from '../../src/state.js';
import { advance, describeStep, sameMoment, stageStart, stepAt, stepCount } from '../../src/timeline.js';
import { mathText } from '../../src/math.js';
import { describeModel, modelNote, namedGroups } from '../../src/views/model-panel.js';
import { clipFigureRequest, stepView } from '../../src/export/figure-input.js';
import { DECODER_INFO, makeDecoderRun } from './fixtures.js';

test('byte-level tokens read as text: Ġ is a space, bytes become characters, stray bytes are named', () => {
  assert.equal(readablePiece('Ġthe'), ' the');
  assert.equal(readablePiece('ĊĊ'), '\n\n');
  assert.equal(readablePiece('ĉx'), '\tx');
  assert.equal(readablePiece('tÃ©'), 'té');
  assert.equal(readablePiece('ðŁĺĢ'), '😀');
  assert.equal(readablePiece('ç'), '<0xE7>', 'the first byte of a three-byte character alone');
  assert.equal(readablePiece('▁word'), ' word', 'a SentencePiece word start');
  assert.equal(bytesText([0xe6, 0x97, 0xa5, 0xff, 0x41]), '日<0xFF>A');
  assert.equal(bytesText([0xc0, 0x80]), '<0xC0><0x80>', 'an overlong form is not a character');
  assert.deepEqual(readableToken({ text: 'Ġcat', start: 3, end: 7, special: false, id: 5 }), { text: ' cat', start: 3, end: 7, special: false, id: 5, piece: 'Ġcat' });
  const special = { text: '<|endoftext|>', start: 0, end: 0, special: true };
  assert.equal(readableToken(special), special);
  const plain = { text: 'cat', start: 0, end: 3, special: false };
  assert.equal(readableToken(plain), plain, 'nothing to decode: the same token');
  assert.equal(tokenLabel(readableToken({ text: 'Ġthe', start: 0, end: 4, special: false })), '␣the');
});

test('a character split over tokens goes to the token that completes it', () => {
  // 😀 is four bytes (ðŁĺĢ), here split 2 + 2 over two tokens.
  assert.deepEqual(decodedShares([{ text: 'Ġa', special: false }, { text: 'ðŁ', special: false }, { text: 'ĺĢ', special: false }, { text: '<|endoftext|>', special: true }]),
    [' a', '', '😀', '<|endoftext|>']);
  assert.deepEqual(decodedShares([{ text: 'ç', special: false }, { text: 'ç', special: false }]), ['', '<0xE7><0xE7>'], 'bytes that never form a character');
});

test('heads.json names heads; anything unreadable is left out', () => {
  const json = JSON.stringify({
    model: 'm',
    heads: [
      { layer: 1, head: 1, name: 'induction', score: 0.61, description: 'Attends to the token after an earlier copy of the current one.' },
      { layer: 0, head: 2, name: 'previous token', score: 0.93, description: 'Looks one token back.' },
      { layer: -1, head: 0, name: 'bad' },
      { layer: 0, head: 1 },
      'nonsense',
    ],
  });
  const heads = parseHeads(json);
  assert.deepEqual(heads.map(headTag), ['L1 H3 · previous token', 'L2 H2 · induction'], 'sorted, numbered from 1 as on the page');
  assert.equal(namedHead(heads, 1, 1)?.score, 0.61);
  assert.equal(namedHead(heads, 1, 0), null);
  // The model's description groups them by name, with the best-scored head's description.
  const groups = namedGroups(parseHeads(JSON.stringify({ heads: [
    { layer: 0, head: 0, name: 'previous token', score: 0.5, description: 'half' },
    { layer: 0, head: 2, name: 'previous token', score: 0.6, description: 'more' },
    { layer: 1, head: 0, name: 'induction', score: 0.8, description: 'copies' },
  ] })));
  assert.deepEqual(groups.map((g) => [g.name, g.heads.map(headTag), g.description]), [
    ['previous token', ['L1 H1 · previous token', 'L1 H3 · previous token'], 'more'],
    ['induction', ['L2 H1 · induction'], 'copies'],
  ]);
  assert.deepEqual(parseHeads('{'), []);
  assert.deepEqual(parseHeads(null), []);
  assert.deepEqual(parseHeads('{"heads": 3}'), []);
  // A model's files may include heads.json: it is read, not ignored.
  const sorted = sortModelFiles(['config.json', 'tokenizer.json', 'model.safetensors', 'heads.json', 'README.md'].map((name) => ({ name, size: 1 })));
  assert.equal(sorted.heads?.name, 'heads.json');
  assert.deepEqual(sorted.ignored, ['README.md']);
});

test('the shipped models the page runs are offered by name, at their addresses', () => {
  /** @type {import('../../src/types').CatalogEntry[]} */
  const catalog = [
    { name: 'enc', kind: 'encoder', folder: 'models/enc/', description: 'An encoder.', origin: 'pretrained' },
    { name: 'dates', kind: 'encoder-decoder', folder: 'trained/dates/', description: 'A translation model.', origin: 'trained' },
    { name: 'eyes', kind: 'captioner', folder: 'trained/eyes/', description: 'A captioner.', origin: 'trained' },
    { name: 'dec', kind: 'decoder', folder: 'trained/dec/', description: 'A decoder.', origin: 'trained' },
    { name: 'digits', kind: 'vision', folder: 'trained/digits/', description: 'An image classifier.', origin: 'trained' },
  ];
  const shipped = shippedModels(new URL('http://example.org/index.html'), new URL('http://example.org/www/dist/playground.js'), catalog);
  assert.deepEqual(shipped.map((m) => [m.entry.name, m.address]), [['enc', 'models/enc/'], ['dates', 'trained/dates/'], ['eyes', 'trained/eyes/'], ['dec', 'trained/dec/'], ['digits', 'trained/digits/']]);
  assert.equal(shippedAt(shipped, 'trained/dec/')?.entry.name, 'dec');
  assert.equal(shippedAt(shipped, 'elsewhere/'), null);
  assert.equal(shippedLabel(catalog[0]), 'pretrained encoder');
  assert.equal(shippedLabel(catalog[3]), 'decoder, trained here');
  assert.equal(shippedLabel(catalog[1]), 'encoder–decoder, trained here');
  assert.equal(shippedLabel(catalog[4]), 'vision, trained here');
  assert.equal(shippedLabel(catalog[2]), 'captioner, trained here');
  const fromGuide = shippedModels(new URL('http://example.org/www/docs/'), new URL('http://example.org/www/dist/playground.js'), catalog);
  assert.equal(fromGuide[3].address, '../../trained/dec/');
  // Only a model the project ships has a known origin, by its folder or one of its files.
  const base = 'http://example.org/index.html';
  assert.equal(shippedBehind(shipped, 'models/enc/', base)?.entry.origin, 'pretrained');
  assert.equal(shippedBehind(shipped, 'models/enc/model.safetensors', base)?.entry.origin, 'pretrained');
  assert.equal(shippedBehind(shipped, 'http://example.org/trained/dec/', base)?.entry.origin, 'trained');
  assert.equal(shippedBehind(shipped, 'https://elsewhere.example/trained/dec/', base), null);
  assert.equal(shippedBehind(shipped, 'local:my-decoder', base), null);
  assert.equal(shippedBehind(shipped, 'javascript:alert(1)', base), null);
});

test('a decoder is described as one, and its run says causal self-attention', () => {
  assert.equal(describeModel(DECODER_INFO), 'GPT-2 decoder · 1 layers × 2 heads · d_model 8, d_k 4 · 1,234 parameters · F32 weights, computed in f32 · vocabulary of 50 · context of 16 tokens');
  assert.match(describeModel({ ...DECODER_INFO, architecture: 'llama', heads: 4, kvHeads: 2 }), /^Llama decoder · 1 layers × 4 heads \(sharing 2 key\/value heads\)/);
  assert.match(modelNote(DECODER_INFO), /byte-level BPE tokens \(␣ marks a leading space\).*masks every later token \(causal\)/);
  const full = makeDecoderRun(['The', 'Ġcat'], ['Ġsat', '<|endoftext|>'], { stopped: 'endOfText', special: [3] });
  assert.equal(describeRun(full, { layer: 0, head: 1 }, false, false), 'tiny · causal self-attention · 2 + 2 generated tokens · layer 1 of 1, head 2 of 2 · d_k = 4 · scaled dot-product scores');
  assert.equal(specialNames(full.run), '<|endoftext|>');
  assert.deepEqual(full.summary.queryTokens.map((t) => t.text), ['The', ' cat', ' sat', '<|endoftext|>']);
  assert.equal(full.model?.pooled, null, 'no sentence embedding for a decoder');
});

test('the generation as the panel shows it: tokens, shares of the text, the focused step', () => {
  const full = makeDecoderRun(['The', 'Ġcat'], ['Ġsat', 'ðŁ', 'ĺĢ', '<|endoftext|>'], { stopped: 'endOfText', special: [5] });
  const sampled = { ...DEFAULT_GENERATE, on: true, sample: true, topK: null, seed: 3 };
  const view = generationView(full, 1, sampled);
  assert.ok(view);
  assert.deepEqual(view.tokens.map((t) => [t.step, t.index, t.position, t.text, t.share]), [
    [0, 2, 1, ' sat', ' sat'],
    [1, 3, 2, '<0xF0><0x9F>', ''],
    [2, 4, 3, '<0x98><0x80>', '😀'],
    [3, 5, 4, '<|endoftext|>', '<|endoftext|>'],
  ]);
  assert.equal(view.selected, 0, 'query 1 chose the first generated token');
  assert.equal(view.decoding?.chosen.text, ' sat');
  assert.deepEqual(view.decoding?.top.map((t) => t.text), [' sat', ' dog', 'é']);
  assert.equal(view.decoding?.how, 'sampling at temperature 0.8 among all tokens (seed 3) drew');
  assert.equal(view.summary, '4 tokens generated after the 2-token prompt: the last is the end-of-text token, where generation stops.');
  assert.equal(generationView(full, 0, sampled)?.selected, null, 'the prompt’s first token chose nothing');
  assert.equal(generationView(makeDecoderRun(['a'], []), 0, sampled), null);
  assert.equal(choiceWords(DEFAULT_GENERATE), 'greedy decoding takes the most probable');
});

test('a decoding step walks the keys that exist yet, then chooses the next token', () => {
  const full = makeDecoderRun(['The', 'Ġcat', 'Ġsat'], ['Ġon', 'Ġthe']);
  assert.deepEqual(playerRow(full, 3), { keys: 4, predict: true, combine: false });
  assert.deepEqual(playerRow(full, 0), { keys: 5, predict: false, combine: false }, 'a prompt token is read as usual');
  assert.equal(decodingStep(full, 3)?.index, 1);
  const decodingRow = { keys: 4, predict: true };
  assert.equal(stepCount(decodingRow), 17);
  assert.deepEqual(stepAt(decodingRow, 16), { kind: 'predict', key: null });
  assert.deepEqual(stepAt({ keys: 4, predict: false }, 16), { kind: 'output', key: null }, 'without the choice, the output ends the story');
  assert.equal(stageStart(decodingRow, 'predict'), 16);
  assert.equal(sameMoment(decodingRow, { keys: 5, predict: true }, 16), 18);
  assert.equal(sameMoment(decodingRow, { keys: 2, predict: false }, 5), 4, 'a key that no longer exists: the last one');
  const rowOf = (/** @type {number} */ q) => playerRow(full, q);
  assert.deepEqual(advance({ query: 2, step: 14 }, 1, 5, rowOf), { query: 3, step: 0 });
  assert.deepEqual(advance({ query: 3, step: 0 }, -1, 5, rowOf), { query: 2, step: 14 });
  // The matrix of the step: the tokens so far, the new query's row last.
  const then = cropped(full, 4);
  assert.equal(then.summary.queryTokens.length, 4);
  assert.equal(cropped(full, 4), then, 'one object per run and size');
  assert.deepEqual([...headWeights(then, 1).subarray(12, 16)], [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual([...then.allowed.subarray(0, 4)], [1, 0, 0, 0]);
});

test('the decoding step’s story says what comes from the cache and how the token was chosen', () => {
  const b = breakdown(3);
  const keys = ['The', ' cat', ' sat'].map((text, i) => ({ text, start: i, end: i + 1, special: false }));
  const decoding = {
    index: 1, count: 2, vocabSize: 1024, how: 'greedy decoding takes the most probable',
    top: [{ id: 9, text: ' on', probability: 0.6 }, { id: 8, text: ' in', probability: 0.3 }],
    chosen: { id: 9, text: ' on', probability: 0.6 },
  };
  const context = { query: keys[2], keys, score: /** @type {const} */ ('dot'), decoding };
  const row = { keys: 3, predict: true };
  const old = describeStep(b, stageStart(row, 'score'), context);
  assert.match(old.explanation, /The key of ‘The’ is not computed again: it comes from the key\/value cache/);
  const own = describeStep(b, stageStart(row, 'score') + 2, context);
  assert.match(own.explanation, /‘␣sat’ is the new token: its key is computed now and joins the key\/value cache/);
  assert.match(describeStep(b, stageStart(row, 'weigh'), context).explanation, /The value of ‘The’ is not computed again/);
  assert.match(describeStep(b, stageStart(row, 'key'), context).explanation, /The key of ‘The’ is not computed again/);
  assert.match(describeStep(b, stageStart(row, 'query'), context).explanation, /Only ‘␣sat’ is new at this step: .* come from the key\/value cache/);
  assert.match(describeStep(b, stageStart(row, 'query'), context).explanation, /W_Q \(to 2 numbers\)/);
  const predict = describeStep(b, stageStart(row, 'predict'), context);
  assert.equal(predict.title, 'Next token · step 2 of 2');
  assert.match(predict.explanation, /1,024 scores \(logits\).*Greedy decoding takes the most probable: ‘␣on’, with probability 0\.600\./);
  assert.equal(mathText(predict.formula), 'P(‘␣on’) = (exp(z_t)) / (∑_u exp(z_u)) = 0.600');
  // Without a decoding step, no cache is mentioned.
  assert.doesNotMatch(describeStep(b, stageStart(row, 'score'), { ...context, decoding: null }).explanation, /cache/);
  // A breakdown cut to the keys that exist.
  const first = firstKeys(breakdown(5), 3);
  assert.equal(first.keys, 3);
  assert.equal(first.weights.length, 3);
  assert.equal(first.values.length, 3 * first.dV);
});

test('an exported player step of a decoding step is the step on screen: its keys, its stages, the next token', () => {
  const full = makeDecoderRun(['The', 'Ġcat', 'Ġsat'], ['Ġon', 'Ġthe']);
  const state = { ...defaultState(), generate: { ...DEFAULT_GENERATE, on: true }, view: /** @type {const} */ ('player'), query: 3 };
  const b = { ...breakdown(5), query: 3 };
  const last = stepView(full, b, 0, 3, 99, state);
  assert.equal(last.steps, 2 * 4 + 9);
  assert.equal(last.stages.at(-1), 'Next token');
  assert.equal(last.stage, 10);
  assert.equal(last.title, 'Next token · step 2 of 2');
  assert.equal(last.columns[0].values.length, 4, 'the keys that existed at the step');
  assert.equal(clipFigureRequest({ data: full, state, breakdown: b }).inputs.length, 17);
  // A prompt token's step is the ordinary one.
  assert.equal(stepView(full, { ...b, query: 0 }, 0, 0, 0, state).steps, 2 * 5 + 8);
});

/**
 * A causal breakdown of the last of `n` keys, every key allowed.
 * @param {number} n
 * @returns {import('../../src/types').Breakdown}
 */
function breakdown(n) {
  const f = (/** @type {number[]} */ a) => Float32Array.from(a);
  const ones = Array(n).fill(1);
  const weights = ones.map(() => 1 / n);
  return /** @type {any} */ ({
    block: 0, layer: 0, head: 0, query: n - 1, keys: n, dK: 2, dV: 2, termLen: 2, termLabel: 'q ∘ k', scale: 0.5, temperature: 1,
    q: f([1, 1]), terms: f(Array(2 * n).fill(0.5)), scores: f(ones), scaled: f(ones.map(() => 0.5)), masked: f(ones.map(() => 0.5)),
    allowed: Uint8Array.from(ones), max: 0.5, exp: f(ones), sumExp: n, weights: f(weights), values: f(Array(2 * n).fill(1)),
    weighted: f(Array(2 * n).fill(1 / n)), output: f([1, 1]), fullyMasked: false,
    keyVectors: f(Array(2 * n).fill(1)), projection: null, combined: null,
  });
}
