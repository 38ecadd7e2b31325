// onnxruntime-web, the engine the core is compared with, on ONNX graphs exported from the same
// safetensors by scripts/bench_models.py (bench-models/onnx/). It runs in this page like the core:
// WebAssembly with SIMD, one thread, on the main thread. scripts/bench-wasm.mjs installs it into
// bench/node_modules (bench/package.json) before a suite that needs it.

import { fetchFile } from './common.js';

const ORT_DIST = new URL('./node_modules/onnxruntime-web/dist/', import.meta.url).href;
const ONNX_DIR = new URL('../bench-models/onnx/', import.meta.url).href;

/** @type {Promise<any> | undefined} */
let ortModule;

/** onnxruntime-web's WebAssembly build, set to one thread. */
export function peer() {
  ortModule ??= import(`${ORT_DIST}ort.wasm.min.mjs`).then((ort) => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = ORT_DIST;
    return ort;
  });
  return ortModule;
}

/** The bytes of an exported graph (`name`.onnx). */
export function peerGraph(name) {
  return fetchFile(`${ONNX_DIR}${name}.onnx`, 'bytes', 'run `bash training/env.sh scripts/bench_models.py`');
}

/** An onnxruntime-web session on a graph's bytes, every graph optimisation on. */
export async function peerSession(bytes) {
  const ort = await peer();
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/** `[1, n]` int64 token ids. */
export async function idsTensor(ids) {
  const ort = await peer();
  return new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]);
}

/** Median and minimum of sorted-on-the-way samples (ms). */
function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], runs: sorted.length };
}

/**
 * Times `core` and `other` (each a function, `other` may be async) alternately: `warmup` untimed
 * calls of each, then `runs` timed pairs, the order swapped every pair so that neither engine
 * always runs second. Returns each engine's median and minimum and the core's time divided by
 * onnxruntime-web's (below 1: the core is faster).
 */
export async function alternate(core, other, runs, warmup = 3) {
  for (let i = 0; i < warmup; i++) {
    core();
    await other();
  }
  const samples = { core: [], peer: [] };
  const timed = async (key, fn) => {
    const t0 = performance.now();
    await fn();
    samples[key].push(performance.now() - t0);
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await timed('core', core);
      await timed('peer', other);
    } else {
      await timed('peer', other);
      await timed('core', core);
    }
  }
  const result = { core: stats(samples.core), peer: stats(samples.peer) };
  return { ...result, ratioMedian: result.core.medianMs / result.peer.medianMs, ratioMin: result.core.minMs / result.peer.minMs };
}

/** Largest absolute difference between two equally long arrays of numbers. */
export function maxAbsDifference(a, b) {
  if (a.length !== b.length) throw new Error(`the engines returned ${a.length} and ${b.length} attention weights`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Every layer's `attentions.i` output of a peer run, one flat array `[layer][head][query][key]`. */
export function peerAttentions(outputs, layers) {
  const parts = Array.from({ length: layers }, (_, i) => outputs[`attentions.${i}`].data);
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    flat.set(p, at);
    at += p.length;
  }
  return flat;
}
