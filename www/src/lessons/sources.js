// Where a lesson's numbers come from: a playground on the page (its focused head's weights, read
// through its JSON export whenever they change) or a lesson widget (<lesson-qkv>, <lesson-sweep>),
// which announces new numbers with a `lessondata` event. Readers subscribe with `watch`.

import { parseWeights } from './measure.js';

/** @typedef {import('./measure.js').Weights} Weights */

/**
 * A playground as the lesson sees it (the element's public API).
 * @typedef {HTMLElement & { state: { query: number, head: number, layer: number } | null, export: (format: 'json') => Promise<Blob> }} Playground
 */

/**
 * A lesson widget: whether it has numbers, and its own measures by name.
 * @typedef {HTMLElement & { lessonReady: boolean, lessonMeasure: (name: string, spec: Element) => number | string | null }} Widget
 */

/**
 * How often a playground's export is read while someone watches it: every POLL_MS while it is
 * busy (loading, computing, the reader working it), then less and less often, up to IDLE_MS,
 * while nothing changes. Anything the reader does to it, or the page sets, reads it soon again.
 */
const POLL_MS = 200;
const IDLE_MS = 3000;

/** What the reader does inside a playground that may change its numbers (they cross its shadow root). */
const ACTIVITY = ['input', 'change', 'click', 'keydown', 'querychange', 'headchange', 'stepchange'];

export const DATA_EVENT = 'lessondata';

/**
 * @param {Element} element
 * @returns {element is Playground}
 */
export function isPlayground(element) {
  return element.localName === 'attention-playground';
}

/**
 * @typedef {Object} PlaygroundWatch
 * @property {Weights | null} weights  the last complete numbers
 * @property {Set<() => void>} listeners
 * @property {ReturnType<typeof setTimeout> | null} timer
 * @property {number} delay  until the next read
 * @property {string} last
 */

/** @type {WeakMap<Element, PlaygroundWatch>} */
const watches = new WeakMap();

/**
 * Whether the numbers come from what the playground was asked for: a playground given a model
 * shows the toy's numbers until the model has loaded.
 * @param {Playground} element
 * @param {Weights} weights
 */
function complete(element, weights) {
  const model = element.getAttribute('model');
  return model === null || model === 'toy' ? weights.model === 'toy' : Boolean(weights.modelInfo);
}

/** @param {Playground} element */
function playgroundWatch(element) {
  const known = watches.get(element);
  if (known) return known;
  /** @type {PlaygroundWatch} */
  const created = { weights: null, listeners: new Set(), timer: null, delay: POLL_MS, last: '' };
  const read = async () => {
    created.timer = null;
    if (!element.isConnected) return;
    let changed = false;
    try {
      if (element.state) {
        const text = await (await element.export('json')).text();
        const weights = text === created.last ? null : parseWeights(text);
        if (weights && complete(element, weights)) {
          created.last = text;
          created.weights = weights;
          changed = true;
          for (const listener of created.listeners) listener();
        }
      }
    } catch {
      // Nothing is computed yet (or the playground is between runs): read again later.
    }
    // Until the first complete numbers, and after a change, keep reading often.
    created.delay = changed || !created.weights ? POLL_MS : Math.min(IDLE_MS, created.delay * 2);
    created.timer = setTimeout(read, created.delay);
  };
  const soon = () => {
    created.delay = POLL_MS;
    if (created.timer !== null) {
      clearTimeout(created.timer);
      created.timer = setTimeout(read, POLL_MS);
    }
  };
  for (const type of ACTIVITY) element.addEventListener(type, soon);
  // The page's own attribute changes (a question's reveal) fire no event.
  new MutationObserver(soon).observe(element, { attributes: true });
  created.timer = setTimeout(read, 0);
  watches.set(element, created);
  return created;
}

/**
 * Calls `listener` now if the source has numbers, and whenever they change.
 * @param {Element} source
 * @param {() => void} listener
 */
export function watch(source, listener) {
  if (isPlayground(source)) {
    const w = playgroundWatch(source);
    w.listeners.add(listener);
    if (w.weights) listener();
    return;
  }
  source.addEventListener(DATA_EVENT, listener);
  if (/** @type {{ lessonReady?: boolean }} */ (source).lessonReady) listener();
}

/**
 * The weights a playground shows (null until they are complete), or a widget's in the same shape.
 * @param {Element} source
 */
export function weightsOf(source) {
  if (isPlayground(source)) return playgroundWatch(source).weights;
  return /** @type {{ lessonWeights?: Weights | null }} */ (source).lessonWeights ?? null;
}

/**
 * The element a lesson element's `of` (or `against`) attribute names, or the playground it sits
 * in or next to: the nearest inside its question, else the closest one before it.
 * @param {Element} from
 * @param {string} [attribute]
 * @returns {Element}
 */
export function sourceOf(from, attribute = 'of') {
  const id = from.getAttribute(attribute);
  if (id) {
    const found = from.ownerDocument.getElementById(id);
    if (!found) throw new Error(`${attribute}="${id}" names no element of this page`);
    return found;
  }
  const inQuestion = from.closest('lesson-question')?.querySelector('attention-playground, lesson-qkv, lesson-sweep');
  if (inQuestion) return inQuestion;
  const all = [...from.ownerDocument.querySelectorAll('attention-playground, lesson-qkv, lesson-sweep')];
  const before = all.filter((el) => el.compareDocumentPosition(from) & Node.DOCUMENT_POSITION_FOLLOWING);
  const found = before.at(-1);
  if (!found) throw new Error(`${from.localName} has no playground to read: give it of="the playground's id"`);
  return found;
}
