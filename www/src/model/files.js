// A model from the reader's own files, picked with a file input or dropped (the files, or the
// folder that holds them). Nothing leaves the computer: the files are read in the page and
// handed to the worker.

import { MAX_WEIGHTS_BYTES, WEIGHTS_FILES, sortModelFiles } from './address.js';
import { formatBytes } from '../format.js';
import { LoadError, tooLarge } from './fetch.js';

/** @typedef {import('./fetch.js').ModelFiles} ModelFiles */
/** @typedef {import('./fetch.js').LoadProgress} LoadProgress */

/**
 * @typedef {Object} LocalFiles
 * @property {File[]} files
 * @property {string | null} folder  the name of the dropped or picked folder, if any
 */

/**
 * The files of a drop: files as they are, a folder opened (with the folders inside it).
 * @param {DataTransfer} transfer
 * @returns {Promise<LocalFiles>}
 */
export async function droppedFiles(transfer) {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() ?? null : null))
    .filter((entry) => entry !== null);
  if (entries.length === 0) return { files: [...transfer.files], folder: null };
  /** @type {File[]} */
  const files = [];
  const folder = entries.length === 1 && entries[0].isDirectory ? entries[0].name : null;
  await Promise.all(entries.map((entry) => collect(entry, files, 2)));
  return { files, folder };
}

/**
 * @param {FileSystemEntry} entry
 * @param {File[]} into
 * @param {number} depth  folders opened below this one
 */
async function collect(entry, into, depth) {
  if (entry.isFile) {
    into.push(await new Promise((resolve, reject) => /** @type {FileSystemFileEntry} */ (entry).file(resolve, reject)));
    return;
  }
  if (!entry.isDirectory || depth < 0) return;
  const reader = /** @type {FileSystemDirectoryEntry} */ (entry).createReader();
  for (;;) {
    /** @type {FileSystemEntry[]} */
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    await Promise.all(batch.map((child) => collect(child, into, depth - 1)));
  }
}

/**
 * The name a model from files goes by: its folder's, else its weights file's.
 * @param {LocalFiles} local
 */
export function localModelName(local) {
  const picked = local.files.find((file) => file.webkitRelativePath)?.webkitRelativePath.split('/')[0];
  const weights = local.files.find((file) => /\.safetensors$/i.test(file.name));
  const own = weights && !WEIGHTS_FILES.some((name) => name === weights.name.toLowerCase()) ? weights.name.replace(/\.safetensors$/i, '') : null;
  return local.folder ?? picked ?? own ?? 'your files';
}

/**
 * Reads the files a model needs; throws a LoadError naming what is missing or too large.
 * @param {LocalFiles} local
 * @param {{ signal: AbortSignal, onProgress: (progress: LoadProgress) => void }} options
 * @returns {Promise<{ files: ModelFiles, ignored: string[] }>}
 */
export async function readLocalModel(local, { signal, onProgress }) {
  let sorted;
  try {
    sorted = sortModelFiles(local.files);
  } catch (error) {
    throw new LoadError(error instanceof Error ? error.message : String(error));
  }
  const weights = /** @type {File} */ (sorted.weights);
  if (weights.size > MAX_WEIGHTS_BYTES) throw new LoadError(tooLarge(weights.name, weights.size));
  const parts = [sorted.config, sorted.tokenizer, sorted.vocab, weights, sorted.heads].filter((file) => file !== null);
  const total = parts.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  /** @param {File | null} file */
  const read = async (file) => {
    if (!file) return null;
    onProgress({ phase: 'read', file: file.name, done, total });
    const before = done;
    const bytes = await readInChunks(file, signal, (at) => onProgress({ phase: 'read', file: file.name, done: before + at, total }));
    done += file.size;
    return bytes;
  };
  const text = async (/** @type {File | null} */ file) => {
    const bytes = await read(file);
    return bytes ? new TextDecoder().decode(bytes) : null;
  };
  const config = (await text(sorted.config)) ?? '';
  // tokenizer.json wins when both are given: vocab.txt is read only without it.
  const tokenizer = await text(sorted.tokenizer);
  const vocab = tokenizer === null ? await text(sorted.vocab) : null;
  const bytes = /** @type {Uint8Array} */ (await read(weights));
  const heads = await text(sorted.heads);
  const ignored = [...sorted.ignored, ...(tokenizer !== null && sorted.vocab ? [sorted.vocab.name] : [])];
  return {
    files: { config, tokenizer, vocab, weights: bytes, weightsName: weights.name, heads },
    ignored,
  };
}

/** Progress is reported each time another hundredth of a file is read (and at its end). */
const PROGRESS_STEPS = 100;

/**
 * Reads a file into one buffer chunk by chunk (one copy, as `arrayBuffer()` makes): a large file
 * shows its progress, and a cancel stops the read at the next chunk instead of after the whole
 * file.
 * @param {File} file
 * @param {AbortSignal} signal
 * @param {(bytesRead: number) => void} onProgress
 * @returns {Promise<Uint8Array>}
 */
async function readInChunks(file, signal, onProgress) {
  signal.throwIfAborted();
  const bytes = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  const step = Math.max(1, Math.floor(file.size / PROGRESS_STEPS));
  const changed = () => new LoadError(`${file.name} changed while it was being read (${formatBytes(file.size)} when picked): pick it again.`);
  let at = 0;
  let reported = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) break;
      if (at + value.byteLength > bytes.byteLength) throw changed();
      bytes.set(value, at);
      at += value.byteLength;
      if (at - reported >= step) {
        reported = at;
        onProgress(at);
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (at !== bytes.byteLength) throw changed();
  if (reported !== at) onProgress(at);
  return bytes;
}

/**
 * Lets a reader drop a model's files (or their folder) anywhere on `root`.
 * @param {HTMLElement} root
 * @param {(local: LocalFiles) => void} onFiles
 */
export function acceptDrops(root, onFiles) {
  const carriesFiles = (/** @type {DragEvent} */ event) => event.dataTransfer?.types.includes('Files') ?? false;
  root.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    root.classList.add('dropping');
  });
  root.addEventListener('dragleave', (event) => {
    if (!root.contains(/** @type {Node | null} */ (event.relatedTarget))) root.classList.remove('dropping');
  });
  root.addEventListener('drop', async (event) => {
    if (!carriesFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    root.classList.remove('dropping');
    onFiles(await droppedFiles(event.dataTransfer));
  });
}
