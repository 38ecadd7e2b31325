// A figure as a list of plain shapes: what the SVG writer (svg.js) serialises and the canvas
// painter (canvas.js) draws, so a view's SVG, its PNG and the frames of a clip are one drawing.
// Exported figures are meant for slides and paper: light colours, a generic font family.
// Pure module: no DOM access.

/**
 * A rectangle; `opacity` applies to its fill.
 * @typedef {{ kind: 'rect', x: number, y: number, w: number, h: number, fill?: string, opacity?: number,
 *   stroke?: string, strokeWidth?: number, dash?: number[], rx?: number }} RectShape
 */
/**
 * @typedef {{ kind: 'line', x1: number, y1: number, x2: number, y2: number, stroke: string,
 *   width: number, opacity?: number }} LineShape
 */
/**
 * One line of text; `y` is its vertical middle. `rotate` turns it (degrees) around (x, y).
 * @typedef {{ kind: 'text', x: number, y: number, text: string, size: number, fill: string,
 *   anchor?: 'start' | 'middle' | 'end', weight?: 400 | 600 | 700, italic?: boolean, mono?: boolean,
 *   rotate?: number }} TextShape
 */
/**
 * A weight matrix, one square per cell coloured on the weight scale from 0 to `max`; cells that
 * `allowed` marks 0 are masked (grey with a diagonal stroke). Only the first `shown` cells are
 * drawn (the player reveals rows one by one).
 * @typedef {{ kind: 'cells', x: number, y: number, cell: number, rows: number, cols: number,
 *   values: ArrayLike<number>, allowed: ArrayLike<number>, max: number, shown?: number }} CellsShape
 */
/** @typedef {RectShape | LineShape | TextShape | CellsShape} Shape */

/**
 * @typedef {Object} Scene
 * @property {number} width   whole CSS pixels
 * @property {number} height
 * @property {string} title   also the SVG's <title>
 * @property {string} description
 * @property {Shape[]} shapes  drawn in order, on a white background
 */

/** Colours of exported figures (the page's light theme). */
export const PAPER = {
  background: '#ffffff',
  ink: '#1d2330',
  ink2: '#4a5263',
  ink3: '#6b7385',
  line: '#dcdcd5',
  surface2: '#f0f0ec',
  masked: '#d9d9d3',
  maskedMark: '#9b9b92',
  accent: '#2f5bd3',
  accentInk: '#ffffff',
  accentSoft: '#e4ebfc',
};

/** Generic families only: an exported file must look right on any machine. */
export const FONT_FAMILY = 'system-ui, sans-serif';
export const MONO_FAMILY = 'ui-monospace, monospace';

/**
 * A width estimate for laying text out without measuring it (an SVG file is laid out before
 * any font is known); generous, so labels never collide.
 * @param {string} text
 * @param {number} size
 * @param {{ weight?: number, mono?: boolean }} [style]
 */
export function textWidth(text, size, style = {}) {
  const factor = style.mono ? 0.62 : (style.weight ?? 400) >= 600 ? 0.6 : 0.56;
  return [...text].length * size * factor;
}

/**
 * Greedy word wrap to a width, by the estimate above; a word longer than a line is cut.
 * @param {string} text
 * @param {number} width
 * @param {number} size
 * @param {{ weight?: number, mono?: boolean }} [style]
 * @returns {string[]}
 */
export function wrapText(text, width, size, style = {}) {
  const perLine = Math.max(8, Math.floor(width / textWidth('x', size, style)));
  /** @type {string[]} */
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while ([...rest].length > perLine) {
      if (line) lines.push(line);
      lines.push([...rest].slice(0, perLine).join(''));
      rest = [...rest].slice(perLine).join('');
      line = '';
    }
    const candidate = line ? `${line} ${rest}` : rest;
    if ([...candidate].length > perLine && line) {
      lines.push(line);
      line = rest;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A figure that cannot be made (too large, nothing to draw); its message says what to do.
 */
export class ExportError extends Error {}
