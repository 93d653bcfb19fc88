//! The core's registry as JSON for TypeScript (camelCase keys, in the order of the core's
//! tables): `{ dynamics: [{ name, description, capacity, initialMass, params: [{ name, min,
//! description }] }], fitness: [{ name, description }], scores: [{ name, description,
//! needsTrainer }], scopes: [{ name, description }] }`.

use evoprune_core::registry::{Param, DYNAMICS, FITNESS, SCOPES, SCORES};
use serde::Serialize;

#[derive(Serialize)]
struct RegistryJson {
    dynamics: Vec<DynamicJson>,
    fitness: Vec<NamedJson>,
    scores: Vec<ScoreJson>,
    scopes: Vec<NamedJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DynamicJson {
    name: &'static str,
    description: &'static str,
    capacity: &'static str,
    initial_mass: f64,
    params: Vec<ParamJson>,
}

#[derive(Serialize)]
struct ParamJson {
    name: &'static str,
    min: f64,
    description: &'static str,
}

#[derive(Serialize)]
struct NamedJson {
    name: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScoreJson {
    name: &'static str,
    description: &'static str,
    needs_trainer: bool,
}

/// An f32 as the f64 with the same shortest decimal form (0.9f32 is written 0.9, not
/// 0.8999999761581421).
fn decimal(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::NAN)
}

fn param(p: &Param) -> ParamJson {
    ParamJson { name: p.name, min: decimal(p.min), description: p.description }
}

fn registry() -> RegistryJson {
    RegistryJson {
        dynamics: DYNAMICS
            .iter()
            .map(|d| DynamicJson {
                name: d.name,
                description: d.description,
                capacity: d.capacity.name(),
                initial_mass: decimal(d.initial_mass),
                params: d.params.iter().map(param).collect(),
            })
            .collect(),
        fitness: FITNESS.iter().map(|f| NamedJson { name: f.name, description: f.description }).collect(),
        scores: SCORES.iter().map(|s| ScoreJson { name: s.name, description: s.description, needs_trainer: s.needs_trainer }).collect(),
        scopes: SCOPES.iter().map(|s| NamedJson { name: s.name, description: s.description }).collect(),
    }
}

/// The registry as compact JSON (what `registry()` returns to JavaScript).
pub fn registry_json() -> String {
    serde_json::to_string(&registry()).expect("the registry serialises")
}

/// The registry as indented JSON, for people (`cargo run -p evoprune-wasm --example registry`).
pub fn registry_json_pretty() -> String {
    serde_json::to_string_pretty(&registry()).expect("the registry serialises")
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
        assert_eq!(logistic["params"][0]["name"], "eta");
        assert_eq!(logistic["params"][0]["min"], 0.0);
        assert_eq!(json["dynamics"][3]["params"][1]["name"], "mu");
        assert_eq!(json["fitness"][1]["name"], "taylor");
        assert_eq!(json["scores"][3]["needsTrainer"], true);
        assert_eq!(json["scopes"][1]["name"], "layer");
        assert_eq!(registry_json_pretty().parse::<serde_json::Value>().unwrap(), json);
    }
}
