// The sentence embedding of a pretrained model's run: every one of its numbers as a bar (up for
// positive, down for negative), with its size and how it was made.

import { el, svgEl } from '../dom.js';
import { formatNumber } from '../format.js';

/**
 * @param {HTMLElement} root
 */
export function createEmbeddingStrip(root) {
  const doc = root.ownerDocument;
  const label = el(doc, 'span', { class: 'embedding-label' });
  const chart = el(doc, 'div', { class: 'embedding-chart' });
  const note = el(doc, 'span', { class: 'embedding-note' });
  root.className = 'embedding';
  root.replaceChildren(label, chart, note);
  root.hidden = true;
  /** @type {Float32Array | null} */
  let shown = null;

  /** @param {{ pooled: Float32Array, name: string } | null} input */
  function update(input) {
    root.hidden = !input;
    if (!input || input.pooled === shown) return;
    shown = input.pooled;
    const values = input.pooled;
    const n = values.length;
    let top = 0;
    let high = 0;
    let low = 0;
    let norm = 0;
    for (let i = 0; i < n; i += 1) {
      const v = values[i];
      top = Math.max(top, Math.abs(v));
      if (v > values[high]) high = i;
      if (v < values[low]) low = i;
      norm += v * v;
    }
    const width = 2 * n;
    const height = 36;
    const middle = height / 2;
    const svg = svgEl(doc, 'svg', {
      class: 'embedding-svg',
      attrs: {
        viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
        'aria-label': `Sentence embedding: ${n} numbers, the largest ${formatNumber(values[high])} (number ${high + 1}), the smallest ${formatNumber(values[low])} (number ${low + 1}).`,
      },
    });
    svg.append(svgEl(doc, 'line', { class: 'embedding-axis', attrs: { x1: 0, x2: width, y1: middle, y2: middle } }));
    for (let i = 0; i < n; i += 1) {
      const h = top > 0 ? (Math.abs(values[i]) / top) * (middle - 1) : 0;
      svg.append(svgEl(doc, 'rect', {
        class: values[i] >= 0 ? 'embedding-bar' : 'embedding-bar negative',
        attrs: { x: 2 * i, y: values[i] >= 0 ? middle - h : middle, width: 1.6, height: Math.max(h, 0.3) },
      }));
    }
    chart.replaceChildren(svg);
    label.textContent = `Sentence embedding · ${n} numbers`;
    note.textContent = `${input.name}’s summary of the whole text: the mean of the last layer’s token vectors, scaled to length ${formatNumber(Math.sqrt(norm), 2)}. Sentences with similar meaning get nearby embeddings.`;
  }

  return { update };
}
