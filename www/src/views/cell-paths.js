// A matrix of cells in SVG as one path per colour (a run of neighbouring cells of one colour in a
// row is one rectangle), instead of an element per cell: 16,384 cells at 128 tokens become a few
// hundred paths, which the browser lays out and paints at a fraction of the cost. Colours are
// taken in 256 levels, as the canvas beyond 128 tokens paints them (paint.js), so a level is
// within 1/255 of the scale of the exact weight; readouts, tables and exports print the numbers.

import { svgEl } from '../dom.js';
import { differenceColour, viridis } from '../colors.js';
import { MASK_MARK_INSET } from '../generated/design.js';

/** Colour levels across a scale. */
export const LEVELS = 256;

/** @type {string[] | null} */
let viridisLevels = null;
/** @type {string[] | null} */
let differenceLevels = null;

/** @param {[number, number, number]} rgb */
const hex = (rgb) => `#${rgb.map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * The level of a weight on a scale from 0 to `top`, as "#rrggbb" (viridis).
 * @param {number} weight
 * @param {number} top
 */
export function weightLevel(weight, top) {
  viridisLevels ??= [...Array(LEVELS).keys()].map((i) => hex(viridis(i / (LEVELS - 1))));
  const t = Math.round((weight / (top > 0 ? top : 1)) * (LEVELS - 1));
  return viridisLevels[Math.min(LEVELS - 1, Math.max(0, Number.isNaN(t) ? 0 : t))];
}

/**
 * The level of a difference in [−1, 1] as "#rrggbb" (the diverging scale).
 * @param {number} d
 */
export function differenceLevel(d) {
  differenceLevels ??= [...Array(LEVELS).keys()].map((i) => differenceColour((i / (LEVELS - 1)) * 2 - 1));
  const t = Math.round(((d + 1) / 2) * (LEVELS - 1));
  return differenceLevels[Math.min(LEVELS - 1, Math.max(0, Number.isNaN(t) ? (LEVELS - 1) / 2 : t))];
}

/** What `fillOf` returns for a masked cell: grey with a diagonal stroke. */
export const MASKED = 'masked';

/**
 * The cells as path elements: one per colour (`fillOf(index)`: "#rrggbb", MASKED, or null for a
 * cell not drawn), and the masked cells' diagonal strokes as one more.
 * @param {Document} doc
 * @param {number} rows
 * @param {number} cols
 * @param {number} cell  side of a cell
 * @param {(index: number) => string | null} fillOf
 * @returns {SVGElement[]}
 */
export function cellPaths(doc, rows, cols, cell, fillOf) {
  /** @type {Map<string, string[]>} */
  const runs = new Map();
  const marks = [];
  for (let r = 0; r < rows; r += 1) {
    let c = 0;
    while (c < cols) {
      const fill = fillOf(r * cols + c);
      let end = c + 1;
      while (end < cols && fillOf(r * cols + end) === fill) end += 1;
      if (fill !== null) {
        let parts = runs.get(fill);
        if (!parts) runs.set(fill, (parts = []));
        parts.push(`M${c * cell} ${r * cell}h${(end - c) * cell}v${cell}h${-(end - c) * cell}z`);
        if (fill === MASKED) {
          for (let k = c; k < end; k += 1) {
            const x = k * cell;
            const y = r * cell;
            marks.push(`M${x + MASK_MARK_INSET} ${y + cell - MASK_MARK_INSET}L${x + cell - MASK_MARK_INSET} ${y + MASK_MARK_INSET}`);
          }
        }
      }
      c = end;
    }
  }
  // Crisp edges: neighbouring cells of two colours meet without a light seam of antialiasing.
  const paths = [...runs].map(([fill, parts]) => (fill === MASKED
    ? svgEl(doc, 'path', { class: 'cell-masked', attrs: { d: parts.join(''), 'shape-rendering': 'crispEdges' } })
    : svgEl(doc, 'path', { attrs: { d: parts.join(''), fill, 'shape-rendering': 'crispEdges' } })));
  if (marks.length > 0 && cell >= 6) paths.push(svgEl(doc, 'path', { class: 'cell-masked-mark', attrs: { d: marks.join('') } }));
  return paths;
}
