// Benchmarks the release wasm build in headless Chromium and prints a table.
// usage: node scripts/bench-wasm.mjs [suite]   (build first: bash scripts/build.sh)
// The model, decoder and vision suites race onnxruntime-web (pinned in bench/package.json, installed here
// into bench/node_modules on first use) on the graphs of scripts/bench_models.py.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const suite = process.argv[2] ?? 'toy';
if (!existsSync('pkg/attention_playground_bg.wasm')) {
  console.error('pkg/ is missing: run `bash scripts/build.sh` first');
  process.exit(1);
}
if (suite === 'model' || suite === 'decoder' || suite === 'vision') {
  if (!existsSync('bench-models/onnx')) {
    console.error('bench-models/onnx is missing: run `bash training/env.sh scripts/bench_models.py` first');
    process.exit(1);
  }
  if (!existsSync('bench/node_modules/onnxruntime-web')) {
    execFileSync('npm', ['ci', '--prefix', 'bench', '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
}

/** Starts the project's server on a free port and resolves with its URL. */
function startServer() {
  const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', '4390', '--exit-after', '1800'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const url = String(chunk).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (url) resolve({ server, url: url[0] });
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const { server, url } = await startServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${url}bench/?suite=${encodeURIComponent(suite)}`);
  await page.waitForFunction(() => window.benchResults, null, { timeout: 1_700_000 });
  const results = await page.evaluate(() => window.benchResults);
  if (results.error) throw new Error(results.error);
  console.log(`${results.userAgent}\n`);
  console.log('| benchmark | n | median (ms) | min (ms) | runs |\n|---|---:|---:|---:|---:|');
  for (const r of results.rows) {
    console.log(`| ${r.name} | ${r.n} | ${r.medianMs.toFixed(2)} | ${r.minMs.toFixed(2)} | ${r.runs} |`);
  }
  for (const [weights, a] of Object.entries(results.accuracy)) {
    console.log(`\n${weights} weights against transformers (${a.sentences} sentences): max abs error `
      + `${a.attentions.toExponential(1)} in the attentions, ${a.pooled.toExponential(1)} in the pooled embedding`);
  }
  if (results.comparisons.length > 0) {
    console.log('\nThe core against onnxruntime-web, timed alternately in this run (ms; ratio = core ÷ onnxruntime-web):\n');
    console.log('| model | what | n | core median | core min | onnxruntime-web median | onnxruntime-web min | ratio of medians | ratio of minima |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of results.comparisons) {
      console.log(`| ${c.model} | ${c.what} | ${c.n} | ${c.core.medianMs.toFixed(1)} | ${c.core.minMs.toFixed(1)} | ${c.peer.medianMs.toFixed(1)} `
        + `| ${c.peer.minMs.toFixed(1)} | ${c.ratioMedian.toFixed(2)} | ${c.ratioMin.toFixed(2)} |`);
    }
  }
  for (const a of results.agreements) {
    console.log(a.sameTokens === undefined
      ? `${a.model}, T = ${a.n}: max abs difference between the engines' attention maps ${a.attentions.toExponential(1)}`
      : `${a.model}, ${a.n}: ${a.sameTokens ? 'the same tokens' : 'DIFFERENT tokens'} from both engines`);
  }
  console.log('');
  for (const m of results.memory) console.log(`wasm memory ${m.label}: ${m.MiB.toFixed(1)} MiB`);
  console.log(`wasm linear memory after the suite (its peak: it never shrinks): ${results.memoryMiB.toFixed(1)} MiB`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/wasm-${suite}.json`, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  server.kill();
}
