// <lesson-cost>: what attention costs as the text grows, measured in the reader's browser. The
// core runs the toy (one layer) on texts of each length, full and with a sliding-window mask;
// each run is timed (the median of a few, after one that warms up) and what it holds is counted
// from what the core returns: the attention weights (heads × T × T numbers), the queries, keys
// and values (linear in T), and the (query, key) pairs the mask lets through.
//
//   <lesson-cost id="cost" lengths="64 128 256 512 1024" settings="h=4&d=64" window="8"
//     repeats="3"></lesson-cost>

import { Session } from '../../../pkg/attention_playground.js';
import { decodeParams } from '../url-state.js';
import { runRequest } from '../state.js';
import { loadCore } from './core.js';
import { DATA_EVENT } from './sources.js';
/** @typedef {import('./cost-measures.js').Measured} Measured */
/** @typedef {import('./cost-measures.js').CostSeries} CostSeries */
import { svgEl } from '../dom.js';
import { COST_MEASURES, median, wordsText } from './cost-measures.js';
import { numbersDetails, numbersTable, seriesLegend } from './chart-parts.js';

/**
 * One length's run, timed and counted.
 * @param {Session} session
 * @param {string} settings  link notation
 * @param {number} length
 * @param {number} repeats
 * @returns {Measured}
 */
function measure(session, settings, length, repeats) {
  const params = new URLSearchParams(settings);
  params.set('model', 'toy');
  params.set('text', wordsText(length));
  const decoded = decodeParams(params);
  if (decoded.problems.length > 0) throw new Error(decoded.problems.join('; '));
  const request = runRequest(decoded.state, 'toy', { text: decoded.state.text, crossText: decoded.state.crossText, dModel: null });
  const times = [];
  /** @type {import('../types').RunSummary | null} */
  let summary = null;
  for (let r = 0; r <= repeats; r += 1) {
    const start = performance.now();
    summary = session.run(request);
    const weights = session.attentions();
    const ms = performance.now() - start;
    if (weights.length === 0) throw new Error('the run returned no weights');
    if (r > 0) times.push(ms);
  }
  const run = /** @type {import('../types').RunSummary} */ (summary);
  const block = run.blocks[0];
  const tokens = run.sequences[block.queries].tokens.length;
  let qkv = 0;
  for (let h = 0; h < block.heads; h += 1) {
    for (const stage of /** @type {const} */ (['q', 'k', 'v'])) qkv += session.stage(0, h, stage).length * 4;
  }
  const allowed = session.allowed(0, 0);
  const pairs = allowed.length === 0 ? tokens * tokens : allowed.reduce((sum, x) => sum + (x ? 1 : 0), 0);
  return { tokens, ms: median(times), weightBytes: session.attentions().length * 4, qkvBytes: qkv, pairs };
}

export class LessonCost extends HTMLElement {
  /** @type {CostSeries[]} */
  #series = [];
  /** @type {number[]} */
  #lengths = [];
  #done = false;
  #started = false;

  get lessonReady() {
    return this.#done;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('sweep', 'cost');
    const status = document.createElement('p');
    status.className = 'sweep-status';
    status.textContent = 'Measuring…';
    this.replaceChildren(status);
    this.#run(status).catch((error) => {
      status.className = 'lesson-error';
      status.textContent = `This chart cannot be measured: ${error instanceof Error ? error.message : String(error)}.`;
    });
  }

  /** @param {HTMLElement} status */
  async #run(status) {
    this.#lengths = (this.getAttribute('lengths') ?? '').split(/\s+/).filter(Boolean).map(Number);
    if (this.#lengths.length < 2 || this.#lengths.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('lengths must list at least two whole numbers');
    const repeats = Math.max(1, Number(this.getAttribute('repeats') ?? 3));
    const base = this.getAttribute('settings') ?? '';
    const window = this.getAttribute('window');
    const series = [{ name: 'every pair', settings: base }];
    if (window) series.push({ name: `window of ${window}`, settings: [base, `window=${window}`].filter(Boolean).join('&') });
    await loadCore();
    const session = new Session();
    try {
      for (const { name, settings } of series) {
        /** @type {Measured[]} */
        const points = [];
        for (const length of this.#lengths) {
          status.textContent = `Measuring ${name}: ${length} tokens…`;
          // One length at a time, with a pause between: the page stays responsive.
          await new Promise((resolve) => setTimeout(resolve, 0));
          points.push(measure(session, settings, length, repeats));
        }
        this.#series.push({ name, settings, points });
      }
    } finally {
      session.free();
    }
    this.#done = true;
    this.#draw();
    this.dispatchEvent(new CustomEvent(DATA_EVENT));
  }

  #draw() {
    const charts = document.createElement('div');
    charts.className = 'cost-charts';
    charts.append(
      this.#chart('time-ms', this.#series, 'Time of one run (ms), median'),
      this.#chart('weights-mb', this.#series.slice(0, 1), 'Attention weights held (MB)'),
    );
    const columns = this.#series.flatMap((series) => Object.entries(COST_MEASURES)
      .filter(([key]) => series === this.#series[0] || key === 'time-ms' || key === 'pairs')
      .map(([key, m]) => ({ series, key: /** @type {keyof typeof COST_MEASURES} */ (key), m })));
    const table = numbersTable(
      'Measured in this browser by the attention core on the toy (one layer, random projections); times are the median of '
        + `${this.getAttribute('repeats') ?? 3} runs after one that warms up, and change from machine to machine and run to run.`,
      ['tokens', ...columns.map(({ series, m }) => `${series.name}: ${m.label}`)],
      this.#lengths.map((_, i) => ({
        head: String(this.#series[0].points[i].tokens),
        cells: columns.map(({ series, m }) => m.read(series.points[i]).toFixed(m.digits)),
      })),
    );
    const legend = seriesLegend(this.#series);
    const details = numbersDetails(table);
    this.replaceChildren(charts, legend, details);
  }

  /**
   * A small chart of one quantity against the length (both axes doubling at each step).
   * @param {keyof typeof COST_MEASURES} key
   * @param {CostSeries[]} series
   * @param {string} title
   */
  #chart(key, series, title) {
    const m = COST_MEASURES[key];
    const width = 320;
    const height = 220;
    const pad = { left: 50, right: 20, top: 12, bottom: 40 };
    const xs = this.#lengths.map((n) => Math.log2(n));
    const values = series.flatMap((s) => s.points.map((p) => m.read(p)));
    const low = Math.log2(Math.max(Math.min(...values), 1e-3));
    const high = Math.log2(Math.max(...values, 1e-3));
    const yMin = Math.floor(low);
    const yMax = Math.max(Math.ceil(high), yMin + 1);
    const span = xs[xs.length - 1] - xs[0] || 1;
    const x = (/** @type {number} */ i) => pad.left + ((xs[i] - xs[0]) / span) * (width - pad.left - pad.right);
    const y = (/** @type {number} */ v) => height - pad.bottom - ((Math.log2(Math.max(v, 1e-3)) - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
    const figure = document.createElement('figure');
    figure.className = 'cost-chart';
    const svg = shape('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' }, 'sweep-chart');
    const step = Math.max(1, Math.ceil((yMax - yMin) / 5));
    for (let e = yMin; e <= yMax; e += step) {
      const v = 2 ** e;
      svg.append(shape('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }, 'sweep-grid'));
      svg.append(svgText(pad.left - 6, y(v) + 4, String(v), 'sweep-tick sweep-tick-y'));
    }
    this.#lengths.forEach((n, i) => svg.append(svgText(x(i), height - pad.bottom + 16, String(n), 'sweep-tick')));
    svg.append(svgText((pad.left + width - pad.right) / 2, height - 6, 'tokens (doubling at each step)', 'sweep-axis'));
    series.forEach((s, index) => {
      const points = s.points.map((p, i) => `${x(i).toFixed(1)},${y(m.read(p)).toFixed(1)}`).join(' ');
      svg.append(shape('polyline', { points }, `sweep-line sweep-line-${index}`));
      s.points.forEach((p, i) => svg.append(shape('circle', { cx: x(i), cy: y(m.read(p)), r: 3.5 }, `sweep-dot sweep-line-${index}`)));
    });
    svg.setAttribute('aria-label', `${title} against the number of tokens: ${series.map((s) => `${s.name} from ${m.read(s.points[0]).toFixed(m.digits)} at ${this.#lengths[0]} to ${m.read(s.points.at(-1) ?? s.points[0]).toFixed(m.digits)} at ${this.#lengths.at(-1)}`).join('; ')}. The table below holds every number.`);
    const caption = document.createElement('figcaption');
    caption.className = 'sweep-y';
    caption.textContent = `${title}, doubling at each grid line`;
    figure.append(caption, svg);
    return figure;
  }

  /**
   * @param {string} name  a quantity (time-ms, weights-mb, qkv-kb, pairs) at `at` tokens, or its
   *   ratio between `from` and `to` tokens (name + "-ratio", e.g. weights-ratio)
   * @param {Element} spec  `series` (its name or position; the first by default), `at`, `from`, `to`
   * @returns {number | null}
   */
  lessonMeasure(name, spec) {
    if (!this.#done) return null;
    const wanted = spec.getAttribute('series');
    const index = wanted === null ? 0 : /^\d+$/.test(wanted) ? Number(wanted) : this.#series.findIndex((s) => s.name === wanted);
    const series = this.#series[index];
    if (!series) throw new Error(`series="${wanted}" is not one of ${this.#series.map((s) => s.name).join(', ')}`);
    const point = (/** @type {string} */ attribute) => {
      const at = Number(spec.getAttribute(attribute));
      const i = this.#lengths.indexOf(at);
      if (i < 0) throw new Error(`${attribute}="${spec.getAttribute(attribute)}" is not one of the lengths ${this.#lengths.join(', ')}`);
      return series.points[i];
    };
    const ratio = name.match(/^(time|weights|qkv|pairs)-ratio$/);
    if (ratio) {
      const key = /** @type {keyof typeof COST_MEASURES} */ (Object.keys(COST_MEASURES).find((k) => k.startsWith(ratio[1])));
      return COST_MEASURES[key].read(point('to')) / COST_MEASURES[key].read(point('from'));
    }
    if (!(name in COST_MEASURES)) throw new Error(`measure="${name}" is not one of ${Object.keys(COST_MEASURES).join(', ')}, or one of them as a ratio (time-ratio …)`);
    return COST_MEASURES[/** @type {keyof typeof COST_MEASURES} */ (name)].read(point('at'));
  }
}

/**
 * @param {string} name
 * @param {Record<string, string | number>} attrs
 * @param {string} [className]
 */
function shape(name, attrs, className) {
  return svgEl(document, name, { class: className, attrs });
}

/**
 * @param {number} x
 * @param {number} y
 * @param {string} text
 * @param {string} className
 */
function svgText(x, y, text, className) {
  return svgEl(document, 'text', { class: className, text, attrs: { x, y } });
}
