#!/usr/bin/env bash
# Builds crates/wasm into the committed kernels under pkg/:
#   pkg/node     wasm-pack --target nodejs   (loaded synchronously by src/engine in Node)
#   pkg/bundler  wasm-pack --target bundler  (for Vite + vite-plugin-wasm)
#   pkg/web      wasm-pack --target web      (a plain <script type="module"> with an explicit URL)
#   pkg/threads/node, pkg/threads/web: the threaded build (WebAssembly threads: atomics and one
#                shared memory that pool workers instantiate the same module on; see src/engine)
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
remap="--remap-path-prefix=$root=/evoprune --remap-path-prefix=$cargo_home=/cargo"
# No FMA, no relaxed SIMD, no fast-math (DESIGN.md §5): only plain simd128 is enabled.
single_flags="-C target-feature=+simd128"
# The threaded build adds atomics and a shared, imported memory of at most 4 GiB (wasm32's limit;
# shared memory cannot move, so browsers reserve the maximum up front), and exports the TLS
# symbols wasm-bindgen's thread support needs to give each worker its own stack and TLS.
thread_flags="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 -C link-arg=--shared-memory -C link-arg=--max-memory=4294967296 -C link-arg=--import-memory -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"

patch() { # file, old, new: the old text must occur exactly once
  local count
  count=$(grep -cF -- "$2" "$1" || true)
  [ "$count" = 1 ] || { echo "build-wasm: expected one '$2' in ${1#"$root"/}, found $count (did wasm-bindgen's glue change?)" >&2; exit 1; }
  local escaped_old escaped_new
  escaped_old=$(printf '%s' "$2" | sed 's/[][\/.*^$]/\\&/g')
  escaped_new=$(printf '%s' "$3" | sed 's/[\/&]/\\&/g')
  sed -i "s/$escaped_old/$escaped_new/" "$1"
}

# build_variant OUT RUSTFLAGS WASM_OPT_FLAG BUILD_STD TARGET_DIR TARGETS...: one build of
# crates/wasm, its glues in OUT/<target>.
build_variant() {
  local out=$1 flags=$2 opt_flag=$3 build_std=$4 target_dir=$5
  shift 5
  mkdir -p "$out"
  for target in "$@"; do
    local dir=$out/${target/nodejs/node}
    rm -rf "$dir"
    echo "build-wasm: $target -> ${dir#"$root"/}"
    # shellcheck disable=SC2086
    RUSTFLAGS="$flags $remap" CARGO_TARGET_DIR="$target_dir" wasm-pack --quiet build "$root/crates/wasm" --release --mode no-install --target "$target" \
      --out-dir "$dir" --out-name evoprune_wasm --no-pack -- $build_std $features
    # shellcheck disable=SC2086
    "$wasm_opt" -O3 --strip-debug --strip-producers --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
      --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue $opt_flag \
      "$dir/evoprune_wasm_bg.wasm" -o "$dir/evoprune_wasm_bg.wasm"
    rm -f "$dir/.gitignore"
  done
  # One .wasm for all glues: wasm-pack writes the same bytes for each target (checked here), so
  # keep one in OUT and point each glue at it. The bundler glue's companion module goes beside the
  # .wasm too, because the .wasm imports it by the relative name "./evoprune_wasm_bg.js".
  local first="" built=" $* "
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
  # Only the glues built now are patched (EVOPRUNE_WASM_TARGETS may leave older ones in place).
  if [[ $built == *" nodejs "* ]]; then
    patch "$out/node/evoprune_wasm.js" '${__dirname}/evoprune_wasm_bg.wasm' '${__dirname}/../evoprune_wasm_bg.wasm'
    # The nodejs glue is CommonJS; the project is "type": "module", so mark that folder.
    printf '{\n  "type": "commonjs"\n}\n' > "$out/node/package.json"
  fi
  if [[ $built == *" web "* ]]; then
    patch "$out/web/evoprune_wasm.js" "new URL('evoprune_wasm_bg.wasm', import.meta.url)" "new URL('../evoprune_wasm_bg.wasm', import.meta.url)"
  fi
  if [[ $built == *" bundler "* ]]; then
    mv "$out/bundler/evoprune_wasm_bg.js" "$out/evoprune_wasm_bg.js"
    patch "$out/bundler/evoprune_wasm.js" 'import * as wasm from "./evoprune_wasm_bg.wasm";' 'import * as wasm from "../evoprune_wasm_bg.wasm";'
    patch "$out/bundler/evoprune_wasm.js" 'import { __wbg_set_wasm } from "./evoprune_wasm_bg.js";' 'import { __wbg_set_wasm } from "../evoprune_wasm_bg.js";'
    patch "$out/bundler/evoprune_wasm.js" '} from "./evoprune_wasm_bg.js";' '} from "../evoprune_wasm_bg.js";'
  fi
  ls -l "$out/evoprune_wasm_bg.wasm"
}

mkdir -p "$out"
# EVOPRUNE_WASM_TARGETS narrows the build while iterating on kernels (CI always builds all three,
# and both variants); EVOPRUNE_WASM_VARIANTS picks "single", "threads" or both.
variants=${EVOPRUNE_WASM_VARIANTS:-single threads}
case " $variants " in *" single "*)
  # shellcheck disable=SC2086
  build_variant "$out" "$single_flags" "" "$EVOPRUNE_BUILD_STD" "$root/crates/target" ${EVOPRUNE_WASM_TARGETS:-nodejs bundler web} ;;
esac
case " $variants " in *" threads "*)
  # Its own target folder: different flags would otherwise rebuild std on every switch.
  # shellcheck disable=SC2086
  # std itself must be compiled with atomics, so this build always builds std from source (a
  # rustup toolchain needs its rust-src component); RUSTC_BOOTSTRAP unlocks -Zbuild-std and the
  # still-unstable memory.atomic.wait32 intrinsic the pool parks with.
  # shellcheck disable=SC2086
  RUSTC_BOOTSTRAP=1 build_variant "$out/threads" "$thread_flags" --enable-threads "-Zbuild-std=std,panic_abort" "$root/crates/target/threaded" ${EVOPRUNE_WASM_TARGETS:-nodejs web} ;;
esac

cat > "$out/BUILD-INFO.json" <<JSON
{
  "toolchain": "$EVOPRUNE_TOOLCHAIN",
  "rustc": "$("${RUSTC:-rustc}" --version)",
  "cargo": "$("$EVOPRUNE_CARGO" --version)",
  "wasmBindgen": "$(wasm-bindgen --version)",
  "wasmPack": "$(wasm-pack --version)",
  "wasmOpt": "$("$wasm_opt" --version)",
  "rustflags": "$single_flags",
  "threadsRustflags": "$thread_flags",
  "buildStd": "$EVOPRUNE_BUILD_STD"$features_json
}
JSON
# TypeScript's view of the registry (and the README's table) come from the kernels just built.
if [ "$out" = "$root/pkg" ]; then (cd "$root" && node --import tsx scripts/generate-registry.ts "$out"); fi
