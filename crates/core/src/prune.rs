//! Hard pruning (rank populations by a score, remove a fraction) and compaction (physically drop
//! the removed rows and columns and fold the masses into the next layer).

use crate::error::KernelError;
use crate::model::mlp::{Layer, Mlp};
use crate::rng::Xoshiro128;

/// PRNG stream of the `random` pruning baseline.
pub const STREAM_PRUNE: u64 = 3;

/// What populations are ranked by (lowest pruned first). Extinct populations (m = 0) always
/// rank below every living one, whatever the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Score {
    /// The population's mass (the evolutionary score).
    Mass,
    /// `m_i · ‖W_{l+1}[i, :]‖₂`: the norm of its effective outgoing weights.
    Magnitude,
    /// A uniform random order from stream [`STREAM_PRUNE`] of the seed.
    Random,
    /// Participation variables `s_i` tracked during training (arXiv 2512.22106).
    Participation,
}

/// Scores per hidden layer. `participation` is needed for [`Score::Participation`].
pub fn scores(model: &Mlp, score: Score, seed: u64, participation: Option<&[Vec<f32>]>) -> Result<Vec<Vec<f32>>, KernelError> {
    Ok(match score {
        Score::Mass => model.masses.clone(),
        Score::Magnitude => model
            .masses
            .iter()
            .enumerate()
            .map(|(l, m)| {
                let next = &model.layers[l + 1];
                m.iter()
                    .enumerate()
                    .map(|(i, &mi)| {
                        let row = &next.weights[i * next.outputs..(i + 1) * next.outputs];
                        let norm: f64 = row.iter().map(|&w| (w as f64) * (w as f64)).sum::<f64>().sqrt();
                        (mi.abs() as f64 * norm) as f32
                    })
                    .collect()
            })
            .collect(),
        Score::Random => {
            let mut rng = Xoshiro128::new(seed, STREAM_PRUNE);
            model.masses.iter().map(|m| m.iter().map(|_| rng.next_f32()).collect()).collect()
        }
        Score::Participation => {
            participation.ok_or_else(|| KernelError::Config("participation scores were not tracked in this run".into()))?.to_vec()
        }
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One ranking across all hidden layers.
    Global,
    /// Each layer loses the same fraction of its own populations.
    PerLayer,
}

/// Which populations survive pruning `fraction` of them: ranks by (extinct first, score, layer,
/// index) ascending and removes `round(fraction · total)` (per layer: `round(fraction · n_l)`).
/// Refuses a fraction outside `[0, 1)` and any pruning that would empty a layer.
pub fn survivors(model: &Mlp, scores: &[Vec<f32>], fraction: f64, scope: Scope) -> Result<Vec<Vec<bool>>, KernelError> {
    survivors_by(model, scores, None, fraction, scope)
}

/// [`survivors`] with ties of the score broken by `tiebreak` (ascending: the less fit first)
/// before (layer, index): under numerics 2 the trainer passes the smoothed fitness, so tied
/// masses (a saturated logistic layer) are pruned by evidence, not by position.
pub fn survivors_by(
    model: &Mlp,
    scores: &[Vec<f32>],
    tiebreak: Option<&[Vec<f32>]>,
    fraction: f64,
    scope: Scope,
) -> Result<Vec<Vec<bool>>, KernelError> {
    if !(0.0..1.0).contains(&fraction) || fraction.is_nan() {
        return Err(KernelError::Config(format!(
            "cannot prune {}% of populations: the fraction must be in [0, 1) so that every layer keeps at least one",
            fraction * 100.0
        )));
    }
    let mut keep: Vec<Vec<bool>> = model.masses.iter().map(|m| vec![true; m.len()]).collect();
    let key = |l: usize, i: usize| (model.masses[l][i] > 0.0, scores[l][i], tiebreak.map_or(0.0, |t| t[l][i]));
    let mut order: Vec<(usize, usize)> = Vec::new();
    let groups: Vec<Vec<usize>> = match scope {
        Scope::Global => vec![(0..model.masses.len()).collect()],
        Scope::PerLayer => (0..model.masses.len()).map(|l| vec![l]).collect(),
    };
    for layers in groups {
        order.clear();
        for &l in &layers {
            order.extend((0..model.masses[l].len()).map(|i| (l, i)));
        }
        // A total order: (layer, index) breaks every tie.
        let mut ranked: Vec<u32> = (0..order.len() as u32).collect();
        crate::order::sort_indices(&mut ranked, &|a, b| {
            let ((la, ia), (lb, ib)) = (order[a as usize], order[b as usize]);
            let (ka, kb) = (key(la, ia), key(lb, ib));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(ka.2.total_cmp(&kb.2)).then((la, ia).cmp(&(lb, ib)))
        });
        let remove = (fraction * order.len() as f64).round() as usize;
        for &j in &ranked[..remove] {
            let (l, i) = order[j as usize];
            keep[l][i] = false;
        }
    }
    for (l, k) in keep.iter().enumerate() {
        if !k.iter().any(|&x| x) {
            return Err(KernelError::Refusal(format!(
                "pruning {}% ({scope:?}) would remove every population of hidden layer {l}",
                fraction * 100.0
            )));
        }
    }
    Ok(keep)
}

/// One hard pruning: remove `fraction` of the populations ranked by `score` within `scope`
/// (`seed` drives the `random` score).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pruning {
    pub score: Score,
    pub fraction: f64,
    pub scope: Scope,
    pub seed: u64,
}

impl Pruning {
    /// The masked model (pruned populations get mass 0). `participation` is needed by
    /// [`Score::Participation`] only.
    pub fn apply(&self, model: &Mlp, participation: Option<&[Vec<f32>]>) -> Result<Mlp, KernelError> {
        self.apply_with(model, participation, None)
    }

    /// [`Pruning::apply`] with score ties broken by `tiebreak` (see [`survivors_by`]).
    pub fn apply_with(&self, model: &Mlp, participation: Option<&[Vec<f32>]>, tiebreak: Option<&[Vec<f32>]>) -> Result<Mlp, KernelError> {
        let scores = scores(model, self.score, self.seed, participation)?;
        let keep = survivors_by(model, &scores, tiebreak, self.fraction, self.scope)?;
        Ok(masked(model, &keep))
    }
}

/// The masked model: pruned populations get mass 0 (same shapes, same arithmetic otherwise).
pub fn masked(model: &Mlp, keep: &[Vec<bool>]) -> Mlp {
    let mut out = model.clone();
    for (m, k) in out.masses.iter_mut().zip(keep) {
        for (mi, &ki) in m.iter_mut().zip(k) {
            if !ki {
                *mi = 0.0;
            }
        }
    }
    out
}

/// The physically smaller plain MLP: hidden populations with m = 0 are removed (every slice they
/// own: their column of W_l and entry of b_l, and their row of W_{l+1}, see
/// [`crate::population`]); the survivors' masses are folded into the next layer
/// (`W_{l+1}[i, :] ·= m_i`, one rounded product per weight) and become 1. Refuses a model with an
/// empty layer.
pub fn compact(model: &Mlp) -> Result<Mlp, KernelError> {
    if let Some(l) = model.masses.iter().position(|m| !m.iter().any(|&x| x > 0.0)) {
        return Err(KernelError::Refusal(format!("hidden layer {l} has no living population; nothing to compact")));
    }
    let kept = model.layout().compaction(&model.masses);
    let layers: Vec<Layer> = model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let (w, b) = (&kept[2 * l], &kept[2 * l + 1]);
            Layer {
                inputs: w.rows.len(),
                outputs: w.cols.len(),
                weights: w.apply(&layer.weights, layer.outputs),
                bias: b.apply(&layer.bias, layer.outputs),
            }
        })
        .collect();
    let mut sizes = vec![model.inputs()];
    sizes.extend(layers.iter().map(|l| l.outputs));
    let masses = sizes[1..sizes.len() - 1].iter().map(|&n| vec![1.0; n]).collect();
    // The inputs are untouched: the input standardization carries over as it is.
    Ok(Mlp { sizes, layers, masses, standardization: model.standardization.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mlp::{forward, Workspace};
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn model() -> Mlp {
        let mut m = Mlp::new(&[6, 5, 4, 3], 1, 1.0).unwrap();
        m.masses = vec![vec![0.5, 0.0, 2.0, 1.2, 0.7], vec![1.5, 0.3, 0.0, 0.9]];
        for layer in m.layers.iter_mut() {
            for (i, b) in layer.bias.iter_mut().enumerate() {
                *b = 0.05 * i as f32;
            }
        }
        m
    }

    #[test]
    fn ranking_puts_extinct_first_and_breaks_ties_by_position() {
        let m = model();
        let s = scores(&m, Score::Mass, 0, None).unwrap();
        let keep = survivors(&m, &s, 0.0, Scope::Global).unwrap();
        assert!(keep.iter().flatten().all(|&k| k), "0 % prunes nothing");
        let keep = survivors(&m, &s, 4.0 / 9.0, Scope::Global).unwrap();
        // Extinct (0,1) and (1,2), then the lowest masses 0.3 (1,1) and 0.5 (0,0).
        assert_eq!(keep, vec![vec![false, false, true, true, true], vec![true, false, false, true]]);
        let too_much = survivors(&m, &s, 1.0, Scope::Global).unwrap_err();
        assert!(too_much.to_string().contains("cannot prune 100%") && too_much.kind() == "config", "{too_much:?}");
        let emptied = survivors(&m, &s, 0.85, Scope::Global).unwrap_err();
        assert!(emptied.to_string().contains("every population of hidden layer 1") && emptied.kind() == "refusal", "{emptied:?}");
        let mut dead = m.clone();
        dead.masses[1].fill(0.0);
        assert_eq!(compact(&dead).unwrap_err().kind(), "refusal");
        let per_layer = survivors(&m, &s, 0.5, Scope::PerLayer).unwrap();
        assert_eq!(per_layer.iter().map(|k| k.iter().filter(|&&x| !x).count()).collect::<Vec<_>>(), vec![3, 2]);
    }

    #[test]
    fn compact_model_matches_the_masked_one() {
        let m = model();
        let small = compact(&m).unwrap();
        assert_eq!(small.sizes, vec![6, 4, 3, 3]);
        let rows = 7;
        let mut ws_big = Workspace::new(&m, rows).unwrap();
        let mut ws_small = Workspace::new(&small, rows).unwrap();
        for (i, x) in ws_big.input.iter_mut().enumerate() {
            *x = ((i * 31) % 17) as f32 / 17.0;
        }
        ws_small.input.copy_from_slice(&ws_big.input);
        forward(&m, &mut ws_big, rows).unwrap();
        forward(&small, &mut ws_small, rows).unwrap();
        let gap = ws_big.logits.iter().zip(ws_small.logits.iter()).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(gap <= 1e-5, "max |Δlogit| = {gap}");
    }

    /// Compaction written out by hand for the MLP (what `compact` computed before populations
    /// were a concept): the population layout must give these bits exactly.
    fn compact_by_index(model: &Mlp) -> Mlp {
        let kept: Vec<Vec<usize>> = model.masses.iter().map(|m| (0..m.len()).filter(|&i| m[i] > 0.0).collect()).collect();
        let mut sizes = vec![model.inputs()];
        sizes.extend(kept.iter().map(|k| k.len()));
        sizes.push(model.classes());
        let (inputs, outputs): (Vec<usize>, Vec<usize>) = ((0..model.inputs()).collect(), (0..model.classes()).collect());
        let layers = (0..model.layers.len())
            .map(|l| {
                let layer = &model.layers[l];
                let rows = if l == 0 { &inputs } else { &kept[l - 1] };
                let cols = if l < kept.len() { &kept[l] } else { &outputs };
                let mut weights = Vec::new();
                for &r in rows {
                    let scale = if l == 0 { 1.0 } else { model.masses[l - 1][r] };
                    weights.extend(cols.iter().map(|&c| layer.weights[r * layer.outputs + c] * scale));
                }
                Layer { inputs: rows.len(), outputs: cols.len(), weights, bias: cols.iter().map(|&c| layer.bias[c]).collect() }
            })
            .collect();
        let masses = kept.iter().map(|k| vec![1.0; k.len()]).collect();
        Mlp { sizes, layers, masses, standardization: model.standardization.clone() }
    }

    #[test]
    fn compaction_by_population_slices_keeps_the_bits() {
        let mut m = model();
        let mut rng = Xoshiro128::new(4, 1);
        for l in m.layers.iter_mut() {
            rng.fill_uniform(&mut l.bias, -1.0, 1.0);
        }
        m.masses[0][4] = 0.0;
        let (a, b) = (compact(&m).unwrap(), compact_by_index(&m));
        assert_eq!(a.sizes, b.sizes);
        assert_eq!(a.to_bytes(), b.to_bytes());
    }

    #[test]
    fn scores_by_name() {
        let m = model();
        let magnitude = scores(&m, Score::Magnitude, 0, None).unwrap();
        assert_eq!(magnitude[0][1], 0.0);
        assert!(magnitude[0][2] > 0.0);
        let r1 = scores(&m, Score::Random, 4, None).unwrap();
        assert_eq!(r1, scores(&m, Score::Random, 4, None).unwrap());
        assert!(scores(&m, Score::Participation, 0, None).is_err());
    }

    #[test]
    fn ties_can_be_broken_by_fitness_instead_of_position() {
        let mut m = model();
        m.masses = vec![vec![1.0; 5], vec![1.0; 4]];
        let s = scores(&m, Score::Mass, 0, None).unwrap();
        // By position: the first two of layer 0 go.
        let by_index = survivors(&m, &s, 2.0 / 9.0, Scope::Global).unwrap();
        assert_eq!(by_index[0], vec![false, false, true, true, true]);
        // By fitness: the two least fit go, wherever they are.
        let fitness = vec![vec![0.5, 0.4, 0.3, 0.2, 0.1], vec![0.9, -1.0, 0.8, 0.7]];
        let by_fitness = survivors_by(&m, &s, Some(&fitness), 2.0 / 9.0, Scope::Global).unwrap();
        assert_eq!(by_fitness, vec![vec![true, true, true, true, false], vec![true, false, true, true]]);
    }
}
