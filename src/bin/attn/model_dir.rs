//! `--model DIR`: finding a pretrained model's folder, loading the model (or only its
//! tokenizer), running it, and saying on stderr when a text was cut to the model's positions.

use std::path::{Path, PathBuf};

use attention_playground::model::{BertTokenizer, Encoding, Model, ModelConfig, ModelError};
use attention_playground::run::{Run, WithoutSpecial};
use attention_playground::Token;
use clap::Args;
use ndarray::ArrayView2;

use crate::error::{CliError, CliResult};

/// Where `scripts/fetch-model.sh` puts the default model, relative to the repository's root.
pub const DEFAULT_MODEL: &str = "models/all-MiniLM-L6-v2";

/// Which pretrained model to use; shared by `attn model`, `attn tokenize` and `attn render`.
#[derive(Debug, Args)]
pub struct ModelOptions {
    /// Folder of a BERT-family model: config.json, tokenizer.json or vocab.txt, model.safetensors
    /// (`--model` alone: models/all-MiniLM-L6-v2, relative to the current folder; `attn model`
    /// and `attn tokenize` use that one without the option)
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = DEFAULT_MODEL)]
    pub model: Option<PathBuf>,
}

/// Options of a model run; shared by `attn model` and `attn render`.
#[derive(Debug, Args)]
pub struct ModelRunOptions {
    #[command(flatten)]
    pub source: ModelOptions,
    /// Leave out [CLS], [SEP] and other special tokens, each query's weights renormalised to sum to 1
    #[arg(long)]
    pub hide_special: bool,
}

/// A model's run on a text, and its weights among the ordinary tokens when special tokens are
/// hidden.
pub struct ModelRun {
    /// The model, named after its folder.
    pub model: Model,
    pub run: Run,
    /// Set with `--hide-special`.
    pub hidden: Option<WithoutSpecial>,
}

impl ModelOptions {
    /// The folder asked for, or the default one.
    pub fn dir(&self) -> &Path {
        self.model.as_deref().unwrap_or(Path::new(DEFAULT_MODEL))
    }

    /// The folder, checked to exist, with the way to get the default model when it does not.
    fn existing_dir(&self) -> CliResult<&Path> {
        let dir = self.dir();
        if dir.is_dir() {
            return Ok(dir);
        }
        Err(CliError::new(if dir == Path::new(DEFAULT_MODEL) {
            format!(
                "the default model is not in {DEFAULT_MODEL} (relative to the current folder): fetch it with `bash scripts/fetch-model.sh` \
                 from the repository's root and run attn there, or give --model DIR"
            )
        } else {
            format!(
                "the model folder '{}' does not exist: give a folder with config.json, tokenizer.json or vocab.txt, and model.safetensors \
                 (`bash scripts/fetch-model.sh` fetches the default model into {DEFAULT_MODEL})",
                dir.display()
            )
        }))
    }

    /// The whole model, named after its folder.
    pub fn load(&self) -> CliResult<Model> {
        Ok(Model::from_dir(self.existing_dir()?)?)
    }

    /// Only what tokenizing needs: the tokenizer (tokenizer.json, else vocab.txt) and the model's
    /// number of positions from config.json; the weights are not read.
    pub fn tokenizer(&self) -> CliResult<(BertTokenizer, usize)> {
        let dir = self.existing_dir()?;
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        let config = read("config.json").map_err(|e| CliError::new(format!("{}: {e}", dir.join("config.json").display())))?;
        let positions = ModelConfig::from_json(&config)?.max_positions;
        Ok((BertTokenizer::from_dir(dir)?, positions))
    }
}

impl ModelRunOptions {
    /// Loads the model and runs it on `text`, cut to its positions with a note on stderr when too
    /// long; with `--hide-special`, also the weights among the ordinary tokens.
    pub fn run(&self, text: &str) -> CliResult<ModelRun> {
        let model = self.source.load()?;
        let encoding = model.tokenize(text);
        note_truncation(text, &encoding);
        let run = model.forward_encoding(encoding)?;
        let hidden = if self.hide_special {
            if run.sequences.iter().any(|s| s.tokens.iter().all(|t| t.special)) {
                return Err(CliError::new(
                    "every token of the text is a special token, so --hide-special leaves nothing to show: type some ordinary words",
                ));
            }
            run.without_special()
        } else {
            None
        };
        Ok(ModelRun { model, run, hidden })
    }
}

impl ModelRun {
    /// Every token the model read, `[CLS]` and `[SEP]` included.
    pub fn tokens(&self) -> &[Token] {
        self.run.sequences.first().map_or(&[], |s| &s.tokens)
    }

    /// The numbers of the tokens shown: the ordinary ones when special tokens are hidden, else all.
    pub fn shown(&self) -> Vec<usize> {
        match &self.hidden {
            Some(hidden) => hidden.kept[0].clone(),
            None => (0..self.tokens().len()).collect(),
        }
    }

    /// Heads per layer.
    pub fn heads(&self) -> usize {
        self.run.blocks.first().map_or(0, |b| b.heads.len())
    }

    /// The weights of one head of one layer among the tokens shown (renormalised when special
    /// tokens are hidden). An encoder has one block per layer, so the layer is the block.
    pub fn weights(&self, layer: usize, head: usize) -> CliResult<ArrayView2<'_, f32>> {
        let trace = self.run.head(layer, head)?;
        let Some(hidden) = &self.hidden else { return Ok(trace.weights.view()) };
        let run = &self.run;
        let size = |b: usize| hidden.kept[run.blocks[b].queries].len() * hidden.kept[run.blocks[b].keys].len();
        let block = &run.blocks[layer];
        let (rows, cols) = (hidden.kept[block.queries].len(), hidden.kept[block.keys].len());
        let start = (0..layer).map(|b| run.blocks[b].heads.len() * size(b)).sum::<usize>() + head * rows * cols;
        Ok(ArrayView2::from_shape((rows, cols), &hidden.weights[start..start + rows * cols]).expect("one weight per kept query and key"))
    }
}

/// The tokens of `text` as the model would see them, cut with a note on stderr when too long;
/// an empty text is refused as the model refuses it.
pub fn encode(tokenizer: &BertTokenizer, positions: usize, text: &str) -> CliResult<Encoding> {
    let encoding = tokenizer.encode(text, positions);
    if encoding.tokens.iter().all(|t| t.special && t.start == t.end) {
        return Err(ModelError::EmptyText.into());
    }
    note_truncation(text, &encoding);
    Ok(encoding)
}

/// Characters of context shown where the text was cut.
const CUT_CONTEXT: usize = 30;

/// Says on stderr that the text was cut, and where: the last words kept.
fn note_truncation(text: &str, encoding: &Encoding) {
    let Some(cut) = encoding.truncated else { return };
    let last_end = encoding.tokens.iter().rev().find(|t| t.end > t.start).map_or(0, |t| t.end);
    eprintln!(
        "note: the text has {} tokens with [CLS] and [SEP]; the model takes {}, so the first {} (up to \"{}\") were used",
        cut.total,
        cut.limit,
        cut.limit.saturating_sub(2),
        last_words(&prefix_utf16(text, last_end))
    );
}

/// The end of `text`: its last [`CUT_CONTEXT`] characters or fewer, from a word's start, after "…".
fn last_words(text: &str) -> String {
    let chars: Vec<char> = text.trim_end().chars().collect();
    if chars.len() <= CUT_CONTEXT {
        return chars.iter().collect();
    }
    let tail = &chars[chars.len() - CUT_CONTEXT..];
    let start = tail.iter().position(|c| c.is_whitespace()).map_or(0, |i| i + 1);
    format!("…{}", tail[start..].iter().collect::<String>())
}

/// The part of `text` before UTF-16 offset `end`.
fn prefix_utf16(text: &str, end: usize) -> String {
    let mut units = 0;
    text.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= end
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_count_utf16_units() {
        assert_eq!(prefix_utf16("a😀b", 3), "a😀");
        assert_eq!(prefix_utf16("a😀b", 2), "a");
        assert_eq!(prefix_utf16("abc", 10), "abc");
    }

    #[test]
    fn the_cut_is_shown_by_whole_words() {
        assert_eq!(last_words("short text "), "short text");
        assert_eq!(last_words("one two three four five six seven eight"), "…four five six seven eight");
        assert_eq!(last_words(&"x".repeat(40)), format!("…{}", "x".repeat(30)));
    }
}
