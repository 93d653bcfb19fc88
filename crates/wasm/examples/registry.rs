//! Prints the registry of dynamics, fitness modes, pruning scores and scopes as JSON, without
//! wasm: `cargo run -p evoprune-wasm --example registry` (in `crates/`).

fn main() {
    println!("{}", evoprune_wasm::registry_json_pretty());
}
