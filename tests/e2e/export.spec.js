// Exports in a real browser under the strict Content-Security-Policy, checked as files: SVG
// parses and has one shape per cell or line, PNG decodes at 1×, 2× and 4× the figure's size,
// JSON and CSV hold exactly the numbers of the accessible table, the clip is a WebM video.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { DEFAULT_CONFIG, checkEveryPage, readWeightTable, screenshot, toyRun } from './page-helpers.js';

const ANIMAL = "The animal didn't cross the street because it was too tired.";

const checked = checkEveryPage();

/** The core's weights for a text: one Float32Array per head. */
function coreWeights(text, config = DEFAULT_CONFIG) {
  const run = toyRun(checked.core, config, text);
  return { summary: run, heads: [...Array(run.heads).keys()].map((h) => run.session.weights(0, h)) };
}

async function openPage(page, hash) {
  await page.goto(`/#${hash}`);
  await expect(page.locator('.ap-status')).not.toHaveText(/Computing/, { timeout: 20_000 });
}

/** Clicks an Export dialog button and returns the saved file. */
async function exportFile(page, name) {
  const dialog = page.getByRole('dialog', { name: 'Export' });
  if (!(await dialog.isVisible())) await page.getByRole('button', { name: 'Export…' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    dialog.getByRole('button', { name, exact: true }).click(),
  ]);
  const bytes = readFileSync(await download.path());
  await expect(dialog.getByRole('status')).toHaveText(`Saved ${download.suggestedFilename()} (${size(bytes.length)}).`);
  return { bytes, filename: download.suggestedFilename() };
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Parses an SVG file with the browser's XML parser and counts what matters. */
async function parseSvg(page, text) {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const svg = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: svg.localName,
      namespace: svg.namespaceURI,
      width: Number(svg.getAttribute('width')),
      height: Number(svg.getAttribute('height')),
      title: doc.querySelector('title')?.textContent ?? '',
      cells: doc.querySelectorAll('g[shape-rendering="crispEdges"] > rect').length,
      lines: doc.querySelectorAll('line').length,
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      styled: doc.querySelectorAll('[class], [style], style, image, use, [href]').length,
    };
  }, text);
}

/** Decodes a PNG in Node: signature, IHDR, and the inflated pixel rows. */
function decodePng(bytes) {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const depth = bytes[24];
  const colour = bytes[25];
  const chunks = [];
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') chunks.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const channels = { 2: 3, 6: 4 }[colour];
  expect(depth).toBe(8);
  expect(raw.length).toBe(height * (1 + width * channels));
  return { width, height };
}

/** The PNG as the browser decodes it (createImageBitmap: no <img>, which the policy would block). */
async function browserPngSize(page, bytes) {
  return page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([data], { type: 'image/png' }));
    return { width: bitmap.width, height: bitmap.height };
  }, bytes.toString('base64'));
}

/** RFC 4180. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 1; }
    else field += c;
  }
  return rows;
}

const defused = (token) => (/^[=+\-@\t\r]/.test(token) ? `'${token}` : token);

test('the heatmap as SVG has one square per weight; as PNG it decodes at 1×, 2× and 4×', async ({ page }) => {
  await openPage(page, 'v=1&q=7');
  const svg = await exportFile(page, 'SVG');
  expect(svg.filename).toBe('attention-heatmap-head1.svg');
  const parsed = await parseSvg(page, svg.bytes.toString('utf8'));
  expect(parsed.error).toBeNull();
  expect(parsed).toMatchObject({ root: 'svg', namespace: 'http://www.w3.org/2000/svg', cells: 144, styled: 0, title: 'Attention weights of head 1' });
  expect(parsed.texts).toEqual(expect.arrayContaining(['because', 'tired', '.834']));
  await screenshot(page, 'export-dialog');
  for (const scale of [1, 2, 4]) {
    const png = await exportFile(page, `PNG ${scale}×`);
    expect(png.filename).toBe(`attention-heatmap-head1${scale === 1 ? '' : `@${scale}x`}.png`);
    const expected = { width: parsed.width * scale, height: parsed.height * scale };
    expect(decodePng(png.bytes)).toEqual(expected);
    expect(await browserPngSize(page, png.bytes)).toEqual(expected);
  }
});

test('the lines as SVG: one line per weight drawn, only the pinned token’s and the shown heads’', async ({ page }) => {
  const { heads } = coreWeights(ANIMAL);
  await openPage(page, 'v=1&view=lines');
  const all = await parseSvg(page, (await exportFile(page, 'SVG')).bytes.toString('utf8'));
  expect(all.error).toBeNull();
  expect(all.lines).toBe(heads.reduce((n, w) => n + w.filter((x) => x >= 0.01).length, 0));
  await openPage(page, 'v=1&view=lines&pin=q7&hide=1');
  const pinned = await parseSvg(page, (await exportFile(page, 'SVG')).bytes.toString('utf8'));
  const expected = [0, 2, 3].reduce((n, h) => n + heads[h].slice(7 * 12, 8 * 12).filter((x) => x >= 0.01).length, 0);
  expect(pinned.lines).toBe(expected);
  expect(pinned.title).toBe('Attention lines of the query ‘it’');
  const png = await exportFile(page, 'PNG 2×');
  expect(decodePng(png.bytes)).toEqual({ width: pinned.width * 2, height: pinned.height * 2 });
});

test('the head grid and a step of the player export as figures too', async ({ page }) => {
  await openPage(page, 'v=1&view=grid&h=8&d=64');
  const grid = await parseSvg(page, (await exportFile(page, 'SVG')).bytes.toString('utf8'));
  expect(grid.error).toBeNull();
  expect(grid.cells).toBe(8 * 144);
  expect(grid.texts).toEqual(expect.arrayContaining(['Head 1', 'Head 8']));
  await openPage(page, 'v=1&model=toy&view=steps&q=7&step=18');
  await expect(page.locator('.story-formula')).toHaveAttribute('data-stage', 'normalise');
  const file = (await exportFile(page, 'SVG')).bytes.toString('utf8');
  const steps = await parseSvg(page, file);
  expect(steps.error).toBeNull();
  expect(steps.texts).toEqual(expect.arrayContaining(['Head 1 · query ‘it’ (8 of 12)', 'Softmax', 'weight w']));
  expect(steps.texts.some((t) => t.endsWith('step 19 of 33'))).toBe(true);
  // The softmax's formula laid out as maths: w, its subscript and the fraction's parts each a
  // text of their own, bars for the fractions; the plain text only in the description.
  expect(steps.texts.filter((t) => /\(∑|_i[jk]|\) \/ \(/.test(t))).toEqual([]);
  expect(file).toMatch(/<desc>.*w_ij = \(e_ij\) \/ \(∑_k e_ik\)/s);
  expect(steps.texts).toEqual(expect.arrayContaining(['w', 'i', 'j', 'e', '∑', 'k']));
  const weights = await page.locator('.numbers-table td[data-stage="normalise"]').allTextContents();
  for (const weight of weights) expect(steps.texts).toContain(weight);
  const png = await exportFile(page, 'PNG 1×');
  expect(decodePng(png.bytes)).toEqual({ width: steps.width, height: steps.height });
});

test('JSON and CSV hold the table’s numbers, tokens as headers, formulas defused', async ({ page }) => {
  const text = '=SUM(A1) say "hi" a,b @home -5 +x';
  await openPage(page, `v=1&causal=1&head=1&text=${encodeURIComponent(text)}`);
  const table = await readWeightTable(page);
  expect(table.rows).toContain('=');
  const json = JSON.parse((await exportFile(page, 'JSON')).bytes.toString('utf8'));
  expect(json.head).toBe(1);
  expect(json.text).toBe(text);
  expect(json.queryTokens).toEqual(table.rows);
  expect(json.keyTokens).toEqual(table.columns);
  expect(json.settings.masks).toEqual([{ kind: 'causal' }]);
  const masked = new Set(json.masked.map(([q, k]) => `${q}.${k}`));
  table.cells.forEach((row, i) => row.forEach((cell, j) => {
    if (cell === 'masked') {
      expect(masked.has(`${i}.${j}`)).toBe(true);
      expect(json.weights[i][j]).toBe(0);
    } else {
      expect(json.weights[i][j].toFixed(3)).toBe(cell);
    }
  }));

  const csv = (await exportFile(page, 'CSV')).bytes.toString('utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const rows = parseCsv(csv.slice(1));
  // The corner names the head and what computed the weights (the toy says it shows no meaning).
  expect(rows[0]).toEqual([`query \\ key (head 2 of 4 · ${json.caption})`, ...json.keyTokens.map(defused)]);
  expect(json.caption).toContain('random projections: shows the mechanism, not meaning');
  expect(rows.slice(1).map((r) => r[0])).toEqual(json.queryTokens.map(defused));
  rows.slice(1).forEach((row, i) => row.slice(1).forEach((value, j) => {
    expect(Number(value).toFixed(3)).toBe(table.cells[i][j] === 'masked' ? '0.000' : table.cells[i][j]);
  }));
  // No field a spreadsheet would run: every one starting with = + - @ is defused.
  for (const field of rows.flat()) expect(field).not.toMatch(/^[=+\-@]/);
  expect(csv).toContain('","');
  expect(csv).toContain('""""');
});

test('the clip is a WebM video of the focused query’s steps', async ({ page }) => {
  await openPage(page, 'v=1&text=Hi%20there&view=steps&q=1&speed=4');
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toContainText('The 13 steps of the query ‘there’ as a WebM video');
  const clip = await exportFile(page, 'Record clip');
  expect(clip.filename).toBe('attention-steps-head1-query2.webm');
  expect([...clip.bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  expect(clip.bytes.length).toBeGreaterThan(1000);
  expect(clip.bytes.includes(Buffer.from('webm'))).toBe(true);
});

test('a figure too large for SVG says so; its PNG still exports', async ({ page }) => {
  const words = [...Array(300).keys()].map((i) => `w${i}`).join(' ');
  await openPage(page, `v=1&text=${encodeURIComponent(words)}`);
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByRole('button', { name: 'SVG', exact: true }).click();
  await expect(dialog.getByRole('status')).toHaveText('This figure has 90,000 cells, too many for a vector file (at most 65,536); export a PNG instead.');
  const png = await exportFile(page, 'PNG 1×');
  const { width, height } = decodePng(png.bytes);
  expect(width).toBeGreaterThan(900);
  expect(height).toBeGreaterThan(900);
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Lines' }).click();
  await page.getByRole('button', { name: 'Export…' }).click();
  await dialog.getByRole('button', { name: 'SVG', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText('The lines view shows up to 256 tokens and this text has 300');
});

test('an element exports through its own API under the strict policy', async ({ page }) => {
  await page.goto('/www/docs/examples/two-playgrounds.html');
  const first = page.locator('attention-playground[data-example="first"]');
  const second = page.locator('attention-playground[data-example="second"]');
  await expect.poll(() => first.evaluate((e) => e.state?.token)).toBe('it');
  await expect.poll(() => second.evaluate((e) => e.state?.token)).toBe('flies');
  const svg = await first.evaluate(async (e) => (await e.export('svg')).text());
  expect((await parseSvg(page, svg)).cells).toBe(144);
  const json = JSON.parse(await first.evaluate(async (e) => (await e.export('json')).text()));
  const { heads } = coreWeights(ANIMAL);
  json.weights.forEach((row, i) => row.forEach((w, j) => expect(Math.fround(w)).toBe(heads[0][i * 12 + j])));
  const png = await first.evaluate(async (e) => {
    const bitmap = await createImageBitmap(await e.export('png', { scale: 2 }));
    return { width: bitmap.width, height: bitmap.height };
  });
  expect(png).toEqual({ width: (await parseSvg(page, svg)).width * 2, height: (await parseSvg(page, svg)).height * 2 });
  const clip = await second.evaluate(async (e) => {
    const blob = await e.export('clip', { frameMs: 30 });
    return { type: blob.type, size: blob.size };
  });
  expect(clip.type).toBe('video/webm');
  expect(clip.size).toBeGreaterThan(1000);
  await expect(first.evaluate((e) => e.export('pdf'))).rejects.toThrow(/not one of svg, png, json, csv, clip/);
});
