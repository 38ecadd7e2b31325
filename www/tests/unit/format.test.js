import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, formatWeight, parseFormatted, quoteToken } from '../../src/format.js';
import { limitNotes, limitText, TEXT_LIMIT } from '../../src/limits.js';
import { fieldOfMessage } from '../../src/field-errors.js';
import { toggleBlocked, toToyConfig, defaultState } from '../../src/state.js';

test('numbers always look finite', () => {
  assert.equal(formatNumber(-Infinity), '−∞');
  assert.equal(formatNumber(NaN), '—');
  assert.equal(formatNumber(-1.23456), '−1.235');
  assert.equal(formatNumber(-0.0001), '−1.00e-4');
  assert.equal(formatNumber(-0), '0.000');
  assert.equal(formatNumber(123456789), '1.23e8');
  assert.equal(formatWeight(0.61999), '0.620');
  assert.equal(parseFormatted('−1.235'), -1.235);
  assert.equal(parseFormatted('−∞'), -Infinity);
  assert.equal(quoteToken('it'), '‘it’');
});

test('long text is cut at a character boundary and the note says so', () => {
  const text = `${'a'.repeat(TEXT_LIMIT - 1)}😀tail`;
  const limited = limitText(text);
  assert.equal(limited.cut, true);
  assert.equal(limited.text.length, TEXT_LIMIT - 1);
  assert.equal(limited.total, text.length);
  const notes = limitNotes({ characters: limited, truncated: { limit: 1024, total: 5000, which: 'text' } });
  assert.equal(notes.length, 2);
  assert.match(notes[1], /Showing the first 1,024 of 5,000 tokens/);
  assert.deepEqual(limitNotes({ characters: limitText('short'), truncated: null }), []);
});

test('core messages find their control', () => {
  assert.equal(fieldOfMessage('d_model 64 is not divisible by 5 heads: choose heads that divide d_model'), 'heads');
  assert.equal(fieldOfMessage('4 heads cannot be shared evenly by 3 key/value heads: key/value heads must divide heads'), 'kvHeads');
  assert.equal(fieldOfMessage('d_model must be between 2 and 1024, not 1'), 'dModel');
  assert.equal(fieldOfMessage('the text is empty: type at least one word'), 'text');
  assert.equal(fieldOfMessage('the cross-attention text is empty: type at least one word'), 'crossText');
  assert.equal(fieldOfMessage('something else'), null);
});

test('the state becomes the core configuration, masks combined', () => {
  const state = defaultState();
  state.model.masks = { causal: true, window: 2, padTo: null, blocked: toggleBlocked([], 1, 0) };
  const config = toToyConfig(state.model);
  assert.deepEqual(config.masks, [{ kind: 'causal' }, { kind: 'window', width: 2 }, { kind: 'custom', blocked: [[1, 0]] }]);
  assert.equal(config.maxTokens, 1024);
  assert.deepEqual(toggleBlocked([[1, 0]], 1, 0), []);
});
