// The playground page in a real browser, under the strict Content-Security-Policy the
// server sends: typed text → the core's numbers, the player, the URL, the keyboard, hostile
// input, and screenshots of every view.
import { test, expect } from '@playwright/test';
import { DEFAULT_CONFIG, checkEveryPage, readWeightTable, screenshot, shown, toyRun, TOY_PAGE } from './page-helpers.js';

const DEFAULT_TEXT = "The animal didn't cross the street because it was too tired.";

const checked = checkEveryPage();

const sentenceBox = (page) => page.getByRole('textbox', { name: 'Sentence', exact: true });
const tokenChips = (page) => page.locator('.token-chip');

/** The core's run of a text with a configuration, computed in this process. */
function reference(text, config = DEFAULT_CONFIG, crossText = undefined) {
  const run = toyRun(checked.core, config, text, crossText);
  return { session: run.session, summary: run };
}

/** Waits until the table shows the tokens of `summary`. */
async function waitForTable(page, summary) {
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(summary.queryTokens.length);
  await expect(page.locator('.weight-table tbody th')).toHaveText(summary.queryTokens.map((t) => t.text));
}

test('a typed sentence gives n×n weights whose rows sum to 1 and equal the core', async ({ page }) => {
  await page.goto(TOY_PAGE);
  const text = 'The cat sat on the mat because it was warm';
  await sentenceBox(page).fill(text);
  const { session, summary } = reference(text);
  await waitForTable(page, summary);
  const table = await readWeightTable(page);
  const n = summary.queryTokens.length;
  expect(table.columns).toEqual(summary.keyTokens.map((t) => t.text));
  expect(table.cells).toHaveLength(n);
  const weights = session.weights(0, 0);
  table.cells.forEach((row, i) => {
    expect(row).toHaveLength(n);
    const sum = row.reduce((total, cell) => total + shown(cell), 0);
    expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-3 * n);
    row.forEach((cell, j) => expect(cell).toBe(weights[i * n + j].toFixed(3)));
  });
});

test('the player steps through a query and shows the core’s numbers at every stage', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await page.getByRole('tab', { name: 'Step by step' }).click();
  const query = 7; // ‘it’
  await tokenChips(page).nth(query).click();
  const { session, summary } = reference(DEFAULT_TEXT);
  const b = session.breakdown(0, 0, query);
  const keys = b.scores.length;
  await page.getByRole('slider', { name: 'Step within this query' }).fill('0');
  const formula = page.locator('.story-formula');
  const rows = { score: b.scores, scale: b.scaled, mask: b.masked, exp: b.exp, normalise: b.weights };
  /** Shown numbers are rounded to 3 decimals (or 3 significant digits when tiny). */
  const close = (text, value) => {
    const number = shown(text);
    if (value === -Infinity) return number === -Infinity;
    return Math.abs(number - value) <= 5e-4 + 1e-6 || Math.abs(number - value) <= Math.abs(value) * 5e-3;
  };
  const last = (text) => text.split(' = ').at(-1);
  const expectedStages = [
    'query', 'key', 'value', ...Array(keys).fill('score'), 'scale', 'mask', 'exp', 'normalise', ...Array(keys).fill('weigh'), 'output', 'combine',
  ];
  const firstScore = 3;
  for (let step = 0; step < expectedStages.length; step += 1) {
    const stage = expectedStages[step];
    await expect(formula).toHaveAttribute('data-stage', stage);
    const key = Number(await formula.getAttribute('data-key'));
    const text = await formula.getAttribute('data-text');
    expect(text).not.toMatch(/NaN|undefined/);
    if (stage === 'score') {
      expect(key).toBe(step - firstScore);
      expect(close(last(text), b.scores[key])).toBe(true);
      const cell = page.locator(`.numbers-table td[data-stage="score"][data-key="${key}"]`);
      expect(close(await cell.textContent(), b.scores[key])).toBe(true);
    } else if (stage in rows) {
      const values = rows[stage];
      const cells = await page.locator(`.numbers-table td[data-stage="${stage}"]`).allTextContents();
      expect(cells).toHaveLength(keys);
      cells.forEach((cell, j) => expect(close(cell, values[j]), `${stage} key ${j}: ${cell} vs ${values[j]}`).toBe(true));
      if (stage === 'normalise') expect(cells).toEqual(Array.from(values, (v) => v.toFixed(3)));
      if (values[key] !== -Infinity) expect(close(last(text), values[key])).toBe(true);
    } else if (stage === 'weigh') {
      expect(key).toBe(step - firstScore - keys - 4);
      expect(text).toContain(b.weights[key].toFixed(3));
      await expect(page.locator('.player-story [aria-live]')).toHaveText(
        `‘it’ gives ${b.weights[key].toFixed(3)} of its attention to ‘${summary.keyTokens[key].text}’.`,
      );
    } else if (stage === 'output') {
      const entries = last(text).replace(/[[\]⋯]/g, '').split(',').map((e) => e.trim()).filter(Boolean);
      entries.forEach((entry, d) => expect(close(entry, b.output[d])).toBe(true));
    }
    if (step === firstScore + keys + 3) await screenshot(page, 'player-softmax', { fullPage: true });
    if (step < expectedStages.length - 1) await page.getByRole('button', { name: 'Step forward' }).click();
  }
  // Past the last stage the player moves on to the next query: the matrix fills row by row.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(tokenChips(page).nth(query + 1)).toHaveAttribute('aria-pressed', 'true');
  await expect(formula).toHaveAttribute('data-stage', 'query');
});

test('the URL holds the whole state and reproduces it', async ({ page, context }) => {
  await page.goto(TOY_PAGE);
  await sentenceBox(page).fill('Colourless green ideas sleep furiously');
  await page.getByRole('spinbutton', { name: 'Heads', exact: true }).fill('2');
  await page.getByRole('spinbutton', { name: 'Key/value heads' }).fill('1');
  await page.getByRole('combobox', { name: 'Score' }).selectOption('cosine');
  await page.getByRole('checkbox', { name: 'Causal' }).check();
  await page.getByRole('combobox', { name: 'Positions' }).selectOption('rope');
  await tokenChips(page).nth(3).click();
  await page.getByRole('tab', { name: 'Lines' }).click();
  await expect(page).toHaveURL(/view=lines/);
  await expect(page).toHaveURL(/q=3/);
  const url = page.url();
  expect(url).toMatch(/#v=1&/);
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByRole('tab', { name: 'Lines' })).toHaveAttribute('aria-selected', 'true');
  await expect(other.getByRole('spinbutton', { name: 'Heads', exact: true })).toHaveValue('2');
  await expect(other.getByRole('checkbox', { name: 'Causal' })).toBeChecked();
  await expect(sentenceBox(other)).toHaveValue('Colourless green ideas sleep furiously');
  await expect(tokenChips(other).nth(3)).toHaveAttribute('aria-pressed', 'true');
  await other.waitForTimeout(400);
  expect(other.url()).toBe(url);
  await other.getByRole('tab', { name: 'Heatmap' }).click();
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  expect(await readWeightTable(other)).toEqual(await readWeightTable(page));
  const { summary, session } = reference('Colourless green ideas sleep furiously', {
    // Cosine scores are not scaled unless the reader says so.
    ...DEFAULT_CONFIG, heads: 2, kvHeads: 1, score: 'cosine', scale: false, masks: [{ kind: 'causal' }], positions: 'rope',
  });
  const n = summary.queryTokens.length;
  const weights = session.weights(0, 0);
  const table = await readWeightTable(other);
  table.cells.forEach((row, i) => row.forEach((cell, j) => {
    expect(cell).toBe(j > i ? 'masked' : weights[i * n + j].toFixed(3));
  }));
  await other.close();
});

test('a hostile or malformed link falls back to defaults with a visible note', async ({ page }) => {
  await page.goto('/#v=1&h=zz&d=-4&score=%22%3E%3Cimg%20src%3Dx%3E&text=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
  await expect(page.locator('.ap-notes .note-warn')).toContainText('could not be used');
  await expect(page.getByRole('spinbutton', { name: 'Heads', exact: true })).toHaveValue('4');
  await expect(page.getByRole('combobox', { name: 'Score' })).toHaveValue('dot');
  // d = −4 is clamped to 2, which 4 heads cannot divide: the core refuses, so d_model alone goes
  // back to its default and the note names it; the hostile text stays, as text.
  await expect(page.locator('.ap-notes .note-warn')).toContainText('d (d_model 2 is not divisible by 4 heads');
  await expect(page.getByRole('spinbutton', { name: 'd_model' })).toHaveValue('64');
  await expect(sentenceBox(page)).toHaveValue('<img src=x onerror=alert(1)>');
  await expect(page.locator('img')).toHaveCount(0);
  // A readable link with hostile text: the text is kept, as text.
  await page.goto('/#v=1&h=zz&text=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
  await expect(page.locator('.ap-notes .note-warn')).toContainText('h “zz” is not a whole number');
  await expect(sentenceBox(page)).toHaveValue('<img src=x onerror=alert(1)>');
  await expect(page.locator('.token-chip').first()).toHaveText('<');
  await expect(page.locator('img')).toHaveCount(0);
  // A link pasted into an open page is read as well (a same-document navigation).
  await page.goto('/#v=9&nonsense');
  await expect(page.locator('.ap-notes .note-warn')).toContainText('version');
  await expect(sentenceBox(page)).toHaveValue(DEFAULT_TEXT);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
});

test('a configuration the core refuses is explained next to its control; the last view stays', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  const before = await readWeightTable(page);
  await page.getByRole('spinbutton', { name: 'Heads', exact: true }).fill('5');
  await expect(page.locator('.field-error').filter({ hasText: 'not divisible by 5 heads' })).toBeVisible();
  await expect(page.locator('.ap-status')).toContainText('last valid settings');
  expect(await readWeightTable(page)).toEqual(before);
  await page.getByRole('spinbutton', { name: 'Heads', exact: true }).fill('8');
  await expect(page.locator('.field-error').filter({ hasText: 'heads' })).toHaveCount(0);
});

test('keyboard only: tab to the controls, arrows move the query, space plays and pauses', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  // The header's two modes come first, then the playground.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Explore attention' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Train a model' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(sentenceBox(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(tokenChips(page).first()).toBeFocused();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(tokenChips(page).nth(2)).toHaveAttribute('aria-pressed', 'true');
  await expect(tokenChips(page).nth(2)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(tokenChips(page).nth(3)).toHaveAttribute('aria-pressed', 'true');
  // Tab on to the view tabs and pick the player with the arrow keys.
  for (let i = 0; i < 40 && !(await page.evaluate(() => document.activeElement?.getAttribute('role') === 'tab')); i += 1) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Step by step' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Step by step' })).toBeFocused();
  // Into the player: the matrix takes the arrow keys, space plays and pauses.
  await page.keyboard.press('Tab');
  await expect(page.locator('.panel-player .heatmap-figure')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(tokenChips(page).nth(4)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Space');
  await expect(page.locator('.play-button')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.player-position')).not.toHaveText('step 1 of 33');
  await page.keyboard.press('Space');
  await expect(page.locator('.play-button')).toHaveAttribute('aria-pressed', 'false');
  const stopped = await page.locator('.player-position').textContent();
  await page.waitForTimeout(900);
  await expect(page.locator('.player-position')).toHaveText(stopped);
  // Tab reaches every settings control.
  for (let i = 0; i < 60 && !(await page.getByRole('combobox', { name: 'Mode' }).evaluate((e) => e === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await expect(page.getByRole('combobox', { name: 'Mode' })).toBeFocused();
  await screenshot(page, 'keyboard-focus');
});

test('typed markup stays text', async ({ page }) => {
  await page.goto(TOY_PAGE);
  const hostile = '<img src=x onerror=alert(1)>';
  await sentenceBox(page).fill(hostile);
  const { summary } = reference(hostile);
  await waitForTable(page, summary);
  await expect(tokenChips(page)).toHaveText(summary.queryTokens.map((t) => t.text));
  await expect(page.locator('img')).toHaveCount(0);
  for (const view of ['Lines', 'Heads', 'Step by step']) {
    await page.getByRole('tab', { name: view }).click();
    await expect(page.locator('img')).toHaveCount(0);
  }
  expect(checked.watch.problems).toEqual([]);
});

test('a 100,000-character paste stays responsive and says which limits applied', async ({ page }) => {
  await page.goto(TOY_PAGE);
  const words = ['attention', 'is', 'all', 'you', 'need', 'said', 'the', 'paper'];
  let text = '';
  for (let i = 0; text.length < 100_000; i += 1) text += `${words[i % words.length]} `;
  text = text.slice(0, 100_000);
  await sentenceBox(page).focus();
  await page.evaluate((value) => {
    const area = /** @type {HTMLTextAreaElement} */ (document.activeElement);
    const data = new DataTransfer();
    data.setData('text/plain', value);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    area.value = value;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
  await expect(page.locator('.note-info').first()).toContainText('Only the first 20,000 of 100,000 characters');
  await expect(page.locator('.note-info').nth(1)).toContainText('Showing the first 1,024 of');
  await expect(page.locator('.heatmap-canvas')).toBeVisible();
  await expect(tokenChips(page)).toHaveCount(1024);
  // Still responsive: typing more, switching views and moving the query all answer.
  await page.getByRole('tab', { name: 'Heads' }).click();
  await expect(page.locator('.head-tile')).toHaveCount(4);
  await page.getByRole('tab', { name: 'Lines' }).click();
  await expect(page.locator('.panel-lines .view-note')).toContainText('up to 256 tokens');
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await page.locator('.panel-heatmap .heatmap-figure').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.panel-heatmap .heatmap-readout')).toContainText('→');
  await screenshot(page, 'heatmap-1024-tokens', { fullPage: false });
  await sentenceBox(page).fill('Short again.');
  await expect(page.locator('.note-info')).toHaveCount(0);
});

test('cross-attention takes keys and values from the second text', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('cross');
  const second = page.getByRole('textbox', { name: 'Keys and values from' });
  await expect(second).toBeVisible();
  await second.fill('Le chat dort');
  const { summary, session } = reference(DEFAULT_TEXT, { ...DEFAULT_CONFIG, mode: 'cross' }, 'Le chat dort');
  await waitForTable(page, summary);
  await expect(page.locator('.weight-table thead th')).toHaveText(['Le', 'chat', 'dort']);
  const table = await readWeightTable(page);
  expect(table.columns).toEqual(['Le', 'chat', 'dort']);
  const weights = session.weights(0, 0);
  table.cells.forEach((row, i) => row.forEach((cell, j) => expect(cell).toBe(weights[i * 3 + j].toFixed(3))));
});

test('screenshots of every view, light and dark, wide and narrow', async ({ page }) => {
  await page.goto('/#v=1&q=7');
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  await page.locator('.panel-heatmap .heatmap-figure').hover({ position: { x: 200, y: 160 } });
  await screenshot(page, 'view-heatmap', { fullPage: true });
  await page.getByRole('tab', { name: 'Lines' }).click();
  await page.locator('.lines-queries .lines-token').nth(7).click();
  await screenshot(page, 'view-lines', { fullPage: true });
  await page.getByRole('tab', { name: 'Heads' }).click();
  await screenshot(page, 'view-heads', { fullPage: true });
  await page.getByRole('tab', { name: 'Step by step' }).click();
  await page.getByRole('button', { name: 'Score' }).click();
  for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Step forward' }).click();
  await screenshot(page, 'view-player', { fullPage: true });
  await page.getByRole('button', { name: 'Softmax' }).click();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.getByRole('tab', { name: 'Step by step' }).focus();
  await page.getByRole('tab', { name: 'Step by step' }).blur();
  await screenshot(page, 'overview');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'view-player-dark', { fullPage: true });
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  await screenshot(page, 'view-heatmap-dark', { fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'view-heatmap-phone', { fullPage: true });
});

test('clicking heatmap cells builds a custom mask that the core applies', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await expect(page.locator('.weight-table tbody tr')).toHaveCount(12);
  await page.getByRole('checkbox', { name: 'Click heatmap cells to mask them' }).check();
  await page.locator('.panel-heatmap .heatmap-figure').scrollIntoViewIfNeeded();
  const grid = await page.locator('.panel-heatmap .heatmap-backdrop').boundingBox();
  const cell = grid.width / 12;
  await page.mouse.click(grid.x + 2.5 * cell, grid.y + 1.5 * cell);
  await expect(page).toHaveURL(/cells=1\.2(&|$)/);
  await expect(page.getByText('1 cell masked.')).toBeVisible();
  const { session } = reference(DEFAULT_TEXT, { ...DEFAULT_CONFIG, masks: [{ kind: 'custom', blocked: [[1, 2]] }] });
  const weights = session.weights(0, 0);
  await expect.poll(async () => (await readWeightTable(page)).cells[1][2]).toBe('masked');
  const table = await readWeightTable(page);
  table.cells.forEach((row, i) => row.forEach((value, j) => {
    expect(value).toBe(i === 1 && j === 2 ? 'masked' : weights[i * 12 + j].toFixed(3));
  }));
  await screenshot(page, 'heatmap-custom-mask', { fullPage: false });
  await page.getByRole('button', { name: 'Clear cells' }).click();
  await expect(page.getByText('No cells masked.')).toBeVisible();
  await expect.poll(async () => (await readWeightTable(page)).cells[1][2]).not.toBe('masked');
});

test('every score, mask and position option renders finite numbers in every view', async ({ page }) => {
  const links = [
    'score=additive&pos=rope&proj=identity&window=1',
    'score=general&pos=none&causal=1&pad=16',
    'score=cosine&tok=chars&scale=0&temp=0.5',
    'h=8&kv=2&d=32&cells=0.0-0.1-0.2-0.3-0.4-0.5-0.6-0.7-0.8-0.9-0.10-0.11',
  ];
  for (const link of links) {
    // Steps 0–2 are the projections q, k and v; step 3 is the first score.
    await page.goto(`/#v=1&${link}&view=player&q=0&step=3`);
    await expect(page.locator('.story-formula')).toHaveAttribute('data-stage', 'score');
    for (const stage of ['Scale', 'Mask', 'Exp', 'Softmax', 'Output']) {
      await page.getByRole('button', { name: stage, exact: true }).click();
      const text = await page.locator('.player-story').textContent();
      expect(text, `${link} at ${stage}`).not.toMatch(/NaN|undefined|Infinity/);
    }
    await page.getByRole('tab', { name: 'Heatmap' }).click();
    const table = await readWeightTable(page);
    for (const row of table.cells) {
      const sum = row.reduce((total, cell) => total + shown(cell), 0);
      // A row whose keys are all masked has weights all 0; every other row sums to 1.
      expect(Math.abs(sum - 1) <= 5e-4 * row.length || sum === 0, `${link}: row sums to ${sum}`).toBe(true);
    }
    expect(await page.locator('.ap').textContent()).not.toMatch(/NaN/);
    await expect(page.locator('.ap-notes .note-warn, .ap-notes .note-error')).toHaveCount(0);
  }
  await screenshot(page, 'fully-masked-row', { fullPage: false });
});
