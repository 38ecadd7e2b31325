// Generated from the Rust definitions by tests/typescript.rs: do not edit.
// UPDATE_GENERATED=1 cargo test --features typescript --test typescript rewrites this file.

/**
 * The setting or input an error is about: the names the page's state and the toy configuration
 * use (camelCase in JSON and JavaScript).
 */
export type Field = "text" | "crossText" | "dModel" | "heads" | "kvHeads" | "temperature" | "maxTokens" | "padTo" | "window" | "score" | "positions" | "tokenizer" | "stage" | "model" | "steps" | "sampling" | "image" | "task" | "sequenceLength" | "vocabulary" | "offset" | "layers" | "learningRate" | "batchSize" | "seed";

/**
 * What a shipped model is.
 */
export type CatalogKind = "encoder" | "decoder" | "encoder-decoder" | "vision" | "captioner";

/**
 * Where a shipped model's weights come from.
 */
export type Origin = "pretrained" | "trained";

/**
 * One shipped model.
 */
export type CatalogEntry = { name: string, kind: CatalogKind, 
/**
 * The model's folder, relative to the repository root (and to the served page), ending in `/`.
 */
folder: string, 
/**
 * One line for a model picker.
 */
description: string, origin: Origin, };

/**
 * How a model's evaluation is split: by the source's length in words (the grammar task) or by
 * the style a date is written in (the dates task).
 */
export type EvalGrouping = "length" | "style";

/**
 * One group of a held-out evaluation: its label (`"36-40"` words, `"dd/mm/yyyy"`), the share of
 * translations exactly right, and how many examples it holds.
 */
export type EvalBucket = { label: string, exactMatch: number, n: number, };

/**
 * A trained translation model's measured accuracy, read from the `eval.json` its training script
 * wrote beside the weights: overall and per group, in the file's order.
 */
export type Evaluation = { 
/**
 * The catalog's name of the model.
 */
name: string, 
/**
 * `dates` or `grammar`.
 */
task: string, 
/**
 * `gru-additive`, `gru` or `transformer`.
 */
architecture: string, exactMatch: number, testExamples: number, grouping: EvalGrouping, buckets: Array<EvalBucket>, };

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
 * What to compute. In JSON and JavaScript: `{"source": "toy", "config": {…}, "text": "…"}`,
 * `{"source": "model", "text": "…"}` or `{"source": "generate", "text": "…", "steps": 20,
 * "temperature": 0.8, "topK": 40, "seed": 7}` (camelCase fields).
 */
export type RunRequest = { "source": "toy", config: ToyConfig, text: string, 
/**
 * The keys' and values' text, in cross mode.
 */
crossText?: string, 
/**
 * Take the loaded model's tokens and word embeddings instead of the toy's.
 */
vectors: boolean, } | { "source": "model", text: string, } | { "source": "image", width: number, height: number, pixels: Uint8ClampedArray | Uint8Array | number[], } | { "source": "generate", text: string, 
/**
 * How many tokens to generate at most (it stops early at an end-of-text token or when
 * the context is full).
 */
steps: number, 
/**
 * 0 or left out: greedy (the most probable token each time); above 0: sampled from
 * softmax(logits / temperature).
 */
temperature?: number, 
/**
 * Sample among the k most probable tokens only.
 */
topK?: number, 
/**
 * The sampling generator's seed (0 when left out).
 */
seed?: number, };

/**
 * What kind of thing computed a run.
 */
export type SourceKind = "toy" | "encoder" | "decoder" | "vision" | "encoder-decoder" | "captioner";

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
export type Role = "text" | "crossText" | "source" | "target" | "patches";

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
masked: boolean, 
/**
 * The block keeps its heads' output after W_O (the player's last stage combines the heads).
 */
combined: boolean, };

/**
 * Why generation stopped.
 */
export type StopReason = "steps" | "endOfText" | "context";

/**
 * A candidate for the next token.
 */
export type Candidate = { id: number, 
/**
 * The vocabulary entry (byte-level symbols such as `"Ġthe"`).
 */
text: string, 
/**
 * Its probability under the model: softmax of the logits, before temperature and top-k.
 */
probability: number, };

/**
 * One generated token and the distribution it was chosen from.
 */
export type GenerationStep = { 
/**
 * The query whose output predicted the token: for a decoder, the position of the token before
 * it; for an encoder–decoder, the token's own index in the target sequence (row `i` of a
 * decoder block is the step that wrote target token `i`). Its attention is row `position`
 * of each block over the generated sequence (`Run::step_attentions` in Rust,
 * `stepAttentions` in JavaScript).
 */
position: number, 
/**
 * The chosen token's id.
 */
id: number, 
/**
 * The chosen token's probability under the model.
 */
probability: number, 
/**
 * The most probable next tokens under the model, most probable first.
 */
top: Array<Candidate>, 
/**
 * A GRU encoder–decoder's context vector of the step, `c_i`: the attention-weighted sum of
 * the encoder states (without attention, the same fixed vector at every step).
 */
context?: Array<number>, 
/**
 * A GRU encoder–decoder's decoder state after the step, `s_i` (the next step's query).
 */
state?: Array<number>, };

/**
 * What a run that generated keeps beside its blocks. The generated tokens end the run's text
 * sequence, after the prompt's tokens, and the blocks cover prompt and generated tokens together.
 */
export type Generation = { 
/**
 * Tokens of the prompt: the index of the first generated token (0 for an encoder–decoder,
 * whose target sequence holds only what it wrote).
 */
promptTokens: number, 
/**
 * The generated text (special tokens such as `<|endoftext|>` left out; bytes that do not
 * form UTF-8 become U+FFFD). The generated tokens' spans are UTF-16 offsets into the typed
 * text followed by this text; an encoder–decoder's target tokens' spans are offsets into
 * this text alone (its translation).
 */
text: string, 
/**
 * One step per generated token, in order.
 */
steps: Array<GenerationStep>, stopped: StopReason, };

/**
 * The encoder–decoder architectures.
 */
export type Seq2SeqArchitecture = "gru-additive" | "gru" | "transformer";

/**
 * A source token outside the model's vocabulary.
 */
export type UnknownToken = { 
/**
 * Its index in the source sequence.
 */
index: number, 
/**
 * The word or character as the model saw it (lower-cased when the model lower-cases).
 */
text: string, };

/**
 * An encoder–decoder's extras.
 */
export type Translation = { architecture: Seq2SeqArchitecture, 
/**
 * The source tokens the vocabulary lacks, in order: the model read each as `<unk>`, a token
 * it never saw in training.
 */
unknown: Array<UnknownToken>, 
/**
 * Set for a model without attention (then the run has no block), to be shown as it is:
 * "this model has no attention: the decoder sees only the final encoder state".
 */
noAttention: string | null, };

/**
 * An encoder–decoder's two vocabularies (its `vocab.json`), token strings by id, for the page's
 * list of the words or characters a model knows.
 */
export type Vocabularies = { source: Array<string>, target: Array<string>, };

/**
 * How a picture became tokens.
 */
export type Patches = { 
/**
 * Patches per column (rows of the grid).
 */
rows: number, 
/**
 * Patches per row.
 */
columns: number, 
/**
 * Side of one square patch, in pixels of the model's input.
 */
patchSize: number, 
/**
 * Side of the square picture the model read (after resizing), in pixels.
 */
imageSize: number, 
/**
 * Tokens before the first patch: `[CLS]` (and DeiT's `[DIST]`). Patch `(r, c)` is token
 * `prefix + r · columns + c`.
 */
prefix: number, };

/**
 * One class and the probability the model gives it.
 */
export type ClassScore = { 
/**
 * The class's index among the classifier's outputs.
 */
index: number, 
/**
 * Its name (`id2label`), or its index as text when the model names none.
 */
label: string, probability: number, };

/**
 * An image classifier's answer: the most probable classes, best first (at most five).
 */
export type Prediction = { top: Array<ClassScore>, };

/**
 * A vision transformer's extras.
 */
export type Vision = { patches: Patches, 
/**
 * Set when the model has a classifier.
 */
prediction: Prediction | null, };

/**
 * What a run computed, without its numbers: the sequences, the blocks' shapes and settings.
 */
export type RunSummary = { source: SourceInfo, sequences: Array<Sequence>, blocks: Array<BlockSummary>, dModel: number, truncated: Truncation | null, 
/**
 * The run has a sentence embedding (`pooled`).
 */
pooled: boolean, 
/**
 * What a decoder generated, when it did; what an encoder–decoder wrote.
 */
generation: Generation | null, 
/**
 * An encoder–decoder's extras.
 */
translation: Translation | null, 
/**
 * A vision transformer's extras.
 */
vision: Vision | null, };

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
 * `k_j`, one row per key (length d_k each).
 */
keyVectors: Array<Array<number>>, 
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
 * The additive score of one query against every key, stage by stage: `W₁q` (the decoder state
 * through W, in a translation's cross-attention), each key's `W₂k` (the encoder state through U),
 * the bias, their sum, its tanh and `v`; `v ∘ tanh(sum)` are the terms of
 * [`ScoreFunction::terms`], and their sum the score.
 */
export type AdditiveParts = { 
/**
 * `W₁q`, length `d_a`.
 */
query: Array<number>, 
/**
 * `W₂k_j` for every key, `d_a` each.
 */
keys: Array<Array<number>>, 
/**
 * `b`, when the function has one.
 */
bias: Array<number> | null, 
/**
 * `W₁q + W₂k_j (+ b)` for every key.
 */
sum: Array<Array<number>>, 
/**
 * `tanh` of each sum.
 */
tanh: Array<Array<number>>, 
/**
 * `v`, length `d_a`.
 */
v: Array<number>, };

/**
 * How the query and the keys of one head came from their inputs, for the player's projection
 * stages.
 */
export type Projection = { 
/**
 * `x_i`, the query's input (length d_model).
 */
input: Array<number>, 
/**
 * `x_j` for every key, one row per key.
 */
keyInputs: Array<Array<number>>, bias: boolean, rotary: boolean, };

/**
 * A multi-head block's last step for one query: every head's output side by side, times W_O.
 */
export type Combined = { heads: number, 
/**
 * `[o_i¹, …, o_iᴴ]` (length heads · d_v).
 */
concat: Array<number>, 
/**
 * `concat · W_O (+ b)` (length d_model).
 */
output: Array<number>, bias: boolean, };

/**
 * A query's breakdown, and where in the run it is.
 */
export type HeadBreakdown = { block: number, layer: number, head: number, 
/**
 * The query's and keys' inputs, when the source keeps them.
 */
projection: Projection | null, 
/**
 * The heads' outputs for this query concatenated and times W_O, when the source keeps the
 * block's output.
 */
combined: Combined | null, query: number, 
/**
 * `q_i` (length d_k).
 */
q: Array<number>, 
/**
 * `k_j`, one row per key (length d_k each).
 */
keyVectors: Array<Array<number>>, 
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
 * The sizes of a loaded model and how its weights file stored them. Serialised in camelCase.
 */
export type ModelInfo = { 
/**
 * The `model_type`: `"bert"` (BERT, MiniLM), `"distilbert"`, `"gpt2"` or `"llama"`; for an
 * encoder–decoder its `architecture`: `"gru-additive"`, `"gru"` or `"transformer"` (the other
 * fields' meaning for one: [`Seq2Seq::info`](super::Seq2Seq::info)).
 */
architecture: string, 
/**
 * `encoder`, `decoder` or `encoder-decoder`.
 */
kind: SourceKind, layers: number, 
/**
 * Query heads per layer.
 */
heads: number, 
/**
 * Key/value heads per layer: as many as `heads`, fewer with grouped-query attention.
 */
kvHeads: number, 
/**
 * Width of the token vectors, d.
 */
hidden: number, 
/**
 * Width of one head's queries and keys.
 */
dK: number, vocabSize: number, 
/**
 * The longest input: an encoder's `[CLS]` and `[SEP]` included; a decoder's context, prompt
 * and generated tokens together.
 */
maxPositions: number, 
/**
 * How the weights file stored the weights: `F32`, `F16`, `BF16` or `mixed`.
 */
dtype: StoredAs, 
/**
 * Values the model read from the weights file (see [`EncoderWeights::parameters`](super::weights::EncoderWeights::parameters)).
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
 * Set when the text had more tokens than the limit; the counts include the tokens the
 * tokenizer adds (an encoder's `[CLS]` and `[SEP]`).
 */
truncated: Truncation | null, };

/**
 * Which task.
 */
export type TaskKind = "reverse" | "sort" | "copy-offset" | "add" | "induction";

/**
 * A task and its settings.
 */
export type Task = { kind: TaskKind, 
/**
 * Symbols in a prompt (digits of each number for `add`).
 */
length: number, 
/**
 * Distinct symbols (letters `a`…; fixed at the ten digits for `add`).
 */
vocabulary: number, 
/**
 * `copy-offset`'s rotation.
 */
offset: number, };

/**
 * Which model learns.
 */
export type TrainArchitecture = "encoder-decoder" | "decoder-only";

/**
 * How the model knows where a token is.
 */
export type TrainPositions = "sinusoidal" | "learned" | "rotary";

/**
 * Everything that decides a training run: the same settings give the same weights, bit for bit.
 */
export type TrainSettings = { task: Task, architecture: TrainArchitecture, positions: TrainPositions, 
/**
 * Layers of the encoder and of the decoder each (of the one stack for decoder-only).
 */
layers: number, heads: number, dModel: number, 
/**
 * Adam's peak learning rate.
 */
learningRate: number, 
/**
 * Steps of linear warm-up to the peak.
 */
warmup: number, 
/**
 * Examples per step.
 */
batchSize: number, 
/**
 * Seeds the weights and the training data (the held-out data comes from another stream).
 */
seed: number, };

/**
 * Where training stands after a slice of steps.
 */
export type TrainProgress = { 
/**
 * Steps taken so far.
 */
step: number, 
/**
 * Each step of the slice: its mean loss and the share of answer tokens predicted right
 * (on that step's training batch).
 */
losses: Array<number>, accuracies: Array<number>, 
/**
 * The learning rate of the last step.
 */
learningRate: number, };

/**
 * Accuracy on held-out examples.
 */
export type TrainEvaluation = { examples: number, loss: number, 
/**
 * Share of answer tokens right.
 */
tokenAccuracy: number, 
/**
 * Share of answers right in full (greedy decoding gives the same answers).
 */
exactMatch: number, };
