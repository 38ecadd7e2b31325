//! The JSON form of traces: nested arrays (one inner array per row), camelCase keys as in the
//! playground's JavaScript, stage names as in the core, and `null` for −∞ (masked scores).

use std::path::Path;

use attention_playground::attention::{AttentionTrace, HeadTrace, QueryBreakdown, Stage};
use attention_playground::toy::ToyRun;
use ndarray::{ArrayView1, ArrayView2};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
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
    pub head: usize,
    pub b: &'a QueryBreakdown,
}

impl Serialize for Breakdown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.b;
        let mut map = s.serialize_map(None)?;
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
