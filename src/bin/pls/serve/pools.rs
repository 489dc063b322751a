//! The served directory's pools, by name. Names are validated before any
//! path is built, and a path is always `DIR/NAME.plasmite`: never a path
//! taken from the request.
//!
//! Open pools are cached (opening maps the file); each use re-checks with
//! one `stat` that the file is still the same inode, so a pool deleted or
//! recreated by another process is never served from a stale mapping.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::RwLock;

use plasmite::{validate_name, POOL_EXTENSION};
use plasmite::{Client, Pool, PoolInfo};
use plasmite::{Error, ErrorKind, Result};

/// Default size of a pool created over HTTP (the protocol's default).
pub const DEFAULT_CREATE_SIZE: u64 = 1 << 20;

/// The pools of one directory.
pub struct Pools {
    dir: PathBuf,
    /// The directory as given and as resolved, each with a trailing `/`:
    /// cut from error texts sent to clients.
    prefixes: Vec<String>,
    client: Client,
    cache: RwLock<HashMap<String, (Pool, u64, u64)>>,
}

impl Pools {
    /// The pools in `dir`.
    pub fn new(dir: PathBuf) -> Pools {
        let mut prefixes = vec![format!("{}/", dir.display())];
        if let Ok(real) = std::fs::canonicalize(&dir) {
            prefixes.push(format!("{}/", real.display()));
        }
        prefixes.retain(|p| p.len() > 1);
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        prefixes.dedup();
        Pools {
            prefixes,
            client: Client::new(dir.clone()),
            dir,
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// `DIR/NAME.plasmite` as a reference the library reads as a path (it
    /// always contains a `/`), after validating the name.
    fn file_ref(&self, name: &str) -> Result<String> {
        validate_name(name)?;
        let path = self.dir.join(format!("{name}.{POOL_EXTENSION}"));
        path.to_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::new(ErrorKind::Internal, "the pool directory's path is not UTF-8"))
    }

    /// The served directory, as given and as resolved (each ending in `/`).
    pub fn dir_prefixes(&self) -> &[String] {
        &self.prefixes
    }

    fn not_found(name: &str, path: &str) -> Error {
        Error::new(ErrorKind::NotFound, format!("pool {name:?} not found"))
            .with_path(path)
            .with_hint("create it with POST /v0/pools")
    }

    /// Opens pool `name` (from the cache when the file is unchanged).
    pub fn open(&self, name: &str) -> Result<Pool> {
        let path = self.file_ref(name)?;
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Err(Self::not_found(name, &path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.forget(name);
                return Err(Self::not_found(name, &path));
            }
            Err(e) => return Err(Error::io("cannot stat pool", e).with_path(&path)),
        };
        let id = (meta.dev(), meta.ino());
        if let Some((pool, dev, ino)) = self.cache.read().expect("pool cache").get(name) {
            // A mapping that faulted (the file shrank) is opened afresh, so a
            // file restored in place serves again without a restart.
            if (*dev, *ino) == id && !pool.is_damaged() {
                return Ok(pool.clone());
            }
        }
        let pool = self.client.open_pool(&path).map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                Self::not_found(name, &path)
            } else {
                e
            }
        })?;
        // Cache only when the file opened is the one stat'ed.
        if let Ok(after) = std::fs::metadata(&path) {
            if (after.dev(), after.ino()) == id {
                self.cache
                    .write()
                    .expect("pool cache")
                    .insert(name.to_string(), (pool.clone(), id.0, id.1));
            }
        }
        Ok(pool)
    }

    fn forget(&self, name: &str) {
        if self.cache.read().expect("pool cache").contains_key(name) {
            self.cache.write().expect("pool cache").remove(name);
        }
    }

    /// Creates pool `name` of `size_bytes`.
    pub fn create(&self, name: &str, size_bytes: u64) -> Result<Pool> {
        let path = self.file_ref(name)?;
        self.client.create_pool(&path, size_bytes)
    }

    /// Deletes pool `name`.
    pub fn delete(&self, name: &str) -> Result<()> {
        let path = self.file_ref(name)?;
        if std::fs::metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            return Err(Self::not_found(name, &path));
        }
        let r = self.client.delete_pool(&path);
        self.forget(name);
        r
    }

    /// Info of every readable pool, sorted by name. Pools that cannot be
    /// read (damaged files) are left out.
    pub fn list(&self) -> Result<Vec<PoolInfo>> {
        Ok(self
            .client
            .list_pools_detailed()?
            .into_iter()
            .filter_map(|l| l.info.ok())
            .collect())
    }
}
