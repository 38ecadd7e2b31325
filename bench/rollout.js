// Attention rollout and attention flow (src/rollout.rs, src/flow.rs) after a run, as the page asks
// for them: all-MiniLM-L6-v2 (6 layers) on texts of exactly T tokens and digits-vit (3 layers,
// 17 tokens) on a drawn-size picture; `session.rollout(0)` and `session.flow(0)` timed apart from
// the run. The flow is computed for up to 24 tokens (src/flow.rs's MAX_FLOW_TOKENS).
import { Session } from '../pkg/attention_playground.js';
import { fetchFile, textOfTokens, time } from './common.js';

const MINILM = '../models/all-MiniLM-L6-v2/';
const DIGITS = '../trained/digits-vit/';

export async function rolloutSuite() {
  const rows = [];
  const [config, tokenizer, weights] = await Promise.all([
    fetchFile(`${MINILM}config.json`, 'text', 'run scripts/fetch-model.sh'),
    fetchFile(`${MINILM}tokenizer.json`, 'text', 'run scripts/fetch-model.sh'),
    fetchFile(`${MINILM}model.safetensors`, 'bytes', 'run scripts/fetch-model.sh'),
  ]);
  const session = new Session();
  session.loadModel('all-MiniLM-L6-v2', config, tokenizer, undefined, weights);
  for (const t of [12, 16, 24]) {
    session.run({ source: 'model', text: textOfTokens(session, t) });
    rows.push({ name: 'all-MiniLM-L6-v2: rollout, every layer', n: t, ...time(() => session.rollout(0), 20) });
    rows.push({ name: 'all-MiniLM-L6-v2: flow, every layer', n: t, ...time(() => session.flow(0), t >= 24 ? 5 : 10, 1) });
  }
  session.free();
  const [vitConfig, preprocessor, vitWeights] = await Promise.all([
    fetchFile(`${DIGITS}config.json`, 'text', 'a file of the repository'),
    fetchFile(`${DIGITS}preprocessor_config.json`, 'text', 'a file of the repository'),
    fetchFile(`${DIGITS}model.safetensors`, 'bytes', 'a file of the repository'),
  ]);
  const vit = new Session();
  vit.loadModel('digits-vit', vitConfig, preprocessor, undefined, vitWeights);
  const side = 64;
  const pixels = new Uint8Array(side * side * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  const summary = vit.run({ source: 'image', width: side, height: side, pixels });
  const n = summary.sequences[0].tokens.length;
  rows.push({ name: 'digits-vit: rollout, every layer', n, ...time(() => vit.rollout(0), 40) });
  rows.push({ name: 'digits-vit: flow, every layer', n, ...time(() => vit.flow(0), 20) });
  vit.free();
  return { rows };
}
