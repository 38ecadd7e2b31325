// A vision model's input: a canvas to draw on (pen, eraser, clear), a picture file opened or
// dropped (decoded by the browser and drawn onto the canvas), a few example digits drawn as
// strokes, and beside them the model's prediction and the picture view: the picture as it was
// run, under its grid of patches, with the focused layer and head's attention of the focused
// query painted over it, or the attention rollout through that layer (hover or arrow keys move the
// query). The canvas's RGBA pixels are what the core reads; a new picture is announced once its
// stroke ends. The picture view paints the picture its run read, kept with the run, never the
// canvas as it is now: after a failed run the view still shows one picture with its own attention.

import { colourTop, viridis } from '../colors.js';
import { el } from '../dom.js';
import { CORE_LIMITS } from '../generated/core.js';
import { formatBytes, formatWeight } from '../format.js';
import { layerHeadWeights, maxOf, tokenLabel } from '../run-data.js';
import { renderLegend } from './legend.js';
import { createRolloutSwitch } from './rollout-switch.js';

/** @typedef {import('../state.js').Picture} Picture */
/** @typedef {import('../types').Vision} Vision */
/** @typedef {import('../types').ClassScore} ClassScore */
/** @typedef {import('../types').Patches} Patches */
/** @typedef {import('../run-data.js').RunData} RunData */

/** The picture view's canvas side in pixels. */
const VIEW_SIDE = 256;

/** How opaque the attention's colour is over the picture (the picture shows through). */
const PAINT_ALPHA = 0.7;

/**
 * The patch grid's place among a run's tokens: the tokens before the patches (the class token,
 * DeiT's distillation token), then the patches row by row.
 * @param {Patches} patches
 * @param {number} tokens  how many tokens the run has
 */
export function patchLayout(patches, tokens) {
  return { prefix: tokens - patches.rows * patches.columns, rows: patches.rows, columns: patches.columns };
}

/**
 * The query an arrow key moves to from `query` on the patch grid: a step within the grid
 * (clamped at its edges), from a token before the patches to the first patch, Home to the first
 * token ([CLS]); null for other keys.
 * @param {{ prefix: number, rows: number, columns: number }} layout
 * @param {number} query
 * @param {string} key
 */
export function movedQuery(layout, query, key) {
  const { prefix, rows, columns } = layout;
  if (key === 'Home') return 0;
  const steps = /** @type {Record<string, [number, number]>} */ ({ ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] });
  const step = steps[key];
  if (!step) return null;
  if (query < prefix) return prefix;
  const row = Math.min(rows - 1, Math.max(0, Math.floor((query - prefix) / columns) + step[0]));
  const column = Math.min(columns - 1, Math.max(0, ((query - prefix) % columns) + step[1]));
  return prefix + row * columns + column;
}

/** The canvas's side in pixels: the core shrinks it to the model's own size, as for any picture. */
export const DRAW_SIDE = 64;

/** Pen and eraser widths, in canvas pixels (a digit's stroke is about a tenth of its height). */
const WIDTHS = { pen: 6, eraser: 14 };

/**
 * Example digits as strokes on a unit square (x right, y down), drawn with the pen.
 * @type {Record<string, Array<Array<[number, number]>>>}
 */
export const EXAMPLES = {
  0: [Array.from({ length: 25 }, (_, i) => /** @type {[number, number]} */ ([0.5 + 0.22 * Math.sin((i / 24) * 2 * Math.PI), 0.5 - 0.32 * Math.cos((i / 24) * 2 * Math.PI)]))],
  1: [[[0.38, 0.3], [0.54, 0.18], [0.54, 0.82]]],
  2: [[[0.28, 0.32], [0.4, 0.2], [0.62, 0.22], [0.68, 0.38], [0.28, 0.8], [0.74, 0.8]]],
  3: [[[0.3, 0.2], [0.66, 0.22], [0.44, 0.48], [0.68, 0.6], [0.6, 0.8], [0.3, 0.8]]],
  4: [[[0.6, 0.82], [0.6, 0.18], [0.26, 0.6], [0.76, 0.6]]],
  7: [[[0.26, 0.2], [0.74, 0.2], [0.44, 0.82]]],
};

/**
 * Why a file cannot be the picture, or '' when it may be one (its type and size, before decoding).
 * @param {{ name: string, type: string, size: number }} file
 */
export function fileNote(file) {
  if (!file.type.startsWith('image/')) {
    return `${file.name} is not a picture (${file.type || 'its type is unknown'}): open a PNG, JPEG, GIF or WebP file, or draw on the canvas.`;
  }
  if (file.size > CORE_LIMITS.maxImageFileBytes) {
    return `${file.name} is ${formatBytes(file.size)}: the largest picture file read is ${formatBytes(CORE_LIMITS.maxImageFileBytes)}.`;
  }
  return '';
}

/**
 * Why a decoded picture is too large, or ''.
 * @param {string} name
 * @param {number} width
 * @param {number} height
 */
export function sizeNote(name, width, height) {
  const side = CORE_LIMITS.maxImageSide;
  return width > side || height > side ? `${name} is ${width} × ${height} pixels: each side may be at most ${side}. Shrink it first.` : '';
}

/**
 * Where a picture of width × height goes on the square canvas: scaled to fit, centred.
 * @param {number} width
 * @param {number} height
 * @param {number} side
 */
export function fitInSquare(width, height, side) {
  const scale = side / Math.max(width, height);
  const w = width * scale;
  const h = height * scale;
  return { x: (side - w) / 2, y: (side - h) / 2, w, h };
}

/**
 * @param {HTMLElement} root
 * @param {{ onPicture: () => void, onQuery: (query: number) => void, onAcross: (across: import('../state.js').Across) => void }} callbacks  a
 *   new picture is on the canvas; the reader moved the query on the picture view; the reader
 *   switched between one head, the rollout and the flow
 */
export function createPicturePanel(root, callbacks) {
  const doc = root.ownerDocument;
  const canvas = /** @type {HTMLCanvasElement} */ (el(doc, 'canvas', {
    class: 'picture-canvas',
    attrs: { width: String(DRAW_SIDE), height: String(DRAW_SIDE), 'aria-label': 'Drawing canvas: draw a digit with the pointer' },
  }));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
  /** @type {'pen' | 'eraser'} */
  let tool = 'pen';
  const toolButton = (/** @type {'pen' | 'eraser'} */ name, /** @type {string} */ text) =>
    el(doc, 'button', { class: 'small-button picture-tool', text, attrs: { type: 'button', 'aria-pressed': String(name === tool), 'data-tool': name }, on: { click: () => setTool(name) } });
  const pen = toolButton('pen', 'Pen');
  const eraser = toolButton('eraser', 'Eraser');
  const clear = el(doc, 'button', { class: 'small-button', text: 'Clear', attrs: { type: 'button' }, on: { click: () => { blank(); callbacks.onPicture(); } } });
  const fileInput = /** @type {HTMLInputElement} */ (el(doc, 'input', { class: 'picture-file', attrs: { type: 'file', accept: 'image/*', 'aria-label': 'Open a picture' } }));
  const open = el(doc, 'button', { class: 'small-button', text: 'Open a picture…', attrs: { type: 'button' }, on: { click: () => fileInput.click() } });
  const note = el(doc, 'p', { class: 'note note-warn picture-note', attrs: { role: 'status' } });
  note.hidden = true;
  const examples = el(doc, 'div', { class: 'picture-examples', attrs: { role: 'group', 'aria-label': 'Example digits' } }, [
    el(doc, 'span', { class: 'field-label', text: 'Try' }),
    ...Object.keys(EXAMPLES).map((digit) => el(doc, 'button', { class: 'small-button example-button', text: digit, attrs: { type: 'button', 'aria-label': `Example: ${digit}` }, on: { click: () => example(digit) } })),
  ]);
  const label = el(doc, 'p', { class: 'picture-label' });
  const top = el(doc, 'ol', { class: 'picture-top', attrs: { 'aria-label': 'Most probable classes' } });
  const prediction = el(doc, 'section', { class: 'picture-prediction', attrs: { 'aria-label': 'Prediction', 'aria-live': 'polite' } }, [label, top]);
  // The picture view: the picture as it was run, its patches, the attention painted over it.
  const shot = /** @type {HTMLCanvasElement} */ (el(doc, 'canvas', { attrs: { width: String(DRAW_SIDE), height: String(DRAW_SIDE) } }));
  const shotCtx = /** @type {CanvasRenderingContext2D} */ (shot.getContext('2d'));
  const view = /** @type {HTMLCanvasElement} */ (el(doc, 'canvas', {
    class: 'picture-view',
    attrs: { width: String(VIEW_SIDE), height: String(VIEW_SIDE), tabindex: '0', role: 'img', 'aria-label': 'The picture with attention painted over its patches' },
  }));
  const viewCtx = /** @type {CanvasRenderingContext2D} */ (view.getContext('2d'));
  const viewTitle = el(doc, 'h3', { class: 'picture-view-title' });
  const viewNote = el(doc, 'p', { class: 'field-hint picture-view-note' });
  const legend = el(doc, 'div', { class: 'legend picture-legend' });
  const rolloutSwitch = createRolloutSwitch(doc, callbacks.onAcross);
  const attention = el(doc, 'section', { class: 'picture-attention', attrs: { 'aria-label': 'Attention over the picture' } }, [rolloutSwitch.element, viewTitle, view, legend, viewNote]);
  const pad = el(doc, 'div', { class: 'picture-pad' }, [canvas]);
  root.replaceChildren(el(doc, 'div', { class: 'ap-picture' }, [
    el(doc, 'div', { class: 'picture-input' }, [
      pad,
      el(doc, 'div', { class: 'picture-tools', attrs: { role: 'group', 'aria-label': 'Drawing tools' } }, [pen, eraser, clear, open, fileInput]),
      examples,
      el(doc, 'p', { class: 'field-hint', text: `Draw with the pointer or a finger, or drop a picture on the canvas. The model sees it shrunk to its own size, dark ink on white as it was trained.` }),
      note,
    ]),
    el(doc, 'div', { class: 'picture-results' }, [prediction, attention]),
  ]));

  /** @param {'pen' | 'eraser'} name */
  function setTool(name) {
    tool = name;
    pen.setAttribute('aria-pressed', String(name === 'pen'));
    eraser.setAttribute('aria-pressed', String(name === 'eraser'));
  }

  function blank() {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, DRAW_SIDE, DRAW_SIDE);
    showNote('');
  }

  /** @param {string} text */
  function showNote(text) {
    note.textContent = text;
    note.hidden = text === '';
  }

  /**
   * A line of the current tool through canvas points.
   * @param {Array<[number, number]>} points
   * @param {'pen' | 'eraser'} kind
   */
  function stroke(points, kind) {
    ctx.strokeStyle = kind === 'pen' ? '#000000' : '#ffffff';
    ctx.lineWidth = WIDTHS[kind];
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(points[0][0], points[0][1]);
    // A single point is drawn as a dot: a line of zero length with round caps.
    for (const [x, y] of points.length === 1 ? points : points.slice(1)) ctx.lineTo(x, y);
    ctx.stroke();
  }

  /** @param {string} digit */
  function drawExample(digit) {
    blank();
    for (const line of EXAMPLES[digit]) stroke(line.map(([x, y]) => /** @type {[number, number]} */ ([x * DRAW_SIDE, y * DRAW_SIDE])), 'pen');
  }

  /** @param {string} digit */
  function example(digit) {
    drawExample(digit);
    callbacks.onPicture();
  }

  /** @param {PointerEvent} event  @returns {[number, number]} */
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * DRAW_SIDE, ((event.clientY - box.top) / box.height) * DRAW_SIDE];
  }

  /** @type {[number, number] | null} */
  let last = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke([last], tool);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const next = point(event);
    stroke([last, next], tool);
    last = next;
  });
  const end = () => {
    if (!last) return;
    last = null;
    callbacks.onPicture();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  /** @param {File} file */
  async function read(file) {
    const refused = fileNote(file);
    if (refused) {
      showNote(refused);
      return;
    }
    /** @type {ImageBitmap} */
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      showNote(`${file.name} could not be read as a picture: the browser cannot decode it.`);
      return;
    }
    const tooLarge = sizeNote(file.name, bitmap.width, bitmap.height);
    if (tooLarge) {
      bitmap.close();
      showNote(tooLarge);
      return;
    }
    blank();
    const at = fitInSquare(bitmap.width, bitmap.height, DRAW_SIDE);
    ctx.drawImage(bitmap, at.x, at.y, at.w, at.h);
    bitmap.close();
    callbacks.onPicture();
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) read(file);
  });
  // A file dropped on the canvas is a picture, not a model's files (the playground's own drop).
  pad.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = 'copy';
    pad.classList.add('dropping');
  });
  pad.addEventListener('dragleave', () => pad.classList.remove('dropping'));
  pad.addEventListener('drop', (event) => {
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    event.stopPropagation();
    pad.classList.remove('dropping');
    read(file);
  });

  /** @type {{ layout: ReturnType<typeof patchLayout>, query: number } | null} */
  let grid = null;
  /** @param {PointerEvent} event */
  const hover = (event) => {
    if (!grid) return;
    const box = view.getBoundingClientRect();
    const { prefix, rows, columns } = grid.layout;
    const column = Math.floor(((event.clientX - box.left) / box.width) * columns);
    const row = Math.floor(((event.clientY - box.top) / box.height) * rows);
    if (row < 0 || row >= rows || column < 0 || column >= columns) return;
    const query = prefix + row * columns + column;
    if (query !== grid.query) callbacks.onQuery(query);
  };
  view.addEventListener('pointermove', hover);
  view.addEventListener('pointerdown', hover);
  view.addEventListener('keydown', (event) => {
    const query = grid && movedQuery(grid.layout, grid.query, event.key);
    if (query === null || !grid) return;
    event.preventDefault();
    if (query !== grid.query) callbacks.onQuery(query);
  });

  /**
   * Paints the picture the run read, the attention of the focused query over its patches (one
   * head's, or the rollout or flow through the layer when `rollout` is given), the grid and the query's
   * patch.
   * @param {{ full: RunData, layer: number, head: number, query: number, stretch: boolean, rollout: RunData | null, across: import('../state.js').Across }} at
   */
  function paintAttention({ full, layer, head, query, stretch, rollout, across }) {
    const patches = full.run.vision?.patches;
    const picture = full.picture;
    attention.hidden = !patches || !picture || full.layers === 0;
    if (!patches || !picture || full.layers === 0) {
      grid = null;
      return;
    }
    rolloutSwitch.update({ kind: full.run.source.kind, on: across, layer, error: full.rolloutError ?? null });
    const block = full.run.blocks[layer];
    const tokens = full.sequences[block.keys];
    const layout = patchLayout(patches, tokens.length);
    grid = { layout, query };
    const row = (rollout ? layerHeadWeights(rollout, layer, 0) : layerHeadWeights(full, layer, head)).subarray(query * tokens.length, (query + 1) * tokens.length);
    const onPatches = row.subarray(layout.prefix);
    const brightest = colourTop(maxOf(onPatches), stretch);
    if (shot.width !== picture.width || shot.height !== picture.height) Object.assign(shot, { width: picture.width, height: picture.height });
    shotCtx.putImageData(new ImageData(/** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.pixels), picture.width, picture.height), 0, 0);
    viewCtx.imageSmoothingEnabled = false;
    viewCtx.drawImage(shot, 0, 0, VIEW_SIDE, VIEW_SIDE);
    const w = VIEW_SIDE / layout.columns;
    const h = VIEW_SIDE / layout.rows;
    for (let r = 0; r < layout.rows; r += 1) {
      for (let c = 0; c < layout.columns; c += 1) {
        const [red, green, blue] = viridis(onPatches[r * layout.columns + c] / brightest);
        viewCtx.fillStyle = `rgb(${red} ${green} ${blue} / ${PAINT_ALPHA})`;
        viewCtx.fillRect(c * w, r * h, w, h);
      }
    }
    viewCtx.strokeStyle = 'rgb(255 255 255 / 0.55)';
    viewCtx.lineWidth = 1;
    viewCtx.beginPath();
    for (let c = 1; c < layout.columns; c += 1) {
      viewCtx.moveTo(Math.round(c * w) + 0.5, 0);
      viewCtx.lineTo(Math.round(c * w) + 0.5, VIEW_SIDE);
    }
    for (let r = 1; r < layout.rows; r += 1) {
      viewCtx.moveTo(0, Math.round(r * h) + 0.5);
      viewCtx.lineTo(VIEW_SIDE, Math.round(r * h) + 0.5);
    }
    viewCtx.stroke();
    if (query >= layout.prefix) {
      const q = query - layout.prefix;
      const x = (q % layout.columns) * w;
      const y = Math.floor(q / layout.columns) * h;
      viewCtx.lineWidth = 4;
      viewCtx.strokeStyle = '#ffffff';
      viewCtx.strokeRect(x + 2, y + 2, w - 4, h - 4);
      viewCtx.lineWidth = 2;
      viewCtx.strokeStyle = '#d6336c';
      viewCtx.strokeRect(x + 2, y + 2, w - 4, h - 4);
    }
    const name = tokenLabel(tokens[query]);
    viewTitle.textContent = rollout
      ? `What ${name}’s vector draws on · ${rollout.rolledOut} through layer ${layer + 1}`
      : `Where ${name} looks · layer ${layer + 1}, head ${head + 1}`;
    const prefixWeights = [...row.subarray(0, layout.prefix)].map((weight, i) => `${tokenLabel(tokens[i])} ${formatWeight(weight)}`).join(', ');
    const what = rollout
      ? `its share in ${name}’s vector after layer ${layer + 1} by the ${rollout.rolledOut}, through every layer’s attention from the first (all heads averaged, the residual added)`
      : `${name}’s weight on it`;
    viewNote.textContent = `Each of the ${layout.rows} × ${layout.columns} patches (${patches.patchSize} × ${patches.patchSize} pixels of the model’s input) is coloured by ${what}; the rest goes to ${prefixWeights}, ${layout.prefix === 1 ? 'which is not a patch' : 'which are not patches'}. Hover a patch or use the arrow keys to make it the query (Home: back to ${tokenLabel(tokens[0])}).`;
    view.setAttribute('aria-label', `${viewTitle.textContent}: the picture with each patch coloured by its ${rollout ? 'share' : 'weight'}`);
    renderLegend(legend, brightest, { name: rollout ? `${name}’s share` : `${name}’s weight`, masked: false, stretched: stretch });
  }

  // The first picture is an example, there before the first run asks for it.
  drawExample('3');

  return {
    /** The canvas's pixels as the core reads them (a copy: the run keeps it). @returns {Picture} */
    picture() {
      return { width: DRAW_SIDE, height: DRAW_SIDE, pixels: ctx.getImageData(0, 0, DRAW_SIDE, DRAW_SIDE).data };
    },
    paintAttention,
    /**
     * @param {{ on: boolean, vision: Vision | null }} input  a vision model computes; its run's extras
     */
    update({ on, vision }) {
      root.hidden = !on;
      if (!on) return;
      const classes = vision?.prediction?.top ?? [];
      label.replaceChildren(...(classes.length > 0
        ? [el(doc, 'span', { class: 'picture-label-name', text: 'The model reads ' }), el(doc, 'strong', { class: 'picture-class', text: classes[0].label })]
        : [el(doc, 'span', { text: 'This model has no classifier: it only encodes the picture.' })]));
      top.replaceChildren(...classes.map((/** @type {ClassScore} */ c) => {
        const share = `${(c.probability * 100).toFixed(1)}%`;
        const bar = el(doc, 'span', { class: 'picture-score-bar', attrs: { 'aria-hidden': 'true' } });
        bar.style.setProperty('--share', share);
        return el(doc, 'li', { class: 'picture-score' }, [
          el(doc, 'span', { class: 'picture-score-label', text: c.label }),
          bar,
          el(doc, 'span', { class: 'picture-score-value', text: share }),
        ]);
      }));
    },
  };
}
