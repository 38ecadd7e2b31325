//! Vision transformers in the Hugging Face layout: ViT (`model_type: vit`) and DeiT (`deit`, with
//! its distillation token). A picture is preprocessed as transformers' PIL image processor does it
//! ([`image`]), cut into square patches, each patch mapped to a vector by the patch embedding (a
//! strided convolution, which is one linear map of the patch's pixels), `[CLS]` (and DeiT's
//! `[DIST]`) put in front, learned positions added; then pre-norm encoder layers whose attention
//! and feed-forward blocks are the text encoder's ([`self_attention`], [`feed_forward`]). The run
//! has one sequence (role `patches`: `[CLS]`, then `r0c0`, `r0c1`, … row by row) and one
//! self-attention block per layer; a classifier's answer is in [`Vision`].

pub mod config;
pub mod image;

use ndarray::{concatenate, s, Array2, Axis};

use self::config::{Preprocessor, VitConfig, VitFamily};
use self::image::{model_picture, pixel_values, Rgb};
use super::bert::{feed_forward, self_attention};
use super::error::{ModelError, ModelResult};
use super::info::ModelInfo;
use super::ops::layer_norm;
use super::packed::{for_encoder, EncoderLinear};
use super::safetensors::SafeTensors;
use super::weights::{fuse, EncoderLayer, LayerNormWeights, Reader, StoredAs};
use crate::error::invalid;
use crate::linear::Linear;
use crate::run::{Block, BlockInputs, BlockKind, Role, Run, Sequence, SourceInfo, SourceKind};
use crate::text::Token;
use crate::toy::{TokenVectors, VectorSource};
use crate::vision::{Patches, Prediction, Vision};

/// How many classes a prediction lists.
pub const TOP_CLASSES: usize = 5;

/// Every parameter of a vision transformer.
#[derive(Debug, Clone)]
pub struct VitWeights {
    /// The patch embedding as a map from a patch's pixels (channel, row, column order) to `d`.
    pub patch: EncoderLinear,
    /// `[CLS]` (and `[DIST]`), one row each.
    pub prefix: Array2<f32>,
    /// `tokens × d`.
    pub position: Array2<f32>,
    pub layers: Vec<EncoderLayer>,
    pub norm: LayerNormWeights,
    /// The classifier heads and the token each reads (`[CLS]`; DeiT's distilled model also
    /// `[DIST]`, the two answers averaged); empty for a model without one.
    pub classifiers: Vec<(usize, Linear)>,
    pub parameters: usize,
    pub stored_as: StoredAs,
}

/// What the encoder makes of a picture.
#[derive(Debug, Clone)]
pub struct EncodedImage {
    /// `tokens × d`: the last layer's output after the final layer norm.
    pub hidden: Array2<f32>,
    /// A self-attention block per layer, over sequence 0.
    pub blocks: Vec<Block>,
    pub patches: Patches,
}

/// A loaded vision transformer.
#[derive(Debug, Clone)]
pub struct Vit {
    name: String,
    config: VitConfig,
    preprocessor: Preprocessor,
    weights: VitWeights,
}

impl Vit {
    /// Loads a model from the contents of `config.json`, `preprocessor_config.json` and
    /// `model.safetensors`.
    pub fn from_files(config_json: &str, preprocessor_json: &str, safetensors: &[u8]) -> ModelResult<Vit> {
        let config = VitConfig::from_json(config_json)?;
        let preprocessor = Preprocessor::from_json(preprocessor_json)?;
        let side = config.image_size;
        if preprocessor.output() != Some((side, side)) {
            let gives = preprocessor.output().map_or("pictures of any size".to_owned(), |(h, w)| format!("{h} × {w} pictures"));
            return Err(ModelError::Preprocessor(format!(
                "it gives {gives}, but the model reads {side} × {side} (config.json's image_size)"
            )));
        }
        let weights = load(&config, &SafeTensors::parse(safetensors)?)?;
        Ok(Vit { name: config.family.name().to_owned(), config, preprocessor, weights })
    }

    /// Loads a model folder: `config.json`, `preprocessor_config.json`, `model.safetensors`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> ModelResult<Vit> {
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| ModelError::File { path: dir.join(name).display().to_string(), problem: e.to_string() })
        };
        let text = |name: &str| read(name).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let model = Vit::from_files(&text("config.json")?, &text("preprocessor_config.json")?, &read("model.safetensors")?)?;
        let folder = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Ok(match folder {
            Some(name) => model.named(name),
            None => model,
        })
    }

    /// The model under another name.
    pub fn named(mut self, name: impl Into<String>) -> Vit {
        self.name = name.into();
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &VitConfig {
        &self.config
    }

    pub fn preprocessor(&self) -> &Preprocessor {
        &self.preprocessor
    }

    /// The model's sizes and how its weights were stored (`vocab_size`: its number of classes,
    /// `max_positions`: its tokens).
    pub fn info(&self) -> ModelInfo {
        let c = &self.config;
        ModelInfo {
            architecture: c.family.name(),
            kind: SourceKind::Vision,
            layers: c.num_layers,
            heads: c.num_heads,
            kv_heads: c.num_heads,
            hidden: c.hidden_size,
            d_k: c.head_dim(),
            vocab_size: self.weights.classifiers.first().map_or(0, |(_, l)| l.d_out()),
            max_positions: c.tokens(),
            dtype: self.weights.stored_as,
            parameters: self.weights.parameters,
        }
    }

    /// The tokens of every picture: the prefix tokens (special), then the patches row by row.
    pub fn tokens(&self) -> Vec<Token> {
        let grid = self.config.grid();
        let prefix = self.config.family.prefix_tokens().iter().map(|name| Token::special(name, 0));
        let patches = (0..grid * grid).map(|i| Token::word(&format!("r{}c{}", i / grid, i % grid), 0, 0));
        prefix.chain(patches).collect()
    }

    /// The picture as the model reads it (resized and cropped), for a figure of its input.
    pub fn picture(&self, width: u32, height: u32, rgba: &[u8]) -> ModelResult<Rgb> {
        model_picture(width, height, rgba, &self.preprocessor)
    }

    /// The encoder on a `width × height` picture given as RGBA bytes (row-major, as a canvas
    /// gives them; transparency is composited onto white): its output after the final layer norm
    /// (one row per token: the prefix tokens, then the patches) and a self-attention block per
    /// layer (sequence 0).
    pub fn encode_image(&self, width: u32, height: u32, rgba: &[u8]) -> ModelResult<EncodedImage> {
        let c = &self.config;
        let pixels = pixel_values(width, height, rgba, &self.preprocessor)?;
        let (grid, p) = (c.grid(), c.patch_size);
        let mut patches = Array2::zeros((grid * grid, 3 * p * p));
        for (i, mut row) in patches.rows_mut().into_iter().enumerate() {
            let (top, left) = (i / grid * p, i % grid * p);
            for (slot, value) in row.iter_mut().zip(pixels.slice(s![.., top..top + p, left..left + p]).iter()) {
                *slot = *value;
            }
        }
        let w = &self.weights;
        let embedded = w.patch.apply(patches.view());
        let mut x = concatenate(Axis(0), &[w.prefix.view(), embedded.view()]).expect("equal widths") + &w.position;
        let scale = 1.0 / (c.head_dim() as f32).sqrt();
        let mut blocks = Vec::with_capacity(c.num_layers);
        for (index, layer) in w.layers.iter().enumerate() {
            let mut h = x.clone();
            layer_norm(&mut h, &layer.attention_norm, c.layer_norm_eps);
            let (attended, heads) = self_attention(layer, h.view(), c.num_heads, scale);
            x += &attended;
            // The projections read the normalised rows (pre-norm), which the player's stages show.
            let inputs = BlockInputs { queries: h, keys: None, bias: c.qkv_bias, rotary: false };
            let mut after = x.clone();
            layer_norm(&mut after, &layer.ffn_norm, c.layer_norm_eps);
            x += &feed_forward(layer, after.view(), c.activation);
            ModelError::check_layer(index, &x, &heads)?;
            blocks.push(Block {
                layer: index,
                kind: BlockKind::SelfAttention,
                queries: 0,
                keys: 0,
                kv_heads: c.num_heads,
                heads,
                output: Some(attended),
                inputs: Some(inputs),
            });
        }
        layer_norm(&mut x, &w.norm, c.layer_norm_eps);
        let patches =
            Patches { rows: grid, columns: grid, patch_size: p, image_size: c.image_size, prefix: c.family.prefix_tokens().len() };
        Ok(EncodedImage { hidden: x, blocks, patches })
    }

    /// Runs the model on a `width × height` picture given as RGBA bytes ([`Vit::encode_image`]):
    /// a self-attention block per layer over `[CLS]` and the patches, and the classifier's answer
    /// when the model has one.
    pub fn forward_image(&self, width: u32, height: u32, rgba: &[u8]) -> ModelResult<Run> {
        let EncodedImage { hidden: x, blocks, patches } = self.encode_image(width, height, rgba)?;
        let (c, w) = (&self.config, &self.weights);
        let prediction = (!w.classifiers.is_empty()).then(|| {
            let mut logits = vec![0.0f32; w.classifiers[0].1.d_out()];
            for (token, head) in &w.classifiers {
                let out = head.apply(x.slice(s![*token..*token + 1, ..]));
                for (l, v) in logits.iter_mut().zip(out.iter()) {
                    *l += v / w.classifiers.len() as f32;
                }
            }
            Prediction::of_logits(&logits, &c.labels, TOP_CLASSES)
        });
        Ok(Run {
            source: SourceInfo { name: self.name.clone(), kind: SourceKind::Vision, trained: true },
            sequences: vec![Sequence { role: Role::Patches, tokens: self.tokens() }],
            blocks,
            d_model: c.hidden_size,
            truncated: None,
            pooled: None,
            generation: None,
            translation: None,
            vision: Some(Vision { patches, prediction }),
        })
    }
}

/// Reads every parameter `config` calls for, with the checkpoint's prefix (`vit.`, `deit.` or
/// none); the classifier, when there is one, sits outside the prefix.
fn load(config: &VitConfig, file: &SafeTensors<'_>) -> ModelResult<VitWeights> {
    let cls = "embeddings.cls_token";
    let candidates = match config.family {
        VitFamily::Vit => ["vit.", ""],
        VitFamily::Deit => ["deit.", ""],
    };
    let prefix = candidates
        .into_iter()
        .find(|p| file.get(&format!("{p}{cls}")).is_some())
        .ok_or(ModelError::MissingTensor { name: format!("{}.{cls}", config.family.name()) })?;
    let r = Reader::new(file, prefix);
    let root = Reader::new(file, "");
    let (d, p, tokens) = (config.hidden_size, config.patch_size, config.tokens());
    let mut prefix_rows = vec![r.tensor(cls, &[1, 1, d])?];
    if config.family == VitFamily::Deit {
        prefix_rows.push(r.tensor("embeddings.distillation_token", &[1, 1, d])?);
    }
    let prefix_tokens = Array2::from_shape_vec((prefix_rows.len(), d), prefix_rows.concat()).expect("one row per token");
    let conv = r.tensor("embeddings.patch_embeddings.projection.weight", &[d, 3, p, p])?;
    let conv = Array2::from_shape_vec((d, 3 * p * p), conv).expect("length checked against the shape");
    let mut patch = Linear::new(conv.t().as_standard_layout().into_owned());
    patch.bias = Some(r.vector("embeddings.patch_embeddings.projection.bias", d)?);
    let position = r.tensor("embeddings.position_embeddings", &[1, tokens, d])?;
    let layers = (0..config.num_layers)
        .map(|i| {
            let at = |part: &str| format!("encoder.layer.{i}.{part}");
            let attention = |part: &str| r.linear_with(&at(&format!("attention.attention.{part}")), d, d, config.qkv_bias);
            Ok(EncoderLayer {
                qkv: for_encoder(fuse([attention("query")?, attention("key")?, attention("value")?])),
                attention_out: for_encoder(r.linear(&at("attention.output.dense"), d, d)?),
                attention_norm: r.layer_norm(&at("layernorm_before"), d)?,
                ffn_in: for_encoder(r.linear(&at("intermediate.dense"), d, config.intermediate_size)?),
                ffn_out: for_encoder(r.linear(&at("output.dense"), config.intermediate_size, d)?),
                ffn_norm: r.layer_norm(&at("layernorm_after"), d)?,
            })
        })
        .collect::<ModelResult<Vec<_>>>()?;
    let norm = r.layer_norm("layernorm", d)?;
    let classes = |name: &str| file.get(&format!("{name}.weight")).map(|t| t.shape.first().copied().unwrap_or(0));
    let heads: &[(&str, usize)] = match (classes("classifier"), classes("cls_classifier")) {
        (Some(_), _) => &[("classifier", 0)],
        (None, Some(_)) if config.family == VitFamily::Deit => &[("cls_classifier", 0), ("distillation_classifier", 1)],
        _ => &[],
    };
    let mut classifiers = Vec::new();
    for &(name, token) in heads {
        let n = classes(name).unwrap_or(0);
        if !config.labels.is_empty() && n != config.labels.len() {
            return Err(ModelError::TensorShape {
                name: format!("{name}.weight"),
                expected: vec![config.labels.len(), d],
                found: vec![n, d],
            });
        }
        classifiers.push((token, root.linear(name, d, n.max(1))?));
    }
    let parameters = r.parameters() + root.parameters();
    let stored_as = if root.parameters() == 0 || r.stored_as() == root.stored_as() { r.stored_as() } else { StoredAs::Mixed };
    Ok(VitWeights {
        patch: for_encoder(patch),
        prefix: prefix_tokens,
        position: Array2::from_shape_vec((tokens, d), position).expect("length checked against the shape"),
        layers,
        norm,
        classifiers,
        parameters,
        stored_as,
    })
}

/// A vision model has no word embeddings for the toy.
impl VectorSource for Vit {
    fn token_vectors(&self, _text: &str, _limit: usize) -> crate::error::Result<(TokenVectors, usize)> {
        Err(invalid!(Field::Model, "{} is a vision model: it reads pictures and has no word embeddings for the toy", self.name))
    }

    fn width(&self) -> Option<usize> {
        None
    }

    fn describe(&self) -> String {
        format!("{} (a vision model)", self.name)
    }

    fn source_name(&self) -> String {
        self.describe()
    }
}
