// The colour legend of a weight map: a viridis ramp from 0 to 1 (the fixed scale), or to the
// largest weight shown when the reader stretches it, which the legend then says; and the
// checkbox that stretches it.

import { el, svgEl } from '../dom.js';
import { weightColour } from '../colors.js';
import { formatWeight } from '../format.js';
import { LEGEND_STEPS as STEPS } from '../generated/design.js';

/**
 * @param {HTMLElement} root
 * @param {number} top  the weight drawn brightest: 1 on the fixed scale
 * @param {{ name?: string, masked?: boolean, kind?: string, maskedName?: string, stretched?: boolean, model?: string, toy?: boolean }} [options]
 *   what the colours stand for; whether masked cells are shown (and so explained); the kind of
 *   attention ("causal self-attention"); what a masked cell is; whether the scale is stretched
 *   to the largest weight; what computed the weights (caption.js's modelLabel), and whether it
 *   is the toy (then the label stands out)
 */
export function renderLegend(root, top, { name = 'weight', masked: anyMasked = true, kind = '', maskedName = 'masked', stretched = false, model = '', toy = false } = {}) {
  const doc = root.ownerDocument;
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
  const label = el(doc, 'span', { class: 'legend-label', text: name });
  const maskedLabel = el(doc, 'span', { class: 'legend-label' }, [masked, ` ${maskedName}`]);
  const kindLabel = el(doc, 'span', { class: 'legend-label legend-kind', text: kind });
  const scale = el(doc, 'span', {
    class: stretched ? 'legend-label legend-scale stretched' : 'legend-label legend-scale',
    text: stretched ? `stretched: brightest is the largest weight, ${formatWeight(top)}` : 'fixed scale, 0 to 1',
  });
  const source = el(doc, 'span', { class: toy ? 'legend-model toy' : 'legend-model', text: model });
  root.replaceChildren(...(model ? [source] : []), ...(kind ? [kindLabel] : []), label, ramp, scale, anyMasked ? maskedLabel : '');
}

/**
 * The checkbox that stretches a view's colours to its largest weight.
 * @param {Document} doc
 * @param {(on: boolean) => void} onChange
 */
export function createStretchToggle(doc, onChange) {
  const box = el(doc, 'input', { attrs: { type: 'checkbox' }, on: { change: () => onChange(box.checked) } });
  const element = el(doc, 'label', { class: 'stretch-toggle' }, [box, ' Stretch colours to the largest weight']);
  return {
    element,
    /** @param {boolean} on */
    set(on) {
      box.checked = on;
    },
  };
}
