//! The key/value cache of a causal self-attention layer, shared by the decoders (GPT-2 and Llama,
//! [`super::decoder`]) and the Transformer encoder–decoder's decoder ([`super::seq2seq`]).
//!
//! Tokens are fed a chunk at a time (a prompt, then one token per step); each chunk's queries
//! attend over every key so far, so no token is computed twice. Besides the keys and values the
//! cache keeps every query and every row of attention weights, so that at the end it becomes the
//! layer's causal block as a full pass would show it: each head with its queries, keys, values
//! and `T × T` weights (zero above the diagonal). Query heads may share key/value heads in groups
//! (grouped-query attention): head `h` reads key/value head `h / (heads / kv_heads)`.

use std::sync::Arc;

use ndarray::{s, Array2, ArrayView1, ArrayView2};

use crate::attention::{HeadTrace, ScoreFunction};

/// What one layer keeps of every token fed so far.
#[derive(Debug, Clone)]
pub(crate) struct KvCache {
    /// `len × heads·d_k`, row-major: every query (rotated, for rotary positions).
    q: Vec<f32>,
    /// `len × kv_heads·d_k`: every key (rotated, for rotary positions).
    k: Vec<f32>,
    /// `len × kv_heads·d_k`: every value.
    v: Vec<f32>,
    /// Per query head, every row of attention weights, packed: the row of position `p` holds
    /// `p + 1` weights (keys `0..=p`; later keys are masked).
    weights: Vec<Vec<f32>>,
    head_dim: usize,
    kv_heads: usize,
    len: usize,
}

impl KvCache {
    /// An empty cache for `heads` query heads sharing `kv_heads` key/value heads of `head_dim`.
    pub(crate) fn new(heads: usize, kv_heads: usize, head_dim: usize) -> KvCache {
        KvCache { q: Vec::new(), k: Vec::new(), v: Vec::new(), weights: vec![Vec::new(); heads], head_dim, kv_heads, len: 0 }
    }

    /// Number of tokens fed.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Query heads per key/value head.
    pub(crate) fn group(&self) -> usize {
        self.weights.len() / self.kv_heads
    }

    /// Appends a chunk's queries (`n × heads·d_k`), keys and values (`n × kv_heads·d_k` each).
    pub(crate) fn extend(&mut self, q: ArrayView2<f32>, k: ArrayView2<f32>, v: ArrayView2<f32>) {
        debug_assert!(q.nrows() == k.nrows() && k.nrows() == v.nrows());
        self.q.extend(q.iter());
        self.k.extend(k.iter());
        self.v.extend(v.iter());
        self.len += q.nrows();
    }

    /// Every key and every value so far (`len × kv_heads·d_k` each).
    pub(crate) fn keys_values(&self) -> (ArrayView2<'_, f32>, ArrayView2<'_, f32>) {
        let shape = (self.len, self.kv_heads * self.head_dim);
        (
            ArrayView2::from_shape(shape, &self.k).expect("one row per token"),
            ArrayView2::from_shape(shape, &self.v).expect("one row per token"),
        )
    }

    /// Keeps head `head`'s row of weights for the query at `position`: keys `0..=position` of
    /// `row` (the rest are masked).
    pub(crate) fn keep_row(&mut self, head: usize, position: usize, row: ArrayView1<f32>) {
        self.weights[head].extend(row.iter().take(position + 1));
    }

    /// Every head as a full causal pass over the tokens fed would give it: its queries, its
    /// key/value head's keys and values, its `len × len` weights, the `causal` mask (`len × len`,
    /// shared between layers) and the `scale` its scores were multiplied by.
    pub(crate) fn into_heads(self, scale: f32, causal: &Arc<Array2<bool>>) -> Vec<HeadTrace> {
        let (t, dh, group) = (self.len, self.head_dim, self.group());
        let q = Array2::from_shape_vec((t, self.weights.len() * dh), self.q).expect("one row per token");
        let k = Array2::from_shape_vec((t, self.kv_heads * dh), self.k).expect("one row per token");
        let v = Array2::from_shape_vec((t, self.kv_heads * dh), self.v).expect("one row per token");
        self.weights
            .into_iter()
            .enumerate()
            .map(|(head, packed)| {
                let g = head / group;
                let mut weights = Array2::zeros((t, t));
                let mut rows = packed.as_slice();
                for p in 0..t {
                    let (row, rest) = rows.split_at(p + 1);
                    weights.slice_mut(s![p, ..=p]).assign(&ArrayView1::from(row));
                    rows = rest;
                }
                HeadTrace {
                    q: q.slice(s![.., head * dh..(head + 1) * dh]).to_owned(),
                    k: k.slice(s![.., g * dh..(g + 1) * dh]).to_owned(),
                    v: v.slice(s![.., g * dh..(g + 1) * dh]).to_owned(),
                    weights,
                    score: ScoreFunction::Dot,
                    scale,
                    temperature: 1.0,
                    allowed: Some(Arc::clone(causal)),
                    fully_masked: Vec::new(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{array, Array2};

    use super::*;
    use crate::attention::mask::causal_mask;

    #[test]
    fn rows_fed_in_chunks_become_a_causal_block_with_shared_key_value_heads() {
        // Two query heads sharing one key/value head of width 1; tokens fed as 2 + 1.
        let mut cache = KvCache::new(2, 1, 1);
        cache.extend(array![[1.0, 2.0], [3.0, 4.0]].view(), array![[10.0], [20.0]].view(), array![[-1.0], [-2.0]].view());
        assert_eq!(cache.len(), 2);
        for head in 0..2 {
            cache.keep_row(head, 0, array![1.0, 0.0].view());
            cache.keep_row(head, 1, array![0.25, 0.75].view());
        }
        cache.extend(array![[5.0, 6.0]].view(), array![[30.0]].view(), array![[-3.0]].view());
        let (keys, values) = cache.keys_values();
        assert_eq!((keys.column(0).to_vec(), values.column(0).to_vec()), (vec![10.0, 20.0, 30.0], vec![-1.0, -2.0, -3.0]));
        cache.keep_row(0, 2, array![0.5, 0.25, 0.25].view());
        cache.keep_row(1, 2, array![0.0, 0.0, 1.0].view());
        let causal = Arc::new(causal_mask(3, 3));
        let heads = cache.into_heads(0.5, &causal);
        assert_eq!(heads.len(), 2);
        let expected: Array2<f32> = array![[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.5, 0.25, 0.25]];
        assert_eq!(heads[0].weights, expected);
        assert_eq!(heads[1].weights.row(2).to_vec(), vec![0.0, 0.0, 1.0]);
        assert_eq!(heads[1].q.column(0).to_vec(), vec![2.0, 4.0, 6.0]);
        assert_eq!(heads[0].k, heads[1].k, "both query heads read the one key/value head");
        assert_eq!((heads[0].scale, heads[0].allowed.as_deref()), (0.5, Some(&*causal)));
    }
}
