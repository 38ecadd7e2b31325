// Shared helpers of the browser tests on a vision model: the trained digits-vit picked by name,
// the core's run of it in Node on the canvas's own pixels, the canvases' bytes, and the check that
// the picture view paints a row of weights over a picture.
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOY_PAGE } from './page-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';
import { viridis } from '../../www/src/colors.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VIT = CATALOG.find((entry) => entry.kind === 'vision' && entry.origin === 'trained');
/** The drawing canvas's side and the picture view's, in pixels. */
export const SIDE = 64;
export const VIEW = 256;

/**
 * The core's run in Node of the trained ViT on RGBA pixels of the drawing canvas: its summary,
 * layer 1 head 1's weights and the rollout and flow after each layer (flat [layer][query][key]).
 * @param {any} core  from `loadCore()`
 * @param {ArrayLike<number>} pixels
 */
export function vitRun(core, pixels) {
  const session = new core.Session();
  try {
    const read = (name) => readFileSync(path.join(repo, VIT.folder, name));
    session.loadModel('m', read('config.json').toString('utf8'), read('preprocessor_config.json').toString('utf8'), undefined, read('model.safetensors'));
    const summary = session.run({ source: 'image', width: SIDE, height: SIDE, pixels: Uint8Array.from(pixels) });
    return { summary, weights: session.weights(0, 0), rollout: session.rollout(0), flow: session.flow(0) };
  } finally {
    session.free();
  }
}

/** Opens the page on the trained ViT and waits for its prediction. */
export async function openVit(page) {
  await page.goto(TOY_PAGE);
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption(`catalog:${VIT.name}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'vision', { timeout: 30_000 });
  await expect(page.locator('.picture-class')).toBeVisible();
}

/** The drawing canvas's RGBA bytes and the picture view's, as plain arrays. */
export async function canvases(page) {
  return page.evaluate(() => {
    const bytes = (/** @type {HTMLCanvasElement} */ c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
    return { drawn: bytes(document.querySelector('.picture-canvas')), view: bytes(document.querySelector('.picture-view')) };
  });
}

/**
 * Checks that every patch of the picture view is `row`'s weight on that patch on viridis (0 to 1),
 * 70% over `drawn` (the picture that ran).
 * @param {number[]} view     the picture view's RGBA bytes
 * @param {number[]} drawn    the picture's RGBA bytes, SIDE × SIDE
 * @param {ArrayLike<number>} row  the query's weights over every token
 * @param {{ rows: number, columns: number }} patches
 */
export function expectPainted(view, drawn, row, { rows, columns }) {
  const prefix = row.length - rows * columns;
  const cell = VIEW / columns;
  for (let p = 0; p < rows * columns; p += 1) {
    const x = (p % columns) * cell + cell / 2 + 3;
    const y = Math.floor(p / columns) * cell + cell / 2 + 3;
    const under = ((Math.floor(y / (VIEW / SIDE)) * SIDE) + Math.floor(x / (VIEW / SIDE))) * 4;
    const colour = viridis(row[prefix + p]);
    for (let c = 0; c < 3; c += 1) expect(Math.abs(view[(y * VIEW + x) * 4 + c] - (0.7 * colour[c] + 0.3 * drawn[under + c])), `patch ${p}`).toBeLessThan(4);
  }
}
