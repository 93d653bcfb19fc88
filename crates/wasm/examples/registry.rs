//! Prints the registry of dynamics, fitness modes, pruning scores and scopes — the JSON that the
//! wasm export `registry()` returns, key order included — indented, without wasm:
//! `cargo run -p evoprune-wasm --example registry` (in `crates/`).

/// Indents compact JSON by two spaces per level (strings are copied as they are).
fn indent(json: &str) -> String {
    let (mut out, mut depth, mut in_string, mut escaped) = (String::new(), 0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' if matches!(chars.peek(), Some('}' | ']')) => out.push(c),
            '{' | '[' => {
                out.push(c);
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' if matches!(out.chars().last(), Some('{' | '[')) => out.push(c),
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

fn main() {
    let json = evoprune_wasm::registry_json();
    serde_json::from_str::<serde_json::Value>(&json).expect("the registry is JSON");
    println!("{}", indent(&json));
}
