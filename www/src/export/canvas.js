// Draws a figure the core built (scene.js: its display list) onto a canvas at a pixel ratio:
// the PNG export and the frames of a clip. The page's security policy forbids loading images
// from blob: or data: URLs, so nothing here goes through an <img>: every shape is drawn with the
// canvas API. Colours, sizes and places all come with the scene; only the font families are
// the design's.

import { FONT_FAMILY, MONO_FAMILY } from '../generated/design.js';
import { ExportError } from './scene.js';

/** @typedef {import('./scene.js').Scene} Scene */
/** @typedef {import('./scene.js').Shape} Shape */
/** @typedef {import('./scene.js').CellsShape} CellsShape */

/** Chromium's limits on a canvas: per side and in area. */
const MAX_SIDE = 16384;
const MAX_AREA = 16384 * 16384 / 2;

/**
 * The canvas size of a scene at a pixel ratio, or an ExportError when it is too large.
 * @param {Scene} scene
 * @param {number} ratio
 */
export function canvasSize(scene, ratio) {
  const width = Math.round(scene.width * ratio);
  const height = Math.round(scene.height * ratio);
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_AREA) {
    throw new ExportError(`At ${ratio}× this figure would be ${width.toLocaleString('en')} × ${height.toLocaleString('en')} pixels, more than a browser can draw; choose a smaller scale or shorten the text.`);
  }
  return { width, height };
}

/**
 * Resizes the canvas to the scene at `ratio` and draws the scene.
 * @param {HTMLCanvasElement} canvas
 * @param {Scene} scene
 * @param {number} ratio
 */
export function paintScene(canvas, scene, ratio) {
  const { width, height } = canvasSize(scene, ratio);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new ExportError('This browser cannot draw on a canvas.');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.globalAlpha = 1;
  context.fillStyle = scene.background;
  context.fillRect(0, 0, scene.width, scene.height);
  for (const shape of scene.shapes) {
    context.save();
    paintShape(context, shape);
    context.restore();
  }
}

/**
 * @param {CanvasRenderingContext2D} context
 * @param {Shape} shape
 */
function paintShape(context, shape) {
  switch (shape.kind) {
    case 'rect': {
      context.beginPath();
      if (shape.rx) context.roundRect(shape.x, shape.y, shape.w, shape.h, shape.rx);
      else context.rect(shape.x, shape.y, shape.w, shape.h);
      if (shape.fill) {
        context.globalAlpha = shape.opacity;
        context.fillStyle = shape.fill;
        context.fill();
        context.globalAlpha = 1;
      }
      if (shape.stroke) {
        context.strokeStyle = shape.stroke;
        context.lineWidth = shape.strokeWidth;
        context.stroke();
      }
      return;
    }
    case 'line':
      context.beginPath();
      context.moveTo(shape.x1, shape.y1);
      context.lineTo(shape.x2, shape.y2);
      context.strokeStyle = shape.stroke;
      context.lineWidth = shape.width;
      context.lineCap = 'round';
      context.globalAlpha = shape.opacity;
      context.stroke();
      return;
    case 'text':
      context.font = `${shape.italic ? 'italic ' : ''}${shape.weight} ${shape.size}px ${shape.mono ? MONO_FAMILY : FONT_FAMILY}`;
      context.fillStyle = shape.fill;
      context.textAlign = shape.anchor === 'middle' ? 'center' : shape.anchor === 'end' ? 'right' : 'left';
      context.textBaseline = 'middle';
      if (shape.rotate) {
        context.translate(shape.x, shape.y);
        context.rotate((shape.rotate * Math.PI) / 180);
        context.fillText(shape.text, 0, 0);
      } else {
        context.fillText(shape.text, shape.x, shape.y);
      }
      return;
    case 'cells':
      paintCells(context, shape);
  }
}

/**
 * The cells' pixels on a scratch canvas, one pixel per cell, scaled up without smoothing: fast
 * for any size; then the masked cells' strokes.
 * @param {CanvasRenderingContext2D} context
 * @param {CellsShape} shape
 */
function paintCells(context, shape) {
  const scratch = context.canvas.ownerDocument.createElement('canvas');
  scratch.width = shape.cols;
  scratch.height = shape.rows;
  const scratchContext = scratch.getContext('2d');
  if (!scratchContext) return;
  const image = scratchContext.createImageData(shape.cols, shape.rows);
  image.data.set(shape.pixels.subarray(0, image.data.length));
  scratchContext.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(scratch, shape.x, shape.y, shape.cols * shape.cell, shape.rows * shape.cell);
  if (shape.marks.length === 0) return;
  context.strokeStyle = shape.markStroke;
  context.lineWidth = 1;
  context.beginPath();
  for (let i = 0; i + 3 < shape.marks.length; i += 4) {
    context.moveTo(shape.x + shape.marks[i], shape.y + shape.marks[i + 1]);
    context.lineTo(shape.x + shape.marks[i + 2], shape.y + shape.marks[i + 3]);
  }
  context.stroke();
}

/**
 * The canvas as a PNG file.
 * @param {HTMLCanvasElement} canvas
 * @returns {Promise<Blob>}
 */
export function canvasToPng(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new ExportError('The browser could not encode the PNG.'))), 'image/png');
  });
}
