// A clip of the step-by-step player: its frames drawn on a canvas and recorded by the
// browser's MediaRecorder (WebM; MP4 where WebM cannot be recorded). Recording runs in real
// time, one frame per step at the player's pace.

import { paintScene } from './canvas.js';
import { ExportError } from './scene.js';

/** @typedef {import('./scene.js').Scene} Scene */

/** Formats tried in order; the first the browser can record is used. */
const TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4'];
/** The last frame stays this long before the clip ends. */
const HOLD_MS = 1200;

/** The clip format this browser records, or null. */
export function clipType() {
  if (typeof MediaRecorder === 'undefined' || typeof HTMLCanvasElement.prototype.captureStream !== 'function') return null;
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/**
 * @typedef {Object} ClipOptions
 * @property {Scene[]} frames
 * @property {number} frameMs
 * @property {number} [ratio]
 * @property {(done: number, total: number) => void} [onProgress]
 * @property {AbortSignal} [signal]
 */

/**
 * @param {Document} doc
 * @param {ClipOptions} options
 * @returns {Promise<Blob>}
 */
export async function recordClip(doc, { frames, frameMs, ratio = 1, onProgress, signal }) {
  const type = clipType();
  if (!type) throw new ExportError('This browser cannot record video from a canvas; export the frames as SVG or PNG instead.');
  if (frames.length === 0) throw new ExportError('There is nothing to record.');
  // Every frame on one canvas size (video frames cannot change size), even for the encoder.
  const even = (/** @type {number} */ value) => Math.ceil(value / 2) * 2;
  const width = even(Math.max(...frames.map((f) => f.width)));
  const height = even(Math.max(...frames.map((f) => f.height)));
  const canvas = doc.createElement('canvas');
  const draw = (/** @type {Scene} */ frame) => paintScene(canvas, { ...frame, width, height }, ratio);
  draw(frames[0]);
  const stream = canvas.captureStream(30);
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
  /** @type {Blob[]} */
  const chunks = [];
  recorder.addEventListener('dataavailable', (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
  recorder.start(500);
  try {
    for (let i = 0; i < frames.length; i += 1) {
      if (signal?.aborted) throw new ExportError('Recording cancelled.');
      draw(frames[i]);
      onProgress?.(i + 1, frames.length);
      await wait(i === frames.length - 1 ? HOLD_MS : frameMs, signal);
    }
  } finally {
    if (recorder.state !== 'inactive') recorder.stop();
    await stopped;
    for (const track of stream.getTracks()) track.stop();
  }
  return new Blob(chunks, { type: type.split(';')[0] });
}

/**
 * @param {number} ms
 * @param {AbortSignal} [signal]
 */
function wait(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(undefined);
    }, { once: true });
  });
}
