//! `pls serve`: the HTTP/JSON server of `docs/PROTOCOL.md`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::Outcome;
use crate::error::Error;

/// Options of `pls serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Pool directory to serve (default: --dir)
    pub directory: Option<PathBuf>,
    /// Port to listen on
    #[arg(long, default_value_t = 9700)]
    pub port: u16,
    /// Address to bind
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
}

/// Runs the server until interrupted.
pub fn run_cli(_dir: PathBuf, _args: ServeArgs) -> Result<Outcome, Error> {
    Err(Error::usage("pls serve is being built"))
}
