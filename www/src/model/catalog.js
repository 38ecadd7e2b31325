// The shipped models the page offers by name (trained/catalog.json, generated into
// generated/catalog.js): the kinds the page runs, each at its address relative to the page.
// Pure module.

import { CATALOG } from '../generated/catalog.js';
import { relativeAddress } from './address.js';

/** @typedef {import('../types').CatalogEntry} CatalogEntry */

/** The kinds of model the page computes (an encoder–decoder is not wired to the views yet). */
export const PAGE_KINDS = /** @type {const} */ (['encoder', 'decoder']);

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
 * A shipped model's kind and origin in a few words: "pretrained encoder", "decoder, trained here".
 * @param {CatalogEntry} entry
 */
export function shippedLabel(entry) {
  return entry.origin === 'trained' ? `${entry.kind}, trained here` : `${entry.origin} ${entry.kind}`;
}
