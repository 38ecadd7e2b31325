// Times the WebAssembly core in the browser. Each suite returns rows of
// { name, n, medianMs, minMs, runs }; the page shows them and exposes them on
// `window.benchResults` for the driver script (scripts/bench-wasm.mjs).
import init, { Playground } from '../pkg/attention_playground.js';

const WARMUP = 3;

/** Median and minimum of `runs` timed calls of `fn` after a warm-up. */
function time(fn, runs) {
  for (let i = 0; i < WARMUP; i++) fn();
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
  const p = new Playground();
  p.configure({ dModel: 256, heads: 8, kvHeads: 8, maxTokens: 4096 });
  return [16, 128, 512].map((n) => {
    const text = sentence(n);
    return { name: 'toy run, d_model 256, 8 heads', n, ...time(() => p.run(text), n >= 512 ? 15 : 40) };
  });
}

const suites = { toy: toySuite };

async function main() {
  const log = /** @type {HTMLElement} */ (document.querySelector('#log'));
  try {
    const wasm = await init();
    const wanted = new URLSearchParams(location.search).get('suite') ?? 'toy';
    const suite = suites[wanted];
    if (!suite) throw new Error(`unknown suite '${wanted}': use ${Object.keys(suites).join(', ')}`);
    const rows = suite();
    const memoryMiB = wasm.memory.buffer.byteLength / 2 ** 20;
    window.benchResults = { suite: wanted, rows, memoryMiB, userAgent: navigator.userAgent };
    log.textContent = rows.map((r) => `${r.name} n=${r.n}: median ${r.medianMs.toFixed(2)} ms (min ${r.minMs.toFixed(2)})`).join('\n')
      + `\nwasm memory: ${memoryMiB.toFixed(1)} MiB`;
  } catch (e) {
    window.benchResults = { error: String(e) };
    log.textContent = `benchmark failed: ${e}`;
  }
}

main();
