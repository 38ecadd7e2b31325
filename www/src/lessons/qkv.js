// <lesson-qkv>: attention on numbers the reader can edit. One query, a few keys with their key
// and value vectors, and what the core computes of them: each key's score q·k, its weight
// softmax(q·k) and the output Σ weight·value, a weighted average of the values.
//
//   <lesson-qkv id="pick" labels="cat dog car bus" q="1 0" k="2 0; 2 0.5; 0 2; 0.3 2"
//     v="4 0; 4 0; 0 4; 0 6" dims="animal vehicle" value-dims="legs wheels"></lesson-qkv>
//
// `scale` divides the scores by √d_k, `temperature` divides them too. Its measures (for
// <lesson-value of="pick" …> and questions): weight, score (key="cat"), top-key, top-weight,
// entropy, output and uniform-output (column="legs": what equal weights would give).

import { formatNumber } from '../format.js';
import { attendHandWritten } from './core.js';
import { entropy } from '../caption.js';
import { DATA_EVENT } from './sources.js';
import { parseRows } from './notation.js';

const SVG = 'http://www.w3.org/2000/svg';
const BAR_WIDTH = 120;

export class LessonQkv extends HTMLElement {
  /** @type {{ q: number[], k: number[][], v: number[][] }} */
  #numbers = { q: [], k: [], v: [] };
  /** @type {{ scores: number[], weights: number[], output: number[], uniform: number[] } | null} */
  #result = null;
  #labels = /** @type {string[]} */ ([]);
  #dims = /** @type {string[]} */ ([]);
  #valueDims = /** @type {string[]} */ ([]);
  #body = document.createElement('tbody');
  #outputRow = document.createElement('tr');
  #message = document.createElement('p');
  #built = false;
  #pending = 0;

  get lessonReady() {
    return this.#result !== null;
  }

  connectedCallback() {
    if (this.#built) return;
    this.#built = true;
    try {
      this.#read();
      this.#render();
      void this.#compute();
    } catch (error) {
      this.#message.className = 'lesson-error';
      this.#message.textContent = `This example cannot be shown: ${error instanceof Error ? error.message : String(error)}.`;
      this.replaceChildren(this.#message);
    }
  }

  #read() {
    const q = parseRows(this.getAttribute('q') ?? '', 'q');
    const k = parseRows(this.getAttribute('k') ?? '', 'k');
    const v = parseRows(this.getAttribute('v') ?? '', 'v');
    if (q.length !== 1) throw new Error('q is one row: the query');
    if (k[0].length !== q[0].length) throw new Error('the keys need as many numbers as the query');
    if (v.length !== k.length) throw new Error('give one value row per key');
    this.#labels = (this.getAttribute('labels') ?? '').split(/\s+/).filter(Boolean);
    if (this.#labels.length !== k.length) throw new Error('labels must name each key once');
    this.#dims = (this.getAttribute('dims') ?? '').split(/\s+/).filter(Boolean);
    this.#valueDims = (this.getAttribute('value-dims') ?? '').split(/\s+/).filter(Boolean);
    this.#numbers = { q: q[0], k, v };
  }

  /**
   * A number input for one entry of Q, K or V.
   * @param {'q' | 'k' | 'v'} matrix
   * @param {number} row
   * @param {number} col
   */
  #input(matrix, row, col) {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    input.className = 'qkv-number';
    const value = matrix === 'q' ? this.#numbers.q[col] : this.#numbers[matrix][row][col];
    input.value = String(value);
    const dims = matrix === 'v' ? this.#valueDims : this.#dims;
    const what = matrix === 'q' ? 'the query' : `${matrix === 'k' ? 'the key' : 'the value'} of ${this.#labels[row]}`;
    input.setAttribute('aria-label', `${dims[col] ?? `number ${col + 1}`} of ${what}`);
    input.addEventListener('input', () => {
      const x = input.valueAsNumber;
      if (matrix === 'q') this.#numbers.q[col] = x;
      else this.#numbers[matrix][row][col] = x;
      void this.#compute();
    });
    return input;
  }

  #render() {
    this.classList.add('qkv');
    const query = document.createElement('p');
    query.className = 'qkv-query';
    const qLabel = document.createElement('span');
    qLabel.className = 'qkv-name';
    qLabel.textContent = 'query q';
    query.append(qLabel, ...this.#numbers.q.map((_, c) => this.#input('q', 0, c)));
    if (this.#dims.length > 0) {
      const dims = document.createElement('span');
      dims.className = 'qkv-dims';
      dims.textContent = `(${this.#dims.join(', ')})`;
      query.append(dims);
    }

    const table = document.createElement('table');
    table.className = 'qkv-table';
    const head = table.createTHead().insertRow();
    const names = ['key', `k${this.#dims.length ? ` (${this.#dims.join(', ')})` : ''}`, 'score q·k', 'weight', `v${this.#valueDims.length ? ` (${this.#valueDims.join(', ')})` : ''}`];
    for (const name of names) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      head.append(th);
    }
    this.#labels.forEach((label, j) => {
      const row = this.#body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = label;
      row.append(th);
      row.insertCell().append(...this.#numbers.k[j].map((_, c) => this.#input('k', j, c)));
      row.insertCell().className = 'qkv-score';
      const weight = row.insertCell();
      weight.className = 'qkv-weight';
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('width', String(BAR_WIDTH));
      svg.setAttribute('height', '12');
      svg.setAttribute('aria-hidden', 'true');
      const track = document.createElementNS(SVG, 'rect');
      track.setAttribute('class', 'qkv-track');
      track.setAttribute('width', String(BAR_WIDTH));
      track.setAttribute('height', '12');
      track.setAttribute('rx', '3');
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('class', 'qkv-bar');
      bar.setAttribute('height', '12');
      bar.setAttribute('rx', '3');
      svg.append(track, bar);
      const text = document.createElement('span');
      weight.append(svg, text);
      row.insertCell().append(...this.#numbers.v[j].map((_, c) => this.#input('v', j, c)));
    });
    table.append(this.#body);
    const foot = table.createTFoot();
    const th = document.createElement('th');
    th.scope = 'row';
    th.colSpan = 4;
    th.textContent = 'output Σ weight × v';
    this.#outputRow.append(th, document.createElement('td'));
    this.#outputRow.lastElementChild?.classList.add('qkv-output');
    foot.append(this.#outputRow);
    const scroll = document.createElement('div');
    scroll.className = 'qkv-scroll';
    scroll.append(table);
    const caption = document.createElement('p');
    caption.className = 'qkv-caption';
    caption.textContent = `Computed by the attention core: weights = softmax(q·k${this.hasAttribute('scale') ? ' / √d_k' : ''}${this.#temperature() !== 1 ? ` / ${this.#temperature()}` : ''}) over the keys; edit any number.`;
    this.#message.className = 'qkv-message';
    this.#message.setAttribute('role', 'status');
    this.replaceChildren(query, scroll, caption, this.#message);
  }

  #temperature() {
    return Number(this.getAttribute('temperature') ?? 1);
  }

  async #compute() {
    const ticket = (this.#pending += 1);
    const { q, k, v } = this.#numbers;
    const scale = this.hasAttribute('scale');
    const temperature = this.#temperature();
    try {
      const [given, uniform] = await Promise.all([
        attendHandWritten({ q, k: k.flat(), v: v.flat(), queries: 1, scale, temperature }),
        // Equal weights: a query of zeros scores every key 0.
        attendHandWritten({ q: q.map(() => 0), k: k.flat(), v: v.flat(), queries: 1, scale, temperature }),
      ]);
      if (ticket !== this.#pending) return;
      this.#result = { scores: [...given.scores], weights: [...given.weights], output: [...given.output], uniform: [...uniform.output] };
      this.#message.textContent = '';
      this.#show();
      this.dispatchEvent(new CustomEvent(DATA_EVENT));
    } catch (error) {
      if (ticket !== this.#pending) return;
      const message = error instanceof Error ? error.message : String(error);
      this.#message.textContent = message.includes('non-finite') ? 'Every box needs a number.' : message;
    }
  }

  #show() {
    const result = this.#result;
    if (!result) return;
    [...this.#body.rows].forEach((row, j) => {
      row.cells[2].textContent = formatNumber(result.scores[j], 2);
      const w = result.weights[j];
      row.cells[3].querySelector('.qkv-bar')?.setAttribute('width', String(Math.round(w * BAR_WIDTH * 10) / 10));
      const text = row.cells[3].querySelector('span');
      if (text) text.textContent = w.toFixed(3);
    });
    const out = this.#outputRow.querySelector('.qkv-output');
    if (out) out.textContent = result.output.map((x, c) => `${this.#valueDims[c] ? `${this.#valueDims[c]} ` : ''}${formatNumber(x, 2)}`).join(' · ');
  }

  /**
   * Which key a measure means: its `key` attribute, a label.
   * @param {Element} spec
   */
  #key(spec) {
    const key = spec.getAttribute('key') ?? '';
    const at = this.#labels.indexOf(key);
    if (at < 0) throw new Error(`key="${key}" is not one of ${this.#labels.join(', ')}`);
    return at;
  }

  /** @param {Element} spec */
  #column(spec) {
    const column = spec.getAttribute('column') ?? '0';
    const at = /^\d+$/.test(column) ? Number(column) : this.#valueDims.indexOf(column);
    if (at < 0 || at >= this.#numbers.v[0].length) throw new Error(`column="${column}" is not a column of v`);
    return at;
  }

  /**
   * @param {string} name
   * @param {Element} spec
   * @returns {number | string | null}
   */
  lessonMeasure(name, spec) {
    const r = this.#result;
    if (!r) return null;
    switch (name) {
      case 'weight':
        return r.weights[this.#key(spec)];
      case 'score':
        return r.scores[this.#key(spec)];
      case 'top-key':
      case 'top-weight': {
        const best = r.weights.indexOf(Math.max(...r.weights));
        return name === 'top-key' ? this.#labels[best] : r.weights[best];
      }
      case 'entropy':
        return entropy(r.weights, new Uint8Array(r.weights.length).fill(1)).bits;
      case 'output':
        return r.output[this.#column(spec)];
      case 'uniform-output':
        return r.uniform[this.#column(spec)];
      default:
        throw new Error(`measure="${name}" is not one of weight, score, top-key, top-weight, entropy, output, uniform-output`);
    }
  }

  /** The weights as a playground's export gives them, so token questions read this too. */
  get lessonWeights() {
    const r = this.#result;
    if (!r) return null;
    return {
      model: 'hand-written',
      caption: 'hand-written query, keys and values',
      layer: 0,
      head: 0,
      queryTokens: ['q'],
      keyTokens: [...this.#labels],
      weights: [[...r.weights]],
      masked: /** @type {Array<[number, number]>} */ ([]),
    };
  }
}
