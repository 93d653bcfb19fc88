use core::fmt;

/// What a kernel refuses. The binding crate turns these into JavaScript errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelError {
    /// A slice does not have the length its dimensions imply.
    Shape { what: &'static str, expected: usize, actual: usize },
    /// A label is outside `0..classes`.
    Label { row: usize, label: u32, classes: usize },
    /// An argument outside its allowed range.
    Invalid(String),
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
            KernelError::Invalid(msg) => f.write_str(msg),
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
