// <attention-playground>: a playground as a custom element. Its attributes use the names of
// the page's links (url-state.js reads both), it renders into its own shadow root (styles
// cannot leak in or out, and it needs no ids), it runs its own worker, and it tells the page
// around it when the reader moves to another query, head or step.

import styles from 'bundled-css:../styles/element.css';
import { mountPlayground } from './app.js';
import { focusEvents } from './focus.js';
import { ATTRIBUTES, ATTRIBUTE_FIELDS, attributeParams } from './attributes.js';
import { decodeParams } from './url-state.js';

/** @typedef {import('./focus.js').Focus} Focus */
/** @typedef {import('./state.js').PlaygroundState} PlaygroundState */
/** @typedef {import('./url-state.js').DecodedState} DecodedState */
/** @typedef {import('./export/exporter.js').ExportFormat} ExportFormat */
/** @typedef {import('./export/exporter.js').ExportOptions} ExportOptions */

export const ELEMENT_NAME = 'attention-playground';

/** One stylesheet object, adopted by every element's shadow root. */
/** @type {CSSStyleSheet | null} */
let sheet = null;

/**
 * Defines <attention-playground> (once per page).
 * @param {URL} moduleUrl  this module: every element's worker runs it
 */
export function defineElement(moduleUrl) {
  if (customElements.get(ELEMENT_NAME)) return;

  class AttentionPlayground extends HTMLElement {
    static observedAttributes = ATTRIBUTES;

    /** @type {ReturnType<typeof mountPlayground> | null} */
    #app = null;
    /** @type {DecodedState | null} the state the attributes described last */
    #described = null;
    /** @type {Focus | null} */
    #focus = null;
    /** True while the page's own attribute change is applied: it fires no events. */
    #quiet = false;
    #container;

    constructor() {
      super();
      const shadow = this.attachShadow({ mode: 'open' });
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(styles);
      }
      shadow.adoptedStyleSheets = [sheet];
      this.#container = document.createElement('div');
      this.#container.className = 'host';
      shadow.append(this.#container);
    }

    connectedCallback() {
      if (this.#app) return;
      this.#described = decodeParams(attributeParams(this));
      this.#app = mountPlayground(this.#container, {
        workerUrl: moduleUrl,
        initial: this.#described,
        origin: 'attributes',
        onFocus: (focus) => this.#onFocus(focus),
      });
    }

    disconnectedCallback() {
      // Moving the element (disconnected, then connected again at once) keeps it running.
      queueMicrotask(() => {
        if (this.isConnected || !this.#app) return;
        this.#app.destroy();
        this.#app = null;
        this.#focus = null;
      });
    }

    /**
     * @param {string} name
     */
    attributeChangedCallback(name) {
      const app = this.#app;
      const before = this.#described;
      if (!app || !before) return;
      const next = decodeParams(attributeParams(this));
      this.#described = next;
      /** @type {Record<string, unknown>} */
      const patch = {};
      for (const [key, value] of Object.entries(next.state)) {
        const field = /** @type {keyof PlaygroundState} */ (key);
        // The changed attribute applies even when its value is the same as before: a page's
        // "show head 2" button works again after the reader moved to another head.
        const named = ATTRIBUTE_FIELDS[name]?.includes(field);
        if (named || JSON.stringify(value) !== JSON.stringify(before.state[field])) patch[field] = value;
      }
      this.#quiet = true;
      try {
        app.setProblems(next.problems);
        if (JSON.stringify(next.presentation) !== JSON.stringify(before.presentation)) app.setPresentation(next.presentation);
        if (Object.keys(patch).length > 0) app.setState(/** @type {Partial<PlaygroundState>} */ (patch));
      } finally {
        this.#quiet = false;
      }
    }

    /** @param {Focus} focus */
    #onFocus(focus) {
      const before = this.#focus;
      this.#focus = focus;
      if (!before || this.#quiet) return;
      for (const type of focusEvents(before, focus)) {
        this.dispatchEvent(new CustomEvent(type, { detail: { ...focus }, bubbles: true, composed: true }));
      }
    }

    /** What the reader is looking at: view, layer, head, query and its token, step (null
     * until the first numbers are computed). */
    get state() {
      return this.#focus ? { ...this.#focus } : null;
    }

    /**
     * One export of what the element shows, as a Blob: 'svg', 'png' ({ scale: 1 | 2 | 4 }),
     * 'json', 'csv' or 'clip'.
     * @param {ExportFormat} format
     * @param {ExportOptions} [options]
     */
    async export(format, options) {
      if (!this.#app) throw new Error('The playground is not on the page.');
      return (await this.#app.exportFile(format, options)).blob;
    }
  }

  customElements.define(ELEMENT_NAME, AttentionPlayground);
}
