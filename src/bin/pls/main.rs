//! The application over the engine library: the `pls` command (`cli/`, one
//! file per command) and the HTTP server it starts with `pls serve`
//! (`serve/`). Both call the `plasmite` library for every storage, parsing and
//! error rule; `serve` never imports `cli`. `signals` and `units` are the two
//! pieces both faces share.

#[cfg(feature = "bridge")]
mod bridge;
mod cli;
mod mcp;
mod serve;
mod signals;
mod units;

fn main() {
    cli::main()
}
