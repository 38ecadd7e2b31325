// The translation models trained here (trained/, docs/trained-models.md): for each, loading its
// files' bytes, then translating one sentence as the page does (`run` greedy to <eos>, then every
// attention map and mask handed to JavaScript).
import { Session } from '../pkg/attention_playground.js';
import { fetchFile, time } from './common.js';

const DATE = 'Sunday, 29th of November 2026';
const SHORT = 'the hungry fox follows the white rabbit';
const LONG = 'the old teacher and the young students visit the famous castle near the blue river';
const MODELS = ['gru-additive', 'gru', 'transformer'].flatMap((architecture) => [
  { name: `dates-${architecture}`, texts: [DATE] },
  { name: `grammar-${architecture}`, texts: [SHORT, LONG] },
]);

export async function translationSuite(memory) {
  const rows = [];
  const readings = [];
  for (const { name, texts } of MODELS) {
    const dir = `../trained/${name}/`;
    const [config, vocab, weights] = await Promise.all([
      fetchFile(`${dir}config.json`, 'text', 'a file of the repository'),
      fetchFile(`${dir}vocab.json`, 'text', 'a file of the repository'),
      fetchFile(`${dir}model.safetensors`, 'bytes', 'a file of the repository'),
    ]);
    const load = () => {
      const session = new Session();
      session.loadModel(name, config, undefined, vocab, weights);
      return session;
    };
    rows.push({ name: `${name}: load (loadModel)`, n: weights.length, ...time(() => load().free(), 10, 1) });
    const session = load();
    for (const text of texts) {
      const request = { source: 'model', text };
      const summary = session.run(request);
      const n = summary.sequences[0].tokens.length;
      const written = summary.generation.steps.length;
      rows.push({
        name: `${name}: translate ${n} source → ${written} target tokens (run + attentions + masks)`,
        n,
        ...time(() => {
          session.run(request);
          session.attentions();
          session.masks();
        }, 40),
      });
    }
    session.free();
    readings.push({ label: `after ${name}`, MiB: memory.buffer.byteLength / 2 ** 20 });
  }
  return { rows, memory: readings };
}
