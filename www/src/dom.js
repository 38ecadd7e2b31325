// Small helpers to build DOM and SVG. Text always goes in as text nodes: user data is never
// parsed as HTML. No style attributes (a strict CSP blocks them): classes, or el.style via CSSOM.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {Object} Props
 * @property {string} [class]
 * @property {string} [text]
 * @property {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @property {Record<string, EventListener>} [on]
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {Document} doc
 * @param {K} tag
 * @param {Props} [props]
 * @param {Array<Node | string | null | false>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(doc, tag, props = {}, children = []) {
  const element = doc.createElement(tag);
  apply(element, props, children);
  return element;
}

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {Props} [props]
 * @param {Array<Node | string | null | false>} [children]
 * @returns {SVGElement}
 */
export function svgEl(doc, tag, props = {}, children = []) {
  const element = /** @type {SVGElement} */ (doc.createElementNS(SVG, tag));
  apply(element, props, children);
  return element;
}

/**
 * @param {Element} element
 * @param {Props} props
 * @param {Array<Node | string | null | false>} children
 */
function apply(element, props, children) {
  if (props.class) element.setAttribute('class', props.class);
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (name === 'style') throw new Error('style attributes are blocked by the page’s security policy');
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) element.addEventListener(type, listener);
  for (const child of children) {
    if (child === null || child === false) continue;
    element.append(typeof child === 'string' ? element.ownerDocument.createTextNode(child) : child);
  }
}
