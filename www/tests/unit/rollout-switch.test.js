// Which runs offer the rollout and the flow, and that every other multi-layer kind says why not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noRolloutReason } from '../../src/views/rollout-switch.js';

test('encoders (text or picture) and the one-layer toy need no reason; every other kind gives one', () => {
  for (const kind of /** @type {const} */ (['encoder', 'vision', 'toy'])) assert.equal(noRolloutReason(kind), '');
  for (const kind of /** @type {const} */ (['decoder', 'encoder-decoder', 'captioner'])) {
    assert.match(noRolloutReason(kind), /offered for encoders/, kind);
  }
  assert.match(noRolloutReason('captioner'), /cross-attention/);
});
