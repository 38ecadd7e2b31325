// A modal dialog (the native <dialog>: focus is trapped inside, Escape closes it, focus goes
// back to the button that opened it), with a title, a close button and a body.

import { el } from '../dom.js';

/**
 * @param {HTMLElement} host  where the dialog lives (inside the playground, so its styles apply)
 * @param {{ title: string, className: string }} options
 */
export function createModal(host, { title, className }) {
  const doc = host.ownerDocument;
  const body = el(doc, 'div', { class: 'modal-body' });
  const close = el(doc, 'button', {
    class: 'modal-close',
    text: '×',
    attrs: { type: 'button', 'aria-label': 'Close', title: 'Close (Esc)' },
    on: { click: () => dialog.close() },
  });
  const dialog = el(doc, 'dialog', { class: `modal ${className}`, attrs: { 'aria-label': title } }, [
    el(doc, 'div', { class: 'modal-head' }, [el(doc, 'h2', { class: 'modal-title', text: title }), close]),
    body,
  ]);
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) dialog.close();
  });
  host.append(dialog);
  return {
    dialog,
    body,
    open() {
      if (!dialog.open) dialog.showModal();
    },
    close() {
      dialog.close();
    },
  };
}

/**
 * A row of buttons under a label, with a hint (text, or an element that changes).
 * @param {Document} doc
 * @param {string} label
 * @param {string | HTMLElement} hint
 * @param {HTMLElement[]} buttons
 */
export function buttonGroup(doc, label, hint, buttons) {
  return el(doc, 'section', { class: 'modal-group', attrs: { 'aria-label': label } }, [
    el(doc, 'h3', { class: 'modal-group-title', text: label }),
    el(doc, 'div', { class: 'modal-buttons' }, buttons),
    typeof hint === 'string' ? el(doc, 'p', { class: 'modal-hint', text: hint }) : hint,
  ]);
}
