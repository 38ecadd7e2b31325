// The page's view of what crosses the Rust/JavaScript boundary. The types themselves are
// generated from the Rust definitions (generated/types.d.ts); this file only names them for the
// page and adds the forms the page derives from them.

import type { HeadBreakdown } from './generated/types';

export type {
  BlockKind, BlockSummary, Candidate, CatalogEntry, CatalogKind, Encoding, Field, Generation, GenerationStep, HeadBreakdown,
  MaskSpec, Mode, ModelInfo, Origin, Positions, ProjectionKind, QueryBreakdown, Role, RunRequest, RunSummary, ScoreKind,
  Sequence, SourceInfo, SourceKind, Stage, StopReason, StoredAs, Token, TokenizerKind, ToyConfig, Truncation, WithoutSpecial,
  EvalBucket, EvalGrouping, Evaluation, UnknownToken, Vocabularies,
} from './generated/types';

/**
 * A breakdown as the page holds it (protocol.js `detachedBreakdown`): lists of numbers as
 * Float32Arrays, matrices row-major with their widths (`termLen`, `dV`), allowed keys as 1/0.
 */
export type Breakdown = Omit<HeadBreakdown, 'q' | 'terms' | 'scores' | 'scaled' | 'masked' | 'allowed' | 'exp' | 'weights' | 'values' | 'weighted' | 'output'> & {
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
};
