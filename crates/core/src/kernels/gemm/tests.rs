//! The products against an f64 reference at sizes 0, 1, odd and larger than one block, with
//! outputs pre-filled with NaN, and against the documented order bit for bit. On wasm32 these run
//! the SIMD paths (scripts/test-wasm.sh), natively the scalar fallback.

use super::*;
use crate::rng::Xoshiro128;
// On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The wasm32 tests must exercise the SIMD paths, not the scalar fallback.
#[cfg(target_arch = "wasm32")]
#[test]
fn simd128_is_on_in_wasm_tests() {
    assert!(cfg!(target_feature = "simd128"), "build the wasm32 tests with RUSTFLAGS=-C target-feature=+simd128");
}

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = Xoshiro128::new(seed, 99);
    (0..len).map(|_| rng.next_f32() * 2.0 - 1.0).collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// f64 reference with a tolerance relative to Σ|a·b|, the natural scale of f32 rounding error.
fn check(m: usize, n: usize, k: usize, got: &[f32], c0: Option<&[f32]>, at: impl Fn(usize, usize, usize) -> (f64, f64)) {
    for i in 0..m {
        for j in 0..n {
            let mut exact = c0.map_or(0.0, |c| c[i * n + j] as f64);
            let mut scale = exact.abs();
            for p in 0..k {
                let (x, y) = at(i, j, p);
                exact += x * y;
                scale += (x * y).abs();
            }
            let g = got[i * n + j] as f64;
            let tol = 1e-6 * (k as f64 + 2.0) * scale + 1e-30;
            assert!(g.is_finite(), "({m}x{n}x{k}) C[{i}][{j}] = {g}");
            assert!((g - exact).abs() <= tol, "({m}x{n}x{k}) C[{i}][{j}] = {g}, exact {exact}");
        }
    }
}

/// The documented order itself, element by element, straight from the unpacked operands.
fn reference_order(product: Product, a: &[f32], b: &[f32], c: &mut [f32], update: Update) {
    let Product { op, m, n, k } = product;
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0f32;
            for p in 0..k {
                let x = if op == Op::TN { a[p * m + i] } else { a[i * k + p] };
                let y = if op == Op::NT { b[j * k + p] } else { b[p * n + j] };
                s += x * y;
            }
            let out = &mut c[i * n + j];
            *out = if update == Update::Accumulate { *out + s } else { s };
        }
    }
}

/// Sizes 0, 1, odd, a single 4×8 block, and more than one block in every direction.
const SIZES: [(usize, usize, usize); 11] =
    [(0, 0, 0), (0, 5, 3), (3, 0, 2), (2, 3, 0), (1, 1, 1), (3, 5, 7), (4, 8, 5), (4, 16, 9), (5, 17, 33), (13, 37, 21), (67, 71, 130)];

#[test]
fn nn_matches_f64_reference_and_overwrites_nan() {
    for &(m, n, k) in &SIZES {
        let a = random(m * k, 1);
        let b = random(k * n, 2);
        let mut c = vec![f32::NAN; m * n];
        let product = Product::new(Op::NN, m, n, k);
        product.dense(&a, &b, &mut c, Update::Overwrite, &mut vec![f32::NAN; product.packed_len().unwrap()]).unwrap();
        check(m, n, k, &c, None, |i, j, p| (a[i * k + p] as f64, b[p * n + j] as f64));
        if k == 0 {
            assert!(c.iter().all(|&x| x == 0.0), "k = 0 gives zeros");
        }
    }
}

#[test]
fn tn_and_nt_match_f64_reference_with_accumulate() {
    for &(m, n, k) in &SIZES {
        let c0 = random(m * n, 5);
        let at = random(k * m, 3);
        let b = random(k * n, 4);
        let mut c = c0.clone();
        let tn = Product::new(Op::TN, m, n, k);
        tn.dense(&at, &b, &mut c, Update::Accumulate, &mut vec![f32::NAN; tn.packed_len().unwrap()]).unwrap();
        check(m, n, k, &c, Some(&c0), |i, j, p| (at[p * m + i] as f64, b[p * n + j] as f64));

        let a = random(m * k, 6);
        let bt = random(n * k, 7);
        let mut c = vec![f32::NAN; m * n];
        let mut packed = vec![f32::NAN; n * k + 3];
        Product::new(Op::NT, m, n, k).dense(&a, &bt, &mut c, Update::Overwrite, &mut packed).unwrap();
        check(m, n, k, &c, None, |i, j, p| (a[i * k + p] as f64, bt[j * k + p] as f64));
    }
}

#[test]
fn every_path_follows_the_documented_order_exactly() {
    // Every op, size and update, dense and zero-skipping, against the reference order bit for
    // bit (on wasm32 this checks each SIMD path per size; natively the fallback, which the
    // golden hash also pins). A is about 70 % exact zeros in the second round.
    for &(m, n, k) in &SIZES {
        for op in [Op::NN, Op::TN, Op::NT] {
            for sparse_a in [false, true] {
                let mut a = random(m * k, 8);
                if sparse_a {
                    for (i, x) in a.iter_mut().enumerate() {
                        if (i * 7919) % 10 < 7 {
                            *x = 0.0;
                        }
                    }
                }
                let b = random(k * n, 9);
                let c0 = random(m * n, 10);
                let product = Product::new(op, m, n, k);
                let mut packed = vec![f32::NAN; product.packed_len().unwrap()];
                let mut terms = NonzeroTerms::default();
                for update in [Update::Overwrite, Update::Accumulate] {
                    let fill = |nan: bool| if nan && update == Update::Overwrite { vec![f32::NAN; m * n] } else { c0.clone() };
                    let mut expected = fill(false);
                    reference_order(product, &a, &b, &mut expected, update);
                    let mut dense = fill(true);
                    product.dense(&a, &b, &mut dense, update, &mut packed).unwrap();
                    let mut skipping = fill(true);
                    product.skip_zeros(&a, &b, &mut skipping, update, &mut packed, &mut terms).unwrap();
                    assert_eq!(bits(&dense), bits(&expected), "dense {op:?} {m}x{n}x{k} {update:?}");
                    assert_eq!(bits(&skipping), bits(&expected), "skip_zeros {op:?} {m}x{n}x{k} {update:?}");
                }
            }
        }
    }
    assert_eq!(density(&[0.0, 1.0, 0.0, -2.0]), 0.5);
    assert_eq!(density(&[]), 1.0);
}

#[test]
fn wrong_lengths_are_named() {
    let mut c = vec![0.0; 4];
    let err = Product::new(Op::NN, 2, 2, 2).dense(&[0.0; 3], &[0.0; 4], &mut c, Update::Overwrite, &mut [0.0; 4]).unwrap_err();
    assert_eq!(err.to_string(), "gemm_nn: A has 3 elements, expected 4");
    let err = Product::new(Op::NT, 2, 2, 2).dense(&[0.0; 4], &[0.0; 4], &mut c, Update::Overwrite, &mut [0.0; 3]).unwrap_err();
    assert_eq!(err.to_string(), "gemm: packing workspace has 3 elements, expected 4");
}

/// Split between threads — over column blocks, or over row blocks when there are too few column
/// blocks — every product keeps the documented order's bits, dense and zero-skipping, at sizes
/// around the block and split boundaries.
#[test]
#[cfg(not(target_arch = "wasm32"))]
fn threaded_products_keep_the_documented_order() {
    crate::threads::start_native(4);
    for &(m, n, k) in
        &[(128, 10, 256), (256, 10, 128), (64, 17, 300), (37, 33, 129), (128, 512, 40), (300, 48, 64), (16, 1000, 9), (1, 700, 200)]
    {
        for op in [Op::NN, Op::TN, Op::NT] {
            let product = Product::new(op, m, n, k);
            // About 30 % nonzeros, so both paths run.
            let a: Vec<f32> = random(m * k, 1).into_iter().map(|x| if x.abs() < 0.7 { 0.0 } else { x }).collect();
            let b = random(k * n, 2);
            let mut expected = random(m * n, 3);
            reference_order(product, &a, &b, &mut expected, Update::Accumulate);
            for threads in [1, 2, 3, 4] {
                crate::threads::set_native_limit(threads);
                let mut packed = vec![f32::NAN; product.packed_len().unwrap()];
                let (mut dense, mut sparse) = (random(m * n, 3), random(m * n, 3));
                product.dense(&a, &b, &mut dense, Update::Accumulate, &mut packed).unwrap();
                product.skip_zeros(&a, &b, &mut sparse, Update::Accumulate, &mut packed, &mut NonzeroTerms::default()).unwrap();
                crate::threads::set_native_limit(1);
                assert_eq!(bits(&dense), bits(&expected), "{op:?} {m}x{n}x{k} dense on {threads} threads");
                assert_eq!(bits(&sparse), bits(&expected), "{op:?} {m}x{n}x{k} skipping zeros on {threads} threads");
            }
        }
    }
}
