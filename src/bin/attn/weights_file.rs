//! `--weights FILE.json`: the projections W_Q, W_K, W_V and W_O given by hand.
//!
//! Each matrix is `d_in × d_out` and applied as `x · W` (a PyTorch `nn.Linear` weight is the
//! transpose): W_Q is `d_model × d_model`, W_K and W_V are `d_model × (kv_heads · d_k)`,
//! W_O is `d_model × d_model`.

use std::path::Path;

use attention_playground::attention::multi_head::Projections;
use attention_playground::linear::Linear;

use crate::error::{CliError, CliResult};
use crate::input;

const KEYS: [&str; 4] = ["w_q", "w_k", "w_v", "w_o"];

/// Reads the four projections from `path`.
pub fn read(path: &Path) -> CliResult<Projections> {
    let what = input::describe("the weights file", path);
    let value = input::read_json(path, &what)?;
    let map = input::object(&value, &what, &KEYS)?;
    let [w_q, w_k, w_v, w_o] = KEYS.map(|key| {
        let m = map.get(key).ok_or_else(|| CliError::new(format!("{what} has no \"{key}\": it needs {}", KEYS.join(", "))))?;
        input::matrix(m, &key.to_uppercase(), input::WEIGHT_BOUNDS).map(Linear::new)
    });
    Ok(Projections { w_q: w_q?, w_k: w_k?, w_v: w_v?, w_o: w_o? })
}
