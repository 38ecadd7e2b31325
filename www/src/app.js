// One playground: owns its state, its worker and its views, and renders into the container
// it is given (several may live on one page; nothing here is global).

import { el } from './dom.js';
import { createEngine } from './engine.js';
import { ExportError, exportFile } from './export/exporter.js';
import { saveFile } from './export/download.js';
import { focusOf } from './focus.js';
import { limitNotes, limitText } from './limits.js';
import { clampIndex, shape } from './run-data.js';
import { TOY_SOURCE, cloneState, defaultPresentation, defaultState, sameModel, toToyConfig, toggleBlocked } from './state.js';
import { STEP_MS, advance, clampStep, stageStart, stepAt } from './timeline.js';
import { decodeState, encodeState } from './url-state.js';
import { createControls } from './views/controls.js';
import { createExportDialog } from './views/export-dialog.js';
import { createShareDialog } from './views/share-dialog.js';
import { createHeadGrid } from './views/head-grid.js';
import { createHeatmap } from './views/heatmap.js';
import { createLines } from './views/lines.js';
import { createPlayer } from './views/player.js';
import { createSentenceInput } from './views/sentence.js';
import { TABS, createTabs } from './views/tabs.js';
import { createTokenStrip } from './views/token-strip.js';
import { fieldOfMessage } from './field-errors.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').Presentation} Presentation */
/** @typedef {import('./url-state.js').DecodedState} DecodedState */
/** @typedef {import('./focus.js').Focus} Focus */
/** @typedef {import('./export/exporter.js').ExportFormat} ExportFormat */
/** @typedef {import('./export/exporter.js').ExportOptions} ExportOptions */
/** @typedef {import('./views/share-dialog.js').ShareTargets} ShareTargets */
/** @typedef {import('./state.js').ModelState} ModelState */
/** @typedef {import('./state.js').ViewName} ViewName */
/** @typedef {import('./run-data.js').RunData} RunData */
/** @typedef {import('./types').QueryBreakdown} QueryBreakdown */
/** @typedef {import('./types').TokenInfo} TokenInfo */

/** Typing waits this long for a pause before the core runs. */
const TYPING_DELAY_MS = 120;

/**
 * @typedef {Object} MountOptions
 * @property {URL} workerUrl  the script of the worker: a bundle that serves the core when it
 *   runs in a worker (see worker.js)
 * @property {boolean} [syncUrl]   keep the state in the page's URL fragment (one instance per page)
 * @property {DecodedState} [initial]  the state to start from when the URL is not used
 * @property {'link' | 'attributes'} [origin]  where the state comes from, for the notes about it
 * @property {(focus: Focus) => void} [onFocus]  after every render with numbers on screen
 * @property {ShareTargets} [share]  offer the Share / Embed dialog (the playground page)
 */

/** How a note names what the state came from. */
const ORIGINS = {
  link: { some: 'This link had values', all: 'This link’s settings' },
  attributes: { some: 'Some attributes had values', all: 'These attributes’ settings' },
};

/**
 * @param {HTMLElement} container
 * @param {MountOptions} options
 */
export function mountPlayground(container, options) {
  const doc = container.ownerDocument;
  const win = /** @type {Window} */ (doc.defaultView);
  const syncUrl = options.syncUrl ?? false;
  const origin = ORIGINS[options.origin ?? 'link'];
  const reducedMotion = win.matchMedia('(prefers-reduced-motion: reduce)');

  const decoded = syncUrl
    ? decodeState(win.location.hash)
    : options.initial ?? { state: defaultState(), presentation: defaultPresentation(), problems: [], present: false };
  /** @type {PlaygroundState} */
  let state = decoded.state;
  /** @type {Presentation} */
  let presentation = decoded.presentation;
  /** Autoplay waits for the step-by-step view with its numbers ready. */
  let autoplayPending = presentation.autoplay;
  /** @type {RunData | null} */
  let data = null;
  /** @type {QueryBreakdown | null} */
  let breakdown = null;
  /** @type {PlaygroundState | null} the state of the last successful run */
  let lastGood = null;
  let fromLink = decoded.present;
  let editMask = false;
  let playing = false;
  let runPending = false;
  let runCount = 0;
  /** @type {string | null} */
  let linkNote = problemNote(decoded.problems);
  /** @type {string | null} */
  let coreNote = null;
  /** @type {Partial<Record<string, string>>} */
  let fieldErrors = {};
  /** @type {string[]} */
  let limits = [];
  /** @type {string} */
  let writtenHash = '';
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let runTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let playTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let urlTimer;

  const engine = createEngine({
    workerUrl: options.workerUrl,
    onRestart: (reason) => {
      coreNote = `The attention core stopped (${reason}); it has been restarted.`;
      renderNotes();
    },
  });

  // ---- skeleton ----
  const notes = el(doc, 'div', { class: 'ap-notes', attrs: { role: 'status', 'aria-live': 'polite' } });
  const sentenceHost = el(doc, 'div', { class: 'ap-sentence' });
  const crossHost = el(doc, 'div', { class: 'ap-sentence ap-cross' });
  const inputError = el(doc, 'p', { class: 'field-error input-error', attrs: { role: 'alert' } });
  const stripHost = el(doc, 'div', { class: 'ap-strip' });
  const controlsHost = el(doc, 'div', { class: 'ap-controls-body' });
  const tabList = el(doc, 'div', { class: 'ap-tabs' });
  const actions = el(doc, 'div', { class: 'ap-actions' });
  const status = el(doc, 'p', { class: 'ap-status' });
  /** @type {Record<ViewName, HTMLElement>} */
  const panels = {
    heatmap: el(doc, 'div', { class: 'ap-panel panel-heatmap' }),
    lines: el(doc, 'div', { class: 'ap-panel panel-lines' }),
    heads: el(doc, 'div', { class: 'ap-panel panel-heads' }),
    player: el(doc, 'div', { class: 'ap-panel panel-player' }),
  };
  for (const [view, label] of TABS) {
    panels[view].setAttribute('role', 'tabpanel');
    panels[view].setAttribute('aria-label', label);
  }
  const root = el(doc, 'div', { class: 'ap' }, [
    notes,
    el(doc, 'section', { class: 'ap-input', attrs: { 'aria-label': 'Input' } }, [sentenceHost, crossHost, inputError, stripHost]),
    el(doc, 'div', { class: 'ap-layout' }, [
      el(doc, 'section', { class: 'ap-views', attrs: { 'aria-label': 'Views' } }, [
        tabList, status, ...Object.values(panels), actions,
      ]),
      el(doc, 'aside', { class: 'ap-controls', attrs: { 'aria-label': 'Settings' } }, [
        el(doc, 'h2', { class: 'ap-controls-title', text: 'Settings' }),
        controlsHost,
      ]),
    ]),
  ]);
  container.replaceChildren(root);

  // ---- components ----
  const sentence = createSentenceInput(sentenceHost, {
    label: 'Sentence',
    hint: 'Type anything: attention updates as you type.',
    rows: 2,
    onInput: (text) => setText('text', text),
  });
  const cross = createSentenceInput(crossHost, {
    label: 'Keys and values from',
    hint: 'Cross-attention: queries come from the first text, keys and values from this one.',
    rows: 2,
    onInput: (text) => setText('crossText', text),
  });
  const strip = createTokenStrip(stripHost, {
    onQuery: (query) => update({ query }),
    onHover: (token) => highlight(token, 'q'),
  });
  const controls = createControls(controlsHost, {
    onChange: (patch) => {
      const model = cloneState(state).model;
      patch(model);
      update({ model });
    },
    onEditMask: (on) => {
      editMask = on;
      if (on && state.view !== 'heatmap') update({ view: 'heatmap' });
      else render();
    },
    onClearMask: () => update({ model: { ...state.model, masks: { ...state.model.masks, blocked: [] } } }),
  });
  const tabs = createTabs(tabList, { onView: (view) => update({ view }) });
  const heatmap = createHeatmap(panels.heatmap, {
    onQuery: (query) => update({ query }),
    onHover: (cell) => highlight(cell && data ? data.summary.queryTokens[cell.query] ?? null : null, 'q'),
    onToggleCell: (query, key) => update({
      model: { ...state.model, masks: { ...state.model.masks, blocked: toggleBlocked(state.model.masks.blocked, query, key) } },
    }),
  });
  const lines = createLines(panels.lines, {
    onPin: (pin) => update(pin && pin.side === 'q' ? { pin, query: pin.index } : { pin }),
    onToggleHead: (head) => update({
      hiddenHeads: state.hiddenHeads.includes(head) ? state.hiddenHeads.filter((h) => h !== head) : [...state.hiddenHeads, head].sort((a, b) => a - b),
    }),
    onHover: (pin) => highlight(pin && data ? (pin.side === 'q' ? data.summary.queryTokens : data.summary.keyTokens)[pin.index] ?? null : null, pin?.side ?? 'q'),
  });
  const heads = createHeadGrid(panels.heads, { onHead: (head) => update({ head }) });
  const player = createPlayer(panels.player, {
    onStep: (step) => update({ step }),
    onQuery: (query) => update({ query }),
    onAdvance: (direction) => stepBy(direction),
    onTogglePlay: () => setPlaying(!playing),
    onSpeed: (speed) => update({ speed }),
  });
  const exportDialog = createExportDialog(root, {
    snapshot: () => (data ? { data, state: cloneState(state), breakdown } : null),
    exportFile: (format, exportOptions) => exportNow(format, exportOptions),
    save: (blob, filename) => saveFile(doc, blob, filename),
    frameMs: (shown) => STEP_MS / shown.speed,
  });
  actions.append(el(doc, 'button', {
    class: 'small-button action-button',
    text: 'Export…',
    attrs: { type: 'button', 'aria-haspopup': 'dialog' },
    on: { click: () => exportDialog.open() },
  }));
  if (options.share) {
    const shareDialog = createShareDialog(root, options.share, { state: () => cloneState(state), presentation: () => ({ ...presentation }) });
    actions.append(el(doc, 'button', {
      class: 'small-button action-button',
      text: 'Share / Embed…',
      attrs: { type: 'button', 'aria-haspopup': 'dialog' },
      on: { click: () => shareDialog.open() },
    }));
  }

  // ---- state changes ----

  /**
   * @param {'text' | 'crossText'} which
   * @param {string} text
   */
  function setText(which, text) {
    state = { ...state, [which]: text };
    scheduleRun(TYPING_DELAY_MS);
  }

  /**
   * Applies a change; runs the core when the computation changed, fetches a breakdown when
   * only the focus moved, and re-renders everything from the new state.
   * @param {Partial<PlaygroundState>} patch
   */
  function update(patch) {
    const previous = state;
    state = { ...state, ...patch };
    if (data) {
      const { queries, heads: headCount, layers } = shape(data);
      state.layer = clampIndex(state.layer, layers);
      state.query = clampIndex(state.query, queries);
      state.head = clampIndex(state.head, headCount);
      state.step = clampStep(data.summary.keyTokens.length, state.step);
    }
    if (!sameModel(previous.model, state.model)) scheduleRun(0);
    else if (state.head !== previous.head || state.query !== previous.query) requestBreakdown();
    if (patch.query !== undefined && patch.query !== previous.query) strip.follow(state.query);
    render();
  }

  /** @param {number} delay */
  function scheduleRun(delay) {
    clearTimeout(runTimer);
    runPending = true;
    runTimer = setTimeout(runNow, delay);
  }

  async function runNow() {
    const request = cloneState(state);
    const text = limitText(request.text);
    const crossText = limitText(request.crossText);
    const crossMode = request.model.mode === 'cross';
    const outcome = await engine.run({
      config: toToyConfig(request.model),
      text: text.text,
      crossText: crossMode ? crossText.text : null,
      head: request.head,
      query: request.query,
    });
    if (!outcome.ok && 'superseded' in outcome) return;
    runPending = false;
    if (!outcome.ok) {
      failRun(outcome.message);
      return;
    }
    const result = outcome.value;
    const previousKeys = data ? data.summary.keyTokens.length : null;
    runCount += 1;
    data = { runId: runCount, summary: result.summary, weights: result.weights, allowed: result.allowed };
    breakdown = result.breakdown;
    lastGood = request;
    fieldErrors = {};
    coreNote = null;
    inputError.textContent = '';
    limits = limitNotes({ characters: crossMode && crossText.cut ? crossText : text, truncated: result.summary.truncated });
    const keys = result.summary.keyTokens.length;
    if (previousKeys !== null && previousKeys !== keys) {
      // Stay on the same stage (and key, where it still exists) when the key count changed.
      const at = stepAt(previousKeys, state.step);
      state.step = stageStart(keys, at.kind) + (at.key === null ? 0 : Math.min(at.key, keys - 1));
    }
    update({});
    if (breakdown && (breakdown.head !== state.head || breakdown.query !== state.query)) requestBreakdown();
  }

  /** @param {string} message */
  function failRun(message) {
    if (!data && fromLink) {
      // The link's settings cannot be computed at all: show the defaults instead.
      fromLink = false;
      linkNote = `${origin.all} could not be used (${message}), so the defaults are shown.`;
      state = defaultState();
      sentence.setText(state.text);
      cross.setText(state.crossText);
      scheduleRun(0);
      render();
      return;
    }
    const field = fieldOfMessage(message);
    const inInput = field === 'text' || field === 'crossText';
    fieldErrors = field && !inInput ? { [field]: capitalise(message) } : {};
    if (inInput) inputError.textContent = capitalise(message);
    // A message about a control that is not shown (controls minimal or none) becomes a note.
    const shown = presentation.controls === 'full' || (inInput && presentation.controls === 'minimal');
    if (!field || !shown) coreNote = capitalise(message);
    render();
  }

  function requestBreakdown() {
    if (!data || runPending) return;
    const runId = data.runId;
    const { head, query } = state;
    engine.breakdown({ runId, head, query }).then((outcome) => {
      if (!outcome.ok) {
        if (!('superseded' in outcome)) {
          coreNote = capitalise(outcome.message);
          renderNotes();
        }
        return;
      }
      const b = outcome.value.breakdown;
      if (data?.runId !== runId || b.head !== state.head || b.query !== state.query) return;
      breakdown = b;
      render();
    });
  }

  // ---- the player ----

  /** @param {1 | -1} direction */
  function stepBy(direction) {
    if (!data) return false;
    const { queries, keys } = shape(data);
    const next = advance({ query: state.query, step: state.step }, direction, queries, keys);
    if (!next) return false;
    update(next);
    return true;
  }

  /** @param {boolean} on */
  function setPlaying(on) {
    playing = on;
    clearTimeout(playTimer);
    if (on) schedulePlay();
    render();
  }

  function schedulePlay() {
    const delay = (reducedMotion.matches ? STEP_MS * 1.5 : STEP_MS) / state.speed;
    playTimer = setTimeout(() => {
      if (!playing) return;
      if (!stepBy(1)) setPlaying(false);
      else schedulePlay();
    }, delay);
  }

  // ---- keyboard ----
  root.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const inPlayer = state.view === 'player';
    /** @type {Record<string, () => void>} */
    const actions = {
      ArrowUp: () => moveQuery(-1),
      ArrowDown: () => moveQuery(1),
      ArrowLeft: () => (inPlayer ? stepBy(-1) : moveQuery(-1)),
      ArrowRight: () => (inPlayer ? stepBy(1) : moveQuery(1)),
    };
    if (event.key === ' ' && inPlayer && !target.closest('button, a, summary')) {
      event.preventDefault();
      setPlaying(!playing);
      return;
    }
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  /** @param {number} delta */
  function moveQuery(delta) {
    if (!data) return;
    const query = clampIndex(state.query + delta, shape(data).queries);
    update(state.pin?.side === 'q' ? { query, pin: { side: 'q', index: query } } : { query });
  }

  /**
   * @param {TokenInfo | null} token
   * @param {'q' | 'k'} side
   */
  function highlight(token, side) {
    const target = side === 'k' && state.model.mode === 'cross' ? cross : sentence;
    const other = target === sentence ? cross : sentence;
    other.highlight(null);
    target.highlight(token && !token.special ? [token.start, token.end] : null);
  }

  // ---- rendering ----

  /** @param {string[]} problems */
  function problemNote(problems) {
    return problems.length > 0 ? `${origin.some} that could not be used, so defaults stand in for them: ${problems.join('; ')}.` : null;
  }

  function renderNotes() {
    /** @type {Array<[string, string]>} */
    const items = [];
    if (linkNote) items.push(['warn', linkNote]);
    if (state.source !== TOY_SOURCE) {
      items.push(['warn', `The model “${state.source}” cannot be loaded: this version of the playground computes the toy model only, which is shown instead.`]);
    }
    if (coreNote) items.push(['error', coreNote]);
    for (const note of limits) items.push(['info', note]);
    notes.replaceChildren(...items.map(([kind, text]) => el(doc, 'p', { class: `note note-${kind}`, text })));
    if (linkNote) {
      notes.firstElementChild?.append(el(doc, 'button', {
        class: 'small-button',
        text: 'Dismiss',
        attrs: { type: 'button' },
        on: { click: () => { linkNote = null; renderNotes(); } },
      }));
    }
  }

  function render() {
    root.dataset.controls = presentation.controls;
    tabs.update(state.view);
    for (const [view, panel] of Object.entries(panels)) panel.hidden = view !== state.view;
    crossHost.hidden = state.model.mode !== 'cross';
    controls.update(state.model, editMask, fieldErrors);
    root.classList.toggle('editing-mask', editMask);
    renderNotes();
    writeUrlSoon();
    if (!data) {
      status.textContent = 'Computing attention…';
      return;
    }
    const { summary } = data;
    const { queries, keys } = shape(data);
    strip.update(summary.queryTokens, state.query);
    const stale = lastGood && !sameModel(lastGood.model, state.model) ? ' · showing the last valid settings' : '';
    status.textContent = `${queries} ${queries === 1 ? 'query' : 'queries'} × ${keys} keys · ${summary.heads} heads of d_k = ${summary.dK} · ${summary.score} scores${stale}`;
    const blocked = new Set(state.model.masks.blocked.map(([q, k]) => `${q}.${k}`));
    if (state.view === 'heatmap') {
      heatmap.update({ data, head: state.head, query: state.query, editMask, blocked: blockedMemo(blocked), reveal: null, table: true, numbers: true, rowPanel: true });
    } else if (state.view === 'lines') {
      lines.update({ data, pin: state.pin, hiddenHeads: state.hiddenHeads });
    } else if (state.view === 'heads') {
      heads.update({ data, head: state.head });
    } else {
      player.update({ data, breakdown, head: state.head, query: state.query, step: state.step, speed: state.speed, playing, blocked: blockedMemo(blocked) });
    }
    options.onFocus?.(focusOf(state, data));
    if (autoplayPending && state.view === 'player' && breakdown) {
      autoplayPending = false;
      // A reader who asked for less motion gets the player paused, with its Play button.
      if (!reducedMotion.matches && !playing) setPlaying(true);
    }
  }

  /** @type {Set<string>} */
  let lastBlocked = new Set();
  /**
   * The same Set object while the cells are unchanged, so views can skip redrawing.
   * @param {Set<string>} next
   */
  function blockedMemo(next) {
    if (next.size === lastBlocked.size && [...next].every((cell) => lastBlocked.has(cell))) return lastBlocked;
    lastBlocked = next;
    return next;
  }

  function writeUrlSoon() {
    if (!syncUrl) return;
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      const hash = encodeState({ ...state, text: limitText(state.text).text, crossText: limitText(state.crossText).text }, presentation);
      if (hash === writtenHash) return;
      writtenHash = hash;
      win.history.replaceState(win.history.state, '', `#${hash}`);
    }, 150);
  }

  /** A link pasted into the address bar of an open page. */
  function onHashChange() {
    const hash = win.location.hash.replace(/^#/, '');
    if (hash === writtenHash) return;
    const next = decodeState(hash);
    linkNote = problemNote(next.problems);
    fromLink = true;
    data = null;
    state = next.state;
    setPresentation(next.presentation);
    sentence.setText(state.text);
    cross.setText(state.crossText);
    scheduleRun(0);
    render();
  }
  if (syncUrl) win.addEventListener('hashchange', onHashChange);

  /** @param {Presentation} next */
  function setPresentation(next) {
    if (next.autoplay !== presentation.autoplay) {
      autoplayPending = next.autoplay;
      if (!next.autoplay && playing) setPlaying(false);
    }
    presentation = { ...next };
  }

  /**
   * @param {ExportFormat} format
   * @param {ExportOptions} [exportOptions]
   */
  function exportNow(format, exportOptions) {
    if (!data) return Promise.reject(new ExportError('Nothing is computed yet: wait for the numbers, then export.'));
    return exportFile(doc, { data, state: cloneState(state), breakdown }, format, exportOptions);
  }

  sentence.setText(state.text);
  cross.setText(state.crossText);
  scheduleRun(0);
  render();

  return {
    /** A copy of the current state. */
    getState: () => cloneState(state),
    /** @param {Partial<PlaygroundState>} patch */
    setState: (patch) => {
      update(patch);
      if (patch.text !== undefined) sentence.setText(state.text);
      if (patch.crossText !== undefined) cross.setText(state.crossText);
      if (patch.text !== undefined || patch.crossText !== undefined) scheduleRun(0);
    },
    /** A copy of how the playground is presented. */
    getPresentation: () => ({ ...presentation }),
    /** @param {Presentation} next */
    setPresentation: (next) => {
      setPresentation(next);
      render();
    },
    /**
     * Replaces the note about values that could not be used (empty: no note).
     * @param {string[]} problems
     */
    setProblems: (problems) => {
      linkNote = problemNote(problems);
      renderNotes();
    },
    exportFile: exportNow,
    destroy() {
      playing = false;
      clearTimeout(runTimer);
      clearTimeout(playTimer);
      clearTimeout(urlTimer);
      if (syncUrl) win.removeEventListener('hashchange', onHashChange);
      engine.destroy();
      container.replaceChildren();
    },
  };
}

/** @param {string} message */
function capitalise(message) {
  const first = /^[a-z]+\b(?!_)/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  return first + (/[.!?]$/.test(message) ? '' : '.');
}
