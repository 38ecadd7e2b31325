// <lesson-sweep>: one toy setting varied over a range, each run computed by the core, and what
// the weights do measured: their entropy (bits; log₂ n when spread evenly, 0 on one key), the
// largest weight, and the spread of the raw scores (their root mean square), averaged over every
// query, head and seed. Drawn as a chart with its table.
//
//   <lesson-sweep id="dk" vary="d" values="2 4 8 … 1024" label="d_k" log
//     settings="h=1&kv=1" series="not scaled: scale=0 | scaled by 1/√d_k: scale=1"
//     seeds="1 2 3" measure="entropy"></lesson-sweep>

import { niceCeiling } from '../format.js';
import { decodeParams } from '../url-state.js';
import { DEFAULT_TEXT } from '../state.js';
import { runMeasures, toyRun } from './core.js';
import { DATA_EVENT } from './sources.js';
import { parseSeries } from './notation.js';
import { numbersDetails, numbersTable, seriesLegend } from './chart-parts.js';

const SVG = 'http://www.w3.org/2000/svg';

/** The measures, how the chart's axis and the table name them, and their digits. */
export const SWEEP_MEASURES = /** @type {const} */ ({
  entropy: { label: 'entropy of the weights (bits)', digits: 2 },
  'top-weight': { label: 'largest weight', digits: 3 },
  'score-spread': { label: 'spread of the raw scores (RMS)', digits: 2 },
});

/** @typedef {keyof typeof SWEEP_MEASURES} SweepMeasure */
/** @typedef {{ entropy: number, maxEntropy: number, topWeight: number, scoreSpread: number }} Point */
/** @typedef {{ name: string, settings: string, points: Point[] }} Series */

/**
 * A point's value of a measure.
 * @param {Point} point
 * @param {string} measure
 */
export function pointValue(point, measure) {
  switch (measure) {
    case 'entropy':
      return point.entropy;
    case 'max-entropy':
      return point.maxEntropy;
    case 'top-weight':
      return point.topWeight;
    case 'score-spread':
      return point.scoreSpread;
    default:
      throw new Error(`measure="${measure}" is not one of entropy, max-entropy, top-weight, score-spread`);
  }
}

export class LessonSweep extends HTMLElement {
  /** @type {Series[]} */
  #series = [];
  /** @type {number[]} */
  #values = [];
  #done = false;
  #started = false;
  /** The width the chart was last drawn at. */
  #drawnAt = 0;

  get lessonReady() {
    return this.#done;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('sweep');
    const status = document.createElement('p');
    status.className = 'sweep-status';
    status.textContent = 'Computing…';
    this.replaceChildren(status);
    this.#run().catch((error) => {
      status.className = 'lesson-error';
      status.textContent = `This chart cannot be computed: ${error instanceof Error ? error.message : String(error)}.`;
    });
  }

  async #run() {
    const vary = this.getAttribute('vary') ?? 'd';
    this.#values = (this.getAttribute('values') ?? '').split(/\s+/).filter(Boolean).map(Number);
    if (this.#values.length < 2 || this.#values.some((x) => !Number.isFinite(x))) throw new Error('values must list at least two numbers');
    const seeds = (this.getAttribute('seeds') ?? '1').split(/\s+/).filter(Boolean).map(Number);
    const base = this.getAttribute('settings') ?? '';
    const sentence = this.getAttribute('text') ?? DEFAULT_TEXT;
    this.#series = [];
    for (const { name, settings } of parseSeries(this.getAttribute('series') ?? '')) {
      /** @type {Point[]} */
      const points = [];
      for (const value of this.#values) {
        const sum = { entropy: 0, maxEntropy: 0, topWeight: 0, scoreSpread: 0 };
        for (const seed of seeds) {
          const params = new URLSearchParams([base, settings].filter(Boolean).join('&'));
          params.set('model', 'toy');
          params.set('text', sentence);
          params.set(vary, String(value));
          params.set('seed', String(seed));
          const decoded = decodeParams(params);
          if (decoded.problems.length > 0) throw new Error(decoded.problems.join('; '));
          // One run at a time, with a pause between: the page stays responsive while a sweep computes.
          await new Promise((resolve) => setTimeout(resolve, 0));
          const measured = runMeasures(await toyRun(decoded.state));
          for (const key of /** @type {Array<keyof Point>} */ (Object.keys(sum))) sum[key] += measured[key] / seeds.length;
        }
        points.push(sum);
      }
      this.#series.push({ name, settings, points });
    }
    this.#done = true;
    this.#draw();
    // Drawn again when its room changes much (a phone turned, a reveal that shows it).
    new ResizeObserver(() => {
      if (Math.abs(this.#chartWidth() - this.#drawnAt) > 40) this.#draw();
    }).observe(this);
    this.dispatchEvent(new CustomEvent(DATA_EVENT));
  }

  /** The chart's width for the space it has (560 while it is not laid out). */
  #chartWidth() {
    return this.clientWidth > 0 ? Math.round(Math.max(300, Math.min(640, this.clientWidth - 36))) : 560;
  }

  #measure() {
    const measure = this.getAttribute('measure') ?? 'entropy';
    if (!(measure in SWEEP_MEASURES)) throw new Error(`measure="${measure}" is not one of ${Object.keys(SWEEP_MEASURES).join(', ')}`);
    return /** @type {SweepMeasure} */ (measure);
  }

  #draw() {
    const measure = this.#measure();
    const { label: yLabel, digits } = SWEEP_MEASURES[measure];
    const xLabel = this.getAttribute('label') ?? this.getAttribute('vary') ?? '';
    const log = this.hasAttribute('log');
    // Drawn at the width it is shown at, so its labels keep their size on a phone.
    const width = this.#chartWidth();
    this.#drawnAt = width;
    const height = width < 420 ? 220 : 260;
    const pad = { left: 52, right: 16, top: 16, bottom: 44 };
    const xs = this.#values.map((x) => (log ? Math.log2(x) : x));
    const xMin = Math.min(...xs);
    const xMax = Math.max(...xs);
    const ceiling = measure === 'entropy' ? Math.max(...this.#series.flatMap((s) => s.points.map((p) => p.maxEntropy))) : 0;
    const yMax = niceCeiling(Math.max(ceiling, ...this.#series.flatMap((s) => s.points.map((p) => pointValue(p, measure)))));
    const x = (/** @type {number} */ i) => pad.left + ((xs[i] - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
    const y = (/** @type {number} */ v) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);

    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'sweep-chart', role: 'img' });
    const title = el('title', {});
    title.textContent = `${yLabel} against ${xLabel}`;
    svg.append(title);
    for (let t = 0; t <= 4; t += 1) {
      const v = (yMax * t) / 4;
      svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'sweep-grid' }));
      svg.append(label(pad.left - 6, y(v) + 4, v.toFixed(measure === 'top-weight' ? 2 : 1), 'sweep-tick sweep-tick-y'));
    }
    // Every other value when there is no room for all of them.
    const every = width / this.#values.length < 38 ? 2 : 1;
    this.#values.forEach((value, i) => {
      if (i % every === 0) svg.append(label(x(i), height - pad.bottom + 16, String(value), 'sweep-tick'));
    });
    svg.append(label((pad.left + width - pad.right) / 2, height - 6, `${xLabel}${log && width >= 420 ? ' (log scale)' : ''}`, 'sweep-axis'));
    if (ceiling > 0) {
      svg.append(el('line', { x1: pad.left, x2: width - pad.right, y1: y(ceiling), y2: y(ceiling), class: 'sweep-ceiling' }));
      svg.append(label(width - pad.right, y(ceiling) - 5, `log₂ n = ${ceiling.toFixed(2)}: spread evenly`, 'sweep-note sweep-end'));
    }
    this.#series.forEach((series, s) => {
      const points = series.points.map((p, i) => `${x(i).toFixed(1)},${y(pointValue(p, measure)).toFixed(1)}`).join(' ');
      svg.append(el('polyline', { points, class: `sweep-line sweep-line-${s}` }));
      series.points.forEach((p, i) => svg.append(el('circle', { cx: x(i), cy: y(pointValue(p, measure)), r: 3.5, class: `sweep-dot sweep-line-${s}` })));
    });

    const legend = seriesLegend(this.#series);
    const measures = /** @type {SweepMeasure[]} */ (Object.keys(SWEEP_MEASURES));
    const table = numbersTable(
      `${this.getAttribute('caption') ?? ''} Each number is the mean over every query${(this.getAttribute('seeds') ?? '1').trim().includes(' ') ? ' and seed' : ''}; computed by the attention core on the toy (random projections).`.trim(),
      [xLabel, ...this.#series.flatMap((s) => measures.map((m) => `${s.name}: ${m === 'entropy' ? 'entropy (bits)' : m === 'top-weight' ? 'largest weight' : 'score spread'}`))],
      this.#values.map((value, i) => ({
        head: String(value),
        cells: this.#series.flatMap((series) => measures.map((m) => pointValue(series.points[i], m).toFixed(SWEEP_MEASURES[m].digits))),
      })),
    );
    const details = numbersDetails(table);
    const yName = document.createElement('p');
    yName.className = 'sweep-y';
    yName.textContent = yLabel;
    svg.setAttribute('aria-label', `${yLabel} against ${xLabel}: ${this.#series.map((s) => `${s.name} from ${pointValue(s.points[0], measure).toFixed(digits)} to ${pointValue(s.points.at(-1) ?? s.points[0], measure).toFixed(digits)}`).join('; ')}. The table below holds every number.`);
    this.replaceChildren(yName, svg, legend, details);
  }

  /**
   * @param {string} name
   * @param {Element} spec  `series` (its name or position, first by default), `at` (a value of the sweep)
   *   and, for a ratio, `from` (another value: the measure at `at` divided by the one at `from`)
   * @returns {number | null}
   */
  lessonMeasure(name, spec) {
    if (!this.#done) return null;
    const wanted = spec.getAttribute('series');
    const index = wanted === null ? 0 : /^\d+$/.test(wanted) ? Number(wanted) : this.#series.findIndex((s) => s.name === wanted);
    const series = this.#series[index];
    if (!series) throw new Error(`series="${wanted}" is not one of ${this.#series.map((s) => s.name).join(', ')}`);
    const point = (/** @type {string} */ attribute) => {
      const i = this.#values.indexOf(Number(spec.getAttribute(attribute)));
      if (i < 0) throw new Error(`${attribute}="${spec.getAttribute(attribute)}" is not one of the values ${this.#values.join(', ')}`);
      return pointValue(series.points[i], name);
    };
    return spec.hasAttribute('from') ? point('at') / point('from') : point('at');
  }
}

/**
 * @param {string} name
 * @param {Record<string, string | number>} attributes
 */
function el(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/**
 * @param {number} x
 * @param {number} y
 * @param {string} content
 * @param {string} className
 */
function label(x, y, content, className) {
  const node = el('text', { x, y, class: className });
  node.textContent = content;
  return node;
}
