// The decoders against onnxruntime-web: the trained gpt2-2l-induction (trained/) and a
// GPT-2-small-shaped model with random weights (bench-models/, made by scripts/bench_models.py).
// For each: loading, the forward pass with every attention map at T = 16/64/128/512 (up to the
// model's context) and generation with a key/value cache on both sides, timed alternately.
import { Session } from '../pkg/attention_playground.js';
import { fetchFile, textOfTokens } from './common.js';
import { alternate, idsTensor, maxAbsDifference, peer, peerAttentions, peerGraph, peerSession } from './peer.js';

const MAKE = 'run `bash training/env.sh scripts/bench_models.py`';
// The trained decoder ends a story with <|endoftext|> after a few words of the benchmark texts, so
// its prompt is a run of days, which it goes on with; the random model gets a benchmark text.
const MODELS = [
  { name: 'gpt2-2l-induction', dir: '../trained/gpt2-2l-induction/', remedy: 'a file of the repository',
    prompt: 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday Monday Tuesday Wednesday Thursday Friday Saturday Sunday Monday Tuesday' },
  { name: 'gpt2-small-random', dir: '../bench-models/gpt2-small-random/', remedy: MAKE },
];
const LENGTHS = [16, 64, 128, 512];
const PROMPT_TOKENS = 16;
const STEPS = 32;

/** Index of the largest value (the first among equals, as the core's greedy choice). */
function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The graph's empty key/value cache (P = 0), for a forward pass or a prompt. */
async function emptyPast(config) {
  const ort = await peer();
  const shape = [1, config.n_head, 0, config.n_embd / config.n_head];
  const past = {};
  for (let i = 0; i < config.n_layer; i++) {
    past[`past_key.${i}`] = new ort.Tensor('float32', new Float32Array(0), shape);
    past[`past_value.${i}`] = new ort.Tensor('float32', new Float32Array(0), shape);
  }
  return past;
}

/**
 * Greedy generation with onnxruntime-web, step for step as the core generates: the prompt is fed
 * once, then each chosen token alone with the cache of keys and values (the graph's present_*
 * outputs fed back as past_*), each step's attention rows handed to JavaScript; the last chosen
 * token is fed too, as the core feeds it. Returns the chosen ids.
 */
async function peerGenerate(other, config, promptIds, steps) {
  let feeds = { input_ids: await idsTensor(promptIds), ...(await emptyPast(config)) };
  const chosen = [];
  for (let step = 0; ; step++) {
    const out = await other.run(feeds);
    peerAttentions(out, config.n_layer);
    if (step === steps) return chosen;
    const id = argmax(out.logits.data);
    chosen.push(id);
    feeds = { input_ids: await idsTensor([id]) };
    for (let i = 0; i < config.n_layer; i++) {
      feeds[`past_key.${i}`] = out[`present_key.${i}`];
      feeds[`past_value.${i}`] = out[`present_value.${i}`];
    }
  }
}

/** One decoder on both engines. */
async function benchDecoder(model, mib, results) {
  const [configJson, tokenizer, weights] = await Promise.all([
    fetchFile(`${model.dir}config.json`, 'text', model.remedy),
    fetchFile(`${model.dir}tokenizer.json`, 'text', model.remedy),
    fetchFile(`${model.dir}model.safetensors`, 'bytes', model.remedy),
  ]);
  const config = JSON.parse(configJson);
  const session = new Session();
  let t0 = performance.now();
  session.loadModel(model.name, configJson, tokenizer, undefined, weights);
  const loadMs = performance.now() - t0;
  results.rows.push({ name: `${model.name}: load (loadModel), ${config.dtype ?? 'F32'} weights, first`, n: weights.length, medianMs: loadMs, minMs: loadMs, runs: 1 });
  results.memory.push({ label: `after loading ${model.name}`, MiB: mib() });
  const graph = await peerGraph(model.name);
  t0 = performance.now();
  const other = await peerSession(graph);
  const createMs = performance.now() - t0;
  results.rows.push({ name: `${model.name}: onnxruntime-web InferenceSession.create, F32 graph`, n: graph.length, medianMs: createMs, minMs: createMs, runs: 1 });
  const past = await emptyPast(config);
  for (const t of LENGTHS.filter((n) => n <= config.n_positions)) {
    const request = { source: 'model', text: textOfTokens(session, t) };
    const feeds = { input_ids: await idsTensor(session.tokenize(request.text).tokens.map((token) => token.id)), ...past };
    const result = await alternate(() => { session.run(request); return session.attentions(); },
      async () => peerAttentions(await other.run(feeds), config.n_layer), t >= 512 ? 8 : t >= 128 ? 16 : 30);
    results.comparisons.push({ model: model.name, what: 'forward pass, all attention maps', n: t, ...result });
    session.run(request);
    const difference = maxAbsDifference(session.attentions(), peerAttentions(await other.run(feeds), config.n_layer));
    results.agreements.push({ model: model.name, n: t, attentions: difference });
    results.memory.push({ label: `${model.name}, after T = ${t}`, MiB: mib() });
  }
  const prompt = model.prompt ?? textOfTokens(session, PROMPT_TOKENS);
  const promptIds = session.tokenize(prompt).tokens.map((token) => token.id);
  if (promptIds.length !== PROMPT_TOKENS) throw new Error(`${model.name}: the prompt has ${promptIds.length} tokens, not ${PROMPT_TOKENS}`);
  const request = { source: 'generate', text: prompt, steps: STEPS };
  const coreIds = session.run(request).generation.steps.map((s) => s.id);
  if (coreIds.length !== STEPS) throw new Error(`${model.name} stopped after ${coreIds.length} of ${STEPS} tokens`);
  const peerIds = await peerGenerate(other, config, promptIds, STEPS);
  results.agreements.push({ model: model.name, n: `${STEPS} generated tokens`, sameTokens: coreIds.every((id, i) => id === peerIds[i]) });
  const result = await alternate(() => session.run(request), () => peerGenerate(other, config, promptIds, STEPS), 6, 1);
  results.comparisons.push({ model: model.name, what: `generation: ${STEPS} tokens after a ${PROMPT_TOKENS}-token prompt`, n: STEPS, ...result });
  results.memory.push({ label: `${model.name}, after generating`, MiB: mib() });
  await other.release();
  session.free();
}

/** Both decoders, one after the other (each released before the next is loaded). */
export async function decoderSuite(memory) {
  const mib = () => memory.buffer.byteLength / 2 ** 20;
  const results = { rows: [], memory: [{ label: 'after instantiating the module', MiB: mib() }], comparisons: [], agreements: [] };
  for (const model of MODELS) await benchDecoder(model, mib, results);
  return results;
}
