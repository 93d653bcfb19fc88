#!/usr/bin/env bash
# Installs what building the wasm kernels needs on a fresh Debian 12 machine, and nothing that is
# already there. Idempotent: a second run changes nothing and only prints the versions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=toolchain-env.sh
source "$here/toolchain-env.sh"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  echo "setup-toolchain: installing ${missing[*]} from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# pkg-config + OpenSSL for cargo install. (wasm-opt comes from the npm package binaryen: Debian's
# binaryen 108 miscompiles the externref table of wasm-bindgen 0.2.130 output.)
apt_install pkg-config libssl-dev
if [ "$EVOPRUNE_TOOLCHAIN" = debian-rustc-web ]; then
  apt_install rustc-web cargo-web rust-web-src lld-22
  # wasm-pack checks that the target exists in the sysroot before building; with -Zbuild-std the
  # std comes from rust-web-src instead, so an empty target folder is all that check needs.
  sysroot=$(/usr/bin/rustc --print sysroot)
  [ -d "$sysroot/lib/rustlib/$EVOPRUNE_WASM_TARGET" ] || as_root mkdir -p "$sysroot/lib/rustlib/$EVOPRUNE_WASM_TARGET/lib"
fi

# Host tools from the crates registry, built by whichever cargo is at hand.
host_cargo=$(command -v cargo || echo /usr/bin/cargo)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$EVOPRUNE_WASM_BINDGEN_VERSION" ]; then
  echo "setup-toolchain: installing wasm-bindgen-cli $EVOPRUNE_WASM_BINDGEN_VERSION"
  # Not --locked: the lock file names a webpki-roots release that the registry mirror lacks.
  "$host_cargo" install -q wasm-bindgen-cli --version "$EVOPRUNE_WASM_BINDGEN_VERSION" --force
fi
# Pinned, like the CLI above: the committed kernels must be reproducible byte for byte.
wasm_pack_version=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$wasm_pack_version" ]; then
  echo "setup-toolchain: installing wasm-pack $wasm_pack_version"
  "$host_cargo" install -q wasm-pack --version "$wasm_pack_version" --locked --force
fi

echo "setup-toolchain: ready ($EVOPRUNE_TOOLCHAIN)"
echo "  rustc        $("${RUSTC:-rustc}" --version)"
echo "  cargo        $("$EVOPRUNE_CARGO" --version)"
echo "  wasm-bindgen $(wasm-bindgen --version)"
echo "  wasm-pack    $(wasm-pack --version)"
echo "  wasm-opt     (npm package binaryen, installed by npm ci)"
