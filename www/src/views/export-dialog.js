// The Export dialog: the view on screen as SVG or PNG (1×, 2×, 4×), the focused head's weights
// as JSON or CSV, the focused query's steps as a video clip. Each button saves one file and
// says what it saved (or why it could not).

import { el } from '../dom.js';
import { formatBytes, quoteToken } from '../format.js';
import { ExportError, PNG_SCALES, clipType } from '../export/exporter.js';
import { stepCount } from '../timeline.js';
import { headName, playerRow, shape } from '../run-data.js';
import { buttonGroup, createModal } from './modal.js';

/** @typedef {import('../export/exporter.js').Snapshot} Snapshot */
/** @typedef {import('../export/exporter.js').ExportFormat} ExportFormat */
/** @typedef {import('../export/exporter.js').ExportOptions} ExportOptions */

/**
 * @typedef {Object} ExportDialogCallbacks
 * @property {() => Snapshot | null} snapshot
 * @property {(format: ExportFormat, options: ExportOptions) => Promise<{ blob: Blob, filename: string }>} exportFile
 * @property {(blob: Blob, filename: string) => void} save
 * @property {(state: Snapshot['state']) => number} frameMs
 */

/**
 * @param {HTMLElement} host
 * @param {ExportDialogCallbacks} callbacks
 */
export function createExportDialog(host, callbacks) {
  const doc = host.ownerDocument;
  const modal = createModal(host, { title: 'Export', className: 'export-dialog' });
  const lead = el(doc, 'p', { class: 'modal-lead' });
  const status = el(doc, 'p', { class: 'modal-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  /** @type {AbortController | null} */
  let recording = null;

  /**
   * @param {string} text
   * @param {ExportFormat} format
   * @param {ExportOptions} [options]
   */
  const button = (text, format, options = {}) => el(doc, 'button', {
    class: 'export-button',
    text,
    attrs: { type: 'button', 'data-format': format, 'data-scale': options.scale ?? null },
    on: { click: () => run(format, options) },
  });
  const clipButton = button('Record clip', 'clip');
  const cancel = el(doc, 'button', {
    class: 'small-button',
    text: 'Stop',
    attrs: { type: 'button' },
    on: { click: () => recording?.abort() },
  });
  cancel.hidden = true;
  const clipHint = el(doc, 'p', { class: 'modal-hint' });
  const clipGroup = buttonGroup(doc, 'Clip', clipHint, [clipButton, cancel]);

  modal.body.append(
    lead,
    buttonGroup(doc, 'Figure', 'SVG is vector, for slides and papers; PNG at 1, 2 or 4 pixels per point, for screens and print.', [
      button('SVG', 'svg'),
      ...PNG_SCALES.map((scale) => button(`PNG ${scale}×`, 'png', { scale })),
    ]),
    buttonGroup(doc, 'Weights', 'The focused head’s weights with the tokens as headers: JSON with the settings, CSV for spreadsheets.', [
      button('JSON', 'json'),
      button('CSV', 'csv'),
    ]),
    clipGroup,
    status,
  );

  /**
   * @param {ExportFormat} format
   * @param {ExportOptions} options
   */
  async function run(format, options) {
    if (recording) return;
    const clip = format === 'clip';
    status.textContent = clip ? 'Recording…' : 'Preparing…';
    status.dataset.kind = 'busy';
    if (clip) {
      recording = new AbortController();
      cancel.hidden = false;
      options = {
        ...options,
        signal: recording.signal,
        onProgress: (done, total) => {
          status.textContent = `Recording step ${done} of ${total}…`;
        },
      };
    }
    try {
      const { blob, filename } = await callbacks.exportFile(format, options);
      callbacks.save(blob, filename);
      status.textContent = `Saved ${filename} (${formatBytes(blob.size)}).`;
      status.dataset.kind = 'done';
    } catch (error) {
      status.textContent = error instanceof ExportError || error instanceof Error ? error.message : 'The export failed.';
      status.dataset.kind = 'error';
    } finally {
      recording = null;
      cancel.hidden = true;
    }
  }

  function describe() {
    const snapshot = callbacks.snapshot();
    if (!snapshot) {
      lead.textContent = 'Nothing is computed yet.';
      return;
    }
    const { state, data } = snapshot;
    const { queries, keys } = shape(data);
    const token = data.summary.queryTokens[state.query];
    const renormalised = data.model?.kept ? ' without [CLS] and [SEP], rows renormalised' : '';
    lead.textContent = `The figure is ${figureName(snapshot)}, as on screen; the weights are ${headName(data, state.head)}’s, ${queries} × ${keys} tokens${renormalised}.`;
    const type = clipType();
    clipButton.disabled = !type;
    const row = playerRow(data, state.query);
    const steps = stepCount(row);
    const seconds = Math.round((steps * callbacks.frameMs(state)) / 1000);
    clipHint.textContent = type
      ? `The ${steps} steps of the query ${quoteToken(token?.text ?? '')} as a ${type.startsWith('video/mp4') ? 'MP4' : 'WebM'} video, at the player’s speed: about ${seconds} s to record.`
      : 'This browser cannot record video from a canvas.';
  }

  return {
    open() {
      describe();
      status.textContent = '';
      delete status.dataset.kind;
      modal.open();
    },
  };
}

/**
 * What the figure of the view on screen shows, in words.
 * @param {Snapshot} snapshot
 */
function figureName({ state, data }) {
  const head = headName(data, state.head);
  const { queryTokens, keyTokens } = data.summary;
  switch (state.view) {
    case 'heatmap':
      return `the heatmap of ${head}`;
    case 'lines': {
      const pinned = state.pin ? (state.pin.side === 'q' ? queryTokens : keyTokens)[state.pin.index] : null;
      const shown = data.summary.heads - state.hiddenHeads.filter((h) => h < data.summary.heads).length;
      return pinned ? `the lines of ${quoteToken(pinned.text)}` : `the lines of ${shown} ${shown === 1 ? 'head' : 'heads'}`;
    }
    case 'heads':
      return data.layers > 1 ? `every head of the ${data.layers} layers` : `every head of layer ${state.layer + 1}`;
    case 'player':
      return `step ${state.step + 1} of the query ${quoteToken(queryTokens[state.query]?.text ?? '')}, ${head}`;
    case 'compare':
      return `${head} on sentences A and B, with B − A`;
  }
}
