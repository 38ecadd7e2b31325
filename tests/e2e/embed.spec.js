// <attention-playground> in a real browser under the strict Content-Security-Policy: two
// elements on one page, attributes set from a script, events, controls, autoplay, bad
// attributes, several instances, the iframe embed, the Share / Embed dialog, the guide, and
// the static build served from a folder of its own.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, checkEveryPage, recordCspViolations, screenshot, watchConsole, toyRun } from './page-helpers.js';
import { CSP as STRICT_CSP } from '../../scripts/csp.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = '/www/docs/examples/two-playgrounds.html';
const ANIMAL = "The animal didn't cross the street because it was too tired.";

const checked = checkEveryPage();

const playground = (page, name) => page.locator(`attention-playground[data-example="${name}"]`);
const stateOf = (element) => element.evaluate((e) => e.state);

/** The core's weights of one head, as the table prints them. */
function expectedTable(text, head, config = DEFAULT_CONFIG) {
  const summary = toyRun(checked.core, config, text);
  const n = summary.queryTokens.length;
  const weights = summary.session.weights(0, head);
  return {
    columns: summary.keyTokens.map((t) => t.text),
    cells: [...Array(n).keys()].map((i) => [...Array(n).keys()].map((j) => weights[i * n + j].toFixed(3))),
  };
}

/** An element's screen-reader table (inside its shadow root: Playwright's locators reach it). */
async function tableOf(element) {
  return element.locator('.weight-table').evaluate((table) => ({
    columns: [...table.querySelectorAll('thead th')].map((th) => th.textContent),
    cells: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  }));
}

async function ready(element, token) {
  await expect.poll(async () => (await stateOf(element))?.token, { timeout: 20_000 }).toBe(token);
}

test('two elements on a page under the strict policy render their own numbers', async ({ page }) => {
  const response = await page.goto(EXAMPLE);
  expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP);
  const first = playground(page, 'first');
  const second = playground(page, 'second');
  await ready(first, 'it');
  await ready(second, 'flies');
  expect(await tableOf(first)).toEqual(expectedTable(ANIMAL, 0));
  await expect(second.locator('.story-formula')).toHaveAttribute('data-stage', /^(query|key|value|score|scale|mask|exp|normalise|weigh|output|combine)$/);
  await expect(second.locator('.player-heading')).toContainText('query ‘flies’ (2 of 5)');
  // Each element lives in its own shadow root, with its styles adopted there; the page gets no ids.
  for (const element of [first, second]) {
    expect(await element.evaluate((e) => e.shadowRoot?.adoptedStyleSheets.length)).toBe(1);
  }
  expect(await page.evaluate(() => document.querySelectorAll('[id]').length)).toBe(0);
  await expect(page.locator('[data-follows="first"]')).toHaveText('Looking at ‘it’ (query 7) with head 1.');
  await screenshot(page, 'embed-two-elements', { fullPage: true });
});

test('an attribute set from a script changes its own element only', async ({ page }) => {
  await page.goto(EXAMPLE);
  const first = playground(page, 'first');
  const second = playground(page, 'second');
  await ready(first, 'it');
  await ready(second, 'flies');
  const secondBefore = await second.evaluate((e) => ({ ...e.state, text: e.shadowRoot.querySelector('textarea').value }));

  await first.evaluate((e) => e.setAttribute('head', '1'));
  await expect.poll(async () => (await tableOf(first)).cells).toEqual(expectedTable(ANIMAL, 1).cells);
  await first.evaluate((e) => e.setAttribute('text', 'Le chat dort'));
  await expect(first.locator('.token-chip')).toHaveText(['Le', 'chat', 'dort']);
  await expect.poll(async () => (await tableOf(first)).cells).toEqual(expectedTable('Le chat dort', 1).cells);
  await first.evaluate((e) => e.setAttribute('view', 'grid'));
  await expect(first.locator('.head-tile')).toHaveCount(4);
  await expect(first.locator('.head-tile').nth(1)).toHaveAttribute('aria-pressed', 'true');

  const secondAfter = await second.evaluate((e) => ({ ...e.state, text: e.shadowRoot.querySelector('textarea').value }));
  for (const key of ['view', 'layer', 'head', 'query', 'token', 'text']) expect(secondAfter[key]).toBe(secondBefore[key]);

  await second.evaluate((e) => e.setAttribute('query', '3'));
  await expect(second.locator('.player-heading')).toContainText('query ‘an’ (4 of 5)');
  // The first element's query was clamped to its new, shorter text; the second moved on its own.
  expect((await stateOf(first)).token).toBe('dort');

  // The same value again still applies: the reader moved away, the page's button brings them back.
  await first.locator('.head-tile').nth(2).click();
  expect((await stateOf(first)).head).toBe(2);
  await first.evaluate((e) => e.setAttribute('head', '1'));
  await expect.poll(async () => (await stateOf(first)).head).toBe(1);
});

test('the reader’s moves fire bubbling, composed events; the page’s own changes fire none', async ({ page }) => {
  await page.goto(EXAMPLE);
  const first = playground(page, 'first');
  await ready(first, 'it');
  await page.evaluate(() => {
    window.__events = [];
    for (const type of ['querychange', 'headchange', 'stepchange']) {
      document.addEventListener(type, (event) => {
        const target = /** @type {HTMLElement} */ (event.target);
        if (target.dataset.example !== 'first') return;
        window.__events.push({ type, bubbles: event.bubbles, composed: event.composed, detail: event.detail });
      });
    }
  });
  const events = () => page.evaluate(() => window.__events.splice(0));

  await first.locator('.token-chip').nth(3).click();
  await expect.poll(events).toEqual([{ type: 'querychange', bubbles: true, composed: true, detail: expect.objectContaining({ query: 3, token: 'cross', head: 0, view: 'heatmap' }) }]);

  await first.getByRole('tab', { name: 'Heads' }).click();
  await first.getByRole('button', { name: 'Focus head 2' }).click();
  await expect.poll(events).toEqual([expect.objectContaining({ type: 'headchange', detail: expect.objectContaining({ head: 1, layer: 0, view: 'grid' }) })]);

  await first.getByRole('tab', { name: 'Step by step' }).click();
  await first.getByRole('button', { name: 'Step forward' }).click();
  await expect.poll(events).toEqual([expect.objectContaining({ type: 'stepchange', detail: expect.objectContaining({ step: 1, steps: 33, stage: 'key', key: null, view: 'steps' }) })]);

  await first.evaluate((e) => {
    e.setAttribute('query', '5');
    e.setAttribute('head', '0');
    e.setAttribute('step', '9');
  });
  await expect(first.locator('.player-heading')).toContainText('Head 1 · query ‘street’');
  await page.waitForTimeout(300);
  expect(await events()).toEqual([]);
  await expect(page.locator('[data-follows="first"]')).toContainText('(stepchange)');
});

test('controls: minimal keeps sentence, tabs and player; none keeps the view; changes apply live', async ({ page }) => {
  await page.goto(EXAMPLE);
  const first = playground(page, 'first');
  const second = playground(page, 'second');
  await ready(first, 'it');
  await ready(second, 'flies');
  await expect(first.getByRole('textbox', { name: 'Sentence', exact: true })).toBeVisible();
  await expect(first.locator('.ap-tabs')).toBeVisible();
  await expect(first.locator('.ap-controls')).toBeHidden();
  await expect(first.getByRole('button', { name: 'Export…' })).toBeHidden();
  for (const part of ['.ap-input', '.ap-tabs', '.transport', '.ap-controls', '.ap-actions']) await expect(second.locator(part)).toBeHidden();
  await expect(second.locator('.player-numbers')).toBeVisible();

  await first.evaluate((e) => e.setAttribute('controls', 'full'));
  await expect(first.locator('.ap-controls')).toBeVisible();
  await expect(first.getByRole('button', { name: 'Export…' })).toBeVisible();
  // The Export dialog opens inside the element's shadow root, styled, and saves from there.
  await first.getByRole('button', { name: 'Export…' }).click();
  const dialog = first.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toContainText('The figure is the heatmap of head 1, as on screen; the weights are head 1’s, 12 × 12 tokens.');
  expect(await dialog.evaluate((d) => getComputedStyle(d).borderRadius)).toBe('14px');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('attention-weights-head1.csv');
  await screenshot(page, 'embed-export-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await first.evaluate((e) => e.setAttribute('controls', 'none'));
  await expect(first.locator('.ap-tabs')).toBeHidden();
  await expect(first.locator('.heatmap-svg')).toBeVisible();
  await first.evaluate((e) => e.setAttribute('controls', 'everything'));
  await expect(first.locator('.ap-notes .note-warn')).toContainText('controls “everything” is not one of full, minimal, none');
  await expect(first.locator('.ap-controls')).toBeVisible();
  await first.evaluate((e) => e.setAttribute('controls', 'minimal'));
  await expect(first.locator('.ap-notes .note-warn')).toHaveCount(0);
  await expect(second.locator('.ap-tabs')).toBeHidden();
});

test('autoplay plays the steps, unless the reader asked for reduced motion', async ({ page }) => {
  await page.goto(EXAMPLE);
  const second = playground(page, 'second');
  await ready(second, 'flies');
  const start = (await stateOf(second)).step;
  await expect.poll(async () => (await stateOf(second)).step, { timeout: 5000 }).toBeGreaterThan(start + 1);

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await ready(playground(page, 'second'), 'flies');
  const held = (await stateOf(playground(page, 'second'))).step;
  await page.waitForTimeout(1500);
  expect((await stateOf(playground(page, 'second'))).step).toBe(held);
  await playground(page, 'second').evaluate((e) => e.setAttribute('controls', 'minimal'));
  await expect(playground(page, 'second').locator('.play-button')).toHaveAttribute('aria-pressed', 'false');
});

test('attributes that cannot be used are named in a note; defaults stand in', async ({ page }) => {
  await page.goto(EXAMPLE);
  await page.evaluate(() => {
    const add = (/** @type {Record<string, string>} */ attributes) => {
      const element = document.createElement('attention-playground');
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      document.querySelector('main')?.append(element);
    };
    add({ 'data-example': 'bad', head: 'x', view: 'table', model: 'javascript:alert(1)', text: '<img src=x onerror=alert(1)>' });
    add({ 'data-example': 'model', model: '../../../models/all-MiniLM-L6-v2/' });
    add({ 'data-example': 'refused', settings: 'h=5', text: 'two words' });
  });
  const bad = playground(page, 'bad');
  await expect(bad.locator('.ap-notes .note-warn')).toContainText('Some attributes had values that could not be used');
  await expect(bad.locator('.ap-notes .note-warn')).toContainText('head “x” is not a whole number');
  await expect(bad.locator('.ap-notes .note-warn')).toContainText('view “table” is not one of');
  await expect(bad.locator('.ap-notes .note-warn')).toContainText('model “javascript:alert(1)” is neither “toy” nor the address of a model folder');
  await expect(bad.locator('.token-chip').first()).toHaveText('<');
  expect(await page.locator('img').count()).toBe(0);
  await expect(playground(page, 'model').locator('.ap')).toHaveAttribute('data-computing', 'model', { timeout: 30_000 });
  // The one setting the core refuses goes back to its default; the text and the rest stay.
  await expect(playground(page, 'refused').locator('.ap-notes .note-warn')).toContainText('Some attributes had values that could not be used, so defaults stand in for them: h (d_model 64 is not divisible by 5 heads');
  await expect(playground(page, 'refused').locator('.token-chip')).toHaveText(['two', 'words']);
});

test('many instances: each keeps its own state; moved keeps running, removed stops alone', async ({ page }) => {
  await page.goto(EXAMPLE);
  await page.evaluate(() => {
    for (const [i, text] of ['alpha beta', 'gamma delta epsilon', 'zeta eta theta iota'].entries()) {
      const element = document.createElement('attention-playground');
      element.dataset.example = `extra${i}`;
      element.setAttribute('text', text);
      element.setAttribute('query', '1');
      element.setAttribute('head', String(i));
      document.querySelector('main')?.append(element);
    }
  });
  await ready(playground(page, 'extra0'), 'beta');
  await ready(playground(page, 'extra1'), 'delta');
  await ready(playground(page, 'extra2'), 'eta');
  for (const [i, text] of ['alpha beta', 'gamma delta epsilon', 'zeta eta theta iota'].entries()) {
    expect(await tableOf(playground(page, `extra${i}`))).toEqual(expectedTable(text, i));
  }
  // Moving an element keeps it (and its state); removing one leaves the others working.
  await playground(page, 'extra1').locator('.token-chip').nth(2).click();
  await page.evaluate(() => document.querySelector('main')?.prepend(document.querySelector('[data-example="extra1"]') ?? ''));
  await page.waitForTimeout(200);
  expect((await stateOf(playground(page, 'extra1'))).token).toBe('epsilon');
  await page.evaluate(() => document.querySelector('[data-example="extra0"]')?.remove());
  await playground(page, 'extra2').evaluate((e) => e.setAttribute('text', 'one two three'));
  await expect.poll(async () => (await stateOf(playground(page, 'extra2'))).token).toBe('two');
  expect(await tableOf(playground(page, 'extra2'))).toEqual(expectedTable('one two three', 2));
});

test('the page in an iframe: embed=1 drops header and footer, controls apply', async ({ page }) => {
  await page.goto(EXAMPLE);
  await page.evaluate(() => {
    const frame = document.createElement('iframe');
    frame.src = '/#v=1&q=7&view=steps&controls=minimal&embed=1';
    frame.title = 'Attention Playground';
    frame.width = '1000';
    frame.height = '760';
    document.querySelector('main')?.prepend(frame);
  });
  const frame = page.frameLocator('iframe');
  await expect(frame.locator('.player-heading')).toContainText('query ‘it’');
  await expect(frame.locator('.page-header')).toBeHidden();
  await expect(frame.locator('.page-footer')).toBeHidden();
  await expect(frame.locator('.ap-controls')).toBeHidden();
  await expect(frame.getByRole('tab', { name: 'Step by step' })).toHaveAttribute('aria-selected', 'true');
  await expect(frame.getByRole('link', { name: 'Open in Attention Playground ↗' })).toBeVisible();
  await page.locator('iframe').scrollIntoViewIfNeeded();
  await screenshot(page, 'embed-iframe');
});

test('Share / Embed gives a link, an iframe and an element that reproduce what is on screen', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/#v=1&text=Colourless%20green%20ideas%20sleep%20furiously&causal=1&h=2&kv=1&view=player&q=3&step=5');
  await expect(page.locator('.player-heading')).toContainText('query ‘sleep’');
  const share = page.getByRole('button', { name: 'Share / Embed…' });
  await share.click();
  const dialog = page.getByRole('dialog', { name: 'Share / Embed' });
  await expect(dialog).toBeVisible();
  const link = await dialog.getByRole('textbox', { name: 'Link' }).inputValue();
  expect(new URL(link).hash).toBe(new URL(page.url()).hash);
  await dialog.getByRole('combobox', { name: 'Embed shows' }).selectOption('none');
  await dialog.getByRole('checkbox', { name: 'Play the steps by themselves' }).check();
  const iframe = await dialog.getByRole('textbox', { name: 'Iframe' }).inputValue();
  expect(iframe).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#v=1&amp;.*controls=none&amp;autoplay=1&amp;embed=1" title="Attention Playground" width="100%" height="560" loading="lazy"><\/iframe>$/);
  const snippet = await dialog.getByRole('textbox', { name: 'Element' }).inputValue();
  expect(snippet).toContain('<script type="module" src="http://127.0.0.1:');
  expect(snippet).toContain('/www/dist/attention-playground.js"></script>');
  expect(snippet).toContain('view="steps"');
  expect(snippet).toContain('settings="h=2&amp;kv=1&amp;causal=1"');
  await dialog.getByRole('button', { name: 'Copy the element' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Element copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
  await screenshot(page, 'share-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(share).toBeFocused();

  // The element snippet, put on another page, shows the same numbers.
  await page.getByRole('tab', { name: 'Heatmap' }).click();
  const onPage = await tableOf(page.locator('[data-attention-playground]'));
  await page.goto(EXAMPLE);
  await page.evaluate((html) => {
    const parsed = new DOMParser().parseFromString(html, 'text/html').querySelector('attention-playground');
    const element = document.createElement('attention-playground');
    for (const attribute of parsed?.attributes ?? []) element.setAttribute(attribute.name, attribute.value);
    element.dataset.example = 'copied';
    element.setAttribute('controls', 'full');
    element.removeAttribute('autoplay');
    document.querySelector('main')?.prepend(element);
  }, snippet);
  const copied = playground(page, 'copied');
  await expect(copied.locator('.player-heading')).toContainText('Head 1 · query ‘sleep’ (4 of 5)');
  expect((await stateOf(copied)).step).toBe(5);
  await copied.evaluate((e) => e.setAttribute('view', 'heatmap'));
  expect(await tableOf(copied)).toEqual(onPage);
});

test('the guide renders its live examples', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Embed it in your course pages and export its figures' }).click();
  await expect(page).toHaveURL(/\/www\/docs\/$/);
  await expect(page.getByRole('heading', { name: 'Embedding and export', level: 1 })).toBeVisible();
  await ready(playground(page, 'intro'), 'it');
  await ready(playground(page, 'steps'), 'flies');
  await page.getByRole('button', { name: 'head="1"' }).click();
  await expect(page.locator('[data-follows="intro"]')).toHaveText('Looking at ‘it’ (query 7) with head 2. (set by the page)');
  await playground(page, 'intro').locator('.token-chip').nth(1).click();
  await expect(page.locator('[data-follows="intro"]')).toHaveText('Looking at ‘animal’ (query 1) with head 2. (querychange)');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe('attention.svg');
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'docs-guide');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#one-line').scrollIntoViewIfNeeded();
  await screenshot(page, 'docs-guide-phone');
});

test('the static build serves the page, the guide and the element from a folder of its own', async ({ browser }) => {
  const site = path.join(repo, 'test-results', 'static-site');
  execFileSync('bash', ['scripts/build-static.sh', '--no-build', '--out', site], { cwd: repo, stdio: 'pipe' });
  const server = spawn('node', ['scripts/serve.mjs', '--root', site, '--port', '4281', '--exit-after', '120'], { cwd: repo });
  try {
    const origin = await new Promise((resolve, reject) => {
      server.stdout.on('data', (chunk) => {
        const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(chunk));
        if (match) resolve(match[0]);
      });
      server.on('exit', (code) => reject(new Error(`the server stopped (${code})`)));
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await recordCspViolations(page);
    const check = watchConsole(page);
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    const missing = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(new URL(response.url()).pathname);
    });
    // Built without --with-model: the page opens on the trained decoder that the site carries.
    await page.goto(origin);
    await expect(page.locator('.ap-source-line')).toContainText('Computed by gpt2-2l-induction, decoder trained here', { timeout: 30_000 });
    await expect(page.locator('.ap-notes')).toContainText('all-MiniLM-L6-v2 could not be loaded');
    // The browser reports each file of the missing model it asked for: those reports, and only those.
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.filter((p) => !p.startsWith('/models/all-MiniLM-L6-v2/'))).toEqual([]);
    const notFound = (problem) => problem.includes('Failed to load resource') && problem.includes('404');
    expect(check.problems.filter(notFound)).toHaveLength(missing.length);
    check.problems.splice(0, check.problems.length, ...check.problems.filter((problem) => !notFound(problem)));
    await page.goto(`${origin}www/docs/`);
    await ready(playground(page, 'intro'), 'it');
    expect(fetched).toContain('/www/dist/attention-playground.wasm');
    expect(fetched.filter((p) => p.startsWith('/pkg/'))).toEqual([]);
    await check.assertClean();
    await context.close();
  } finally {
    server.kill();
  }
});
