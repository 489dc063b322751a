//! The pool directory: pool references (names vs paths), create, open,
//! list, info and delete.
//!
//! A reference containing `/` is a path; anything else is a name, resolved
//! in the directory after validation: `NAME` to `DIR/NAME.plasmite`, and
//! `NAME.plasmite` to the same file (as the existing plasmite command
//! resolves it).

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::pool::{Pool, PoolInfo, PoolOptions};

/// File extension of pool files.
pub const POOL_EXTENSION: &str = "plasmite";
/// `.plasmite`: the end of a pool file's name.
const POOL_FILE_SUFFIX: &str = ".plasmite";
/// Longest pool name accepted, in bytes.
pub const MAX_NAME_LEN: usize = 128;

/// A handle on a pool directory. Creating the client does no I/O; the
/// directory is created (like `mkdir -p`) when a pool is first created.
///
/// ```
/// use plasmite::Client;
/// let dir = tempfile::tempdir().unwrap();
/// let client = Client::new(dir.path().join("pools"));
/// client.create_pool("events", 64 * 1024).unwrap();
/// let names: Vec<_> = client.list_pools().unwrap().into_iter().map(|p| p.name).collect();
/// assert_eq!(names, ["events"]);
/// assert_eq!(client.open_pool("nope").unwrap_err().kind(), plasmite::ErrorKind::NotFound);
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    dir: PathBuf,
}

/// A pool found by [`Client::list_pools`]: its info, or why it could not be read.
#[derive(Debug)]
pub struct PoolListing {
    /// Pool name.
    pub name: String,
    /// Pool file path.
    pub path: PathBuf,
    /// The pool's info, or the error opening it gave.
    pub info: Result<PoolInfo>,
}

/// Checks a pool name: 1 to 128 bytes of letters, digits, `.`, `_` and `-`,
/// not starting with `.`.
pub fn validate_name(name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::usage(format!("invalid pool name {name:?}: {why}"))
            .with_hint("pool names use letters, digits, '.', '_' and '-'"))
    };
    if name.is_empty() {
        return bad("empty");
    }
    if name.len() > MAX_NAME_LEN {
        return bad("longer than 128 bytes");
    }
    if name.starts_with('.') {
        return bad("starts with '.'");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return bad("contains a character other than letters, digits, '.', '_' or '-'");
    }
    Ok(())
}

/// A missing pool: the message says "not found" (scripts match on it).
fn not_found(pool_ref: &str, path: &Path) -> Error {
    Error::new(ErrorKind::NotFound, format!("pool {pool_ref:?} not found")).with_path(path)
}

impl Client {
    /// A client for the pools in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Client {
        Client { dir: dir.into() }
    }

    /// The pool directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Resolves a pool reference to a file path: a reference containing
    /// `/` is a path, used as given; `NAME` and `NAME.plasmite` are
    /// `DIR/NAME.plasmite`.
    pub fn resolve(&self, pool_ref: &str) -> Result<PathBuf> {
        if pool_ref.contains('\0') {
            return Err(Error::usage("pool reference contains a NUL byte"));
        }
        if pool_ref.contains('/') {
            return Ok(PathBuf::from(pool_ref));
        }
        let name = pool_ref
            .strip_suffix(POOL_FILE_SUFFIX)
            .filter(|n| !n.is_empty())
            .unwrap_or(pool_ref);
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.{POOL_EXTENSION}")))
    }

    /// Creates a pool of `size_bytes` (the whole file, at least 64 KiB).
    pub fn create_pool(&self, pool_ref: &str, size_bytes: u64) -> Result<Pool> {
        self.create_pool_with(
            pool_ref,
            PoolOptions {
                size_bytes,
                ..PoolOptions::default()
            },
        )
    }

    /// Creates a pool with explicit options.
    pub fn create_pool_with(&self, pool_ref: &str, options: PoolOptions) -> Result<Pool> {
        let path = self.resolve(pool_ref)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("cannot create pool directory", e).with_path(parent))?;
        }
        Pool::create(&path, options)
    }

    /// Opens the pool, creating it with `options` when it does not exist.
    /// Another process creating it at the same moment is not an error: its
    /// pool is opened.
    pub fn open_or_create_pool(&self, pool_ref: &str, options: PoolOptions) -> Result<Pool> {
        match self.open_pool(pool_ref) {
            Err(e) if e.kind() == ErrorKind::NotFound => match self.create_pool_with(pool_ref, options) {
                Err(e) if e.kind() == ErrorKind::AlreadyExists => self.open_pool(pool_ref),
                other => other,
            },
            other => other,
        }
    }

    /// Opens an existing pool (`NotFound` with a hint when absent).
    pub fn open_pool(&self, pool_ref: &str) -> Result<Pool> {
        let path = self.resolve(pool_ref)?;
        Pool::open(&path).map_err(|e| {
            if e.kind() == ErrorKind::NotFound && e.hint().is_none() {
                not_found(pool_ref, &path).with_hint(format!("create it with: pls create {pool_ref}"))
            } else {
                e
            }
        })
    }

    /// Info of one pool.
    pub fn pool_info(&self, pool_ref: &str) -> Result<PoolInfo> {
        self.open_pool(pool_ref)?.info()
    }

    /// Every pool in the directory, sorted by name. A missing directory
    /// holds no pools.
    pub fn list_pools(&self) -> Result<Vec<PoolInfo>> {
        self.list_pools_detailed()?.into_iter().map(|l| l.info).collect()
    }

    /// Every pool in the directory with its info or its error, sorted by name.
    pub fn list_pools_detailed(&self) -> Result<Vec<PoolListing>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read pool directory", e).with_path(&self.dir)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("cannot read pool directory", e).with_path(&self.dir))?;
            let path = entry.path();
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(|n| n.strip_suffix(".plasmite")) else {
                continue;
            };
            if name.starts_with('.') || !path.is_file() {
                continue;
            }
            let info = Pool::open(&path).and_then(|p| p.info());
            out.push(PoolListing {
                name: name.to_string(),
                path,
                info,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Deletes a pool file. Processes that have it open keep reading their
    /// mapping until they close it.
    pub fn delete_pool(&self, pool_ref: &str) -> Result<()> {
        let path = self.resolve(pool_ref)?;
        // Refuse to delete a file that is not a pool.
        Pool::open(&path).map(drop).or_else(|e| match e.kind() {
            ErrorKind::NotFound => Err(not_found(pool_ref, &path)),
            ErrorKind::Corrupt | ErrorKind::Usage
                if path.extension().is_some_and(|x| x == POOL_EXTENSION) =>
            {
                Ok(())
            }
            _ => Err(e),
        })?;
        std::fs::remove_file(&path).map_err(|e| Error::io("cannot delete pool", e).with_path(&path))?;
        // Its consumer groups (`POOL.plasmite.groups/`) go with it.
        let _ = std::fs::remove_dir_all(crate::pool::groups_dir(&path));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        let c = Client::new("/d");
        assert_eq!(c.resolve("events").unwrap(), PathBuf::from("/d/events.plasmite"));
        assert_eq!(c.resolve("./x/y").unwrap(), PathBuf::from("./x/y"));
        // NAME.plasmite is the pool NAME in the directory; a `/` makes a path.
        assert_eq!(c.resolve("x.plasmite").unwrap(), PathBuf::from("/d/x.plasmite"));
        assert_eq!(c.resolve("./x.plasmite").unwrap(), PathBuf::from("./x.plasmite"));
        assert_eq!(
            c.resolve("a.b.plasmite").unwrap(),
            PathBuf::from("/d/a.b.plasmite")
        );
        for bad in [
            "",
            "..",
            ".hidden",
            "a b",
            "a\\b",
            "a\0b",
            &"n".repeat(129),
            ".x.plasmite",
        ] {
            assert_eq!(c.resolve(bad).unwrap_err().kind(), ErrorKind::Usage, "{bad:?}");
        }
        assert!(c.resolve(&"n".repeat(128)).is_ok());
    }
}
