#!/usr/bin/env bash
# Builds crates/wasm into the committed kernels under pkg/:
#   pkg/node     wasm-pack --target nodejs   (loaded synchronously by src/engine in Node)
#   pkg/bundler  wasm-pack --target bundler  (for Vite + vite-plugin-wasm)
#   pkg/web      wasm-pack --target web      (a plain <script type="module"> with an explicit URL)
# SIMD128 on, panic=abort, LTO (crates/Cargo.toml), then wasm-opt from node_modules (never a download).
# The output is byte-reproducible: source paths are remapped, so the folder the repo sits in does
# not leak into the binary. pkg/BUILD-INFO.json records the toolchain that made the bytes.
#
# EVOPRUNE_WASM_DEBUG=1 bash scripts/build-wasm.sh DIR builds with the binding's `debug` feature
# (console_error_panic_hook: a Rust panic prints its message on the JavaScript console) into DIR,
# never into the committed pkg/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=toolchain-env.sh
source "$root/scripts/toolchain-env.sh"
out=${1:-$root/pkg}
features=""
features_json=""
if [ "${EVOPRUNE_WASM_DEBUG:-0}" = 1 ]; then
  [ "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/$(basename "$out")" != "$root/pkg" ] ||
    { echo "build-wasm: EVOPRUNE_WASM_DEBUG=1 never writes the committed pkg/; give another folder, e.g. /tmp/pkg-debug" >&2; exit 1; }
  features="--features debug"
  features_json=$',\n  "features": "debug"'
fi

for tool in wasm-pack wasm-bindgen; do
  command -v "$tool" >/dev/null || { echo "build-wasm: $tool not found; run scripts/setup-toolchain.sh" >&2; exit 1; }
done
# wasm-opt from the npm package binaryen (a devDependency): Debian's binaryen 108 breaks the
# externref table that wasm-bindgen 0.2.130 emits.
wasm_opt=$root/node_modules/.bin/wasm-opt
[ -x "$wasm_opt" ] || { echo "build-wasm: $wasm_opt not found; run npm ci first" >&2; exit 1; }

cargo_home=${CARGO_HOME:-$HOME/.cargo}
# No FMA, no relaxed SIMD, no fast-math (DESIGN.md §5): only plain simd128 is enabled.
export RUSTFLAGS="-C target-feature=+simd128 --remap-path-prefix=$root=/evoprune --remap-path-prefix=$cargo_home=/cargo"
export CARGO_TARGET_DIR="$root/crates/target"

mkdir -p "$out"
# EVOPRUNE_WASM_TARGETS narrows the build while iterating on kernels (CI always builds all three).
for target in ${EVOPRUNE_WASM_TARGETS:-nodejs bundler web}; do
  dir=$out/${target/nodejs/node}
  rm -rf "$dir"
  echo "build-wasm: $target -> ${dir#"$root"/}"
  # shellcheck disable=SC2086
  wasm-pack --quiet build "$root/crates/wasm" --release --mode no-install --target "$target" \
    --out-dir "$dir" --out-name evoprune_wasm --no-pack -- $EVOPRUNE_BUILD_STD $features
  "$wasm_opt" -O3 --strip-debug --strip-producers --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
    "$dir/evoprune_wasm_bg.wasm" -o "$dir/evoprune_wasm_bg.wasm"
  rm -f "$dir/.gitignore"
done
# One .wasm for all three glues: wasm-pack writes the same bytes three times (checked here), so
# keep one in pkg/ and point each glue at it. The bundler glue's companion module goes beside the
# .wasm too, because the .wasm imports it by the relative name "./evoprune_wasm_bg.js".
patch() { # file, old, new: the old text must occur exactly once
  local count
  count=$(grep -cF -- "$2" "$1" || true)
  [ "$count" = 1 ] || { echo "build-wasm: expected one '$2' in ${1#"$out"/}, found $count (did wasm-bindgen's glue change?)" >&2; exit 1; }
  local escaped_old escaped_new
  escaped_old=$(printf '%s' "$2" | sed 's/[][\/.*^$]/\\&/g')
  escaped_new=$(printf '%s' "$3" | sed 's/[\/&]/\\&/g')
  sed -i "s/$escaped_old/$escaped_new/" "$1"
}
first=""
for dir in "$out"/node "$out"/bundler "$out"/web; do
  [ -f "$dir/evoprune_wasm_bg.wasm" ] || continue
  if [ -z "$first" ]; then
    first=$dir
    mv "$dir/evoprune_wasm_bg.wasm" "$out/evoprune_wasm_bg.wasm"
    mv "$dir/evoprune_wasm_bg.wasm.d.ts" "$out/evoprune_wasm_bg.wasm.d.ts"
  else
    cmp -s "$dir/evoprune_wasm_bg.wasm" "$out/evoprune_wasm_bg.wasm" ||
      { echo "build-wasm: ${dir#"$out"/}'s .wasm differs from ${first#"$out"/}'s; cannot share one" >&2; exit 1; }
    rm "$dir/evoprune_wasm_bg.wasm" "$dir/evoprune_wasm_bg.wasm.d.ts"
  fi
done
if [ -d "$out/node" ]; then
  patch "$out/node/evoprune_wasm.js" '${__dirname}/evoprune_wasm_bg.wasm' '${__dirname}/../evoprune_wasm_bg.wasm'
  # The nodejs glue is CommonJS; the project is "type": "module", so mark that folder.
  printf '{\n  "type": "commonjs"\n}\n' > "$out/node/package.json"
fi
if [ -d "$out/web" ]; then
  patch "$out/web/evoprune_wasm.js" "new URL('evoprune_wasm_bg.wasm', import.meta.url)" "new URL('../evoprune_wasm_bg.wasm', import.meta.url)"
fi
if [ -d "$out/bundler" ]; then
  mv "$out/bundler/evoprune_wasm_bg.js" "$out/evoprune_wasm_bg.js"
  patch "$out/bundler/evoprune_wasm.js" 'import * as wasm from "./evoprune_wasm_bg.wasm";' 'import * as wasm from "../evoprune_wasm_bg.wasm";'
  patch "$out/bundler/evoprune_wasm.js" 'import { __wbg_set_wasm } from "./evoprune_wasm_bg.js";' 'import { __wbg_set_wasm } from "../evoprune_wasm_bg.js";'
  patch "$out/bundler/evoprune_wasm.js" '} from "./evoprune_wasm_bg.js";' '} from "../evoprune_wasm_bg.js";'
fi

cat > "$out/BUILD-INFO.json" <<JSON
{
  "toolchain": "$EVOPRUNE_TOOLCHAIN",
  "rustc": "$("${RUSTC:-rustc}" --version)",
  "cargo": "$("$EVOPRUNE_CARGO" --version)",
  "wasmBindgen": "$(wasm-bindgen --version)",
  "wasmPack": "$(wasm-pack --version)",
  "wasmOpt": "$("$wasm_opt" --version)",
  "rustflags": "-C target-feature=+simd128",
  "buildStd": "$EVOPRUNE_BUILD_STD"$features_json
}
JSON
ls -l "$out/evoprune_wasm_bg.wasm"
# TypeScript's view of the registry (and the README's table) come from the kernels just built.
if [ "$out" = "$root/pkg" ]; then (cd "$root" && node --import tsx scripts/generate-registry.ts "$out"); fi
