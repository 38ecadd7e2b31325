import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, f32Text, weightsCsv, weightsJson } from '../../src/export/weights.js';
import { escapeXml, sceneToSvg } from '../../src/export/svg.js';
import { gridFigure, heatmapFigure, linesFigure, stepsFigure } from '../../src/export/figures.js';
import { ExportError, wrapText } from '../../src/export/scene.js';
import { defaultState } from '../../src/state.js';
import { makeRun } from './fixtures.js';

test('CSV fields are quoted where needed and formulas defused', () => {
  assert.equal(csvField('cat'), 'cat');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(' '), '" "');
  for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvField(`${start}1+1`).replace(/^"/, '').startsWith("'"), start);
  assert.equal(csvField('=SUM(A1:A9)'), "'=SUM(A1:A9)");
  assert.equal(csvField('=1,2'), `"'=1,2"`);
});

test('numbers are the shortest decimals that read back as the same f32', () => {
  for (const value of [0, 1, 0.1, 1 / 3, 0.08573628216981888, 1e-9, 0.999999]) {
    const f = Math.fround(value);
    const text = f32Text(f);
    assert.equal(Math.fround(Number(text)), f, text);
    assert.ok(text.replace(/^0\.|-|e.*/g, '').length <= 9, text);
  }
  assert.equal(f32Text(Math.fround(0.25)), '0.25');
});

test('the CSV has key tokens as headers, query tokens as rows and the head’s weights', () => {
  const data = makeRun(['=cmd', 'a,b', 'the'], 2);
  const state = { ...defaultState(), head: 1 };
  const csv = weightsCsv({ data, state });
  assert.ok(csv.startsWith('\uFEFF'));
  assert.ok(csv.endsWith('\r\n'));
  const lines = csv.slice(1).trimEnd().split('\r\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], `query \\ key,'=cmd,"a,b",the`);
  assert.ok(lines[2].startsWith('"a,b",'));
  const numbers = lines[3].split(',').slice(1).map(Number);
  numbers.forEach((n, k) => assert.equal(Math.fround(n), data.weights[9 + 2 * 3 + k]));
});

test('the JSON holds tokens, weights, masked cells and the settings', () => {
  const data = makeRun(['a', 'b', 'c'], 1, undefined, (q, k) => k <= q);
  const json = JSON.parse(weightsJson({ data, state: defaultState() }));
  assert.deepEqual(json.queryTokens, ['a', 'b', 'c']);
  assert.deepEqual(json.masked, [[0, 1], [0, 2], [1, 2]]);
  assert.equal(json.weights[0][0], 1);
  assert.equal(json.weights[0][1], 0);
  assert.equal(json.settings.heads, 4);
  assert.equal(json.model, 'toy');
  json.weights.forEach((/** @type {number[]} */ row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6));
});

test('SVG text is escaped and every shape kind is written with presentation attributes', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(escapeXml('bell\u0007'), 'bell\uFFFD');
  const data = makeRun(['<b>', 'x&y', '"q"'], 2, undefined, (q, k) => !(q === 0 && k === 2));
  const svg = sceneToSvg(heatmapFigure({ data, head: 0, query: 1 }));
  assert.ok(svg.startsWith('<?xml'));
  assert.ok(!svg.includes('<b>'));
  assert.ok(svg.includes('&lt;b&gt;'));
  assert.ok(!/ (class|style)=/.test(svg));
  const cells = svg.slice(svg.indexOf('<g shape-rendering="crispEdges"'), svg.indexOf('</g>'));
  assert.equal((cells.match(/<rect /g) ?? []).length, 9);
  // The masked cell's stroke, and the legend's masked swatch.
  assert.equal((svg.match(/stroke="#9b9b92"/g) ?? []).length, 2);
});

test('figures have whole-pixel sizes and one cell per weight', () => {
  const data = makeRun(['one', 'two', 'three', 'four'], 3);
  const heatmap = heatmapFigure({ data, head: 2, query: 0 });
  const grid = gridFigure({ data, head: 1, layer: 0 });
  for (const scene of [heatmap, grid]) {
    assert.ok(Number.isInteger(scene.width) && Number.isInteger(scene.height));
    const cells = scene.shapes.filter((s) => s.kind === 'cells');
    assert.equal(cells.reduce((n, s) => n + (s.kind === 'cells' ? s.rows * s.cols : 0), 0), scene === heatmap ? 16 : 48);
  }
});

test('the lines figure draws what the lines view draws, and refuses too many', () => {
  const data = makeRun(['a', 'b', 'c'], 2);
  const all = linesFigure({ data, hiddenHeads: [], pin: null });
  assert.equal(all.shapes.filter((s) => s.kind === 'line').length, 18);
  const pinned = linesFigure({ data, hiddenHeads: [1], pin: { side: 'q', index: 2 } });
  assert.equal(pinned.shapes.filter((s) => s.kind === 'line').length, 3);
  const long = makeRun([...Array(300).keys()].map(String), 1);
  assert.throws(() => linesFigure({ data: long, hiddenHeads: [], pin: null }), ExportError);
});

test('a step frame needs the focused query’s numbers', () => {
  const data = makeRun(['a', 'b'], 1);
  assert.throws(() => stepsFigure({ data, breakdown: null, head: 0, query: 0, step: 0 }), /still being computed/);
});

test('text wraps at word boundaries and cuts words longer than a line', () => {
  const lines = wrapText('the quick brown fox jumps over the lazy dog', 100, 12);
  assert.ok(lines.length > 1);
  assert.equal(lines.join(' '), 'the quick brown fox jumps over the lazy dog');
  assert.ok(wrapText('x'.repeat(200), 100, 12).every((line) => line.length <= 200));
});
