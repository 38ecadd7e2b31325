//! The named intermediates of one attention head.

use serde::{Deserialize, Serialize};

/// A named intermediate of a head, in the order they are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Queries, one row per query token (`T_q × d_k`).
    Q,
    /// Keys (`T_k × d_k`).
    K,
    /// Values (`T_k × d_v`).
    V,
    /// Raw scores of the score function (`T_q × T_k`).
    Scores,
    /// Scores × scale ÷ temperature.
    Scaled,
    /// Scaled scores with masked entries set to −∞.
    Masked,
    /// Softmax of the masked scores: each row sums to 1 (or is all 0 when fully masked).
    Weights,
    /// Weights · V (`T_q × d_v`).
    Output,
}

impl Stage {
    /// Every stage, in computation order.
    pub const ALL: [Stage; 8] = [Stage::Q, Stage::K, Stage::V, Stage::Scores, Stage::Scaled, Stage::Masked, Stage::Weights, Stage::Output];

    /// The stage's name as used in JSON and JavaScript.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Q => "q",
            Stage::K => "k",
            Stage::V => "v",
            Stage::Scores => "scores",
            Stage::Scaled => "scaled",
            Stage::Masked => "masked",
            Stage::Weights => "weights",
            Stage::Output => "output",
        }
    }
}

impl std::str::FromStr for Stage {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::error::Result<Self> {
        Stage::ALL.into_iter().find(|stage| stage.name() == s).ok_or_else(|| {
            crate::error::invalid!(Field::Stage, "unknown stage '{s}': use one of q, k, v, scores, scaled, masked, weights, output")
        })
    }
}
