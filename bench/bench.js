// Times the WebAssembly core in the browser. Each suite returns rows of
// { name, n, medianMs, minMs, runs } and memory readings { label, MiB }; the page shows them and
// exposes them on `window.benchResults` for the driver script (scripts/bench-wasm.mjs).
import init, { Session } from '../pkg/attention_playground.js';

/** Median and minimum of `runs` timed calls of `fn` after `warmup` untimed ones. */
function time(fn, runs, warmup = 3) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], minMs: samples[0], runs };
}

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
/** Words that are one WordPiece token each in MiniLM's vocabulary, to build texts of exact lengths. */
const WORDS = ('the teacher asked the students to read the story about a small dog that ran across the busy '
  + 'street because it wanted to find its way back home before the rain started again').split(' ');

async function fetchModelFile(name, as) {
  const response = await fetch(MODEL_DIR + name);
  if (!response.ok) throw new Error(`${MODEL_DIR}${name}: HTTP ${response.status} (run scripts/fetch-model.sh)`);
  return as === 'text' ? response.text() : new Uint8Array(await response.arrayBuffer());
}

/** A text the model reads as exactly `t` tokens, [CLS] and [SEP] included (checked). */
function textOfTokens(session, t) {
  const text = Array.from({ length: t - 2 }, (_, i) => WORDS[i % WORDS.length]).join(' ');
  const got = session.tokenize(text).tokens.length;
  if (got !== t) throw new Error(`the benchmark text has ${got} tokens, not ${t}`);
  return text;
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
 * with every attention map handed to JavaScript (`run` + `attentions()`), and the pass alone.
 * Both weight files are also checked against the transformers reference.
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
  for (const t of [16, 64, 128, 512]) {
    const request = { source: 'model', text: textOfTokens(session, t) };
    const runs = t >= 512 ? 10 : 30;
    rows.push({ name: 'run + attentions()', n: t, ...time(() => { session.run(request); session.attentions(); }, runs) });
    rows.push({ name: 'run', n: t, ...time(() => session.run(request), runs) });
    readings.push({ label: `after T = ${t}`, MiB: mib() });
  }
  session.free();
  return { rows, memory: readings, accuracy };
}

const suites = { toy: toySuite, model: modelSuite };

async function main() {
  const log = /** @type {HTMLElement} */ (document.querySelector('#log'));
  try {
    const wasm = await init();
    const wanted = new URLSearchParams(location.search).get('suite') ?? 'toy';
    const suite = suites[wanted];
    if (!suite) throw new Error(`unknown suite '${wanted}': use ${Object.keys(suites).join(', ')}`);
    const { rows, memory = [], accuracy = {} } = await suite(wasm.memory);
    // The memory only grows, so its final size is the suite's peak.
    const memoryMiB = wasm.memory.buffer.byteLength / 2 ** 20;
    window.benchResults = { suite: wanted, rows, memory, accuracy, memoryMiB, userAgent: navigator.userAgent };
    log.textContent = rows.map((r) => `${r.name} n=${r.n}: median ${r.medianMs.toFixed(2)} ms (min ${r.minMs.toFixed(2)})`).join('\n')
      + memory.map((m) => `\nwasm memory ${m.label}: ${m.MiB.toFixed(1)} MiB`).join('')
      + Object.entries(accuracy).map(([w, a]) => `\n${w} weights vs transformers: attentions ${a.attentions.toExponential(1)}, pooled ${a.pooled.toExponential(1)}`).join('')
      + `\nwasm memory: ${memoryMiB.toFixed(1)} MiB`;
  } catch (e) {
    window.benchResults = { error: String(e) };
    log.textContent = `benchmark failed: ${e}`;
  }
}

main();
