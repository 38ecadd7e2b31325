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

/** Largest d_model the toy accepts. */
export const MAX_D_MODEL = 1024;

/** Largest token limit the toy accepts. */
export const MAX_TOKENS_LIMIT = 4096;
