//! Attention, step by step: score functions, masks, softmax, one head, many heads, and the
//! trace that keeps every intermediate.

pub mod breakdown;
pub mod given;
pub mod head;
pub mod mask;
pub mod multi_head;
pub mod score;
pub mod softmax;
pub mod stage;

pub use breakdown::QueryBreakdown;
pub use given::{attend_given, GivenAttention, GivenShape};
pub use head::{attend, HeadTrace};
pub use mask::Mask;
pub use multi_head::{AttentionTrace, MultiHeadAttention};
pub use score::{AdditiveParts, ScoreFunction, ScoreKind};
pub use softmax::masked_softmax;
pub use stage::Stage;
