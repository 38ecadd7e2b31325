//! `attn translate`: one of the project's encoder–decoders translates a text greedily. Prints the
//! translation, the source words or characters the model does not know, and the alignment of one
//! cross-attention head (target steps as rows, source tokens as columns); a model without
//! attention says it has none. With `--json`: the tokens of both sides, the translation, every
//! step's ten most probable tokens, and every attention the run has.

use std::io::{self, Write};
use std::path::Path;

use attention_playground::generation::{GenerationStep, StopReason};
use attention_playground::model::seq2seq::config::Unit;
use attention_playground::model::{LoadedModel, Seq2Seq};
use attention_playground::run::{Block, BlockKind, Run};
use attention_playground::translation::{Seq2SeqArchitecture, Translation, UnknownToken};
use attention_playground::{catalog, Token};
use clap::Args;
use serde::Serialize;
use serde_json::Value;

use crate::args::selection;
use crate::error::{CliError, CliResult};
use crate::json::ModelDescription;
use crate::model_dir::{kind_phrase, note_truncation, ModelOptions, Reads};
use crate::output;
use crate::report::{self, count};
use crate::table::{label, Table};
use crate::token_text::SPACE;

#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The text to translate (a date for the dates-* models, an English sentence for the grammar-* models)
    #[arg(long, allow_hyphen_values = true)]
    text: String,
    #[command(flatten)]
    model: ModelOptions,
    /// The decoder layer whose cross-attention is shown (layers count from 0) [default: the last]
    #[arg(long, value_name = "L")]
    layer: Option<usize>,
    /// The cross-attention head shown (heads count from 0) [default: 0]
    #[arg(long, value_name = "H")]
    head: Option<usize>,
    /// Print JSON: the model, the source and target tokens, the translation, the words the model does not know, every step's
    /// top-10 next tokens, the cross-attentions [layer][head][target step][source token] and, for a Transformer, the encoder's and
    /// the decoder's self-attentions [layer][head][query][key]
    #[arg(long)]
    json: bool,
    /// Decimals of the weights in the table
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=6))]
    decimals: u8,
}

pub fn run(args: TranslateArgs) -> CliResult<()> {
    if args.model.model.is_none() {
        return Err(CliError::new(format!("give the model that translates with --model: {}", translators())));
    }
    let loaded = args.model.load()?;
    let Some(model) = loaded.seq2seq() else {
        return Err(CliError::new(format!(
            "{} is {}, which does not translate: attn translate runs encoder–decoders ({})",
            loaded.name(),
            kind_phrase(loaded.info().kind),
            translators()
        )));
    };
    let config = model.config();
    let layers = match config.architecture {
        Seq2SeqArchitecture::GruAdditive => 1,
        Seq2SeqArchitecture::Gru => 0,
        Seq2SeqArchitecture::Transformer => config.transformer().map_or(0, |t| t.decoder_layers),
    };
    if layers == 0 && (args.layer.is_some() || args.head.is_some()) {
        return Err(CliError::new(format!(
            "{} has no attention, so --layer and --head have nothing to pick: its decoder sees only the final encoder state",
            model.name()
        )));
    }
    let layer = match args.layer {
        Some(l) => selection("--layer", Some(l), layers, "decoder layer")?[0],
        None => layers.saturating_sub(1),
    };
    let head = selection("--head", Some(args.head.unwrap_or(0)), model.info().heads.max(1), "head")?[0];
    if args.text.trim().is_empty() {
        return Err(CliError::new(format!("the text is empty: type {} to translate", what_it_reads(model))));
    }
    let encoding = model.tokenize(&args.text);
    note_truncation(&args.text, &encoding, Reads::Other);
    let run = model.translate(&args.text)?;
    let parts = Parts::of(&run)?;
    if parts.stopped == StopReason::Steps {
        eprintln!(
            "note: the translation reached the model's longest output, {}, without <eos>: it may be cut short",
            count(config.max_output_length, "token")
        );
    }
    let head_name = head_names(&args.model.dir()?).and_then(|names| names.get(&format!("layer {layer} head {head}")).cloned());
    output::to_stdout(|out| {
        if args.json {
            output::json_line(out, &json(&loaded, &parts))
        } else {
            let shown = (layers > 0).then_some(Shown { layer, layers, head, heads: model.info().heads, name: head_name });
            readable(out, model, &parts, shown, usize::from(args.decimals))
        }
    })
}

/// "the shipped ones are dates-gru-additive, …": the catalog's encoder–decoders, for messages.
fn translators() -> String {
    let names: Vec<String> =
        catalog::catalog().into_iter().filter(|e| e.kind == catalog::CatalogKind::EncoderDecoder).map(|e| e.name).collect();
    format!("the shipped ones are {}; `attn models` lists them", names.join(", "))
}

/// "a date or a sentence", as the model's source unit suggests.
fn what_it_reads(model: &Seq2Seq) -> &'static str {
    match model.config().source_unit {
        Unit::Chars => "some characters",
        Unit::Words => "some words",
    }
}

/// The names the model's evaluation gave its cross-attention heads (`eval.json`'s
/// `alignment.head_names`, "layer 1 head 2" → "aligns nouns"), when the folder has them.
fn head_names(dir: &Path) -> Option<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("eval.json")).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    let names = value.get("alignment")?.get("head_names")?.as_object()?;
    Some(names.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
}

/// What a translation run holds, picked out once.
struct Parts<'a> {
    source: &'a [Token],
    target: &'a [Token],
    translation: &'a Translation,
    text: &'a str,
    stopped: StopReason,
    steps: &'a [GenerationStep],
    truncated: Option<attention_playground::Truncation>,
    encoder: Vec<&'a Block>,
    decoder: Vec<&'a Block>,
    cross: Vec<&'a Block>,
}

impl<'a> Parts<'a> {
    fn of(run: &'a Run) -> CliResult<Self> {
        let missing = || CliError::new("the model's run is not a translation");
        let (generation, translation) = (run.generation.as_ref().ok_or_else(missing)?, run.translation.as_ref().ok_or_else(missing)?);
        let [source, target] = &run.sequences[..] else { return Err(missing()) };
        let of_kind = |kind: BlockKind| run.blocks.iter().filter(|b| b.kind == kind).collect::<Vec<_>>();
        Ok(Parts {
            source: &source.tokens,
            target: &target.tokens,
            translation,
            text: &generation.text,
            stopped: generation.stopped,
            steps: &generation.steps,
            truncated: run.truncated,
            encoder: of_kind(BlockKind::SelfAttention),
            decoder: of_kind(BlockKind::Causal),
            cross: of_kind(BlockKind::Cross),
        })
    }
}

/// The cross-attention head the table shows, and how many there are to pick from.
struct Shown {
    layer: usize,
    layers: usize,
    head: usize,
    heads: usize,
    /// What the model's evaluation found the head does.
    name: Option<String>,
}

/// "GRU encoder–decoder with additive attention", as the architecture reads.
fn architecture_phrase(model: &Seq2Seq) -> String {
    let c = model.config();
    let unit = |u: Unit| if u == Unit::Chars { "characters" } else { "words" };
    let what = match (c.architecture, c.transformer()) {
        (Seq2SeqArchitecture::GruAdditive, _) => "GRU encoder–decoder with additive attention".to_owned(),
        (Seq2SeqArchitecture::Gru, _) => "GRU encoder–decoder without attention".to_owned(),
        (Seq2SeqArchitecture::Transformer, Some(t)) => {
            format!("Transformer encoder–decoder, {} + {} layers × {}", t.encoder_layers, t.decoder_layers, count(t.heads, "head"))
        }
        (Seq2SeqArchitecture::Transformer, None) => "Transformer encoder–decoder".to_owned(),
    };
    format!("{what}; {} → {}, up to {} source tokens with <eos>", unit(c.source_unit), unit(c.target_unit), c.max_source_length)
}

/// A list of quoted words: "\"xyz\", \"qq\"".
fn quoted(unknown: &[UnknownToken]) -> String {
    unknown.iter().map(|u| format!("\"{}\"", label(&u.text))).collect::<Vec<_>>().join(", ")
}

fn readable(out: &mut dyn Write, model: &Seq2Seq, parts: &Parts, shown: Option<Shown>, decimals: usize) -> io::Result<()> {
    writeln!(out, "{} ({})", model.name(), architecture_phrase(model))?;
    let kept: String = parts
        .source
        .iter()
        .filter(|t| !t.special)
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(if model.config().source_unit == Unit::Words { " " } else { "" });
    let source_label = format!("source as read ({}):", count(parts.source.len(), "token"));
    let target_label = format!("translation ({}):", count(parts.target.len(), "token"));
    let width = source_label.len().max(target_label.len());
    writeln!(out, "{source_label:width$} {kept} <eos>")?;
    writeln!(out, "{target_label:width$} {}", visible(parts.text))?;
    let unknown = &parts.translation.unknown;
    if !unknown.is_empty() {
        let unit = if model.config().source_unit == Unit::Chars { "character" } else { "word" };
        writeln!(
            out,
            "note: the model does not know the {} {}: {} read as <unk>, a token it never saw in training",
            if unknown.len() == 1 { unit.to_owned() } else { report::plural(unit) },
            quoted(unknown),
            if unknown.len() == 1 { "it was" } else { "each was" }
        )?;
    }
    writeln!(out)?;
    let Some(shown) = shown else {
        let sentence = parts.translation.no_attention.as_deref().unwrap_or(attention_playground::translation::NO_ATTENTION);
        return writeln!(
            out,
            "{}{}. There is no alignment to show: every step reads the same fixed-length vector, whatever it writes.",
            sentence[..1].to_uppercase(),
            &sentence[1..]
        );
    };
    let block = parts.cross.get(shown.layer).ok_or_else(|| io::Error::other("the run lacks a cross-attention block"))?;
    let trace = block.heads.get(shown.head).ok_or_else(|| io::Error::other("the run lacks a cross-attention head"))?;
    let score = if model.config().architecture == Seq2SeqArchitecture::GruAdditive { "additive score" } else { "scaled dot-product" };
    let name = shown.name.as_deref().map_or(String::new(), |n| format!("; the evaluation says it {n}"));
    let heading = format!(
        "cross-attention, layer {}, head {} ({score}{name}): a row per target step, a column per source token",
        shown.layer, shown.head
    );
    writeln!(out, "{heading}")?;
    let shown_text = |t: &Token| if t.text == " " { SPACE.to_string() } else { t.text.clone() };
    let (rows, columns): (Vec<String>, Vec<String>) = (
        parts.target.iter().enumerate().map(|(i, t)| format!("{i} {}", label(&shown_text(t)))).collect(),
        parts.source.iter().enumerate().map(|(j, t)| format!("{j} {}", label(&shown_text(t)))).collect(),
    );
    let weights = &trace.weights;
    let table = Table {
        corner: "target \\ source".to_owned(),
        columns,
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| (row, (0..weights.ncols()).map(|j| format!("{:.decimals$}", weights[[i, j]])).collect()))
            .collect(),
    };
    table.write(out)?;
    if model.config().source_unit == Unit::Chars {
        writeln!(out, "{SPACE} is a space.")?;
    }
    if shown.layers * shown.heads > 1 {
        writeln!(
            out,
            "\n{} of cross-attention ({} × {}, counted from 0): pick another with --layer L --head H; --json has every one.",
            count(shown.layers * shown.heads, "head"),
            count(shown.layers, "layer"),
            count(shown.heads, "head")
        )?;
    }
    Ok(())
}

/// `text` with control characters escaped, so that what a model wrote cannot move the cursor.
fn visible(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// The JSON of `attn translate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TranslateJson<'a> {
    model: ModelDescription<'a>,
    source_tokens: &'a [Token],
    target_tokens: &'a [Token],
    translation: &'a str,
    stopped: StopReason,
    truncated: Option<attention_playground::Truncation>,
    out_of_vocabulary: &'a [UnknownToken],
    /// Whether the model has attention (false: no cross-attention, and `noAttention` says why).
    attention: bool,
    no_attention: Option<&'a str>,
    /// [layer][head][target step][source token].
    cross_attentions: Vec<Vec<Vec<Vec<f32>>>>,
    /// A Transformer's: [layer][head][query][key].
    #[serde(skip_serializing_if = "Option::is_none")]
    encoder_attentions: Option<Vec<Vec<Vec<Vec<f32>>>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decoder_attentions: Option<Vec<Vec<Vec<Vec<f32>>>>>,
    steps: Vec<StepJson<'a>>,
}

/// One decoding step: the token written, its probability and the ten most probable tokens.
#[derive(Serialize)]
struct StepJson<'a> {
    #[serde(flatten)]
    step: &'a GenerationStep,
    text: &'a str,
}

/// Every head's weights of `blocks`, `[layer][head][query][key]`.
fn weights(blocks: &[&Block]) -> Vec<Vec<Vec<Vec<f32>>>> {
    blocks.iter().map(|b| b.heads.iter().map(|h| h.weights.rows().into_iter().map(|r| r.to_vec()).collect()).collect()).collect()
}

fn json<'a>(loaded: &'a LoadedModel, parts: &'a Parts) -> TranslateJson<'a> {
    let transformer = !parts.encoder.is_empty();
    TranslateJson {
        model: ModelDescription { name: loaded.name(), info: loaded.info() },
        source_tokens: parts.source,
        target_tokens: parts.target,
        translation: parts.text,
        stopped: parts.stopped,
        truncated: parts.truncated,
        out_of_vocabulary: &parts.translation.unknown,
        attention: parts.translation.no_attention.is_none(),
        no_attention: parts.translation.no_attention.as_deref(),
        cross_attentions: weights(&parts.cross),
        encoder_attentions: transformer.then(|| weights(&parts.encoder)),
        decoder_attentions: transformer.then(|| weights(&parts.decoder)),
        steps: parts.steps.iter().zip(parts.target).map(|(step, token)| StepJson { step, text: &token.text }).collect(),
    }
}
