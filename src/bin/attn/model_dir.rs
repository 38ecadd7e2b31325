//! `--model DIR_OR_NAME`: finding a model's folder (a folder given by path, or a shipped model
//! named as in the catalog), loading the model (or only its tokenizer), running it, and saying on
//! stderr when a text was cut to the model's positions.

use std::path::{Path, PathBuf};

use attention_playground::catalog::{self, CatalogEntry, Origin};
use attention_playground::model::{
    BertTokenizer, BpeTokenizer, DecoderConfig, Encoding, LoadedModel, ModelConfig, ModelError, ModelKind, Tokenizer,
};
use attention_playground::run::{Run, SourceKind, WithoutSpecial};
use attention_playground::{Token, Truncation};
use clap::Args;
use ndarray::ArrayView2;

use crate::error::{CliError, CliResult};
use crate::token_text::Vocabulary;

/// The model used when `--model` is not given, or given without a value: the pretrained encoder
/// `scripts/fetch-model.sh` fetches.
pub const DEFAULT_MODEL: &str = "all-MiniLM-L6-v2";

/// The repository the tool was built from: where a shipped model's folder is looked for when the
/// current folder does not have it.
const REPOSITORY: &str = env!("CARGO_MANIFEST_DIR");

const MODEL_HELP: &str = concat!(
    "A model folder (config.json, tokenizer.json or vocab.txt, model.safetensors: a BERT-family encoder or a GPT-2 or Llama ",
    "decoder), or the name of a shipped model (`attn models` lists them), whose folder is looked for in the current folder, then in ",
    "the repository attn was built from (",
    env!("CARGO_MANIFEST_DIR"),
    "). Names are looked up first: write ./NAME for a folder of the same name. `--model` alone: all-MiniLM-L6-v2 (`attn model` and ",
    "`attn tokenize` use it without the option)"
);

/// Which model to use; shared by `attn model`, `attn tokenize`, `attn generate` and `attn render`.
#[derive(Debug, Args)]
pub struct ModelOptions {
    #[arg(long, value_name = "DIR_OR_NAME", num_args = 0..=1, default_missing_value = DEFAULT_MODEL, help = MODEL_HELP)]
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
    pub model: LoadedModel,
    pub run: Run,
    /// Set with `--hide-special`.
    pub hidden: Option<WithoutSpecial>,
}

impl ModelOptions {
    /// What `--model` names, or the default model.
    pub fn asked(&self) -> &Path {
        self.model.as_deref().unwrap_or(Path::new(DEFAULT_MODEL))
    }

    /// The folder of the model asked for: a shipped model's (found as [`locate`] says), or the
    /// folder given; when it is missing, a message that says how to get it.
    pub fn dir(&self) -> CliResult<PathBuf> {
        let asked = self.asked();
        if let Some(entry) = asked.to_str().and_then(catalog::find) {
            return locate(&entry, &roots());
        }
        if asked.is_dir() {
            return Ok(asked.to_owned());
        }
        Err(missing_folder(asked))
    }

    /// The whole model, named after its folder.
    pub fn load(&self) -> CliResult<LoadedModel> {
        Ok(LoadedModel::from_dir(&self.dir()?)?)
    }

    /// What reads the model's tokens: only the tokenizer (an encoder's tokenizer.json, else
    /// vocab.txt; a decoder's tokenizer.json) and the model's number of positions from
    /// config.json, without the weights; for other kinds of model, the whole model.
    pub fn tokenizer(&self) -> CliResult<TokenReader> {
        let dir = self.dir()?;
        let read =
            |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| CliError::new(format!("{}: {e}", dir.join(name).display())));
        let config = read("config.json")?;
        let kind = ModelKind::of_config_json(&config)?;
        if kind.is_decoder() {
            let positions = DecoderConfig::from_json(&config)?.max_positions;
            let tokenizer = BpeTokenizer::from_tokenizer_json(&read("tokenizer.json")?)?;
            return Ok(TokenReader::Tokenizer { tokenizer: Tokenizer::Bpe(Box::new(tokenizer)), positions, reads: Reads::Decoder });
        }
        if matches!(kind, ModelKind::Bert | ModelKind::DistilBert) {
            let positions = ModelConfig::from_json(&config)?.max_positions;
            let tokenizer = Tokenizer::WordPiece(BertTokenizer::from_dir(&dir)?);
            return Ok(TokenReader::Tokenizer { tokenizer, positions, reads: Reads::Encoder });
        }
        Ok(TokenReader::Model(Box::new(LoadedModel::from_dir(&dir)?)))
    }
}

/// How a model's token counts read: an encoder's include the `[CLS]` and `[SEP]` it adds, a
/// decoder adds nothing, and for other kinds the counts are given as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    Encoder,
    Decoder,
    Other,
}

impl Reads {
    pub fn of(model: &LoadedModel) -> Self {
        let kind = model.info().kind;
        if kind == SourceKind::Encoder {
            Reads::Encoder
        } else if kind == SourceKind::Decoder {
            Reads::Decoder
        } else {
            Reads::Other
        }
    }
}

/// What `attn tokenize` reads tokens with.
pub enum TokenReader {
    /// A tokenizer alone, and the most tokens the model takes.
    Tokenizer { tokenizer: Tokenizer, positions: usize, reads: Reads },
    /// A whole model, for kinds whose tokenizer is not read alone.
    Model(Box<LoadedModel>),
}

impl TokenReader {
    /// The tokens of `text` as the model would see them, cut with a note on stderr when too long;
    /// an empty text is refused as the model refuses it.
    pub fn encode(&self, text: &str) -> CliResult<Encoding> {
        let (encoding, reads) = match self {
            TokenReader::Tokenizer { tokenizer, positions, reads } => (tokenizer.encode(text, *positions), *reads),
            TokenReader::Model(model) => (model.tokenize(text), Reads::of(model)),
        };
        if encoding.tokens.iter().all(|t| t.special && t.start == t.end) {
            return Err(ModelError::EmptyText.into());
        }
        note_truncation(text, &encoding, reads);
        Ok(encoding)
    }

    /// How the tokens are shown.
    pub fn vocabulary(&self) -> Vocabulary<'_> {
        match self {
            TokenReader::Tokenizer { tokenizer, .. } => Vocabulary::of_tokenizer(tokenizer),
            TokenReader::Model(model) => Vocabulary::of_model(model),
        }
    }

    /// How the token counts read.
    pub fn reads(&self) -> Reads {
        match self {
            TokenReader::Tokenizer { reads, .. } => *reads,
            TokenReader::Model(model) => Reads::of(model),
        }
    }
}

/// Where a shipped model's folder is looked for, in order: the current folder, then the
/// repository the tool was built from.
pub fn roots() -> [PathBuf; 2] {
    [PathBuf::new(), PathBuf::from(REPOSITORY)]
}

/// Whether `dir` holds a model: its config.json and its weights.
pub fn present(dir: &Path) -> bool {
    dir.join("config.json").is_file() && ["model.safetensors", "model.f16.safetensors"].iter().any(|w| dir.join(w).is_file())
}

/// The folder of a shipped model: its catalog folder under the first of `roots` that has the
/// model, or a message saying how to get it.
pub fn locate(entry: &CatalogEntry, roots: &[PathBuf]) -> CliResult<PathBuf> {
    if let Some(dir) = roots.iter().map(|root| root.join(&entry.folder)).find(|dir| present(dir)) {
        return Ok(dir);
    }
    let places: Vec<String> = roots
        .iter()
        .map(|root| match root.to_str() {
            Some("") => "the current folder".to_owned(),
            Some(REPOSITORY) => format!("the repository attn was built from ({REPOSITORY})"),
            _ => root.display().to_string(),
        })
        .collect();
    let places = match &places[..] {
        [one] => format!("is not in {one}"),
        many => format!("is in neither {}", many.join(" nor ")),
    };
    let how = match entry.origin {
        Origin::Pretrained => "fetch it with `bash scripts/fetch-model.sh` from the repository's root".to_owned(),
        Origin::Trained => {
            "it is committed under trained/ in the repository, so run attn in a checkout of it (or give the folder with --model DIR)"
                .to_owned()
        }
    };
    Err(CliError::new(format!("{} is not on this machine: {} {places}; {how}", entry.name, entry.folder)))
}

/// The message for a `--model` that is neither a shipped model nor an existing folder.
fn missing_folder(asked: &Path) -> CliError {
    let shown = asked.display();
    if asked.exists() {
        return CliError::new(format!(
            "'{shown}' is a file, not a model folder: give the folder that holds config.json, or a shipped model's name (`attn models` lists them)"
        ));
    }
    let names: Vec<String> = catalog::catalog().into_iter().map(|e| e.name).collect();
    let path_like = asked.components().count() > 1 || asked.is_absolute() || asked.starts_with(".");
    CliError::new(if path_like {
        format!(
            "the model folder '{shown}' does not exist: check the path, or give a shipped model's name ({}; `attn models` lists them, \
             `bash scripts/fetch-model.sh` fetches the pretrained one)",
            names.join(", ")
        )
    } else {
        format!(
            "'{shown}' is neither a shipped model nor a folder here: the shipped models are {} (`attn models` says which are on this \
             machine); for a folder, check the path",
            names.join(", ")
        )
    })
}

/// "an encoder", "a decoder", "an encoder-decoder", "a vision model": what a model is, for messages.
pub fn kind_phrase(kind: SourceKind) -> String {
    match kind {
        SourceKind::Vision => return "a vision model".to_owned(),
        SourceKind::Captioner => return "a captioner".to_owned(),
        _ => {}
    }
    let name = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {name}")
}

/// Refuses a model whose run is not one text with a block per layer: what `attn model`, `attn
/// render` and `attn tokenize` show.
fn check_shown(model: &LoadedModel) -> CliResult<()> {
    if model.encoder().is_some() || model.decoder().is_some() {
        return Ok(());
    }
    if model.vision().is_some() {
        return Err(CliError::new(format!("{} is a vision model: give it a picture, not a text (--image FILE.png)", model.name())));
    }
    if model.captioner().is_some() {
        return Err(CliError::new(format!(
            "{} is a captioner: attn caption --model {0} --image FILE.png describes a picture",
            model.name()
        )));
    }
    Err(CliError::new(format!(
        "{} is {}: attn model and attn render show encoders (BERT family) and decoders (GPT-2, Llama)",
        model.name(),
        kind_phrase(model.info().kind)
    )))
}

impl ModelRunOptions {
    /// Loads the model and runs it on `text`, cut to its positions with a note on stderr when too
    /// long; with `--hide-special`, also the weights among the ordinary tokens.
    pub fn run(&self, text: &str) -> CliResult<ModelRun> {
        let model = self.source.load()?;
        check_shown(&model)?;
        let encoding = model.tokenize(text);
        note_truncation(text, &encoding, Reads::of(&model));
        let run = model.forward(text)?;
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
    /// Every token the model read, an encoder's `[CLS]` and `[SEP]` included.
    pub fn tokens(&self) -> &[Token] {
        self.run.sequences.first().map_or(&[], |s| &s.tokens)
    }

    /// How the model's tokens are shown.
    pub fn vocabulary(&self) -> Vocabulary<'_> {
        Vocabulary::of_model(&self.model)
    }

    /// Whether the model is a decoder (causal attention, byte-level tokens).
    pub fn is_decoder(&self) -> bool {
        self.model.decoder().is_some()
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
    /// tokens are hidden). Encoders and decoders have one block per layer, so the layer is the
    /// block.
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

    /// Whether query `i` may attend to key `j` of one head, both numbered among the tokens shown
    /// (a decoder's causal mask; an encoder masks nothing).
    pub fn allowed(&self, layer: usize, head: usize, shown: &[usize]) -> CliResult<impl Fn(usize, usize) -> bool + '_> {
        let trace = self.run.head(layer, head)?;
        let shown = shown.to_vec();
        Ok(move |i: usize, j: usize| trace.is_allowed(shown[i], shown[j]))
    }
}

/// Characters of context shown where the text was cut.
const CUT_CONTEXT: usize = 30;

/// Says on stderr that the text was cut, and where: the last words kept.
pub fn note_truncation(text: &str, encoding: &Encoding, reads: Reads) {
    let Some(cut) = encoding.truncated else { return };
    let up_to = last_words(&prefix_utf16(text, kept_end(&encoding.tokens)));
    eprintln!("note: {}", cut_sentence(cut, reads, &up_to));
}

/// Where the text a run kept ends: the end of its last token that covers text (UTF-16).
fn kept_end(tokens: &[Token]) -> usize {
    tokens.iter().rev().find(|t| t.end > t.start).map_or(0, |t| t.end)
}

/// "the text has 72 tokens …; the model takes 40, so the first 38 (up to "…") were used".
fn cut_sentence(cut: Truncation, reads: Reads, up_to: &str) -> String {
    let (total, limit) = (cut.total, cut.limit);
    match reads {
        Reads::Encoder => format!(
            "the text has {total} tokens with [CLS] and [SEP]; the model takes {limit}, so the first {} (up to \"{up_to}\") were used",
            limit.saturating_sub(2)
        ),
        Reads::Decoder => {
            format!("the text has {total} tokens; the model's context holds {limit}, so the first {limit} (up to \"{up_to}\") were used")
        }
        Reads::Other => format!("the text has {total} tokens; the model takes {limit}, so the text up to \"{up_to}\" was used"),
    }
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

    /// A folder in the temporary folder, unique to this test, created empty.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("attn-locate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entry(origin: Origin) -> CatalogEntry {
        let any = catalog::catalog().into_iter().find(|e| e.origin == origin).expect("the catalog has a model of each origin");
        CatalogEntry { name: "some-model".into(), folder: "kept/some-model/".into(), ..any }
    }

    #[test]
    fn shipped_models_are_found_in_the_first_root_that_has_them() {
        let (first, second) = (scratch("first"), scratch("second"));
        let roots = [first.clone(), second.clone()];
        let model = entry(Origin::Trained);
        let err = locate(&model, &roots).unwrap_err().to_string();
        assert!(err.starts_with("some-model is not on this machine: kept/some-model/ is in neither "), "{err}");
        assert!(err.contains("committed under trained/"), "{err}");
        let fetch = locate(&entry(Origin::Pretrained), &[PathBuf::new()]).unwrap_err().to_string();
        assert!(fetch.contains("kept/some-model/ is not in the current folder; fetch it with `bash scripts/fetch-model.sh`"), "{fetch}");
        let repository = locate(&model, &[PathBuf::new(), PathBuf::from(REPOSITORY)]).unwrap_err().to_string();
        assert!(
            repository.contains(&format!("is in neither the current folder nor the repository attn was built from ({REPOSITORY}); it is")),
            "{repository}"
        );
        // A folder with config.json but no weights is not the model.
        std::fs::create_dir_all(first.join("kept/some-model")).unwrap();
        std::fs::write(first.join("kept/some-model/config.json"), "{}").unwrap();
        assert!(locate(&model, &roots).is_err());
        std::fs::create_dir_all(second.join("kept/some-model")).unwrap();
        for file in ["config.json", "model.safetensors"] {
            std::fs::write(second.join("kept/some-model").join(file), "{}").unwrap();
        }
        assert_eq!(locate(&model, &roots).unwrap(), second.join("kept/some-model/"));
        std::fs::write(first.join("kept/some-model/model.safetensors"), "").unwrap();
        assert_eq!(locate(&model, &roots).unwrap(), first.join("kept/some-model/"));
        for dir in [first, second] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn kinds_read_as_words() {
        assert_eq!([kind_phrase(SourceKind::Encoder), kind_phrase(SourceKind::Decoder)], ["an encoder", "a decoder"]);
        assert_eq!(kind_phrase(SourceKind::Vision), "a vision model");
    }
}
