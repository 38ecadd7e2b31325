// Generated from the Rust definitions by tests/typescript.rs: do not edit.
// UPDATE_GENERATED=1 cargo test --features typescript --test typescript rewrites this file.

/** The toy's default configuration. */
export const DEFAULT_TOY_CONFIG = /** @type {import('./types').ToyConfig} */ ({
  "mode": "self",
  "tokenizer": "words",
  "dModel": 64,
  "heads": 4,
  "kvHeads": 4,
  "score": "dot",
  "scale": true,
  "temperature": 1.0,
  "masks": [],
  "positions": "sinusoidal",
  "projections": "random",
  "seed": 42,
  "maxTokens": 1024
});

/** How much work any input may ask for (src/limits.rs): the same for the command-line tool, the worker and the page. */
export const CORE_LIMITS = /** @type {const} */ ({
  "maxDModel": 1024,
  "maxHeads": 16,
  "maxImageFileBytes": 67108864,
  "maxImageSide": 4096,
  "maxInputBytes": 16777216,
  "maxModelCount": 4096,
  "maxModelFileBytes": 734003200,
  "maxTaskLength": 32,
  "maxTextUnits": 20000,
  "maxTokens": 1024,
  "maxTrainBatch": 512,
  "maxTrainBytes": 536870912,
  "maxTrainDModel": 512,
  "maxTrainHeads": 16,
  "maxTrainLayers": 6,
  "maxTrainSnapshots": 200
});
