// The Train panel's side of the training worker: each request answered by its own promise, in
// order. A trap or a dead worker rejects what is pending and starts a fresh worker (the model in
// training is lost with it, and the panel says so).

import { TRAINER_WORKER } from './worker.js';

/** @typedef {import('./protocol.js').TrainRequest} TrainRequest */
/** @typedef {import('./protocol.js').TrainResponse} TrainResponse */
/** @typedef {import('../types').Field} Field */

/** An answer the worker refused, with the setting it is about. */
export class TrainError extends Error {
  /**
   * @param {string} message
   * @param {Field | null} field
   * @param {boolean} fatal  the worker was lost: the model must be started again
   */
  constructor(message, field, fatal) {
    super(message);
    this.field = field;
    this.fatal = fatal;
  }
}

/**
 * @param {URL} workerUrl  the bundle, which serves training in a worker named TRAINER_WORKER
 */
export function createTrainClient(workerUrl) {
  let nextId = 1;
  /** @type {Worker | null} */
  let worker = null;
  /** @type {Map<number, { resolve: (response: TrainResponse) => void, reject: (error: TrainError) => void }>} */
  const pending = new Map();

  function lost(/** @type {string} */ reason) {
    worker?.terminate();
    worker = null;
    for (const { reject } of pending.values()) reject(new TrainError(reason, null, true));
    pending.clear();
  }

  function start() {
    const created = new Worker(workerUrl, { type: 'module', name: TRAINER_WORKER });
    created.addEventListener('message', (event) => {
      const response = /** @type {TrainResponse} */ (event.data);
      const waiting = pending.get(response.id);
      if (!waiting) return;
      pending.delete(response.id);
      if (response.type !== 'error') waiting.resolve(response);
      else {
        waiting.reject(new TrainError(response.message, response.field, response.fatal));
        if (response.fatal) lost(`The training worker stopped: ${response.message}`);
      }
    });
    created.addEventListener('error', (event) => {
      event.preventDefault();
      lost(event.message || 'The training worker stopped unexpectedly.');
    });
    return created;
  }

  return {
    /**
     * @template {TrainRequest['type']} T
     * @param {T} type
     * @param {Omit<Extract<TrainRequest, { type: T }>, 'type' | 'id'>} body
     * @returns {Promise<Extract<TrainResponse, { type: T extends 'start' ? 'started' : T extends 'train' ? 'trained' : T }>>}
     */
    request(type, body) {
      worker ??= start();
      const id = nextId++;
      const message = /** @type {TrainRequest} */ (/** @type {unknown} */ ({ ...body, type, id }));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: /** @type {(r: TrainResponse) => void} */ (resolve), reject });
        /** @type {Worker} */ (worker).postMessage(message);
      });
    },
    destroy() {
      lost('The Train panel was closed.');
    },
  };
}
