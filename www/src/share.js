// What the Share / Embed dialog offers for what is on screen: a link to the page, an iframe
// of the page without its header and footer, and an <attention-playground> element.
// Pure module: no DOM access.

import { SCALE_BY_DEFAULT, defaultPresentation, defaultState } from './state.js';
import { VIEW_NAMES, encodeState } from './url-state.js';

/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./state.js').Presentation} Presentation */

/** Link parameters that have an attribute of their own; every other one goes into `settings`. */
const OWN_ATTRIBUTES = new Set(['v', 'text', 'cross', 'compare', 'mode', 'view', 'model', 'layer', 'head', 'q', 'step', 'controls', 'autoplay', 'embed']);

/** Height of the iframe for each controls mode, in CSS pixels. */
const IFRAME_HEIGHTS = { full: 980, minimal: 720, none: 560 };

/** @param {string} text */
export function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The link to the page showing this state.
 * @param {URL} pageUrl
 * @param {PlaygroundState} state
 * @param {Partial<Presentation>} presentation
 */
export function shareLink(pageUrl, state, presentation) {
  const url = new URL(pageUrl);
  url.hash = encodeState(state, presentation);
  return url.href;
}

/**
 * @param {URL} pageUrl
 * @param {PlaygroundState} state
 * @param {Presentation} presentation
 */
export function iframeSnippet(pageUrl, state, presentation) {
  const src = shareLink(pageUrl, state, { ...presentation, embed: true });
  return `<iframe src="${escapeAttribute(src)}" title="Attention Playground" width="100%" height="${IFRAME_HEIGHTS[presentation.controls]}" loading="lazy"></iframe>`;
}

/**
 * The element's attributes for this state: only those that differ from the element's defaults
 * (the text always), in the order of the documentation. Null values are boolean attributes.
 * @param {PlaygroundState} state
 * @param {Presentation} presentation
 * @returns {Array<[string, string | null]>}
 */
export function elementAttributes(state, presentation) {
  const defaults = defaultState();
  const shown = defaultPresentation();
  /** @type {Array<[string, string | null]>} */
  const attributes = [['text', state.text]];
  const cross = state.model.mode === 'cross';
  if (cross) attributes.push(['cross-text', state.crossText], ['mode', 'cross']);
  if (state.view === 'compare') attributes.push(['compare-text', state.compareText]);
  if (state.source !== defaults.source) attributes.push(['model', state.source]);
  if (state.view !== defaults.view) attributes.push(['view', VIEW_NAMES[state.view]]);
  if (state.layer !== 0) attributes.push(['layer', String(state.layer)]);
  if (state.head !== 0) attributes.push(['head', String(state.head)]);
  if (state.query !== 0) attributes.push(['query', String(state.query)]);
  if (state.view === 'player' && state.step !== 0) attributes.push(['step', String(state.step)]);
  if (presentation.autoplay) attributes.push(['autoplay', null]);
  if (presentation.controls !== shown.controls) attributes.push(['controls', presentation.controls]);
  const settings = settingsAttribute(state);
  if (settings) attributes.push(['settings', settings]);
  return attributes;
}

/**
 * Everything else that differs from the defaults (model settings, masks, pinned token, hidden
 * heads, speed), in the link's notation.
 * @param {PlaygroundState} state
 */
export function settingsAttribute(state) {
  const mine = new URLSearchParams(encodeState(state));
  const defaults = new URLSearchParams(encodeState(defaultState()));
  const differing = new URLSearchParams();
  for (const [name, value] of mine) {
    if (!OWN_ATTRIBUTES.has(name) && defaults.get(name) !== value) differing.set(name, value);
  }
  // Scaling is written where it differs from its score function's default.
  if (state.model.scale === SCALE_BY_DEFAULT[state.model.score]) differing.delete('scale');
  else differing.set('scale', state.model.scale ? '1' : '0');
  return differing.toString();
}

/**
 * The script tag and the element.
 * @param {URL} moduleUrl  where attention-playground.js is served
 * @param {PlaygroundState} state
 * @param {Presentation} presentation
 */
export function elementSnippet(moduleUrl, state, presentation) {
  const attributes = elementAttributes(state, presentation)
    .map(([name, value]) => (value === null ? name : `${name}="${escapeAttribute(value)}"`))
    .join('\n  ');
  return `<script type="module" src="${escapeAttribute(moduleUrl.href)}"></script>\n<attention-playground\n  ${attributes}>\n</attention-playground>`;
}
