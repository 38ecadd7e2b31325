// A scene as a self-contained SVG file: every colour, font and stroke is a presentation
// attribute (no stylesheet, no class), text is escaped, sizes are in CSS pixels.
// Pure module: no DOM access.

import { weightScale } from '../colors.js';
import { FONT_FAMILY, MONO_FAMILY, PAPER } from './scene.js';

/** @typedef {import('./scene.js').Scene} Scene */
/** @typedef {import('./scene.js').Shape} Shape */
/** @typedef {import('./scene.js').CellsShape} CellsShape */

/** Shortest text of a coordinate, to two decimals. */
const n = (/** @type {number} */ value) => String(Math.round(value * 100) / 100);

/** @param {string} text */
export function escapeXml(text) {
  /** @type {Record<string, string>} */
  const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  return text.replace(/[&<>"']/g, (c) => entities[c])
    // Characters XML 1.0 forbids (control codes, lone surrogates, U+FFFE/U+FFFF) become U+FFFD:
    // anything outside its Char production; with the u flag a surrogate pair is one code point.
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

/**
 * @param {Record<string, string | number | undefined>} attributes
 */
function attrs(attributes) {
  let text = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) text += ` ${name}="${typeof value === 'number' ? n(value) : escapeXml(value)}"`;
  }
  return text;
}

/**
 * @param {Scene} scene
 * @returns {string}
 */
export function sceneToSvg(scene) {
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width: scene.width, height: scene.height, viewBox: `0 0 ${scene.width} ${scene.height}`, 'font-family': FONT_FAMILY })}>\n`,
    `<title>${escapeXml(scene.title)}</title>\n`,
    `<desc>${escapeXml(scene.description)}</desc>\n`,
    `<rect${attrs({ width: scene.width, height: scene.height, fill: PAPER.background })}/>\n`,
  ];
  for (const shape of scene.shapes) parts.push(shapeToSvg(shape));
  parts.push('</svg>\n');
  return parts.join('');
}

/**
 * @param {Shape} shape
 * @returns {string}
 */
function shapeToSvg(shape) {
  switch (shape.kind) {
    case 'rect':
      return `<rect${attrs({
        x: shape.x, y: shape.y, width: shape.w, height: shape.h, rx: shape.rx,
        fill: shape.fill ?? 'none', 'fill-opacity': shape.opacity,
        stroke: shape.stroke, 'stroke-width': shape.stroke ? shape.strokeWidth ?? 1 : undefined,
        'stroke-dasharray': shape.dash?.join(' '),
      })}/>\n`;
    case 'line':
      return `<line${attrs({
        x1: shape.x1, y1: shape.y1, x2: shape.x2, y2: shape.y2, stroke: shape.stroke,
        'stroke-width': shape.width, 'stroke-opacity': shape.opacity, 'stroke-linecap': 'round',
      })}/>\n`;
    case 'text':
      return `<text${attrs({
        x: shape.x, y: shape.y, 'font-size': shape.size, fill: shape.fill,
        'text-anchor': shape.anchor ?? 'start', 'dominant-baseline': 'central',
        'font-weight': shape.weight && shape.weight !== 400 ? shape.weight : undefined,
        'font-style': shape.italic ? 'italic' : undefined,
        'font-family': shape.mono ? MONO_FAMILY : undefined,
        transform: shape.rotate ? `rotate(${shape.rotate} ${n(shape.x)} ${n(shape.y)})` : undefined,
      })}>${escapeXml(shape.text)}</text>\n`;
    case 'cells':
      return cellsToSvg(shape);
  }
}

/**
 * @param {CellsShape} shape
 */
function cellsToSvg(shape) {
  const scale = weightScale(shape.max);
  const shown = shape.shown ?? shape.rows * shape.cols;
  const { cell } = shape;
  const parts = [`<g shape-rendering="crispEdges"${attrs({ transform: `translate(${n(shape.x)} ${n(shape.y)})` })}>\n`];
  const marks = [];
  for (let i = 0; i < Math.min(shown, shape.rows * shape.cols); i += 1) {
    const x = (i % shape.cols) * cell;
    const y = Math.floor(i / shape.cols) * cell;
    const masked = shape.allowed[i] === 0;
    parts.push(`<rect${attrs({ x, y, width: cell, height: cell, fill: masked ? PAPER.masked : scale(shape.values[i]) })}/>\n`);
    if (masked && cell >= 6) {
      marks.push(`<line${attrs({ x1: x + 2, y1: y + cell - 2, x2: x + cell - 2, y2: y + 2 })}/>\n`);
    }
  }
  parts.push('</g>\n');
  if (marks.length > 0) {
    parts.push(`<g${attrs({ transform: `translate(${n(shape.x)} ${n(shape.y)})`, stroke: PAPER.maskedMark, 'stroke-width': 1 })}>\n`, ...marks, '</g>\n');
  }
  return parts.join('');
}
