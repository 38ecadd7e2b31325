// The captioner in the playground, in a real browser: shapes-captioner picked by name, an example
// scene on the canvas, and the caption, the picture view's cross-attention of a word and every
// word's small picture compared with what the core computes in Node for the canvas's own pixels;
// a word chosen under the picture becomes the query; another scene writes another caption; the
// step-by-step player walks a decoding step with the patches as the keys.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot, TOY_PAGE } from './page-helpers.js';
import { canvases, expectPainted, SIDE } from './vision-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';
import { viridis } from '../../www/src/colors.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CAPTIONER = CATALOG.find((entry) => entry.kind === 'captioner');
/** The head the captioner's evaluation named (heads.json): the page opens on it. */
const NAMED = CAPTIONER && JSON.parse(readFileSync(path.join(repo, CAPTIONER.folder, 'heads.json'), 'utf8')).heads[0];
const checked = checkEveryPage();

/**
 * The core's run in Node of the captioner on the canvas's pixels: its summary and, per block, the
 * named head's weights.
 * @param {ArrayLike<number>} pixels
 */
function captionRun(pixels) {
  const session = new checked.core.Session();
  try {
    const read = (name) => readFileSync(path.join(repo, CAPTIONER.folder, name));
    const text = (name) => read(name).toString('utf8');
    session.loadModel('m', text('config.json'), text('preprocessor_config.json'), text('vocab.json'), read('model.safetensors'));
    const summary = session.run({ source: 'image', width: SIDE, height: SIDE, pixels: Uint8Array.from(pixels) });
    return { summary, weights: summary.blocks.map((_, b) => session.weights(b, NAMED.head)) };
  } finally {
    session.free();
  }
}

/** Waits until the page shows the caption the core writes for the canvas as it is now. */
async function matchesCore(page) {
  await expect.poll(async () => (await page.locator('.picture-caption').textContent()) === captionRun((await canvases(page)).drawn).summary.generation.text, { timeout: 20_000 }).toBe(true);
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
  const { drawn, view } = await canvases(page);
  return { drawn, view, ...captionRun(drawn) };
}

/** A word's row of the last cross-attention block, the named head, over [CLS] and the patches. */
function crossRow(run, word) {
  const block = run.summary.blocks.map((b) => b.kind).lastIndexOf('cross');
  const keys = run.summary.sequences[0].tokens.length;
  return { block, row: run.weights[block].subarray(word * keys, (word + 1) * keys) };
}

test('shapes-captioner by name: the caption and each word’s cross-attention over the picture are the core’s', async ({ page }) => {
  test.skip(!CAPTIONER, 'the catalog lists no captioner');
  // Every check runs the captioner again in Node on the canvas's pixels.
  test.slow();
  await page.goto(TOY_PAGE);
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption(`catalog:${CAPTIONER.name}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'captioner', { timeout: 30_000 });
  await expect(page.locator('.scene-examples')).toBeVisible();
  await expect(page.locator('.picture-examples:not(.scene-examples)')).toBeHidden();
  const first = await matchesCore(page);
  expect(first.summary.generation.text).toBe('a red triangle above a blue square');
  const words = first.summary.sequences[1].tokens.map((t) => t.text);
  await expect(page.locator('.caption-word-text')).toHaveText(words);
  await expect(page.locator('.generate-panel, .ap-generate').first()).toContainText('Caption');

  // The model opens on the head its evaluation named, in the decoder's cross-attention block, its
  // first word the query.
  const { block, row } = crossRow(first, 0);
  expect(block).toBe(NAMED.layer);
  await expect(page.locator('.picture-view-title:not(.picture-words-title)')).toHaveText(`Where “a” looked · cross-attention, block ${block + 1}, head ${NAMED.head + 1}`);
  expectPainted(first.view, first.drawn, row, first.summary.vision.patches);
  await screenshot(page, 'captioner-desktop', { fullPage: true });

  // A noun chosen under the picture: its row, painted over the picture and in its own small picture.
  const noun = words.indexOf('triangle');
  await page.locator('.caption-word').nth(noun).click();
  await expect(page.locator('.caption-word').nth(noun)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.picture-view-title:not(.picture-words-title)')).toHaveText(`Where “triangle” looked · cross-attention, block ${block + 1}, head ${NAMED.head + 1}`);
  const chosen = await canvases(page);
  expectPainted(chosen.view, first.drawn, crossRow(first, noun).row, first.summary.vision.patches);
  const thumb = await page.locator('.caption-word-picture').nth(noun).evaluate((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data));
  const { rows, columns, prefix } = first.summary.vision.patches;
  const nounRow = crossRow(first, noun).row;
  const strongest = nounRow.subarray(prefix).reduce((best, w, p) => (w > nounRow[prefix + best] ? p : best), 0);
  // The middle pixel of that patch in the 72-pixel picture, and the canvas pixel drawn there.
  const cell = 72 / columns;
  const [y, x] = [Math.floor(strongest / columns), strongest % columns].map((i) => Math.floor(i * cell + cell / 2));
  const at = (y * 72 + x) * 4;
  const colour = viridis(nounRow[prefix + strongest]);
  const under = (Math.floor(((y + 0.5) * SIDE) / 72) * SIDE + Math.floor(((x + 0.5) * SIDE) / 72)) * 4;
  for (let c = 0; c < 3; c += 1) expect(Math.abs(thumb[at + c] - (0.7 * colour[c] + 0.3 * first.drawn[under + c]))).toBeLessThan(4);
  expect(rows * columns).toBe(64);

  // Another held-out scene writes another caption.
  await page.getByRole('button', { name: 'Example scene: a red circle above a green triangle' }).click();
  const second = await matchesCore(page);
  expect(second.summary.generation.text).toBe('a red circle above a green triangle');

  // A stroke of the blue pen across the bottom: its colour is in the pixels the core reads, and the
  // picture view paints the new run's row over the new picture.
  await page.getByRole('button', { name: 'blue pen' }).click();
  // The pointer draws only where the canvas is on screen: bring all of it into view first.
  await page.locator('.picture-canvas').evaluate((canvas) => canvas.scrollIntoView({ block: 'center' }));
  const box = await page.locator('.picture-canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.9);
  await page.mouse.down();
  for (let i = 1; i <= 8; i += 1) await page.mouse.move(box.x + box.width * (0.1 + 0.05 * i), box.y + box.height * 0.9);
  await page.mouse.up();
  await expect.poll(async () => JSON.stringify((await canvases(page)).view)).not.toBe(JSON.stringify(second.view));
  const drawn = await matchesCore(page);
  const blue = [31, 90, 220];
  expect(drawn.drawn.some((_, i) => i % 4 === 0 && blue.every((c, k) => drawn.drawn[i + k] === c))).toBe(true);
  const focus = Number(await page.locator('.caption-word[aria-pressed="true"]').evaluate((b) => [...b.closest('ol').querySelectorAll('.caption-word')].indexOf(b)));
  expectPainted(drawn.view, drawn.drawn, crossRow(drawn, focus).row, drawn.summary.vision.patches);

  // The player walks a decoding step of a cross-attention block: the keys are the patches.
  await page.getByRole('tab', { name: 'Step by step' }).click();
  await expect(page.locator('.panel-player')).toContainText('r0c0');
  await screenshot(page, 'captioner-player-desktop', { fullPage: true });
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'captioner-phone', { fullPage: true });
});
