use core::fmt;

/// What a kernel refuses. The binding crate turns these into JavaScript errors that keep the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelError {
    /// A slice does not have the length its dimensions imply.
    Shape { what: &'static str, expected: usize, actual: usize },
    /// A label is outside `0..classes`.
    Label { row: usize, label: u32, classes: usize },
    /// An argument outside its allowed range.
    Invalid(String),
    /// A hyper-parameter or setting outside its range (the message names the field).
    Config(String),
    /// Sizes whose product overflows, or that need more memory than a trainer may use.
    Limit(String),
}

impl KernelError {
    /// The kind's name, as JavaScript sees it (`error.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            KernelError::Shape { .. } => "shape",
            KernelError::Label { .. } => "data",
            KernelError::Invalid(_) => "invalid",
            KernelError::Config(_) => "config",
            KernelError::Limit(_) => "limit",
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KernelError::Shape { what, expected, actual } => {
                write!(f, "{what} has {actual} elements, expected {expected}")
            }
            KernelError::Label { row, label, classes } => {
                write!(f, "label {label} in row {row} is not in 0..{classes}")
            }
            KernelError::Invalid(msg) | KernelError::Config(msg) | KernelError::Limit(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for KernelError {}

/// Checks that `slice_len == expected`, naming the operand on failure.
pub(crate) fn check_len(what: &'static str, actual: usize, expected: usize) -> Result<(), KernelError> {
    if actual == expected {
        Ok(())
    } else {
        Err(KernelError::Shape { what, expected, actual })
    }
}

/// `a · b` for sizes, refusing overflow (on wasm32 `usize` has 32 bits, so 65536 · 65536 would
/// wrap to 0 and pass a length check it must fail).
pub fn size_product(what: &str, a: usize, b: usize) -> Result<usize, KernelError> {
    a.checked_mul(b).ok_or_else(|| KernelError::Limit(format!("{what}: {a} × {b} elements overflow this platform's sizes")))
}

/// Checks that a `rows × cols` operand has `rows · cols` elements (overflow is an error).
pub(crate) fn check_shape(what: &'static str, actual: usize, rows: usize, cols: usize) -> Result<(), KernelError> {
    check_len(what, actual, size_product(what, rows, cols)?)
}
