//! Error type shared by every Lite3 operation (encode, validate, decode, lookup).

use std::fmt;

/// Broad category of a Lite3 failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The bytes are not a well-formed Lite3 buffer (bounds, tags, tree shape, UTF-8, ...).
    Invalid,
    /// The buffer is well-formed Lite3 but not a message document
    /// (`{"meta":{"tags":[str...]},"data":{...}}`).
    Shape,
    /// A format or implementation limit was exceeded (nesting, tree height,
    /// buffer size, key size, hash collision across key-size classes).
    Limit,
    /// The JSON input text is malformed or has a non-container root.
    Json,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Invalid => "invalid lite3",
            ErrorKind::Shape => "not a message",
            ErrorKind::Limit => "limit exceeded",
            ErrorKind::Json => "bad json",
        })
    }
}

/// A Lite3 error: what went wrong, and where (a byte offset into the Lite3
/// buffer for [`ErrorKind::Invalid`], into the JSON text for [`ErrorKind::Json`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Category of the failure.
    pub kind: ErrorKind,
    /// Byte offset the failure refers to, when one is known.
    pub offset: Option<usize>,
    /// Human-readable description.
    pub message: String,
}

/// Internal failure: a boxed [`Error`], pointer-sized so that `Result<(), Fail>`
/// stays in a register on the hot paths. Converted to [`Error`] at the API edge.
#[derive(Debug)]
pub(crate) struct Fail(Box<Error>);

impl From<Fail> for Error {
    #[inline]
    fn from(f: Fail) -> Error {
        *f.0
    }
}

impl Error {
    #[cold]
    #[inline(never)]
    pub(crate) fn fail(kind: ErrorKind, offset: Option<usize>, message: &str) -> Fail {
        Fail(Box::new(Error {
            kind,
            offset,
            message: message.to_string(),
        }))
    }
    #[cold]
    pub(crate) fn invalid(offset: usize, message: &str) -> Fail {
        Error::fail(ErrorKind::Invalid, Some(offset), message)
    }
    #[cold]
    pub(crate) fn json(offset: usize, message: &str) -> Fail {
        Error::fail(ErrorKind::Json, Some(offset), message)
    }
    #[cold]
    pub(crate) fn limit(offset: Option<usize>, message: &str) -> Fail {
        Error::fail(ErrorKind::Limit, offset, message)
    }
    #[cold]
    pub(crate) fn shape(message: &str) -> Fail {
        Error::fail(ErrorKind::Shape, None, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(o) = self.offset {
            write!(f, " (at byte {o})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Result alias of the public API.
pub type Result<T> = std::result::Result<T, Error>;

/// Result alias used internally.
pub(crate) type FResult<T> = std::result::Result<T, Fail>;
