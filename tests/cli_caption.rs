//! `attn caption`: the shipped shapes-captioner describes a held-out scene
//! (`tests/fixtures/trained/shapes-scene.png`); its words and every cross-attention equal
//! PyTorch's (`tests/fixtures/trained/shapes-captioner.json`), the readable report names the
//! caption and where each word looked, and a model that is not a captioner, a file that is not a
//! picture and a layer out of range get one message each.
#![cfg(feature = "cli")]

mod cli_common;

use cli_common::{fails, json, ok, repo, temp_file};
use serde_json::Value;

fn scene() -> String {
    repo("tests/fixtures/trained/shapes-scene.png").to_str().unwrap().to_owned()
}

/// Every number of a nested list, in order.
fn flat(x: &Value) -> Vec<f64> {
    match x {
        Value::Array(items) => items.iter().flat_map(flat).collect(),
        other => vec![other.as_f64().unwrap()],
    }
}

#[test]
fn the_caption_and_its_cross_attentions_equal_pytorch() {
    let text = std::fs::read_to_string(repo("tests/fixtures/trained/shapes-captioner.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let reference = &fixture["references"][0];
    let scene = scene();
    let v = json(&["caption", "--image", &scene, "--json"]);
    assert_eq!(v["model"]["name"], "shapes-captioner");
    assert_eq!(v["model"]["kind"], "captioner");
    assert_eq!(v["patches"], serde_json::json!({"rows": 8, "columns": 8, "patchSize": 4, "imageSize": 32, "prefix": 1}));
    assert_eq!(v["tokens"].as_array().unwrap().len(), 65);
    let words: Vec<&str> = reference["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(v["caption"], words.join(" "));
    let written: Vec<&str> = v["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert_eq!(written[..words.len()], words[..]);
    assert_eq!(written.last(), Some(&"<eos>"));
    assert_eq!(v["steps"].as_array().unwrap().len(), written.len());
    // [layer][head][word][token]: the decoder's layers and heads, a row per word, [CLS] and 64 patches.
    let cross = &v["cross_attentions"];
    assert_eq!(cross[0][0].as_array().unwrap().len(), written.len());
    assert_eq!(cross[0][0][0].as_array().unwrap().len(), 65);
    let (ours, theirs) = (flat(cross), flat(&reference["cross_attentions"]));
    assert_eq!(ours.len(), theirs.len());
    let worst = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-4, "cross-attention differs from PyTorch's by {worst}");
    assert_eq!(v["encoder_attentions"].as_array().unwrap().len(), 2);
    assert_eq!(v["decoder_attentions"][0][0].as_array().unwrap().len(), written.len());
}

#[test]
fn the_report_names_the_caption_and_where_each_word_looked() {
    let scene = scene();
    let out = ok(&["caption", "--model", "shapes-captioner", "--image", &scene, "--head", "3"]);
    assert!(
        out.starts_with(
            "shapes-captioner (vision encoder–decoder: a ViT of 2 layers × 4 heads, a Transformer decoder of 1 layer × 4 heads"
        ),
        "{out}"
    );
    assert!(out.contains("caption: a red triangle above a blue square"), "{out}");
    assert!(out.contains("cross-attention, decoder layer 0, head 3"), "{out}");
    let noun = out.lines().find(|l| l.trim_start().starts_with("triangle")).expect("a line for the noun");
    // The word's strongest patches are in the top rows, where the red triangle is drawn.
    let strongest = noun.split(")  ").nth(1).unwrap().split(", ").next().unwrap();
    assert!(strongest.starts_with("r0c") || strongest.starts_with("r1c") || strongest.starts_with("r2c"), "{noun}");
}

#[test]
fn wrong_models_files_and_layers_get_one_message_each() {
    let scene = scene();
    fails(&["caption", "--model", "digits-vit", "--image", &scene], "", "digits-vit is a vision model, which does not describe pictures");
    let text = temp_file("not a picture");
    fails(&["caption", "--image", text.to_str().unwrap()], "", "");
    fails(&["caption", "--image", &scene, "--layer", "1"], "", "--layer");
    fails(&["model", "--model", "shapes-captioner", "--text", "hello"], "", "shapes-captioner is a captioner");
    fails(
        &["model", "--model", "shapes-captioner", "--image", &scene],
        "",
        "shapes-captioner is a captioner: attn caption --model shapes-captioner",
    );
}
