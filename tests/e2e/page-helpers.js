// Shared helpers of the playground page's browser tests.
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(repo, 'test-results', 'screenshots');

/** The core itself, loaded in Node from the same wasm build the page uses. */
export async function loadCore() {
  const core = await import(path.join(repo, 'pkg', 'attention_playground.js'));
  core.initSync({ module: readFileSync(path.join(repo, 'pkg', 'attention_playground_bg.wasm')) });
  return core;
}

/** The page on the toy model: an empty link opens on a trained model. */
export const TOY_PAGE = '/#v=1&model=toy';

/** The page's default configuration, as the core receives it (the core's own default). */
export { DEFAULT_TOY_CONFIG as DEFAULT_CONFIG } from '../../www/src/generated/core.js';

/**
 * The core's toy run of a text, computed in this process: the tokens of its one block, and the
 * session to ask for weights (`session.weights(0, head)`) and breakdowns. Free the session after.
 * @param {any} core  from `loadCore()`
 * @param {object} config  a ToyConfig
 * @param {string} text
 * @param {string} [crossText]
 */
export function toyRun(core, config, text, crossText) {
  const session = new core.Session();
  const summary = session.run({ source: 'toy', config, text, crossText, vectors: false });
  const block = summary.blocks[0];
  return {
    session,
    heads: block.heads,
    queryTokens: summary.sequences[block.queries].tokens,
    keyTokens: summary.sequences[block.keys].tokens,
  };
}

/**
 * Records console errors, page errors and CSP violations; call `assertClean()` at the end.
 * @param {import('@playwright/test').Page} page
 */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  return {
    problems,
    async assertClean() {
      const violations = await page.evaluate(() => window.__cspViolations ?? []);
      expect([...problems, ...violations]).toEqual([]);
    },
  };
}

/**
 * Registers the hooks every page test file shares: the wasm core loaded once in this process,
 * and in every test CSP violations recorded and the console watched, failing the test on any
 * error, page error, dialog or violation. The returned object's `core` and `watch` are set by
 * the time a test runs.
 */
export function checkEveryPage() {
  const checked = {
    /** @type {Awaited<ReturnType<typeof loadCore>>} */ core: /** @type {any} */ (undefined),
    /** @type {ReturnType<typeof watchConsole>} */ watch: /** @type {any} */ (undefined),
  };
  test.beforeAll(async () => {
    checked.core = await loadCore();
  });
  test.beforeEach(async ({ page }) => {
    await recordCspViolations(page);
    checked.watch = watchConsole(page);
  });
  test.afterEach(async () => {
    await checked.watch.assertClean();
  });
  return checked;
}

/** Installs a CSP-violation recorder before any page script runs. */
export async function recordCspViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`csp: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}

/** The numbers of the screen-reader table: { rows: string[], columns: string[], cells: string[][] }. */
export async function readWeightTable(page) {
  return page.locator('.weight-table').evaluate((table) => ({
    rows: [...table.querySelectorAll('tbody th')].map((th) => th.textContent),
    columns: [...table.querySelectorAll('thead th')].map((th) => th.textContent),
    cells: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  }));
}

/** Parses a number as the page shows it (U+2212 minus, −∞). */
export function shown(text) {
  const plain = text.trim().replace('\u2212', '-');
  if (plain === '-∞') return -Infinity;
  if (plain === 'masked') return 0;
  return Number(plain);
}

export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...options });
}

/** Waits until the page shows a computed table. */
export async function ready(page) {
  await expect(page.locator('.weight-table tbody tr').first()).toBeVisible({ timeout: 20_000 }).catch(() => {});
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/);
}
