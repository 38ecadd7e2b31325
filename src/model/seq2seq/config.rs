//! `config.json` of an encoder–decoder (`"model_type": "seq2seq"`, docs/trained-models.md): the
//! architecture, the tokenizers, the special ids, the length limits and the sizes. Every size is
//! checked as a 64-bit number against its limit before it becomes a `usize`, and the products the
//! weights will occupy are checked for overflow (early on 32-bit WebAssembly).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::generation::MAX_STEPS;
use crate::model::config::{activation_or, epsilon_or, size_at_most, Activation};
use crate::model::error::{ModelError, ModelResult};
use crate::model::kind::{parse_object, ModelKind};

/// The encoder–decoder architectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Seq2SeqArchitecture {
    /// A bidirectional GRU encoder and a GRU decoder with additive (Bahdanau) attention.
    GruAdditive,
    /// The same without attention: the decoder sees one fixed-length vector.
    Gru,
    /// A pre-norm Transformer encoder–decoder.
    Transformer,
}

impl Seq2SeqArchitecture {
    /// The `architecture` of `config.json`.
    pub fn name(self) -> &'static str {
        match self {
            Seq2SeqArchitecture::GruAdditive => "gru-additive",
            Seq2SeqArchitecture::Gru => "gru",
            Seq2SeqArchitecture::Transformer => "transformer",
        }
    }
}

/// How text is cut into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// One token per character (`"chars"`).
    Chars,
    /// One token per word, punctuation removed (`"words"`).
    Words,
}

/// The sizes of a GRU encoder–decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GruSizes {
    /// E: both embeddings' width.
    pub embedding: usize,
    /// Hₑ: each encoder direction's state.
    pub encoder_hidden: usize,
    /// H: the decoder's state.
    pub decoder_hidden: usize,
    /// A: the additive attention's hidden width (`None` without attention).
    pub attention: Option<usize>,
}

impl GruSizes {
    /// 2Hₑ: an encoder state, both directions side by side.
    pub fn annotation(&self) -> usize {
        2 * self.encoder_hidden
    }
}

/// The sizes and settings of a Transformer encoder–decoder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransformerSizes {
    /// d.
    pub d_model: usize,
    /// h: heads of every attention block.
    pub heads: usize,
    pub encoder_layers: usize,
    pub decoder_layers: usize,
    /// F: the feed-forward block's inner width.
    pub ffn: usize,
    pub activation: Activation,
    pub layer_norm_eps: f32,
    /// Embeddings are multiplied by √d before the positions are added.
    pub scale_embeddings: bool,
    pub positions: Seq2SeqPositions,
}

/// How a Transformer encoder–decoder knows where a token is (`positions` of `config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seq2SeqPositions {
    /// Fixed sinusoids added to the embeddings (`"sinusoidal"`, the default).
    Sinusoidal,
    /// Learned tables added to the embeddings (`"learned"`): `src_positions.weight`
    /// (`max_source_length × d`) and `tgt_positions.weight` (`max_output_length × d`).
    Learned,
    /// Rotary positions (`"rotary"`, Llama's rotate-half, base 10000) on the queries and keys of
    /// the encoder's and the decoder's self-attention; cross-attention is left unturned.
    Rotary,
}

impl TransformerSizes {
    /// Width of one head.
    pub fn head_dim(&self) -> usize {
        self.d_model / self.heads
    }
}

/// The architecture's sizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sizes {
    Gru(GruSizes),
    Transformer(TransformerSizes),
}

/// Everything inference reads from `config.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Seq2SeqConfig {
    pub architecture: Seq2SeqArchitecture,
    /// One line for the page (`description`), when the file has one.
    pub description: Option<String>,
    pub source_unit: Unit,
    pub target_unit: Unit,
    /// The source text is lower-cased before anything else.
    pub lowercase: bool,
    pub pad_id: u32,
    pub bos_id: u32,
    pub eos_id: u32,
    pub unk_id: u32,
    pub source_vocab_size: usize,
    pub target_vocab_size: usize,
    /// Most source tokens fed to the encoder, `<eos>` included.
    pub max_source_length: usize,
    /// Most decoding steps, the final `<eos>` included.
    pub max_output_length: usize,
    pub sizes: Sizes,
}

/// Limits on single sizes, refused before anything is reserved for them.
const MAX_WIDTH: u32 = 1 << 16;
const MAX_COUNT: u32 = 1 << 12;
pub(crate) const MAX_VOCABULARY: u32 = 1 << 20;
const MAX_INNER: u32 = 1 << 18;
/// The longest source, `<eos>` included.
pub const MAX_SOURCE_LENGTH: u32 = 1 << 12;

impl Seq2SeqConfig {
    /// Parses `config.json`; refuses anything that is not an encoder–decoder this core runs.
    pub fn from_json(text: &str) -> ModelResult<Self> {
        let map = parse_object(text)?;
        let kind = ModelKind::of_config(&map)?;
        if kind != ModelKind::Seq2Seq {
            return Err(ModelError::Config(format!("model_type '{}' is not an encoder–decoder (seq2seq)", kind.name())));
        }
        let architecture = match string(&map, "architecture")? {
            "gru-additive" => Seq2SeqArchitecture::GruAdditive,
            "gru" => Seq2SeqArchitecture::Gru,
            "transformer" => Seq2SeqArchitecture::Transformer,
            other => {
                return Err(ModelError::Config(format!(
                    "architecture '{other}' is not supported: an encoder–decoder is gru-additive, gru or transformer"
                )))
            }
        };
        let source_vocab_size = size_at_most(&map, "source_vocab_size", MAX_VOCABULARY)?;
        let target_vocab_size = size_at_most(&map, "target_vocab_size", MAX_VOCABULARY)?;
        let smaller = source_vocab_size.min(target_vocab_size);
        let max_source_length = size_at_most(&map, "max_source_length", MAX_SOURCE_LENGTH)?;
        if max_source_length < 2 {
            return Err(ModelError::Config("max_source_length must be at least 2: one token and <eos>".into()));
        }
        let config = Seq2SeqConfig {
            architecture,
            description: map.get("description").and_then(Value::as_str).map(str::to_owned),
            source_unit: unit(&map, "source_tokenizer")?,
            target_unit: unit(&map, "target_tokenizer")?,
            lowercase: flag(&map, "lowercase", true)?,
            pad_id: special(&map, "pad_id", smaller)?,
            bos_id: special(&map, "bos_id", smaller)?,
            eos_id: special(&map, "eos_id", smaller)?,
            unk_id: special(&map, "unk_id", smaller)?,
            source_vocab_size,
            target_vocab_size,
            max_source_length,
            max_output_length: size_at_most(&map, "max_output_length", MAX_STEPS as u32)?,
            sizes: match architecture {
                Seq2SeqArchitecture::Transformer => Sizes::Transformer(transformer_sizes(&map, true)?),
                gru => Sizes::Gru(gru_sizes(&map, gru)?),
            },
        };
        let ids = [config.pad_id, config.bos_id, config.eos_id, config.unk_id];
        if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
            return Err(ModelError::Config(format!("pad_id, bos_id, eos_id and unk_id must differ, found {ids:?}")));
        }
        config.check_products()?;
        Ok(config)
    }

    /// The GRU sizes, for a GRU architecture.
    pub fn gru(&self) -> Option<&GruSizes> {
        match &self.sizes {
            Sizes::Gru(sizes) => Some(sizes),
            Sizes::Transformer(_) => None,
        }
    }

    /// The Transformer sizes, for a Transformer.
    pub fn transformer(&self) -> Option<&TransformerSizes> {
        match &self.sizes {
            Sizes::Transformer(sizes) => Some(sizes),
            Sizes::Gru(_) => None,
        }
    }

    /// Refuses sizes whose products (the weights' element counts, 4 bytes each) do not fit a
    /// `usize`.
    fn check_products(&self) -> ModelResult<()> {
        let vocabulary = self.source_vocab_size.max(self.target_vocab_size);
        let products = match &self.sizes {
            Sizes::Gru(g) => vec![
                ("vocabulary × embedding_size", vocabulary, g.embedding),
                ("3 encoder_hidden_size × embedding_size", 3 * g.encoder_hidden, g.embedding),
                ("3 encoder_hidden_size × encoder_hidden_size", 3 * g.encoder_hidden, g.encoder_hidden),
                ("3 decoder_hidden_size × (embedding_size + 2 encoder_hidden_size)", 3 * g.decoder_hidden, g.embedding + g.annotation()),
                ("3 decoder_hidden_size × decoder_hidden_size", 3 * g.decoder_hidden, g.decoder_hidden),
                (
                    "target_vocab_size × (decoder_hidden_size + 2 encoder_hidden_size)",
                    self.target_vocab_size,
                    g.decoder_hidden + g.annotation(),
                ),
                ("attention_size × 2 encoder_hidden_size", g.attention.unwrap_or(1), g.annotation().max(g.decoder_hidden)),
                ("max_source_length × attention_size", self.max_source_length, g.attention.unwrap_or(1)),
            ],
            Sizes::Transformer(t) => vec![
                ("vocabulary × d_model", vocabulary, t.d_model),
                ("d_model × d_model", t.d_model, t.d_model),
                ("ffn_size × d_model", t.ffn, t.d_model),
                ("max_source_length × d_model", self.max_source_length, 3 * t.d_model),
                ("max_source_length × max_source_length × num_heads", self.max_source_length * self.max_source_length, t.heads),
            ],
        };
        for (what, a, b) in products {
            if a.checked_mul(b).and_then(|n| n.checked_mul(4)).is_none() {
                return Err(ModelError::Config(format!("{what} ({a} × {b}) is too large for this build's memory")));
            }
        }
        Ok(())
    }
}

fn gru_sizes(map: &Map<String, Value>, architecture: Seq2SeqArchitecture) -> ModelResult<GruSizes> {
    if !flag(map, "encoder_bidirectional", true)? {
        return Err(ModelError::Config("encoder_bidirectional must be true: the GRU encoder reads the source both ways".into()));
    }
    if let Some(order) = map.get("gate_order").filter(|v| !v.is_null()) {
        if order.as_str() != Some("r,z,n") {
            return Err(ModelError::Config(format!("gate_order must be \"r,z,n\" (PyTorch's order of the GRU gates), found {order}")));
        }
    }
    let attention = string(map, "attention")?;
    let expected = if architecture == Seq2SeqArchitecture::GruAdditive { "additive" } else { "none" };
    if attention != expected {
        return Err(ModelError::Config(format!(
            "attention '{attention}' contradicts architecture '{}' (which has attention '{expected}')",
            architecture.name()
        )));
    }
    Ok(GruSizes {
        embedding: size_at_most(map, "embedding_size", MAX_WIDTH)?,
        encoder_hidden: size_at_most(map, "encoder_hidden_size", MAX_WIDTH)?,
        decoder_hidden: size_at_most(map, "decoder_hidden_size", MAX_WIDTH)?,
        attention: match architecture {
            Seq2SeqArchitecture::GruAdditive => Some(size_at_most(map, "attention_size", MAX_WIDTH)?),
            _ => None,
        },
    })
}

/// The Transformer's sizes and settings; `with_encoder`: the file describes an encoder stack too
/// (`encoder_layers`), otherwise the decoder reads another model's output and has none.
pub(crate) fn transformer_sizes(map: &Map<String, Value>, with_encoder: bool) -> ModelResult<TransformerSizes> {
    let d_model = size_at_most(map, "d_model", MAX_WIDTH)?;
    let heads = size_at_most(map, "num_heads", MAX_COUNT)?;
    if d_model % heads != 0 {
        return Err(ModelError::Config(format!("d_model {d_model} is not a multiple of num_heads {heads}")));
    }
    if d_model % 2 != 0 {
        return Err(ModelError::Config(format!("d_model {d_model} is odd: sinusoidal positions fill pairs of dimensions")));
    }
    let expect = |key: &str, wanted: &str, what: &str| -> ModelResult<()> {
        match map.get(key).filter(|v| !v.is_null()) {
            None => Ok(()),
            Some(value) if value.as_str() == Some(wanted) => Ok(()),
            Some(value) => Err(ModelError::Config(format!("{key} {value} is not supported: {what}"))),
        }
    };
    expect("norm_placement", "pre", "only pre-norm layers (\"pre\") are")?;
    let positions = match map.get("positions").filter(|v| !v.is_null()).map(|v| (v, v.as_str())) {
        None | Some((_, Some("sinusoidal"))) => Seq2SeqPositions::Sinusoidal,
        Some((_, Some("learned"))) => Seq2SeqPositions::Learned,
        Some((_, Some("rotary"))) => Seq2SeqPositions::Rotary,
        Some((value, _)) => {
            return Err(ModelError::Config(format!("positions {value} is not supported: \"sinusoidal\", \"learned\" or \"rotary\"")));
        }
    };
    if positions == Seq2SeqPositions::Rotary && (d_model / heads) % 2 != 0 {
        return Err(ModelError::Config(format!("rotary positions turn pairs of dimensions: the head width {} is odd", d_model / heads)));
    }
    if flag(map, "tied_embeddings", false)? {
        return Err(ModelError::Config("tied_embeddings must be false: the output map is stored as output.weight".into()));
    }
    if !flag(map, "final_layer_norm", true)? {
        return Err(ModelError::Config("final_layer_norm must be true: the encoder and decoder end with a layer norm".into()));
    }
    let scale_embeddings = match map.get("embedding_scale").filter(|v| !v.is_null()).map(|v| (v, v.as_str())) {
        None | Some((_, Some("sqrt_d_model"))) => true,
        Some((_, Some("none"))) => false,
        Some((value, _)) => {
            return Err(ModelError::Config(format!("embedding_scale {value} is not supported: \"sqrt_d_model\" or \"none\"")));
        }
    };
    Ok(TransformerSizes {
        d_model,
        heads,
        encoder_layers: if with_encoder { size_at_most(map, "encoder_layers", MAX_COUNT)? } else { 0 },
        decoder_layers: size_at_most(map, "decoder_layers", MAX_COUNT)?,
        ffn: size_at_most(map, "ffn_size", MAX_INNER)?,
        activation: activation_or(map, "ffn_activation", Activation::Relu)?,
        layer_norm_eps: epsilon_or(map, "layer_norm_eps", 1e-5)?,
        scale_embeddings,
        positions,
    })
}

/// The string `key`, required.
fn string<'m>(map: &'m Map<String, Value>, key: &str) -> ModelResult<&'m str> {
    match map.get(key) {
        None | Some(Value::Null) => Err(ModelError::Config(format!("missing {key}"))),
        Some(value) => value.as_str().ok_or_else(|| ModelError::Config(format!("{key} must be a string, found {value}"))),
    }
}

fn unit(map: &Map<String, Value>, key: &str) -> ModelResult<Unit> {
    match string(map, key)? {
        "chars" => Ok(Unit::Chars),
        "words" => Ok(Unit::Words),
        other => Err(ModelError::Config(format!("{key} '{other}' is not supported: \"chars\" or \"words\""))),
    }
}

fn flag(map: &Map<String, Value>, key: &str, default: bool) -> ModelResult<bool> {
    match map.get(key).filter(|v| !v.is_null()) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(ModelError::Config(format!("{key} must be true or false, found {other}"))),
    }
}

/// A special token id: a whole number below both vocabularies' sizes.
pub(crate) fn special(map: &Map<String, Value>, key: &str, vocabulary: usize) -> ModelResult<u32> {
    let value = map.get(key).filter(|v| !v.is_null()).ok_or_else(|| ModelError::Config(format!("missing {key}")))?;
    match value.as_u64() {
        Some(id) if id < vocabulary as u64 => Ok(u32::try_from(id).expect("below a vocabulary size of at most 2^20")),
        _ => Err(ModelError::Config(format!("{key} must be a token id from 0 to {}, found {value}", vocabulary - 1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const GRU: &str = r#"{"model_type": "seq2seq", "architecture": "gru-additive", "source_tokenizer": "chars",
        "target_tokenizer": "chars", "lowercase": true, "pad_id": 0, "bos_id": 1, "eos_id": 2, "unk_id": 3,
        "source_vocab_size": 8, "target_vocab_size": 6, "max_source_length": 10, "max_output_length": 5,
        "embedding_size": 4, "encoder_hidden_size": 3, "decoder_hidden_size": 5, "attention_size": 2,
        "encoder_bidirectional": true, "attention": "additive", "gate_order": "r,z,n"}"#;
    const TRANSFORMER: &str = r#"{"model_type": "seq2seq", "architecture": "transformer", "source_tokenizer": "words",
        "target_tokenizer": "words", "lowercase": true, "pad_id": 0, "bos_id": 1, "eos_id": 2, "unk_id": 3,
        "source_vocab_size": 8, "target_vocab_size": 6, "max_source_length": 10, "max_output_length": 5,
        "d_model": 8, "num_heads": 2, "encoder_layers": 1, "decoder_layers": 2, "ffn_size": 16, "ffn_activation": "relu",
        "norm_placement": "pre", "final_layer_norm": true, "layer_norm_eps": 1e-05, "positions": "sinusoidal",
        "embedding_scale": "sqrt_d_model", "tied_embeddings": false}"#;

    fn error(json: &str) -> String {
        Seq2SeqConfig::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn reads_both_architectures() {
        let gru = Seq2SeqConfig::from_json(GRU).unwrap();
        assert_eq!(gru.architecture, Seq2SeqArchitecture::GruAdditive);
        assert_eq!(gru.gru(), Some(&GruSizes { embedding: 4, encoder_hidden: 3, decoder_hidden: 5, attention: Some(2) }));
        let none = GRU.replace("\"gru-additive\"", "\"gru\"").replace("\"additive\"", "\"none\"");
        assert_eq!(Seq2SeqConfig::from_json(&none).unwrap().gru().unwrap().attention, None);
        let t = Seq2SeqConfig::from_json(TRANSFORMER).unwrap();
        let sizes = t.transformer().unwrap();
        assert_eq!((sizes.head_dim(), sizes.decoder_layers, sizes.scale_embeddings, t.source_unit), (4, 2, true, Unit::Words));
    }

    #[test]
    fn refuses_what_it_cannot_run() {
        assert_eq!(
            error(&GRU.replace("\"gru-additive\"", "\"lstm\"")),
            "config.json: architecture 'lstm' is not supported: an encoder–decoder is gru-additive, gru or transformer"
        );
        assert!(error(&GRU.replace("\"additive\"", "\"dot\"")).contains("contradicts architecture 'gru-additive'"));
        assert!(error(&GRU.replace("\"r,z,n\"", "\"z,r,n\"")).starts_with("config.json: gate_order must be"));
        assert!(error(&GRU.replace("\"encoder_bidirectional\": true", "\"encoder_bidirectional\": false")).contains("bidirectional"));
        assert!(error(&GRU.replace("\"source_tokenizer\": \"chars\"", "\"source_tokenizer\": \"bpe\"")).contains("source_tokenizer 'bpe'"));
        assert!(error(&GRU.replace("\"unk_id\": 3", "\"unk_id\": 2")).contains("must differ"));
        assert_eq!(error(&GRU.replace("\"unk_id\": 3", "\"unk_id\": 6")), "config.json: unk_id must be a token id from 0 to 5, found 6");
        assert!(error(&GRU.replace("\"max_source_length\": 10", "\"max_source_length\": 1")).contains("at least 2"));
        assert!(error(&TRANSFORMER.replace("\"num_heads\": 2", "\"num_heads\": 3")).contains("not a multiple of num_heads 3"));
        assert!(error(&TRANSFORMER.replace("\"pre\"", "\"post\"")).contains("pre-norm"));
        assert!(error(&TRANSFORMER.replace("\"sinusoidal\"", "\"alibi\"")).contains("\"sinusoidal\", \"learned\" or \"rotary\""));
        assert!(error(&GRU.replace("\"seq2seq\"", "\"bert\"")).contains("not an encoder–decoder"));
        assert!(error(&GRU.replace("\"architecture\": \"gru-additive\", ", "")).contains("missing architecture"));
    }

    #[test]
    fn sizes_of_2_to_the_32_and_more_are_refused_not_wrapped() {
        for (key, value) in [
            ("embedding_size", "4294967300"),
            ("source_vocab_size", "18446744073709551615"),
            ("max_source_length", "4294967306"),
            ("max_output_length", "4294967301"),
        ] {
            let json = GRU.replacen(&format!("\"{key}\": "), &format!("\"{key}\": {value}, \"_was\": "), 1);
            let message = error(&json);
            assert!(message.starts_with(&format!("config.json: {key} must be a whole number from 1 to ")), "{message}");
        }
        let json = TRANSFORMER.replacen("\"d_model\": 8", "\"d_model\": 4294967304", 1);
        assert!(error(&json).starts_with("config.json: d_model must be a whole number from 1 to "));
        assert!(error(&GRU.replace("\"pad_id\": 0", "\"pad_id\": 4294967296")).contains("pad_id must be a token id"));
        assert!(error(&GRU.replace("\"embedding_size\": 4", "\"embedding_size\": -4")).contains("embedding_size must be a whole number"));
    }
}
