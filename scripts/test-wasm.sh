#!/usr/bin/env bash
# Runs evoprune-core's tests — every unit test (the gemm reference tests among them: f64
# reference, sizes 0, 1, odd and larger than one block, NaN-prefilled outputs, the documented
# order bit for bit per size, op and path) and the golden hashes of tests/golden.rs — compiled
# for wasm32 with SIMD128, under Node, through wasm-bindgen-test-runner. Natively `cargo test`
# checks the scalar fallback; this checks the SIMD paths that the committed kernels run.
#
# Uses the toolchain of scripts/toolchain-env.sh (here Debian's rustc-web with -Zbuild-std) and
# wasm-bindgen-test-runner from wasm-bindgen-cli (scripts/setup-toolchain.sh). Prints what it ran;
# exits non-zero if a test fails. Extra arguments go to cargo test (e.g. a test name filter).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=toolchain-env.sh
source "$root/scripts/toolchain-env.sh"

command -v wasm-bindgen-test-runner >/dev/null ||
  { echo "test-wasm: wasm-bindgen-test-runner not found; run scripts/setup-toolchain.sh (it comes with wasm-bindgen-cli)" >&2; exit 1; }
command -v node >/dev/null || { echo "test-wasm: node not found" >&2; exit 1; }

# SIMD128 exactly as the kernels are built (no relaxed SIMD, no FMA: DESIGN.md §5).
export RUSTFLAGS="-C target-feature=+simd128"
# Apart from crates/target's wasm build (other RUSTFLAGS), so neither rebuilds the other.
export CARGO_TARGET_DIR="$root/crates/target/wasm-tests"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# The release profile (opt-level 3, LTO, one codegen unit: the kernels' build) but with the panic
# strategy that test harnesses use anyway: with panic = "abort" cargo would build std twice under
# -Zbuild-std (abort for the library, unwind for the tests) and rustc fails on two `core`s.
export CARGO_PROFILE_RELEASE_PANIC=unwind

# shellcheck disable=SC2206
cmd=("$EVOPRUNE_CARGO" test --release -p evoprune-core --target "$EVOPRUNE_WASM_TARGET" --lib --tests --no-fail-fast $EVOPRUNE_BUILD_STD "$@")
echo "test-wasm: toolchain $EVOPRUNE_TOOLCHAIN ($("${RUSTC:-rustc}" --version)), $(wasm-bindgen-test-runner --version), node $(node --version)"
echo "test-wasm: (cd crates && RUSTFLAGS=\"$RUSTFLAGS\" CARGO_PROFILE_RELEASE_PANIC=unwind CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner ${cmd[*]})"
cd "$root/crates"
"${cmd[@]}"
echo "test-wasm: ok"
