//! `attn`: attention from the command line.
//!
//! - `attn toy --text "…"` runs the playground's toy mode on a sentence and prints each head's
//!   weights as a table (or, with `--json`, every intermediate).
//! - `attn qkv --input FILE.json` runs one head on given Q, K and V matrices.
//!
//! Problems with the input end the program with `error: <what is wrong>` on stderr and exit
//! status 1 (2 for unknown or malformed options).

mod args;
mod error;
mod input;
mod json;
mod mask_arg;
mod output;
mod qkv_command;
mod report;
mod table;
mod toy_command;
mod weights_file;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Toy(args) => toy_command::run(args),
        Command::Qkv(args) => qkv_command::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
