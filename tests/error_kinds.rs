//! The mapping of error kinds to exit codes, HTTP statuses and names lives
//! once, on `ErrorKind`; these tests hold the README table, `pls --help` and
//! `docs/protocol.md` to it, so the docs cannot drift from the code.

use std::process::Command;

use plasmite::ErrorKind;

fn repo_file(rel: &str) -> String {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn readme_exit_code_table_matches_error_kinds() {
    let readme = repo_file("README.md");
    for kind in ErrorKind::ALL {
        let row = format!("| {} | {} |", kind.exit_code(), kind.as_str());
        assert!(readme.contains(&row), "README.md lacks the exit-code row {row:?}");
    }
}

#[test]
fn long_help_lists_every_kind_with_its_exit_code() {
    let out = Command::new(env!("CARGO_BIN_EXE_pls"))
        .arg("--help")
        .output()
        .expect("run pls --help");
    let help = String::from_utf8(out.stdout).expect("utf-8 help");
    for kind in ErrorKind::ALL {
        let line = help
            .lines()
            .find(|l| l.trim_end().ends_with(&format!("({})", kind.as_str())))
            .unwrap_or_else(|| panic!("pls --help has no exit-code line for {kind}"));
        let code: i32 = line
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .expect("code first");
        assert_eq!(code, kind.exit_code(), "pls --help: {line:?}");
    }
}

#[test]
fn protocol_status_table_matches_error_kinds() {
    let doc = repo_file("docs/protocol.md");
    for kind in ErrorKind::ALL {
        // The rows of the Errors table that name the kind, and their statuses
        // (the leading number of the last cell).
        let statuses: Vec<u16> = doc
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains(&format!("`{}`", kind.as_str())))
            .filter_map(|row| {
                let cell = row.trim_end().trim_end_matches('|').rsplit('|').next()?.trim();
                cell.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
            })
            .collect();
        assert!(
            statuses.contains(&kind.http_status()),
            "docs/protocol.md: {kind} is answered {} but its rows say {statuses:?}",
            kind.http_status()
        );
        // A client seeing only the status gets the kind back, except for the
        // kinds that share 500 (they come back as Internal).
        let shares_500 = matches!(kind, ErrorKind::Corrupt | ErrorKind::Io);
        assert_eq!(
            ErrorKind::from_http_status(kind.http_status()) == kind,
            !shares_500,
            "{kind}"
        );
    }
}

#[test]
fn names_round_trip() {
    for kind in ErrorKind::ALL {
        assert_eq!(ErrorKind::from_name(kind.as_str()), Some(kind));
    }
    assert_eq!(ErrorKind::from_name("notfound"), None);
}
