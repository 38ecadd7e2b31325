// <lesson-occlusion>: is attention an explanation? A trained decoder predicts the next token of a
// text; then each token of the text is removed in turn and the prediction computed again
// (leave-one-out occlusion), beside the attention one head gives each token from the last one.
// Every number is the core's, on the page's own thread: the model's files are read once, each
// run is the decoder's first generation step. The core keeps the ten most probable next tokens
// of a step, so when the predicted token drops out of them its probability is only known to be
// below the tenth's, and the table says so ("< 0.011").
//
//   <lesson-occlusion id="occ" model="../../trained/gpt2-2l-induction/" layer="1" head="0"
//     text="<|endoftext|> kite ball …"></lesson-occlusion>

import { Session } from '../../../pkg/attention_playground.js';
import { loadCore } from './core.js';
import { DATA_EVENT } from './sources.js';
import { tokenIndex, tokenText } from './measure.js';
import { formatWeight } from '../format.js';
import { decisive, mostAttended, probabilityOf, probabilityText, withoutToken } from './leave-one-out.js';

/** @typedef {import('./leave-one-out.js').Occluded} Occluded */

/** Loaded decoders by address: one copy for every element of the page. */
const sessions = new Map();

/**
 * A session with the decoder of a folder loaded.
 * @param {URL} folder
 * @returns {Promise<Session>}
 */
function decoderSession(folder) {
  const key = folder.href;
  if (!sessions.has(key)) {
    sessions.set(key, (async () => {
      await loadCore();
      const read = async (/** @type {string} */ file) => {
        const response = await fetch(new URL(file, folder));
        if (!response.ok) throw new Error(`${file} could not be read (the server answered ${response.status})`);
        return response;
      };
      const [config, tokenizer, weights] = await Promise.all([
        read('config.json').then((r) => r.text()),
        read('tokenizer.json').then((r) => r.text()),
        read('model.safetensors').then((r) => r.arrayBuffer()),
      ]);
      const session = new Session();
      const name = folder.pathname.split('/').filter(Boolean).at(-1) ?? 'model';
      session.loadModel(name, config, tokenizer, undefined, new Uint8Array(weights));
      return session;
    })());
  }
  return sessions.get(key);
}

export class LessonOcclusion extends HTMLElement {
  /** @type {Occluded[]} */
  #rows = [];
  /** @type {{ id: number, text: string, probability: number } | null} */
  #predicted = null;
  /** @type {import('./measure.js').Weights | null} */
  lessonWeights = null;
  #started = false;
  #name = '';

  get lessonReady() {
    return this.#predicted !== null;
  }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.classList.add('occlusion');
    const status = document.createElement('p');
    status.className = 'sweep-status';
    status.textContent = 'Loading the model and computing…';
    this.replaceChildren(status);
    this.#run(status).catch((error) => {
      status.className = 'lesson-error';
      status.textContent = `This table cannot be computed: ${error instanceof Error ? error.message : String(error)}.`;
    });
  }

  /** @param {HTMLElement} status */
  async #run(status) {
    const folder = new URL(this.getAttribute('model') ?? '', this.ownerDocument.baseURI);
    this.#name = folder.pathname.split('/').filter(Boolean).at(-1) ?? 'the model';
    const text = this.getAttribute('text') ?? '';
    const layer = Number(this.getAttribute('layer') ?? 0);
    const head = Number(this.getAttribute('head') ?? 0);
    const session = await decoderSession(folder);
    const base = /** @type {import('../types').RunSummary} */ (session.run({ source: 'generate', text, steps: 1 }));
    const generation = base.generation;
    if (!generation || generation.steps.length === 0) throw new Error('the model predicted nothing for this text');
    if (layer >= base.blocks.length || head >= base.blocks[layer].heads) throw new Error(`the model has no layer ${layer + 1}, head ${head + 1}`);
    const step = generation.steps[0];
    const all = base.sequences[0].tokens;
    const n = all.length;
    const prompt = all.slice(0, generation.promptTokens);
    const p = prompt.length;
    const matrix = session.weights(layer, head);
    const last = p - 1;
    this.lessonWeights = {
      model: this.getAttribute('model') ?? '',
      caption: `${this.#name}, layer ${layer + 1}, head ${head + 1}`,
      modelInfo: { kind: 'decoder', dK: base.dModel / base.blocks[layer].heads, hidden: base.dModel, heads: base.blocks[layer].heads, layers: base.blocks.length },
      layer,
      head,
      queryTokens: prompt.map((t) => t.text),
      keyTokens: prompt.map((t) => t.text),
      weights: prompt.map((_, q) => Array.from(matrix.subarray(q * n, q * n + p))),
      masked: prompt.flatMap((_, q) => prompt.map((__, k) => /** @type {[number, number]} */ ([q, k])).filter(([, k]) => k > q)),
    };
    const predicted = { id: step.id, text: step.top.find((c) => c.id === step.id)?.text ?? '', probability: step.probability };
    /** @type {Occluded[]} */
    const rows = [];
    for (const [i, token] of prompt.entries()) {
      if (token.start === token.end) continue;
      status.textContent = `Computing without token ${i + 1} of ${p}…`;
      // One run at a time, with a pause between: the page stays responsive.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const run = /** @type {import('../types').RunSummary} */ (session.run({ source: 'generate', text: withoutToken(text, token), steps: 1 }));
      const without = run.generation?.steps[0];
      if (!without) throw new Error(`the model predicted nothing without ‘${tokenText(token.text)}’`);
      rows.push({ token, attention: matrix[last * n + i], probability: probabilityOf(without, predicted.id), top: without.top[0]?.text ?? '' });
    }
    this.#rows = rows;
    this.#predicted = predicted;
    this.#draw(layer, head);
    this.dispatchEvent(new CustomEvent(DATA_EVENT));
  }

  /**
   * @param {number} layer
   * @param {number} head
   */
  #draw(layer, head) {
    const predicted = this.#predicted;
    if (!predicted) return;
    const attended = mostAttended(this.#rows);
    const important = decisive(this.#rows);
    const outOfTop = this.#rows[important[0]].probability.below;
    const table = document.createElement('table');
    table.className = 'occlusion-table';
    const caption = table.createCaption();
    caption.textContent = `${this.#name} predicts ‘${tokenText(predicted.text)}’ next with probability ${formatWeight(predicted.probability)}. `
      + `Each row: the weight layer ${layer + 1}, head ${head + 1} gives the token from the last one, and the probability of ‘${tokenText(predicted.text)}’ `
      + 'when the token is removed from the text. “<” : the token fell out of the ten most probable, which is all the core keeps of a step.';
    const headRow = table.createTHead().insertRow();
    for (const name of ['Token', `Attention (layer ${layer + 1}, head ${head + 1})`, `p(‘${tokenText(predicted.text)}’) without it`, 'Predicted instead']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      headRow.append(th);
    }
    const body = table.createTBody();
    this.#rows.forEach((row, i) => {
      const tr = body.insertRow();
      tr.classList.toggle('occlusion-attended', i === attended);
      tr.classList.toggle('occlusion-important', important.includes(i));
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = tokenText(row.token.text) || '␣';
      tr.append(th);
      tr.append(barCell(row.attention, formatWeight(row.attention), 'occlusion-bar-attention'));
      tr.append(barCell(row.probability.value, probabilityText(row.probability), row.probability.below ? 'occlusion-bar-below' : 'occlusion-bar-probability'));
      tr.insertCell().textContent = tokenText(row.top) || '␣';
    });
    const key = document.createElement('p');
    key.className = 'occlusion-key';
    const names = important.map((i) => `‘${tokenText(this.#rows[i].token.text)}’`);
    key.textContent = `Most attended: ‘${tokenText(this.#rows[attended].token.text)}’ (marked ◆). `
      + (outOfTop
        ? `Removing any of ${listText(names)} pushes ‘${tokenText(predicted.text)}’ out of the ten most probable (marked ●). `
        : `Removing ${names[0]} lowers it most (marked ●). `)
      + `Without removing anything: ${formatWeight(predicted.probability)}.`;
    const scroll = document.createElement('div');
    scroll.className = 'sweep-scroll';
    scroll.append(table);
    this.replaceChildren(key, scroll);
  }

  /**
   * @param {string} name
   * @param {Element} spec  `key` (a token of the text, "Grace#1") where the measure is about one token
   * @returns {number | string | null}
   */
  lessonMeasure(name, spec) {
    const predicted = this.#predicted;
    if (!predicted) return null;
    const row = () => {
      const ref = spec.getAttribute('key');
      if (ref === null) throw new Error(`measure="${name}" needs key="…"`);
      const index = tokenIndex(this.#rows.map((r) => r.token.text), ref);
      return this.#rows[index];
    };
    switch (name) {
      case 'predicted':
        return `‘${tokenText(predicted.text)}’`;
      case 'probability':
        return predicted.probability;
      case 'most-attended':
        return `‘${tokenText(this.#rows[mostAttended(this.#rows)].token.text)}’`;
      case 'decisive':
        return listText(decisive(this.#rows).map((i) => `‘${tokenText(this.#rows[i].token.text)}’`));
      case 'decisive-count':
        return decisive(this.#rows).length;
      case 'attention':
        return row().attention;
      case 'without':
        return probabilityText(row().probability);
      default:
        throw new Error(`measure="${name}" is not one of predicted, probability, most-attended, decisive, decisive-count, attention, without`);
    }
  }
}

/**
 * Names joined as a sentence says them: "‘a’, ‘b’ and ‘c’".
 * @param {string[]} names
 */
function listText(names) {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * A table cell with a bar on the 0–1 scale and the number.
 * @param {number} value
 * @param {string} text
 * @param {string} className
 */
function barCell(value, text, className) {
  const cell = document.createElement('td');
  const inner = document.createElement('span');
  inner.className = 'occlusion-cell';
  const bar = document.createElement('span');
  bar.className = `occlusion-bar ${className}`;
  bar.setAttribute('aria-hidden', 'true');
  // CSSOM, not a style attribute: the strict CSP allows it.
  bar.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  const track = document.createElement('span');
  track.className = 'occlusion-track';
  track.append(bar);
  const number = document.createElement('span');
  number.className = 'occlusion-number';
  number.textContent = text;
  inner.append(track, number);
  cell.append(inner);
  return cell;
}
