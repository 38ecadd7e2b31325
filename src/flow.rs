//! Attention flow (Abnar & Zuidema 2020): the layers' attention as a flow network. Token i after
//! layer l is a node with an edge to every token j after layer l − 1 whose capacity is
//! `Â_l[i][j]`, the head-averaged weights with the residual counted, as rollout takes them
//! ([`residual_attention`]); the input tokens are the nodes of layer 0. The flow of input token j
//! into token i after layer l is the maximum flow from (l, i) to (0, j), and each row is divided
//! by its sum. Rollout adds up every path, each weighted by the product of its edges; a maximum
//! flow is bounded by the narrowest cut between the two tokens, so it spreads more evenly. It
//! costs T² maximum-flow problems per layer, each over up to `layers × T²` edges, so it is
//! computed for short sequences only ([`MAX_FLOW_TOKENS`]).

use ndarray::Array2;

use crate::error::{invalid, Result};
use crate::rollout::residual_attention;
use crate::run::Run;

/// Most tokens of a sequence whose attention flow is computed: at 24 tokens and 6 layers, 3,456
/// maximum flows over up to 3,456 edges each, from a fifth of a second to a second in the browser
/// on a busy two-core machine (`node scripts/bench-wasm.mjs rollout`).
pub const MAX_FLOW_TOKENS: usize = 24;

/// Residual capacities at or below this count as used up.
const EPSILON: f64 = 1e-12;

/// The attention flow after each layer over sequence `sequence` of `run`: `[layer][query][key]`,
/// each row summing to 1. The same blocks as rollout's.
pub fn flow(run: &Run, sequence: usize) -> Result<Vec<Array2<f32>>> {
    let layers = residual_attention(run, sequence)?;
    let t = layers[0].nrows();
    if t > MAX_FLOW_TOKENS {
        return Err(invalid!(
            "attention flow is computed for sequences of at most {MAX_FLOW_TOKENS} tokens, and this one has {t}: it takes T² maximum-flow problems per layer (the rollout has no such limit)"
        ));
    }
    let mut network = Network::new(t, &layers);
    Ok((1..=layers.len())
        .map(|layer| {
            let mut out = Array2::<f32>::zeros((t, t));
            for i in 0..t {
                let values: Vec<f64> = (0..t).map(|j| network.max_flow(layer * t + i, j)).collect();
                let total: f64 = values.iter().sum();
                for (j, value) in values.iter().enumerate() {
                    out[[i, j]] = if total > 0.0 { (value / total) as f32 } else { 0.0 };
                }
            }
            out
        })
        .collect())
}

/// The layered network: node `l · T + i` is token i after layer l; edges in pairs, forward and
/// reverse (`e ^ 1`), with Dinic's level graph and current-arc pointers.
struct Network {
    edges: Vec<Vec<usize>>,
    to: Vec<usize>,
    capacity: Vec<f64>,
    used: Vec<f64>,
    level: Vec<usize>,
    next: Vec<usize>,
}

impl Network {
    fn new(t: usize, layers: &[Array2<f64>]) -> Network {
        let nodes = (layers.len() + 1) * t;
        let mut network = Network {
            edges: vec![Vec::new(); nodes],
            to: Vec::new(),
            capacity: Vec::new(),
            used: Vec::new(),
            level: vec![0; nodes],
            next: vec![0; nodes],
        };
        for (l, a) in layers.iter().enumerate() {
            for ((i, j), &c) in a.indexed_iter() {
                if c > 0.0 {
                    network.edge((l + 1) * t + i, l * t + j, c);
                }
            }
        }
        network
    }

    fn edge(&mut self, from: usize, to: usize, capacity: f64) {
        for (a, b, c) in [(from, to, capacity), (to, from, 0.0)] {
            self.edges[a].push(self.to.len());
            self.to.push(b);
            self.capacity.push(c);
            self.used.push(0.0);
        }
    }

    fn residual(&self, e: usize) -> f64 {
        self.capacity[e] - self.used[e]
    }

    /// The maximum flow from `source` to `sink` (Dinic's algorithm), starting from no flow.
    fn max_flow(&mut self, source: usize, sink: usize) -> f64 {
        self.used.iter_mut().for_each(|u| *u = 0.0);
        let mut total = 0.0;
        while self.levels(source, sink) {
            self.next.iter_mut().for_each(|n| *n = 0);
            loop {
                let pushed = self.push(source, sink, f64::INFINITY);
                if pushed <= EPSILON {
                    break;
                }
                total += pushed;
            }
        }
        total
    }

    /// Breadth-first levels from `source` over edges with capacity left; whether `sink` is reached.
    fn levels(&mut self, source: usize, sink: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = usize::MAX);
        self.level[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(v) = queue.pop_front() {
            for &e in &self.edges[v] {
                let w = self.to[e];
                if self.level[w] == usize::MAX && self.residual(e) > EPSILON {
                    self.level[w] = self.level[v] + 1;
                    queue.push_back(w);
                }
            }
        }
        self.level[sink] != usize::MAX
    }

    /// Pushes up to `limit` from `v` to `sink` along the level graph; returns what was pushed.
    fn push(&mut self, v: usize, sink: usize, limit: f64) -> f64 {
        if v == sink {
            return limit;
        }
        while self.next[v] < self.edges[v].len() {
            let e = self.edges[v][self.next[v]];
            let w = self.to[e];
            let left = self.residual(e);
            if left > EPSILON && self.level[w] == self.level[v] + 1 {
                let pushed = self.push(w, sink, limit.min(left));
                if pushed > EPSILON {
                    self.used[e] += pushed;
                    self.used[e ^ 1] -= pushed;
                    return pushed;
                }
            }
            self.next[v] += 1;
        }
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toy::{run_toy, ToyConfig};

    #[test]
    fn one_layer_flow_is_its_own_capacity() {
        // With one layer the only path from (1, i) to (0, j) is the edge itself: flow is Â_1.
        let run = run_toy(&ToyConfig::default(), "the cat sat on the mat", None).unwrap();
        let a = &residual_attention(&run, 0).unwrap()[0];
        let f = flow(&run, 0).unwrap();
        for ((i, j), &c) in a.indexed_iter() {
            assert!((f64::from(f[0][[i, j]]) - c).abs() < 1e-6, "({i}, {j})");
        }
    }

    #[test]
    fn a_two_layer_bottleneck_bounds_the_flow() {
        // Three tokens. From (2, 2) to (0, 0): ½ through (1, 0) and ½ through (1, 1), 1 in all;
        // to (0, 1) only through (1, 1), whose edge to it holds ½; (0, 2) cannot be reached.
        let l1 = ndarray::array![[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]];
        let l2 = ndarray::array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0]];
        let mut network = Network::new(3, &[l1, l2]);
        assert!((network.max_flow(2 * 3 + 2, 0) - 1.0).abs() < 1e-12);
        assert!((network.max_flow(2 * 3 + 2, 1) - 0.5).abs() < 1e-12);
        assert!(network.max_flow(2 * 3 + 2, 2).abs() < 1e-12);
    }
}
