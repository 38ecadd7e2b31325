// The messages between the Train panel and the training worker (train/worker.js). The worker
// answers them one at a time, in order; a probe's weights and masks travel as transferred buffers.

/** @typedef {import('../generated/types').TrainSettings} TrainSettings */
/** @typedef {import('../generated/types').TrainProgress} TrainProgress */
/** @typedef {import('../generated/types').TrainEvaluation} TrainEvaluation */
/** @typedef {import('../generated/types').TaskKind} TaskKind */
/** @typedef {import('../types').Field} Field */

/**
 * A fresh model (throws, with the setting's field, when a setting is out of range), the default
 * settings of a task, a slice of steps (with a probe: a snapshot, the held-out measure and the
 * probe example's run), the probe's run at a snapshot, or a snapshot's model folder.
 * @typedef {{ type: 'start', id: number, settings: TrainSettings }
 *   | { type: 'defaults', id: number, task: TaskKind }
 *   | { type: 'train', id: number, steps: number, probe: boolean, examples: number }
 *   | { type: 'probe', id: number, snapshot: number }
 *   | { type: 'files', id: number, snapshot: number | null }} TrainRequest
 */

/**
 * The probe example run through the exported model, as the playground's runs come back.
 * @typedef {Object} ProbeResult
 * @property {import('../types').RunSummary} summary
 * @property {Float32Array} weights
 * @property {Uint8Array} allowed
 * @property {import('../types').ModelInfo} info
 * @property {import('../types').RunRequest} request
 * @property {number} snapshot  its index in the timeline (the last one when the timeline is full)
 * @property {number} step      the training step of its weights
 */

/**
 * @typedef {Object} TrainedFiles
 * @property {string} configJson
 * @property {string} [vocabJson]
 * @property {string} [tokenizerJson]
 * @property {Uint8Array} weights  model.safetensors
 */

/**
 * @typedef {{ type: 'started', id: number, settings: TrainSettings, parameters: number, probe: { prompt: string, answer: string } }
 *   | { type: 'defaults', id: number, settings: TrainSettings }
 *   | { type: 'trained', id: number, progress: TrainProgress | null, step: number, milliseconds: number, evaluation: TrainEvaluation | null,
 *       probe: ProbeResult | null, snapshots: number[] | null, diverged: string | null, timelineFull: boolean }
 *   | { type: 'probe', id: number, probe: ProbeResult }
 *   | { type: 'files', id: number, files: TrainedFiles, settings: TrainSettings, step: number }
 *   | { type: 'error', id: number, message: string, field: Field | null, fatal: boolean }} TrainResponse
 */

export {};
