//! What a vision transformer's run keeps beside its blocks: how the picture was cut into patches
//! (the run's sequence is the prefix tokens, then the patches row by row) and, for a model with a
//! classifier, what it sees. The model side is [`Vit`](crate::model::Vit).

use serde::Serialize;

/// How a picture became tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Patches {
    /// Patches per column (rows of the grid).
    pub rows: usize,
    /// Patches per row.
    pub columns: usize,
    /// Side of one square patch, in pixels of the model's input.
    pub patch_size: usize,
    /// Side of the square picture the model read (after resizing), in pixels.
    pub image_size: usize,
    /// Tokens before the first patch: `[CLS]` (and DeiT's `[DIST]`). Patch `(r, c)` is token
    /// `prefix + r · columns + c`.
    pub prefix: usize,
}

/// One class and the probability the model gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ClassScore {
    /// The class's index among the classifier's outputs.
    pub index: usize,
    /// Its name (`id2label`), or its index as text when the model names none.
    pub label: String,
    pub probability: f32,
}

/// An image classifier's answer: the most probable classes, best first (at most five).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Prediction {
    pub top: Vec<ClassScore>,
}

/// A vision transformer's extras.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Vision {
    pub patches: Patches,
    /// Set when the model has a classifier.
    pub prediction: Option<Prediction>,
}

impl Prediction {
    /// The softmax of `logits`, its `count` most probable classes best first (ties by index).
    pub fn of_logits(logits: &[f32], labels: &[String], count: usize) -> Prediction {
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f64> = logits.iter().map(|&l| f64::from(l - max).exp()).collect();
        let total: f64 = exps.iter().sum();
        let mut order: Vec<usize> = (0..logits.len()).collect();
        order.sort_by(|&a, &b| exps[b].total_cmp(&exps[a]).then(a.cmp(&b)));
        let top = order
            .into_iter()
            .take(count)
            .map(|index| ClassScore {
                index,
                label: labels.get(index).cloned().unwrap_or_else(|| index.to_string()),
                probability: (exps[index] / total) as f32,
            })
            .collect();
        Prediction { top }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_classes_best_first() {
        let p = Prediction::of_logits(&[0.0, 2.0, 1.0, 2.0], &["a".into(), "b".into()], 3);
        let names: Vec<&str> = p.top.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(names, ["b", "3", "2"]);
        let e = std::f32::consts::E;
        let total = 1.0 + 2.0 * e * e + e;
        assert!((p.top[0].probability - e * e / total).abs() < 1e-6);
    }
}
