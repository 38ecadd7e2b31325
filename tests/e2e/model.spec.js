// A pretrained model in the playground, in a real browser under the strict Content-Security-Policy:
// all-MiniLM-L6-v2 loaded from the served folder (progress in bytes, cancel, the browser's cache),
// its tokens and every layer's and head's weights against the PyTorch reference of
// tests/fixtures/model/, [CLS]/[SEP] hidden and renormalised, the player on a real head, the
// link, bad files and addresses, and <attention-playground model="…">.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, checkEveryPage, readWeightTable, screenshot, shown, TOY_PAGE } from './page-helpers.js';
import { CSP as STRICT_CSP } from '../../scripts/csp.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL_DIR = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const reference = JSON.parse(readFileSync(path.join(repo, 'tests', 'fixtures', 'model', 'minilm.json'), 'utf8'));
const ANIMAL = "The animal didn't cross the street because it was too tired.";
const animal = reference.cases.find((c) => c.text === ANIMAL);
const TOKENS = ['[CLS]', 'the', 'animal', 'didn', "'", 't', 'cross', 'the', 'street', 'because', 'it', 'was', 'too', 'tired', '.', '[SEP]'];
/** The weights the page reads first: the full-precision file. */
const WEIGHTS = 'model.safetensors';
/** The full-precision weights, for numbers compared with the reference to three decimals. */
const F32_LINK = '/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors';

const checked = checkEveryPage();

/** The browser reports each 404 a test asks for on purpose: drops those reports (there must be some). */
function forgiveNotFound() {
  const notFound = (problem) => problem.includes('Failed to load resource') && problem.includes('404');
  const { problems } = checked.watch;
  expect(problems.some(notFound)).toBe(true);
  problems.splice(0, problems.length, ...problems.filter((problem) => !notFound(problem)));
}

const sentenceBox = (page) => page.getByRole('textbox', { name: 'Sentence', exact: true });
const modelSelect = (page) => page.getByRole('combobox', { name: 'Computed by' });
const computing = (scope) => scope.locator('.ap');
/** A thumbnail of the layers × heads grid (numbered from 1, as on screen). */
const tile = (scope, layer, head) => scope.getByRole('button', { name: `Layer ${layer}, head ${head}`, exact: true });

/** Waits until the model computes what is on screen, with the example's 16 tokens. */
async function modelReady(scope) {
  await expect(computing(scope)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(scope.locator('.token-chip')).toHaveText(TOKENS);
}

/** Picks the served model and waits until it computes; returns the milliseconds. */
async function loadServed(page) {
  const started = Date.now();
  await modelSelect(page).selectOption('served');
  await modelReady(page);
  return Date.now() - started;
}

/** Opens the page with the full-precision weights (whose numbers match the reference to 3 decimals). */
async function openF32(page) {
  await page.goto(F32_LINK);
  await modelReady(page);
}

/** Slows the page's downloads so progress (and cancelling) can be watched. */
async function throttle(page, bytesPerSecond) {
  const client = await page.context().newCDPSession(page);
  await client.send('Network.enable');
  await client.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: bytesPerSecond, uploadThroughput: -1 });
  return client;
}

/** Every request for the weights file: method and URL. */
function weightRequests(page) {
  const seen = [];
  page.on('request', (request) => {
    if (request.url().endsWith(WEIGHTS)) seen.push(request.method());
  });
  return seen;
}

/** Focuses a layer and a head (indices from 0) with the pickers above the views. */
async function pick(page, layer, head) {
  await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: String(layer) });
  await page.getByRole('combobox', { name: 'Head', exact: true }).selectOption({ value: String(head) });
}

/** Reference weights of one head, renormalised over the ordinary tokens when `kept` is given. */
function referenceHead(layer, head, kept = null) {
  const rows = animal.attentions[layer][head];
  if (!kept) return rows;
  return kept.map((q) => {
    const row = kept.map((k) => rows[q][k]);
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((w) => w / sum);
  });
}

/**
 * The table's numbers equal the reference to three decimals (a number within `slack` of a
 * rounding boundary may round the other way).
 */
function expectTable(table, expected, slack = 1e-5) {
  expect(table.cells).toHaveLength(expected.length);
  table.cells.forEach((row, i) => row.forEach((cell, j) => {
    expect(Math.abs(shown(cell) - expected[i][j]), `cell ${i},${j}`).toBeLessThanOrEqual(0.0005 + slack);
  }));
}

test('the served model loads with progress in bytes; 16 WordPiece tokens; every head equals the reference', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  const client = await throttle(page, 12 * 1024 * 1024);
  await modelSelect(page).selectOption('served');
  const loading = page.locator('.model-loading');
  await expect(loading).toBeVisible();
  await expect(loading.locator('.model-loading-text')).toHaveText(/Downloading model\.safetensors: [\d.]+ (KB|MB) of 8\d\.\d MB/, { timeout: 20_000 });
  const bar = loading.locator('progress');
  await expect.poll(async () => bar.evaluate((p) => p.value / p.max)).toBeGreaterThan(0.05);
  // The toy keeps computing meanwhile.
  await sentenceBox(page).fill('The toy still answers');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(4);
  await screenshot(page, 'model-loading');
  await client.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await sentenceBox(page).fill(ANIMAL);
  await expect(computing(page)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(loading).toBeHidden();
  await expect(page.locator('.token-chip')).toHaveText(TOKENS);
  expect(animal.tokens).toEqual(TOKENS);
  await expect(page.locator('.model-info').first()).toContainText('6 layers × 12 heads · d_model 384, d_k 32');
  await expect(page.locator('.model-info').first()).toContainText('F32 weights, computed in f32');
  await expect(page.locator('.ap-source-line')).toContainText('Computed by all-MiniLM-L6-v2, pretrained encoder, F32 weights');
  await expect(page.locator('.ap-status')).toHaveText('all-MiniLM-L6-v2 · self-attention · 16 tokens · layer 1 of 6, head 1 of 12 · d_k = 32 · scaled dot-product scores');
  // The toy's settings do not apply, and say why.
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toBeHidden();
  await expect(page.locator('.model-toy-note')).toContainText('WordPiece');

  for (const [layer, head] of [[0, 0], [2, 4], [5, 11]]) {
    await pick(page, layer, head);
    await expect(page.locator('.weight-table caption')).toContainText(`layer ${layer + 1} · head ${head + 1}`);
    const table = await readWeightTable(page);
    expect(table.rows).toEqual(TOKENS);
    // The F32 weights: every printed digit is the model's (the reference's, rounded).
    expectTable(table, referenceHead(layer, head));
  }
  await screenshot(page, 'model-heatmap', { fullPage: true });

  // The sentence embedding: 384 numbers of length 1, as sentence-transformers pools them.
  await expect(page.locator('.embedding-label')).toHaveText('Sentence embedding · 384 numbers');
  await expect(page.locator('.embedding-bar')).toHaveCount(384);
  await expect(page.locator('.embedding-note')).toContainText('length 1.00');
});

test('the grid shows 6 × 12 heads; a click opens one in the heatmap, lines and player', async ({ page }) => {
  await openF32(page);
  await page.getByRole('tab', { name: 'Heads' }).click();
  await expect(page.locator('.model-grid-row[role="group"]')).toHaveCount(6);
  await expect(page.locator('.model-tile')).toHaveCount(72);
  await expect(page.locator('.model-grid-row[role="group"]').first().locator('.model-tile')).toHaveCount(12);
  await screenshot(page, 'model-grid', { fullPage: true });
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog.locator('.modal-lead')).toContainText('every head of the 6 layers');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'SVG' }).click()]);
  const svg = readFileSync(await download.path(), 'utf8');
  expect(svg).toContain('Attention weights of every head · 6 layers × 12 heads');
  expect(download.suggestedFilename()).toBe('attention-grid-layer1-head1.svg');
  await page.keyboard.press('Escape');
  // One tab stop: the arrow keys move through layers and heads, Enter opens one.
  await expect(page.locator('.model-tile[tabindex="0"]')).toHaveCount(1);
  await tile(page, 1, 1).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(tile(page, 2, 2)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(tile(page, 2, 2)).toHaveAttribute('aria-pressed', 'true');
  await tile(page, 3, 5).click();
  await expect(tile(page, 3, 5)).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/layer=2&head=4/);
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await expect(page.getByRole('combobox', { name: 'Layer' })).toHaveValue('2');
  expectTable(await readWeightTable(page), referenceHead(2, 4));
  await page.getByRole('tab', { name: 'Lines' }).click();
  await expect(page.locator('.head-toggle')).toHaveCount(12);
  await expect(page.locator('.lines-token')).toHaveCount(32);
  // Twelve heads of lines are a tangle: one click keeps the focused head alone.
  await page.getByRole('button', { name: 'Only head 5' }).click();
  await expect(page.locator('.head-toggle input:checked')).toHaveCount(1);
  await expect(page.getByRole('checkbox', { name: 'Head 5', exact: true })).toBeChecked();
  await expect(page).toHaveURL(/hide=0-1-2-3-5-6-7-8-9-10-11/);
  await screenshot(page, 'model-lines', { fullPage: true });
  await page.getByRole('button', { name: 'Every head' }).click();
  await expect(page.locator('.head-toggle input:checked')).toHaveCount(12);
});

test('hiding [CLS]/[SEP] renormalises every row over the other tokens, and says so', async ({ page }) => {
  await openF32(page);
  // A link to the shipped model's weights file is still the shipped model: the caption above the
  // views and the Model settings agree that it is pretrained.
  await expect(page.locator('.ap-source-line')).toContainText('all-MiniLM-L6-v2, pretrained encoder');
  await expect(page.getByText('Pretrained sentence encoder (sentence-transformers)')).toBeVisible();
  await expect(page.getByText(/does not ship/)).toHaveCount(0);
  await pick(page, 2, 4);
  await page.getByRole('checkbox', { name: 'Hide [CLS]/[SEP] and renormalise' }).check();
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(14);
  const table = await readWeightTable(page);
  expect(table.rows).toEqual(TOKENS.slice(1, -1));
  table.cells.forEach((row) => {
    const sum = row.reduce((total, cell) => total + shown(cell), 0);
    expect(Math.abs(sum - 1)).toBeLessThanOrEqual(14 * 0.0005);
  });
  expectTable(table, referenceHead(2, 4, [...Array(14).keys()].map((i) => i + 1)));
  await expect(page.locator('.weight-table caption')).toContainText('[CLS] and [SEP] hidden, each row renormalised to sum to 1');
  await expect(page.locator('.ap-status')).toContainText('[CLS]/[SEP] hidden, rows renormalised');
  await expect(page.locator('.panel-heatmap .heatmap-legend')).toContainText('renormalised weight');
  await expect(page.locator('.token-chip.special')).toHaveCount(2);
  await expect(page.locator('.token-chip.special').first()).toBeDisabled();
  await expect(page).toHaveURL(/nospecial=1/);
  await screenshot(page, 'model-renormalised', { fullPage: true });

  // The export says so too.
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog.locator('.modal-lead')).toContainText('without [CLS] and [SEP], rows renormalised');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toContain('all-MiniLM-L6-v2, pretrained encoder, F32 weights · dot-product scores × 1/√d_k · temperature 1 · no mask · [CLS] and [SEP] hidden, each row renormalised to sum to 1)');
  expect(download.suggestedFilename()).toBe('attention-weights-layer3-head5.csv');
  const [json] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'JSON' }).click()]);
  const document = JSON.parse(readFileSync(await json.path(), 'utf8'));
  expect(document.specialTokens).toBe('hidden, rows renormalised');
  expect(document.description).toContain('not the model’s raw weights');
  expect(document.modelInfo.layers).toBe(6);
  expect(document.weights).toHaveLength(14);
  await page.keyboard.press('Escape');

  // The player keeps the model's own computation, every token included.
  await page.getByRole('tab', { name: 'Step by step' }).click();
  await expect(page.locator('.player-note')).toContainText('[CLS] and [SEP] included');
  await expect(page.locator('.numbers-table tbody tr')).toHaveCount(16);
});

test('the player steps through a query of a real head with the reference weights', async ({ page }) => {
  await openF32(page);
  await pick(page, 2, 4);
  await page.getByRole('tab', { name: 'Step by step' }).click();
  const query = TOKENS.indexOf('it');
  await page.locator('.token-chip').nth(query).click();
  await expect(page.locator('.player-heading')).toHaveText('Layer 3 · head 5 · query ‘it’ (11 of 16)');
  const softmax = 3 + 16 + 3;
  await page.getByRole('slider', { name: 'Step within this query' }).fill(String(softmax));
  const formula = page.locator('.story-formula');
  await expect(formula).toHaveAttribute('data-stage', 'normalise');
  const weights = await page.locator('.numbers-table td[data-stage="normalise"]').allTextContents();
  expect(weights).toHaveLength(16);
  weights.forEach((text, k) => expect(Math.abs(shown(text) - animal.attentions[2][4][query][k])).toBeLessThanOrEqual(0.0005 + 1e-5));
  await page.getByRole('slider', { name: 'Step within this query' }).fill('8');
  await expect(formula).toHaveAttribute('data-stage', 'score');
  await expect(formula).toHaveAttribute('data-key', '5');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(formula).toHaveAttribute('data-key', '6');
  await screenshot(page, 'model-player', { fullPage: true });
});

test('WordPiece pieces join their word in the token strip and mark their own text (UTF-16 offsets)', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await loadServed(page);
  await sentenceBox(page).fill('😀 Tokenization café');
  const chips = page.locator('.token-chip');
  await expect(chips).toHaveText(['[CLS]', '[UNK]', 'token', '##ization', 'cafe', '[SEP]']);
  await expect(chips.nth(3)).toHaveClass(/piece/);
  await expect(chips.nth(3).locator('.piece-mark')).toHaveText('##');
  await chips.nth(3).hover();
  await expect(page.locator('.sentence-mirror mark')).toHaveText('ization');
  await chips.nth(1).hover();
  await expect(page.locator('.sentence-mirror mark')).toHaveText('😀');
  await chips.nth(4).hover();
  await expect(page.locator('.sentence-mirror mark')).toHaveText('café');
  await chips.nth(0).hover();
  await expect(page.locator('.sentence-mirror mark')).toHaveCount(0);
});

test('cancel stops the download; the toy stays', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await throttle(page, 2 * 1024 * 1024);
  await modelSelect(page).selectOption('served');
  await expect(page.locator('.model-loading-text')).toHaveText(/Downloading model\.safetensors/, { timeout: 20_000 });
  await page.locator('.model-loading').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.model-loading')).toBeHidden();
  await expect(page.locator('.note-info')).toHaveText('Loading all-MiniLM-L6-v2 was cancelled: the toy model is shown.');
  await expect(modelSelect(page)).toHaveValue('toy');
  await expect(computing(page)).toHaveAttribute('data-computing', 'toy');
  await sentenceBox(page).fill('still the toy');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(3);
  await expect(page).toHaveURL(/model=toy/);
});

test('a reload reads the model from the browser’s cache: no second download', async ({ page }) => {
  const requests = weightRequests(page);
  await page.goto(TOY_PAGE);
  const cold = await loadServed(page);
  await expect(page.locator('.model-info').nth(1)).toContainText('downloaded and kept in the browser’s cache');
  expect(requests.filter((method) => method === 'GET')).toHaveLength(1);
  await page.waitForTimeout(300);
  await page.reload();
  const started = Date.now();
  await expect(computing(page)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  const cached = Date.now() - started;
  await expect(page.locator('.model-info').nth(1)).toContainText('from the browser’s cache');
  expect(requests.filter((method) => method === 'GET')).toHaveLength(1);
  expect(requests.filter((method) => method === 'HEAD').length).toBeGreaterThanOrEqual(2);
  console.log(`all-MiniLM-L6-v2 (F32, 87 MB): loaded in ${cold} ms from the server, ${cached} ms after a reload (from the cache)`);
});

test('the link holds the model, the layer, the head and hidden special tokens', async ({ page, context }) => {
  await page.goto(TOY_PAGE);
  await loadServed(page);
  await pick(page, 4, 7);
  await page.getByRole('checkbox', { name: 'Hide [CLS]/[SEP] and renormalise' }).check();
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(14);
  await expect(page).toHaveURL(/model=models%2Fall-MiniLM-L6-v2%2F&nospecial=1.*&layer=4&head=7&/);
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(computing(other)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(other.getByRole('combobox', { name: 'Layer' })).toHaveValue('4');
  await expect(other.getByRole('combobox', { name: 'Head', exact: true })).toHaveValue('7');
  await expect(other.locator('.weight-table tbody tr')).toHaveCount(14);
  expect(await readWeightTable(other)).toEqual(await readWeightTable(page));
  await other.close();
});

test('text longer than the model’s 512 positions is cut, and the note says so', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await loadServed(page);
  await sentenceBox(page).fill('word '.repeat(600));
  await expect(page.locator('.note-info')).toContainText('all-MiniLM-L6-v2 reads at most 512 tokens, [CLS] and [SEP] included: this text makes 602, so only the first 512 are shown.', { timeout: 20_000 });
  await expect(page.locator('.ap-status')).toContainText('512 tokens');
  await expect(page.locator('.heatmap-canvas')).toBeVisible();
});

/** A folder of its own for the files a test writes. */
const scratch = mkdtempSync(path.join(tmpdir(), 'model-files-'));

/**
 * Paths of the model's files as a reader picks them (config.json, vocab.txt and the weights),
 * with some replaced by other contents (written to a scratch folder) or left out (null).
 */
function modelFiles(overrides = {}) {
  const files = {
    'config.json': path.join(MODEL_DIR, 'config.json'),
    'vocab.txt': path.join(MODEL_DIR, 'vocab.txt'),
    'model.safetensors': path.join(MODEL_DIR, WEIGHTS),
  };
  for (const [name, contents] of Object.entries(overrides)) {
    if (contents === null) {
      delete files[name];
      continue;
    }
    const folder = mkdtempSync(path.join(scratch, 'case-'));
    files[name] = path.join(folder, name);
    writeFileSync(files[name], contents);
  }
  return Object.values(files);
}

/** Chooses files with the Model control's picker. */
async function pickFiles(page, files) {
  await modelSelect(page).selectOption('files');
  await page.locator('.model-drop input[type="file"]').setInputFiles(files);
}

test('picked files load the model; bad files get a message naming the problem and the toy stays', async ({ page }) => {
  await page.goto(TOY_PAGE);
  const config = JSON.parse(readFileSync(path.join(MODEL_DIR, 'config.json'), 'utf8'));
  const truncated = readFileSync(path.join(MODEL_DIR, WEIGHTS)).subarray(0, 2_000_000);
  const hugeHeader = Buffer.alloc(64);
  hugeHeader.writeBigUInt64LE(1n << 40n);
  const cases = [
    [{ 'model.safetensors': truncated }, 'model.safetensors: tensor embeddings.word_embeddings.weight spans bytes 796672..47678464 but the data holds'],
    [{ 'model.safetensors': hugeHeader }, "model.safetensors: the header declares 1099511627776 bytes, more than the format's limit of 100000000: this is not a safetensors file."],
    [{ 'config.json': Buffer.from(JSON.stringify({ ...config, model_type: 't5', architectures: ['T5Model'] })) }, "config.json: model_type 't5' is not supported: this playground runs BERT-family encoders (bert, distilbert), GPT-2 and Llama decoders (gpt2, llama), its own encoder–decoders (seq2seq), vision transformers (vit, deit) and its captioner (vision-encoder-decoder)"],
    [{ 'config.json': Buffer.from(JSON.stringify({ ...config, num_hidden_layers: 7 })) }, 'model.safetensors has no tensor encoder.layer.6.attention.self.query.weight: the weights do not match config.json.'],
    [{ 'vocab.txt': Buffer.from(`${readFileSync(path.join(MODEL_DIR, 'vocab.txt'), 'utf8')}${[...Array(12000).keys()].map((i) => `extra${i}`).join('\n')}`) }, 'the tokenizer has 42522 token ids but the model embeds 30522 tokens: they belong to different models.'],
    [{ 'config.json': null }, `Among vocab.txt, ${WEIGHTS}: config.json is missing.`],
  ];
  for (const [overrides, message] of cases) {
    await pickFiles(page, modelFiles(overrides));
    const note = page.locator('.note-error');
    await expect(note).toContainText('The model in your files could not be loaded.', { timeout: 30_000 });
    await expect(note).toContainText(message);
    await expect(note).toContainText('The toy model is shown.');
    await expect(modelSelect(page)).toHaveValue('toy');
    await expect(computing(page)).toHaveAttribute('data-computing', 'toy');
  }
  await screenshot(page, 'model-bad-file', { fullPage: true });
  await sentenceBox(page).fill('the toy still works');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(4);

  // The right files load, and the note about the bad ones goes.
  await pickFiles(page, modelFiles());
  await expect(computing(page)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(page.locator('.note-error')).toHaveCount(0);
  await expect(page.locator('.model-info').nth(1)).toContainText('from your files');
  await expect(page.locator('.token-chip')).toHaveText(['[CLS]', 'the', 'toy', 'still', 'works', '[SEP]']);
});

test('files dropped on the playground load the model', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  // The files as a drop hands them over: the page reads the served ones into File objects.
  const dropped = await page.evaluateHandle(async (names) => {
    const transfer = new DataTransfer();
    for (const [served, name] of names) {
      const blob = await (await fetch(`models/all-MiniLM-L6-v2/${served}`)).blob();
      transfer.items.add(new File([blob], name));
    }
    return transfer;
  }, [['config.json', 'config.json'], ['tokenizer.json', 'tokenizer.json'], [WEIGHTS, WEIGHTS]]);
  const target = page.locator('.ap-views');
  await target.dispatchEvent('dragover', { dataTransfer: dropped });
  await expect(computing(page)).toHaveClass(/dropping/);
  await target.dispatchEvent('drop', { dataTransfer: dropped });
  await expect(computing(page)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(computing(page)).not.toHaveClass(/dropping/);
  await expect(modelSelect(page)).toHaveValue('files');
  await expect(page.locator('.token-chip')).toHaveText(TOKENS);
  expectTable(await readWeightTable(page), referenceHead(0, 0));
  // A link cannot carry the reader's files: it says so when opened.
  await expect(page).toHaveURL(/model=local%3A/);
});

test('a link naming a model on another site asks before anything is fetched from there', async ({ page }) => {
  const asked = [];
  await page.route('https://other.example/**', (route) => {
    asked.push(route.request().url());
    return route.abort();
  });
  await page.goto(`/#v=1&model=${encodeURIComponent('https://other.example/m/')}`);
  const note = page.locator('.note-warn').filter({ hasText: 'This link asks to load a model from other.example' });
  await expect(note).toBeVisible();
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  await expect(computing(page)).toHaveAttribute('data-computing', 'toy');
  await note.getByRole('button', { name: 'Stay with the toy' }).click();
  await expect(note).toHaveCount(0);
  await expect(modelSelect(page)).toHaveValue('toy');
  expect(asked).toEqual([]);
});

test('an address without a model gets a clear message; the toy stays usable', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await modelSelect(page).selectOption('url');
  await page.getByRole('textbox', { name: 'Model address' }).fill('models/no-such-model/');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.locator('.note-error')).toContainText('The model “no-such-model” could not be loaded. No model at http://127.0.0.1:');
  await expect(page.locator('.note-error')).toContainText('/models/no-such-model/: its config.json was not found (HTTP 404). The toy model is shown.');
  await expect(modelSelect(page)).toHaveValue('toy');
  await sentenceBox(page).fill('toy again');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(2);
  forgiveNotFound();

  // A folder holding only the full-precision weights: model.safetensors stands in.
  await page.goto('/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors');
  await expect(computing(page)).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(page.locator('.model-info').nth(1)).toContainText('Loaded model.safetensors');
  await expect(page.locator('.model-info').first()).toContainText('F32 weights');
});

test('<attention-playground model="models/all-MiniLM-L6-v2/"> loads the model at the layer and head asked for', async ({ page }) => {
  await page.route('**/model-element.html', (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    headers: { 'Content-Security-Policy': STRICT_CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Model element</title>
<script type="module" src="www/dist/attention-playground.js"></script></head><body>
<attention-playground model="models/all-MiniLM-L6-v2/" layer="3" head="2" view="grid" text="${ANIMAL.replace("'", '&#39;')}"></attention-playground>
</body></html>`,
  }));
  await page.goto('/model-element.html');
  const element = page.locator('attention-playground');
  await expect(element.locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(element.locator('.model-tile')).toHaveCount(72);
  await expect(tile(element, 4, 3)).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => element.evaluate((e) => e.state)).toMatchObject({ layer: 3, head: 2, view: 'grid' });
  await element.evaluate((e) => e.setAttribute('layer', '5'));
  await expect(tile(element, 6, 3)).toHaveAttribute('aria-pressed', 'true');
  await element.evaluate((e) => e.setAttribute('model', 'toy'));
  await expect(element.locator('.ap')).toHaveAttribute('data-computing', 'toy');
  await expect(element.locator('.head-tile')).toHaveCount(4);
});

test('the toy can take the model’s word embeddings: WordPiece tokens, d_model fixed at 384', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await page.getByRole('checkbox', { name: /^Token vectors from/ }).check();
  await expect(page.locator('.note-info')).toHaveText('The toy works on all-MiniLM-L6-v2’s WordPiece tokens and word embeddings, so d_model is 384.', { timeout: 60_000 });
  await expect(computing(page)).toHaveAttribute('data-computing', 'toy');
  await expect(page.locator('.token-chip')).toHaveText(TOKENS.slice(1, -1));
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toBeDisabled();
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toHaveValue('384');
  await expect(page.locator('.ap-status')).toHaveText('14 queries × 14 keys · 4 heads of d_k = 96 · dot scores');
  await expect(page).toHaveURL(/model=toy&vectors=models%2Fall-MiniLM-L6-v2%2F/);
  // The same numbers as the core in this process, on the same files.
  const session = new checked.core.Session();
  session.loadModel(
    'all-MiniLM-L6-v2', readFileSync(path.join(MODEL_DIR, 'config.json'), 'utf8'), readFileSync(path.join(MODEL_DIR, 'tokenizer.json'), 'utf8'), undefined,
    readFileSync(path.join(MODEL_DIR, WEIGHTS)),
  );
  const summary = session.run({ source: 'toy', config: { ...DEFAULT_CONFIG, dModel: 384 }, text: ANIMAL, vectors: true });
  const n = summary.sequences[0].tokens.length;
  const weights = session.weights(0, 0);
  const table = await readWeightTable(page);
  table.cells.forEach((row, i) => row.forEach((cell, j) => expect(cell).toBe(weights[i * n + j].toFixed(3))));
  session.free();
  // Back to hashed vectors: the toy's own tokens and width.
  await page.getByRole('checkbox', { name: /^Token vectors from/ }).uncheck();
  await expect(page.locator('.token-chip')).toHaveCount(12);
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toHaveValue('64');
});
