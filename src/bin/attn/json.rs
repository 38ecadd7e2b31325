//! The JSON form of runs: nested arrays (one inner array per row), camelCase keys as in the
//! playground's JavaScript, stage names as in the core, and `null` for −∞ (masked scores; serde_json
//! writes every non-finite number as `null`). Breakdowns are the core's own [`HeadBreakdown`] and
//! [`QueryBreakdown`], serialised as they are.

use std::path::Path;

use attention_playground::attention::{HeadTrace, QueryBreakdown, Stage};
use attention_playground::model::ModelInfo;
use attention_playground::run::{HeadBreakdown, Run};
use attention_playground::toy::ToyConfig;
use ndarray::{Array2, ArrayView2};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::model_dir;

/// A matrix as a list of its rows.
struct Matrix<'a>(ArrayView2<'a, f32>);

impl Serialize for Matrix<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows().into_iter().map(|row| row.to_vec()))
    }
}

/// One head: its score function, scale and temperature, then every stage by name (scores and
/// output recomputed by the head, as the core derives them).
pub struct Head<'a>(pub &'a HeadTrace);

impl Serialize for Head<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let head = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("score", &head.score.kind())?;
        map.serialize_entry("scale", &head.scale)?;
        map.serialize_entry("temperature", &head.temperature)?;
        for stage in Stage::ALL {
            map.serialize_entry(stage.name(), &Matrix(head.stage(stage).view()))?;
        }
        map.serialize_entry("fullyMaskedRows", &head.fully_masked)?;
        map.end()
    }
}

/// A whole toy run: configuration, tokens, every head, the concatenation and the output.
pub struct ToyRun<'a> {
    pub config: &'a ToyConfig,
    pub run: &'a Run,
    /// The file the projections came from (`--weights`), if any.
    pub weights_file: Option<&'a Path>,
    /// Breakdowns asked for with `--query`, one per head shown.
    pub breakdowns: &'a [HeadBreakdown],
}

impl Serialize for ToyRun<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = self.run;
        let block = run.block(0).map_err(S::Error::custom)?;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("config", self.config)?;
        map.serialize_entry("weightsFile", &self.weights_file.map(|p| p.display().to_string()))?;
        map.serialize_entry("queryTokens", run.query_tokens(block))?;
        map.serialize_entry("keyTokens", run.key_tokens(block))?;
        map.serialize_entry("truncated", &run.truncated)?;
        map.serialize_entry("heads", &block.heads.iter().map(Head).collect::<Vec<_>>())?;
        map.serialize_entry("concat", &Matrix(concat(&block.heads).view()))?;
        map.serialize_entry("output", &block.output.as_ref().map(|o| Matrix(o.view())))?;
        map.serialize_entry("fullyMaskedRows", &block.heads.first().map_or(&[][..], |h| &h.fully_masked[..]))?;
        if !self.breakdowns.is_empty() {
            map.serialize_entry("breakdowns", self.breakdowns)?;
        }
        map.end()
    }
}

/// The heads' outputs side by side (`T_q × heads·d_v`): what W_O multiplies.
fn concat(heads: &[HeadTrace]) -> Array2<f32> {
    let outputs: Vec<Array2<f32>> = heads.iter().map(HeadTrace::output).collect();
    let views: Vec<ArrayView2<f32>> = outputs.iter().map(|o| o.view()).collect();
    ndarray::concatenate(ndarray::Axis(1), &views).unwrap_or_else(|_| Array2::zeros((0, 0)))
}

/// The attentions of the chosen layers and heads of a model run, `[layer][head][query][key]`,
/// written as they are serialised (a 512-token run holds 72 matrices of 512 × 512).
struct Attentions<'a> {
    of: &'a model_dir::ModelRun,
    layers: &'a [usize],
    heads: &'a [usize],
}

impl Serialize for Attentions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut layers = s.serialize_seq(Some(self.layers.len()))?;
        for &layer in self.layers {
            let heads = self.heads.iter().map(|&h| self.of.weights(layer, h).map(Matrix)).collect::<Result<Vec<_>, _>>();
            layers.serialize_element(&heads.map_err(S::Error::custom)?)?;
        }
        layers.end()
    }
}

/// The model a run used: its name and its sizes.
#[derive(Serialize)]
pub struct ModelDescription<'a> {
    pub name: &'a str,
    #[serde(flatten)]
    pub info: ModelInfo,
}

/// A pretrained model's run: the model, the tokens (only the ordinary ones when special tokens
/// are hidden, with their places in `kept`), whether the text was cut, the chosen layers and
/// heads with their attentions, the pooled sentence embedding, and the breakdowns asked for.
pub struct ModelRun<'a> {
    pub of: &'a model_dir::ModelRun,
    pub layers: &'a [usize],
    pub heads: &'a [usize],
    pub breakdowns: &'a [HeadBreakdown],
}

impl Serialize for ModelRun<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let of = self.of;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("model", &ModelDescription { name: of.model.name(), info: of.model.info() })?;
        match &of.hidden {
            Some(hidden) => {
                let kept = &hidden.kept[0];
                map.serialize_entry("tokens", &kept.iter().map(|&i| &of.tokens()[i]).collect::<Vec<_>>())?;
                map.serialize_entry("kept", kept)?;
            }
            None => map.serialize_entry("tokens", of.tokens())?,
        }
        map.serialize_entry("specialHidden", &of.hidden.is_some())?;
        map.serialize_entry("truncated", &of.run.truncated)?;
        map.serialize_entry("layers", self.layers)?;
        map.serialize_entry("heads", self.heads)?;
        map.serialize_entry("attentions", &Attentions { of, layers: self.layers, heads: self.heads })?;
        map.serialize_entry("pooled", &of.run.pooled.as_ref().map(|p| p.to_vec()))?;
        if !self.breakdowns.is_empty() {
            map.serialize_entry("breakdowns", self.breakdowns)?;
        }
        map.end()
    }
}

/// One head computed on its own (`attn qkv`), with the breakdown asked for, if any.
#[derive(Serialize)]
pub struct Single<'a> {
    #[serde(flatten)]
    pub head: Head<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<&'a QueryBreakdown>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn minus_infinity_becomes_null() {
        let m = array![[1.5f32, f32::NEG_INFINITY]];
        assert_eq!(serde_json::to_string(&Matrix(m.view())).unwrap(), "[[1.5,null]]");
    }
}
