// A figure as the core hands it over: the display list that src/render/scene.rs serializes
// (camelCase keys, colours as "#rrggbb", `y` of a text is its vertical middle), which canvas.js
// paints for PNG files and the frames of a clip. The figures themselves are built in Rust
// (src/render/), from what figure-input.js says is on screen. Pure module: no DOM access.

/**
 * A rectangle; `opacity` applies to its fill.
 * @typedef {{ kind: 'rect', x: number, y: number, w: number, h: number, fill?: string | null, opacity: number,
 *   stroke?: string | null, strokeWidth: number, rx: number }} RectShape
 */
/**
 * A straight line with round ends.
 * @typedef {{ kind: 'line', x1: number, y1: number, x2: number, y2: number, stroke: string, width: number,
 *   opacity: number }} LineShape
 */
/**
 * One line of text; `rotate` turns it (degrees, clockwise) around (x, y).
 * @typedef {{ kind: 'text', x: number, y: number, text: string, size: number, fill: string,
 *   anchor: 'start' | 'middle' | 'end', weight: number, italic: boolean, mono: boolean, rotate: number }} TextShape
 */
/**
 * A weight matrix: one RGBA pixel per cell, row by row, drawn as squares of `cell` pixels; the
 * diagonal strokes of masked cells as x1, y1, x2, y2 after one another, from the matrix's corner.
 * @typedef {{ kind: 'cells', x: number, y: number, cell: number, rows: number, cols: number,
 *   pixels: Uint8Array, marks: number[], markStroke: string }} CellsShape
 */
/** @typedef {RectShape | LineShape | TextShape | CellsShape} Shape */

/**
 * @typedef {Object} Scene
 * @property {number} width   whole CSS pixels
 * @property {number} height
 * @property {string} title   the SVG's <title>
 * @property {string} description
 * @property {string} background
 * @property {Shape[]} shapes  drawn in order on the background
 */

/**
 * A figure that cannot be made (too large, nothing to draw); its message says what to do.
 */
export class ExportError extends Error {}
