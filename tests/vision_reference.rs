//! Vision transformers against transformers (eager attention) on the random tiny models of
//! `training/make_vision_fixtures.py` (ViT, DeiT with its teacher's two classifiers, DeiT with one on
//! `[CLS]`): for pictures at the model's size, larger, smaller, half
//! transparent and grey, the pixel values (PIL's resize, crop, rescale and normalise), every
//! attention map, the attention rollout (computed in NumPy) and the five most probable classes.

use std::path::{Path, PathBuf};

use attention_playground::model::vit::image::pixel_values;
use attention_playground::model::LoadedModel;
use attention_playground::rollout::rollout;
use attention_playground::run::{Role, SourceKind};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    images: std::collections::BTreeMap<String, Picture>,
}

#[derive(Deserialize)]
struct Picture {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
    pixel_values: Vec<f32>,
    attentions: Vec<Vec<Vec<Vec<f32>>>>,
    rollout: Vec<Vec<Vec<f32>>>,
    top: Vec<Class>,
}

#[derive(Deserialize)]
struct Class {
    index: usize,
    label: String,
    probability: f32,
}

fn folder(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vision").join(name)
}

fn expected(name: &str) -> Expected {
    serde_json::from_str(&std::fs::read_to_string(folder(name).join("expected.json")).unwrap()).unwrap()
}

/// The largest difference between two nested lists flattened.
fn worst(a: impl IntoIterator<Item = f32>, b: impl IntoIterator<Item = f32>) -> f32 {
    a.into_iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn check(name: &str, prefix: &[&str]) {
    let model = LoadedModel::from_dir(&folder(name)).unwrap();
    let vit = model.vision().expect("a vision model");
    assert_eq!(model.info().kind, SourceKind::Vision);
    for (picture, want) in expected(name).images {
        let values = pixel_values(want.width, want.height, &want.rgba, vit.preprocessor()).unwrap();
        let diff = worst(values.iter().copied(), want.pixel_values.iter().copied());
        assert!(diff < 1e-5, "{name} {picture}: pixel values differ by {diff}");

        let run = model.forward_image(want.width, want.height, &want.rgba).unwrap();
        assert_eq!(run.sequences[0].role, Role::Patches);
        let tokens: Vec<&str> = run.sequences[0].tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(&tokens[..prefix.len()], prefix, "{name}");
        assert_eq!(tokens[prefix.len()], "r0c0");
        assert_eq!(run.blocks.len(), want.attentions.len());
        for (block, layer) in run.blocks.iter().zip(&want.attentions) {
            assert_eq!(block.heads.len(), layer.len());
            for (h, (head, expected)) in block.heads.iter().zip(layer).enumerate() {
                let diff = worst(head.weights.iter().copied(), expected.iter().flatten().copied());
                assert!(diff < 1e-4, "{name} {picture}: layer {} head {h} differs by {diff}", block.layer);
            }
        }
        // The player's projection stages: each block keeps the normalised rows its projections read,
        // and its heads' outputs times W_O.
        let step = run.breakdown(1, 0, 0).unwrap();
        let (projection, combined) = (step.projection.expect("inputs kept"), step.combined.expect("output kept"));
        assert_eq!((projection.input.len(), projection.key_inputs.len(), combined.output.len()), (run.d_model, tokens.len(), run.d_model));
        let mean = projection.input.iter().sum::<f32>() / run.d_model as f32;
        assert!(mean.abs() < 0.5, "{name} {picture}: the projections read layer-normalised rows");
        let rolled = rollout(&run, 0).unwrap();
        for (ours, theirs) in rolled.iter().zip(&want.rollout) {
            let diff = worst(ours.iter().copied(), theirs.iter().flatten().copied());
            assert!(diff < 1e-4, "{name} {picture}: rollout differs by {diff}");
        }
        let prediction = run.vision.as_ref().and_then(|v| v.prediction.as_ref()).expect("a classifier");
        for (ours, theirs) in prediction.top.iter().zip(&want.top) {
            assert_eq!((ours.index, ours.label.as_str()), (theirs.index, theirs.label.as_str()), "{name} {picture}");
            assert!((ours.probability - theirs.probability).abs() < 1e-4, "{name} {picture}");
        }
    }
}

#[test]
fn vit_matches_transformers_at_every_size() {
    check("tiny-vit", &["[CLS]"]);
}

#[test]
fn deit_with_its_distillation_token_and_centre_crop_matches_transformers() {
    check("tiny-deit", &["[CLS]", "[DIST]"]);
}

#[test]
fn deit_without_a_teacher_classifies_its_class_token_alone() {
    // DeiTForImageClassification: [DIST] is still in the sequence, but one classifier reads [CLS]
    // (averaging in a [DIST] answer, as the distilled model does, would move every probability).
    check("tiny-deit-cls", &["[CLS]", "[DIST]"]);
}

#[test]
fn files_that_do_not_fit_are_refused_by_name() {
    let dir = folder("tiny-vit");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (config, preprocessor) = (read("config.json"), read("preprocessor_config.json"));
    let weights = std::fs::read(dir.join("model.safetensors")).unwrap();
    let load = |config: &str, preprocessor: Option<&str>, weights: &[u8]| {
        LoadedModel::from_files(config, preprocessor, None, weights).map(|_| ()).unwrap_err().to_string()
    };
    let other_size = preprocessor.replace("\"height\": 32", "\"height\": 28").replace("\"width\": 32", "\"width\": 28");
    assert_eq!(
        load(&config, Some(&other_size), &weights),
        "preprocessor_config.json: it gives 28 × 28 pictures, but the model reads 32 × 32 (config.json's image_size)"
    );
    assert!(load(&config, None, &weights).starts_with("preprocessor_config.json: missing"));
    let huge = config.replace("\"image_size\": 32", "\"image_size\": 4294967328");
    assert!(load(&huge, Some(&preprocessor), &weights).contains("image_size must be a whole number from 1 to 4096"));
    let deit = config
        .replace("\"model_type\": \"vit\"", "\"model_type\": \"deit\"")
        .replace("ViTForImageClassification", "DeiTForImageClassification");
    assert_eq!(
        load(&deit, Some(&preprocessor), &weights),
        "model.safetensors has no tensor deit.embeddings.cls_token: the weights do not match config.json"
    );
    let wider = config.replace("\"hidden_size\": 32", "\"hidden_size\": 36");
    assert!(load(&wider, Some(&preprocessor), &weights)
        .contains("vit.embeddings.cls_token has shape [1, 1, 32], but config.json implies [1, 1, 36]"));
    let model = LoadedModel::from_dir(&dir).unwrap();
    let err = model.forward_image(3, 2, &[0; 23]).unwrap_err().to_string();
    assert_eq!(err, "image: a 3 × 2 picture has 24 RGBA bytes, not 23");
    assert!(model.forward_image(4097, 1, &[0; 4097 * 4]).unwrap_err().to_string().contains("each side must be from 1 to 4096"));
    assert!(model.generate("a", 1, Default::default()).unwrap_err().to_string().contains("vision model"));
}
