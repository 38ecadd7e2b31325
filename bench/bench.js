// Times the WebAssembly core in the browser. Each suite returns rows of
// { name, n, medianMs, minMs, runs } and memory readings { label, MiB }, and the suites that race
// onnxruntime-web (bench/peer.js) comparisons { model, what, n, core, peer, ratioMedian, ratioMin }
// and agreements { model, n, attentions }; the page shows them and exposes them on
// `window.benchResults` for the driver script (scripts/bench-wasm.mjs).
import init, { Session } from '../pkg/attention_playground.js';
import { fetchFile, textOfTokens, time } from './common.js';
import { alternate, idsTensor, maxAbsDifference, peerAttentions, peerGraph, peerSession } from './peer.js';
import { decoderSuite } from './decoder.js';
import { translationSuite } from './translation.js';
import { rolloutSuite } from './rollout.js';
import { visionSuite } from './vision.js';

/** `n` distinct words. */
function sentence(n) {
  return Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
}

/** The toy core: a full `run` (tokenize, embed, project, every head's trace) at d_model 256, 8 heads. */
function toySuite() {
  const session = new Session();
  const config = { dModel: 256, heads: 8, kvHeads: 8, maxTokens: 4096 };
  const rows = [16, 128, 512].map((n) => {
    const request = { source: 'toy', config, text: sentence(n) };
    return { name: 'toy run, d_model 256, 8 heads', n, ...time(() => session.run(request), n >= 512 ? 15 : 40) };
  });
  session.free();
  return { rows };
}

const MODEL_DIR = '../models/all-MiniLM-L6-v2/';
function fetchModelFile(name, as) {
  return fetchFile(MODEL_DIR + name, as, 'run scripts/fetch-model.sh');
}

/**
 * Largest difference between what `session` computes and the transformers reference
 * (tests/fixtures/model/minilm.json: 8 sentences, every attention weight and the pooled embedding).
 */
async function referenceError(session) {
  const response = await fetch('../tests/fixtures/model/minilm.json');
  if (!response.ok) throw new Error(`tests/fixtures/model/minilm.json: HTTP ${response.status}`);
  const { cases } = await response.json();
  let attentions = 0;
  let pooled = 0;
  const worst = (got, want) => got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
  for (const c of cases) {
    session.run({ source: 'model', text: c.text });
    attentions = Math.max(attentions, worst(session.attentions(), c.attentions.flat(3)));
    pooled = Math.max(pooled, worst(session.pooled(), c.pooled));
  }
  return { attentions, pooled, sentences: cases.length };
}

/** A session with the model loaded from the files' bytes. */
function loaded(config, tokenizer, bytes) {
  const session = new Session();
  session.loadModel('all-MiniLM-L6-v2', config, tokenizer, undefined, bytes);
  return session;
}

/**
 * all-MiniLM-L6-v2: loading from the files' bytes (F16 and F32 weights), then the forward pass
 * with every attention map handed to JavaScript (`run` + `attentions()`), timed alternately with
 * onnxruntime-web's on the graph exported from the F32 file (every map and the pooled embedding
 * as outputs), and the two engines' maps compared. Both weight files are also checked against the
 * transformers reference.
 */
async function modelSuite(memory) {
  const mib = () => memory.buffer.byteLength / 2 ** 20;
  const readings = [{ label: 'after instantiating the module', MiB: mib() }];
  const [config, tokenizer] = await Promise.all([fetchModelFile('config.json', 'text'), fetchModelFile('tokenizer.json', 'text')]);
  const weights = {
    F16: await fetchModelFile('model.f16.safetensors', 'bytes'),
    F32: await fetchModelFile('model.safetensors', 'bytes'),
  };
  const rows = [];
  const accuracy = {};
  for (const [dtype, bytes] of Object.entries(weights)) {
    const t0 = performance.now();
    loaded(config, tokenizer, bytes).free();
    rows.push({ name: `load (loadModel), ${dtype} weights, first`, n: bytes.length, medianMs: performance.now() - t0, minMs: performance.now() - t0, runs: 1 });
    // Each session is freed before the next load, so the memory is reused, not accumulated.
    rows.push({ name: `load (loadModel), ${dtype} weights`, n: bytes.length, ...time(() => loaded(config, tokenizer, bytes).free(), 5, 1) });
    readings.push({ label: `after loading ${dtype} weights 7 times (each freed)`, MiB: mib() });
    const checked = loaded(config, tokenizer, bytes);
    accuracy[dtype] = await referenceError(checked);
    checked.free();
  }
  const session = loaded(config, tokenizer, weights.F32);
  const graph = await peerGraph('minilm');
  const t0 = performance.now();
  const other = await peerSession(graph);
  rows.push({ name: 'onnxruntime-web: InferenceSession.create, F32 graph', n: graph.length, medianMs: performance.now() - t0, minMs: performance.now() - t0, runs: 1 });
  const comparisons = [];
  const agreements = [];
  for (const t of [16, 64, 128, 512]) {
    const request = { source: 'model', text: textOfTokens(session, t) };
    const feeds = { input_ids: await idsTensor(session.tokenize(request.text).tokens.map((token) => token.id)) };
    const layers = other.outputNames.filter((name) => name.startsWith('attentions.')).length;
    const result = await alternate(() => { session.run(request); return session.attentions(); },
      async () => peerAttentions(await other.run(feeds), layers), t >= 512 ? 10 : 30);
    comparisons.push({ model: 'all-MiniLM-L6-v2', what: 'forward pass, all attention maps', n: t, ...result });
    session.run(request);
    agreements.push({ model: 'all-MiniLM-L6-v2', n: t, attentions: maxAbsDifference(session.attentions(), peerAttentions(await other.run(feeds), layers)) });
    readings.push({ label: `after T = ${t}`, MiB: mib() });
  }
  await other.release();
  session.free();
  return { rows, memory: readings, accuracy, comparisons, agreements };
}

const suites = { toy: toySuite, model: modelSuite, decoder: decoderSuite, translation: translationSuite, vision: visionSuite, rollout: rolloutSuite };

async function main() {
  const log = /** @type {HTMLElement} */ (document.querySelector('#log'));
  try {
    const wasm = await init();
    const wanted = new URLSearchParams(location.search).get('suite') ?? 'toy';
    const suite = suites[wanted];
    if (!suite) throw new Error(`unknown suite '${wanted}': use ${Object.keys(suites).join(', ')}`);
    const { rows, memory = [], accuracy = {}, comparisons = [], agreements = [] } = await suite(wasm.memory);
    // The memory only grows, so its final size is the suite's peak.
    const memoryMiB = wasm.memory.buffer.byteLength / 2 ** 20;
    window.benchResults = { suite: wanted, rows, memory, accuracy, comparisons, agreements, memoryMiB, userAgent: navigator.userAgent };
    log.textContent = rows.map((r) => `${r.name} n=${r.n}: median ${r.medianMs.toFixed(2)} ms (min ${r.minMs.toFixed(2)})`).join('\n')
      + comparisons.map((c) => `\n${c.model}, ${c.what}, n=${c.n}: core ${c.core.medianMs.toFixed(2)} ms, `
        + `onnxruntime-web ${c.peer.medianMs.toFixed(2)} ms (medians; ratio ${c.ratioMedian.toFixed(2)})`).join('')
      + memory.map((m) => `\nwasm memory ${m.label}: ${m.MiB.toFixed(1)} MiB`).join('')
      + Object.entries(accuracy).map(([w, a]) => `\n${w} weights vs transformers: attentions ${a.attentions.toExponential(1)}, pooled ${a.pooled.toExponential(1)}`).join('')
      + `\nwasm memory: ${memoryMiB.toFixed(1)} MiB`;
  } catch (e) {
    window.benchResults = { error: String(e) };
    log.textContent = `benchmark failed: ${e}`;
  }
}

main();
