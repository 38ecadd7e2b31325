// The Compare view: one head of MiniLM on two sentences ("…too tired" and "…too wide"), the
// numbers on screen checked against the core's weights computed in Node from the same model file;
// a link carries sentence B; the export's caption names both texts; an inserted word is left out
// of the difference and named; the toy compares too. Screenshots at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot, TOY_PAGE } from './page-helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINILM = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const HAS_MINILM = existsSync(path.join(MINILM, 'config.json'));
const TIRED = "The animal didn't cross the street because it was too tired.";
const WIDE = "The animal didn't cross the street because it was too wide.";
// Layer 4, head 2 as the page counts (from 1); 'it' is token 10 and 'animal' token 2 of both.
const LAYER = 3;
const HEAD = 1;
const IT = 10;
const ANIMAL = 2;

const checked = checkEveryPage();

/** A head's weights for each text, computed by the core in Node from `file`. */
function coreWeights(file, texts) {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(MINILM, name));
    session.loadModel('m', read('config.json').toString('utf8'), read('tokenizer.json').toString('utf8'), undefined, read(file));
    return texts.map((text) => {
      const summary = session.run({ source: 'model', text });
      return { tokens: summary.sequences[0].tokens.map((t) => t.text), weights: session.weights(LAYER, HEAD) };
    });
  } finally {
    session.free();
  }
}

const panel = (page) => page.locator('.panel-compare');
const tableRow = (page, key) => panel(page).locator('.compare-table tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${key}$`) }) });

test('MiniLM: ‘it’ → ‘animal’ in “…too tired” and “…too wide”, as the core computes them, with the difference', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  // The page's own sentences are the example's: the view offers to open its head at 'it'.
  await page.goto('/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors&view=compare');
  await expect(page.locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('textbox', { name: 'Sentence', exact: true })).toHaveValue(TIRED);
  await expect(page.getByRole('textbox', { name: 'Sentence B' })).toHaveValue(WIDE);
  await page.getByRole('button', { name: 'Show the example: layer 4 · head 2, the query ‘it’' }).click();
  await expect(page.locator('.ap-status')).toContainText(`layer ${LAYER + 1} of 6, head ${HEAD + 1} of 12`);
  await expect(page.getByRole('button', { name: /Show the example/ })).toBeHidden();
  await expect.poll(() => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('q'))).toBe(String(IT));
  await expect(panel(page).locator('.compare-map')).toHaveCount(3);
  await expect(panel(page).locator('.compare-note')).toContainText('Layer 4 · head 2 on both sentences');
  await expect(panel(page).locator('.compare-note')).toContainText('16 tokens each, paired by position, 1 replaced (‘tired’ → ‘wide’)');
  const source = await page.locator('.ap-source-line').textContent();
  const file = source.includes('F16 weights') ? 'model.f16.safetensors' : 'model.safetensors';
  const [a, b] = coreWeights(file, [TIRED, WIDE]);
  expect([a.tokens[IT], a.tokens[ANIMAL], b.tokens[IT], b.tokens[ANIMAL]]).toEqual(['it', 'animal', 'it', 'animal']);
  const n = a.tokens.length;
  const wa = a.weights[IT * n + ANIMAL];
  const wb = b.weights[IT * n + ANIMAL];
  expect(wa).toBeCloseTo(0.677, 3);
  expect(wb).toBeCloseTo(0.281, 3);
  // The focused query's row, key by key: A, B and B − A as the core's numbers print.
  await expect(panel(page).locator('.query-row-title')).toHaveText('Where ‘it’ looks in A and in B');
  const animal = tableRow(page, 'animal');
  await expect(animal.locator('td').nth(0)).toHaveText(wa.toFixed(3));
  await expect(animal.locator('td').nth(1)).toHaveText(wb.toFixed(3));
  const difference = wb - wa;
  await expect(animal.locator('td').nth(2)).toHaveText(`${difference < 0 ? '\u2212' : '+'}${Math.abs(difference).toFixed(3)}`);
  for (let k = 0; k < n; k += 1) {
    const row = panel(page).locator('.compare-table tbody tr').nth(k);
    await expect(row.locator('td').nth(0)).toHaveText(a.weights[IT * n + k].toFixed(3));
    await expect(row.locator('td').nth(1)).toHaveText(b.weights[IT * n + k].toFixed(3));
  }
  await expect(tableRow(page, 'tired/wide')).toHaveClass('differs');
  await expect(panel(page).locator('.query-row-lead')).toContainText('the largest change');
  // Hovering a cell of the difference reads it out.
  await panel(page).locator('.compare-map-difference').scrollIntoViewIfNeeded();
  const box = await panel(page).locator('.compare-map-difference .heatmap-backdrop').boundingBox();
  await page.mouse.move(box.x + (ANIMAL + 0.5) * (box.width / n), box.y + (IT + 0.5) * (box.height / n));
  await expect(panel(page).locator('.compare-map-difference .compare-readout')).toHaveText(`B − A: ‘it’ → ‘animal’: ${difference < 0 ? '\u2212' : '+'}${Math.abs(difference).toFixed(3)}`);
  await screenshot(page, 'compare-minilm', { fullPage: true });

  // Clicking a row of B focuses the same token in A.
  await panel(page).locator('.compare-map-b').scrollIntoViewIfNeeded();
  const bBox = await panel(page).locator('.compare-map-b .heatmap-backdrop').boundingBox();
  await page.mouse.click(bBox.x + bBox.width / 2, bBox.y + (ANIMAL + 0.5) * (bBox.height / n));
  await expect(panel(page).locator('.query-row-title')).toHaveText('Where ‘animal’ looks in A and in B');

  await page.setViewportSize({ width: 390, height: 844 });
  await panel(page).scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'compare-minilm-phone', { fullPage: true });
});

test('the toy: an inserted word has no counterpart, is named and left out of the difference; typing B updates it; the link carries B', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&view=compare&text=${encodeURIComponent('the cat sat on the mat')}&compare=${encodeURIComponent('the big cat sat on the mat')}&q=1`);
  await expect(panel(page).locator('.compare-map')).toHaveCount(3);
  await expect(panel(page).locator('.compare-note')).toContainText('6 tokens paired by the fewest edits, none replaced; only in B, left out: ‘big’');
  await expect(tableRow(page, 'big \\(only in B\\)').locator('td').nth(0)).toHaveText('—');
  await expect(tableRow(page, 'big \\(only in B\\)').locator('td').nth(2)).toHaveText('—');
  await expect(panel(page).locator('.compare-map-difference .axis-query')).toHaveText(['the', 'cat', 'sat', 'on', 'the', 'mat']);
  // The toy's weights on screen are the core's for both texts.
  const { core } = checked;
  const { DEFAULT_TOY_CONFIG } = await import('../../www/src/generated/core.js');
  const session = new core.Session();
  try {
    const run = (text) => {
      session.run({ source: 'toy', config: DEFAULT_TOY_CONFIG, text, vectors: false });
      return session.weights(0, 0);
    };
    const wa = run('the cat sat on the mat');
    const wb = run('the big cat sat on the mat');
    await expect(tableRow(page, 'mat').locator('td').nth(0)).toHaveText(wa[1 * 6 + 5].toFixed(3));
    await expect(tableRow(page, 'mat').locator('td').nth(1)).toHaveText(wb[2 * 7 + 6].toFixed(3));
  } finally {
    session.free();
  }
  await expect(page.locator('.panel-compare .legend-model')).toContainText('random projections');
  await screenshot(page, 'compare-toy', { fullPage: true });

  // The figure: the core draws A, B and B − A, its caption naming both texts and the pairing.
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toContainText('head 1 on sentences A and B, with B − A');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), dialog.getByRole('button', { name: 'SVG', exact: true }).click()]);
  const svg = readFileSync(await download.path(), 'utf8');
  const figure = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    return {
      title: doc.querySelector('title')?.textContent ?? '',
      cells: doc.querySelectorAll('g[shape-rendering="crispEdges"] > rect').length,
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent).join(' | '),
    };
  }, svg);
  expect(figure.title).toBe('Attention of head 1 on two sentences');
  expect(figure.cells).toBe(36 + 49 + 36);
  expect(figure.texts).toContain('A: “the cat sat on the mat”');
  expect(figure.texts).toContain('B: “the big cat sat on the mat”');
  expect(figure.texts).toContain('only in B, left out: ‘big’');
  expect(figure.texts).toContain('random projections');
  await page.keyboard.press('Escape');

  const boxB = page.getByRole('textbox', { name: 'Sentence B' });
  await boxB.fill('the cat sat on the rug');
  await expect(panel(page).locator('.compare-note')).toContainText('6 tokens each, paired by position, 1 replaced (‘mat’ → ‘rug’)');
  await expect.poll(() => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('compare'))).toBe('the cat sat on the rug');
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Sentence B' })).toHaveValue('the cat sat on the rug');
  await expect(panel(page).locator('.compare-map-difference .axis-query')).toHaveText(['the', 'cat', 'sat', 'on', 'the', 'mat/rug']);
});
