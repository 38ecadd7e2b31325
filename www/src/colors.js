// Colours: a perceptually uniform, colour-blind-safe map for weights (viridis) and a
// colour-blind-safe categorical palette for heads (Okabe–Ito), both defined once in the Rust
// core's design (src/render/design.rs, generated into ./generated/design.js) and computed here
// the way the core's figures compute them. Pure module.

import { DIVERGING, HEAD_COLOURS, LIGHT_TEXT_BELOW, VIRIDIS } from './generated/design.js';

export { HEAD_COLOURS };

/** @param {number} head */
export function headColour(head) {
  return HEAD_COLOURS[head % HEAD_COLOURS.length];
}

/**
 * Viridis at `t` in [0, 1] as [r, g, b] bytes (dark purple at 0, yellow at 1): linear between
 * the design's control points; `t` outside is clamped, NaN is 0.
 * @param {number} t
 * @returns {[number, number, number]}
 */
export function viridis(t) {
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const at = clamped * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(at), VIRIDIS.length - 2);
  const f = at - i;
  const mix = (/** @type {number} */ c) => Math.round(VIRIDIS[i][c] + (VIRIDIS[i + 1][c] - VIRIDIS[i][c]) * f);
  return [mix(0), mix(1), mix(2)];
}

/**
 * A difference of weights `d` in [−1, 1] on the diverging scale as "#rrggbb": blue below 0,
 * near-white at 0, red above (the figures' colormap.rs computes the same); `d` outside is
 * clamped, NaN is 0.
 * @param {number} d
 */
export function differenceColour(d) {
  const clamped = Number.isNaN(d) ? 0 : Math.min(1, Math.max(-1, d));
  const at = ((clamped + 1) / 2) * (DIVERGING.length - 1);
  const i = Math.min(Math.floor(at), DIVERGING.length - 2);
  const f = at - i;
  const mix = (/** @type {number} */ c) => Math.round(DIVERGING[i][c] + (DIVERGING[i + 1][c] - DIVERGING[i][c]) * f);
  return `#${[mix(0), mix(1), mix(2)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The top of a stretched weight scale: the largest weight shown, or 1 when there is none, so
 * small attention differences stay visible; the legend prints it.
 * @param {number} max
 */
export function scaleTop(max) {
  return Number.isFinite(max) && max > 0 ? max : 1;
}

/**
 * The top of a view's colour scale: 1, the fixed scale on which a flat distribution looks flat;
 * or, stretched, the largest weight shown (see scaleTop).
 * @param {number} max  the largest weight shown
 * @param {boolean} stretch
 */
export function colourTop(max, stretch) {
  return stretch ? scaleTop(max) : 1;
}

/**
 * The colour of `weight` on a scale from 0 to `max`, as "#rrggbb".
 * @param {number} weight
 * @param {number} max
 */
export function weightColour(weight, max) {
  return `#${viridis(weight / scaleTop(max)).map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A 256-entry lookup table of bytes for fast canvas fills: entry i is the colour of i/255·max.
 * @returns {Uint8Array} 256 × 3 bytes
 */
export function viridisTable() {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i += 1) table.set(viridis(i / 255), i * 3);
  return table;
}

/**
 * Whether text on a cell of this weight should be light (on the dark end of viridis).
 * @param {number} weight
 * @param {number} max
 */
export function needsLightText(weight, max) {
  return weight / scaleTop(max) < LIGHT_TEXT_BELOW;
}
