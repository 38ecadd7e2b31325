// The page's side of the worker: request ids, latest-wins coalescing (a run typed over by a
// newer one is never sent, and a stale answer is never used), and a restart when the core
// traps or the worker dies.

import { errorMessage } from './protocol.js';

/** @typedef {import('./protocol.js').RunRequest} RunRequest */
/** @typedef {import('./protocol.js').BreakdownRequest} BreakdownRequest */
/** @typedef {import('./protocol.js').WorkerRequest} WorkerRequest */
/** @typedef {import('./protocol.js').WorkerResponse} WorkerResponse */
/** @typedef {import('./protocol.js').RunResult} RunResult */
/** @typedef {import('./protocol.js').BreakdownResult} BreakdownResult */

/**
 * What an answer settles to: the result, an error sentence, or superseded by a newer request.
 * @template T
 * @typedef {{ ok: true, value: T } | { ok: false, message: string } | { ok: false, superseded: true }} Outcome
 */

/**
 * @typedef {Object} Pending
 * @property {WorkerRequest} request
 * @property {(outcome: Outcome<any>) => void} settle
 */

/**
 * @typedef {Object} Engine
 * @property {(request: Omit<RunRequest, 'type' | 'id'>) => Promise<Outcome<RunResult>>} run
 * @property {(request: Omit<BreakdownRequest, 'type' | 'id'>) => Promise<Outcome<BreakdownResult>>} breakdown
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
      current.settle({ ok: false, message: response.message });
      if (response.fatal) restart(response.message);
    } else {
      current.settle({ ok: true, value: response });
    }
    pump();
  }

  function pump() {
    if (inFlight) return;
    const next = queuedRun ?? queuedBreakdown;
    if (!next) return;
    if (next === queuedRun) queuedRun = null;
    else queuedBreakdown = null;
    inFlight = next;
    worker ??= start();
    worker.postMessage(next.request);
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
    destroy() {
      worker?.terminate();
      worker = null;
      for (const pending of [inFlight, queuedRun, queuedBreakdown]) {
        pending?.settle({ ok: false, message: errorMessage('The playground was closed.') });
      }
      inFlight = queuedRun = queuedBreakdown = null;
    },
  };
}
