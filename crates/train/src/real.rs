//! The number type of training: `f32` to train, `f64` for the finite-difference checks.
//!
//! Every transcendental function comes from the pure-Rust `libm`, never the platform's maths
//! library, and `sqrt` is correctly rounded by IEEE 754, so the same seed gives the same bits on
//! every machine and in WebAssembly.

use std::fmt::Debug;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point number the layers compute in.
pub trait Real:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;
    /// The larger of the two (`self` when they are equal or `other` is NaN).
    fn max(self, other: Self) -> Self {
        if other > self {
            other
        } else {
            self
        }
    }
    fn from_usize(n: usize) -> Self {
        Self::from_f64(n as f64)
    }
}

impl Real for f32 {
    const ZERO: f32 = 0.0;
    const ONE: f32 = 1.0;
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn exp(self) -> f32 {
        libm::expf(self)
    }
    fn ln(self) -> f32 {
        libm::logf(self)
    }
    fn sqrt(self) -> f32 {
        libm::sqrtf(self)
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

impl Real for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
    fn from_f64(x: f64) -> f64 {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn exp(self) -> f64 {
        libm::exp(self)
    }
    fn ln(self) -> f64 {
        libm::log(self)
    }
    fn sqrt(self) -> f64 {
        libm::sqrt(self)
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}
