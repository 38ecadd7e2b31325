//! A small pre-norm Transformer, encoder–decoder or decoder-only, built from the layers of this
//! crate: its parameters' layout, the forward pass over a batch with everything the backward pass
//! needs kept, and the backward pass into one flat gradient.
//!
//! Encoder–decoder (the project's `seq2seq` Transformer): source `√d·E_src[x] + P`, per encoder
//! layer `x += Attn(LN₁x)`, `x += MLP(LN₂x)`, then `M = LN(x)`; target `√d·E_tgt[y] + P`, per
//! decoder layer `y += CausalAttn(LN₁y)`, `y += CrossAttn(LN₂y, M)`, `y += MLP(LN₃y)`, then
//! `logits = LN(y)·W_out + b_out`. Positions are sinusoidal, learned (a table per sequence) or
//! rotary (in the self-attention blocks).
//!
//! Decoder-only (GPT-2's layout): `E[y] + P` with a learned `P`, per layer
//! `y += CausalAttn(LN₁y)`, `y += MLP(LN₂y)`, then `logits = LN(y)·Eᵀ` (the output map is the
//! token embedding, tied).
//!
//! Backward runs the same steps in reverse: a residual `x + f(x)` passes its gradient on and adds
//! `f`'s; the memory `M` collects the cross-attention gradients of every decoder layer; a tied
//! embedding collects both its uses.

use crate::attention::{Attention, AttentionCache, Shape};
use crate::cross_entropy::{cross_entropy, CrossEntropy};
use crate::embedding::{Embedding, Positions};
use crate::layer_norm::{LayerNorm, LayerNormCache};
use crate::linear::Linear;
use crate::matrix::{matmul, matmul_nt, matmul_tn, Mat};
use crate::mlp::{Mlp, MlpCache};
use crate::params::{Init, Layout};
use crate::real::Real;
use crate::{Grads, Weights};

/// Which of the two models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    EncoderDecoder,
    DecoderOnly,
}

/// The sizes of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub architecture: Architecture,
    pub d_model: usize,
    pub heads: usize,
    /// Encoder layers (0 for a decoder-only model).
    pub encoder_layers: usize,
    pub decoder_layers: usize,
    /// Inner width of the feed-forward blocks.
    pub ffn: usize,
    /// Source vocabulary (unused by a decoder-only model).
    pub source_vocab: usize,
    /// Target vocabulary (the one vocabulary of a decoder-only model).
    pub target_vocab: usize,
    /// Longest sequence the positions cover (a decoder-only model's learned table has this many rows).
    pub max_positions: usize,
    pub layer_norm_eps: f64,
    /// How positions enter. A decoder-only model's are learned (GPT-2's layout).
    pub positions: PositionKind,
}

/// How a model knows where a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionKind {
    /// Fixed sinusoids added to the embeddings.
    Sinusoidal,
    /// A learned table added to the embeddings (one per sequence in an encoder–decoder).
    Learned,
    /// Each self-attention head's queries and keys turned by their position (cross-attention
    /// compares two sequences and is left unturned).
    Rotary,
}

impl Spec {
    /// Values in every parameter of the model.
    pub fn parameters(&self) -> usize {
        Model::new(*self).layout.len()
    }
}

/// One pre-norm layer: self-attention, cross-attention for an encoder–decoder's decoder, MLP.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub ln1: LayerNorm,
    pub self_attention: Attention,
    pub cross: Option<(LayerNorm, Attention)>,
    pub ln_mlp: LayerNorm,
    pub mlp: Mlp,
}

#[derive(Debug, Clone)]
struct LayerCache<T> {
    ln1: LayerNormCache<T>,
    self_attention: AttentionCache<T>,
    cross: Option<(LayerNormCache<T>, AttentionCache<T>)>,
    ln_mlp: LayerNormCache<T>,
    mlp: MlpCache<T>,
}

/// A batch: `size` sequences of equal lengths, flat. `input` is what the decoder reads
/// (`<bos>` and the target shifted, or a decoder-only model's whole sequence); `targets[r]` the
/// token row `r` should predict, `None` where nothing is asked (a prompt).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub size: usize,
    pub source: Vec<u32>,
    pub source_len: usize,
    pub input: Vec<u32>,
    pub input_len: usize,
    pub targets: Vec<Option<u32>>,
}

/// How a batch went: mean loss, and tokens and whole sequences right (teacher-forced, which for
/// greedy decoding is the same: a sequence whose every next token is predicted right is decoded
/// right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub loss: f64,
    pub tokens: usize,
    pub correct_tokens: usize,
    pub sequences: usize,
    pub exact_sequences: usize,
}

/// The model: its parameters' layout and the layers that read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub spec: Spec,
    pub layout: Layout,
    pub source_embedding: Option<Embedding>,
    pub target_embedding: Embedding,
    /// The source's positions (an encoder–decoder's) and the target's.
    pub source_positions: Positions,
    pub positions: Positions,
    pub encoder: Vec<Layer>,
    pub encoder_norm: Option<LayerNorm>,
    pub decoder: Vec<Layer>,
    pub decoder_norm: LayerNorm,
    /// The output map; `None`: the token embedding, tied.
    pub output: Option<Linear>,
}

/// Everything the forward pass keeps.
#[derive(Debug, Clone)]
pub struct Forward<T> {
    encoder: Vec<LayerCache<T>>,
    encoder_norm: Option<LayerNormCache<T>>,
    decoder: Vec<LayerCache<T>>,
    decoder_norm: LayerNormCache<T>,
    normed: Mat<T>,
    pub logits: Mat<T>,
    pub loss: CrossEntropy<T>,
}

impl Layer {
    fn new(layout: &mut Layout, at: &str, names: [&str; 6], spec: &Spec, causal: bool, cross: bool) -> Layer {
        let (d, eps) = (spec.d_model, spec.layer_norm_eps);
        let [ln1, attention, ln_cross, cross_attention, ln_mlp, mlp] = names;
        let ln1 = LayerNorm::new(layout, &format!("{at}.{ln1}"), d, eps);
        let mut self_attention = Attention::new(layout, &format!("{at}.{attention}"), d, spec.heads, causal);
        self_attention.rotary = spec.positions == PositionKind::Rotary;
        let cross = cross.then(|| {
            (
                LayerNorm::new(layout, &format!("{at}.{ln_cross}"), d, eps),
                Attention::new(layout, &format!("{at}.{cross_attention}"), d, spec.heads, false),
            )
        });
        let ln_mlp = LayerNorm::new(layout, &format!("{at}.{ln_mlp}"), d, eps);
        let mlp = Mlp::new(layout, &format!("{at}.{mlp}"), d, spec.ffn);
        Layer { ln1, self_attention, cross, ln_mlp, mlp }
    }

    /// The layer over `x` (`batch` sequences of `len` rows), reading `memory` (`memory_len` rows a
    /// sequence) when it has cross-attention.
    fn forward<T: Real>(
        &self,
        w: &Weights<'_, T>,
        x: &Mat<T>,
        memory: Option<(&Mat<T>, usize)>,
        batch: usize,
        len: usize,
    ) -> (Mat<T>, LayerCache<T>) {
        let (h, ln1) = self.ln1.forward(w, x);
        let (a, self_attention) = self.self_attention.forward(w, &h, &h, Shape { batch, queries: len, keys: len });
        let mut y = x.plus(&a);
        let cross = match (&self.cross, memory) {
            (Some((ln, attention)), Some((memory, memory_len))) => {
                let (h, ln_cache) = ln.forward(w, &y);
                let (a, cache) = attention.forward(w, &h, memory, Shape { batch, queries: len, keys: memory_len });
                y.add_assign(&a);
                Some((ln_cache, cache))
            }
            _ => None,
        };
        let (h, ln_mlp) = self.ln_mlp.forward(w, &y);
        let (f, mlp) = self.mlp.forward(w, &h);
        y.add_assign(&f);
        (y, LayerCache { ln1, self_attention, cross, ln_mlp, mlp })
    }

    /// `∂L/∂x` and, with cross-attention, `∂L/∂memory`.
    fn backward<T: Real>(&self, w: &Weights<'_, T>, g: &mut Grads<'_, T>, cache: &LayerCache<T>, dy: &Mat<T>) -> (Mat<T>, Option<Mat<T>>) {
        let mut dx = dy.clone();
        let dh = self.mlp.backward(w, g, &cache.mlp, dy);
        dx.add_assign(&self.ln_mlp.backward(w, g, &cache.ln_mlp, &dh));
        let dmemory = match (&self.cross, &cache.cross) {
            (Some((ln, attention)), Some((ln_cache, attention_cache))) => {
                let (dq, dkv) = attention.backward(w, g, attention_cache, &dx);
                dx.add_assign(&ln.backward(w, g, ln_cache, &dq));
                Some(dkv)
            }
            _ => None,
        };
        let (mut dh, dkv) = self.self_attention.backward(w, g, &cache.self_attention, &dx);
        dh.add_assign(&dkv);
        dx.add_assign(&self.ln1.backward(w, g, &cache.ln1, &dh));
        (dx, dmemory)
    }
}

impl Model {
    /// The layers and the layout of their parameters; the slots carry the names of the exported
    /// layout's tensors (`seq2seq` for an encoder–decoder, GPT-2's for a decoder-only model).
    pub fn new(spec: Spec) -> Model {
        let mut layout = Layout::default();
        let d = spec.d_model;
        let std = 1.0 / (d as f64).sqrt();
        match spec.architecture {
            Architecture::EncoderDecoder => {
                let source_embedding = Some(Embedding::new(&mut layout, "src_embedding.weight", spec.source_vocab, d, std));
                let target_embedding = Embedding::new(&mut layout, "tgt_embedding.weight", spec.target_vocab, d, std);
                let mut table = |name: &str| match spec.positions {
                    PositionKind::Sinusoidal => Positions::Sinusoidal,
                    PositionKind::Rotary => Positions::Rotary,
                    PositionKind::Learned => Positions::Learned(layout.add(name, &[spec.max_positions, d], Init::Normal(1.0))),
                };
                let source_positions = table("src_positions.weight");
                let positions = table("tgt_positions.weight");
                let encoder = (0..spec.encoder_layers)
                    .map(|l| {
                        Layer::new(&mut layout, &format!("encoder_layers.{l}"), ["ln1", "attn", "", "", "ln2", "ffn"], &spec, false, false)
                    })
                    .collect();
                let encoder_norm = Some(LayerNorm::new(&mut layout, "encoder_norm", d, spec.layer_norm_eps));
                let names = ["ln1", "self_attn", "ln2", "cross_attn", "ln3", "ffn"];
                let decoder = (0..spec.decoder_layers)
                    .map(|l| Layer::new(&mut layout, &format!("decoder_layers.{l}"), names, &spec, true, true))
                    .collect();
                let decoder_norm = LayerNorm::new(&mut layout, "decoder_norm", d, spec.layer_norm_eps);
                let output = Some(Linear::new(&mut layout, "output", d, spec.target_vocab, true));
                Model {
                    spec,
                    layout,
                    source_embedding,
                    target_embedding,
                    source_positions,
                    positions,
                    encoder,
                    encoder_norm,
                    decoder,
                    decoder_norm,
                    output,
                }
            }
            Architecture::DecoderOnly => {
                assert_eq!(spec.positions, PositionKind::Learned, "a decoder-only model (GPT-2's layout) learns its positions");
                let target_embedding = Embedding::new(&mut layout, "wte.weight", spec.target_vocab, d, std);
                let positions = Positions::Learned(layout.add("wpe.weight", &[spec.max_positions, d], Init::Normal(std)));
                let names = ["ln_1", "attn", "", "", "ln_2", "mlp"];
                let decoder =
                    (0..spec.decoder_layers).map(|l| Layer::new(&mut layout, &format!("h.{l}"), names, &spec, true, false)).collect();
                let decoder_norm = LayerNorm::new(&mut layout, "ln_f", d, spec.layer_norm_eps);
                Model {
                    spec,
                    layout,
                    source_embedding: None,
                    target_embedding,
                    source_positions: Positions::Sinusoidal,
                    positions,
                    encoder: Vec::new(),
                    encoder_norm: None,
                    decoder,
                    decoder_norm,
                    output: None,
                }
            }
        }
    }

    /// Embeddings are multiplied by √d in the encoder–decoder (`embedding_scale: sqrt_d_model`).
    pub fn embedding_scale(&self) -> f64 {
        match self.spec.architecture {
            Architecture::EncoderDecoder => (self.spec.d_model as f64).sqrt(),
            Architecture::DecoderOnly => 1.0,
        }
    }

    /// The forward pass over `batch`, keeping what the backward pass needs.
    pub fn forward<T: Real>(&self, values: &[T], batch: &Batch) -> Forward<T> {
        let w = Weights { layout: &self.layout, values };
        let scale = self.embedding_scale();
        let mut encoder = Vec::with_capacity(self.encoder.len());
        let mut encoder_norm = None;
        let memory = self.source_embedding.as_ref().map(|embedding| {
            let mut x = embedding.forward(&w, &batch.source, batch.source_len, scale, &self.source_positions);
            for layer in &self.encoder {
                let (y, cache) = layer.forward(&w, &x, None, batch.size, batch.source_len);
                encoder.push(cache);
                x = y;
            }
            let norm = self.encoder_norm.as_ref().expect("an encoder ends with a norm");
            let (m, cache) = norm.forward(&w, &x);
            encoder_norm = Some(cache);
            m
        });
        let mut y = self.target_embedding.forward(&w, &batch.input, batch.input_len, scale, &self.positions);
        let mut decoder = Vec::with_capacity(self.decoder.len());
        for layer in &self.decoder {
            let (next, cache) = layer.forward(&w, &y, memory.as_ref().map(|m| (m, batch.source_len)), batch.size, batch.input_len);
            decoder.push(cache);
            y = next;
        }
        let (normed, decoder_norm) = self.decoder_norm.forward(&w, &y);
        let logits = match &self.output {
            Some(output) => output.forward(&w, &normed),
            None => matmul_nt(&normed, &self.table(&w)),
        };
        let loss = cross_entropy(&logits, &batch.targets);
        Forward { encoder, encoder_norm, decoder, decoder_norm, normed, logits, loss }
    }

    fn table<T: Real>(&self, w: &Weights<'_, T>) -> Mat<T> {
        let e = &self.target_embedding;
        Mat::from_vec(e.vocab, e.d, w.get(e.table).to_vec())
    }

    /// Adds the gradient of the batch's mean loss to `grads` (as long as `values`).
    pub fn backward<T: Real>(&self, values: &[T], batch: &Batch, forward: &Forward<T>, grads: &mut [T]) {
        let w = Weights { layout: &self.layout, values };
        let mut g = Grads { layout: &self.layout, values: grads };
        let dlogits = &forward.loss.dlogits;
        let dnormed = match &self.output {
            Some(output) => output.backward(&w, &mut g, &forward.normed, dlogits),
            None => {
                let dtable = matmul_tn(dlogits, &forward.normed);
                for (a, &b) in g.get_mut(self.target_embedding.table).iter_mut().zip(&dtable.data) {
                    *a += b;
                }
                matmul(dlogits, &self.table(&w))
            }
        };
        let mut dy = self.decoder_norm.backward(&w, &mut g, &forward.decoder_norm, &dnormed);
        let mut dmemory: Option<Mat<T>> = None;
        for (layer, cache) in self.decoder.iter().zip(&forward.decoder).rev() {
            let (dx, dm) = layer.backward(&w, &mut g, cache, &dy);
            if let Some(dm) = dm {
                match &mut dmemory {
                    Some(total) => total.add_assign(&dm),
                    None => dmemory = Some(dm),
                }
            }
            dy = dx;
        }
        let scale = self.embedding_scale();
        self.target_embedding.backward(&mut g, &batch.input, batch.input_len, scale, &self.positions, &dy);
        if let (Some(embedding), Some(norm), Some(norm_cache), Some(dm)) =
            (&self.source_embedding, &self.encoder_norm, &forward.encoder_norm, dmemory)
        {
            let mut dx = norm.backward(&w, &mut g, norm_cache, &dm);
            for (layer, cache) in self.encoder.iter().zip(&forward.encoder).rev() {
                dx = layer.backward(&w, &mut g, cache, &dx).0;
            }
            embedding.backward(&mut g, &batch.source, batch.source_len, scale, &self.source_positions, &dx);
        }
    }

    /// The batch's loss and accuracy, and (with `grads`) its gradient added to `grads`.
    pub fn step<T: Real>(&self, values: &[T], batch: &Batch, grads: Option<&mut [T]>) -> Stats {
        let forward = self.forward(values, batch);
        if let Some(grads) = grads {
            self.backward(values, batch, &forward, grads);
        }
        stats(batch, &forward.loss)
    }
}

fn stats<T: Real>(batch: &Batch, loss: &CrossEntropy<T>) -> Stats {
    let per_sequence = batch.targets.len() / batch.size.max(1);
    let mut s = Stats { loss: loss.loss.to_f64(), tokens: 0, correct_tokens: 0, sequences: batch.size, exact_sequences: 0 };
    for sequence in loss.correct.chunks(per_sequence.max(1)) {
        let asked: Vec<bool> = sequence.iter().flatten().copied().collect();
        s.tokens += asked.len();
        s.correct_tokens += asked.iter().filter(|&&c| c).count();
        s.exact_sequences += usize::from(asked.iter().all(|&c| c));
    }
    s
}

impl Model {
    /// [`Model::step`] in `f32`, compiled in this crate. Generic functions are compiled by the
    /// crate that uses them, with its optimisation level; training calls this one so that the
    /// hot loops are always optimised (see the workspace's `Cargo.toml`).
    pub fn step_f32(&self, values: &[f32], batch: &Batch, grads: Option<&mut [f32]>) -> Stats {
        self.step(values, batch, grads)
    }
}
