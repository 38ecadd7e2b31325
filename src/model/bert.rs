//! The BERT-family encoder: embeddings, then post-norm transformer layers whose self-attention
//! runs every head through the core's [`attend`], keeping each head's Q, K, V and weights.
//! Natively the heads of a layer (and the rows of each matrix product) run on all cores; in
//! WebAssembly everything runs on the calling thread.

use ndarray::{s, Array2, ArrayView2};

use super::config::{Activation, ModelConfig};
use super::error::{ModelError, ModelResult};
use super::ops::{activate, layer_norm, mean_pool_normalized};
use super::safetensors::SafeTensors;
use super::tokenizer::{BertTokenizer, Encoding};
use super::weights::{EncoderLayer, EncoderWeights};
use crate::attention::{attend, HeadTrace, ScoreFunction};
use crate::parallel;
use crate::run::{Block, BlockInputs, BlockKind, Role, Run, Sequence, SourceInfo, SourceKind};
use crate::text::{utf16_len, Token};
use crate::toy::{TokenVectors, VectorSource};

/// A loaded pretrained encoder with its tokenizer.
#[derive(Debug, Clone)]
pub struct Model {
    /// What runs call the model (the folder's name, or the name it was loaded under).
    name: String,
    config: ModelConfig,
    tokenizer: BertTokenizer,
    weights: EncoderWeights,
}

impl Model {
    /// Loads a model from the contents of its files: `config.json`, `tokenizer.json` and/or
    /// `vocab.txt` (tokenizer.json wins when both are given), and `model.safetensors`.
    pub fn from_files(config_json: &str, tokenizer_json: Option<&str>, vocab_txt: Option<&str>, safetensors: &[u8]) -> ModelResult<Model> {
        let config = ModelConfig::from_json(config_json)?;
        Self::assemble(config, BertTokenizer::from_files(tokenizer_json, vocab_txt)?, safetensors)
    }

    /// A model from its parsed configuration and tokenizer and the bytes of its weights, once the
    /// tokenizer is known to belong to it.
    fn assemble(config: ModelConfig, tokenizer: BertTokenizer, safetensors: &[u8]) -> ModelResult<Model> {
        // Models may pad their embedding table a little past the vocabulary (to a multiple of 8,
        // say), never by a tenth: a much smaller vocabulary is another model's.
        let (ids, embedded) = (tokenizer.id_bound(), config.vocab_size);
        if ids > embedded || ids * 10 < embedded * 9 {
            return Err(ModelError::Tokenizer(format!(
                "the tokenizer has {ids} token ids but the model embeds {embedded} tokens: they belong \
                 to different models"
            )));
        }
        let file = SafeTensors::parse(safetensors)?;
        let weights = EncoderWeights::load(&config, &file)?;
        let name = config.architecture.name().to_owned();
        Ok(Model { name, config, tokenizer, weights })
    }

    /// Loads a Hugging Face model folder: `config.json`, `tokenizer.json` and/or `vocab.txt`, and
    /// `model.safetensors` (or, when absent, the F16 copy `model.f16.safetensors`).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Model> {
        let missing = |name: &str, e: std::io::Error| ModelError::File {
            path: dir.join(name).display().to_string(),
            problem: format!("{e} (fetch the default model with scripts/fetch-model.sh, or give a Hugging Face model folder)"),
        };
        let config = std::fs::read_to_string(dir.join("config.json")).map_err(|e| missing("config.json", e))?;
        let config = ModelConfig::from_json(&config)?;
        let tokenizer = BertTokenizer::from_dir(dir)?;
        // The F16 copy when there is no F32 file; an F32 file that cannot be read is named.
        let (f32_file, f16_file) = (dir.join("model.safetensors"), dir.join("model.f16.safetensors"));
        let weights = crate::limits::read_model_file(&f32_file)
            .or_else(|e| if f32_file.exists() { Err(e) } else { crate::limits::read_model_file(&f16_file) })
            .map_err(|e| missing("model.safetensors", e))?;
        let model = Self::assemble(config, tokenizer, &weights)?;
        let folder = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Ok(match folder {
            Some(name) => model.named(name),
            None => model,
        })
    }

    /// The model under another name.
    pub fn named(mut self, name: impl Into<String>) -> Model {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    pub fn tokenizer(&self) -> &BertTokenizer {
        &self.tokenizer
    }

    /// The parameters, as loaded (f32, in the core's orientation).
    pub fn weights(&self) -> &EncoderWeights {
        &self.weights
    }

    /// The tokens the model sees for `text`, cut to its number of positions (and saying so).
    pub fn tokenize(&self, text: &str) -> Encoding {
        self.tokenizer.encode(text, self.config.max_positions)
    }

    /// The model's input embedding (its word-embedding row) of every token: vectors the toy
    /// mode can use in place of its own. `T × d`. Fails on an id outside the vocabulary.
    pub fn input_embeddings(&self, tokens: &[Token]) -> ModelResult<Array2<f32>> {
        let word = &self.weights.embeddings.word;
        let mut out = Array2::zeros((tokens.len(), word.ncols()));
        for (mut row, token) in out.rows_mut().into_iter().zip(tokens) {
            let id = token.id.map_or(usize::MAX, |id| id as usize);
            if id >= word.nrows() {
                return Err(ModelError::OutOfRange(format!(
                    "token {:?} has id {:?}, outside the model's {} embeddings",
                    token.text,
                    token.id,
                    word.nrows()
                )));
            }
            row.assign(&word.row(id));
        }
        Ok(out)
    }

    /// Runs the encoder on `text`, keeping every layer's and head's attention: a run of one
    /// self-attention block per layer, with the sentence embedding.
    pub fn forward(&self, text: &str) -> ModelResult<Run> {
        self.forward_encoding(self.tokenize(text))
    }

    /// Runs the encoder on tokens from [`Model::tokenize`].
    pub fn forward_encoding(&self, encoding: Encoding) -> ModelResult<Run> {
        if encoding.tokens.iter().all(|t| t.special && t.start == t.end) {
            return Err(ModelError::EmptyText);
        }
        let t = encoding.tokens.len();
        if t > self.config.max_positions {
            return Err(ModelError::OutOfRange(format!("{t} tokens exceed the model's {} positions", self.config.max_positions)));
        }
        let mut x = self.embed(&encoding.tokens)?;
        let scale = 1.0 / (self.config.head_dim() as f32).sqrt();
        let mut blocks = Vec::with_capacity(self.config.num_layers);
        for (index, layer) in self.weights.layers.iter().enumerate() {
            let input = x.clone();
            let (next, heads, output) = self.encoder_layer(layer, x, scale);
            x = next;
            // The same check on every platform: where an overflow leaves the layer's output
            // finite (rows of zero weights), the heads still show it.
            ModelError::check_layer(index, &x, &heads)?;
            let kv_heads = heads.len();
            let inputs = BlockInputs { queries: input, keys: None, bias: true, rotary: false };
            let kind = BlockKind::SelfAttention;
            blocks.push(Block { layer: index, kind, queries: 0, keys: 0, kv_heads, heads, output: Some(output), inputs: Some(inputs) });
        }
        Ok(Run {
            source: SourceInfo { name: self.name.clone(), kind: SourceKind::Encoder, trained: true },
            sequences: vec![Sequence { role: Role::Text, tokens: encoding.tokens }],
            blocks,
            d_model: self.config.hidden_size,
            truncated: encoding.truncated,
            pooled: Some(mean_pool_normalized(x.view())),
            generation: None,
            translation: None,
            vision: None,
        })
    }

    /// Word + position (+ token type 0) embeddings, layer-normalised.
    fn embed(&self, tokens: &[Token]) -> ModelResult<Array2<f32>> {
        let e = &self.weights.embeddings;
        let mut x = self.input_embeddings(tokens)?;
        x += &e.position.slice(s![..tokens.len(), ..]);
        if let Some(token_type) = &e.token_type {
            x += token_type;
        }
        layer_norm(&mut x, &e.norm, self.config.layer_norm_eps);
        Ok(x)
    }

    /// One post-norm layer: `x ← LN(x + MHA(x))`, then `x ← LN(x + FFN(x))`; the layer's output,
    /// its heads, and the attention's output (the heads side by side times W_O, plus its bias).
    fn encoder_layer(&self, layer: &EncoderLayer, x: Array2<f32>, scale: f32) -> (Array2<f32>, Vec<HeadTrace>, Array2<f32>) {
        let eps = self.config.layer_norm_eps;
        let (attended, heads) = self_attention(layer, x.view(), self.config.num_heads, scale);
        let mut x = &attended + &x;
        layer_norm(&mut x, &layer.attention_norm, eps);
        let mut x = feed_forward(layer, x.view(), self.config.activation) + x;
        layer_norm(&mut x, &layer.ffn_norm, eps);
        (x, heads, attended)
    }
}

/// A layer's multi-head self-attention over the rows of `x` (every head through the core's
/// [`attend`], on all cores natively): the heads' outputs side by side, multiplied by W_O (without
/// the residual), and each head's trace. The encoders of text and of pictures share it.
pub(crate) fn self_attention(layer: &EncoderLayer, x: ArrayView2<f32>, heads: usize, scale: f32) -> (Array2<f32>, Vec<HeadTrace>) {
    let (t, d) = x.dim();
    let dh = d / heads;
    let qkv = layer.qkv.apply(x);
    let part = |offset: usize, h: usize| qkv.slice(s![.., offset + h * dh..offset + (h + 1) * dh]).to_owned();
    let traces = parallel::map((0..heads).collect(), heads * 4 * t * t * dh, |h| {
        attend(part(0, h), part(d, h), part(2 * d, h), ScoreFunction::Dot, scale, 1.0, None)
    });
    let mut context = Array2::zeros((t, d));
    let mut kept = Vec::with_capacity(heads);
    for (h, (head, output)) in traces.into_iter().enumerate() {
        context.slice_mut(s![.., h * dh..(h + 1) * dh]).assign(&output);
        kept.push(head);
    }
    (layer.attention_out.apply(context.view()), kept)
}

/// A layer's feed-forward block on the rows of `x`: `W₂ · act(W₁ · x)` (without the residual).
pub(crate) fn feed_forward(layer: &EncoderLayer, x: ArrayView2<f32>, activation: Activation) -> Array2<f32> {
    let mut inner = layer.ffn_in.apply(x);
    activate(&mut inner, activation);
    layer.ffn_out.apply(inner.view())
}

/// The model's WordPiece tokens and word embeddings as the toy's token vectors: the pieces of the
/// text without `[CLS]` and `[SEP]` (a special token typed in the text, such as `[MASK]`, stays,
/// marked special), each with its row of the word-embedding table (positions are not added).
impl VectorSource for Model {
    fn token_vectors(&self, text: &str, limit: usize) -> crate::error::Result<(TokenVectors, usize)> {
        // Room for [CLS] and [SEP], which are then dropped.
        let encoding = self.tokenizer.encode(text, limit.saturating_add(2));
        let total = encoding.truncated.map_or(encoding.tokens.len(), |t| t.total) - 2;
        let pieces = &encoding.tokens[1..encoding.tokens.len() - 1];
        let vectors = self.input_embeddings(pieces)?;
        Ok((TokenVectors { tokens: pieces.to_vec(), vectors, text_len: utf16_len(text) }, total))
    }

    fn width(&self) -> Option<usize> {
        Some(self.config.hidden_size)
    }

    fn describe(&self) -> String {
        format!("{}'s word embeddings", self.name)
    }

    fn source_name(&self) -> String {
        format!("toy on {}'s word embeddings", self.name)
    }
}
