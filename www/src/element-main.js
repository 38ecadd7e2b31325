// attention-playground.js: the one module a page loads to use <attention-playground>. In a
// page it defines the element; loaded in a worker (each element starts one from this very
// file), it serves the wasm core, which it finds next to itself.

import { defineElement } from './element.js';
import { isWorkerScope, serveCore } from './worker.js';

if (isWorkerScope()) serveCore();
else defineElement(new URL(import.meta.url));
