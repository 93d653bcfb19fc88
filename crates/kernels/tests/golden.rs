//! The golden product: native kernels must give exactly the bytes that the wasm build gives
//! (test/engine/golden.test.ts checks the wasm side against the same file).

use evoprune_kernels::{gemm, rng::Xoshiro128};
use sha2::{Digest, Sha256};

const GOLDEN: &str = include_str!("../../../test/golden/gemm.json");

fn field(name: &str) -> &'static str {
    let key = format!("\"{name}\":");
    let start = GOLDEN.find(&key).unwrap_or_else(|| panic!("golden file has no {name}")) + key.len();
    let rest = GOLDEN[start..].trim_start();
    let end = rest.find([',', '\n', '}']).unwrap();
    rest[..end].trim().trim_matches('"')
}

fn uniform(len: usize, seed: u64, stream: u64) -> Vec<f32> {
    let mut out = vec![0.0; len];
    Xoshiro128::new(seed, stream).fill_uniform(&mut out, -1.0, 1.0);
    out
}

/// The three products of the golden case, concatenated as little-endian f32 bytes.
fn golden_bytes() -> Vec<u8> {
    let seed: u64 = field("seed").parse().unwrap();
    let (m, n, k): (usize, usize, usize) = (field("m").parse().unwrap(), field("n").parse().unwrap(), field("k").parse().unwrap());
    let mut bytes = Vec::new();
    let mut packed = vec![0.0; gemm::packed_len(n, k)];
    let a = uniform(m * k, seed, 1);
    let b = uniform(k * n, seed, 2);
    let mut c = vec![f32::NAN; m * n];
    gemm::gemm_nn(m, n, k, &a, &b, &mut c, false, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    // Aᵀ·B reads the same A buffer as k×m; A·Bᵀ reads the same B buffer as n×k.
    let at = uniform(k * m, seed, 1);
    gemm::gemm_tn(m, n, k, &at, &b, &mut c, false, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    gemm::gemm_nt(m, n, k, &a, &b, &mut c, true, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    bytes
}

#[test]
fn golden_product_hash_is_pinned() {
    let hash: String = Sha256::digest(golden_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, field("sha256"), "native golden product changed");
}
