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

/// A model folder in a fresh temporary directory: `files` written as given, `sparse` files of
/// that many bytes made without writing them (no disk is used).
fn folder(name: &str, files: &[(&str, &[u8])], sparse: &[(&str, u64)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, bytes) in files {
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    for (file, len) in sparse {
        std::fs::File::create(dir.join(file)).unwrap().set_len(*len).unwrap();
    }
    dir
}

#[test]
fn model_files_beyond_the_limit_are_refused_before_they_are_read() {
    use attention_playground::limits::MAX_MODEL_FILE_BYTES;
    let bases = hostile::bases();
    let (encoder, decoder) = (&bases[0].files, &bases[1].files);
    let cases = [
        folder(
            "encoder",
            &[("config.json", encoder.config.as_bytes()), ("vocab.txt", encoder.vocab.as_deref().unwrap().as_bytes())],
            &[("model.safetensors", MAX_MODEL_FILE_BYTES + 1)],
        ),
        folder(
            "decoder",
            &[("config.json", decoder.config.as_bytes()), ("model.safetensors", &decoder.weights)],
            &[("tokenizer.json", 1 << 40)],
        ),
    ];
    for dir in cases {
        let message = LoadedModel::from_dir(&dir).map(drop).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(message.contains("larger than 700 MiB, the most a model file may hold"), "{message}");
    }
}
