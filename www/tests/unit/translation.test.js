// The page's side of encoder–decoders: a translation's run as the views read it (the target over
// the source, blocks named, a run without attention), its steps as the translation panel shows
// them, the controller with a run that has no head, the shipped translation models and their
// tasks, evaluations and examples, the unknown-word note and the vocabulary search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisTitles, blockName, describeRun, generatedSequence, playerRow, runData, shape, targetBlock } from '../../src/run-data.js';
import { focusIn, generationView } from '../../src/view-model.js';
import { DEFAULT_GENERATE, defaultPresentation, defaultState } from '../../src/state.js';
import { ORIGINS, initialPage, reduce } from '../../src/controller.js';
import { foreignHost } from '../../src/model/address.js';
import { TASKS, evaluationOf, shippedLabel, shippedModels, taskEvaluations, taskOf } from '../../src/model/catalog.js';
import { CATALOG, EVALUATIONS } from '../../src/generated/catalog.js';
import { decodeState, encodeState } from '../../src/url-state.js';
import { describeStep, translationStepNote } from '../../src/timeline.js';
import { readsCharacters, searchVocabulary, unknownNote } from '../../src/views/translation.js';
import { groupLabel, percent } from '../../src/views/accuracy-chart.js';
import { describeModel, modelNote } from '../../src/views/model-panel.js';
import { ADDITIVE_ROWS, additiveRows } from '../../src/views/additive.js';
import { computationLabel, modelLabel } from '../../src/caption.js';

const INFO = /** @type {import('../../src/types').ModelInfo} */ ({
  architecture: 'gru-additive', kind: 'encoder-decoder', layers: 1, heads: 1, kvHeads: 1, hidden: 8, dK: 8, vocabSize: 40, maxPositions: 48, dtype: 'F32', parameters: 4321,
});
const VOCABULARY = { source: ['<pad>', '<bos>', '<eos>', '<unk>', 'the', 'small', 'cat', 'cats'], target: ['<pad>', '<bos>', '<eos>', '<unk>', 'le', 'petit', 'chat', 'élève'] };

/**
 * A translation's run: the source ("the small cat <eos>"), the target ("le petit chat <eos>"), and
 * the blocks asked for (kind, queries' sequence, keys' sequence), each of one head whose rows are
 * uniform over the keys; or none, as a model without attention gives.
 * @param {Array<['self' | 'causal' | 'cross', number, number]>} blocks
 */
function makeTranslation(blocks) {
  const words = (/** @type {string[]} */ list, /** @type {boolean} */ eos) => {
    let at = 0;
    return list.map((text, i) => {
      const special = eos && i === list.length - 1;
      const token = { text, start: special ? at - 1 : at, end: special ? at - 1 : at + text.length, special, id: 4 + i };
      at += text.length + 1;
      return token;
    });
  };
  const source = words(['the', 'small', 'cat', '<eos>'], true);
  const target = words(['le', 'petit', 'chat', '<eos>'], true);
  const sequences = [{ role: /** @type {const} */ ('source'), tokens: source }, { role: /** @type {const} */ ('target'), tokens: target }];
  const sizes = blocks.map(([, q, k]) => sequences[q].tokens.length * sequences[k].tokens.length);
  const weights = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  const allowed = new Uint8Array(weights.length).fill(1);
  let at = 0;
  blocks.forEach(([, , k], b) => {
    weights.fill(1 / sequences[k].tokens.length, at, at + sizes[b]);
    at += sizes[b];
  });
  const steps = target.map((token, i) => ({
    position: i, id: token.id, probability: 0.9,
    top: [{ id: token.id, text: token.text, probability: 0.9 }, { id: 7, text: 'élève', probability: 0.05 }],
  }));
  const summary = {
    source: { name: 'gru', kind: /** @type {const} */ ('encoder-decoder'), trained: true },
    sequences,
    blocks: blocks.map(([kind, queries, keys], layer) => ({
      layer, kind, queries, keys, heads: 1, kvHeads: 1, dK: 8, dV: 8, score: /** @type {const} */ (kind === 'cross' && blocks.length === 1 ? 'additive' : 'dot'),
      scale: 1, temperature: 1, fullyMaskedRows: [], masked: false,
    })),
    dModel: 8,
    truncated: null,
    pooled: false,
    generation: { promptTokens: 0, text: 'le petit chat', steps, stopped: /** @type {const} */ ('endOfText') },
    translation: {
      architecture: /** @type {const} */ (blocks.length === 0 ? 'gru' : 'gru-additive'),
      unknown: [],
      noAttention: blocks.length === 0 ? 'this model has no attention: the decoder sees only the final encoder state' : null,
    },
  };
  const result = { type: /** @type {const} */ ('run'), id: 1, summary, weights, allowed, withoutSpecial: null, pooled: null, breakdown: null, milliseconds: 0 };
  return runData(/** @type {any} */ (result), 1, { name: 'gru', info: INFO, origin: 'trained', heads: [], vocabulary: VOCABULARY }).full;
}

test('a translation: the target over the source, named axes, the step of each row and the whole source walked', () => {
  const run = makeTranslation([['cross', 1, 0]]);
  assert.equal(generatedSequence(run.run), 1);
  assert.deepEqual(shape(run), { queries: 4, keys: 4, heads: 1, layers: 1 });
  assert.deepEqual(axisTitles(run), { queries: 'target (generated)', keys: 'source' });
  const row = playerRow(run, 2);
  assert.deepEqual([row.keys, row.predict], [4, true], 'a cross block walks every source token, then the next token');
  assert.match(describeRun(run, { layer: 0, head: 0 }, false, false), /gru · cross-attention · 4 source tokens → 4 target tokens · block 1 of 1.*additive scores/);
  const view = generationView(run, 1, DEFAULT_GENERATE);
  assert.ok(view);
  assert.deepEqual(view.tokens.map((t) => t.share), ['le', ' petit', ' chat', ''], 'each word with the space before it; <eos> adds nothing');
  assert.equal(view.selected, 1);
  assert.deepEqual(view.decoding?.top.map((t) => t.text), ['petit', 'élève'], 'target words are not byte-level pieces');
  assert.equal(view.decoding?.vocabSize, VOCABULARY.target.length, 'the distribution is over the target vocabulary');
  assert.match(view.summary, /4 target tokens written one by one, the last the end-of-sequence token <eos>/);
  // The self-attention of one sequence has no axis titles.
  const transformer = makeTranslation([['self', 0, 0], ['causal', 1, 1], ['cross', 1, 0]]);
  assert.equal(axisTitles(transformer), null);
});

test('a Transformer’s blocks are named, and a decoding step is read in a block over the target', () => {
  const run = makeTranslation([['self', 0, 0], ['causal', 1, 1], ['cross', 1, 0]]);
  assert.deepEqual([0, 1, 2].map((b) => blockName(run.run, b)), ['encoder self-attention', 'decoder self-attention (causal)', 'cross-attention']);
  assert.equal(targetBlock(run.run, 0), 2, 'from the encoder: the last cross-attention');
  assert.equal(targetBlock(run.run, 1), 1, 'the decoder’s self-attention reads the target already');
  assert.equal(generationView(run, 1, DEFAULT_GENERATE)?.decoding, null, 'in the encoder’s block a row is a source token, not a step');
  const state = { ...defaultState(), layer: 63 };
  assert.equal(focusIn(state, { full: run, hidden: null }).layer, 2, 'a large layer opens on the last block');
});

test('a run without attention has no block and no head: the views stand on an empty one and no breakdown is asked for', () => {
  const run = makeTranslation([]);
  assert.equal(run.layers, 0);
  assert.deepEqual(shape(run), { queries: 4, keys: 4, heads: 0, layers: 0 });
  assert.match(describeRun(run, { layer: 0, head: 0 }, false, false), /gru · no attention · 4 source tokens → 4 target tokens/);
  assert.equal(generationView(run, 0, DEFAULT_GENERATE)?.decoding?.chosen.text, 'le', 'its steps still have their distributions');
  const status = /** @type {import('../../src/model/loader.js').ModelStatus} */ ({
    phase: 'ready', source: 'trained/grammar-gru/', name: 'grammar-gru', progress: null, info: INFO, report: null, heads: [], vocabulary: VOCABULARY, message: null,
  });
  const env = { status, origin: ORIGINS.link, reducedMotion: false, foreignHost: (/** @type {string} */ s) => foreignHost(s, 'https://course.example/') };
  let page = initialPage({ state: { ...defaultState(), source: 'trained/grammar-gru/' }, presentation: defaultPresentation(), problems: [], present: false }, ORIGINS.link);
  page = reduce(page, { type: 'ran', request: page.state, shown: { full: run, hidden: null }, breakdown: null, limits: [] }, env).page;
  const { effects } = reduce(page, { type: 'patch', patch: { query: 2 } }, env);
  assert.deepEqual(effects.filter((e) => e.type === 'breakdown'), [], 'nothing to break down');
});

test('the shipped translation models: offered by the page, grouped by task, with their evaluations', () => {
  const page = new URL('https://course.example/index.html');
  const bundle = new URL('https://course.example/www/dist/playground.js');
  const shipped = shippedModels(page, bundle);
  const translation = shipped.filter((m) => m.entry.kind === 'encoder-decoder');
  assert.equal(translation.length, 6);
  assert.equal(translation[0].address, 'trained/dates-gru-additive/');
  assert.equal(shippedLabel(translation[0].entry), 'encoder–decoder, trained here');
  assert.deepEqual(Object.keys(TASKS).map((task) => translation.filter((m) => taskOf(m.entry.name) === task).length), [3, 3]);
  assert.equal(taskOf('gpt2-2l-induction'), null);
  assert.equal(evaluationOf('grammar-gru')?.grouping, 'length');
  assert.deepEqual(taskEvaluations('grammar').map((e) => e.architecture), ['gru-additive', 'gru', 'transformer']);
  assert.equal(EVALUATIONS.length, CATALOG.filter((e) => e.kind === 'encoder-decoder').length);
  // What the chart and the README say, loosely: attention holds on long sentences, the fixed vector does not.
  const last = (/** @type {string} */ name) => evaluationOf(name)?.buckets.at(-1)?.exactMatch ?? NaN;
  assert.ok(last('grammar-gru-additive') > 0.85 && last('grammar-transformer') > 0.8 && last('grammar-gru') < 0.05);
  assert.ok((evaluationOf('dates-gru-additive')?.exactMatch ?? 0) >= 0.99);
  assert.equal(TASKS.dates.examples.length, 7, 'every date style the issue names');
  assert.equal(percent(0.924), '92.4 %');
  assert.equal(groupLabel(/** @type {any} */ (evaluationOf('grammar-gru')), '36-40'), '36–40 words');
  assert.equal(groupLabel(/** @type {any} */ (evaluationOf('dates-gru')), 'dd/mm/yyyy'), 'dd/mm/yyyy');
});

test('the link carries a translation model as any model, and its text', () => {
  const state = { ...defaultState(), source: 'trained/grammar-transformer/', text: 'the small <b>cat</b>', layer: 5 };
  const decoded = decodeState(encodeState(state, defaultPresentation()));
  assert.equal(decoded.state.source, 'trained/grammar-transformer/');
  assert.equal(decoded.state.text, 'the small <b>cat</b>');
  assert.equal(decoded.state.layer, 5);
});

test('words outside the vocabulary are named; the vocabulary is searched without the model’s own tokens', () => {
  assert.equal(unknownNote([], 'm', false), '');
  const note = unknownNote([{ index: 3, text: 'dragon' }, { index: 5, text: '<b>' }, { index: 7, text: 'dragon' }], 'grammar-gru', false);
  assert.match(note, /^Not in grammar-gru’s vocabulary: ‘dragon’, ‘<b>’\. The model reads each as <unk>/);
  assert.match(unknownNote([{ index: 0, text: 'é' }], 'dates-gru', true), /reads it as <unk>.*lists the characters it knows/);
  assert.deepEqual(searchVocabulary(VOCABULARY.source, 'CAT'), ['cat', 'cats']);
  assert.deepEqual(searchVocabulary(VOCABULARY.source, ' '), ['the', 'small', 'cat', 'cats']);
  assert.equal(readsCharacters(VOCABULARY), false);
  assert.equal(readsCharacters({ source: ['<pad>', '<eos>', 'a', '1', ' ', 'é'], target: [] }), true);
});

test('a cross block’s story: the decoder state asks, the encoder states answer, the context vector, the target vocabulary', () => {
  const keys = ['the', 'small', 'cat'].map((text, i) => ({ text, start: i, end: i + 1, special: false }));
  const b = /** @type {any} */ ({
    keys: 3, dK: 2, dV: 2, termLen: 2, termLabel: 'v ∘ tanh(W₁q + W₂k + b)', head: 0, query: 1, block: 0, layer: 0,
    q: new Float32Array([1, 2]), terms: new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), scores: new Float32Array([0.3, 0.7, 1.1]),
    scaled: new Float32Array([0.3, 0.7, 1.1]), masked: new Float32Array([0.3, 0.7, 1.1]), allowed: new Uint8Array([1, 1, 1]), scale: 1, temperature: 1, max: 1.1,
    exp: new Float32Array([0.45, 0.67, 1]), sumExp: 2.12, weights: new Float32Array([0.21, 0.32, 0.47]), values: new Float32Array(6), weighted: new Float32Array(6),
    output: new Float32Array([0.5, 0.5]), fullyMasked: false, keyVectors: new Float32Array(6),
  });
  const decoding = { index: 1, count: 4, top: [{ id: 5, text: 'petit', probability: 0.9 }], chosen: { id: 5, text: 'petit', probability: 0.9 }, vocabSize: 8, how: 'greedy decoding takes the most probable' };
  const context = { query: { text: 'petit', start: 0, end: 0, special: false }, keys, score: /** @type {const} */ ('additive'), decoding, cross: true, cache: false };
  // Every step of the story (indices past the last are clamped to it).
  const stories = [...Array(40).keys()].map((i) => describeStep(b, i, context));
  const score = stories.find((s) => s.step.kind === 'score');
  assert.match(score?.explanation ?? '', /the decoder state s \(writing ‘petit’\) match the encoder state h of ‘the’\? The additive score: W s .* U h .* tanh .* v/);
  assert.ok(stories.every((s) => !/cache/.test(s.explanation)), 'a translation’s source is not a key/value cache');
  // The GRU's query, key and value are the states themselves, not projections.
  assert.match(stories.find((s) => s.step.kind === 'query')?.explanation ?? '', /^In this GRU the query is the decoder state s \(writing ‘petit’\) itself, 2 numbers, with no W_Q/);
  assert.match(stories.find((s) => s.step.kind === 'key')?.explanation ?? '', /^The key is the encoder state h of ‘the’ itself/);
  assert.match(stories.find((s) => s.step.kind === 'value')?.explanation ?? '', /context vector adds up the encoder states/);
  assert.ok(stories.some((s) => /context vector/.test(s.explanation)), 'the output is the context vector');
  assert.match(stories.at(-1)?.explanation ?? '', /^The decoder combines its state with the context vector and scores every entry of the target vocabulary: 8 scores/);
  const dot = describeStep(b, 40, { ...context, score: 'dot' });
  assert.match(dot.explanation, /^After the decoder’s last layer, the vector of the newest target position is compared with every entry of the target vocabulary: 8 scores/);
  assert.match(translationStepNote('cross', decoding, '‘petit’'), /^Step 2 writes ‘petit’\. Its query is the decoder's state s .* encoder's states h/);
  assert.match(translationStepNote('causal', decoding, '‘petit’'), /causal/);
});

test('the Model settings describe an encoder–decoder', () => {
  assert.match(describeModel(INFO), /^GRU encoder–decoder with additive attention · decoder state 8 · 4,321 parameters/);
  assert.match(describeModel({ ...INFO, architecture: 'gru', heads: 0 }), /without attention/);
  assert.match(describeModel({ ...INFO, architecture: 'transformer', layers: 2, heads: 4, dK: 16 }), /^Transformer encoder–decoder · 2 decoder layers × 4 heads/);
  assert.match(modelNote({ ...INFO, architecture: 'gru', heads: 0 }), /never looks back at the source/);
});

test('an additive score unit by unit: the core’s stages, the first units listed, the score their sum over all', () => {
  const units = 10;
  const parts = {
    query: Array.from({ length: units }, (_, u) => 0.1 * u),
    keys: [Array(units).fill(0.2), Array(units).fill(-0.3)],
    bias: Array(units).fill(0.05),
    sum: [], tanh: [], v: Array.from({ length: units }, (_, u) => (u % 2 ? -1 : 1)),
  };
  for (const k of parts.keys) {
    const sum = k.map((x, u) => parts.query[u] + x + parts.bias[u]);
    parts.sum.push(sum);
    parts.tanh.push(sum.map(Math.tanh));
  }
  const { rows, units: all, score } = additiveRows(parts, 1);
  assert.equal(rows.length, ADDITIVE_ROWS);
  assert.equal(all, units);
  assert.deepEqual([rows[2].query, rows[2].key, rows[2].bias], [parts.query[2], -0.3, 0.05]);
  assert.ok(Math.abs(rows[2].term - Math.tanh(0.2 - 0.3 + 0.05)) < 1e-12);
  const expected = parts.tanh[1].reduce((t, x, u) => t + parts.v[u] * x, 0);
  assert.ok(Math.abs(score - expected) < 1e-12, 'the score adds every unit, listed or not');
});

test('the caption above the views says how a translation model scores, or that it has none', () => {
  const additive = makeTranslation([['cross', 1, 0]]);
  assert.equal(modelLabel(additive, defaultState().model, null), 'gru, encoder–decoder trained here, F32 weights');
  assert.match(computationLabel(additive, defaultState().model), /^additive scores vᵀ tanh\(W s \+ U h \+ b\), not scaled · temperature 1 · no mask$/);
  assert.equal(computationLabel(makeTranslation([]), defaultState().model), 'no attention: the decoder sees only the final encoder state');
  assert.match(computationLabel(makeTranslation([['self', 0, 0], ['causal', 1, 1], ['cross', 1, 0]]), defaultState().model), /^dot-product scores × 1\/√d_k/);
});
