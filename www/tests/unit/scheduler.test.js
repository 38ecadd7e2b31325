import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUICK_RUN_MS, typingDelay } from '../../src/scheduler.js';

test('typing waits for a pause only after a slow run, never longer than the run or the longest delay', () => {
  assert.equal(typingDelay(null, 120), 120);
  assert.equal(typingDelay(0, 120), 0);
  assert.equal(typingDelay(QUICK_RUN_MS - 1, 120), 0);
  assert.equal(typingDelay(QUICK_RUN_MS, 120), QUICK_RUN_MS);
  assert.equal(typingDelay(90, 120), 90);
  assert.equal(typingDelay(2000, 120), 120);
  for (let ms = 0; ms < 3000; ms += 7) {
    const delay = typingDelay(ms, 120);
    assert.ok(delay >= 0 && delay <= 120 && delay <= ms, `${ms} ms → ${delay}`);
  }
});
