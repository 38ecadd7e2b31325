// What "export" means for what is on screen: the current view as SVG or PNG (1×, 2×, 4×), the
// focused head's weights as JSON or CSV, the focused query's steps as a video clip. Each
// export is a Blob with a file name; saving it is the caller's choice.
//
// Figures are the core's (src/render/, the same code as `attn render`): this module describes
// what is on screen (figure-input.js), the worker builds the figure, and its SVG is saved as it
// comes or its scene is painted on a canvas (canvas.js) for a PNG or the frames of a clip.

import { STEP_MS } from '../timeline.js';
import { VIEW_NAMES } from '../url-state.js';
import { canvasToPng, paintScene } from './canvas.js';
import { clipType, recordClip } from './clip.js';
import { clipFigureRequest, viewFigureRequest } from './figure-input.js';
import { ExportError } from './scene.js';
import { weightsCsv, weightsJson } from './weights.js';

/** @typedef {import('./scene.js').Scene} Scene */
/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../types').Breakdown} QueryBreakdown */
/** @typedef {import('./figure-input.js').FigureRequest} FigureRequest */
/** @typedef {import('../engine.js').Engine['figure']} FigureMaker */

/** @typedef {'svg' | 'png' | 'json' | 'csv' | 'clip'} ExportFormat */
export const FORMATS = /** @type {const} */ (['svg', 'png', 'json', 'csv', 'clip']);
export const PNG_SCALES = /** @type {const} */ ([1, 2, 4]);

/**
 * What is on screen, as the exports need it.
 * @typedef {Object} Snapshot
 * @property {RunData} data
 * @property {PlaygroundState} state
 * @property {QueryBreakdown | null} breakdown  of the focused head and query
 * @property {RunData | null} [compared]  the Compare view's sentence B, at the same block
 */

/**
 * @typedef {Object} ExportOptions
 * @property {number} [scale]   PNG pixel ratio: 1, 2 or 4
 * @property {number} [frameMs] clip: time per step (default: the player's pace)
 * @property {(done: number, total: number) => void} [onProgress]  clip: frames recorded
 * @property {AbortSignal} [signal]  clip: stops the recording
 */

/**
 * Asks the worker for figures; a figure that cannot be made becomes an ExportError.
 * @param {FigureMaker} figures
 * @param {FigureRequest} request
 * @param {'scene' | 'svg'} format
 */
async function make(figures, request, format) {
  const outcome = await figures({ format, ...request });
  if (!outcome.ok) throw new ExportError('message' in outcome ? outcome.message : 'The figure was not made.');
  return outcome.value;
}

/**
 * The figure of the view on screen, as a scene to paint.
 * @param {Snapshot} snapshot
 * @param {FigureMaker} figures  the worker's figure request (the engine's `figure`)
 * @returns {Promise<Scene>}
 */
export async function viewFigure(snapshot, figures) {
  return (await make(figures, viewFigureRequest(snapshot), 'scene')).scenes[0];
}

/**
 * Every step of the focused query, as frames.
 * @param {Snapshot} snapshot
 * @param {FigureMaker} figures
 * @returns {Promise<Scene[]>}
 */
export async function clipFrames(snapshot, figures) {
  return (await make(figures, clipFigureRequest(snapshot), 'scene')).scenes;
}

/**
 * @param {Document} doc
 * @param {Snapshot} snapshot
 * @param {ExportFormat} format
 * @param {ExportOptions | undefined} options
 * @param {FigureMaker} figures  the worker's figure request (the engine's `figure`)
 * @returns {Promise<{ blob: Blob, filename: string }>}
 */
export async function exportFile(doc, snapshot, format, options, figures) {
  const { state } = snapshot;
  const view = VIEW_NAMES[state.view];
  const head = `${snapshot.data.layers > 1 ? `layer${state.layer + 1}-` : ''}head${state.head + 1}`;
  switch (format) {
    case 'svg': {
      const [svg] = (await make(figures, viewFigureRequest(snapshot), 'svg')).svgs;
      return { blob: new Blob([svg], { type: 'image/svg+xml' }), filename: `attention-${view}-${head}.svg` };
    }
    case 'png': {
      const scale = options?.scale ?? 1;
      if (!PNG_SCALES.some((s) => s === scale)) throw new ExportError(`PNG scale ${scale} is not one of ${PNG_SCALES.join(', ')}.`);
      const scene = await viewFigure(snapshot, figures);
      const canvas = doc.createElement('canvas');
      paintScene(canvas, scene, scale);
      return { blob: await canvasToPng(canvas), filename: `attention-${view}-${head}${scale === 1 ? '' : `@${scale}x`}.png` };
    }
    case 'json':
      return { blob: new Blob([weightsJson(snapshot)], { type: 'application/json' }), filename: `attention-weights-${head}.json` };
    case 'csv':
      return { blob: new Blob([weightsCsv(snapshot)], { type: 'text/csv' }), filename: `attention-weights-${head}.csv` };
    case 'clip': {
      if (!clipType()) throw new ExportError('This browser cannot record video from a canvas; export the frames as SVG or PNG instead.');
      const blob = await recordClip(doc, {
        frames: await clipFrames(snapshot, figures),
        frameMs: options?.frameMs ?? STEP_MS / state.speed,
        onProgress: options?.onProgress,
        signal: options?.signal,
      });
      const extension = blob.type === 'video/mp4' ? 'mp4' : 'webm';
      return { blob, filename: `attention-steps-${head}-query${state.query + 1}.${extension}` };
    }
  }
  throw new ExportError(`Export format “${String(format)}” is not one of ${FORMATS.join(', ')}.`);
}

export { ExportError, clipType };
