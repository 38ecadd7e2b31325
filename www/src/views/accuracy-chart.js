// The measured story of the bottleneck: exact-match accuracy of a task's translation models on
// their held-out test set, by source length (or, for dates, by the style a date is written in),
// as grouped bars on an axis from 0 to 100 %, with a legend and the numbers (and n) in a table.
// The numbers are the models' eval.json, written into the generated catalog.

import { el, svgEl } from '../dom.js';
import { headColour } from '../colors.js';

/** @typedef {import('../types').Evaluation} Evaluation */

/** How each architecture is named in the legend. */
export const ARCHITECTURE_NAMES = /** @type {Record<string, string>} */ ({
  'gru-additive': 'GRU with additive attention',
  gru: 'GRU without attention',
  transformer: 'Transformer',
});

/** The chart's size in its own units (it scales to its box). */
const WIDTH = 440;
const PLOT_HEIGHT = 150;
/** Room around the plot: slanted date styles need more on the left and below. */
const PADS = { upright: { left: 48, right: 6, top: 10, bottom: 44 }, slanted: { left: 96, right: 6, top: 10, bottom: 104 } };

/**
 * A share as a percentage with one decimal: "92.4 %".
 * @param {number} share  0…1
 */
export function percent(share) {
  return `${(share * 100).toFixed(1)} %`;
}

/**
 * What a group is called: "36–40 words", or a date style ("d month yyyy").
 * @param {Evaluation} evaluation
 * @param {string} label
 */
export function groupLabel(evaluation, label) {
  return evaluation.grouping === 'length' ? `${label.replace('-', '–')} words` : label.replace(/_/g, ' ');
}

/**
 * Draws the chart of `evaluations` (one task's models, with the same groups) into `root`.
 * @param {HTMLElement} root
 * @param {Evaluation[]} evaluations
 * @param {string | null} current  the name of the model loaded, marked in the legend
 */
export function renderAccuracyChart(root, evaluations, current) {
  const doc = root.ownerDocument;
  if (evaluations.length === 0) {
    root.replaceChildren();
    return;
  }
  const first = evaluations[0];
  const groups = first.buckets.map((bucket) => bucket.label);
  const byLength = first.grouping === 'length';
  const PAD = byLength ? PADS.upright : PADS.slanted;
  const HEIGHT = PLOT_HEIGHT + PAD.top + PAD.bottom;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = PLOT_HEIGHT;
  const groupW = plotW / groups.length;
  const barW = Math.min(22, (groupW * 0.8) / evaluations.length);
  const y = (/** @type {number} */ share) => PAD.top + plotH * (1 - share);
  const svg = svgEl(doc, 'svg', {
    class: 'accuracy-svg',
    attrs: { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Exact-match accuracy by ${byLength ? 'source length' : 'date style'}, 0 to 100 %: ${evaluations.map((e) => `${e.name} ${percent(e.exactMatch)} overall`).join(', ')}.` },
  });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      svgEl(doc, 'line', { class: tick === 0 ? 'accuracy-axis' : 'accuracy-grid', attrs: { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick) } }),
      svgEl(doc, 'text', { class: 'accuracy-tick', text: `${tick * 100} %`, attrs: { x: PAD.left - 6, y: y(tick) } }),
    );
  }
  groups.forEach((label, g) => {
    const x0 = PAD.left + g * groupW + (groupW - barW * evaluations.length) / 2;
    evaluations.forEach((evaluation, s) => {
      const bucket = evaluation.buckets.find((b) => b.label === label);
      if (!bucket) return;
      const top = y(bucket.exactMatch);
      const bar = svgEl(doc, 'rect', {
        class: 'accuracy-bar',
        // A bar at 0 % keeps a sliver, so a failed group reads as measured, not missing.
        attrs: { x: x0 + s * barW, y: Math.min(top, y(0) - 1.5), width: Math.max(1, barW - 2), height: Math.max(1.5, y(0) - top), fill: headColour(s), 'data-model': evaluation.name, 'data-group': label },
      }, [svgEl(doc, 'title', { text: `${evaluation.name}, ${groupLabel(evaluation, label)}: ${percent(bucket.exactMatch)} exactly right (n = ${bucket.n})` })]);
      svg.append(bar);
    });
    const cx = PAD.left + g * groupW + groupW / 2;
    const text = byLength ? label.replace('-', '–') : label.replace(/_/g, ' ');
    svg.append(svgEl(doc, 'text', {
      class: byLength ? 'accuracy-group' : 'accuracy-group slanted',
      text,
      attrs: byLength ? { x: cx, y: y(0) + 15 } : { x: cx, y: y(0) + 10, transform: `rotate(-45 ${cx} ${y(0) + 10})` },
    }));
  });
  if (byLength) svg.append(svgEl(doc, 'text', { class: 'accuracy-axis-title', text: 'source length (words)', attrs: { x: PAD.left + plotW / 2, y: HEIGHT - 8 } }));

  const legend = el(doc, 'ul', { class: 'accuracy-legend', attrs: { 'aria-label': 'Models' } }, evaluations.map((evaluation, s) => {
    const swatch = el(doc, 'span', { class: 'accuracy-swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.background = headColour(s);
    return el(doc, 'li', { class: evaluation.name === current ? 'current' : '' }, [
      swatch,
      el(doc, 'span', { text: `${ARCHITECTURE_NAMES[evaluation.architecture] ?? evaluation.architecture} (${evaluation.name}) · ${percent(evaluation.exactMatch)} overall` }),
      evaluation.name === current ? el(doc, 'span', { class: 'accuracy-current', text: 'loaded' }) : '',
    ]);
  }));

  const head = el(doc, 'tr', {}, [
    el(doc, 'th', { text: byLength ? 'Source length' : 'Date style', attrs: { scope: 'col' } }),
    ...evaluations.map((evaluation) => el(doc, 'th', { text: evaluation.name, attrs: { scope: 'col' } })),
  ]);
  const rows = groups.map((label) => el(doc, 'tr', {}, [
    el(doc, 'th', { text: groupLabel(first, label), attrs: { scope: 'row' } }),
    ...evaluations.map((evaluation) => {
      const bucket = evaluation.buckets.find((b) => b.label === label);
      return el(doc, 'td', { text: bucket ? `${percent(bucket.exactMatch)} (n = ${bucket.n})` : '—' });
    }),
  ]));
  const table = el(doc, 'details', { class: 'accuracy-numbers' }, [
    el(doc, 'summary', { text: 'The numbers' }),
    el(doc, 'table', { class: 'accuracy-table' }, [
      el(doc, 'caption', { text: `Exact match on ${first.testExamples.toLocaleString('en')} held-out ${byLength ? 'sentences' : 'dates'} per model (each model's eval.json), with the examples per group.` }),
      el(doc, 'thead', {}, [head]),
      el(doc, 'tbody', {}, rows),
    ]),
  ]);
  root.replaceChildren(el(doc, 'figure', { class: 'accuracy-chart' }, [
    el(doc, 'figcaption', { text: byLength
      ? 'Exact match by source length, held-out sentences: without attention the one fixed-length vector fails as sentences grow; with attention the decoder looks back at every word.'
      : 'Exact match by date style, held-out dates: dates are short, so even the model without attention writes them right — the bottleneck shows on longer sentences (English → French-like).' }),
    svg,
    legend,
    table,
  ]));
}
