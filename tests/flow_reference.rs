//! Attention flow (Abnar & Zuidema 2020) against networkx's maximum flows
//! (`training/make_flow_fixtures.py`, from the attention maps transformers computed): the tiny
//! BERT's texts, the random tiny ViT's pictures and the trained digits-vit's, every layer within
//! 1e-4. Rows sum to 1; a sequence beyond the limit is refused with a message, rollout is not.

use std::path::Path;

use attention_playground::flow::{flow, MAX_FLOW_TOKENS};
use attention_playground::model::LoadedModel;
use attention_playground::rollout::rollout;
use serde::Deserialize;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[derive(Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    model: String,
    text: Option<String>,
    picture: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    rgba: Option<Vec<u8>>,
    flow: Vec<Vec<Vec<f32>>>,
}

fn folder(model: &str) -> std::path::PathBuf {
    Path::new(ROOT).join(match model {
        "tiny-bert" => "tests/fixtures/model/tiny-bert",
        "tiny-vit" => "tests/fixtures/vision/tiny-vit",
        "digits-vit" => "trained/digits-vit",
        other => panic!("no folder for {other}"),
    })
}

#[test]
fn flow_equals_networkx_for_texts_and_pictures() {
    let cases: Cases =
        serde_json::from_str(&std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/vision/flow.json")).unwrap()).unwrap();
    let mut models = std::collections::HashMap::new();
    for model in ["tiny-bert", "tiny-vit", "digits-vit"] {
        assert!(cases.cases.iter().any(|c| c.model == model), "the fixture has a case of {model}");
        models.insert(model, LoadedModel::from_dir(&folder(model)).unwrap());
    }
    for case in &cases.cases {
        let model = &models[case.model.as_str()];
        let run = match (&case.text, &case.rgba) {
            (Some(text), _) => model.forward(text).unwrap(),
            (None, Some(rgba)) => model.forward_image(case.width.unwrap(), case.height.unwrap(), rgba).unwrap(),
            _ => panic!("a case has a text or a picture"),
        };
        let what = case.text.as_ref().or(case.picture.as_ref()).unwrap();
        let ours = flow(&run, 0).unwrap();
        assert_eq!(ours.len(), case.flow.len(), "{what}");
        for (layer, (a, b)) in ours.iter().zip(&case.flow).enumerate() {
            let diff = a.iter().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
            assert!(diff < 1e-4, "{} {what:?}: layer {layer} differs by {diff}", case.model);
            for row in a.rows() {
                assert!((row.sum() - 1.0).abs() < 1e-5);
            }
        }
    }
}

#[test]
fn flow_differs_from_rollout_and_a_long_sequence_is_refused() {
    let model = LoadedModel::from_dir(&folder("tiny-bert")).unwrap();
    let run = model.forward("the lazy dog").unwrap();
    let (f, r) = (flow(&run, 0).unwrap(), rollout(&run, 0).unwrap());
    // One layer: both are the layer's own (A + I) / 2; after two they part.
    assert!(f[0].iter().zip(r[0].iter()).all(|(a, b)| (a - b).abs() < 1e-6));
    assert!(f[1].iter().zip(r[1].iter()).any(|(a, b)| (a - b).abs() > 1e-3));
    let long = vec!["word"; MAX_FLOW_TOKENS].join(" ");
    let run = model.forward(&long).unwrap();
    let message = flow(&run, 0).unwrap_err().to_string();
    assert!(message.contains(&format!("at most {MAX_FLOW_TOKENS} tokens")), "{message}");
    assert!(rollout(&run, 0).is_ok());
}
