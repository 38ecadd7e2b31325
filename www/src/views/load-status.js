// A pretrained model on its way: what is being read, how many bytes of how many, a progress
// bar and a Cancel button. The toy keeps computing meanwhile, and the bar says so.

import { el } from '../dom.js';
import { formatBytes } from '../format.js';

/** @typedef {import('../model/loader.js').ModelStatus} ModelStatus */
/** @typedef {import('../model/fetch.js').LoadProgress} LoadProgress */

/**
 * What the loader is doing, in words.
 * @param {string} name
 * @param {LoadProgress | null} progress
 */
export function progressText(name, progress) {
  if (!progress || progress.phase === 'check') return `Looking for the files of ${name}…`;
  const amount = progress.total ? `${formatBytes(progress.done)} of ${formatBytes(progress.total)}` : formatBytes(progress.done);
  switch (progress.phase) {
    case 'download':
      return `Downloading ${progress.file}: ${amount}`;
    case 'cache':
      return `Reading ${progress.file} from the browser’s cache: ${amount}`;
    case 'read':
      return `Reading your file ${progress.file}: ${amount}`;
    case 'prepare':
      return `Preparing ${name}: the core reads ${formatBytes(progress.done)} of weights…`;
  }
}

/**
 * @param {HTMLElement} root
 * @param {{ onCancel: () => void }} callbacks
 */
export function createLoadStatus(root, callbacks) {
  const doc = root.ownerDocument;
  const title = el(doc, 'p', { class: 'model-loading-title' });
  const text = el(doc, 'p', { class: 'model-loading-text' });
  const bar = el(doc, 'progress', { class: 'model-loading-bar', attrs: { max: 1 } });
  const cancel = el(doc, 'button', {
    class: 'small-button',
    text: 'Cancel',
    attrs: { type: 'button' },
    on: { click: () => callbacks.onCancel() },
  });
  const announcer = el(doc, 'p', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });
  root.className = 'model-loading';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'Loading a model');
  root.replaceChildren(
    el(doc, 'div', { class: 'model-loading-head' }, [title, cancel]),
    bar,
    text,
    announcer,
  );
  root.hidden = true;
  let announced = '';

  /** @param {ModelStatus} status */
  function update(status) {
    root.hidden = status.phase !== 'loading';
    if (status.phase !== 'loading') {
      announced = '';
      return;
    }
    const { progress } = status;
    title.textContent = `Loading ${status.name}. The toy model works meanwhile.`;
    text.textContent = progressText(status.name, progress);
    bar.setAttribute('aria-label', `Loading ${status.name}`);
    if (progress && progress.total && progress.phase !== 'prepare') {
      bar.max = progress.total;
      bar.value = Math.min(progress.done, progress.total);
    } else if (progress?.phase === 'prepare') {
      bar.max = 1;
      bar.value = 1;
    } else {
      bar.removeAttribute('value');
    }
    const phase = progress?.phase ?? 'check';
    if (phase !== announced) {
      announced = phase;
      announcer.textContent = progressText(status.name, progress).replace(/:.*$/, '…');
    }
  }

  return { update };
}
