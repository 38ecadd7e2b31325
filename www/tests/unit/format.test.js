import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipText, formatNumber, formatWeight, parseFormatted, quoteToken } from '../../src/format.js';
import { limitNotes, limitText, TEXT_LIMIT } from '../../src/limits.js';
import { errorField } from '../../src/protocol.js';
import { runRequest, toggleBlocked, toToyConfig, defaultState } from '../../src/state.js';

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

test('the core names the field of its errors; anything else has none', () => {
  assert.equal(errorField(Object.assign(new Error('d_model 64 is not divisible by 5 heads'), { field: 'heads' })), 'heads');
  assert.equal(errorField(new Error('the core failed')), null);
  assert.equal(errorField('a string'), null);
  assert.equal(errorField(Object.assign(new Error('x'), { field: 3 })), null);
});

test('one request shape for every source', () => {
  const state = defaultState();
  const input = { text: 'a b', crossText: 'c', dModel: 384 };
  assert.deepEqual(runRequest(state, 'model', input), { source: 'model', text: 'a b' });
  const toy = runRequest(state, 'toy', input);
  assert.equal(toy.source, 'toy');
  assert.ok(toy.source === 'toy' && toy.config.dModel === 64 && toy.crossText === undefined && !toy.vectors);
  const vectors = runRequest({ ...state, model: { ...state.model, mode: 'cross' } }, 'vectors', input);
  assert.ok(vectors.source === 'toy' && vectors.config.dModel === 384 && vectors.crossText === 'c' && vectors.vectors);
});

test('the state becomes the core configuration, masks combined', () => {
  const state = defaultState();
  state.model.masks = { causal: true, window: 2, padTo: null, blocked: toggleBlocked([], 1, 0) };
  const config = toToyConfig(state.model);
  assert.deepEqual(config.masks, [{ kind: 'causal' }, { kind: 'window', width: 2 }, { kind: 'custom', blocked: [[1, 0]] }]);
  assert.equal(config.maxTokens, 1024);
  assert.deepEqual(toggleBlocked([[1, 0]], 1, 0), []);
});

test('clipped text stays whole when short, and never ends inside a surrogate pair', () => {
  assert.equal(clipText('street', 64), 'street');
  const marks = `a${'\u0301'.repeat(20000)}`;
  assert.equal(clipText(marks, 64).length, 64);
  assert.ok(clipText(marks, 64).endsWith('…'));
  assert.equal(clipText('ab😀cd', 4), 'ab…', 'the pair would be cut: it goes whole');
  assert.equal(clipText('abc😀d', 4), 'abc…');
});
