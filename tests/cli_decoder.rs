//! `attn model`, `attn tokenize` and `attn generate` on decoders, run as a user would: the tiny
//! GPT-2 and Llama fixtures (tests/fixtures/decoder, made by transformers) give the attentions,
//! the tokens and the greedy generations to match; the readable tables show the causal mask and
//! the byte-level tokens decoded; bad requests end with one message.
#![cfg(feature = "cli")]

mod cli_common;

use cli_common::{attn, fails, json, ok, repo, stderr, stdout, table_row};
use serde_json::Value;

const FIXTURES: [&str; 4] = ["tiny-gpt2", "tiny-gpt2-f16", "tiny-llama", "tiny-llama-bf16"];

fn folder(name: &str) -> String {
    repo(&format!("tests/fixtures/decoder/{name}")).display().to_string()
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("tests/fixtures/decoder/{name}/expected.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(numbers).collect(),
        other => vec![other.as_f64().expect("a number")],
    }
}

/// The largest difference between two nested arrays of the same shape.
fn worst(got: &Value, want: &Value) -> f64 {
    let (got, want) = (numbers(got), numbers(want));
    assert_eq!(got.len(), want.len(), "the same number of numbers");
    got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
}

fn ids(tokens: &Value) -> Vec<u64> {
    tokens.as_array().unwrap().iter().map(|t| t["id"].as_u64().unwrap()).collect()
}

#[test]
fn model_json_matches_transformers_for_every_decoder() {
    for name in FIXTURES {
        let fixture = expected(name);
        for case in fixture["cases"].as_array().unwrap() {
            let text = case["text"].as_str().unwrap();
            let v = json(&["model", "--model", &folder(name), "--text", text, "--json"]);
            assert_eq!(v["model"]["kind"], "decoder", "{name}");
            assert_eq!(v["model"]["name"], name);
            let tokens = v["tokens"].as_array().unwrap();
            let texts: Vec<&Value> = tokens.iter().map(|t| &t["text"]).collect();
            let offsets: Vec<Value> = tokens.iter().map(|t| serde_json::json!([t["start"], t["end"]])).collect();
            assert_eq!(texts, case["tokens"].as_array().unwrap().iter().collect::<Vec<_>>(), "{name}: {text:?}");
            assert_eq!(serde_json::json!(ids(&v["tokens"])), case["ids"]);
            assert_eq!(&offsets, case["offsets"].as_array().unwrap());
            assert_eq!((v["truncated"].clone(), v["pooled"].clone()), (Value::Null, Value::Null));
            let difference = worst(&v["attentions"], &case["attentions"]);
            assert!(difference <= 1e-4, "{name}, {text:?}: attentions differ by {difference:e}");
            // Causal: every weight above the diagonal is exactly 0.
            for layer in v["attentions"].as_array().unwrap() {
                for head in layer.as_array().unwrap() {
                    for (i, row) in head.as_array().unwrap().iter().enumerate() {
                        assert!(numbers(row)[i + 1..].iter().all(|&w| w == 0.0), "{name}: query {i} sees a later key");
                    }
                }
            }
        }
    }
}

#[test]
fn readable_tables_show_the_causal_mask_and_decoded_tokens() {
    let text = "The playground shows how attention works.";
    let out = ok(&["model", "--model", &folder("tiny-llama"), "--text", text, "--layer", "1", "--head", "3"]);
    assert!(
        out.starts_with("tiny-llama (llama decoder): 2 layers × 4 heads (2 key/value heads), d_model 64, d_k 16, a context of 64 tokens"),
        "{out}"
    );
    assert!(out.contains("15 tokens (byte-level BPE, ␣ is a space):"), "{out}");
    assert!(out.contains("layer 1, head 3 (causal, scaled dot-product, scale 0.25, key/value head 1)"), "{out}");
    let rows: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("query \\ key")).skip(1).take(15).collect();
    assert!(rows[0].starts_with("0 The") && rows[1].starts_with("1 ␣ "), "{out}");
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split_whitespace().skip(2).collect();
        assert_eq!(cells.len(), 15, "{row}");
        assert!(cells[i + 1..].iter().all(|&c| c == "·") && cells[..=i].iter().all(|&c| c != "·"), "row {i}: {row}");
    }
    // The summary without --layer or --head, and a breakdown whose later keys are masked.
    let summary = ok(&["model", "--model", &folder("tiny-gpt2"), "--text", text]);
    assert!(summary.contains("8 heads (2 layers × 4 heads, counted from 0)") && !summary.contains("query \\ key"), "{summary}");
    assert!(!summary.contains("sentence embedding"), "a decoder has no sentence embedding");
    let query = ok(&["model", "--model", &folder("tiny-gpt2"), "--text", text, "--layer", "0", "--head", "0", "--query", "2"]);
    let breakdown: Vec<&str> = query.lines().skip_while(|l| !l.starts_with("key ")).skip(1).take(15).collect();
    assert!(breakdown[2].split_whitespace().all(|c| c != "·") && breakdown[3].ends_with('·'), "{query}");
}

#[test]
fn special_tokens_of_a_decoder_can_be_hidden() {
    let text = "Hello<|endoftext|> world <|user|> again";
    let v = json(&["model", "--model", &folder("tiny-gpt2"), "--text", text, "--hide-special", "--layer", "0", "--json"]);
    assert!(v["tokens"].as_array().unwrap().iter().all(|t| t["text"] != "<|endoftext|>"), "{}", v["tokens"]);
    assert_eq!(v["kept"].as_array().unwrap().len(), 10, "<|user|> is not special, <|endoftext|> is");
    for head in v["attentions"][0].as_array().unwrap() {
        for row in head.as_array().unwrap() {
            let sum: f64 = numbers(row).iter().sum();
            assert!((sum - 1.0).abs() < 1e-5 || sum == 0.0, "renormalised rows sum to 1: {sum}");
        }
    }
    let table = ok(&["model", "--model", &folder("tiny-gpt2"), "--text", text, "--hide-special", "--layer", "0", "--head", "1"]);
    assert!(table.contains("special tokens hidden"), "{table}");
    let header = table.lines().find(|l| l.starts_with("query \\ key")).unwrap();
    assert!(
        header.split_whitespace().collect::<Vec<_>>().starts_with(&["query", "\\", "key", "0", "Hell", "1", "o", "3", "␣wor"]),
        "{header}"
    );
}

#[test]
fn long_texts_are_cut_to_the_context_with_a_note() {
    let text = "the cat sat on the mat. ".repeat(10);
    let o = attn(&["model", "--model", &folder("tiny-gpt2"), "--text", &text, "--json", "--layer", "0", "--head", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let note = stderr(&o);
    assert!(note.starts_with("note: the text has 101 tokens; the model's context holds 64, so the first 64 (up to \""), "{note}");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["truncated"], serde_json::json!({"limit": 64, "total": 101, "which": "text"}));
    assert_eq!(v["tokens"].as_array().unwrap().len(), 64);
}

#[test]
fn tokenize_matches_the_tokenizer_on_corpus_strings() {
    let corpus: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("tests/fixtures/decoder/tokenizer_corpus.json")).unwrap()).unwrap();
    let cases: Vec<&Value> =
        corpus["cases"].as_array().unwrap().iter().filter(|c| (1..=64).contains(&c["ids"].as_array().unwrap().len())).step_by(25).collect();
    assert!(cases.len() >= 10);
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let v = json(&["tokenize", "--model", &folder("tiny-gpt2"), "--text", text, "--json"]);
        let tokens = v["tokens"].as_array().unwrap();
        assert_eq!(serde_json::json!(ids(&v["tokens"])), case["ids"], "{text:?}");
        assert_eq!(tokens.iter().map(|t| &t["text"]).collect::<Vec<_>>(), case["tokens"].as_array().unwrap().iter().collect::<Vec<_>>());
        let offsets: Vec<Value> = tokens.iter().map(|t| serde_json::json!([t["start"], t["end"]])).collect();
        assert_eq!(&offsets, case["offsets"].as_array().unwrap(), "{text:?}");
        assert_eq!(v["truncated"], Value::Null);
    }
}

#[test]
fn tokenize_shows_byte_level_tokens_readably() {
    // "Ġthe" is shown as "␣the"; 東 (E6 9D B1) is split over two tokens, shown byte by byte.
    let table = ok(&["tokenize", "--model", &folder("tiny-gpt2"), "--text", "東京 and the\tend"]);
    assert!(table.starts_with("7 tokens (byte-level BPE, ␣ is a space):\ntoken "), "{table}");
    let row = |prefix: &str| table_row(&table, prefix);
    assert_eq!(row("0 "), ["0", "<0xE6><0x9D>", "987", "æĿ", "0–1"]);
    assert_eq!(row("1 "), ["1", "<0xB1>京", "907", "±äº¬", "0–2"]);
    assert_eq!(row("3 "), ["3", "␣the", "263", "Ġthe", "6–10"]);
    assert_eq!(row("4 "), ["4", "\\t", "198", "ĉ", "10–11"]);
    let special = ok(&["tokenize", "--model", &folder("tiny-gpt2"), "--text", "a<|endoftext|>"]);
    assert!(special
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["1", "<|endoftext|>", "0", "<|endoftext|>", "special,", "1–14"]));
}

#[test]
fn greedy_generation_matches_transformers() {
    for name in FIXTURES {
        let fixture = expected(name);
        for case in fixture["generation"].as_array().unwrap() {
            let (text, steps) = (case["text"].as_str().unwrap(), case["max_new_tokens"].as_u64().unwrap().to_string());
            let v = json(&["generate", "--model", &folder(name), "--text", text, "--steps", &steps, "--json"]);
            assert_eq!(serde_json::json!(ids(&v["promptTokens"])), case["ids"], "{name}: {text:?}");
            assert_eq!(serde_json::json!(ids(&v["generatedTokens"])), case["generated_ids"], "{name}: {text:?}");
            let end = case["stopped_at_end_of_text"].as_bool().unwrap();
            assert_eq!(v["stopped"], if end { "endOfText" } else { "steps" });
            assert_eq!(v["text"].as_str().unwrap(), case["generated_text"].as_str().unwrap().trim_end_matches("<|endoftext|>"));
            assert_eq!(v["sampling"], serde_json::json!({"greedy": true, "temperature": 0.0, "topK": null, "seed": 0}));
            let got = v["steps"].as_array().unwrap();
            assert_eq!(got.len(), case["generated_ids"].as_array().unwrap().len());
            for (i, step) in got.iter().enumerate() {
                assert_eq!(step["id"], case["generated_ids"][i]);
                assert_eq!(step["text"], v["generatedTokens"][i]["text"]);
                assert_eq!(step["top"].as_array().unwrap().len(), 10);
                let layers = step["attentions"].as_array().unwrap();
                assert_eq!(layers.len(), 2);
                let keys = step["position"].as_u64().unwrap() as usize + 1;
                assert!(layers.iter().all(|l| l.as_array().unwrap().iter().all(|h| h.as_array().unwrap().len() == keys)));
            }
            for reference in case["steps"].as_array().unwrap() {
                let step = got.iter().find(|s| s["position"] == reference["position"]).expect("the step of the reference position");
                let difference = worst(&step["attentions"], &reference["attentions"]);
                assert!(difference <= 1e-4, "{name}, {text:?}, position {}: attentions differ by {difference:e}", reference["position"]);
                let top = &reference["top10_probs"];
                assert_eq!(
                    step["top"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
                    *top["ids"].as_array().unwrap()
                );
                let probabilities: Vec<Value> = step["top"].as_array().unwrap().iter().map(|c| c["probability"].clone()).collect();
                assert!(worst(&Value::Array(probabilities), &top["values"]) <= 1e-4);
            }
        }
    }
}

#[test]
fn readable_generation_shows_the_text_and_each_step() {
    let out = ok(&["generate", "--model", &folder("tiny-llama"), "--text", "The playground shows how attention works.", "--steps", "24"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "tiny-llama (llama decoder, a context of 64 tokens), greedy");
    assert_eq!(lines[1], "prompt (15 tokens):    \"The playground shows how attention works.\"");
    assert!(lines[2].starts_with("generated (16 tokens): \"28ven Zom"), "{out}");
    assert!(lines[2].contains("\\u{7f}"), "control characters are escaped: {out}");
    assert_eq!(lines[3], "stopped: the model chose <|endoftext|>, an end-of-text token");
    let header = lines.iter().position(|l| l.starts_with("step  query  token")).expect("the step table");
    assert!(lines[header].ends_with("top 3 alternatives"));
    let first: Vec<&str> = lines[header + 1].split_whitespace().collect();
    assert_eq!(&first[..4], ["0", "14", "28", "7.2%"], "{out}");
    assert_eq!(first[4..].len(), 6, "three alternatives with their probabilities: {out}");
    assert!(lines[header + 16].starts_with("15 ") && lines[header + 16].contains("<|endoftext|>"), "{out}");
}

#[test]
fn sampling_is_seeded_and_stays_in_the_top_k() {
    let args = ["generate", "--model", &folder("tiny-gpt2"), "--text", "Once upon a time", "--steps", "12", "--json"];
    let sample = |extra: &[&str]| json(&[&args[..], extra].concat());
    let a = sample(&["--temperature", "1.5", "--top-k", "5", "--seed", "7"]);
    assert_eq!(a, sample(&["--temperature", "1.5", "--top-k", "5", "--seed", "7"]), "the same seed, the same text");
    assert_eq!(a["sampling"], serde_json::json!({"greedy": false, "temperature": 1.5, "topK": 5, "seed": 7}));
    for step in a["steps"].as_array().unwrap() {
        let top5: Vec<&Value> = step["top"].as_array().unwrap().iter().take(5).map(|c| &c["id"]).collect();
        assert!(top5.contains(&&step["id"]), "{step}");
    }
    let seeds: Vec<Vec<u64>> =
        (1..=4).map(|s| ids(&sample(&["--temperature", "1.5", "--seed", &s.to_string()])["generatedTokens"])).collect();
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "different seeds, different texts: {seeds:?}");
    let o = attn(&[&args[..], &["--seed", "3"]].concat());
    assert!(o.status.success() && stderr(&o).starts_with("note: --top-k and --seed are for sampling"), "{}", stderr(&o));
    let readable = ok(&[
        "generate",
        "--model",
        &folder("tiny-gpt2"),
        "--text",
        "Once",
        "--steps",
        "2",
        "--temperature",
        "0.8",
        "--top-k",
        "40",
        "--seed",
        "9",
    ]);
    assert!(
        readable.starts_with("tiny-gpt2 (gpt2 decoder, a context of 64 tokens), sampled at temperature 0.8 among the top 40 (seed 9)"),
        "{readable}"
    );
}

#[test]
fn generation_stops_when_the_context_is_full() {
    let text = "the cat sat on the mat. ".repeat(6);
    let o = attn(&["generate", "--model", &folder("tiny-gpt2"), "--text", &text, "--steps", "30", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "note: the model's context holds 64 tokens, prompt included, so 3 of the 30 tokens asked for were generated\n");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["stopped"].as_str(), v["steps"].as_array().unwrap().len()), (Some("context"), 3));
}

#[test]
fn bad_generation_requests_give_one_clear_message() {
    let gpt2 = folder("tiny-gpt2");
    let run = |extra: &[&str], expected: &str| fails(&[&["generate", "--model", &gpt2, "--text", "hi"][..], extra].concat(), "", expected);
    run(&["--steps", "0"], "--steps 0 generates nothing: give a number of tokens from 1 to 1024");
    run(&["--steps", "1025"], "--steps 1025 is too many: give a number of tokens from 1 to 1024");
    run(&["--steps", "18446744073709551615"], "is too many");
    run(&["--steps", "3", "--temperature", "-1"], "the sampling temperature must be from 0 (greedy) to 100, found -1");
    run(&["--steps", "3", "--temperature", "101"], "the sampling temperature must be from 0 (greedy) to 100");
    run(&["--steps", "3", "--temperature", "1", "--top-k", "0"], "top-k must be at least 1");
    fails(&["generate", "--model", &gpt2, "--text", "", "--steps", "3"], "", "the text is empty");
    let long = "the cat sat on the mat. ".repeat(10);
    fails(
        &["generate", "--model", &gpt2, "--text", &long, "--steps", "3"],
        "",
        "the prompt has 101 tokens and tiny-gpt2's context holds 64, prompt and generated tokens together: shorten the prompt to at most 63 tokens",
    );
    let exactly_full = "the cat sat on the mat. ".repeat(6) + "the cat s";
    fails(&["generate", "--model", &gpt2, "--text", &exactly_full, "--steps", "3"], "", "the prompt has 64 tokens");
    // A folder of another family: an encoder does not generate.
    let bert = repo("tests/fixtures/model/tiny-bert").display().to_string();
    fails(&["generate", "--model", &bert, "--text", "hi", "--steps", "3"], "", "tiny-bert is an encoder, which does not generate text");
    cli_common::usage_error(&["generate", "--model", &gpt2, "--text", "hi"], "--steps <N>");
}
