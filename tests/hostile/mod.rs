//! Hostile model folders, made in memory from the tiny fixtures: every way a reader's files can
//! lie (sizes of 2³² and more, truncations, dtype, shape and offset lies, NaN, infinities and
//! overflowing weights, hostile names and contents) for an encoder, a decoder and an
//! encoder–decoder. Each variant says what its message must name. Shared by the native test
//! (`tests/hostile_models.rs`) and the wasm API test (`tests/wasm_api/hostile.rs`).

use serde_json::{json, Map, Value};

/// A model's files as the loader takes them.
#[derive(Clone)]
pub struct Files {
    pub config: String,
    pub tokenizer: Option<String>,
    pub vocab: Option<String>,
    pub weights: Vec<u8>,
}

/// What loading and running a variant must end in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expect {
    /// Refused with a message containing this text (a file, a field or a tensor's name).
    Refused(&'static str),
    /// Loaded, and a run either shows finite weights or is refused with a message containing this
    /// text (weights too large or not numbers).
    FiniteOr(&'static str),
    /// Loaded and run, every weight finite: hostile text is data, not markup.
    Runs,
}

pub struct Variant {
    pub name: String,
    pub files: Files,
    pub expect: Expect,
}

/// One of the three layouts, with the names its files and fields use.
pub struct Base {
    pub layout: &'static str,
    pub files: Files,
    /// The config.json fields of the head count, layer count, width and vocabulary size.
    pub heads: &'static str,
    pub layers: &'static str,
    pub width: &'static str,
    pub vocab_size: &'static str,
    /// The file the vocabulary lives in, as messages name it.
    pub vocab_file: &'static str,
    /// A tensor every run reads (an embedding table).
    pub embedding: &'static str,
}

/// The three bases: the tiny BERT, the tiny GPT-2 and the trained dates model with attention.
pub fn bases() -> Vec<Base> {
    let text = |s: &str| Some(s.to_owned());
    vec![
        Base {
            layout: "encoder",
            files: Files {
                config: include_str!("../fixtures/model/tiny-bert/config.json").into(),
                tokenizer: None,
                vocab: text(include_str!("../fixtures/model/tiny-bert/vocab.txt")),
                weights: include_bytes!("../fixtures/model/tiny-bert/model.safetensors").to_vec(),
            },
            heads: "num_attention_heads",
            layers: "num_hidden_layers",
            width: "hidden_size",
            vocab_size: "vocab_size",
            vocab_file: "tokenizer",
            embedding: "embeddings.word_embeddings.weight",
        },
        Base {
            layout: "decoder",
            files: Files {
                config: include_str!("../fixtures/decoder/tiny-gpt2/config.json").into(),
                tokenizer: text(include_str!("../fixtures/decoder/tokenizer.json")),
                vocab: None,
                weights: include_bytes!("../fixtures/decoder/tiny-gpt2/model.safetensors").to_vec(),
            },
            heads: "n_head",
            layers: "n_layer",
            width: "n_embd",
            vocab_size: "vocab_size",
            vocab_file: "tokenizer.json",
            embedding: "transformer.wte.weight",
        },
        Base {
            layout: "encoder–decoder",
            files: Files {
                config: include_str!("../../trained/dates-gru-additive/config.json").into(),
                tokenizer: None,
                vocab: text(include_str!("../../trained/dates-gru-additive/vocab.json")),
                weights: include_bytes!("../../trained/dates-gru-additive/model.safetensors").to_vec(),
            },
            heads: "attention_size",
            layers: "encoder_hidden_size",
            width: "embedding_size",
            vocab_size: "source_vocab_size",
            vocab_file: "vocab.json",
            embedding: "src_embedding.weight",
        },
    ]
}

/// The text every loaded variant runs on.
pub const TEXT: &str = "March 3, 2021: <b>the</b> cat";

/// Runs every variant of every base through `outcome` (the message of a refusal, or whether every
/// weight of the run was finite) and says which ended otherwise than expected; at least 60 run.
pub fn check(outcome: impl Fn(&Files) -> Result<bool, String>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for base in bases() {
        for v in variants(&base) {
            count += 1;
            let result = outcome(&v.files);
            let ok = match (v.expect, &result) {
                (Expect::Refused(name), Err(message)) => message.contains(name),
                (Expect::FiniteOr(name), Err(message)) => message.contains(name) && message.contains("non-finite"),
                (Expect::FiniteOr(_) | Expect::Runs, Ok(finite)) => *finite,
                _ => false,
            };
            if !ok {
                failures.push(format!("{}: expected {:?}, got {result:?}", v.name, v.expect));
            }
        }
    }
    assert!(count >= 60, "only {count} variants");
    assert!(failures.is_empty(), "{} of {count} variants:\n{}", failures.len(), failures.join("\n"));
}

/// A safetensors file split into its header and its data.
fn split(weights: &[u8]) -> (Map<String, Value>, Vec<u8>) {
    let n = u64::from_le_bytes(weights[..8].try_into().unwrap()) as usize;
    let header: Value = serde_json::from_slice(&weights[8..8 + n]).unwrap();
    (header.as_object().unwrap().clone(), weights[8 + n..].to_vec())
}

fn join(header: &Map<String, Value>, data: &[u8]) -> Vec<u8> {
    let text = serde_json::to_vec(header).unwrap();
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend(text);
    out.extend(data);
    out
}

/// The weights with `edit` applied to the header of `tensor` (or the whole header when `None`).
fn with_header(weights: &[u8], edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<u8> {
    let (mut header, data) = split(weights);
    edit(&mut header);
    join(&header, &data)
}

/// The weights with every f32 of `tensor` replaced by `value`.
fn filled(weights: &[u8], tensor: &str, value: f32) -> Vec<u8> {
    let (header, mut data) = split(weights);
    let offsets = &header[tensor]["data_offsets"];
    let (start, end) = (offsets[0].as_u64().unwrap() as usize, offsets[1].as_u64().unwrap() as usize);
    assert_eq!(header[tensor]["dtype"], "F32", "{tensor} is not F32");
    for chunk in data[start..end].chunks_exact_mut(4) {
        chunk.copy_from_slice(&value.to_le_bytes());
    }
    join(&header, &data)
}

fn config_with(config: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut value: Value = serde_json::from_str(config).unwrap();
    edit(value.as_object_mut().unwrap());
    serde_json::to_string_pretty(&value).unwrap()
}

/// Text that would run or inject markup if anything put it into a page unescaped.
pub const HOSTILE_TEXT: [&str; 4] =
    ["<img src=x onerror=alert(1)>", "\"><script>window.__pwned=1</script>", "\u{202e}evil\u{0}", "{{7*7}}${7*7}"];

/// Every variant of one base.
pub fn variants(base: &Base) -> Vec<Variant> {
    let f = &base.files;
    let mut out = Vec::new();
    let mut add = |name: &str, files: Files, expect: Expect| out.push(Variant { name: format!("{} {name}", base.layout), files, expect });
    let config = |edit: &dyn Fn(&mut Map<String, Value>)| Files { config: config_with(&f.config, edit), ..f.clone() };
    let weights = |w: Vec<u8>| Files { weights: w, ..f.clone() };
    let vocab_text = || f.vocab.clone().or_else(|| f.tokenizer.clone()).unwrap();
    let with_vocab = |text: String| {
        if f.vocab.is_some() {
            Files { vocab: Some(text), ..f.clone() }
        } else {
            Files { tokenizer: Some(text), ..f.clone() }
        }
    };

    // config.json
    add("config not JSON", Files { config: "{ model_type: bert,".into(), ..f.clone() }, Expect::Refused("config.json"));
    add("config truncated", Files { config: f.config[..f.config.len() / 2].into(), ..f.clone() }, Expect::Refused("config.json"));
    add("config an array", Files { config: "[]".into(), ..f.clone() }, Expect::Refused("config.json"));
    add("unknown model_type", config(&|c| drop(c.insert("model_type".into(), json!("t5")))), Expect::Refused("config.json"));
    for (field, value) in [
        (base.heads, json!(4_294_967_296u64)),
        (base.layers, json!(4_294_967_296u64)),
        (base.width, json!(4_294_967_328u64)),
        (base.vocab_size, json!(1u64 << 40)),
        (base.heads, json!(0)),
        (base.width, json!(-1)),
        (base.width, json!("64")),
        (base.layers, json!(1.5)),
    ] {
        add(&format!("{field} = {value}"), config(&|c| drop(c.insert(field.into(), value.clone()))), Expect::Refused(field));
    }
    add(&format!("{} missing", base.width), config(&|c| drop(c.remove(base.width))), Expect::Refused(base.width));

    // The vocabulary's file.
    let vocab_file = base.vocab_file;
    add("vocabulary empty", with_vocab(String::new()), Expect::Refused(vocab_file));
    add("vocabulary truncated", with_vocab(vocab_text()[..vocab_text().len() / 3].to_owned()), Expect::Refused(vocab_file));
    add("vocabulary hostile entries", with_vocab(hostile_vocabulary(&vocab_text())), Expect::Runs);

    // model.safetensors: truncations and lies.
    let w = &f.weights;
    add("weights empty", weights(Vec::new()), Expect::Refused("safetensors"));
    add("weights of 7 bytes", weights(w[..7].to_vec()), Expect::Refused("safetensors"));
    let header_len = u64::from_le_bytes(w[..8].try_into().unwrap()) as usize;
    add("weights cut in the header", weights(w[..8 + header_len / 2].to_vec()), Expect::Refused("safetensors"));
    add("weights cut in the data", weights(w[..w.len() - 1000].to_vec()), Expect::Refused("safetensors"));
    let mut lying_length = w.clone();
    lying_length[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    add("header length 2^64 - 1", weights(lying_length), Expect::Refused("safetensors"));
    let mut not_json = w.clone();
    not_json[8] = b'[';
    add("header not JSON", weights(not_json), Expect::Refused("safetensors"));
    let t = base.embedding;
    let tensor_edit = |edit: &dyn Fn(&mut Map<String, Value>)| weights(with_header(w, |h| edit(h[t].as_object_mut().unwrap())));
    add("dtype unknown", tensor_edit(&|e| drop(e.insert("dtype".into(), json!("Q4_K")))), Expect::Refused(t));
    add("dtype F64 over F32 data", tensor_edit(&|e| drop(e.insert("dtype".into(), json!("F64")))), Expect::Refused(t));
    add("dtype F16 over F32 data", tensor_edit(&|e| drop(e.insert("dtype".into(), json!("F16")))), Expect::Refused(t));
    add("shape larger than the data", tensor_edit(&|e| drop(e.insert("shape".into(), json!([4096, 4096])))), Expect::Refused(t));
    add("shape of 2^40 rows", tensor_edit(&|e| drop(e.insert("shape".into(), json!([1u64 << 40, 1u64 << 40])))), Expect::Refused(t));
    add("shape transposed", tensor_edit(&|e| transpose(e)), Expect::Refused(t));
    add("offsets past the end", tensor_edit(&|e| drop(e.insert("data_offsets".into(), json!([0, 1u64 << 33])))), Expect::Refused(t));
    add("offsets reversed", tensor_edit(&|e| reverse(e)), Expect::Refused(t));
    add("offsets negative", tensor_edit(&|e| drop(e.insert("data_offsets".into(), json!([-4, 0])))), Expect::Refused("safetensors"));
    let hostile_name = HOSTILE_TEXT[0];
    add("tensor renamed to markup", weights(with_header(w, |h| rename(h, t, hostile_name))), Expect::Refused(t));
    add(
        "hostile metadata",
        weights(with_header(w, |h| drop(h.insert("__metadata__".into(), json!({ HOSTILE_TEXT[1]: HOSTILE_TEXT[0] }))))),
        Expect::Runs,
    );
    add("NaN weights", weights(filled(w, t, f32::NAN)), Expect::FiniteOr(""));
    add("infinite weights", weights(filled(w, t, f32::INFINITY)), Expect::FiniteOr(""));
    add("weights of 3e38", weights(filled(w, t, 3e38)), Expect::FiniteOr(""));
    out
}

fn transpose(e: &mut Map<String, Value>) {
    let mut shape = e["shape"].as_array().unwrap().clone();
    shape.reverse();
    if shape.len() < 2 || shape[0] == shape[1] {
        shape.push(json!(1));
    }
    e.insert("shape".into(), Value::Array(shape));
}

fn reverse(e: &mut Map<String, Value>) {
    let mut offsets = e["data_offsets"].as_array().unwrap().clone();
    offsets.reverse();
    e.insert("data_offsets".into(), Value::Array(offsets));
}

fn rename(h: &mut Map<String, Value>, from: &str, to: &str) {
    let entry = h.remove(from).unwrap();
    h.insert(to.into(), entry);
}

/// The vocabulary with hostile text in place of ordinary entries (as many as before, so ids
/// stay), in whichever format it is: vocab.txt lines, vocab.json lists or tokenizer.json's map.
fn hostile_vocabulary(text: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let n = lines.len();
        for (i, hostile) in HOSTILE_TEXT.iter().enumerate() {
            lines[n - 1 - i] = hostile.replace('\0', "").to_owned();
        }
        return lines.join("\n") + "\n";
    };
    if let Some(list) = value.get_mut("source").and_then(Value::as_array_mut) {
        let n = list.len();
        for (i, hostile) in HOSTILE_TEXT.iter().enumerate() {
            list[n - 1 - i] = json!(hostile);
        }
    } else {
        // Entries no merge makes or uses, so that the merges still hold.
        let mut merged = std::collections::HashSet::new();
        for merge in value.pointer("/model/merges").and_then(Value::as_array).into_iter().flatten() {
            let (a, b) = match merge {
                Value::String(pair) => pair.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())).unwrap(),
                pair => (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()),
            };
            merged.insert(format!("{a}{b}"));
            merged.extend([a, b]);
        }
        let map = value.pointer_mut("/model/vocab").and_then(Value::as_object_mut).unwrap();
        let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
        entries.sort_by_key(|(_, id)| std::cmp::Reverse(id.as_u64()));
        let free = entries.iter_mut().filter(|(token, _)| !merged.contains(token.as_str()));
        for (entry, hostile) in free.zip(HOSTILE_TEXT) {
            entry.0 = hostile.to_owned();
        }
        map.extend(entries);
    }
    serde_json::to_string(&value).unwrap()
}
