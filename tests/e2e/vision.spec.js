// A vision transformer in the playground, in a real browser: the trained digits-vit picked by
// name, a stroke drawn on the canvas with the pointer, and the prediction, the weight table and
// the picture view's colours compared with what the core computes in Node for the canvas's own
// pixels; a picture dropped on the canvas; the notes for a file that is not a picture and for a
// picture larger than the core reads.
import { test, expect } from '@playwright/test';
import { checkEveryPage, readWeightTable, screenshot, shown } from './page-helpers.js';
import { canvases, expectPainted, openVit, VIT, vitRun } from './vision-helpers.js';
import { CORE_LIMITS } from '../../www/src/generated/core.js';

const checked = checkEveryPage();
const coreRun = (pixels) => vitRun(checked.core, pixels);

/** Waits for the page to show the run of the canvas as it is now, then checks it against the core. */
async function matchesCore(page) {
  const scores = (on) => on.locator('.picture-score').evaluateAll((items) => items.map((li) => [li.querySelector('.picture-score-label').textContent, li.querySelector('.picture-score-value').textContent]));
  const expected = (summary) => summary.vision.prediction.top.map((c) => [c.label, `${(c.probability * 100).toFixed(1)}%`]);
  // A new picture is run after a pause: wait until the page shows the canvas's own run.
  await expect.poll(async () => JSON.stringify(await scores(page)) === JSON.stringify(expected(coreRun((await canvases(page)).drawn).summary)), { timeout: 15_000 }).toBe(true);
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
  const { drawn, view } = await canvases(page);
  const { summary, weights } = coreRun(drawn);
  await expect(page.locator('.picture-class')).toHaveText(summary.vision.prediction.top[0].label);
  expect(await scores(page)).toEqual(expected(summary));
  // The heatmap's table: the [CLS] row of layer 1, head 1 as the core has it.
  const table = await readWeightTable(page);
  const keys = summary.sequences[0].tokens.length;
  expect(table.columns.slice(0, 3)).toEqual(['[CLS]', 'r0c0', 'r0c1']);
  expect(table.rows[0]).toBe('[CLS]');
  table.cells[0].forEach((cell, k) => expect(Math.abs(shown(cell) - weights[k])).toBeLessThan(0.006));
  // The picture view: every patch's colour is its weight on viridis (0 to 1), 70% over the picture.
  expectPainted(view, drawn, weights.subarray(0, keys), summary.vision.patches);
  return { summary, view };
}

test('digits-vit by name: a stroke changes the prediction and the picture view, both as the core computes them', async ({ page }) => {
  test.skip(!VIT, 'the catalog lists no trained vision model');
  await openVit(page);
  await expect(page.locator('.model-description, .ap-model')).toContainText('trained here');
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('Where [CLS] looks · layer 1, head 1');
  const before = await matchesCore(page);
  await screenshot(page, 'vision-desktop', { fullPage: true });

  // A stroke across the example: the pointer's path, as a finger or a mouse draws it.
  const box = await page.locator('.picture-canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 12; i += 1) await page.mouse.move(box.x + box.width * (0.15 + 0.06 * i), box.y + box.height * (0.5 - 0.02 * i));
  await page.mouse.up();
  await expect.poll(async () => JSON.stringify((await canvases(page)).view)).not.toBe(JSON.stringify(before.view));
  const after = await matchesCore(page);
  expect(after.summary.vision.prediction.top).not.toEqual(before.summary.vision.prediction.top);

  // Arrow keys move the query from [CLS] onto the patches.
  await page.locator('.picture-view').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('Where r0c0 looks · layer 1, head 1');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('Where r1c0 looks · layer 1, head 1');
  await page.keyboard.press('Home');
  await expect(page.locator('.picture-attention > .picture-view-title')).toHaveText('Where [CLS] looks · layer 1, head 1');

  // The other views list the patches by row and column.
  for (const [tab, name] of [['Lines', 'lines'], ['Heads', 'heads'], ['Step by step', 'player']]) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.locator(`.panel-${name}`)).toContainText('r0c0');
    await screenshot(page, `vision-${name}-desktop`, { fullPage: true });
  }
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'vision-phone', { fullPage: true });
});

test('a picture dropped on the canvas is read; a file that is not a picture and one too large get their notes', async ({ page }) => {
  test.skip(!VIT, 'the catalog lists no trained vision model');
  await openVit(page);
  const before = await matchesCore(page);
  /** Drops a picture the page draws itself (a 7 on a wide white canvas, or any size) as a PNG file. */
  const drop = (wide, high, name) => page.evaluate(async (file) => {
    const { width, height } = file;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = Math.max(2, height / 10);
    ctx.beginPath();
    ctx.moveTo(width * 0.3, height * 0.2);
    ctx.lineTo(width * 0.7, height * 0.2);
    ctx.lineTo(width * 0.45, height * 0.85);
    ctx.stroke();
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], file.name, { type: 'image/png' }));
    const pad = document.querySelector('.picture-pad');
    for (const type of ['dragover', 'drop']) pad.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { width: wide, height: high, name });

  await drop(120, 80, 'seven.png');
  await expect.poll(async () => JSON.stringify((await canvases(page)).view)).not.toBe(JSON.stringify(before.view));
  const dropped = await matchesCore(page);
  expect(dropped.summary.vision.prediction.top[0].label).toBe('7');
  await expect(page.locator('.picture-note')).toBeHidden();
  // Dropped on the canvas, the file is a picture, not a model: the model stays.
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'vision');

  await page.locator('.picture-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
  await expect(page.locator('.picture-note')).toHaveText('notes.txt is not a picture (text/plain): open a PNG, JPEG, GIF or WebP file, or draw on the canvas.');

  const wide = CORE_LIMITS.maxImageSide + 1;
  await drop(wide, 8, 'banner.png');
  await expect(page.locator('.picture-note')).toHaveText(`banner.png is ${wide} × 8 pixels: each side may be at most ${CORE_LIMITS.maxImageSide}. Shrink it first.`);
  // Refused pictures leave the canvas as it was.
  await matchesCore(page);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.locator('.picture-note')).toBeHidden();
});
