// The Train mode: a small Transformer learns reverse in the page's training worker. The loss falls
// and the probe's heatmap changes as it trains; Pause stops the steps; the timeline shows an
// earlier snapshot; the saved files load again through "Your files…" and the core in Node agrees
// with the probe's weights on screen; a bad setting gets its note. Screenshots at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { checkEveryPage, screenshot } from './page-helpers.js';

const checked = checkEveryPage();
const TRAIN_PAGE = '/?mode=train#v=1&model=toy';

const status = (page) => page.locator('.train-status');
const stepOf = async (page) => Number((await status(page).textContent()).match(/Step ([\d,]+)/)[1].replace(/,/g, ''));
/** The probe heatmap's weights, read from its screen-reader table. */
const probeCells = (page) => page.locator('.train-heatmap .weight-table tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
/** The loss line's points as drawn (steps across, loss up), from the chart's own axes. */
const lossSeries = (page) => page.locator('.train-curve').first().locator('.curve-line').getAttribute('points');

/** Trains until the status shows at least `steps`, then pauses. */
async function trainTo(page, steps) {
  await page.getByRole('button', { name: /^(Train|Resume)$/ }).click();
  await expect.poll(() => stepOf(page), { timeout: 45_000 }).toBeGreaterThanOrEqual(steps);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status(page)).toHaveText(/paused/);
}

test('reverse: the loss falls, the heatmap changes, Pause stops, the timeline goes back, the model saves and loads', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(TRAIN_PAGE);
  await expect(page.locator('[data-train-panel]')).toBeVisible();
  // The playground shows only a model being trained: out of sight until Try it.
  await expect(page.locator('main[data-attention-playground]')).toBeHidden();
  await expect(page.locator('.page-modes a[data-mode="train"]')).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', '1:0', { timeout: 20_000 });
  // A tiny model, so a few hundred steps take seconds.
  await page.locator('#train-dModel').fill('16');
  await page.locator('#train-dModel').dispatchEvent('change');
  await expect(page.locator('.train-size')).toHaveText(/d_model 16/);
  await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', '2:0');
  await expect(page.locator('.train-heatmap .weight-table tbody tr').first()).toBeAttached();
  const before = await probeCells(page);
  await screenshot(page, 'train-1280-start', { fullPage: true });

  await trainTo(page, 300);
  const paused = await stepOf(page);
  // Paused: no step is taken any more.
  await page.waitForTimeout(600);
  expect(await stepOf(page)).toBe(paused);

  // The loss line: the last points lie well below the first (the chart's y grows downwards).
  const points = (await lossSeries(page)).split(' ').map((p) => p.split(',').map(Number));
  const mean = (ps) => ps.reduce((sum, [, y]) => sum + y, 0) / ps.length;
  expect(mean(points.slice(-10))).toBeGreaterThan(mean(points.slice(0, 10)) + 40);
  // Held out (256 examples the model never trains on): at least 99 % of the answers exactly
  // right by 300 steps (README), and the probe's heatmap is no longer the one of step 0.
  const exact = page.locator('.curve-legend li').filter({ hasText: 'answers exactly right' }).locator('.curve-last');
  expect(Number((await exact.textContent()).replace('%', ''))).toBeGreaterThanOrEqual(99);
  const after = await probeCells(page);
  expect(after).not.toEqual(before);
  await expect(page.locator('.train-probe-answer')).toContainText(`step ${paused.toLocaleString('en')}`);
  await screenshot(page, 'train-1280-trained', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'train-390-trained', { fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // The timeline: its first snapshot is step 0, whose heatmap is the one shown before training.
  const timeline = page.locator('#train-timeline');
  await timeline.fill('0');
  await expect(page.locator('.train-timeline-label')).toHaveText(/step 0\b/);
  await expect.poll(() => probeCells(page)).toEqual(before);
  await page.getByRole('button', { name: 'Latest' }).click();
  await expect.poll(() => probeCells(page)).toEqual(after);

  // Saved: config.json, vocab.json and model.safetensors, which the core reads, and whose run of
  // the probe gives the weights on screen.
  const downloads = [];
  page.on('download', (download) => downloads.push(download));
  await page.getByRole('button', { name: 'Save the model' }).click();
  await expect.poll(() => downloads.length).toBe(3);
  const files = {};
  for (const download of downloads) files[download.suggestedFilename()] = readFileSync(await download.path());
  expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.json']);
  const session = new checked.core.Session();
  try {
    const info = session.loadModel('saved', files['config.json'].toString('utf8'), undefined, files['vocab.json'].toString('utf8'), files['model.safetensors']);
    expect(info.kind).toBe('encoder-decoder');
    const prompt = (await page.locator('.train-probe-example code').first().textContent()).trim();
    const summary = session.run({ source: 'model', text: prompt });
    const last = summary.blocks.map((b) => b.kind).lastIndexOf('cross');
    const weights = session.weights(last, 0);
    const keys = summary.sequences[summary.blocks[last].keys].tokens.length;
    const onScreen = after.map((row) => row.map(Number));
    onScreen.forEach((row, q) => row.forEach((w, k) => expect(Math.abs(w - weights[q * keys + k])).toBeLessThanOrEqual(0.0005 + 1e-6)));
  } finally {
    session.free();
  }

  // "Try it on your own input": the playground below runs the model in training through the
  // same loader as "Your files…".
  await page.getByRole('button', { name: 'Try it on your own input' }).click();
  await expect(page.locator('main[data-attention-playground]')).toBeVisible();
  await expect(page.locator('.ap-status')).toContainText(/reverse-step/, { timeout: 20_000 });
  await screenshot(page, 'train-1280-playground', { fullPage: true });
});

test('the saved files open through Your files…', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(TRAIN_PAGE);
  await page.locator('#train-dModel').fill('16');
  await page.locator('#train-dModel').dispatchEvent('change');
  await expect(page.locator('.train-size')).toHaveText(/d_model 16/);
  await trainTo(page, 40);
  const downloads = [];
  page.on('download', (download) => downloads.push(download));
  await page.getByRole('button', { name: 'Save the model' }).click();
  await expect.poll(() => downloads.length).toBe(3);
  const files = await Promise.all(downloads.map(async (d) => ({ name: d.suggestedFilename(), mimeType: 'application/octet-stream', buffer: readFileSync(await d.path()) })));
  await page.goto('/#v=1&model=toy');
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption('files');
  await page.locator('.model-drop input[type="file"]').setInputFiles(files);
  await expect(page.locator('.model-info').first()).toContainText(/Transformer/, { timeout: 20_000 });
  await expect(page.locator('.ap-status')).toContainText(/source tokens → \d+ target tokens/);
  await screenshot(page, 'train-1280-loaded-files', { fullPage: true });
});

test('bad settings get a note beside their field, and the model there was stays', async ({ page }) => {
  await page.goto(TRAIN_PAGE);
  await expect(page.locator('.train-size')).toHaveText(/parameters/, { timeout: 20_000 });
  await page.locator('#train-dModel').fill('512');
  await page.locator('#train-layers').fill('6');
  await page.locator('#train-batchSize').fill('512');
  await page.locator('#train-batchSize').dispatchEvent('change');
  await expect(page.locator('#train-dModel-note')).toBeVisible();
  await expect(page.locator('#train-dModel-note')).toContainText(/budget/);
  await expect(page.locator('#train-dModel')).toHaveAttribute('aria-invalid', '');
  await page.locator('#train-learningRate').fill('fast');
  await page.locator('#train-learningRate').dispatchEvent('change');
  await expect(page.locator('#train-learningRate-note')).toContainText(/must be a number/);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'train-390-notes', { fullPage: true });

  // A learning rate that diverges (at once, without warm-up): training stops with a note, and
  // the last good step stays.
  await page.locator('#train-learningRate').fill('1');
  await page.locator('#train-warmup').fill('0');
  await page.locator('#train-batchSize').fill('32');
  await page.locator('#train-layers').fill('1');
  await page.locator('#train-dModel').fill('16');
  await page.locator('#train-dModel').dispatchEvent('change');
  await expect(page.locator('.train-size')).toHaveText(/d_model 16/);
  await expect(page.locator('#train-dModel-note')).toBeHidden();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.locator('#train-learningRate-note')).toContainText(/diverged at step (\d+).*the weights of step \d+ are kept/, { timeout: 30_000 });
  await expect(status(page)).toHaveText(/stopped/);
  const kept = Number((await page.locator('#train-learningRate-note').textContent()).match(/weights of step (\d+)/)[1]);
  expect(await stepOf(page)).toBe(kept);
  await expect(page.locator('.train-probe-answer')).toContainText(`step ${kept}`);
  await screenshot(page, 'train-390-diverged', { fullPage: true });
});

test('every task trains, and induction on a decoder-only model shows its causal attention', async ({ page }) => {
  await page.goto(TRAIN_PAGE);
  await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', '1:0', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', '1:1');
  let models = 1;
  for (const task of ['sort', 'copy-offset', 'add', 'induction']) {
    await page.locator('#train-task').selectOption(task);
    // After a step, a new task waits for Reset.
    await expect(page.locator('.train-general')).toContainText('Reset');
    await page.getByRole('button', { name: 'Reset' }).click();
    models += 1;
    await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', `${models}:0`);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', `${models}:1`);
  }
  await expect(page.locator('#train-model')).toHaveValue('decoder-only');
  // The link names the task, and opens on it.
  expect(new URL(page.url()).searchParams.get('task')).toBe('induction');
  await expect(page.locator('.train-block option:checked')).toHaveText(/causal self-attention/);
  await trainTo(page, 200);
  await screenshot(page, 'train-1280-induction', { fullPage: true });
  // The decoder-only model in the playground: GPT-2's layout, a character per token, continuing
  // the probe's prompt.
  await page.getByRole('button', { name: 'Try it on your own input' }).click();
  await expect(page.locator('.ap-status')).toContainText(/induction-step-\d+ · causal self-attention/, { timeout: 20_000 });
  await page.reload();
  await expect(page.locator('#train-task')).toHaveValue('induction', { timeout: 20_000 });
  await expect(page.locator('[data-train-panel]')).toHaveAttribute('data-probe', '1:0');
  // Back to exploring: the panel hides, and the link forgets the mode and the task.
  await page.getByRole('link', { name: 'Explore attention' }).click();
  await expect(page.locator('[data-train-panel]')).toBeHidden();
  await expect(page.locator('main[data-attention-playground]')).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
});
