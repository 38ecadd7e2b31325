// Decoders from the reader's files, in a real browser: a GPT-2-shaped model of realistic size
// (273 MB in F16, random weights written for the test by gpt2-shaped.js) loads while the
// page stays responsive, with its progress shown and Cancel working, then generates; a file
// beyond the page's limit is refused before it is read; and bad decoder files and a prompt
// longer than the context each get one clear message, the page staying usable.
import { test, expect } from '@playwright/test';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot, TOY_PAGE } from './page-helpers.js';
import { writeGpt2Shaped } from './gpt2-shaped.js';
import { MAX_WEIGHTS_BYTES } from '../../www/src/model/address.js';
import { formatBytes } from '../../www/src/format.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TINY = path.join(repo, 'tests/fixtures/decoder/tiny-gpt2');
const FILES = ['config.json', 'tokenizer.json', 'model.safetensors'];
/** What the page calls a model from files picked one by one (not as a folder). */
const PICKED = 'your-files';
/**
 * The longest pause between two frames of the page allowed while the model loads: loading
 * happens in the worker, so the page's own thread only reads the file and hands it over. Loose,
 * for a busy test machine; a page that parsed the model on its own thread would pause for
 * seconds.
 */
const MAX_FRAME_GAP_MS = 1000;

const checked = checkEveryPage();

/** How many tokens the tiny GPT-2 makes of `text`, as the core counts them in Node. */
function tokenCount(text) {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(TINY, name));
    session.loadModel('tiny', read('config.json').toString('utf8'), read('tokenizer.json').toString('utf8'), undefined, read('model.safetensors'));
    return session.run({ source: 'model', text }).truncated.total;
  } finally {
    session.free();
  }
}

const sentenceBox = (page) => page.getByRole('textbox', { name: 'Sentence', exact: true });
const modelSelect = (page) => page.getByRole('combobox', { name: 'Computed by' });
const fileInput = (page) => page.locator('.model-drop input[type="file"]');
const tokensField = (page) => page.getByRole('spinbutton', { name: 'Tokens to generate' });

/** Picks the files in `dir` (paths: the browser reads them itself, however large). */
async function pickFolder(page, dir, names = FILES) {
  await modelSelect(page).selectOption('files');
  await fileInput(page).setInputFiles(names.map((name) => path.join(dir, name)));
}

/**
 * Starts recording the gaps between the page's animation frames, and every text the loading
 * status shows.
 */
async function recordLoading(page) {
  await page.evaluate(() => {
    const gaps = [];
    const texts = [];
    let last = performance.now();
    const tick = (/** @type {number} */ now) => {
      gaps.push(now - last);
      last = now;
      if (window.__loading?.gaps === gaps) requestAnimationFrame(tick);
    };
    const observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) texts.push(node.textContent);
    });
    observer.observe(/** @type {Element} */ (document.querySelector('.model-loading-text')), { childList: true });
    window.__loading = { gaps, texts, observer };
    requestAnimationFrame(tick);
  });
}

/** Stops recording: the longest gap, the number of frames, the texts shown. */
async function stopRecording(page) {
  return page.evaluate(() => {
    const { gaps, texts, observer } = window.__loading;
    observer.disconnect();
    window.__loading = null;
    return { longest: Math.max(...gaps), frames: gaps.length, texts };
  });
}

test.describe('a decoder of realistic size', () => {
  /** @type {string} */
  let folder;
  /** @type {{ bytes: number, parameters: number }} */
  let written;

  test.beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'gpt2-shaped-'));
    written = writeGpt2Shaped(folder);
  });

  test.afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('a 273 MB GPT-2-shaped decoder loads from files in the worker: progress, Cancel, a responsive page, then generation', async ({ page }) => {
    expect(written.bytes).toBeGreaterThan(250e6);
    expect(written.bytes).toBeLessThan(300e6);
    await page.goto(TOY_PAGE);
    await expect(page.locator('.weight-table tbody tr').first()).toBeVisible();

    // Cancelled while it loads: the toy stays, and nothing of the model is kept.
    await pickFolder(page, folder);
    const loading = page.locator('.model-loading');
    await expect(loading).toBeVisible();
    await expect(page.locator('.model-loading-title')).toHaveText(`Loading ${PICKED}. The toy model works meanwhile.`);
    await loading.getByRole('button', { name: 'Cancel' }).click();
    await expect(loading).toBeHidden();
    await expect(page.locator('.note-info')).toHaveText(`Loading ${PICKED} was cancelled: the toy model is shown.`);
    await expect(modelSelect(page)).toHaveValue('toy');

    // Loaded again: the page keeps drawing frames and takes typing while the worker reads the model.
    await recordLoading(page);
    await pickFolder(page, folder);
    await expect(page.locator('.model-loading-text')).toHaveText(/Reading your file model\.safetensors|Preparing/);
    await screenshot(page, 'decoder-large-loading-desktop');
    const typed = 'Typed while the model loads';
    await sentenceBox(page).fill('');
    await sentenceBox(page).pressSequentially(typed, { delay: 5 });
    await expect(sentenceBox(page)).toHaveValue(typed);
    await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 60_000 });
    const loaded = await stopRecording(page);
    console.log(`loading ${formatBytes(written.bytes)}: ${loaded.frames} frames, the longest pause ${loaded.longest.toFixed(0)} ms`);
    expect(loaded.frames).toBeGreaterThan(10);
    expect(loaded.longest, `the longest pause between frames while loading (${loaded.frames} frames)`).toBeLessThan(MAX_FRAME_GAP_MS);
    // The bytes read so far, a hundredth at a time, then the core's turn.
    const total = formatBytes(FILES.reduce((sum, name) => sum + statSync(path.join(folder, name)).size, 0));
    const reading = loaded.texts.filter((text) => text.startsWith('Reading your file model.safetensors: ') && text.endsWith(` of ${total}`));
    expect(reading.length, loaded.texts.join('\n')).toBeGreaterThan(50);
    expect(loaded.texts).toContain(`Preparing ${PICKED}: the core reads ${formatBytes(written.bytes)} of weights…`);
    await expect(page.locator('.model-info').first()).toContainText('GPT-2 decoder · 20 layers × 12 heads · d_model 768, d_k 64');

    // A run completes on it: the typed text, then three generated tokens.
    await expect(page.locator('.ap-status')).toContainText('causal self-attention');
    await tokensField(page).fill('3');
    await tokensField(page).press('Enter');
    await expect(page.locator('.generate-chip')).toHaveCount(3, { timeout: 30_000 });
    await expect(page.locator('.ap-status')).toContainText('+ 3 generated tokens');
    await screenshot(page, 'decoder-large-desktop');
  });
});

test('a weights file beyond the page’s limit is refused by its size, before it is read', async ({ page }) => {
  const big = mkdtempSync(path.join(tmpdir(), 'too-large-'));
  try {
    writeFileSync(path.join(big, 'config.json'), readFileSync(path.join(TINY, 'config.json')));
    writeFileSync(path.join(big, 'tokenizer.json'), readFileSync(path.join(TINY, 'tokenizer.json')));
    // A sparse file: its size is what is refused, so no byte of it needs writing.
    const file = openSync(path.join(big, 'model.safetensors'), 'w');
    ftruncateSync(file, MAX_WEIGHTS_BYTES + 1);
    closeSync(file);
    await page.goto(TOY_PAGE);
    await pickFolder(page, big);
    const note = page.locator('.note-error');
    await expect(note).toContainText(
      `model.safetensors is ${formatBytes(MAX_WEIGHTS_BYTES + 1)}: larger than the ${formatBytes(MAX_WEIGHTS_BYTES)} the playground loads in a browser tab.`,
    );
    await expect(modelSelect(page)).toHaveValue('toy');
    await sentenceBox(page).fill('the toy still works');
    await expect(page.locator('.weight-table tbody tr')).toHaveCount(4);
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
});

/** The tiny GPT-2's files as the file picker takes them, some replaced (name → text). */
function tinyFiles(replaced = {}) {
  return FILES.map((name) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: name in replaced ? Buffer.from(replaced[name]) : readFileSync(path.join(TINY, name)),
  }));
}

test('bad decoder files get one message each, a prompt longer than the context is cut and says so; the page stays usable', async ({ page }) => {
  const config = readFileSync(path.join(TINY, 'config.json'), 'utf8');
  const tokenizer = JSON.parse(readFileSync(path.join(TINY, 'tokenizer.json'), 'utf8'));
  const cases = [
    // Another family's config over GPT-2 weights.
    [{ 'config.json': readFileSync(path.join(repo, 'tests/fixtures/decoder/tiny-llama/config.json')) }, 'model.safetensors has no tensor model.embed_tokens.weight: the weights do not match config.json'],
    // An encoder's config over a byte-level BPE tokenizer.
    [{ 'config.json': readFileSync(path.join(repo, 'tests/fixtures/model/tiny-bert/config.json')) }, 'tokenizer.json holds a BPE model; BERT-family encoders need WordPiece'],
    [{ 'tokenizer.json': JSON.stringify({ ...tokenizer, model: { ...tokenizer.model, merges: [] } }) }, 'tokenizer.json has a BPE model without merges (model.merges): byte-level BPE needs its merge rules'],
    [{ 'config.json': config.replace('"vocab_size": 1002', '"vocab_size": 900') }, 'the tokenizer has 1002 token ids but the model embeds 900 tokens: they belong to different models'],
  ];
  await page.goto(TOY_PAGE);
  for (const [replaced, message] of cases) {
    await modelSelect(page).selectOption('files');
    await fileInput(page).setInputFiles(tinyFiles(replaced));
    const note = page.locator('.note-error');
    await expect(note).toContainText('The model in your files could not be loaded.');
    await expect(note).toContainText(message);
    await expect(note).toContainText('The toy model is shown.');
    await expect(modelSelect(page)).toHaveValue('toy');
  }
  await sentenceBox(page).fill('the toy still works');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(4);

  // The good files load; a prompt longer than the 64-token context is cut to it, and nothing is generated.
  await modelSelect(page).selectOption('files');
  await fileInput(page).setInputFiles(tinyFiles());
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 30_000 });
  await expect(page.locator('.note-error')).toHaveCount(0);
  const long = 'Once upon a time, '.repeat(20);
  const total = tokenCount(long);
  await sentenceBox(page).fill(long);
  await expect(page.locator('.token-chip')).toHaveCount(64);
  const cut = `The context of ${PICKED} holds 64 tokens, prompt and generated tokens together: this text makes ${total}, so only the first 64 are shown and none can be generated. To generate, shorten the text to at most 63 tokens.`;
  await expect(page.getByText(cut)).toBeVisible();
  await tokensField(page).fill('5');
  await tokensField(page).press('Enter');
  await expect(page.locator('.generate-chip')).toHaveCount(0);
  await expect(page.getByText('0 tokens generated after the 64-token prompt: the context of 64 tokens is full.')).toBeVisible();
  await expect(page.getByText(cut)).toBeVisible();
  await screenshot(page, 'decoder-long-prompt-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByText(cut)).toBeVisible();
  await screenshot(page, 'decoder-long-prompt-phone');
});
