// Finding heads: on MiniLM, the heads where 'it' attends to 'animal', ranked over all 72 heads;
// the weights and the order checked against the core's own weights in Node for the same model
// file; a result shows its head (by click and by keyboard); a causal decoder says when B comes
// after A; a translation's cross blocks are searched from the target to the source. Screenshots
// at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot, TOY_PAGE } from './page-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINILM = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const HAS_MINILM = existsSync(path.join(MINILM, 'config.json'));
const ANIMAL = "The animal didn't cross the street because it was too tired.";
const DECODER = CATALOG.find((entry) => entry.kind === 'decoder' && entry.origin === 'trained') ?? null;
const IT = 10;
const ANIMAL_AT = 2;

const checked = checkEveryPage();

const finder = (page) => page.locator('.find-heads');
const hits = (page) => finder(page).locator('.find-hit');

/** Every head's weight from query `a` to key `b`, computed by the core in Node from `file`. */
function coreWeights(file, a, b) {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(MINILM, name));
    session.loadModel('m', read('config.json').toString('utf8'), read('tokenizer.json').toString('utf8'), undefined, read(file));
    const summary = session.run({ source: 'model', text: ANIMAL });
    const n = summary.sequences[0].tokens.length;
    return summary.blocks.flatMap((block, l) => [...Array(block.heads).keys()].map((h) => ({ layer: l, head: h, weight: session.weights(l, h)[a * n + b] })));
  } finally {
    session.free();
  }
}

/** The results on screen: layer, head (from 0), weight as shown. */
async function results(page) {
  return hits(page).evaluateAll((buttons) => buttons.map((b) => ({
    layer: Number(b.dataset.layer),
    head: Number(b.dataset.head),
    weight: b.querySelector('.find-hit-weight').textContent,
    rank: b.querySelector('.find-hit-rank').textContent,
    pattern: b.querySelector('.find-hit-pattern').textContent,
  })));
}

test('MiniLM: the heads where ‘it’ attends to ‘animal’, ranked as the core computes them; a result shows its head', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  await page.goto(`/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors&view=grid&text=${encodeURIComponent(ANIMAL)}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  const source = await page.locator('.ap-source-line').textContent();
  const file = source.includes('F16 weights') ? 'model.f16.safetensors' : 'model.safetensors';
  await finder(page).getByLabel('Query A').selectOption({ label: `${IT + 1} · it` });
  await finder(page).getByLabel('Key B').selectOption({ label: `${ANIMAL_AT + 1} · animal` });
  await expect(finder(page).locator('.find-note')).toContainText('The 10 strongest of 72 heads in 6 layers by the weight ‘it’ (11) gives ‘animal’ (3)');
  await expect(hits(page)).toHaveCount(10);
  const shownHits = await results(page);
  const weights = shownHits.map((hit) => Number(hit.weight));
  expect(weights).toEqual([...weights].sort((x, y) => y - x));
  // The core's ranking of all 72 heads: the page's top ten are its top ten, to the third decimal.
  const core = coreWeights(file, IT, ANIMAL_AT).sort((x, y) => y.weight - x.weight);
  expect(core).toHaveLength(72);
  shownHits.forEach((hit, i) => {
    const same = core.find((c) => c.layer === hit.layer && c.head === hit.head);
    expect(Number(hit.weight), `layer ${hit.layer + 1} head ${hit.head + 1}`).toBeCloseTo(same.weight, 3);
    expect(Math.abs(same.weight - core[i].weight), `place ${i + 1}`).toBeLessThan(1e-3);
    expect(hit.rank).toMatch(/^rank \d+ of 16$/);
    expect(hit.pattern).toMatch(/^(diagonal \(itself\)|previous token|\[CLS\] \/ \[SEP\]|column on ‘.+’|broad|mixed)$/);
  });
  const top = shownHits[0];
  expect(top.weight).toBe(core[0].weight.toFixed(3));
  expect(top.rank).toBe('rank 1 of 16');
  await screenshot(page, 'find-heads-minilm');

  const second = shownHits[1];
  await hits(page).nth(1).click();
  await expect(page.locator('.ap-status')).toContainText(`layer ${second.layer + 1} of 6, head ${second.head + 1} of 12`);
  await expect(hits(page).nth(1)).toHaveAttribute('aria-pressed', 'true');
  // The search stays put while another head is shown, and the keyboard opens a result too.
  await expect(finder(page).getByLabel('Key B')).toHaveValue(String(ANIMAL_AT));
  await hits(page).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.ap-status')).toContainText(`layer ${top.layer + 1} of 6, head ${top.head + 1} of 12`);
  await expect(hits(page).first()).toHaveAttribute('aria-pressed', 'true');

  await page.setViewportSize({ width: 390, height: 844 });
  await finder(page).scrollIntoViewIfNeeded();
  const overflow = await finder(page).evaluate((box) => box.scrollWidth - box.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'find-heads-minilm-phone');
});

test('a causal mask: a key after the query is masked for it in every head, and the search says so', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&causal=1&view=grid&q=2`);
  await expect(hits(page)).toHaveCount(4);
  await expect(finder(page).locator('.find-note')).toContainText('The toy’s heads are random projections');
  await finder(page).getByLabel('Key B').selectOption({ index: 5 });
  await expect(finder(page).locator('.find-note')).toContainText('is masked for this query');
  await expect(hits(page)).toHaveCount(0);
  await screenshot(page, 'find-heads-causal');
});

test('a translation: from a cross-attention block, A is a target token, B a source token, and only the cross blocks are ranked', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption('catalog:dates-transformer');
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder-decoder', { timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Sentence', exact: true }).fill('the 3rd of March 1999');
  await expect(page.locator('.generate-text')).toHaveText(/1999-03-03/);
  await page.getByRole('tab', { name: /Heads/ }).click();
  await expect(page.locator('.ap-status')).toContainText('cross-attention');
  const source = await page.locator('.model-grid-row[aria-label="Block 4: cross-attention"] canvas').first().getAttribute('width');
  const target = await page.locator('.model-grid-row[aria-label="Block 4: cross-attention"] canvas').first().getAttribute('height');
  await expect(finder(page).getByLabel('Query A').locator('option')).toHaveCount(Number(target));
  await expect(finder(page).getByLabel('Key B').locator('option')).toHaveCount(Number(source));
  await expect(finder(page).locator('.find-note')).toContainText('All 8 heads in 2 blocks (the cross-attention blocks), ranked by the weight');
  const found = await results(page);
  expect(found.map((hit) => hit.layer).every((layer) => layer === 3 || layer === 5)).toBe(true);
  expect(found).toHaveLength(8);
  await hits(page).nth(1).click();
  await expect(page.locator('.ap-status')).toContainText(`block ${found[1].layer + 1} of 6, head ${found[1].head + 1} of 4`);
  await page.setViewportSize({ width: 390, height: 844 });
  await finder(page).scrollIntoViewIfNeeded();
  await screenshot(page, 'find-heads-translation-phone');
});

test('the trained decoder: a key after the query is masked for it; one before is ranked over every head', async ({ page }) => {
  test.skip(DECODER === null, 'the catalog lists no trained decoder');
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption(`catalog:${DECODER.name}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Sentence', exact: true }).fill('Lily saw a big red ball. Lily saw a big red ball.');
  await page.getByRole('tab', { name: /Heads/ }).click();
  const config = JSON.parse(readFileSync(path.join(repo, DECODER.folder, 'config.json'), 'utf8'));
  const heads = config.n_layer * config.n_head;
  await finder(page).getByLabel('Query A').selectOption({ index: 8 });
  await finder(page).getByLabel('Key B').selectOption({ index: 9 });
  await expect(finder(page).locator('.find-note')).toContainText('is masked for this query');
  await expect(hits(page)).toHaveCount(0);
  await finder(page).getByLabel('Key B').selectOption({ index: 2 });
  await expect(hits(page)).toHaveCount(Math.min(10, heads));
  await expect(finder(page).locator('.find-note')).toContainText(`${heads} heads in ${config.n_layer} layers`);
  const weights = (await results(page)).map((hit) => Number(hit.weight));
  expect(weights).toEqual([...weights].sort((x, y) => y - x));
  await screenshot(page, 'find-heads-decoder');
});
