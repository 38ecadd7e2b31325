// The training curves: loss and accuracy against the step, on honest axes (loss from 0 to a
// round number above the largest drawn, accuracy from 0 to 100 %, steps from 0 to the step
// reached), each step's training-batch value as the mean of a few steps when there are more steps
// than room, and the held-out measures as points at the steps they were taken.

import { el, svgEl } from '../dom.js';
import { formatNumber, niceCeiling } from '../format.js';

/** The chart's size in its own units (it scales to its box). */
const WIDTH = 520;
const HEIGHT = 190;
const PAD = { left: 50, right: 12, top: 12, bottom: 36 };
/** At most this many points per line: more steps are averaged in equal runs. */
export const MAX_POINTS = 260;

/**
 * One line or set of points.
 * @typedef {Object} Series
 * @property {string} name   for the legend
 * @property {string} className  its colour and style (train.css)
 * @property {'line' | 'points'} kind
 * @property {number[]} steps
 * @property {number[]} values
 */

/**
 * Each run of `size` consecutive steps as its mean step and mean value, so a line of any length
 * has at most `max` points; a run of one step is that step. Non-finite values are left out.
 * @param {number[]} steps
 * @param {number[]} values
 * @param {number} [max]
 * @returns {{ steps: number[], values: number[], size: number }}
 */
export function runMeans(steps, values, max = MAX_POINTS) {
  const size = Math.max(1, Math.ceil(steps.length / max));
  /** @type {number[]} */
  const outSteps = [];
  /** @type {number[]} */
  const outValues = [];
  for (let start = 0; start < steps.length; start += size) {
    let step = 0;
    let value = 0;
    let n = 0;
    for (let i = start; i < Math.min(steps.length, start + size); i += 1) {
      if (!Number.isFinite(values[i])) continue;
      step += steps[i];
      value += values[i];
      n += 1;
    }
    if (n === 0) continue;
    outSteps.push(step / n);
    outValues.push(value / n);
  }
  return { steps: outSteps, values: outValues, size };
}

/**
 * Round ticks from 0 to `top` (itself round): 4 or 5 of them.
 * @param {number} top
 */
export function ticksTo(top) {
  const step = niceCeiling(top / 5);
  /** @type {number[]} */
  const ticks = [];
  for (let t = 0; t <= top + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * Draws one chart.
 * @param {HTMLElement} root
 * @param {{ title: string, yLabel: string, percent: boolean, lastStep: number, series: Series[], empty: string }} chart
 */
export function renderCurve(root, chart) {
  const doc = root.ownerDocument;
  const drawn = chart.series.map((s) => (s.kind === 'line' ? { ...s, ...runMeans(s.steps, s.values) } : { ...s, size: 1 }));
  const largest = Math.max(0, ...drawn.flatMap((s) => s.values.filter(Number.isFinite)));
  const yTop = chart.percent ? 1 : niceCeiling(largest);
  const xTop = niceCeiling(Math.max(10, chart.lastStep));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (/** @type {number} */ step) => PAD.left + (plotW * step) / xTop;
  const y = (/** @type {number} */ value) => PAD.top + plotH * (1 - Math.min(value, yTop) / yTop);
  const label = (/** @type {number} */ v) => (chart.percent ? `${Math.round(v * 100)} %` : String(v));
  const svg = svgEl(doc, 'svg', { class: 'curve-svg', attrs: { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': describe(chart, drawn) } });
  for (const tick of chart.percent ? [0, 0.25, 0.5, 0.75, 1] : ticksTo(yTop)) {
    svg.append(
      svgEl(doc, 'line', { class: tick === 0 ? 'curve-axis' : 'curve-grid', attrs: { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick) } }),
      svgEl(doc, 'text', { class: 'curve-tick curve-tick-y', text: label(tick), attrs: { x: PAD.left - 6, y: y(tick) } }),
    );
  }
  for (const tick of ticksTo(xTop)) {
    svg.append(
      svgEl(doc, 'line', { class: 'curve-axis', attrs: { x1: x(tick), x2: x(tick), y1: y(0), y2: y(0) + 4 } }),
      svgEl(doc, 'text', { class: 'curve-tick curve-tick-x', text: tick.toLocaleString('en'), attrs: { x: x(tick), y: y(0) + 16 } }),
    );
  }
  svg.append(svgEl(doc, 'text', { class: 'curve-axis-title', text: 'training step', attrs: { x: PAD.left + plotW / 2, y: HEIGHT - 4 } }));
  svg.append(svgEl(doc, 'text', { class: 'curve-axis-title', text: chart.yLabel, attrs: { x: 12, y: PAD.top + plotH / 2, transform: `rotate(-90 12 ${PAD.top + plotH / 2})` } }));
  for (const series of drawn) {
    if (series.values.length === 0) continue;
    if (series.kind === 'line') {
      const points = series.steps.map((s, i) => `${x(s).toFixed(1)},${y(series.values[i]).toFixed(1)}`).join(' ');
      svg.append(svgEl(doc, 'polyline', { class: `curve-line ${series.className}`, attrs: { points } }));
    } else {
      series.steps.forEach((s, i) => svg.append(svgEl(doc, 'circle', { class: `curve-point ${series.className}`, attrs: { cx: x(s), cy: y(series.values[i]), r: 3.2 } }, [
        svgEl(doc, 'title', { text: `${series.name} at step ${s}: ${valueText(series.values[i], chart.percent)}` }),
      ])));
    }
  }
  if (drawn.every((s) => s.values.length === 0)) {
    svg.append(svgEl(doc, 'text', { class: 'curve-empty', text: chart.empty, attrs: { x: PAD.left + plotW / 2, y: PAD.top + plotH / 2 } }));
  }
  const legend = el(doc, 'ul', { class: 'curve-legend' }, drawn.map((s) => el(doc, 'li', {}, [
    el(doc, 'span', { class: `curve-swatch ${s.kind} ${s.className}`, attrs: { 'aria-hidden': 'true' } }),
    s.kind === 'line' && s.size > 1 ? `${s.name} (mean of ${s.size} steps)` : s.name,
    s.values.length > 0 ? el(doc, 'span', { class: 'curve-last', text: valueText(/** @type {number} */ (s.values.at(-1)), chart.percent) }) : '',
  ])));
  root.replaceChildren(el(doc, 'figure', { class: 'curve' }, [el(doc, 'figcaption', { class: 'curve-title', text: chart.title }), svg, legend]));
}

/**
 * A value as the legend and titles print it: a share as a percentage, a loss to 3 decimals
 * (an infinite one as ∞, never NaN).
 * @param {number} value
 * @param {boolean} percent
 */
function valueText(value, percent) {
  return percent ? `${(value * 100).toFixed(1)} %` : formatNumber(value, 3);
}

/**
 * The chart in words for a screen reader: each series' last value.
 * @param {{ title: string, percent: boolean, lastStep: number }} chart
 * @param {Series[]} drawn
 */
function describe(chart, drawn) {
  const last = drawn.filter((s) => s.values.length > 0).map((s) => {
    const v = /** @type {number} */ (s.values.at(-1));
    return `${s.name} ${valueText(v, chart.percent)}`;
  });
  return `${chart.title}, steps 0 to ${chart.lastStep}${last.length > 0 ? `: latest ${last.join(', ')}` : ''}.`;
}
