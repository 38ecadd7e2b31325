// The lessons on trained models and costs, checked against the core computed in this process
// (Node, the same wasm build) and the models' evaluation files: the heads MiniLM's lesson names
// and the weights it quotes; the induction lesson's head names (eval.json) and the induction
// head's answer; the occlusion table's probabilities, and that its answers hold; the accuracy
// lesson's numbers (the generated catalog), its two translations and the two 'red's; the
// translation lesson's alignments; the image lesson's sizes (config.json), accuracies and the
// captioner's head; the cost lesson's memory and pairs, counted independently, and a keyboard and
// screen-reader walkthrough of it. Each lesson's own load, questions and screenshots are in
// lessons.spec.js.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage } from './page-helpers.js';
import { EVALUATIONS } from '../../www/src/generated/catalog.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MINILM = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const INDUCTION = path.join(repo, 'trained', 'gpt2-2l-induction');
const REPEATED = '<|endoftext|> kite ball lamp Anna hill robot Nora book Monday Grace kite ball lamp Anna hill robot Nora book Monday';
const checked = checkEveryPage();

/** Waits for every live number and question of a lesson. */
async function ready(page) {
  await expect(page.locator('lesson-value[aria-busy]')).toHaveCount(0, { timeout: 90_000 });
  await expect(page.locator('.lq-waiting, .sweep-status')).toHaveCount(0, { timeout: 90_000 });
  await expect(page.locator('.lesson-error, .lesson-value-error')).toHaveCount(0);
}

/** A model of the repository loaded into a core session in this process. */
function session(folder, { tokenizer = 'tokenizer.json', vocab } = {}) {
  const s = new checked.core.Session();
  const read = (file) => readFileSync(path.join(folder, file));
  s.loadModel(path.basename(folder), read('config.json').toString('utf8'), tokenizer ? read(tokenizer).toString('utf8') : undefined,
    vocab ? read(vocab).toString('utf8') : undefined, read('model.safetensors'));
  return s;
}

/** One query's row of a head, with the tokens' readable text. */
function row(s, summary, block, head, query) {
  const b = summary.blocks[block];
  const keys = summary.sequences[b.keys].tokens.map((t) => t.text.replace(/^Ġ/, ''));
  const n = keys.length;
  const weights = [...s.weights(block, head).slice(query * n, (query + 1) * n)];
  const top = weights.indexOf(Math.max(...weights));
  return { keys, weights, top };
}

const value = (page, selector) => page.locator(selector).first().textContent();

test('multi-head: both heads answer as the core computes them, and the first is named a previous-token head', async ({ page }) => {
  test.skip(!existsSync(path.join(MINILM, 'config.json')), 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  test.setTimeout(150_000);
  const s = session(MINILM);
  const summary = s.run({ source: 'model', text: "The animal didn't cross the street because it was too tired." });
  const it = summary.sequences[0].tokens.findIndex((t) => t.text === 'it');
  const previous = row(s, summary, 0, 2, it);
  const referent = row(s, summary, 3, 1, it);
  s.free();
  expect(previous.keys[previous.top]).toBe('because');
  expect(referent.keys[referent.top]).toBe('animal');

  await page.goto('/www/lessons/multi-head.html');
  await ready(page);
  const first = page.locator('lesson-question#first-head');
  await first.getByRole('radio', { name: 'because' }).check();
  await first.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(first.locator('.lq-feedback')).toHaveText('Right.');
  await expect(first.locator('lesson-value[measure="pattern"]')).toHaveText('previous token');
  await expect(first.locator('lesson-value[measure="top-weight"]')).toHaveText(previous.weights[previous.top].toFixed(3));
  const second = page.locator('lesson-question#second-head');
  await second.getByRole('radio', { name: 'animal' }).check();
  await second.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(second.locator('.lq-feedback')).toHaveText('Right.');
  await expect(second.locator('lesson-value[measure="weight"][key="because"]')).toHaveText(referent.weights[previous.keys.indexOf('because')].toFixed(3));
});

test('induction heads: the heads are the ones eval.json names, and the induction head finds the word after the earlier Monday', async ({ page }) => {
  test.setTimeout(120_000);
  const evaluation = JSON.parse(readFileSync(path.join(INDUCTION, 'eval.json'), 'utf8'));
  expect(evaluation.best.induction).toMatchObject({ layer: 1, head: 0 });
  expect(evaluation.best.previous_token).toMatchObject({ layer: 0, head: 2 });
  expect(evaluation.heads[2]).toMatchObject({ layer: 0, head: 2, name: 'previous token' });
  expect(evaluation.heads[4]).toMatchObject({ layer: 1, head: 0, name: 'induction' });
  const s = session(INDUCTION);
  const summary = s.run({ source: 'model', text: REPEATED });
  const last = summary.sequences[0].tokens.length - 1;
  const induction = row(s, summary, 1, 0, last);
  const grace = row(s, summary, 0, 2, induction.keys.indexOf('Grace'));
  s.free();
  expect(induction.keys[induction.top]).toBe('Grace');
  expect(grace.keys[grace.top]).toBe('Monday');

  await page.goto('/www/lessons/induction-heads.html');
  await ready(page);
  await expect(page.locator('#layer-one')).toHaveAttribute('layer', String(evaluation.best.previous_token.layer));
  await expect(page.locator('#layer-one')).toHaveAttribute('head', String(evaluation.best.previous_token.head));
  await expect(page.locator('#layer-two')).toHaveAttribute('layer', String(evaluation.best.induction.layer));
  await expect(page.locator('#layer-two')).toHaveAttribute('head', String(evaluation.best.induction.head));
  expect(await value(page, 'lesson-value[path="heads.4.name"]')).toBe('induction');
  expect(await value(page, 'lesson-value[path="heads.2.name"]')).toBe('previous token');
  const question = page.locator('lesson-question#induction');
  await question.getByRole('radio', { name: 'Grace' }).first().check();
  await question.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(question.locator('.lq-feedback')).toHaveText('Right.');
  await expect(question.locator('.lq-answer')).toContainText(`‘Monday’ gives the most weight to ‘Grace’: ${induction.weights[induction.top].toFixed(3)} (layer 2, head 1`);
  const copy = page.locator('lesson-question#copy-accuracy');
  await expect(copy.locator('lesson-value[answer]')).toHaveText(evaluation.accuracy.repeat_second_copy_top1.toFixed(3));
});

test('is attention an explanation: the occlusion table is the core\'s, and removing either Grace or the first Monday sinks the prediction', async ({ page }) => {
  test.setTimeout(150_000);
  const s = session(INDUCTION);
  const generate = (text) => s.run({ source: 'generate', text, steps: 1 }).generation.steps[0];
  const base = generate(REPEATED);
  const without = (word) => {
    const at = REPEATED.indexOf(` ${word}`);
    const step = generate(REPEATED.slice(0, at) + REPEATED.slice(at + word.length + 1));
    return step.top.find((c) => c.id === base.id)?.probability ?? 0;
  };
  const noGrace = without('Grace');
  const noMonday = without('Monday');
  const noKite = without('kite');
  const noRobot = without('robot');
  s.free();
  expect(base.top[0].text).toBe('ĠGrace');
  // The lesson's answers: both removals sink the prediction, a word far from both barely moves it.
  expect(noGrace).toBeLessThan(base.probability / 10);
  expect(noMonday).toBeLessThan(base.probability / 10);
  expect(noKite).toBeGreaterThan(base.probability / 2);
  // 'a removal can also raise it'
  expect(noRobot).toBeGreaterThan(base.probability);

  await page.goto('/www/lessons/attention-explanation.html');
  await ready(page);
  expect(await value(page, 'lesson-value[measure="probability"]')).toBe(base.probability.toFixed(3));
  expect(await value(page, 'lesson-value[measure="predicted"]')).toBe('‘Grace’');
  expect(await value(page, 'lesson-value[measure="most-attended"]')).toBe('‘Grace’');
  expect(await value(page, 'lesson-value[measure="decisive"]')).toContain('‘Grace’');
  expect(await value(page, 'lesson-value[measure="decisive"]')).toContain('‘Monday’');
  for (const question of ['remove-attended', 'remove-unattended']) {
    const q = page.locator(`lesson-question#${question}`);
    await q.getByRole('radio').nth(1).check();
    await q.getByRole('button', { name: 'Check my prediction' }).click();
    await expect(q.locator('.lq-feedback')).toHaveText('Right.');
  }
  const table = page.locator('lesson-occlusion table');
  await expect(table).toBeVisible();
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(20);
  // The kite row (the first 'kite'): its probability is the core's, exactly as written.
  await expect(rows.nth(1).locator('.occlusion-number').nth(1)).toHaveText(noKite.toFixed(3));
});

test('recurrent bottleneck: the numbers are the models\' evaluations, and the two models translate the long sentence differently', async ({ page }) => {
  test.setTimeout(120_000);
  const exact = (name, bucket) => EVALUATIONS.find((e) => e.name === name).buckets.find((b) => b.label === bucket).exactMatch;
  const text = 'the small dog that the old farmer sees near the big red house sees the red car';
  const translate = (name) => {
    const s = session(path.join(repo, 'trained', name), { tokenizer: null, vocab: 'vocab.json' });
    const out = s.run({ source: 'model', text }).generation.text;
    s.free();
    return out;
  };
  expect(translate('grammar-gru')).not.toBe(translate('grammar-gru-additive'));
  expect(exact('grammar-gru', '36-40')).toBeLessThan(0.1);
  expect(exact('grammar-gru-additive', '36-40')).toBeGreaterThan(0.8);

  await page.goto('/www/lessons/recurrent-bottleneck.html');
  await ready(page);
  for (const [model, bucket] of [['grammar-gru', '1-5'], ['grammar-gru', '36-40'], ['grammar-gru-additive', '36-40'], ['grammar-transformer', '36-40']]) {
    expect(await value(page, `lesson-value[model="${model}"][bucket="${bucket}"]`)).toBe(exact(model, bucket).toFixed(3));
  }
  await expect(page.locator('lesson-accuracy .accuracy-chart')).toBeVisible();

  // The two 'red's: the car's 'rouge' reads the car's 'red', as the core computes it.
  const s = session(path.join(repo, 'trained', 'grammar-gru-additive'), { tokenizer: null, vocab: 'vocab.json' });
  const summary = s.run({ source: 'model', text });
  const targets = summary.sequences[summary.blocks[0].queries].tokens.map((t) => t.text);
  const last = row(s, summary, 0, 0, targets.lastIndexOf('rouge'));
  s.free();
  expect(last.top).toBe(last.keys.lastIndexOf('red'));
  const question = page.locator('lesson-question#two-reds');
  await question.getByRole('radio', { name: 'red' }).nth(1).check();
  await question.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(question.locator('.lq-feedback')).toHaveText('Right.');
  await expect(question.locator('lesson-value[key="red#2"]')).toHaveText(last.weights[last.top].toFixed(3));
});

test('the cost of attention: memory grows 4 times per doubling, and a window of w lets T(2w+1) - w(w+1) pairs through', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto('/www/lessons/cost-of-attention.html');
  await ready(page);
  expect(await value(page, 'lesson-value[measure="weights-ratio"]')).toBe('4.00');
  expect(await value(page, 'lesson-value[measure="qkv-ratio"]')).toBe('2.00');
  // 4 heads of 1024 × 1024 four-byte numbers.
  expect(await value(page, 'lesson-value[measure="weights-mb"][at="1024"]')).toBe((4 * 1024 * 1024 * 4 / 1e6).toFixed(1));
  const T = 1024;
  const w = 8;
  expect(await value(page, 'lesson-value[measure="pairs"][series="window of 8"]')).toBe(String(T * (2 * w + 1) - w * (w + 1)));
  expect(await value(page, 'lesson-value[measure="pairs"]:not([series])')).toBe(String(T * T));
  const ms = Number(await value(page, 'lesson-value[measure="time-ms"][at="1024"]:not([series])'));
  expect(ms).toBeGreaterThan(0);
  const windowed = page.locator('lesson-question#window-trade');
  await windowed.getByRole('radio').nth(1).check();
  await windowed.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(windowed.locator('lesson-value[key="animal"]')).toHaveText('0.000');
});

test('attention over images: the token count is the config\'s patches plus [CLS], and the sizes are the config\'s', async ({ page }) => {
  test.setTimeout(120_000);
  const config = JSON.parse(readFileSync(path.join(repo, 'trained', 'digits-vit', 'config.json'), 'utf8'));
  const evaluation = JSON.parse(readFileSync(path.join(repo, 'trained', 'digits-vit', 'eval.json'), 'utf8'));
  await page.goto('/www/lessons/attention-over-images.html');
  await ready(page);
  expect(await value(page, 'lesson-value[path="patch_size"]')).toBe(String(config.patch_size));
  expect(await value(page, 'lesson-value[answer][measure="tokens"]')).toBe(String((config.image_size / config.patch_size) ** 2 + 1));
  expect(await value(page, 'lesson-value[path="test_accuracy"]')).toBe(evaluation.test_accuracy.toFixed(3));
  // The weights the question reads are a row of [CLS] over every token, summing to 1.
  const cls = await page.locator('#vit').evaluate(async (el) => JSON.parse(await (await el.export('json')).text()).weights[0]);
  expect(cls.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  const top = Math.max(...cls);
  expect(await value(page, 'lesson-value[answer][measure="top-weight"]')).toBe(top.toFixed(3));

  // The captioner: the head the lesson shows is the one its evaluation chose (head 4, from 1), on the
  // cross-attention block, and 'square' looks at a patch, not at [CLS].
  const captioner = JSON.parse(readFileSync(path.join(repo, 'trained', 'shapes-captioner', 'eval.json'), 'utf8'));
  expect(captioner.attention).toBe('layer 1, head 4');
  await expect(page.locator('#captioner')).toHaveAttribute('head', '3');
  const cross = await page.locator('#captioner').evaluate(async (el) => JSON.parse(await (await el.export('json')).text()));
  // Queries from the caption, keys from the picture: a cross-attention block.
  expect(cross.keyTokens.slice(0, 2)).toEqual(['[CLS]', 'r0c0']);
  expect(cross.queryTokens[6]).toBe('square');
  expect(await value(page, 'lesson-value[of="captioner"][measure="top-key"]')).toMatch(/^‘r\dc\d’$/);
  expect(await value(page, 'lesson-value[path="share_of_nouns_on_named_object"]')).toBe(captioner.share_of_nouns_on_named_object.toFixed(3));
});

test('the cost lesson with the keyboard alone, and its charts and tables as a screen reader finds them', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/www/lessons/cost-of-attention.html');
  await ready(page);
  const question = page.getByRole('group', { name: 'Double the text from 512 to 1024 tokens. By what factor do the attention weights the core holds grow?' });
  const slider = question.getByRole('slider', { name: 'Memory grows by' });
  await slider.focus();
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuetext', '4.0 ×');
  await page.keyboard.press('Tab');
  await expect(question.getByRole('button', { name: 'Check my prediction' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(question.getByRole('status')).toHaveText('Right.');
  await expect(question.getByRole('status')).toBeFocused();
  // Held back until the second question is answered: out of reach of the keyboard and of assistive technology.
  await expect(page.locator('lesson-cost').getByRole('img')).toHaveCount(0);
  const second = page.getByRole('group', { name: 'And the time of one run, from 512 to 1024 tokens?' });
  await second.getByRole('slider').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(second.getByRole('status')).toHaveText(/^(Right|Not quite)\.$/);
  // The charts are images with their numbers in words; the table behind them has headers.
  const charts = page.locator('lesson-cost').getByRole('img');
  await expect(charts).toHaveCount(2);
  await expect(charts.first()).toHaveAttribute('aria-label', /Time of one run \(ms\), median against the number of tokens: every pair from [\d.]+ at 64 to [\d.]+ at 1024; window of 8 from/);
  await page.locator('lesson-cost summary').click();
  const table = page.locator('lesson-cost').getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'every pair: attention weights (MB)' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: '1024' })).toBeVisible();
});

test('translation and alignment: \'voiture\' reads \'car\' and the month\'s second digit reads the month\'s name, as the core computes them', async ({ page }) => {
  test.setTimeout(120_000);
  const alignment = (name, text, query) => {
    const s = session(path.join(repo, 'trained', name), { tokenizer: null, vocab: 'vocab.json' });
    const summary = s.run({ source: 'model', text });
    const targets = summary.sequences[summary.blocks[0].queries].tokens.map((t) => t.text);
    const found = row(s, summary, 0, 0, typeof query === 'number' ? query : targets.indexOf(query));
    s.free();
    return found;
  };
  const voiture = alignment('grammar-gru-additive', 'the small dog sees the red car', 'voiture');
  expect(voiture.keys[voiture.top]).toBe('car');
  const month = alignment('dates-gru-additive', 'Sunday, 29th of November 2026', 6);
  expect('November'.includes(month.keys[month.top])).toBe(true);

  await page.goto('/www/lessons/translation-alignment.html');
  await ready(page);
  const first = page.locator('lesson-question#voiture');
  await first.getByRole('radio', { name: 'car' }).check();
  await first.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(first.locator('.lq-feedback')).toHaveText('Right.');
  await expect(first.locator('lesson-value[measure="top-weight"][query="voiture"]')).toHaveText(voiture.weights[voiture.top].toFixed(3));
  const second = page.locator('lesson-question#month');
  await second.getByRole('radio').nth(month.top).check();
  await second.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(second.locator('.lq-feedback')).toHaveText('Right.');
  await expect(second.locator('lesson-value[measure="top-weight"][query="6"]')).toHaveText(month.weights[month.top].toFixed(3));

  // The Transformer's head the evaluation names for the month (layer 1 head 3 from 0: block 5 of the
  // run, after the encoder's two and each decoder layer's causal and cross blocks).
  const evaluation = JSON.parse(readFileSync(path.join(repo, 'trained', 'dates-transformer', 'eval.json'), 'utf8'));
  expect(evaluation.alignment.best_head_by_role.month).toMatchObject({ layer: 1, head: 3 });
  const s = session(path.join(repo, 'trained', 'dates-transformer'), { tokenizer: null, vocab: 'vocab.json' });
  const summary = s.run({ source: 'model', text: 'Sunday, 29th of November 2026' });
  expect(summary.blocks.map((b) => b.kind)).toEqual(['self', 'self', 'causal', 'cross', 'causal', 'cross']);
  const head = row(s, summary, 5, 3, 5);
  s.free();
  expect('November'.includes(head.keys[head.top])).toBe(true);
  const third = page.locator('lesson-question#month-head');
  await third.getByRole('radio').nth(head.top).check();
  await third.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(third.locator('.lq-feedback')).toHaveText('Right.');
  await expect(third.locator('lesson-value[path="alignment.head_names.layer 1 head 3"]')).toHaveText(evaluation.alignment.head_names['layer 1 head 3']);
});
