// The Compare view: one head of one model on two sentences, side by side — sentence A's weights,
// sentence B's, and B − A on the diverging scale over the token pairs the two share (compare.js
// aligns them; the note says how). Below, the focused query's row in both, key by key, with the
// difference: the numbers a lecturer reads out ("'it' gives 'animal' 0.677 in A and 0.281 in B").

import { el, svgEl } from '../dom.js';
import { colourTop, differenceColour } from '../colors.js';
import { alignTokens, compareRuns, formatDifference } from '../compare.js';
import { formatWeight, quoteToken } from '../format.js';
import { HEATMAP_LABEL } from '../generated/design.js';
import { capitalised, dataKey, headName, headWeights, maxOf, shape, tokenLabel } from '../run-data.js';
import { SVG_LIMIT } from './heatmap.js';
import { MASKED, cellPaths, differenceLevel, weightLevel } from './cell-paths.js';
import { renderLegend } from './legend.js';

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../compare.js').TokenText} TokenText */

/**
 * @typedef {Object} CompareInput
 * @property {RunData} a          sentence A's run at the focused block (the tokens the views show)
 * @property {RunData | null} b   sentence B's, null while it is computed
 * @property {string | null} error  why sentence B could not be computed
 * @property {number} head
 * @property {number} query       A's focused query, among the tokens shown
 * @property {boolean} stretch
 * @property {string} model       what computed the weights (caption.js's modelLabel)
 * @property {boolean} picture    a vision model reads a picture: there is no sentence to compare
 * @property {boolean} example    the texts are the example's and MiniLM computes them: offer to
 *   open its head (layer 4, head 2) at the query 'it'
 */

/** The example the view offers: MiniLM's head where 'it' goes to 'animal' in A, not in B. */
export const EXAMPLE = { layer: 3, head: 1, token: 'it' };

/**
 * @param {HTMLElement} root
 * @param {{ onQuery: (query: number) => void, onExample: (query: number) => void }} callbacks
 *   a query of A, among the tokens shown; the example's query 'it', its head to be opened
 */
export function createComparePanel(root, callbacks) {
  const doc = root.ownerDocument;
  const note = el(doc, 'p', { class: 'compare-note' });
  const example = el(doc, 'button', {
    class: 'small-button compare-example',
    text: `Show the example: layer ${EXAMPLE.layer + 1} · head ${EXAMPLE.head + 1}, the query ‘${EXAMPLE.token}’`,
    attrs: { type: 'button' },
    on: { click: () => {
      const it = input?.a.summary.queryTokens.findIndex((t) => t.text === EXAMPLE.token) ?? -1;
      if (it >= 0) callbacks.onExample(it);
    } },
  });
  const maps = el(doc, 'div', { class: 'compare-maps' });
  const legends = el(doc, 'div', { class: 'compare-legends' });
  const weightLegend = el(doc, 'div', { class: 'heatmap-legend' });
  const differenceLegend = el(doc, 'div', { class: 'heatmap-legend compare-difference-legend' });
  legends.append(weightLegend, differenceLegend);
  const row = el(doc, 'div', { class: 'compare-row' });
  root.replaceChildren(note, example, maps, legends, row);
  /** @type {CompareInput | null} */
  let input = null;
  /** @type {import('../compare.js').Comparison | null} */
  let comparison = null;
  let drawn = '';

  /**
   * A's query shown at row `r` of map `which`, or null when that row has no counterpart in A.
   * @param {'a' | 'b' | 'difference'} which
   * @param {number} r
   */
  function queryOf(which, r) {
    if (!comparison) return null;
    if (which === 'a') return r;
    if (which === 'difference') return comparison.rows[r]?.a ?? null;
    return comparison.rows.find((p) => p.b === r)?.a ?? null;
  }

  /**
   * One map: its title above, query labels down the left, key labels turned above, the cells as
   * one path per colour, and the focused row outlined.
   * @param {'a' | 'b' | 'difference'} which
   * @param {string} title
   * @param {{ queries: TokenText[], keys: TokenText[], fillOf: (index: number) => string | null, row: number | null, cell: number, describe: (q: number, k: number) => string }} spec
   */
  function map(which, title, { queries, keys, fillOf, row: focused, cell, describe }) {
    const stride = Math.ceil(11 / cell);
    const longest = (/** @type {TokenText[]} */ tokens) => Math.max(2, ...tokens.map((t) => short(t.text, HEATMAP_LABEL).length)) * 6.4 + 10;
    const left = longest(queries);
    const top = longest(keys) * 0.72 + 6;
    const width = left + keys.length * cell + Math.max(6, top - 6);
    const height = top + queries.length * cell + 4;
    const svg = svgEl(doc, 'svg', { class: 'compare-svg', attrs: { viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true' } });
    const grid = svgEl(doc, 'g', { attrs: { transform: `translate(${left} ${top})` } });
    const backdrop = svgEl(doc, 'rect', { class: 'heatmap-backdrop', attrs: { width: keys.length * cell, height: queries.length * cell } });
    grid.append(backdrop, ...cellPaths(doc, queries.length, keys.length, cell, fillOf));
    if (focused !== null) grid.append(svgEl(doc, 'rect', { class: 'row-mark', attrs: { x: -2, y: focused * cell, height: cell, width: keys.length * cell + 4 } }));
    const labels = svgEl(doc, 'g', { class: 'axis-labels' });
    queries.forEach((token, q) => {
      if (q % stride !== 0 && q !== focused) return;
      labels.append(svgEl(doc, 'text', { class: q === focused ? 'axis-query current' : 'axis-query', text: short(token.text, HEATMAP_LABEL), attrs: { x: left - 6, y: top + q * cell + cell / 2 } }));
    });
    keys.forEach((token, k) => {
      if (k % stride !== 0) return;
      const x = left + k * cell + cell / 2;
      labels.append(svgEl(doc, 'text', { class: token.special ? 'axis-key special' : 'axis-key', text: short(token.text, HEATMAP_LABEL), attrs: { x, y: top - 5, transform: `rotate(-45 ${x} ${top - 5})` } }));
    });
    svg.append(labels, grid);
    const tip = el(doc, 'p', { class: 'compare-readout', attrs: { 'aria-live': 'polite' } });
    const cellAt = (/** @type {MouseEvent} */ event) => {
      const box = backdrop.getBoundingClientRect();
      const x = (event.clientX - box.left) / box.width;
      const y = (event.clientY - box.top) / box.height;
      if (x < 0 || y < 0 || x >= 1 || y >= 1) return null;
      return { q: Math.floor(y * queries.length), k: Math.floor(x * keys.length) };
    };
    const frame = el(doc, 'div', { class: 'compare-figure', attrs: { 'data-map': which } }, [svg]);
    frame.addEventListener('pointermove', (event) => {
      const at = cellAt(event);
      tip.textContent = at ? describe(at.q, at.k) : '';
    });
    frame.addEventListener('pointerleave', () => {
      tip.textContent = '';
    });
    frame.addEventListener('click', (event) => {
      const at = cellAt(event);
      const query = at && queryOf(which, at.q);
      if (query !== null && query !== undefined) callbacks.onQuery(query);
    });
    return el(doc, 'figure', { class: `compare-map compare-map-${which}` }, [el(doc, 'figcaption', { class: 'compare-map-title', text: title }), frame, tip]);
  }

  /** @param {CompareInput} next */
  function update(next) {
    input = next;
    const { a, b } = next;
    example.hidden = !next.example;
    if (next.picture) {
      note.textContent = 'A vision model reads a picture, not a sentence: Compare works on texts. Pick a text model in Settings.';
      note.classList.remove('error');
      maps.replaceChildren();
      legends.hidden = true;
      row.replaceChildren();
      drawn = '';
      return;
    }
    if (!b) {
      note.textContent = next.error ? `Sentence B could not be computed: ${next.error}` : 'Computing sentence B…';
      note.classList.toggle('error', next.error !== null);
      maps.replaceChildren();
      legends.hidden = true;
      row.replaceChildren();
      drawn = '';
      return;
    }
    note.classList.remove('error');
    legends.hidden = false;
    const A = shape(a);
    const B = shape(b);
    if (Math.max(A.queries, A.keys, B.queries, B.keys) > SVG_LIMIT) {
      note.textContent = `Compare shows sentences of up to ${SVG_LIMIT} tokens; these have ${A.queries} and ${B.queries}. Shorten one, or read each in the Heatmap view.`;
      maps.replaceChildren();
      legends.hidden = true;
      row.replaceChildren();
      drawn = '';
      return;
    }
    const key = `${dataKey(a)}|${dataKey(b)}|${next.head}|${next.query}|${next.stretch}|${next.model}`;
    if (key === drawn) return;
    drawn = key;
    comparison = compareRuns(a, b, next.head);
    const c = comparison;
    const wa = headWeights(a, next.head);
    const wb = headWeights(b, next.head);
    const top = colourTop(Math.max(maxOf(wa), maxOf(wb)), next.stretch);
    // The difference's scale: −1 to +1, or stretched to the largest change shown.
    let largest = 0;
    for (let i = 0; i < c.difference.length; i += 1) if (c.allowed[i] && Math.abs(c.difference[i]) > largest) largest = Math.abs(c.difference[i]);
    const span = next.stretch && largest > 0 ? largest : 1;
    const shared = c.rows.find((p) => p.a === next.query) ?? null;
    const bRow = shared?.b ?? null;
    const dRow = shared ? c.rows.indexOf(shared) : null;
    const n = Math.max(A.queries, A.keys, B.queries, B.keys);
    // Three maps side by side in the views' column at 1280 px.
    const cell = n <= 12 ? 20 : n <= 24 ? 12 : n <= 48 ? 7 : Math.max(2, Math.floor(320 / n));
    const weightFill = (/** @type {RunData} */ data, /** @type {Float32Array} */ w) => (/** @type {number} */ i) => (data.allowed[i] === 0 ? MASKED : weightLevel(w[i], top));
    const weightText = (/** @type {RunData} */ data, /** @type {Float32Array} */ w, /** @type {string} */ name) => (/** @type {number} */ q, /** @type {number} */ k) => {
      const { keys } = shape(data);
      const pair = `${name}: ${quoteToken(data.summary.queryTokens[q]?.text ?? '')} → ${quoteToken(data.summary.keyTokens[k]?.text ?? '')}`;
      return data.allowed[q * keys + k] === 0 ? `${pair}: masked` : `${pair}: ${formatWeight(w[q * keys + k])}`;
    };
    const head = headName(a, next.head);
    note.textContent = `${capitalised(head)} on both sentences, the same model and settings. Tokens: ${c.note}. Rows still sum to 1 within each sentence, over its own keys.`;
    maps.replaceChildren(
      map('a', 'A', { queries: a.summary.queryTokens, keys: a.summary.keyTokens, fillOf: weightFill(a, wa), row: next.query, cell, describe: weightText(a, wa, 'A') }),
      map('b', 'B', { queries: b.summary.queryTokens, keys: b.summary.keyTokens, fillOf: weightFill(b, wb), row: bRow, cell, describe: weightText(b, wb, 'B') }),
      map('difference', 'B − A', {
        queries: c.rowLabels,
        keys: c.colLabels,
        fillOf: (i) => (c.allowed[i] === 0 ? MASKED : differenceLevel(c.difference[i] / span)),
        row: dRow,
        cell,
        describe: (q, k) => {
          const i = q * c.cols.length + k;
          const pair = `B − A: ${quoteToken(c.rowLabels[q]?.text ?? '')} → ${quoteToken(c.colLabels[k]?.text ?? '')}`;
          return c.allowed[i] === 0 ? `${pair}: masked in A or B` : `${pair}: ${formatDifference(c.difference[i])}`;
        },
      }),
    );
    renderLegend(weightLegend, top, { name: 'A and B: weight', stretched: next.stretch, model: next.model, toy: !a.model, masked: a.allowed.includes(0) || b.allowed.includes(0) });
    renderDifferenceLegend(differenceLegend, span, next.stretch);
    renderRow(next, c, wa, wb);
  }

  /**
   * The focused query's row in both sentences, every key of either in the alignment's order.
   * @param {CompareInput} next
   * @param {import('../compare.js').Comparison} c
   * @param {Float32Array} wa
   * @param {Float32Array} wb
   */
  function renderRow(next, c, wa, wb) {
    const { a } = next;
    const b = /** @type {RunData} */ (next.b);
    const A = shape(a);
    const B = shape(b);
    const q = next.query;
    const partner = c.rows.find((p) => p.a === q)?.b ?? null;
    const token = a.summary.queryTokens[q];
    const title = el(doc, 'h3', { class: 'query-row-title', text: `Where ${quoteToken(token?.text ?? '')} looks in A and in B` });
    if (partner === null) {
      row.replaceChildren(title, el(doc, 'p', { class: 'view-note', text: `${quoteToken(token?.text ?? '')} is only in A: B has no query to compare it with. Pick another token.` }));
      return;
    }
    const pairs = a.summary.keys === a.summary.queries && b.summary.keys === b.summary.queries
      ? alignTokens(a.summary.queryTokens, b.summary.queryTokens)
      : alignTokens(a.summary.keyTokens, b.summary.keyTokens);
    const weightCell = (/** @type {RunData} */ data, /** @type {Float32Array} */ w, /** @type {number} */ query, /** @type {number | null} */ k, /** @type {number} */ keys) => {
      if (k === null) return { text: '—', value: null };
      if (data.allowed[query * keys + k] === 0) return { text: 'masked', value: null };
      return { text: formatWeight(w[query * keys + k]), value: w[query * keys + k] };
    };
    const body = el(doc, 'tbody', {}, pairs.map((p) => {
      const keyA = p.a === null ? null : a.summary.keyTokens[p.a];
      const keyB = p.b === null ? null : b.summary.keyTokens[p.b];
      const label = keyA && keyB && keyA.text !== keyB.text ? `${keyA.text}/${keyB.text}` : (keyA ?? keyB)?.text ?? '';
      const wA = weightCell(a, wa, q, p.a, A.keys);
      const wB = weightCell(b, wb, partner, p.b, B.keys);
      const d = wA.value !== null && wB.value !== null ? wB.value - wA.value : null;
      const bar = el(doc, 'span', { class: d === null ? 'compare-bar' : d < 0 ? 'compare-bar less' : 'compare-bar more', attrs: { 'aria-hidden': 'true' } });
      if (d !== null) {
        bar.style.background = differenceColour(d < 0 ? -1 : 1);
        bar.style.width = `${Math.min(1, Math.abs(d)) * 50}%`;
        bar.style.left = d < 0 ? `${50 - Math.min(1, Math.abs(d)) * 50}%` : '50%';
      }
      const only = p.a === null ? ' (only in B)' : p.b === null ? ' (only in A)' : '';
      return el(doc, 'tr', { class: keyA && keyB && keyA.text === keyB.text ? '' : 'differs' }, [
        el(doc, 'th', { text: `${short(label, 28)}${only}`, attrs: { scope: 'row' } }),
        el(doc, 'td', { class: 'number', text: wA.text }),
        el(doc, 'td', { class: 'number', text: wB.text }),
        el(doc, 'td', { class: 'number difference', text: d === null ? '—' : formatDifference(d) }),
        el(doc, 'td', { class: 'compare-bar-cell' }, [el(doc, 'span', { class: 'compare-bar-track' }, [bar])]),
      ]);
    }));
    const headRow = el(doc, 'tr', {}, ['key', 'A', 'B', 'B − A', ''].map((text) => el(doc, 'th', { text, attrs: { scope: 'col' } })));
    const table = el(doc, 'table', { class: 'compare-table' }, [el(doc, 'thead', {}, [headRow]), body]);
    // The largest change, said in words.
    let largest = null;
    for (const p of pairs) {
      if (p.a === null || p.b === null || !a.allowed[q * A.keys + p.a] || !b.allowed[partner * B.keys + p.b]) continue;
      const change = { ka: p.a, kb: p.b, wA: wa[q * A.keys + p.a], wB: wb[partner * B.keys + p.b] };
      if (!largest || Math.abs(change.wB - change.wA) > Math.abs(largest.wB - largest.wA)) largest = change;
    }
    const lead = largest
      ? `${quoteToken(token?.text ?? '')} gives ${quoteToken(a.summary.keyTokens[largest.ka].text)} ${formatWeight(largest.wA)} in A and ${quoteToken(b.summary.keyTokens[largest.kb].text)} ${formatWeight(largest.wB)} in B: the largest change, ${formatDifference(largest.wB - largest.wA)}.`
      : '';
    row.replaceChildren(title, el(doc, 'p', { class: 'query-row-lead', text: lead }), el(doc, 'div', { class: 'compare-table-scroll' }, [table]));
  }

  return { update, current: () => input };
}

/**
 * The difference's legend: the diverging ramp from −span to +span (−1 to +1 unless stretched,
 * which it then says).
 * @param {HTMLElement} root
 * @param {number} span
 * @param {boolean} stretched
 */
function renderDifferenceLegend(root, span, stretched) {
  const doc = root.ownerDocument;
  const width = 200;
  const steps = 48;
  const ramp = svgEl(doc, 'svg', {
    class: 'legend-ramp',
    attrs: { viewBox: `0 0 ${width} 30`, width, height: 30, role: 'img', 'aria-label': `Difference scale: blue is ${formatDifference(-span)} (B gives less), white is 0, red is ${formatDifference(span)} (B gives more)` },
  });
  for (let i = 0; i < steps; i += 1) {
    ramp.append(svgEl(doc, 'rect', { attrs: { x: (i * width) / steps, y: 0, width: width / steps + 0.5, height: 12, fill: differenceLevel(((i + 0.5) / steps) * 2 - 1) } }));
  }
  for (const [value, anchor] of /** @type {Array<[number, string]>} */ ([[-1, 'start'], [0, 'middle'], [1, 'end']])) {
    ramp.append(svgEl(doc, 'text', { class: 'legend-tick', text: value === 0 ? '0' : formatDifference(value * span), attrs: { x: ((value + 1) / 2) * width, y: 27, 'text-anchor': anchor } }));
  }
  root.replaceChildren(
    el(doc, 'span', { class: 'legend-label', text: 'B − A' }),
    ramp,
    el(doc, 'span', { class: stretched ? 'legend-label legend-scale stretched' : 'legend-label legend-scale', text: `${stretched ? `stretched to the largest change, ${formatWeight(span)}` : 'fixed scale, −1 to +1'} · blue: B gives less · red: B gives more` }),
  );
}

/**
 * A token's text as an axis label (whitespace shown, long ones cut).
 * @param {string} text
 * @param {number} max
 */
function short(text, max) {
  return tokenLabel({ text, special: false, start: 0, end: 0 }, max);
}
