//! The numeric kernels: slices and dimensions in, the caller owns memory, no allocation in inner
//! loops. Each kernel's doc comment states its formula and its summation order.

pub mod elementwise;
pub mod gemm;
pub mod loss;
