// Formulas as small trees, rendered to native MathML (no style attributes, so it works under
// a strict Content-Security-Policy) or to plain text for screen readers and tests.
// Building trees is pure; only renderMath touches the DOM, and only when called.

import { formatNumber } from './format.js';

/**
 * @typedef {{ t: 'mi' | 'mn' | 'mo' | 'mtext', v: string }
 *   | { t: 'sub', base: MathNode, sub: MathNode }
 *   | { t: 'sup', base: MathNode, sup: MathNode }
 *   | { t: 'frac', num: MathNode, den: MathNode }
 *   | { t: 'sqrt', body: MathNode }
 *   | { t: 'under', base: MathNode, under: MathNode }
 *   | { t: 'row', items: MathNode[] }} MathNode
 */

/** @returns {MathNode} */
export const mi = (/** @type {string} */ v) => ({ t: 'mi', v });
/** @returns {MathNode} */
export const mo = (/** @type {string} */ v) => ({ t: 'mo', v });
/** @returns {MathNode} */
export const mtext = (/** @type {string} */ v) => ({ t: 'mtext', v });
/** @returns {MathNode} */
export const mn = (/** @type {number} */ v, digits = 3) => ({ t: 'mn', v: formatNumber(v, digits) });
/** @returns {MathNode} */
export const row = (/** @type {MathNode[]} */ ...items) => ({ t: 'row', items });
/** @returns {MathNode} */
export const sub = (/** @type {MathNode | string} */ base, /** @type {MathNode | string} */ s) => ({
  t: 'sub',
  base: typeof base === 'string' ? mi(base) : base,
  sub: typeof s === 'string' ? mi(s) : s,
});
/** @returns {MathNode} */
export const sup = (/** @type {MathNode | string} */ base, /** @type {MathNode | string} */ s) => ({
  t: 'sup',
  base: typeof base === 'string' ? mi(base) : base,
  sup: typeof s === 'string' ? mi(s) : s,
});
/** @returns {MathNode} */
export const frac = (/** @type {MathNode} */ num, /** @type {MathNode} */ den) => ({ t: 'frac', num, den });
/** @returns {MathNode} */
export const sqrt = (/** @type {MathNode} */ body) => ({ t: 'sqrt', body });
/** @returns {MathNode} */
export const under = (/** @type {MathNode} */ base, /** @type {MathNode} */ u) => ({ t: 'under', base, under: u });

/**
 * A number that may be negative, wrapped in parentheses when it follows an operator.
 * @param {number} value
 * @returns {MathNode}
 */
export function operand(value) {
  return value < 0 || value === -Infinity ? row(mo('('), mn(value), mo(')')) : mn(value);
}

/**
 * A signed sum of terms, long sums elided in the middle: a + b − c + ⋯ + z.
 * @param {ArrayLike<number>} terms
 * @param {number} [shown]  how many leading terms to show before the ellipsis
 * @returns {MathNode}
 */
export function signedSum(terms, shown = 2) {
  /** @type {MathNode[]} */
  const items = [];
  const n = terms.length;
  const indices = n <= shown + 1 ? [...Array(n).keys()] : [...Array(shown).keys(), -1, n - 1];
  indices.forEach((index, position) => {
    if (index === -1) {
      items.push(mo('+'), mo('⋯'));
      return;
    }
    const value = terms[index];
    if (position === 0) items.push(mn(value));
    else items.push(mo(value < 0 ? '−' : '+'), mn(Math.abs(value)));
  });
  return row(...items);
}

/**
 * A vector, elided after a few entries: [a, b, c, ⋯].
 * @param {ArrayLike<number>} values
 * @param {number} [shown]
 * @returns {MathNode}
 */
export function vector(values, shown = 3) {
  /** @type {MathNode[]} */
  const items = [mo('[')];
  const count = Math.min(values.length, shown);
  for (let i = 0; i < count; i += 1) {
    if (i > 0) items.push(mo(','));
    items.push(mn(values[i]));
  }
  if (values.length > shown) items.push(mo(','), mo('⋯'));
  items.push(mo(']'));
  return row(...items);
}

/**
 * Plain text of a formula, as a screen reader or a test reads it.
 * @param {MathNode} node
 * @returns {string}
 */
export function mathText(node) {
  switch (node.t) {
    case 'mi':
    case 'mn':
    case 'mtext':
      return node.v;
    case 'mo':
      return [',', '(', ')', '[', ']'].includes(node.v) ? node.v : ` ${node.v} `;
    case 'sub':
      return `${mathText(node.base).trim()}_${mathText(node.sub).trim()}`;
    case 'sup':
      return `${mathText(node.base).trim()}^${mathText(node.sup).trim()}`;
    case 'frac':
      return `(${mathText(node.num)}) / (${mathText(node.den)})`;
    case 'sqrt':
      return `√(${mathText(node.body)})`;
    case 'under':
      return ` ${mathText(node.base).trim()}_${mathText(node.under).trim()} `;
    case 'row':
      return node.items.map(mathText).join('').replace(/ {2,}/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
  }
}

/**
 * A formula's parts at the top level, each `=` starting a new one: the places a long formula
 * may wrap on screen (the figures break it at the same places).
 * @param {MathNode} node
 * @returns {MathNode[]}
 */
export function equalsParts(node) {
  if (node.t !== 'row') return [node];
  /** @type {MathNode[][]} */
  const parts = [[]];
  for (const item of node.items) {
    const last = /** @type {MathNode[]} */ (parts.at(-1));
    if (item.t === 'mo' && item.v === '=' && last.length > 0) parts.push([item]);
    else last.push(item);
  }
  return parts.map((items) => row(...items));
}

const MATHML = 'http://www.w3.org/1998/Math/MathML';

/**
 * A <math> element for a formula.
 * @param {Document} doc
 * @param {MathNode} node
 * @param {'block' | 'inline'} [display]
 * @returns {Element}
 */
export function renderMath(doc, node, display = 'block') {
  const math = doc.createElementNS(MATHML, 'math');
  math.setAttribute('display', display);
  math.append(renderNode(doc, node));
  return math;
}

/**
 * @param {Document} doc
 * @param {MathNode} node
 * @returns {Element}
 */
function renderNode(doc, node) {
  /** @param {string} tag @param {Array<Element | string>} children */
  const make = (tag, children) => {
    const element = doc.createElementNS(MATHML, tag);
    for (const child of children) {
      if (typeof child === 'string') element.textContent = child;
      else element.append(child);
    }
    return element;
  };
  switch (node.t) {
    case 'mi':
    case 'mn':
    case 'mo':
    case 'mtext':
      return make(node.t, [node.v]);
    case 'sub':
      return make('msub', [renderNode(doc, node.base), renderNode(doc, node.sub)]);
    case 'sup':
      return make('msup', [renderNode(doc, node.base), renderNode(doc, node.sup)]);
    case 'frac':
      return make('mfrac', [renderNode(doc, node.num), renderNode(doc, node.den)]);
    case 'sqrt':
      return make('msqrt', [renderNode(doc, node.body)]);
    case 'under':
      return make('munder', [renderNode(doc, node.base), renderNode(doc, node.under)]);
    case 'row':
      return make('mrow', node.items.map((item) => renderNode(doc, item)));
  }
}
