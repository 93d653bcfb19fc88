//! Checkpoints: the whole training state as bytes ([`Trainer::state`], [`Trainer::load_state`],
//! [`Trainer::state_hash`]), in a small little-endian binary format ([`Writer`], [`Reader`]):
//! typed, length-prefixed fields read back in the order they were written, each read checked, so
//! a truncated or foreign file is an error. Model files ([`crate::model::mlp::Mlp::to_bytes`])
//! use the same format.

use sha2::{Digest, Sha256};

use crate::error::KernelError;

use super::Trainer;

/// First bytes of every state blob; the last byte is the format version.
const STATE_MAGIC: &[u8; 16] = b"EVOPRUNE-STATE\x00\x01";

#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32s(&mut self, v: &[f32]) {
        self.u64(v.len() as u64);
        for x in v {
            self.f32(*x);
        }
    }
    pub fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        for x in v {
            self.u32(*x);
        }
    }
    pub fn raw(&mut self, v: &[u8]) {
        self.bytes.extend_from_slice(v);
    }
}

pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], KernelError> {
        if self.bytes.len() - self.at < n {
            return Err(KernelError::Data(format!("state is truncated at byte {} (reading {what})", self.at)));
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }
    pub fn raw(&mut self, n: usize, what: &str) -> Result<&'a [u8], KernelError> {
        self.take(n, what)
    }
    pub fn u32(&mut self, what: &str) -> Result<u32, KernelError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    pub fn u64(&mut self, what: &str) -> Result<u64, KernelError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    pub fn f32(&mut self, what: &str) -> Result<f32, KernelError> {
        Ok(f32::from_le_bytes(self.take(4, what)?.try_into().unwrap()))
    }
    pub fn f64(&mut self, what: &str) -> Result<f64, KernelError> {
        Ok(f64::from_le_bytes(self.take(8, what)?.try_into().unwrap()))
    }
    /// Reads a length-prefixed f32 array into `out`, whose length must match.
    pub fn f32s_into(&mut self, out: &mut [f32], what: &str) -> Result<(), KernelError> {
        let len = self.u64(what)? as usize;
        if len != out.len() {
            return Err(KernelError::Data(format!("state has {len} values for {what}, expected {}", out.len())));
        }
        for x in out.iter_mut() {
            *x = self.f32(what)?;
        }
        Ok(())
    }
    pub fn u32s(&mut self, what: &str) -> Result<Vec<u32>, KernelError> {
        let len = self.u64(what)? as usize;
        if len > (self.bytes.len() - self.at) / 4 {
            return Err(KernelError::Data(format!("state is truncated in {what}")));
        }
        (0..len).map(|_| self.u32(what)).collect()
    }
    pub fn finish(&self) -> Result<(), KernelError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(KernelError::Data(format!("state has {} unexpected trailing bytes", self.bytes.len() - self.at)))
        }
    }
}

impl Trainer {
    /// The whole training state: configuration, model, optimizer, PRNG, data cursor.
    pub fn state(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(STATE_MAGIC);
        w.u32s(&self.config.sizes.iter().map(|&s| s as u32).collect::<Vec<_>>());
        w.u64(self.config.seed);
        w.u64(self.config.batch as u64);
        w.u32(self.config.optimizer.slots() as u32);
        w.u64(self.step);
        w.u32(self.epoch);
        w.u64(self.cursor as u64);
        w.u32s(&self.shuffle.state);
        w.u32s(&self.order);
        w.f32(self.beta_powers.0);
        w.f32(self.beta_powers.1);
        for t in self.model.tensors() {
            w.f32s(t);
        }
        for [s1, s2] in &self.slots {
            w.f32s(s1);
            w.f32s(s2);
        }
        for v in self.evolution.smoothed.iter().chain(&self.evolution.standardised).chain(&self.participation) {
            w.f32s(v);
        }
        // Numerics version 2 only: its coordinates and controller (version 1's bytes are unchanged).
        if let Some(s) = &self.stable {
            s.write(&mut w);
        }
        w.bytes
    }

    /// Restores [`Self::state`] bytes taken from a trainer with the same configuration.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), KernelError> {
        let mut r = Reader::new(bytes);
        if r.raw(STATE_MAGIC.len(), "header")? != STATE_MAGIC {
            return Err(KernelError::Data("not an evoprune state (bad header or version)".into()));
        }
        let sizes: Vec<usize> = r.u32s("layer sizes")?.into_iter().map(|s| s as usize).collect();
        let (seed, batch, slots) = (r.u64("seed")?, r.u64("batch")? as usize, r.u32("optimizer")? as usize);
        if sizes != self.config.sizes || seed != self.config.seed || batch != self.config.batch || slots != self.config.optimizer.slots() {
            return Err(KernelError::Data(format!(
                "the state was saved with sizes {sizes:?}, seed {seed}, batch {batch}; this trainer has sizes {:?}, seed {}, batch {}",
                self.config.sizes, self.config.seed, self.config.batch
            )));
        }
        let mut next = Trainer::new(self.config.clone())?;
        next.step = r.u64("step")?;
        next.epoch = r.u32("epoch")?;
        next.cursor = r.u64("cursor")? as usize;
        let rng: [u32; 4] = r.u32s("shuffle PRNG")?.try_into().map_err(|_| KernelError::Data("bad PRNG state".into()))?;
        next.shuffle.state = rng;
        next.order = r.u32s("epoch order")?;
        next.beta_powers = (r.f32("beta1 power")?, r.f32("beta2 power")?);
        for t in next.model.tensors_mut() {
            r.f32s_into(t, "model tensor")?;
        }
        for [s1, s2] in next.slots.iter_mut() {
            r.f32s_into(s1, "optimizer state")?;
            r.f32s_into(s2, "optimizer state")?;
        }
        for v in next.evolution.smoothed.iter_mut().chain(next.evolution.standardised.iter_mut()).chain(next.participation.iter_mut()) {
            r.f32s_into(v, "evolution state")?;
        }
        if let Some(s) = next.stable.as_mut() {
            s.read(&mut r)?;
        }
        r.finish()?;
        if !is_permutation(&next.order) {
            return Err(KernelError::Data("the state's epoch order is not a permutation of the training rows".into()));
        }
        if next.cursor > 0 && next.cursor >= next.order.len() {
            return Err(KernelError::Data("the state's data cursor is past its epoch order".into()));
        }
        next.train_rows = self.train_rows;
        next.train = self.train.take();
        next.test = self.test.take();
        next.validation = self.validation.take();
        next.compaction = self.compaction;
        // The input standardization is a function of the training data (fitted by set_train), not
        // part of the state: it stays as it is.
        next.model.standardization = self.model.standardization.clone();
        if let Some(train) = &next.train {
            if next.cursor > 0 && next.order.len() != train.rows {
                let message = format!("the state's epoch order covers {} rows but the training set has {}", next.order.len(), train.rows);
                self.train = next.train.take();
                self.test = next.test.take();
                self.validation = next.validation.take();
                return Err(KernelError::Data(message));
            }
        }
        *self = next;
        Ok(())
    }

    /// [`Self::load_state`], after checking that the state was taken under this trainer's
    /// configuration (`fingerprint`: [`TrainConfig::fingerprint`] recorded beside the state).
    pub fn load_state_checked(&mut self, bytes: &[u8], fingerprint: &str) -> Result<(), KernelError> {
        let own = self.config.fingerprint();
        if fingerprint != own {
            return Err(KernelError::Data(format!(
                "the state was saved under another configuration (fingerprint {}…, this trainer's {}…)",
                fingerprint.get(..12).unwrap_or(fingerprint),
                &own[..12]
            )));
        }
        self.load_state(bytes)
    }

    /// SHA-256 of [`Self::state`], as lowercase hex.
    pub fn state_hash(&self) -> String {
        Sha256::digest(self.state()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Whether `order` holds each of `0..order.len()` exactly once (an epoch's shuffled rows).
fn is_permutation(order: &[u32]) -> bool {
    let mut seen = vec![false; order.len()];
    order.iter().all(|&i| match seen.get_mut(i as usize) {
        Some(slot) if !*slot => {
            *slot = true;
            true
        }
        _ => false,
    })
}
