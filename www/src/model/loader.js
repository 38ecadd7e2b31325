// One playground's pretrained model: which one is wanted, getting its files (from an address,
// through the cache, or from the reader's own files), handing them to the worker, progress in
// bytes, cancelling, and what went wrong. One model at a time: loading another replaces it.

import { errorMessage } from '../protocol.js';
import { LOCAL_PREFIX, isLocalSource, localSource, planFor } from './address.js';
import { fetchModel, isAbort } from './fetch.js';
import { localModelName, readLocalModel } from './files.js';
import { parseHeads } from './heads.js';

/** @typedef {import('../engine.js').Engine} Engine */
/** @typedef {import('../types').ModelInfo} ModelInfo */
/** @typedef {import('./fetch.js').LoadProgress} LoadProgress */
/** @typedef {import('./files.js').LocalFiles} LocalFiles */

/**
 * How the files were got, once loaded.
 * @typedef {Object} LoadReport
 * @property {number} milliseconds  from the request to the model ready in the worker
 * @property {number} downloaded    bytes that came over the network
 * @property {number} fromCache     bytes read from the browser's cache
 * @property {number} readLocally   bytes read from the reader's files
 * @property {string} weightsName
 * @property {string[]} ignored     files given but not used
 */

/**
 * @typedef {Object} ModelStatus
 * @property {'none' | 'loading' | 'ready' | 'failed' | 'cancelled'} phase
 * @property {string | null} source  the state's `source` this is about (an address or local:…)
 * @property {string} name
 * @property {LoadProgress | null} progress  while loading; phase 'prepare' once the core reads
 * @property {ModelInfo | null} info  once ready
 * @property {LoadReport | null} report  once ready
 * @property {import('./heads.js').NamedHead[]} heads  once ready: the heads its heads.json names
 * @property {import('../types').Vocabularies | null} vocabulary  once ready: an encoder–decoder's
 *   source and target tokens, as the core read them from vocab.json
 * @property {string | null} message  why it failed
 */

/** @type {ModelStatus} */
const NONE = { phase: 'none', source: null, name: '', progress: null, info: null, report: null, heads: [], vocabulary: null, message: null };

/**
 * What is known in advance of a shipped model's folder: its one weights file (so no other is
 * asked for), whether heads.json names its heads, and an encoder–decoder's vocabulary file
 * (vocab.json, then no tokenizer.json is asked for), or a vision model's image processor
 * (preprocessor_config.json, read in the tokenizer's place).
 * @typedef {{ weights: string, heads: boolean, vocab?: string, preprocessor?: string }} KnownFiles
 */

/**
 * @param {{ engine: Engine, base: () => string, onChange: (status: ModelStatus) => void, known?: (address: string) => KnownFiles | null }} options
 *   `base` is the address model addresses are relative to (the page's); `known` tells the files
 *   of the folders the page ships (the project's trained models)
 */
export function createModelLoader({ engine, base, onChange, known = () => null }) {
  /** @type {ModelStatus} */
  let status = NONE;
  /** @type {AbortController | null} */
  let controller = null;
  let ticket = 0;
  /** The reader's files behind a local source, to read again after a restart of the worker. */
  /** @type {Map<string, LocalFiles>} */
  const localFiles = new Map();

  /** @param {Partial<ModelStatus>} patch */
  function set(patch) {
    status = { ...status, ...patch };
    onChange(status);
  }

  /**
   * @param {string} source
   * @param {string} name
   * @param {(signal: AbortSignal, onProgress: (progress: LoadProgress) => void) => Promise<{ files: import('./fetch.js').ModelFiles, report: Omit<LoadReport, 'milliseconds' | 'weightsName'>, stored?: Promise<void> }>} get
   */
  async function load(source, name, get) {
    controller?.abort();
    const mine = ++ticket;
    const abort = new AbortController();
    controller = abort;
    const started = performance.now();
    set({ ...NONE, phase: 'loading', source, name });
    try {
      const got = await get(abort.signal, (progress) => {
        if (mine === ticket) set({ progress });
      });
      if (mine !== ticket) return;
      const { files } = got;
      set({ progress: { phase: 'prepare', file: files.weightsName, done: files.weights.byteLength, total: files.weights.byteLength } });
      const outcome = await engine.load({
        name,
        config: files.config,
        tokenizer: files.tokenizer,
        vocab: files.vocab,
        weights: /** @type {ArrayBuffer} */ (files.weights.buffer),
        weightsName: files.weightsName,
      });
      await got.stored;
      if (mine !== ticket) return;
      if (!outcome.ok) {
        if ('superseded' in outcome) return;
        set({ phase: 'failed', progress: null, message: outcome.message });
        return;
      }
      const report = { ...got.report, milliseconds: performance.now() - started, weightsName: files.weightsName };
      set({ phase: 'ready', progress: null, info: outcome.value.info, report, heads: parseHeads(files.heads), vocabulary: outcome.value.vocabulary ?? null });
    } catch (error) {
      if (mine !== ticket) return;
      if (isAbort(error)) set({ phase: 'cancelled', progress: null });
      else set({ phase: 'failed', progress: null, message: errorMessage(error) });
    } finally {
      if (controller === abort) controller = null;
    }
  }

  /** @param {string} address */
  function loadAddress(address) {
    /** @type {import('./address.js').ModelPlan} */
    let plan;
    try {
      plan = planFor(address, base());
      const files = known(address);
      if (files) {
        plan.weights = [new URL(files.weights, plan.folder)];
        if (files.heads) plan.heads = new URL('heads.json', plan.folder);
        if (files.vocab) {
          plan.vocab = new URL(files.vocab, plan.folder);
          plan.tokenizer = null;
        }
        if (files.preprocessor) {
          plan.tokenizer = new URL(files.preprocessor, plan.folder);
          plan.vocabToo = Boolean(files.vocab);
        }
      }
    } catch (error) {
      set({ ...NONE, phase: 'failed', source: address, name: address, message: errorMessage(error) });
      return;
    }
    load(address, plan.name, async (signal, onProgress) => {
      const fetched = await fetchModel(plan, { signal, onProgress });
      return {
        files: fetched.files,
        report: { downloaded: fetched.downloaded, fromCache: fetched.fromCache, readLocally: 0, ignored: [] },
        stored: fetched.stored,
      };
    });
  }

  /**
   * @param {string} source
   * @param {LocalFiles} local
   */
  function loadLocal(source, local) {
    load(source, source.slice(LOCAL_PREFIX.length), async (signal, onProgress) => {
      const read = await readLocalModel(local, { signal, onProgress });
      return {
        files: read.files,
        report: { downloaded: 0, fromCache: 0, readLocally: read.files.weights.byteLength, ignored: read.ignored },
      };
    });
  }

  return {
    /** The current status. */
    status: () => status,
    /**
     * Makes `source` the model: loads it unless it is already loaded or loading. A local source
     * whose files this page does not hold fails with a sentence.
     * @param {string} source
     */
    want(source) {
      // A failed or cancelled model is tried again when it is asked for again.
      if (status.source === source && (status.phase === 'loading' || status.phase === 'ready')) return;
      if (isLocalSource(source)) {
        const local = localFiles.get(source);
        if (local) loadLocal(source, local);
        else set({ ...NONE, phase: 'failed', source, name: source, message: 'Its files are not open in this page: load them again with Load files….' });
        return;
      }
      loadAddress(source);
    },
    /**
     * Loads the reader's files; returns the source that names them.
     * @param {LocalFiles} local
     */
    loadFiles(local) {
      const source = localSource(localModelName(local));
      localFiles.clear();
      localFiles.set(source, local);
      loadLocal(source, local);
      return source;
    },
    /** Stops a download or read under way. */
    cancel() {
      if (status.phase !== 'loading') return;
      ticket += 1;
      controller?.abort();
      controller = null;
      set({ phase: 'cancelled', progress: null });
    },
    /** Forgets a failure or a cancellation (the reader chose something else). */
    clear() {
      if (status.phase === 'failed' || status.phase === 'cancelled') set(NONE);
    },
    /** The worker was replaced, and the model with it: load it again. */
    reload() {
      const { source, phase } = status;
      if (!source || (phase !== 'ready' && phase !== 'loading')) return;
      status = NONE;
      this.want(source);
    },
    destroy() {
      ticket += 1;
      controller?.abort();
      localFiles.clear();
    },
  };
}
