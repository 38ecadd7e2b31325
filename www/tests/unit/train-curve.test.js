import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_POINTS, runMeans, ticksTo } from '../../src/train/curve.js';

test('a short curve is drawn step by step', () => {
  const { steps, values, size } = runMeans([1, 2, 3], [3, 2, 1]);
  assert.equal(size, 1);
  assert.deepEqual(steps, [1, 2, 3]);
  assert.deepEqual(values, [3, 2, 1]);
});

test('a long curve is the mean of equal runs of steps, never more points than the room', () => {
  const n = 1000;
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  const values = steps.map((s) => s % 2);
  const drawn = runMeans(steps, values);
  assert.ok(drawn.steps.length <= MAX_POINTS);
  assert.equal(drawn.size, Math.ceil(n / MAX_POINTS));
  // Runs of 4 steps: 1..4 average to step 2.5, value 0.5.
  assert.equal(drawn.steps[0], 2.5);
  assert.equal(drawn.values[0], 0.5);
  // Every step is in exactly one run: the means of the runs, weighted, give the whole mean.
  const total = drawn.values.reduce((sum, v, i) => sum + v * Math.min(drawn.size, n - i * drawn.size), 0);
  assert.equal(total, values.reduce((a, b) => a + b, 0));
});

test('non-finite values are left out of a run, not drawn as NaN', () => {
  const drawn = runMeans([1, 2, 3], [1, NaN, Infinity], 1);
  assert.deepEqual(drawn.values, [1]);
  assert.deepEqual(drawn.steps, [1]);
  assert.deepEqual(runMeans([1], [NaN]).values, []);
});

test('axis ticks are round, start at 0 and end at the top', () => {
  assert.deepEqual(ticksTo(4), [0, 1, 2, 3, 4]);
  assert.deepEqual(ticksTo(400), [0, 100, 200, 300, 400]);
  assert.deepEqual(ticksTo(2.5), [0, 0.5, 1, 1.5, 2, 2.5]);
  for (const top of [1, 2, 2.5, 4, 5, 10, 20, 25, 40, 50, 100, 250, 2000]) {
    const ticks = ticksTo(top);
    assert.equal(ticks[0], 0);
    assert.equal(ticks.at(-1), top);
    assert.ok(ticks.length >= 3 && ticks.length <= 6, `${top}: ${ticks}`);
  }
});
