//! A row-major matrix and the three products training needs (`A·B`, `Aᵀ·B`, `A·Bᵀ`).
//!
//! Each entry of a product is summed over the shared index in increasing order, one term at a
//! time, without fused multiply–add: no blocking, threads or SIMD reductions that depend on the
//! machine. The inner loop runs along a row of the result, so the compiler still vectorises it
//! (lanes are different entries, never parts of one sum). This is what makes training give the
//! same bits natively and in WebAssembly.

use crate::real::Real;

/// `rows × cols`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Mat<T> {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<T>,
}

impl<T: Real> Mat<T> {
    pub fn zeros(rows: usize, cols: usize) -> Mat<T> {
        Mat { rows, cols, data: vec![T::ZERO; rows * cols] }
    }

    /// A matrix over `data` (`rows × cols` values, row-major).
    pub fn from_vec(rows: usize, cols: usize, data: Vec<T>) -> Mat<T> {
        assert_eq!(data.len(), rows * cols, "a {rows} × {cols} matrix needs {} values", rows * cols);
        Mat { rows, cols, data }
    }

    pub fn row(&self, i: usize) -> &[T] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    pub fn at(&self, i: usize, j: usize) -> T {
        self.data[i * self.cols + j]
    }

    pub fn transpose(&self) -> Mat<T> {
        let mut t = Mat::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t.data[j * self.rows + i] = self.data[i * self.cols + j];
            }
        }
        t
    }

    /// `self += other`, entry by entry.
    pub fn add_assign(&mut self, other: &Mat<T>) {
        assert_eq!((self.rows, self.cols), (other.rows, other.cols));
        for (a, &b) in self.data.iter_mut().zip(&other.data) {
            *a += b;
        }
    }

    /// `self + other`.
    pub fn plus(&self, other: &Mat<T>) -> Mat<T> {
        let mut sum = self.clone();
        sum.add_assign(other);
        sum
    }

    /// Columns `first .. first + width` of rows `row0 .. row0 + rows` (a head of one sequence).
    pub fn block(&self, row0: usize, rows: usize, first: usize, width: usize) -> Mat<T> {
        let mut out = Mat::zeros(rows, width);
        for i in 0..rows {
            out.row_mut(i).copy_from_slice(&self.row(row0 + i)[first..first + width]);
        }
        out
    }

    /// Adds `part` into rows `row0 ..` and columns `first ..` (the inverse of [`Mat::block`]).
    pub fn add_block(&mut self, row0: usize, first: usize, part: &Mat<T>) {
        for i in 0..part.rows {
            for (a, &b) in self.row_mut(row0 + i)[first..first + part.cols].iter_mut().zip(part.row(i)) {
                *a += b;
            }
        }
    }

    /// Every entry times `factor`.
    pub fn scale(&mut self, factor: T) {
        for v in &mut self.data {
            *v *= factor;
        }
    }
}

/// `out += a · b` for `a` (`m × k`) and `b` (`k × n`) given as slices.
pub fn gemm_acc<T: Real>(a: &[T], b: &[T], out: &mut [T], m: usize, k: usize, n: usize) {
    debug_assert_eq!((a.len(), b.len(), out.len()), (m * k, k * n, m * n));
    for i in 0..m {
        let out_row = &mut out[i * n..(i + 1) * n];
        for p in 0..k {
            let x = a[i * k + p];
            for (o, &y) in out_row.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                *o += x * y;
            }
        }
    }
}

/// `out += aᵀ · b` for `a` (`r × m`) and `b` (`r × n`): summed over the rows in order.
pub fn gemm_tn_acc<T: Real>(a: &[T], b: &[T], out: &mut [T], r: usize, m: usize, n: usize) {
    debug_assert_eq!((a.len(), b.len(), out.len()), (r * m, r * n, m * n));
    for row in 0..r {
        let b_row = &b[row * n..(row + 1) * n];
        for i in 0..m {
            let x = a[row * m + i];
            for (o, &y) in out[i * n..(i + 1) * n].iter_mut().zip(b_row) {
                *o += x * y;
            }
        }
    }
}

/// `a · b`.
pub fn matmul<T: Real>(a: &Mat<T>, b: &Mat<T>) -> Mat<T> {
    assert_eq!(a.cols, b.rows, "inner sizes differ");
    let mut out = Mat::zeros(a.rows, b.cols);
    gemm_acc(&a.data, &b.data, &mut out.data, a.rows, a.cols, b.cols);
    out
}

/// `aᵀ · b`.
pub fn matmul_tn<T: Real>(a: &Mat<T>, b: &Mat<T>) -> Mat<T> {
    assert_eq!(a.rows, b.rows, "row counts differ");
    let mut out = Mat::zeros(a.cols, b.cols);
    gemm_tn_acc(&a.data, &b.data, &mut out.data, a.rows, a.cols, b.cols);
    out
}

/// `a · bᵀ`.
pub fn matmul_nt<T: Real>(a: &Mat<T>, b: &Mat<T>) -> Mat<T> {
    assert_eq!(a.cols, b.cols, "inner sizes differ");
    matmul(a, &b.transpose())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_products_agree_with_the_definition() {
        let a = Mat::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = Mat::from_vec(3, 2, vec![7.0, 8.0, 9.0, 10.0, 11.0, 12.0]);
        assert_eq!(matmul(&a, &b).data, vec![58.0, 64.0, 139.0, 154.0]);
        assert_eq!(matmul_tn(&a.transpose(), &b).data, vec![58.0, 64.0, 139.0, 154.0]);
        assert_eq!(matmul_nt(&a, &b.transpose()).data, vec![58.0, 64.0, 139.0, 154.0]);
    }
}
