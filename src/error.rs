//! The one error type of every face (library, CLI, server, Node addon).
//!
//! Callers branch on [`ErrorKind`], never on message text: the CLI maps kinds to
//! exit codes, the server to HTTP statuses, the addon to `err.kind`.

use std::fmt;
use std::path::{Path, PathBuf};

/// The stable category of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Bad input: malformed JSON, a bad name or size, a message too large.
    Usage,
    /// A pool or a message that does not exist (or no longer exists).
    NotFound,
    /// A pool that is already there.
    AlreadyExists,
    /// A limit on concurrent use was reached, or the pool lock is held too long.
    Busy,
    /// The operating system or an access policy refused the operation.
    Permission,
    /// The file is damaged: bad magic, bad checksums, inconsistent state.
    Corrupt,
    /// Any other I/O failure.
    Io,
    /// A bug in plasmite.
    Internal,
    /// Messages a reader had not seen yet were overwritten.
    RetentionGap,
}

impl ErrorKind {
    /// The kind's stable name, as it appears in JSON error envelopes.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Usage => "Usage",
            ErrorKind::NotFound => "NotFound",
            ErrorKind::AlreadyExists => "AlreadyExists",
            ErrorKind::Busy => "Busy",
            ErrorKind::Permission => "Permission",
            ErrorKind::Corrupt => "Corrupt",
            ErrorKind::Io => "Io",
            ErrorKind::Internal => "Internal",
            ErrorKind::RetentionGap => "RetentionGap",
        }
    }

    /// The kind named `name` (as [`as_str`](ErrorKind::as_str) spells it).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The exit status of the command for an error of this kind (the table
    /// of the README and of `pls --help`): the codes of the existing
    /// plasmite command's spec (`Internal` is 1), with `RetentionGap`, a
    /// kind it does not have, on 9.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::NotFound => 3,
            ErrorKind::AlreadyExists => 4,
            ErrorKind::Busy => 5,
            ErrorKind::Permission => 6,
            ErrorKind::Corrupt => 7,
            ErrorKind::Io => 8,
            ErrorKind::Internal => 1,
            ErrorKind::RetentionGap => 9,
        }
    }

    /// The HTTP status the server answers an error of this kind with
    /// (`docs/protocol.md`, Errors).
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::Usage => 400,
            ErrorKind::Permission => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::AlreadyExists => 409,
            ErrorKind::RetentionGap => 410,
            ErrorKind::Busy => 423,
            ErrorKind::Corrupt | ErrorKind::Io | ErrorKind::Internal => 500,
        }
    }

    /// The kind a client gives an error response that carries no envelope,
    /// from its HTTP status alone (the inverse of
    /// [`http_status`](ErrorKind::http_status), plus the statuses the HTTP
    /// layer itself answers: 401, 405, 408, 413, 431).
    pub fn from_http_status(status: u16) -> ErrorKind {
        match status {
            400 | 405 | 413 | 431 => ErrorKind::Usage,
            401 | 403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::AlreadyExists,
            410 => ErrorKind::RetentionGap,
            423 | 408 | 429 | 503 => ErrorKind::Busy,
            _ => ErrorKind::Internal,
        }
    }

    /// Every kind, in a stable order.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::Usage,
        ErrorKind::NotFound,
        ErrorKind::AlreadyExists,
        ErrorKind::Busy,
        ErrorKind::Permission,
        ErrorKind::Corrupt,
        ErrorKind::Io,
        ErrorKind::Internal,
        ErrorKind::RetentionGap,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable kind and optional context.
#[derive(Debug)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    path: Option<PathBuf>,
    seq: Option<u64>,
    offset: Option<u64>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                hint: None,
                path: None,
                seq: None,
                offset: None,
                source: None,
            }),
        }
    }

    /// Shorthand for `Error::new(ErrorKind::Usage, ..)`.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    /// Shorthand for `Error::new(ErrorKind::Corrupt, ..)`.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Corrupt, message)
    }

    /// Wraps an I/O error, choosing the kind from its `io::ErrorKind`.
    pub fn io(context: impl Into<String>, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists => ErrorKind::AlreadyExists,
            std::io::ErrorKind::PermissionDenied => ErrorKind::Permission,
            _ => ErrorKind::Io,
        };
        let context = context.into();
        Error::new(kind, format!("{context}: {err}")).with_source(err)
    }

    /// Adds a hint: what the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.inner.hint = Some(hint.into());
        self
    }

    /// Adds the path of the pool or file concerned.
    pub fn with_path(mut self, path: impl AsRef<Path>) -> Self {
        self.inner.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Adds the sequence number concerned.
    pub fn with_seq(mut self, seq: u64) -> Self {
        self.inner.seq = Some(seq);
        self
    }

    /// Adds the byte offset concerned (in the input or in the file).
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.inner.offset = Some(offset);
        self
    }

    /// Adds the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// The message, without hint or context.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// What the user can do about it, if known.
    pub fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref()
    }
    /// The pool or file concerned, if any.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }
    /// The sequence number concerned, if any.
    pub fn seq(&self) -> Option<u64> {
        self.inner.seq
    }
    /// The byte offset concerned, if any.
    pub fn offset(&self) -> Option<u64> {
        self.inner.offset
    }

    /// The JSON error envelope of the protocol:
    /// `{"error":{"kind","message","hint"?,"path"?,"seq"?,"offset"?}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut inner = serde_json::Map::new();
        inner.insert("kind".into(), self.inner.kind.as_str().into());
        inner.insert("message".into(), self.inner.message.clone().into());
        if let Some(h) = &self.inner.hint {
            inner.insert("hint".into(), h.clone().into());
        }
        if let Some(p) = &self.inner.path {
            inner.insert("path".into(), p.display().to_string().into());
        }
        if let Some(s) = self.inner.seq {
            inner.insert("seq".into(), s.into());
        }
        if let Some(o) = self.inner.offset {
            inner.insert("offset".into(), o.into());
        }
        serde_json::json!({ "error": inner })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}
