//! Hostile model folders through the core: every variant of `hostile/mod.rs` (108, for an encoder,
//! a decoder and an encoder–decoder) is refused with a message naming its file, field or tensor,
//! or loads and runs with finite weights only; none panics. The same variants go through the wasm
//! API in `tests/wasm_api/hostile.rs`.

mod hostile;

use std::panic::{catch_unwind, AssertUnwindSafe};

use attention_playground::model::LoadedModel;

#[test]
fn every_hostile_variant_is_refused_by_name_or_runs_finite() {
    hostile::check(|files| {
        catch_unwind(AssertUnwindSafe(|| {
            let model = LoadedModel::from_files(&files.config, files.tokenizer.as_deref(), files.vocab.as_deref(), &files.weights)
                .map_err(|e| e.to_string())?;
            let run = model.forward(hostile::TEXT).map_err(|e| e.to_string())?;
            Ok(run.blocks.iter().flat_map(|b| &b.heads).all(|h| h.weights.iter().all(|w| w.is_finite())))
        }))
        .unwrap_or_else(|_| Err("panicked".into()))
    });
}
