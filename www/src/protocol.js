// The messages between the page and its worker. The worker owns the wasm core; the page only
// renders. One `run` request serves every source (the toy, a loaded model); bulk numbers travel
// as transferred ArrayBuffers.

/** @typedef {import('./types').RunRequest} RunRequest */
/** @typedef {import('./types').RunSummary} RunSummary */
/** @typedef {import('./types').HeadBreakdown} HeadBreakdown */
/** @typedef {import('./types').Breakdown} Breakdown */
/** @typedef {import('./types').ModelInfo} ModelInfo */
/** @typedef {import('./types').Field} Field */

/**
 * Where the views look: a block (layer) of the run, one of its heads, one query.
 * @typedef {Object} FocusRequest
 * @property {number} block
 * @property {number} head
 * @property {number} query
 */

/**
 * Compute a run of any source; every block's and head's weights and masks come back at once,
 * with the focused query's breakdown.
 * @typedef {Object} RunMessage
 * @property {'run'} type
 * @property {number} id
 * @property {RunRequest} request
 * @property {boolean} withoutSpecial  also the weights among the ordinary tokens, renormalised
 * @property {'rollout' | 'flow' | null} rollout  also the attention rollout, or the attention
 *   flow, of an encoder's layers (sequence 0)
 * @property {FocusRequest} focus      clamped by the worker to the run's shape
 * @property {boolean} breakdown  also the focus's breakdown (the player shows it; the other views
 *   need none, and at 512 tokens it is megabytes: the player asks for it when it opens)
 * @property {string | null} [compare]  sentence B of the Compare view: the same request on this
 *   text is run first and its weights kept beside the run's (the core keeps the last run, A)
 */

/**
 * The breakdown of another (block, head, query) of the last run.
 * @typedef {Object} BreakdownMessage
 * @property {'breakdown'} type
 * @property {number} id
 * @property {number} runId   the run it belongs to
 * @property {FocusRequest} focus
 */

/**
 * Load a pretrained model from the contents of its files; the model loaded before is freed.
 * @typedef {Object} LoadMessage
 * @property {'load'} type
 * @property {number} id
 * @property {string} name
 * @property {string} config
 * @property {string | null} tokenizer
 * @property {string | null} vocab
 * @property {ArrayBuffer} weights   transferred
 * @property {string} weightsName
 */

/** @typedef {import('./export/figure-input.js').FigureInput} FigureInput */
/** @typedef {import('./export/canvas.js').Scene} Scene */

/**
 * Draw figures (the page's exports) with the core's render module: a scene to paint, or an SVG
 * file, per input, all of the same numbers. It needs no run and no model: any worker can draw.
 * @typedef {Object} FigureMessage
 * @property {'figure'} type
 * @property {number} id
 * @property {'scene' | 'svg'} format
 * @property {FigureInput[]} inputs   what is on screen (one per frame of a clip)
 * @property {Float32Array} weights   laid out as the inputs' view says; transferred
 * @property {Uint8Array} allowed     queries × keys, 1 where allowed (empty: nothing masked); transferred
 */

/** @typedef {RunMessage | BreakdownMessage | LoadMessage | FigureMessage} WorkerRequest */

/**
 * @typedef {Object} RunResult
 * @property {'run'} type
 * @property {number} id
 * @property {RunSummary} summary
 * @property {Float32Array} weights   every block's heads, [block][head][query][key], flat
 * @property {Uint8Array} allowed     every block's mask, [block][query][key]: 1 where allowed
 * @property {{ kept: number[][], weights: Float32Array } | null} withoutSpecial  per sequence the
 *   indices of the ordinary tokens, and every block's weights among them with rows renormalised
 * @property {Float32Array | null} pooled  the sentence embedding, when the source has one
 * @property {Float32Array | null} rollout  when asked for: the core's attention rollout (or
 *   flow) after each layer, [layer][query][key] over every token, flat
 * @property {'rollout' | 'flow' | null} rolloutKind  which of the two was asked for
 * @property {string | null} rolloutError  why the core could not compute the flow asked for (a
 *   sequence too long for it); the run itself stands
 * @property {ComparedRun | null} [compared]  sentence B's run, when asked for
 * @property {Breakdown | null} breakdown  for the focus (clamped), when asked for
 * @property {number} milliseconds    time spent in the core
 */

/**
 * Sentence B of the Compare view: its summary, weights and masks as a run's, or why it failed.
 * @typedef {{ summary: RunSummary, weights: Float32Array, allowed: Uint8Array,
 *   withoutSpecial: { kept: number[][], weights: Float32Array } | null, pooled: null, error: null }
 *   | { error: string }} ComparedRun
 */

/**
 * @typedef {Object} BreakdownResult
 * @property {'breakdown'} type
 * @property {number} id
 * @property {number} runId
 * @property {Breakdown} breakdown
 */

/**
 * @typedef {Object} LoadResult
 * @property {'load'} type
 * @property {number} id
 * @property {ModelInfo} info
 * @property {import('./types').Vocabularies | null} vocabulary  an encoder–decoder's source and
 *   target tokens (vocab.json), null for other models
 * @property {number} milliseconds  time the core took to read the files
 */

/**
 * @typedef {Object} FigureResult
 * @property {'figure'} type
 * @property {number} id
 * @property {Scene[]} scenes  format "scene": one per input
 * @property {string[]} svgs   format "svg": one per input
 */

/**
 * @typedef {Object} ErrorResult
 * @property {'error'} type
 * @property {number} id
 * @property {string} message  one sentence a person can act on
 * @property {Field | null} field  the setting or input it is about
 * @property {boolean} fatal   the core is in an unknown state: the worker must be restarted
 */

/** @typedef {RunResult | BreakdownResult | LoadResult | FigureResult | ErrorResult} WorkerResponse */

/**
 * A breakdown as the page holds it: every list of numbers becomes a Float32Array (matrices
 * row-major, their widths beside them) and the list of allowed keys a Uint8Array, all owning
 * fresh buffers that can be transferred.
 * @param {HeadBreakdown} b
 * @returns {Breakdown}
 */
export function detachedBreakdown(b) {
  const flat = (/** @type {number[][]} */ rows) => Float32Array.from(rows.flat());
  return {
    ...b,
    keys: b.scores.length,
    dK: b.q.length,
    dV: b.values[0]?.length ?? 0,
    termLen: b.terms[0]?.length ?? 0,
    q: Float32Array.from(b.q),
    terms: flat(b.terms),
    scores: Float32Array.from(b.scores),
    scaled: Float32Array.from(b.scaled),
    masked: Float32Array.from(b.masked),
    allowed: Uint8Array.from(b.allowed, Number),
    exp: Float32Array.from(b.exp),
    weights: Float32Array.from(b.weights),
    values: flat(b.values),
    weighted: flat(b.weighted),
    output: Float32Array.from(b.output),
    keyVectors: flat(b.keyVectors),
    projection: b.projection && {
      ...b.projection,
      input: Float32Array.from(b.projection.input),
      keyInputs: flat(b.projection.keyInputs),
      dModel: b.projection.input.length,
    },
    combined: b.combined && { ...b.combined, concat: Float32Array.from(b.combined.concat), output: Float32Array.from(b.combined.output) },
  };
}

/**
 * The buffers of a detached breakdown, for postMessage's transfer list.
 * @param {Breakdown} b
 * @returns {ArrayBuffer[]}
 */
export function breakdownBuffers(b) {
  return Object.values(b)
    .filter((value) => ArrayBuffer.isView(value))
    .map((view) => /** @type {ArrayBuffer} */ (/** @type {ArrayBufferView} */ (view).buffer));
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

/**
 * The setting or input an error from the core is about (the core sets `field` on its errors).
 * @param {unknown} error
 * @returns {Field | null}
 */
export function errorField(error) {
  const field = error instanceof Error ? /** @type {{ field?: unknown }} */ (error).field : undefined;
  return typeof field === 'string' ? /** @type {Field} */ (field) : null;
}
