//! Shell completions and man pages, generated from the same clap definitions
//! that parse the arguments (so they cannot drift; a test checks that the
//! committed copies in `completions/` and `man/` are fresh).

use std::io::Write;
use std::path::Path;

use super::output::write_error;
use super::{CompletionsArgs, ManArgs, Outcome};
use plasmite::Error;

pub fn completions(a: CompletionsArgs) -> Result<Outcome, Error> {
    let mut cmd = super::vocab::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "pls", &mut out);
    std::io::stdout().lock().write_all(&out).map_err(write_error)?;
    Ok(Outcome::Done)
}

/// The man pages: `pls.1` and one `pls-COMMAND.1` per command, down to
/// nested commands (`pls-bridge-out.1`, `pls-group-create.1`).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let cmd = super::vocab::command();
    let mut pages = Vec::new();
    let mut root = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut root)
        .map_err(|e| Error::io("cannot render man page", e))?;
    pages.push(("pls.1".to_string(), root));
    add_pages(&cmd, "pls", &mut pages)?;
    Ok(pages)
}

fn add_pages(cmd: &clap::Command, prefix: &str, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("{prefix}-{}", sub.get_name());
        let page_cmd = sub.clone().name(name.clone()).bin_name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(page_cmd)
            .render(&mut page)
            .map_err(|e| Error::io("cannot render man page", e))?;
        pages.push((format!("{name}.1"), page));
        add_pages(sub, &name, pages)?;
    }
    Ok(())
}

pub fn man(a: ManArgs) -> Result<Outcome, Error> {
    let pages = man_pages()?;
    match a.out {
        None => {
            std::io::stdout()
                .lock()
                .write_all(&pages[0].1)
                .map_err(write_error)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::io("cannot create directory", e).with_path(&dir))?;
            for (name, page) in pages {
                let path = Path::new(&dir).join(name);
                std::fs::write(&path, page)
                    .map_err(|e| Error::io("cannot write man page", e).with_path(&path))?;
            }
        }
    }
    Ok(Outcome::Done)
}
