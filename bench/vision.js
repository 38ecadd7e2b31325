// Vision transformers: the trained digits-vit (trained/) and a ViT-Base-shaped model with random
// weights (bench-models/vit-base-random/, scripts/bench_models.py), loaded from their files' bytes,
// then the forward pass on a picture at the model's own size with every attention map handed to
// JavaScript (`run({source: 'image'})` + `attentions()`), timed alternately with onnxruntime-web's
// on the graph exported from the same safetensors. The core reads the picture's RGBA bytes (and
// applies the image processor: at the model's size that is the rescale and normalisation);
// onnxruntime-web reads the pixel values that the processor makes, computed here.
import { Session } from '../pkg/attention_playground.js';
import { fetchFile, time } from './common.js';
import { alternate, maxAbsDifference, peer, peerAttentions, peerGraph, peerSession } from './peer.js';

const MODELS = [
  { name: 'digits-vit', dir: '../trained/digits-vit/', remedy: 'a file of the repository', runs: 60 },
  { name: 'vit-base-random', dir: '../bench-models/vit-base-random/', remedy: 'run `bash training/env.sh scripts/bench_models.py`', runs: 10 },
];

/**
 * A `side` × `side` RGBA picture: smooth colour gradients and a seeded pattern, every patch different.
 * @param {number} side
 */
function picture(side) {
  const pixels = new Uint8Array(side * side * 4);
  let seed = 12345;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const at = (y * side + x) * 4;
      pixels[at] = (x * 255) / side;
      pixels[at + 1] = (y * 255) / side;
      pixels[at + 2] = (seed >>> 24) & 0xff;
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

/**
 * The pixel values an image processor makes of an opaque picture at the model's size: channel
 * first, each byte rescaled and normalised by the channel's mean and deviation.
 * @param {Uint8Array} rgba
 * @param {number} side
 * @param {{ rescale_factor: number, image_mean: number[], image_std: number[] }} processor
 */
async function pixelValues(rgba, side, processor) {
  const ort = await peer();
  const values = new Float32Array(3 * side * side);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < side * side; i++) {
      values[c * side * side + i] = (rgba[i * 4 + c] * processor.rescale_factor - processor.image_mean[c]) / processor.image_std[c];
    }
  }
  return new ort.Tensor('float32', values, [1, 3, side, side]);
}

export async function visionSuite(memory) {
  const mib = () => memory.buffer.byteLength / 2 ** 20;
  const rows = [];
  const readings = [];
  const comparisons = [];
  const agreements = [];
  for (const { name, dir, remedy, runs } of MODELS) {
    const [config, preprocessor, weights] = await Promise.all([
      fetchFile(`${dir}config.json`, 'text', remedy),
      fetchFile(`${dir}preprocessor_config.json`, 'text', remedy),
      fetchFile(`${dir}model.safetensors`, 'bytes', remedy),
    ]);
    const load = () => {
      const session = new Session();
      session.loadModel(name, config, preprocessor, undefined, weights);
      return session;
    };
    rows.push({ name: `${name}: load (loadModel)`, n: weights.length, ...time(() => load().free(), name === 'digits-vit' ? 20 : 3, 1) });
    const session = load();
    readings.push({ label: `after loading ${name}`, MiB: mib() });
    const side = JSON.parse(config).image_size;
    const rgba = picture(side);
    const request = { source: 'image', width: side, height: side, pixels: rgba };
    const summary = session.run(request);
    const tokens = summary.sequences[0].tokens.length;
    const graph = await peerGraph(name);
    const t0 = performance.now();
    const other = await peerSession(graph);
    rows.push({ name: `${name}: onnxruntime-web InferenceSession.create, F32 graph`, n: graph.length, medianMs: performance.now() - t0, minMs: performance.now() - t0, runs: 1 });
    const feeds = { pixel_values: await pixelValues(rgba, side, JSON.parse(preprocessor)) };
    const layers = other.outputNames.filter((output) => output.startsWith('attentions.')).length;
    const result = await alternate(() => { session.run(request); return session.attentions(); },
      async () => peerAttentions(await other.run(feeds), layers), runs);
    comparisons.push({ model: name, what: `forward pass on a ${side} × ${side} picture, all attention maps`, n: tokens, ...result });
    session.run(request);
    const outputs = await other.run(feeds);
    agreements.push({ model: name, n: tokens, attentions: maxAbsDifference(session.attentions(), peerAttentions(outputs, layers)) });
    readings.push({ label: `after ${name}'s forward passes`, MiB: mib() });
    await other.release();
    session.free();
  }
  return { rows, memory: readings, comparisons, agreements };
}
