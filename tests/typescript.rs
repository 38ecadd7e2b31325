//! The files of `www/src/generated/` are written from the Rust definitions: the TypeScript
//! declarations of every type that crosses to JavaScript (`types.d.ts`), and the core's defaults
//! and limits (`core.js`). This test regenerates them and fails when a committed file differs;
//! `UPDATE_GENERATED=1 cargo test --features typescript --test typescript` rewrites them.
#![cfg(feature = "typescript")]

use std::path::Path;

use attention_playground::attention::{AdditiveParts, QueryBreakdown, ScoreKind, Stage};
use attention_playground::catalog::{catalog, evaluations, CatalogEntry, CatalogKind, EvalBucket, EvalGrouping, Evaluation, Origin};
use attention_playground::generation::{Candidate, Generation, GenerationStep, StopReason};
use attention_playground::limits;
use attention_playground::model::info::ModelInfo;
use attention_playground::model::vit::image;
use attention_playground::model::weights::StoredAs;
use attention_playground::model::Encoding;
use attention_playground::positions::Positions;
use attention_playground::run::{
    BlockKind, BlockSummary, Combined, HeadBreakdown, Projection, Role, RunSummary, Sequence, SourceInfo, SourceKind, WithoutSpecial,
};
use attention_playground::session::RunRequest;
use attention_playground::toy::{MaskSpec, Mode, ProjectionKind, ToyConfig};
use attention_playground::train::tasks::{Task, TaskKind, MAX_TASK_LENGTH};
use attention_playground::train::{TrainArchitecture, TrainEvaluation, TrainPositions, TrainProgress, TrainSettings};
use attention_playground::translation::{Seq2SeqArchitecture, Translation, UnknownToken, Vocabularies};
use attention_playground::vision::{ClassScore, Patches, Prediction, Vision};
use attention_playground::{Field, Token, TokenizerKind, Truncation};
use ts_rs::TS;

const HEADER: &str = "// Generated from the Rust definitions by tests/typescript.rs: do not edit.\n\
// UPDATE_GENERATED=1 cargo test --features typescript --test typescript rewrites this file.\n";

fn declaration<T: TS>() -> String {
    let docs = T::docs().map(|d| format!("{}\n", d.trim_end())).unwrap_or_default();
    format!("{docs}export {}\n", T::decl())
}

fn types() -> String {
    let decls = [
        declaration::<Field>(),
        declaration::<CatalogKind>(),
        declaration::<Origin>(),
        declaration::<CatalogEntry>(),
        declaration::<EvalGrouping>(),
        declaration::<EvalBucket>(),
        declaration::<Evaluation>(),
        declaration::<Token>(),
        declaration::<Truncation>(),
        declaration::<TokenizerKind>(),
        declaration::<ScoreKind>(),
        declaration::<Positions>(),
        declaration::<Stage>(),
        declaration::<Mode>(),
        declaration::<ProjectionKind>(),
        declaration::<MaskSpec>(),
        declaration::<ToyConfig>(),
        declaration::<RunRequest>(),
        declaration::<SourceKind>(),
        declaration::<SourceInfo>(),
        declaration::<Role>(),
        declaration::<Sequence>(),
        declaration::<BlockKind>(),
        declaration::<BlockSummary>(),
        declaration::<StopReason>(),
        declaration::<Candidate>(),
        declaration::<GenerationStep>(),
        declaration::<Generation>(),
        declaration::<Seq2SeqArchitecture>(),
        declaration::<UnknownToken>(),
        declaration::<Translation>(),
        declaration::<Vocabularies>(),
        declaration::<Patches>(),
        declaration::<ClassScore>(),
        declaration::<Prediction>(),
        declaration::<Vision>(),
        declaration::<RunSummary>(),
        declaration::<QueryBreakdown>(),
        declaration::<AdditiveParts>(),
        declaration::<Projection>(),
        declaration::<Combined>(),
        declaration::<HeadBreakdown>(),
        declaration::<WithoutSpecial>(),
        declaration::<StoredAs>(),
        declaration::<ModelInfo>(),
        declaration::<Encoding>(),
        declaration::<TaskKind>(),
        declaration::<Task>(),
        declaration::<TrainArchitecture>(),
        declaration::<TrainPositions>(),
        declaration::<TrainSettings>(),
        declaration::<TrainProgress>(),
        declaration::<TrainEvaluation>(),
    ];
    format!("{HEADER}\n{}", decls.join("\n"))
}

fn core_constants() -> String {
    let defaults = serde_json::to_string_pretty(&ToyConfig::default()).unwrap();
    let limits = serde_json::to_string_pretty(&serde_json::json!({
        "maxTokens": limits::MAX_TOKENS,
        "maxHeads": limits::MAX_HEADS,
        "maxDModel": limits::MAX_D_MODEL,
        "maxModelCount": limits::MAX_MODEL_COUNT,
        "maxTextUnits": limits::MAX_TEXT_UNITS,
        "maxInputBytes": limits::MAX_INPUT_BYTES,
        "maxModelFileBytes": limits::MAX_MODEL_FILE_BYTES,
        "maxImageSide": image::MAX_IMAGE_SIDE,
        "maxImageFileBytes": image::MAX_IMAGE_FILE_BYTES,
        "maxTrainLayers": limits::MAX_TRAIN_LAYERS,
        "maxTrainHeads": limits::MAX_TRAIN_HEADS,
        "maxTrainDModel": limits::MAX_TRAIN_D_MODEL,
        "maxTrainBatch": limits::MAX_TRAIN_BATCH,
        "maxTrainBytes": limits::MAX_TRAIN_BYTES,
        "maxTrainSnapshots": limits::MAX_TRAIN_SNAPSHOTS,
        "maxTaskLength": MAX_TASK_LENGTH,
    }))
    .unwrap();
    format!(
        "{HEADER}\n\
/** The toy's default configuration. */\n\
export const DEFAULT_TOY_CONFIG = /** @type {{import('./types').ToyConfig}} */ ({defaults});\n\n\
/** How much work any input may ask for (src/limits.rs): the same for the command-line tool, the worker and the page. */\n\
export const CORE_LIMITS = /** @type {{const}} */ ({limits});\n"
    )
}

fn catalog_module() -> String {
    let models = serde_json::to_string_pretty(&catalog()).unwrap();
    let evaluations = serde_json::to_string_pretty(&evaluations(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap();
    format!(
        "{HEADER}\n\
/** The models the project ships (trained/catalog.json): the pretrained encoder setup fetches and the models it trains. */\n\
export const CATALOG = /** @type {{import('./types').CatalogEntry[]}} */ ({models});\n\n\
/** The translation models' held-out evaluations (each eval.json): exact match overall and by source length or date style. */\n\
export const EVALUATIONS = /** @type {{import('./types').Evaluation[]}} */ ({evaluations});\n"
    )
}

/// Compares (or, with UPDATE_GENERATED=1, writes) one generated file.
fn check(path: &str, expected: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{} is out of date with the Rust definitions: run UPDATE_GENERATED=1 cargo test --features typescript --test typescript",
        path.display()
    );
}

#[test]
fn typescript_declarations_match_the_rust_types() {
    check("www/src/generated/types.d.ts", &types());
}

#[test]
fn the_catalog_module_matches_trained_catalog_json() {
    check("www/src/generated/catalog.js", &catalog_module());
}

#[test]
fn core_constants_match_the_rust_definitions() {
    check("www/src/generated/core.js", &core_constants());
}
