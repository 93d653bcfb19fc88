//! A small little-endian binary format for checkpoints: typed, length-prefixed fields read back
//! in the order they were written, each read checked, so a truncated or foreign file is an error.

use crate::error::KernelError;

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
            return Err(KernelError::Invalid(format!("state is truncated at byte {} (reading {what})", self.at)));
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
            return Err(KernelError::Invalid(format!("state has {len} values for {what}, expected {}", out.len())));
        }
        for x in out.iter_mut() {
            *x = self.f32(what)?;
        }
        Ok(())
    }
    pub fn u32s(&mut self, what: &str) -> Result<Vec<u32>, KernelError> {
        let len = self.u64(what)? as usize;
        if len > (self.bytes.len() - self.at) / 4 {
            return Err(KernelError::Invalid(format!("state is truncated in {what}")));
        }
        (0..len).map(|_| self.u32(what)).collect()
    }
    pub fn finish(&self) -> Result<(), KernelError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(KernelError::Invalid(format!("state has {} unexpected trailing bytes", self.bytes.len() - self.at)))
        }
    }
}
