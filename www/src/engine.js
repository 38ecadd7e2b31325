// The page's side of the worker: request ids, latest-wins coalescing (a run typed over by a
// newer one is never sent, and a stale answer is never used), and a restart when the core
// traps or the worker dies.

import { errorMessage } from './protocol.js';

/** @typedef {import('./protocol.js').RunMessage} RunMessage */
/** @typedef {import('./protocol.js').BreakdownMessage} BreakdownMessage */
/** @typedef {import('./protocol.js').LoadMessage} LoadMessage */
/** @typedef {import('./protocol.js').FigureMessage} FigureMessage */
/** @typedef {import('./protocol.js').WorkerRequest} WorkerRequest */
/** @typedef {import('./protocol.js').WorkerResponse} WorkerResponse */
/** @typedef {import('./protocol.js').RunResult} RunResult */
/** @typedef {import('./protocol.js').BreakdownResult} BreakdownResult */
/** @typedef {import('./protocol.js').LoadResult} LoadResult */
/** @typedef {import('./protocol.js').FigureResult} FigureResult */
/** @typedef {import('./types').Field} Field */

/**
 * What an answer settles to: the result, an error sentence (with the setting or input it is
 * about, when the core said), or superseded by a newer request.
 * @template T
 * @typedef {{ ok: true, value: T } | { ok: false, message: string, field?: Field | null } | { ok: false, superseded: true }} Outcome
 */

/**
 * @typedef {Object} Pending
 * @property {WorkerRequest} request
 * @property {(outcome: Outcome<any>) => void} settle
 */

/**
 * @typedef {Object} Engine
 * @property {(request: Omit<RunMessage, 'type' | 'id'>) => Promise<Outcome<RunResult>>} run
 * @property {(request: Omit<BreakdownMessage, 'type' | 'id'>) => Promise<Outcome<BreakdownResult>>} breakdown
 * @property {(request: Omit<LoadMessage, 'type' | 'id'>) => Promise<Outcome<LoadResult>>} load
 *   the weights' buffer is transferred to the worker
 * @property {(request: Omit<FigureMessage, 'type' | 'id'>) => Promise<Outcome<FigureResult>>} figure
 *   the buffers of `weights` and `allowed` are transferred to the worker; figures are answered
 *   in order, after what the views wait for, and never superseded
 * @property {() => void} destroy
 */

/**
 * @param {{ workerUrl: URL, onRestart?: (reason: string) => void }} options
 * @returns {Engine}
 */
export function createEngine({ workerUrl, onRestart = () => {} }) {
  let nextId = 1;
  /** @type {Worker | null} */
  let worker = null;
  /** @type {Pending | null} */
  let inFlight = null;
  /** @type {Pending | null} */
  let queuedRun = null;
  /** @type {Pending | null} */
  let queuedBreakdown = null;
  /** @type {Pending | null} */
  let queuedLoad = null;
  /** @type {Pending[]} */
  const queuedFigures = [];

  function start() {
    const created = new Worker(workerUrl, { type: 'module', name: 'attention-core' });
    created.addEventListener('message', (event) => receive(/** @type {WorkerResponse} */ (event.data)));
    created.addEventListener('error', (event) => {
      event.preventDefault();
      restart(event.message || 'The attention worker stopped unexpectedly.');
    });
    created.addEventListener('messageerror', () => restart('The attention worker sent an unreadable message.'));
    return created;
  }

  /** @param {string} reason */
  function restart(reason) {
    worker?.terminate();
    worker = null;
    const failed = inFlight;
    inFlight = null;
    failed?.settle({ ok: false, message: reason });
    onRestart(reason);
    pump();
  }

  /** @param {WorkerResponse} response */
  function receive(response) {
    const current = inFlight;
    if (!current || current.request.id !== response.id) return;
    inFlight = null;
    if (response.type === 'error') {
      current.settle({ ok: false, message: response.message, ...(response.field ? { field: response.field } : {}) });
      if (response.fatal) restart(response.message);
    } else {
      current.settle({ ok: true, value: response });
    }
    pump();
  }

  function pump() {
    if (inFlight) return;
    // A model is loaded before anything runs: the run waiting may need it.
    const next = queuedLoad ?? queuedRun ?? queuedBreakdown ?? queuedFigures.shift();
    if (!next) return;
    if (next === queuedLoad) queuedLoad = null;
    else if (next === queuedRun) queuedRun = null;
    else if (next === queuedBreakdown) queuedBreakdown = null;
    inFlight = next;
    worker ??= start();
    worker.postMessage(next.request, transfers(next.request));
  }

  /**
   * The buffers a request hands over to the worker.
   * @param {WorkerRequest} request
   * @returns {Transferable[]}
   */
  function transfers(request) {
    if (request.type === 'load') return [request.weights];
    if (request.type === 'figure') return [request.weights.buffer, request.allowed.buffer];
    return [];
  }

  /**
   * @template T
   * @param {WorkerRequest} request
   * @returns {Promise<Outcome<T>>}
   */
  function enqueue(request) {
    return new Promise((resolve) => {
      /** @type {Pending} */
      const entry = { request, settle: resolve };
      if (request.type === 'run') {
        // A newer run makes every queued request stale: breakdowns belong to the old run.
        queuedRun?.settle({ ok: false, superseded: true });
        queuedBreakdown?.settle({ ok: false, superseded: true });
        queuedBreakdown = null;
        queuedRun = entry;
      } else if (request.type === 'load') {
        // Loading replaces the model: breakdowns of its last run can no longer be answered.
        queuedLoad?.settle({ ok: false, superseded: true });
        queuedBreakdown?.settle({ ok: false, superseded: true });
        queuedBreakdown = null;
        queuedLoad = entry;
      } else if (request.type === 'figure') {
        queuedFigures.push(entry);
      } else {
        queuedBreakdown?.settle({ ok: false, superseded: true });
        queuedBreakdown = entry;
      }
      pump();
    });
  }

  return {
    run: (request) => enqueue({ ...request, type: 'run', id: nextId++ }),
    breakdown: (request) => enqueue({ ...request, type: 'breakdown', id: nextId++ }),
    load: (request) => enqueue({ ...request, type: 'load', id: nextId++ }),
    figure: (request) => enqueue({ ...request, type: 'figure', id: nextId++ }),
    destroy() {
      worker?.terminate();
      worker = null;
      for (const pending of [inFlight, queuedLoad, queuedRun, queuedBreakdown, ...queuedFigures.splice(0)]) {
        pending?.settle({ ok: false, message: errorMessage('The playground was closed.') });
      }
      inFlight = queuedLoad = queuedRun = queuedBreakdown = null;
    },
  };
}
