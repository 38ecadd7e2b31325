//! `attn generate`: a decoder continues a text, token by token (greedy, or sampled with a
//! temperature, top-k and a seed). Prints the text and, per step, the token chosen, its probability
//! and the most probable alternatives; with `--json`, also each step's top-10 candidates and the
//! new query's attention over every earlier token, in every layer and head.

use std::io::{self, Write};

use attention_playground::generation::{Generation, GenerationStep, Sampling, StopReason, MAX_STEPS};
use attention_playground::model::LoadedModel;
use attention_playground::{Run, Token};
use clap::Args;
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::json::ModelDescription;
use crate::model_dir::{kind_phrase, ModelOptions};
use crate::output;
use crate::report::count;
use crate::table::{label, Table};
use crate::token_text::{Vocabulary, SPACE};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The prompt the model continues
    #[arg(long, allow_hyphen_values = true)]
    text: String,
    #[command(flatten)]
    model: ModelOptions,
    /// How many tokens to generate, 1–1024 (fewer when the model ends the text or its context is full)
    #[arg(long, value_name = "N")]
    steps: u64,
    /// 0: greedy, the most probable token each step; above 0 (up to 100): sampled from softmax(logits / T)
    #[arg(long, value_name = "T", default_value_t = 0.0, allow_negative_numbers = true)]
    temperature: f32,
    /// Sample among the K most probable tokens only [default: among all]
    #[arg(long, value_name = "K")]
    top_k: Option<usize>,
    /// Seed of the sampling generator: the same seed gives the same text on every machine
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u32,
    /// Print JSON: the model, the sampling, the prompt's and the generated tokens, the text, why it
    /// stopped, and per step the token, its probability, the top-10 candidates and the new query's
    /// attentions [layer][head][key]
    #[arg(long)]
    json: bool,
}

/// Alternatives shown per step in the table.
const ALTERNATIVES: usize = 3;

pub fn run(args: GenerateArgs) -> CliResult<()> {
    let steps = usize::try_from(args.steps).ok().filter(|s| (1..=MAX_STEPS).contains(s)).ok_or_else(|| {
        CliError::new(format!(
            "--steps {} {}: give a number of tokens from 1 to {MAX_STEPS}",
            args.steps,
            if args.steps == 0 { "generates nothing" } else { "is too many" }
        ))
    })?;
    let sampling = Sampling { temperature: args.temperature, top_k: args.top_k, seed: args.seed };
    sampling.validate()?;
    let model = args.model.load()?;
    if model.decoder().is_none() {
        return Err(CliError::new(format!(
            "{} is {}, which does not generate text: give a GPT-2 or Llama decoder with --model (`attn models` lists the shipped models)",
            model.name(),
            kind_phrase(model.info().kind)
        )));
    }
    check_prompt(&model, &args.text)?;
    if sampling.is_greedy() && (args.top_k.is_some() || args.seed != 0) {
        eprintln!(
            "note: --top-k and --seed are for sampling (--temperature above 0); at temperature 0 each step takes the most probable token"
        );
    }
    let run = model.generate(&args.text, steps, sampling)?;
    let generation = run.generation.as_ref().ok_or_else(|| CliError::new("the model generated nothing"))?;
    if generation.stopped == StopReason::Context {
        eprintln!(
            "note: the model's context holds {} tokens, prompt included, so {} of the {} asked for were generated",
            model.info().max_positions,
            generation.steps.len(),
            count(steps, "token")
        );
    }
    let vocabulary = Vocabulary::of_model(&model);
    output::to_stdout(|out| {
        if args.json {
            output::json_line(out, &json(&model, &run, generation, sampling).map_err(|e| io::Error::other(e.to_string()))?)
        } else {
            readable(out, &args.text, &model, &run, generation, sampling, vocabulary)
        }
    })
}

/// Refuses a prompt that leaves no room in the context to generate.
fn check_prompt(model: &LoadedModel, text: &str) -> CliResult<()> {
    let encoding = model.tokenize(text);
    let total = encoding.truncated.map_or(encoding.tokens.len(), |t| t.total);
    let context = model.info().max_positions;
    if total >= context {
        return Err(CliError::new(format!(
            "the prompt has {total} tokens and {}'s context holds {context}, prompt and generated tokens together: shorten the prompt to at \
             most {} tokens (`attn tokenize` counts them)",
            model.name(),
            context - 1
        )));
    }
    Ok(())
}

/// "greedy", "sampled at temperature 0.8 among the top 40 (seed 7)".
fn describe(sampling: Sampling) -> String {
    if sampling.is_greedy() {
        return "greedy".to_owned();
    }
    let among = sampling.top_k.map_or(String::new(), |k| format!(" among the top {k}"));
    format!("sampled at temperature {}{among} (seed {})", sampling.temperature, sampling.seed)
}

/// Why the generation stopped, in words.
fn stopped(generation: &Generation, last: Option<&str>, context: usize) -> String {
    match generation.stopped {
        StopReason::Steps => format!("after {}, as --steps asked", count(generation.steps.len(), "token")),
        StopReason::EndOfText => format!("the model chose {}, an end-of-text token", last.unwrap_or("the end-of-text token")),
        StopReason::Context => format!("the context of {context} tokens is full"),
    }
}

/// A probability as a percentage: "41.2%", "<0.1%".
fn percent(p: f32) -> String {
    if p < 0.0005 {
        "<0.1%".to_owned()
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

fn readable(
    out: &mut dyn Write,
    text: &str,
    model: &LoadedModel,
    run: &Run,
    generation: &Generation,
    sampling: Sampling,
    vocabulary: Vocabulary,
) -> io::Result<()> {
    let tokens = &run.sequences[0].tokens;
    let (prompt, generated) = tokens.split_at(generation.prompt_tokens);
    let info = model.info();
    writeln!(out, "{} ({} decoder, a context of {} tokens), {}", model.name(), info.architecture, info.max_positions, describe(sampling))?;
    let (prompt_label, generated_label) =
        (format!("prompt ({}):", count(prompt.len(), "token")), format!("generated ({}):", count(generated.len(), "token")));
    let width = prompt_label.len().max(generated_label.len());
    writeln!(out, "{prompt_label:width$} \"{text}\"")?;
    writeln!(out, "{generated_label:width$} \"{}\"", visible(&generation.text))?;
    writeln!(out, "stopped: {}", stopped(generation, generated.last().map(|t| t.text.as_str()), info.max_positions))?;
    writeln!(out)?;
    let rows = generation
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let alternatives: Vec<String> = step
                .top
                .iter()
                .filter(|c| c.id != step.id)
                .take(ALTERNATIVES)
                .map(|c| format!("{} {}", label(&vocabulary.show_id(c.id, &c.text)), percent(c.probability)))
                .collect();
            let token = generated.get(i).map_or_else(String::new, |t| label(&vocabulary.show(t)));
            (i.to_string(), vec![step.position.to_string(), token, percent(step.probability), alternatives.join("   ")])
        })
        .collect();
    let table = Table {
        corner: "step".to_owned(),
        columns: ["query", "token", "probability", &format!("top {ALTERNATIVES} alternatives")].map(str::to_owned).to_vec(),
        rows,
    };
    table.write_aligned(out, &[1, 3])?;
    writeln!(
        out,
        "\nEach step's query is the token before the new one (the prompt's last token first); {SPACE} is a space. attn generate --json \
         adds the top-10 candidates and every step's attention."
    )
}

/// `text` with control characters other than newlines and tabs escaped (`\u{1b}`), so that what a
/// model wrote cannot move the cursor or recolour the terminal.
fn visible(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// The JSON of `attn generate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GenerateJson<'a> {
    model: ModelDescription<'a>,
    sampling: SamplingJson,
    prompt_tokens: &'a [Token],
    generated_tokens: &'a [Token],
    /// The generated text.
    text: &'a str,
    stopped: StopReason,
    steps: Vec<StepJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SamplingJson {
    greedy: bool,
    temperature: f32,
    top_k: Option<usize>,
    seed: u32,
}

/// One step: the core's step (query position, chosen id, its probability, the top-10 candidates),
/// the chosen token's vocabulary entry, and the query's attention `[layer][head][key]` over keys
/// `0..=position`.
#[derive(Serialize)]
struct StepJson<'a> {
    #[serde(flatten)]
    step: &'a GenerationStep,
    text: &'a str,
    attentions: Vec<Vec<Vec<f32>>>,
}

fn json<'a>(model: &'a LoadedModel, run: &'a Run, generation: &'a Generation, sampling: Sampling) -> CliResult<GenerateJson<'a>> {
    let tokens = &run.sequences[0].tokens;
    let (prompt, generated) = tokens.split_at(generation.prompt_tokens);
    let steps = generation
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            Ok(StepJson {
                step,
                text: generated.get(i).map_or("", |t| t.text.as_str()),
                attentions: step_attentions(run, i, step.position)?,
            })
        })
        .collect::<CliResult<_>>()?;
    Ok(GenerateJson {
        model: ModelDescription { name: model.name(), info: model.info() },
        sampling: SamplingJson {
            greedy: sampling.is_greedy(),
            temperature: sampling.temperature,
            top_k: sampling.top_k,
            seed: sampling.seed,
        },
        prompt_tokens: prompt,
        generated_tokens: generated,
        text: &generation.text,
        stopped: generation.stopped,
        steps,
    })
}

/// The attention of step `step`'s query (at `position`) over keys `0..=position`, `[layer][head][key]`
/// (a decoder has one block per layer).
fn step_attentions(run: &Run, step: usize, position: usize) -> CliResult<Vec<Vec<Vec<f32>>>> {
    let flat = run.step_attentions(step)?;
    let keys = position + 1;
    let mut rows = flat.chunks_exact(keys);
    let layers: Vec<Vec<Vec<f32>>> =
        run.blocks.iter().map(|block| block.heads.iter().zip(&mut rows).map(|(_, row)| row.to_vec()).collect()).collect();
    if layers.iter().zip(&run.blocks).any(|(heads, block)| heads.len() != block.heads.len()) || rows.next().is_some() {
        return Err(CliError::new(format!("step {step}'s attentions do not have one row of {keys} keys per head")));
    }
    Ok(layers)
}
