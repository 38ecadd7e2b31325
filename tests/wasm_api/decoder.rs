//! A `Session` with a decoder loaded: the tiny GPT-2 and Llama models of
//! `tests/fixtures/decoder/` (made by Hugging Face transformers; see docs/model.md), their
//! attentions, causal masks and greedy generations, sampling, and the errors of bad files and
//! requests.

use attention_playground::wasm::Session;
use js_sys::Array;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::json_numbers::{flat, ids, max_error, strings};
use super::{block, failure, get, items, js_object, json_of, memory_bytes, number, token_texts, Fixture};

const TINY_GPT2: Fixture = fixture!("tests/fixtures/decoder", "tiny-gpt2", tokenizer: "tokenizer.json");
const TINY_LLAMA: Fixture = fixture!("tests/fixtures/decoder", "tiny-llama", tokenizer: "tokenizer.json");
const FIXTURES: [Fixture; 4] = [
    TINY_GPT2,
    fixture!("tests/fixtures/decoder", "tiny-gpt2-f16", tokenizer: "tokenizer.json"),
    TINY_LLAMA,
    fixture!("tests/fixtures/decoder", "tiny-llama-bf16", tokenizer: "tokenizer.json"),
];

fn request(value: Value) -> JsValue {
    js_object(&value)
}

/// The ids of sequence 0 of a run summary.
fn token_ids(summary: &JsValue) -> Vec<u32> {
    let sequence = Array::from(&get(summary, "sequences")).get(0);
    items(&get(&sequence, "tokens")).iter().map(|t| number(t, "id") as u32).collect()
}

#[wasm_bindgen_test]
fn attentions_and_causal_masks_equal_transformers() {
    let mut session = Session::new();
    for fixture in &FIXTURES {
        fixture.load_into(&mut session);
        let expected: Value = serde_json::from_str(fixture.expected).unwrap();
        for case in expected["cases"].as_array().unwrap() {
            let summary = session.run(request(json!({"source": "model", "text": case["text"]}))).unwrap();
            assert_eq!(token_ids(&summary), ids(&case["ids"]), "{}", fixture.name);
            let want = strings(&case["tokens"]);
            assert_eq!(token_texts(&summary, 0), want);
            let worst = max_error(&session.attentions().unwrap().to_vec(), &flat(&case["attentions"]), "attentions");
            assert!(worst <= 1e-4, "{}: attentions differ by {worst}", fixture.name);
            // Every block is causal: key j is allowed for query i when j ≤ i.
            let t = want.len();
            let causal: Vec<u8> = (0..t * t).map(|n| u8::from(n % t <= n / t)).collect();
            let layers = items(&get(&summary, "blocks")).len();
            assert_eq!(session.masks().unwrap().to_vec(), causal.repeat(layers));
            assert!(get(&summary, "generation").is_null());
            assert!(session.pooled().unwrap().is_none(), "a decoder has no sentence embedding");
        }
    }
}

#[wasm_bindgen_test]
fn a_decoder_run_has_one_causal_block_per_layer() {
    let mut session = Session::new();
    let info = TINY_LLAMA.load_into(&mut session);
    let want = json!({"architecture": "llama", "kind": "decoder", "layers": 2, "heads": 4, "kvHeads": 2, "hidden": 64, "dK": 16,
                      "vocabSize": 1002, "maxPositions": 64, "dtype": "F32", "parameters": 202304});
    assert_eq!(json_of(&info), want);
    let summary = session.run(request(json!({"source": "model", "text": "Hello<|endoftext|> world"}))).unwrap();
    assert_eq!(json_of(&get(&summary, "source")), json!({"name": "tiny-llama", "kind": "decoder", "trained": true}));
    // Causal layers are not rolled out: the rollout follows an encoder's bidirectional layers.
    let (message, _) = failure(session.rollout(0));
    assert!(message.contains("no self-attention layer to roll out"), "{message}");
    let mut b = json_of(&block(&summary, 1));
    let scale = b["scale"].take().as_f64().unwrap();
    assert!((scale - 0.25).abs() < 1e-7, "1/√16, found {scale}");
    let want = json!({"layer": 1, "kind": "causal", "queries": 0, "keys": 0, "heads": 4, "kvHeads": 2, "dK": 16, "dV": 16,
                      "score": "dot", "scale": null, "temperature": 1, "fullyMaskedRows": [], "masked": true, "combined": false});
    assert_eq!(b, want);
    // Heads 2 and 3 share key/value head 1: the same keys and values.
    assert_eq!(session.stage(1, 2, "k").unwrap().to_vec(), session.stage(1, 3, "k").unwrap().to_vec());
    assert_ne!(session.stage(1, 1, "k").unwrap().to_vec(), session.stage(1, 2, "k").unwrap().to_vec());
    // The typed <|endoftext|> is one special token; hiding it leaves the others.
    let sequence = Array::from(&get(&summary, "sequences")).get(0);
    let special: Vec<bool> = items(&get(&sequence, "tokens")).iter().map(|t| get(t, "special").as_bool().unwrap()).collect();
    assert_eq!(special.iter().filter(|&&s| s).count(), 1);
    assert!(!session.without_special().unwrap().is_undefined());
    // A breakdown shows the masked future keys.
    let b = session.breakdown(0, 0, 1).unwrap();
    let allowed: Vec<bool> = Array::from(&get(&b, "allowed")).iter().map(|a| a.as_bool().unwrap()).collect();
    assert!(allowed[..2].iter().all(|&a| a) && allowed[2..].iter().all(|&a| !a));

    let tokens = session.tokenize("don't 🤖").unwrap();
    let list = items(&get(&tokens, "tokens"));
    let spans: Vec<(f64, f64)> = list.iter().map(|t| (number(t, "start"), number(t, "end"))).collect();
    assert_eq!(spans.first().map(|s| s.0), Some(0.0));
    assert_eq!(spans.last().map(|s| s.1), Some(8.0), "the emoji ends at UTF-16 offset 8");
}

#[wasm_bindgen_test]
fn greedy_generation_equals_transformers() {
    let mut session = Session::new();
    for fixture in &FIXTURES {
        fixture.load_into(&mut session);
        let expected: Value = serde_json::from_str(fixture.expected).unwrap();
        for case in expected["generation"].as_array().unwrap() {
            let summary =
                session.run(request(json!({"source": "generate", "text": case["text"], "steps": case["max_new_tokens"]}))).unwrap();
            let prompt = ids(&case["ids"]);
            let generated = ids(&case["generated_ids"]);
            let all = token_ids(&summary);
            assert_eq!(all, [prompt.clone(), generated.clone()].concat(), "{}: {}", fixture.name, case["text"]);
            let generation = get(&summary, "generation");
            assert_eq!(number(&generation, "promptTokens") as usize, prompt.len());
            let stopped = if case["stopped_at_end_of_text"].as_bool().unwrap() { "endOfText" } else { "steps" };
            assert_eq!(get(&generation, "stopped").as_string().unwrap(), stopped);
            let steps = items(&get(&generation, "steps"));
            assert_eq!(steps.iter().map(|s| number(s, "id") as u32).collect::<Vec<_>>(), generated);
            // The blocks cover the prompt and the generated tokens.
            let t = all.len();
            assert_eq!(session.stage_shape(0, 0, "weights").unwrap(), vec![t as u32, t as u32]);
            for (s, step) in case["steps"].as_array().unwrap().iter().enumerate() {
                assert_eq!(number(&steps[s], "position") as u64, step["position"].as_u64().unwrap());
                let worst = max_error(&session.step_attentions(s).unwrap().to_vec(), &flat(&step["attentions"]), "step attentions");
                assert!(worst <= 1e-4, "{}: step {s} attentions differ by {worst}", fixture.name);
                let top = items(&get(&steps[s], "top"));
                assert_eq!(top.iter().map(|c| number(c, "id") as u32).collect::<Vec<_>>(), ids(&step["top10_probs"]["ids"]));
                let probabilities: Vec<f32> = top.iter().map(|c| number(c, "probability") as f32).collect();
                let worst = max_error(&probabilities, &flat(&step["top10_probs"]["values"]), "probabilities");
                assert!(worst <= 1e-4, "{}: step {s} probabilities differ by {worst}", fixture.name);
            }
        }
    }
}

#[wasm_bindgen_test]
fn sampling_repeats_with_its_seed_and_stops_at_the_context() {
    let mut session = TINY_GPT2.loaded();
    let sample = |session: &mut Session, seed: u32| {
        let summary = session
            .run(request(json!({"source": "generate", "text": "Once", "steps": 12, "temperature": 1.2, "topK": 20, "seed": seed})))
            .unwrap();
        token_ids(&summary)
    };
    let prompt = items(&get(&session.tokenize("Once").unwrap(), "tokens")).len();
    let first = sample(&mut session, 5);
    assert_eq!(first.len(), prompt + 12);
    assert_eq!(sample(&mut session, 5), first, "the same seed gives the same tokens");
    assert_ne!(sample(&mut session, 6), first);
    // The context (64 positions) ends the generation; the generated text follows the prompt.
    let summary = session.run(request(json!({"source": "generate", "text": "Once", "steps": 100}))).unwrap();
    let generation = get(&summary, "generation");
    assert_eq!(get(&generation, "stopped").as_string().unwrap(), "context");
    assert_eq!(token_ids(&summary).len(), 64);
    let text = get(&generation, "text").as_string().unwrap();
    let sequence = Array::from(&get(&summary, "sequences")).get(0);
    let last = items(&get(&sequence, "tokens")).pop().unwrap();
    assert_eq!(number(&last, "end") as usize, "Once".len() + text.encode_utf16().count());
    let last_step = 63 - prompt;
    let position = number(&items(&get(&generation, "steps"))[last_step], "position") as usize;
    assert_eq!(position, 62, "the last step's query is the one before the last token");
    assert_eq!(session.step_attentions(last_step).unwrap().length(), 2 * 4 * 63);
}

#[wasm_bindgen_test]
fn a_prompt_longer_than_the_context_is_cut_and_says_so() {
    let mut session = TINY_GPT2.loaded();
    let text = "Once upon a time, ".repeat(20);
    let summary = session.run(request(json!({"source": "generate", "text": text, "steps": 5}))).unwrap();
    let truncated = json_of(&get(&summary, "truncated"));
    assert_eq!((&truncated["limit"], &truncated["which"]), (&json!(64), &json!("text")));
    assert!(truncated["total"].as_u64().unwrap() > 64, "{truncated}");
    let generation = get(&summary, "generation");
    assert_eq!(get(&generation, "stopped").as_string().unwrap(), "context");
    assert_eq!(items(&get(&generation, "steps")).len(), 0, "a full context leaves no room for a new token");
    assert_eq!(token_ids(&summary).len(), 64);
}

/// One round of a page's use of a decoder: load, generate, read a step, free.
fn load_generate_and_free(session: &mut Session, fixture: &Fixture) {
    fixture.load_into(session);
    session.run(request(json!({"source": "generate", "text": "Once upon a time", "steps": 24}))).unwrap();
    session.step_attentions(23).unwrap();
    session.unload_model();
}

#[wasm_bindgen_test]
fn generating_again_and_again_reuses_the_memory() {
    let mut session = Session::new();
    load_generate_and_free(&mut session, &TINY_GPT2);
    load_generate_and_free(&mut session, &TINY_LLAMA);
    let before = memory_bytes();
    for _ in 0..20 {
        load_generate_and_free(&mut session, &TINY_GPT2);
        load_generate_and_free(&mut session, &TINY_LLAMA);
    }
    assert_eq!(
        before,
        memory_bytes(),
        "40 rounds of loading a decoder, generating 24 tokens and freeing it must reuse the memory of the first two"
    );
}

#[wasm_bindgen_test]
fn bad_files_and_requests_name_what_is_wrong() {
    let load = |config: &str, tokenizer: Option<&str>, vocab: Option<&str>, weights: &[u8]| {
        let mut session = Session::new();
        failure(session.load_model("broken", config, tokenizer.map(str::to_owned), vocab.map(str::to_owned), weights))
    };
    let f = &TINY_GPT2;
    let model = Some("model".to_owned());
    let (msg, field) = load(f.config, None, Some("[UNK]\n[CLS]\n[SEP]\n"), f.weights);
    assert_eq!(field, model);
    assert!(msg.starts_with("tokenizer: vocab.txt holds a WordPiece vocabulary; GPT-2 and Llama decoders need tokenizer.json"), "{msg}");
    // Another family's weights.
    let (msg, _) = load(TINY_LLAMA.config, f.tokenizer, None, f.weights);
    assert_eq!(msg, "model.safetensors has no tensor model.embed_tokens.weight: the weights do not match config.json");
    // A truncated weights file.
    let (msg, _) = load(f.config, f.tokenizer, None, &f.weights[..f.weights.len() - 100]);
    assert!(msg.starts_with("model.safetensors: ") && msg.contains("truncated"), "{msg}");
    // 2³² + 64 is refused as it is, not wrapped to 64 by 32-bit arithmetic.
    let (msg, _) = load(&f.config.replace("\"n_embd\": 64", "\"n_embd\": 4294967360"), f.tokenizer, None, f.weights);
    assert_eq!(msg, "config.json: n_embd must be a whole number from 1 to 65536, found 4294967360");
    // Sizes each within their limits whose product is beyond 32-bit memory.
    let huge = f.config.replace("\"vocab_size\": 1002", "\"vocab_size\": 1048576").replace("\"n_embd\": 64", "\"n_embd\": 65536");
    let (msg, _) = load(&huge, f.tokenizer, None, f.weights);
    assert_eq!(msg, "config.json: vocab_size × hidden size (1048576 × 65536) is too large for this build's memory");

    let mut session = f.loaded();
    let generate = |extra: Value| {
        let mut value = json!({"source": "generate", "text": "Once"});
        for (key, v) in extra.as_object().unwrap() {
            value[key] = v.clone();
        }
        request(value)
    };
    let (msg, field) = failure(session.run(generate(json!({"steps": 5, "temperature": -1}))));
    assert_eq!((msg.as_str(), field.as_deref()), ("the sampling temperature must be from 0 (greedy) to 100, found -1", Some("sampling")));
    let (msg, field) = failure(session.run(generate(json!({"steps": 5, "topK": 0}))));
    assert!(msg.starts_with("top-k must be at least 1") && field.as_deref() == Some("sampling"), "{msg}");
    let (msg, field) = failure(session.run(generate(json!({"steps": 5000}))));
    assert_eq!((msg.as_str(), field.as_deref()), ("at most 1024 tokens can be generated at once, not 5000", Some("steps")));
    let (msg, field) = failure(session.run(request(json!({"source": "generate", "text": "", "steps": 3}))));
    assert_eq!((msg.as_str(), field.as_deref()), ("the text is empty: type at least one word", Some("text")));
    session.run(request(json!({"source": "model", "text": "Once"}))).unwrap();
    let (msg, field) = failure(session.step_attentions(0));
    assert_eq!((msg.as_str(), field), ("generation step 0 does not exist: the run generated 0 tokens", None));

    // An encoder does not generate.
    let mut encoder = Session::new();
    let tiny_bert = include_str!("../fixtures/model/tiny-bert/config.json");
    let vocab = include_str!("../fixtures/model/tiny-bert/vocab.txt");
    encoder
        .load_model("tiny-bert", tiny_bert, None, Some(vocab.to_owned()), include_bytes!("../fixtures/model/tiny-bert/model.safetensors"))
        .unwrap();
    let (msg, field) = failure(encoder.run(request(json!({"source": "generate", "text": "a cat", "steps": 3}))));
    assert_eq!(msg, "tiny-bert is an encoder: it does not generate text (load a GPT-2 or Llama decoder)");
    assert_eq!(field.as_deref(), Some("model"));
}
