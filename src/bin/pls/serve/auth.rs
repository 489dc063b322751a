//! Who may do what: the bearer token (compared in constant time) and the
//! server's access mode. Failures carry their HTTP status: 401 for a
//! missing or wrong token, 403 for an operation the access mode forbids.

use plasmite::{Error, ErrorKind};

use super::http_error::HttpError;

/// What the server lets clients do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Access {
    /// Read and write (the default)
    ReadWrite,
    /// Read only: list, info, open, get, tail
    ReadOnly,
    /// Write only: create, append, delete (and open, to check a pool exists)
    WriteOnly,
}

/// What an operation does, for the access check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Reads pools or messages.
    Read,
    /// Changes pools or messages.
    Write,
    /// Allowed in every mode (opening a pool to learn it exists).
    Any,
}

/// The token and access mode of a running server.
pub struct Auth {
    token: Option<Vec<u8>>,
    access: Access,
}

impl Auth {
    /// Requires `Authorization: Bearer TOKEN` when `token` is set.
    pub fn new(token: Option<String>, access: Access) -> Auth {
        Auth {
            token: token.map(String::into_bytes),
            access,
        }
    }

    /// The access mode.
    pub fn access(&self) -> Access {
        self.access
    }

    /// Whether `/v0/` requests need a bearer token.
    pub fn token_required(&self) -> bool {
        self.token.is_some()
    }

    /// Checks the `Authorization` header of a `/v0/` request.
    pub fn authenticate(&self, header: Option<&[u8]>) -> Result<(), HttpError> {
        let Some(token) = &self.token else {
            return Ok(());
        };
        let given = header.and_then(|h| {
            let (scheme, rest) = h.split_at(h.iter().position(|b| *b == b' ').unwrap_or(h.len()));
            scheme.eq_ignore_ascii_case(b"bearer").then(|| rest.trim_ascii())
        });
        match given {
            Some(g) if constant_time_eq(g, token) => Ok(()),
            Some(_) => Err(HttpError::new(
                401,
                Error::new(ErrorKind::Permission, "wrong bearer token"),
            )),
            None => Err(HttpError::new(
                401,
                Error::new(ErrorKind::Permission, "this server requires a bearer token")
                    .with_hint("send the header `Authorization: Bearer TOKEN`"),
            )),
        }
    }

    /// Checks `op` against the access mode.
    pub fn authorize(&self, op: Op) -> Result<(), HttpError> {
        let denied = match (self.access, op) {
            (Access::ReadOnly, Op::Write) => Some("this server is read-only"),
            (Access::WriteOnly, Op::Read) => Some("this server is write-only"),
            _ => None,
        };
        match denied {
            Some(m) => Err(HttpError::new(403, Error::new(ErrorKind::Permission, m))),
            None => Ok(()),
        }
    }
}

/// Compares in time that depends only on the lengths, not on where the
/// first difference lies.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        let auth = Auth::new(Some("s3cret".into()), Access::ReadWrite);
        assert!(auth.authenticate(Some(b"Bearer s3cret")).is_ok());
        assert!(auth.authenticate(Some(b"bearer  s3cret ")).is_ok());
        assert_eq!(auth.authenticate(Some(b"Bearer s3cres")).unwrap_err().status, 401);
        assert_eq!(auth.authenticate(Some(b"Basic s3cret")).unwrap_err().status, 401);
        assert_eq!(auth.authenticate(None).unwrap_err().status, 401);
        assert!(Auth::new(None, Access::ReadWrite).authenticate(None).is_ok());
    }

    #[test]
    fn access_modes() {
        let ro = Auth::new(None, Access::ReadOnly);
        assert!(ro.authorize(Op::Read).is_ok() && ro.authorize(Op::Any).is_ok());
        assert_eq!(ro.authorize(Op::Write).unwrap_err().status, 403);
        let wo = Auth::new(None, Access::WriteOnly);
        assert!(wo.authorize(Op::Write).is_ok() && wo.authorize(Op::Any).is_ok());
        assert_eq!(wo.authorize(Op::Read).unwrap_err().status, 403);
    }
}
