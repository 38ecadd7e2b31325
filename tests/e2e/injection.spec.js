// Injection through every way text reaches the page: 66 hostile payloads in the sentence boxes,
// in every link parameter, in every attribute of <attention-playground>, as the names of a
// reader's model files and as a vocabulary's entries. Nothing may run (no dialog, no global set,
// no CSP violation: checkEveryPage fails the test on any) and no element may be injected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { TOY_PAGE, checkEveryPage, ready } from './page-helpers.js';
import { ATTRIBUTES } from '../../www/src/attributes.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = '/www/docs/examples/two-playgrounds.html';
const TINY = 'tests/fixtures/decoder/tiny-gpt2/';

checkEveryPage();

/** Ways to run script or add markup, each setting window.__pwned (or opening a dialog) if it works. */
const VECTORS = [
  '<img src=x onerror=window.__pwned=1>',
  '<svg onload=window.__pwned=1>',
  '<script>window.__pwned=1</script>',
  '<iframe srcdoc="<script>parent.__pwned=1</script>">',
  '<a href="javascript:window.__pwned=1">x</a>',
  '<details open ontoggle=window.__pwned=1>',
  '<math><mtext><img src=x onerror=window.__pwned=1></mtext></math>',
  '<input autofocus onfocus=window.__pwned=1>',
  '<body onload=window.__pwned=1>',
  '<object data="javascript:window.__pwned=1">',
  '<embed src="javascript:window.__pwned=1">',
  '<base href="//evil.example/">',
  '<form action="//evil.example/"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=//evil.example/">',
  '<style>*{background:url(//evil.example/x)}</style>',
  'javascript:window.__pwned=1',
  '{{constructor.constructor("window.__pwned=1")()}}',
  // eslint-disable-next-line no-template-curly-in-string -- a template payload, meant literally
  '${window.__pwned=1}',
  '&lt;img src=x onerror=window.__pwned=1&gt;',
  '<!--<img src="--><img src=x onerror=window.__pwned=1//">',
  '<svg><animate onbegin=window.__pwned=1 attributeName=x dur=1s>',
  '<video><source onerror="window.__pwned=1">',
];
/** Each vector as it is, breaking out of an attribute's quotes, and after ordinary words. */
const PAYLOADS = VECTORS.flatMap((v) => [v, `"'><${v.startsWith('<') ? v.slice(1) : `b>${v}`}`, `the cat ${v} sat`]);

/** Parameters of a link (model addresses separately: a relative one would be fetched). */
const LINK_KEYS = [
  'text', 'cross', 'mode', 'view', 'nospecial', 'tok', 'd', 'h', 'kv', 'score', 'scale', 'temp', 'pos', 'proj', 'seed', 'causal', 'window',
  'pad', 'cells', 'layer', 'head', 'q', 'step', 'key', 'speed', 'pin', 'hide', 'stretch', 'gen', 'gn', 'gsample', 'gtemp', 'gtopk', 'gseed',
  'controls', 'autoplay', 'embed',
];
/** Payloads no address can be: the page refuses them as model addresses without fetching. */
const NOT_ADDRESSES = PAYLOADS.filter((p) => /[\s"'<>\\`]|^[a-z]+:/i.test(p.trim()));

/** Every element and shadow root of the page: none may hold markup a payload brought. */
async function expectNothingRan(page, where) {
  const found = await page.evaluate(() => {
    const roots = [document];
    for (let i = 0; i < roots.length; i += 1) {
      for (const element of roots[i].querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    }
    const selector = [
      '[onerror]', '[onload]', '[ontoggle]', '[onfocus]', '[onbegin]', '[srcdoc]', 'script:not([src])', 'img[src="x"]', 'iframe', 'object',
      'embed', 'base', 'form[action]', 'meta[http-equiv]', 'a[href^="javascript:" i]', 'video', 'details[open]:not([class])',
    ].join(',');
    const injected = roots.flatMap((root) => [...root.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 100)));
    return { pwned: /** @type {any} */ (window).__pwned ?? null, injected };
  });
  expect(found, where).toEqual({ pwned: null, injected: [] });
}

test(`${PAYLOADS.length} payloads typed into both sentence boxes run nothing and show as text`, async ({ page }) => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(60);
  await page.goto(TOY_PAGE);
  await ready(page);
  const sentence = page.getByRole('textbox', { name: 'Sentence', exact: true });
  for (const payload of PAYLOADS) {
    await sentence.fill(payload);
    await expect(sentence).toHaveValue(payload);
  }
  await ready(page);
  await expect(page.locator('.token-chip').filter({ hasText: 'sat' }).first()).toBeVisible();
  await expectNothingRan(page, 'sentence');
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('cross');
  const second = page.getByRole('textbox', { name: 'Keys and values from' });
  await second.fill(PAYLOADS.join(' '));
  await sentence.fill(PAYLOADS.slice(0, 20).join(' '));
  await ready(page);
  await expectNothingRan(page, 'both boxes');
});

test(`${PAYLOADS.length} payloads in every link parameter run nothing`, async ({ page }) => {
  await page.goto(TOY_PAGE);
  await ready(page);
  for (const [i, payload] of PAYLOADS.entries()) {
    const params = new URLSearchParams([['v', '1'], ...LINK_KEYS.map((key) => [key, payload])]);
    const address = NOT_ADDRESSES[i % NOT_ADDRESSES.length];
    params.set('model', address);
    params.set('vectors', address);
    await page.evaluate((hash) => { window.location.hash = hash; }, params.toString());
    await expect(page.locator('.note-warn').first()).toBeVisible();
  }
  await ready(page);
  await expectNothingRan(page, 'link');
  // A fresh load reads the link before anything else runs.
  await page.goto(`/#${new URLSearchParams([['v', '1'], ...LINK_KEYS.map((key) => [key, PAYLOADS[0]])])}`);
  await ready(page);
  await expectNothingRan(page, 'first link');
});

test(`${PAYLOADS.length} payloads in every attribute of the element run nothing`, async ({ page }) => {
  await page.goto(EXAMPLE);
  await page.evaluate(() => {
    const element = document.createElement('attention-playground');
    element.setAttribute('data-example', 'hostile');
    document.querySelector('main')?.append(element);
  });
  const element = page.locator('attention-playground[data-example="hostile"]');
  await expect(element.locator('.token-chip').first()).toBeVisible({ timeout: 20_000 });
  for (const [i, payload] of PAYLOADS.entries()) {
    const address = NOT_ADDRESSES[i % NOT_ADDRESSES.length];
    await element.evaluate((e, { names, value, model }) => {
      for (const name of names) e.setAttribute(name, name === 'model' ? model : value);
    }, { names: ATTRIBUTES, value: payload, model: address });
  }
  await expect(element.locator('.note-warn').filter({ hasText: 'could not be used' })).toContainText('Some attributes had values');
  await expectNothingRan(page, 'attributes');
});

/** The tiny decoder's files as the picker takes them, plus files of the given names. */
function pickedFiles(names, tokenizer) {
  const read = (name) => readFileSync(path.join(repo, TINY, name === 'tokenizer.json' ? '../tokenizer.json' : name));
  const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
  return [
    ...['config.json', 'model.safetensors'].map((name) => file(name, read(name))),
    file('tokenizer.json', tokenizer ?? read('tokenizer.json')),
    ...names.map((name) => file(name, Buffer.from('{}'))),
  ];
}

test(`${PAYLOADS.length} payloads as the names of a reader's model files run nothing`, async ({ page }) => {
  await page.goto(TOY_PAGE);
  const modelSelect = page.getByRole('combobox', { name: 'Computed by' });
  for (let start = 0; start < PAYLOADS.length; start += 11) {
    const names = PAYLOADS.slice(start, start + 11).flatMap((p, i) => [`${p}.json`, `${p}${i}.safetensors`]);
    await modelSelect.selectOption('files');
    await page.locator('.model-drop input[type="file"]').setInputFiles(pickedFiles(names));
    await expect(page.locator('.note-error, .ap[data-kind="decoder"]').first()).toBeVisible({ timeout: 30_000 });
    await expectNothingRan(page, `file names from ${start}`);
  }
});

test(`${PAYLOADS.length} payloads as vocabulary entries show as tokens and run nothing`, async ({ page }) => {
  // The tiny decoder's tokenizer with the payloads as added tokens, in place of vocabulary entries
  // no merge makes or uses (so ids and merges still hold).
  const tokenizer = JSON.parse(readFileSync(path.join(repo, TINY, '../tokenizer.json'), 'utf8'));
  const merged = new Set(tokenizer.model.merges.flatMap((m) => {
    const [a, b] = Array.isArray(m) ? m : m.split(' ');
    return [a, b, a + b];
  }));
  const free = Object.entries(tokenizer.model.vocab).filter(([token]) => !merged.has(token)).sort(([, a], [, b]) => b - a);
  expect(free.length).toBeGreaterThanOrEqual(PAYLOADS.length);
  for (const [[token, id], payload] of free.map((entry, i) => [entry, PAYLOADS[i]]).slice(0, PAYLOADS.length)) {
    delete tokenizer.model.vocab[token];
    tokenizer.model.vocab[payload] = id;
    tokenizer.added_tokens.push({ id, content: payload, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
  }
  await page.goto(TOY_PAGE);
  await page.getByRole('combobox', { name: 'Computed by' }).selectOption('files');
  await page.locator('.model-drop input[type="file"]').setInputFiles(pickedFiles([], Buffer.from(JSON.stringify(tokenizer))));
  await expect(page.locator('.ap')).toHaveAttribute('data-kind', 'decoder', { timeout: 30_000 });
  const sentence = page.getByRole('textbox', { name: 'Sentence', exact: true });
  await sentence.fill(PAYLOADS.slice(0, 20).join(''));
  await ready(page);
  // Each payload is one token, shown as text (a space as ␣, long ones clipped).
  await expect(page.locator('.token-chip')).toHaveCount(20);
  await expect(page.locator('.token-chip').first()).toContainText('<img␣src=x␣onerror=');
  await sentence.fill(PAYLOADS.slice(20).join(''));
  await ready(page);
  await expectNothingRan(page, 'vocabulary');
});

test('20,000 combining marks are laid out by the text box alone: no mirror copy, labels clipped', async ({ page }) => {
  await page.goto(TOY_PAGE);
  await ready(page);
  const marks = `a${'\u0301'.repeat(20000)}`;
  await page.getByRole('textbox', { name: 'Sentence', exact: true }).fill(marks);
  await expect(page.locator('.weight-table thead th')).toHaveCount(1);
  await ready(page);
  const longest = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let most = { length: 0, where: '' };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent.length > most.length) most = { length: node.textContent.length, where: node.parentElement?.className ?? '' };
    }
    return most;
  });
  // Only the text box holds the whole text; the rest show it clipped (the longest is a note).
  expect(longest.length, `longest text, in ${longest.where}`).toBeLessThan(1000);
  await expect(page.locator('.weight-table thead th')).toHaveText(`a${'\u0301'.repeat(62)}…`);
  await expectNothingRan(page, 'combining marks');
});
