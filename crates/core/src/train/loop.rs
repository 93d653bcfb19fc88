//! The training loop inside wasm: batches, shuffling, optimizer, learning-rate schedule,
//! evolution, evaluation. The state as bytes is in [`super::checkpoint`].

use crate::emergence::{stable_step, StableState};
use crate::error::KernelError;
use crate::evolution::EvolutionState;
use crate::kernels::loss::argmax_rows;
use crate::model::input::{Inputs, Standardization};
use crate::model::mlp::{alive_count, evaluate, forward_backward, Evaluation, Gradients, Mlp, Workspace};
use crate::model::optim::{update, Optimizer, StepScalars};
use crate::population::Layout;
use crate::prune::{Pruning, Scope, Score};
use crate::rng::Xoshiro128;

use super::compact::{multiply_adds, rebuild_at, Compact};
use super::config::TrainConfig;
use super::gradual::{magnitude, prune_layer, random_priorities, GradualPruning, GradualScore};
use super::participation;

/// PRNG stream of the per-epoch shuffle.
pub const STREAM_SHUFFLE: u64 = 2;

/// What a data set's rows hold: byte images (each byte enters the network as `b / 255`) or f32
/// features (entering as they are). Either may be standardized (see [`TrainConfig::standardize`]).
#[derive(Clone, Debug)]
pub enum Features {
    Bytes(Vec<u8>),
    Floats(Vec<f32>),
}

/// A data set: `rows × cols` values (bytes or f32 features) and one label per row.
#[derive(Clone, Debug)]
pub struct Data {
    pub features: Features,
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
}

impl Data {
    /// A byte image set: `rows` images of `cols` bytes.
    pub fn new(images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize, classes: usize) -> Result<Data, KernelError> {
        Data::checked(Features::Bytes(images), labels, rows, cols, classes)
    }

    /// An f32 feature set: `rows` rows of `cols` features, every one finite.
    pub fn floats(features: Vec<f32>, labels: Vec<u8>, rows: usize, cols: usize, classes: usize) -> Result<Data, KernelError> {
        Data::checked(Features::Floats(features), labels, rows, cols, classes)
    }

    fn checked(features: Features, labels: Vec<u8>, rows: usize, cols: usize, classes: usize) -> Result<Data, KernelError> {
        let data = Data { features, labels, rows, cols };
        let inputs = data.inputs();
        if inputs.len() != crate::error::size_product("data", rows, cols)? {
            return Err(KernelError::Shape(format!("{} {} for {rows} rows of {cols}", inputs.len(), inputs.noun())));
        }
        if data.labels.len() != rows {
            return Err(KernelError::Shape(format!("{} labels for {rows} rows", data.labels.len())));
        }
        if let Some((row, &label)) = data.labels.iter().enumerate().find(|(_, &y)| y as usize >= classes) {
            return Err(KernelError::label(row, label as u32, classes));
        }
        if let Some((row, col, value)) = inputs.first_non_finite(cols) {
            return Err(KernelError::Data(format!("feature {col} of row {row} is {value}, not a finite number")));
        }
        Ok(data)
    }

    /// The values, borrowed.
    pub fn inputs(&self) -> Inputs<'_> {
        match &self.features {
            Features::Bytes(b) => Inputs::Bytes(b),
            Features::Floats(f) => Inputs::Floats(f),
        }
    }
}

/// The training loop: batches in a shuffled order per epoch, the optimizer, the schedule, the
/// evolution of masses and the participation variables. Its fields change only here and in
/// [`super::checkpoint`] (which restores them); everything else reads them through methods.
pub struct Trainer {
    pub(super) config: TrainConfig,
    pub(super) model: Mlp,
    /// Optimizer slots per tensor of W, b (in layer order).
    pub(super) slots: Vec<[Vec<f32>; 2]>,
    /// Which slices of the tensors (and slots) each population owns.
    layout: Layout,
    /// Adam's β₁ᵗ, β₂ᵗ, kept as running products.
    pub(super) beta_powers: (f32, f32),
    pub(super) step: u64,
    pub(super) epoch: u32,
    /// Position within the epoch's order.
    pub(super) cursor: usize,
    pub(super) order: Vec<u32>,
    pub(super) shuffle: Xoshiro128,
    pub(super) train: Option<Data>,
    /// Rows of the training set, kept apart because `run` holds the data outside `self`.
    pub(super) train_rows: usize,
    pub(super) test: Option<Data>,
    /// Rows held out of the training set for model selection and run-failure decisions.
    pub(super) validation: Option<Data>,
    ws: Workspace,
    grads: Gradients,
    batch_labels: Vec<u8>,
    loss_sum: f64,
    loss_batches: u64,
    /// This epoch's training loss (sum over batches, in order) and accuracy: kept in the trainer,
    /// so the epoch's figures do not depend on how the caller chunks the batches (a resumed run
    /// reports the same bits). Not part of the hashed state; checkpoints carry it in their header.
    epoch_progress: EpochProgress,
    pub(super) evolution: EvolutionState,
    /// Numerics version 2's state (f64 coordinates, the controller), when `evolution.stable` is set.
    pub(super) stable: Option<StableState>,
    /// Participation variables per hidden layer (empty unless configured).
    pub(super) participation: Vec<Vec<f32>>,
    /// Living populations per hidden layer before the current evolution step: a buffer reused
    /// every step (not part of the state), so that telling whether any count changed allocates
    /// nothing.
    alive_before: Vec<usize>,
    /// Compute on a compacted copy once populations are extinct for good (on by default; the
    /// bits are the same either way, see [`super::compact`]).
    pub(super) compaction: bool,
    /// The compacted working copy, between and during [`Trainer::run`] calls; `None` while
    /// nothing is removable or compaction is off.
    compact: Option<Compact>,
    /// The `random` score's fixed priorities (empty unless a schedule prunes by it): a function
    /// of the seed, not part of the state.
    priorities: Vec<Vec<f32>>,
}

impl Trainer {
    pub fn new(config: TrainConfig) -> Result<Trainer, KernelError> {
        config.validate()?;
        config.check_memory(0, 0, 1)?;
        let model = Mlp::new(&config.sizes, config.seed, config.initial_mass())?;
        let slots = model
            .layers
            .iter()
            .flat_map(|l| [l.weights.len(), l.bias.len()])
            .map(|n| [vec![0.0; n], vec![0.0; if config.optimizer.slots() == 2 { n } else { 0 }]])
            .collect();
        let ws = Workspace::new(&model, config.batch.max(256))?;
        let grads = Gradients::zeros(&model);
        let widths: Vec<usize> = model.masses.iter().map(|m| m.len()).collect();
        Ok(Trainer {
            evolution: EvolutionState::new(&widths),
            stable: config.evolution.stable.map(|_| StableState::new(&widths)),
            participation: if config.participation.is_some() { widths.iter().map(|&n| vec![1.0; n]).collect() } else { Vec::new() },
            alive_before: vec![0; widths.len()],
            compaction: true,
            compact: None,
            priorities: match config.gradual {
                Some(g) if g.score == GradualScore::Random => random_priorities(&widths, config.seed),
                _ => Vec::new(),
            },
            shuffle: Xoshiro128::new(config.seed, STREAM_SHUFFLE),
            layout: model.layout(),
            model,
            slots,
            beta_powers: (1.0, 1.0),
            step: 0,
            epoch: 0,
            cursor: 0,
            order: Vec::new(),
            train: None,
            train_rows: 0,
            test: None,
            validation: None,
            ws,
            grads,
            batch_labels: vec![0; config.batch],
            loss_sum: 0.0,
            loss_batches: 0,
            epoch_progress: EpochProgress::default(),
            config,
        })
    }

    fn check_data(&self, data: &Data) -> Result<(), KernelError> {
        if data.cols != self.model.inputs() {
            return Err(KernelError::Shape(format!(
                "rows have {} values each but the model's input layer has {}",
                data.cols,
                self.model.inputs()
            )));
        }
        Ok(())
    }

    /// The training set. With [`TrainConfig::standardize`], the input standardization is fitted
    /// here, from these rows only ([`Standardization::fit`]): it is a function of the data, so
    /// it is not part of the state bytes, and a resumed run recomputes the same statistics.
    pub fn set_train(&mut self, data: Data) -> Result<(), KernelError> {
        self.check_data(&data)?;
        if !self.order.is_empty() && self.order.len() != data.rows {
            return Err(KernelError::Data(format!(
                "the state's epoch order covers {} rows but the training set has {}",
                self.order.len(),
                data.rows
            )));
        }
        let standardization = if self.config.standardize { Some(Standardization::fit(data.inputs(), data.rows, data.cols)?) } else { None };
        self.model.set_standardization(standardization)?;
        // The compact copy carries the old standardization: rebuilt at the next run.
        self.compact = None;
        self.train_rows = data.rows;
        self.train = Some(data);
        Ok(())
    }

    /// Copies a byte image set in as the `split` data: `rows` images of `cols` bytes each, one
    /// label per image (checked against the model's classes).
    pub fn set_data(&mut self, split: Split, images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), KernelError> {
        let data = Data::new(images, labels, rows, cols, self.model.classes())?;
        self.set_split(split, data)
    }

    /// Copies an f32 feature set in as the `split` data: `rows` rows of `cols` features each
    /// (every one finite), one label per row (checked against the model's classes).
    pub fn set_features(&mut self, split: Split, features: Vec<f32>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<(), KernelError> {
        let data = Data::floats(features, labels, rows, cols, self.model.classes())?;
        self.set_split(split, data)
    }

    /// Sets the data of `split`.
    pub fn set_split(&mut self, split: Split, data: Data) -> Result<(), KernelError> {
        match split {
            Split::Train => self.set_train(data),
            Split::Validation => self.set_validation(data),
            Split::Test => self.set_test(data),
        }
    }

    pub fn set_test(&mut self, data: Data) -> Result<(), KernelError> {
        self.check_data(&data)?;
        self.test = Some(data);
        Ok(())
    }

    pub fn set_validation(&mut self, data: Data) -> Result<(), KernelError> {
        self.check_data(&data)?;
        self.validation = Some(data);
        Ok(())
    }

    /// What this trainer was built from.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The current model (weights, biases, masses).
    pub fn model(&self) -> &Mlp {
        &self.model
    }

    /// Smoothed and standardised fitness per hidden layer.
    pub fn evolution(&self) -> &EvolutionState {
        &self.evolution
    }

    /// Participation variables per hidden layer (empty unless configured).
    pub fn participation(&self) -> &[Vec<f32>] {
        &self.participation
    }

    /// Participation variables of hidden layer `layer` (empty unless tracked).
    pub fn participation_of(&self, layer: usize) -> &[f32] {
        self.participation.get(layer).map_or(&[], Vec::as_slice)
    }

    /// The current model with `fraction` of its populations pruned (mass 0), ranked by `score`
    /// within `scope`; the `random` score draws from this trainer's seed, `participation` uses
    /// the tracked variables.
    pub fn pruned(&self, score: Score, fraction: f64, scope: Scope) -> Result<Mlp, KernelError> {
        let participation = (!self.participation.is_empty()).then_some(self.participation.as_slice());
        // Numerics 2 breaks ties of the score by smoothed fitness (numerics 1: by position, as 0.1.0).
        let tiebreak = self.config.evolution.stable.is_some().then_some(self.evolution.smoothed.as_slice());
        Pruning { score, fraction, scope, seed: self.config.seed }.apply_with(&self.model, participation, tiebreak)
    }

    /// Optimizer steps taken.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Epochs completed.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Position within the current epoch's order (0 at an epoch's start).
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn train_rows(&self) -> usize {
        self.train_rows
    }

    pub fn batches_per_epoch(&self) -> usize {
        self.train_rows().div_ceil(self.config.batch)
    }

    /// The learning rate of the next optimizer step, after the schedule.
    pub fn learning_rate(&self) -> f32 {
        self.config.schedule.learning_rate(self.config.optimizer.lr(), self.step, self.batches_per_epoch())
    }

    /// Runs up to `max_batches` batches, stopping early at the end of an epoch. Returns how
    /// many ran. The last batch of an epoch holds the remaining rows (it may be smaller).
    pub fn run(&mut self, max_batches: usize) -> Result<usize, KernelError> {
        let train = self.train.take().ok_or_else(|| KernelError::Data("no training data set".into()))?;
        let result = self.run_on(&train, max_batches);
        self.train = Some(train);
        result
    }

    fn run_on(&mut self, train: &Data, max_batches: usize) -> Result<usize, KernelError> {
        if train.rows == 0 {
            return Err(KernelError::Data("the training set is empty".into()));
        }
        if self.compaction && self.compact.is_none() {
            self.recompact();
        }
        let result = self.steps(train, max_batches);
        // A non-finite loss stops the step that would use broken parameters; this catches the
        // update of the last step of a chunk (and so of a run), once per call, not per step (on
        // the working copy: a removed population's parameters are zeros that no step touches).
        let broken = non_finite(self.compact.as_ref().map_or(&self.model, |c| &c.model));
        // The full-size model is the canonical state outside this call (see `compact`).
        if let Some(compact) = &self.compact {
            compact.scatter(&mut self.model, &mut self.slots);
        }
        let done = result?;
        if let Some(what) = broken {
            return Err(KernelError::Refusal(format!(
                "training diverged: {what} became non-finite at step {} (a learning rate or selection strength too high for this model and data?)",
                self.step
            )));
        }
        Ok(done)
    }

    /// Up to `max_batches` optimizer and evolution steps (stopping at an epoch's end), on the
    /// compact copy when there is one.
    fn steps(&mut self, train: &Data, max_batches: usize) -> Result<usize, KernelError> {
        let full_work = multiply_adds(self.model.sizes.iter().copied()) as f64;
        let mut done = 0;
        while done < max_batches {
            if self.cursor == 0 {
                self.order.clear();
                self.order.extend(0..train.rows as u32);
                self.shuffle.shuffle(&mut self.order);
                self.epoch_progress = EpochProgress::default();
            }
            let rows = (train.rows - self.cursor).min(self.config.batch);
            let indices = &self.order[self.cursor..self.cursor + rows];
            self.ws.gather_inputs(train.inputs(), train.cols, indices, self.model.standardization.as_ref())?;
            for (slot, &idx) in self.batch_labels.iter_mut().zip(indices) {
                *slot = train.labels[idx as usize];
            }
            let (model, grads) = match &mut self.compact {
                Some(c) => (&c.model, &mut c.grads),
                None => (&self.model, &mut self.grads),
            };
            let loss = forward_backward(model, &mut self.ws, &self.batch_labels[..rows], grads)?;
            if !loss.is_finite() {
                return Err(KernelError::Refusal(format!(
                    "training diverged: the loss became {loss} at step {} (a learning rate or selection strength too high for this model and data?)",
                    self.step + 1
                )));
            }
            for (n, m) in self.alive_before.iter_mut().zip(&self.model.masses) {
                *n = alive_count(m);
            }
            // The living network's share of the full one's multiply-adds, this step.
            let living = multiply_adds(
                std::iter::once(self.model.inputs()).chain(self.alive_before.iter().copied()).chain(std::iter::once(self.model.classes())),
            );
            let classes = self.model.classes();
            let Workspace { logits, predictions, .. } = &mut self.ws;
            argmax_rows(rows, classes, &logits[..rows * classes], &mut predictions[..rows])?;
            self.epoch_progress.count(&predictions[..rows], &self.batch_labels[..rows], loss, living as f64 / full_work);
            if let Some(config) = &self.config.participation {
                match &self.compact {
                    Some(c) => participation::track(config, &mut self.participation, &c.model, &c.grads, Some(&c.kept)),
                    None => participation::track(config, &mut self.participation, &self.model, &self.grads, None),
                }
            }
            self.apply_gradients()?;
            self.step += 1;
            if let Some(c) = &self.compact {
                c.scatter_mass_grads(&mut self.grads.masses);
            }
            let lr_factor = self.learning_rate() / self.config.optimizer.lr();
            match (&self.config.evolution.stable, &mut self.stable) {
                (Some(stable), Some(state)) => {
                    // The controller's budget: its epochs × this training set's batches per epoch.
                    let total = stable.controller.map_or(0, |c| c.epochs as u64 * self.train_rows.div_ceil(self.config.batch) as u64);
                    stable_step(
                        state,
                        &mut self.evolution,
                        &self.config.evolution,
                        stable,
                        self.step,
                        total,
                        lr_factor,
                        &mut self.model.masses,
                        &self.grads.masses,
                    );
                }
                _ => self.evolution.step(&self.config.evolution, self.step, lr_factor, &mut self.model.masses, &self.grads.masses),
            }
            if let Some(g) = self.config.gradual {
                let total = g.epochs as u64 * self.train_rows.div_ceil(self.config.batch) as u64;
                if let Some(s) = g.sparsity_at(self.step, total) {
                    self.prune_on_schedule(&g, s);
                }
            }
            if let Some(c) = &mut self.compact {
                c.gather_masses(&self.model.masses);
            }
            // Per layer, not one total: under numerics 2 a population whose f32 mass rounded to 0
            // keeps a finite coordinate and can come back (or set_parameters can zero a mass the
            // coordinates still hold), so a death in one layer and a return in another could
            // leave the total unchanged.
            if self.model.masses.iter().zip(&self.alive_before).any(|(m, &n)| alive_count(m) != n) {
                self.clear_extinct();
                if self.compaction && self.compact.as_ref().is_none_or(Compact::due) {
                    self.recompact();
                }
            }
            self.loss_sum += loss;
            self.loss_batches += 1;
            done += 1;
            self.cursor += rows;
            if self.cursor == train.rows {
                self.cursor = 0;
                self.epoch += 1;
                break;
            }
        }
        Ok(done)
    }

    /// Builds the compact copy anew from the full model, without every population that is
    /// extinct for good with all its slices at 0 (see [`super::compact`]); a layer keeps at
    /// least one. Nothing to remove: no copy, the full model trains.
    fn recompact(&mut self) {
        // Populations the previous copy removed stay removed (nothing touched them since), so only
        // the ones it kept are checked.
        let previous = self.compact.take().map(|c| {
            c.scatter(&mut self.model, &mut self.slots);
            c.kept
        });
        let mut any = false;
        let mut removed: Vec<Vec<bool>> = Vec::with_capacity(self.model.masses.len());
        for (g, masses) in self.model.masses.iter().enumerate() {
            let mut layer = vec![true; masses.len()];
            let kept = previous.as_ref().map(|p| p[g].iter().map(|&i| i as usize));
            for i in kept.map_or_else(|| (0..masses.len()).collect::<Vec<_>>(), Iterator::collect) {
                layer[i] = self.removable(g, i);
            }
            if layer.iter().all(|&r| r) {
                layer[0] = false;
            }
            // Below the cadence, the repacking would cost more than it saves.
            if layer.iter().filter(|&&r| r).count() >= rebuild_at(masses.len()).min(masses.len() - 1) {
                any = true;
            }
            removed.push(layer);
        }
        if any {
            self.compact = Some(Compact::build(&self.model, &self.slots, &self.layout, &removed));
        }
    }

    /// Brings every hidden layer to the schedule's fraction `s` of extinct populations (see
    /// [`super::gradual`]); scores come from the working model (compact or full, the same values).
    fn prune_on_schedule(&mut self, g: &GradualPruning, s: f64) {
        for l in 0..self.model.masses.len() {
            let n = self.model.masses[l].len();
            let scores: Vec<f64> = match g.score {
                GradualScore::Magnitude => {
                    let (model, kept) = match &self.compact {
                        Some(c) => (&c.model, Some(&c.kept[l])),
                        None => (&self.model, None),
                    };
                    (0..n)
                        .map(|i| match kept.map_or(Ok(i), |k| k.binary_search(&(i as u32))) {
                            Ok(c) => magnitude(model, l, c),
                            Err(_) => 0.0, // removed: extinct, never a candidate
                        })
                        .collect()
                }
                GradualScore::Random => self.priorities[l].iter().map(|&p| p as f64).collect(),
                GradualScore::Fitness => self.evolution.smoothed[l].iter().map(|&f| f as f64).collect(),
            };
            prune_layer(&mut self.model.masses[l], GradualPruning::count(s, n), |i| scores[i]);
            // Extinct for good under numerics 2 too (so compaction may drop them).
            if let Some(state) = self.stable.as_mut().filter(|st| st.initialised) {
                for (x, &m) in state.coord[l].iter_mut().zip(&self.model.masses[l]) {
                    if m == 0.0 {
                        *x = f64::NEG_INFINITY;
                    }
                }
            }
        }
    }

    /// Whether population `i` of hidden layer `g` is extinct for good and every slice it owns is
    /// exactly 0 in the parameters and the optimizer slots (so removing it drops only zero terms).
    fn removable(&self, g: usize, i: usize) -> bool {
        if self.model.masses[g][i] != 0.0 {
            return false;
        }
        if let Some(s) = self.stable.as_ref().filter(|s| s.initialised) {
            if s.coord[g][i] != f64::NEG_INFINITY {
                return false;
            }
        }
        self.layout.slices(g, i).all(|slice| {
            self.layout.is_zero(slice, self.model.parameter(slice.tensor))
                && self.slots[slice.tensor].iter().all(|s| self.layout.is_zero(slice, s))
        })
    }

    /// Computes on a compacted copy once populations are extinct for good (the default), or
    /// always on the full model; the state, its hash and the model file are the same either way.
    pub fn set_compaction(&mut self, on: bool) {
        self.compaction = on;
        if !on {
            // Between runs the full model already holds everything the copy does.
            self.compact = None;
        }
    }

    pub fn compaction(&self) -> bool {
        self.compaction
    }

    /// Populations per hidden layer the trainer currently computes on: the full widths, or the
    /// compact copy's (living ones, plus the dead not yet removed at the cadence of
    /// [`super::compact::rebuild_at`]).
    pub fn working_widths(&self) -> Vec<usize> {
        match &self.compact {
            Some(c) => c.kept.iter().map(Vec::len).collect(),
            None => self.model.masses.iter().map(Vec::len).collect(),
        }
    }

    /// η of each hidden layer's last update under numerics version 2 (empty under version 1).
    pub fn eta(&self) -> Vec<f64> {
        self.stable.as_ref().map_or_else(Vec::new, |s| s.eta.clone())
    }

    /// This epoch's training figures so far (reset when an epoch starts).
    pub fn epoch_progress(&self) -> EpochProgress {
        self.epoch_progress
    }

    /// Restores an epoch's figures when resuming in the middle of it (from a checkpoint header).
    pub fn set_epoch_progress(&mut self, progress: EpochProgress) {
        self.epoch_progress = progress;
    }

    /// Zeroes the parameters and optimizer state that only extinct populations use: every slice
    /// they own (for a neuron: its incoming weights and bias and its outgoing weights, see
    /// [`crate::population`]). They can no longer affect the loss (their output is 0 for good and
    /// their gradients are 0), so this changes no prediction; it keeps momentum from decaying
    /// through subnormal floats, which are slow on every CPU.
    fn clear_extinct(&mut self) {
        let (model, slots, layout) = match &mut self.compact {
            Some(c) => (&mut c.model, &mut c.slots, &c.layout),
            None => (&mut self.model, &mut self.slots, &self.layout),
        };
        for g in 0..layout.groups().len() {
            for i in 0..layout.groups()[g].width {
                if model.masses[g][i] != 0.0 {
                    continue;
                }
                for slice in layout.slices(g, i) {
                    layout.zero(slice, model.parameter_mut(slice.tensor));
                    for slot in slots[slice.tensor].iter_mut().filter(|s| !s.is_empty()) {
                        layout.zero(slice, slot);
                    }
                }
            }
        }
    }

    fn apply_gradients(&mut self) -> Result<(), KernelError> {
        let opt = &self.config.optimizer;
        if let Optimizer::Adam { beta1, beta2, .. } = *opt {
            self.beta_powers = (self.beta_powers.0 * beta1, self.beta_powers.1 * beta2);
        }
        let scalars =
            StepScalars { lr: self.learning_rate(), correction1: 1.0 - self.beta_powers.0, correction2: 1.0 - self.beta_powers.1 };
        let (model, slots, grads) = match &mut self.compact {
            Some(c) => (&mut c.model, &mut c.slots, &c.grads),
            None => (&mut self.model, &mut self.slots, &self.grads),
        };
        for (l, layer) in model.layers.iter_mut().enumerate() {
            let [s1, s2] = &mut slots[2 * l];
            update(opt, scalars, &mut layer.weights, &grads.weights[l], s1, s2)?;
            let [s1, s2] = &mut slots[2 * l + 1];
            update(opt, scalars, &mut layer.bias, &grads.bias[l], s1, s2)?;
        }
        Ok(())
    }

    /// Mean training loss of the batches since the last call.
    pub fn take_train_loss(&mut self) -> f64 {
        let mean = if self.loss_batches == 0 { f64::NAN } else { self.loss_sum / self.loss_batches as f64 };
        self.loss_sum = 0.0;
        self.loss_batches = 0;
        mean
    }

    pub fn evaluate(&mut self, split: Split) -> Result<Evaluation, KernelError> {
        let data = match split {
            Split::Train => self.train.as_ref(),
            Split::Validation => self.validation.as_ref(),
            Split::Test => self.test.as_ref(),
        }
        .ok_or_else(|| KernelError::Data(format!("no {} data set", split.name())))?;
        // The compact copy, when there is one, gives the same logits with less work.
        let model = self.compact.as_ref().map_or(&self.model, |c| &c.model);
        evaluate(model, &mut self.ws, data.inputs(), &data.labels)
    }

    /// Loss and gradients of one batch of byte images, without changing any state
    /// (for gradient checks): `[loss, …gradients in the order of Mlp::tensors]`.
    pub fn gradients(&mut self, images: &[u8], labels: &[u8]) -> Result<Vec<f32>, KernelError> {
        let cols = self.model.inputs();
        let data = Data::new(images.to_vec(), labels.to_vec(), labels.len(), cols, self.model.classes())?;
        let mut ws = Workspace::new(&self.model, data.rows.max(1))?;
        let indices: Vec<u32> = (0..data.rows as u32).collect();
        ws.gather_inputs(data.inputs(), cols, &indices, self.model.standardization.as_ref())?;
        let mut grads = Gradients::zeros(&self.model);
        let loss = forward_backward(&self.model, &mut ws, &data.labels, &mut grads)?;
        let mut out = vec![loss as f32];
        out.extend(grads.flatten());
        Ok(out)
    }

    /// All of W, b, m in the order of [`Mlp::tensors`].
    pub fn parameters(&self) -> Vec<f32> {
        self.model.tensors().concat()
    }

    pub fn set_parameters(&mut self, values: &[f32]) -> Result<(), KernelError> {
        let total: usize = self.model.tensors().iter().map(|t| t.len()).sum();
        if values.len() != total {
            return Err(KernelError::shape("parameters", total, values.len()));
        }
        // The values may bring a population back or differ in the dead's slices: the compact copy
        // (already written back) is rebuilt from them at the next run.
        self.compact = None;
        let mut at = 0;
        for t in self.model.tensors_mut() {
            t.copy_from_slice(&values[at..at + t.len()]);
            at += t.len();
        }
        Ok(())
    }
}

/// The first parameter tensor or mass vector of `model` holding a NaN or infinity, by name
/// (layers are numbered as in the full model: compaction removes populations, never layers).
fn non_finite(model: &Mlp) -> Option<String> {
    for (l, layer) in model.layers.iter().enumerate() {
        if !layer.weights.iter().all(|w| w.is_finite()) {
            return Some(format!("a weight of layer {}", l + 1));
        }
        if !layer.bias.iter().all(|b| b.is_finite()) {
            return Some(format!("a bias of layer {}", l + 1));
        }
    }
    model.masses.iter().position(|m| !m.iter().all(|x| x.is_finite())).map(|l| format!("a mass of hidden layer {}", l + 1))
}

/// One epoch's training figures: the sum of the batch losses (f64, in batch order), the batches,
/// and the rows predicted correctly (argmax of the logits of the forward pass that trained).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EpochProgress {
    pub loss_sum: f64,
    pub batches: u64,
    pub correct: u64,
    pub rows: u64,
    /// Sum over the epoch's steps of the living network's share of the full one's multiply-adds
    /// (divide by `batches` for the epoch's mean living-work fraction).
    pub living_work: f64,
}

impl EpochProgress {
    fn count(&mut self, predictions: &[u32], labels: &[u8], loss: f64, living_work: f64) {
        self.loss_sum += loss;
        self.living_work += living_work;
        self.batches += 1;
        self.rows += labels.len() as u64;
        self.correct += predictions.iter().zip(labels).filter(|(&p, &y)| p == y as u32).count() as u64;
    }
}

/// The data sets a trainer holds: the training rows, the validation rows held out of them (model
/// selection and run-failure decisions), and the test rows (reported, never deciding anything).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    /// `train`, `validation` or `test`.
    pub fn parse(name: &str) -> Result<Split, KernelError> {
        match name {
            "train" => Ok(Split::Train),
            "validation" => Ok(Split::Validation),
            "test" => Ok(Split::Test),
            other => Err(KernelError::Config(format!("split \"{other}\" is not one of train, validation, test"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolution::EvolutionConfig;
    use crate::registry;
    use crate::train::{ParticipationConfig, Schedule};
    // On wasm32 the tests run under wasm-bindgen-test (scripts/test-wasm.sh).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A learnable toy problem: the class is which quarter of the row holds the brightest pixel.
    fn toy(rows: usize, seed: u64) -> Data {
        let cols = 16;
        let mut rng = Xoshiro128::new(seed, 7);
        let mut images = vec![0u8; rows * cols];
        let mut labels = vec![0u8; rows];
        for r in 0..rows {
            for c in 0..cols {
                images[r * cols + c] = (rng.below(100)) as u8;
            }
            let class = rng.below(4) as usize;
            images[r * cols + class * 4 + rng.below(4) as usize] = 255;
            labels[r] = class as u8;
        }
        Data::new(images, labels, rows, cols, 4).unwrap()
    }

    fn config(seed: u64) -> TrainConfig {
        TrainConfig {
            sizes: vec![16, 12, 8, 4],
            seed,
            batch: 10,
            optimizer: Optimizer::Sgd { lr: 0.1, momentum: 0.9, weight_decay: 0.0 },
            schedule: Schedule::Constant,
            initial_mass: None,
            evolution: EvolutionConfig::dense(),
            participation: None,
            standardize: false,
            gradual: None,
        }
    }

    fn trained(seed: u64, batches: usize) -> Trainer {
        let mut t = Trainer::new(config(seed)).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        let mut left = batches;
        while left > 0 {
            left -= t.run(left).unwrap();
        }
        t
    }

    #[test]
    fn learns_the_toy_problem() {
        let mut t = trained(0, 400);
        t.set_test(toy(200, 2)).unwrap();
        let e = t.evaluate(Split::Test).unwrap();
        assert!(e.correct as f64 / e.rows as f64 > 0.9, "{e:?}");
        assert_eq!(e.confusion.iter().sum::<u32>(), 200);
    }

    #[test]
    fn cosine_schedule_follows_the_step_count() {
        // Over 1000 epochs the first 30 steps run at ≈ the full rate, like a constant schedule.
        let mut slow = Trainer::new(TrainConfig { schedule: Schedule::Cosine { epochs: 1000 }, ..config(0) }).unwrap();
        let mut constant = Trainer::new(config(0)).unwrap();
        for t in [&mut slow, &mut constant] {
            t.set_train(toy(95, 1)).unwrap();
            let mut left = 30;
            while left > 0 {
                left -= t.run(left).unwrap();
            }
        }
        let gap = slow.parameters().iter().zip(constant.parameters()).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(gap < 1e-3, "cosine over 1000 epochs drifted {gap} from constant in 30 steps");
        let expected = 0.1 * 0.5 * (1.0 + (std::f32::consts::PI * 30.0 / 10_000.0).cos());
        assert!((slow.learning_rate() - expected).abs() < 1e-7);

        // Over 2 epochs the rate reaches 0 at the end.
        let mut short = Trainer::new(TrainConfig { schedule: Schedule::Cosine { epochs: 2 }, ..config(0) }).unwrap();
        short.set_train(toy(95, 1)).unwrap();
        while short.epoch() < 2 {
            short.run(100).unwrap();
        }
        assert!(short.learning_rate().abs() < 1e-6);
    }

    #[test]
    fn epochs_cover_every_row_once_with_a_short_last_batch() {
        let mut t = Trainer::new(config(0)).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        assert_eq!(t.batches_per_epoch(), 10);
        assert_eq!(t.run(100).unwrap(), 10, "stops at the epoch's end");
        assert_eq!((t.epoch(), t.cursor(), t.step()), (1, 0, 10));
    }

    #[test]
    fn same_seed_same_state_and_resume_is_exact() {
        let a = trained(5, 37);
        let b = trained(5, 37);
        assert_eq!(a.state_hash(), b.state_hash());
        assert_ne!(a.state_hash(), trained(6, 37).state_hash());

        // Stop after 13 batches (mid-epoch), restore into a fresh trainer, go on to 37.
        let partial = trained(5, 13);
        let mut resumed = Trainer::new(config(5)).unwrap();
        resumed.set_train(toy(95, 1)).unwrap();
        resumed.load_state(&partial.state()).unwrap();
        let mut left = 24;
        while left > 0 {
            left -= resumed.run(left).unwrap();
        }
        assert_eq!(resumed.state_hash(), a.state_hash());
    }

    #[test]
    fn evolution_creates_extinction_deterministically_and_resumes_exactly() {
        use crate::evolution::{DynamicParams, Fitness};
        let evolving = |seed| TrainConfig {
            evolution: EvolutionConfig {
                fitness: Fitness::Gradient,
                dynamic: registry::dynamic("replicator").unwrap(),
                params: DynamicParams { eta: 0.2, mu: 0.0 },
                rho: 0.9,
                epsilon: 1e-3,
                interval: 1,
                warmup: 5,
                anneal: false,
                stable: None,
            },
            participation: Some(ParticipationConfig { alpha: 1.0, beta: 1e-4, gamma: 1e-4, lr: 0.5 }),
            ..config(seed)
        };
        let run = |batches: usize, from: Option<Vec<u8>>| {
            let mut t = Trainer::new(evolving(3)).unwrap();
            t.set_train(toy(95, 1)).unwrap();
            if let Some(bytes) = from {
                t.load_state(&bytes).unwrap();
            }
            let mut left = batches;
            while left > 0 {
                left -= t.run(left).unwrap();
            }
            t
        };
        let a = run(300, None);
        let extinct: usize = a.model.masses.iter().flatten().filter(|&&m| m == 0.0).count();
        assert!(extinct > 0, "η = 0.2 for 300 steps drives some populations extinct");
        for m in &a.model.masses {
            let alive: Vec<f32> = m.iter().copied().filter(|&x| x > 0.0).collect();
            assert!(alive.iter().all(|&x| x >= 1e-3));
            assert!((m.iter().sum::<f32>() - alive.len() as f32).abs() < 1e-3, "mean mass of the living stays 1");
        }
        assert!(a.participation.iter().flatten().all(|s| (0.0..=1.0).contains(s)));
        // Extinct populations' weights and optimizer state are cleared.
        let (l, i) =
            (0..2).flat_map(|l| (0..a.model.masses[l].len()).map(move |i| (l, i))).find(|&(l, i)| a.model.masses[l][i] == 0.0).unwrap();
        let next = &a.model.layers[l + 1];
        assert!(next.weights[i * next.outputs..(i + 1) * next.outputs].iter().all(|&w| w == 0.0));
        assert_eq!(a.model.layers[l].bias[i], 0.0);
        assert_eq!(a.state_hash(), run(300, None).state_hash());
        let half = run(123, None);
        assert_eq!(run(177, Some(half.state())).state_hash(), a.state_hash());
    }

    #[test]
    fn compaction_changes_no_bit_of_the_state_the_evaluation_or_a_resume() {
        use crate::emergence::recommended;
        use crate::evolution::{DynamicParams, Fitness};
        let wide = |evolution: EvolutionConfig, initial_mass, optimizer| TrainConfig {
            sizes: vec![16, 48, 40, 4],
            evolution,
            initial_mass,
            optimizer,
            participation: Some(ParticipationConfig { alpha: 1.0, beta: 1e-4, gamma: 1e-4, lr: 0.5 }),
            ..config(4)
        };
        let replicator = EvolutionConfig {
            fitness: Fitness::Gradient,
            dynamic: registry::dynamic("replicator").unwrap(),
            params: DynamicParams { eta: 0.2, mu: 0.0 },
            rho: 0.9,
            epsilon: 1e-3,
            interval: 1,
            warmup: 5,
            anneal: false,
            stable: None,
        };
        let (controlled, mass) = recommended(0.8, 8);
        let sgd = Optimizer::Sgd { lr: 0.1, momentum: 0.9, weight_decay: 1e-4 };
        let adam = Optimizer::Adam { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4 };
        for (name, c) in [
            ("numerics 1, SGD", wide(replicator.clone(), None, sgd.clone())),
            ("numerics 1, Adam", wide(replicator, None, adam)),
            ("numerics 2, controller at 0.8", wide(controlled, Some(mass), sgd)),
        ] {
            let batches = 8 * 10; // 8 epochs of 95 rows in batches of 10
            let run = |compaction: bool, chunks: &[usize], from: Option<Vec<u8>>| {
                let mut t = Trainer::new(c.clone()).unwrap();
                t.set_compaction(compaction);
                t.set_train(toy(95, 1)).unwrap();
                t.set_test(toy(60, 2)).unwrap();
                if let Some(bytes) = from {
                    t.load_state(&bytes).unwrap();
                }
                let mut hashes = Vec::new();
                for &n in chunks {
                    run_all(&mut t, n);
                    hashes.push((t.state_hash(), t.evaluate(Split::Test).unwrap(), t.working_widths()));
                }
                (t, hashes)
            };
            let (off, off_hashes) = run(false, &[20, 20, 20, 20], None);
            let (on, on_hashes) = run(true, &[20, 20, 20, 20], None);
            let dead: usize = off.model.masses.iter().flatten().filter(|&&m| m == 0.0).count();
            assert!(dead >= 30, "{name}: the run must kill many populations to test anything ({dead} dead)");
            assert_eq!(off.working_widths(), vec![48, 40], "{name}");
            let working: usize = on.working_widths().iter().sum();
            assert!(working + 20 <= 88, "{name}: the trainer computes on the living ({:?})", on.working_widths());
            for (i, (a, b)) in off_hashes.iter().zip(&on_hashes).enumerate() {
                assert_eq!(a.0, b.0, "{name}: state hash after chunk {i}");
                assert_eq!(a.1, b.1, "{name}: test evaluation after chunk {i}");
            }
            assert_eq!(off.model.to_bytes(), on.model.to_bytes(), "{name}: model file");
            assert_eq!(off.epoch_progress(), on.epoch_progress(), "{name}");
            // A resume (which starts without a compact copy) and other chunkings agree too.
            let (half_trainer, _) = run(true, &[37], None);
            let (resumed, _) = run(true, &[batches - 37], Some(half_trainer.state()));
            assert_eq!(resumed.state_hash(), off.state_hash(), "{name}: resumed with compaction");
            let (odd, _) = run(true, &[1, 2, 3, 5, 8, 13, 48], None);
            assert_eq!(odd.state_hash(), off.state_hash(), "{name}: chunked 1, 2, 3, 5, …");
        }
    }

    #[test]
    fn out_of_range_settings_and_oversized_models_are_refused_by_name() {
        let refuse = |c: TrainConfig, want: &str| {
            let error = Trainer::new(c).err().expect("refused").to_string();
            assert!(error.contains(want), "{error} should name {want}");
        };
        let sgd = |lr: f32| Optimizer::Sgd { lr, momentum: 0.9, weight_decay: 0.0 };
        refuse(TrainConfig { optimizer: sgd(0.0), ..config(0) }, "optimizer.lr: 0");
        refuse(TrainConfig { optimizer: sgd(f32::NAN), ..config(0) }, "optimizer.lr: NaN");
        refuse(
            TrainConfig { optimizer: Optimizer::Adam { lr: 0.01, beta1: 1.0, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }, ..config(0) },
            "optimizer.beta1: 1",
        );
        let evolving = |f: &dyn Fn(&mut EvolutionConfig)| {
            let mut e = EvolutionConfig::dense();
            f(&mut e);
            TrainConfig { evolution: e, ..config(0) }
        };
        refuse(evolving(&|e| e.rho = 1.5), "evolution.rho: 1.5");
        refuse(evolving(&|e| e.params.eta = -3.0), "evolution.eta: -3");
        refuse(evolving(&|e| e.epsilon = -1.0), "evolution.epsilon: -1");
        refuse(evolving(&|e| e.params.mu = -0.1), "evolution.mu: -0.1");
        refuse(TrainConfig { batch: 0, ..config(0) }, "batch: 0");
        refuse(TrainConfig { initial_mass: Some(0.0), ..config(0) }, "initialMass: 0");
        let logistic = |initial_mass| TrainConfig {
            initial_mass,
            evolution: EvolutionConfig { dynamic: registry::dynamic("logistic").unwrap(), ..EvolutionConfig::dense() },
            ..config(0)
        };
        let error = Trainer::new(logistic(Some(1.0))).err().expect("refused");
        assert!(error.to_string().starts_with("initialMass: 1 is out of range (must be < 1") && error.kind() == "config", "{error}");
        // Without initialMass the logistic dynamic starts at its registry default, where it moves.
        assert_eq!(Trainer::new(logistic(None)).unwrap().model().masses[0][0], 0.9);
        assert_eq!(Trainer::new(config(0)).unwrap().model().masses[0][0], 1.0);
        // Too big for a wasm32 trainer: a named limit error, not an allocation failure.
        for c in [
            TrainConfig { sizes: vec![784, 65536, 65536, 10], ..config(0) },
            TrainConfig { sizes: vec![784, 100_000, 100_000, 10], ..config(0) },
            TrainConfig { batch: 100_000_000, ..config(0) },
        ] {
            let error = Trainer::new(c).err().expect("refused");
            assert_eq!(error.kind(), "limit", "{error}");
            assert!(error.to_string().contains("a trainer may use at most"), "{error}");
        }
    }

    #[test]
    fn the_memory_check_refuses_bad_sizes_as_config_errors() {
        // memory_check (the trainer_memory_check binding) runs validate, not Trainer::new: sizes
        // without [inputs, classes] or with a 0 are a config error there too, not a memory limit.
        for sizes in [vec![784], vec![784, 0, 10], vec![]] {
            let c = TrainConfig { sizes: sizes.clone(), ..config(0) };
            let want = format!("sizes: {sizes:?} must be at least [inputs, classes], all positive");
            for error in [c.validate().unwrap_err(), c.memory_check(1000, 100, 1).unwrap_err(), Trainer::new(c).err().expect("refused")] {
                assert_eq!((error.kind(), error.to_string()), ("config", want.clone()));
            }
        }
        assert!(config(0).memory_check(1000, 100, 1).is_ok());
    }

    #[test]
    fn foreign_or_truncated_state_is_refused() {
        let a = trained(5, 3);
        let mut other = Trainer::new(TrainConfig { seed: 9, ..config(5) }).unwrap();
        assert!(other.load_state(&a.state()).unwrap_err().to_string().contains("seed 5"));
        let bytes = a.state();
        let mut same = Trainer::new(config(5)).unwrap();
        let truncated = same.load_state(&bytes[..bytes.len() - 3]).unwrap_err();
        assert!(truncated.to_string().contains("truncated") && truncated.kind() == "data", "{truncated:?}");
        assert_eq!(same.load_state(b"garbage").unwrap_err().kind(), "data");
        assert_eq!(other.load_state(&bytes).unwrap_err().kind(), "data", "a state saved for another configuration");
    }

    #[test]
    fn epoch_figures_do_not_depend_on_chunking_and_resume_mid_epoch() {
        let run = |chunks: &[usize]| {
            let mut t = Trainer::new(config(2)).unwrap();
            t.set_train(toy(95, 1)).unwrap();
            for &c in chunks {
                t.run(c).unwrap();
            }
            t
        };
        // 7 batches of the 10-batch epoch, in one call or in uneven chunks.
        let whole = run(&[7]);
        let chunked = run(&[2, 1, 3, 1]);
        assert_eq!(whole.epoch_progress(), chunked.epoch_progress());
        assert_eq!(whole.epoch_progress().batches, 7);
        assert_eq!(whole.epoch_progress().rows, 70);
        // Resumed mid-epoch with its figures restored, the epoch ends with the same figures.
        let mut resumed = Trainer::new(config(2)).unwrap();
        resumed.set_train(toy(95, 1)).unwrap();
        resumed.load_state_checked(&whole.state(), &config(2).fingerprint()).unwrap();
        resumed.set_epoch_progress(whole.epoch_progress());
        let mut straight = run(&[7]);
        straight.run(10).unwrap();
        resumed.run(10).unwrap();
        assert_eq!(straight.state_hash(), resumed.state_hash());
        assert_eq!((resumed.epoch(), resumed.epoch_progress()), (1, straight.epoch_progress()));
        // A new epoch starts from zero.
        straight.run(1).unwrap();
        assert_eq!(straight.epoch_progress().batches, 1);
    }

    #[test]
    fn a_state_from_another_configuration_or_with_a_broken_order_is_refused() {
        let a = trained(5, 13);
        let other = TrainConfig { optimizer: Optimizer::Sgd { lr: 0.2, momentum: 0.9, weight_decay: 0.0 }, ..config(5) };
        assert_ne!(other.fingerprint(), config(5).fingerprint());
        assert_eq!(config(5).fingerprint(), config(5).fingerprint());
        let mut t = Trainer::new(other.clone()).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        let refused = t.load_state_checked(&a.state(), &config(5).fingerprint()).unwrap_err();
        assert_eq!(refused.kind(), "data");
        assert!(refused.to_string().contains("another configuration"), "{refused}");
        // An epoch order with a repeated row is not a permutation.
        let mut bytes = a.state();
        let order = a.order.clone();
        let at = bytes.windows(8).position(|w| w == [order[0].to_le_bytes(), order[1].to_le_bytes()].concat()).unwrap();
        bytes[at + 4..at + 8].copy_from_slice(&order[0].to_le_bytes());
        let mut same = Trainer::new(config(5)).unwrap();
        same.set_train(toy(95, 1)).unwrap();
        assert!(same.load_state(&bytes).unwrap_err().to_string().contains("not a permutation"));
    }

    /// The toy problem as f32 features far from zero-centred: `raw = 1000 + 4·b` per byte `b`.
    /// Sparse byte images of `cols` pixels (about 1 in 4 nonzero, like MNIST's 19 %) in 10
    /// classes, large enough that every threaded kernel splits (products, element-wise, optimizer,
    /// nonzero terms, participation).
    fn wide_toy(rows: usize, cols: usize, seed: u64) -> Data {
        let mut rng = Xoshiro128::new(seed, 9);
        let mut images = vec![0u8; rows * cols];
        let mut labels = vec![0u8; rows];
        for r in 0..rows {
            let class = rng.below(10) as usize;
            for c in 0..cols {
                if rng.below(4) == 0 || c % 10 == class {
                    images[r * cols + c] = rng.below(256) as u8;
                }
            }
            labels[r] = class as u8;
        }
        Data::new(images, labels, rows, cols, 10).unwrap()
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn every_thread_count_gives_the_same_bits() {
        use crate::emergence::recommended;
        crate::threads::start_native(4);
        let (controlled, mass) = recommended(0.7, 2);
        let adam = Optimizer::Adam { lr: 0.002, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 1e-4 };
        let sgd = Optimizer::Sgd { lr: 0.05, momentum: 0.9, weight_decay: 1e-4 };
        for (name, optimizer, participation) in
            [("SGD + participation", sgd, Some(ParticipationConfig { alpha: 1.0, beta: 1e-4, gamma: 1e-4, lr: 0.5 })), ("Adam", adam, None)]
        {
            let c = TrainConfig {
                sizes: vec![256, 256, 160, 10],
                batch: 128,
                evolution: controlled.clone(),
                initial_mass: Some(mass),
                optimizer,
                participation,
                ..config(11)
            };
            let run = |threads: usize| {
                crate::threads::set_native_limit(threads);
                let mut t = Trainer::new(c.clone()).unwrap();
                t.set_train(wide_toy(512, 256, 1)).unwrap();
                t.set_test(wide_toy(300, 256, 2)).unwrap();
                let work = crate::threads::work_counters();
                run_all(&mut t, 6 * 4);
                let evaluation = t.evaluate(Split::Test).unwrap();
                let worked =
                    crate::threads::work_counters().iter().zip(work.iter().chain(std::iter::repeat(&0))).filter(|(a, b)| a > b).count();
                crate::threads::set_native_limit(1);
                (t.state_hash(), evaluation, t.model.to_bytes(), t.working_widths(), worked)
            };
            let one = run(1);
            eprintln!("{name}: working widths {:?}", one.3);
            assert!(one.3[0] < 256 && one.3[1] < 160, "{name}: the run must compact to test threads with compaction ({:?})", one.3);
            for threads in [2, 3, 4] {
                let other = run(threads);
                assert_eq!(one.0, other.0, "{name}: state hash with {threads} threads");
                assert_eq!(one.1, other.1, "{name}: evaluation with {threads} threads");
                assert_eq!(one.2, other.2, "{name}: model with {threads} threads");
                assert_eq!(one.3, other.3, "{name}: working widths with {threads} threads");
                // Only this test raises its thread limit, so nothing else holds the pool.
                assert_eq!(other.4, threads, "{name}: threads that ran parts");
            }
        }
    }

    fn toy_floats(rows: usize, seed: u64) -> Data {
        let bytes = toy(rows, seed);
        let Features::Bytes(images) = &bytes.features else { unreachable!() };
        let features = images.iter().map(|&b| 1000.0 + 4.0 * b as f32).collect();
        Data::floats(features, bytes.labels.clone(), rows, bytes.cols, 4).unwrap()
    }

    fn run_all(t: &mut Trainer, batches: usize) {
        let mut left = batches;
        while left > 0 {
            left -= t.run(left).unwrap();
        }
    }

    #[test]
    fn float_features_train_with_standardization_fitted_on_the_training_rows_only() {
        let standardized = TrainConfig { standardize: true, ..config(0) };
        let mut t = Trainer::new(standardized.clone()).unwrap();
        let train = toy_floats(95, 1);
        t.set_train(train.clone()).unwrap();
        let fitted = Standardization::fit(train.inputs(), train.rows, train.cols).unwrap();
        assert_eq!(t.model().standardization(), Some(&fitted));
        // Validation and test rows never change the statistics.
        t.set_validation(toy_floats(40, 3)).unwrap();
        t.set_test(toy_floats(200, 2)).unwrap();
        assert_eq!(t.model().standardization(), Some(&fitted));
        run_all(&mut t, 400);
        let test = t.evaluate(Split::Test).unwrap();
        assert!(test.correct as f64 / test.rows as f64 > 0.9, "{test:?}");
        let validation = t.evaluate(Split::Validation).unwrap();
        assert_eq!(validation.rows, 40);
        assert!(validation.correct as f64 / validation.rows as f64 > 0.85, "{validation:?}");
        // Unstandardized, the same raw features (≈1000 ± 500) do not train at this rate.
        let mut raw = Trainer::new(config(0)).unwrap();
        raw.set_train(toy_floats(95, 1)).unwrap();
        raw.set_test(toy_floats(200, 2)).unwrap();
        let trained = (0..400).try_fold(0, |n, _| raw.run(1).map(|r| n + r));
        assert!(
            trained.is_err() || raw.evaluate(Split::Test).unwrap().correct < 150,
            "raw features far from zero should not learn as well"
        );
    }

    #[test]
    fn standardizing_in_the_kernels_equals_training_on_standardized_features() {
        // Raw features with `standardize` give the state (and so the stateHash) of the same
        // features standardized by hand with the same f32 operations, without `standardize`: the
        // statistics are not part of the state, and gather applies exactly (x − shift) / scale.
        let train = toy_floats(95, 1);
        let s = Standardization::fit(train.inputs(), train.rows, train.cols).unwrap();
        let Features::Floats(raw) = &train.features else { unreachable!() };
        let mut by_hand = raw.clone();
        for row in by_hand.chunks_exact_mut(train.cols) {
            s.apply(row);
        }
        let mut a = Trainer::new(TrainConfig { standardize: true, ..config(4) }).unwrap();
        a.set_train(train.clone()).unwrap();
        let mut b = Trainer::new(config(4)).unwrap();
        b.set_train(Data::floats(by_hand, train.labels.clone(), train.rows, train.cols, 4).unwrap()).unwrap();
        run_all(&mut a, 37);
        run_all(&mut b, 37);
        assert_eq!(a.state_hash(), b.state_hash());
        assert_eq!(a.model().standardization(), Some(&s));
        assert_eq!(b.model().standardization(), None);
        // Bytes with standardization train exactly like their b / 255 floats with it.
        let bytes = toy(95, 1);
        let Features::Bytes(images) = &bytes.features else { unreachable!() };
        let unit = Data::floats(images.iter().map(|&b| b as f32 / 255.0).collect(), bytes.labels.clone(), 95, 16, 4).unwrap();
        let mut c = Trainer::new(TrainConfig { standardize: true, ..config(4) }).unwrap();
        let mut d = Trainer::new(TrainConfig { standardize: true, ..config(4) }).unwrap();
        c.set_train(bytes).unwrap();
        d.set_train(unit).unwrap();
        run_all(&mut c, 23);
        run_all(&mut d, 23);
        assert_eq!(c.state_hash(), d.state_hash());
        assert_eq!(c.model().standardization(), d.model().standardization());
    }

    #[test]
    fn a_standardized_run_resumes_exactly_with_statistics_recomputed_from_the_data() {
        let standardized = TrainConfig { standardize: true, ..config(5) };
        let straight = {
            let mut t = Trainer::new(standardized.clone()).unwrap();
            t.set_train(toy_floats(95, 1)).unwrap();
            run_all(&mut t, 37);
            t
        };
        let partial = {
            let mut t = Trainer::new(standardized.clone()).unwrap();
            t.set_train(toy_floats(95, 1)).unwrap();
            run_all(&mut t, 13);
            t
        };
        // State first, then data; and data first, then state.
        let mut resumed = Trainer::new(standardized.clone()).unwrap();
        resumed.load_state(&partial.state()).unwrap();
        resumed.set_train(toy_floats(95, 1)).unwrap();
        run_all(&mut resumed, 24);
        assert_eq!(resumed.state_hash(), straight.state_hash());
        let mut resumed = Trainer::new(standardized.clone()).unwrap();
        resumed.set_train(toy_floats(95, 1)).unwrap();
        resumed.load_state_checked(&partial.state(), &standardized.fingerprint()).unwrap();
        run_all(&mut resumed, 24);
        assert_eq!(resumed.state_hash(), straight.state_hash());
        assert_eq!(resumed.model().to_bytes(), straight.model().to_bytes(), "the model file, standardization included");
        // The setting is part of the fingerprint (only when on: configurations without it keep theirs).
        assert_ne!(standardized.fingerprint(), config(5).fingerprint());
        // Pinned from before the setting existed (`standardize: false` appends nothing).
        assert_eq!(config(5).fingerprint(), "a53932ad62162891ae9a6ab7e1cd9d0304b58d44f5cb544d85a3dfc76a121a9c");
    }

    #[test]
    fn float_data_is_checked_and_splits_are_named() {
        let error = Data::floats(vec![1.0, f32::INFINITY, 0.0, 0.0], vec![0, 1], 2, 2, 4).unwrap_err();
        assert!(error.to_string() == "feature 1 of row 0 is inf, not a finite number" && error.kind() == "data", "{error}");
        assert_eq!(Data::floats(vec![0.0; 3], vec![0, 1], 2, 2, 4).unwrap_err().to_string(), "3 feature values for 2 rows of 2");
        assert_eq!(Data::floats(vec![0.0; 4], vec![0, 9], 2, 2, 4).unwrap_err().kind(), "data");
        let mut t = Trainer::new(config(0)).unwrap();
        assert_eq!(
            t.set_features(Split::Validation, vec![0.0; 4], vec![0, 1], 2, 2).unwrap_err().kind(),
            "shape",
            "2 features for 16 inputs"
        );
        assert!(t.evaluate(Split::Validation).unwrap_err().to_string().contains("no validation data set"));
        t.set_features(Split::Validation, vec![0.5; 32], vec![0, 1], 2, 16).unwrap();
        assert_eq!(t.evaluate(Split::Validation).unwrap().rows, 2);
        assert_eq!(Split::parse("validation").unwrap(), Split::Validation);
        assert!(Split::parse("valid").unwrap_err().to_string().contains("not one of train, validation, test"));
    }

    #[test]
    fn divergence_on_the_last_step_is_caught() {
        // A learning rate that blows the weights up within a few steps.
        let wild = TrainConfig { optimizer: Optimizer::Sgd { lr: 1e30, momentum: 0.9, weight_decay: 0.0 }, ..config(1) };
        let mut t = Trainer::new(wild).unwrap();
        t.set_train(toy(95, 1)).unwrap();
        let error = (0..20).find_map(|_| t.run(1).err()).expect("diverges");
        assert_eq!(error.kind(), "refusal");
        assert!(error.to_string().starts_with("training diverged"), "{error}");
        assert!(
            error.to_string().contains(&format!("step {}", t.step())) || error.to_string().contains(&format!("step {}", t.step() + 1)),
            "{error}"
        );
    }
}
