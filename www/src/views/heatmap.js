// The heatmap: query tokens down, key tokens across, one cell per weight. SVG up to
// SVG_LIMIT tokens, a canvas beyond (one pixel per cell, scaled up). Hover, focus and arrow
// keys show the exact weight; a hidden table gives screen readers the same numbers.

import { el, svgEl } from '../dom.js';
import { colourTop, needsLightText } from '../colors.js';
import { formatWeight, quoteToken } from '../format.js';
import { HEATMAP_LABEL } from '../generated/design.js';
import { BLOCK_KINDS, axisTitles, clampIndex, dataKey, headName, headWeights, maxOf, shape, tokenLabel } from '../run-data.js';
import { createStretchToggle, renderLegend } from './legend.js';
import { MASKED, cellPaths, weightLevel } from './cell-paths.js';
import { paintWeights } from './paint.js';
import { renderQueryRow } from './query-row.js';
import { renderWeightTable } from './weight-table.js';

/** @typedef {import('../run-data.js').RunData} RunData */

export const SVG_LIMIT = 128;

/**
 * @typedef {Object} HeatmapInput
 * @property {RunData} data
 * @property {number} head
 * @property {number} query
 * @property {boolean} editMask   clicks toggle custom-mask cells instead of picking the query
 * @property {Set<string>} blocked  "q.k" of the custom-mask cells
 * @property {{ query: number, rowDone: boolean } | null} reveal  the player's progress: rows
 *   before `query` are shown, the row itself once its weights are computed, later rows not yet
 * @property {boolean} table     whether to keep the screen-reader table
 * @property {boolean} numbers   whether large cells print their weight
 * @property {boolean} rowPanel  whether to show the focused query's row as bars beside the map
 * @property {number} [key]  the key the step-by-step player is at: its cell is outlined
 * @property {boolean} [stretch]  colours stretched to the largest weight (else fixed, 0 to 1)
 * @property {string} [model]  what computed the weights, for the legend (caption.js's modelLabel)
 */

/**
 * @typedef {Object} HeatmapCallbacks
 * @property {(query: number) => void} onQuery
 * @property {(query: number, key: number) => void} onToggleCell
 * @property {(cell: { query: number, key: number } | null) => void} [onHover]  the cell under the pointer
 * @property {(on: boolean) => void} [onStretch]  the reader stretched the colours (or not): the
 *   checkbox is offered when this is given
 */

/**
 * @param {HTMLElement} root
 * @param {HeatmapCallbacks} callbacks
 */
export function createHeatmap(root, callbacks) {
  const doc = root.ownerDocument;
  const figure = el(doc, 'div', {
    class: 'heatmap-figure',
    attrs: { tabindex: 0, role: 'img' },
  });
  const legend = el(doc, 'div', { class: 'heatmap-legend' });
  const readout = el(doc, 'p', { class: 'heatmap-readout', attrs: { 'aria-live': 'polite' } });
  const tableHost = el(doc, 'div', { class: 'heatmap-table' });
  const tooltip = el(doc, 'div', { class: 'tooltip', attrs: { 'aria-hidden': 'true' } });
  tooltip.hidden = true;
  const side = el(doc, 'div', { class: 'heatmap-side' });
  const { onStretch } = callbacks;
  const stretch = onStretch ? createStretchToggle(doc, onStretch) : null;
  // Over two sequences (a translation), what each axis is: "target (generated) ↓ / source →".
  const axisTitle = el(doc, 'p', { class: 'heatmap-axes' });
  /** @type {HTMLElement} */
  let layout;
  root.replaceChildren(
    layout = el(doc, 'div', { class: 'heatmap-layout' }, [
      el(doc, 'div', { class: 'heatmap-main' }, [axisTitle, el(doc, 'div', { class: 'heatmap-body' }, [figure, tooltip]), legend, stretch?.element ?? null, readout]),
      side,
    ]),
    tableHost,
  );

  /** @type {HeatmapInput | null} */
  let input = null;
  let keyCursor = 0;
  /** @type {Surface | null} */
  let surface = null;
  /** The canvas map's last measured width (beyond 128 tokens). */
  const room = { width: CANVAS_SIDE };
  let tableKey = '';
  /** Counts the tables asked for: a table built late is dropped when a newer one was asked for. */
  let tableAsked = 0;
  const view = /** @type {Window} */ (doc.defaultView);
  let sideKey = '';

  /**
   * @param {number} query
   * @param {number} key
   */
  function describe(query, key) {
    if (!input) return '';
    const { summary } = input.data;
    const { keys } = shape(input.data);
    const q = summary.queryTokens[query];
    const k = summary.keyTokens[key];
    if (!q || !k) return '';
    if (input.data.allowed[query * keys + key] === 0) {
      const later = input.data.summary.kind === 'causal' && key > query ? ' (a later token)' : '';
      return `${quoteToken(q.text)} → ${quoteToken(k.text)}: masked${later}`;
    }
    const weight = headWeights(input.data, input.head)[query * keys + key];
    return `${quoteToken(q.text)} → ${quoteToken(k.text)}: ${formatWeight(weight)}`;
  }

  /**
   * @param {PointerEvent | MouseEvent} event
   */
  function cellFromPointer(event) {
    if (!surface || !input) return null;
    const rect = surface.grid.getBoundingClientRect();
    const { queries, keys } = shape(input.data);
    const x = (event.clientX - rect.left) / rect.width;
    const y = (event.clientY - rect.top) / rect.height;
    if (x < 0 || y < 0 || x >= 1 || y >= 1) return null;
    return { query: Math.floor(y * queries), key: Math.floor(x * keys) };
  }

  /** @type {string} */
  let hovered = '';
  /** @param {{ query: number, key: number } | null} cell */
  function hover(cell) {
    const id = cell ? `${cell.query}.${cell.key}` : '';
    if (id === hovered) return;
    hovered = id;
    callbacks.onHover?.(cell);
  }

  figure.addEventListener('pointermove', (event) => {
    const cell = cellFromPointer(event);
    hover(cell);
    if (!cell) {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = describe(cell.query, cell.key);
    tooltip.hidden = false;
    const box = root.getBoundingClientRect();
    tooltip.style.left = `${event.clientX - box.left + 14}px`;
    tooltip.style.top = `${event.clientY - box.top + 14}px`;
  });
  figure.addEventListener('pointerleave', () => {
    tooltip.hidden = true;
    hover(null);
  });
  figure.addEventListener('click', (event) => {
    const cell = cellFromPointer(event);
    if (!cell || !input) return;
    keyCursor = cell.key;
    if (input.editMask) callbacks.onToggleCell(cell.query, cell.key);
    else callbacks.onQuery(cell.query);
    showCursor();
  });
  figure.addEventListener('keydown', (event) => {
    if (!input) return;
    const { queries, keys } = shape(input.data);
    const moves = /** @type {Record<string, [number, number]>} */ ({
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      Home: [0, -keys], End: [0, keys], PageUp: [-queries, 0], PageDown: [queries, 0],
    });
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      event.stopPropagation();
      keyCursor = clampIndex(keyCursor + move[1], keys);
      const query = clampIndex(input.query + move[0], queries);
      if (query !== input.query) callbacks.onQuery(query);
      else showCursor();
    } else if (event.key === 'Enter' && input.editMask) {
      event.preventDefault();
      callbacks.onToggleCell(input.query, keyCursor);
    }
  });
  figure.addEventListener('focus', () => showCursor());

  function showCursor() {
    if (!input || !surface) return;
    const { keys } = shape(input.data);
    keyCursor = clampIndex(keyCursor, keys);
    surface.mark(input.query, keyCursor);
    readout.textContent = describe(input.query, keyCursor);
  }

  /** @param {HeatmapInput} next */
  function update(next) {
    const previous = input;
    input = next;
    const { queries, keys } = shape(next.data);
    const redraw = !previous || previous.data !== next.data || previous.head !== next.head
      || previous.editMask !== next.editMask || previous.numbers !== next.numbers || previous.blocked !== next.blocked
      || previous.stretch !== next.stretch || previous.model !== next.model || JSON.stringify(previous.reveal) !== JSON.stringify(next.reveal);
    stretch?.set(next.stretch ?? false);
    if (redraw) {
      const weights = headWeights(next.data, next.head);
      const visible = visibility(next.reveal, keys);
      const max = colourTop(maxOf(visible ? weights.filter((_, i) => visible(i)) : weights), next.stretch ?? false);
      const Surface = Math.max(queries, keys) <= SVG_LIMIT ? SvgSurface : CanvasSurface;
      surface?.dispose?.();
      surface = new Surface(doc, next, weights, max, visible, room);
      const axes = axisTitles(next.data);
      axisTitle.hidden = axes === null || Surface !== SvgSurface;
      axisTitle.textContent = axes ? `${axes.queries} ↓ / ${axes.keys} →` : '';
      figure.replaceChildren(surface.element);
      const what = next.data.rolledOut ? `Attention ${next.data.rolledOut} through layer ${next.data.layer + 1} (every head averaged, the residual added)` : `Attention weights of ${headName(next.data, next.head)}`;
      figure.setAttribute('aria-label', `${what}: ${queries} queries by ${keys} keys${next.data.model?.kept ? ', [CLS] and [SEP] hidden and rows renormalised' : ''}. Arrow keys move between cells.`);
      const { kind } = next.data.summary;
      renderLegend(legend, max, {
        name: next.data.rolledOut ? 'share' : next.data.model?.kept ? 'renormalised weight' : 'weight',
        masked: !next.data.model || next.data.summary.masked,
        kind: next.data.rolledOut ? `${next.data.rolledOut}, layers 1–${next.data.layer + 1}:` : next.data.model ? `${BLOCK_KINDS[kind]}:` : '',
        maskedName: kind === 'causal' ? 'masked: a later token' : 'masked',
        stretched: next.stretch ?? false,
        model: next.model ?? '',
        toy: !next.data.model,
      });
    }
    const wantTable = next.table ? `${dataKey(next.data)}:${next.head}` : '';
    if (wantTable !== tableKey) {
      tableKey = wantTable;
      const asked = ++tableAsked;
      const { data, head } = next;
      // The screen-reader table (up to 128 × 128 cells, never on screen) is built once the map
      // has been painted, so that a keystroke's new map does not wait for its layout.
      if (next.table) {
        view.requestAnimationFrame(() => view.setTimeout(() => {
          if (asked === tableAsked) renderWeightTable(tableHost, data, head);
        }, 0));
      } else tableHost.replaceChildren();
    }
    const rowKey = next.rowPanel ? `${dataKey(next.data)}:${next.head}:${next.query}:${next.stretch ?? false}` : '';
    if (rowKey !== sideKey) {
      sideKey = rowKey;
      if (next.rowPanel) renderQueryRow(side, next.data, next.head, next.query, next.stretch ?? false);
      else side.replaceChildren();
      side.hidden = !next.rowPanel;
      layout.classList.toggle('with-side', next.rowPanel);
    }
    if (next.key !== undefined) keyCursor = next.key;
    showCursor();
  }

  return { update };
}

/**
 * @param {HeatmapInput['reveal']} reveal
 * @param {number} keys
 * @returns {((index: number) => boolean) | null}
 */
function visibility(reveal, keys) {
  if (!reveal) return null;
  const limit = (reveal.query + (reveal.rowDone ? 1 : 0)) * keys;
  return (index) => index < limit;
}

/**
 * @typedef {Object} Surface
 * @property {Element} element
 * @property {Element} grid       its bounding box is the matrix area
 * @property {(query: number, key: number) => void} mark
 * @property {() => void} [dispose]  when another surface replaces it
 */

/**
 * @implements {Surface}
 */
class SvgSurface {
  /**
   * @param {Document} doc
   * @param {HeatmapInput} input
   * @param {Float32Array} weights
   * @param {number} max
   * @param {((index: number) => boolean) | null} visible
   */
  constructor(doc, input, weights, max, visible) {
    const { summary, allowed } = input.data;
    const { queries, keys } = shape(input.data);
    const n = Math.max(queries, keys);
    const cell = n <= 12 ? 44 : n <= 24 ? 28 : n <= 48 ? 16 : Math.max(5, Math.floor(768 / n));
    // Labels at least 12 px apart: small cells label every `stride`-th token (and the focused query).
    const stride = Math.ceil(12 / cell);
    const kept = (/** @type {number} */ index) => index % stride === 0;
    const showNumbers = input.numbers && cell >= 40;
    const longest = (/** @type {import('../types').Token[]} */ tokens) =>
      Math.max(2, ...tokens.map((t) => tokenLabel(t, HEATMAP_LABEL).length)) * 7.2 + 12;
    // The corner holds the axes' titles.
    const left = Math.max(longest(summary.queryTokens), 78);
    const top = Math.max(longest(summary.keyTokens) * 0.72 + 8, 40);
    // Key labels lean right by about their length: room for the last one.
    const width = left + keys * cell + Math.max(8, top - 8);
    const height = top + queries * cell + 8;

    this.element = svgEl(doc, 'svg', {
      class: 'heatmap-svg',
      attrs: { viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true' },
    });
    const grid = svgEl(doc, 'g', { attrs: { transform: `translate(${left} ${top})` } });
    this.grid = svgEl(doc, 'rect', {
      class: 'heatmap-backdrop',
      attrs: { width: keys * cell, height: queries * cell },
    });
    grid.append(this.grid);
    // One path per colour level (cell-paths.js), not an element per cell: at 128 tokens, a few
    // hundred paths instead of 16,384 rectangles to lay out on every keystroke.
    grid.append(...cellPaths(doc, queries, keys, cell, (index) => {
      if (visible && !visible(index)) return null;
      return allowed[index] === 0 ? MASKED : weightLevel(weights[index], max);
    }));
    if (showNumbers) {
      for (let index = 0; index < queries * keys; index += 1) {
        if ((visible && !visible(index)) || allowed[index] === 0) continue;
        const w = weights[index];
        grid.append(svgEl(doc, 'text', {
          class: needsLightText(w, max) ? 'cell-number light' : 'cell-number',
          text: formatWeight(w).replace(/^0/, ''),
          attrs: { x: (index % keys) * cell + cell / 2, y: Math.floor(index / keys) * cell + cell / 2 },
        }));
      }
    }
    if (input.blocked.size > 0) {
      for (const cellKey of input.blocked) {
        const [q, k] = cellKey.split('.').map(Number);
        if (q >= queries || k >= keys) continue;
        grid.append(svgEl(doc, 'rect', { class: 'cell-blocked', attrs: { x: k * cell + 1, y: q * cell + 1, width: cell - 2, height: cell - 2 } }));
      }
    }
    // A decoder's generated tokens: a dashed line where the prompt ends, their labels marked.
    const from = generatedFrom(input.data);
    if (from !== null && from < queries) {
      grid.append(
        svgEl(doc, 'line', { class: 'generated-boundary', attrs: { x1: 0, y1: from * cell, x2: keys * cell, y2: from * cell } }),
        svgEl(doc, 'line', { class: 'generated-boundary', attrs: { x1: from * cell, y1: 0, x2: from * cell, y2: queries * cell } }),
      );
    }
    const generated = (/** @type {number} */ index) => (from !== null && index >= from ? ' generated' : '');
    this.rowMark = svgEl(doc, 'rect', { class: 'row-mark', attrs: { x: -2, height: cell, width: keys * cell + 4 } });
    this.cellMark = svgEl(doc, 'rect', { class: 'cell-mark', attrs: { width: cell, height: cell } });
    grid.append(this.rowMark, this.cellMark);
    this.cell = cell;

    // A token whose text appears more than once on its axis (the a's of a text in characters)
    // shows its position after its text.
    const repeats = (/** @type {import('../types').Token[]} */ tokens) => {
      /** @type {Map<string, number>} */
      const count = new Map();
      for (const t of tokens) count.set(t.text, (count.get(t.text) ?? 0) + 1);
      return (/** @type {number} */ index) => (count.get(tokens[index].text) ?? 0) > 1;
    };
    const [queryRepeats, keyRepeats] = [repeats(summary.queryTokens), repeats(summary.keyTokens)];
    const label = (/** @type {import('../types').Token} */ token, /** @type {number} */ index, /** @type {boolean} */ repeated) => [
      tokenLabel(token, HEATMAP_LABEL),
      repeated ? svgEl(doc, 'tspan', { class: 'axis-position', text: String(index), attrs: { 'baseline-shift': 'sub' } }) : null,
    ];
    const labels = svgEl(doc, 'g', { class: 'axis-labels' });
    labels.append(
      svgEl(doc, 'text', { class: 'axis-title', text: 'keys →', attrs: { x: left - 8, y: top - 24, 'text-anchor': 'end' } }),
      svgEl(doc, 'text', { class: 'axis-title', text: 'queries ↓', attrs: { x: left - 8, y: top - 8, 'text-anchor': 'end' } }),
    );
    summary.queryTokens.forEach((token, q) => {
      labels.append(svgEl(doc, 'text', {
        class: `axis-query${generated(q)}`,
        attrs: { x: left - 8, y: top + q * cell + cell / 2, 'data-query': q },
      }, label(token, q, queryRepeats(q))));
    });
    summary.keyTokens.forEach((token, k) => {
      if (!kept(k)) return;
      const x = left + k * cell + cell / 2;
      labels.append(svgEl(doc, 'text', {
        class: `${token.special ? 'axis-key special' : 'axis-key'}${generated(k)}`,
        attrs: { x, y: top - 6, transform: `rotate(-45 ${x} ${top - 6})` },
      }, label(token, k, keyRepeats(k))));
    });
    this.element.append(labels, grid);
    this.labels = labels;
    this.kept = kept;
  }

  /**
   * @param {number} query
   * @param {number} key
   */
  mark(query, key) {
    this.rowMark.setAttribute('y', String(query * this.cell));
    this.cellMark.setAttribute('x', String(key * this.cell));
    this.cellMark.setAttribute('y', String(query * this.cell));
    // Every query has its label, shown when kept by the thinning or focused.
    this.labels.querySelectorAll('.axis-query').forEach((label, q) => {
      label.classList.toggle('current', q === query);
      label.classList.toggle('thinned', !this.kept(q) && q !== query);
    });
  }
}

/**
 * @implements {Surface}
 */
class CanvasSurface {
  /**
   * @param {Document} doc
   * @param {HeatmapInput} input
   * @param {Float32Array} weights
   * @param {number} max
   * @param {((index: number) => boolean) | null} visible
   * @param {{ width: number }} room  the width the canvas was last drawn at, kept by the heatmap
   */
  constructor(doc, input, weights, max, visible, room) {
    const { allowed } = input.data;
    const { queries, keys } = shape(input.data);
    const axes = axisTitles(input.data) ?? { queries: 'queries', keys: 'keys' };
    const canvas = el(doc, 'canvas', { class: 'heatmap-canvas', attrs: { width: keys, height: queries, 'aria-hidden': 'true' } });
    canvas.style.aspectRatio = `${keys} / ${queries}`;
    const image = paintWeights(canvas, weights, allowed, max, visible);
    if (image && input.blocked.size > 0) {
      for (const cellKey of input.blocked) {
        const [q, k] = cellKey.split('.').map(Number);
        if (q < queries && k < keys) image.data.set([255, 255, 255, 255], (q * keys + k) * 4);
      }
      canvas.getContext('2d')?.putImageData(image, 0, 0);
    }
    this.rowMark = el(doc, 'div', { class: 'canvas-row-mark' });
    this.cellMark = el(doc, 'div', { class: 'canvas-cell-mark' });
    this.rowMark.style.height = `max(2px, ${100 / queries}%)`;
    this.cellMark.style.width = `max(3px, ${100 / keys}%)`;
    this.cellMark.style.height = `max(3px, ${100 / queries}%)`;
    // Axis labels thinned to every k-th token, as the SVG map's (the focused query's always); k
    // follows the width the canvas is drawn at, so that labels stay CANVAS_LABEL_GAP apart.
    const { summary } = input.data;
    const place = (/** @type {HTMLElement} */ label, /** @type {'top' | 'left'} */ edge, /** @type {number} */ at) => {
      label.style[edge] = `${at * 100}%`;
      return label;
    };
    const labels = (/** @type {import('../types').Token[]} */ tokens, /** @type {'query' | 'key'} */ axis) => tokens.map((token, i) => place(el(doc, 'span', {
      class: `canvas-label canvas-${axis}${token.special ? ' special' : ''}`,
      text: tokenLabel(token, HEATMAP_LABEL),
    }), axis === 'query' ? 'top' : 'left', (i + 0.5) / tokens.length));
    this.queryLabels = labels(summary.queryTokens, 'query');
    const keyLabels = labels(summary.keyTokens, 'key');
    const caption = el(doc, 'p', { class: 'axis-caption' });
    const stack = el(doc, 'div', { class: 'heatmap-canvas-stack' }, [canvas, this.rowMark, this.cellMark]);
    // The width last measured is used at once, so that typing (a new surface each time) changes
    // no label after layout; only a new width re-thins them.
    let shown = 0;
    const thin = (/** @type {number} */ side) => {
      const stride = Math.max(1, Math.ceil((Math.max(queries, keys) * CANVAS_LABEL_GAP) / Math.max(side, 1)));
      if (stride === shown) return;
      shown = stride;
      this.queryLabels.forEach((label, q) => label.classList.toggle('thinned', q % stride !== 0));
      keyLabels.forEach((label, k) => label.classList.toggle('thinned', k % stride !== 0));
      caption.textContent = `${axes.queries} ↓ (${queries}) · ${axes.keys} → (${keys}) · ${labelled(stride)} · hover or use the arrow keys to read a cell`;
    };
    thin(room.width);
    this.resize = new ResizeObserver(([entry]) => {
      if (!entry || entry.contentRect.width <= 0) return;
      room.width = entry.contentRect.width;
      thin(room.width);
    });
    this.resize.observe(stack);
    this.element = el(doc, 'div', { class: 'heatmap-canvas-frame' }, [
      caption,
      el(doc, 'div', { class: 'heatmap-canvas-axes', attrs: { 'aria-hidden': 'true' } }, [
        el(doc, 'span', { class: 'canvas-corner', text: 'queries ↓ / keys →' }),
        el(doc, 'div', { class: 'canvas-key-labels' }, keyLabels),
        el(doc, 'div', { class: 'canvas-query-labels' }, this.queryLabels),
        stack,
      ]),
    ]);
    this.grid = canvas;
    this.queries = queries;
    this.keys = keys;
    /** @type {HTMLElement | null} */
    this.current = null;
  }

  dispose() {
    this.resize.disconnect();
  }

  /**
   * @param {number} query
   * @param {number} key
   */
  mark(query, key) {
    this.rowMark.style.top = `${(query / this.queries) * 100}%`;
    this.cellMark.style.top = `${(query / this.queries) * 100}%`;
    this.cellMark.style.left = `${(key / this.keys) * 100}%`;
    const label = this.queryLabels[query] ?? null;
    if (label === this.current) return;
    this.current?.classList.remove('current');
    label?.classList.add('current');
    this.current = label;
  }
}

/**
 * The canvas map's side before it is laid out, and the least distance between two of its labels,
 * in CSS pixels.
 */
const CANVAS_SIDE = 660;
const CANVAS_LABEL_GAP = 14;

/**
 * Which tokens an axis labels, in words: "every token labelled", "every 5th token labelled".
 * @param {number} n
 */
function labelled(n) {
  if (n === 1) return 'every token labelled';
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `every ${n}${suffix} token labelled`;
}

/**
 * Where a decoder's generated tokens start among the tokens a view shows, or null.
 * @param {RunData} data
 */
function generatedFrom(data) {
  const generation = data.run.generation;
  // A translation's target is generated whole: no prompt to mark off.
  if (!generation || data.run.translation) return null;
  const kept = data.model?.kept;
  if (!kept) return generation.promptTokens;
  const at = kept.findIndex((index) => index >= generation.promptTokens);
  return at < 0 ? null : at;
}
