//! The trained digits-vit (`trained/digits-vit/`) in the core: its classes on held-out digits
//! equal transformers' (`tests/fixtures/trained/digits-vit.json`, from
//! `training/make_digits_fixtures.py`), three pictures' attention maps and rollouts within 1e-4,
//! and the accuracy its evaluation wrote holds loosely. The rollout of a text encoder's run equals
//! NumPy's on the tiny BERT's reference attentions (`tests/fixtures/vision/text-rollout.json`).

use std::path::Path;

use attention_playground::catalog::{self, CatalogKind};
use attention_playground::model::LoadedModel;
use attention_playground::rollout::rollout;
use serde::Deserialize;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Deserialize)]
struct Fixture {
    pictures: Vec<Picture>,
}

#[derive(Deserialize)]
struct Picture {
    name: String,
    truth: String,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
    top: Vec<Class>,
    attentions: Option<Vec<Vec<Vec<Vec<f32>>>>>,
    rollout: Option<Vec<Vec<Vec<f32>>>>,
}

#[derive(Deserialize)]
struct Class {
    label: String,
    probability: f32,
}

fn read<T: serde::de::DeserializeOwned>(path: &str) -> T {
    serde_json::from_str(&std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()).unwrap()
}

fn worst<'a>(ours: impl Iterator<Item = &'a f32>, theirs: impl Iterator<Item = &'a f32>) -> f32 {
    ours.zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
}

#[test]
fn digits_vit_reads_held_out_digits_as_transformers_does() {
    let entry = catalog::find("digits-vit").expect("in the catalog");
    assert_eq!(entry.kind, CatalogKind::Vision);
    let model = LoadedModel::from_dir(&Path::new(ROOT).join(&entry.folder)).unwrap();
    let fixture: Fixture = read("tests/fixtures/trained/digits-vit.json");
    let mut compared = 0;
    for picture in &fixture.pictures {
        let run = model.forward_image(picture.width, picture.height, &picture.rgba).unwrap();
        let top = &run.vision.as_ref().unwrap().prediction.as_ref().unwrap().top;
        assert_eq!(top.len(), 5);
        for (ours, theirs) in top.iter().zip(&picture.top) {
            assert_eq!(ours.label, theirs.label, "{}", picture.name);
            assert!((ours.probability - theirs.probability).abs() < 1e-4, "{}", picture.name);
        }
        assert_eq!(top[0].label, picture.truth, "{}: the fixture's pictures are all read right", picture.name);
        if let (Some(attentions), Some(rolled)) = (&picture.attentions, &picture.rollout) {
            for (block, layer) in run.blocks.iter().zip(attentions) {
                for (head, expected) in block.heads.iter().zip(layer) {
                    let diff = worst(head.weights.iter(), expected.iter().flatten());
                    assert!(diff < 1e-4, "{}: layer {} differs by {diff}", picture.name, block.layer);
                }
            }
            for (ours, theirs) in rollout(&run, 0).unwrap().iter().zip(rolled) {
                assert!(worst(ours.iter(), theirs.iter().flatten()) < 1e-4, "{}: rollout", picture.name);
            }
            compared += 1;
        }
    }
    assert_eq!((fixture.pictures.len(), compared), (13, 3));
}

#[test]
fn the_stated_accuracy_holds_loosely() {
    #[derive(Deserialize)]
    struct Evaluation {
        test_count: usize,
        test_accuracy: f64,
        test_accuracy_drawn_large: f64,
        weights_bytes: usize,
    }
    let eval: Evaluation = read("trained/digits-vit/eval.json");
    assert_eq!(eval.test_count, 360);
    assert!(eval.test_accuracy >= 0.95, "test accuracy {}", eval.test_accuracy);
    assert!(eval.test_accuracy_drawn_large >= 0.9, "drawn large {}", eval.test_accuracy_drawn_large);
    assert!(eval.weights_bytes <= 2 * 1024 * 1024);
    let text = |path: &str| std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let (card, doc) = (text("trained/digits-vit/README.md"), text("docs/trained-models.md"));
    for share in [eval.test_accuracy, eval.test_accuracy_drawn_large] {
        let stated = format!("{:.1}%", share * 100.0);
        assert!(card.contains(&stated) && doc.contains(&stated), "the model card and docs/trained-models.md state {stated}");
    }
    let overview = format!("`digits-vit`, {:.1}% on held-out digits", eval.test_accuracy * 100.0);
    assert!(text("README.md").contains(&overview), "the README states {overview}");
}

#[test]
fn rollout_of_a_text_encoder_equals_numpy() {
    #[derive(Deserialize)]
    struct Cases {
        cases: Vec<Case>,
    }
    #[derive(Deserialize)]
    struct Case {
        text: String,
        rollout: Vec<Vec<Vec<f32>>>,
    }
    let model = LoadedModel::from_dir(&Path::new(ROOT).join("tests/fixtures/model/tiny-bert")).unwrap();
    let cases: Cases = read("tests/fixtures/vision/text-rollout.json");
    assert!(!cases.cases.is_empty());
    for case in &cases.cases {
        let run = model.forward(&case.text).unwrap();
        let ours = rollout(&run, 0).unwrap();
        assert_eq!(ours.len(), case.rollout.len());
        for (layer, (a, b)) in ours.iter().zip(&case.rollout).enumerate() {
            let diff = worst(a.iter(), b.iter().flatten());
            assert!(diff < 1e-4, "{:?}: layer {layer} differs by {diff}", case.text);
        }
    }
}
