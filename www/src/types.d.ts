// Exact shapes of what crosses the Rust/JavaScript boundary (src/wasm.rs).
// Bulk numbers are flat row-major Float32Arrays; their shapes come from the metadata.

export type ScoreName = 'dot' | 'additive' | 'general' | 'cosine';
export type StageName = 'q' | 'k' | 'v' | 'scores' | 'scaled' | 'masked' | 'weights' | 'output';
export type TokenizerName = 'words' | 'chars';
export type PositionsName = 'none' | 'sinusoidal' | 'rope';
export type ProjectionsName = 'random' | 'identity';

/** Masks are combined: a key is allowed only if every mask allows it. */
export type MaskSpec =
  | { kind: 'causal' }
  /** key j is allowed for query i when |i − j| ≤ width */
  | { kind: 'window'; width: number }
  /** pad the key sequence with [PAD] tokens up to padTo and mask them */
  | { kind: 'padding'; padTo: number }
  /** block individual (query, key) cells; cells outside the current shape are ignored */
  | { kind: 'custom'; blocked: [number, number][] };

export interface ToyConfig {
  mode: 'self' | 'cross';
  tokenizer: TokenizerName;
  /** 2..=1024 */
  dModel: number;
  /** divides dModel */
  heads: number;
  /** divides heads; fewer than heads = grouped-query, 1 = multi-query */
  kvHeads: number;
  score: ScoreName;
  /** multiply scores by 1/√d_k */
  scale: boolean;
  /** > 0; scores are divided by it before the softmax */
  temperature: number;
  masks: MaskSpec[];
  positions: PositionsName;
  projections: ProjectionsName;
  /** u32 seed of the random projections (and additive/general score weights) */
  seed: number;
  /** longest token sequence accepted; longer text is truncated and the summary says so */
  maxTokens: number;
}

export interface TokenInfo {
  text: string;
  /** UTF-16 offsets into the typed text (pad tokens: start = end = text length) */
  start: number;
  end: number;
  special: boolean;
}

export interface RunSummary {
  queryTokens: TokenInfo[];
  keyTokens: TokenInfo[];
  heads: number;
  kvHeads: number;
  dModel: number;
  dK: number;
  /** the factor applied in the `scaled` stage besides temperature: 1/√d_k or 1 */
  scale: number;
  temperature: number;
  score: ScoreName;
  /** query rows whose keys are all masked: their weights are all 0 */
  fullyMaskedRows: number[];
  /** set when the text had more tokens than maxTokens */
  truncated: null | { limit: number; total: number; which: 'text' | 'crossText' };
}

export interface QueryBreakdown {
  head: number;
  query: number;
  keys: number;
  dK: number;
  dV: number;
  scale: number;
  temperature: number;
  /** q_i, length dK */
  q: Float32Array;
  /** keys × termLen: row j holds the terms whose sum is score j (q_i ∘ k_j for dot) */
  terms: Float32Array;
  termLen: number;
  /** what the terms are, e.g. "q ∘ k" or "v_a ∘ tanh(W₁q + W₂k)" */
  termLabel: string;
  scores: Float32Array;
  scaled: Float32Array;
  /** scaled with −Infinity where masked */
  masked: Float32Array;
  /** 1 where the key is allowed */
  allowed: Uint8Array;
  /** the maximum subtracted before exp (0 when fully masked) */
  max: number;
  exp: Float32Array;
  sumExp: number;
  weights: Float32Array;
  /** keys × dV: v_j */
  values: Float32Array;
  /** keys × dV: w_ij · v_j */
  weighted: Float32Array;
  /** length dV */
  output: Float32Array;
  fullyMasked: boolean;
}

// ── Pretrained models (ModelSession) ─────────────────────────────────────────────────────────
// `ModelSession.fromFiles(configJson, tokenizerJson, vocabTxt, weights)` loads an encoder; it owns
// about 90 MB of WebAssembly memory for all-MiniLM-L6-v2: call `free()` before loading another.

export type ModelArchitecture = 'bert' | 'distilbert';
/** how the weights file stored the weights (the forward pass computes in f32 either way) */
export type WeightsDtype = 'F32' | 'F16' | 'BF16' | 'mixed';

export interface ModelInfo {
  architecture: ModelArchitecture;
  layers: number;
  heads: number;
  /** width of the token vectors */
  hidden: number;
  /** hidden / heads */
  dK: number;
  vocabSize: number;
  /** the longest input, [CLS] and [SEP] included */
  maxPositions: number;
  dtype: WeightsDtype;
  /** values read from the weights file (a pooler or task head in the file is not counted) */
  parameters: number;
}

export interface ModelTokenInfo {
  /** the vocabulary entry, e.g. "##ing" or "[CLS]" */
  text: string;
  id: number;
  /** UTF-16 offsets into the typed text; [CLS] and [SEP] have start = end = 0 */
  start: number;
  end: number;
  /** [CLS], [SEP] and special tokens typed in the text such as [MASK] */
  special: boolean;
}

/** set when the text had more tokens than the model's positions; both counts include [CLS] and [SEP] */
export type ModelTruncation = null | { limit: number; total: number };

export interface ModelTokens {
  tokens: ModelTokenInfo[];
  truncated: ModelTruncation;
}

/** Shapes of the last run: attentions() is layers × heads × T × T with T = tokens.length. */
export interface ModelRunSummary {
  tokens: ModelTokenInfo[];
  layers: number;
  heads: number;
  dK: number;
  truncated: ModelTruncation;
  /** 1/√dK, the factor of the `scaled` stage */
  scale: number;
}

/** One head's weights without the special tokens, rows renormalised to sum to 1. */
export interface WeightsWithoutSpecial {
  /** indices (into ModelRunSummary.tokens) of the tokens kept, in order */
  tokens: number[];
  /** tokens.length × tokens.length, [query][key] */
  weights: Float32Array;
}

/** A query's breakdown in one head of one layer; `query` and the keys index ModelRunSummary.tokens. */
export interface ModelQueryBreakdown extends QueryBreakdown {
  layer: number;
}
