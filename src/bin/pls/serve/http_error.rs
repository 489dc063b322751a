//! Errors as the HTTP layer answers them: an [`Error`] with the status it is
//! sent with (its kind's [`http_status`](plasmite::ErrorKind::http_status),
//! or a status of the HTTP layer's own: 405, 408, 413, 431), rendered as the
//! protocol's `{"error": {...}}` envelope.

use plasmite::{Error, ErrorKind};

use super::http::Conn;

/// An error with the HTTP status it is answered with.
#[derive(Debug)]
pub struct HttpError {
    /// HTTP status.
    pub status: u16,
    /// The error, rendered as the protocol's envelope.
    pub error: Error,
}

impl HttpError {
    /// An error answered with `status`.
    pub fn new(status: u16, error: Error) -> HttpError {
        HttpError { status, error }
    }
}

impl From<Error> for HttpError {
    fn from(error: Error) -> Self {
        HttpError {
            status: error.kind().http_status(),
            error,
        }
    }
}

/// Sends an error envelope (its [public](public_error_json) form).
pub fn send_error(conn: &mut Conn, e: &HttpError) -> std::io::Result<()> {
    let body = serde_json::to_vec(&public_error_json(&e.error, &[])).unwrap_or_default();
    conn.respond(e.status, "application/json", &[], &body)
}

/// The error envelope a client gets: no path of the server's file system.
/// `path` is the pool's file name (`events.plasmite`; a half-created
/// pool's temporary file is named by the pool it was for), absent for a
/// missing message; in `message` and `hint`, the served directory
/// (`dir_prefixes`, each ending in `/`) is cut and the path of any pool
/// file is cut down to its file name the same way.
pub fn public_error_json(e: &Error, dir_prefixes: &[String]) -> serde_json::Value {
    let mut v = e.to_json();
    let Some(inner) = v.get_mut("error").and_then(|i| i.as_object_mut()) else {
        return v;
    };
    match e.path() {
        Some(_) if e.kind() == ErrorKind::NotFound && e.seq().is_some() => {
            inner.remove("path");
        }
        Some(p) => {
            let file = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
            inner.insert("path".into(), public_file_name(&file).into());
        }
        None => {}
    }
    for key in ["message", "hint"] {
        if let Some(text) = inner.get(key).and_then(|t| t.as_str()) {
            let mut text = text.to_string();
            for prefix in dir_prefixes {
                text = text.replace(prefix.as_str(), "");
            }
            let clean = scrub_paths(&text);
            inner.insert(key.into(), clean.into());
        }
    }
    v
}

/// A pool file's name as shown to clients: the temporary file of a create
/// (`.NAME.plasmite.PID.TIME.tmp`) is shown as the pool's (`NAME.plasmite`).
fn public_file_name(file: &str) -> String {
    if let Some(rest) = file.strip_prefix('.').filter(|_| file.ends_with(".tmp")) {
        if let Some(i) = rest.find(".plasmite.") {
            return format!("{}.plasmite", &rest[..i]);
        }
    }
    file.to_string()
}

/// Cuts every path of a pool file in `text` (a word whose last component
/// names a `.plasmite` file) down to that file's public name.
fn scrub_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let Some(slash) = word.find('/') else {
            out.push_str(word);
            continue;
        };
        let end = word
            .trim_end_matches(['"', '\'', ')', ']', ',', ';', ':'])
            .len()
            .max(slash);
        let (path, tail) = (&word[slash..end], &word[end..]);
        let last = path.rsplit('/').next().unwrap_or("");
        if last.contains(".plasmite") {
            out.push_str(&word[..slash]);
            out.push_str(&public_file_name(last));
            out.push_str(tail);
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_errors_name_files_not_paths() {
        assert_eq!(public_file_name(".ev.plasmite.4242.17.tmp"), "ev.plasmite");
        assert_eq!(public_file_name("ev.plasmite"), "ev.plasmite");
        assert_eq!(
            scrub_paths("pool already exists at /srv/d/ev.plasmite, \"/x/.ev.plasmite.1.2.tmp\""),
            "pool already exists at ev.plasmite, \"ev.plasmite\""
        );
        // Route paths and URLs are not files.
        let t = "no route for GET /v0/pools/x.plasmite/info (see http://h/v0)";
        assert_eq!(scrub_paths(t), t);
        let e = Error::new(ErrorKind::NotFound, "message 3 not found")
            .with_seq(3)
            .with_path("/srv/d/ev.plasmite");
        assert!(public_error_json(&e, &[])["error"].get("path").is_none());
        let e = Error::new(ErrorKind::Io, "cannot size pool file").with_path("/d/.ev.plasmite.9.9.tmp");
        assert_eq!(public_error_json(&e, &[])["error"]["path"], "ev.plasmite");
        let e = Error::new(ErrorKind::Io, "cannot open /my dir/ev.plasmite: no").with_hint("see /my dir/x");
        let v = public_error_json(&e, &["/my dir/".to_string()]);
        assert_eq!(v["error"]["message"], "cannot open ev.plasmite: no");
        assert_eq!(v["error"]["hint"], "see x");
    }
}
