// Colours: a perceptually uniform, colour-blind-safe map for weights (viridis) and a
// colour-blind-safe categorical palette for heads (Okabe–Ito). Pure module.

import { scaleSequential } from 'd3-scale';
import { interpolateViridis } from 'd3-scale-chromatic';

/**
 * Okabe & Ito's palette without black (it would vanish in dark mode), ordered so the first
 * heads get the colours that read best on both light and dark backgrounds.
 */
export const HEAD_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#999999'];

/** @param {number} head */
export function headColour(head) {
  return HEAD_COLOURS[head % HEAD_COLOURS.length];
}

/**
 * The weight → colour map of one view. The domain runs from 0 to the largest weight shown, so
 * small attention differences stay visible; the legend prints the domain.
 * @param {number} max
 */
export function weightScale(max) {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  return scaleSequential(interpolateViridis).domain([0, top]);
}

/**
 * A colour as [r, g, b] bytes, for writing canvas pixels.
 * @param {string} colour  "rgb(r, g, b)" or "#rrggbb"
 * @returns {[number, number, number]}
 */
export function rgbBytes(colour) {
  if (colour.startsWith('#')) {
    const n = Number.parseInt(colour.slice(1, 7), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const parts = colour.match(/\d+/g) ?? ['0', '0', '0'];
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

/**
 * A 256-entry lookup table of bytes for fast canvas fills: entry i is the colour of i/255·max.
 * @returns {Uint8Array} 256 × 3 bytes
 */
export function viridisTable() {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i += 1) {
    table.set(rgbBytes(interpolateViridis(i / 255)), i * 3);
  }
  return table;
}

/**
 * Whether text on a cell of this weight should be light (on the dark end of viridis).
 * @param {number} weight
 * @param {number} max
 */
export function needsLightText(weight, max) {
  return weight / (max > 0 ? max : 1) < 0.6;
}
