//! `attn`: attention from the command line.
//!
//! - `attn toy --text "…"` runs the playground's toy mode on a sentence and prints each head's
//!   weights as a table (or, with `--json`, every intermediate).
//! - `attn qkv --input FILE.json` runs one head on given Q, K and V matrices.
//! - `attn model --text "…"` runs a pretrained encoder (default: all-MiniLM-L6-v2) or decoder
//!   (GPT-2, Llama) and prints its tokens and the weights of the heads picked (or, with `--json`,
//!   every attention).
//! - `attn tokenize --text "…"` prints the tokens a pretrained model reads.
//! - `attn generate --model DIR_OR_NAME --text "…" --steps N` continues a text with a decoder and
//!   shows how each token was chosen.
//! - `attn translate --model NAME --text "…"` translates with one of the project's encoder–decoders
//!   and shows the alignment of a cross-attention head.
//! - `attn caption --image FILE.png` describes a picture with the project's captioner and shows
//!   where each word's cross-attention looked.
//! - `attn train --task TASK --out DIR` trains a small Transformer on a generated task and writes
//!   it as a model folder that `translate` and `generate` read.
//! - `attn models` lists the shipped models (the catalog) and where each is on this machine.
//! - `attn render --view heatmap|lines --svg OUT.svg` (or `--png OUT.png`) draws a figure of the
//!   toy's or a model's attention.
//!
//! Problems with the input end the program with `error: <what is wrong>` on stderr and exit
//! status 1 (2 for unknown or malformed options).

// The doc comments of options are their help text, where "[CLS]" is meant literally.
#![allow(rustdoc::broken_intra_doc_links)]

mod args;
mod caption_command;
mod error;
mod generate_command;
mod image_command;
mod input;
mod json;
mod mask_arg;
mod model_command;
mod model_dir;
mod models_command;
mod output;
mod picture;
mod qkv_command;
mod render_command;
mod report;
mod table;
mod token_table;
mod token_text;
mod tokenize_command;
mod toy_command;
mod train_command;
mod translate_command;
mod weights_file;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Attention, step by step: every intermediate from scores to outputs.
#[derive(Debug, Parser)]
#[command(name = "attn", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Attention over a sentence, with toy token vectors and seeded or given projections
    Toy(toy_command::ToyArgs),
    /// One attention head on Q, K and V matrices from a JSON file
    Qkv(qkv_command::QkvArgs),
    /// A pretrained encoder's or decoder's attention over a text: tokens, every layer and head, an encoder's sentence embedding
    Model(model_command::ModelArgs),
    /// The tokens a pretrained model reads, with their ids and places in the text
    Tokenize(tokenize_command::TokenizeArgs),
    /// A decoder continues a text: the tokens it chose, their probabilities and alternatives, each step's attention
    Generate(generate_command::GenerateArgs),
    /// An encoder–decoder translates a text: the translation, unknown words, and a cross-attention head's alignment
    Translate(translate_command::TranslateArgs),
    /// A captioner describes a picture: the caption, and where each word's cross-attention looked among the patches
    Caption(caption_command::CaptionArgs),
    /// Train a small Transformer on a generated task (reverse, sort, copy-offset, add, induction) and write it as a model folder
    Train(train_command::TrainArgs),
    /// The shipped models (the catalog): name, kind, folder, description, and whether each is on this machine
    Models(models_command::ModelsArgs),
    /// A figure (heatmap or lines) of the toy's or a pretrained model's attention, as SVG or PNG
    Render(render_command::RenderArgs),
}

fn main() -> ExitCode {
    let command = Cli::command().mut_subcommand("render", render_command::refine);
    let cli = Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Toy(args) => toy_command::run(args),
        Command::Qkv(args) => qkv_command::run(args),
        Command::Model(args) => model_command::run(args),
        Command::Tokenize(args) => tokenize_command::run(args),
        Command::Generate(args) => generate_command::run(args),
        Command::Translate(args) => translate_command::run(args),
        Command::Caption(args) => caption_command::run(args),
        Command::Train(args) => train_command::run(args),
        Command::Models(args) => models_command::run(args),
        Command::Render(args) => render_command::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
