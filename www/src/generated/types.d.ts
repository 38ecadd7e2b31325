// Generated from the Rust definitions by tests/typescript.rs: do not edit.
// UPDATE_GENERATED=1 cargo test --features typescript --test typescript rewrites this file.

/**
 * The setting or input an error is about: the names the page's state and the toy configuration
 * use (camelCase in JSON and JavaScript).
 */
export type Field = "text" | "crossText" | "dModel" | "heads" | "kvHeads" | "temperature" | "maxTokens" | "padTo" | "window" | "score" | "positions" | "tokenizer" | "stage" | "model";

/**
 * One token of any source (a toy word, a model's vocabulary piece, an image patch) and where it
 * sits in the typed text.
 */
export type Token = { 
/**
 * The token's text: the typed word, or the vocabulary entry (`"##ing"`, `"[CLS]"`).
 */
text: string, 
/**
 * UTF-16 offset of the first code unit.
 */
start: number, 
/**
 * UTF-16 offset one past the last code unit; `start == end` for tokens the text did not
 * contain.
 */
end: number, 
/**
 * A token the text did not contain (`[PAD]`, `[CLS]`, `[SEP]`) or a special token typed in it
 * (`[MASK]`).
 */
special: boolean, 
/**
 * The vocabulary id, for a model's tokens.
 */
id?: number, };

/**
 * Set when a text had more tokens than the limit and was cut.
 */
export type Truncation = { 
/**
 * The number of tokens kept (a model's special tokens included).
 */
limit: number, 
/**
 * How many tokens the whole text has.
 */
total: number, 
/**
 * Which text was cut.
 */
which: Field, };

/**
 * How toy text is cut into tokens.
 */
export type TokenizerKind = "words" | "chars";

/**
 * Which score function, without its weights.
 */
export type ScoreKind = "dot" | "additive" | "general" | "cosine";

/**
 * How token order enters the computation.
 */
export type Positions = "none" | "sinusoidal" | "rope";

/**
 * A named intermediate of a head, in the order they are computed.
 */
export type Stage = "q" | "k" | "v" | "scores" | "scaled" | "masked" | "weights" | "output";

/**
 * Self-attention (one text) or cross-attention (queries from one text, keys/values from another).
 */
export type Mode = "self" | "cross";

/**
 * How the projection matrices are chosen.
 */
export type ProjectionKind = "random" | "identity";

/**
 * A mask as the playground describes it; see [`Mask`] for the rules.
 */
export type MaskSpec = { "kind": "causal" } | { "kind": "window", width: number, } | { "kind": "padding", padTo: number, } | { "kind": "custom", blocked: Array<[number, number]>, };

/**
 * Every knob of toy mode. Field names in JSON/JavaScript are camelCase.
 */
export type ToyConfig = { mode: Mode, tokenizer: TokenizerKind, dModel: number, heads: number, kvHeads: number, score: ScoreKind, 
/**
 * Multiply scores by 1/√d_k.
 */
scale: boolean, temperature: number, masks: Array<MaskSpec>, positions: Positions, projections: ProjectionKind, seed: number, 
/**
 * Longer text is cut to this many tokens and the run says so.
 */
maxTokens: number, };

/**
 * What to compute. In JSON and JavaScript: `{"source": "toy", "config": {…}, "text": "…"}` or
 * `{"source": "model", "text": "…"}` (camelCase fields).
 */
export type RunRequest = { "source": "toy", config: ToyConfig, text: string, 
/**
 * The keys' and values' text, in cross mode.
 */
crossText?: string, 
/**
 * Take the loaded model's tokens and word embeddings instead of the toy's.
 */
vectors: boolean, } | { "source": "model", text: string, };

/**
 * What kind of thing computed a run.
 */
export type SourceKind = "toy" | "encoder";

/**
 * Which model computed a run, and whether its weights were learned.
 */
export type SourceInfo = { 
/**
 * A name to show ("toy", "all-MiniLM-L6-v2").
 */
name: string, kind: SourceKind, 
/**
 * The weights were learned from data; `false` for random projections, which show the
 * mechanism but not meaning.
 */
trained: boolean, };

/**
 * What a sequence of tokens is to the run.
 */
export type Role = "text" | "crossText";

/**
 * One sequence of tokens a run attends over.
 */
export type Sequence = { role: Role, tokens: Array<Token>, };

/**
 * How a block's queries relate to its keys.
 */
export type BlockKind = "self" | "causal" | "cross";

/**
 * What JavaScript and the command line learn about one block.
 */
export type BlockSummary = { layer: number, kind: BlockKind, queries: number, keys: number, heads: number, kvHeads: number, 
/**
 * Width of one head's queries and keys.
 */
dK: number, 
/**
 * Width of one head's values.
 */
dV: number, score: ScoreKind, 
/**
 * The factor scores are multiplied by (1/√d_k, or 1 without scaling).
 */
scale: number, temperature: number, 
/**
 * Queries whose keys are all masked (their weights are all 0).
 */
fullyMaskedRows: Array<number>, 
/**
 * Some (query, key) pairs are masked.
 */
masked: boolean, };

/**
 * What a run computed, without its numbers: the sequences, the blocks' shapes and settings.
 */
export type RunSummary = { source: SourceInfo, sequences: Array<Sequence>, blocks: Array<BlockSummary>, dModel: number, truncated: Truncation | null, 
/**
 * The run has a sentence embedding (`pooled`).
 */
pooled: boolean, };

/**
 * How query `i` of one head attends, key by key. Matrices are lists of rows. Serialised in
 * camelCase (a masked score, −∞, becomes `null` in JSON and stays `-Infinity` in JavaScript).
 */
export type QueryBreakdown = { query: number, 
/**
 * `q_i` (length d_k).
 */
q: Array<number>, 
/**
 * Row `j`: the terms whose sum is the score of key `j` (`q_i ∘ k_j` for dot).
 */
terms: Array<Array<number>>, termLabel: string, 
/**
 * Raw scores: row `query` of the head's scores (the terms sum to them up to rounding).
 */
scores: Array<number>, 
/**
 * Scores × scale ÷ temperature.
 */
scaled: Array<number>, 
/**
 * Scaled scores with masked keys at −∞.
 */
masked: Array<number>, allowed: Array<boolean>, scale: number, temperature: number, 
/**
 * The maximum subtracted before `exp` (0 when fully masked).
 */
max: number, 
/**
 * `exp(masked − max)`, 0 for masked keys.
 */
exp: Array<number>, sumExp: number, 
/**
 * `exp / sum_exp`: the attention weights of this query.
 */
weights: Array<number>, 
/**
 * `v_j`, one row per key.
 */
values: Array<Array<number>>, 
/**
 * `w_ij · v_j`, one row per key.
 */
weighted: Array<Array<number>>, 
/**
 * `Σ_j w_ij v_j`.
 */
output: Array<number>, fullyMasked: boolean, };

/**
 * A query's breakdown, and where in the run it is.
 */
export type HeadBreakdown = { block: number, layer: number, head: number, query: number, 
/**
 * `q_i` (length d_k).
 */
q: Array<number>, 
/**
 * Row `j`: the terms whose sum is the score of key `j` (`q_i ∘ k_j` for dot).
 */
terms: Array<Array<number>>, termLabel: string, 
/**
 * Raw scores: row `query` of the head's scores (the terms sum to them up to rounding).
 */
scores: Array<number>, 
/**
 * Scores × scale ÷ temperature.
 */
scaled: Array<number>, 
/**
 * Scaled scores with masked keys at −∞.
 */
masked: Array<number>, allowed: Array<boolean>, scale: number, temperature: number, 
/**
 * The maximum subtracted before `exp` (0 when fully masked).
 */
max: number, 
/**
 * `exp(masked − max)`, 0 for masked keys.
 */
exp: Array<number>, sumExp: number, 
/**
 * `exp / sum_exp`: the attention weights of this query.
 */
weights: Array<number>, 
/**
 * `v_j`, one row per key.
 */
values: Array<Array<number>>, 
/**
 * `w_ij · v_j`, one row per key.
 */
weighted: Array<Array<number>>, 
/**
 * `Σ_j w_ij v_j`.
 */
output: Array<number>, fullyMasked: boolean, };

/**
 * The weights of every block among the ordinary tokens only (see [`Run::without_special`]).
 */
export type WithoutSpecial = { 
/**
 * Per sequence, the indices of the tokens kept.
 */
kept: Array<Array<number>>, 
/**
 * Every block's heads, `[block][head][query][key]` over the kept tokens, flat.
 */
weights: Float32Array, };

/**
 * How the weights were stored in the file they were read from (they are always held as f32).
 */
export type StoredAs = "F32" | "F16" | "BF16" | "mixed";

/**
 * The sizes of a loaded encoder and how its weights file stored them. Serialised in camelCase.
 */
export type ModelInfo = { 
/**
 * `"bert"` (BERT, MiniLM) or `"distilbert"`.
 */
architecture: string, layers: number, heads: number, 
/**
 * Width of the token vectors, d.
 */
hidden: number, 
/**
 * Width of one head's queries and keys, d / heads.
 */
dK: number, vocabSize: number, 
/**
 * The longest input, `[CLS]` and `[SEP]` included.
 */
maxPositions: number, 
/**
 * How the weights file stored the weights: `F32`, `F16`, `BF16` or `mixed`.
 */
dtype: StoredAs, 
/**
 * Values the encoder read from the weights file (see [`EncoderWeights::parameters`](super::weights::EncoderWeights::parameters)).
 */
parameters: number, };

/**
 * The tokens of a text, ready for the model.
 */
export type Encoding = { 
/**
 * Every token carries its vocabulary id.
 */
tokens: Array<Token>, 
/**
 * Set when the text had more tokens than the limit; the counts include `[CLS]` and `[SEP]`.
 */
truncated: Truncation | null, };
