// <lesson-question>: predict, then reveal. The reader commits to an answer first (a token of a
// playground, one of several options, or a number on a slider), then the question says whether
// it was right, shows its explanation, and unveils the playground, which shows the answer. The
// answer of a token or number question is measured live from the core's numbers; an option is
// right because the author marked it. Progress is kept in the browser (progress.js).
//
//   <lesson-question id="it-refers" kind="token" query="it">
//     <p>Which word does ‘it’ attend to most?</p>
//     <attention-playground …></attention-playground>    (veiled until the answer)
//     <lesson-reveal><p>Why…</p></lesson-reveal>
//   </lesson-question>

import { forget, lessonProgress, recordAnswer } from './progress.js';
import { modelName, readingText, tokenIndex, tokenText, topKey, withinTolerance } from './measure.js';
import { parseSettings } from './notation.js';
import { isPlayground, sourceOf, watch, weightsOf } from './sources.js';

/** @typedef {import('./measure.js').Weights} Weights */
/** @typedef {'token' | 'choice' | 'number'} QuestionKind */

export const KINDS = /** @type {const} */ (['token', 'choice', 'number']);

/** How long a question waits for its playground before saying so. */
const SLOW_MS = 30_000;

/** Fired (bubbling) when a question is answered or tried again. */
export const ANSWER_EVENT = 'lessonanswer';

/** The lesson a question belongs to: its page's data-lesson. */
export function lessonIdOf(/** @type {Element} */ element) {
  return element.closest('[data-lesson]')?.getAttribute('data-lesson') ?? element.ownerDocument.location.pathname;
}

export class LessonQuestion extends HTMLElement {
  #built = false;
  /** @type {QuestionKind} */
  #kind = 'choice';
  #lesson = '';
  /** @type {HTMLFieldSetElement} */
  #answers = document.createElement('fieldset');
  #check = document.createElement('button');
  #again = document.createElement('button');
  #feedback = document.createElement('p');
  #answerLine = document.createElement('p');
  /** @type {Element | null} where the measured answer comes from */
  #source = null;
  /** @type {HTMLElement | null} */
  #stage = null;
  #revealed = false;
  /** @type {number[]} the key indices offered, in order (token questions) */
  #keys = [];
  /** The key tokens the options were made from: a new text in the playground makes new ones. */
  #offered = '';
  /** @type {Array<[string, string | null]>} the playground's attributes that a reveal or the reader may change, as they were */
  #original = [];

  connectedCallback() {
    if (this.#built) return;
    this.#built = true;
    try {
      this.#build();
    } catch (error) {
      this.#authorError(error);
    }
  }

  #build() {
    if (!this.id) throw new Error('a lesson-question needs an id (progress is kept by it)');
    const kind = /** @type {QuestionKind} */ (this.getAttribute('kind') ?? 'choice');
    if (!KINDS.includes(kind)) throw new Error(`kind="${kind}" is not one of ${KINDS.join(', ')}`);
    this.#kind = kind;
    this.#lesson = lessonIdOf(this);
    this.classList.add('lq', `lq-${kind}`);

    const all = [...this.ownerDocument.querySelectorAll('lesson-question')];
    const label = document.createElement('p');
    label.className = 'lq-label';
    label.textContent = `Predict · question ${all.indexOf(this) + 1} of ${all.length}`;
    this.prepend(label);

    const prompt = [...this.children].find((el) => el.localName === 'p' && el !== label);
    if (!prompt) throw new Error('a lesson-question starts with its question in a <p>');
    prompt.id ||= `${this.id}-prompt`;
    prompt.classList.add('lq-prompt');
    this.setAttribute('role', 'group');
    this.setAttribute('aria-labelledby', prompt.id);

    this.#veilPlayground();
    this.#holdLater();

    this.#answers.className = 'lq-answers';
    this.#answers.setAttribute('aria-label', kind === 'number' ? 'Your estimate' : 'Your prediction');
    if (kind !== 'number') this.#answers.setAttribute('role', 'radiogroup');
    this.#check.type = 'button';
    this.#check.className = 'lq-check';
    this.#check.textContent = 'Check my prediction';
    this.#check.addEventListener('click', () => this.#submit());
    this.#check.disabled = kind !== 'number';
    this.#again.type = 'button';
    this.#again.className = 'lq-again';
    this.#again.textContent = 'Try again';
    this.#again.hidden = true;
    this.#again.addEventListener('click', () => this.#reset());
    const actions = document.createElement('div');
    actions.className = 'lq-actions';
    actions.append(this.#check, this.#again);
    this.#feedback.className = 'lq-feedback';
    this.#feedback.setAttribute('role', 'status');
    this.#feedback.tabIndex = -1;
    this.#answerLine.className = 'lq-answer';
    this.#answerLine.textContent = 'The answer is measured once the numbers are computed.';

    const reveal = this.querySelector('lesson-reveal');
    reveal?.setAttribute('hidden', '');
    const answerBox = document.createElement('div');
    answerBox.className = 'lq-result';
    answerBox.append(this.#feedback, this.#answerLine);
    if (reveal) {
      reveal.before(this.#answers, answerBox, actions);
    } else {
      this.append(this.#answers, answerBox, actions);
    }

    if (kind === 'choice') this.#buildChoice();
    if (kind === 'number') this.#buildNumber();
    if (kind === 'token') this.#buildToken();
  }

  /** A playground inside the question shows the answer: it stays veiled (blurred, inert) until then. */
  #veilPlayground() {
    const playground = this.querySelector(':scope > :is(attention-playground, lesson-qkv, lesson-sweep)');
    if (!playground || this.hasAttribute('open')) return;
    const stage = document.createElement('div');
    stage.className = 'lq-stage lq-veiled';
    const note = document.createElement('p');
    note.className = 'lq-veil-note';
    note.textContent = 'Predict first: the playground shows the answer.';
    playground.before(stage);
    stage.append(playground, note);
    playground.setAttribute('inert', '');
    playground.setAttribute('aria-hidden', 'true');
    this.#stage = stage;
  }

  /** Anything else on the page marked data-until="this question's id" is held back the same way (inert, hidden from assistive technology). */
  #holdLater() {
    for (const held of this.ownerDocument.querySelectorAll(`[data-until="${CSS.escape(this.id)}"]`)) {
      held.classList.add('lq-held');
      held.setAttribute('inert', '');
      held.setAttribute('aria-hidden', 'true');
      held.setAttribute('data-note', 'Answer the question above first: this shows the answer.');
    }
  }

  /** @param {boolean} held */
  #holdLaterAgain(held) {
    for (const element of this.ownerDocument.querySelectorAll(`[data-until="${CSS.escape(this.id)}"]`)) {
      element.classList.toggle('lq-held', held);
      element.toggleAttribute('inert', held);
      if (held) element.setAttribute('aria-hidden', 'true');
      else element.removeAttribute('aria-hidden');
    }
  }

  #buildChoice() {
    const options = [...this.querySelectorAll(':scope > lesson-option')];
    if (options.length < 2) throw new Error('a choice question needs at least two lesson-option elements');
    if (!options.some((o) => o.hasAttribute('correct'))) throw new Error('mark the right lesson-option with the attribute correct');
    const right = options.filter((o) => o.hasAttribute('correct')).map((o) => o.textContent?.trim().replace(/[.!]$/, '') ?? '');
    options.forEach((option, i) => {
      const { label } = this.#radio(String(i));
      // One box for the option's words, however many elements they hold (the label is a flex row).
      const words = document.createElement('span');
      words.append(...option.childNodes);
      label.append(words);
      if (option.hasAttribute('correct')) label.dataset.correct = '';
      option.remove();
    });
    this.#answerLine.textContent = `The answer: ${right.join(' or ')}.`;
    this.#restore();
  }

  #buildNumber() {
    const min = Number(this.getAttribute('min') ?? 0);
    const max = Number(this.getAttribute('max') ?? 1);
    const step = Number(this.getAttribute('step') ?? 0.01);
    if (!(max > min) || !(step > 0)) throw new Error('a number question needs min < max and a positive step');
    const wrap = document.createElement('label');
    wrap.className = 'lq-slider';
    const text = document.createElement('span');
    text.textContent = this.getAttribute('label') ?? 'Your estimate';
    const input = document.createElement('input');
    input.type = 'range';
    Object.assign(input, { min: String(min), max: String(max), step: String(step) });
    input.value = this.getAttribute('start') ?? String(min);
    const output = document.createElement('output');
    const unit = this.getAttribute('unit') ?? '';
    // The slider says its value with the unit itself; the output beside it is for the eye.
    output.setAttribute('aria-hidden', 'true');
    const show = () => {
      output.value = `${Number(input.value).toFixed(decimals(step))}${unit ? ` ${unit}` : ''}`;
      input.setAttribute('aria-valuetext', output.value);
    };
    show();
    input.addEventListener('input', show);
    wrap.append(text, input, output);
    this.#answers.append(wrap);
    const answer = this.querySelector('lesson-value[answer]');
    if (!answer) throw new Error('a number question needs a <lesson-value answer …> that measures the answer');
    this.#source = answer;
    watch(answer, () => this.#describeAnswer());
    this.#restore();
  }

  #buildToken() {
    const waiting = document.createElement('p');
    waiting.className = 'lq-waiting';
    waiting.textContent = 'Waiting for the playground’s numbers…';
    this.#answers.append(waiting);
    setTimeout(() => {
      if (waiting.isConnected) waiting.textContent = 'Still waiting for the playground’s numbers. If it reports a problem, reload the page; a model can take a while to download the first time.';
    }, SLOW_MS);
    const source = sourceOf(this);
    this.#source = source;
    watch(source, () => {
      const w = weightsOf(source);
      if (!w) return;
      // The reader may give the playground another text once it is unveiled: before an answer,
      // the keys offered follow it; after one, the answer stands for the text it was given on.
      if (this.#offered === '' || (!this.#revealed && offeredKeys(w) !== this.#offered)) this.#tokenOptions(w);
      this.#describeAnswer();
    });
  }

  /** @param {Weights} w */
  #tokenOptions(w) {
    this.#answers.replaceChildren();
    this.#offered = offeredKeys(w);
    let query;
    try {
      query = this.#query(w);
    } catch (error) {
      // The reader's own text lacks the token the question is about.
      this.#keys = [];
      const note = document.createElement('p');
      note.className = 'lq-waiting';
      note.textContent = `This question is about a token the playground's text no longer has (${error instanceof Error ? error.message : String(error)}): bring it back to answer.`;
      this.#answers.append(note);
      return;
    }
    const legend = document.createElement('p');
    legend.className = 'lq-query';
    legend.textContent = this.#source && isPlayground(this.#source)
      ? `Query ‘${tokenText(w.queryTokens[query])}’: pick the key you predict gets the most weight.`
      : 'Pick the key you predict gets the most weight.';
    this.#answers.append(legend);
    const row = document.createElement('div');
    row.className = 'lq-tokens';
    this.#answers.append(row);
    this.#keys = [];
    w.keyTokens.forEach((token, k) => {
      const { label } = this.#radio(String(k), row);
      label.classList.add('lq-chip');
      label.append(tokenText(token) || '␣');
      this.#keys.push(k);
    });
    this.#restore();
  }

  /** @param {Weights} w */
  #query(w) {
    const ref = this.getAttribute('query');
    if (ref !== null) return tokenIndex(w.queryTokens, ref);
    const source = /** @type {import('./sources.js').Playground} */ (this.#source);
    return Math.min(source.state?.query ?? 0, w.queryTokens.length - 1);
  }

  /**
   * @param {string} value
   * @param {HTMLElement} [parent]
   */
  #radio(value, parent = this.#answers) {
    const label = document.createElement('label');
    label.className = 'lq-option';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = `lq-${this.id}`;
    input.value = value;
    input.addEventListener('change', () => {
      this.#check.disabled = false;
    });
    label.append(input);
    parent.append(label);
    this.#check.disabled = true;
    return { label, input };
  }

  /** The reader's answer as stored, or null when nothing is chosen. */
  #chosen() {
    if (this.#kind === 'number') return /** @type {HTMLInputElement} */ (this.#answers.querySelector('input[type=range]')).value;
    return /** @type {HTMLInputElement | null} */ (this.#answers.querySelector('input:checked'))?.value ?? null;
  }

  /**
   * Whether an answer is right, from the numbers shown now; null while they are missing.
   * @param {string} answer
   */
  #judge(answer) {
    if (this.#kind === 'choice') {
      return this.#answers.querySelectorAll('label')[Number(answer)]?.hasAttribute('data-correct') ?? false;
    }
    if (this.#kind === 'token') {
      const w = this.#source && weightsOf(this.#source);
      return w ? topKey(w, this.#query(w)).key === Number(answer) : null;
    }
    const truth = /** @type {import('./value.js').LessonValue} */ (this.#source).reading?.value;
    if (typeof truth !== 'number') return null;
    return withinTolerance(Number(answer), truth, this.#tolerance());
  }

  #tolerance() {
    const given = this.getAttribute('tolerance');
    if (given !== null) return Number(given);
    return (Number(this.getAttribute('max') ?? 1) - Number(this.getAttribute('min') ?? 0)) / 10;
  }

  #submit() {
    const answer = this.#chosen();
    if (answer === null) return;
    const correct = this.#judge(answer);
    if (correct === null) {
      this.#feedback.textContent = 'The numbers are still being computed; try again in a moment.';
      return;
    }
    recordAnswer(this.#lesson, this.id, { answer, correct });
    this.#reveal(answer, correct, true);
  }

  /** Shows a stored answer again when the reader comes back. */
  #restore() {
    const stored = lessonProgress(this.#lesson).answers[this.id];
    if (!stored || this.#revealed) return;
    if (this.#kind === 'number') {
      /** @type {HTMLInputElement} */ (this.#answers.querySelector('input[type=range]')).value = stored.answer;
      this.#answers.querySelector('input')?.dispatchEvent(new Event('input'));
    } else {
      const input = /** @type {HTMLInputElement | null} */ (this.#answers.querySelector(`input[value="${CSS.escape(stored.answer)}"]`));
      if (!input) return;
      input.checked = true;
    }
    this.#reveal(stored.answer, stored.correct, false);
  }

  /**
   * @param {string} answer
   * @param {boolean} correct
   * @param {boolean} now  the reader just answered (else an answer from an earlier visit)
   */
  #reveal(answer, correct, now) {
    this.#revealed = true;
    this.classList.add('lq-revealed', correct ? 'lq-right' : 'lq-wrong');
    for (const input of this.#answers.querySelectorAll('input')) input.disabled = true;
    for (const label of this.#answers.querySelectorAll('label')) {
      if (label.querySelector('input')?.value === answer) label.classList.add('lq-picked');
      if (label.hasAttribute('data-correct')) label.classList.add('lq-correct');
    }
    this.#check.hidden = true;
    this.#again.hidden = false;
    const verdict = correct ? 'Right.' : 'Not quite.';
    this.#feedback.textContent = now ? verdict : `${verdict} (your answer from an earlier visit)`;
    this.querySelector('lesson-reveal')?.removeAttribute('hidden');
    if (this.#stage) {
      this.#stage.classList.remove('lq-veiled');
      const playground = this.#stage.firstElementChild;
      playground?.removeAttribute('inert');
      playground?.removeAttribute('aria-hidden');
    }
    this.#holdLaterAgain(false);
    const settings = this.getAttribute('reveal');
    const target = this.#playground();
    if (target && this.#original.length === 0) {
      const names = new Set(['text', ...(settings ? parseSettings(settings).map(([name]) => name) : [])]);
      this.#original = [...names].map((name) => [name, target.getAttribute(name)]);
    }
    if (settings) for (const [name, value] of parseSettings(settings)) target?.setAttribute(name, value);
    this.#describeAnswer(answer);
    if (now) this.#feedback.focus();
    this.dispatchEvent(new CustomEvent(ANSWER_EVENT, { bubbles: true }));
  }

  /**
   * The measured answer in a sentence (shown on the screen once revealed, always in print).
   * @param {string | null} [answer]  the reader's, to compare with
   */
  #describeAnswer(answer = this.#revealed ? this.#chosen() : null) {
    if (this.#kind === 'token') {
      const w = this.#source && weightsOf(this.#source);
      if (!w) return;
      if (offeredKeys(w) !== this.#offered || this.#keys.length === 0) {
        if (this.#revealed) this.#answerLine.textContent = 'The playground now shows another text than the one you predicted on: Try again to predict on it.';
        return;
      }
      const query = this.#query(w);
      const top = topKey(w, query);
      const who = this.#source && isPlayground(this.#source) ? `‘${tokenText(w.queryTokens[query])}’` : 'The query';
      let text = `${who} gives the most weight to ‘${tokenText(w.keyTokens[top.key])}’: ${top.weight.toFixed(3)} (${where(w)}).`;
      if (answer !== null && Number(answer) !== top.key) {
        text += ` Your choice ‘${tokenText(w.keyTokens[Number(answer)])}’ gets ${w.weights[query][Number(answer)].toFixed(3)}.`;
      }
      this.#answerLine.textContent = text;
      this.#answers.querySelectorAll('label').forEach((label, i) => label.classList.toggle('lq-correct', this.#revealed && this.#keys[i] === top.key));
    }
    if (this.#kind === 'number') {
      const reading = /** @type {import('./value.js').LessonValue} */ (this.#source).reading;
      if (!reading) return;
      const unit = this.getAttribute('unit') ?? '';
      const you = answer !== null ? `; you said ${readingText(Number(answer), '', String(decimals(Number(this.getAttribute('step') ?? 0.01))))}` : '';
      this.#answerLine.textContent = `Measured: ${reading.text}${unit ? ` ${unit}` : ''}${you} (within ±${this.#tolerance()} counts as right).`;
    }
  }

  /** The playground the question reveals: the one it reads, or the one inside it. */
  #playground() {
    return this.#source && isPlayground(this.#source) ? this.#source : this.querySelector('attention-playground');
  }

  #reset() {
    forget(this.#lesson, this.id);
    // Asked again, the question shows the playground as it was asked, whatever the reveal or the
    // reader changed since (another text, another query).
    const target = this.#playground();
    // Setting an attribute to the value it has applies it again (the reader's own text goes).
    for (const [name, value] of this.#original) {
      if (value === null) target?.removeAttribute(name);
      else target?.setAttribute(name, value);
    }
    this.#revealed = false;
    this.classList.remove('lq-revealed', 'lq-right', 'lq-wrong');
    for (const input of this.#answers.querySelectorAll('input')) {
      input.disabled = false;
      if (input.type === 'radio') input.checked = false;
    }
    for (const label of this.#answers.querySelectorAll('label')) label.classList.remove('lq-picked', 'lq-correct');
    this.#check.hidden = false;
    this.#check.disabled = this.#kind !== 'number';
    this.#again.hidden = true;
    this.#feedback.textContent = '';
    this.querySelector('lesson-reveal')?.setAttribute('hidden', '');
    if (this.#stage) {
      this.#stage.classList.add('lq-veiled');
      this.#stage.firstElementChild?.setAttribute('inert', '');
      this.#stage.firstElementChild?.setAttribute('aria-hidden', 'true');
    }
    this.#holdLaterAgain(true);
    const w = this.#kind === 'token' && this.#source ? weightsOf(this.#source) : null;
    if (w && offeredKeys(w) !== this.#offered) this.#tokenOptions(w);
    this.#describeAnswer(null);
    this.#answers.querySelector('input')?.focus();
    this.dispatchEvent(new CustomEvent(ANSWER_EVENT, { bubbles: true }));
  }

  /** @param {unknown} error */
  #authorError(error) {
    const note = document.createElement('p');
    note.className = 'lesson-error';
    note.textContent = `This question cannot be shown: ${error instanceof Error ? error.message : String(error)}.`;
    this.prepend(note);
  }
}

/**
 * Which head computed the weights, in words.
 * @param {Weights} w
 */
function where(w) {
  if (w.modelInfo) return `layer ${w.layer + 1}, head ${w.head + 1} of ${modelName(w)}`;
  if (w.model === 'toy') return `head ${w.head + 1} of the toy, random projections`;
  return w.caption;
}

/**
 * The key tokens of a playground's weights, as one string to compare.
 * @param {Weights} w
 */
function offeredKeys(w) {
  return w.keyTokens.join('\u0000');
}

/** @param {number} step */
function decimals(step) {
  const text = String(step);
  return text.includes('.') ? text.split('.')[1].length : 0;
}
