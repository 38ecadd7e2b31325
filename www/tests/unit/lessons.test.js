// The lessons' pure modules: the course list (and the committed course.json with its files),
// progress records, the measures a lesson reads off a playground's weights, and the notations
// authors write in attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MINUTES, parseCourse, placeOf, totalMinutes } from '../../src/lessons/course.js';
import { futureWeight, maskedWeight, matchTokens, permutedDifference, prefixDifference, readingText, rowEntropy, tokenIndex, topKey, withinTolerance } from '../../src/lessons/measure.js';
import { parseRows, parseSeries, parseSettings } from '../../src/lessons/notation.js';
import { PROGRESS_KEY, forget, lessonProgress, progressSummary, readProgress, recordAnswer, recordQuestions } from '../../src/lessons/progress.js';

const lessonsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lessons');

const entry = (id, extra = {}) => ({ id, file: `${id}.html`, title: `T ${id}`, goal: 'G', minutes: 6, uses: 'the toy', ...extra });
const courseText = (lessons) => JSON.stringify({ title: 'C', lessons });

test('the committed course list reads, and every lesson it lists is a page naming itself', () => {
  const course = parseCourse(readFileSync(path.join(lessonsDir, 'course.json'), 'utf8'));
  assert.ok(course.lessons.length >= 1);
  for (const lesson of course.lessons) {
    const file = path.join(lessonsDir, lesson.file);
    assert.ok(existsSync(file), `${lesson.file} exists`);
    const html = readFileSync(file, 'utf8');
    assert.match(html, new RegExp(`<main class="lesson" data-lesson="${lesson.id}">`));
    assert.ok(html.includes(`<h1>${lesson.title}</h1>`), `${lesson.file}'s <h1> is its title in course.json`);
    assert.ok((html.match(/<lesson-question /g) ?? []).length >= 2, `${lesson.file} asks at least two questions`);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=/i, `${lesson.file} has no inline script, style or handler`);
  }
});

test('a course list with a problem names the lesson and the field', () => {
  assert.throws(() => parseCourse('{'), /course.json is not JSON/);
  assert.throws(() => parseCourse(courseText([])), /lists no lessons/);
  assert.throws(() => parseCourse(courseText([entry('a'), entry('a')])), /lesson 2: the id "a" is used twice/);
  assert.throws(() => parseCourse(courseText([entry('a', { minutes: 12 })])), new RegExp(`"minutes" must be a whole number from ${MINUTES.min} to ${MINUTES.max}`));
  assert.throws(() => parseCourse(courseText([entry('a', { file: '../x.html' })])), /"file" must name an .html file/);
  assert.throws(() => parseCourse(courseText([entry('a', { goal: ' ' })])), /lesson 1: "goal" must be a non-empty text/);
  assert.throws(() => parseCourse(courseText([entry('A b')])), /"id" must be lowercase words/);
});

test('a lesson\'s place: number, previous and next; the course\'s length', () => {
  const course = parseCourse(courseText([entry('a'), entry('b', { minutes: 9 }), entry('c')]));
  assert.deepEqual(placeOf(course, 'b'), { index: 1, lesson: course.lessons[1], previous: course.lessons[0], next: course.lessons[2] });
  assert.equal(placeOf(course, 'a').previous, null);
  assert.equal(placeOf(course, 'c').next, null);
  assert.equal(placeOf(course, 'z').lesson, null);
  assert.equal(totalMinutes(course), 21);
});

test('progress is kept per lesson and question, survives a bad record, and falls back to memory without storage', () => {
  /** @type {Map<string, string>} */
  const store = new Map();
  globalThis.localStorage = /** @type {any} */ ({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) });
  try {
    recordQuestions('one', 3);
    recordAnswer('one', 'q1', { answer: '2', correct: true });
    recordAnswer('one', 'q2', { answer: '0', correct: false });
    assert.equal(Object.keys(lessonProgress('one').answers).length, 2);
    assert.deepEqual(progressSummary(lessonProgress('one')), { answered: 2, total: 3, correct: 1, state: 'started', words: '2 of 3 questions answered' });
    recordAnswer('one', 'q3', { answer: '1', correct: true });
    assert.equal(progressSummary(lessonProgress('one')).words, 'Done: 2 of 3 predicted right');
    forget('one', 'q3');
    assert.equal(progressSummary(lessonProgress('one')).state, 'started');
    forget('one');
    assert.equal(progressSummary(lessonProgress('one')).words, 'Not started');
    store.set(PROGRESS_KEY, '{"one": {"questions": "x", "answers": {"q": {"answer": 1}}}, "two": 5}');
    assert.deepEqual(readProgress(), { one: { questions: 0, answers: {} } });
    globalThis.localStorage = /** @type {any} */ ({ getItem: () => null, setItem: () => { throw new Error('refused'); } });
    recordAnswer('two', 'q', { answer: 'a', correct: true });
    assert.equal(lessonProgress('two').answers.q.answer, 'a');
  } finally {
    delete globalThis.localStorage;
  }
});

/** Weights shaped as a playground's JSON export gives them. */
const weights = (queryTokens, keyTokens, rows, masked = []) => ({ model: 'toy', caption: '', layer: 0, head: 0, queryTokens, keyTokens, weights: rows, masked });

test('measures: the top key, entropy over the allowed keys, weight on later keys', () => {
  const w = weights(['a', 'b', 'c'], ['a', 'b', 'c'], [[1, 0, 0], [0.5, 0.5, 0], [0.25, 0.25, 0.5]], [[0, 1], [0, 2], [1, 2]]);
  assert.deepEqual(topKey(w, 2), { key: 2, weight: 0.5 });
  assert.deepEqual(rowEntropy(w, 1), { bits: 1, max: 1, keys: 2 });
  assert.deepEqual(rowEntropy(w, 0), { bits: 0, max: 0, keys: 1 });
  assert.equal(rowEntropy(w, 2).bits, 1.5);
  assert.equal(futureWeight(w, 0), 0);
  assert.equal(futureWeight(weights(['a', 'b'], ['a', 'b'], [[0.3, 0.7], [0.5, 0.5]]), 0), 0.7);
  assert.equal(maskedWeight(w, 1), 0);
  assert.equal(maskedWeight(weights(['a'], ['a', '[PAD]'], [[0.75, 0.25]], [[0, 1]]), 0), 0.25);
});

test('a text and its continuation: the shared rows compared, and a text that does not continue refused', () => {
  const short = weights(['a', 'b'], ['a', 'b'], [[1, 0], [0.4, 0.6]], [[0, 1]]);
  const long = weights(['a', 'b', 'c'], ['a', 'b', 'c'], [[1, 0, 0], [0.4, 0.6, 0], [0.2, 0.2, 0.6]], [[0, 1], [0, 2], [1, 2]]);
  assert.equal(prefixDifference(short, long), 0);
  long.weights[1] = [0.3, 0.7, 0];
  assert.ok(Math.abs(prefixDifference(short, long) - 0.1) < 1e-12);
  assert.equal(prefixDifference(short, weights(['x', 'b', 'c'], ['x', 'b', 'c'], long.weights)), null);
});

test('tokens are named by position or text, with #n for a later occurrence; a missing one is named', () => {
  const tokens = ['[CLS]', 'the', 'cat', 'saw', 'the', 'Ġdog'];
  assert.equal(tokenIndex(tokens, '2'), 2);
  assert.equal(tokenIndex(tokens, 'the'), 1);
  assert.equal(tokenIndex(tokens, 'the#2'), 4);
  assert.equal(tokenIndex(tokens, 'dog'), 5);
  assert.equal(tokenIndex(tokens, 'The'), 1);
  assert.throws(() => tokenIndex(tokens, '9'), /there is no token 9: the text has 6 tokens/);
  assert.throws(() => tokenIndex(tokens, 'bird'), /there is no token ‘bird’ among/);
});

test('a permutation of the words is matched back, and weights that only moved differ by 0', () => {
  assert.deepEqual(matchTokens(['the', 'dog', 'bit', 'the', 'man'], ['the', 'man', 'bit', 'the', 'dog']), [0, 4, 2, 3, 1]);
  assert.equal(matchTokens(['a', 'b'], ['a', 'c']), null);
  const a = weights(['x', 'y', 'z'], ['x', 'y', 'z'], [[0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [0.4, 0.4, 0.2]]);
  // b is a with its tokens in the order z, x, y.
  const order = [2, 0, 1];
  const b = weights(['z', 'x', 'y'], ['z', 'x', 'y'], order.map((q) => order.map((k) => a.weights[q][k])));
  assert.equal(permutedDifference(a, b), 0);
  b.weights[0][0] += 0.25;
  assert.equal(permutedDifference(a, b), 0.25);
});

test('readings are written as the sentence needs them; answers within a tolerance count', () => {
  assert.equal(readingText(0.51234, 'weight', null), '0.512');
  assert.equal(readingText(2.3456, 'entropy', null), '2.35');
  assert.equal(readingText(-0.00001, 'row-sum', '3'), '0.000');
  assert.equal(readingText(-1.5, 'score', '1'), '−1.5');
  assert.equal(readingText('dog', 'top-key', null), '‘dog’');
  assert.equal(readingText(Number.NaN, 'weight', null), '—');
  assert.ok(withinTolerance(2.1, 2, 0.1));
  assert.ok(!withinTolerance(2.2, 2, 0.1));
});

test('notations: attributes to set, rows of numbers, named settings', () => {
  assert.deepEqual(parseSettings('view=lines; query=8;'), [['view', 'lines'], ['query', '8']]);
  assert.throws(() => parseSettings('view'), /"view" is not attribute=value/);
  assert.deepEqual(parseRows('1 0; 2, 0.5', 'k'), [[1, 0], [2, 0.5]]);
  assert.throws(() => parseRows('1 0; 2', 'k'), /k's rows must all hold as many numbers/);
  assert.throws(() => parseRows('1 x', 'q'), /q="1 x" must be rows of numbers/);
  assert.deepEqual(parseSeries('not scaled: scale=0 | scaled by 1/√d_k: scale=1'), [
    { name: 'not scaled', settings: 'scale=0' },
    { name: 'scaled by 1/√d_k', settings: 'scale=1' },
  ]);
  assert.deepEqual(parseSeries(''), [{ name: '', settings: '' }]);
});
