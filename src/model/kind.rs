//! Which kind of model a `config.json` describes: the one place that reads `model_type` (and,
//! without it, the first name of `architectures`), so the encoder, the decoder, the
//! encoder–decoder and the loader that takes any of them agree on every file.

use serde_json::{Map, Value};

use super::error::{ModelError, ModelResult};

/// A model family the playground runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// BERT and MiniLM (`bert`): an encoder.
    Bert,
    /// DistilBERT (`distilbert`): an encoder.
    DistilBert,
    /// GPT-2 (`gpt2`): a decoder.
    Gpt2,
    /// Llama (`llama`): a decoder.
    Llama,
    /// The project's encoder–decoder translation models (`seq2seq`: GRU with or without additive
    /// attention, Transformer).
    Seq2Seq,
    /// ViT (`vit`): an image encoder.
    Vit,
    /// DeiT (`deit`): an image encoder with a distillation token.
    Deit,
    /// The project's captioner (`vision-encoder-decoder`): a ViT encoder and a Transformer
    /// decoder that writes what the picture shows.
    VisionEncoderDecoder,
}

/// What the playground runs, for messages.
const SUPPORTED: &str = "this playground runs BERT-family encoders (bert, distilbert), GPT-2 and Llama decoders (gpt2, llama), \
                         its own encoder–decoders (seq2seq), vision transformers (vit, deit) and its captioner \
                         (vision-encoder-decoder)";

impl ModelKind {
    /// The `model_type` of `config.json`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Bert => "bert",
            ModelKind::DistilBert => "distilbert",
            ModelKind::Gpt2 => "gpt2",
            ModelKind::Llama => "llama",
            ModelKind::Seq2Seq => "seq2seq",
            ModelKind::Vit => "vit",
            ModelKind::Deit => "deit",
            ModelKind::VisionEncoderDecoder => "vision-encoder-decoder",
        }
    }

    /// A decoder (it generates), not an encoder.
    pub fn is_decoder(self) -> bool {
        matches!(self, ModelKind::Gpt2 | ModelKind::Llama)
    }

    /// A vision transformer (it reads pictures).
    pub fn is_vision(self) -> bool {
        matches!(self, ModelKind::Vit | ModelKind::Deit)
    }

    /// An encoder–decoder (it translates).
    pub fn is_encoder_decoder(self) -> bool {
        self == ModelKind::Seq2Seq
    }

    /// The kind of the model a parsed `config.json` describes. `model_type` and the first entry of
    /// `architectures` must agree when both are there; an unknown one is refused, named.
    pub fn of_config(map: &Map<String, Value>) -> ModelResult<Self> {
        let from_type = map.get("model_type").and_then(Value::as_str);
        let named = map.get("architectures").and_then(Value::as_array).and_then(|list| list.first()).and_then(Value::as_str);
        let by_type = from_type.map(|kind| match kind {
            "bert" => Ok(ModelKind::Bert),
            "distilbert" => Ok(ModelKind::DistilBert),
            "gpt2" => Ok(ModelKind::Gpt2),
            "llama" => Ok(ModelKind::Llama),
            "seq2seq" => Ok(ModelKind::Seq2Seq),
            "vit" => Ok(ModelKind::Vit),
            "deit" => Ok(ModelKind::Deit),
            "vision-encoder-decoder" => Ok(ModelKind::VisionEncoderDecoder),
            other => Err(ModelError::Config(format!("model_type '{other}' is not supported: {SUPPORTED}"))),
        });
        let by_name = named.map(|name| {
            // DistilBert first: "Bert" is not its prefix, but keep the longer names ahead anyway.
            [
                ("DistilBert", ModelKind::DistilBert),
                ("Bert", ModelKind::Bert),
                ("GPT2", ModelKind::Gpt2),
                ("Llama", ModelKind::Llama),
                ("ViT", ModelKind::Vit),
                ("DeiT", ModelKind::Deit),
            ]
            .into_iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|(_, kind)| kind)
            .ok_or_else(|| ModelError::UnsupportedArchitecture { name: name.to_string() })
        });
        match (by_type, by_name) {
            (Some(a), Some(b)) => {
                let (a, b) = (a?, b?);
                if a != b {
                    return Err(ModelError::Config(format!(
                        "model_type {:?} contradicts architectures [{:?}]",
                        from_type.unwrap_or_default(),
                        named.unwrap_or_default()
                    )));
                }
                Ok(a)
            }
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => Err(ModelError::Config("neither model_type nor architectures says which architecture this is".into())),
        }
    }

    /// The kind of the model in the text of `config.json`.
    pub fn of_config_json(text: &str) -> ModelResult<Self> {
        Self::of_config(&parse_object(text)?)
    }
}

/// `config.json` as a JSON object.
pub(crate) fn parse_object(text: &str) -> ModelResult<Map<String, Value>> {
    let value: Value = serde_json::from_str(text).map_err(|e| ModelError::Config(format!("not valid JSON ({e})")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ModelError::Config("expected a JSON object".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(json: &str) -> ModelResult<ModelKind> {
        ModelKind::of_config_json(json)
    }

    #[test]
    fn type_or_name_decides() {
        assert_eq!(kind(r#"{"model_type": "gpt2"}"#), Ok(ModelKind::Gpt2));
        assert_eq!(kind(r#"{"architectures": ["LlamaForCausalLM"]}"#), Ok(ModelKind::Llama));
        assert_eq!(kind(r#"{"architectures": ["DistilBertModel"], "model_type": "distilbert"}"#), Ok(ModelKind::DistilBert));
        assert!(ModelKind::Llama.is_decoder() && !ModelKind::Bert.is_decoder());
        assert_eq!(kind(r#"{"model_type": "seq2seq", "architecture": "gru"}"#), Ok(ModelKind::Seq2Seq));
        assert!(ModelKind::Seq2Seq.is_encoder_decoder() && !ModelKind::Seq2Seq.is_decoder());
        assert_eq!(kind(r#"{"architectures": ["DeiTForImageClassificationWithTeacher"]}"#), Ok(ModelKind::Deit));
        assert!(kind(r#"{"model_type": "vit"}"#).unwrap().is_vision());
        let captioner = kind(r#"{"model_type": "vision-encoder-decoder"}"#).unwrap();
        assert!(!captioner.is_vision() && !captioner.is_encoder_decoder() && !captioner.is_decoder());
    }

    #[test]
    fn unknown_and_contradictory_kinds_are_named() {
        let err = kind(r#"{"model_type": "mistral"}"#).unwrap_err().to_string();
        assert_eq!(err, format!("config.json: model_type 'mistral' is not supported: {SUPPORTED}"));
        let err = kind(r#"{"model_type": "gpt2", "architectures": ["LlamaForCausalLM"]}"#).unwrap_err().to_string();
        assert!(err.contains("contradicts"), "{err}");
        assert!(kind(r#"{"architectures": ["T5Model"]}"#).unwrap_err().to_string().contains("T5Model"));
        assert!(kind("[1]").unwrap_err().to_string().contains("JSON object"));
    }
}
