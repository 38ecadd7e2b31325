// The colour legend of a weight map: a viridis ramp from 0 to the largest weight shown.

import { svgEl } from '../dom.js';
import { scaleTop, weightColour } from '../colors.js';
import { formatWeight } from '../format.js';
import { LEGEND_STEPS as STEPS } from '../generated/design.js';

/**
 * @param {HTMLElement} root
 * @param {number} max
 * @param {{ name?: string, masked?: boolean, kind?: string, maskedName?: string }} [options]  what
 *   the colours stand for; whether masked cells are shown (and so explained); the kind of
 *   attention ("causal self-attention"); what a masked cell is
 */
export function renderLegend(root, max, { name = 'weight', masked: anyMasked = true, kind = '', maskedName = 'masked' } = {}) {
  const doc = root.ownerDocument;
  const top = scaleTop(max);
  const width = 200;
  const ramp = svgEl(doc, 'svg', {
    class: 'legend-ramp',
    attrs: { viewBox: `0 0 ${width} 30`, width, height: 30, role: 'img', 'aria-label': `Colour scale: dark is 0, bright is ${formatWeight(top)}` },
  });
  for (let i = 0; i < STEPS; i += 1) {
    ramp.append(svgEl(doc, 'rect', {
      attrs: { x: (i * width) / STEPS, y: 0, width: width / STEPS + 0.5, height: 12, fill: weightColour(((i + 0.5) / STEPS) * top, top) },
    }));
  }
  for (const [value, anchor] of /** @type {Array<[number, string]>} */ ([[0, 'start'], [top / 2, 'middle'], [top, 'end']])) {
    ramp.append(svgEl(doc, 'text', {
      class: 'legend-tick',
      text: formatWeight(value),
      attrs: { x: (value / top) * width, y: 27, 'text-anchor': anchor },
    }));
  }
  const masked = svgEl(doc, 'svg', { class: 'legend-masked', attrs: { viewBox: '0 0 14 14', width: 14, height: 14, 'aria-hidden': 'true' } }, [
    svgEl(doc, 'rect', { class: 'cell-masked', attrs: { width: 14, height: 14 } }),
    svgEl(doc, 'line', { class: 'cell-masked-mark', attrs: { x1: 2, y1: 12, x2: 12, y2: 2 } }),
  ]);
  const label = doc.createElement('span');
  label.className = 'legend-label';
  label.textContent = name;
  const maskedLabel = doc.createElement('span');
  maskedLabel.className = 'legend-label';
  maskedLabel.append(masked, doc.createTextNode(` ${maskedName}`));
  const kindLabel = doc.createElement('span');
  kindLabel.className = 'legend-label legend-kind';
  kindLabel.textContent = kind;
  root.replaceChildren(...(kind ? [kindLabel] : []), label, ramp, anyMasked ? maskedLabel : '');
}
