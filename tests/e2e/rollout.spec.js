// Attention rollout and flow in the page: on all-MiniLM-L6-v2 the heatmap's and on the trained
// digits-vit the picture view's, each number compared with the core's computed in Node for the
// same model and input; a text too long for the flow says so; a decoder says why it has neither. A picture whose run fails leaves the
// picture view with the last picture that ran and that picture's own attention, never the new
// picture under the old attention. Screenshots at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, readWeightTable, screenshot, shown } from './page-helpers.js';
import { canvases, expectPainted, openVit, VIT, vitRun } from './vision-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINILM = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const HAS_MINILM = existsSync(path.join(MINILM, 'config.json'));
const TEXT = 'The cat sat on the mat because it was warm.';
const DECODER = CATALOG.find((entry) => entry.kind === 'decoder' && entry.origin === 'trained') ?? null;

const checked = checkEveryPage();

/** MiniLM's rollout and flow of TEXT by the core in Node: tokens and each flat [layer][query][key]. */
function miniLmRollout() {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(MINILM, name));
    session.loadModel('m', read('config.json').toString('utf8'), read('tokenizer.json').toString('utf8'), undefined, read('model.safetensors'));
    const summary = session.run({ source: 'model', text: TEXT });
    return { tokens: summary.sequences[0].tokens.map((t) => t.text), layers: summary.blocks.length, rollout: session.rollout(0), flow: session.flow(0) };
  } finally {
    session.free();
  }
}

/** Saves the view through the Export dialog; the file's bytes. */
async function exportFile(page, name) {
  const dialog = page.getByRole('dialog', { name: 'Export' });
  if (!(await dialog.isVisible())) await page.getByRole('button', { name: 'Export…' }).click();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), dialog.getByRole('button', { name, exact: true }).click()]);
  return { bytes: readFileSync(await download.path()) };
}

/** Expects the screen-reader table to be the core's rollout (or flow) through `layer`, every cell. */
async function tableIsRollout(page, tokens, rollout, layer, kind = 'rollout') {
  const n = tokens.length;
  await expect(page.locator('.weight-table caption')).toContainText(`Attention ${kind} through layer ${layer + 1}`);
  const table = await readWeightTable(page);
  expect(table.columns).toEqual(tokens);
  expect(table.rows).toEqual(tokens);
  table.cells.forEach((row, q) => row.forEach((cell, k) => expect(Math.abs(shown(cell) - rollout[(layer * n + q) * n + k]), `${tokens[q]} → ${tokens[k]}`).toBeLessThan(0.006)));
}

test('MiniLM: the heatmap’s rollout and flow through a layer are the core’s, every token kept, with their definitions', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  const { tokens, layers, rollout, flow } = miniLmRollout();
  await page.goto(`/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors&layer=3&text=${encodeURIComponent(TEXT)}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder', { timeout: 30_000 });
  const switcher = page.locator('.panel-heatmap .rollout-switch');
  await expect(switcher.getByRole('button', { name: 'This layer and head' })).toHaveAttribute('aria-pressed', 'true');
  await switcher.getByRole('button', { name: 'Rollout through layer 4' }).click();
  await expect(switcher.getByRole('button', { name: 'Rollout through layer 4' })).toHaveAttribute('aria-pressed', 'true');
  await expect(switcher.locator('.rollout-note')).toContainText('Abnar & Zuidema, 2020');
  await expect(page.locator('.panel-heatmap .heatmap-legend')).toContainText('rollout, layers 1–4');
  await tableIsRollout(page, tokens, rollout, 3);
  await expect.poll(() => page.url()).toContain('across=rollout');
  await screenshot(page, 'rollout-text-desktop', { fullPage: true });

  // The last layer; hiding [CLS]/[SEP] keeps them in the rollout, and says so.
  await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: String(layers - 1) });
  await tableIsRollout(page, tokens, rollout, layers - 1);
  await page.getByRole('checkbox', { name: /Hide \[CLS\]\/\[SEP\]/ }).check();
  await expect(switcher.locator('.rollout-note')).toContainText('[CLS] and [SEP] stay in: it is computed over every token.');
  await tableIsRollout(page, tokens, rollout, layers - 1);
  // The flow: maximum flows through the same network, with its own definition.
  await switcher.getByRole('button', { name: `Flow through layer ${layers}` }).click();
  await expect(switcher.locator('.rollout-note')).toContainText('Attention flow (Abnar & Zuidema, 2020)');
  await tableIsRollout(page, tokens, flow, layers - 1, 'flow');
  await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: '1' });
  await tableIsRollout(page, tokens, flow, 1, 'flow');
  await expect.poll(() => page.url()).toContain('across=flow');
  await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: String(layers - 1) });
  // The exports say what they hold: the flow's numbers, titled as the flow.
  const json = JSON.parse((await exportFile(page, 'JSON')).bytes.toString('utf8'));
  expect(json.across).toBe('flow');
  expect(json.head).toBeNull();
  expect(json.description).toContain(`Attention flow of all-MiniLM-L6-v2 through layer ${layers}`);
  json.weights.forEach((row, q) => row.forEach((w, k) => expect(Math.abs(w - flow[((layers - 1) * tokens.length + q) * tokens.length + k])).toBeLessThan(1e-6)));
  const svg = (await exportFile(page, 'SVG')).bytes.toString('utf8');
  expect(svg).toContain(`Attention flow · through layer ${layers}`);
  await page.keyboard.press('Escape');
  // Back to one head: the table is that head's again.
  await switcher.getByRole('button', { name: 'This layer and head' }).click();
  await expect(page.locator('.weight-table')).toContainText(`Attention weights of layer ${layers} · head 1`);
  await switcher.getByRole('button', { name: `Rollout through layer ${layers}` }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'rollout-text-phone', { fullPage: true });
});

test('digits-vit: the picture view’s rollout through each layer is the core’s for the canvas’s pixels', async ({ page }) => {
  test.skip(!VIT, 'the catalog lists no trained vision model');
  await openVit(page);
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('Where [CLS] looks · layer 1, head 1');
  const switcher = page.locator('.picture-attention .rollout-switch');
  await switcher.getByRole('button', { name: 'Rollout through layer 1' }).click();
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('What [CLS]’s vector draws on · rollout through layer 1');
  const layers = vitRun(checked.core, (await canvases(page)).drawn).summary.blocks.length;
  for (const layer of [0, layers - 1]) {
    await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: String(layer) });
    await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText(`What [CLS]’s vector draws on · rollout through layer ${layer + 1}`);
    await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
    const { drawn, view } = await canvases(page);
    const { summary, rollout } = vitRun(checked.core, drawn);
    const n = summary.sequences[0].tokens.length;
    expectPainted(view, drawn, rollout.subarray(layer * n * n, layer * n * n + n), summary.vision.patches);
    // The heatmap shows the same rollout, [CLS] and every patch.
    await tableIsRollout(page, summary.sequences[0].tokens.map((t) => t.text), rollout, layer);
  }
  await expect(page.locator('.picture-legend')).toContainText('[CLS]’s share');
  // The flow through the last layer, painted and tabled as the core computes it.
  await switcher.getByRole('button', { name: `Flow through layer ${layers}` }).click();
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText(`What [CLS]’s vector draws on · flow through layer ${layers}`);
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
  {
    const { drawn, view } = await canvases(page);
    const { summary, flow } = vitRun(checked.core, drawn);
    const n = summary.sequences[0].tokens.length;
    const last = (layers - 1) * n * n;
    expectPainted(view, drawn, flow.subarray(last, last + n), summary.vision.patches);
    await tableIsRollout(page, summary.sequences[0].tokens.map((t) => t.text), flow, layers - 1, 'flow');
  }
  await screenshot(page, 'rollout-picture-desktop', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'rollout-picture-phone', { fullPage: true });
});

test('MiniLM: a text longer than the flow is computed for says so and shows the head', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  const long = Array.from({ length: 8 }, () => TEXT).join(' ');
  await page.goto(`/#v=1&model=models%2Fall-MiniLM-L6-v2%2Fmodel.safetensors&across=flow&text=${encodeURIComponent(long)}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder', { timeout: 30_000 });
  const switcher = page.locator('.panel-heatmap .rollout-switch');
  await expect(switcher.locator('.rollout-note')).toHaveText(/^Attention flow is computed for sequences of at most \d+ tokens, and this one has \d+/);
  await expect(page.locator('.weight-table caption')).toContainText('Attention weights of layer 1 · head 1');
  // The rollout has no such limit.
  await switcher.getByRole('button', { name: 'Rollout through layer 1' }).click();
  await expect(page.locator('.weight-table caption')).toContainText('Attention rollout through layer 1');
});

test('a decoder says why it has no rollout', async ({ page }) => {
  test.skip(!DECODER, 'the catalog lists no trained decoder');
  await page.goto(`/#v=1&model=${encodeURIComponent(DECODER.folder)}&across=rollout`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 30_000 });
  const switcher = page.locator('.panel-heatmap .rollout-switch');
  await expect(switcher.getByRole('button')).toHaveCount(0);
  await expect(switcher.locator('.rollout-note')).toHaveText(/a decoder’s layers are causal/);
  await expect(page.locator('.weight-table')).toContainText('Attention weights of layer 1 · head 1');
});

test('a picture whose run fails leaves the last picture that ran under its own attention', async ({ page }) => {
  test.skip(!VIT, 'the catalog lists no trained vision model');
  // The page's next picture request reaches the core as a 0-pixel-wide picture, which it refuses.
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      const broken = window.__breakPictures && message?.type === 'run' && message.request?.source === 'image';
      return post.call(this, broken ? { ...message, request: { ...message.request, width: 0 } } : message, transfer);
    };
  });
  await openVit(page);
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
  const before = await canvases(page);
  const ran = vitRun(checked.core, before.drawn);
  const n = ran.summary.sequences[0].tokens.length;
  expectPainted(before.view, before.drawn, ran.weights.subarray(0, n), ran.summary.vision.patches);

  await page.evaluate(() => { window.__breakPictures = true; });
  await page.getByRole('button', { name: 'Example: 7' }).click();
  await expect(page.locator('.ap-notes')).toContainText(/picture|image/i);
  const after = await canvases(page);
  expect(after.drawn).not.toEqual(before.drawn);
  // The view still shows the picture that ran, with that picture's attention.
  expectPainted(after.view, before.drawn, ran.weights.subarray(0, n), ran.summary.vision.patches);
  await expect(page.locator('.picture-class')).toHaveText(ran.summary.vision.prediction.top[0].label);

  // Once runs succeed again, the new picture shows with its own attention.
  await page.evaluate(() => { window.__breakPictures = false; });
  await page.getByRole('button', { name: 'Example: 1' }).click();
  const now = vitRun(checked.core, (await canvases(page)).drawn);
  await expect(page.locator('.picture-class')).toHaveText(now.summary.vision.prediction.top[0].label, { timeout: 15_000 });
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
  const fixed = await canvases(page);
  expectPainted(fixed.view, fixed.drawn, now.weights.subarray(0, n), now.summary.vision.patches);
});
