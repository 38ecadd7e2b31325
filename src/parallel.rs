//! Splitting independent work over the machine's cores.
//!
//! Native builds run large jobs on scoped threads (as many as the machine offers). WebAssembly
//! builds have one thread, and small jobs are not worth a thread: both run on the calling thread.
//! Results never depend on the number of threads.

use std::sync::Mutex;

use ndarray::{ArrayViewMut2, Axis};

/// Jobs below this many elementary operations (about a millisecond) stay on one thread: starting
/// a thread costs tens of microseconds, and on a busy machine waiting for it can cost more.
const MIN_WORK: usize = 1 << 22;

/// How many threads a job of `work` operations split into `parts` should use.
fn threads_for(parts: usize, work: usize) -> usize {
    if cfg!(target_arch = "wasm32") || work < MIN_WORK {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(parts)
}

/// `f` applied to every item, results in the items' order; on several threads when `work` (a
/// rough count of the job's arithmetic operations) is large enough.
pub(crate) fn map<T: Send, R: Send>(items: Vec<T>, work: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len(), work);
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let next = || queue.lock().ok().and_then(|mut q| q.next());
    let worker = || {
        let mut done = Vec::new();
        while let Some((i, item)) = next() {
            done.push((i, f(item)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        let helpers: Vec<_> = (1..threads).filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, worker).ok()).collect();
        let mut all = worker();
        for helper in helpers {
            match helper.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_unstable_by_key(|&(i, _)| i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// `out` cut into consecutive blocks of rows, each with the index of its first row: one block
/// per thread a job of `work` operations should use.
pub(crate) fn row_blocks(mut out: ArrayViewMut2<'_, f32>, work: usize) -> Vec<(usize, ArrayViewMut2<'_, f32>)> {
    let rows = out.nrows().max(1);
    let per_block = rows.div_ceil(threads_for(rows, work));
    let mut blocks = Vec::new();
    let mut first = 0;
    while out.nrows() > per_block {
        let (block, rest) = out.split_at(Axis(0), per_block);
        blocks.push((first, block));
        first += per_block;
        out = rest;
    }
    blocks.push((first, out));
    blocks
}

/// Calls `f(first_row, block)` on consecutive blocks of rows of `out` that together cover it,
/// one block per thread when `work` is large enough.
pub(crate) fn for_row_blocks(out: ArrayViewMut2<f32>, work: usize, f: impl Fn(usize, ArrayViewMut2<f32>) + Sync) {
    map(row_blocks(out, work), work, |(first, block)| f(first, block));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn map_keeps_order_on_any_number_of_threads() {
        let items: Vec<usize> = (0..100).collect();
        assert_eq!(map(items.clone(), 0, |i| i * i), map(items, usize::MAX, |i| i * i));
    }

    #[test]
    fn row_blocks_of_an_empty_matrix() {
        let mut m = Array2::<f32>::zeros((0, 3));
        for_row_blocks(m.view_mut(), usize::MAX, |_, block| assert_eq!(block.nrows(), 0));
    }

    #[test]
    fn row_blocks_cover_every_row_once() {
        let mut m = Array2::<f32>::zeros((37, 3));
        for_row_blocks(m.view_mut(), usize::MAX, |first, mut block| {
            for (i, mut row) in block.rows_mut().into_iter().enumerate() {
                row += (first + i) as f32 + 1.0;
            }
        });
        assert!(m.rows().into_iter().enumerate().all(|(i, row)| row.iter().all(|&x| x == i as f32 + 1.0)));
    }
}
