//! The GPT-2 and Llama decoders against Hugging Face transformers (eager attention), on the four
//! tiny models of tests/fixtures/decoder/ (F32 and F16 GPT-2, F32 and BF16 Llama with grouped-query
//! attention and RoPE θ = 500000): tokens, every attention weight, the last position's top-10
//! logits, the last hidden states, and greedy generations step by step.

use std::path::PathBuf;

use attention_playground::generation::{Sampling, StopReason};
use attention_playground::model::{Decoder, LoadedModel};
use attention_playground::run::{BlockKind, SourceKind};
use json_numbers::{flat, ids, max_error};
use serde_json::Value;

mod json_numbers;

const MODELS: [&str; 4] = ["tiny-gpt2", "tiny-gpt2-f16", "tiny-llama", "tiny-llama-bf16"];

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decoder").join(name)
}

fn load(name: &str) -> (Decoder, Value) {
    let model = Decoder::from_dir(&dir(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected = std::fs::read_to_string(dir(name).join("expected.json")).unwrap();
    (model, serde_json::from_str(&expected).unwrap())
}

#[test]
fn attentions_logits_and_hidden_states_equal_transformers() {
    for name in MODELS {
        let (model, expected) = load(name);
        let (mut attention, mut logit, mut hidden) = (0f32, 0f32, 0f32);
        for case in expected["cases"].as_array().unwrap() {
            let text = case["text"].as_str().unwrap();
            let encoding = model.tokenize(text);
            assert_eq!(encoding.ids(), ids(&case["ids"]), "{name}: ids of {text:?}");
            let trace = model.trace(encoding).unwrap();
            let run = &trace.run;
            assert_eq!(run.blocks.len(), model.config().num_layers);
            assert!(run.blocks.iter().all(|b| b.kind == BlockKind::Causal && b.kv_heads == model.config().num_kv_heads));
            let err = max_error(&run.attentions_flat(), &flat(&case["attentions"]), "attentions");
            assert!(err <= 1e-4, "{name}: attentions of {text:?} differ by {err}");
            attention = attention.max(err);

            let top = &case["top10_logits"];
            let best = attention_playground::generation::best(trace.logits.as_slice().unwrap(), 10);
            assert_eq!(best, ids(&top["ids"]), "{name}: top-10 logits of {text:?}");
            let values: Vec<f32> = best.iter().map(|&i| trace.logits[i as usize]).collect();
            let err = max_error(&values, &flat(&top["values"]), "logits");
            assert!(err <= 1e-3, "{name}: logits of {text:?} differ by {err}");
            logit = logit.max(err);

            let first: Vec<f32> = trace.hidden.rows().into_iter().flat_map(|r| r.iter().take(8).copied().collect::<Vec<_>>()).collect();
            let err = max_error(&first, &flat(&case["last_hidden_first"]), "hidden");
            assert!(err <= 1e-4, "{name}: hidden states of {text:?} differ by {err}");
            hidden = hidden.max(err);
        }
        eprintln!("{name}: max abs error: attentions {attention:.1e}, top-10 logits {logit:.1e}, last hidden {hidden:.1e}");
    }
}

#[test]
fn greedy_generations_equal_transformers_step_by_step() {
    for name in MODELS {
        let (model, expected) = load(name);
        let (mut attention, mut probability) = (0f32, 0f32);
        for case in expected["generation"].as_array().unwrap() {
            let text = case["text"].as_str().unwrap();
            let steps = case["max_new_tokens"].as_u64().unwrap() as usize;
            let run = model.generate(text, steps, Sampling::GREEDY).unwrap();
            let generation = run.generation.as_ref().unwrap();
            let prompt = ids(&case["ids"]);
            assert_eq!(generation.prompt_tokens, prompt.len());
            let all: Vec<u32> = run.sequences[0].tokens.iter().map(|t| t.id.unwrap()).collect();
            assert_eq!(all[..prompt.len()], prompt[..], "{name}: prompt {text:?}");
            let want = ids(&case["generated_ids"]);
            assert_eq!(all[prompt.len()..], want[..], "{name}: generated after {text:?}");
            assert!(want.len() >= 3);
            let ended = case["stopped_at_end_of_text"].as_bool().unwrap();
            assert_eq!(generation.stopped, if ended { StopReason::EndOfText } else { StopReason::Steps });
            assert_eq!(generation.steps.len(), want.len());
            // The blocks cover the prompt and every generated token.
            assert_eq!(run.blocks[0].shape(), (all.len(), all.len()));
            for (s, step) in case["steps"].as_array().unwrap().iter().enumerate() {
                let position = step["position"].as_u64().unwrap() as usize;
                assert_eq!(generation.steps[s].position, position);
                let err = max_error(&run.step_attentions(s).unwrap(), &flat(&step["attentions"]), "step attentions");
                assert!(err <= 1e-4, "{name}: step {s} after {text:?}: attentions differ by {err}");
                attention = attention.max(err);
                let top = &generation.steps[s].top;
                let top_ids: Vec<u32> = top.iter().map(|c| c.id).collect();
                assert_eq!(top_ids, ids(&step["top10_probs"]["ids"]), "{name}: step {s} candidates");
                let values: Vec<f32> = top.iter().map(|c| c.probability).collect();
                let err = max_error(&values, &flat(&step["top10_probs"]["values"]), "probabilities");
                assert!(err <= 1e-4, "{name}: step {s} probabilities differ by {err}");
                probability = probability.max(err);
                assert_eq!(top[0].text, model.tokenizer().token_text(top[0].id));
            }
        }
        eprintln!("{name}: max abs error of the first 3 generation steps: attentions {attention:.1e}, probabilities {probability:.1e}");
    }
}

#[test]
fn the_loader_that_takes_any_model_picks_the_decoder() {
    let files = |name: &str| std::fs::read(dir("tiny-llama").join(name)).unwrap();
    let text = |name: &str| String::from_utf8(files(name)).unwrap();
    let model = LoadedModel::from_files(&text("config.json"), Some(&text("tokenizer.json")), None, &files("model.safetensors")).unwrap();
    let info = model.info();
    assert_eq!((info.architecture, info.kind, info.heads, info.kv_heads, info.d_k), ("llama", SourceKind::Decoder, 4, 2, 16));
    assert_eq!(info.parameters, 202_304, "every tensor of the file, the untied output matrix included");
    let run = model.named("tiny").forward("attention").unwrap();
    assert_eq!(run.source.kind, SourceKind::Decoder);
    assert_eq!(run.source.name, "tiny");
    let gpt2 = LoadedModel::from_dir(&dir("tiny-gpt2-f16")).unwrap();
    assert_eq!(gpt2.name(), "tiny-gpt2-f16");
    assert_eq!(format!("{:?}", gpt2.info().dtype), "F16");
}
