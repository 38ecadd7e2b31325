// Decoders in the playground, in a real browser under the strict Content-Security-Policy: a
// GPT-2 decoder loaded from the reader's files and from an address (the tiny fixture of
// tests/fixtures/decoder/, and the project's trained decoder by name once the catalog lists it),
// its causal matrix, byte-level tokens, generation greedy and sampled (the tokens compared with
// the core's in Node for the same request), the timeline of generated tokens, a decoding step in
// the player, named heads, and the settings carried by the link.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, readWeightTable, screenshot, TOY_PAGE } from './page-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';
import { readablePiece } from '../../www/src/tokens.js';
import { headTag, parseHeads } from '../../www/src/model/heads.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TINY = 'tests/fixtures/decoder/tiny-gpt2/';
const TRAINED = CATALOG.find((entry) => entry.kind === 'decoder' && entry.origin === 'trained') ?? null;
const PROMPT = 'The cat sat on the mat.';
const FILES = ['config.json', 'tokenizer.json', 'model.safetensors'];

const checked = checkEveryPage();

const sentenceBox = (page) => page.getByRole('textbox', { name: 'Sentence', exact: true });
const modelSelect = (page) => page.getByRole('combobox', { name: 'Computed by' });
const tokensField = (page) => page.getByRole('spinbutton', { name: 'Tokens to generate' });
const chips = (page) => page.locator('.generate-chip');

/** A model folder's files as the file picker takes them, with extra ones (name → text). */
function folderFiles(folder, extra = {}) {
  return [
    ...FILES.map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path.join(repo, folder, name)) })),
    ...Object.entries(extra).map(([name, text]) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) })),
  ];
}

/** Loads the tiny decoder from the reader's files and waits until it computes. */
async function loadFromFiles(page, extra = {}) {
  await page.goto(TOY_PAGE);
  await modelSelect(page).selectOption('files');
  await page.locator('.model-drop input[type="file"]').setInputFiles(folderFiles(TINY, extra));
  await decoderReady(page);
}

async function decoderReady(page) {
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 30_000 });
  await expect(page.locator('.ap-status')).toContainText('causal self-attention');
}

/**
 * What the core computes in Node for a request, from the same files: the summary, every head's
 * weights of the first block, and the session freed.
 */
function coreRun(folder, request) {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(repo, folder, name));
    session.loadModel('m', read('config.json').toString('utf8'), read('tokenizer.json').toString('utf8'), undefined, read('model.safetensors'));
    const summary = session.run(request);
    const heads = [...Array(summary.blocks[0].heads).keys()].map((h) => session.weights(0, h));
    return { summary, heads };
  } finally {
    session.free();
  }
}

/** The generated tokens of a run, as vocabulary entries. */
function generatedPieces(summary) {
  return summary.sequences[0].tokens.slice(summary.generation.promptTokens).map((token) => token.text);
}

/** The timeline's chips: each one's vocabulary entry and probability as shown. */
async function timeline(page) {
  return chips(page).evaluateAll((buttons) => buttons.map((b) => ({ piece: b.dataset.piece, probability: b.querySelector('.generate-chip-probability').textContent })));
}

async function generate(page, steps) {
  await tokensField(page).fill(String(steps));
  await tokensField(page).press('Enter');
}

test('a decoder from files: causal matrix, readable byte-level tokens, and greedy generation as the core computes it', async ({ page }) => {
  await loadFromFiles(page);
  await sentenceBox(page).fill(PROMPT);
  const plain = coreRun(TINY, { source: 'model', text: PROMPT });
  const pieces = plain.summary.sequences[0].tokens.map((t) => t.text);
  // Byte-level tokens read as text: "Ġc" is shown as "␣c", its entry in the title.
  await expect(page.locator('.token-chip')).toHaveText(pieces.map((piece) => readablePiece(piece).replace(/\s/g, '␣')));
  await expect(page.locator('.token-chip').nth(1)).toHaveAttribute('title', /vocabulary entry Ġc/);
  await expect(page.locator('.ap-status')).toHaveText(`your-files · causal self-attention · ${pieces.length} tokens · layer 1 of 2, head 1 of 4 · d_k = 16 · scaled dot-product scores`);
  await expect(page.locator('.panel-heatmap .heatmap-legend')).toContainText('causal self-attention:');
  await expect(page.locator('.panel-heatmap .heatmap-legend')).toContainText('masked: a later token');
  await expect(page.locator('.model-info').first()).toContainText('GPT-2 decoder · 2 layers × 4 heads · d_model 64, d_k 16');
  // No sentence embedding, and nothing special to hide in this text.
  await expect(page.locator('.embedding')).toBeHidden();
  await expect(page.locator('.focus-special')).toBeHidden();

  await generate(page, 8);
  await expect(chips(page)).toHaveCount(8);
  const request = { source: 'generate', text: PROMPT, steps: 8 };
  const { summary, heads } = coreRun(TINY, request);
  expect(await timeline(page)).toEqual(summary.generation.steps.map((step, i) => ({ piece: generatedPieces(summary)[i], probability: step.probability.toFixed(3) })));
  const T = summary.sequences[0].tokens.length;
  await expect(page.locator('.ap-status')).toContainText(`${summary.generation.promptTokens} + 8 generated tokens`);
  await expect(page.locator('.token-chip.generated')).toHaveCount(8);
  // The first step is focused: the prompt's last token, the query that chose the first token.
  await expect(chips(page).first()).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.generate-step-title')).toContainText('Step 1 of 8');
  const top = await page.locator('.generate-bars .next-tokens li').evaluateAll((items) => items.map((li) => Number(li.dataset.id)));
  expect(top).toEqual(summary.generation.steps[0].top.map((c) => c.id));
  await expect(page.locator('.generate-bars li.chosen')).toHaveAttribute('data-id', String(summary.generation.steps[0].id));

  // The heatmap's table: prompt and generated tokens, masked above the diagonal, the core's numbers below.
  const table = await readWeightTable(page);
  expect(table.cells).toHaveLength(T);
  for (let q = 0; q < T; q += 1) {
    for (let k = 0; k < T; k += 1) {
      if (k > q) expect(table.cells[q][k], `(${q}, ${k})`).toBe('masked');
      else expect(table.cells[q][k], `(${q}, ${k})`).toBe(heads[0][q * T + k].toFixed(3));
    }
  }
  await expect(page.locator('.heatmap-legend').first()).toBeVisible();
  await screenshot(page, 'decoder-heatmap-desktop', { fullPage: true });
  await page.locator('.ap-generate').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-timeline-desktop.png') });

  // Choosing a step focuses its new query's row.
  await chips(page).nth(2).click();
  await expect(page.locator('.generate-step-title')).toContainText('Step 3 of 8');
  await expect(page.locator('.query-row-title')).toContainText(readablePiece(summary.sequences[0].tokens[summary.generation.steps[2].position].text).replace(/\s/g, '␣').slice(0, 8));
  await expect(page.locator('.axis-query.current')).toHaveAttribute('data-query', String(summary.generation.steps[2].position));
  // The lines view pins it.
  await page.getByRole('tab', { name: 'Lines' }).click();
  await chips(page).nth(3).click();
  await expect(page.locator('.lines-queries .lines-token[aria-pressed="true"]')).toHaveCount(1);
});

test('sampling: the same seed gives the same tokens, as in the core; the link carries the settings', async ({ page }) => {
  await loadFromFiles(page);
  await sentenceBox(page).fill(PROMPT);
  await page.getByRole('combobox', { name: 'Decoding' }).selectOption('sample');
  await page.getByRole('spinbutton', { name: 'Temperature' }).fill('1.5');
  await page.getByRole('spinbutton', { name: 'Top-k' }).fill('20');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('5');
  await generate(page, 10);
  await expect(chips(page)).toHaveCount(10);
  const sampled = coreRun(TINY, { source: 'generate', text: PROMPT, steps: 10, temperature: 1.5, topK: 20, seed: 5 }).summary;
  const first = (await timeline(page)).map((c) => c.piece);
  expect(first).toEqual(generatedPieces(sampled));
  expect(first).not.toEqual(generatedPieces(coreRun(TINY, { source: 'generate', text: PROMPT, steps: 10 }).summary));
  // Generating again with the same seed draws the same tokens.
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(chips(page)).toHaveCount(10);
  expect((await timeline(page)).map((c) => c.piece)).toEqual(first);
  await expect(page.locator('.generate-hint')).toContainText('the same seed draws the same tokens');
  // Another seed, computed at once while generating.
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('6');
  const other = generatedPieces(coreRun(TINY, { source: 'generate', text: PROMPT, steps: 10, temperature: 1.5, topK: 20, seed: 6 }).summary);
  await expect.poll(async () => (await timeline(page)).map((c) => c.piece)).toEqual(other);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('gen=1&gn=10&gsample=1&gtemp=1.5&gtopk=20&gseed=6');
  // A value out of range is explained and not used.
  await tokensField(page).fill('65');
  await expect(page.locator('.generate-error')).toHaveText('Tokens: enter a whole number from 1 to 64.');
  await expect(tokensField(page)).toHaveAttribute('aria-invalid', 'true');
  // "Text only" drops the continuation.
  await page.getByRole('button', { name: 'Text only' }).click();
  await expect(page.locator('.generate-result')).toBeHidden();
  await expect(page.locator('.ap-status')).not.toContainText('generated');
});

test('a link to the decoder’s address generates at once; a decoding step in the player ends with the next token', async ({ page }) => {
  const link = `/#v=1&model=${encodeURIComponent(`${TINY}model.safetensors`)}&text=${encodeURIComponent(PROMPT)}&gen=1&gn=6`;
  await page.goto(link);
  await decoderReady(page);
  await expect(chips(page)).toHaveCount(6);
  const { summary } = coreRun(TINY, { source: 'generate', text: PROMPT, steps: 6 });
  expect((await timeline(page)).map((c) => c.piece)).toEqual(generatedPieces(summary));

  await chips(page).nth(2).click();
  await page.getByRole('button', { name: 'Step through this decoding step ▸' }).click();
  const step = summary.generation.steps[2];
  const keys = step.position + 1;
  await expect(page.getByRole('tab', { name: 'Step by step' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.player-heading')).toContainText('Decoding step 3 of 6 · layer 1 · head 1 · the new query');
  await expect(page.locator('.player-note')).toContainText('come from the key/value cache');
  await expect(page.locator('.stage-track li:not([hidden]) .stage-chip')).toHaveText(['Query q', 'Key k', 'Value v', 'Score', 'Scale', 'Mask', 'Exp', 'Softmax', 'Weigh values', 'Output', 'Next token']);
  await expect(page.locator('.player-position')).toHaveText(`step 1 of ${2 * keys + 9}`);
  // Only the keys that exist yet: the new query's row is the last of the matrix.
  await expect(page.locator('.player-numbers tbody tr')).toHaveCount(keys);
  await expect(page.locator('.player-matrix .axis-query')).toHaveCount(keys);
  await expect(page.locator('.story-explanation')).toContainText('from the key/value cache');
  await screenshot(page, 'decoder-step-desktop', { fullPage: true });
  // Step by step: the row's softmax, then the next token.
  for (let i = 0; i < 3 + keys + 3; i += 1) await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('.story-title')).toHaveText(/^Softmax · for ‘.+’ \(key \d+\)$/);
  await page.getByRole('button', { name: 'Next token', exact: true }).click();
  await expect(page.locator('.story-title')).toHaveText('Next token · step 3 of 6');
  await expect(page.locator('.story-explanation')).toContainText('Greedy decoding takes the most probable');
  const ids = await page.locator('.player-numbers .next-tokens li').evaluateAll((items) => items.map((li) => Number(li.dataset.id)));
  expect(ids).toEqual(step.top.map((c) => c.id));
  await expect(page.locator('.player-numbers li.chosen')).toHaveAttribute('data-id', String(step.id));
  await screenshot(page, 'decoder-next-token-desktop', { fullPage: true });
  // Forward from the last step: the next decoding step's first.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('.player-heading')).toContainText('Decoding step 4 of 6');
  await expect(page.locator('.player-position')).toHaveText(`step 1 of ${2 * (keys + 1) + 9}`);
});

test('named heads from heads.json are offered in the head picker; special tokens can be hidden', async ({ page }) => {
  const heads = {
    model: 'tiny-gpt2',
    heads: [{ layer: 1, head: 2, name: 'induction', score: 0.5, description: 'Looks at the token after an earlier copy of the current one.' }],
  };
  await loadFromFiles(page, { 'heads.json': JSON.stringify(heads) });
  await expect(page.locator('.named-heads')).toContainText('induction: L2 H3 0.500Looks at the token after an earlier copy');
  await expect(page.locator('.trained-badge')).toHaveCount(0, { timeout: 1000 });
  await page.getByRole('combobox', { name: 'Named head' }).selectOption({ label: 'L2 H3 · induction' });
  await expect(page.getByRole('combobox', { name: 'Layer' })).toHaveValue('1');
  await expect(page.getByRole('combobox', { name: 'Head', exact: true })).toHaveValue('2');
  await expect(page.getByRole('combobox', { name: 'Head', exact: true }).locator('option:checked')).toHaveText('3 · induction');
  // The model's description names it too, and shows it.
  await page.getByRole('combobox', { name: 'Layer' }).selectOption('0');
  await page.locator('.named-heads').getByRole('button', { name: 'L2 H3' }).click();
  await expect(page.getByRole('combobox', { name: 'Layer' })).toHaveValue('1');
  await expect(page.getByRole('combobox', { name: 'Named head' })).toHaveValue('1.2');
  // <|endoftext|> typed in the text is special: it can be hidden, and the option says its name.
  await sentenceBox(page).fill('Hello<|endoftext|> world');
  const hide = page.getByRole('checkbox', { name: 'Hide <|endoftext|> and renormalise' });
  await expect(hide).toBeVisible();
  await hide.check();
  await expect(page.locator('.ap-status')).toContainText('<|endoftext|> hidden, rows renormalised');
});

test('the phone layout: generate, the timeline and a decoding step fit 390 px', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/#v=1&model=${encodeURIComponent(`${TINY}model.safetensors`)}&text=${encodeURIComponent(PROMPT)}&gen=1&gn=8`);
  await decoderReady(page);
  await expect(chips(page)).toHaveCount(8);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.locator('.ap-generate').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-timeline-phone.png') });
  await page.locator('.ap-views').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-heatmap-phone.png') });
  await chips(page).nth(1).click();
  await page.getByRole('button', { name: 'Step through this decoding step ▸' }).click();
  await expect(page.locator('.player-heading')).toContainText('Decoding step 2 of 8');
  await page.getByRole('button', { name: 'Next token', exact: true }).click();
  await page.locator('.ap-views').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-step-phone.png') });
});

test('the trained decoder is chosen by name, labelled as trained here with its named heads, and generates as the core does', async ({ page }) => {
  test.skip(TRAINED === null, 'the catalog lists no trained decoder yet');
  const named = parseHeads(readFileSync(path.join(repo, TRAINED.folder, 'heads.json'), 'utf8'));
  await page.goto(TOY_PAGE);
  await modelSelect(page).selectOption(`catalog:${TRAINED.name}`);
  await decoderReady(page);
  await expect(modelSelect(page).locator('option:checked')).toHaveText(`${TRAINED.name} (decoder, trained here)`);
  await expect(page.locator('.model-group .field-hint').first()).toHaveText(TRAINED.description);
  await expect(page.locator('.trained-badge')).toHaveText('Trained here');
  await expect(page.locator('.named-heads .named-head')).toHaveText(named.map((n) => headTag(n).split(' · ')[0]));
  await expect(page.getByRole('combobox', { name: 'Named head' }).locator('option')).toHaveText(['—', ...named.map(headTag)]);
  // A list the model learned: it goes on with the days of the week.
  const text = 'Monday, Tuesday, Wednesday';
  await sentenceBox(page).fill(text);
  await generate(page, 12);
  await expect(chips(page)).toHaveCount(12);
  const { summary } = coreRun(TRAINED.folder, { source: 'generate', text, steps: 12 });
  expect((await timeline(page)).map((c) => c.piece)).toEqual(generatedPieces(summary));
  await expect(page.locator('.generate-text')).toHaveText(`${text}${summary.generation.text}`);
  // Its best induction head, on the continuation.
  const induction = named.filter((n) => n.name === 'induction').sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  if (induction) await page.getByRole('combobox', { name: 'Named head' }).selectOption({ label: headTag(induction) });
  await chips(page).nth(6).click();
  await screenshot(page, 'decoder-trained-desktop', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('.ap-input').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-trained-generate-phone.png') });
  await page.locator('.ap-views').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'decoder-trained-heatmap-phone.png') });
});
