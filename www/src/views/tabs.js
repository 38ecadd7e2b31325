// View tabs (Heatmap · Lines · Heads · Step by step · Compare) following the ARIA tabs pattern:
// arrow keys move between tabs, the selected one is the only tab stop.

import { el } from '../dom.js';

/** @typedef {import('../state.js').ViewName} ViewName */

/** @type {Array<[ViewName, string]>} */
export const TABS = [['heatmap', 'Heatmap'], ['lines', 'Lines'], ['heads', 'Heads'], ['player', 'Step by step'], ['compare', 'Compare']];

/**
 * @param {HTMLElement} tabList
 * @param {{ onView: (view: ViewName) => void }} callbacks
 */
export function createTabs(tabList, callbacks) {
  const doc = tabList.ownerDocument;
  tabList.setAttribute('role', 'tablist');
  tabList.setAttribute('aria-label', 'Views');
  const buttons = TABS.map(([view, label], index) => el(doc, 'button', {
    class: 'tab',
    text: label,
    attrs: { type: 'button', role: 'tab', 'data-view': view },
    on: {
      click: () => callbacks.onView(view),
      keydown: (event) => {
        const key = /** @type {KeyboardEvent} */ (event).key;
        const delta = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
        if (delta === 0) return;
        event.preventDefault();
        event.stopPropagation();
        const next = TABS[(index + delta + TABS.length) % TABS.length][0];
        callbacks.onView(next);
        buttons[TABS.findIndex(([v]) => v === next)].focus();
      },
    },
  }));
  tabList.replaceChildren(...buttons);

  /** @param {ViewName} view */
  function update(view) {
    buttons.forEach((button, index) => {
      const selected = TABS[index][0] === view;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    });
  }

  return { update };
}
