//! `attn tokenize`: the tokens a model reads for a text, without loading its weights.

use clap::Args;

use crate::args::TextArg;
use crate::error::CliResult;
use crate::model_dir::{encode, ModelOptions};
use crate::output;
use crate::token_table;
use crate::token_text::Vocabulary;

#[derive(Debug, Args)]
pub struct TokenizeArgs {
    #[command(flatten)]
    text: TextArg,
    #[command(flatten)]
    model: ModelOptions,
    /// Print JSON: {"tokens": [{"text", "start", "end", "special", "id"}], "truncated": null or {"limit", "total", "which"}}
    /// (a byte-level BPE token's text is its vocabulary entry, as "Ġthe")
    #[arg(long)]
    json: bool,
}

pub fn run(args: TokenizeArgs) -> CliResult<()> {
    let (tokenizer, positions) = args.model.tokenizer()?;
    let encoding = encode(&tokenizer, positions, &args.text.text)?;
    let vocabulary = Vocabulary::of_tokenizer(&tokenizer);
    output::to_stdout(
        |out| if args.json { output::json_line(out, &encoding) } else { token_table::write(out, &encoding.tokens, vocabulary) },
    )
}
