// One playground, wired: its widgets, its worker and model loader, and the controller that
// decides (controller.js). Events from widgets and the worker go through `dispatch`; the effects
// the controller returns are performed here; then everything renders from the page. Several
// playgrounds may share a document: nothing here is global.

import { ORIGINS, initialPage, keyEvent, notesOf, reduce } from './controller.js';
import { createEngine } from './engine.js';
import { ExportError, exportFile } from './export/exporter.js';
import { saveFile } from './export/download.js';
import { focusOf } from './focus.js';
import { limitNotes, limitText } from './limits.js';
import { SERVED_MODEL, foreignHost, relativeAddress } from './model/address.js';
import { shippedAt, shippedBehind, shippedModels, taskOf } from './model/catalog.js';
import { acceptDrops } from './model/files.js';
import { createModelLoader } from './model/loader.js';
import { createPlayerClock } from './player-clock.js';
import { atLayer, describeRun, hasSpecial, runData, runIndex, shape, specialNames } from './run-data.js';
import { createScheduler, typingDelay } from './scheduler.js';
import { LIMITS, TOY_SOURCE, cloneState, comparedText, defaultPresentation, defaultState, runRequest, sameModel, toggleBlocked } from './state.js';
import { STEP_MS } from './timeline.js';
import { decodeState, encodeState } from './url-state.js';
import { comparedAt, comparedRun, computingKind, focusIn, generationView, stateIn, viewOf } from './view-model.js';
import { readsPictures } from './views/picture.js';
import { createPlaygroundViews } from './views/playground.js';
import { readsCharacters } from './views/translation.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').Presentation} Presentation */
/** @typedef {import('./url-state.js').DecodedState} DecodedState */
/** @typedef {import('./focus.js').Focus} Focus */
/** @typedef {import('./controller.js').Event} Event */
/** @typedef {import('./controller.js').Effect} Effect */
/** @typedef {import('./views/share-dialog.js').ShareTargets} ShareTargets */

/**
 * @typedef {Object} MountOptions
 * @property {URL} workerUrl  the script of the worker: a bundle that serves the core when it
 *   runs in a worker (see worker.js)
 * @property {boolean} [syncUrl]   keep the state in the page's URL fragment (one instance per page)
 * @property {DecodedState} [initial]  the state to start from when the URL is not used
 * @property {'link' | 'attributes'} [origin]  where the state comes from, for the notes about it
 * @property {(focus: Focus) => void} [onFocus]  after every render with numbers on screen
 * @property {ShareTargets} [share]  offer the Share / Embed dialog (the playground page)
 * @property {boolean} [trainedFirst]  without a state of its own (an empty link), open on a
 *   trained model (the served all-MiniLM-L6-v2, else the shipped trained decoder) rather than the toy
 */

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
  /** The shipped models the page runs, at their addresses relative to the page. */
  const shipped = shippedModels(new URL(doc.baseURI), options.workerUrl);
  /** The served model's address, relative to the page: it sits two folders above the bundle. */
  const served = relativeAddress(new URL(doc.baseURI), new URL(`../../${SERVED_MODEL.folder}`, options.workerUrl));
  // The trained models to open on, in order: each one missing from the server gives way to the next.
  const trained = [served, ...shipped.filter((m) => m.entry.kind === 'decoder' && m.entry.origin === 'trained').map((m) => m.address)];
  const opening = options.trainedFirst && !decoded.present ? { ...decoded, state: { ...decoded.state, source: trained[0] } } : decoded;
  let page = initialPage(opening, origin, opening === decoded ? [] : trained.slice(1));
  let writtenHash = '';
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let urlTimer;

  const timers = { setTimeout: (/** @type {() => void} */ f, /** @type {number} */ ms) => win.setTimeout(f, ms), clearTimeout: (/** @type {any} */ t) => win.clearTimeout(t) };
  const engine = createEngine({ workerUrl: options.workerUrl, onRestart: (reason) => dispatch({ type: 'restart', reason }) });
  const loader = createModelLoader({
    engine,
    base: () => doc.baseURI,
    onChange: () => dispatch({ type: 'model-status' }),
    // The models trained here keep their weights in model.safetensors (docs/trained-models.md),
    // a trained decoder (and the captioner) names its heads in heads.json beside them, an encoder–decoder reads
    // its vocabularies from vocab.json, a vision model its image processor's settings, and a
    // captioner both: the image processor's settings and the words it writes.
    known: (address) => {
      const entry = shippedAt(shipped, address)?.entry;
      if (entry?.origin !== 'trained') return null;
      return {
        weights: 'model.safetensors',
        heads: entry.kind === 'decoder' || entry.kind === 'captioner',
        ...(entry.kind === 'encoder-decoder' || entry.kind === 'captioner' ? { vocab: 'vocab.json' } : {}),
        ...(entry.kind === 'vision' || entry.kind === 'captioner' ? { preprocessor: 'preprocessor_config.json' } : {}),
      };
    },
  });
  const scheduler = createScheduler({ timers, start: runNow });
  /** How long the last run took from its start to its views drawn (ms): the typing delay follows it. */
  /** @type {number | null} */
  let lastRunMs = null;
  const clock = createPlayerClock({
    timers,
    delay: () => (reducedMotion.matches ? STEP_MS * 1.5 : STEP_MS) / page.state.speed,
    tick: () => {
      dispatch({ type: 'tick' });
      return page.playing;
    },
  });

  /** @param {Partial<PlaygroundState>} change */
  const patch = (change) => dispatch({ type: 'patch', patch: change });
  /**
   * @param {Partial<PlaygroundState>} choice  a source chosen in the Model settings
   * @param {string[]} [fallbacks]  the sources to try next if the chosen one cannot be loaded
   */
  const choose = (choice, fallbacks) => {
    loader.clear();
    dispatch({ type: 'choose-source', patch: choice, ...(fallbacks ? { fallbacks } : {}) });
  };
  const views = createPlaygroundViews(container, {
    share: options.share,
    onText: (which, text) => dispatch({ type: 'text', which, text }),
    onPicture: () => dispatch({ type: 'picture' }),
    onPatch: patch,
    onEvent: dispatch,
    onCancelLoad: () => loader.cancel(),
    onToy: () => choose({ source: TOY_SOURCE, hiddenHeads: [] }),
    onTrained: () => choose({ source: trained[0], vectors: null, hiddenHeads: [] }, trained.slice(1)),
    // An encoder–decoder (a captioner too) opens on its last block: the cross-attention of the
    // decoder's last layer.
    onAddress: (address) => {
      const kind = shippedAt(shipped, address)?.entry.kind;
      choose({ source: address, vectors: null, hiddenHeads: [], ...(kind === 'encoder-decoder' || kind === 'captioner' ? { layer: LIMITS.layer.max, head: 0 } : {}) });
    },
    onFiles: (local) => {
      loader.clear();
      dispatch({ type: 'choose-source', patch: { source: loader.loadFiles(local), vectors: null, hiddenHeads: [] } });
    },
    onVectors: (on) => {
      const status = loader.status();
      choose({ vectors: on ? (status.phase === 'ready' && status.source ? status.source : served) : null });
    },
    onModelChange: (change) => {
      const model = cloneState(page.state).model;
      change(model);
      patch({ model });
    },
    onToggleCell: (query, key) => {
      const { masks } = page.state.model;
      patch({ model: { ...page.state.model, masks: { ...masks, blocked: toggleBlocked(masks.blocked, query, key) } } });
    },
    onClearMask: () => patch({ model: { ...page.state.model, masks: { ...page.state.model.masks, blocked: [] } } }),
    state: () => page.state,
    presentation: () => page.presentation,
    snapshot,
    exportFile: exportNow,
    save: (blob, filename) => saveFile(doc, blob, filename),
  });
  acceptDrops(views.root, (local) => {
    loader.clear();
    dispatch({ type: 'choose-source', patch: { source: loader.loadFiles(local), vectors: null, hiddenHeads: [] } });
  });
  views.root.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    const action = keyEvent(event.key, page.state.view, target.closest('button, a, summary') !== null, page.playing);
    if (!action) return;
    event.preventDefault();
    dispatch(action);
  });

  /** @param {Event} event */
  function dispatch(event) {
    const env = { status: loader.status(), origin, reducedMotion: reducedMotion.matches, foreignHost: (/** @type {string} */ source) => foreignHost(source, doc.baseURI) };
    const result = reduce(page, event, env);
    page = result.page;
    for (const effect of result.effects) perform(effect);
    render();
  }

  /** @param {Effect} effect */
  function perform(effect) {
    if (effect.type === 'run') scheduler.schedule(typingDelay(lastRunMs, effect.delay));
    else if (effect.type === 'breakdown') requestBreakdown(effect);
    else if (effect.type === 'want-model') loader.want(effect.source);
    else if (effect.type === 'reload-model') loader.reload();
    else if (effect.type === 'follow-query') views.followQuery(effect.query);
    else if (effect.type === 'set-texts') views.setTexts(page.state);
    else clock.set(effect.on);
  }

  /** Runs the core on the state as it is now, and hands the answer to the controller. */
  async function runNow() {
    const started = win.performance.now();
    const request = cloneState(page.state);
    const status = loader.status();
    const kind = computingKind(request, status);
    const text = limitText(request.text);
    const crossText = limitText(request.crossText);
    const comparing = comparedText(request);
    // The picture goes with its run: the picture view never paints one picture's attention over another.
    const picture = readsPictures(status.info?.kind) ? views.picture() : null;
    const outcome = await engine.run({
      request: runRequest(request, kind, {
        text: text.text,
        crossText: crossText.text,
        dModel: status.info?.hidden ?? null,
        decoder: status.info?.kind === 'decoder',
        picture,
      }),
      // A translation's two sequences keep their <eos>: hiding it is offered for one sequence only.
      withoutSpecial: kind === 'model' && request.hideSpecial && status.info?.kind !== 'encoder-decoder',
      // The core's rollout or flow of an encoder's layers, text or picture (a decoder's are causal).
      rollout: kind === 'model' && request.across !== 'head' && (status.info?.kind === 'encoder' || status.info?.kind === 'vision') ? request.across : null,
      // The worker clamps the focus to the run's blocks, heads and tokens.
      focus: { block: request.layer, head: request.head, query: request.query },
      // Only the player shows the focus's breakdown; it asks again when the focus moves.
      breakdown: request.view === 'player',
      // The Compare view's sentence B, run the same way (a picture has no sentence to compare).
      compare: comparing === null || picture ? null : limitText(comparing).text,
    });
    if (!outcome.ok && 'superseded' in outcome) return;
    if (!outcome.ok) {
      dispatch({ type: 'run-failed', message: outcome.message, field: outcome.field ?? null });
      return;
    }
    const result = outcome.value;
    const model = kind === 'model' && status.info
      ? { name: status.name, info: status.info, origin: (status.source !== null && shippedBehind(shipped, status.source, doc.baseURI)?.entry.origin) || null, heads: status.heads, vocabulary: status.vocabulary }
      : null;
    const { full, shown } = runData(result, page.runCount + 1, model, kind === 'model' ? picture : null);
    const crossMode = kind !== 'model' && request.model.mode === 'cross';
    const limits = limitNotes({ characters: crossMode && crossText.cut ? crossText : text, truncated: result.summary.truncated, model: model && { name: model.name, kind: model.info.kind } });
    if (kind === 'vectors') limits.push(`The toy works on ${status.name}’s WordPiece tokens and word embeddings, so d_model is ${status.info?.hidden}.`);
    if (kind === 'model' && request.hideSpecial && !shown && hasSpecial(result.summary)) {
      limits.push(`The text has no tokens but ${specialNames(result.summary, ' and ')}, so they are shown.`);
    }
    const other = result.compared;
    const compared = !other ? null : other.error !== null ? { error: other.error } : comparedRun(runData(other, page.runCount + 1, model));
    dispatch({ type: 'ran', request, shown: { full, hidden: shown, compared }, breakdown: result.breakdown, limits });
    lastRunMs = win.performance.now() - started;
  }

  /** @param {Extract<Effect, { type: 'breakdown' }>} effect */
  async function requestBreakdown({ runId, focus }) {
    const outcome = await engine.breakdown({ runId, focus });
    if (outcome.ok) dispatch({ type: 'breakdown', runId, breakdown: outcome.value.breakdown });
    else if (!('superseded' in outcome)) dispatch({ type: 'breakdown-failed', message: outcome.message });
  }

  /** What the exports take: the view on screen with its own token indices. */
  function snapshot() {
    if (!page.shown) return null;
    const f = focusIn(page.state, page.shown);
    const run = viewOf(page.shown, page.state.view, f.layer, page.state.across !== 'head');
    // The rollout (or flow) is one map per layer: its only "head".
    return { data: run, state: stateIn(page.state, run.rolledOut ? { ...f, head: 0 } : f, run), breakdown: page.breakdown, compared: comparedAt(page.shown, f.layer).b };
  }

  /**
   * @param {import('./export/exporter.js').ExportFormat} format
   * @param {import('./export/exporter.js').ExportOptions} [exportOptions]
   */
  async function exportNow(format, exportOptions) {
    if (!page.shown) throw new ExportError('Nothing is computed yet: wait for the numbers, then export.');
    // A clip plays the focused query's steps: outside the player, its breakdown is fetched first.
    if (format === 'clip' && page.state.view !== 'player') {
      const { layer, head, query } = focusIn(page.state, page.shown);
      await requestBreakdown({ type: 'breakdown', runId: page.shown.full.runId, focus: { block: layer, head, query } });
    }
    const shown = snapshot();
    if (!shown) throw new ExportError('Nothing is computed yet: wait for the numbers, then export.');
    return exportFile(doc, shown, format, exportOptions, engine.figure);
  }

  function render() {
    const status = loader.status();
    const { state, shown } = page;
    const kind = computingKind(state, status);
    const f = focusIn(state, shown);
    const decoder = shown?.full.run.source.kind === 'decoder' && kind === 'model';
    const translating = shown?.full.run.source.kind === 'encoder-decoder' && kind === 'model';
    // A caption is written as a translation is: greedily, with the picture's patches as the source.
    const captioning = shown?.full.run.source.kind === 'captioner' && kind === 'model';
    // The generation as it was computed: the settings and the text of the run on screen.
    const computed = page.lastGood ?? state;
    const generation = shown && (decoder || translating || captioning) ? generationView(atLayer(shown.full, f.layer), f.query, computed.generate) : null;
    const vocabulary = translating ? status.vocabulary : null;
    views.render({
      page,
      status,
      served,
      shipped,
      notes: notesOf(page, status),
      borrowed: kind === 'vectors' ? status.info : null,
      controlErrors: page.fieldErrors,
      generation: { decoder, translation: translating || captioning, caption: captioning, attention: (shown?.full.layers ?? 0) > 0, prompt: limitText(computed.text).text, view: generation },
      translation: {
        on: translating,
        model: status.name,
        task: taskOf(shippedAt(shipped, state.source)?.entry.name ?? ''),
        unknown: (translating && shown?.full.run.translation?.unknown) || [],
        vocabulary,
        characters: vocabulary !== null && readsCharacters(vocabulary),
      },
      picture: { on: kind === 'model' && readsPictures(status.info?.kind), vision: shown?.full.run.vision ?? null, captioner: status.info?.kind === 'captioner', caption: captioning ? shown?.full.run.generation ?? null : null },
    });
    writeUrlSoon();
    if (!shown) return;
    const run = state.view === 'player' ? viewOf(shown, 'heatmap', f.layer) : viewOf(shown, state.view, f.layer, state.across !== 'head');
    const stale = page.lastGood !== null && !sameModel(page.lastGood.model, state.model) && !shown.full.model;
    views.renderRun({
      state,
      focus: f,
      full: atLayer(shown.full, f.layer),
      run,
      seen: stateIn(state, f, run),
      hidden: shown.hidden !== null,
      status: `${describeRun(shown.full, f, shown.hidden !== null, stale)}${run.rolledOut ? ` · heatmap: the ${run.rolledOut} through layer ${f.layer + 1}, every head averaged` : ''}`,
      breakdown: page.breakdown,
      playing: page.playing,
      editMask: page.editMask,
      fromView: (index) => runIndex(run, index),
      allHeads: shape(shown.full).heads,
      compared: comparedAt(shown, f.layer),
      generation,
    });
    options.onFocus?.(focusOf({ ...state, ...f }, atLayer(shown.full, f.layer)));
  }

  function writeUrlSoon() {
    if (!syncUrl) return;
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      const { state, presentation } = page;
      const hash = encodeState({ ...state, text: limitText(state.text).text, crossText: limitText(state.crossText).text }, presentation);
      if (hash === writtenHash) return;
      writtenHash = hash;
      win.history.replaceState(win.history.state, '', `#${hash}`);
    }, 150);
  }

  /**
   * A link pasted into the address bar of an open page. The event's own address is read: a
   * write of the previous state that was still pending may already have replaced the location.
   * @param {HashChangeEvent} event
   */
  function onHashChange(event) {
    clearTimeout(urlTimer);
    const hash = new URL(event.newURL).hash.replace(/^#/, '');
    if (hash !== writtenHash) dispatch({ type: 'hash', decoded: decodeState(hash) });
  }
  if (syncUrl) win.addEventListener('hashchange', onHashChange);

  dispatch({ type: 'start' });

  return {
    /** A copy of the current state. */
    getState: () => cloneState(page.state),
    /** @param {Partial<PlaygroundState>} change */
    setState: (change) => {
      patch(change);
      if (change.text !== undefined || change.crossText !== undefined) views.setTexts(page.state);
    },
    /** A copy of how the playground is presented. */
    getPresentation: () => ({ ...page.presentation }),
    /** @param {Presentation} next */
    setPresentation: (next) => dispatch({ type: 'presentation', presentation: next }),
    /**
     * Replaces the note about values that could not be used (empty: no note).
     * @param {string[]} problems
     */
    setProblems: (problems) => dispatch({ type: 'problems', problems }),
    exportFile: exportNow,
    /**
     * Opens a model from files as "Your files…" does (the Train panel's model in training), with
     * the state to show it in (its probe's text, the block and head on screen).
     * @param {import('./model/files.js').LocalFiles} local
     * @param {Partial<PlaygroundState>} [change]
     */
    openFiles: (local, change = {}) => {
      loader.clear();
      dispatch({ type: 'choose-source', patch: { ...change, source: loader.loadFiles(local), vectors: null, hiddenHeads: [] } });
      if (change.text !== undefined) views.setTexts(page.state);
    },
    destroy() {
      clock.set(false);
      scheduler.cancel();
      clearTimeout(urlTimer);
      if (syncUrl) win.removeEventListener('hashchange', onHashChange);
      loader.destroy();
      engine.destroy();
      container.replaceChildren();
    },
  };
}
