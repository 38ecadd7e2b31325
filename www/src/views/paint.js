// Paints a queries × keys weight matrix into a canvas, one pixel per cell (CSS scales it up).
// Masked and not-yet-shown cells stay transparent so the page background shows through.

import { viridisTable } from '../colors.js';

/** @type {Uint8Array | null} */
let table = null;

/**
 * @param {HTMLCanvasElement} canvas  width = keys, height = queries
 * @param {Float32Array} weights
 * @param {Uint8Array} allowed
 * @param {number} max
 * @param {((index: number) => boolean) | null} [visible]
 * @returns {ImageData | null} the painted pixels, for callers that draw more before putting them
 */
export function paintWeights(canvas, weights, allowed, max, visible = null) {
  const context = canvas.getContext('2d');
  if (!context) return null;
  table ??= viridisTable();
  const image = context.createImageData(canvas.width, canvas.height);
  const pixels = image.data;
  const top = max > 0 ? max : 1;
  for (let i = 0; i < weights.length; i += 1) {
    if (allowed[i] === 0 || (visible && !visible(i))) continue;
    const p = i * 4;
    const t = Math.min(255, Math.max(0, Math.round((weights[i] / top) * 255))) * 3;
    pixels[p] = table[t];
    pixels[p + 1] = table[t + 1];
    pixels[p + 2] = table[t + 2];
    pixels[p + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return image;
}
