//! `attn tokenize`: the tokens a model reads for a text, without loading the weights of an encoder
//! or a decoder.

use clap::Args;

use crate::args::TextArg;
use crate::error::CliResult;
use crate::model_dir::ModelOptions;
use crate::output;
use crate::token_table;

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
    let reader = args.model.tokenizer()?;
    let encoding = reader.encode(&args.text.text)?;
    let vocabulary = reader.vocabulary();
    output::to_stdout(|out| {
        if args.json {
            output::json_line(out, &encoding)
        } else {
            token_table::write(out, &encoding.tokens, vocabulary, reader.reads())
        }
    })
}
