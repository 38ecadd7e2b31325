// The Train panel: a small Transformer learns a task in a worker while the page watches. Its
// settings (task, model size, learning rate, seed), Train / Pause / Step / Reset, the loss and
// accuracy curves, the probe example's attention (the heatmap and lines of the playground, on a
// run of the exported model through the normal inference path), the timeline of snapshots, and
// the model itself: opened in the playground below for any input, or saved as a model folder
// that "Your files…" loads again.

import { el } from '../dom.js';
import { saveFile } from '../export/download.js';
import { formatBytes } from '../format.js';
import { atLayer, blockName, capitalised, runData } from '../run-data.js';
import { createHeatmap } from '../views/heatmap.js';
import { createLines } from '../views/lines.js';
import { TrainError, createTrainClient } from './client.js';
import { renderCurve } from './curve.js';
import { TIMELINE_BYTES } from './worker.js';

/** @typedef {import('../generated/types').TrainSettings} TrainSettings */
/** @typedef {import('../generated/types').TaskKind} TaskKind */
/** @typedef {import('../types').Field} Field */
/** @typedef {import('./protocol.js').ProbeResult} ProbeResult */
/** @typedef {import('../state.js').Pin} Pin */

/** The tasks, as the task picker names them. */
const TASKS = /** @type {Array<[TaskKind, string, string]>} */ ([
  ['reverse', 'Reverse', 'abcd → dcba: watch the cross-attention become an anti-diagonal.'],
  ['sort', 'Sort', 'dbca → abcd: each output looks for the next smallest symbol.'],
  ['copy-offset', 'Copy with offset', 'abcd, offset 1 → bcda: a diagonal shifted by the offset.'],
  ['add', 'Add two numbers', '0123+0456 → 00579: digits look at their partners and the carry.'],
  ['induction', 'Induction', 'a random sequence, then its start again: continue it by looking at what followed last time.'],
]);
/** Held-out examples measured at every probe. */
const EVALUATION_EXAMPLES = 256;
/** A slice of steps aims at this long in the worker, so Pause answers within about a frame or two. */
const SLICE_MS = 40;
/** Replaying the timeline shows each snapshot this long. */
const REPLAY_MS = 180;

/**
 * @typedef {Object} TrainPanelOptions
 * @property {URL} workerUrl  the bundle, which serves training in a worker (train/worker.js)
 * @property {(files: File[], folder: string, change: { text: string, layer: number, head: number }) => void} openInPlayground
 *   opens a model folder in the playground, as "Your files…" does, on the probe's text and block
 * @property {string | null} task  the task to open on (the link's `task`); another name, or none, is reverse
 * @property {(task: TaskKind) => void} onTask  the task of the model started (for the link)
 */

/**
 * @param {HTMLElement} root
 * @param {TrainPanelOptions} options
 */
export function mountTrainPanel(root, options) {
  const doc = root.ownerDocument;
  const win = /** @type {Window} */ (doc.defaultView);
  const client = createTrainClient(options.workerUrl);

  // ---- the settings form: every field with its note ----
  /** @type {Map<Field | 'warmup', HTMLElement>} */
  const notes = new Map();
  /**
   * @param {Field | 'warmup'} field
   * @param {string} label
   * @param {HTMLInputElement | HTMLSelectElement} control
   * @param {string} [hint]
   */
  const row = (field, label, control, hint) => {
    const id = `train-${field}`;
    control.id = id;
    control.dataset.field = field;
    const note = el(doc, 'p', { class: 'train-note', attrs: { id: `${id}-note`, 'aria-live': 'polite' } });
    note.hidden = true;
    control.setAttribute('aria-describedby', `${id}-note`);
    notes.set(field, note);
    return el(doc, 'div', { class: 'train-field' }, [el(doc, 'label', { text: label, attrs: { for: id } }), control, hint ? el(doc, 'span', { class: 'train-hint', text: hint }) : null, note]);
  };
  const number = (/** @type {string} */ step) => el(doc, 'input', { attrs: { type: 'text', inputmode: step === 'any' ? 'decimal' : 'numeric', autocomplete: 'off', spellcheck: 'false' } });
  const task = el(doc, 'select', {}, TASKS.map(([kind, name]) => el(doc, 'option', { text: name, attrs: { value: kind } })));
  const taskAbout = el(doc, 'p', { class: 'train-about' });
  const length = number('1');
  const vocabulary = number('1');
  const offset = number('1');
  const architecture = el(doc, 'select', {}, [
    el(doc, 'option', { text: 'Encoder–decoder', attrs: { value: 'encoder-decoder' } }),
    el(doc, 'option', { text: 'Decoder only', attrs: { value: 'decoder-only' } }),
  ]);
  const positions = el(doc, 'select', {}, [
    el(doc, 'option', { text: 'Sinusoidal', attrs: { value: 'sinusoidal' } }),
    el(doc, 'option', { text: 'Learned', attrs: { value: 'learned' } }),
    el(doc, 'option', { text: 'Rotary (RoPE)', attrs: { value: 'rotary' } }),
  ]);
  const layers = number('1');
  const heads = number('1');
  const dModel = number('1');
  const learningRate = number('any');
  const warmup = number('1');
  const batchSize = number('1');
  const seed = number('1');
  const probeEvery = number('1');
  probeEvery.id = 'train-probe-every';
  const offsetRow = row('offset', 'Offset', offset);
  const layersRow = row('layers', 'Layers', layers, 'a side');
  const layersHint = /** @type {HTMLElement} */ (layersRow.querySelector('.train-hint'));
  const size = el(doc, 'p', { class: 'train-size' });
  const form = el(doc, 'form', { class: 'train-settings', attrs: { 'aria-label': 'Training settings', novalidate: true } }, [
    el(doc, 'fieldset', {}, [el(doc, 'legend', { text: 'Task' }), row('task', 'Task', task), taskAbout, row('sequenceLength', 'Length', length, 'symbols'), row('vocabulary', 'Vocabulary', vocabulary, 'symbols'), offsetRow]),
    el(doc, 'fieldset', {}, [el(doc, 'legend', { text: 'Model' }), row('model', 'Architecture', architecture), row('positions', 'Positions', positions), layersRow, row('heads', 'Heads', heads), row('dModel', 'd_model', dModel), size]),
    el(doc, 'fieldset', {}, [
      el(doc, 'legend', { text: 'Training' }),
      row('learningRate', 'Learning rate', learningRate, 'peak'),
      row('warmup', 'Warm-up', warmup, 'steps'),
      row('batchSize', 'Batch', batchSize, 'per step'),
      row('seed', 'Seed', seed),
      row('steps', 'Probe every', probeEvery, 'steps'),
    ]),
  ]);
  form.addEventListener('submit', (event) => event.preventDefault());

  // ---- buttons and status ----
  const button = (/** @type {string} */ text, /** @type {string} */ cls, /** @type {() => void} */ click) => el(doc, 'button', { class: cls, text, attrs: { type: 'button' }, on: { click } });
  const trainButton = button('Train', 'train-go', () => (playing ? pause() : play()));
  const stepButton = button('Step', 'train-button', () => void stepOnce());
  const resetButton = button('Reset', 'train-button', () => void reset());
  const status = el(doc, 'p', { class: 'train-status', attrs: { 'aria-live': 'polite' } });
  const general = el(doc, 'p', { class: 'train-note train-general', attrs: { role: 'status' } });
  general.hidden = true;

  // ---- curves ----
  const lossChart = el(doc, 'div', { class: 'train-curve' });
  const accuracyChart = el(doc, 'div', { class: 'train-curve' });

  // ---- the probe ----
  const probeTitle = el(doc, 'p', { class: 'train-probe-example' });
  const probeAnswer = el(doc, 'p', { class: 'train-probe-answer', attrs: { 'aria-live': 'polite' } });
  const blockPicker = el(doc, 'select', { class: 'train-block', attrs: { 'aria-label': 'Attention block' }, on: { change: () => { focus.block = Number(blockPicker.value); focus.head = 0; focus.query = 0; drawProbe(); } } });
  const headPicker = el(doc, 'div', { class: 'train-heads', attrs: { role: 'group', 'aria-label': 'Head' } });
  const heatmapHost = el(doc, 'div', { class: 'train-heatmap' });
  const linesHost = el(doc, 'div', { class: 'train-lines' });
  const heatmap = createHeatmap(heatmapHost, { onQuery: (query) => { focus.query = query; drawProbe(); }, onToggleCell: () => {} });
  /** @type {Pin | null} */
  let pin = null;
  const lines = createLines(linesHost, {
    onPin: (next) => { pin = next; drawProbe(); },
    onToggleHead: (head) => { focus.head = head; drawProbe(); },
    onOnly: (head) => { only = head !== null; drawProbe(); },
    onHover: () => {},
    onStretch: (on) => { stretch = on; drawProbe(); },
  });
  let only = false;
  let stretch = false;

  // ---- the timeline ----
  const timeline = el(doc, 'input', { class: 'train-timeline-range', attrs: { type: 'range', min: 0, max: 0, value: 0, step: 1, 'aria-label': 'Snapshot' } });
  const timelineLabel = el(doc, 'p', { class: 'train-timeline-label', attrs: { 'aria-live': 'polite' } });
  const replayButton = button('Replay', 'train-button', () => void replay());
  const liveButton = button('Latest', 'train-button', () => { viewing = null; replaying = false; if (latest) show(latest); });
  timeline.addEventListener('input', () => { replaying = false; void viewSnapshot(Number(timeline.value)); });

  // ---- the model ----
  const tryButton = button('Try it on your own input', 'train-button', () => void tryIt());
  const saveButton = button('Save the model', 'train-button', () => void save());
  const saved = el(doc, 'p', { class: 'train-saved', attrs: { 'aria-live': 'polite' } });

  root.replaceChildren(
    el(doc, 'div', { class: 'train-intro' }, [
      el(doc, 'h2', { text: 'Train a Transformer, and watch its attention form' }),
      el(doc, 'p', { text: 'Pick a task and a model, press Train: a small Transformer learns from generated examples here, in your browser, in a background worker. The curves show it learning; the probe shows where its heads look on one held-out example, and the timeline replays how that pattern formed.' }),
    ]),
    el(doc, 'div', { class: 'train-layout' }, [
      form,
      el(doc, 'div', { class: 'train-main' }, [
        el(doc, 'div', { class: 'train-controls' }, [trainButton, stepButton, resetButton, status]),
        general,
        el(doc, 'div', { class: 'train-curves' }, [lossChart, accuracyChart]),
        el(doc, 'section', { class: 'train-probe', attrs: { 'aria-label': 'Probe example' } }, [
          el(doc, 'div', { class: 'train-probe-head' }, [el(doc, 'h3', { text: 'Probe: one held-out example' }), probeTitle, probeAnswer]),
          el(doc, 'div', { class: 'train-pickers' }, [blockPicker, headPicker]),
          el(doc, 'div', { class: 'train-views' }, [heatmapHost, linesHost]),
          el(doc, 'div', { class: 'train-timeline' }, [
            el(doc, 'label', { text: 'Timeline', attrs: { for: 'train-timeline' } }),
            timeline,
            replayButton,
            liveButton,
            timelineLabel,
          ]),
        ]),
        el(doc, 'div', { class: 'train-model' }, [
          tryButton,
          saveButton,
          el(doc, 'p', { class: 'train-try', text: 'Try it opens the model at the step on screen in the playground below, with every view: type any input of the task’s symbols. Save gives its files, which Your files… opens again.' }),
          saved,
        ]),
      ]),
    ]),
  );
  timeline.id = 'train-timeline';

  // ---- what the panel holds ----
  /** @type {TrainSettings | null} the model in training's settings */
  let running = null;
  let parameters = 0;
  /** Models started so far (each Reset). */
  let models = 0;
  /** Resets asked for: only the latest one's answers are used. */
  let resets = 0;
  /** Probes shown so far: each is a run of its own for the views. */
  let probes = 0;
  /** @type {{ prompt: string, answer: string } | null} */
  let example = null;
  let step = 0;
  let playing = false;
  /** @type {Promise<void> | null} the training loop, while it runs */
  let loop = null;
  let slice = 5;
  let stepsPerSecond = 0;
  const history = { steps: /** @type {number[]} */ ([]), losses: /** @type {number[]} */ ([]), accuracies: /** @type {number[]} */ ([]) };
  const held = { steps: /** @type {number[]} */ ([]), exact: /** @type {number[]} */ ([]), tokens: /** @type {number[]} */ ([]), losses: /** @type {number[]} */ ([]) };
  /** @type {number[]} the step of each snapshot */
  let snapshots = [0];
  /** Whether the timeline holds as many snapshots of this model as it may (worker.js TIMELINE_BYTES). */
  let timelineFull = false;
  /** @type {number | null} the snapshot on screen, null for the latest */
  let viewing = null;
  let replaying = false;
  /** @type {ProbeResult | null} */
  let latest = null;
  /** @type {ProbeResult | null} */
  let shown = null;
  const focus = { block: 0, head: 0, query: 0 };
  /** @type {string | null} why training stopped (divergence) */
  let stopped = null;

  // ---- settings ----
  /** @param {TrainSettings} s */
  function fill(s) {
    task.value = s.task.kind;
    length.value = String(s.task.length);
    vocabulary.value = String(s.task.vocabulary);
    offset.value = String(s.task.offset);
    architecture.value = s.architecture;
    positions.value = s.positions;
    layers.value = String(s.layers);
    heads.value = String(s.heads);
    dModel.value = String(s.dModel);
    learningRate.value = String(s.learningRate);
    warmup.value = String(s.warmup);
    batchSize.value = String(s.batchSize);
    seed.value = String(s.seed);
    describeTask();
  }

  function describeTask() {
    const found = TASKS.find(([kind]) => kind === task.value);
    taskAbout.textContent = found ? found[2] : '';
    offsetRow.hidden = task.value !== 'copy-offset';
    // An encoder–decoder has this many layers in the encoder and as many in the decoder.
    layersHint.textContent = architecture.value === 'encoder-decoder' ? 'a side' : '';
    vocabulary.disabled = task.value === 'add';
  }

  /**
   * The form's settings, or the fields that are not numbers (with their notes).
   * @returns {{ settings: TrainSettings, problems: Array<[Field | 'warmup', string]> }}
   */
  function read() {
    /** @type {Array<[Field | 'warmup', string]>} */
    const problems = [];
    const whole = (/** @type {HTMLInputElement} */ input, /** @type {Field | 'warmup'} */ field, /** @type {string} */ name) => {
      const value = Number(input.value.trim());
      if (input.value.trim() === '' || !Number.isInteger(value) || value < 0) problems.push([field, `${name} must be a whole number.`]);
      return value;
    };
    const rate = Number(learningRate.value.trim());
    if (learningRate.value.trim() === '' || !Number.isFinite(rate)) problems.push(['learningRate', 'The learning rate must be a number, such as 0.005 or 5e-3.']);
    const settings = {
      task: { kind: /** @type {TaskKind} */ (task.value), length: whole(length, 'sequenceLength', 'The length'), vocabulary: whole(vocabulary, 'vocabulary', 'The vocabulary'), offset: whole(offset, 'offset', 'The offset') },
      architecture: /** @type {TrainSettings['architecture']} */ (architecture.value),
      positions: /** @type {TrainSettings['positions']} */ (positions.value),
      layers: whole(layers, 'layers', 'Layers'),
      heads: whole(heads, 'heads', 'Heads'),
      dModel: whole(dModel, 'dModel', 'd_model'),
      learningRate: rate,
      warmup: whole(warmup, 'warmup', 'The warm-up'),
      batchSize: whole(batchSize, 'batchSize', 'The batch'),
      seed: whole(seed, 'seed', 'The seed'),
    };
    const every = Number(probeEvery.value.trim());
    if (!Number.isInteger(every) || every < 1 || every > 1000) problems.push(['steps', 'Probe every 1 to 1000 steps.']);
    return { settings, problems };
  }

  /** @param {Array<[Field | 'warmup', string]>} problems */
  function showNotes(problems) {
    for (const [field, note] of notes) {
      const problem = problems.find(([f]) => f === field);
      note.textContent = problem ? capitalised(problem[1]) : '';
      note.hidden = !problem;
      form.querySelector(`[data-field="${field}"]`)?.toggleAttribute('aria-invalid', Boolean(problem));
    }
    const elsewhere = problems.filter(([f]) => !notes.has(f));
    setGeneral(elsewhere.length > 0 ? elsewhere.map(([, m]) => m).join(' ') : null);
  }

  /** @param {string | null} message */
  function setGeneral(message) {
    general.textContent = message ?? '';
    general.hidden = message === null;
  }

  function probeInterval() {
    const every = Number(probeEvery.value.trim());
    return Number.isInteger(every) && every >= 1 && every <= 1000 ? every : 20;
  }

  // ---- training ----
  /**
   * A fresh model from the form's settings; its step-0 probe. Refused settings get their notes
   * and keep the model there was.
   */
  async function reset() {
    const ticket = ++resets;
    await halt();
    if (ticket !== resets) return;
    const { settings, problems } = read();
    showNotes(problems);
    if (problems.length > 0) {
      render();
      return;
    }
    try {
      // A model started is the worker's model, even when a later Reset was asked for (the
      // worker answers in order, so that one's answer follows); a refusal is shown only when
      // no later Reset was asked for, and keeps the model there was.
      const started = await client.request('start', { settings });
      running = started.settings;
      models += 1;
      options.onTask(running.task.kind);
      parameters = started.parameters;
      example = started.probe;
    } catch (error) {
      if (ticket === resets) failed(error);
      return;
    }
    step = 0;
    stopped = null;
    history.steps = [];
    history.losses = [];
    history.accuracies = [];
    held.steps = [];
    held.exact = [];
    held.tokens = [];
    held.losses = [];
    snapshots = [0];
    timelineFull = false;
    viewing = null;
    focus.block = -1;
    focus.head = 0;
    focus.query = 0;
    saved.textContent = '';
    try {
      const probe = await client.request('probe', { snapshot: 0 });
      latest = probe.probe;
      show(latest);
    } catch (error) {
      failed(error);
    }
    render();
  }

  /** @param {unknown} error */
  function failed(error) {
    if (error instanceof TrainError && error.field && notes.has(error.field)) showNotes([[error.field, error.message]]);
    else {
      showNotes([]);
      setGeneral(error instanceof Error ? error.message : String(error));
    }
    if (error instanceof TrainError && error.fatal) running = null;
    render();
  }

  /** Stops the loop and waits for its slice to come back. */
  async function halt() {
    playing = false;
    replaying = false;
    await loop;
  }

  function play() {
    if (!running || playing) return;
    if (!sameSettings()) {
      setGeneral('The settings have changed: Reset to train a new model with them, or put them back.');
      return;
    }
    playing = true;
    stopped = null;
    setGeneral(null);
    loop = run().finally(() => {
      loop = null;
      render();
    });
    render();
  }

  function pause() {
    playing = false;
    render();
  }

  async function run() {
    while (playing) {
      const every = probeInterval();
      const untilProbe = every - (step % every);
      const steps = Math.max(1, Math.min(slice, untilProbe));
      if (!(await trainSlice(steps, steps === untilProbe))) return;
      // Let the page paint between slices.
      await new Promise((resolve) => win.setTimeout(resolve, 0));
    }
    // Paused between probes: the views show the model as it stopped (no step is taken).
    if (running && latest?.step !== step) await trainSlice(0, true);
  }

  async function stepOnce() {
    if (!running || playing || loop) return;
    if (!sameSettings()) {
      setGeneral('The settings have changed: Reset to train a new model with them, or put them back.');
      return;
    }
    loop = trainSlice(1, true).then(() => {}).finally(() => {
      loop = null;
      render();
    });
    await loop;
  }

  /**
   * @param {number} steps
   * @param {boolean} probe
   * @returns {Promise<boolean>} whether training may go on
   */
  async function trainSlice(steps, probe) {
    let answer;
    try {
      answer = await client.request('train', { steps, probe, examples: EVALUATION_EXAMPLES });
    } catch (error) {
      playing = false;
      failed(error);
      return false;
    }
    const before = step;
    step = answer.step;
    if (answer.progress && steps > 0) {
      answer.progress.losses.forEach((loss, i) => {
        history.steps.push(before + i + 1);
        history.losses.push(loss);
        history.accuracies.push(answer.progress?.accuracies[i] ?? NaN);
      });
      const perStep = answer.milliseconds / Math.max(1, steps);
      stepsPerSecond = perStep > 0 ? 1000 / perStep : 0;
      slice = Math.max(1, Math.min(200, Math.round(SLICE_MS / Math.max(perStep, 0.05))));
    }
    if (answer.evaluation) {
      held.steps.push(step);
      held.exact.push(answer.evaluation.exactMatch);
      held.tokens.push(answer.evaluation.tokenAccuracy);
      held.losses.push(answer.evaluation.loss);
    }
    if (answer.snapshots) snapshots = answer.snapshots;
    timelineFull = answer.timelineFull;
    if (answer.probe) {
      latest = answer.probe;
      if (viewing === null && !replaying) show(latest);
    }
    if (answer.diverged) {
      stopped = answer.diverged;
      playing = false;
      showNotes([['learningRate', answer.diverged]]);
    }
    render();
    return answer.diverged === null;
  }

  function sameSettings() {
    const { settings, problems } = read();
    const now = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (settings));
    const had = /** @type {Record<string, unknown> | null} */ (/** @type {unknown} */ (running));
    return problems.length === 0 && had !== null && Object.keys(had).every((key) => JSON.stringify(now[key]) === JSON.stringify(had[key]));
  }

  // ---- the probe and the timeline ----
  /** @param {number} index */
  async function viewSnapshot(index) {
    viewing = index >= snapshots.length - 1 ? null : index;
    try {
      const answer = await client.request('probe', { snapshot: index });
      if (viewing === index || (viewing === null && index >= snapshots.length - 1)) show(answer.probe);
    } catch (error) {
      failed(error);
    }
  }

  async function replay() {
    if (replaying) {
      replaying = false;
      return;
    }
    replaying = true;
    render();
    for (let i = 0; i < snapshots.length; i += 1) {
      if (!replaying) break;
      viewing = i;
      timeline.value = String(i);
      try {
        show((await client.request('probe', { snapshot: i })).probe);
      } catch (error) {
        failed(error);
        break;
      }
      await new Promise((resolve) => win.setTimeout(resolve, REPLAY_MS));
    }
    if (replaying) viewing = null;
    replaying = false;
    if (viewing === null && latest) show(latest);
    render();
  }

  /** @param {ProbeResult} probe */
  function show(probe) {
    shown = probe;
    probes += 1;
    // Which model (counted by Reset) and step the probe on screen is of.
    root.dataset.probe = `${models}:${probe.step}`;
    const blocks = probe.summary.blocks;
    if (focus.block < 0 || focus.block >= blocks.length) {
      // The last cross-attention (an encoder–decoder), else the last block.
      const cross = blocks.map((b) => b.kind).lastIndexOf('cross');
      focus.block = cross >= 0 ? cross : blocks.length - 1;
    }
    blockPicker.replaceChildren(...blocks.map((b, i) => el(doc, 'option', { text: `Layer ${b.layer + 1} · ${blockName(probe.summary, i)}`, attrs: { value: i } })));
    blockPicker.value = String(focus.block);
    drawProbe();
    render();
  }

  function drawProbe() {
    if (!shown || shown.summary.blocks.length === 0) return;
    const data = atLayer(runData({ summary: shown.summary, weights: shown.weights, allowed: shown.allowed, withoutSpecial: null, pooled: null }, probes, { name: 'the model in training', info: shown.info }).full, focus.block);
    const block = shown.summary.blocks[focus.block];
    focus.head = Math.min(focus.head, block.heads - 1);
    focus.query = Math.min(focus.query, data.summary.queryTokens.length - 1);
    headPicker.replaceChildren(...Array.from({ length: block.heads }, (_, h) => el(doc, 'button', {
      class: 'train-head',
      text: `Head ${h + 1}`,
      attrs: { type: 'button', 'aria-pressed': String(h === focus.head) },
      on: { click: () => { focus.head = h; drawProbe(); } },
    })));
    heatmap.update({ data, head: focus.head, query: focus.query, editMask: false, blocked: new Set(), reveal: null, table: true, numbers: true, rowPanel: false, stretch, model: `the model at step ${shown.step}` });
    const hidden = only ? Array.from({ length: block.heads }, (_, h) => h).filter((h) => h !== focus.head) : [];
    lines.update({ data, pin, hiddenHeads: hidden, head: focus.head, query: focus.query, stretch });
    probeAnswer.replaceChildren(
      el(doc, 'span', { class: 'train-probe-label', text: `The model at step ${shown.step.toLocaleString('en')} writes ` }),
      ...answerMarks(shown.summary.generation?.steps ?? [], [...(example?.answer ?? '')]),
    );
  }

  /**
   * The written answer token by token (greedy, as the run decoded it; the final <eos> left out),
   * each right or wrong against the expected symbol at its place, with its probability.
   * @param {import('../types').GenerationStep[]} steps
   * @param {string[]} want
   */
  function answerMarks(steps, want) {
    const got = steps.map((s) => ({ text: s.top.find((c) => c.id === s.id)?.text ?? '?', probability: s.probability }));
    if (got.length > want.length && got.at(-1)?.text === '<eos>') got.pop();
    const right = got.filter((t, i) => t.text === want[i]).length;
    const marks = got.map((t, i) => el(doc, 'span', {
      class: `train-symbol ${t.text === want[i] ? 'right' : 'wrong'}${[...t.text].length > 1 ? ' special' : ''}`,
      text: t.text,
      attrs: { title: `${t.text}: probability ${t.probability.toFixed(3)}${t.text === want[i] ? '' : `, expected ${want[i] ?? 'nothing'}`}` },
    }));
    const exact = right === want.length && got.length === want.length;
    const verdict = exact ? '✓ right' : `✗ ${right} of ${want.length} symbols right`;
    return [el(doc, 'span', { class: 'train-symbols' }, marks.length > 0 ? marks : ['(nothing)']), ' ', el(doc, 'span', { class: exact ? 'train-verdict right' : 'train-verdict wrong', text: verdict })];
  }

  // ---- the model's files ----
  async function filesOf() {
    const snapshot = viewing;
    const answer = await client.request('files', { snapshot });
    const { files, settings } = answer;
    const list = [new File([files.configJson], 'config.json', { type: 'application/json' })];
    if (files.vocabJson) list.push(new File([files.vocabJson], 'vocab.json', { type: 'application/json' }));
    if (files.tokenizerJson) list.push(new File([files.tokenizerJson], 'tokenizer.json', { type: 'application/json' }));
    list.push(new File([/** @type {Uint8Array<ArrayBuffer>} */ (files.weights)], 'model.safetensors', { type: 'application/octet-stream' }));
    return { list, folder: `${settings.task.kind}-step-${answer.step}`, step: answer.step };
  }

  async function tryIt() {
    if (!running || !example) return;
    try {
      const { list, folder } = await filesOf();
      const decoderOnly = running.architecture === 'decoder-only';
      options.openInPlayground(list, folder, { text: decoderOnly ? `${example.prompt}${running.task.kind === 'induction' ? '' : '='}` : example.prompt, layer: Math.max(0, focus.block), head: focus.head });
    } catch (error) {
      failed(error);
    }
  }

  async function save() {
    if (!running) return;
    try {
      const { list, step: at } = await filesOf();
      for (const file of list) saveFile(doc, file, file.name);
      saved.textContent = `Saved the model at step ${at.toLocaleString('en')}: ${list.map((f) => f.name).join(', ')}. Keep them in one folder; Settings → Computed by → Your files… opens them again.`;
    } catch (error) {
      failed(error);
    }
  }

  // ---- drawing ----
  function render() {
    trainButton.textContent = playing ? 'Pause' : step > 0 ? 'Resume' : 'Train';
    trainButton.setAttribute('aria-pressed', String(playing));
    trainButton.disabled = !running;
    stepButton.disabled = !running || playing || loop !== null;
    tryButton.disabled = !running;
    saveButton.disabled = !running;
    replayButton.textContent = replaying ? 'Stop replay' : 'Replay';
    replayButton.disabled = snapshots.length < 2;
    liveButton.disabled = viewing === null && !replaying;
    const rate = playing && stepsPerSecond > 0 ? ` · ${stepsPerSecond >= 100 ? Math.round(stepsPerSecond) : stepsPerSecond.toFixed(1)} steps/s` : '';
    const state = stopped ? 'stopped' : playing ? 'training' : step > 0 ? 'paused' : 'ready';
    status.textContent = running ? `Step ${step.toLocaleString('en')} · ${state}${rate}` : 'No model yet';
    status.dataset.state = state;
    size.textContent = running ? `Training: ${parameters.toLocaleString('en')} parameters · ${running.architecture === 'decoder-only' ? `${running.layers} layer${running.layers > 1 ? 's' : ''}` : `${running.layers} + ${running.layers} layers`}, ${running.heads} head${running.heads > 1 ? 's' : ''}, d_model ${running.dModel}` : '';
    if (example) probeTitle.replaceChildren(el(doc, 'code', { text: example.prompt }), ' → ', el(doc, 'code', { text: example.answer }), ' (expected)');
    timeline.max = String(Math.max(0, snapshots.length - 1));
    if (viewing === null && !replaying) timeline.value = timeline.max;
    const at = shown ? shown.step : 0;
    const full = timelineFull ? ` · the timeline holds ${formatBytes(TIMELINE_BYTES)} of this model's weights: later steps are shown, not kept` : '';
    const onScreen = viewing === null && !replaying ? (shown && shown.step !== snapshots.at(-1) ? ' (the current weights)' : ' (latest)') : '';
    timelineLabel.textContent = `Snapshot ${Number(timeline.value) + 1} of ${snapshots.length}: step ${at.toLocaleString('en')}${onScreen}${full}`;
    renderCurve(lossChart, {
      title: 'Loss (cross-entropy per answer symbol)',
      yLabel: 'loss',
      percent: false,
      lastStep: step,
      empty: 'Press Train: the loss appears here.',
      series: [
        { name: 'training batch', className: 'series-train', kind: 'line', steps: history.steps, values: history.losses },
        { name: 'held out', className: 'series-held', kind: 'points', steps: held.steps, values: held.losses },
      ],
    });
    renderCurve(accuracyChart, {
      title: 'Accuracy',
      yLabel: 'accuracy',
      percent: true,
      lastStep: step,
      empty: 'Press Train: the accuracy appears here.',
      series: [
        { name: 'symbols right, training batch', className: 'series-train', kind: 'line', steps: history.steps, values: history.accuracies },
        { name: 'symbols right, held out', className: 'series-held', kind: 'points', steps: held.steps, values: held.tokens },
        { name: `answers exactly right, ${EVALUATION_EXAMPLES} held out`, className: 'series-exact', kind: 'points', steps: held.steps, values: held.exact },
      ],
    });
  }

  // Changing a setting before any training starts the model anew at once (and checks it);
  // after, it waits for Reset.
  form.addEventListener('change', (event) => {
    // GPT-2's layout, which a decoder-only model is written in, has learned positions only.
    if (event.target === architecture && architecture.value === 'decoder-only') positions.value = 'learned';
    describeTask();
    if (event.target === task) {
      void client.request('defaults', { task: /** @type {TaskKind} */ (task.value) }).then((answer) => {
        fill({ ...answer.settings, seed: Number(seed.value) || answer.settings.seed });
        if (step === 0) void reset();
        else setGeneral('A new task: Reset to train a model on it.');
      }, failed);
      return;
    }
    if (step === 0 && !playing) void reset();
    else {
      const { problems } = read();
      showNotes(problems);
      if (problems.length === 0 && !sameSettings()) setGeneral('The settings have changed: Reset to train a new model with them.');
      else if (problems.length === 0) setGeneral(null);
    }
  });

  probeEvery.value = '20';
  const opening = TASKS.find(([kind]) => kind === options.task)?.[0] ?? 'reverse';
  void client.request('defaults', { task: opening }).then((answer) => {
    fill(answer.settings);
    return reset();
  }, failed);
  render();

  return {
    /** Stops training (the page left the Train mode). */
    pause,
    destroy() {
      playing = false;
      replaying = false;
      client.destroy();
      root.replaceChildren();
    },
  };
}
