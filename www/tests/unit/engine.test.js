import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine.js';

/** A stand-in worker that records requests and lets the test answer them. */
class FakeWorker extends EventTarget {
  /** @type {FakeWorker[]} */
  static made = [];
  constructor() {
    super();
    /** @type {any[]} */
    this.sent = [];
    this.terminated = false;
    /** @type {Transferable[][] | undefined} */
    this.transfers = undefined;
    FakeWorker.made.push(this);
  }
  postMessage(/** @type {any} */ message, /** @type {Transferable[]} */ transfer = []) {
    this.sent.push(message);
    /** @type {Transferable[][]} */ (this.transfers ??= []).push(transfer);
  }
  terminate() {
    this.terminated = true;
  }
  answer(/** @type {any} */ data) {
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }
}

function setup() {
  FakeWorker.made = [];
  /** @type {any} */ (globalThis).Worker = FakeWorker;
  /** @type {string[]} */
  const restarts = [];
  const engine = createEngine({ workerUrl: new URL('file:///worker.js'), onRestart: (reason) => restarts.push(reason) });
  return { engine, restarts };
}

const runRequest = (/** @type {string} */ text) => ({
  request: /** @type {const} */ ({ source: 'model', text }),
  withoutSpecial: false,
  focus: { block: 0, head: 0, query: 0 },
});

test('runs typed over while one is in flight are never sent: the newest wins', async () => {
  const { engine } = setup();
  const first = engine.run(runRequest('a'));
  const second = engine.run(runRequest('ab'));
  const third = engine.run(runRequest('abc'));
  const worker = FakeWorker.made[0];
  assert.equal(worker.sent.length, 1);
  assert.deepEqual(await second, { ok: false, superseded: true });
  worker.answer({ type: 'run', id: worker.sent[0].id });
  assert.equal((await first).ok, true);
  assert.equal(worker.sent.length, 2);
  assert.equal(worker.sent[1].request.text, 'abc');
  worker.answer({ type: 'run', id: worker.sent[1].id });
  assert.equal((await third).ok, true);
});

test('a new run drops queued breakdowns of the old one; stale answers are ignored', async () => {
  const { engine } = setup();
  const run = engine.run(runRequest('a'));
  const breakdown = engine.breakdown({ runId: 1, focus: { block: 0, head: 0, query: 1 } });
  const rerun = engine.run(runRequest('b'));
  assert.deepEqual(await breakdown, { ok: false, superseded: true });
  const worker = FakeWorker.made[0];
  worker.answer({ type: 'run', id: 999 });
  worker.answer({ type: 'run', id: worker.sent[0].id });
  assert.equal((await run).ok, true);
  worker.answer({ type: 'run', id: worker.sent[1].id });
  assert.equal((await rerun).ok, true);
});

test('a trap in the core restarts the worker with a readable message', async () => {
  const { engine, restarts } = setup();
  const run = engine.run(runRequest('a'));
  const worker = FakeWorker.made[0];
  worker.answer({ type: 'error', id: worker.sent[0].id, message: 'unreachable executed', fatal: true });
  assert.deepEqual(await run, { ok: false, message: 'unreachable executed' });
  assert.equal(worker.terminated, true);
  assert.deepEqual(restarts, ['unreachable executed']);
  const again = engine.run(runRequest('b'));
  assert.equal(FakeWorker.made.length, 2);
  const fresh = FakeWorker.made[1];
  fresh.answer({ type: 'run', id: fresh.sent[0].id });
  assert.equal((await again).ok, true);
});

test('a worker that dies fails its request and the next one starts a new worker', async () => {
  const { engine, restarts } = setup();
  const run = engine.run(runRequest('a'));
  const worker = FakeWorker.made[0];
  worker.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: 'boom' }));
  assert.deepEqual(await run, { ok: false, message: 'boom' });
  assert.deepEqual(restarts, ['boom']);
  engine.run(runRequest('b'));
  assert.equal(FakeWorker.made.length, 2);
  engine.destroy();
});

test('an error the core explains does not restart anything', async () => {
  const { engine, restarts } = setup();
  const run = engine.run(runRequest(''));
  const worker = FakeWorker.made[0];
  worker.answer({ type: 'error', id: worker.sent[0].id, message: 'the text is empty: type at least one word', field: 'text', fatal: false });
  assert.deepEqual(await run, { ok: false, message: 'the text is empty: type at least one word', field: 'text' });
  assert.equal(worker.terminated, false);
  assert.deepEqual(restarts, []);
});

test('a model load goes before queued runs, drops queued breakdowns and transfers its weights', async () => {
  const { engine } = setup();
  const run = engine.run(runRequest('a'));
  const worker = FakeWorker.made[0];
  /** @type {unknown[]} */
  const transfers = [];
  const post = worker.postMessage.bind(worker);
  worker.postMessage = (/** @type {any} */ message, /** @type {unknown[]} */ transfer = []) => {
    transfers.push(transfer);
    post(message);
  };
  const breakdown = engine.breakdown({ runId: 1, focus: { block: 0, head: 0, query: 1 } });
  const modelRun = engine.run(runRequest('b'));
  const weights = new ArrayBuffer(8);
  const load = engine.load({ config: '{}', tokenizer: null, vocab: 'x', weights, weightsName: 'model.safetensors' });
  assert.deepEqual(await breakdown, { ok: false, superseded: true });
  worker.answer({ type: 'run', id: worker.sent[0].id });
  assert.equal((await run).ok, true);
  assert.equal(worker.sent[1].type, 'load');
  assert.deepEqual(transfers[0], [weights]);
  worker.answer({ type: 'load', id: worker.sent[1].id, info: {}, milliseconds: 1 });
  assert.equal((await load).ok, true);
  assert.equal(worker.sent[2].type, 'run');
  worker.answer({ type: 'run', id: worker.sent[2].id });
  assert.equal((await modelRun).ok, true);
});

test('figures wait for what the views need, are answered in order, and no run supersedes them', async () => {
  const { engine } = setup();
  const run = engine.run(runRequest('a'));
  const figure = (/** @type {number} */ n) => ({ format: /** @type {const} */ ('scene'), inputs: [], weights: new Float32Array(n), allowed: new Uint8Array(0) });
  const first = engine.figure(figure(1));
  const second = engine.figure(figure(2));
  const rerun = engine.run(runRequest('b'));
  const worker = FakeWorker.made[0];
  worker.answer({ type: 'run', id: worker.sent[0].id });
  assert.equal((await run).ok, true);
  assert.equal(worker.sent[1].request.text, 'b', 'the newer run goes first');
  worker.answer({ type: 'run', id: worker.sent[1].id });
  assert.equal((await rerun).ok, true);
  assert.deepEqual(worker.sent.slice(2).map((m) => [m.type, m.weights.length]), [['figure', 1]]);
  assert.deepEqual(worker.transfers?.[2], [worker.sent[2].weights.buffer, worker.sent[2].allowed.buffer], 'the numbers are handed over');
  worker.answer({ type: 'figure', id: worker.sent[2].id, scenes: [], svgs: ['<svg/>'] });
  assert.deepEqual((await first).ok && (await first).value.svgs, ['<svg/>']);
  worker.answer({ type: 'figure', id: worker.sent[3].id, scenes: [], svgs: [] });
  assert.equal((await second).ok, true);
});
