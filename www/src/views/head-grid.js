// The head grid: one thumbnail heatmap per head (rows of layers once pretrained models
// arrive; the toy model has one layer). Click a thumbnail to focus that head.

import { el } from '../dom.js';
import { paintWeights } from './paint.js';
import { headWeights, maxOf, shape } from '../run-data.js';

/** @typedef {import('../run-data.js').RunData} RunData */

/**
 * @typedef {Object} HeadGridInput
 * @property {RunData} data
 * @property {number} head
 */

/**
 * @param {HTMLElement} root
 * @param {{ onHead: (head: number) => void }} callbacks
 */
export function createHeadGrid(root, callbacks) {
  const doc = root.ownerDocument;
  const caption = el(doc, 'p', { class: 'view-note' });
  const grid = el(doc, 'div', { class: 'head-grid' });
  root.replaceChildren(caption, grid);
  /** @type {HeadGridInput | null} */
  let input = null;
  /** @type {HTMLButtonElement[]} */
  let tiles = [];

  /** @param {HeadGridInput} next */
  function update(next) {
    const rebuild = !input || input.data !== next.data;
    input = next;
    const { heads, queries, keys } = shape(next.data);
    const { kvHeads } = next.data.summary;
    if (rebuild) {
      const max = maxOf(next.data.weights);
      tiles = [...Array(heads).keys()].map((h) => {
        const canvas = el(doc, 'canvas', { class: 'head-thumb', attrs: { width: keys, height: queries, 'aria-hidden': 'true' } });
        canvas.style.aspectRatio = `${keys} / ${queries}`;
        paintWeights(canvas, headWeights(next.data, h), next.data.allowed, max);
        const group = kvHeads < heads ? ` · K/V ${Math.floor(h / (heads / kvHeads)) + 1}` : '';
        return el(doc, 'button', {
          class: 'head-tile',
          attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': `Focus head ${h + 1}` },
          on: { click: () => callbacks.onHead(h) },
        }, [canvas, el(doc, 'span', { class: 'head-tile-label', text: `Head ${h + 1}${group}` })]);
      });
      const layer = el(doc, 'div', { class: 'head-grid-layer', attrs: { role: 'group', 'aria-label': 'Layer 1' } }, [
        el(doc, 'span', { class: 'head-grid-layer-label', text: 'Layer 1' }),
        ...tiles,
      ]);
      grid.replaceChildren(layer);
    }
    tiles.forEach((tile, h) => tile.setAttribute('aria-pressed', String(h === next.head)));
    const sharing = kvHeads < heads ? ` ${heads / kvHeads} query heads share each key/value head.` : '';
    caption.textContent = `Head ${next.head + 1} is focused: the heatmap, lines and step-by-step views follow it. All thumbnails share one colour scale.${sharing}`;
  }

  return { update };
}
