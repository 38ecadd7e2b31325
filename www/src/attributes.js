// The attributes of <attention-playground> and how they become link parameters (url-state.js
// reads both). Pure module: no DOM access beyond reading the attributes it is given.

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */

/**
 * The attributes, and the part of the state each one sets. `settings` carries everything else
 * (model settings, masks, a pinned token, hidden heads, speed) in the link's notation;
 * `autoplay` and `controls` set the presentation.
 * @type {Record<string, Array<keyof PlaygroundState>>}
 */
export const ATTRIBUTE_FIELDS = {
  text: ['text'],
  'cross-text': ['crossText'],
  'compare-text': ['compareText'],
  mode: ['model'],
  model: ['source'],
  view: ['view'],
  layer: ['layer'],
  head: ['head'],
  query: ['query'],
  step: ['step'],
  autoplay: [],
  controls: [],
  settings: [],
};
export const ATTRIBUTES = Object.keys(ATTRIBUTE_FIELDS);

/**
 * The element's attributes as link parameters: `settings` first, so an attribute of its own
 * wins over the same value inside `settings`. `autoplay` is a boolean attribute.
 * @param {Pick<Element, 'getAttribute'>} element
 */
export function attributeParams(element) {
  const params = new URLSearchParams(element.getAttribute('settings') ?? '');
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value === null || name === 'settings') continue;
    params.set(name, name === 'autoplay' ? (value === 'false' ? '0' : '1') : value);
  }
  return params;
}
