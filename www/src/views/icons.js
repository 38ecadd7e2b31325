// Small SVG icons for the player's buttons (drawn, so no icon font is needed).

import { svgEl } from '../dom.js';

/** @type {Record<string, string>} */
const PATHS = {
  back: 'M4 3h2v10H4zM13 3v10L7 8z',
  forward: 'M10 3h2v10h-2zM3 3v10l6-5z',
  play: 'M4 2.5v11l9.5-5.5z',
  pause: 'M3.5 3h3v10h-3zM9.5 3h3v10h-3z',
};

/**
 * @param {Document} doc
 * @param {'back' | 'forward' | 'play' | 'pause'} name
 */
export function icon(doc, name) {
  return svgEl(doc, 'svg', { class: 'icon', attrs: { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' } }, [
    svgEl(doc, 'path', { attrs: { d: PATHS[name], fill: 'currentColor' } }),
  ]);
}
