// What typing costs the page: the focused query's breakdown (megabytes at 512 tokens) comes from
// the worker only while the player is open (or a clip is recorded), watched on the worker's own
// messages; the SVG heatmap draws its cells as one path per colour level, with the same colours
// as the core's weights (read back from the pixels on screen); the canvas beyond 128 tokens
// labels every k-th token on both axes and the focused query. Screenshots at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { checkEveryPage, screenshot, TOY_PAGE, DEFAULT_CONFIG } from './page-helpers.js';

const checked = checkEveryPage();

/** Records, for every answer of a playground's worker, its type and whether it carried a breakdown. */
async function watchWorker(page) {
  await page.addInitScript(() => {
    const answers = [];
    window.__answers = answers;
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => answers.push({ type: event.data?.type, breakdown: Boolean(event.data?.breakdown) }));
      }
    };
  });
}

const answers = (page) => page.evaluate(() => window.__answers.splice(0));
const words = (n) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

test('the breakdown comes only while the player is open, and for a clip recorded from the heatmap', async ({ page }) => {
  await watchWorker(page);
  await page.goto(`${TOY_PAGE}&text=${encodeURIComponent('the cat sat on the mat')}`);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(6);
  const box = page.getByRole('textbox', { name: 'Sentence', exact: true });
  await box.press('End');
  await box.type(' today');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(7);
  await page.locator('.ap-strip .token-chip').nth(3).click();
  await expect(page.locator('.query-row-title')).toHaveText('Where ‘on’ looks');
  let seen = await answers(page);
  expect(seen.filter((a) => a.type === 'run').length).toBeGreaterThan(0);
  expect(seen.filter((a) => a.breakdown), JSON.stringify(seen)).toEqual([]);

  await page.getByRole('tab', { name: 'Step by step' }).click();
  await expect(page.locator('.numbers-table tbody tr').first()).toBeVisible();
  seen = await answers(page);
  expect(seen).toContainEqual({ type: 'breakdown', breakdown: true });
  // In the player, typing brings the breakdown with the run.
  await box.type('s');
  await expect(page.locator('.numbers-table tbody tr').first()).toBeVisible();
  await expect.poll(async () => (seen = [...seen, ...(await answers(page))]).some((a) => a.type === 'run' && a.breakdown)).toBe(true);

  // Back on the heatmap, a clip still has its numbers: the breakdown is fetched for it.
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await box.type('!');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(8);
  await answers(page);
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  const clip = dialog.getByRole('button', { name: 'Record clip' });
  test.skip(await clip.isDisabled(), 'this browser records no video');
  await clip.click();
  await expect(dialog.getByRole('status')).toHaveText(/Saved attention-steps-.*\.(webm|mp4)/, { timeout: 60_000 });
  expect(await answers(page)).toContainEqual({ type: 'breakdown', breakdown: true });
});

test('the SVG heatmap: one path per colour level, each cell the core’s weight on screen; the table stays', async ({ page }) => {
  const text = words(40);
  await page.goto(`${TOY_PAGE}&text=${encodeURIComponent(text)}&q=7`);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(40);
  const drawn = await page.locator('.heatmap-svg').evaluate((svg) => ({ rects: svg.querySelectorAll('g > rect:not(.heatmap-backdrop):not(.row-mark):not(.cell-mark)').length, paths: svg.querySelectorAll('path').length }));
  expect(drawn.rects).toBe(0);
  expect(drawn.paths).toBeGreaterThan(5);
  expect(drawn.paths).toBeLessThanOrEqual(257);
  // Read cells back from the screen: each is the viridis colour of the core's weight, to a level.
  const session = new checked.core.Session();
  let weights;
  try {
    session.run({ source: 'toy', config: DEFAULT_CONFIG, text, vectors: false });
    weights = session.weights(0, 0);
  } finally {
    session.free();
  }
  const { viridis } = await import('../../www/src/colors.js');
  const backdrop = await page.locator('.heatmap-svg .heatmap-backdrop').boundingBox();
  const shot = await page.screenshot({ clip: backdrop });
  const png = await page.evaluate(async (bytes) => {
    const image = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return { width: image.width, height: image.height, data: [...context.getImageData(0, 0, image.width, image.height).data] };
  }, [...shot]);
  const cell = png.width / 40;
  for (const [q, k] of [[0, 0], [7, 3], [20, 31], [39, 39], [12, 5]]) {
    const x = Math.floor((k + 0.5) * cell);
    const y = Math.floor((q + 0.5) * cell);
    const at = (y * png.width + x) * 4;
    const expected = viridis(weights[q * 40 + k]);
    const got = png.data.slice(at, at + 3);
    expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i]))), `cell ${q}, ${k}`).toBeLessThanOrEqual(4);
  }
  await screenshot(page, 'drawing-svg-40');
});

test('beyond 128 tokens the canvas labels every k-th token and the focused query', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&text=${encodeURIComponent(words(200))}&q=77`);
  await expect(page.locator('.heatmap-canvas')).toBeVisible();
  // Every k-th token, k chosen for the room the map has: its labels stay at least 14 px apart.
  const caption = await page.locator('.heatmap-canvas-frame .axis-caption').textContent();
  const k = Number(/every (\d+)(st|nd|rd|th) token labelled/.exec(caption)?.[1]);
  expect(k).toBeGreaterThan(1);
  await expect(page.locator('.canvas-key:not(.thinned)')).toHaveCount(Math.ceil(200 / k));
  await expect(page.locator('.canvas-key:not(.thinned)').nth(1)).toHaveText(`w${k}`);
  await expect(page.locator('.canvas-query:not(.thinned)')).toHaveCount(Math.ceil(200 / k));
  const lefts = await page.locator('.canvas-key:not(.thinned)').evaluateAll((labels) => labels.map((l) => l.getBoundingClientRect().left));
  expect(Math.min(...lefts.slice(1).map((x, i) => x - lefts[i]))).toBeGreaterThanOrEqual(13);
  await expect(page.locator('.canvas-query.current')).toHaveText('w77');
  await expect(page.locator('.canvas-query.current')).toBeVisible();
  // The labels sit at their rows: a kept label's middle is where its row of the canvas is.
  const row = k * Math.floor(100 / k);
  const canvas = await page.locator('.heatmap-canvas').boundingBox();
  const label = await page.locator('.canvas-query', { hasText: new RegExp(`^w${row}$`) }).boundingBox();
  expect(Math.abs(label.y + label.height / 2 - (canvas.y + ((row + 0.5) / 200) * canvas.height))).toBeLessThan(2);
  await screenshot(page, 'drawing-canvas-200', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('.heatmap-canvas').scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'drawing-canvas-200-phone', { fullPage: true });
});
