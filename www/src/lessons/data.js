// <lesson-data>: a committed file of measured numbers (a trained model's eval.json or
// heads.json, written by its evaluation script; or its config.json), read so that a lesson quotes
// it instead of typing its numbers. It shows where the numbers come from (`about` says who wrote
// the file; by default the evaluation script); <lesson-value of="its id"
// measure="value" path="accuracy.repeat_second_copy_top1"> writes one of them.
//
//   <lesson-data id="induction-eval" src="../../trained/gpt2-2l-induction/eval.json"></lesson-data>

import { DATA_EVENT } from './sources.js';
import { valueAt } from './file-values.js';

export class LessonData extends HTMLElement {
  /** @type {unknown} */
  #doc = undefined;
  #started = false;

  get lessonReady() {
    return this.#doc !== undefined;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('lesson-data');
    const src = this.getAttribute('src') ?? '';
    const note = document.createElement('p');
    note.className = 'lesson-data-note';
    note.textContent = `Reading ${src}…`;
    this.replaceChildren(note);
    this.setAttribute('aria-busy', 'true');
    this.#load(src, note).catch((error) => {
      note.className = 'lesson-error';
      note.textContent = `The numbers of ${src} cannot be read: ${error instanceof Error ? error.message : String(error)}.`;
    }).finally(() => this.removeAttribute('aria-busy'));
  }

  /**
   * @param {string} src
   * @param {HTMLElement} note
   */
  async #load(src, note) {
    if (!src) throw new Error('give it src="the file\'s address"');
    const response = await fetch(new URL(src, this.ownerDocument.baseURI));
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    this.#doc = await response.json();
    const name = src.split('/').filter(Boolean).slice(-2).join('/');
    const about = this.getAttribute('about') ?? 'written by the model\'s evaluation script on held-out data';
    note.textContent = `${this.getAttribute('label') ?? 'Numbers'} from ${name}${about ? `, ${about}` : ''}.`;
    this.dispatchEvent(new CustomEvent(DATA_EVENT));
  }

  /**
   * @param {string} name  only "value"
   * @param {Element} spec  its `path`
   * @returns {number | string | null}
   */
  lessonMeasure(name, spec) {
    if (name !== 'value') throw new Error(`measure="${name}" is not one of value`);
    if (this.#doc === undefined) return null;
    const path = spec.getAttribute('path');
    if (!path) throw new Error('measure="value" needs path="…" (e.g. accuracy.top1)');
    return valueAt(this.#doc, path);
  }
}
