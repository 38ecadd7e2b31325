// The step-by-step player for the focused head: one query at a time, from its projections to
// the heads combined by W_O, key by key, every stage explained in a sentence with its formula,
// its vectors in full and live numbers; the matrix beside it fills row by row as the player moves
// on, the current cell outlined. The row-wide stages show their formula for a key the reader
// picks. A decoder's decoding step is told the same way,
// on the matrix as it stood then (the new query's row is the one that grows it), with the keys
// and values of the earlier tokens from the cache, and ends with the choice of the next token.

import { el } from '../dom.js';
import { formatNumber, formatWeight, quoteToken } from '../format.js';
import { equalsParts, mathText, mi, mn, mo, renderMath, row, sup } from '../math.js';
import { SPEEDS } from '../state.js';
import { DECODING_STAGES, STAGE_LABELS, clampStep, describeStep, isRevealed, stageStart, stagesOf, stepAt, stepCount, translationStepNote } from '../timeline.js';
import { breakdownMatches, capitalised, cropped, firstKeys, headName, playerRow, shape, tokenLabel } from '../run-data.js';
import { createHeatmap } from './heatmap.js';
import { icon } from './icons.js';
import { renderNextTokens } from './next-tokens.js';
import { renderAdditive } from './additive.js';
import { readsPictures } from './picture.js';

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../types').Breakdown} QueryBreakdown */
/** @typedef {import('../timeline.js').StageKind} StageKind */
/** @typedef {import('../timeline.js').Decoding} Decoding */

/**
 * @typedef {Object} PlayerInput
 * @property {RunData} data
 * @property {QueryBreakdown | null} breakdown  for (head, query), null while it is on its way
 * @property {number} head
 * @property {number} query
 * @property {number} step
 * @property {number | null} key  the key the reader picked for the row-wide stages' formulas
 * @property {number} speed
 * @property {boolean} playing
 * @property {Set<string>} blocked
 * @property {string} [note]  a remark above the player (what it shows that other views do not)
 * @property {Decoding | null} [decoding]  the query is a decoding step's new query
 */

/**
 * @typedef {Object} PlayerCallbacks
 * @property {(step: number) => void} onStep
 * @property {(key: number | null) => void} onKey  the reader picks the key of the worked examples
 * @property {(query: number) => void} onQuery
 * @property {(direction: 1 | -1) => void} onAdvance
 * @property {() => void} onTogglePlay
 * @property {(speed: number) => void} onSpeed
 */

/** The columns of the player's number table, each revealed as its stage is reached. */
export const NUMBER_COLUMNS = /** @type {const} */ ([
  { kind: 'score', label: 'score s', pick: (/** @type {QueryBreakdown} */ b) => b.scores },
  { kind: 'scale', label: 'scaled ŝ', pick: (/** @type {QueryBreakdown} */ b) => b.scaled },
  { kind: 'mask', label: 'masked m', pick: (/** @type {QueryBreakdown} */ b) => b.masked },
  { kind: 'exp', label: 'exp e', pick: (/** @type {QueryBreakdown} */ b) => b.exp },
  { kind: 'normalise', label: 'weight w', pick: (/** @type {QueryBreakdown} */ b) => b.weights },
]);

/**
 * @param {HTMLElement} root
 * @param {PlayerCallbacks} callbacks
 */
export function createPlayer(root, callbacks) {
  const doc = root.ownerDocument;
  const heading = el(doc, 'h3', { class: 'player-heading' });
  const note = el(doc, 'p', { class: 'view-note player-note' });
  const matrixHost = el(doc, 'div', { class: 'player-matrix' });
  const matrix = createHeatmap(matrixHost, { onQuery: callbacks.onQuery, onToggleCell: () => {} });

  const stageTrack = el(doc, 'ol', { class: 'stage-track', attrs: { 'aria-label': 'Stages' } });
  /** The shape of the current query's story. */
  /** @type {import('../timeline.js').Row} */
  let rowShape = { keys: 0, predict: false };
  const stageButtons = DECODING_STAGES.map((kind) => {
    const button = el(doc, 'button', {
      class: kind === 'predict' || kind === 'combine' ? 'stage-chip stage-predict' : 'stage-chip',
      text: STAGE_LABELS[kind],
      attrs: { type: 'button' },
      on: { click: () => current && callbacks.onStep(stageStart(rowShape, kind)) },
    });
    stageTrack.append(el(doc, 'li', {}, [button]));
    return button;
  });

  const title = el(doc, 'p', { class: 'story-title' });
  const explanation = el(doc, 'p', { class: 'story-explanation' });
  const formula = el(doc, 'div', { class: 'story-formula', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Formula' } });
  const vectors = el(doc, 'div', { class: 'story-vectors' });
  const keyPicker = el(doc, 'select', { attrs: { 'aria-label': 'Key of the worked example' } });
  keyPicker.addEventListener('change', () => callbacks.onKey(keyPicker.value === '' ? null : Number(keyPicker.value)));
  const keyPick = el(doc, 'label', { class: 'key-pick' }, ['Worked example for key ', keyPicker]);
  const announcer = el(doc, 'p', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
  const numbers = el(doc, 'div', { class: 'player-numbers', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Numbers of this query, key by key' } });

  const back = el(doc, 'button', { class: 'icon-button', attrs: { type: 'button', 'aria-label': 'Step back', title: 'Step back (←)' }, on: { click: () => callbacks.onAdvance(-1) } }, [icon(doc, 'back')]);
  const play = el(doc, 'button', { class: 'play-button', attrs: { type: 'button', title: 'Play or pause (space)' }, on: { click: () => callbacks.onTogglePlay() } });
  const forward = el(doc, 'button', { class: 'icon-button', attrs: { type: 'button', 'aria-label': 'Step forward', title: 'Step forward (→)' }, on: { click: () => callbacks.onAdvance(1) } }, [icon(doc, 'forward')]);
  const scrub = el(doc, 'input', { class: 'scrub', attrs: { type: 'range', min: 0, max: 0, step: 1, 'aria-label': 'Step within this query' } });
  scrub.addEventListener('input', () => callbacks.onStep(Number(scrub.value)));
  const speed = el(doc, 'select', { attrs: { 'aria-label': 'Speed' } }, SPEEDS.map((s) => el(doc, 'option', { text: `${s}×`, attrs: { value: s } })));
  speed.addEventListener('change', () => callbacks.onSpeed(Number(speed.value)));
  const position = el(doc, 'span', { class: 'player-position' });
  const transport = el(doc, 'div', { class: 'transport', attrs: { role: 'group', 'aria-label': 'Player controls' } }, [
    back, play, forward, scrub, el(doc, 'label', { class: 'speed' }, ['Speed ', speed]), position,
  ]);

  // An additive score's stages, unit by unit, under the formula of the score stage.
  const additiveHost = el(doc, 'div', { class: 'story-additive' });
  const storyPanel = el(doc, 'div', { class: 'player-story' }, [stageTrack, title, explanation, formula, additiveHost, vectors, keyPick, transport, numbers, announcer]);
  root.replaceChildren(heading, note, el(doc, 'div', { class: 'player-layout' }, [matrixHost, storyPanel]));

  /** @type {PlayerInput | null} */
  let current = null;
  let announced = '';

  /** @param {PlayerInput} input */
  function update(input) {
    current = input;
    const decoding = input.decoding ?? null;
    // A decoding step's matrix is the one of its time: the tokens so far, the new query last (a
    // translation's rows are shown whole: its source exists from the start).
    const translation = input.data.run.translation != null;
    const data = decoding && !translation ? cropped(input.data, input.query + 1) : input.data;
    const { summary } = data;
    const { queries, keys } = shape(data);
    rowShape = { ...playerRow(input.data, input.query), keys };
    const stages = stagesOf(rowShape);
    const step = clampStep(rowShape, input.step);
    const queryToken = summary.queryTokens[input.query];
    const quoted = quoteToken(queryToken?.text ?? '');
    heading.textContent = decoding
      ? `Decoding step ${decoding.index + 1} of ${decoding.count} · ${headName(data, input.head)} · the new query ${quoted} (token ${input.query + 1})`
      : `${capitalised(headName(input.data, input.head))} · query ${quoted} (${input.query + 1} of ${queries})`;
    const remark = decoding && translation
      ? translationStepNote(summary.kind, decoding, quoteToken(decoding.chosen.text))
      : decoding
      ? `Generation goes one token at a time, and each step computes only what is new: the query, key and value of ${quoted}. The keys and values of the ${input.query} token${input.query === 1 ? '' : 's'} before it come from the key/value cache, and later tokens do not exist yet, so its row of the causal matrix is the new one.`
      : input.note ?? '';
    note.textContent = remark;
    note.hidden = !remark;
    const kind = stepAt(rowShape, step).kind;
    /** @type {import('./heatmap.js').HeatmapInput} */
    const matrixInput = {
      data,
      head: input.head,
      query: input.query,
      editMask: false,
      blocked: input.blocked,
      reveal: { query: input.query, rowDone: stages.indexOf(kind) >= stages.indexOf('normalise') },
      table: false,
      numbers: false,
      rowPanel: false,
    };
    matrix.update(matrixInput);
    stageButtons.forEach((button, i) => {
      const stage = DECODING_STAGES[i];
      button.parentElement?.toggleAttribute('hidden', !stages.includes(stage));
      button.classList.toggle('done', i < stages.indexOf(kind));
      if (stage === kind) button.setAttribute('aria-current', 'step');
      else button.removeAttribute('aria-current');
    });
    const steps = stepCount(rowShape);
    scrub.max = String(steps - 1);
    scrub.value = String(step);
    speed.value = String(input.speed);
    play.replaceChildren(icon(doc, input.playing ? 'pause' : 'play'), input.playing ? 'Pause' : 'Play');
    play.setAttribute('aria-pressed', String(input.playing));
    position.textContent = `step ${step + 1} of ${steps}`;

    const whole = input.breakdown;
    if (!whole || !breakdownMatches(whole, input.data, input.head, input.query)) {
      title.textContent = 'Computing…';
      return;
    }
    const picked = input.key === null ? null : Math.min(input.key, keys - 1);
    const b = decoding ? firstKeys(whole, keys) : whole;
    const story = describeStep(b, step, { query: queryToken, keys: summary.keyTokens, score: summary.score, decoding, cross: translation && summary.kind === 'cross', cache: !translation, picked, combine: rowShape.combine, toy: !data.model, patches: readsPictures(data.run.source.kind) });
    title.textContent = story.title;
    explanation.textContent = story.explanation;
    // One <math> per part from an `=` on, so that a long formula wraps inside its box.
    const parts = equalsParts(story.formula).map((part) => renderMath(doc, part, 'inline'));
    parts.forEach((part) => part.setAttribute('aria-hidden', 'true'));
    formula.setAttribute('aria-label', mathText(story.formula));
    formula.replaceChildren(...parts);
    formula.dataset.text = mathText(story.formula);
    formula.dataset.stage = story.step.kind;
    formula.dataset.key = String(story.key);
    renderAdditive(additiveHost, story.step.kind === 'score' ? b.additive ?? null : null, story.key, {
      cross: translation && summary.kind === 'cross',
      keyText: quoteToken(summary.keyTokens[story.key]?.text ?? ''),
    });
    renderVectors(vectors, story.vectors);
    // The heatmap outlines the cell of the key the step is about.
    matrix.update({ ...matrixInput, key: story.key });
    renderKeyOptions(keyPicker, summary.keyTokens, picked);
    if (story.announcement !== announced) {
      announced = story.announcement;
      announcer.textContent = story.announcement;
    }
    if (decoding && kind === 'predict') {
      numbers.setAttribute('aria-label', 'The most probable next tokens');
      renderNextTokens(numbers, decoding.top, decoding.chosen);
    } else {
      numbers.setAttribute('aria-label', 'Numbers of this query, key by key');
      renderNumbers(numbers, b, rowShape, step, story.key, summary.keyTokens, callbacks.onKey);
    }
  }

  return { update };
}

/**
 * The query's numbers, one row per key and one column per stage; cells appear as the player
 * reaches them, the current key is marked, and the weight column carries a bar.
 * @param {HTMLElement} root
 * @param {QueryBreakdown} b
 * @param {import('../timeline.js').Row} at
 * @param {number} step
 * @param {number} key
 * @param {import('../types').Token[]} keyTokens
 * @param {(key: number) => void} onKey  a row picked
 */
function renderNumbers(root, b, at, step, key, keyTokens, onKey) {
  const doc = root.ownerDocument;
  const head = el(doc, 'tr', {}, [
    el(doc, 'th', { text: 'key', attrs: { scope: 'col' } }),
    ...NUMBER_COLUMNS.map(({ label }) => el(doc, 'th', { text: label, attrs: { scope: 'col' } })),
  ]);
  const body = el(doc, 'tbody');
  for (let j = 0; j < b.keys; j += 1) {
    const token = keyTokens[j];
    const tr = el(doc, 'tr', { class: j === key ? 'current' : '', on: { click: () => onKey(j) } }, [
      el(doc, 'th', { text: token ? tokenLabel(token, 14) : `#${j}`, attrs: { scope: 'row', title: token?.text ?? '' } }),
    ]);
    for (const { kind, pick } of NUMBER_COLUMNS) {
      const value = pick(b)[j];
      const shown = isRevealed(at, step, kind, j);
      const masked = b.allowed[j] === 0 && kind !== 'score' && kind !== 'scale';
      const cell = el(doc, 'td', {
        class: [masked && shown ? 'masked' : '', shown ? '' : 'pending'].filter(Boolean).join(' '),
        text: !shown ? '·' : kind === 'normalise' ? formatWeight(value) : formatNumber(value),
        attrs: { 'data-stage': kind, 'data-key': j },
      });
      if (kind === 'normalise' && shown) {
        const bar = el(doc, 'span', { class: 'weight-bar', attrs: { 'aria-hidden': 'true' } });
        bar.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
        cell.prepend(bar);
      }
      tr.append(cell);
    }
    body.append(tr);
  }
  root.replaceChildren(el(doc, 'table', { class: 'numbers-table' }, [el(doc, 'thead', {}, [head]), body]));
}

/**
 * The step's vectors in full, each on a line that scrolls sideways: every number, indexed from 1
 * on hover, a head's part marked.
 * @param {HTMLElement} root
 * @param {import('../timeline.js').StoryVector[]} list
 */
function renderVectors(root, list) {
  const doc = root.ownerDocument;
  root.hidden = list.length === 0;
  root.replaceChildren(...list.map(({ label, values, highlight }) => {
    // The vector's name and size in the usual notation: x_i ∈ ℝ⁶⁴.
    const name = renderMath(doc, row(label, mo('∈'), sup(mi('ℝ'), mn(values.length, 0))), 'inline');
    const cells = el(doc, 'div', { class: 'vector-cells', attrs: { tabindex: 0, role: 'list', 'aria-label': `${mathText(label)}: ${values.length} numbers` } });
    const spans = [];
    for (let c = 0; c < values.length; c += 1) {
      const mine = highlight !== undefined && c >= highlight[0] && c < highlight[1];
      spans.push(el(doc, 'span', { class: mine ? 'vector-cell mine' : 'vector-cell', text: formatNumber(values[c]), attrs: { role: 'listitem', title: `${c + 1}` } }));
    }
    cells.append(...spans);
    return el(doc, 'div', { class: 'vector-row', attrs: { 'data-vector': mathText(label) } }, [el(doc, 'span', { class: 'vector-label' }, [name]), cells]);
  }));
  // A marked part (this head's, among every head's) is scrolled into view.
  for (const cells of root.querySelectorAll('.vector-cells')) {
    const mine = cells.querySelector('.mine');
    if (mine instanceof HTMLElement && cells instanceof HTMLElement) cells.scrollLeft = Math.max(0, mine.offsetLeft - cells.offsetLeft - 24);
  }
}

/**
 * The key picker's options: the key the story is at, then every key.
 * @param {HTMLSelectElement} select
 * @param {import('../types').Token[]} keyTokens
 * @param {number | null} picked
 */
function renderKeyOptions(select, keyTokens, picked) {
  const doc = select.ownerDocument;
  const labels = ['the key the story is at', ...keyTokens.map((token, j) => `${j + 1} · ${tokenLabel(token, 18)}`)];
  if (select.options.length !== labels.length || [...select.options].some((o, i) => o.text !== labels[i])) {
    select.replaceChildren(...labels.map((text, i) => el(doc, 'option', { text, attrs: { value: i === 0 ? '' : String(i - 1) } })));
  }
  select.value = picked === null ? '' : String(picked);
}
