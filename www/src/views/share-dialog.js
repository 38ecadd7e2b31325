// The Share / Embed dialog: for what is on screen, a link to this page, an iframe of it and
// an <attention-playground> element, each with a copy button; how much of the playground an
// embed shows, and whether it plays by itself, are chosen here.

import { el } from '../dom.js';
import { CONTROLS } from '../state.js';
import { elementSnippet, iframeSnippet, shareLink } from '../share.js';
import { createModal } from './modal.js';

/** @typedef {import('../state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('../state.js').Presentation} Presentation */

/**
 * @typedef {Object} ShareTargets
 * @property {URL} pageUrl    the playground page
 * @property {URL} moduleUrl  attention-playground.js, next to the page's bundle
 * @property {URL} docsUrl    the guide for teachers
 */

const CONTROL_LABELS = { full: 'Everything', minimal: 'Sentence, views and player', none: 'The view only' };

/**
 * @param {HTMLElement} host
 * @param {ShareTargets} targets
 * @param {{ state: () => PlaygroundState, presentation: () => Presentation }} source
 */
export function createShareDialog(host, targets, source) {
  const doc = host.ownerDocument;
  const modal = createModal(host, { title: 'Share / Embed', className: 'share-dialog' });
  const status = el(doc, 'p', { class: 'modal-status', attrs: { role: 'status', 'aria-live': 'polite' } });

  const controls = el(doc, 'select', { attrs: { 'aria-label': 'Embed shows' } }, CONTROLS.map((mode) => el(doc, 'option', { text: CONTROL_LABELS[mode], attrs: { value: mode } })));
  const autoplay = el(doc, 'input', { attrs: { type: 'checkbox', 'aria-label': 'Play the steps by themselves' } });
  controls.addEventListener('change', fill);
  autoplay.addEventListener('change', fill);

  /**
   * @param {string} label
   * @param {string} hint
   * @param {number} rows
   */
  function snippet(label, hint, rows) {
    const area = el(doc, 'textarea', { class: 'snippet', attrs: { readonly: true, rows, spellcheck: 'false', 'aria-label': label } });
    const copy = el(doc, 'button', {
      class: 'small-button copy-button',
      text: 'Copy',
      attrs: { type: 'button', 'aria-label': `Copy the ${label.toLowerCase()}` },
      on: { click: () => copyText(area, label) },
    });
    const section = el(doc, 'section', { class: 'snippet-group', attrs: { 'aria-label': label } }, [
      el(doc, 'div', { class: 'snippet-head' }, [el(doc, 'h3', { class: 'modal-group-title', text: label }), copy]),
      el(doc, 'p', { class: 'modal-hint', text: hint }),
      area,
    ]);
    return { area, section };
  }

  const link = snippet('Link', 'Opens this page as it is now.', 2);
  const iframe = snippet('Iframe', 'For course platforms and blogs that take HTML: the page without its header and footer.', 3);
  const element = snippet('Element', 'For your own pages: the script serves every playground on the page; copy the guide’s files to host it yourself.', 6);
  const guide = el(doc, 'a', { text: 'How to embed: the guide for teachers', attrs: { href: targets.docsUrl.href, target: '_blank', rel: 'noopener' } });

  modal.body.append(
    el(doc, 'div', { class: 'share-options' }, [
      el(doc, 'label', { class: 'share-option' }, ['Embed shows ', controls]),
      el(doc, 'label', { class: 'share-option' }, [autoplay, ' Play the steps by themselves']),
    ]),
    link.section,
    iframe.section,
    element.section,
    el(doc, 'p', { class: 'modal-hint' }, [guide]),
    status,
  );

  function fill() {
    const state = source.state();
    /** @type {Presentation} */
    const presentation = {
      controls: /** @type {Presentation['controls']} */ (controls.value),
      autoplay: autoplay.checked,
      embed: false,
    };
    link.area.value = shareLink(targets.pageUrl, state, { autoplay: presentation.autoplay });
    iframe.area.value = iframeSnippet(targets.pageUrl, state, presentation);
    element.area.value = elementSnippet(targets.moduleUrl, state, presentation);
  }

  /**
   * The Clipboard API where the page may use it; otherwise the text is selected for Ctrl+C.
   * @param {HTMLTextAreaElement} area
   * @param {string} label
   */
  async function copyText(area, label) {
    try {
      await navigator.clipboard.writeText(area.value);
      status.textContent = `${label} copied.`;
    } catch {
      area.focus();
      area.select();
      status.textContent = `${label} selected: press Ctrl+C (⌘C on a Mac) to copy it.`;
    }
  }

  return {
    open() {
      const shown = source.presentation();
      controls.value = shown.controls;
      autoplay.checked = shown.autoplay;
      status.textContent = '';
      fill();
      modal.open();
    },
  };
}
