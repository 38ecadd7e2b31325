// Benchmarks the release wasm build in headless Chromium and prints a table.
// usage: node scripts/bench-wasm.mjs [suite]   (build first: bash scripts/build.sh)
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const suite = process.argv[2] ?? 'toy';
if (!existsSync('pkg/attention_playground_bg.wasm')) {
  console.error('pkg/ is missing: run `bash scripts/build.sh` first');
  process.exit(1);
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
  await page.waitForFunction(() => window.benchResults, null, { timeout: 600_000 });
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
  console.log('');
  for (const m of results.memory) console.log(`wasm memory ${m.label}: ${m.MiB.toFixed(1)} MiB`);
  console.log(`wasm linear memory after the suite (its peak: it never shrinks): ${results.memoryMiB.toFixed(1)} MiB`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/wasm-${suite}.json`, JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  server.kill();
}
