// The messages between the page and its worker. The worker owns the wasm core; the page
// only renders. Bulk numbers travel as transferred ArrayBuffers.

/** @typedef {import('./types').ToyConfig} ToyConfig */
/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').QueryBreakdown} QueryBreakdown */
/** @typedef {import('./types').ModelInfo} ModelInfo */
/** @typedef {import('./types').ModelRunSummary} ModelRunSummary */
/** @typedef {import('./types').ModelQueryBreakdown} ModelQueryBreakdown */

/**
 * Configure, run, and return every head's weights plus the focused query's breakdown.
 * @typedef {Object} RunRequest
 * @property {'run'} type
 * @property {number} id
 * @property {ToyConfig} config
 * @property {string} text
 * @property {string | null} crossText   only in cross mode
 * @property {number} head
 * @property {number} query
 * @property {boolean} vectors  the token vectors are the loaded model's word embeddings
 */

/**
 * Run the loaded pretrained model: every layer's and head's weights come back at once.
 * @typedef {Object} ModelRunRequest
 * @property {'model-run'} type
 * @property {number} id
 * @property {string} text
 * @property {boolean} withoutSpecial  also the weights among the ordinary tokens, renormalised
 * @property {number} layer
 * @property {number} head
 * @property {number} query
 */

/**
 * The breakdown of another (layer, head, query) of the last run (layer 0 for the toy).
 * @typedef {Object} BreakdownRequest
 * @property {'breakdown'} type
 * @property {number} id
 * @property {number} runId   the run it belongs to
 * @property {number} layer
 * @property {number} head
 * @property {number} query
 */

/**
 * Load a pretrained model from the contents of its files; the model loaded before is freed.
 * @typedef {Object} LoadRequest
 * @property {'load'} type
 * @property {number} id
 * @property {string} config
 * @property {string | null} tokenizer
 * @property {string | null} vocab
 * @property {ArrayBuffer} weights   transferred
 * @property {string} weightsName
 */

/** @typedef {RunRequest | ModelRunRequest | BreakdownRequest | LoadRequest} WorkerRequest */

/**
 * @typedef {Object} RunResult
 * @property {'run'} type
 * @property {number} id
 * @property {RunSummary} summary
 * @property {Float32Array} weights   heads × queries × keys, row-major
 * @property {Uint8Array} allowed     queries × keys: 1 where the mask lets the key through
 * @property {QueryBreakdown | null} breakdown  for the requested head and query (clamped)
 * @property {number} head
 * @property {number} query
 * @property {number} milliseconds    time spent in the core
 */

/**
 * @typedef {Object} ModelRunResult
 * @property {'model-run'} type
 * @property {number} id
 * @property {ModelRunSummary} summary
 * @property {Float32Array} attentions  layers × heads × T × T, row-major
 * @property {{ tokens: number[], attentions: Float32Array } | null} withoutSpecial  the indices of
 *   the ordinary tokens, and layers × heads × K × K weights among them with rows renormalised
 * @property {Float32Array} pooled      the sentence embedding
 * @property {ModelQueryBreakdown | null} breakdown  for the requested layer, head and query (clamped)
 * @property {number} milliseconds
 */

/**
 * @typedef {Object} BreakdownResult
 * @property {'breakdown'} type
 * @property {number} id
 * @property {number} runId
 * @property {QueryBreakdown} breakdown
 * @property {number} layer
 */

/**
 * @typedef {Object} LoadResult
 * @property {'load'} type
 * @property {number} id
 * @property {ModelInfo} info
 * @property {number} milliseconds  time the core took to read the files
 */

/**
 * @typedef {Object} ErrorResult
 * @property {'error'} type
 * @property {number} id
 * @property {string} message  one sentence a person can act on
 * @property {boolean} fatal   the core is in an unknown state: the worker must be restarted
 */

/** @typedef {RunResult | ModelRunResult | BreakdownResult | LoadResult | ErrorResult} WorkerResponse */

const BREAKDOWN_ARRAYS = /** @type {const} */ ([
  'q', 'terms', 'scores', 'scaled', 'masked', 'allowed', 'exp', 'weights', 'values', 'weighted', 'output',
]);

/**
 * A breakdown whose arrays own fresh buffers, safe to transfer (never views of wasm memory).
 * @template {QueryBreakdown} B
 * @param {B} b
 * @returns {B}
 */
export function detachedBreakdown(b) {
  return {
    ...b,
    q: Float32Array.from(b.q),
    terms: Float32Array.from(b.terms),
    scores: Float32Array.from(b.scores),
    scaled: Float32Array.from(b.scaled),
    masked: Float32Array.from(b.masked),
    allowed: Uint8Array.from(b.allowed),
    exp: Float32Array.from(b.exp),
    weights: Float32Array.from(b.weights),
    values: Float32Array.from(b.values),
    weighted: Float32Array.from(b.weighted),
    output: Float32Array.from(b.output),
  };
}

/**
 * The buffers of a detached breakdown, for postMessage's transfer list.
 * @param {QueryBreakdown} b
 * @returns {ArrayBuffer[]}
 */
export function breakdownBuffers(b) {
  return BREAKDOWN_ARRAYS.map((name) => /** @type {ArrayBuffer} */ (b[name].buffer));
}

/**
 * A readable sentence from anything thrown.
 * @param {unknown} error
 */
export function errorMessage(error) {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'The attention core failed without saying why.';
}
