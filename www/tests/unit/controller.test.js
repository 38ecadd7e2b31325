import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGINS, TYPING_DELAY_MS, capitalise, initialPage, keyEvent, notesOf, reduce } from '../../src/controller.js';
import { foreignHost } from '../../src/model/address.js';
import { createPlayerClock } from '../../src/player-clock.js';
import { createScheduler } from '../../src/scheduler.js';
import { defaultPresentation, defaultState, runRequest } from '../../src/state.js';
import { computingKind, focusIn, stateIn, viewOf } from '../../src/view-model.js';
import { DECODER_INFO, makeDecoderRun, makeRun } from './fixtures.js';

/** @typedef {import('../../src/controller.js').Page} Page */
/** @typedef {import('../../src/controller.js').Event} Event */

const NO_MODEL = /** @type {import('../../src/model/loader.js').ModelStatus} */ ({
  phase: 'none', source: null, name: '', progress: null, info: null, report: null, message: null,
});
const PAGE_URL = 'https://course.example/attention/';
const ENV = { status: NO_MODEL, origin: ORIGINS.link, reducedMotion: false, foreignHost: (/** @type {string} */ s) => foreignHost(s, PAGE_URL) };

/** @param {Partial<import('../../src/url-state.js').DecodedState>} [decoded] */
function freshPage(decoded = {}) {
  return initialPage({ state: defaultState(), presentation: defaultPresentation(), problems: [], present: false, ...decoded }, ORIGINS.link);
}

/**
 * Applies events in order; returns the page and every effect.
 * @param {Page} page
 * @param {Event[]} events
 * @param {typeof ENV} [env]
 */
function play(page, events, env = ENV) {
  /** @type {import('../../src/controller.js').Effect[]} */
  const effects = [];
  for (const event of events) {
    const result = reduce(page, event, env);
    page = result.page;
    effects.push(...result.effects);
  }
  return { page, effects };
}

/** A run of `tokens` arriving for the page's state. */
function ran(/** @type {Page} */ page, /** @type {string[]} */ tokens, runId = 1) {
  const full = { ...makeRun(tokens), runId };
  return /** @type {Event} */ ({ type: 'ran', request: page.state, shown: { full, hidden: null }, breakdown: null, limits: [] });
}

test('typing waits for a pause; a change of settings runs at once; in the player the focus only asks for a breakdown', () => {
  const page = freshPage();
  const typed = play(page, [{ type: 'text', which: 'text', text: 'a b c' }]);
  assert.deepEqual(typed.effects, [{ type: 'run', delay: TYPING_DELAY_MS }]);
  assert.equal(typed.page.state.text, 'a b c');
  assert.equal(typed.page.runPending, true);
  const computed = play(typed.page, [ran(typed.page, ['a', 'b', 'c'])]);
  assert.equal(computed.page.runPending, false);
  assert.ok(computed.page.shown);
  const heads = play(computed.page, [{ type: 'patch', patch: { model: { ...computed.page.state.model, heads: 2 } } }]);
  assert.deepEqual(heads.effects, [{ type: 'run', delay: 0 }]);
  // The heatmap needs no breakdown (at 512 tokens one is megabytes): the player asks for it when
  // it opens, and again when its focus moves.
  const moved = play(computed.page, [{ type: 'patch', patch: { query: 2, head: 1 } }]);
  assert.deepEqual(moved.effects, [{ type: 'follow-query', query: 2 }]);
  const opened = play(moved.page, [{ type: 'patch', patch: { view: 'player' } }]);
  assert.deepEqual(opened.effects, [{ type: 'breakdown', runId: 1, focus: { block: 0, head: 1, query: 2 } }]);
  const focus = play(opened.page, [{ type: 'patch', patch: { query: 1 } }]);
  assert.deepEqual(focus.effects, [
    { type: 'breakdown', runId: 1, focus: { block: 0, head: 1, query: 1 } },
    { type: 'follow-query', query: 1 },
  ]);
  // While a run is on its way, a breakdown would be of the old run: none is asked for.
  const busy = play(heads.page, [{ type: 'patch', patch: { query: 1 } }]);
  assert.ok(busy.effects.every((e) => e.type !== 'breakdown'));
});

test('the focus is clamped to the run on screen, and kept while the run is of another source', () => {
  const page = play(freshPage(), [{ type: 'patch', patch: { query: 40, head: 9 } }]).page;
  assert.equal(page.state.query, 40, 'nothing to clamp to yet');
  const computed = play(page, [ran(page, ['a', 'b', 'c'])]).page;
  assert.deepEqual([computed.state.query, computed.state.head], [2, 1]);
  // A model is asked for: the toy's run stays on screen and does not clamp the layer asked for.
  const waiting = play(computed, [{ type: 'patch', patch: { source: 'models/m/', layer: 4 } }]);
  assert.equal(waiting.page.state.layer, 4);
  assert.deepEqual(waiting.effects.slice(0, 2), [{ type: 'want-model', source: 'models/m/' }, { type: 'run', delay: 0 }]);
});

test('a huge text replaced by whitespace keeps no note of what was cut from the huge one', () => {
  const cut = 'Only the first 20,000 of 500,000 characters are analysed.';
  const huge = play(freshPage(), [{ ...ran(freshPage(), ['a']), limits: [cut] }]).page;
  assert.deepEqual(notesOf(huge, NO_MODEL).map((n) => n.text), [cut]);
  const blank = play(huge, [
    { type: 'text', which: 'text', text: ' '.repeat(30000) },
    { type: 'run-failed', message: 'the text is empty: type at least one word', field: 'text' },
  ]).page;
  assert.deepEqual(blank.limits, []);
  assert.deepEqual(notesOf(blank, NO_MODEL), []);
  assert.equal(blank.inputError, 'The text is empty: type at least one word.');
});

test('an error about a control is shown beside it, about the text under it, anything else as a note', () => {
  const computed = play(freshPage(), [ran(freshPage(), ['a'])]).page;
  const heads = play(computed, [{ type: 'run-failed', message: 'd_model 64 is not divisible by 5 heads', field: 'heads' }]).page;
  assert.deepEqual(heads.fieldErrors, { heads: 'd_model 64 is not divisible by 5 heads.' });
  assert.equal(heads.notes.core, null);
  const text = play(computed, [{ type: 'run-failed', message: 'the text is empty: type at least one word', field: 'text' }]).page;
  assert.equal(text.inputError, 'The text is empty: type at least one word.');
  const other = play(computed, [{ type: 'run-failed', message: 'layer 0 produced a non-finite number', field: 'model' }]).page;
  assert.equal(other.notes.core, 'Layer 0 produced a non-finite number.');
  // With the controls hidden, a message about one becomes a note.
  const minimal = { ...computed, presentation: { ...computed.presentation, controls: /** @type {const} */ ('minimal') } };
  assert.equal(play(minimal, [{ type: 'run-failed', message: 'bad heads', field: 'heads' }]).page.notes.core, 'Bad heads.');
  // A successful run clears them all.
  const cleared = play(heads, [ran(heads, ['a'], 2)]).page;
  assert.deepEqual([cleared.fieldErrors, cleared.inputError, cleared.notes.core], [{}, '', null]);
});

test('a link whose settings cannot be computed at all gives way to the defaults, with a note', () => {
  const state = { ...defaultState(), text: 'x y' };
  const page = freshPage({ state, present: true });
  const { page: after, effects } = play(page, [{ type: 'run-failed', message: 'd_model 10 is not divisible by 3 heads', field: 'maxTokens' }]);
  assert.deepEqual(after.state, defaultState());
  assert.match(/** @type {string} */ (after.notes.link), /^This link’s settings could not be used \(d_model 10/);
  assert.deepEqual(effects, [{ type: 'set-texts' }, { type: 'run', delay: 0 }]);
});

test('a breakdown is taken only for the run and focus on screen', () => {
  const computed = play(freshPage(), [ran(freshPage(), ['a', 'b'], 3)]).page;
  const b = /** @type {import('../../src/types').Breakdown} */ (/** @type {unknown} */ ({ block: 0, head: 0, query: 0 }));
  assert.equal(play(computed, [{ type: 'breakdown', runId: 2, breakdown: b }]).page.breakdown, null, 'an older run');
  assert.equal(play(computed, [{ type: 'breakdown', runId: 3, breakdown: { ...b, query: 1 } }]).page.breakdown, null, 'another query');
  assert.equal(play(computed, [{ type: 'breakdown', runId: 3, breakdown: b }]).page.breakdown, b);
});

test('the player steps, plays on a clock, and stops at the end', () => {
  const page = play(freshPage(), [{ type: 'patch', patch: { view: 'player' } }]).page;
  const computed = play(page, [ran(page, ['a', 'b'])]).page;
  const started = play(computed, [{ type: 'play', on: true }]);
  assert.deepEqual(started.effects, [{ type: 'clock', on: true }]);
  let current = started.page;
  let ticks = 0;
  while (current.playing && ticks < 100) {
    current = play(current, [{ type: 'tick' }]).page;
    ticks += 1;
  }
  assert.equal(current.playing, false, 'the last step stops the clock');
  assert.equal(current.state.query, 1, 'played through both queries');
  assert.ok(ticks > 2);
  const back = play(current, [{ type: 'step', direction: -1 }]).page;
  assert.ok(back.state.step < current.state.step || back.state.query < current.state.query);
  // Autoplay waits for the player's numbers, and respects a wish for less motion.
  const auto = freshPage({ presentation: { ...defaultPresentation(), autoplay: true } });
  const shown = play(auto, [{ type: 'patch', patch: { view: 'player' } }, ran(auto, ['a'])]).page;
  const b = /** @type {any} */ ({ block: 0, head: 0, query: 0 });
  assert.equal(play(shown, [{ type: 'breakdown', runId: 1, breakdown: b }]).page.playing, true);
  assert.equal(play(shown, [{ type: 'breakdown', runId: 1, breakdown: b }], { ...ENV, reducedMotion: true }).page.playing, false);
});

test('keys: arrows move the query, or step in the player; space plays there', () => {
  assert.deepEqual(keyEvent('ArrowDown', 'heatmap', false, false), { type: 'move-query', delta: 1 });
  assert.deepEqual(keyEvent('ArrowLeft', 'player', false, false), { type: 'step', direction: -1 });
  assert.deepEqual(keyEvent(' ', 'player', false, true), { type: 'play', on: false });
  assert.equal(keyEvent(' ', 'player', true, false), null, 'space on a button presses the button');
  assert.equal(keyEvent(' ', 'heatmap', false, false), null);
  assert.equal(keyEvent('x', 'heatmap', false, false), null);
  const computed = play(freshPage(), [ran(freshPage(), ['a', 'b', 'c'])]).page;
  assert.equal(play(computed, [{ type: 'move-query', delta: 1 }, { type: 'move-query', delta: 5 }]).page.state.query, 2);
});

test('a model that fails or is cancelled leaves a note and the toy', () => {
  const page = play(freshPage(), [{ type: 'patch', patch: { source: 'models/m/' } }]).page;
  const failed = { ...NO_MODEL, phase: /** @type {const} */ ('failed'), source: 'models/m/', name: 'm', message: 'config.json: bad' };
  const after = play(page, [{ type: 'model-status' }], { ...ENV, status: failed }).page;
  assert.equal(after.state.source, 'toy');
  assert.equal(after.notes.model, 'The model “m” could not be loaded. config.json: bad. The toy model is shown.');
  assert.deepEqual(notesOf(after, failed).map((n) => n.kind), ['error']);
  const ready = { ...failed, phase: /** @type {const} */ ('ready'), message: null };
  assert.deepEqual(play(page, [{ type: 'model-status' }], { ...ENV, status: ready }).effects, [{ type: 'run', delay: 0 }]);
  const choose = play(after, [{ type: 'choose-source', patch: { source: 'models/n/' } }]).page;
  assert.equal(choose.notes.model, null);
});

test('the first effects load the linked model and compute; notes list the link first', () => {
  const page = freshPage({ state: { ...defaultState(), vectors: 'models/m/' }, problems: ['head: not a number'] });
  assert.deepEqual(play(page, [{ type: 'start' }]).effects, [{ type: 'want-model', source: 'models/m/' }, { type: 'set-texts' }, { type: 'run', delay: 0 }]);
  assert.deepEqual(notesOf(page, NO_MODEL), [{ kind: 'warn', text: 'This link had values that could not be used, so defaults stand in for them: head: not a number.', dismiss: true }]);
  assert.deepEqual(notesOf(play(page, [{ type: 'dismiss-link-note' }]).page, NO_MODEL), []);
  assert.equal(capitalise('model.safetensors: truncated'), 'model.safetensors: truncated.');
  assert.equal(capitalise('the text is empty.'), 'The text is empty.');
});

test('the view model: which computation, what each view shows, in whose indices', () => {
  const state = { ...defaultState(), source: 'models/m/' };
  const ready = { ...NO_MODEL, phase: /** @type {const} */ ('ready'), source: 'models/m/' };
  assert.equal(computingKind(state, ready), 'model');
  assert.equal(computingKind(state, NO_MODEL), 'toy');
  assert.equal(computingKind({ ...defaultState(), vectors: 'models/m/' }, ready), 'vectors');
  const full = makeRun(['[CLS]', 'a', 'b', '[SEP]']);
  const hidden = { ...makeRun(['a', 'b']), model: /** @type {any} */ ({ kept: [1, 2] }) };
  const shown = { full, hidden };
  const f = focusIn({ ...defaultState(), query: 0 }, shown);
  assert.equal(f.query, 1, 'the heatmap focuses the nearest token it shows');
  assert.equal(focusIn({ ...defaultState(), view: 'player', query: 0 }, shown).query, 0, 'the player shows every token');
  assert.equal(viewOf(shown, 'heatmap', 0), hidden);
  assert.equal(viewOf(shown, 'player', 0), full);
  assert.equal(stateIn({ ...defaultState(), pin: { side: 'k', index: 2 } }, f, hidden).pin?.index, 1);
});

/** Timers a test advances by hand. */
function manualTimers() {
  /** @type {Map<number, { at: number, run: () => void }>} */
  const pending = new Map();
  let now = 0;
  let next = 1;
  return {
    setTimeout: (/** @type {() => void} */ run, /** @type {number} */ ms) => {
      pending.set(next, { at: now + ms, run });
      return next++;
    },
    clearTimeout: (/** @type {any} */ id) => { pending.delete(id); },
    /** @param {number} ms */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...pending].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = end;
    },
  };
}

test('the scheduler runs once after the last request’s delay', () => {
  const timers = manualTimers();
  let runs = 0;
  const scheduler = createScheduler({ timers, start: () => { runs += 1; } });
  scheduler.schedule(120);
  timers.advance(100);
  scheduler.schedule(120);
  timers.advance(100);
  assert.equal(runs, 0, 'typing again postpones the run');
  assert.equal(scheduler.waiting(), true);
  timers.advance(20);
  assert.equal(runs, 1);
  assert.equal(scheduler.waiting(), false);
  scheduler.schedule(0);
  scheduler.cancel();
  timers.advance(10);
  assert.equal(runs, 1, 'a cancelled run never starts');
});

test('the player clock ticks at its delay until a tick says stop', () => {
  const timers = manualTimers();
  let left = 3;
  const clock = createPlayerClock({ timers, delay: () => 500, tick: () => (left -= 1) > 0 });
  clock.set(true);
  timers.advance(499);
  assert.equal(left, 3);
  timers.advance(1);
  assert.equal(left, 2);
  timers.advance(1000);
  assert.equal(left, 0);
  assert.equal(clock.running(), false);
  left = 5;
  clock.set(true);
  clock.set(false);
  timers.advance(5000);
  assert.equal(left, 5, 'a paused clock does not tick');
});

test('a model a link asks for on another site is fetched only once the reader agrees', () => {
  const linked = freshPage({ state: { ...defaultState(), source: 'https://other.example/m/' }, present: true });
  const started = play(linked, [{ type: 'start' }]);
  assert.deepEqual(started.effects, [{ type: 'set-texts' }, { type: 'run', delay: 0 }], 'no fetch before consent');
  assert.deepEqual(started.page.consent, { source: 'https://other.example/m/', host: 'other.example' });
  assert.match(notesOf(started.page, NO_MODEL)[0].text, /^This link asks to load a model from other\.example/);
  // Moving the focus is not consent.
  const moved = play(started.page, [{ type: 'patch', patch: { head: 2 } }]);
  assert.ok(moved.effects.every((e) => e.type !== 'want-model'));
  const agreed = play(moved.page, [{ type: 'consent', load: true }]);
  assert.deepEqual(agreed.effects, [{ type: 'want-model', source: 'https://other.example/m/' }]);
  assert.equal(agreed.page.consent, null);
  const refused = play(started.page, [{ type: 'consent', load: false }]).page;
  assert.equal(refused.state.source, 'toy');
  // The page's own site, and an element's attributes (the embedding author's choice), load at once.
  const own = freshPage({ state: { ...defaultState(), source: 'models/m/' }, present: true });
  assert.equal(play(own, [{ type: 'start' }]).effects[0].type, 'want-model');
  const attributes = { ...ENV, origin: ORIGINS.attributes };
  assert.equal(play(linked, [{ type: 'start' }], attributes).effects[0].type, 'want-model');
  // A link pasted into an open page is asked about the same way.
  const pasted = play(freshPage(), [{ type: 'hash', decoded: { state: { ...defaultState(), vectors: 'https://other.example/m/' }, presentation: defaultPresentation(), problems: [], present: true } }]);
  assert.ok(pasted.effects.every((e) => e.type !== 'want-model'));
  assert.equal(pasted.page.consent?.host, 'other.example');
  assert.equal(foreignHost('local:x', PAGE_URL), null);
  assert.equal(foreignHost('models/m/', PAGE_URL), null);
});

/** The page computing a decoder (its model loaded), with `full` on screen. */
function decoderPage(/** @type {import('../../src/run-data.js').RunData} */ full, /** @type {Partial<import('../../src/state.js').PlaygroundState>} */ patch = {}) {
  const page = freshPage({ state: { ...defaultState(), source: 'models/tiny/', ...patch } });
  return play(page, [{ type: 'ran', request: page.state, shown: { full, hidden: null }, breakdown: null, limits: [] }], READY).page;
}
/** What the page is asked to do besides keeping the model it computes with (want-model is idempotent). */
const besides = (/** @type {import('../../src/controller.js').Effect[]} */ effects) => effects.filter((e) => e.type !== 'want-model');
const READY = { ...ENV, status: { ...NO_MODEL, phase: /** @type {const} */ ('ready'), source: 'models/tiny/', name: 'tiny', info: DECODER_INFO } };

test('Generate asks a decoder to continue the text with the settings; typing keeps generating', () => {
  const page = decoderPage(makeDecoderRun(['The', 'Ġcat'], []));
  const { page: asked, effects } = play(page, [{ type: 'generate', settings: { steps: 3, sample: true, seed: 7 } }], READY);
  assert.deepEqual(besides(effects), [{ type: 'run', delay: 0 }]);
  assert.deepEqual(asked.state.generate, { on: true, steps: 3, sample: true, temperature: 0.8, topK: 40, seed: 7 });
  assert.deepEqual(runRequest(asked.state, 'model', { text: 'The cat', crossText: '', dModel: 8, decoder: true }),
    { source: 'generate', text: 'The cat', steps: 3, temperature: 0.8, topK: 40, seed: 7 });
  assert.deepEqual(runRequest({ ...asked.state, generate: { ...asked.state.generate, sample: false } }, 'model', { text: 'x', crossText: '', dModel: 8, decoder: true }),
    { source: 'generate', text: 'x', steps: 3 }, 'greedy sends no sampling settings');
  assert.deepEqual(runRequest(asked.state, 'model', { text: 'x', crossText: '', dModel: 8, decoder: false }), { source: 'model', text: 'x' }, 'an encoder does not generate');
  // Generate again with the same settings: the same request, computed again.
  assert.deepEqual(besides(play(asked, [{ type: 'generate', settings: {} }], READY).effects), [{ type: 'run', delay: 0 }]);
  assert.deepEqual(play(asked, [{ type: 'text', which: 'text', text: 'The dog' }], READY).page.state.generate.on, true);
});

test('a generation setting computes again while generating, and waits for Generate otherwise', () => {
  const page = decoderPage(makeDecoderRun(['The', 'Ġcat'], []));
  const idle = play(page, [{ type: 'patch', patch: { generate: { ...page.state.generate, steps: 20 } } }], READY);
  assert.deepEqual(besides(idle.effects), [], 'not generating: nothing to compute');
  const on = play(idle.page, [{ type: 'generate', settings: {} }], READY).page;
  assert.equal(on.state.generate.steps, 20);
  const more = play(on, [{ type: 'patch', patch: { generate: { ...on.state.generate, steps: 21 } } }], READY);
  assert.deepEqual(besides(more.effects), [{ type: 'run', delay: 0 }]);
  // The seed of greedy decoding changes nothing.
  assert.deepEqual(besides(play(on, [{ type: 'patch', patch: { generate: { ...on.state.generate, seed: 99 } } }], READY).effects), []);
  const stopped = play(on, [{ type: 'stop-generating' }], READY);
  assert.equal(stopped.page.state.generate.on, false);
  assert.deepEqual(besides(stopped.effects), [{ type: 'run', delay: 0 }]);
});

test('a new generation is read from its first step; the player walks a decoding step with its extra stage', () => {
  const page = play(decoderPage(makeDecoderRun(['The', 'Ġcat', 'Ġsat'], [])), [{ type: 'generate', settings: { steps: 2 } }], READY).page;
  const full = { ...makeDecoderRun(['The', 'Ġcat', 'Ġsat'], ['Ġon', 'Ġthe']), runId: 2 };
  const { page: shown, effects } = play(page, [{ type: 'ran', request: page.state, shown: { full, hidden: null }, breakdown: null, limits: [] }], READY);
  assert.equal(shown.state.query, 2, 'the last prompt token chose the first generated one');
  assert.ok(effects.some((e) => e.type === 'follow-query' && e.query === 2));
  assert.equal(shown.focusGeneration, false);
  // Query 2 is a decoding step: 3 keys (itself and the two before it), 2·3 + 8 steps and the next token.
  const player = play(shown, [{ type: 'patch', patch: { view: 'player', step: 13 } }], READY).page;
  assert.equal(focusIn(player.state, player.shown).step, 13);
  assert.equal(focusIn({ ...player.state, step: 99 }, player.shown).step, 14, 'the last step is the choice of the next token');
  const next = play(player, [{ type: 'patch', patch: { step: 14 } }, { type: 'step', direction: 1 }], READY).page;
  assert.deepEqual([next.state.query, next.state.step], [3, 0], 'then the next decoding step');
  const back = play(next, [{ type: 'step', direction: -1 }], READY).page;
  assert.deepEqual([back.state.query, back.state.step], [2, 14]);
  // A later run of other keys keeps the same moment of the story.
  const shorter = { ...makeDecoderRun(['The', 'Ġcat', 'Ġsat'], ['Ġon']), runId: 3 };
  const kept = play(back, [{ type: 'ran', request: back.state, shown: { full: shorter, hidden: null }, breakdown: null, limits: [] }], READY).page;
  assert.equal(kept.state.step, 14, 'still the choice of the next token');
  const encoder = { ...makeRun(['a', 'b', 'c', 'd']), runId: 4 };
  const toOutput = play(back, [{ type: 'ran', request: back.state, shown: { full: encoder, hidden: null }, breakdown: null, limits: [] }], READY).page;
  assert.equal(toOutput.state.step, 2 * 4 + 7, 'a query without a next token ends at its output');
});

test('a new picture on the canvas runs again after the typing pause, the state untouched (the picture is not in the link)', () => {
  const page = freshPage();
  const drawn = play(page, [{ type: 'picture' }]);
  assert.deepEqual(drawn.effects, [{ type: 'run', delay: TYPING_DELAY_MS }]);
  assert.deepEqual(drawn.page.state, page.state);
  assert.equal(drawn.page.runPending, true);
});
