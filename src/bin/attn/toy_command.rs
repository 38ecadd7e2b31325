//! `attn toy`: attention over typed text, with the playground's toy token vectors.

use std::io::{self, Write};
use std::path::PathBuf;

use attention_playground::limits::{MAX_HEADS, MAX_TOKENS};
use attention_playground::positions::Positions;
use attention_playground::run::{Block, HeadBreakdown, Run};
use attention_playground::text::tokenize;
use attention_playground::toy::{run_toy, run_toy_with, Mode, ProjectionKind, ToyConfig};
use attention_playground::TokenizerKind;
use clap::Args;

use crate::args::{name_of, one_of, selection, ScoreArgs, TextArg, ViewArgs};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::mask_arg::{self, CustomMask, MaskArg};
use crate::output;
use crate::report::{self, count, Labels};
use crate::weights_file;

const MODES: &[(&str, Mode)] = &[("self", Mode::SelfAttention), ("cross", Mode::Cross)];
const TOKENIZERS: &[(&str, TokenizerKind)] = &[("words", TokenizerKind::Words), ("chars", TokenizerKind::Chars)];
const POSITIONS: &[(&str, Positions)] = &[("none", Positions::None), ("sinusoidal", Positions::Sinusoidal), ("rope", Positions::Rope)];
const PROJECTIONS: &[(&str, ProjectionKind)] = &[("random", ProjectionKind::Random), ("identity", ProjectionKind::Identity)];

fn defaults() -> ToyConfig {
    ToyConfig::default()
}

/// Everything that decides a toy run besides its text: shared by `attn toy` and `attn render`.
#[derive(Debug, Args)]
pub struct ToyOptions {
    /// A second text for the keys and values (cross-attention)
    #[arg(long, allow_hyphen_values = true)]
    cross_text: Option<String>,
    /// Self- or cross-attention [default: cross when --cross-text is given, else self]
    #[arg(long, value_parser = one_of(MODES))]
    mode: Option<Mode>,
    /// Tokens are words and punctuation (Unicode word boundaries) or characters (graphemes) [default: words]
    #[arg(long, value_parser = one_of(TOKENIZERS))]
    tokenizer: Option<TokenizerKind>,
    /// Width of the token vectors
    #[arg(long, default_value_t = defaults().d_model)]
    d_model: usize,
    #[arg(long, default_value_t = defaults().heads, help = format!("Attention heads (at most {MAX_HEADS}); each has width d_model / heads"))]
    heads: usize,
    /// Key/value heads (fewer than heads: grouped-query; 1: multi-query) [default: --heads]
    #[arg(long)]
    kv_heads: Option<usize>,
    #[command(flatten)]
    scoring: ScoreArgs,
    /// causal, window:W (|query − key| ≤ W), padding:N (pad the keys with [PAD] to N tokens),
    /// or custom:FILE.json (a matrix of true/false, true = allowed, or {"blocked": [[query, key], …]});
    /// repeat to combine masks (a key must pass all of them)
    #[arg(long = "mask", value_name = "MASK", value_parser = mask_arg::parse)]
    masks: Vec<MaskArg>,
    /// How token order enters: not at all, sinusoids added to the token vectors, or rotary q and k [default: sinusoidal]
    #[arg(long, value_parser = one_of(POSITIONS))]
    positions: Option<Positions>,
    /// Projection matrices: seeded random (Glorot) or identity [default: random]
    #[arg(long, value_parser = one_of(PROJECTIONS), conflicts_with = "weights")]
    projections: Option<ProjectionKind>,
    /// Projections from a JSON file with "w_q", "w_k", "w_v", "w_o" (d_in × d_out, applied as x · W)
    #[arg(long, value_name = "FILE.json")]
    weights: Option<PathBuf>,
    /// Seed of the random projections and score weights
    #[arg(long, default_value_t = defaults().seed)]
    seed: u32,
    #[arg(long, default_value_t = defaults().max_tokens, help = format!("Longest accepted text, in tokens (at most {MAX_TOKENS})"))]
    max_tokens: usize,
}

#[derive(Debug, Args)]
pub struct ToyArgs {
    #[command(flatten)]
    text: TextArg,
    #[command(flatten)]
    toy: ToyOptions,
    /// Show how this query attends, step by step (queries count from 0)
    #[arg(long, value_name = "I")]
    query: Option<usize>,
    /// Show only this head in tables and breakdowns (heads count from 0)
    #[arg(long, value_name = "H")]
    head: Option<usize>,
    #[command(flatten)]
    view: ViewArgs,
}

/// A toy run and the configuration that made it.
pub struct ToyRun {
    pub config: ToyConfig,
    pub run: Run,
}

impl ToyRun {
    /// The toy's one block of attention.
    pub fn block(&self) -> &Block {
        &self.run.blocks[0]
    }
}

impl ToyOptions {
    fn mode(&self) -> CliResult<Mode> {
        match (self.mode, &self.cross_text) {
            (Some(Mode::SelfAttention), Some(_)) => Err(CliError::new("--cross-text is only used with --mode cross")),
            (Some(Mode::Cross), None) => Err(CliError::new("--mode cross needs --cross-text for the keys and values")),
            (Some(mode), _) => Ok(mode),
            (None, cross) => Ok(if cross.is_some() { Mode::Cross } else { Mode::SelfAttention }),
        }
    }

    /// The configuration, and the custom mask files (whose shapes are checked after the run).
    fn config(&self) -> CliResult<(ToyConfig, Vec<CustomMask>)> {
        let d = defaults();
        let mut masks = Vec::new();
        let mut customs = Vec::new();
        for arg in &self.masks {
            let (spec, custom) = arg.to_spec()?;
            masks.push(spec);
            customs.extend(custom);
        }
        let config = ToyConfig {
            mode: self.mode()?,
            tokenizer: self.tokenizer.unwrap_or(d.tokenizer),
            d_model: self.d_model,
            heads: self.heads,
            kv_heads: self.kv_heads.unwrap_or(self.heads),
            score: self.scoring.kind(),
            scale: self.scoring.scale()?,
            temperature: self.scoring.temperature,
            masks,
            positions: self.positions.unwrap_or(d.positions),
            projections: self.projections.unwrap_or(d.projections),
            seed: self.seed,
            max_tokens: self.max_tokens,
        };
        config.validate()?;
        Ok((config, customs))
    }

    /// Runs the toy on `text`. Over-long text is refused before any work, rather than cut as
    /// the page does; custom mask files are checked against the tokens.
    pub fn run(&self, text: &str) -> CliResult<ToyRun> {
        let (config, customs) = self.config()?;
        let cross = self.cross_text.as_deref();
        check_length(&config, "--text", text)?;
        if let Some(cross) = cross {
            check_length(&config, "--cross-text", cross)?;
        }
        let run = match &self.weights {
            Some(path) => run_toy_with(&config, text, cross, weights_file::read(path)?),
            None => run_toy(&config, text, cross),
        }?;
        let (t_q, t_k) = run.block(0)?.shape();
        for custom in &customs {
            custom.check_shape(t_q, t_k)?;
        }
        Ok(ToyRun { config, run })
    }

    /// Where the projections came from, in words.
    fn projections(&self, c: &ToyConfig) -> String {
        match &self.weights {
            Some(path) => format!("from {}", path.display()),
            None => format!("{} (seed {})", name_of(PROJECTIONS, &c.projections), c.seed),
        }
    }

    /// The masks, in words ("causal and window:2"), if any.
    pub fn masks(&self) -> Option<String> {
        (!self.masks.is_empty()).then(|| self.masks.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and "))
    }
}

fn check_length(config: &ToyConfig, flag: &str, text: &str) -> CliResult<()> {
    let total = tokenize(text, config.tokenizer, config.max_tokens).total;
    if total > config.max_tokens {
        return Err(CliError::new(format!(
            "{flag} has {total} tokens, more than --max-tokens {}: shorten it or raise --max-tokens (at most {MAX_TOKENS})",
            config.max_tokens
        )));
    }
    Ok(())
}

/// The name of a toy head in tables and figures: "head 2", "head 2 (key/value head 1)".
pub fn head_name(c: &ToyConfig, h: usize) -> String {
    let group = c.heads / c.kv_heads;
    if group > 1 {
        format!("head {h} (key/value head {})", h / group)
    } else {
        format!("head {h}")
    }
}

pub fn run(args: ToyArgs) -> CliResult<()> {
    let toy = args.toy.run(&args.text.text)?;
    let heads = selection("--head", args.head, toy.block().heads.len(), "head")?;
    let breakdowns = match args.query {
        Some(q) => heads.iter().map(|&h| toy.run.breakdown(0, h, q)).collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    output::to_stdout(|out| {
        if args.view.json {
            let weights_file = args.toy.weights.as_deref();
            output::json_line(out, &json::ToyRun { config: &toy.config, run: &toy.run, weights_file, breakdowns: &breakdowns })
        } else {
            readable(out, &args, &toy, &heads, &breakdowns)
        }
    })
}

fn readable(out: &mut dyn Write, args: &ToyArgs, toy: &ToyRun, heads: &[usize], breakdowns: &[HeadBreakdown]) -> io::Result<()> {
    let c = &toy.config;
    let block = toy.block();
    let (query_tokens, key_tokens) = (toy.run.query_tokens(block), toy.run.key_tokens(block));
    writeln!(
        out,
        "{} × {} (tokenizer {}), {}-attention",
        count(query_tokens.len(), "query token"),
        count(key_tokens.len(), "key token"),
        name_of(TOKENIZERS, &c.tokenizer),
        name_of(MODES, &c.mode)
    )?;
    writeln!(
        out,
        "d_model {}, {} of width {} ({}), positions {}, projections {}, masks {}",
        c.d_model,
        count(c.heads, "head"),
        c.d_model / c.heads,
        count(c.kv_heads, "key/value head"),
        name_of(POSITIONS, &c.positions),
        args.toy.projections(c),
        args.toy.masks().unwrap_or_else(|| "none".to_owned()),
    )?;
    writeln!(out)?;
    let labels = Labels::from_texts(query_tokens.iter().map(|t| t.text.as_str()), key_tokens.iter().map(|t| t.text.as_str()));
    let decimals = usize::from(args.view.decimals);
    for &h in heads {
        report::weights(out, &head_name(c, h), &block.heads[h], &labels, decimals)?;
    }
    for b in breakdowns {
        report::breakdown(out, &head_name(c, b.head), &b.breakdown, &labels, decimals)?;
    }
    Ok(())
}
