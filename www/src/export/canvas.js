// Draws a scene onto a canvas at a pixel ratio: the PNG export and the frames of a clip. The
// page's security policy forbids loading images from blob: or data: URLs, so nothing here goes
// through an <img>: every shape is drawn with the canvas API.

import { rgbBytes, viridisTable } from '../colors.js';
import { ExportError, FONT_FAMILY, MONO_FAMILY, PAPER } from './scene.js';

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
  context.fillStyle = PAPER.background;
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
        context.globalAlpha = shape.opacity ?? 1;
        context.fillStyle = shape.fill;
        context.fill();
        context.globalAlpha = 1;
      }
      if (shape.stroke) {
        context.strokeStyle = shape.stroke;
        context.lineWidth = shape.strokeWidth ?? 1;
        context.setLineDash(shape.dash ?? []);
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
      context.globalAlpha = shape.opacity ?? 1;
      context.stroke();
      return;
    case 'text':
      context.font = `${shape.italic ? 'italic ' : ''}${shape.weight ?? 400} ${shape.size}px ${shape.mono ? MONO_FAMILY : FONT_FAMILY}`;
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

/** @type {Uint8Array | null} */
let table = null;

/**
 * One pixel per cell on a scratch canvas, scaled up without smoothing: fast for any size.
 * @param {CanvasRenderingContext2D} context
 * @param {CellsShape} shape
 */
function paintCells(context, shape) {
  table ??= viridisTable();
  const masked = rgbBytes(PAPER.masked);
  const scratch = context.canvas.ownerDocument.createElement('canvas');
  scratch.width = shape.cols;
  scratch.height = shape.rows;
  const scratchContext = scratch.getContext('2d');
  if (!scratchContext) return;
  const image = scratchContext.createImageData(shape.cols, shape.rows);
  const top = shape.max > 0 ? shape.max : 1;
  const shown = Math.min(shape.shown ?? Infinity, shape.rows * shape.cols);
  for (let i = 0; i < shown; i += 1) {
    const p = i * 4;
    if (shape.allowed[i] === 0) {
      image.data.set(masked, p);
    } else {
      const t = Math.min(255, Math.max(0, Math.round((shape.values[i] / top) * 255))) * 3;
      image.data.set(table.subarray(t, t + 3), p);
    }
    image.data[p + 3] = 255;
  }
  scratchContext.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(scratch, shape.x, shape.y, shape.cols * shape.cell, shape.rows * shape.cell);
  if (shape.cell < 6) return;
  context.strokeStyle = PAPER.maskedMark;
  context.lineWidth = 1;
  context.beginPath();
  for (let i = 0; i < shown; i += 1) {
    if (shape.allowed[i] !== 0) continue;
    const x = shape.x + (i % shape.cols) * shape.cell;
    const y = shape.y + Math.floor(i / shape.cols) * shape.cell;
    context.moveTo(x + 2, y + shape.cell - 2);
    context.lineTo(x + shape.cell - 2, y + 2);
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
