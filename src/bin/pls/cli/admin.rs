//! The admin verbs: create, list, info, delete, doctor (and serve's entry).

use std::io::Write;

use super::output::{write_error, Ui};
use super::vocab::Shapes;
use super::{CreateArgs, DeleteArgs, DoctorArgs, InfoArgs, ListArgs, Outcome};
use crate::serve::ServeArgs;
use crate::units::human_size;
use plasmite::{Client, PoolOptions};
use plasmite::{Error, ErrorKind};

fn print(line: impl std::fmt::Display) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{line}").map_err(write_error)
}

/// Runs `f` for every item, reporting each failure, and returns the first
/// failure after trying them all.
fn each<T>(items: Vec<T>, ui: &Ui, mut f: impl FnMut(T) -> Result<(), Error>) -> Result<Outcome, Error> {
    let mut first: Option<Error> = None;
    let total = items.len();
    for item in items {
        if let Err(e) = f(item) {
            if total == 1 || super::output::is_broken_pipe(&e) {
                return Err(e);
            }
            ui.error(&e);
            first.get_or_insert(e);
        }
    }
    match first {
        Some(e) => Ok(Outcome::Exit(e.kind().exit_code())),
        None => Ok(Outcome::Done),
    }
}

/// Creates each pool; `--json` prints each one's info object, one a line
/// (ours), or `{"created":[INFO…]}` once (the existing command's).
pub fn create(client: &Client, a: CreateArgs, ui: &Ui, shapes: Shapes) -> Result<Outcome, Error> {
    let options = PoolOptions {
        size_bytes: a.size,
        // The existing command's `--index-capacity 0` (no index, reads
        // scan) is the smallest index here: reads past it scan too.
        index_capacity: match (a.index_capacity, shapes) {
            (Some(0), Shapes::Plasmite) => Some(1),
            (n, _) => n,
        },
    };
    let mut created = Vec::new();
    let outcome = each(a.names, ui, |name| {
        let pool = client.create_pool_with(&name, options)?;
        let info = pool.info()?;
        if a.json && shapes == Shapes::Plasmite {
            created.push(info.to_json());
            Ok(())
        } else if a.json {
            print(info.to_json())
        } else {
            print(format_args!(
                "created {} ({}) at {}",
                info.name,
                human_size(info.file_size),
                info.path.display()
            ))
        }
    });
    if !created.is_empty() {
        print(serde_json::json!({ "created": created }))?;
    }
    outcome
}

fn bounds(i: &serde_json::Value) -> String {
    match (i["bounds"]["oldest"].as_u64(), i["bounds"]["newest"].as_u64()) {
        (Some(o), Some(n)) => format!("{o}..{n}"),
        _ => "-".into(),
    }
}

/// The figures of an info object, whichever v0 server sent it: ours puts
/// the counts at the top level and under `metrics`, other servers only
/// under `metrics`. `None` where the object has no value (a write-only
/// server nulls what only readers may see).
struct Figures {
    messages: Option<u64>,
    used: Option<u64>,
    free: Option<u64>,
    used_percent: Option<f64>,
    oldest: Option<(String, Option<u64>)>,
    newest: Option<(String, Option<u64>)>,
}

impl Figures {
    fn of(i: &serde_json::Value) -> Figures {
        let m = &i["metrics"];
        let u = &m["utilization"];
        let ring = i["ring_size"].as_u64();
        let messages = m["message_count"].as_u64().or(i["message_count"].as_u64());
        let used = u["used_bytes"].as_u64().or(i["bytes_used"].as_u64());
        let free = u["free_bytes"]
            .as_u64()
            .or_else(|| Some(ring?.saturating_sub(used?)));
        let used_percent = u["used_percent"]
            .as_f64()
            .or_else(|| Some(used? as f64 * 100.0 / ring?.max(1) as f64));
        let time = |which: &str| {
            let t = m["age"][format!("{which}_time")].as_str()?;
            Some((t.to_string(), m["age"][format!("{which}_age_ms")].as_u64()))
        };
        Figures {
            messages,
            used,
            free,
            used_percent,
            oldest: time("oldest"),
            newest: time("newest"),
        }
    }
}

fn or_dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// An age for people: `850ms`, `42s`, `5m 3s`, `2h 10m`, `3d 4h`.
fn human_age(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0 => format!("{ms}ms"),
        1..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {}s", s / 60, s % 60),
        3600..=86_399 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

fn time_and_age(t: &Option<(String, Option<u64>)>) -> String {
    match t {
        Some((time, Some(age))) => format!("{time} ({} ago)", human_age(*age)),
        Some((time, None)) => time.clone(),
        None => "-".into(),
    }
}

/// The JSON of each listed pool: its info object with the file's `mtime`,
/// or its name and error: `"error"` is the error object (ours) or, as the
/// existing command has it, the whole envelope `{"error":{…}}`.
fn listing_json(listing: &[plasmite::PoolListing], shapes: Shapes) -> Vec<serde_json::Value> {
    listing
        .iter()
        .map(|l| match &l.info {
            Ok(info) => {
                let mut j = info.to_json();
                j["mtime"] = mtime(&l.path).into();
                j
            }
            Err(e) => {
                let error = match shapes {
                    Shapes::Pls => e.to_json()["error"].take(),
                    Shapes::Plasmite => e.to_json(),
                };
                serde_json::json!({ "name": l.name, "path": l.path.display().to_string(), "error": error })
            }
        })
        .collect()
}

/// A file's modification time (RFC 3339), if the system tells it.
fn mtime(path: &std::path::Path) -> Option<String> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let ns = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(plasmite::format_rfc3339(u64::try_from(ns).ok()?))
}

/// The `pls list` table of protocol info objects (local or remote).
pub(super) fn format_list(pools: &[serde_json::Value]) -> String {
    if pools.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "{:<24} {:>10} {:>10} {:>9} {:>20} {:>10}\n",
        "NAME", "SIZE", "MESSAGES", "USED", "SEQS", "NEWEST"
    );
    for i in pools {
        let name = i["name"].as_str().unwrap_or("");
        if let Some(err) = i.get("error") {
            out.push_str(&format!(
                "{name:<24} error: {} ({})\n",
                err["message"].as_str().unwrap_or(""),
                err["kind"].as_str().unwrap_or("")
            ));
            continue;
        }
        let f = Figures::of(i);
        let newest = f.newest.as_ref().and_then(|n| n.1).map(human_age);
        out.push_str(&format!(
            "{name:<24} {:>10} {:>10} {:>9} {:>20} {:>10}\n",
            human_size(i["file_size"].as_u64().unwrap_or(0)),
            or_dash(f.messages),
            f.used_percent
                .map(|p| format!("{p:.1}%"))
                .unwrap_or_else(|| "-".into()),
            bounds(i),
            or_dash(newest)
        ));
    }
    out
}

/// The `pls info` text of a protocol info object (local or remote, from
/// this server or another v0 server).
pub(super) fn format_info(i: &serde_json::Value, server: Option<&str>) -> String {
    let n = |k: &str| i[k].as_u64().unwrap_or(0);
    let f = Figures::of(i);
    let server = server
        .map(|s| format!("server:         {s}\n"))
        .unwrap_or_default();
    let used = match (f.used, f.used_percent) {
        (Some(u), Some(p)) => format!("{u} ({p:.1}%)"),
        (u, _) => or_dash(u),
    };
    format!(
        "name:           {}\n{server}path:           {}\nfile size:      {} ({} bytes)\nring size:      {} bytes\n\
         index capacity: {}\nmessages:       {}\nseqs:           {}\nbytes used:     {used}\n\
         bytes free:     {}\noldest:         {}\nnewest:         {}\ncreated:        {}\nid:             {}",
        i["name"].as_str().unwrap_or(""),
        i["path"].as_str().unwrap_or(""),
        human_size(n("file_size")),
        n("file_size"),
        n("ring_size"),
        n("index_capacity"),
        or_dash(f.messages),
        bounds(i),
        or_dash(f.free),
        time_and_age(&f.oldest),
        time_and_age(&f.newest),
        i["created"].as_str().unwrap_or("-"),
        i["id"].as_str().unwrap_or("-")
    )
}

pub fn list(client: &Client, a: ListArgs, shapes: Shapes) -> Result<Outcome, Error> {
    if let Some(url) = a.url.as_deref().map(str::to_owned) {
        return super::remote::list(&url, a);
    }
    let pools = listing_json(&client.list_pools_detailed()?, shapes);
    if a.json {
        print(serde_json::json!({ "pools": pools }))?;
    } else {
        std::io::stdout()
            .lock()
            .write_all(format_list(&pools).as_bytes())
            .map_err(write_error)?;
    }
    Ok(Outcome::Done)
}

/// Prints a pool's info; `--json` prints `{"pool":INFO}` (ours, the
/// server's shape) or the info object itself (the existing command's).
pub fn info(client: &Client, a: InfoArgs, shapes: Shapes) -> Result<Outcome, Error> {
    if let Some(url) = super::remote::url_ref(&a.pool).map(str::to_owned) {
        return super::remote::info(&url, a, shapes == Shapes::Plasmite);
    }
    let info = client.pool_info(&a.pool)?.to_json();
    if a.json && shapes == Shapes::Plasmite {
        print(info)?;
    } else if a.json {
        print(serde_json::json!({ "pool": info }))?;
    } else {
        print(format_info(&info, None))?;
    }
    Ok(Outcome::Done)
}

pub fn delete(client: &Client, a: DeleteArgs, ui: &Ui, shapes: Shapes) -> Result<Outcome, Error> {
    if a.json && shapes == Shapes::Plasmite {
        return delete_report(client, a);
    }
    let force = a.force;
    let json = a.json;
    each(a.pools, ui, |name| match client.delete_pool(&name) {
        Ok(()) => {
            if json {
                print(serde_json::json!({ "deleted": name }))
            } else {
                Ok(())
            }
        }
        Err(e) if force && e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    })
}

/// `pool delete --json`, the existing command's shape: tries every pool,
/// then prints `{"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]}`
/// once; the exit status is the first failure's.
fn delete_report(client: &Client, a: DeleteArgs) -> Result<Outcome, Error> {
    let (mut deleted, mut failed) = (Vec::new(), Vec::new());
    let mut first: Option<ErrorKind> = None;
    for name in a.pools {
        let path = client
            .resolve(&name)
            .map(|p| std::path::absolute(&p).unwrap_or(p).display().to_string());
        match client.delete_pool(&name) {
            Ok(()) => deleted.push(serde_json::json!({ "pool": name, "path": path.unwrap_or_default() })),
            Err(e) if a.force && e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                first.get_or_insert(e.kind());
                failed.push(serde_json::json!({ "pool": name, "error": e.to_json()["error"] }));
            }
        }
    }
    print(serde_json::json!({ "deleted": deleted, "failed": failed }))?;
    Ok(first.map_or(Outcome::Done, |k| Outcome::Exit(k.exit_code())))
}

/// `pls version`: `plasmite VERSION` on a terminal, and
/// `{"name":"plasmite","version":VERSION}` otherwise (for scripts).
pub fn version(ui: &Ui) -> Result<Outcome, Error> {
    let version = env!("CARGO_PKG_VERSION");
    if ui.stdout_tty {
        print(format_args!("plasmite {version}"))?;
    } else {
        print(serde_json::json!({ "name": "plasmite", "version": version }))?;
    }
    Ok(Outcome::Done)
}

pub fn doctor(client: &Client, a: DoctorArgs, ui: &Ui) -> Result<Outcome, Error> {
    let targets: Vec<(String, std::path::PathBuf)> = match &a.pool {
        Some(p) => vec![(p.clone(), client.resolve(p)?)],
        None => client
            .list_pools_detailed()?
            .into_iter()
            .map(|l| (l.name, l.path))
            .collect(),
    };
    if a.pool.is_some() && !targets[0].1.exists() {
        return Err(client
            .open_pool(a.pool.as_deref().unwrap_or_default())
            .unwrap_err());
    }
    let mut damaged = 0;
    // The exit code: Corrupt if any pool is damaged, else the kind of the
    // first problem (a pool this user may not read is Permission).
    let mut worst: Option<ErrorKind> = None;
    let mut reports = Vec::new();
    for (name, path) in &targets {
        let report = plasmite::validate_path(path);
        if !report.is_clean() {
            damaged += 1;
            let kind = if report.problems.iter().any(|p| p.kind == ErrorKind::Corrupt) {
                ErrorKind::Corrupt
            } else {
                report.problems[0].kind
            };
            if worst != Some(ErrorKind::Corrupt) {
                worst = Some(kind);
            }
        }
        if a.json {
            let mut j = report.to_json();
            j["name"] = name.clone().into();
            j["path"] = path.display().to_string().into();
            reports.push(j);
        } else if report.is_clean() {
            print(format_args!(
                "{name}: ok ({} messages checked)",
                report.messages_checked
            ))?;
            for w in &report.warnings {
                print(format_args!("  warning: {}", w.message))?;
            }
        } else {
            print(format_args!("{name}: {} problem(s)", report.problems.len()))?;
            for p in &report.problems {
                let at = p.offset.map(|o| format!(" at offset {o}")).unwrap_or_default();
                print(format_args!("  {}{at}: {}", p.kind, p.message))?;
            }
            for w in &report.warnings {
                print(format_args!("  warning: {}", w.message))?;
            }
        }
    }
    if a.json {
        print(serde_json::json!({ "pools": reports }))?;
    }
    if damaged > 0 {
        ui.note(&format!("{damaged} pool(s) damaged"));
        return Ok(Outcome::Exit(worst.unwrap_or(ErrorKind::Corrupt).exit_code()));
    }
    Ok(Outcome::Done)
}

pub fn serve(client: &Client, a: ServeArgs) -> Result<Outcome, Error> {
    let dir = a.directory.clone().unwrap_or_else(|| client.dir().to_path_buf());
    crate::serve::run_cli(dir, a)?;
    Ok(Outcome::Done)
}
