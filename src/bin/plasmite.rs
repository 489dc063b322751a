//! `plasmite`: the same command as `pls`, under the name the existing plasmite
//! installs. The application is compiled once, into `pls`; this launcher runs
//! the `pls` installed beside it with argv[0] = `plasmite` (so scripts and
//! shells that call `plasmite` keep working), or the first `pls` on PATH.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let beside = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("pls"))
        .filter(|p| p.is_file());
    let program = beside.unwrap_or_else(|| PathBuf::from("pls"));
    // exec only returns on failure.
    let err = Command::new(&program)
        .arg0("plasmite")
        .args(std::env::args_os().skip(1))
        .exec();
    eprintln!(
        "plasmite: cannot run {}: {err} (install pls beside plasmite, e.g. cargo install plasmite)",
        program.display()
    );
    std::process::exit(if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    });
}
