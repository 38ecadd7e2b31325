//! `attn tokenize`: the tokens a pretrained model reads for a text, without loading its weights.

use clap::Args;

use crate::args::TextArg;
use crate::error::CliResult;
use crate::model_dir::{encode, ModelOptions};
use crate::output;
use crate::token_table;

#[derive(Debug, Args)]
pub struct TokenizeArgs {
    #[command(flatten)]
    text: TextArg,
    #[command(flatten)]
    model: ModelOptions,
    /// Print JSON: {"tokens": [{"text", "start", "end", "special", "id"}], "truncated": null or {"limit", "total", "which"}}
    #[arg(long)]
    json: bool,
}

pub fn run(args: TokenizeArgs) -> CliResult<()> {
    let (tokenizer, positions) = args.model.tokenizer()?;
    let encoding = encode(&tokenizer, positions, &args.text.text)?;
    output::to_stdout(|out| if args.json { output::json_line(out, &encoding) } else { token_table::write(out, &encoding.tokens) })
}
