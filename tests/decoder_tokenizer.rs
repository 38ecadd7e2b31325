//! The byte-level BPE tokenizer against Hugging Face `tokenizers` (tests/fixtures/decoder/), and
//! its properties on arbitrary text.

use std::path::PathBuf;

use attention_playground::model::tokenizer::{BpeTokenizer, Tokenizer};
use proptest::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoder").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tokenizer() -> BpeTokenizer {
    BpeTokenizer::from_tokenizer_json(&fixture("tokenizer.json")).unwrap()
}

fn list<T>(v: &Value, f: impl Fn(&Value) -> T) -> Vec<T> {
    v.as_array().unwrap().iter().map(f).collect()
}

#[test]
fn ids_tokens_and_utf16_offsets_equal_the_library_on_the_whole_corpus() {
    let tokenizer = tokenizer();
    let corpus: Value = serde_json::from_str(&fixture("tokenizer_corpus.json")).unwrap();
    let cases = corpus["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 302);
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let encoding = tokenizer.encode(text, usize::MAX);
        assert!(encoding.truncated.is_none());
        let got: Vec<(u32, &str, [usize; 2])> =
            encoding.tokens.iter().map(|t| (t.id.unwrap(), t.text.as_str(), [t.start, t.end])).collect();
        let ids = list(&case["ids"], |v| v.as_u64().unwrap() as u32);
        let tokens = list(&case["tokens"], |v| v.as_str().unwrap().to_owned());
        let offsets = list(&case["offsets"], |v| [v[0].as_u64().unwrap() as usize, v[1].as_u64().unwrap() as usize]);
        let want: Vec<(u32, &str, [usize; 2])> =
            ids.iter().zip(&tokens).zip(&offsets).map(|((&id, token), &span)| (id, token.as_str(), span)).collect();
        if got != want {
            failures.push(format!("{text:?}\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} strings differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn added_tokens_are_matched_verbatim_and_marked() {
    let tokenizer = tokenizer();
    let encoding = tokenizer.encode("a<|endoftext|>b<|user|>", 100);
    let cells: Vec<(&str, usize, usize, bool)> = encoding.tokens.iter().map(|t| (t.text.as_str(), t.start, t.end, t.special)).collect();
    assert_eq!(cells, [("a", 0, 1, false), ("<|endoftext|>", 1, 14, true), ("b", 14, 15, false), ("<|user|>", 15, 23, false)]);
    assert!(tokenizer.is_special(0) && !tokenizer.is_special(1001));
    assert_eq!(tokenizer.id_of("<|pad|>"), Some(1000));
}

#[test]
fn truncation_keeps_the_first_tokens_and_counts_them_all() {
    let text = "the attention ".repeat(30);
    let whole = tokenizer().encode(&text, usize::MAX);
    let encoding = tokenizer().encode(&text, 8);
    assert_eq!(encoding.tokens, whole.tokens[..8]);
    let truncated = encoding.truncated.unwrap();
    assert_eq!((truncated.limit, truncated.total), (8, whole.tokens.len()));
}

#[test]
fn the_one_place_that_chooses_reads_the_model_type() {
    assert!(matches!(Tokenizer::from_files(Some(&fixture("tokenizer.json")), None).unwrap(), Tokenizer::Bpe(_)));
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoder/tiny-gpt2");
    assert!(matches!(Tokenizer::from_dir(&folder).unwrap(), Tokenizer::Bpe(_)));
    let wordpiece = r#"{"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3}},
                        "pre_tokenizer": {"type": "BertPreTokenizer"}}"#;
    assert!(matches!(Tokenizer::from_files(Some(wordpiece), None).unwrap(), Tokenizer::WordPiece(_)));
    let message = BpeTokenizer::from_tokenizer_json(wordpiece).unwrap_err().to_string();
    assert_eq!(message, "tokenizer: tokenizer.json holds a WordPiece model; GPT-2 and Llama decoders need byte-level BPE");
    let unigram = r#"{"model": {"type": "Unigram", "vocab": []}}"#;
    let message = Tokenizer::from_files(Some(unigram), None).unwrap_err().to_string();
    assert!(message.contains("tokenizer.json holds a Unigram model"), "{message}");
    let message = BpeTokenizer::from_files(None, Some("[UNK]\na\n")).unwrap_err().to_string();
    assert!(message.contains("need tokenizer.json"), "{message}");
}

#[test]
fn a_tokenizer_without_merges_is_refused() {
    let mut json: Value = serde_json::from_str(&fixture("tokenizer.json")).unwrap();
    json["model"]["merges"] = Value::Array(Vec::new());
    let message = BpeTokenizer::from_tokenizer_json(&json.to_string()).unwrap_err().to_string();
    assert_eq!(message, "tokenizer: tokenizer.json has a BPE model without merges (model.merges): byte-level BPE needs its merge rules");
    json["model"].as_object_mut().unwrap().remove("merges");
    assert!(BpeTokenizer::from_tokenizer_json(&json.to_string()).unwrap_err().to_string().contains("without merges"));
}

#[test]
fn a_character_level_vocabulary_needs_no_merges() {
    let mut json: Value = serde_json::from_str(&fixture("tokenizer.json")).unwrap();
    let vocab: serde_json::Map<String, Value> =
        ["<|endoftext|>", "a", "b", "c", "="].iter().enumerate().map(|(i, t)| (t.to_string(), Value::from(i))).collect();
    json["model"]["vocab"] = Value::Object(vocab);
    json["model"]["merges"] = Value::Array(Vec::new());
    json["added_tokens"] = serde_json::json!([{"id": 0, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
        "rstrip": false, "normalized": false, "special": true}]);
    let tokenizer = BpeTokenizer::from_tokenizer_json(&json.to_string()).unwrap();
    let ids: Vec<u32> = tokenizer.encode("abc=cba", 100).tokens.iter().map(|t| t.id.unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 3, 2, 1]);
}

#[test]
fn both_forms_of_merges_give_the_same_tokens() {
    let mut json: Value = serde_json::from_str(&fixture("tokenizer.json")).unwrap();
    let pairs = json["model"]["merges"].clone();
    assert!(pairs[0].is_array(), "the fixture writes pairs");
    let strings: Vec<Value> =
        pairs.as_array().unwrap().iter().map(|p| Value::String(format!("{} {}", p[0].as_str().unwrap(), p[1].as_str().unwrap()))).collect();
    json["model"]["merges"] = Value::Array(strings);
    let from_strings = BpeTokenizer::from_tokenizer_json(&json.to_string()).unwrap();
    let text = "The playground shows how attention works, don't you think? 東京 🤖";
    assert_eq!(from_strings.encode(text, 1000), tokenizer().encode(text, 1000));
}

#[test]
fn other_settings_that_would_change_the_tokens_are_refused() {
    let base: Value = serde_json::from_str(&fixture("tokenizer.json")).unwrap();
    let refused = |edit: &dyn Fn(&mut Value)| {
        let mut json = base.clone();
        edit(&mut json);
        BpeTokenizer::from_tokenizer_json(&json.to_string()).unwrap_err().to_string()
    };
    assert!(refused(&|j| j["normalizer"] = serde_json::json!({"type": "NFC"})).contains("NFC normalizer"));
    assert!(refused(&|j| j["pre_tokenizer"] = serde_json::json!({"type": "Whitespace"})).contains("Whitespace pre-tokenizer"));
    assert!(refused(&|j| j["model"]["merges"][3] = serde_json::json!(["Ġ", "not-a-token"])).contains("not in the vocabulary"));
    assert!(refused(&|j| j["model"]["dropout"] = serde_json::json!(0.1)).contains("dropout"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Every byte of any text is in the vocabulary, so decoding the tokens gives the text back,
    /// and every token's span slices out text whose bytes the token covers.
    #[test]
    fn decode_inverts_encode_and_spans_slice_the_text(text in "\\PC{0,40}|[ \\t\\n a-z'0-9é東🤖\u{200d}\u{301}<|>]{0,40}") {
        let tokenizer = tokenizer();
        let encoding = tokenizer.encode(&text, usize::MAX);
        let ids = encoding.ids();
        prop_assert_eq!(tokenizer.decode(&ids), text.clone());
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut covered = 0;
        for token in &encoding.tokens {
            prop_assert!(token.start < token.end && token.end <= units.len());
            prop_assert!(token.start <= covered, "a gap before {:?}", token);
            let slice = String::from_utf16(&units[token.start..token.end]).unwrap();
            // The token's bytes lie inside the characters its span covers.
            let bytes = tokenizer.token_bytes(token.id.unwrap());
            prop_assert!(slice.as_bytes().windows(bytes.len()).any(|w| w == bytes.as_slice()), "{:?} in {:?}", token, slice);
            covered = covered.max(token.end);
        }
        prop_assert_eq!(covered, units.len());
    }
}
