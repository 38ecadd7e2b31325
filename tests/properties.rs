//! Properties every attention computation must have, checked on random inputs (proptest).

use std::sync::Arc;

use attention_playground::attention::{attend, masked_softmax, ScoreFunction};
use attention_playground::positions::Positions;
use attention_playground::toy::{run_toy, MaskSpec, ToyConfig};
use attention_playground::ScoreKind;
use ndarray::Array2;
use proptest::prelude::*;

/// A `rows × cols` matrix of numbers in [−range, range].
fn matrix(rows: impl Strategy<Value = usize>, cols: impl Strategy<Value = usize>, range: f32) -> impl Strategy<Value = Array2<f32>> {
    (rows, cols).prop_flat_map(move |(r, c)| {
        proptest::collection::vec(-range..=range, r * c).prop_map(move |v| Array2::from_shape_vec((r, c), v).unwrap())
    })
}

/// A `rows × cols` mask with about 70 % of the pairs allowed.
fn mask_like(rows: usize, cols: usize) -> impl Strategy<Value = Array2<bool>> {
    proptest::collection::vec(proptest::bool::weighted(0.7), rows * cols)
        .prop_map(move |v| Array2::from_shape_vec((rows, cols), v).unwrap())
}

/// A sentence of 1–12 words from a small vocabulary (so words repeat).
fn sentence() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(proptest::sample::select(&["the", "cat", "sat", "on", "a", "mat", "and", "slept", "dog", "ran"][..]), 1..=12)
}

fn score_kind() -> impl Strategy<Value = ScoreKind> {
    prop_oneof![Just(ScoreKind::Dot), Just(ScoreKind::Additive), Just(ScoreKind::General), Just(ScoreKind::Cosine)]
}

/// Small toy configurations over every score function, position kind and head sharing.
fn config() -> impl Strategy<Value = ToyConfig> {
    (score_kind(), prop_oneof![Just(1usize), Just(2), Just(4)], any::<bool>(), 0.25f32..4.0, any::<u32>(), 0usize..3).prop_map(
        |(score, heads, scale, temperature, seed, positions)| ToyConfig {
            d_model: 16,
            heads,
            kv_heads: if heads > 1 && seed % 2 == 0 { heads / 2 } else { heads },
            score,
            scale,
            temperature,
            seed,
            positions: [Positions::None, Positions::Sinusoidal, Positions::Rope][positions],
            ..ToyConfig::default()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn weight_rows_sum_to_one(config in config(), words in sentence(), causal in any::<bool>()) {
        let config = ToyConfig { masks: if causal { vec![MaskSpec::Causal] } else { vec![] }, ..config };
        let run = run_toy(&config, &words.join(" "), None).unwrap();
        for head in &run.blocks[0].heads {
            for row in head.weights.rows() {
                prop_assert!((row.sum() - 1.0).abs() < 1e-5, "row sums to {}", row.sum());
                prop_assert!(row.iter().all(|&w| (0.0..=1.0).contains(&w)));
            }
        }
    }

    #[test]
    fn masked_rows_sum_to_one_or_are_all_zero(logits in matrix(1usize..8, 1usize..8, 20.0).prop_flat_map(|l| {
        let (r, c) = l.dim();
        (Just(l), mask_like(r, c))
    })) {
        let (logits, allowed) = logits;
        let (weights, fully_masked) = masked_softmax(logits.view(), Some(allowed.view()));
        for (i, row) in weights.rows().into_iter().enumerate() {
            let any_allowed = allowed.row(i).iter().any(|&a| a);
            prop_assert_eq!(!any_allowed, fully_masked.contains(&i));
            let expected = if any_allowed { 1.0 } else { 0.0 };
            prop_assert!((row.sum() - expected).abs() < 1e-5);
            for (j, &w) in row.iter().enumerate() {
                prop_assert!(allowed[[i, j]] || w == 0.0, "masked key {j} of query {i} has weight {w}");
            }
        }
    }

    #[test]
    fn causal_weights_above_the_diagonal_are_exactly_zero(config in config(), words in sentence()) {
        let config = ToyConfig { masks: vec![MaskSpec::Causal], ..config };
        let run = run_toy(&config, &words.join(" "), None).unwrap();
        for head in &run.blocks[0].heads {
            for ((i, j), &w) in head.weights.indexed_iter() {
                if j > i {
                    prop_assert_eq!(w, 0.0, "query {} sees future key {}", i, j);
                }
            }
        }
    }

    #[test]
    fn without_positions_permuting_tokens_permutes_outputs(
        config in config(),
        (words, order) in sentence().prop_flat_map(|w| {
            let n = w.len();
            (Just(w), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
    ) {
        let config = ToyConfig { positions: Positions::None, ..config };
        let permuted: Vec<&str> = order.iter().map(|&i| words[i]).collect();
        let (a, b) = (run_toy(&config, &words.join(" "), None).unwrap(), run_toy(&config, &permuted.join(" "), None).unwrap());
        let (a, b) = (&a.blocks[0], &b.blocks[0]);
        let (out_a, out_b) = (a.output.as_ref().unwrap(), b.output.as_ref().unwrap());
        for (new, &old) in order.iter().enumerate() {
            for (x, y) in out_b.row(new).iter().zip(out_a.row(old)) {
                prop_assert!((x - y).abs() < 1e-4, "output row {new} (was {old}): {x} vs {y}");
            }
            for (ha, hb) in a.heads.iter().zip(&b.heads) {
                for (new_j, &old_j) in order.iter().enumerate() {
                    prop_assert!((hb.weights[[new, new_j]] - ha.weights[[old, old_j]]).abs() < 1e-5);
                }
            }
        }
    }

    #[test]
    fn adding_a_constant_to_a_score_row_changes_nothing(
        logits in matrix(1usize..6, 1usize..9, 10.0),
        shifts in proptest::collection::vec(-50.0f32..50.0, 6),
    ) {
        let shifted = Array2::from_shape_fn(logits.dim(), |(i, j)| logits[[i, j]] + shifts[i]);
        let (w, _) = masked_softmax(logits.view(), None);
        let (w_shifted, _) = masked_softmax(shifted.view(), None);
        for (a, b) in w.iter().zip(&w_shifted) {
            prop_assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn temperature_towards_zero_tends_to_one_hot(scores in proptest::collection::vec(-5.0f32..5.0, 2..10), winner in any::<prop::sample::Index>()) {
        // A clear winner: the largest score leads the others by at least 0.1.
        let mut scores = scores;
        let best = winner.index(scores.len());
        scores[best] = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max) + 0.1;
        let n = scores.len();
        // q = [1], k_j = [score_j]: the dot scores are exactly the chosen numbers.
        let q = Array2::from_elem((1, 1), 1.0f32);
        let k = Array2::from_shape_vec((n, 1), scores).unwrap();
        let v = Array2::from_shape_fn((n, 2), |(j, c)| (j * 2 + c) as f32);
        let top = |t: f32| attend(q.clone(), k.clone(), v.clone(), ScoreFunction::Dot, 1.0, t, None).0.weights[[0, best]];
        let weights: Vec<f32> = [10.0, 1.0, 0.1, 1e-3].into_iter().map(top).collect();
        prop_assert!(weights.windows(2).all(|w| w[1] >= w[0] - 1e-6), "{weights:?} should grow as the temperature falls");
        prop_assert!(weights[3] > 1.0 - 1e-6, "{weights:?}");
        let (_, output) = attend(q.clone(), k.clone(), v.clone(), ScoreFunction::Dot, 1.0, 1e-3, None);
        prop_assert!((output[[0, 0]] - v[[best, 0]]).abs() < 1e-4, "the output becomes the winner's value");
    }

    #[test]
    fn cosine_scores_lie_between_minus_one_and_one(
        q in matrix(1usize..6, 1usize..9, 1e3),
        k in matrix(1usize..6, 1usize..9, 1e-3),
        zero_row in any::<bool>(),
    ) {
        let d = q.ncols().min(k.ncols());
        let (q, mut k) = (q.slice(ndarray::s![.., ..d]).to_owned(), k.slice(ndarray::s![.., ..d]).to_owned());
        if zero_row {
            k.row_mut(0).fill(0.0);
        }
        let with_self = ScoreFunction::Cosine.scores(q.view(), q.view());
        let scores = ScoreFunction::Cosine.scores(q.view(), k.view());
        for &s in scores.iter().chain(&with_self) {
            prop_assert!((-1.0..=1.0).contains(&s), "cosine score {s}");
        }
    }

    #[test]
    fn causal_attend_rows_sum_to_one_for_every_score_function(
        kind in score_kind(),
        seed in any::<u64>(),
        (q, k) in (1usize..6, 1usize..6, 1usize..6).prop_flat_map(|(t_q, t_k, d)| (matrix(Just(t_q), Just(d), 3.0), matrix(Just(t_k), Just(d), 3.0))),
    ) {
        let v = Array2::from_shape_fn((k.nrows(), 3), |(j, c)| (j + c) as f32);
        let score = ScoreFunction::seeded(kind, k.ncols(), seed);
        let allowed = Arc::new(Array2::from_shape_fn((q.nrows(), k.nrows()), |(i, j)| j <= i));
        let (head, _) = attend(q, k, v, score, 1.0, 1.0, Some(allowed));
        for (i, row) in head.weights.rows().into_iter().enumerate() {
            prop_assert!((row.sum() - 1.0).abs() < 1e-5);
            prop_assert!(row.iter().skip(i + 1).all(|&w| w == 0.0));
        }
    }
}
