// What "export" means for what is on screen: the current view as SVG or PNG (1×, 2×, 4×), the
// focused head's weights as JSON or CSV, the focused query's steps as a video clip. Each
// export is a Blob with a file name; saving it is the caller's choice.

import { STEP_MS, stepCount } from '../timeline.js';
import { shape } from '../run-data.js';
import { VIEW_NAMES } from '../url-state.js';
import { canvasToPng, paintScene } from './canvas.js';
import { clipType, recordClip } from './clip.js';
import { gridFigure, heatmapFigure, linesFigure, stepsFigure } from './figures.js';
import { ExportError } from './scene.js';
import { sceneToSvg } from './svg.js';
import { weightsCsv, weightsJson } from './weights.js';

/** @typedef {import('./scene.js').Scene} Scene */
/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../types').QueryBreakdown} QueryBreakdown */

/** @typedef {'svg' | 'png' | 'json' | 'csv' | 'clip'} ExportFormat */
export const FORMATS = /** @type {const} */ (['svg', 'png', 'json', 'csv', 'clip']);
export const PNG_SCALES = /** @type {const} */ ([1, 2, 4]);

/** More cells than this make an SVG too heavy for slides (megabytes of rectangles): PNG then. */
export const SVG_CELL_LIMIT = 256 * 256;

/**
 * What is on screen, as the exports need it.
 * @typedef {Object} Snapshot
 * @property {RunData} data
 * @property {PlaygroundState} state
 * @property {QueryBreakdown | null} breakdown  of the focused head and query
 */

/**
 * @typedef {Object} ExportOptions
 * @property {number} [scale]   PNG pixel ratio: 1, 2 or 4
 * @property {number} [frameMs] clip: time per step (default: the player's pace)
 * @property {(done: number, total: number) => void} [onProgress]  clip: frames recorded
 * @property {AbortSignal} [signal]  clip: stops the recording
 */

/**
 * The figure of the view on screen.
 * @param {Snapshot} snapshot
 * @returns {Scene}
 */
export function viewFigure({ data, state, breakdown }) {
  switch (state.view) {
    case 'heatmap':
      return heatmapFigure({ data, head: state.head, query: state.query });
    case 'lines':
      return linesFigure({ data, hiddenHeads: state.hiddenHeads, pin: state.pin });
    case 'heads':
      return gridFigure({ data, head: state.head, layer: state.layer });
    case 'player':
      return stepsFigure({ data, breakdown, head: state.head, query: state.query, step: state.step });
  }
}

/**
 * Every step of the focused query, as frames.
 * @param {Snapshot} snapshot
 */
export function clipFrames({ data, state, breakdown }) {
  const { keys } = shape(data);
  return [...Array(stepCount(keys)).keys()].map((step) => stepsFigure({ data, breakdown, head: state.head, query: state.query, step }));
}

/** @param {Scene} scene */
function cellCount(scene) {
  return scene.shapes.reduce((total, s) => total + (s.kind === 'cells' ? s.rows * s.cols : 0), 0);
}

/**
 * @param {Document} doc
 * @param {Snapshot} snapshot
 * @param {ExportFormat} format
 * @param {ExportOptions} [options]
 * @returns {Promise<{ blob: Blob, filename: string }>}
 */
export async function exportFile(doc, snapshot, format, options = {}) {
  const { state } = snapshot;
  const view = VIEW_NAMES[state.view];
  const head = `${snapshot.data.layers > 1 ? `layer${state.layer + 1}-` : ''}head${state.head + 1}`;
  switch (format) {
    case 'svg': {
      const scene = viewFigure(snapshot);
      const cells = cellCount(scene);
      if (cells > SVG_CELL_LIMIT) {
        throw new ExportError(`This figure has ${cells.toLocaleString('en')} cells, too many for a vector file (at most ${SVG_CELL_LIMIT.toLocaleString('en')}); export a PNG instead.`);
      }
      return { blob: new Blob([sceneToSvg(scene)], { type: 'image/svg+xml' }), filename: `attention-${view}-${head}.svg` };
    }
    case 'png': {
      const scale = options.scale ?? 1;
      if (!PNG_SCALES.some((s) => s === scale)) throw new ExportError(`PNG scale ${scale} is not one of ${PNG_SCALES.join(', ')}.`);
      const canvas = doc.createElement('canvas');
      paintScene(canvas, viewFigure(snapshot), scale);
      return { blob: await canvasToPng(canvas), filename: `attention-${view}-${head}${scale === 1 ? '' : `@${scale}x`}.png` };
    }
    case 'json':
      return { blob: new Blob([weightsJson(snapshot)], { type: 'application/json' }), filename: `attention-weights-${head}.json` };
    case 'csv':
      return { blob: new Blob([weightsCsv(snapshot)], { type: 'text/csv' }), filename: `attention-weights-${head}.csv` };
    case 'clip': {
      const blob = await recordClip(doc, {
        frames: clipFrames(snapshot),
        frameMs: options.frameMs ?? STEP_MS / state.speed,
        onProgress: options.onProgress,
        signal: options.signal,
      });
      const extension = blob.type === 'video/mp4' ? 'mp4' : 'webm';
      return { blob, filename: `attention-steps-${head}-query${state.query + 1}.${extension}` };
    }
  }
  throw new ExportError(`Export format “${String(format)}” is not one of ${FORMATS.join(', ')}.`);
}

export { ExportError, clipType };
