// <lesson-accuracy>: the exact-match chart of one task's translation models by source length
// (or date style), the same chart the playground shows beside a translation model, from the
// models' eval.json as the generated catalog holds them. <lesson-value of="its id"
// measure="exact-match" model="grammar-gru" bucket="36-40"> writes one number of it (the whole
// test set's without `bucket`).
//
//   <lesson-accuracy id="by-length" task="grammar"></lesson-accuracy>

import { EVALUATIONS } from '../generated/catalog.js';
import { renderAccuracyChart } from '../views/accuracy-chart.js';
import { DATA_EVENT } from './sources.js';
import { exactMatch } from './file-values.js';

/** @typedef {import('../types').Evaluation} Evaluation */

export class LessonAccuracy extends HTMLElement {
  /** @type {Evaluation[]} */
  #evaluations = [];
  #started = false;

  get lessonReady() {
    return this.#evaluations.length > 0;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('lesson-accuracy');
    const task = this.getAttribute('task') ?? '';
    this.#evaluations = EVALUATIONS.filter((e) => e.task === task);
    if (this.#evaluations.length === 0) {
      const note = document.createElement('p');
      note.className = 'lesson-error';
      note.textContent = `There is no evaluation of task="${task}": the tasks are ${[...new Set(EVALUATIONS.map((e) => e.task))].join(', ')}.`;
      this.replaceChildren(note);
      return;
    }
    renderAccuracyChart(this, this.#evaluations, this.getAttribute('highlight'));
    // Sentences that asked before this element was defined are waiting for this.
    this.dispatchEvent(new CustomEvent(DATA_EVENT));
  }

  /**
   * @param {string} name  only "exact-match"
   * @param {Element} spec  `model`, and `bucket` (a group's label)
   */
  lessonMeasure(name, spec) {
    if (name !== 'exact-match') throw new Error(`measure="${name}" is not one of exact-match`);
    return exactMatch(this.#evaluations, spec.getAttribute('model') ?? '', spec.getAttribute('bucket'));
  }
}
