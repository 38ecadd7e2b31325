//! `attn model --image` and `attn render --image`: a vision model on PNG pictures written here
//! from the digits-vit fixture's held-out digits (RGB, grey, with transparency), its prediction
//! and attentions equal to transformers' (`tests/fixtures/trained/digits-vit.json`), the rollout,
//! the overlay figure as SVG and PNG, and one message for a file that is not a PNG, a picture too
//! large, a text model given a picture and options that do not go with a picture.
#![cfg(feature = "cli")]

mod cli_common;

use std::path::PathBuf;

use cli_common::{attn, fails, json, ok, repo, stderr, temp_path, usage_error};
use serde_json::Value;

/// The fixture's pictures: (name, truth, width, height, RGBA, expected JSON).
fn fixture() -> Vec<Value> {
    let text = std::fs::read_to_string(repo("tests/fixtures/trained/digits-vit.json")).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value["pictures"].as_array().unwrap().clone()
}

fn rgba(picture: &Value) -> Vec<u8> {
    picture["rgba"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect()
}

/// Writes `width × height` pixels (`channels` bytes each) as a PNG of `color`.
fn png(width: u32, height: u32, color: png::ColorType, pixels: &[u8]) -> PathBuf {
    let path = temp_path("png");
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header().unwrap().write_image_data(pixels).unwrap();
    path
}

fn as_str(path: &std::path::Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn predictions_and_attentions_equal_transformers() {
    let mut checked = 0;
    for picture in fixture() {
        let (w, h) = (picture["width"].as_u64().unwrap() as u32, picture["height"].as_u64().unwrap() as u32);
        let path = png(w, h, png::ColorType::Rgba, &rgba(&picture));
        let v = json(&["model", "--model", "digits-vit", "--image", as_str(&path), "--json"]);
        assert_eq!(v["patches"], serde_json::json!({"rows": 4, "columns": 4, "patchSize": 4, "imageSize": 16, "prefix": 1}));
        assert_eq!(v["tokens"].as_array().unwrap().len(), 17);
        assert_eq!((&v["tokens"][0], &v["tokens"][16]), (&Value::from("[CLS]"), &Value::from("r3c3")));
        assert_eq!(v["prediction"]["label"], picture["truth"], "{}", picture["name"]);
        let (ours, theirs) = (v["prediction"]["probability"].as_f64().unwrap(), picture["top"][0]["probability"].as_f64().unwrap());
        assert!((ours - theirs).abs() < 1e-4, "{}", picture["name"]);
        assert_eq!(v["prediction"]["top"].as_array().unwrap().len(), 5);
        assert_eq!(v["rollout"].as_array().unwrap().len(), 3);
        if let Some(expected) = picture.get("attentions") {
            let flat = |x: &Value| -> Vec<f64> {
                let mut out = Vec::new();
                fn walk(x: &Value, out: &mut Vec<f64>) {
                    match x {
                        Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                        other => out.push(other.as_f64().unwrap()),
                    }
                }
                walk(x, &mut out);
                out
            };
            let (a, b) = (flat(&v["attentions"]), flat(expected));
            assert_eq!(a.len(), 3 * 4 * 17 * 17);
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-4), "{}", picture["name"]);
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}

#[test]
fn grey_and_transparent_pictures_are_read_with_a_note() {
    let picture = &fixture()[3]; // a 2 at 64 × 64
    let pixels = rgba(picture);
    let grey: Vec<u8> = pixels.chunks_exact(4).map(|p| p[0]).collect();
    let path = png(64, 64, png::ColorType::Grayscale, &grey);
    let o = attn(&["model", "--image", as_str(&path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "note: the picture is grey: each pixel's grey is read as red, green and blue alike\n");
    let out = cli_common::stdout(&o);
    assert!(out.starts_with("digits-vit (vit): 3 layers × 4 heads, d_model 48"), "{out}");
    assert!(out.contains("64 × 64 grey → 16 × 16; 4 × 4 patches of 4 pixels (17 tokens: [CLS], then r0c0 … r3c3 row by row)"), "{out}");
    assert!(out.contains("\nprediction: 2 ("), "{out}");
    // Ink on a transparent page: the paper becomes white, so the digit reads the same.
    let ink: Vec<u8> = pixels.chunks_exact(4).flat_map(|p| [0, 0, 0, 255 - p[0]]).collect();
    let path = png(64, 64, png::ColorType::Rgba, &ink);
    let o = attn(&["model", "--image", as_str(&path), "--layer", "2", "--head", "0", "--query", "16"]);
    assert!(stderr(&o).contains("transparent pixels: they are put on white first"), "{}", stderr(&o));
    let out = cli_common::stdout(&o);
    assert!(out.contains("\nprediction: 2 (") && out.contains("layer 2, head 0: r3c3 → the patches (and [CLS] "), "{out}");
    assert!(out.contains("* the query's own patch"), "{out}");
}

#[test]
fn the_overlay_is_drawn_as_svg_and_png() {
    let picture = &fixture()[9]; // a 7 at 64 × 64
    let path = png(64, 64, png::ColorType::Rgba, &rgba(picture));
    let svg = temp_path("svg");
    let out = ok(&["render", "--image", as_str(&path), "--layer", "2", "--head", "1", "--svg", as_str(&svg)]);
    assert!(out.starts_with(&format!("wrote {}", svg.display())), "{out}");
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses");
    let title = doc.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap();
    assert_eq!(title, "Attention of [CLS] · layer 2 · head 1");
    let painted = doc.descendants().filter(|n| n.has_tag_name("rect") && n.attribute("fill-opacity") == Some("0.72")).count();
    assert_eq!(painted, 16, "one painted square per patch");
    assert!(text.contains("prediction 7 ("), "the caption names the prediction");
    let image = temp_path("png");
    ok(&["render", "--image", as_str(&path), "--rollout", "--query", "5", "--png", as_str(&image)]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&image).unwrap()));
    let info = decoder.read_info().unwrap().info().clone();
    assert!(info.width > 1000 && info.height > 800, "{} × {}", info.width, info.height);
}

#[test]
fn pictures_and_models_that_cannot_be_read_are_named() {
    let not_png = temp_path("png");
    std::fs::write(&not_png, "a few words, not a picture").unwrap();
    fails(&["model", "--image", as_str(&not_png)], "", "is not a PNG picture this tool can read");
    let huge = png(5000, 1, png::ColorType::Grayscale, &[255; 5000]);
    fails(&["model", "--image", as_str(&huge)], "", "is 5000 × 1 pixels: each side may be at most 4096");
    let small = png(2, 2, png::ColorType::Grayscale, &[0, 255, 255, 0]);
    let tiny = repo("tests/fixtures/model/tiny-bert").display().to_string();
    fails(
        &["model", "--model", &tiny, "--image", as_str(&small)],
        "",
        "tiny-bert is an encoder: --image needs a vision model (ViT or DeiT)",
    );
    fails(&["model", "--image", "/no/such/picture.png"], "", "/no/such/picture.png: ");
    fails(&["model", "--model", "digits-vit", "--text", "a cat"], "", "digits-vit is a vision model: give it a picture, not a text");
    usage_error(&["model", "--image", as_str(&small), "--text", "a cat"], "cannot be used with");
    usage_error(&["render", "--image", as_str(&small), "--view", "lines", "--svg", "x.svg"], "cannot be used with");
    fails(&["render", "--image", as_str(&small), "--head", "all", "--svg", "x.svg"], "", "the picture shows one head's attention");
    fails(&["render", "--image", as_str(&small), "--query", "17", "--svg", "x.svg"], "", "--query 17 does not exist");
}
