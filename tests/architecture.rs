//! The layout rules of `docs/architecture.md`, checked on the sources: the
//! library's top-level modules import each other without cycles, and the
//! server never imports the command.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::NAME` references of a file's code (comments left out).
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.insert(name);
            }
        }
    }
    refs
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn library_modules_import_each_other_without_cycles() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    // Top-level module of the library -> the top-level modules it uses.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy();
        if top == "bin" || top == "lib.rs" {
            continue;
        }
        let module = top.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        for r in crate_refs(&text) {
            if r != module {
                deps.insert(r);
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    assert!(
        modules.contains("pool") && modules.contains("json"),
        "{modules:?}"
    );
    // Only edges between modules (crate::Item re-exports are not modules).
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    for start in &modules {
        // Depth-first search for a path from `start` back to itself.
        let mut stack: Vec<Vec<String>> = graph[start]
            .iter()
            .map(|d| vec![start.clone(), d.clone()])
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last().unwrap();
            assert!(last != start, "module cycle: {}", path.join(" -> "));
            if !seen.insert(last.clone()) {
                continue;
            }
            for d in &graph[last] {
                let mut p = path.clone();
                p.push(d.clone());
                stack.push(p);
            }
        }
    }
}

#[test]
fn the_server_never_imports_the_command_and_the_library_never_the_application() {
    let mut files = Vec::new();
    rust_files(&src().join("bin/pls/serve"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let refs = crate_refs(&std::fs::read_to_string(&f).unwrap());
        assert!(!refs.contains("cli"), "{} imports crate::cli", f.display());
    }
    let mut lib = Vec::new();
    rust_files(&src(), &mut lib);
    for f in lib.iter().filter(|f| !f.starts_with(src().join("bin"))) {
        let refs = crate_refs(&std::fs::read_to_string(f).unwrap());
        for app in ["cli", "serve", "signals", "units"] {
            assert!(!refs.contains(app), "{} (library) uses crate::{app}", f.display());
        }
    }
}

#[test]
fn the_mcp_server_imports_neither_the_command_nor_the_http_server() {
    let mut files = Vec::new();
    rust_files(&src().join("bin/pls/mcp"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let refs = crate_refs(&std::fs::read_to_string(&f).unwrap());
        for app in ["cli", "serve"] {
            assert!(!refs.contains(app), "{} imports crate::{app}", f.display());
        }
    }
}
