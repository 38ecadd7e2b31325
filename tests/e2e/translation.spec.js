// The project's translation models in the playground, in a real browser under the strict
// Content-Security-Policy: each architecture picked by name in the Model settings, a date typed
// and its translation compared with the core's in Node for the same text, the alignment's table,
// stepping through a decoding step (the additive score's stages, the context vector, the next
// token), the block picker of the Transformer, an unknown word named, the vocabulary, the panel
// of the model without attention, and the accuracy chart's numbers from the models' eval.json.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, readWeightTable, screenshot, shown } from './page-helpers.js';
import { CATALOG, EVALUATIONS } from '../../www/src/generated/catalog.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATE = 'Sunday, 29th of November 2026';

const checked = checkEveryPage();

const sentenceBox = (page) => page.getByRole('textbox', { name: 'Sentence', exact: true });
const modelSelect = (page) => page.getByRole('combobox', { name: 'Computed by' });
const chips = (page) => page.locator('.generate-chip');

/** What the core computes in Node for a text with a shipped translation model. */
function coreTranslation(name, text) {
  const entry = CATALOG.find((e) => e.name === name);
  const session = new checked.core.Session();
  try {
    const read = (file) => readFileSync(path.join(repo, entry.folder, file));
    session.loadModel(name, read('config.json').toString('utf8'), undefined, read('vocab.json').toString('utf8'), read('model.safetensors'));
    const summary = session.run({ source: 'model', text });
    const last = summary.blocks.length - 1;
    const weights = last < 0 ? null : session.weights(last, 0);
    // The additive score's stages of step 6 (the month's first digit), where the model has them.
    const additive = last < 0 ? null : session.additiveParts(last, 0, 5) ?? null;
    return { summary, weights, vocabulary: session.vocabulary(), additive };
  } finally {
    session.free();
  }
}

/** Picks a shipped translation model by name and waits for its translation of `text`. */
async function pick(page, name, text) {
  await page.goto('/');
  await modelSelect(page).selectOption(`catalog:${name}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder-decoder', { timeout: 30_000 });
  if (text !== undefined) {
    await sentenceBox(page).fill(text);
  }
  await expect(page.locator('.ap-generate')).toBeVisible();
}

/** The target tokens of the translation, as the timeline shows them. */
async function targetTokens(page) {
  return chips(page).evaluateAll((buttons) => buttons.map((b) => b.dataset.piece));
}

test('a date by name with additive attention: the translation, the alignment table and a decoding step', async ({ page }) => {
  await pick(page, 'dates-gru-additive', DATE);
  const entry = CATALOG.find((e) => e.name === 'dates-gru-additive');
  await expect(modelSelect(page).locator('option:checked')).toHaveText('dates-gru-additive (encoder–decoder, trained here)');
  await expect(modelSelect(page).locator('option:checked')).toHaveAttribute('title', entry.description);
  await expect(page.locator('optgroup[label="Translation: Dates → ISO 8601"] option')).toHaveCount(3);
  await expect(page.locator('optgroup[label="Translation: English → French-like"] option')).toHaveCount(3);
  const { summary, weights, additive } = coreTranslation('dates-gru-additive', DATE);
  expect(summary.generation.text).toBe('2026-11-29');
  await expect(page.locator('.generate-text')).toHaveText(/2026-11-29/);
  await expect.poll(() => targetTokens(page)).toEqual(summary.sequences[1].tokens.map((t) => t.text));
  await expect(page.locator('.ap-status')).toContainText('cross-attention');
  await expect(page.locator('.focus-special'), 'hiding <eos> is not offered for two sequences').toBeHidden();

  // The heatmap: the generated target down, the source across, its table the core's weights.
  await expect(page.locator('.panel-heatmap .heatmap-axes')).toHaveText('target (generated) ↓ / source →');
  const table = await readWeightTable(page);
  expect(table.rows).toEqual(summary.sequences[1].tokens.map((t) => t.text));
  expect(table.columns).toEqual(summary.sequences[0].tokens.map((t) => t.text));
  const keys = summary.sequences[0].tokens.length;
  table.cells.forEach((row, q) => row.forEach((cell, k) => expect(Math.abs(Number(cell) - weights[q * keys + k])).toBeLessThan(6e-4)));
  // The step writing the year's first digit looks at the year.
  const yearRow = table.cells[0].map(Number);
  const best = yearRow.indexOf(Math.max(...yearRow));
  expect(DATE.slice(summary.sequences[0].tokens[best].start, summary.sequences[0].tokens[best].end)).toMatch(/[0-9]/);
  expect(summary.sequences[0].tokens[best].start).toBeGreaterThanOrEqual(DATE.indexOf('2026'));
  await screenshot(page, 'translation-dates-heatmap-desktop', { fullPage: true });

  // Step 6 (the month's first digit): its distribution, then the player's additive stages.
  await chips(page).nth(5).click();
  await expect(page.locator('.generate-step-title')).toContainText('Step 6 of 11');
  await expect(page.locator('.generate-bars li.chosen .bar-label')).toHaveText('1');
  await page.getByRole('button', { name: 'Step through this decoding step ▸' }).click();
  const story = page.locator('.player-story, .panel-player');
  await expect(page.locator('.panel-player')).toBeVisible();
  await expect(story.first()).toContainText('Step 6 writes ‘1’');
  await expect(story.first()).toContainText('the decoder state s');
  await page.locator('.panel-player').getByRole('button', { name: 'Query q', exact: true }).click();
  await expect(story.first()).toContainText('In this GRU the query is the decoder state s (writing ‘1’) itself, 128 numbers, with no W_Q');
  await page.locator('.panel-player').getByRole('button', { name: 'Score', exact: true }).click();
  await expect(story.first()).toContainText('W s (the decoder state through W) and U h (the encoder state through U)');
  // The score's stages with their numbers, unit by unit, as the core computes them (key 1, ‘s’).
  const stages = page.locator('.story-additive table');
  await expect(stages).toBeVisible();
  await expect(stages.locator('thead th')).toHaveText(['unit', 'W s', 'U h', 'b', 'sum', 'tanh', 'v', 'v · tanh']);
  const unit1 = (await stages.locator('tbody tr').first().locator('td').allTextContents()).map(shown);
  const expected = [additive.query[0], additive.keys[0][0], additive.bias[0], additive.sum[0][0], additive.tanh[0][0], additive.v[0], additive.v[0] * additive.tanh[0][0]];
  unit1.forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThan(1e-3));
  expect(Math.abs(additive.query[0] + additive.keys[0][0] + additive.bias[0] - additive.sum[0][0])).toBeLessThan(1e-5);
  await expect(stages.locator('.additive-more')).toHaveText(`… and ${additive.query.length - 8} more units`);
  await page.locator('.panel-player').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'translation-additive-score-desktop.png') });
  await expect(page.locator('.panel-player .player-numbers table, .panel-player table').first()).toBeVisible();
  // On to the softmax, the context vector and the next token.
  for (const stage of ['Softmax', 'Output', 'Next token']) {
    await page.locator('.panel-player').getByRole('button', { name: stage, exact: true }).click();
    if (stage === 'Output') await expect(page.locator('.panel-player')).toContainText('context vector');
  }
  await expect(page.locator('.panel-player .next-tokens li.chosen .bar-label')).toHaveText('1');
  await expect(page.locator('.panel-player')).toContainText('target vocabulary');
  await screenshot(page, 'translation-dates-step-desktop', { fullPage: true });
});

test('the Transformer by name: blocks named, cross-attention heads, the same tokens as the core', async ({ page }) => {
  const text = 'the 3rd of March 1999';
  await pick(page, 'dates-transformer', text);
  const { summary } = coreTranslation('dates-transformer', text);
  await expect(page.locator('.generate-text')).toHaveText(/1999-03-03/);
  await expect.poll(() => targetTokens(page)).toEqual(summary.sequences[1].tokens.map((t) => t.text));
  const block = page.getByRole('combobox', { name: 'Block' });
  await expect(block.locator('option')).toHaveText([
    '1 · encoder self-attention', '2 · encoder self-attention', '3 · decoder self-attention (causal)', '4 · cross-attention',
    '5 · decoder self-attention (causal)', '6 · cross-attention',
  ]);
  await expect(block).toHaveValue('5');
  await page.getByRole('tab', { name: /Heads/ }).click();
  await expect(page.locator('.panel-heads')).toBeVisible();
  await expect(page.locator('.model-grid-row[aria-label="Block 4: cross-attention"] .head-tile')).toHaveCount(4);
  await expect(page.locator('.model-grid-block')).toHaveText(['encoder', 'encoder', 'decoder (causal)', 'cross', 'decoder (causal)', 'cross']);
  // Each block's thumbnails have its own shape: the source's 22 characters across a cross block, the target's 11 down.
  await expect(page.locator('.model-grid-row[aria-label="Block 4: cross-attention"] canvas').first()).toHaveAttribute('width', String(summary.sequences[0].tokens.length));
  await expect(page.locator('.model-grid-row[aria-label="Block 3: decoder self-attention (causal)"] canvas').first()).toHaveAttribute('width', String(summary.sequences[1].tokens.length));
  await block.selectOption('2');
  await expect(page.locator('.ap-status')).toContainText('decoder self-attention (causal)');
  await screenshot(page, 'translation-transformer-heads-desktop', { fullPage: true });
});

test('a sentence with an unknown word, the vocabulary, and the accuracy chart from eval.json', async ({ page }) => {
  const text = 'the small cat sees the <b>dragon</b> 😀';
  await pick(page, 'grammar-gru-additive', text);
  const { summary, vocabulary } = coreTranslation('grammar-gru-additive', text);
  await expect.poll(() => targetTokens(page)).toEqual(summary.sequences[1].tokens.map((t) => t.text));
  await expect(page.locator('.translation-unknown')).toContainText('‘b’');
  await expect(page.locator('.translation-unknown')).toContainText('‘dragon’');
  await expect(page.locator('.translation-unknown')).toContainText('‘😀’');
  expect(await page.locator('.ap b').count()).toBe(0);
  await page.locator('.translation-vocabulary summary').click();
  await expect(page.locator('.vocabulary-count')).toHaveText(`${vocabulary.source.length - 4} source words the model knows.`);
  await page.getByRole('searchbox', { name: 'Search the vocabulary' }).fill('cat');
  await expect(page.locator('.vocabulary-chip')).toHaveText(['cat', 'catch', 'catches', 'cats']);
  // An example: the adjectives move after their nouns.
  await page.getByRole('button', { name: 'the hungry fox follows the white rabbit' }).click();
  await expect(page.locator('.generate-text')).toHaveText(/le renard affamé suit le lapin blanc/);
  await expect(page.locator('.translation-unknown')).toBeHidden();
  // The lines view between the two sentences: the target's words on one side, the source's on the other.
  await page.getByRole('tab', { name: /Lines/ }).click();
  const lines = page.locator('.panel-lines');
  await expect(lines.locator('.lines-queries .lines-token', { hasText: 'renard' })).toBeVisible();
  await expect(lines.locator('.lines-keys .lines-token', { hasText: 'fox' })).toBeVisible();
  await expect(lines.locator('svg line').first()).toBeAttached();
  await page.getByRole('tab', { name: /Heatmap/ }).click();
  // The chart: every bar's number is the model's eval.json.
  const chart = page.locator('.accuracy-chart');
  await expect(chart.locator('.accuracy-legend li')).toHaveCount(3);
  for (const evaluation of EVALUATIONS.filter((e) => e.task === 'grammar')) {
    const data = JSON.parse(readFileSync(path.join(repo, 'trained', evaluation.name, 'eval.json'), 'utf8'));
    for (const [label, bucket] of Object.entries(data.by_length)) {
      await expect(chart.locator(`rect[data-model="${evaluation.name}"][data-group="${label}"] title`))
        .toHaveText(new RegExp(`${(bucket.exact_match * 100).toFixed(1)} % exactly right \\(n = ${bucket.n}\\)`));
    }
  }
  await expect(chart.locator('.accuracy-tick')).toHaveText(['0 %', '25 %', '50 %', '75 %', '100 %']);
  await screenshot(page, 'translation-grammar-desktop', { fullPage: true });
});

test('the model without attention shows its translation and says it has no attention', async ({ page }) => {
  await pick(page, 'grammar-gru', 'the small cat sees the red car');
  const { summary } = coreTranslation('grammar-gru', 'the small cat sees the red car');
  await expect.poll(() => targetTokens(page)).toEqual(summary.sequences[1].tokens.map((t) => t.text));
  await expect(page.locator('.no-attention')).toBeVisible();
  await expect(page.locator('.no-attention')).toContainText('This model has no attention: the decoder sees only the final encoder state.');
  await expect(page.locator('.panel-heatmap')).toBeHidden();
  await expect(page.locator('.ap-tabs')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Step through this decoding step ▸' })).toBeHidden();
  await expect(page.locator('.ap-status')).toContainText('no attention');
  await screenshot(page, 'translation-no-attention-desktop', { fullPage: true });
});

test('phone layout: a translation, its alignment and the chart at 390 px', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  // By the link, which carries the model as any other (and its last block, the cross-attention).
  const text = 'the brave king and the beautiful queen watch the noisy birds in the old forest';
  await page.goto(`/#v=1&model=${encodeURIComponent('trained/grammar-transformer/')}&text=${encodeURIComponent(text)}&layer=63`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder-decoder', { timeout: 30_000 });
  await expect(page.locator('.ap-status')).toContainText(/cross-attention · 16 source tokens → \d+ target tokens · block 6 of 6/);
  await expect(page.locator('.generate-text')).toHaveText(/le roi courageux et la belle reine/);
  await screenshot(page, 'translation-phone', { fullPage: true });
  await page.locator('.ap-views').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'translation-heatmap-phone.png') });
  await page.locator('.ap-translation').screenshot({ path: path.join(repo, 'test-results', 'screenshots', 'translation-chart-phone.png') });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
