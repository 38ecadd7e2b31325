// Training steps per second: the core in WebAssembly (the release build in pkg/, run by Node's V8)
// against PyTorch eager on the CPU (scripts/bench_train.py, one thread), for the same model and
// batch: the default `reverse` training (encoder–decoder, 1 + 1 layers × 2 heads, d_model 32,
// batches of 32). Rounds alternate between the two; the table shows each round and the medians.
// usage: node scripts/bench-train.mjs [rounds=3] [steps=200]   (build first: bash scripts/build.sh)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const rounds = Number(process.argv[2] ?? 3);
const steps = Number(process.argv[3] ?? 200);
if (!existsSync('pkg/attention_playground_bg.wasm')) {
  console.error('pkg/ is missing: run `bash scripts/build.sh` first');
  process.exit(1);
}
const { initSync, Trainer } = await import('../pkg/attention_playground.js');
initSync({ module: readFileSync('pkg/attention_playground_bg.wasm') });

/** Steps per second of the wasm Trainer: 20 steps to warm up, then `steps` in slices of 10. */
function wasmRound() {
  const trainer = new Trainer(Trainer.defaultSettings('reverse'));
  trainer.train(20);
  const start = performance.now();
  for (let done = 0; done < steps; done += 10) trainer.train(10);
  const seconds = (performance.now() - start) / 1000;
  const parameters = trainer.parameters();
  trainer.free();
  return { stepsPerSecond: steps / seconds, parameters };
}

/** Steps per second of PyTorch eager, one thread, in the training environment. */
function torchRound() {
  const out = execFileSync('bash', ['training/env.sh', 'scripts/bench_train.py', '--steps', String(steps), '--threads', '1'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const results = [];
for (let round = 0; round < rounds; round++) {
  const wasm = wasmRound();
  const torch = torchRound();
  if (wasm.parameters !== torch.parameters) throw new Error(`different models: ${wasm.parameters} against ${torch.parameters} parameters`);
  results.push({ wasm: wasm.stepsPerSecond, torch: torch.stepsPerSecond, parameters: wasm.parameters, torchVersion: torch.torch });
  console.log(`round ${round + 1}: wasm ${wasm.stepsPerSecond.toFixed(1)} steps/s, PyTorch eager ${torch.stepsPerSecond.toFixed(1)} steps/s`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {
  model: 'reverse defaults: encoder–decoder 1 + 1 layers × 2 heads, d_model 32, batch 32',
  parameters: results[0].parameters,
  steps,
  rounds: results,
  medianWasm: median(results.map((r) => r.wasm)),
  medianTorch: median(results.map((r) => r.torch)),
  node: process.version,
};
console.log(`median: wasm ${summary.medianWasm.toFixed(1)} steps/s, PyTorch eager ${summary.medianTorch.toFixed(1)} steps/s ` +
  `(wasm / PyTorch = ${(summary.medianWasm / summary.medianTorch).toFixed(2)})`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/train.json', `${JSON.stringify(summary, null, 2)}\n`);
