import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRAW_SIDE, EXAMPLES, SCENES, SCENE_PENS, fileNote, fitInSquare, movedQuery, patchLayout, readsPictures, sizeNote } from '../../src/views/picture.js';
import { runRequest, defaultState } from '../../src/state.js';
import { CORE_LIMITS } from '../../src/generated/core.js';
import { formatBytes } from '../../src/format.js';

test('the patch grid follows the tokens before it: [CLS] for ViT, [CLS] and [DIST] for DeiT', () => {
  assert.deepEqual(patchLayout({ rows: 4, columns: 4, patchSize: 4 }, 17), { prefix: 1, rows: 4, columns: 4 });
  assert.deepEqual(patchLayout({ rows: 2, columns: 3, patchSize: 8 }, 8), { prefix: 2, rows: 2, columns: 3 });
});

test('arrow keys move the query within the grid, clamped at its edges; Home goes back to [CLS]', () => {
  const layout = { prefix: 1, rows: 3, columns: 4 };
  assert.equal(movedQuery(layout, 0, 'ArrowRight'), 1, 'from [CLS] to r0c0');
  assert.equal(movedQuery(layout, 0, 'ArrowUp'), 1);
  assert.equal(movedQuery(layout, 1, 'ArrowLeft'), 1, 'r0c0 is the corner');
  assert.equal(movedQuery(layout, 1, 'ArrowDown'), 5, 'r1c0');
  assert.equal(movedQuery(layout, 4, 'ArrowRight'), 4, 'r0c3 is the right edge');
  assert.equal(movedQuery(layout, 12, 'ArrowDown'), 12, 'r2c3 is the last patch');
  assert.equal(movedQuery(layout, 12, 'Home'), 0);
  assert.equal(movedQuery(layout, 5, 'Enter'), null);
  // Property: from every token, every arrow lands on a patch of the grid.
  for (let q = 0; q <= 12; q += 1) {
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) {
      const moved = movedQuery(layout, q, key);
      assert.ok(moved !== null && moved >= 1 && moved <= 12, `${q} ${key} → ${moved}`);
    }
  }
});

test('a picture is fitted into the square canvas, centred, its proportions kept', () => {
  assert.deepEqual(fitInSquare(120, 80, 64), { x: 0, y: (64 - 80 * (64 / 120)) / 2, w: 64, h: 80 * (64 / 120) });
  assert.deepEqual(fitInSquare(10, 10, 64), { x: 0, y: 0, w: 64, h: 64 });
  const tall = fitInSquare(1, 4, 64);
  assert.equal(tall.h, 64);
  assert.equal(tall.x + tall.w / 2, 32);
});

test('a file that is not a picture, or larger than the core reads, is named in its note', () => {
  assert.equal(fileNote({ name: 'a.png', type: 'image/png', size: 1000 }), '');
  assert.match(fileNote({ name: 'notes.txt', type: 'text/plain', size: 10 }), /^notes\.txt is not a picture \(text\/plain\)/);
  assert.match(fileNote({ name: 'x', type: '', size: 10 }), /its type is unknown/);
  const big = CORE_LIMITS.maxImageFileBytes + 1;
  assert.equal(fileNote({ name: 'big.png', type: 'image/png', size: big }), `big.png is ${formatBytes(big)}: the largest picture file read is ${formatBytes(CORE_LIMITS.maxImageFileBytes)}.`);
  assert.equal(fileNote({ name: 'ok.png', type: 'image/png', size: CORE_LIMITS.maxImageFileBytes }), '');
  assert.equal(sizeNote('p.png', CORE_LIMITS.maxImageSide, CORE_LIMITS.maxImageSide), '');
  assert.equal(sizeNote('p.png', CORE_LIMITS.maxImageSide + 1, 3), `p.png is ${CORE_LIMITS.maxImageSide + 1} × 3 pixels: each side may be at most ${CORE_LIMITS.maxImageSide}. Shrink it first.`);
});

test('the example digits stay on the canvas', () => {
  for (const [digit, lines] of Object.entries(EXAMPLES)) {
    for (const [x, y] of lines.flat()) assert.ok(x >= 0.1 && x <= 0.9 && y >= 0.1 && y <= 0.9, `${digit}: ${x}, ${y}`);
  }
});

test('the example scenes are drawn as the captioner was trained: two shapes of two colours, on the canvas, apart', () => {
  assert.ok(SCENES.length >= 4);
  for (const { name, shapes } of SCENES) {
    assert.equal(shapes.length, 2, name);
    const [a, b] = shapes;
    assert.notEqual(a.colour, b.colour, name);
    // The sentence names the shapes in the order drawn, each with its colour.
    assert.ok(name.startsWith(`a ${a.colour} ${a.shape} `) && name.endsWith(` a ${b.colour} ${b.shape}`), name);
    for (const { x, y, size, colour } of shapes) {
      assert.ok(size >= 13 && size <= 16, name);
      assert.ok(x - size / 2 >= 0 && x + size / 2 <= DRAW_SIDE && y - size / 2 >= 0 && y + size / 2 <= DRAW_SIDE, name);
      assert.match(SCENE_PENS[colour], /^#[0-9a-f]{6}$/);
    }
    assert.ok(Math.hypot(a.x - b.x, a.y - b.y) > 16, `${name}: the shapes do not touch`);
  }
  assert.ok(readsPictures('vision') && readsPictures('captioner'));
  assert.ok(!readsPictures('encoder-decoder') && !readsPictures(undefined));
});

test('a loaded vision model is asked to read the picture, not the text', () => {
  const pixels = new Uint8ClampedArray(4 * 2 * 3);
  const request = runRequest(defaultState(), 'model', { text: 'ignored', crossText: '', dModel: 48, picture: { width: 2, height: 3, pixels } });
  assert.deepEqual(request, { source: 'image', width: 2, height: 3, pixels });
  assert.deepEqual(runRequest(defaultState(), 'model', { text: 'words', crossText: '', dModel: 48, picture: null }), { source: 'model', text: 'words' });
});
