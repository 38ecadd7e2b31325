//! The JSON form of traces: nested arrays (one inner array per row), camelCase keys as in the
//! playground's JavaScript, stage names as in the core, and `null` for −∞ (masked scores).

use std::path::Path;

use attention_playground::attention::{AttentionTrace, HeadTrace, QueryBreakdown, Stage};
use attention_playground::model::{ModelInfo, ModelTrace};
use attention_playground::toy::ToyRun;
use ndarray::{ArrayView1, ArrayView2};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

/// A number, or `null` when it is not finite.
struct Number(f32);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f32(self.0)
        } else {
            s.serialize_none()
        }
    }
}

struct Vector<'a>(ArrayView1<'a, f32>);

impl Serialize for Vector<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&x| Number(x)))
    }
}

struct Matrix<'a>(ArrayView2<'a, f32>);

impl Serialize for Matrix<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.nrows()))?;
        for row in self.0.rows() {
            seq.serialize_element(&Vector(row))?;
        }
        seq.end()
    }
}

/// One head: its score function, scale and temperature, then every stage by name.
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

/// How one query of one head attends, every number of the way.
pub struct Breakdown<'a> {
    /// The layer, for pretrained models.
    pub layer: Option<usize>,
    pub head: usize,
    pub b: &'a QueryBreakdown,
}

impl Serialize for Breakdown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.b;
        let mut map = s.serialize_map(None)?;
        if let Some(layer) = self.layer {
            map.serialize_entry("layer", &layer)?;
        }
        map.serialize_entry("head", &self.head)?;
        map.serialize_entry("query", &b.query)?;
        map.serialize_entry("scale", &b.scale)?;
        map.serialize_entry("temperature", &b.temperature)?;
        map.serialize_entry("q", &Vector(b.q.view()))?;
        map.serialize_entry("termLabel", b.term_label)?;
        map.serialize_entry("terms", &Matrix(b.terms.view()))?;
        for (name, v) in [("scores", &b.scores), ("scaled", &b.scaled), ("masked", &b.masked)] {
            map.serialize_entry(name, &Vector(v.view()))?;
        }
        map.serialize_entry("allowed", &b.allowed)?;
        map.serialize_entry("max", &b.max)?;
        map.serialize_entry("exp", &Vector(b.exp.view()))?;
        map.serialize_entry("sumExp", &b.sum_exp)?;
        map.serialize_entry("weights", &Vector(b.weights.view()))?;
        map.serialize_entry("values", &Matrix(b.values.view()))?;
        map.serialize_entry("weighted", &Matrix(b.weighted.view()))?;
        map.serialize_entry("output", &Vector(b.output.view()))?;
        map.serialize_entry("fullyMasked", &b.fully_masked)?;
        map.end()
    }
}

/// A whole toy run: configuration, tokens, every head, the concatenation and the output.
pub struct Run<'a> {
    pub run: &'a ToyRun,
    /// The file the projections came from (`--weights`), if any.
    pub weights_file: Option<&'a Path>,
    /// Breakdowns asked for with `--query`, one per head.
    pub breakdowns: &'a [Breakdown<'a>],
}

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = self.run;
        let trace: &AttentionTrace = &run.trace;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("config", &run.config)?;
        map.serialize_entry("weightsFile", &self.weights_file.map(|p| p.display().to_string()))?;
        map.serialize_entry("queryTokens", &run.query_tokens)?;
        map.serialize_entry("keyTokens", &run.key_tokens)?;
        map.serialize_entry("truncated", &run.truncated)?;
        map.serialize_entry("heads", &trace.heads.iter().map(Head).collect::<Vec<_>>())?;
        map.serialize_entry("concat", &Matrix(trace.concat.view()))?;
        map.serialize_entry("output", &Matrix(trace.output.view()))?;
        map.serialize_entry("fullyMaskedRows", &trace.fully_masked)?;
        if !self.breakdowns.is_empty() {
            map.serialize_entry("breakdowns", self.breakdowns)?;
        }
        map.end()
    }
}

/// The attentions of the chosen layers and heads of a model run, `[layer][head][query][key]`,
/// written as they are serialised (a 512-token run holds 72 matrices of 512 × 512).
struct Attentions<'a> {
    trace: &'a ModelTrace,
    layers: &'a [usize],
    heads: &'a [usize],
    hide_special: bool,
}

impl Serialize for Attentions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut layers = s.serialize_seq(Some(self.layers.len()))?;
        for &l in self.layers {
            layers.serialize_element(&LayerAttentions { l, of: self })?;
        }
        layers.end()
    }
}

struct LayerAttentions<'a> {
    l: usize,
    of: &'a Attentions<'a>,
}

impl Serialize for LayerAttentions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (trace, l) = (self.of.trace, self.l);
        let mut heads = s.serialize_seq(Some(self.of.heads.len()))?;
        for &h in self.of.heads {
            if self.of.hide_special {
                let (_, w) = trace.weights_without_special(l, h).map_err(S::Error::custom)?;
                heads.serialize_element(&Matrix(w.view()))?;
            } else {
                heads.serialize_element(&Matrix(trace.weights(l, h).map_err(S::Error::custom)?))?;
            }
        }
        heads.end()
    }
}

/// The model a run used: its folder's name and its sizes.
#[derive(Serialize)]
struct ModelDescription<'a> {
    name: &'a str,
    #[serde(flatten)]
    info: ModelInfo,
}

/// A pretrained model's run: the model, the tokens (only the ordinary ones when special tokens
/// are hidden, with their places in `kept`), whether the text was cut, the chosen layers and
/// heads with their attentions, the pooled sentence embedding, and the breakdowns asked for.
pub struct ModelRun<'a> {
    pub name: &'a str,
    pub info: ModelInfo,
    pub trace: &'a ModelTrace,
    pub layers: &'a [usize],
    pub heads: &'a [usize],
    pub hide_special: bool,
    pub breakdowns: &'a [Breakdown<'a>],
}

impl Serialize for ModelRun<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let trace = self.trace;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("model", &ModelDescription { name: self.name, info: self.info.clone() })?;
        if self.hide_special {
            let kept: Vec<usize> = (0..trace.len()).filter(|&i| !trace.tokens[i].special).collect();
            map.serialize_entry("tokens", &kept.iter().map(|&i| &trace.tokens[i]).collect::<Vec<_>>())?;
            map.serialize_entry("kept", &kept)?;
        } else {
            map.serialize_entry("tokens", &trace.tokens)?;
        }
        map.serialize_entry("specialHidden", &self.hide_special)?;
        map.serialize_entry("truncated", &trace.truncated)?;
        map.serialize_entry("layers", self.layers)?;
        map.serialize_entry("heads", self.heads)?;
        map.serialize_entry("attentions", &Attentions { trace, layers: self.layers, heads: self.heads, hide_special: self.hide_special })?;
        map.serialize_entry("pooled", &Vector(trace.pooled.view()))?;
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
    pub breakdown: Option<Breakdown<'a>>,
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
