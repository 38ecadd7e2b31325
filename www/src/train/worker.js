// The training worker: one Trainer (the core's model in training, src/wasm/train.rs) and one
// Session that runs its exported snapshots. The page asks for a few steps at a time (a slice),
// so it can pause at once and the worker never holds a long task; every probe goes through the
// trained model's files and Session.loadModel, the inference path of every shipped model.

import init, { Session, Trainer } from '../../../pkg/attention_playground.js';
import { errorField, errorMessage } from '../protocol.js';
import { WASM_FILE } from '../worker.js';

/** @typedef {import('./protocol.js').TrainRequest} TrainRequest */
/** @typedef {import('./protocol.js').TrainResponse} TrainResponse */
/** @typedef {import('./protocol.js').ProbeResult} ProbeResult */

/** The name the page gives this worker; the bundle's entry serves training under it. */
export const TRAINER_WORKER = 'attention-trainer';

/**
 * The snapshots' weights the timeline may hold, in bytes: a model large enough to reach it keeps
 * the snapshots it has, and later probes show the current weights without keeping them.
 */
export const TIMELINE_BYTES = 256 * 1024 * 1024;

/** @type {Promise<Session> | null} */
let loading = null;
/** @type {Trainer | null} */
let trainer = null;

function core() {
  loading ??= init({ module_or_path: new URL(`./${WASM_FILE}`, import.meta.url) }).then(() => new Session());
  return loading;
}

/**
 * The model folder of a snapshot (or of the current weights), run on the probe: a translation
 * for an encoder–decoder, a greedy continuation for a decoder-only model.
 * @param {Session} session
 * @param {Trainer} model
 * @param {number | null} snapshot
 * @returns {ProbeResult}
 */
function probe(session, model, snapshot) {
  const files = model.files(snapshot ?? undefined);
  const settings = model.settings();
  const info = session.loadModel(`${settings.task.kind} (trained here)`, files.configJson, files.tokenizerJson, files.vocabJson, files.weights);
  const example = model.probe();
  const decoderOnly = settings.architecture === 'decoder-only';
  const separator = settings.task.kind === 'induction' ? '' : '=';
  const answerLength = [...example.answer].length;
  /** @type {import('../types').RunRequest} */
  const request = decoderOnly ? { source: 'generate', text: `${example.prompt}${separator}`, steps: answerLength } : { source: 'model', text: example.prompt };
  const summary = session.run(request);
  const steps = model.snapshotSteps();
  return { summary, weights: session.attentions(), allowed: session.masks(), info, request, snapshot: snapshot ?? steps.length - 1, step: snapshot === null ? model.step() : steps[snapshot] };
}

/**
 * @param {TrainRequest} message
 * @returns {Promise<[TrainResponse, Transferable[]]>}
 */
async function answer(message) {
  const session = await core();
  if (message.type === 'start') {
    // Settings the core refuses leave the model there was.
    const created = new Trainer(message.settings);
    trainer?.free();
    trainer = created;
    return [{ type: 'started', id: message.id, settings: created.settings(), parameters: created.parameters(), probe: created.probe() }, []];
  }
  if (message.type === 'defaults') return [{ type: 'defaults', id: message.id, settings: Trainer.defaultSettings(message.task) }, []];
  if (!trainer) throw new Error('No model is being trained: press Reset.');
  if (message.type === 'train') {
    const started = performance.now();
    /** @type {import('../generated/types').TrainProgress | null} */
    let progress = null;
    /** @type {string | null} */
    let diverged = null;
    try {
      progress = trainer.train(message.steps);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) throw error;
      diverged = errorMessage(error);
    }
    const milliseconds = performance.now() - started;
    // A probe keeps a snapshot for the timeline and measures the held-out examples.
    const step = trainer.step();
    if (!message.probe && diverged === null) return [{ type: 'trained', id: message.id, progress, step, milliseconds, evaluation: null, probe: null, snapshots: null, diverged, timelineFull: false }, []];
    const kept = trainer.snapshotSteps();
    const timelineFull = kept.at(-1) !== step && (kept.length + 1) * trainer.parameters() * 4 > TIMELINE_BYTES;
    if (!timelineFull) trainer.takeSnapshot();
    const evaluation = trainer.evaluate(message.examples);
    const probed = probe(session, trainer, null);
    return [{ type: 'trained', id: message.id, progress, step, milliseconds, evaluation, probe: probed, snapshots: [...trainer.snapshotSteps()], diverged, timelineFull }, transfers(probed)];
  }
  if (message.type === 'probe') {
    const probed = probe(session, trainer, message.snapshot);
    return [{ type: 'probe', id: message.id, probe: probed }, transfers(probed)];
  }
  const files = trainer.files(message.snapshot ?? undefined);
  return [{ type: 'files', id: message.id, files, settings: trainer.settings(), step: message.snapshot === null ? trainer.step() : trainer.snapshotSteps()[message.snapshot] }, [files.weights.buffer]];
}

/** @param {ProbeResult} probed */
function transfers(probed) {
  return [probed.weights.buffer, probed.allowed.buffer];
}

/** Answers the Train panel's requests in order; called by the bundle's entry inside the worker. */
export function serveTrainer() {
  const scope = /** @type {DedicatedWorkerGlobalScope} */ (/** @type {unknown} */ (globalThis));
  let queue = Promise.resolve();
  scope.addEventListener('message', (event) => {
    const message = /** @type {TrainRequest} */ (event.data);
    queue = queue.then(async () => {
      try {
        const [response, transfer] = await answer(message);
        scope.postMessage(response, transfer);
      } catch (error) {
        const fatal = error instanceof WebAssembly.RuntimeError || !(error instanceof Error);
        scope.postMessage({ type: 'error', id: message.id, message: errorMessage(error), field: errorField(error), fatal });
      }
    });
  });
}
