# Sourced by setup-toolchain.sh and build-wasm.sh: decides which Rust builds wasm32 here.
#
# 1. A rustup toolchain that already has the wasm32-unknown-unknown target: use it as is.
# 2. Otherwise Debian's rustc-web 1.96 (/usr/bin/rustc, /usr/bin/cargo) building std for wasm32
#    from rust-web-src with -Zbuild-std (RUSTC_BOOTSTRAP=1 unlocks the flag on a stable compiler).
# Exports EVOPRUNE_CARGO and EVOPRUNE_BUILD_STD ("" or the -Z flag), and puts the chosen
# rustc/cargo first in PATH so wasm-pack drives the same compiler.

EVOPRUNE_WASM_TARGET=wasm32-unknown-unknown
if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$EVOPRUNE_WASM_TARGET"; then
  EVOPRUNE_TOOLCHAIN=rustup
  EVOPRUNE_CARGO=$(command -v cargo)
  EVOPRUNE_BUILD_STD=""
  export PATH="$HOME/.cargo/bin:$PATH"
else
  EVOPRUNE_TOOLCHAIN=debian-rustc-web
  EVOPRUNE_CARGO=/usr/bin/cargo
  EVOPRUNE_BUILD_STD="-Zbuild-std=std,panic_abort"
  export RUSTC=/usr/bin/rustc
  export RUSTC_BOOTSTRAP=1
  # Debian's rustc/cargo first; rustup's proxies (and wasm-pack, wasm-bindgen) after them.
  export PATH="/usr/bin:$HOME/.cargo/bin:$PATH"
fi
export EVOPRUNE_TOOLCHAIN EVOPRUNE_CARGO EVOPRUNE_BUILD_STD EVOPRUNE_WASM_TARGET

# The wasm-bindgen crate version pinned in crates/wasm/Cargo.toml; the CLI must match it exactly.
EVOPRUNE_WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../crates/wasm/Cargo.toml")
export EVOPRUNE_WASM_BINDGEN_VERSION
