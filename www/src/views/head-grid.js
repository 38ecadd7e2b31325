// The head grid: one thumbnail heatmap per head, one row per layer (the toy model has one layer,
// a pretrained model several: its layers × heads at a glance). Click a thumbnail to focus that
// layer and head.

import { el } from '../dom.js';
import { colourTop } from '../colors.js';
import { createStretchToggle } from './legend.js';
import { paintWeights } from './paint.js';
import { atLayer, blockName, layerHeadWeights, maxOf, shape } from '../run-data.js';

/** @typedef {import('../run-data.js').RunData} RunData */

/**
 * @typedef {Object} HeadGridInput
 * @property {RunData} data
 * @property {number} layer
 * @property {number} head
 * @property {boolean} stretch  colours stretched to the largest weight of every head (else 0 to 1)
 */

/**
 * @param {HTMLElement} root
 * @param {{ onHead: (layer: number, head: number) => void, onStretch: (on: boolean) => void }} callbacks
 */
export function createHeadGrid(root, callbacks) {
  const doc = root.ownerDocument;
  const caption = el(doc, 'p', { class: 'view-note' });
  const grid = el(doc, 'div', { class: 'head-grid' });
  const stretch = createStretchToggle(doc, callbacks.onStretch);
  root.replaceChildren(caption, stretch.element, grid);
  /** @type {HeadGridInput | null} */
  let input = null;
  /** @type {HTMLButtonElement[][]} tiles[layer][head] */
  let tiles = [];

  /**
   * @param {RunData} data
   * @param {number} layer
   * @param {number} head
   * @param {number} max
   */
  function thumbnail(data, layer, head, max) {
    // Each block has its own shape and mask (a translation's: source × source, target × target,
    // target × source).
    const block = atLayer(data, layer);
    const { queries, keys } = shape(block);
    const canvas = el(doc, 'canvas', { class: 'head-thumb', attrs: { width: keys, height: queries, 'aria-hidden': 'true' } });
    canvas.style.aspectRatio = `${keys} / ${queries}`;
    paintWeights(canvas, layerHeadWeights(data, layer, head), block.allowed, max);
    return canvas;
  }

  /**
   * @param {RunData} data
   * @param {boolean} stretched
   */
  function build(data, stretched) {
    const { heads, layers } = shape(data);
    const { kvHeads } = data.summary;
    const max = colourTop(maxOf(data.weights), stretched);
    if (layers === 1) {
      const row = [...Array(heads).keys()].map((h) => {
        const group = kvHeads < heads ? ` · K/V ${Math.floor(h / (heads / kvHeads)) + 1}` : '';
        return el(doc, 'button', {
          class: 'head-tile',
          attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': `Focus head ${h + 1}` },
          on: { click: () => callbacks.onHead(0, h) },
        }, [thumbnail(data, 0, h, max), el(doc, 'span', { class: 'head-tile-label', text: `Head ${h + 1}${group}` })]);
      });
      tiles = [row];
      grid.className = 'head-grid';
      grid.replaceChildren(el(doc, 'div', { class: 'head-grid-layer', attrs: { role: 'group', 'aria-label': 'Layer 1' } }, [
        el(doc, 'span', { class: 'head-grid-layer-label', text: 'Layer 1' }),
        ...row,
      ]));
      return;
    }
    // Layers down (the first one nearest the input), heads across.
    grid.className = 'head-grid model-grid';
    grid.style.setProperty('--heads', String(heads));
    const header = el(doc, 'div', { class: 'model-grid-row model-grid-header', attrs: { 'aria-hidden': 'true' } }, [
      el(doc, 'span', { class: 'model-grid-corner', text: 'layer \\ head' }),
      ...[...Array(heads).keys()].map((h) => el(doc, 'span', { class: 'model-grid-head', text: String(h + 1) })),
    ]);
    tiles = [...Array(layers).keys()].map((l) => [...Array(heads).keys()].map((h) => el(doc, 'button', {
      class: 'head-tile model-tile',
      attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': `Layer ${l + 1}, head ${h + 1}`, title: `Layer ${l + 1}, head ${h + 1}` },
      on: {
        click: () => callbacks.onHead(l, h),
        keydown: (event) => move(/** @type {KeyboardEvent} */ (event), l, h),
      },
    }, [thumbnail(data, l, h, max)])));
    // A translation's blocks differ in kind: each row says which it is.
    const named = data.run.translation ? (/** @type {number} */ l) => blockName(data.run, l) : null;
    grid.replaceChildren(header, ...tiles.map((row, l) => el(doc, 'div', {
      class: 'model-grid-row',
      attrs: { role: 'group', 'aria-label': named ? `Block ${l + 1}: ${named(l)}` : `Layer ${l + 1}` },
    }, [el(doc, 'span', { class: 'model-grid-layer', text: String(l + 1), attrs: named ? { title: named(l) } : {} }, named ? [
      el(doc, 'span', { class: 'model-grid-block', text: named(l).replace(' self-attention', '').replace('-attention', '') }),
    ] : []), ...row])));
  }

  /**
   * One tab stop for the whole grid: the arrow keys move between layers and heads, Home and End
   * to the first and last head of a layer, Enter or Space opens the head.
   * @param {KeyboardEvent} event
   * @param {number} layer
   * @param {number} head
   */
  function move(event, layer, head) {
    const rows = tiles.length;
    const columns = tiles[0]?.length ?? 0;
    /** @type {Record<string, [number, number]>} */
    const moves = {
      ArrowUp: [layer - 1, head], ArrowDown: [layer + 1, head], ArrowLeft: [layer, head - 1], ArrowRight: [layer, head + 1],
      Home: [layer, 0], End: [layer, columns - 1],
    };
    const target = moves[event.key];
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    const [l, h] = [Math.min(rows - 1, Math.max(0, target[0])), Math.min(columns - 1, Math.max(0, target[1]))];
    roving(l, h);
    tiles[l][h].focus();
  }

  /**
   * @param {number} layer
   * @param {number} head
   */
  function roving(layer, head) {
    tiles.forEach((row, l) => row.forEach((tile, h) => {
      tile.tabIndex = tiles.length === 1 || (l === layer && h === head) ? 0 : -1;
    }));
  }

  /** @param {HeadGridInput} next */
  function update(next) {
    // Moving to another layer keeps the thumbnails: they show every layer already.
    const rebuild = !input || input.data.runId !== next.data.runId || input.data.weights !== next.data.weights || input.stretch !== next.stretch;
    input = next;
    if (rebuild) build(next.data, next.stretch);
    stretch.set(next.stretch);
    tiles.forEach((row, l) => row.forEach((tile, h) => tile.setAttribute('aria-pressed', String(l === next.layer && h === next.head))));
    const active = doc.activeElement;
    if (!tiles.some((row) => row.some((tile) => tile === active))) roving(next.layer, next.head);
    const { heads, layers } = shape(next.data);
    const { kvHeads } = next.data.summary;
    if (layers === 1) {
      const sharing = kvHeads < heads ? ` ${heads / kvHeads} query heads share each key/value head.` : '';
      caption.textContent = `Head ${next.head + 1} is focused: the heatmap, lines and step-by-step views follow it. All thumbnails share one colour scale, ${scaleWords(next.stretch)}.${sharing}`;
    } else {
      const hidden = next.data.model?.kept ? ' [CLS] and [SEP] are hidden and each row renormalised.' : '';
      caption.textContent = next.data.run.translation
        ? `Block ${next.layer + 1} (${blockName(next.data.run, next.layer)}), head ${next.head + 1} is focused: the heatmap, lines and step-by-step views follow it. One row per block, in the order they compute: the encoder's self-attention over the source, then each decoder layer's causal self-attention over the target and its cross-attention from the target to the source; one column per head; all ${layers * heads} thumbnails share one colour scale, ${scaleWords(next.stretch)}.`
        : `Layer ${next.layer + 1}, head ${next.head + 1} is focused: the heatmap, lines and step-by-step views follow it. One row per layer (layer 1 reads the word embeddings), one column per head; all ${layers * heads} thumbnails share one colour scale, ${scaleWords(next.stretch)}.${hidden}`;
    }
  }

  return { update };
}

/** @param {boolean} stretched */
function scaleWords(stretched) {
  return stretched ? 'stretched so that the largest weight of them all is the brightest' : 'from 0 to 1';
}
