// Where a pretrained model's files are. A model is named by an address: a folder (served next to
// the page, or a model hub's), or a link to one of its files; the address turns into the URLs the
// loader asks for. Files a reader drops or picks are sorted by their names the same way.
// Pure module: no DOM access.

import { CORE_LIMITS } from '../generated/core.js';

/** The model the playground offers by default, served from the site's `models/` folder. */
export const SERVED_MODEL = { name: 'all-MiniLM-L6-v2', folder: 'models/all-MiniLM-L6-v2/' };

/**
 * The weights files tried in a folder, in order: the full-precision F32 file first, so that every
 * digit shown is the model's (the F16 copy moves MiniLM's attention weights by up to 1.4·10⁻³, the
 * third decimal); the half-size F16 copy where it is the only one (compute stays f32).
 */
export const WEIGHTS_FILES = /** @type {const} */ (['model.safetensors', 'model.f16.safetensors']);

/** A source that names files from the reader's computer: a link cannot carry them. */
export const LOCAL_PREFIX = 'local:';

/** Larger weights files are refused before they are downloaded or read (the core's limit). */
export const MAX_WEIGHTS_BYTES = CORE_LIMITS.maxModelFileBytes;

/**
 * The files of a model, as URLs.
 * @typedef {Object} ModelPlan
 * @property {string} name     a short name for notes, e.g. "all-MiniLM-L6-v2"
 * @property {URL} folder
 * @property {URL} config
 * @property {URL | null} tokenizer  null where the model is known to have none (an encoder–decoder)
 * @property {URL} vocab      vocab.txt, or an encoder–decoder's vocab.json
 * @property {boolean} [vocabToo]  vocab is read beside the file in the tokenizer's place, not
 *   instead of it (a captioner: its image processor's settings and the words it writes)
 * @property {URL[]} weights   tried in order; the first that exists is used
 * @property {URL | null} heads  the model's named heads (heads.json), asked for only where the
 *   model is known to have them (the project's trained models)
 */

/**
 * Model hubs show pages of a repository (…/org/name, …/tree/main, …/blob/main/file); their raw
 * files are under …/resolve/<revision>/. Other addresses are used as they are.
 * @param {URL} url
 * @returns {URL}
 */
function rawFileAddress(url) {
  if (!/^(huggingface\.co|hf\.co)$/i.test(url.hostname)) return url;
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.length < 2 || parts[0] === 'datasets' || parts[0] === 'spaces') return url;
  const [org, name, kind, revision = 'main', ...rest] = parts;
  const raw = new URL(url.href);
  raw.search = '';
  if (kind === undefined) raw.pathname = `/${org}/${name}/resolve/main/`;
  else if (kind === 'tree') raw.pathname = `/${org}/${name}/resolve/${revision}/${rest.length ? `${rest.join('/')}/` : ''}`;
  else if (kind === 'blob') raw.pathname = `/${org}/${name}/resolve/${revision}/${rest.join('/')}`;
  return raw;
}

/**
 * The host of a model address when it is on another site than `base` (whose files a link must
 * not fetch without asking), else null. Local sources and unreadable addresses are not foreign.
 * @param {string} address
 * @param {URL | string} base
 */
export function foreignHost(address, base) {
  if (isLocalSource(address)) return null;
  try {
    const url = new URL(address.trim(), base);
    return url.origin === new URL(base).origin ? null : url.host;
  } catch {
    return null;
  }
}

/**
 * The URLs a model address stands for: a folder (with or without its final slash), or a link to
 * its config.json, tokenizer.json, vocab.txt or .safetensors file (that weights file is then the
 * one used). Throws an Error with a sentence for anything that is not an http(s) address.
 * @param {string} address  absolute, or relative to `base`
 * @param {URL | string} base  the page (or element's document) the address is relative to
 * @returns {ModelPlan}
 */
export function planFor(address, base) {
  /** @type {URL} */
  let url;
  try {
    url = new URL(address.trim(), base);
  } catch {
    throw new Error(`“${address}” is not an address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`“${address}” is not a web address (http or https).`);
  }
  url = rawFileAddress(url);
  url.hash = '';
  const last = url.pathname.split('/').pop() ?? '';
  /** @type {URL[] | null} */
  let weights = null;
  let folder;
  if (last === '') {
    folder = new URL(url.href);
  } else if (/\.safetensors$/i.test(last) || /^(config\.json|tokenizer\.json|vocab\.txt)$/i.test(last)) {
    folder = new URL('./', url);
    if (/\.safetensors$/i.test(last)) weights = [url];
  } else {
    folder = new URL(`${url.pathname}/`, url);
  }
  folder.search = '';
  const name = decodeURIComponent(folder.pathname.split('/').filter(Boolean).filter((part) => !/^(resolve|main)$/.test(part)).pop() ?? folder.host);
  return {
    name,
    folder,
    config: new URL('config.json', folder),
    tokenizer: new URL('tokenizer.json', folder),
    vocab: new URL('vocab.txt', folder),
    weights: weights ?? WEIGHTS_FILES.map((file) => new URL(file, folder)),
    heads: null,
  };
}

/**
 * `to` as an address relative to the folder of `from` when both are on one site, else absolute.
 * @param {URL} from  a page
 * @param {URL} to
 */
export function relativeAddress(from, to) {
  if (from.origin !== to.origin) return to.href;
  const fromParts = from.pathname.split('/').slice(0, -1);
  const toParts = to.pathname.split('/');
  let same = 0;
  while (same < fromParts.length && same < toParts.length - 1 && fromParts[same] === toParts[same]) same += 1;
  const up = fromParts.length - same;
  const rest = toParts.slice(same).join('/');
  return `${up === 0 ? '' : '../'.repeat(up)}${rest}${to.search}`;
}

/**
 * @typedef {Object} NamedFile
 * @property {string} name
 * @property {number} size
 */

/**
 * @template {NamedFile} F
 * @typedef {Object} SortedFiles
 * @property {F | null} config
 * @property {F | null} tokenizer
 * @property {F | null} vocab
 * @property {F | null} weights
 * @property {F | null} heads     heads.json: the named heads of a model the project trained
 * @property {string[]} ignored   names of the files that are not used
 */

/**
 * Sorts a model's files by name: config.json, tokenizer.json, vocab.txt (or an encoder–decoder's
 * vocab.json) and one .safetensors file
 * (model.safetensors before model.f16.safetensors before any other). Throws an Error with a
 * sentence when a needed file is missing or the weights are split into shards.
 * @template {NamedFile} F
 * @param {F[]} files
 * @returns {SortedFiles<F>}
 */
export function sortModelFiles(files) {
  const byName = (/** @type {string} */ name) => files.find((file) => file.name.toLowerCase() === name) ?? null;
  const safetensors = files.filter((file) => /\.safetensors$/i.test(file.name));
  const shards = safetensors.filter((file) => /-\d+-of-\d+\.safetensors$/i.test(file.name));
  if (shards.length > 0 && shards.length === safetensors.length) {
    throw new Error(`The weights are split into ${shards.length} shards (${shards[0].name}, …): the playground reads one .safetensors file.`);
  }
  const preferred = [...WEIGHTS_FILES].map((name) => safetensors.find((file) => file.name.toLowerCase() === name));
  const weights = preferred.find(Boolean) ?? [...safetensors].sort((a, b) => a.name.localeCompare(b.name))[0] ?? null;
  const sorted = { config: byName('config.json'), tokenizer: byName('tokenizer.json'), vocab: byName('vocab.txt') ?? byName('vocab.json'), weights, heads: byName('heads.json') };
  const used = new Set(Object.values(sorted));
  const ignored = files.filter((file) => !used.has(file)).map((file) => file.name);
  /** @type {string[]} */
  const missing = [];
  if (!sorted.config) missing.push('config.json');
  if (!sorted.tokenizer && !sorted.vocab) missing.push('tokenizer.json, vocab.txt or vocab.json');
  if (!sorted.weights) missing.push('a .safetensors weights file');
  if (missing.length > 0) {
    const given = files.length === 0 ? 'No files were given' : `Among ${files.map((file) => file.name).slice(0, 6).join(', ')}${files.length > 6 ? ', …' : ''}`;
    throw new Error(`${given}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. A model needs config.json, tokenizer.json or vocab.txt (an encoder–decoder vocab.json), and its .safetensors weights.`);
  }
  return { ...sorted, ignored };
}

/**
 * The source of a model loaded from the reader's files (kept in the state, refused by links).
 * @param {string} name
 */
export function localSource(name) {
  return `${LOCAL_PREFIX}${name.replace(/[^\w.-]+/g, '-').slice(0, 64)}`;
}

/** @param {string} source */
export function isLocalSource(source) {
  return source.startsWith(LOCAL_PREFIX);
}
