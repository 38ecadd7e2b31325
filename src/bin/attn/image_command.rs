//! `--image FILE.png` of `attn model` and `attn render`: a vision transformer (ViT, DeiT) on a
//! picture. `attn model` prints the patches, the prediction and, for the heads picked, a query's
//! attention over the grid of patches (or, with `--json`, every attention and the rollout);
//! `attn render` draws the picture with that attention painted over its patches.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use attention_playground::model::{LoadedModel, Vit};
use attention_playground::render::{overlay, Overlay, Scene};
use attention_playground::rollout::rollout;
use attention_playground::run::Run;
use attention_playground::vision::{ClassScore, Patches, Prediction};
use ndarray::ArrayView2;
use serde::Serialize;

use crate::args::selection;
use crate::error::{CliError, CliResult};
use crate::model_dir::{kind_phrase, ModelOptions};
use crate::picture::Picture;
use crate::report::count;

/// The model `--image` uses when `--model` is not given: the tiny ViT trained on digits.
pub const DEFAULT_VISION_MODEL: &str = "digits-vit";

/// A vision model's run on a picture file.
pub struct ImageRun {
    pub model: LoadedModel,
    pub file: PathBuf,
    pub picture: Picture,
    pub run: Run,
}

impl ImageRun {
    /// Reads the picture (first, so a file that is not one is named before any model loads),
    /// loads the model (`digits-vit` by default) and runs it.
    pub fn new(options: &ModelOptions, file: &Path) -> CliResult<ImageRun> {
        let picture = Picture::read(file)?;
        let default = ModelOptions { model: Some(PathBuf::from(DEFAULT_VISION_MODEL)) };
        let model = if options.model.is_some() { options } else { &default }.load()?;
        let Some(vit) = model.vision() else {
            if model.captioner().is_some() {
                return Err(CliError::new(format!(
                    "{} is a captioner: attn caption --model {0} --image {} describes the picture and shows where each word looked",
                    model.name(),
                    file.display()
                )));
            }
            return Err(CliError::new(format!(
                "{} is {}: --image needs a vision model (ViT or DeiT), such as {DEFAULT_VISION_MODEL}",
                model.name(),
                kind_phrase(model.info().kind)
            )));
        };
        let run = vit.forward_image(picture.width, picture.height, &picture.rgba)?;
        Ok(ImageRun { file: file.to_owned(), picture, run, model })
    }

    /// Says on stderr how the picture's colours were read (once the options are known to be good).
    fn notes(&self) {
        for note in self.picture.notes() {
            eprintln!("note: {note}");
        }
    }

    pub fn vit(&self) -> &Vit {
        self.model.vision().expect("checked when loaded")
    }

    pub fn patches(&self) -> &Patches {
        &self.run.vision.as_ref().expect("a vision run").patches
    }

    pub fn prediction(&self) -> Option<&Prediction> {
        self.run.vision.as_ref().and_then(|v| v.prediction.as_ref())
    }

    /// The query token `--query` names (0, `[CLS]`, when not given).
    pub fn query(&self, query: Option<usize>) -> CliResult<usize> {
        let tokens = &self.run.sequences[0].tokens;
        Ok(selection("--query", Some(query.unwrap_or(0)), tokens.len(), "token")?[0])
    }

    /// A token's name: `[CLS]`, `r2c3`.
    fn token(&self, i: usize) -> &str {
        &self.run.sequences[0].tokens[i].text
    }

    /// The (row, column) of token `i` when it is a patch.
    fn cell(&self, i: usize) -> Option<(usize, usize)> {
        let p = self.patches();
        i.checked_sub(p.prefix).map(|k| (k / p.columns, k % p.columns))
    }
}

/// A class as "3 (98.9%)".
fn class(c: &ClassScore) -> String {
    format!("{} ({:.1}%)", c.label, c.probability * 100.0)
}

/// The JSON of `attn model --image`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageJson<'a> {
    model: &'a str,
    architecture: &'static str,
    image: ImageFile<'a>,
    patches: &'a Patches,
    tokens: Vec<&'a str>,
    /// The most probable class, then the top five.
    prediction: Option<PredictionJson<'a>>,
    /// `[layer][head][query][key]` of the layers and heads picked.
    attentions: Vec<Vec<Rows<'a>>>,
    /// The rollout after each layer, `[layer][query][key]` (every layer).
    rollout: Vec<Vec<Vec<f32>>>,
}

#[derive(Serialize)]
struct ImageFile<'a> {
    file: String,
    width: u32,
    height: u32,
    kind: &'a str,
}

#[derive(Serialize)]
struct PredictionJson<'a> {
    label: &'a str,
    probability: f32,
    top: &'a [ClassScore],
}

/// A matrix as a list of its rows.
struct Rows<'a>(ArrayView2<'a, f32>);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows().into_iter().map(|row| row.to_vec()))
    }
}

/// `attn model --image`: the readable report or the JSON.
pub fn report(image: &ImageRun, layer: Option<usize>, head: Option<usize>, query: Option<usize>, json: bool) -> CliResult<()> {
    let run = &image.run;
    let info = image.model.info();
    let layers = selection("--layer", layer, run.layers(), "layer")?;
    let heads = selection("--head", head, info.heads, "head")?;
    let query = image.query(query)?;
    image.notes();
    crate::output::to_stdout(|out| {
        if json {
            let rolled = rollout(run, 0).map_err(io::Error::other)?;
            let value = ImageJson {
                model: image.model.name(),
                architecture: info.architecture,
                image: ImageFile {
                    file: image.file.display().to_string(),
                    width: image.picture.width,
                    height: image.picture.height,
                    kind: image.picture.kind,
                },
                patches: image.patches(),
                tokens: run.sequences[0].tokens.iter().map(|t| t.text.as_str()).collect(),
                prediction: image.prediction().and_then(|p| {
                    p.top.first().map(|best| PredictionJson { label: &best.label, probability: best.probability, top: &p.top })
                }),
                attentions: layers.iter().map(|&l| heads.iter().map(|&h| Rows(run.blocks[l].heads[h].weights.view())).collect()).collect(),
                rollout: rolled.iter().map(|r| r.rows().into_iter().map(|row| row.to_vec()).collect()).collect(),
            };
            return crate::output::json_line(out, &value);
        }
        readable(out, image, (layer.is_some() || head.is_some()).then_some((&layers[..], &heads[..])), query)
    })
}

fn readable(out: &mut dyn Write, image: &ImageRun, shown: Option<(&[usize], &[usize])>, query: usize) -> io::Result<()> {
    let info = image.model.info();
    let p = image.patches();
    writeln!(
        out,
        "{} ({}): {} × {}, d_model {}, d_k {}, {} parameters stored as {:?}",
        image.model.name(),
        info.architecture,
        count(info.layers, "layer"),
        count(info.heads, "head"),
        info.hidden,
        info.d_k,
        info.parameters,
        info.dtype
    )?;
    let tokens = &image.run.sequences[0].tokens;
    let prefix: Vec<&str> = tokens[..p.prefix].iter().map(|t| t.text.as_str()).collect();
    writeln!(
        out,
        "picture: {}, {} × {} {} → {} × {}; {} × {} patches of {} pixels ({}: {}, then r0c0 … r{}c{} row by row)",
        image.file.display(),
        image.picture.width,
        image.picture.height,
        image.picture.kind,
        p.image_size,
        p.image_size,
        p.rows,
        p.columns,
        p.patch_size,
        count(tokens.len(), "token"),
        prefix.join(", "),
        p.rows - 1,
        p.columns - 1
    )?;
    if let Some(prediction) = image.prediction() {
        let rest: Vec<String> = prediction.top.iter().skip(1).map(class).collect();
        writeln!(out, "prediction: {}; then {}", class(&prediction.top[0]), rest.join(", "))?;
    }
    writeln!(out)?;
    let Some((layers, heads)) = shown else {
        let (l, h) = (image.run.layers(), info.heads);
        return writeln!(
            out,
            "{} heads ({} × {}, counted from 0): print [CLS]'s attention over the patches with --layer L and/or --head H (another query with --query I), every attention and the rollout with --json",
            l * h,
            count(l, "layer"),
            count(h, "head")
        );
    };
    for &l in layers {
        for &h in heads {
            let row = image.run.blocks[l].heads[h].weights.row(query);
            let own: Vec<String> = (0..p.prefix).map(|k| format!("{} {:.2}", image.token(k), row[k])).collect();
            writeln!(out, "layer {l}, head {h}: {} → the patches (and {})", image.token(query), own.join(", "))?;
            write!(out, "    ")?;
            for c in 0..p.columns {
                write!(out, "{:>6}", format!("c{c} "))?;
            }
            writeln!(out)?;
            for r in 0..p.rows {
                write!(out, "{:<4}", format!("r{r}"))?;
                for c in 0..p.columns {
                    let k = p.prefix + r * p.columns + c;
                    let mark = if k == query { "*" } else { " " };
                    write!(out, "{:>6}", format!("{:.2}{mark}", row[k]))?;
                }
                writeln!(out)?;
            }
            writeln!(out)?;
        }
    }
    if image.cell(query).is_some() {
        writeln!(out, "* the query's own patch")?;
    }
    Ok(())
}

/// What `attn render --image` paints: one head's attention, or the rollout through a layer.
pub struct Painting {
    pub layer: Option<usize>,
    pub head: usize,
    pub query: Option<usize>,
    pub rollout: bool,
    pub title: Option<String>,
}

/// The overlay figure of `attn render --image`.
pub fn scene(image: &ImageRun, what: &Painting) -> CliResult<Scene> {
    let run = &image.run;
    let p = image.patches();
    let query = image.query(what.query)?;
    let last = run.layers() - 1;
    let layer = selection("--layer", Some(what.layer.unwrap_or(if what.rollout { last } else { 0 })), run.layers(), "layer")?[0];
    let (row, kind) = if what.rollout {
        (rollout(run, 0)?[layer].row(query).to_vec(), format!("through layer {layer}"))
    } else {
        let head = selection("--head", Some(what.head), run.blocks[layer].heads.len(), "head")?[0];
        (run.blocks[layer].heads[head].weights.row(query).to_vec(), format!("layer {layer} · head {head}"))
    };
    let own: Vec<String> = (0..p.prefix).map(|k| format!("{} {:.2}", image.token(k), row[k])).collect();
    image.notes();
    let picture = image.vit().picture(image.picture.width, image.picture.height, &image.picture.rgba)?;
    let prediction = image.prediction().and_then(|pr| pr.top.first()).map_or(String::new(), |c| format!(" · prediction {}", class(c)));
    let name = image.file.file_name().map_or_else(|| image.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let caption = format!(
        "{} on {name} ({} × {} as the model reads it){prediction} · {} → {} patches · not drawn: {} · colours stretched to the largest patch weight",
        image.model.name(),
        picture.width,
        picture.height,
        image.token(query),
        p.rows * p.columns,
        own.join(", ")
    );
    let title = what.title.clone().unwrap_or_else(|| {
        let of = if what.rollout { "Attention rollout" } else { "Attention" };
        format!("{of} of {} · {kind}", image.token(query))
    });
    let spec = Overlay {
        picture: &picture.data,
        width: picture.width,
        height: picture.height,
        rows: p.rows,
        columns: p.columns,
        patch: p.patch_size,
        weights: &row[p.prefix..],
        query: image.cell(query),
        title: &title,
        caption: &caption,
    };
    overlay(&spec).map_err(|e| CliError::new(e.to_string()))
}
