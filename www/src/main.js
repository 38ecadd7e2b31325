// The page's entry point: mounts a playground, kept in the URL, into every element marked
// data-attention-playground (the page has one).

import { mountPlayground } from './app.js';

for (const container of document.querySelectorAll('[data-attention-playground]')) {
  mountPlayground(/** @type {HTMLElement} */ (container), { syncUrl: true });
}
