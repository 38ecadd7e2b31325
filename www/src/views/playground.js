// The widgets of one playground, laid out in its container: notes, loading progress, the
// sentence boxes and token strip, the views and their tabs, the settings, the Export and Share /
// Embed dialogs. They report what the reader does through callbacks and draw what they are given;
// they decide nothing (controller.js does).

import { el } from '../dom.js';
import { STEP_MS } from '../timeline.js';
import { EXAMPLE, createComparePanel } from './compare.js';
import { DEFAULT_COMPARE_TEXT, DEFAULT_TEXT } from '../state.js';
import { SERVED_MODEL } from '../model/address.js';
import { createControls } from './controls.js';
import { createEmbeddingStrip } from './embedding.js';
import { createExportDialog } from './export-dialog.js';
import { createFocusBar } from './focus-bar.js';
import { createGeneratePanel } from './generate.js';
import { createHeadGrid } from './head-grid.js';
import { createHeadSearch } from './head-search.js';
import { createHeatmap } from './heatmap.js';
import { createLines } from './lines.js';
import { createLoadStatus } from './load-status.js';
import { createModelPanel } from './model-panel.js';
import { createPlayer } from './player.js';
import { createSentenceInput } from './sentence.js';
import { createShareDialog } from './share-dialog.js';
import { TABS, createTabs } from './tabs.js';
import { blockName, hasSpecial, rolloutView, specialNames, targetBlock, typedSequence } from '../run-data.js';
import { createPicturePanel } from './picture.js';
import { createRolloutSwitch } from './rollout-switch.js';
import { createNoAttentionPanel, createTranslationPanel } from './translation.js';
import { computationLabel, modelLabel } from '../caption.js';
import { createTokenStrip } from './token-strip.js';

/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../state.js').Presentation} Presentation */
/** @typedef {import('../state.js').ModelState} ModelState */
/** @typedef {import('../state.js').ViewName} ViewName */
/** @typedef {import('../state.js').Pin} Pin */
/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../types').Token} Token */
/** @typedef {import('../types').Breakdown} Breakdown */
/** @typedef {import('../types').ModelInfo} ModelInfo */
/** @typedef {import('../controller.js').Event} Event */
/** @typedef {import('../controller.js').Page} Page */
/** @typedef {import('../model/loader.js').ModelStatus} ModelStatus */
/** @typedef {import('../model/catalog.js').ShippedModel} ShippedModel */
/** @typedef {import('../view-model.js').GenerationView} GenerationView */

/**
 * @typedef {Object} Callbacks
 * @property {import('./share-dialog.js').ShareTargets} [share]  offer the Share / Embed dialog
 * @property {(which: 'text' | 'crossText' | 'compareText', text: string) => void} onText
 * @property {() => void} onPicture  a new picture is on the canvas of a vision model
 * @property {(patch: Partial<PlaygroundState>) => void} onPatch
 * @property {(event: Event) => void} onEvent
 * @property {() => void} onCancelLoad
 * @property {() => void} onToy
 * @property {() => void} onTrained  the reader leaves the toy for the default trained model
 * @property {(address: string) => void} onAddress
 * @property {(files: import('../model/files.js').LocalFiles) => void} onFiles
 * @property {(on: boolean) => void} onVectors
 * @property {(change: (model: ModelState) => void) => void} onModelChange
 * @property {(query: number, key: number) => void} onToggleCell
 * @property {() => void} onClearMask
 * @property {() => PlaygroundState} state
 * @property {() => Presentation} presentation
 * @property {import('./export-dialog.js').ExportDialogCallbacks['snapshot']} snapshot
 * @property {import('./export-dialog.js').ExportDialogCallbacks['exportFile']} exportFile
 * @property {import('./export-dialog.js').ExportDialogCallbacks['save']} save
 */

/**
 * What the views show of a run.
 * @typedef {Object} RunView
 * @property {PlaygroundState} state
 * @property {{ layer: number, head: number, query: number, step: number }} focus  the run's indices
 * @property {RunData} full    every token, at the focused block (the player's)
 * @property {RunData} run     what the heatmap, lines and grid show
 * @property {PlaygroundState} seen  the state in the indices of `run`'s tokens
 * @property {boolean} hidden  special tokens are hidden
 * @property {string} status   the line above the views
 * @property {Breakdown | null} breakdown
 * @property {boolean} playing
 * @property {boolean} editMask
 * @property {(index: number) => number} fromView  the run's index of a token `run` shows
 * @property {number} allHeads
 * @property {GenerationView | null} generation  what a decoder generated, seen from the focused query
 * @property {{ b: RunData | null, error: string | null }} compared  sentence B in the Compare view
 */

/**
 * The generation panel's input besides its view: whether a decoder computes, and the text it
 * continued.
 * @typedef {{ decoder: boolean, translation?: boolean, caption?: boolean, attention?: boolean, prompt: string, view: GenerationView | null }} GenerationInput
 */

/**
 * @param {HTMLElement} container
 * @param {Callbacks} callbacks
 */
export function createPlaygroundViews(container, callbacks) {
  const doc = container.ownerDocument;
  const notes = el(doc, 'div', { class: 'ap-notes', attrs: { role: 'status', 'aria-live': 'polite' } });
  const loadHost = el(doc, 'div');
  const embeddingHost = el(doc, 'div');
  const focusHost = el(doc, 'div');
  const modelHost = el(doc, 'div', { class: 'ap-model' });
  const sentenceHost = el(doc, 'div', { class: 'ap-sentence' });
  const crossHost = el(doc, 'div', { class: 'ap-sentence ap-cross' });
  const compareHost = el(doc, 'div', { class: 'ap-sentence ap-compare' });
  const inputError = el(doc, 'p', { class: 'field-error input-error', attrs: { role: 'alert' } });
  const stripHost = el(doc, 'div', { class: 'ap-strip' });
  const generateHost = el(doc, 'div', { class: 'ap-generate-host' });
  const translationHost = el(doc, 'div', { class: 'ap-translation-host' });
  const pictureHost = el(doc, 'div', { class: 'ap-picture-host' });
  const noAttentionHost = el(doc, 'div', { class: 'ap-panel panel-no-attention' });
  const controlsHost = el(doc, 'div', { class: 'ap-controls-body' });
  const tabList = el(doc, 'div', { class: 'ap-tabs' });
  const actions = el(doc, 'div', { class: 'ap-actions' });
  const statusLine = el(doc, 'p', { class: 'ap-status' });
  // On a phone the settings open as a sheet over the views (the stylesheet decides when).
  const closeSettings = el(doc, 'button', { class: 'small-button ap-sheet-close', text: 'Done', attrs: { type: 'button' } });
  // What computed the weights, above the views: the toy says that it shows no meaning.
  const sourceBadge = el(doc, 'strong', { class: 'ap-source' });
  const sourceDetails = el(doc, 'span', { class: 'ap-source-details' });
  const toTrained = el(doc, 'button', { class: 'small-button', text: 'Use a trained model', attrs: { type: 'button' }, on: { click: () => callbacks.onTrained() } });
  const sourceLine = el(doc, 'p', { class: 'ap-source-line' }, [sourceBadge, ' ', sourceDetails, ' ', toTrained]);
  /** @type {Record<ViewName, HTMLElement>} */
  const panels = {
    heatmap: el(doc, 'div', { class: 'ap-panel panel-heatmap' }),
    lines: el(doc, 'div', { class: 'ap-panel panel-lines' }),
    heads: el(doc, 'div', { class: 'ap-panel panel-heads' }),
    player: el(doc, 'div', { class: 'ap-panel panel-player' }),
    compare: el(doc, 'div', { class: 'ap-panel panel-compare' }),
  };
  for (const [view, label] of TABS) {
    panels[view].setAttribute('role', 'tabpanel');
    panels[view].setAttribute('aria-label', label);
  }
  const root = el(doc, 'div', { class: 'ap' }, [
    notes,
    loadHost,
    el(doc, 'section', { class: 'ap-input', attrs: { 'aria-label': 'Input' } }, [sentenceHost, pictureHost, crossHost, compareHost, inputError, stripHost, embeddingHost, generateHost, translationHost]),
    el(doc, 'div', { class: 'ap-layout' }, [
      el(doc, 'section', { class: 'ap-views', attrs: { 'aria-label': 'Views' } }, [focusHost, sourceLine, tabList, statusLine, noAttentionHost, ...Object.values(panels), actions]),
      el(doc, 'aside', { class: 'ap-controls', attrs: { 'aria-label': 'Settings' } }, [
        el(doc, 'div', { class: 'ap-controls-head' }, [el(doc, 'h2', { class: 'ap-controls-title', text: 'Settings' }), closeSettings]),
        modelHost,
        controlsHost,
      ]),
    ]),
  ]);
  container.replaceChildren(root);
  const openSettings = el(doc, 'button', {
    class: 'small-button action-button ap-sheet-open',
    text: 'Settings…',
    attrs: { type: 'button', 'aria-expanded': 'false' },
    on: { click: () => sheet(true) },
  });
  /** @param {boolean} open */
  function sheet(open) {
    root.classList.toggle('settings-open', open);
    openSettings.setAttribute('aria-expanded', String(open));
    (open ? closeSettings : openSettings).focus();
  }
  closeSettings.addEventListener('click', () => sheet(false));
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && root.classList.contains('settings-open')) sheet(false);
  });
  actions.append(openSettings);

  /** @type {RunView | null} what the views last showed */
  let shown = null;
  const { onPatch, onEvent } = callbacks;

  const sentence = createSentenceInput(sentenceHost, {
    label: 'Sentence',
    hint: 'Type anything: attention updates as you type.',
    rows: 2,
    onInput: (text) => callbacks.onText('text', text),
  });
  const cross = createSentenceInput(crossHost, {
    label: 'Keys and values from',
    hint: 'Cross-attention: queries come from the first text, keys and values from this one.',
    rows: 2,
    onInput: (text) => callbacks.onText('crossText', text),
  });
  const compareInput = createSentenceInput(compareHost, {
    label: 'Sentence B',
    hint: 'Compare: the same model, layer and head on the sentence above (A) and this one (B), with the difference B − A.',
    rows: 2,
    onInput: (text) => callbacks.onText('compareText', text),
  });
  const strip = createTokenStrip(stripHost, {
    // A translation's source chip, clicked while a target block is shown, opens the last encoder
    // block (whose queries are the source) at that token.
    onQuery: (query) => onPatch(shown && typedSequence(shown.full) !== shown.full.summary.queries ? { query, layer: sourceBlock(shown.full) } : { query }),
    onHover: (token) => highlight(token, 'q'),
  });
  const embedding = createEmbeddingStrip(embeddingHost);
  const loadStatus = createLoadStatus(loadHost, { onCancel: callbacks.onCancelLoad });
  const focusBar = createFocusBar(focusHost, {
    onLayer: (layer) => onPatch({ layer }),
    onHead: (head) => onPatch({ head }),
    onNamed: (layer, head) => onPatch({ layer, head }),
    onHideSpecial: (hideSpecial) => onPatch({ hideSpecial }),
  });
  /**
   * Where a decoding step is read: a translation's in a block whose queries are the target.
   * @param {number} query
   */
  const stepAt = (query) => {
    const run = shown?.full.run;
    return run?.translation ? { query, layer: targetBlock(run, shown?.focus.layer ?? 0) } : { query };
  };
  /** Focuses a decoding step's new query (pinned in the lines view, so its lines show). */
  const focusStep = (/** @type {number} */ query) => onPatch(callbacks.state().view === 'lines' ? { ...stepAt(query), pin: { side: 'q', index: query } } : stepAt(query));
  const generatePanel = createGeneratePanel(generateHost, {
    onGenerate: (settings) => onEvent({ type: 'generate', settings }),
    onSettings: (settings) => onPatch({ generate: { ...callbacks.state().generate, ...settings } }),
    onStop: () => onEvent({ type: 'stop-generating' }),
    onStep: focusStep,
    onPlay: (query) => onPatch({ view: 'player', ...stepAt(query), step: 0 }),
  });
  const translationPanel = createTranslationPanel(translationHost, {
    onExample: (text) => {
      callbacks.onText('text', text);
      sentence.setText(text);
    },
  });
  const picturePanel = createPicturePanel(pictureHost, {
    onPicture: callbacks.onPicture, onQuery: (query) => onPatch({ query }), onAcross: (across) => onPatch({ across }), onWord: (layer, query) => onPatch({ layer, query }),
  });
  const noAttention = createNoAttentionPanel(noAttentionHost);
  noAttention.update(null);
  const modelPanel = createModelPanel(modelHost, {
    onToy: callbacks.onToy,
    onAddress: callbacks.onAddress,
    onFiles: callbacks.onFiles,
    onVectors: callbacks.onVectors,
    onHead: (layer, head) => onPatch({ layer, head }),
  });
  const controls = createControls(controlsHost, {
    onChange: callbacks.onModelChange,
    onEditMask: (on) => onEvent({ type: 'edit-mask', on }),
    onClearMask: callbacks.onClearMask,
  });
  const tabs = createTabs(tabList, { onView: (view) => onPatch({ view }) });
  const fromView = (/** @type {number} */ index) => (shown ? shown.fromView(index) : index);
  // An encoder's heatmap shows one head, or the rollout or flow through the layer.
  const heatmapRollout = createRolloutSwitch(doc, (across) => onPatch({ across }));
  const heatmapHost = el(doc, 'div');
  panels.heatmap.append(heatmapRollout.element, heatmapHost);
  const heatmap = createHeatmap(heatmapHost, {
    onQuery: (query) => onPatch({ query: fromView(query) }),
    onHover: (cell) => highlight(cell && shown ? shown.run.summary.queryTokens[cell.query] ?? null : null, 'q'),
    onToggleCell: callbacks.onToggleCell,
    onStretch: (stretch) => onPatch({ stretch }),
  });
  const lines = createLines(panels.lines, {
    onPin: (shownPin) => {
      const pin = shownPin && { side: shownPin.side, index: fromView(shownPin.index) };
      onPatch(pin && pin.side === 'q' ? { pin, query: pin.index } : { pin });
    },
    onToggleHead: (head) => {
      const hidden = callbacks.state().hiddenHeads;
      onPatch({ hiddenHeads: hidden.includes(head) ? hidden.filter((h) => h !== head) : [...hidden, head].sort((a, b) => a - b) });
    },
    onOnly: (head) => onPatch({ hiddenHeads: head === null || !shown ? [] : [...Array(shown.allHeads).keys()].filter((h) => h !== head) }),
    onStretch: (stretch) => onPatch({ stretch }),
    onHover: (pin) => {
      const tokens = shown && pin ? (pin.side === 'q' ? shown.run.summary.queryTokens : shown.run.summary.keyTokens) : [];
      highlight(pin ? tokens[pin.index] ?? null : null, pin?.side ?? 'q');
    },
  });
  const findHost = el(doc, 'div');
  const gridHost = el(doc, 'div');
  panels.heads.append(findHost, gridHost);
  const finder = createHeadSearch(findHost, { onHead: (layer, head) => onPatch({ layer, head }) });
  const heads = createHeadGrid(gridHost, { onHead: (layer, head) => onPatch({ layer, head }), onStretch: (stretch) => onPatch({ stretch }) });
  const player = createPlayer(panels.player, {
    onStep: (step) => onPatch({ step }),
    onKey: (key) => onPatch({ key }),
    onQuery: (query) => onPatch({ query }),
    onAdvance: (direction) => onEvent({ type: 'step', direction }),
    onTogglePlay: () => onEvent({ type: 'play', on: !(shown?.playing ?? false) }),
    onSpeed: (speed) => onPatch({ speed }),
  });
  const comparePanel = createComparePanel(panels.compare, {
    onQuery: (query) => onPatch({ query: fromView(query) }),
    onExample: (query) => onPatch({ layer: EXAMPLE.layer, head: EXAMPLE.head, query: fromView(query) }),
  });
  const exportDialog = createExportDialog(root, {
    snapshot: callbacks.snapshot,
    exportFile: callbacks.exportFile,
    save: callbacks.save,
    frameMs: (state) => STEP_MS / state.speed,
  });
  actions.append(el(doc, 'button', {
    class: 'small-button action-button',
    text: 'Export…',
    attrs: { type: 'button', 'aria-haspopup': 'dialog' },
    on: { click: () => exportDialog.open() },
  }));
  if (callbacks.share) {
    const shareDialog = createShareDialog(root, callbacks.share, { state: callbacks.state, presentation: callbacks.presentation });
    actions.append(el(doc, 'button', {
      class: 'small-button action-button',
      text: 'Share / Embed…',
      attrs: { type: 'button', 'aria-haspopup': 'dialog' },
      on: { click: () => shareDialog.open() },
    }));
  }

  /**
   * Marks a token's characters in its sentence box.
   * @param {Token | null} token
   * @param {'q' | 'k'} side
   */
  function highlight(token, side) {
    const target = side === 'k' && callbacks.state().model.mode === 'cross' ? cross : sentence;
    const other = target === sentence ? cross : sentence;
    other.highlight(null);
    target.highlight(token && !token.special ? [token.start, token.end] : null);
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

  return {
    root,
    /** @param {number} query */
    followQuery: (query) => strip.follow(query),
    picture: () => picturePanel.picture(),
    /** @param {PlaygroundState} state */
    setTexts(state) {
      sentence.setText(state.text);
      cross.setText(state.crossText);
      compareInput.setText(state.compareText);
    },

    /**
     * Everything that does not need a run: notes, progress, settings, tabs.
     * @param {{ page: Page, status: ModelStatus, served: string, shipped: ShippedModel[],
     *   notes: ReturnType<typeof import('../controller.js').notesOf>, borrowed: ModelInfo | null,
     *   controlErrors: Partial<Record<string, string>>, generation: GenerationInput,
     *   translation: import('./translation.js').TranslationInput,
     *   picture: { on: boolean, vision: import('../types').Vision | null, captioner: boolean, caption: import('../types').Generation | null } }} input
     */
    render({ page, status, served, shipped, notes: items, borrowed, controlErrors, generation, translation, picture }) {
      const { state, presentation } = page;
      const modelRun = page.shown?.full.model ?? null;
      root.dataset.controls = presentation.controls;
      root.dataset.computing = modelRun ? 'model' : 'toy';
      tabs.update(state.view);
      for (const [view, panel] of Object.entries(panels)) panel.hidden = view !== state.view;
      crossHost.hidden = state.model.mode !== 'cross' || modelRun !== null;
      compareHost.hidden = state.view !== 'compare' || picture.on;
      inputError.textContent = page.inputError;
      // The toy on a model's embeddings takes the model's tokens and width.
      controls.update(borrowed ? { ...state.model, dModel: borrowed.hidden } : state.model, page.editMask, controlErrors, borrowed ? {
        dModel: `Fixed at ${borrowed.hidden}: the width of ${status.name}’s word embeddings.`,
        tokenizer: `${status.name}’s WordPiece tokens (## marks a piece inside a word).`,
      } : {});
      modelPanel.update({ state, status, computing: modelRun !== null, served, shipped });
      generatePanel.update({ ...generation, settings: state.generate, error: controlErrors.steps ?? controlErrors.sampling ?? '' });
      translationPanel.update(translation);
      // A vision model reads the picture, not the text.
      picturePanel.update(picture);
      sentenceHost.hidden = picture.on;
      root.dataset.kind = page.shown?.full.run.source.kind ?? 'toy';
      loadStatus.update(status);
      root.classList.toggle('editing-mask', page.editMask && !modelRun);
      const button = (/** @type {string} */ text, /** @type {Event} */ event) => el(doc, 'button', { class: 'small-button', text, attrs: { type: 'button' }, on: { click: () => onEvent(event) } });
      notes.replaceChildren(...items.map((note) => el(doc, 'p', { class: `note note-${note.kind}`, text: note.text }, [
        ...(note.dismiss ? [button('Dismiss', { type: 'dismiss-link-note' })] : []),
        ...(note.consent ? [button('Load it', { type: 'consent', load: true }), button('Stay with the toy', { type: 'consent', load: false })] : []),
      ])));
      if (!page.shown) statusLine.textContent = 'Computing attention…';
    },

    /**
     * The views of a run.
     * @param {RunView} next
     */
    renderRun(next) {
      shown = next;
      const { state, focus: f, full, run, seen } = next;
      const modelRun = full.model;
      const { summary } = full;
      // A model without attention has no weights: its panel says why instead of the views.
      const none = full.layers === 0;
      noAttention.update(none ? full.run.translation?.noAttention ?? 'this model has no attention' : null);
      tabList.hidden = none;
      focusHost.hidden = none;
      for (const [view, panel] of Object.entries(panels)) panel.hidden = none || view !== state.view;
      // The chips are what was typed: a translation's source tokens, whichever block is shown.
      const typed = typedSequence(full);
      const queriesTyped = typed === summary.queries;
      const sourceNote = queriesTyped ? '' : sourceBlock(full) < 0
        ? 'The source as the model reads it. Its attention goes from each target token (the queries) to these: pick a target token in the views.'
        : 'The source as the model reads it; the block shown has the target tokens as queries. Click a source token to open the encoder’s last block at it.';
      strip.update(queriesTyped ? summary.queryTokens : full.sequences[typed], queriesTyped ? f.query : -1, next.hidden && state.view !== 'player',
        queriesTyped ? full.run.generation?.promptTokens ?? null : null, !modelRun && state.model.tokenizer === 'chars', sourceNote, queriesTyped || sourceBlock(full) >= 0);
      embedding.update(modelRun?.pooled ? { pooled: modelRun.pooled, name: modelRun.name } : null);
      focusBar.update({
        layers: full.layers,
        heads: summary.heads,
        layer: f.layer,
        head: f.head,
        special: modelRun && hasSpecial(full.run) && !full.run.translation ? specialNames(full.run) : null,
        hideSpecial: state.hideSpecial,
        named: modelRun?.heads ?? [],
        blocks: full.run.translation ? full.run.blocks.map((_, b) => blockName(full.run, b)) : null,
      });
      statusLine.textContent = next.status;
      const label = modelLabel(full, state.model, state.vectors);
      sourceBadge.textContent = modelRun ? `Computed by ${label}` : `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
      sourceDetails.textContent = computationLabel(full, state.model);
      sourceLine.classList.toggle('toy', !modelRun);
      toTrained.hidden = modelRun !== null;
      if (full.run.vision) {
        const rollout = state.across !== 'head' ? rolloutView(full, f.layer) : null;
        picturePanel.paintAttention({ full, layer: f.layer, head: f.head, query: f.query, stretch: state.stretch, rollout, across: state.across });
      }
      if (none) return;
      const blocked = blockedMemo(modelRun ? new Set() : new Set(state.model.masks.blocked.map(([q, k]) => `${q}.${k}`)));
      if (state.view === 'heatmap') {
        heatmapRollout.update({ kind: full.run.source.kind, on: state.across, layer: f.layer, error: full.rolloutError ?? null, kept: run.rolledOut && next.hidden ? specialNames(full.run, ' and ') : '' });
        heatmap.update({ data: run, head: run.rolledOut ? 0 : f.head, query: seen.query, editMask: next.editMask && !modelRun, blocked, reveal: null, table: true, numbers: true, rowPanel: true, stretch: state.stretch, model: label });
      } else if (state.view === 'lines') {
        lines.update({ data: run, pin: seen.pin, hiddenHeads: state.hiddenHeads, head: f.head, query: seen.query, stretch: state.stretch });
      } else if (state.view === 'heads') {
        finder.update({ data: run, layer: f.layer, head: f.head, query: seen.query });
        heads.update({ data: run, layer: f.layer, head: f.head, stretch: state.stretch });
      } else if (state.view === 'compare') {
        // The example's texts on MiniLM, not yet at its head and query: offer to open them.
        const atExample = f.layer === EXAMPLE.layer && f.head === EXAMPLE.head && run.summary.queryTokens[seen.query]?.text === EXAMPLE.token;
        const example = state.text === DEFAULT_TEXT && state.compareText === DEFAULT_COMPARE_TEXT && modelRun?.name === SERVED_MODEL.name && !atExample;
        comparePanel.update({ a: run, b: next.compared.b, error: next.compared.error, head: f.head, query: seen.query, stretch: state.stretch, model: label, picture: full.run.vision !== null && full.run.vision !== undefined, example });
      } else {
        const note = next.hidden ? `Step by step shows the model’s own computation: every token, ${specialNames(full.run, ' and ')} included (hiding them renormalises the other views only).` : '';
        const decoding = next.generation?.decoding ?? null;
        player.update({ data: full, breakdown: next.breakdown, head: f.head, query: f.query, step: f.step, key: state.key, speed: state.speed, playing: next.playing, blocked, note, decoding });
      }
    },
  };
}

/**
 * The last block whose queries are the typed text's tokens (a translation's encoder), or −1.
 * @param {RunData} full
 */
function sourceBlock(full) {
  return full.run.blocks.map((block) => block.queries).lastIndexOf(typedSequence(full));
}
