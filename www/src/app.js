// One playground: owns its state, its worker and its views, and renders into the container
// it is given (several may live on one page; nothing here is global).

import { el } from './dom.js';
import { createEngine } from './engine.js';
import { ExportError, exportFile } from './export/exporter.js';
import { saveFile } from './export/download.js';
import { focusOf } from './focus.js';
import { limitNotes, limitText } from './limits.js';
import { SERVED_MODEL, isLocalSource, relativeAddress } from './model/address.js';
import { acceptDrops } from './model/files.js';
import { createModelLoader } from './model/loader.js';
import { atLayer, breakdownMatches, clampIndex, describeRun, runData, runIndex, shape, shownIndex } from './run-data.js';
import {
  TOY_SOURCE, cloneState, defaultPresentation, defaultState, neededModel, runRequest, sameComputation, sameModel, toggleBlocked,
} from './state.js';
import { STEP_MS, advance, clampStep, stageStart, stepAt } from './timeline.js';
import { decodeState, encodeState } from './url-state.js';
import { CONTROL_FIELDS, createControls } from './views/controls.js';
import { createExportDialog } from './views/export-dialog.js';
import { createShareDialog } from './views/share-dialog.js';
import { createHeadGrid } from './views/head-grid.js';
import { createHeatmap } from './views/heatmap.js';
import { createLines } from './views/lines.js';
import { createEmbeddingStrip } from './views/embedding.js';
import { createFocusBar } from './views/focus-bar.js';
import { createLoadStatus } from './views/load-status.js';
import { createModelPanel } from './views/model-panel.js';
import { createPlayer } from './views/player.js';
import { createSentenceInput } from './views/sentence.js';
import { TABS, createTabs } from './views/tabs.js';
import { createTokenStrip } from './views/token-strip.js';

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
/** @typedef {import('./types').Breakdown} QueryBreakdown */
/** @typedef {import('./types').Token} TokenInfo */
/** @typedef {import('./model/loader.js').ModelStatus} ModelStatus */
/** @typedef {import('./state.js').Pin} Pin */

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
  /** @type {RunData | null} the last run: for a pretrained model, every token */
  let data = null;
  /** @type {RunData | null} the last model run without [CLS]/[SEP], renormalised (when asked for) */
  let hiddenSpecials = null;
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

  /** @type {string | null} what became of the last model asked for, when it is not loaded */
  let modelNote = null;

  const engine = createEngine({
    workerUrl: options.workerUrl,
    onRestart: (reason) => {
      coreNote = `The attention core stopped (${reason}); it has been restarted.`;
      loader.reload();
      renderNotes();
    },
  });
  const loader = createModelLoader({ engine, base: () => doc.baseURI, onChange: onModelStatus });
  /** The served model's address, relative to the page: it sits two folders above the bundle. */
  const served = relativeAddress(new URL(doc.baseURI), new URL(`../../${SERVED_MODEL.folder}`, options.workerUrl));

  // ---- skeleton ----
  const notes = el(doc, 'div', { class: 'ap-notes', attrs: { role: 'status', 'aria-live': 'polite' } });
  const loadHost = el(doc, 'div');
  const embeddingHost = el(doc, 'div');
  const focusHost = el(doc, 'div');
  const modelHost = el(doc, 'div', { class: 'ap-model' });
  const sentenceHost = el(doc, 'div', { class: 'ap-sentence' });
  const crossHost = el(doc, 'div', { class: 'ap-sentence ap-cross' });
  const inputError = el(doc, 'p', { class: 'field-error input-error', attrs: { role: 'alert' } });
  const stripHost = el(doc, 'div', { class: 'ap-strip' });
  const controlsHost = el(doc, 'div', { class: 'ap-controls-body' });
  const tabList = el(doc, 'div', { class: 'ap-tabs' });
  const actions = el(doc, 'div', { class: 'ap-actions' });
  const statusLine = el(doc, 'p', { class: 'ap-status' });
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
    loadHost,
    el(doc, 'section', { class: 'ap-input', attrs: { 'aria-label': 'Input' } }, [sentenceHost, crossHost, inputError, stripHost, embeddingHost]),
    el(doc, 'div', { class: 'ap-layout' }, [
      el(doc, 'section', { class: 'ap-views', attrs: { 'aria-label': 'Views' } }, [
        focusHost, tabList, statusLine, ...Object.values(panels), actions,
      ]),
      el(doc, 'aside', { class: 'ap-controls', attrs: { 'aria-label': 'Settings' } }, [
        el(doc, 'h2', { class: 'ap-controls-title', text: 'Settings' }),
        modelHost,
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
  const embedding = createEmbeddingStrip(embeddingHost);
  const loadStatus = createLoadStatus(loadHost, { onCancel: () => loader.cancel() });
  const focusBar = createFocusBar(focusHost, {
    onLayer: (layer) => update({ layer }),
    onHead: (head) => update({ head }),
    onHideSpecial: (hideSpecial) => update({ hideSpecial }),
  });
  const modelPanel = createModelPanel(modelHost, {
    onToy: () => {
      loader.clear();
      modelNote = null;
      update({ source: TOY_SOURCE, hiddenHeads: [] });
    },
    onAddress: (address) => {
      loader.clear();
      modelNote = null;
      update({ source: address, vectors: null, hiddenHeads: [] });
    },
    onFiles: loadFiles,
    onVectors: (on) => {
      const status = loader.status();
      loader.clear();
      modelNote = null;
      update({ vectors: on ? (status.phase === 'ready' && status.source ? status.source : served) : null });
    },
  });
  acceptDrops(root, loadFiles);
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
    onQuery: (query) => update({ query: fromView(query) }),
    onHover: (cell) => highlight(cell && viewed ? viewed.summary.queryTokens[cell.query] ?? null : null, 'q'),
    onToggleCell: (query, key) => update({
      model: { ...state.model, masks: { ...state.model.masks, blocked: toggleBlocked(state.model.masks.blocked, query, key) } },
    }),
  });
  const lines = createLines(panels.lines, {
    onPin: (shownPin) => {
      const pin = shownPin && { side: shownPin.side, index: fromView(shownPin.index) };
      update(pin && pin.side === 'q' ? { pin, query: pin.index } : { pin });
    },
    onToggleHead: (head) => update({
      hiddenHeads: state.hiddenHeads.includes(head) ? state.hiddenHeads.filter((h) => h !== head) : [...state.hiddenHeads, head].sort((a, b) => a - b),
    }),
    onOnly: (head) => update({
      hiddenHeads: head === null || !data ? [] : [...Array(shape(data).heads).keys()].filter((h) => h !== head),
    }),
    onHover: (pin) => highlight(pin && viewed ? (pin.side === 'q' ? viewed.summary.queryTokens : viewed.summary.keyTokens)[pin.index] ?? null : null, pin?.side ?? 'q'),
  });
  const heads = createHeadGrid(panels.heads, { onHead: (layer, head) => update({ layer, head }) });
  const player = createPlayer(panels.player, {
    onStep: (step) => update({ step }),
    onQuery: (query) => update({ query }),
    onAdvance: (direction) => stepBy(direction),
    onTogglePlay: () => setPlaying(!playing),
    onSpeed: (speed) => update({ speed }),
  });
  const exportDialog = createExportDialog(root, {
    snapshot,
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
    // While a model loads the toy's run is on screen: the state keeps the layer and head asked
    // for (by a link, an attribute) until the model's own run can take them.
    if (data && (data.model !== null) === (state.source !== TOY_SOURCE)) Object.assign(state, focus());
    wantModel();
    if (!sameComputation(previous, state)) scheduleRun(0);
    else if (state.head !== previous.head || state.query !== previous.query || state.layer !== previous.layer) requestBreakdown();
    if (patch.query !== undefined && patch.query !== previous.query) strip.follow(state.query);
    render();
  }

  /** Loads the model the state needs, unless it is loaded or on its way. */
  function wantModel() {
    const needed = neededModel(state);
    if (needed !== null) loader.want(needed);
  }

  /**
   * The focus clamped to the run on screen.
   * @returns {{ layer: number, head: number, query: number, step: number }}
   */
  function focus() {
    if (!data) return { layer: state.layer, head: state.head, query: state.query, step: state.step };
    const { queries, heads: headCount, layers } = shape(data);
    let query = clampIndex(state.query, queries);
    // With [CLS]/[SEP] hidden, a view other than the player focuses the nearest token it shows.
    if (hiddenSpecials && state.view !== 'player') query = runIndex(hiddenSpecials, shownIndex(hiddenSpecials, query));
    return {
      layer: clampIndex(state.layer, layers),
      head: clampIndex(state.head, headCount),
      query,
      step: clampStep(data.summary.keyTokens.length, state.step),
    };
  }

  /** Which computation the state gets now: the model's, the toy on its embeddings, or the toy. */
  function computing(/** @type {PlaygroundState} */ wanted = state) {
    const status = loader.status();
    const needed = neededModel(wanted);
    const ready = needed !== null && status.phase === 'ready' && status.source === needed;
    if (!ready) return 'toy';
    return wanted.source !== TOY_SOURCE ? 'model' : 'vectors';
  }

  /**
   * The run as a view shows it: the heads of the focused layer, without [CLS]/[SEP] when they
   * are hidden (the player always shows the model's own computation, every token included).
   * @param {RunData} run
   * @param {ViewName} view
   */
  function viewOf(run, view) {
    return atLayer(view !== 'player' && hiddenSpecials ? hiddenSpecials : run, focus().layer);
  }

  /** @type {RunData | null} what the heatmap, lines and grid show, as last rendered */
  let viewed = null;

  /** The run's index of the token a view (heatmap, lines) shows at `index`. */
  function fromView(/** @type {number} */ index) {
    return viewed ? runIndex(viewed, index) : index;
  }

  /**
   * The state as `view` of `run` sees it: indices among the tokens it shows.
   * @param {RunData} run
   */
  function stateIn(run) {
    const f = focus();
    /** @type {Pin | null} */
    const pin = state.pin && { side: state.pin.side, index: shownIndex(run, state.pin.index) };
    return { ...cloneState(state), ...f, query: shownIndex(run, f.query), pin };
  }

  /** What the exports take: the view on screen with its own token indices. */
  function snapshot() {
    if (!data) return null;
    const run = viewOf(data, state.view);
    return { data: run, state: stateIn(run), breakdown };
  }

  /** @param {import('./model/files.js').LocalFiles} local */
  function loadFiles(local) {
    loader.clear();
    modelNote = null;
    update({ source: loader.loadFiles(local), vectors: null, hiddenHeads: [] });
  }

  /** @param {ModelStatus} status */
  function onModelStatus(status) {
    const { source } = status;
    const about = source !== null && (source === state.source || source === state.vectors);
    if (about && (status.phase === 'failed' || status.phase === 'cancelled')) {
      const subject = isLocalSource(source) ? 'The model in your files' : `The model “${status.name}”`;
      modelNote = status.phase === 'failed'
        ? `${subject} could not be loaded. ${capitalise(status.message ?? 'It failed without saying why.')} The toy model is shown.`
        : `Loading ${status.name} was cancelled: the toy model is shown.`;
      update({ ...(source === state.source ? { source: TOY_SOURCE } : {}), ...(source === state.vectors ? { vectors: null } : {}) });
      return;
    }
    if (about && status.phase === 'ready') scheduleRun(0);
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
    const kind = computing(request);
    const status = loader.status();
    const text = limitText(request.text);
    const crossText = limitText(request.crossText);
    const model = kind !== 'toy' && status.info ? { name: status.name, info: status.info } : null;
    const outcome = await engine.run({
      request: runRequest(request, kind, { text: text.text, crossText: crossText.text, dModel: status.info?.hidden ?? null }),
      withoutSpecial: kind === 'model' && request.hideSpecial,
      // The worker clamps the focus to the run's blocks, heads and tokens.
      focus: { block: request.layer, head: request.head, query: request.query },
    });
    if (!outcome.ok && 'superseded' in outcome) return;
    runPending = false;
    if (!outcome.ok) {
      failRun(outcome.message, outcome.field ?? null);
      return;
    }
    const result = outcome.value;
    const run = runData(result, runCount + 1, kind === 'model' ? model : null);
    accept(request, run.full, run.shown, result.breakdown);
    const crossMode = kind !== 'model' && request.model.mode === 'cross';
    limits = limitNotes({ characters: crossMode && crossText.cut ? crossText : text, truncated: result.summary.truncated, model: kind === 'model' ? status.name : null });
    if (kind === 'vectors') limits.push(`The toy works on ${status.name}’s WordPiece tokens and word embeddings, so d_model is ${status.info?.hidden}.`);
    if (kind === 'model' && request.hideSpecial && !run.shown) limits.push('The text has no tokens but [CLS] and [SEP], so they are shown.');
    finishRun();
  }

  /**
   * Takes a successful run's numbers.
   * @param {PlaygroundState} request
   * @param {RunData} next
   * @param {RunData | null} nextHidden
   * @param {QueryBreakdown | null} nextBreakdown
   */
  function accept(request, next, nextHidden, nextBreakdown) {
    const previousKeys = data ? data.summary.keyTokens.length : null;
    runCount = next.runId;
    data = next;
    hiddenSpecials = nextHidden;
    breakdown = nextBreakdown;
    lastGood = request;
    fieldErrors = {};
    coreNote = null;
    inputError.textContent = '';
    const keys = next.summary.keyTokens.length;
    if (previousKeys !== null && previousKeys !== keys) {
      // Stay on the same stage (and key, where it still exists) when the key count changed.
      const at = stepAt(previousKeys, state.step);
      state.step = stageStart(keys, at.kind) + (at.key === null ? 0 : Math.min(at.key, keys - 1));
    }
  }

  function finishRun() {
    update({});
    const f = focus();
    if (data && breakdown && !breakdownMatches(breakdown, atLayer(data, f.layer), f.head, f.query)) requestBreakdown();
  }

  /**
   * @param {string} message
   * @param {import('./types').Field | null} field  the setting or input the core said it is about
   */
  function failRun(message, field) {
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
    const inInput = field === 'text' || field === 'crossText';
    const onControl = field !== null && !inInput && CONTROL_FIELDS.has(field);
    fieldErrors = onControl ? { [field]: capitalise(message) } : {};
    if (inInput) inputError.textContent = capitalise(message);
    // A message about a control that is not shown (controls minimal or none) becomes a note.
    const shown = presentation.controls === 'full' || (inInput && presentation.controls === 'minimal');
    if (!(inInput || onControl) || !shown) coreNote = capitalise(message);
    render();
  }

  function requestBreakdown() {
    if (!data || runPending) return;
    const runId = data.runId;
    const { layer, head, query } = focus();
    engine.breakdown({ runId, focus: { block: layer, head, query } }).then((outcome) => {
      if (!outcome.ok) {
        if (!('superseded' in outcome)) {
          coreNote = capitalise(outcome.message);
          renderNotes();
        }
        return;
      }
      const b = outcome.value.breakdown;
      const now = focus();
      if (data?.runId !== runId || b.head !== now.head || b.query !== now.query || b.block !== now.layer) return;
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
    // Among the tokens the view shows (the player shows them all).
    const run = viewOf(data, state.view);
    const query = runIndex(run, clampIndex(shownIndex(run, focus().query) + delta, shape(run).queries));
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
    if (modelNote) items.push([loader.status().phase === 'cancelled' ? 'info' : 'error', modelNote]);
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
    const modelRun = data?.model ?? null;
    const status = loader.status();
    root.dataset.controls = presentation.controls;
    root.dataset.computing = modelRun ? 'model' : 'toy';
    tabs.update(state.view);
    for (const [view, panel] of Object.entries(panels)) panel.hidden = view !== state.view;
    crossHost.hidden = state.model.mode !== 'cross' || modelRun !== null;
    // The toy on a model's embeddings takes the model's tokens and width.
    const borrowed = computing() === 'vectors' ? status.info : null;
    controls.update(borrowed ? { ...state.model, dModel: borrowed.hidden } : state.model, editMask, fieldErrors, borrowed ? {
      dModel: `Fixed at ${borrowed.hidden}: the width of ${status.name}’s word embeddings.`,
      tokenizer: `${status.name}’s WordPiece tokens (## marks a piece inside a word).`,
    } : {});
    modelPanel.update({ state, status, computing: modelRun !== null, served });
    loadStatus.update(status);
    root.classList.toggle('editing-mask', editMask && !modelRun);
    renderNotes();
    writeUrlSoon();
    if (!data) {
      statusLine.textContent = 'Computing attention…';
      return;
    }
    const f = focus();
    const full = atLayer(data, f.layer);
    const shown = viewOf(data, state.view === 'player' ? 'heatmap' : state.view);
    viewed = shown;
    const seen = stateIn(shown);
    const { summary } = data;
    const { heads: headCount, layers } = shape(data);
    strip.update(summary.queryTokens, f.query, hiddenSpecials !== null && state.view !== 'player');
    embedding.update(modelRun ? { pooled: modelRun.pooled, name: modelRun.name } : null);
    focusBar.update({ layers, heads: headCount, layer: f.layer, head: f.head, model: modelRun !== null, hideSpecial: state.hideSpecial });
    statusLine.textContent = describeRun(data, f, hiddenSpecials !== null, lastGood && !sameModel(lastGood.model, state.model) && !modelRun);
    const blocked = blockedMemo(modelRun ? new Set() : new Set(state.model.masks.blocked.map(([q, k]) => `${q}.${k}`)));
    if (state.view === 'heatmap') {
      heatmap.update({ data: shown, head: f.head, query: seen.query, editMask: editMask && !modelRun, blocked, reveal: null, table: true, numbers: true, rowPanel: true });
    } else if (state.view === 'lines') {
      lines.update({ data: shown, pin: seen.pin, hiddenHeads: state.hiddenHeads, head: f.head });
    } else if (state.view === 'heads') {
      heads.update({ data: shown, layer: f.layer, head: f.head });
    } else {
      const note = hiddenSpecials ? 'Step by step shows the model’s own computation: every token, [CLS] and [SEP] included (hiding them renormalises the other views only).' : '';
      player.update({ data: full, breakdown, head: f.head, query: f.query, step: f.step, speed: state.speed, playing, blocked, note });
    }
    options.onFocus?.(focusOf({ ...state, ...f }, full));
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
    hiddenSpecials = null;
    state = next.state;
    setPresentation(next.presentation);
    sentence.setText(state.text);
    cross.setText(state.crossText);
    wantModel();
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
    const shown = snapshot();
    if (!shown) return Promise.reject(new ExportError('Nothing is computed yet: wait for the numbers, then export.'));
    return exportFile(doc, shown, format, exportOptions);
  }

  sentence.setText(state.text);
  cross.setText(state.crossText);
  // A model asked for by the link or an attribute starts loading at once; the toy shows meanwhile.
  wantModel();
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
      loader.destroy();
      engine.destroy();
      container.replaceChildren();
    },
  };
}

/** @param {string} message */
function capitalise(message) {
  // File names (model.safetensors: …) and identifiers (d_model) keep their case.
  const first = /^[a-z]+\b(?![_.]\w)/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  return first + (/[.!?]$/.test(message) ? '' : '.');
}
