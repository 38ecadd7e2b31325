// The step-by-step player's complete story in a real browser, against the core loaded in this
// process: the projections q = x·W_Q, k = x·W_K, v = x·W_V as vectors with every number, the
// full q∘k, a worked example for the key the reader picks, the current key outlined on the
// matrix, and for several heads their outputs side by side times W_O. Screenshots at 1280 and
// 390 pixels.
import { existsSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { DEFAULT_CONFIG, checkEveryPage, screenshot, shown, toyRun } from './page-helpers.js';

const ANIMAL = "The animal didn't cross the street because it was too tired.";
const QUERY = 7; // ‘it’

const checked = checkEveryPage();

/** Opens the toy's player on ‘it’ at a step. */
async function openPlayer(page, step, extra = '') {
  await page.goto(`/#v=1&model=toy&view=steps&q=${QUERY}&step=${step}${extra}`);
  await expect(page.locator('.story-formula')).toHaveAttribute('data-text', /=/, { timeout: 20_000 });
}

/** The numbers of one vector line of the story, as numbers. */
async function vectorNumbers(page, name) {
  const cells = await page.locator(`.vector-row[data-vector="${name}"] .vector-cell`).allTextContents();
  return cells.map(shown);
}

/** Every number within rounding to three decimals. */
function expectClose(got, want, what) {
  expect(got, what).toHaveLength(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `${what}[${i}]: ${g} vs ${want[i]}`).toBeLessThanOrEqual(5.1e-4 + Math.abs(want[i]) * 5e-3));
}

test('the projections show x and q, k, v with the core’s numbers; the scores the full q∘k', async ({ page }) => {
  const run = toyRun(checked.core, DEFAULT_CONFIG, ANIMAL);
  const b = run.session.breakdown(0, 0, QUERY);
  const dModel = b.projection.input.length;
  await openPlayer(page, 0);
  const formula = page.locator('.story-formula');
  await expect(formula).toHaveAttribute('data-stage', 'query');
  await expect(page.locator('.story-title')).toHaveText('Query q');
  expectClose(await vectorNumbers(page, 'x_i'), b.projection.input, 'x_i');
  expectClose(await vectorNumbers(page, 'q_i'), b.q, 'q_i');
  await expect(page.locator('.story-explanation')).toContainText(`W_Q (${dModel} × ${b.q.length})`);
  // x scrolls sideways rather than being cut.
  const overflow = await page.locator('.vector-row[data-vector="x_i"] .vector-cells').evaluate((e) => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]);
  expect(overflow[2]).toBe('auto');
  await screenshot(page, 'player-projection', { fullPage: true });

  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(formula).toHaveAttribute('data-stage', 'key');
  expectClose(await vectorNumbers(page, 'x_j'), b.projection.keyInputs[0], 'x_j of the first key');
  expectClose(await vectorNumbers(page, 'k_j'), b.keyVectors[0], 'k_j');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(formula).toHaveAttribute('data-stage', 'value');
  expectClose(await vectorNumbers(page, 'v_j'), b.values[0], 'v_j');

  // The score of key 2 (‘animal’): q, k and every term of q∘k, in standard notation.
  await page.getByRole('slider', { name: 'Step within this query' }).fill('4');
  await expect(formula).toHaveAttribute('data-stage', 'score');
  await expect(formula).toHaveAttribute('data-key', '1');
  expect(await formula.getAttribute('data-text')).toMatch(/^s_ij = q · k = ∑_c q_ck_c = /);
  expectClose(await vectorNumbers(page, 'q ∘ k'), b.terms[1], 'q∘k');
  expectClose(await vectorNumbers(page, 'k_j'), b.keyVectors[1], 'k_j of ‘animal’');
  run.session.free();
});

test('the reader picks the key of the worked examples; the matrix outlines the current cell', async ({ page }) => {
  const run = toyRun(checked.core, DEFAULT_CONFIG, ANIMAL);
  const b = run.session.breakdown(0, 0, QUERY);
  const keys = b.scores.length;
  const expStep = 3 + keys + 2;
  await openPlayer(page, expStep);
  const formula = page.locator('.story-formula');
  await expect(formula).toHaveAttribute('data-stage', 'exp');
  // By default the key the story is at: after the walk over the keys, the last one.
  await expect(formula).toHaveAttribute('data-key', String(keys - 1));
  const last = (text) => shown(text.split(' = ').at(-1));
  expect(Math.abs(last(await formula.getAttribute('data-text')) - b.exp[keys - 1])).toBeLessThan(6e-4);
  // The matrix outlines that key's cell in the query's row.
  const mark = page.locator('.player-matrix .cell-mark');
  const cell = await mark.evaluate((r) => [Number(r.getAttribute('x')), Number(r.getAttribute('y')), Number(r.getAttribute('width'))]);
  expect(cell[0] / cell[2]).toBe(keys - 1);
  expect(cell[1] / cell[2]).toBe(QUERY);
  expect(await mark.evaluate((r) => getComputedStyle(r).strokeOpacity)).toBe('1');

  // Picking ‘animal’ changes the example: its exponential, not the last key's.
  await page.getByRole('combobox', { name: 'Key of the worked example' }).selectOption('1');
  await expect(formula).toHaveAttribute('data-key', '1');
  await expect(page).toHaveURL(/&key=1(&|$)/);
  const text = await formula.getAttribute('data-text');
  expect(Math.abs(last(text) - b.exp[1])).toBeLessThan(6e-4);
  expect(text).toContain(`exp(${b.masked[1] < 0 ? '(' : ''}`);
  await expect(page.locator('.story-explanation')).toContainText('is subtracted first');
  await expect(page.locator('.story-title')).toHaveText('Exp · for ‘animal’ (key 2)');
  const moved = await mark.evaluate((r) => Number(r.getAttribute('x')) / Number(r.getAttribute('width')));
  expect(moved).toBe(1);
  await expect(page.locator('.numbers-table tr.current th')).toHaveText('animal');
  // The key with the largest score gets exactly exp(0) = 1, and the sentence says so.
  const top = b.masked.reduce((best, m, j) => (m > b.masked[best] ? j : best), 0);
  await page.locator('.numbers-table tbody tr').nth(top).click();
  await expect(formula).toHaveAttribute('data-key', String(top));
  await expect(page.locator('.story-explanation')).toContainText('so its exponential is exactly exp(0) = 1');
  await screenshot(page, 'player-exp-picked', { fullPage: true });
  run.session.free();
});

test('several heads end with their outputs side by side times W_O, as the core computes', async ({ page }) => {
  const run = toyRun(checked.core, DEFAULT_CONFIG, ANIMAL);
  const b = run.session.breakdown(0, 2, QUERY);
  const keys = b.scores.length;
  await openPlayer(page, 2 * keys + 8, '&head=2');
  const formula = page.locator('.story-formula');
  await expect(formula).toHaveAttribute('data-stage', 'combine');
  await expect(page.locator('.stage-track li:not([hidden]) .stage-chip').last()).toHaveText('Heads · W_O');
  await expect(page.locator('.player-position')).toHaveText(`step ${2 * keys + 9} of ${2 * keys + 9}`);
  expect(await formula.getAttribute('data-text')).toMatch(/^a_i = Concat\(o_i\^1,…,o_i\^H\) · W_O = /);
  expectClose(await vectorNumbers(page, 'Concat(o_i)'), b.combined.concat, 'the heads side by side');
  expectClose(await vectorNumbers(page, 'a_i'), b.combined.output, 'times W_O');
  const dV = b.output.length;
  const marked = await page.locator('.vector-row[data-vector="Concat(o_i)"] .vector-cell.mine').count();
  expect(marked).toBe(dV);
  const firstMarked = await page.locator('.vector-row[data-vector="Concat(o_i)"] .vector-cell').evaluateAll((cells) => cells.findIndex((c) => c.classList.contains('mine')));
  expect(firstMarked).toBe(2 * dV);
  await screenshot(page, 'player-combine', { fullPage: true });
  // One head has nothing to combine: its story ends at the output.
  await page.goto(`/#v=1&model=toy&h=1&kv=1&view=steps&q=${QUERY}&step=99`);
  await expect(formula).toHaveAttribute('data-stage', 'output', { timeout: 20_000 });
  run.session.free();
});

test('on a phone the player’s formulas and vectors fit or scroll, nothing is cut off', async ({ page }) => {
  const run = toyRun(checked.core, DEFAULT_CONFIG, ANIMAL);
  const keys = run.session.breakdown(0, 0, QUERY).scores.length;
  run.session.free();
  for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width, height });
    await openPlayer(page, 3 + keys + 4 + 4); // the fifth key's weighted value: the widest formula
    await expect(page.locator('.story-formula')).toHaveAttribute('data-stage', 'weigh');
    const box = await page.locator('.story-formula').evaluate((e) => {
      const outer = e.getBoundingClientRect();
      const parts = [...e.querySelectorAll('math')].map((m) => m.getBoundingClientRect());
      return { left: outer.left, right: outer.right, maxRight: Math.max(...parts.map((r) => r.right)), scroll: e.scrollWidth - e.clientWidth };
    });
    expect(box.right).toBeLessThanOrEqual(width);
    expect(box.maxRight, 'the formula wraps inside its box').toBeLessThanOrEqual(box.right + 1);
    expect(box.scroll).toBeLessThanOrEqual(1);
    await screenshot(page, `player-weigh-${name}`, { fullPage: true });
  }
});

test('a trained encoder’s player starts from the layer’s input and ends with its 12 heads times W_O', async ({ page }) => {
  const model = 'models/all-MiniLM-L6-v2/model.safetensors';
  test.skip(!existsSync(model), 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  const query = 10; // ‘it’, after [CLS]
  await page.goto(`/#v=1&model=${encodeURIComponent(model)}&view=steps&layer=2&head=4&q=${query}&step=0`);
  const formula = page.locator('.story-formula');
  await expect(formula).toHaveAttribute('data-stage', 'query', { timeout: 60_000 });
  await expect(page.locator('.story-explanation')).toContainText('x is what layer 3 receives for ‘it’: the output of layer 2');
  await expect(page.locator('.story-explanation')).toContainText('W_Q (384 × 32), plus a bias');
  expect(await formula.getAttribute('data-text')).toMatch(/^q_i = x_i · W_Q \+ b_Q = \[/);
  await expect(page.locator('.vector-row[data-vector="x_i"] .vector-cell')).toHaveCount(384);
  await expect(page.locator('.vector-row[data-vector="q_i"] .vector-cell')).toHaveCount(32);
  // 16 keys: 2·16 + 8 steps, then the 12 heads side by side (12 × 32) times W_O.
  await page.getByRole('slider', { name: 'Step within this query' }).fill(String(2 * 16 + 8));
  await expect(formula).toHaveAttribute('data-stage', 'combine');
  await expect(page.locator('.vector-row[data-vector="Concat(o_i)"] .vector-cell')).toHaveCount(384);
  await expect(page.locator('.vector-row[data-vector="Concat(o_i)"] .vector-cell.mine')).toHaveCount(32);
  await expect(page.locator('.vector-row[data-vector="a_i"] .vector-cell')).toHaveCount(384);
  await expect(page.locator('.story-explanation')).toContainText('The residual connection and the layer norm follow.');
  await screenshot(page, 'player-model-combine', { fullPage: true });
});
