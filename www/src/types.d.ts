// The page's view of what crosses the Rust/JavaScript boundary. The types themselves are
// generated from the Rust definitions (generated/types.d.ts); this file only names them for the
// page and adds the forms the page derives from them.

import type { HeadBreakdown } from './generated/types';

export type {
  BlockKind, BlockSummary, Candidate, CatalogEntry, CatalogKind, Encoding, Field, Generation, GenerationStep, HeadBreakdown,
  MaskSpec, Mode, ModelInfo, Origin, Positions, ProjectionKind, QueryBreakdown, Role, RunRequest, RunSummary, ScoreKind,
  Sequence, SourceInfo, SourceKind, Stage, StopReason, StoredAs, Token, TokenizerKind, ToyConfig, Truncation, WithoutSpecial,
  AdditiveParts, EvalBucket, EvalGrouping, Evaluation, UnknownToken, Vocabularies, Vision, ClassScore, Patches,
} from './generated/types';

/**
 * A breakdown as the page holds it (protocol.js `detachedBreakdown`): lists of numbers as
 * Float32Arrays, matrices row-major with their widths (`termLen`, `dV`), allowed keys as 1/0.
 */
export type Breakdown = Omit<HeadBreakdown, 'q' | 'keyVectors' | 'terms' | 'scores' | 'scaled' | 'masked' | 'allowed' | 'exp' | 'weights' | 'values' | 'weighted' | 'output' | 'projection' | 'combined'> & {
  keys: number;
  dK: number;
  dV: number;
  termLen: number;
  q: Float32Array;
  terms: Float32Array;
  scores: Float32Array;
  scaled: Float32Array;
  masked: Float32Array;
  allowed: Uint8Array;
  exp: Float32Array;
  weights: Float32Array;
  values: Float32Array;
  weighted: Float32Array;
  output: Float32Array;
  /** An additive score's stages for every key (the core's `additiveParts`), else null. */
  additive?: import('./generated/types').AdditiveParts | null;
  /** `k_j` for every key, `keys × dK`. */
  keyVectors: Float32Array;
  /** The inputs `x` of the query and of every key (`keys × dModel`), when the run keeps them. */
  projection: { input: Float32Array; keyInputs: Float32Array; dModel: number; bias: boolean; rotary: boolean } | null;
  /** The heads' outputs for the query side by side, and times W_O, when the run keeps them. */
  combined: { heads: number; concat: Float32Array; output: Float32Array; bias: boolean } | null;
};
