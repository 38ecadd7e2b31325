// The token strip under the sentence box shows the tokens of what was typed: for a translation
// its source tokens (as the core splits them, checked in Node), also while the view shows a
// cross-attention block whose queries are the target's; a source chip opens the encoder's last
// block at that token, and a model without an encoder block says what its chips are.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot } from './page-helpers.js';
import { CATALOG } from '../../www/src/generated/catalog.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATE = 'the 3rd of March 1999';

const checked = checkEveryPage();

/** The source and target tokens the core gives a shipped translation model for `text`. */
function coreSequences(name, text) {
  const entry = CATALOG.find((e) => e.name === name);
  const session = new checked.core.Session();
  try {
    const read = (file) => readFileSync(path.join(repo, entry.folder, file));
    session.loadModel(name, read('config.json').toString('utf8'), undefined, read('vocab.json').toString('utf8'), read('model.safetensors'));
    const summary = session.run({ source: 'model', text });
    const of = (role) => summary.sequences.find((s) => s.role === role).tokens.map((t) => t.text);
    return { source: of('source'), target: of('target') };
  } finally {
    session.free();
  }
}

const stripChips = (page) => page.locator('.ap-strip .token-chip');

async function pick(page, name) {
  await page.goto('/');
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption(`catalog:${name}`);
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'encoder-decoder', { timeout: 30_000 });
  await page.getByRole('textbox', { name: 'Sentence', exact: true }).fill(DATE);
  await expect(page.locator('.generate-text')).toHaveText(/1999-03-03/);
}

test('a Transformer translation: the strip shows the source tokens on a cross block, and a chip opens the encoder at it', async ({ page }) => {
  await pick(page, 'dates-transformer');
  const { source, target } = coreSequences('dates-transformer', DATE);
  expect(source.join('')).not.toEqual(target.join(''));
  // The translation opens on the decoder's last cross-attention block: its queries are the target.
  await expect(page.locator('.ap-status')).toContainText('cross-attention');
  await expect(stripChips(page)).toHaveText(source.map((t) => t.replace(/\s/g, '␣') || '∅'));
  await expect(page.locator('.ap-strip .token-strip')).toHaveAttribute('aria-label', 'Source tokens, as typed');
  await expect(page.locator('.token-strip-note')).toContainText('the block shown has the target tokens as queries');
  await expect(stripChips(page).and(page.locator('[aria-pressed="true"]'))).toHaveCount(0);
  await screenshot(page, 'typed-tokens-translation');
  await stripChips(page).nth(4).click();
  await expect(page.locator('.ap-status')).toContainText('encoder self-attention');
  await expect(stripChips(page).nth(4)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.token-strip-note')).toBeHidden();
});

test('a GRU with attention has no encoder block: the chips are the source, not buttons that do nothing', async ({ page }) => {
  await pick(page, 'dates-gru-additive');
  const { source } = coreSequences('dates-gru-additive', DATE);
  await expect(stripChips(page)).toHaveText(source.map((t) => t.replace(/\s/g, '␣') || '∅'));
  await expect(page.locator('.token-strip-note')).toContainText('pick a target token in the views');
  await expect(stripChips(page).first()).toBeDisabled();
});
