//! The core's registry as JSON for TypeScript (camelCase keys, in the order of the core's
//! tables): `{ dynamics: [{ name, description, capacity, initialMass, params: [{ name, min,
//! description }] }], fitness: [{ name, description }], scores: [{ name, description,
//! needsTrainer }], scopes: [{ name, description }] }`.
//!
//! Written by hand rather than through serde: numbers are the f32's shortest decimal (0.9, not
//! 0.8999999761581421) from the float formatting the kernels link anyway, which keeps a JSON
//! float printer and a decimal parser (≈ 28 KB) out of the wasm.

use evoprune_core::emergence::{recommended, Bounds};
use evoprune_core::registry::{Param, DYNAMICS, FITNESS, SCOPES, SCORES};

/// A JSON string literal.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number: the shortest decimal that reads back as the same f32.
fn number(x: f32) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "null".into()
    }
}

fn object(fields: &[(&str, String)]) -> String {
    let fields: Vec<String> = fields.iter().map(|(key, value)| format!("{}:{value}", string(key))).collect();
    format!("{{{}}}", fields.join(","))
}

fn array(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(","))
}

fn named(name: &str, description: &str) -> String {
    object(&[("name", string(name)), ("description", string(description))])
}

fn param(p: &Param) -> String {
    object(&[("name", string(p.name)), ("min", number(p.min)), ("description", string(p.description))])
}

/// The registry as compact JSON (what `registry()` returns to JavaScript).
pub fn registry_json() -> String {
    let dynamics = array(DYNAMICS.iter().map(|d| {
        object(&[
            ("name", string(d.name)),
            ("description", string(d.description)),
            ("capacity", string(d.capacity.name())),
            ("initialMass", number(d.initial_mass)),
            ("params", array(d.params.iter().map(param))),
        ])
    }));
    let fitness = array(FITNESS.iter().map(|f| named(f.name, f.description)));
    let scores = array(SCORES.iter().map(|s| {
        object(&[("name", string(s.name)), ("description", string(s.description)), ("needsTrainer", s.needs_trainer.to_string())])
    }));
    let scopes = array(SCOPES.iter().map(|s| named(s.name, s.description)));
    // Numerics version 2: its default bounds, and what `--target-sparsity` alone resolves to.
    let b = Bounds::default();
    let (recommended, initial_mass) = recommended(0.5, 1);
    let stable = object(&[
        (
            "bounds",
            object(&[
                ("fitnessClip", number(b.fitness_clip)),
                ("maxStep", number(b.max_step)),
                ("maxMass", number(b.max_mass)),
                ("minAlive", b.min_alive.to_string()),
                ("minAliveFrac", number(b.min_alive_frac)),
            ]),
        ),
        (
            "targetSparsity",
            object(&[
                ("dynamic", string(DYNAMICS[recommended.dynamic].name)),
                ("fitness", string(FITNESS.iter().find(|f| f.fitness == recommended.fitness).map_or("gradient", |f| f.name))),
                ("rho", number(recommended.rho)),
                ("initialMass", number(initial_mass)),
            ]),
        ),
    ]);
    object(&[("dynamics", dynamics), ("fitness", fitness), ("scores", scores), ("scopes", scopes), ("stable", stable)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_json_with_camel_case_keys() {
        let json: serde_json::Value = serde_json::from_str(&registry_json()).unwrap();
        let logistic = &json["dynamics"][4];
        assert_eq!(logistic["name"], "logistic");
        assert_eq!(logistic["capacity"], "unit-interval");
        assert_eq!(logistic["initialMass"], 0.9);
        assert_eq!(json["dynamics"][0]["initialMass"], 1);
        assert_eq!(logistic["params"][0]["name"], "eta");
        assert_eq!(logistic["params"][0]["min"], 0);
        assert_eq!(json["dynamics"][3]["params"][1]["name"], "mu");
        assert_eq!(json["fitness"][1]["name"], "taylor");
        assert_eq!(json["scores"][3]["needsTrainer"], true);
        assert_eq!(json["scopes"][1]["name"], "layer");
        assert_eq!(string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
        assert_eq!((number(0.9), number(1.0), number(1e-3), number(f32::NAN)), ("0.9".into(), "1".into(), "0.001".into(), "null".into()));
    }
}
