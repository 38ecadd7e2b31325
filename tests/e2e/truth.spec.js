// The page tells the truth at a glance: it opens on a trained model and labels the toy wherever
// its weights appear (above the views, in the legend, in every export); colours and bars are on
// a fixed scale from 0 to 1 unless the reader stretches them, and the focused row's entropy is
// shown; each setting explains itself for the choice made (scaling per score function, no causal
// mask in cross-attention, key/value heads that follow the heads); a link with one bad setting
// keeps the rest; long inputs keep thinned labels and the focused query's lines; a phone
// scrolls the tabs. Screenshots at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot, TOY_PAGE } from './page-helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HAS_MINILM = existsSync(path.join(repo, 'models', 'all-MiniLM-L6-v2', 'config.json'));
const TOY_WARNING = 'random projections: shows the mechanism, not meaning';

checkEveryPage();

const sourceLine = (page) => page.locator('.ap-source-line');
const legend = (page) => page.locator('.heatmap-legend');
const modelSelect = (page) => page.getByRole('combobox', { name: 'Computed by' });

/** The text of a download started by clicking `button` in the export dialog. */
async function exported(page, format) {
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: format, exact: true }).click()]);
  const text = await download.createReadStream().then(async (stream) => {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  });
  await page.keyboard.press('Escape');
  return text;
}

test('an empty link opens on a trained model; the toy is one click away and labelled wherever it shows', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  await page.goto('/');
  await expect(page.locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
  await expect(sourceLine(page)).toContainText(/^Computed by all-MiniLM-L6-v2, pretrained encoder, F(32|16) weights/);
  await expect(sourceLine(page)).not.toContainText('not meaning');
  await expect(legend(page).locator('.legend-model')).toHaveText(/^all-MiniLM-L6-v2, pretrained encoder/);
  await screenshot(page, 'truth-opening-trained');
  await modelSelect(page).selectOption('toy');
  await expect(page.locator('.ap')).toHaveAttribute('data-computing', 'toy');
  await expect(sourceLine(page)).toContainText(`Toy model, ${TOY_WARNING}`);
  await expect(legend(page).locator('.legend-model.toy')).toHaveText(`toy model, ${TOY_WARNING}`);
  await expect(sourceLine(page).getByRole('button', { name: 'Use a trained model' })).toBeVisible();
  await screenshot(page, 'truth-toy-labelled');
  await sourceLine(page).getByRole('button', { name: 'Use a trained model' }).click();
  await expect(page.locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 60_000 });
});

test('the toy’s exports say so: SVG caption and CSV corner, with the scale and the settings', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&temp=5&causal=1`);
  await expect(sourceLine(page)).toContainText(TOY_WARNING);
  await expect(sourceLine(page)).toContainText('temperature 5 · causal mask');
  const svg = await exported(page, 'SVG');
  expect(svg).toContain(TOY_WARNING);
  expect(svg).toContain('temperature 5');
  expect(svg).toContain('causal mask');
  expect(svg).toContain('colour scale 0 to 1');
  expect(svg).toContain('queries ↓ / keys →');
  // The outlined row is the first query, which the causal mask leaves one key: nothing to spread.
  expect(svg).toContain('‘The’: entropy 0.00 bits; at most log₂ 1 = 0.00');
  const csv = await exported(page, 'CSV');
  expect(csv.split('\r\n')[0]).toContain(`query \\ key (head 1 of 4 · toy model, ${TOY_WARNING} · dot-product scores × 1/√d_k · temperature 5 · causal mask)`);
});

test('colours and bars are absolute by default: at temperature 5 nothing is bright; stretching says so', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&temp=5&q=7`);
  await expect(legend(page).locator('.legend-tick').last()).toHaveText('1.000');
  await expect(legend(page).locator('.legend-scale')).toHaveText('fixed scale, 0 to 1');
  // The widest bar is its weight out of 1: under a fifth of the track at temperature 5.
  const widths = await page.locator('.query-row-bars .bar').evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width / (bar.parentElement?.getBoundingClientRect().width ?? 1)));
  expect(Math.max(...widths)).toBeLessThan(0.25);
  await expect(page.locator('.query-row-entropy')).toHaveText(/^Entropy 3\.\d\d bits; at most log₂ 12 = 3\.58, when every key gets the same$/);
  await screenshot(page, 'truth-absolute-scale');
  await page.getByRole('checkbox', { name: 'Stretch colours to the largest weight' }).check();
  await expect(page).toHaveURL(/stretch=1/);
  await expect(legend(page).locator('.legend-scale.stretched')).toHaveText(/^stretched: brightest is the largest weight, 0\.\d{3}$/);
  const stretched = await page.locator('.query-row-bars .bar').first().evaluate((bar) => bar.getBoundingClientRect().width / (bar.parentElement?.getBoundingClientRect().width ?? 1));
  expect(stretched).toBeGreaterThan(0.99);
  await screenshot(page, 'truth-stretched-scale');
  await page.getByRole('tab', { name: 'Heads' }).click();
  await expect(page.getByRole('checkbox', { name: 'Stretch colours to the largest weight' })).toBeChecked();
  await expect(page.locator('.panel-heads .view-note')).toContainText('stretched so that the largest weight of them all is the brightest');
  await page.getByRole('tab', { name: 'Lines' }).click();
  await expect(page.locator('.lines-strength')).toHaveText(/^Line strength is stretched/);
  await page.locator('.panel-lines').getByRole('checkbox', { name: 'Stretch colours to the largest weight' }).uncheck();
  await expect(page.locator('.lines-strength')).toHaveText(/^Line strength is the weight out of 1/);
  await expect(page).not.toHaveURL(/stretch=1/);
});

test('each setting explains itself for the choice made', async ({ page }) => {
  await page.goto(TOY_PAGE);
  const scale = page.getByRole('checkbox', { name: 'Scale by 1/√d_k' });
  const scaleHint = page.locator('.field', { has: scale }).locator('.field-hint');
  const score = page.getByRole('combobox', { name: 'Score' });
  await expect(scale).toBeChecked();
  await expect(scaleHint).toHaveText('Scale by 1/√d_k keeps scores from growing with d_k.');
  await score.selectOption('cosine');
  await expect(scale).not.toBeChecked();
  await expect(scaleHint).toContainText('[−1, 1]');
  await expect(scaleHint).toContainText('Lower the temperature');
  await expect(sourceLine(page)).toContainText('cosine scores, not scaled');
  await score.selectOption('additive');
  await expect(scale).not.toBeChecked();
  await expect(scaleHint).toContainText('‖v‖₁');
  await score.selectOption('general');
  await expect(scale).toBeChecked();

  const causal = page.getByRole('checkbox', { name: 'Causal' });
  await causal.check();
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('cross');
  await expect(causal).toBeDisabled();
  await expect(causal).not.toBeChecked();
  await expect(page.locator('.field', { has: causal }).locator('.field-hint')).toContainText('Not in cross-attention');
  await expect(sourceLine(page)).toContainText('no mask');
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('self');
  await expect(causal).toBeEnabled();

  const kv = page.getByRole('spinbutton', { name: 'Key/value heads' });
  await expect(kv).toHaveValue('4');
  await page.getByRole('spinbutton', { name: 'Heads', exact: true }).fill('2');
  await expect(kv).toHaveValue('2');
  await expect(page.locator('.field', { has: kv }).locator('.field-hint')).toHaveText('Now 2: 4 key/value heads do not divide 2 heads.');
  await expect(page.locator('.head-tile')).toHaveCount(0);
  await expect(page.locator('.ap-status')).toContainText('2 heads');
  await page.setViewportSize({ width: 1280, height: 1300 });
  await screenshot(page, 'truth-settings', { fullPage: true });
});

test('a link with one setting the core refuses keeps the others and names the one', async ({ page }) => {
  await page.goto(`/#v=1&model=toy&text=${encodeURIComponent('The cat sat on the mat')}&causal=1&h=2`);
  await expect(page.locator('.weight-table tbody th')).toHaveText(['The', 'cat', 'sat', 'on', 'the', 'mat']);
  await expect(sourceLine(page)).toContainText('causal mask');
  await expect(page.locator('.ap-notes .note')).toHaveCount(0);
  await page.goto(`/#v=1&model=toy&text=${encodeURIComponent('The cat sat on the mat')}&causal=1&d=12&h=5`);
  await expect(page.locator('.ap-notes .note-warn')).toContainText('defaults stand in for them: h (');
  await expect(page.locator('.weight-table tbody th')).toHaveText(['The', 'cat', 'sat', 'on', 'the', 'mat']);
  await expect(sourceLine(page)).toContainText('causal mask');
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toHaveValue('12');
});

test('long inputs keep thinned labels, axis titles and the focused query’s lines; the phone scrolls the tabs', async ({ page }) => {
  const words = Array.from({ length: 90 }, (_, i) => `w${i}`).join(' ');
  await page.goto(`${TOY_PAGE}&text=${encodeURIComponent(words)}&q=40`);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(90);
  const labels = page.locator('.heatmap-svg .axis-query:not(.thinned)');
  const count = await labels.count();
  expect(count).toBeGreaterThan(10);
  expect(count).toBeLessThan(90);
  await expect(page.locator('.heatmap-svg .axis-query.current')).toHaveText('w40');
  await expect(page.locator('.heatmap-svg .axis-title')).toHaveText(['keys →', 'queries ↓']);
  await screenshot(page, 'truth-long-heatmap');
  await page.getByRole('tab', { name: 'Lines' }).click();
  await expect(page.locator('.panel-lines .view-note')).toContainText('these are the lines of the focused query ‘w40’');
  expect(await page.locator('.lines-svg line').count()).toBeGreaterThan(0);
  await screenshot(page, 'truth-long-lines');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${TOY_PAGE}&text=${encodeURIComponent('aaa banana')}&tok=chars`);
  await expect(page.locator('.token-chip').first()).toContainText('a');
  await expect(page.locator('.token-chip sub').first()).toHaveText('0');
  // The bars of the focused row tell the a's apart by their positions too.
  await expect(page.locator('.query-row-bars .bar-label', { hasText: /^a\d+$/ })).toHaveCount(6);
  await expect(page.locator('.heatmap-svg .axis-query', { hasText: /^a\d+$/ })).toHaveCount(6);
  await expect(page.locator('.query-row-title')).toHaveText('Where ‘a’₀ looks');
  const tabs = page.locator('.ap-tabs');
  const overflow = await tabs.evaluate((list) => ({ scroll: list.scrollWidth, client: list.clientWidth, style: getComputedStyle(list).overflowX }));
  expect(overflow.style).toBe('auto');
  await page.getByRole('tab', { name: 'Step by step' }).scrollIntoViewIfNeeded();
  await expect(page.getByRole('tab', { name: 'Step by step' })).toBeInViewport();
  await screenshot(page, 'truth-phone-heatmap', { fullPage: true });
});

test('every view touched, at 1280 and 390 px; on a phone the settings open as a sheet', async ({ page }) => {
  await page.goto(`${TOY_PAGE}&q=7`);
  await expect(sourceLine(page)).toContainText(TOY_WARNING);
  for (const [tab, name] of [['Lines', 'lines'], ['Heads', 'heads']]) {
    await page.getByRole('tab', { name: tab }).click();
    await screenshot(page, `truth-${name}-1280`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [tab, name] of [['Heatmap', 'heatmap'], ['Lines', 'lines'], ['Heads', 'heads']]) {
    await page.getByRole('tab', { name: tab }).click();
    await page.locator('.ap-source-line').scrollIntoViewIfNeeded();
    await screenshot(page, `truth-${name}-390`);
  }
  // Every tab fits the phone's width.
  for (const tab of await page.getByRole('tab').all()) await expect(tab).toBeInViewport({ ratio: 1 });
  await expect(page.locator('.ap-controls')).toBeHidden();
  const open = page.getByRole('button', { name: 'Settings…' });
  await open.click();
  await expect(page.locator('.ap-controls')).toBeVisible();
  await expect(page.locator('.ap-controls')).toBeInViewport();
  await expect(open).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('button', { name: 'Done' })).toBeFocused();
  await screenshot(page, 'truth-settings-sheet-390');
  await page.keyboard.press('Escape');
  await expect(page.locator('.ap-controls')).toBeHidden();
  await expect(open).toBeFocused();
});
