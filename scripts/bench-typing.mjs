// Measures how fast the playground keeps up with typing, in headless Chromium, and prints a table.
// usage: node scripts/bench-typing.mjs [keystrokes]   (build first: bash scripts/build.sh;
//        MiniLM rows need models/all-MiniLM-L6-v2, from scripts/fetch-model.sh)
//
// What is timed, for each keystroke: from the keydown event (performance.now() in a capturing
// listener on the sentence box) to the view settled, which is the first animation frame after
// the last DOM change the keystroke caused. A MutationObserver on the whole document (children,
// attributes and text, in every subtree) asks for an animation frame after each change and
// records that frame's time (changes inside the screen-reader table, which is never on screen,
// are not counted); the keystroke has settled once nothing has changed for QUIET_MS,
// which is longer than any run takes here. The typing delay (debounce), the run in the worker,
// the drawing of every view and the browser's style and layout before that frame are all inside
// the figure. Keys alternate between typing a letter at the end of the text and deleting it, so
// the length stays the same; the median of the keystrokes is reported, with the minimum and the
// slowest. The page is the Sentence tab's default view (heatmap, table and lines).
/* global window, document, Element, MutationObserver, requestAnimationFrame -- the functions given to page.evaluate run in the page */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const KEYSTROKES = Number(process.argv[2] ?? 15);
const QUIET_MS = 1500;
const MINILM = 'models/all-MiniLM-L6-v2';
if (!existsSync('pkg/attention_playground_bg.wasm')) {
  console.error('pkg/ is missing: run `bash scripts/build.sh` first');
  process.exit(1);
}

const WORDS = 'the small cat sat on a warm mat while the old dog slept near the door and dreamed of long walks'.split(' ');
/** @param {number} n */
const words = (n) => Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');

// MiniLM's text is counted in its tokens: these words are one WordPiece each, plus [CLS] and [SEP].
const CASES = [
  { name: 'toy, 12 words', link: '#v=1&model=toy', text: words(12), target: 80 },
  { name: 'toy, 100 words', link: '#v=1&model=toy', text: words(100), target: 200 },
  { name: 'MiniLM, 16 tokens', link: '', text: words(14), target: 120, model: true },
  { name: 'MiniLM, 128 tokens', link: '', text: words(126), target: 400, model: true },
];

/** Starts the project's server on a free port and resolves with its URL. */
function startServer() {
  const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', '4392', '--exit-after', '1800'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const url = String(chunk).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (url) resolve({ server, url: url[0] });
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Installed in the page: records the time of the frame after each DOM change, and of each keydown. */
function watchChanges() {
  const w = /** @type {any} */ (window);
  w.__typing = { lastFrame: performance.now(), keydown: 0 };
  new MutationObserver((records) => {
    if (records.every((r) => r.target instanceof Element ? r.target.closest('.heatmap-table') : r.target.parentElement?.closest('.heatmap-table'))) return;
    requestAnimationFrame(() => {
      w.__typing.lastFrame = performance.now();
    });
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('keydown', () => {
    w.__typing.keydown = performance.now();
  }, true);
}

/**
 * Waits until nothing has changed for QUIET_MS and returns the settled frame's time after the keydown.
 * @param {import('@playwright/test').Page} page
 */
async function settled(page) {
  await page.waitForFunction((quiet) => {
    const t = /** @type {any} */ (window).__typing;
    return t.lastFrame > t.keydown && performance.now() - t.lastFrame > quiet;
  }, QUIET_MS, { polling: 100, timeout: 60_000 });
  return page.evaluate(() => {
    const t = /** @type {any} */ (window).__typing;
    return t.lastFrame - t.keydown;
  });
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { server, url } = await startServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
const rows = [];
try {
  for (const c of CASES) {
    if (c.model && !existsSync(MINILM)) {
      console.error(`${c.name}: skipped, ${MINILM} is missing`);
      continue;
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error(`${c.name}: page error: ${error.message}`));
    await page.goto(`${url}${c.link}`);
    const status = page.locator('.ap-status');
    await status.filter({ hasText: c.model ? 'all-MiniLM-L6-v2' : 'queries' }).waitFor({ timeout: 120_000 });
    const box = page.getByRole('textbox', { name: 'Sentence', exact: true });
    await box.fill(c.text);
    await page.evaluate(watchChanges);
    await box.press('End');
    await page.waitForTimeout(QUIET_MS * 2);
    const times = [];
    for (let i = 0; i < KEYSTROKES; i += 1) {
      await box.press(i % 2 === 0 ? 's' : 'Backspace');
      times.push(await settled(page));
    }
    rows.push({ ...c, status: await status.textContent(), times });
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`${KEYSTROKES} keystrokes each; keystroke → view settled (ms)\n`);
console.log('| text | status line | median | min | max | target |\n|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.status} | ${median(r.times).toFixed(0)} | ${Math.min(...r.times).toFixed(0)} | ${Math.max(...r.times).toFixed(0)} | ≤ ${r.target} |`);
}
