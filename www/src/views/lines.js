// The lines view: query tokens on the left, key tokens on the right, a line from each query
// to each key whose opacity is the weight, one colour per head. Hover a token to see only
// its lines; click to pin it (and click again to unpin); switch heads on and off.

import { el, svgEl } from '../dom.js';
import { headColour } from '../colors.js';
import { formatWeight, quoteToken } from '../format.js';
import { createStretchToggle } from './legend.js';
import { LINES_LABEL, LINES_LIMIT, LINES_TOKEN_LIMIT, LINE_OPACITY, LINE_WIDTH, LINE_WIDTH_GROWTH, MIN_WEIGHT, ROW } from '../generated/design.js';
import { headWeights, maxOf, shape, tokenLabel } from '../run-data.js';

/** @typedef {import('../run-data.js').RunData} RunData */
/** @typedef {import('../state.js').Pin} Pin */

// The limits (LINES_TOKEN_LIMIT tokens on a side, LINES_LIMIT lines at once), the weights drawn
// (from MIN_WEIGHT) and the row height are the design's, shared with the exported figure.

/**
 * @typedef {Object} DrawnLine
 * @property {number} head
 * @property {number} query
 * @property {number} key
 * @property {number} weight
 * @property {number} opacity  proportional to the weight (out of 1, or of the largest drawn when stretched)
 * @property {number} width
 */

/**
 * The lines the view draws: every head not hidden, only the active token's lines when one is
 * hovered or pinned, none below MIN_WEIGHT. `lines` is null when there would be more than
 * LINES_LIMIT (`total` says how many).
 * @param {RunData} data
 * @param {number[]} hiddenHeads
 * @param {Pin | null} active
 * @param {boolean} [stretch]  strength relative to the largest weight drawn (else to 1)
 * @returns {{ lines: DrawnLine[] | null, total: number }}
 */
export function linesToDraw(data, hiddenHeads, active, stretch = false) {
  const { queries, keys, heads } = shape(data);
  const shownHeads = [...Array(heads).keys()].filter((h) => !hiddenHeads.includes(h));
  const total = (active ? (active.side === 'q' ? keys : queries) : queries * keys) * shownHeads.length;
  if (total > LINES_LIMIT) return { lines: null, total: queries * keys * shownHeads.length };
  const top = stretch ? Math.max(MIN_WEIGHT, ...shownHeads.map((h) => maxOf(headWeights(data, h)))) : 1;
  /** @type {DrawnLine[]} */
  const lines = [];
  const qs = active?.side === 'q' ? [active.index] : [...Array(queries).keys()];
  const ks = active?.side === 'k' ? [active.index] : [...Array(keys).keys()];
  for (const head of shownHeads) {
    const weights = headWeights(data, head);
    for (const query of qs) {
      for (const key of ks) {
        const weight = weights[query * keys + key];
        if (!(weight >= MIN_WEIGHT)) continue;
        lines.push({ head, query, key, weight, opacity: Math.min(1, (LINE_OPACITY * weight) / top), width: LINE_WIDTH + (LINE_WIDTH_GROWTH * weight) / top });
      }
    }
  }
  return { lines, total };
}

/**
 * @typedef {Object} LinesInput
 * @property {RunData} data
 * @property {Pin | null} pin
 * @property {number[]} hiddenHeads
 * @property {number} head  the focused head
 * @property {number} query  the focused query: its lines are drawn when all of them would be too many
 * @property {boolean} stretch  line strength relative to the largest weight drawn (else to 1)
 */

/**
 * @typedef {Object} LinesCallbacks
 * @property {(pin: Pin | null) => void} onPin
 * @property {(head: number) => void} onToggleHead
 * @property {(head: number | null) => void} onOnly  show only this head (null: every head)
 * @property {(pin: Pin | null) => void} onHover
 * @property {(on: boolean) => void} onStretch  the reader stretched the lines' strength (or not)
 */

/**
 * @param {HTMLElement} root
 * @param {LinesCallbacks} callbacks
 */
export function createLines(root, callbacks) {
  const doc = root.ownerDocument;
  const heads = el(doc, 'fieldset', { class: 'lines-heads' });
  const only = el(doc, 'button', {
    class: 'small-button',
    attrs: { type: 'button' },
    on: { click: () => input && callbacks.onOnly(onlyFocused(input) ? null : input.head) },
  });
  const note = el(doc, 'p', { class: 'view-note' });
  // How strong a line is, and the checkbox that stretches it (shared with the heatmap's colours).
  const strength = el(doc, 'span', { class: 'lines-strength' });
  const stretch = createStretchToggle(doc, callbacks.onStretch);
  const stage = el(doc, 'div', { class: 'lines-stage' });
  // The tokens' rows are as tall as the lines' (the stylesheet reads the design's height here).
  stage.style.setProperty('--lines-row', `${ROW}px`);
  root.replaceChildren(heads, note, el(doc, 'p', { class: 'lines-scale' }, [strength, ' ', stretch.element]), stage);

  /** @type {LinesInput | null} */
  let input = null;
  /** @type {Pin | null} */
  let hover = null;
  /** @type {SVGElement | null} */
  let svg = null;
  /** @type {HTMLButtonElement[][]} */
  let buttons = [[], []];

  /** @param {Pin | null} pin */
  function setHover(pin) {
    hover = pin;
    callbacks.onHover(pin);
    drawLines();
  }

  /**
   * @param {'q' | 'k'} side
   * @param {import('../types').Token[]} tokens
   */
  function column(side, tokens) {
    const list = el(doc, 'div', { class: `lines-column lines-${side === 'q' ? 'queries' : 'keys'}` });
    const made = tokens.map((token, index) => {
      const button = el(doc, 'button', {
        class: token.special ? 'lines-token special' : 'lines-token',
        text: tokenLabel(token, LINES_LABEL),
        attrs: { type: 'button', 'aria-pressed': 'false', title: token.text },
        on: {
          pointerenter: () => setHover({ side, index }),
          pointerleave: () => setHover(null),
          focus: () => setHover({ side, index }),
          blur: () => setHover(null),
          click: () => {
            const pinned = input?.pin;
            callbacks.onPin(pinned && pinned.side === side && pinned.index === index ? null : { side, index });
          },
        },
      });
      button.setAttribute('aria-label', `${side === 'q' ? 'Query' : 'Key'} ${token.text}: pin its lines`);
      return button;
    });
    list.append(...made);
    return { list, made };
  }

  function drawLines() {
    if (!input || !svg) return;
    const every = linesToDraw(input.data, input.hiddenHeads, input.pin ?? hover, input.stretch);
    // Too many lines at once: the focused query's are drawn, at any length.
    const focused = /** @type {Pin} */ ({ side: 'q', index: input.query });
    const active = every.lines ? input.pin ?? hover : focused;
    const drawn = every.lines ? every : linesToDraw(input.data, input.hiddenHeads, focused, input.stretch);
    const width = 240;
    const group = svgEl(doc, 'g');
    if (!drawn.lines) {
      note.textContent = `${drawn.total.toLocaleString('en')} lines are too many to draw at once: hover or click a token to see its lines.`;
    } else {
      const token = input.data.summary.queryTokens[input.query]?.text ?? '';
      note.textContent = !every.lines
        ? `${every.total.toLocaleString('en')} lines are too many to draw at once: these are the lines of the focused query ${quoteToken(token)}; hover or click a token for its own.`
        : active ? '' : 'Hover a token to follow its lines; click to pin it.';
      const { queryTokens, keyTokens } = input.data.summary;
      for (const line of drawn.lines) {
        group.append(svgEl(doc, 'line', {
          attrs: {
            x1: 0, y1: line.query * ROW + ROW / 2, x2: width, y2: line.key * ROW + ROW / 2,
            stroke: headColour(line.head), 'stroke-opacity': line.opacity.toFixed(3), 'stroke-width': line.width.toFixed(2),
          },
        }, [svgEl(doc, 'title', { text: `${queryTokens[line.query].text} → ${keyTokens[line.key].text}, head ${line.head + 1}: ${formatWeight(line.weight)}` })]));
      }
    }
    svg.replaceChildren(group);
    buttons.forEach((list, sideIndex) => {
      const side = sideIndex === 0 ? 'q' : 'k';
      list.forEach((button, index) => {
        const pinned = input?.pin?.side === side && input.pin.index === index;
        button.setAttribute('aria-pressed', String(pinned));
        button.classList.toggle('active', active?.side === side && active.index === index);
      });
    });
  }

  /** @param {LinesInput} next */
  function update(next) {
    const rebuild = !input || input.data !== next.data;
    input = next;
    stretch.set(next.stretch);
    strength.textContent = next.stretch
      ? 'Line strength is stretched: the strongest line is the largest weight drawn.'
      : 'Line strength is the weight out of 1: a line at full strength is all of a query’s attention.';
    const { queries, keys, heads: headCount } = shape(next.data);
    if (rebuild) {
      if (Math.max(queries, keys) > LINES_TOKEN_LIMIT) {
        note.textContent = `The lines view shows up to ${LINES_TOKEN_LIMIT} tokens; this text has ${Math.max(queries, keys).toLocaleString('en')}. The heatmap shows them all.`;
        stage.replaceChildren();
        heads.replaceChildren();
        svg = null;
        buttons = [[], []];
        return;
      }
      const left = column('q', next.data.summary.queryTokens);
      const right = column('k', next.data.summary.keyTokens);
      buttons = [left.made, right.made];
      const height = Math.max(queries, keys) * ROW;
      svg = svgEl(doc, 'svg', {
        class: 'lines-svg',
        attrs: { viewBox: `0 0 240 ${height}`, preserveAspectRatio: 'none', height, 'aria-hidden': 'true' },
      });
      stage.replaceChildren(left.list, svg, right.list);
      heads.replaceChildren(el(doc, 'legend', { text: 'Heads shown' }), only, ...[...Array(headCount).keys()].map((h) => {
        const box = el(doc, 'input', { attrs: { type: 'checkbox' }, on: { change: () => callbacks.onToggleHead(h) } });
        const swatch = el(doc, 'span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
        swatch.style.setProperty('--swatch', headColour(h));
        return el(doc, 'label', { class: 'head-toggle' }, [box, swatch, `Head ${h + 1}`]);
      }));
    }
    heads.querySelectorAll('input').forEach((box, h) => {
      box.checked = !next.hiddenHeads.includes(h);
    });
    only.textContent = onlyFocused(next) ? 'Every head' : `Only head ${next.head + 1}`;
    only.hidden = headCount < 2;
    drawLines();
  }

  return { update };
}

/**
 * Whether the focused head is the only one shown.
 * @param {LinesInput} input
 */
function onlyFocused(input) {
  const { heads } = shape(input.data);
  return heads > 1 && [...Array(heads).keys()].every((h) => input.hiddenHeads.includes(h) === (h !== input.head));
}
