//! Byte-pair merging: a word starts as one symbol per byte and, while some neighbouring pair of
//! symbols has a merge rule, the pair with the best-ranked rule (earliest in the list; the
//! leftmost one among equals) becomes one symbol. A heap of candidate pairs over a linked list of
//! symbols keeps this O(n log n) in the word's length.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// One symbol of a word being merged: its vocabulary id and the bytes of the word it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbol {
    pub id: u32,
    /// Byte range in the word, `from..to`.
    pub from: usize,
    pub to: usize,
}

/// The merge rules: for a pair of ids, the rule's rank and the id of the merged symbol.
#[derive(Debug, Clone, Default)]
pub struct Merges {
    rules: HashMap<(u32, u32), (u32, u32)>,
    /// Rules pushed so far: the rank of the next one.
    pushed: u32,
}

/// A symbol in the linked list.
#[derive(Clone, Copy)]
struct Node {
    symbol: Symbol,
    prev: Option<usize>,
    next: Option<usize>,
    alive: bool,
}

impl Merges {
    /// Adds the rule `left + right → merged` with the next rank. A pair listed twice takes its
    /// later rank, as `tokenizers` reads such a list.
    pub fn push(&mut self, left: u32, right: u32, merged: u32) {
        self.rules.insert((left, right), (self.pushed, merged));
        self.pushed += 1;
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Merges `symbols` (in word order) as far as the rules allow.
    pub fn apply(&self, symbols: Vec<Symbol>) -> Vec<Symbol> {
        let count = symbols.len();
        let mut nodes: Vec<Node> = symbols
            .into_iter()
            .enumerate()
            .map(|(i, symbol)| Node { symbol, prev: i.checked_sub(1), next: (i + 1 < count).then_some(i + 1), alive: true })
            .collect();
        // Candidates ordered by (rank, position of the left symbol), best first.
        let mut heap = BinaryHeap::new();
        let candidate = |nodes: &[Node], left: usize| {
            let right = nodes[left].next?;
            let &(rank, merged) = self.rules.get(&(nodes[left].symbol.id, nodes[right].symbol.id))?;
            Some(Reverse((rank, left, merged)))
        };
        for i in 0..count {
            heap.extend(candidate(&nodes, i));
        }
        while let Some(Reverse((rank, left, merged))) = heap.pop() {
            // Skip a candidate whose pair has changed since it was pushed.
            if !nodes[left].alive || candidate(&nodes, left) != Some(Reverse((rank, left, merged))) {
                continue;
            }
            let right = nodes[left].next.expect("a candidate has a right neighbour");
            let after = nodes[right].next;
            nodes[left].symbol = Symbol { id: merged, from: nodes[left].symbol.from, to: nodes[right].symbol.to };
            nodes[left].next = after;
            nodes[right].alive = false;
            if let Some(after) = after {
                nodes[after].prev = Some(left);
            }
            if let Some(before) = nodes[left].prev {
                heap.extend(candidate(&nodes, before));
            }
            heap.extend(candidate(&nodes, left));
        }
        nodes.into_iter().filter(|n| n.alive).map(|n| n.symbol).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(ids: &[u32]) -> Vec<Symbol> {
        ids.iter().enumerate().map(|(i, &id)| Symbol { id, from: i, to: i + 1 }).collect()
    }

    #[test]
    fn best_rank_first_then_leftmost() {
        // a=0 b=1 c=2; rules: (b,c)→bc=3 first, (a,b)→ab=4, (a,bc)→abc=5.
        let mut merges = Merges::default();
        merges.push(1, 2, 3);
        merges.push(0, 1, 4);
        merges.push(0, 3, 5);
        let out = merges.apply(symbols(&[0, 1, 2, 0, 1]));
        let ids: Vec<u32> = out.iter().map(|s| s.id).collect();
        assert_eq!(ids, [5, 4]);
        assert_eq!((out[0].from, out[0].to, out[1].from, out[1].to), (0, 3, 3, 5));
    }

    #[test]
    fn repeated_pairs_merge_from_the_left() {
        // a=0, (a,a)→aa=1, (aa,aa)→aaaa=2.
        let mut merges = Merges::default();
        merges.push(0, 0, 1);
        merges.push(1, 1, 2);
        let ids: Vec<u32> = merges.apply(symbols(&[0, 0, 0, 0, 0])).iter().map(|s| s.id).collect();
        assert_eq!(ids, [2, 0]);
        assert!(merges.apply(Vec::new()).is_empty());
    }
}
