//! The encoder–decoders of `trained/` against their reference fixtures
//! (`tests/fixtures/trained/<task>-<architecture>.json`, written by the training framework and
//! checked there against an independent NumPy implementation): source tokens, greedy outputs,
//! every step's ten most probable tokens and cross-attention, the Transformer's encoder and decoder
//! self-attentions. Every fixture whose model folder is present is checked: the date and the
//! grammar models, and any trained later.

use std::path::PathBuf;

use attention_playground::generation::StopReason;
use attention_playground::model::{LoadedModel, Seq2Seq};
use attention_playground::run::{BlockKind, Role, Run, SourceKind};
use attention_playground::translation::Seq2SeqArchitecture;
use json_numbers::{flat, ids, max_error, strings};
use serde_json::Value;

mod json_numbers;

/// Agreement required of every weight and probability.
const TOLERANCE: f32 = 1e-4;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture of an encoder–decoder whose model folder is present, with its model.
fn fixtures() -> Vec<(String, Value, Seq2Seq)> {
    let mut found = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/trained")).unwrap().flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(json) = serde_json::from_str::<Value>(&std::fs::read_to_string(&path).unwrap_or_default()) else { continue };
        let Some(name) = json["model"].as_str() else { continue };
        let folder = root().join("trained").join(name);
        if json["architecture"].is_null() || !folder.join("model.safetensors").exists() {
            continue;
        }
        let model = Seq2Seq::from_dir(&folder).unwrap_or_else(|e| panic!("{name}: {e}"));
        found.push((name.to_owned(), json, model));
    }
    found
}

/// Row `row` of every head of `block`, heads in order.
fn rows(run: &Run, block: usize, row: usize) -> Vec<f32> {
    run.blocks[block].heads.iter().flat_map(|h| h.weights.row(row).to_vec()).collect()
}

/// The worst differences found, by kind of number.
#[derive(Default)]
struct Worst {
    cross: f32,
    encoder: f32,
    decoder: f32,
    probability: f32,
}

fn check_case(name: &str, model: &Seq2Seq, case: &Value, worst: &mut Worst) {
    let input = case["input"].as_str().unwrap();
    let run = model.translate(input).unwrap_or_else(|e| panic!("{name}: {input:?}: {e}"));
    let what = format!("{name}: {input:?}");
    let source = &run.sequences[0];
    assert_eq!(source.role, Role::Source);
    let texts: Vec<String> = source.tokens.iter().map(|t| t.text.clone()).collect();
    assert_eq!(texts, strings(&case["source"]["tokens"]), "{what}: source tokens");
    let source_ids: Vec<u32> = source.tokens.iter().map(|t| t.id.unwrap()).collect();
    assert_eq!(source_ids, ids(&case["source"]["ids"]), "{what}: source ids");
    // The tokens read as <unk> are the ones the run names.
    let unknown: Vec<(usize, &str)> = run.translation.as_ref().unwrap().unknown.iter().map(|u| (u.index, u.text.as_str())).collect();
    let unk = model.config().unk_id;
    let want: Vec<(usize, &str)> =
        source_ids.iter().enumerate().filter(|(_, &id)| id == unk).map(|(i, _)| (i, texts[i].as_str())).collect();
    assert_eq!(unknown, want, "{what}: unknown tokens");

    let generation = run.generation.as_ref().unwrap();
    let output: Vec<u32> = generation.steps.iter().map(|s| s.id).collect();
    assert_eq!(output, ids(&case["output"]["ids"]), "{what}: greedy output");
    assert_eq!(generation.text, case["output"]["text"].as_str().unwrap(), "{what}: output text");
    let target = &run.sequences[1];
    assert_eq!(target.role, Role::Target);
    let target_texts: Vec<String> = target.tokens.iter().map(|t| t.text.clone()).collect();
    assert_eq!(target_texts, strings(&case["output"]["tokens"]), "{what}: target tokens");
    let ended = output.last() == Some(&model.config().eos_id);
    assert_eq!(generation.stopped, if ended { StopReason::EndOfText } else { StopReason::Steps });

    let architecture = model.config().architecture;
    let encoder_layers = model.config().transformer().map_or(0, |t| t.encoder_layers);
    for (i, (step, want)) in generation.steps.iter().zip(case["steps"].as_array().unwrap()).enumerate() {
        assert_eq!(step.position, i);
        assert_eq!(step.id, want["token_id"].as_u64().unwrap() as u32);
        // The ten most probable: the same probabilities, and the same ids wherever two
        // neighbours' probabilities differ by more than rounding can swap.
        let probabilities: Vec<f32> = step.top.iter().map(|c| c.probability).collect();
        let want_probabilities = flat(&want["top_probs"]);
        worst.probability = worst.probability.max(max_error(&probabilities, &want_probabilities, &what));
        let want_ids = ids(&want["top_ids"]);
        for (k, candidate) in step.top.iter().enumerate() {
            if candidate.id != want_ids[k] {
                let p = want_probabilities[k];
                let swappable = want_probabilities.iter().any(|&q| q != p && (q - p).abs() <= 1e-6 * p.max(q) + 1e-9);
                assert!(swappable, "{what}: step {i} candidate {k} is {} where the reference has {}", candidate.id, want_ids[k]);
            }
        }
        match architecture {
            Seq2SeqArchitecture::GruAdditive => {
                worst.cross = worst.cross.max(max_error(&rows(&run, 0, i), &flat(&want["cross_attention"]), &what));
                assert_eq!(step.context.as_ref().unwrap().len(), model.config().gru().unwrap().annotation());
            }
            Seq2SeqArchitecture::Gru => {
                assert!(want["cross_attention"].is_null());
                assert_eq!(step.state.as_ref().unwrap().len(), model.config().gru().unwrap().decoder_hidden);
            }
            Seq2SeqArchitecture::Transformer => {
                let layers = model.config().transformer().unwrap().decoder_layers;
                let got: Vec<f32> = (0..layers).flat_map(|l| rows(&run, encoder_layers + 2 * l + 1, i)).collect();
                worst.cross = worst.cross.max(max_error(&got, &flat(&want["cross_attention"]), &what));
            }
        }
    }
    if architecture == Seq2SeqArchitecture::Transformer {
        let encoder: Vec<f32> =
            run.blocks[..encoder_layers].iter().flat_map(|b| b.heads.iter().flat_map(|h| h.weights.iter().copied())).collect();
        worst.encoder = worst.encoder.max(max_error(&encoder, &flat(&case["encoder_self_attention"]), &what));
        let decoder: Vec<f32> = run.blocks[encoder_layers..]
            .iter()
            .filter(|b| b.kind == BlockKind::Causal)
            .flat_map(|b| b.heads.iter().flat_map(|h| h.weights.iter().copied()))
            .collect();
        worst.decoder = worst.decoder.max(max_error(&decoder, &flat(&case["decoder_self_attention"]), &what));
    }
}

#[test]
fn greedy_translations_equal_the_reference_step_by_step() {
    let fixtures = fixtures();
    let names: Vec<&str> = fixtures.iter().map(|(n, _, _)| n.as_str()).collect();
    for expected in ["dates-gru-additive", "dates-gru", "dates-transformer"] {
        assert!(names.contains(&expected), "no fixture of {expected}: {names:?}");
    }
    for (name, json, model) in &fixtures {
        let mut worst = Worst::default();
        for case in json["cases"].as_array().unwrap() {
            check_case(name, model, case, &mut worst);
        }
        let Worst { cross, encoder, decoder, probability } = worst;
        eprintln!(
            "{name}: max abs error: cross-attention {cross:.1e}, encoder self-attention {encoder:.1e}, \
             decoder self-attention {decoder:.1e}, top-10 probabilities {probability:.1e}"
        );
        for (what, error) in [("cross-attention", cross), ("encoder self-attention", encoder), ("decoder self-attention", decoder)] {
            assert!(error <= TOLERANCE, "{name}: {what} differs by {error}");
        }
        assert!(probability <= TOLERANCE, "{name}: top-10 probabilities differ by {probability}");
    }
}

#[test]
fn runs_have_the_architectures_blocks() {
    for (name, json, model) in fixtures() {
        let run = model.translate(json["cases"][0]["input"].as_str().unwrap()).unwrap();
        assert_eq!(run.source.kind, SourceKind::EncoderDecoder);
        let (s, t) = (run.sequences[0].tokens.len(), run.sequences[1].tokens.len());
        let translation = run.translation.as_ref().unwrap();
        let kinds: Vec<(BlockKind, usize, usize, usize)> = run.blocks.iter().map(|b| (b.kind, b.queries, b.keys, b.heads.len())).collect();
        match model.config().architecture {
            Seq2SeqArchitecture::GruAdditive => {
                assert_eq!(kinds, [(BlockKind::Cross, 1, 0, 1)], "{name}");
                assert_eq!(run.blocks[0].shape(), (t, s));
                assert_eq!(translation.no_attention, None);
            }
            Seq2SeqArchitecture::Gru => {
                assert!(kinds.is_empty(), "{name}");
                assert_eq!(
                    translation.no_attention.as_deref(),
                    Some("this model has no attention: the decoder sees only the final encoder state")
                );
            }
            Seq2SeqArchitecture::Transformer => {
                let sizes = model.config().transformer().unwrap();
                let h = sizes.heads;
                let mut want = vec![(BlockKind::SelfAttention, 0, 0, h); sizes.encoder_layers];
                for _ in 0..sizes.decoder_layers {
                    want.extend([(BlockKind::Causal, 1, 1, h), (BlockKind::Cross, 1, 0, h)]);
                }
                assert_eq!(kinds, want, "{name}");
                let shapes: Vec<(usize, usize)> = run.blocks.iter().map(|b| b.shape()).collect();
                assert!(shapes[..sizes.encoder_layers].iter().all(|&d| d == (s, s)));
                assert!(shapes[sizes.encoder_layers..].chunks(2).all(|pair| pair == [(t, t), (t, s)]));
                // The causal blocks' masks hide later steps and their weights there are zero.
                let causal = &run.blocks[sizes.encoder_layers];
                assert!(t > 1 && causal.summary().masked);
                assert!(causal.heads.iter().all(|h| h.weights.indexed_iter().all(|((i, j), &w)| j <= i || w == 0.0)));
            }
        }
        // Each block's breakdown reproduces its weights.
        for (b, block) in run.blocks.iter().enumerate() {
            let rows = block.shape().0;
            let breakdown = run.breakdown(b, 0, rows - 1).unwrap();
            let err = max_error(&breakdown.breakdown.weights, &block.heads[0].weights.row(rows - 1).to_vec(), name.as_str());
            assert!(err < 1e-6, "{name}: block {b}: {err}");
        }
        // A step's attentions: its row of every block over the target.
        let per_step: usize =
            run.blocks.iter().filter(|b| b.queries == 1).map(|b| b.heads.len() * if b.kind == BlockKind::Causal { 1 } else { s }).sum();
        assert_eq!(run.step_attentions(0).unwrap().len(), per_step, "{name}");
        assert!(run.step_attentions(t).is_err());
    }
}

#[test]
fn the_gru_additive_head_is_the_models_own_score_function() {
    let model = Seq2Seq::from_dir(&root().join("trained/dates-gru-additive")).unwrap();
    let run = model.translate("29 November 2026").unwrap();
    let head = run.head(0, 0).unwrap();
    assert_eq!((head.scale, head.temperature), (1.0, 1.0));
    assert_eq!(head.score.term_label(), "v ∘ tanh(W₁q + W₂k + b)");
    // The head's queries are the decoder states before each step, its keys and values the
    // encoder states: its output is each step's context vector, and its first query the state
    // the decoder starts from.
    let generation = run.generation.as_ref().unwrap();
    let output = head.output();
    for (i, step) in generation.steps.iter().enumerate() {
        let err = max_error(&output.row(i).to_vec(), step.context.as_ref().unwrap(), "context");
        assert!(err < 1e-5, "step {i}: {err}");
        if i + 1 < generation.steps.len() {
            assert_eq!(head.q.row(i + 1).to_vec(), *step.state.as_ref().unwrap(), "step {i}'s state is the next query");
        }
    }
    // The breakdown's terms add up to the scores the weights came from.
    let breakdown = run.breakdown(0, 0, 3).unwrap().breakdown;
    for (terms, score) in breakdown.terms.iter().zip(&breakdown.scores) {
        assert!((terms.iter().sum::<f32>() - score).abs() < 1e-4);
    }
    assert_eq!(breakdown.terms[0].len(), model.config().gru().unwrap().attention.unwrap());
}

#[test]
fn the_loaded_model_and_the_session_translate() {
    use attention_playground::session::{RunRequest, Session};
    let folder = root().join("trained/dates-transformer");
    let model = LoadedModel::from_dir(&folder).unwrap();
    let info = model.info();
    assert_eq!((info.architecture, info.kind, info.layers, info.heads, info.d_k), ("transformer", SourceKind::EncoderDecoder, 2, 4, 16));
    assert_eq!((info.vocab_size, info.max_positions, info.hidden), (45, 48, 64));
    assert_eq!(model.name(), "dates-transformer");
    assert_eq!(model.tokenize("3/3/99").tokens.len(), 7);
    let mut session = Session::new();
    session.set_model(Some(model));
    let run = session.run(&RunRequest::Model { text: "3/3/1999".into() }).unwrap();
    assert_eq!(run.generation.as_ref().unwrap().text, "1999-03-03");
    let err =
        session.run(&RunRequest::Generate { text: "3/3/1999".into(), steps: 3, temperature: None, top_k: None, seed: None }).unwrap_err();
    assert!(err.to_string().contains("is an encoder–decoder"), "{err}");
    assert_eq!(err.field(), Some(attention_playground::Field::Model));
}

#[test]
fn the_committed_folders_load_by_files_as_the_page_gives_them() {
    let folder = |name: &str| root().join("trained").join(name);
    for name in ["dates-gru-additive", "dates-gru", "dates-transformer"] {
        let read = |file: &str| std::fs::read(folder(name).join(file)).unwrap();
        let text = |file: &str| String::from_utf8(read(file)).unwrap();
        let model = LoadedModel::from_files(&text("config.json"), None, Some(&text("vocab.json")), &read("model.safetensors")).unwrap();
        assert!(model.seq2seq().is_some() && model.encoder().is_none() && model.decoder().is_none());
        let parameters = model.info().parameters;
        // Every tensor is read: the file's size is its header and the F32 values.
        let size = std::fs::metadata(folder(name).join("model.safetensors")).unwrap().len() as usize;
        assert!(parameters * 4 < size && size - parameters * 4 < 16_384, "{name}: {parameters} parameters in {size} bytes");
    }
}
