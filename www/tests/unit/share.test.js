import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementAttributes, elementSnippet, iframeSnippet, settingsAttribute, shareLink } from '../../src/share.js';
import { defaultPresentation, defaultState } from '../../src/state.js';
import { decodeParams, decodeState } from '../../src/url-state.js';
import { focusEvents } from '../../src/focus.js';

const page = new URL('https://example.org/attention/');

test('a default playground is described by its text alone', () => {
  assert.deepEqual(elementAttributes(defaultState(), defaultPresentation()), [['text', defaultState().text]]);
  assert.equal(settingsAttribute(defaultState()), '');
});

test('the element’s attributes describe the state, and read back to it', () => {
  const state = defaultState();
  Object.assign(state, { view: 'player', head: 2, query: 7, step: 12, speed: 2, pin: { side: 'k', index: 3 } });
  Object.assign(state.model, { heads: 8, score: 'cosine', scale: false });
  state.model.masks.causal = true;
  const presentation = { controls: /** @type {const} */ ('minimal'), autoplay: true, embed: false };
  const attributes = elementAttributes(state, presentation);
  const names = attributes.map(([name]) => name);
  assert.deepEqual(names, ['text', 'view', 'head', 'query', 'step', 'autoplay', 'controls', 'settings']);
  assert.equal(attributes.find(([name]) => name === 'view')?.[1], 'steps');
  assert.equal(attributes.find(([name]) => name === 'settings')?.[1], 'h=8&score=cosine&causal=1&speed=2&pin=k3');
  // What the element does with them: settings first, then each attribute.
  const params = new URLSearchParams(String(attributes.find(([name]) => name === 'settings')?.[1]));
  for (const [name, value] of attributes) if (name !== 'settings') params.set(name, value ?? '1');
  const back = decodeParams(params);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.state, state);
  assert.deepEqual(back.presentation, presentation);
});

test('snippets escape what they quote', () => {
  const state = { ...defaultState(), text: 'Say "<b>hi</b>" & go' };
  const snippet = elementSnippet(new URL('https://example.org/a/www/dist/attention-playground.js'), state, defaultPresentation());
  assert.ok(snippet.startsWith('<script type="module" src="https://example.org/a/www/dist/attention-playground.js"></script>\n<attention-playground'));
  assert.ok(snippet.includes('text="Say &quot;&lt;b&gt;hi&lt;/b&gt;&quot; &amp; go"'));
  const iframe = iframeSnippet(page, state, { controls: 'none', autoplay: false, embed: false });
  assert.match(iframe, /^<iframe src="https:\/\/example\.org\/attention\/#v=1&amp;text=Say/);
  assert.match(iframe, /controls=none&amp;embed=1"/);
  assert.match(iframe, /height="560"/);
  const link = shareLink(page, state, { autoplay: true });
  assert.equal(decodeState(new URL(link).hash).state.text, state.text);
  assert.equal(decodeState(new URL(link).hash).presentation.autoplay, true);
  assert.equal(decodeState(new URL(link).hash).presentation.embed, false);
});

test('links read the attributes’ longer names and the views’ public names', () => {
  const decoded = decodeState('#v=1&query=5&cross-text=Le%20chat&view=grid&layer=0&model=toy&controls=none&autoplay=1');
  assert.deepEqual(decoded.problems, []);
  assert.equal(decoded.state.query, 5);
  assert.equal(decoded.state.crossText, 'Le chat');
  assert.equal(decoded.state.view, 'heads');
  assert.equal(decodeState('#v=1&view=steps').state.view, 'player');
  assert.equal(decodeState('#v=1&view=player').state.view, 'player');
  assert.deepEqual(decoded.presentation, { controls: 'none', autoplay: true, embed: false });
});

test('a model is "toy" or a folder’s address; anything else is refused with a note', () => {
  assert.equal(decodeState('#v=1&model=models/all-MiniLM-L6-v2/').state.source, 'models/all-MiniLM-L6-v2/');
  assert.equal(decodeState('#v=1&model=https://example.org/m/').state.source, 'https://example.org/m/');
  for (const bad of ['javascript:alert(1)', '"><img src=x>', 'a b', 'x'.repeat(600)]) {
    const decoded = decodeState(`#v=1&model=${encodeURIComponent(bad)}`);
    assert.equal(decoded.state.source, 'toy', bad);
    assert.equal(decoded.problems.length, 1, bad);
  }
  const wrong = decodeState('#v=1&controls=some&layer=-3&view=table');
  assert.equal(wrong.presentation.controls, 'full');
  assert.equal(wrong.state.layer, 0);
  assert.equal(wrong.state.view, 'heatmap');
  assert.equal(wrong.problems.length, 3);
});

test('a change of focus fires the events of what changed', () => {
  const focus = { view: /** @type {const} */ ('heatmap'), layer: 0, head: 0, query: 2, token: 'it', step: 0, steps: 29, stage: /** @type {const} */ ('score'), key: 0 };
  assert.deepEqual(focusEvents(focus, { ...focus }), []);
  assert.deepEqual(focusEvents(focus, { ...focus, query: 3, token: 'was' }), ['querychange']);
  assert.deepEqual(focusEvents(focus, { ...focus, token: 'that' }), ['querychange']);
  assert.deepEqual(focusEvents(focus, { ...focus, head: 1 }), ['headchange']);
  assert.deepEqual(focusEvents(focus, { ...focus, step: 1, key: 1 }), ['stepchange']);
  assert.deepEqual(focusEvents(focus, { ...focus, query: 3, step: 0, head: 2 }), ['querychange', 'headchange']);
  assert.deepEqual(focusEvents(focus, { ...focus, view: 'lines' }), []);
});
