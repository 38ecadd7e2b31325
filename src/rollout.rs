//! Attention rollout (Abnar & Zuidema 2020): how much each token's final vector draws on each
//! input token, through every layer, when the residual connection is counted. Per layer the heads'
//! weights are averaged into `A`, the residual is added as the identity and the rows renormalised
//! (`(A + I) / 2`), and the layers' matrices are multiplied, the first layer's rightmost:
//! `R_l = Â_l · … · Â_1`. Rows of every `R_l` sum to 1. It works for any run whose blocks include
//! self-attention over one sequence: every encoder's, text or picture.

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::run::{BlockKind, Run};

/// Each layer's head-averaged attention with the residual counted, `Â_l = (A_l + I) / 2`, over
/// sequence `sequence` of `run`, first layer first: the matrices rollout multiplies and attention
/// flow ([`crate::flow`]) takes as capacities. Uses the run's bidirectional self-attention blocks
/// over that sequence, one per layer, in order.
pub fn residual_attention(run: &Run, sequence: usize) -> Result<Vec<Array2<f64>>> {
    let blocks: Vec<_> =
        run.blocks.iter().filter(|b| b.kind == BlockKind::SelfAttention && b.queries == sequence && b.keys == sequence).collect();
    if blocks.is_empty() {
        return Err(Error::OutOfRange(format!(
            "sequence {sequence} has no self-attention layer to roll out (rollout follows an encoder's layers)"
        )));
    }
    Ok(blocks
        .into_iter()
        .map(|block| {
            let (t, _) = block.shape();
            let mut a = Array2::<f64>::zeros((t, t));
            for head in &block.heads {
                a.zip_mut_with(&head.weights, |x, &w| *x += f64::from(w));
            }
            let heads = block.heads.len().max(1) as f64;
            a.mapv_inplace(|x| 0.5 * x / heads);
            for i in 0..t {
                a[[i, i]] += 0.5;
            }
            a
        })
        .collect())
}

/// The rollout after each layer over sequence `sequence` of `run`: `[layer][query][key]`, from the
/// first layer's `Â_1` to the last's product.
pub fn rollout(run: &Run, sequence: usize) -> Result<Vec<Array2<f32>>> {
    let mut out = Vec::new();
    let mut product: Option<Array2<f64>> = None;
    for a in residual_attention(run, sequence)? {
        let next = match &product {
            Some(previous) => a.dot(previous),
            None => a,
        };
        out.push(next.mapv(|x| x as f32));
        product = Some(next);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{run_toy, ToyConfig};

    #[test]
    fn rows_sum_to_one_and_one_layer_is_half_identity() {
        let run = run_toy(&ToyConfig::default(), "the cat sat on the mat", None).unwrap();
        let r = rollout(&run, 0).unwrap();
        assert_eq!(r.len(), 1);
        let heads = &run.blocks[0].heads;
        let (i, j) = (1, 3);
        let mean = heads.iter().map(|h| h.weights[[i, j]]).sum::<f32>() / heads.len() as f32;
        assert!((r[0][[i, j]] - 0.5 * mean).abs() < 1e-6);
        for row in r[0].rows() {
            assert!((row.sum() - 1.0).abs() < 1e-5);
        }
        assert!(rollout(&run, 1).is_err());
    }
}
