//! `attn train --task TASK --out DIR`: a small Transformer learns a task in the core (the same
//! code as the page's training panel) and is written as a model folder the loaders read, so
//! `attn translate --model DIR` (an encoder–decoder) or `attn generate --model DIR` (a
//! decoder-only model) runs it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use attention_playground::train::tasks::TaskKind;
use attention_playground::train::{TrainArchitecture, TrainEvaluation, TrainPositions, TrainSettings, Trainer};
use clap::{Args, ValueEnum};

use crate::error::{CliError, CliResult};

/// Steps between two progress lines.
const REPORT_EVERY: usize = 100;
/// Held-out examples of each progress line, and of the final evaluation.
const PROGRESS_EXAMPLES: usize = 500;
const FINAL_EXAMPLES: usize = 2000;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Architecture {
    EncoderDecoder,
    DecoderOnly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Positions {
    Sinusoidal,
    Learned,
    Rotary,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The task: reverse, sort, copy-offset (rotate by --offset), add (two numbers) or induction (continue a repeated sequence)
    #[arg(long)]
    task: String,
    /// The folder to write the trained model to (config.json, vocab.json or tokenizer.json, model.safetensors)
    #[arg(long)]
    out: PathBuf,
    /// Training steps, one batch each
    #[arg(long, default_value_t = 1000)]
    steps: usize,
    /// Seeds the weights and the training data [default: 1]
    #[arg(long)]
    seed: Option<u32>,
    /// Layers of the encoder and of the decoder each (of the one stack for decoder-only) [default: 1]
    #[arg(long)]
    layers: Option<usize>,
    /// Attention heads of every block [default: 2]
    #[arg(long)]
    heads: Option<usize>,
    /// Width of the token vectors [default: 32]
    #[arg(long = "d-model")]
    d_model: Option<usize>,
    /// Adam's peak learning rate, reached after the warm-up, then decaying as 1/√step [default: 0.005]
    #[arg(long)]
    lr: Option<f64>,
    /// Steps of linear warm-up [default: 50]
    #[arg(long)]
    warmup: Option<usize>,
    /// Examples per step [default: 32]
    #[arg(long = "batch-size")]
    batch_size: Option<usize>,
    /// Symbols in a prompt (digits of each number for add) [default: 8]
    #[arg(long)]
    length: Option<usize>,
    /// Distinct symbols, letters a, b, … (add always uses the ten digits) [default: 10]
    #[arg(long)]
    vocabulary: Option<usize>,
    /// copy-offset's rotation [default: 3]
    #[arg(long)]
    offset: Option<usize>,
    /// The model [default: encoder-decoder; decoder-only for induction]
    #[arg(long, value_enum)]
    architecture: Option<Architecture>,
    /// How positions enter: added sinusoids, a learned table, or rotary (turning the self-attention heads' queries and keys);
    /// a decoder-only model's are learned [default: sinusoidal; learned for a decoder-only model]
    #[arg(long, value_enum)]
    positions: Option<Positions>,
}

impl TrainArgs {
    fn settings(&self) -> CliResult<TrainSettings> {
        let mut s = TrainSettings::for_task(TaskKind::from_name(&self.task)?);
        s.seed = self.seed.unwrap_or(s.seed);
        s.layers = self.layers.unwrap_or(s.layers);
        s.heads = self.heads.unwrap_or(s.heads);
        s.d_model = self.d_model.unwrap_or(s.d_model);
        s.learning_rate = self.lr.unwrap_or(s.learning_rate);
        s.warmup = self.warmup.unwrap_or(s.warmup);
        s.batch_size = self.batch_size.unwrap_or(s.batch_size);
        s.task.length = self.length.unwrap_or(s.task.length);
        s.task.vocabulary = self.vocabulary.unwrap_or(s.task.vocabulary);
        s.task.offset = self.offset.unwrap_or(s.task.offset);
        if let Some(a) = self.architecture {
            s.architecture = match a {
                Architecture::EncoderDecoder => TrainArchitecture::EncoderDecoder,
                Architecture::DecoderOnly => TrainArchitecture::DecoderOnly,
            };
            s.positions =
                if s.architecture == TrainArchitecture::DecoderOnly { TrainPositions::Learned } else { TrainPositions::Sinusoidal };
        }
        if let Some(p) = self.positions {
            s.positions = match p {
                Positions::Sinusoidal => TrainPositions::Sinusoidal,
                Positions::Learned => TrainPositions::Learned,
                Positions::Rotary => TrainPositions::Rotary,
            };
        }
        Ok(s)
    }
}

pub fn run(args: TrainArgs) -> CliResult<()> {
    if args.steps == 0 {
        return Err(CliError::new("--steps must be at least 1"));
    }
    let settings = args.settings()?;
    let mut trainer = Trainer::new(settings)?;
    let bar = std::io::stderr().is_terminal();
    let mut out = std::io::stdout().lock();
    let io = |e: std::io::Error| CliError::new(format!("could not write the progress: {e}"));
    writeln!(
        out,
        "training {} ({}, {} parameters) for {} steps, seed {}",
        args.task,
        match settings.architecture {
            TrainArchitecture::EncoderDecoder => "encoder–decoder",
            TrainArchitecture::DecoderOnly => "decoder-only",
        },
        trainer.parameters(),
        args.steps,
        settings.seed
    )
    .map_err(io)?;
    let mut done = 0;
    while done < args.steps {
        let slice = REPORT_EVERY.min(args.steps - done);
        let progress = trainer.train(slice)?;
        done += slice;
        let loss = progress.losses.iter().sum::<f32>() / slice as f32;
        let accuracy = progress.accuracies.iter().sum::<f32>() / slice as f32;
        let held_out = trainer.evaluate(PROGRESS_EXAMPLES);
        if bar {
            eprint!("\r\x1b[K");
        }
        writeln!(
            out,
            "step {done:>6}  loss {loss:.4}  token accuracy {:5.1}%  held-out exact {:5.1}%",
            100.0 * accuracy,
            100.0 * held_out.exact_match
        )
        .map_err(io)?;
        if bar {
            eprint!("{}", progress_bar(done, args.steps));
        }
    }
    if bar {
        eprint!("\r\x1b[K");
    }
    let evaluation = trainer.evaluate(FINAL_EXAMPLES);
    trainer.files(None)?.write_to(&args.out).map_err(|e| CliError::new(format!("could not write {}: {e}", args.out.display())))?;
    summary(&mut out, &trainer, &evaluation, &args).map_err(io)
}

/// `[#######.............]  350/1000`.
fn progress_bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = done * WIDTH / total;
    format!("[{}{}] {done}/{total}", "#".repeat(filled), ".".repeat(WIDTH - filled))
}

fn summary(out: &mut dyn Write, trainer: &Trainer, evaluation: &TrainEvaluation, args: &TrainArgs) -> std::io::Result<()> {
    writeln!(
        out,
        "held-out ({} examples): exact match {:.1}%, token accuracy {:.1}%, loss {:.4}",
        evaluation.examples,
        100.0 * evaluation.exact_match,
        100.0 * evaluation.token_accuracy,
        evaluation.loss
    )?;
    let probe = trainer.probe();
    let (files, command) = match trainer.settings().architecture {
        TrainArchitecture::EncoderDecoder => ("config.json, vocab.json, model.safetensors", "translate"),
        TrainArchitecture::DecoderOnly => ("config.json, tokenizer.json, model.safetensors", "generate"),
    };
    let prompt = match trainer.settings().task.separator() {
        Some(separator) if command == "generate" => format!("{}{separator}", probe.prompt),
        _ => probe.prompt.clone(),
    };
    writeln!(out, "wrote {} ({files})", args.out.display())?;
    writeln!(out, "try: attn {command} --model {} --text \"{prompt}\"   (expected: {})", args.out.display(), probe.answer)
}
