// The shipped models the page offers by name (trained/catalog.json, generated into
// generated/catalog.js): the kinds the page runs, each at its address relative to the page.
// Pure module.

import { CATALOG, EVALUATIONS } from '../generated/catalog.js';
import { isLocalSource, planFor, relativeAddress } from './address.js';

/** @typedef {import('../types').CatalogEntry} CatalogEntry */
/** @typedef {import('../types').Evaluation} Evaluation */

/** The kinds of model the page computes. */
export const PAGE_KINDS = /** @type {const} */ (['encoder', 'decoder', 'encoder-decoder', 'vision', 'captioner']);

/**
 * A shipped model as the Model settings offer it.
 * @typedef {Object} ShippedModel
 * @property {CatalogEntry} entry
 * @property {string} address  its folder, relative to the page
 */

/**
 * The shipped models the page can compute, in the catalog's order, with their addresses: the
 * folders sit beside `www/`, two folders above the bundle.
 * @param {URL} page      the page's address (its base URI)
 * @param {URL} bundle    the bundle's address
 * @param {CatalogEntry[]} [catalog]
 * @returns {ShippedModel[]}
 */
export function shippedModels(page, bundle, catalog = CATALOG) {
  return catalog
    .filter((entry) => PAGE_KINDS.some((kind) => kind === entry.kind))
    .map((entry) => ({ entry, address: relativeAddress(page, new URL(`../../${entry.folder}`, bundle)) }));
}

/**
 * The shipped model at an address, if it is one.
 * @param {ShippedModel[]} shipped
 * @param {string} address
 */
export function shippedAt(shipped, address) {
  return shipped.find((model) => model.address === address) ?? null;
}

/**
 * The shipped model behind an address, whether it names the model's folder or one of its files
 * (a link to its model.safetensors); null for a reader's files and any other address, whose
 * weights may as well be random.
 * @param {ShippedModel[]} shipped
 * @param {string} address
 * @param {URL | string} base  the page the addresses are relative to
 */
export function shippedBehind(shipped, address, base) {
  if (isLocalSource(address)) return null;
  try {
    const folder = planFor(address, base).folder.href;
    return shipped.find((model) => new URL(model.address, base).href === folder) ?? null;
  } catch {
    return null;
  }
}

/**
 * A shipped model's kind and origin in a few words: "pretrained encoder", "decoder, trained here".
 * @param {CatalogEntry} entry
 */
export function shippedLabel(entry) {
  const kind = entry.kind.replace('-', '–');
  return entry.origin === 'trained' ? `${kind}, trained here` : `${entry.origin} ${kind}`;
}

/**
 * The translation tasks the project trains models for: their titles in the Model settings, and
 * example sources a reader can try (dates in every style the models learned; sentences whose
 * adjectives move after their nouns).
 */
export const TASKS = /** @type {const} */ ({
  dates: {
    title: 'Dates → ISO 8601',
    examples: ['29 November 2026', 'November 29, 2026', '29/11/2026', 'Sunday, 29th of November 2026', 'nov 29 26', '2026.11.29', 'the 3rd of March 1999'],
  },
  grammar: {
    title: 'English → French-like',
    examples: [
      'the small cat sees the red car',
      'the hungry fox follows the white rabbit',
      'my brother buys a green umbrella',
      'the brave king and the beautiful queen watch the noisy birds in the old forest',
      'the old teacher and the young students visit the famous castle near the blue river',
    ],
  },
});

/** @typedef {keyof typeof TASKS} TaskName */

/**
 * The evaluation of a shipped translation model (its eval.json, through the generated catalog).
 * @param {string} name
 * @param {Evaluation[]} [evaluations]
 */
export function evaluationOf(name, evaluations = EVALUATIONS) {
  return evaluations.find((evaluation) => evaluation.name === name) ?? null;
}

/**
 * The task of a shipped translation model, or null for other models.
 * @param {string} name
 * @returns {TaskName | null}
 */
export function taskOf(name) {
  const task = evaluationOf(name)?.task;
  return task === 'dates' || task === 'grammar' ? task : null;
}

/**
 * The evaluations of one task's models, in the catalog's order.
 * @param {TaskName} task
 * @param {Evaluation[]} [evaluations]
 */
export function taskEvaluations(task, evaluations = EVALUATIONS) {
  return evaluations.filter((evaluation) => evaluation.task === task);
}
