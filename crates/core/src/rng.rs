//! The one pseudo-random generator of evoprune: xoshiro128** (Blackman & Vigna), seeded through
//! splitmix64 from `(seed, stream)`.
//!
//! Seeding: `x = seed ⊕ (stream · 0x9E3779B97F4A7C15)`; two splitmix64 outputs `o₀, o₁` of `x`
//! give the state words `[lo(o₀), hi(o₀), lo(o₁), hi(o₁)]`. Different streams (initialisation,
//! shuffling, …) of one seed are therefore independent generators.

/// splitmix64: used only to expand a seed into a generator state.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro128**: 128 bits of state, 32-bit outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Xoshiro128 {
    pub state: [u32; 4],
}

impl Xoshiro128 {
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut x = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let o0 = splitmix64(&mut x);
        let o1 = splitmix64(&mut x);
        let mut state = [o0 as u32, (o0 >> 32) as u32, o1 as u32, (o1 >> 32) as u32];
        if state == [0; 4] {
            state[0] = 1; // the all-zero state is a fixed point
        }
        Xoshiro128 { state }
    }

    pub fn next_u32(&mut self) -> u32 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }

    /// Uniform in `[0, 1)` on the 2⁻²⁴ grid: `(u >> 8) · 2⁻²⁴`, exact in f32.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in `0..bound` without bias (Lemire's multiply-and-reject). `bound > 0`.
    pub fn below(&mut self, bound: u32) -> u32 {
        debug_assert!(bound > 0);
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = self.next_u32() as u64 * bound as u64;
            if (product as u32) >= threshold {
                return (product >> 32) as u32;
            }
        }
    }

    /// Fisher–Yates: for `i` from `len-1` down to 1, swap `items[i]` with `items[below(i+1)]`.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// Fills `out` with `lo + (hi − lo) · u`, `u` from [`Self::next_f32`], in index order.
    pub fn fill_uniform(&mut self, out: &mut [f32], lo: f32, hi: f32) {
        let width = hi - lo;
        for x in out.iter_mut() {
            *x = lo + width * self.next_f32();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn xoshiro128ss_matches_the_reference_sequence() {
        // Reference implementation (xoshiro128starstar.c) from state {1, 2, 3, 4}.
        let mut rng = Xoshiro128 { state: [1, 2, 3, 4] };
        let got: Vec<u32> = (0..6).map(|_| rng.next_u32()).collect();
        assert_eq!(got, vec![11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    }

    #[test]
    fn streams_differ_and_seeds_repeat() {
        let a: Vec<u32> = {
            let mut r = Xoshiro128::new(7, 0);
            (0..4).map(|_| r.next_u32()).collect()
        };
        let b: Vec<u32> = {
            let mut r = Xoshiro128::new(7, 1);
            (0..4).map(|_| r.next_u32()).collect()
        };
        let c: Vec<u32> = {
            let mut r = Xoshiro128::new(7, 0);
            (0..4).map(|_| r.next_u32()).collect()
        };
        assert_ne!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = Xoshiro128::new(3, 0);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            let x = rng.below(7);
            counts[x as usize] += 1;
        }
        for c in counts {
            assert!((9_400..10_600).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut rng = Xoshiro128::new(11, 2);
        let mut v: Vec<u32> = (0..1000).collect();
        rng.shuffle(&mut v);
        assert_ne!(v, (0..1000).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn uniform_floats_stay_in_bounds() {
        let mut rng = Xoshiro128::new(5, 0);
        let mut out = vec![0.0; 10_000];
        rng.fill_uniform(&mut out, -0.25, 0.25);
        assert!(out.iter().all(|&x| (-0.25..0.25).contains(&x)));
    }
}
