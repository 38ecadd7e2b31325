//! How much work any input may ask for: one set of limits for the command-line tool, the worker
//! and the page (written to `www/src/generated/core.js` by `tests/typescript.rs`).
//!
//! Each limit is checked before memory is reserved for what it bounds, with a message that names
//! the input and the limit.

/// Most tokens in one sequence of the toy (and the longest `max_tokens` it accepts).
pub const MAX_TOKENS: usize = 1024;
/// Most heads of the toy (and of its key/value heads).
pub const MAX_HEADS: usize = 16;
/// Widest token vector (`d_model`) of the toy, and widest matrix given by hand.
pub const MAX_D_MODEL: usize = 1024;
/// Most layers, and most heads per layer, of a pretrained model: a link's layer and head stay
/// below this until the model's own counts are known.
pub const MAX_MODEL_COUNT: usize = 4096;
/// Most characters (UTF-16 units) of a typed text that are analysed; the rest is cut with a note.
pub const MAX_TEXT_UNITS: usize = 20_000;
/// Most bytes read from one JSON input file of the command-line tool (Q/K/V, weights, mask).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes of a model's weights file (`model.safetensors`).
pub const MAX_MODEL_FILE_BYTES: u64 = 700 * 1024 * 1024;

/// Training (`train`): most layers (of the encoder and of the decoder each), heads, d_model and
/// examples per step.
pub const MAX_TRAIN_LAYERS: usize = 6;
pub const MAX_TRAIN_HEADS: usize = 16;
pub const MAX_TRAIN_D_MODEL: usize = 512;
pub const MAX_TRAIN_BATCH: usize = 512;
/// Most bytes a training step may hold (parameters, gradient, Adam's moments and activations),
/// estimated before anything is reserved.
pub const MAX_TRAIN_BYTES: u64 = 512 * 1024 * 1024;
/// Most snapshots of the weights a training run keeps for its timeline.
pub const MAX_TRAIN_SNAPSHOTS: usize = 200;

/// A size in bytes as people read it: "16 MiB", "700 MiB", "512 bytes".
pub fn format_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a file of a model folder, refusing one larger than [`MAX_MODEL_FILE_BYTES`] before
/// reading it (and reading no more than that, should it grow meanwhile).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_model_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let too_large = || {
        let limit = format_bytes(MAX_MODEL_FILE_BYTES);
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("larger than {limit}, the most a model file may hold"))
    };
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_MODEL_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_MODEL_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_MODEL_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(format_bytes(MAX_INPUT_BYTES), "16 MiB");
        assert_eq!(format_bytes(MAX_MODEL_FILE_BYTES), "700 MiB");
        assert_eq!(format_bytes(1000), "1000 bytes");
    }

    #[test]
    fn the_readme_states_these_limits() {
        let readme = include_str!("../README.md");
        for row in [
            format!("| Tokens of one toy sequence | {MAX_TOKENS} |"),
            format!("| Toy heads | {MAX_HEADS} |"),
            format!("| Toy d_model and matrix width | {MAX_D_MODEL} |"),
            format!("| Layers or heads of a pretrained model | {MAX_MODEL_COUNT} |"),
            format!("| Characters of a text | {MAX_TEXT_UNITS} |"),
            format!("| Bytes of a JSON input file | {} |", format_bytes(MAX_INPUT_BYTES)),
            format!("| Bytes of a weights file | {} |", format_bytes(MAX_MODEL_FILE_BYTES)),
        ] {
            assert!(readme.contains(&row), "README.md's Honest and safe section lacks the row {row}");
        }
    }
}
