// Each view as a figure for slides and papers: the heatmap, the lines, the head grid and one
// frame of the step-by-step player, drawn from the run's numbers (not copied from the screen),
// in the page's light colours. Pure module: scenes in, no DOM.

import { headColour, needsLightText, weightScale } from '../colors.js';
import { formatNumber, formatWeight, quoteToken } from '../format.js';
import { mathText } from '../math.js';
import { breakdownMatches, capitalised, headName, headWeights, layerHeadWeights, maxOf, rowsNote, shape, tokenLabel } from '../run-data.js';
import { STAGES, STAGE_LABELS, clampStep, describeStep, isRevealed, stepCount } from '../timeline.js';
import { LINES_TOKEN_LIMIT, ROW, linesToDraw } from '../views/lines.js';
import { NUMBER_COLUMNS } from '../views/player.js';
import { ExportError, PAPER, textWidth, wrapText } from './scene.js';

/** @typedef {import('./scene.js').Scene} Scene */
/** @typedef {import('./scene.js').Shape} Shape */
/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../types').QueryBreakdown} QueryBreakdown */
/** @typedef {import('../types').TokenInfo} TokenInfo */

const PAD = 24;
const SCORE_NAMES = { dot: 'dot-product', general: 'general (q·W·k)', additive: 'additive', cosine: 'cosine' };

/**
 * The title and subtitle at the top of a figure.
 * @param {Shape[]} shapes
 * @param {string} title
 * @param {string} subtitle
 * @returns {{ bottom: number, width: number }}  where the figure continues, and the width used
 */
function header(shapes, title, subtitle) {
  shapes.push(
    { kind: 'text', x: PAD, y: PAD + 9, text: title, size: 17, weight: 700, fill: PAPER.ink },
    { kind: 'text', x: PAD, y: PAD + 33, text: subtitle, size: 12, fill: PAPER.ink3 },
  );
  const width = Math.max(textWidth(title, 17, { weight: 700 }), textWidth(subtitle, 12));
  return { bottom: PAD + 54, width: Math.ceil(width + 2 * PAD) };
}

/** @param {RunData} data */
function shapeLine(data) {
  const { queries, keys } = shape(data);
  if (data.model) return `${data.model.name} · ${queries} ${queries === 1 ? 'token' : 'tokens'} · scaled dot-product scores`;
  return `${queries} ${queries === 1 ? 'query' : 'queries'} × ${keys} ${keys === 1 ? 'key' : 'keys'} · ${SCORE_NAMES[data.summary.score]} scores`;
}

/**
 * The colour legend: a ramp from 0 to `max`, and the masked swatch when cells are masked.
 * @param {Shape[]} shapes
 * @param {number} x
 * @param {number} y  top of the ramp
 * @param {number} max
 * @param {boolean} masked
 * @returns {number} the legend's right edge
 */
function legend(shapes, x, y, max, masked) {
  const scale = weightScale(max);
  const top = scale.domain()[1];
  const steps = 48;
  const width = 200;
  const rampX = x + 54;
  shapes.push({ kind: 'text', x, y: y + 6, text: 'weight', size: 12, fill: PAPER.ink2 });
  for (let i = 0; i < steps; i += 1) {
    shapes.push({ kind: 'rect', x: rampX + (i * width) / steps, y, w: width / steps + 0.4, h: 12, fill: scale(((i + 0.5) / steps) * top) });
  }
  for (const [value, anchor] of /** @type {Array<[number, 'start' | 'middle' | 'end']>} */ ([[0, 'start'], [top / 2, 'middle'], [top, 'end']])) {
    shapes.push({ kind: 'text', x: rampX + (value / top) * width, y: y + 24, text: formatWeight(value), size: 10, fill: PAPER.ink2, anchor });
  }
  let right = rampX + width;
  if (masked) {
    const sx = right + 24;
    shapes.push(
      { kind: 'rect', x: sx, y: y - 1, w: 14, h: 14, fill: PAPER.masked },
      { kind: 'line', x1: sx + 2, y1: y + 11, x2: sx + 12, y2: y + 1, stroke: PAPER.maskedMark, width: 1 },
      { kind: 'text', x: sx + 20, y: y + 6, text: 'masked', size: 12, fill: PAPER.ink2 },
    );
    right = sx + 20 + textWidth('masked', 12);
  }
  return right;
}

/** @param {TokenInfo} token */
const labelFill = (token) => (token.special ? PAPER.ink3 : PAPER.ink2);

/**
 * The heatmap of one head: queries down, keys across, the focused query outlined.
 * @param {{ data: RunData, head: number, query: number }} input
 * @returns {Scene}
 */
export function heatmapFigure({ data, head, query }) {
  const { queries, keys, heads } = shape(data);
  const { queryTokens, keyTokens } = data.summary;
  const n = Math.max(queries, keys);
  const cell = n <= 12 ? 40 : n <= 24 ? 28 : n <= 48 ? 18 : n <= 96 ? 10 : Math.max(1, Math.floor(960 / n));
  const labels = cell >= 10;
  const size = cell >= 18 ? 13 : 11;
  const weights = headWeights(data, head);
  const max = maxOf(weights);
  const widest = (/** @type {TokenInfo[]} */ tokens) => (labels ? Math.max(...tokens.map((t) => textWidth(tokenLabel(t), size))) : 0);
  const queryWidth = widest(queryTokens);
  const keyWidth = widest(keyTokens);
  /** @type {Shape[]} */
  const shapes = [];
  const top0 = header(shapes, `Attention weights · ${headName(data, head)} of ${heads}`, `${shapeLine(data)} · ${rowsNote(data)}`);
  const left = Math.ceil(PAD + (labels ? queryWidth + 12 : 0));
  const top = Math.ceil(top0.bottom + (labels ? keyWidth * 0.71 + 14 : 4));
  if (labels) {
    keyTokens.forEach((token, k) => {
      const x = left + k * cell + cell / 2;
      shapes.push({ kind: 'text', x, y: top - 8, text: tokenLabel(token), size, fill: labelFill(token), italic: token.special, rotate: -45 });
    });
    queryTokens.forEach((token, q) => {
      const current = q === query;
      shapes.push({
        kind: 'text', x: left - 8, y: top + q * cell + cell / 2, text: tokenLabel(token), size, anchor: 'end',
        fill: current ? PAPER.accent : labelFill(token), weight: current ? 700 : 400, italic: token.special,
      });
    });
  }
  shapes.push({ kind: 'cells', x: left, y: top, cell, rows: queries, cols: keys, values: weights, allowed: data.allowed, max });
  if (cell >= 36) {
    for (let i = 0; i < weights.length; i += 1) {
      if (data.allowed[i] === 0) continue;
      shapes.push({
        kind: 'text', x: left + (i % keys) * cell + cell / 2, y: top + Math.floor(i / keys) * cell + cell / 2,
        text: formatWeight(weights[i]).replace(/^0/, ''), size: 11, weight: 600, anchor: 'middle',
        fill: needsLightText(weights[i], max) ? '#f3f4f8' : PAPER.ink,
      });
    }
  }
  if (query < queries) {
    shapes.push({ kind: 'rect', x: left - 2, y: top + query * cell, w: keys * cell + 4, h: cell, stroke: PAPER.ink, strokeWidth: 2, rx: 3 });
  }
  const legendY = top + queries * cell + 22;
  const legendRight = legend(shapes, left, legendY, max, data.allowed.includes(0));
  const token = queryTokens[query];
  return {
    width: Math.ceil(Math.max(left + keys * cell + (labels ? keyWidth * 0.71 : 0) + PAD, legendRight + PAD, top0.width)),
    height: Math.ceil(legendY + 34 + PAD),
    title: `Attention weights of ${headName(data, head)}`,
    description: `Heatmap of the attention weights of ${headName(data, head)} of ${heads}: each row is a query token, each column a key token; ${rowsNote(data)}. The outlined row is the query ${token ? quoteToken(token.text) : ''}.`,
    shapes,
  };
}

/**
 * The lines view: queries left, keys right, one colour per head, opacity and width by weight;
 * only the pinned token's lines when one is pinned, and only the heads switched on.
 * @param {{ data: RunData, hiddenHeads: number[], pin: import('../state.js').Pin | null }} input
 * @returns {Scene}
 */
export function linesFigure({ data, hiddenHeads, pin }) {
  const { queries, keys, heads } = shape(data);
  const { queryTokens, keyTokens } = data.summary;
  if (Math.max(queries, keys) > LINES_TOKEN_LIMIT) {
    throw new ExportError(`The lines view shows up to ${LINES_TOKEN_LIMIT} tokens and this text has ${Math.max(queries, keys).toLocaleString('en')}; export the heatmap instead.`);
  }
  const drawn = linesToDraw(data, hiddenHeads, pin);
  if (!drawn.lines) {
    throw new ExportError(`${drawn.total.toLocaleString('en')} lines are too many for one figure: pin a token in the lines view (click it), then export its lines.`);
  }
  const size = 13;
  const shownHeads = [...Array(heads).keys()].filter((h) => !hiddenHeads.includes(h));
  const label = (/** @type {TokenInfo} */ t) => tokenLabel(t, 18);
  const queryWidth = Math.max(...queryTokens.map((t) => textWidth(label(t), size, { weight: 700 })));
  const keyWidth = Math.max(...keyTokens.map((t) => textWidth(label(t), size, { weight: 700 })));
  /** @type {Shape[]} */
  const shapes = [];
  const pinned = pin ? (pin.side === 'q' ? queryTokens : keyTokens)[pin.index] : null;
  const title = pinned ? `Attention lines of the ${pin?.side === 'q' ? 'query' : 'key'} ${quoteToken(pinned.text)}` : 'Attention lines';
  const layerName = data.layers > 1 ? ` of layer ${data.layer + 1}` : '';
  const top0 = header(shapes, title, `${shapeLine(data)} · ${shownHeads.length} of ${heads} heads${layerName} · line strength is the weight${data.model?.kept ? ' (renormalised without [CLS]/[SEP])' : ''}`);
  const x1 = Math.ceil(PAD + queryWidth + 12);
  const x2 = x1 + 280;
  const top = top0.bottom + 6;
  /**
   * @param {TokenInfo[]} tokens
   * @param {'q' | 'k'} side
   */
  const column = (tokens, side) => tokens.forEach((token, index) => {
    const on = pin?.side === side && pin.index === index;
    shapes.push({
      kind: 'text', x: side === 'q' ? x1 - 10 : x2 + 10, y: top + index * ROW + ROW / 2, text: label(token), size,
      anchor: side === 'q' ? 'end' : 'start', fill: on ? PAPER.accent : token.special ? PAPER.ink3 : PAPER.ink,
      weight: on ? 700 : 400, italic: token.special,
    });
  });
  column(queryTokens, 'q');
  column(keyTokens, 'k');
  for (const line of drawn.lines) {
    shapes.push({
      kind: 'line', x1, y1: top + line.query * ROW + ROW / 2, x2, y2: top + line.key * ROW + ROW / 2,
      stroke: headColour(line.head), width: line.width, opacity: line.opacity,
    });
  }
  const width = Math.ceil(Math.max(x2 + 10 + keyWidth + PAD, top0.width));
  let x = PAD;
  let y = top + Math.max(queries, keys) * ROW + 20;
  for (const h of shownHeads) {
    const text = `Head ${h + 1}`;
    const itemWidth = 18 + textWidth(text, 12) + 18;
    if (x + itemWidth > width - PAD && x > PAD) {
      x = PAD;
      y += 22;
    }
    shapes.push(
      { kind: 'rect', x, y: y - 6, w: 12, h: 12, fill: headColour(h), rx: 2 },
      { kind: 'text', x: x + 18, y, text, size: 12, fill: PAPER.ink2 },
    );
    x += itemWidth;
  }
  return {
    width,
    height: Math.ceil(y + 12 + PAD),
    title,
    description: `Lines from each query token (left) to each key token (right); a line's opacity and width grow with the attention weight, and its colour is its head. Weights below 0.01 are not drawn.`,
    shapes,
  };
}

/**
 * Every head side by side on one colour scale, the focused one outlined; a pretrained model's
 * heads as a grid of layers (down) × heads (across).
 * @param {{ data: RunData, head: number, layer: number }} input
 * @returns {Scene}
 */
export function gridFigure({ data, head, layer }) {
  const { queries, keys, heads, layers } = shape(data);
  const several = layers > 1;
  const cell = Math.max(1, Math.floor((several ? 72 : 150) / Math.max(queries, keys)));
  const thumbWidth = keys * cell;
  const thumbHeight = queries * cell;
  const columns = several ? heads : Math.min(heads, 4);
  const gap = several ? 10 : 28;
  const labelHeight = several ? 0 : 22;
  const rowGap = several ? 10 : 44;
  const left = PAD + (several ? 64 : 0);
  const max = maxOf(data.weights);
  /** @type {Shape[]} */
  const shapes = [];
  const title = several ? `Attention weights of every head · ${layers} layers × ${heads} heads` : `Attention weights of every head · layer ${layer + 1}`;
  const top0 = header(shapes, title, `${shapeLine(data)} · ${several ? `${layers * heads} heads` : `${heads} heads`} on one colour scale${data.model?.kept ? ` · ${rowsNote(data)}` : ''}`);
  const tileWidth = Math.max(thumbWidth, several ? 20 : 70);
  const top = top0.bottom + (several ? 22 : 4);
  const tiles = several ? layers * heads : heads;
  for (let t = 0; t < tiles; t += 1) {
    const l = several ? Math.floor(t / heads) : layer;
    const h = several ? t % heads : t;
    const x = left + (several ? h : h % columns) * (tileWidth + gap);
    const y = top + (several ? l : Math.floor(h / columns)) * (thumbHeight + labelHeight + rowGap);
    const focused = h === head && l === layer;
    if (!several) shapes.push({ kind: 'text', x, y: y + 8, text: `Head ${h + 1}`, size: 13, weight: focused ? 700 : 600, fill: focused ? PAPER.accent : PAPER.ink });
    if (focused) shapes.push({ kind: 'rect', x: x - 4, y: y + labelHeight - 4, w: thumbWidth + 8, h: thumbHeight + 8, stroke: PAPER.accent, strokeWidth: 3, rx: 4 });
    shapes.push({ kind: 'cells', x, y: y + labelHeight, cell, rows: queries, cols: keys, values: layerHeadWeights(data, l, h), allowed: data.allowed, max });
  }
  if (several) {
    for (let h = 0; h < heads; h += 1) {
      shapes.push({ kind: 'text', x: left + h * (tileWidth + gap) + thumbWidth / 2, y: top - 12, text: String(h + 1), size: 11, anchor: 'middle', fill: h === head ? PAPER.accent : PAPER.ink3, weight: h === head ? 700 : 400 });
    }
    for (let l = 0; l < layers; l += 1) {
      shapes.push({ kind: 'text', x: left - 12, y: top + l * (thumbHeight + rowGap) + thumbHeight / 2, text: `Layer ${l + 1}`, size: 12, anchor: 'end', fill: l === layer ? PAPER.accent : PAPER.ink2, weight: l === layer ? 700 : 400 });
    }
  }
  const rows = several ? layers : Math.ceil(heads / columns);
  const legendY = top + rows * (thumbHeight + labelHeight + rowGap) + 4;
  const legendRight = legend(shapes, PAD, legendY, max, data.allowed.includes(0));
  return {
    width: Math.ceil(Math.max(left + columns * tileWidth + (columns - 1) * gap + PAD, legendRight + PAD, top0.width)),
    height: Math.ceil(legendY + 34 + PAD),
    title: several ? 'Attention weights of every layer and head' : `Attention weights of every head, layer ${layer + 1}`,
    description: several
      ? `One heatmap per head (queries down, keys across): a row per layer, a column per head, all on one colour scale; layer ${layer + 1}, head ${head + 1} is outlined.`
      : `One heatmap per head (queries down, keys across), all on one colour scale; head ${head + 1} is outlined.`,
    shapes,
  };
}

/** Rows of the number table shown in one frame; longer queries show a window around the key. */
const FRAME_ROWS = 16;

/**
 * One frame of the step-by-step player: the stages, the sentence and formula of the step, and
 * the query's numbers key by key as far as they are computed.
 * @param {{ data: RunData, breakdown: QueryBreakdown | null, head: number, query: number, step: number }} input
 * @returns {Scene}
 */
export function stepsFigure({ data, breakdown: b, head, query, step }) {
  const { queries, keys } = shape(data);
  if (!b || !breakdownMatches(b, data, head, query)) {
    throw new ExportError('The numbers of this query are still being computed; try again in a moment.');
  }
  const at = clampStep(keys, step);
  const queryToken = data.summary.queryTokens[query];
  const story = describeStep(b, at, { query: queryToken, keys: data.summary.keyTokens, score: data.summary.score });
  const kind = story.step.kind;
  const width = 820;
  const inner = width - 2 * PAD;
  /** @type {Shape[]} */
  const shapes = [];
  const top0 = header(shapes, `${capitalised(headName(data, head))} · query ${quoteToken(queryToken?.text ?? '')} (${query + 1} of ${queries})`, `${data.model ? `${data.model.name} · ` : ''}step ${at + 1} of ${stepCount(keys)}`);
  let y = top0.bottom;
  let x = PAD;
  STAGES.forEach((stage, i) => {
    const text = STAGE_LABELS[stage];
    const chipWidth = textWidth(text, 12, { weight: 600 }) + 22;
    const current = stage === kind;
    const done = i < STAGES.indexOf(kind);
    shapes.push(
      { kind: 'rect', x, y, w: chipWidth, h: 24, rx: 12, fill: current ? PAPER.accent : done ? PAPER.background : PAPER.surface2, stroke: current ? PAPER.accent : PAPER.line },
      { kind: 'text', x: x + chipWidth / 2, y: y + 12, text, size: 12, weight: 600, anchor: 'middle', fill: current ? PAPER.accentInk : done ? PAPER.ink : PAPER.ink3 },
    );
    x += chipWidth + 6;
  });
  y += 46;
  shapes.push({ kind: 'text', x: PAD, y, text: story.title, size: 16, weight: 700, fill: PAPER.ink });
  y += 26;
  for (const line of wrapText(story.explanation, inner, 14)) {
    shapes.push({ kind: 'text', x: PAD, y, text: line, size: 14, fill: PAPER.ink2 });
    y += 20;
  }
  const formula = wrapText(mathText(story.formula), inner - 28, 13, { mono: true });
  shapes.push({ kind: 'rect', x: PAD, y: y - 4, w: inner, h: formula.length * 20 + 16, rx: 8, fill: PAPER.surface2 });
  y += 14;
  for (const line of formula) {
    shapes.push({ kind: 'text', x: PAD + 14, y, text: line, size: 13, mono: true, fill: PAPER.ink });
    y += 20;
  }
  y += 16;

  const keyColumn = 150;
  const numberColumn = 104;
  const weightColumn = inner - keyColumn - numberColumn * (NUMBER_COLUMNS.length - 1);
  const rowHeight = 24;
  shapes.push({ kind: 'text', x: PAD + 6, y: y + rowHeight / 2, text: 'key', size: 12, weight: 600, fill: PAPER.ink2 });
  NUMBER_COLUMNS.forEach(({ label }, c) => {
    const right = PAD + keyColumn + numberColumn * c + (c === NUMBER_COLUMNS.length - 1 ? weightColumn : numberColumn) - 6;
    shapes.push({ kind: 'text', x: right, y: y + rowHeight / 2, text: label, size: 12, weight: 600, fill: PAPER.ink2, anchor: 'end' });
  });
  y += rowHeight;
  shapes.push({ kind: 'line', x1: PAD, y1: y, x2: PAD + inner, y2: y, stroke: PAPER.line, width: 1 });
  const first = keys <= FRAME_ROWS ? 0 : Math.min(Math.max(0, story.key - Math.floor(FRAME_ROWS / 2)), keys - FRAME_ROWS);
  const last = Math.min(keys, first + FRAME_ROWS);
  for (let j = first; j < last; j += 1) {
    const token = data.summary.keyTokens[j];
    if (j === story.key) shapes.push({ kind: 'rect', x: PAD, y, w: inner, h: rowHeight, fill: PAPER.accentSoft });
    shapes.push({ kind: 'text', x: PAD + 6, y: y + rowHeight / 2, text: token ? tokenLabel(token, 18) : `#${j}`, size: 12, weight: 600, fill: PAPER.ink2, italic: token?.special });
    NUMBER_COLUMNS.forEach(({ kind: column, pick }, c) => {
      const isWeight = column === 'normalise';
      const left = PAD + keyColumn + numberColumn * c;
      const right = left + (isWeight ? weightColumn : numberColumn) - 6;
      const shown = isRevealed(b.keys, at, column, j);
      const value = pick(b)[j];
      const masked = b.allowed[j] === 0 && column !== 'score' && column !== 'scale';
      if (isWeight && shown) {
        shapes.push({ kind: 'rect', x: left + 6, y: y + 6, w: Math.max(0, Math.min(1, value)) * (weightColumn - 76), h: rowHeight - 12, rx: 2, fill: PAPER.accent, opacity: 0.28 });
      }
      shapes.push({
        kind: 'text', x: right, y: y + rowHeight / 2, size: 12, mono: true, anchor: 'end',
        text: !shown ? '·' : isWeight ? formatWeight(value) : formatNumber(value),
        fill: !shown || masked ? PAPER.ink3 : PAPER.ink,
      });
    });
    y += rowHeight;
    shapes.push({ kind: 'line', x1: PAD, y1: y, x2: PAD + inner, y2: y, stroke: PAPER.line, width: 1 });
  }
  if (last - first < keys) {
    y += 14;
    shapes.push({ kind: 'text', x: PAD, y, text: `keys ${first + 1}–${last} of ${keys}`, size: 12, fill: PAPER.ink3 });
  }
  return {
    width,
    height: Math.ceil(y + PAD),
    title: `${story.title} — query ${quoteToken(queryToken?.text ?? '')}, ${headName(data, head)}`,
    description: `${story.explanation} ${mathText(story.formula)}`,
    shapes,
  };
}
