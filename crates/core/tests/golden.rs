//! The golden product: native kernels must give exactly the bytes that the wasm build gives
//! (test/engine/golden.test.ts checks the wasm side against the same file).

use evoprune_core::evolution::{DynamicParams, EvolutionConfig, Fitness};
use evoprune_core::kernels::gemm::{Op, Product, Update};
use evoprune_core::model::optim::Optimizer;
use evoprune_core::registry;
use evoprune_core::rng::Xoshiro128;
use evoprune_core::train::{Data, ParticipationConfig, Schedule, Split, TrainConfig, Trainer};
use sha2::{Digest, Sha256};
// On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh): the SIMD build.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const GOLDEN: &str = include_str!("../../../test/golden/gemm.json");
const GOLDEN_TRAIN: &str = include_str!("../../../test/golden/train.json");
const GOLDEN_FEATURES: &str = include_str!("../../../test/golden/features.json");

fn field_of(file: &'static str, name: &str) -> &'static str {
    let key = format!("\"{name}\":");
    let start = file.find(&key).unwrap_or_else(|| panic!("golden file has no {name}")) + key.len();
    let rest = file[start..].trim_start();
    let end = rest.find([',', '\n', '}']).unwrap();
    rest[..end].trim().trim_matches('"')
}

fn field(name: &str) -> &'static str {
    field_of(GOLDEN, name)
}

fn uniform(len: usize, seed: u64, stream: u64) -> Vec<f32> {
    let mut out = vec![0.0; len];
    Xoshiro128::new(seed, stream).fill_uniform(&mut out, -1.0, 1.0);
    out
}

/// The three products of the golden case, concatenated as little-endian f32 bytes.
fn golden_bytes() -> Vec<u8> {
    let seed: u64 = field("seed").parse().unwrap();
    let (m, n, k): (usize, usize, usize) = (field("m").parse().unwrap(), field("n").parse().unwrap(), field("k").parse().unwrap());
    let mut bytes = Vec::new();
    let mut packed = vec![0.0; Product::new(Op::NN, m, n, k).packed_len().unwrap()];
    let a = uniform(m * k, seed, 1);
    let b = uniform(k * n, seed, 2);
    let mut c = vec![f32::NAN; m * n];
    Product::new(Op::NN, m, n, k).dense(&a, &b, &mut c, Update::Overwrite, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    // Aᵀ·B reads the same A buffer as k×m; A·Bᵀ reads the same B buffer as n×k.
    let at = uniform(k * m, seed, 1);
    Product::new(Op::TN, m, n, k).dense(&at, &b, &mut c, Update::Overwrite, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    Product::new(Op::NT, m, n, k).dense(&a, &b, &mut c, Update::Accumulate, &mut packed).unwrap();
    bytes.extend(c.iter().flat_map(|x| x.to_le_bytes()));
    bytes
}

#[test]
fn golden_product_hash_is_pinned() {
    let hash: String = Sha256::digest(golden_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, field("sha256"), "native golden product changed");
}

/// The golden training run of test/golden/train.json: sparse inputs (the zero-skipping products),
/// exponential dynamics with extinctions, participation tracking, cosine schedule.
#[test]
fn golden_training_run_hash_is_pinned() {
    let rows: usize = field_of(GOLDEN_TRAIN, "rows").parse().unwrap();
    let seed: u64 = field_of(GOLDEN_TRAIN, "seed").parse().unwrap();
    let (cols, classes) = (64, 10);
    let mut u = vec![0.0f32; rows * cols];
    Xoshiro128::new(seed, 11).fill_uniform(&mut u, 0.0, 1.0);
    let images: Vec<u8> = u
        .iter()
        .map(|&x| {
            let t = (x * 256.0) as u32;
            if t >= 180 {
                t as u8
            } else {
                0
            }
        })
        .collect();
    let mut v = vec![0.0f32; rows];
    Xoshiro128::new(seed, 12).fill_uniform(&mut v, 0.0, 1.0);
    let labels: Vec<u8> = v.iter().map(|&x| (x * 10.0) as u8).collect();
    let config = TrainConfig {
        sizes: vec![64, 32, 16, 10],
        seed,
        batch: 16,
        optimizer: Optimizer::Sgd { lr: 0.1, momentum: 0.9, weight_decay: 0.0 },
        schedule: Schedule::Cosine { epochs: 3 },
        initial_mass: Some(1.0),
        evolution: EvolutionConfig {
            fitness: Fitness::Gradient,
            dynamic: registry::dynamic("exponential").unwrap(),
            params: DynamicParams { eta: 0.2, mu: 0.0 },
            rho: 0.9,
            epsilon: 1e-3,
            interval: 1,
            warmup: 0,
            anneal: true,
            stable: None,
        },
        participation: Some(ParticipationConfig { alpha: 1.0, beta: 1e-4, gamma: 1e-5, lr: 1.0 }),
        standardize: false,
        gradual: None,
    };
    let mut trainer = Trainer::new(config).unwrap();
    trainer.set_train(Data::new(images, labels, rows, cols, classes).unwrap()).unwrap();
    while trainer.epoch() < 3 {
        trainer.run(100).unwrap();
    }
    assert!(trainer.model().alive_counts().iter().sum::<usize>() < 48, "the golden run should see extinctions");
    assert_eq!(trainer.state_hash(), field_of(GOLDEN_TRAIN, "stateHash"), "native golden training run changed");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The golden run of test/golden/features.json: f32 features far from zero-centred, standardized
/// in the kernels (statistics fitted from the training rows), exponential dynamics, a validation
/// split evaluated at the end; pins the state, the model file (format 2) and the evaluation.
#[test]
fn golden_feature_run_hash_is_pinned() {
    let rows: usize = field_of(GOLDEN_FEATURES, "rows").parse().unwrap();
    let validation_rows: usize = field_of(GOLDEN_FEATURES, "validationRows").parse().unwrap();
    let seed: u64 = field_of(GOLDEN_FEATURES, "seed").parse().unwrap();
    let (cols, classes) = (12, 5);
    let data = |n: usize, features_stream: u64, labels_stream: u64| {
        let mut x = vec![0.0f32; n * cols];
        Xoshiro128::new(seed, features_stream).fill_uniform(&mut x, 60.0, 140.0);
        let mut u = vec![0.0f32; n];
        Xoshiro128::new(seed, labels_stream).fill_uniform(&mut u, 0.0, 1.0);
        let labels = u.iter().map(|&v| (v * 5.0) as u8).collect();
        Data::floats(x, labels, n, cols, classes).unwrap()
    };
    let config = TrainConfig {
        sizes: vec![12, 16, 8, 5],
        seed,
        batch: 32,
        optimizer: Optimizer::Sgd { lr: 0.05, momentum: 0.9, weight_decay: 0.0 },
        schedule: Schedule::Cosine { epochs: 3 },
        initial_mass: Some(1.0),
        evolution: EvolutionConfig {
            fitness: Fitness::Gradient,
            dynamic: registry::dynamic("exponential").unwrap(),
            params: DynamicParams { eta: 0.1, mu: 0.0 },
            rho: 0.9,
            epsilon: 1e-3,
            interval: 1,
            warmup: 0,
            anneal: true,
            stable: None,
        },
        participation: None,
        standardize: true,
        gradual: None,
    };
    let mut trainer = Trainer::new(config).unwrap();
    trainer.set_train(data(rows, 21, 22)).unwrap();
    trainer.set_validation(data(validation_rows, 23, 24)).unwrap();
    while trainer.epoch() < 3 {
        trainer.run(100).unwrap();
    }
    let v = trainer.evaluate(Split::Validation).unwrap();
    let model = hex(&Sha256::digest(trainer.model().to_bytes()));
    assert_eq!(trainer.model().to_bytes()[15], 2, "a standardized model is model format 2");
    assert_eq!(trainer.state_hash(), field_of(GOLDEN_FEATURES, "stateHash"), "native golden feature run changed");
    assert_eq!(model, field_of(GOLDEN_FEATURES, "modelSha256"), "native golden feature model changed");
    assert_eq!(format!("{:016x}", v.loss.to_bits()), field_of(GOLDEN_FEATURES, "validationLoss"));
    assert_eq!(v.correct.to_string(), field_of(GOLDEN_FEATURES, "validationCorrect"));
}
