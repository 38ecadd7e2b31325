// <lesson-value>: a number a lesson's sentence states, computed live by the core and never
// typed in. `of` names its source (a playground or a lesson widget; by default the playground
// it sits in or next to), `measure` what to read, `query` and `key` which tokens (a position or
// the token's text, "the#2" for a second occurrence; the focused query when left out).
//
//   <lesson-value measure="weight" query="it" key="animal"></lesson-value>
//   <lesson-value of="sweep" measure="entropy" at="256" series="unscaled"></lesson-value>

import { futureWeight, maskedWeight, modelName, prefixDifference, readingText, permutedDifference, rowEntropy, tokenIndex, tokenText, topKey } from './measure.js';
import { DATA_EVENT, isPlayground, sourceOf, watch, weightsOf } from './sources.js';
import { patternOf } from './pattern.js';

/** @typedef {import('./measure.js').Weights} Weights */
/** @typedef {{ value: number | string, text: string }} Reading */

/** The measures of a playground's numbers, each with how it is written. */
export const PLAYGROUND_MEASURES = /** @type {const} */ ([
  'weight', 'top-key', 'top-weight', 'entropy', 'max-entropy', 'future-weight', 'masked-weight', 'row-sum', 'tokens', 'd-k',
  'sqrt-d-k', 'hidden', 'heads', 'layers', 'temperature', 'permuted-difference', 'prefix-difference', 'model', 'pattern',
]);

/**
 * The query a measure is about: its `query` attribute, else the playground's focused query.
 * @param {Element} spec
 * @param {Weights} w
 * @param {Element} source
 */
function queryOf(spec, w, source) {
  const ref = spec.getAttribute('query');
  if (ref !== null) return tokenIndex(w.queryTokens, ref);
  const focused = /** @type {import('./sources.js').Playground} */ (source).state?.query ?? 0;
  return Math.min(focused, w.queryTokens.length - 1);
}

/**
 * A measure of a playground's weights, as a number (or a token's text); null until both sources
 * of a comparison have numbers.
 * @param {Element} source
 * @param {string} name
 * @param {Element} spec  the element whose attributes say which tokens
 * @returns {number | string | null}
 */
export function playgroundMeasure(source, name, spec) {
  const w = weightsOf(source);
  if (!w) return null;
  const toy = w.settings;
  switch (name) {
    case 'weight': {
      const key = spec.getAttribute('key');
      if (key === null) throw new Error('measure="weight" needs key="…"');
      return w.weights[queryOf(spec, w, source)][tokenIndex(w.keyTokens, key)];
    }
    case 'top-key':
      return tokenText(w.keyTokens[topKey(w, queryOf(spec, w, source)).key]);
    case 'top-weight':
      return topKey(w, queryOf(spec, w, source)).weight;
    case 'entropy':
      return rowEntropy(w, queryOf(spec, w, source)).bits;
    case 'max-entropy':
      return rowEntropy(w, queryOf(spec, w, source)).max;
    case 'future-weight':
      return futureWeight(w, queryOf(spec, w, source));
    case 'row-sum':
      return w.weights[queryOf(spec, w, source)].reduce((sum, x) => sum + x, 0);
    case 'tokens':
      return w.keyTokens.length;
    case 'd-k':
    case 'sqrt-d-k': {
      const dK = w.modelInfo?.dK ?? (toy ? toy.dModel / toy.heads : null);
      if (dK === null) throw new Error(`measure="${name}" needs a toy's settings or a model's`);
      return name === 'd-k' ? dK : Math.sqrt(dK);
    }
    case 'hidden':
    case 'heads':
    case 'layers': {
      const info = w.modelInfo;
      if (info) return info[name];
      if (!toy) throw new Error(`measure="${name}" needs a toy's settings or a model's`);
      return name === 'hidden' ? toy.dModel : name === 'heads' ? toy.heads : 1;
    }
    case 'temperature':
      if (!toy) throw new Error('measure="temperature" reads the toy\'s settings; this playground runs a model');
      return toy.temperature;
    case 'masked-weight':
      return maskedWeight(w, queryOf(spec, w, source));
    case 'permuted-difference':
    case 'prefix-difference': {
      const other = weightsOf(sourceOf(spec, 'against'));
      if (!other) return null;
      const difference = name === 'permuted-difference' ? permutedDifference(w, other) : prefixDifference(w, other);
      if (difference === null) {
        throw new Error(name === 'permuted-difference'
          ? 'the two playgrounds do not hold the same tokens in another order'
          : 'the first playground\'s tokens do not begin the second\'s');
      }
      return difference;
    }
    case 'model':
      return modelName(w);
    case 'pattern':
      return patternOf(w).label;
    default:
      throw new Error(`measure="${name}" is not one of ${PLAYGROUND_MEASURES.join(', ')}`);
  }
}

/**
 * A measure of any source.
 * @param {Element} source
 * @param {string} name
 * @param {Element} spec
 */
export function measureOf(source, name, spec) {
  if (isPlayground(source)) return playgroundMeasure(source, name, spec);
  const widget = /** @type {import('./sources.js').Widget} */ (source);
  if (typeof widget.lessonMeasure !== 'function') throw new Error(`<${source.localName}> has no numbers to read`);
  return widget.lessonMeasure(name, spec);
}

export class LessonValue extends HTMLElement {
  /** @type {Reading | null} */
  reading = null;
  #started = false;

  /** Whether it has its number (sources.js's `watch` asks). */
  get lessonReady() {
    return this.reading !== null;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('lesson-value');
    this.title = 'Measured live by the attention core';
    if (this.childNodes.length === 0) this.append('…');
    this.setAttribute('aria-busy', 'true');
    try {
      const source = sourceOf(this);
      const update = () => this.#update(source);
      watch(source, update);
      const against = this.getAttribute('against');
      if (against) watch(sourceOf(this, 'against'), update);
      // The focused query may change without new weights.
      if (this.getAttribute('query') === null && isPlayground(source)) source.addEventListener('querychange', update);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** @param {Element} source */
  #update(source) {
    const name = this.getAttribute('measure') ?? '';
    try {
      const value = measureOf(source, name, this);
      if (value === null) return;
      const text = readingText(value, name, this.getAttribute('digits'));
      if (this.reading && this.reading.text === text && this.reading.value === value) return;
      this.reading = { value, text };
      this.textContent = text;
      this.removeAttribute('aria-busy');
      this.classList.remove('lesson-value-error');
      this.dispatchEvent(new CustomEvent(DATA_EVENT));
    } catch (error) {
      this.#fail(error);
    }
  }

  /** @param {unknown} error */
  #fail(error) {
    this.removeAttribute('aria-busy');
    this.classList.add('lesson-value-error');
    this.textContent = `[${error instanceof Error ? error.message : String(error)}]`;
  }
}
