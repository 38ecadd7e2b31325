// A text box whose tokens can be highlighted in place: a mirror layer behind the transparent
// textarea repeats the text (as text nodes) and marks one token's UTF-16 range. Without a mark
// the mirror stays empty: its text is transparent, and laying out a second copy of a long text
// (20,000 combining marks take seconds) would block every keystroke.

import { el } from '../dom.js';

/**
 * @param {HTMLElement} root
 * @param {{ label: string, hint: string, rows: number, onInput: (text: string) => void }} options
 */
export function createSentenceInput(root, options) {
  const doc = root.ownerDocument;
  const mirror = el(doc, 'div', { class: 'sentence-mirror', attrs: { 'aria-hidden': 'true' } });
  const area = el(doc, 'textarea', {
    class: 'sentence-input',
    attrs: { rows: options.rows, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', 'aria-label': options.label },
  });
  const label = el(doc, 'label', { class: 'sentence-label' }, [
    el(doc, 'span', { class: 'sentence-label-text', text: options.label }),
    el(doc, 'span', { class: 'sentence-hint', text: options.hint }),
    el(doc, 'span', { class: 'sentence-field' }, [mirror, area]),
  ]);
  root.replaceChildren(label);
  /** @type {[number, number] | null} */
  let mark = null;

  area.addEventListener('input', () => {
    paint();
    options.onInput(area.value);
  });
  area.addEventListener('scroll', () => {
    mirror.scrollTop = area.scrollTop;
  });

  function paint() {
    const text = area.value;
    if (!mark || mark[1] <= mark[0] || mark[1] > text.length) {
      mirror.replaceChildren();
      return;
    }
    const [start, end] = mark;
    mirror.replaceChildren(
      doc.createTextNode(text.slice(0, start)),
      el(doc, 'mark', { text: text.slice(start, end) }),
      doc.createTextNode(`${text.slice(end)}\n`),
    );
    mirror.scrollTop = area.scrollTop;
  }

  return {
    element: area,
    /** @param {string} text */
    setText(text) {
      if (area.value !== text) {
        area.value = text;
        paint();
      }
    },
    /** @param {[number, number] | null} range  UTF-16 offsets of a token, or none */
    highlight(range) {
      mark = range;
      paint();
    },
    /** @param {boolean} hidden */
    setHidden(hidden) {
      root.hidden = hidden;
    },
  };
}
