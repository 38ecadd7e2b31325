// A vision model's input: a canvas to draw on (pen, eraser, clear), a picture file opened or
// dropped (decoded by the browser and drawn onto the canvas), a few example digits drawn as
// strokes, and beside them the model's prediction and the picture view: the picture as it was
// run, under its grid of patches, with the focused layer and head's attention of the focused
// query painted over it, or the attention rollout through that layer (hover or arrow keys move the
// query). The canvas's RGBA pixels are what the core reads; a new picture is announced once its
// stroke ends. The picture view paints the picture its run read, kept with the run, never the
// canvas as it is now: after a failed run the view still shows one picture with its own attention.
// A captioner's panel is the same with coloured pens and example scenes, its caption in the
// prediction's place, and under the picture view every word of the caption with the
// cross-attention that wrote it painted over the picture ("show, attend and tell"); a word chosen
// there becomes the query of the cross-attention block shown.

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
/** @typedef {import('../types').Generation} Generation */
/** @typedef {import('../types').SourceKind} SourceKind */
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

/** A word's picture in the caption strip, in pixels. */
const WORD_SIDE = 72;

/**
 * Whether a model of this kind reads pictures (the picture panel is its input).
 * @param {SourceKind | undefined} kind
 */
export function readsPictures(kind) {
  return kind === 'vision' || kind === 'captioner';
}

/**
 * The pens of a captioner's canvas: the colours of the scenes it was trained on
 * (training/scenes.py's COLOURS), and black.
 */
export const SCENE_PENS = /** @type {const} */ ({ red: '#d62728', green: '#2ca02c', blue: '#1f5adc', yellow: '#f0be14', black: '#000000' });

/**
 * Example scenes as the captioner's training drew them (training/scenes.py): two shapes, centre
 * and size in canvas pixels. Held-out scenes (the test seed), named by the sentence that
 * describes them.
 * @type {Array<{ name: string, shapes: Array<{ shape: 'circle' | 'square' | 'triangle', colour: keyof typeof SCENE_PENS, x: number, y: number, size: number }> }>}
 */
export const SCENES = [
  { name: 'a red triangle above a blue square', shapes: [{ shape: 'triangle', colour: 'red', x: 30.4, y: 10.4, size: 14.4 }, { shape: 'square', colour: 'blue', x: 52, y: 54.3, size: 13.3 }] },
  { name: 'a red circle right of a blue circle', shapes: [{ shape: 'circle', colour: 'red', x: 54.9, y: 53.7, size: 14.4 }, { shape: 'circle', colour: 'blue', x: 33.1, y: 51.5, size: 15.1 }] },
  { name: 'a green square left of a yellow triangle', shapes: [{ shape: 'square', colour: 'green', x: 9.5, y: 11.2, size: 13.9 }, { shape: 'triangle', colour: 'yellow', x: 54.3, y: 32.9, size: 13.7 }] },
  { name: 'a green triangle below a yellow square', shapes: [{ shape: 'triangle', colour: 'green', x: 12.2, y: 55.3, size: 13.4 }, { shape: 'square', colour: 'yellow', x: 12.2, y: 30.2, size: 14.8 }] },
  { name: 'a red circle above a green triangle', shapes: [{ shape: 'circle', colour: 'red', x: 33.5, y: 31.9, size: 15.4 }, { shape: 'triangle', colour: 'green', x: 33.6, y: 53.3, size: 14.8 }] },
  { name: 'a red square right of a blue circle', shapes: [{ shape: 'square', colour: 'red', x: 54.3, y: 9.9, size: 14 }, { shape: 'circle', colour: 'blue', x: 12.5, y: 30.3, size: 13.2 }] },
];

/**
 * Draws a scene's shapes on a canvas of DRAW_SIDE pixels, as training/scenes.py does (a
 * square's side is 0.9 of the size, a triangle stands on its base).
 * @param {CanvasRenderingContext2D} ctx
 * @param {typeof SCENES[number]} scene
 */
export function drawScene(ctx, scene) {
  for (const { shape, colour, x, y, size } of scene.shapes) {
    const r = size / 2;
    ctx.fillStyle = SCENE_PENS[colour];
    ctx.beginPath();
    if (shape === 'circle') ctx.arc(x, y, r, 0, 2 * Math.PI);
    else if (shape === 'square') ctx.rect(x - 0.9 * r, y - 0.9 * r, 1.8 * r, 1.8 * r);
    else {
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y + 0.8 * r);
      ctx.lineTo(x - r, y + 0.8 * r);
      ctx.closePath();
    }
    ctx.fill();
  }
}

/** Pen and eraser widths, in canvas pixels (a digit's stroke is about a tenth of its height; a
 * captioner's shapes are filled areas, drawn with a broader pen). */
const WIDTHS = { pen: 6, eraser: 14, shapes: 10 };

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
 * @param {{ onPicture: () => void, onQuery: (query: number) => void, onAcross: (across: import('../state.js').Across) => void, onWord: (block: number, word: number) => void }} callbacks  a
 *   new picture is on the canvas; the reader moved the query on the picture view; the reader
 *   switched between one head, the rollout and the flow; the reader chose a caption's word (the query of
 *   cross-attention block `block`)
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
  const clear = el(doc, 'button', { class: 'small-button', text: 'Clear', attrs: { type: 'button' }, on: { click: () => { blank(); untouched = false; callbacks.onPicture(); } } });
  const fileInput = /** @type {HTMLInputElement} */ (el(doc, 'input', { class: 'picture-file', attrs: { type: 'file', accept: 'image/*', 'aria-label': 'Open a picture' } }));
  const open = el(doc, 'button', { class: 'small-button', text: 'Open a picture…', attrs: { type: 'button' }, on: { click: () => fileInput.click() } });
  const note = el(doc, 'p', { class: 'note note-warn picture-note', attrs: { role: 'status' } });
  note.hidden = true;
  const examples = el(doc, 'div', { class: 'picture-examples', attrs: { role: 'group', 'aria-label': 'Example digits' } }, [
    el(doc, 'span', { class: 'field-label', text: 'Try' }),
    ...Object.keys(EXAMPLES).map((digit) => el(doc, 'button', { class: 'small-button example-button', text: digit, attrs: { type: 'button', 'aria-label': `Example: ${digit}` }, on: { click: () => example(digit) } })),
  ]);
  // A captioner's examples: held-out scenes, each button a small picture of its scene.
  const sceneExamples = el(doc, 'div', { class: 'picture-examples scene-examples', attrs: { role: 'group', 'aria-label': 'Example scenes' } }, [
    el(doc, 'span', { class: 'field-label', text: 'Try' }),
    ...SCENES.map((scene, i) => {
      const thumb = /** @type {HTMLCanvasElement} */ (el(doc, 'canvas', { class: 'scene-thumb', attrs: { width: String(DRAW_SIDE), height: String(DRAW_SIDE), 'aria-hidden': 'true' } }));
      const thumbCtx = /** @type {CanvasRenderingContext2D} */ (thumb.getContext('2d'));
      thumbCtx.fillStyle = '#ffffff';
      thumbCtx.fillRect(0, 0, DRAW_SIDE, DRAW_SIDE);
      drawScene(thumbCtx, scene);
      return el(doc, 'button', { class: 'small-button scene-button', attrs: { type: 'button', 'aria-label': `Example scene: ${scene.name}`, title: scene.name, 'data-scene': String(i) }, on: { click: () => sceneExample(i) } }, [thumb]);
    }),
  ]);
  /** @type {keyof typeof SCENE_PENS} */
  let ink = 'black';
  const pens = el(doc, 'div', { class: 'picture-pens', attrs: { role: 'group', 'aria-label': 'Pen colour' } }, Object.entries(SCENE_PENS).map(([name, colour]) => {
    const swatch = el(doc, 'button', { class: 'pen-swatch', attrs: { type: 'button', 'aria-label': `${name} pen`, title: name, 'aria-pressed': String(name === ink), 'data-pen': name }, on: { click: () => setInk(/** @type {keyof typeof SCENE_PENS} */ (name)) } });
    swatch.style.setProperty('--pen', colour);
    return swatch;
  }));
  const inputHint = el(doc, 'p', { class: 'field-hint' });
  // Every word of a captioner's caption with its cross-attention over the picture.
  const wordsTitle = el(doc, 'h3', { class: 'picture-view-title picture-words-title' });
  const wordStrip = el(doc, 'ol', { class: 'caption-words', attrs: { 'aria-label': 'Each word of the caption and where it looked' } });
  const wordsNote = el(doc, 'p', { class: 'field-hint' });
  const words = el(doc, 'section', { class: 'picture-words', attrs: { 'aria-label': 'Where each word looked' } }, [wordsTitle, wordStrip, wordsNote]);
  words.hidden = true;
  sceneExamples.hidden = true;
  pens.hidden = true;
  inputHint.textContent = 'Draw with the pointer or a finger, or drop a picture on the canvas. The model sees it shrunk to its own size, dark ink on white as it was trained.';
  /** @type {'vision' | 'captioner'} */
  let panelKind = 'vision';
  /** Whether the canvas still shows the example it opened with (it follows the kind of model). */
  let untouched = true;
  const label = el(doc, 'p', { class: 'picture-label' });
  const top = el(doc, 'ol', { class: 'picture-top', attrs: { 'aria-label': 'Most probable classes' } });
  const captionText = el(doc, 'p', { class: 'picture-caption' });
  const prediction = el(doc, 'section', { class: 'picture-prediction', attrs: { 'aria-label': 'Prediction', 'aria-live': 'polite' } }, [label, captionText, top]);
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
      pens,
      examples,
      sceneExamples,
      inputHint,
      note,
    ]),
    el(doc, 'div', { class: 'picture-results' }, [prediction, attention, words]),
  ]));

  /** @param {keyof typeof SCENE_PENS} name */
  function setInk(name) {
    ink = name;
    for (const swatch of pens.children) swatch.setAttribute('aria-pressed', String(swatch.getAttribute('data-pen') === name));
    setTool('pen');
  }

  /**
   * The canvas's tools and examples for a kind of model; the example it opened with follows.
   * @param {'vision' | 'captioner'} next
   */
  function setKind(next) {
    if (next === panelKind) return;
    panelKind = next;
    const scenes = panelKind === 'captioner';
    examples.hidden = scenes;
    sceneExamples.hidden = !scenes;
    pens.hidden = !scenes;
    if (!scenes) setInk('black');
    inputHint.textContent = scenes
      ? 'Draw shapes with the coloured pens, drop a picture on the canvas or try a scene. The model sees it shrunk to 32 × 32: two shapes of different colours on white, as it was trained.'
      : 'Draw with the pointer or a finger, or drop a picture on the canvas. The model sees it shrunk to its own size, dark ink on white as it was trained.';
    canvas.setAttribute('aria-label', scenes ? 'Drawing canvas: draw shapes with the pointer' : 'Drawing canvas: draw a digit with the pointer');
    if (untouched) {
      if (scenes) drawSceneExample(0);
      else drawExample('3');
      callbacks.onPicture();
    }
  }

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
    ctx.strokeStyle = kind === 'pen' ? SCENE_PENS[ink] : '#ffffff';
    ctx.lineWidth = kind === 'pen' && panelKind === 'captioner' ? WIDTHS.shapes : WIDTHS[kind];
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
    untouched = false;
    drawExample(digit);
    callbacks.onPicture();
  }

  /** @param {number} index */
  function drawSceneExample(index) {
    blank();
    drawScene(ctx, SCENES[index]);
  }

  /** @param {number} index */
  function sceneExample(index) {
    untouched = false;
    drawSceneExample(index);
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
    untouched = false;
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
    untouched = false;
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
   * Paints `onPatches` (one weight per patch, row by row) over the picture in `shot`, on a canvas
   * of `side` pixels, colour `brightest` at the top of the scale.
   * @param {CanvasRenderingContext2D} target
   * @param {number} side
   * @param {{ rows: number, columns: number }} layout
   * @param {ArrayLike<number>} onPatches
   * @param {number} brightest
   */
  function paintPatches(target, side, layout, onPatches, brightest) {
    target.imageSmoothingEnabled = false;
    target.drawImage(shot, 0, 0, side, side);
    const w = side / layout.columns;
    const h = side / layout.rows;
    for (let r = 0; r < layout.rows; r += 1) {
      for (let c = 0; c < layout.columns; c += 1) {
        const [red, green, blue] = viridis(onPatches[r * layout.columns + c] / brightest);
        target.fillStyle = `rgb(${red} ${green} ${blue} / ${PAINT_ALPHA})`;
        target.fillRect(c * w, r * h, w, h);
      }
    }
  }

  /**
   * Paints the picture the run read, the attention of the focused query over its patches (one
   * head's, or the rollout or flow through the layer when `rollout` is given), the grid and the query's
   * patch. For a captioner the query of a cross-attention block is a word of the caption, and a
   * block among the caption's words (the decoder's causal self-attention) has nothing to paint
   * on the picture; the caption strip shows every word's cross-attention.
   * @param {{ full: RunData, layer: number, head: number, query: number, stretch: boolean, rollout: RunData | null, across: import('../state.js').Across }} at
   */
  function paintAttention({ full, layer, head, query, stretch, rollout, across }) {
    const patches = full.run.vision?.patches;
    const picture = full.picture;
    attention.hidden = !patches || !picture || full.layers === 0;
    if (!patches || !picture || full.layers === 0) {
      grid = null;
      words.hidden = true;
      return;
    }
    if (shot.width !== picture.width || shot.height !== picture.height) Object.assign(shot, { width: picture.width, height: picture.height });
    shotCtx.putImageData(new ImageData(/** @type {Uint8ClampedArray<ArrayBuffer>} */ (picture.pixels), picture.width, picture.height), 0, 0);
    paintWords(full, layer, head, query, stretch);
    rolloutSwitch.update({ kind: full.run.source.kind, on: across, layer, error: full.rolloutError ?? null });
    const block = full.run.blocks[layer];
    const onPicture = full.run.sequences[block.keys]?.role === 'patches';
    view.hidden = !onPicture;
    legend.hidden = !onPicture;
    if (!onPicture) {
      grid = null;
      viewTitle.textContent = `Layer ${layer + 1} is the decoder’s self-attention among the caption’s words`;
      viewNote.textContent = 'Its keys are the words written so far, not the picture: the views below show it. Choose a cross-attention block (or a word under the picture) to see where a word looks.';
      return;
    }
    const tokens = full.sequences[block.keys];
    const queries = full.sequences[block.queries];
    const cross = block.queries !== block.keys;
    const layout = patchLayout(patches, tokens.length);
    // A word is not a patch: hover and the arrow keys move a patch query only.
    grid = cross ? null : { layout, query };
    const row = (rollout ? layerHeadWeights(rollout, layer, 0) : layerHeadWeights(full, layer, head)).subarray(query * tokens.length, (query + 1) * tokens.length);
    const onPatches = row.subarray(layout.prefix);
    const brightest = colourTop(maxOf(onPatches), stretch);
    paintPatches(viewCtx, VIEW_SIDE, layout, onPatches, brightest);
    const w = VIEW_SIDE / layout.columns;
    const h = VIEW_SIDE / layout.rows;
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
    if (!cross && query >= layout.prefix) {
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
    const name = cross ? `“${tokenLabel(queries[query])}”` : tokenLabel(tokens[query]);
    viewTitle.textContent = rollout
      ? `What ${name}’s vector draws on · ${rollout.rolledOut} through layer ${layer + 1}`
      : cross
        ? `Where ${name} looked · cross-attention, block ${layer + 1}, head ${head + 1}`
        : `Where ${name} looks · layer ${layer + 1}, head ${head + 1}`;
    const prefixWeights = [...row.subarray(0, layout.prefix)].map((weight, i) => `${tokenLabel(tokens[i])} ${formatWeight(weight)}`).join(', ');
    const what = rollout
      ? `its share in ${name}’s vector after layer ${layer + 1} by the ${rollout.rolledOut}, through every layer’s attention from the first (all heads averaged, the residual added)`
      : cross ? `the weight the step that wrote ${name} gave it` : `${name}’s weight on it`;
    const moving = cross
      ? 'Choose a word under the picture, or a row of the heatmap, to see another.'
      : `Hover a patch or use the arrow keys to make it the query (Home: back to ${tokenLabel(tokens[0])}).`;
    viewNote.textContent = `Each of the ${layout.rows} × ${layout.columns} patches (${patches.patchSize} × ${patches.patchSize} pixels of the model’s input) is coloured by ${what}; the rest goes to ${prefixWeights}, ${layout.prefix === 1 ? 'which is not a patch' : 'which are not patches'}. ${moving}`;
    view.setAttribute('aria-label', `${viewTitle.textContent}: the picture with each patch coloured by its ${rollout ? 'share' : 'weight'}`);
    renderLegend(legend, brightest, { name: rollout ? `${name}’s share` : `${name}’s weight`, masked: false, stretched: stretch });
  }

  /**
   * A captioner's caption strip: every word with its cross-attention painted over the picture,
   * from the cross-attention block shown (or the decoder's last one) and the focused head, on the
   * same scale as the picture view.
   * @param {RunData} full
   * @param {number} layer
   * @param {number} head
   * @param {number} query
   * @param {boolean} stretch
   */
  function paintWords(full, layer, head, query, stretch) {
    const patches = full.run.vision?.patches;
    const generation = full.run.generation;
    const blocks = full.run.blocks;
    const focused = blocks[layer]?.kind === 'cross';
    const block = focused ? layer : blocks.map((b) => b.kind).lastIndexOf('cross');
    words.hidden = full.run.source.kind !== 'captioner' || !patches || !generation || block < 0;
    if (words.hidden || !patches || !generation) return;
    const { queries, keys } = blocks[block];
    const written = full.sequences[queries];
    const sources = full.sequences[keys].length;
    const layout = patchLayout(patches, sources);
    const weights = layerHeadWeights(full, block, head);
    const rows = written.map((_, word) => weights.subarray(word * sources + layout.prefix, (word + 1) * sources));
    const brightest = colourTop(Math.max(...rows.map((r) => maxOf(r))), stretch);
    wordsTitle.textContent = `Where each word looked · cross-attention, block ${block + 1}, head ${head + 1}`;
    wordStrip.replaceChildren(...written.map((token, word) => {
      const thumb = /** @type {HTMLCanvasElement} */ (el(doc, 'canvas', { class: 'caption-word-picture', attrs: { width: String(WORD_SIDE), height: String(WORD_SIDE), 'aria-hidden': 'true' } }));
      paintPatches(/** @type {CanvasRenderingContext2D} */ (thumb.getContext('2d')), WORD_SIDE, layout, rows[word], brightest);
      const step = generation.steps[word];
      const chosen = focused && word === query;
      const button = el(doc, 'button', {
        class: 'caption-word',
        attrs: { type: 'button', 'aria-pressed': String(chosen), 'aria-label': `${tokenLabel(token)}, written with probability ${step ? formatWeight(step.probability) : '–'}: show where it looked` },
        on: { click: () => callbacks.onWord(block, word) },
      }, [thumb, el(doc, 'span', { class: 'caption-word-text', text: tokenLabel(token) })]);
      return el(doc, 'li', {}, [button]);
    }));
    wordsNote.textContent = `Each word’s picture is coloured by the cross-attention of the decoding step that wrote it (its query) over the ${layout.rows} × ${layout.columns} patches, on the picture view’s scale${stretch ? ' (stretched to the strongest weight here)' : ' (0 to 1)'}; the rest of each row goes to [CLS]. Choose a word to make it the query.`;
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
     * @param {{ on: boolean, vision: Vision | null, captioner: boolean, caption: Generation | null }} input  a model that reads
     *   pictures computes (a captioner or not); its run's extras and, for a captioner, the caption it wrote
     */
    update({ on, vision, captioner, caption }) {
      root.hidden = !on;
      if (!on) return;
      setKind(captioner ? 'captioner' : 'vision');
      const classes = vision?.prediction?.top ?? [];
      top.hidden = captioner;
      captionText.hidden = !captioner;
      captionText.textContent = caption ? caption.text : '';
      label.replaceChildren(...(captioner
        ? [el(doc, 'span', { text: caption ? 'The model writes' : 'The model writes what it sees' })]
        : classes.length > 0
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
