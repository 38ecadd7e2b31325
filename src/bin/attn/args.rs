//! Options shared by the subcommands, and the parser for options with a fixed set of values.

use attention_playground::ScoreKind;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;

use crate::error::{CliError, CliResult};

/// A parser accepting exactly the names in `choices` (clap lists them in help and errors).
pub fn one_of<T: Clone + Send + Sync + 'static>(choices: &'static [(&'static str, T)]) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(choices.iter().map(|(name, _)| *name))
        .try_map(move |s| choices.iter().find(|(name, _)| *name == s).map(|(_, v)| v.clone()).ok_or(format!("unknown value '{s}'")))
}

/// Score names; the flag says whether the name asks for scaling explicitly.
const SCORES: &[(&str, (ScoreKind, bool))] = &[
    ("dot", (ScoreKind::Dot, false)),
    ("scaled-dot", (ScoreKind::Dot, true)),
    ("additive", (ScoreKind::Additive, false)),
    ("general", (ScoreKind::General, false)),
    ("cosine", (ScoreKind::Cosine, false)),
];

/// The name `choices` gives `value` (the first, when several do).
pub fn name_of<T: PartialEq>(choices: &'static [(&'static str, T)], value: &T) -> &'static str {
    choices.iter().find(|(_, v)| v == value).map_or("", |(name, _)| name)
}

/// The name of a score function, as `--score` spells it.
pub fn score_name(kind: ScoreKind) -> &'static str {
    name_of(SCORES, &(kind, false))
}

/// How scores are computed and turned into logits.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Score function; `scaled-dot` is `dot` (scores are scaled by 1/√d_k unless --no-scale) [default: dot]
    #[arg(long, value_parser = one_of(SCORES))]
    score: Option<(ScoreKind, bool)>,
    /// Do not multiply scores by 1/√d_k
    #[arg(long)]
    no_scale: bool,
    /// Scores are divided by it before the softmax (> 0; small values sharpen, large ones flatten)
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub temperature: f32,
}

impl ScoreArgs {
    pub fn kind(&self) -> ScoreKind {
        self.score.map_or(ScoreKind::Dot, |(kind, _)| kind)
    }

    /// Whether scores are scaled by 1/√d_k.
    pub fn scale(&self) -> CliResult<bool> {
        if self.no_scale && self.score.is_some_and(|(_, scaled)| scaled) {
            return Err(CliError::new(
                "--score scaled-dot and --no-scale contradict each other: use --score dot --no-scale for unscaled dot products",
            ));
        }
        Ok(!self.no_scale)
    }

    /// The temperature, checked.
    pub fn temperature(&self) -> CliResult<f32> {
        let t = self.temperature;
        if t.is_finite() && t > 0.0 {
            Ok(t)
        } else {
            Err(CliError::new(format!("--temperature must be a positive number, not {t}")))
        }
    }
}

/// How results are shown.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Print JSON with every intermediate instead of tables
    #[arg(long)]
    pub json: bool,
    /// Decimals of the weights in tables
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=6))]
    pub decimals: u8,
}

/// The text attention runs over, for the toy and for pretrained models alike.
#[derive(Debug, Args)]
pub struct TextArg {
    /// The text; its tokens are the queries (and, except in cross-attention, also the keys and values)
    #[arg(long, allow_hyphen_values = true)]
    pub text: String,
}

/// The items `flag` picks among `count` of them (`noun`s, counted from 0): the one it names, or
/// all when it is not given.
pub fn selection(flag: &str, value: Option<usize>, count: usize, noun: &str) -> CliResult<Vec<usize>> {
    match value {
        None => Ok((0..count).collect()),
        Some(i) if i < count => Ok(vec![i]),
        Some(i) if count == 1 => Err(CliError::new(format!("{flag} {i} does not exist: there is 1 {noun} (0)"))),
        Some(i) => {
            Err(CliError::new(format!("{flag} {i} does not exist: there are {} (0–{})", crate::report::count(count, noun), count - 1)))
        }
    }
}
