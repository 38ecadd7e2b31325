//! The trained shapes-captioner (`trained/shapes-captioner/`) in the core: on held-out scenes its
//! captions and every cross-attention map equal PyTorch's (`tests/fixtures/trained/
//! shapes-captioner.json`, from `training/make_captioner_fixtures.py`), and the two numbers its
//! evaluation wrote (exact captions; nouns whose cross-attention lies mostly on the object they
//! name) hold when the core recomputes them on 200 held-out scenes, and are the ones the model
//! card, docs/trained-models.md and the README state.

use std::path::Path;

use attention_playground::catalog::{self, CatalogKind};
use attention_playground::model::LoadedModel;
use attention_playground::run::{BlockKind, Role, Run, SourceKind};
use serde::Deserialize;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SHAPES: [&str; 3] = ["circle", "square", "triangle"];

#[derive(Deserialize)]
struct Fixture {
    sheet: Sheet,
    attention: String,
    scenes: Vec<Scene>,
    references: Vec<Reference>,
}

#[derive(Deserialize)]
struct Sheet {
    file: String,
    side: usize,
    columns: usize,
    count: usize,
}

#[derive(Deserialize)]
struct Scene {
    caption: Vec<String>,
    /// Each object's colour and shape.
    objects: Vec<[String; 2]>,
    /// Each object's patches (row-major in the grid).
    patches: Vec<Vec<usize>>,
}

#[derive(Deserialize)]
struct Reference {
    ids: Vec<u32>,
    words: Vec<String>,
    cross_attentions: Vec<Vec<Vec<Vec<f32>>>>,
}

#[derive(Deserialize)]
struct Evaluation {
    test_scenes: usize,
    exact_caption: f64,
    share_of_nouns_on_named_object: f64,
    attention: String,
}

fn read<T: serde::de::DeserializeOwned>(path: &str) -> T {
    serde_json::from_str(&std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap()).unwrap()
}

fn model() -> LoadedModel {
    let entry = catalog::find("shapes-captioner").expect("in the catalog");
    assert_eq!(entry.kind, CatalogKind::Captioner);
    LoadedModel::from_dir(&Path::new(ROOT).join(&entry.folder)).unwrap()
}

/// The sheet's scenes as RGBA bytes, one 64 × 64 picture each.
fn scenes(sheet: &Sheet) -> Vec<Vec<u8>> {
    let file = std::fs::File::open(Path::new(ROOT).join("tests/fixtures/trained").join(&sheet.file)).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().unwrap();
    let mut bytes = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut bytes).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    let width = info.width as usize;
    (0..sheet.count)
        .map(|i| {
            let (top, left) = (i / sheet.columns * sheet.side, i % sheet.columns * sheet.side);
            (0..sheet.side).flat_map(|y| bytes[((top + y) * width + left) * 4..][..sheet.side * 4].to_vec()).collect()
        })
        .collect()
}

/// The caption's words (without `<eos>`).
fn words(run: &Run) -> Vec<String> {
    run.sequences[1].tokens.iter().filter(|t| !t.special).map(|t| t.text.clone()).collect()
}

/// The cross-attention blocks' weights, [layer][head] → rows of [word][token].
fn cross(run: &Run) -> Vec<Vec<&ndarray::Array2<f32>>> {
    run.blocks.iter().filter(|b| b.kind == BlockKind::Cross).map(|b| b.heads.iter().map(|h| &h.weights).collect()).collect()
}

/// One word's row of cross-attention as the evaluation reads it: "layer L, head H", "layer L,
/// heads averaged" or "mean of all layers and heads".
fn reading(maps: &[Vec<&ndarray::Array2<f32>>], how: &str, word: usize) -> Vec<f32> {
    let chosen: Vec<&ndarray::Array2<f32>> = if how == "mean of all layers and heads" {
        maps.iter().flatten().copied().collect()
    } else {
        let parts: Vec<&str> = how.split(", ").collect();
        let layer: usize = parts[0].strip_prefix("layer ").expect("layer L").parse().unwrap();
        let heads = &maps[layer - 1];
        match parts[1].strip_prefix("head ") {
            Some(head) => vec![heads[head.parse::<usize>().unwrap() - 1]],
            None => heads.clone(),
        }
    };
    let mut row = vec![0.0; chosen[0].ncols()];
    for map in &chosen {
        for (sum, w) in row.iter_mut().zip(map.row(word)) {
            *sum += w / chosen.len() as f32;
        }
    }
    row
}

#[test]
fn shapes_captioner_writes_what_pytorch_writes() {
    let model = model();
    let info = model.info();
    assert_eq!((info.kind, info.architecture), (SourceKind::Captioner, "vision-encoder-decoder"));
    let fixture: Fixture = read("tests/fixtures/trained/shapes-captioner.json");
    let pictures = scenes(&fixture.sheet);
    assert_eq!(fixture.references.len(), 4);
    for (reference, rgba) in fixture.references.iter().zip(&pictures) {
        let run = model.forward_image(64, 64, rgba).unwrap();
        assert_eq!(run.source.kind, SourceKind::Captioner);
        assert_eq!(run.sequences.iter().map(|s| s.role).collect::<Vec<_>>(), [Role::Patches, Role::Target]);
        assert_eq!(run.sequences[0].tokens.len(), 65, "[CLS] and 8 × 8 patches");
        let ids: Vec<u32> = run.generation.as_ref().unwrap().steps.iter().map(|s| s.id).collect();
        assert_eq!(ids, reference.ids);
        assert_eq!(words(&run), reference.words);
        let maps = cross(&run);
        assert_eq!(maps.len(), reference.cross_attentions.len());
        for (layer, (ours, theirs)) in maps.iter().zip(&reference.cross_attentions).enumerate() {
            for (head, (a, b)) in ours.iter().zip(theirs).enumerate() {
                assert_eq!(a.dim(), (b.len(), b[0].len()));
                let diff = a.iter().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
                assert!(diff < 1e-4, "{:?}: layer {layer} head {head} differs by {diff}", reference.words);
            }
        }
        let blocks: Vec<(BlockKind, usize, usize)> = run.blocks.iter().map(|b| (b.kind, b.queries, b.keys)).collect();
        assert!(blocks.iter().take_while(|b| b.0 == BlockKind::SelfAttention).all(|b| (b.1, b.2) == (0, 0)));
        assert!(blocks.contains(&(BlockKind::Causal, 1, 1)) && blocks.contains(&(BlockKind::Cross, 1, 0)));
    }
}

#[test]
fn the_stated_numbers_hold_when_the_core_recomputes_them() {
    let eval: Evaluation = read("trained/shapes-captioner/eval.json");
    assert_eq!(eval.test_scenes, 2000);
    assert!(eval.exact_caption >= 0.95, "exact captions {}", eval.exact_caption);
    assert!(eval.share_of_nouns_on_named_object >= 0.9, "nouns on their object {}", eval.share_of_nouns_on_named_object);
    let text = |path: &str| std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let (card, doc) = (text("trained/shapes-captioner/README.md"), text("docs/trained-models.md"));
    for share in [eval.exact_caption, eval.share_of_nouns_on_named_object] {
        let stated = format!("{:.1}%", share * 100.0);
        assert!(card.contains(&stated) && doc.contains(&stated), "the model card and docs/trained-models.md state {stated}");
    }
    let overview = format!("`shapes-captioner`, {:.1}% exact captions on held-out scenes", eval.exact_caption * 100.0);
    assert!(text("README.md").contains(&overview), "the README states {overview}");
    let fixture: Fixture = read("tests/fixtures/trained/shapes-captioner.json");
    assert_eq!(fixture.attention, eval.attention);
    let model = model();
    let (mut exact, mut nouns, mut on_object) = (0, 0, 0);
    for (scene, rgba) in fixture.scenes.iter().zip(scenes(&fixture.sheet)) {
        let run = model.forward_image(64, 64, &rgba).unwrap();
        let written = words(&run);
        exact += usize::from(written == scene.caption);
        let maps = cross(&run);
        for (t, word) in written.iter().enumerate().filter(|(_, w)| SHAPES.contains(&w.as_str())) {
            nouns += 1;
            let colour = t.checked_sub(1).map_or("", |p| written[p].as_str());
            let Some(named) = scene.objects.iter().position(|[c, s]| c == colour && s == word) else { continue };
            let row = reading(&maps, &eval.attention, t);
            let sum = |patches: &[usize]| patches.iter().map(|p| row[1 + p]).sum::<f32>();
            let (mine, other) = (sum(&scene.patches[named]), sum(&scene.patches[1 - named]));
            let rest = row.iter().sum::<f32>() - mine - other;
            on_object += usize::from(mine > other && mine > rest);
        }
    }
    let count = fixture.scenes.len() as f64;
    let (exact, share) = (exact as f64 / count, on_object as f64 / nouns as f64);
    eprintln!("recomputed on {count} held-out scenes: {exact:.4} exact captions, {share:.4} of {nouns} nouns on their object");
    assert!(exact >= 0.95 && (exact - eval.exact_caption).abs() < 0.04, "exact captions {exact} (eval.json {})", eval.exact_caption);
    assert!(
        share >= 0.85 && (share - eval.share_of_nouns_on_named_object).abs() < 0.06,
        "nouns on their object {share} (eval.json {})",
        eval.share_of_nouns_on_named_object
    );
}
