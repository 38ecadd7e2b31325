// The course and its lessons (www/lessons/) in headless Chromium under the strict CSP: every
// lesson of course.json loads with no console error or violation, every live number and question
// is computed, every question can be answered, reveals its explanation and the measured answer,
// and is recorded in the browser; the course page shows the progress. Lesson 1's numbers are
// checked against softmax written out here and MiniLM's weights computed by the core in Node;
// one lesson is walked through with the keyboard alone and read as a screen reader reads it;
// printing shows every answer. Screenshots of every lesson at 1280 and 390 px.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEveryPage, screenshot } from './page-helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const course = JSON.parse(readFileSync(path.join(repo, 'www', 'lessons', 'course.json'), 'utf8'));
const MINILM = path.join(repo, 'models', 'all-MiniLM-L6-v2');
const HAS_MINILM = existsSync(path.join(MINILM, 'config.json'));
const PROGRESS_KEY = 'attention-playground.lessons.v1';
const lessonUrl = (lesson) => `/www/lessons/${lesson.file}`;

const checked = checkEveryPage();

/** Waits until every live number, chart and question of the page has what it needs. */
async function lessonReady(page) {
  await expect(page.locator('.lesson-meta .lesson-goal')).toBeVisible();
  await expect(page.locator('lesson-value[aria-busy]')).toHaveCount(0, { timeout: 90_000 });
  await expect(page.locator('.lq-waiting')).toHaveCount(0, { timeout: 90_000 });
  await expect(page.locator('.sweep-status')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.locator('.lesson-error, .lesson-value-error')).toHaveCount(0);
  const answers = page.locator('.lq-answer');
  for (let i = 0; i < (await answers.count()); i += 1) await expect(answers.nth(i)).not.toHaveText(/measured once/);
}

/** Answers a question with its first option (or the slider as it is) and checks it. */
async function answer(question) {
  const kind = await question.getAttribute('kind');
  if (kind === 'token' || kind === 'choice') await question.locator('.lq-option').first().click();
  await question.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(question.locator('lesson-reveal')).toBeVisible();
  await expect(question.locator('.lq-feedback')).toHaveText(/^(Right|Not quite)\./);
  await expect(question.locator('.lq-answer')).toBeVisible();
  await expect(question.locator('.lq-stage.lq-veiled')).toHaveCount(0);
  const id = await question.getAttribute('id');
  await expect(question.page().locator(`[data-until="${id}"].lq-held`)).toHaveCount(0);
}

for (const [index, lesson] of course.lessons.entries()) {
  test(`lesson ${index + 1} (${lesson.id}): loads clean, every question answers, reveals and is recorded`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(lessonUrl(lesson));
    await expect(page.locator('h1')).toHaveText(lesson.title);
    await expect(page.locator('.lesson-goal')).toContainText(lesson.goal);
    await expect(page.locator('.lesson-facts')).toContainText(`${lesson.minutes} minutes`);
    await expect(page.locator('.lesson-crumbs')).toContainText(`Lesson ${index + 1} of ${course.lessons.length}`);
    const questions = page.locator('lesson-question');
    const count = await questions.count();
    expect(count).toBeGreaterThanOrEqual(2);
    await lessonReady(page);
    await screenshot(page, `lesson-${index + 1}-${lesson.id}-1280`, { fullPage: true });

    for (let i = 0; i < count; i += 1) await answer(questions.nth(i));
    await screenshot(page, `lesson-${index + 1}-${lesson.id}-1280-answered`, { fullPage: true });
    const progress = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), PROGRESS_KEY);
    expect(progress[lesson.id].questions).toBe(count);
    expect(Object.keys(progress[lesson.id].answers).sort()).toEqual(await questions.evaluateAll((els) => els.map((el) => el.id).sort()));
    await expect(page.locator('.lesson-progress')).toContainText(`${count} of ${count} questions answered`);

    // Coming back shows the answers given, and the course page counts the lesson as done.
    await page.reload();
    await expect(page.locator('lesson-question.lq-revealed')).toHaveCount(count);
    await page.goto('/www/lessons/');
    await expect(page.locator('.course-item').nth(index)).toHaveClass(/course-done/);
    await expect(page.locator('.course-item').nth(index).locator('.course-state')).toContainText('Done');
    await page.getByRole('button', { name: 'Forget all my answers' }).click();
    await expect(page.locator('.course-item').nth(index).locator('.course-state')).toHaveText('Not started');
    await expect(page.getByRole('button', { name: 'Forget all my answers' })).toHaveCount(0);

    // The phone layout: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate((key) => localStorage.removeItem(key), PROGRESS_KEY);
    await page.goto(lessonUrl(lesson));
    await lessonReady(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, `lesson-${index + 1}-${lesson.id}-390`, { fullPage: true });
  });
}

test('the course page lists every lesson with its goal and duration, linked, in order', async ({ page }) => {
  await page.goto('/www/lessons/');
  const items = page.locator('.course-item');
  await expect(items).toHaveCount(course.lessons.length);
  for (const [i, lesson] of course.lessons.entries()) {
    await expect(items.nth(i).locator('.course-title a')).toHaveText(lesson.title);
    await expect(items.nth(i).locator('.course-title a')).toHaveAttribute('href', lesson.file);
    await expect(items.nth(i).locator('.course-goal')).toHaveText(lesson.goal);
    await expect(items.nth(i)).toContainText(`${lesson.minutes} minutes`);
  }
  const total = course.lessons.reduce((sum, lesson) => sum + lesson.minutes, 0);
  await expect(page.locator('.course-total')).toContainText(`${course.lessons.length} lessons, about ${total} minutes`);
  await screenshot(page, 'lessons-course-1280', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'lessons-course-390', { fullPage: true });
});

/** softmax(q·k) and Σ w·v written out: the reference for the hand-written table. */
function handAttention(q, k, v) {
  const scores = k.map((row) => row.reduce((sum, x, i) => sum + x * q[i], 0));
  const top = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - top));
  const total = e.reduce((a, b) => a + b, 0);
  const weights = e.map((x) => x / total);
  const output = v[0].map((_, c) => v.reduce((sum, row, j) => sum + weights[j] * row[c], 0));
  return { scores, weights, output };
}

test('lesson 1: the hand-written table and its sentences agree with softmax written out; editing a number recomputes', async ({ page }) => {
  await page.goto('/www/lessons/weighted-average.html');
  await lessonReady(page);
  const K = [[2, 0], [3, 0], [0, 2], [0.5, 3]];
  const V = [[4, 0], [4, 0], [0, 4], [0, 6]];
  const ref = handAttention([1, 0], K, V);
  const value = (selector) => page.locator(selector).textContent();
  expect(await value('lesson-value[measure="output"][column="legs"]')).toBe(ref.output[0].toFixed(2));
  expect(await value('lesson-value[measure="output"][column="wheels"]')).toBe(ref.output[1].toFixed(2));
  expect(await value('p:not(lesson-reveal p) > lesson-value[of="pick"][key="dog"]')).toBe(ref.weights[1].toFixed(3));
  expect(await value('lesson-value[answer][measure="uniform-output"]')).toBe((8 / 4).toFixed(2));
  const doubled = handAttention([2, 0], K, V);
  expect(await value('lesson-value[of="pick-double"][key="dog"]')).toBe(doubled.weights[1].toFixed(3));

  // The token question: the dog is the right answer, the cat a wrong one with its weight named.
  const first = page.locator('lesson-question#most-weight');
  await first.getByRole('radio', { name: 'cat' }).check();
  await first.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(first.locator('.lq-feedback')).toHaveText('Not quite.');
  await expect(first.locator('.lq-answer')).toContainText(`‘dog’: ${ref.weights[1].toFixed(3)}`);
  await expect(first.locator('.lq-answer')).toContainText(`Your choice ‘cat’ gets ${ref.weights[0].toFixed(3)}`);

  // Editing the query recomputes the table and the sentences that quote it.
  const table = page.locator('lesson-qkv#pick');
  await table.getByRole('spinbutton', { name: 'vehicle of the query' }).fill('1');
  const edited = handAttention([1, 1], K, V);
  await expect(page.locator('lesson-value[measure="output"][column="wheels"]')).toHaveText(edited.output[1].toFixed(2));
  await expect(table.locator('tbody tr').nth(3).locator('.qkv-weight span')).toHaveText(edited.weights[3].toFixed(3));
  await table.getByRole('spinbutton', { name: 'vehicle of the query' }).fill('');
  await expect(table.locator('.qkv-message')).toHaveText('Every box needs a number.');
});

test('lesson 1: MiniLM\'s previous-word head, as the core computes it in Node', async ({ page }) => {
  test.skip(!HAS_MINILM, 'all-MiniLM-L6-v2 is fetched by scripts/fetch-model.sh');
  test.setTimeout(120_000);
  const { core } = checked;
  const session = new core.Session();
  session.loadModel('all-MiniLM-L6-v2', readFileSync(path.join(MINILM, 'config.json'), 'utf8'),
    readFileSync(path.join(MINILM, 'tokenizer.json'), 'utf8'), undefined, readFileSync(path.join(MINILM, 'model.safetensors')));
  const summary = session.run({ source: 'model', text: 'The chef who cooked the soup was tired.' });
  const tokens = summary.sequences[0].tokens.map((t) => t.text);
  const weights = session.weights(0, 2);
  session.free();
  const n = tokens.length;
  const was = tokens.indexOf('was');
  const tired = tokens.indexOf('tired');
  const row = [...weights.slice(tired * n, (tired + 1) * n)];
  const top = row.indexOf(Math.max(...row));
  expect(tokens[top]).toBe('was');

  await page.goto('/www/lessons/weighted-average.html');
  await lessonReady(page);
  await expect(page.locator('lesson-value[of="minilm"]')).toHaveText(weights[was * n + tokens.indexOf('soup')].toFixed(3));
  const question = page.locator('lesson-question#previous-word');
  await question.getByRole('radio', { name: 'was' }).check();
  await question.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(question.locator('.lq-feedback')).toHaveText('Right.');
  await expect(question.locator('.lq-answer')).toHaveText(`‘tired’ gives the most weight to ‘was’: ${row[top].toFixed(3)} (layer 1, head 3 of all-MiniLM-L6-v2).`);
  // The reveal moves the playground to the query asked about.
  await expect.poll(() => question.locator('attention-playground').evaluate((el) => el.state?.query)).toBe(tired);

  // Unveiled, the playground takes the reader's own text: the answer given stands for the old
  // one; trying again puts the question's text back.
  await question.getByRole('textbox', { name: 'Sentence', exact: true }).fill('The soup was tired.');
  await expect(question.locator('.lq-answer')).toContainText('now shows another text');
  await question.getByRole('button', { name: 'Try again' }).click();
  await expect(question.locator('attention-playground')).toHaveAttribute('text', 'The chef who cooked the soup was tired.');
  await expect(question.locator('attention-playground')).toHaveAttribute('query', '7');
  await expect(question.locator('.lq-chip')).toHaveText(tokens, { timeout: 20_000 });
  // Before an answer, the keys follow the playground's text; a text without the token the
  // question is about says so instead of offering keys.
  const playground = question.locator('attention-playground');
  await playground.evaluate((el) => el.setAttribute('text', 'The soup was tired.'));
  await expect(question.locator('.lq-chip')).toHaveText(['[CLS]', 'the', 'soup', 'was', 'tired', '.', '[SEP]'], { timeout: 20_000 });
  await playground.evaluate((el) => el.setAttribute('text', 'The soup was hot.'));
  await expect(question.locator('.lq-answers')).toContainText('a token the playground\'s text no longer has', { timeout: 20_000 });
  await expect(question.locator('.lq-chip')).toHaveCount(0);
});

test('lesson 1 with the keyboard alone, as a screen reader reads it', async ({ page }) => {
  await page.goto('/www/lessons/weighted-average.html');
  await lessonReady(page);
  const question = page.getByRole('group', { name: 'Before you look: which key gets the most weight from the query [1, 0]?' });
  await expect(question).toBeVisible();
  // The veiled table is out of the tab order and hidden from assistive technology; what is read
  // is the question, that the playground waits, the keys to choose from and the button.
  await expect(question.getByRole('spinbutton')).toHaveCount(0);
  await expect(question).toMatchAriaSnapshot(`
    - 'group "Before you look: which key gets the most weight from the query [1, 0]?"':
      - paragraph: Predict · question 1 of 4
      - paragraph: "Before you look: which key gets the most weight from the query [1, 0]?"
      - paragraph: "Predict first: the playground shows the answer."
      - radiogroup "Your prediction":
        - paragraph: Pick the key you predict gets the most weight.
        - radio "cat"
        - text: cat
        - radio "dog"
        - text: dog
        - radio "car"
        - text: car
        - radio "bus"
        - text: bus
      - button "Check my prediction" [disabled]
  `);
  await expect(page.locator('.lesson-meta')).toMatchAriaSnapshot(`
    - paragraph:
      - strong: "Goal:"
      - text: /Explain attention's output as a weighted average/
    - paragraph: /7 minutes 4 predictions/
    - paragraph: "Your progress: 0 of 4 questions answered. Kept in this browser only."
  `);

  // From the page's top, Tab reaches the first question's keys (after the course link).
  await page.locator('h1').click();
  await page.keyboard.press('Tab');
  await expect(question.getByRole('radio', { name: 'cat' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(question.getByRole('radio', { name: 'dog' })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(question.getByRole('button', { name: 'Check my prediction' })).toBeFocused();
  await page.keyboard.press('Enter');
  const status = question.getByRole('status');
  await expect(status).toHaveText('Right.');
  await expect(status).toBeFocused();
  await expect(question.getByRole('spinbutton')).toHaveCount(2 + 4 * 2 + 4 * 2); // q, then k and v of each of the four keys

  // The choice question: arrows pick an option, Space on the button checks.
  const choice = page.getByRole('group', { name: 'Double the query to [2, 0]. What happens to the dog\'s weight?' });
  await choice.getByRole('radio').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(choice.getByRole('radio').nth(1)).toBeChecked();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(choice.getByRole('status')).toHaveText('Not quite.');
  await expect(choice.locator('.lq-answer')).toHaveText('The answer: It grows: the dog takes an even larger share.');
  await page.keyboard.press('Tab');
  await expect(choice.getByRole('button', { name: 'Try again' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(choice.getByRole('radio').first()).toBeFocused();
  await expect(choice.locator('lesson-reveal')).toBeHidden();

  // The slider: arrow keys move it, its value is read out.
  const slider = page.getByRole('slider', { name: 'Your estimate' });
  await slider.focus();
  for (let i = 0; i < 20; i += 1) await page.keyboard.press('ArrowRight');
  await expect(page.locator('lesson-question#plain-average output')).toHaveText('2.0 legs');
  await expect(slider).toHaveAttribute('aria-valuetext', '2.0 legs');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.locator('lesson-question#plain-average').getByRole('status')).toHaveText('Right.');
});

/** A live number of the page, as a number. */
async function reading(page, selector) {
  const text = await page.locator(selector).first().textContent();
  return Number(text.replace('\u2212', '-'));
}

test('what the lessons claim holds in the numbers they show', async ({ page }) => {
  test.setTimeout(180_000);
  // Lesson 3: without the division the entropy collapses as dₖ grows; with it, it stays.
  await page.goto('/www/lessons/why-sqrt-dk.html');
  await lessonReady(page);
  const unscaled2 = await reading(page, 'lesson-value[of="entropy"][series="not scaled"][measure="entropy"][at="2"]');
  const unscaled1024 = await reading(page, 'lesson-value[of="entropy"][series="not scaled"][measure="entropy"][at="1024"]');
  const scaled1024 = await reading(page, 'lesson-value[of="entropy"][series="divided by √d_k"][at="1024"]');
  expect(unscaled1024).toBeLessThan(unscaled2 / 4);
  expect(scaled1024).toBeGreaterThan(unscaled2);
  expect(await reading(page, 'lesson-value[of="spread"][from="4"]')).toBeGreaterThan(4);
  expect(await reading(page, 'lesson-value[of="raw512"][measure="entropy"]')).toBeLessThan(await reading(page, 'lesson-value[of="scaled512"][measure="entropy"]'));

  // Lesson 4: colder is more peaked.
  await page.goto('/www/lessons/temperature.html');
  await lessonReady(page);
  expect(await reading(page, 'lesson-value[answer][of="dial"]')).toBeGreaterThan(await reading(page, 'lesson-value[of="dial"][at="1"]'));
  expect(await reading(page, 'lesson-value[of="dial-entropy"][at="10"][measure="entropy"]')).toBeGreaterThan(await reading(page, 'lesson-value[of="dial-entropy"][at="0.1"]'));

  // Lesson 5: a mask leaves exactly nothing; earlier rows of a causal decoder do not move.
  await page.goto('/www/lessons/masks.html');
  await lessonReady(page);
  expect(await reading(page, 'lesson-value[measure="masked-weight"]')).toBe(0);
  expect(await reading(page, 'lesson-value[measure="future-weight"]')).toBe(0);
  expect(await reading(page, 'lesson-value[measure="prefix-difference"]')).toBeLessThan(1e-6);

  // Word order: without positions a swap only permutes the weights; with positions it does not.
  await page.goto('/www/lessons/word-order.html');
  await lessonReady(page);
  expect(await reading(page, 'lesson-value[of="none-a"][measure="permuted-difference"]')).toBe(0);
  expect(await reading(page, 'lesson-value[of="none-a"][key="dog"]')).toBe(await reading(page, 'lesson-value[of="none-b"][key="dog"]'));
  expect(await reading(page, 'lesson-value[of="sin-a"][measure="permuted-difference"]')).toBeGreaterThan(0.01);
  expect(await reading(page, 'lesson-value[of="rope-a"][measure="permuted-difference"]')).toBeGreaterThan(0.01);
});

test('a printed lesson shows each question with its answer and explanation, without buttons', async ({ page }) => {
  await page.goto('/www/lessons/weighted-average.html');
  await lessonReady(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('lesson-reveal').first()).toBeVisible();
  await expect(page.locator('.lq-answer').first()).toBeVisible();
  await expect(page.locator('.lq-answer').first()).toContainText('gives the most weight to ‘dog’');
  await expect(page.getByRole('button', { name: 'Check my prediction' }).first()).toBeHidden();
  await expect(page.locator('.lesson-footer')).toBeHidden();
  await page.pdf({ path: path.join(repo, 'test-results', 'lesson-1.pdf') }).catch(() => {});
});

test('a lesson embedded alone (?embed=1) drops the course around it and opens links in a new tab', async ({ page }) => {
  await page.goto('/www/lessons/weighted-average.html?embed=1');
  await expect(page.locator('.lesson-goal')).toBeVisible();
  await expect(page.locator('.lesson-crumbs')).toBeHidden();
  await expect(page.locator('.lesson-footer')).toBeHidden();
});
