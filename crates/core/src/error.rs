use core::fmt;

/// What the core refuses, by kind. The binding crate turns these into JavaScript `Error`s named
/// `KernelError` whose `kind` is [`KernelError::kind`], so TypeScript can tell a usage error
/// (`config`, `limit`) from a run that failed (`refusal`, `shape`, `data`). Every message says
/// what is wrong in words, naming the field, operand or file part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelError {
    /// Something the core will not do although every argument is in range: a hard pruning or a
    /// compaction that would empty a layer, training on after the loss stopped being finite.
    Refusal(String),
    /// A slice or dimension that does not match: a length against the dimensions it implies.
    Shape(String),
    /// Bad bytes: a model file, a state blob (or one saved for another configuration or data
    /// set), a label outside the classes, missing or empty data.
    Data(String),
    /// A setting, name or argument outside its range or unknown (the message names the field).
    Config(String),
    /// Sizes whose product overflows, or that need more memory than a trainer may use.
    Limit(String),
}

impl KernelError {
    /// Every kind's name, as JavaScript sees it (`error.kind`).
    pub const KINDS: [&'static str; 5] = ["refusal", "shape", "data", "config", "limit"];

    /// The kind's name, as JavaScript sees it (`error.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            KernelError::Refusal(_) => "refusal",
            KernelError::Shape(_) => "shape",
            KernelError::Data(_) => "data",
            KernelError::Config(_) => "config",
            KernelError::Limit(_) => "limit",
        }
    }

    /// A slice of the wrong length: "`what` has `actual` elements, expected `expected`".
    pub fn shape(what: &str, expected: usize, actual: usize) -> KernelError {
        KernelError::Shape(format!("{what} has {actual} elements, expected {expected}"))
    }

    /// A label outside `0..classes` (a data error).
    pub fn label(row: usize, label: u32, classes: usize) -> KernelError {
        KernelError::Data(format!("label {label} in row {row} is not in 0..{classes}"))
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        match self {
            KernelError::Refusal(m) | KernelError::Shape(m) | KernelError::Data(m) | KernelError::Config(m) | KernelError::Limit(m) => m,
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for KernelError {}

/// Checks that `slice_len == expected`, naming the operand on failure.
pub(crate) fn check_len(what: &'static str, actual: usize, expected: usize) -> Result<(), KernelError> {
    if actual == expected {
        Ok(())
    } else {
        Err(KernelError::shape(what, expected, actual))
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
