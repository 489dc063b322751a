//! The web console: its HTML, JavaScript and CSS are embedded in the binary
//! (no CDN, no other origin: it works offline) and served at `/ui/` with a
//! strict Content-Security-Policy. The console reads everything else through
//! the `/v0/` routes, with the token (when the server has one) in an
//! `Authorization` header.

/// The policy every console file is served with: scripts, styles and
/// requests from this server only, no inline script or style, no plugins,
/// frames, forms posting elsewhere or `<base>` changes.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// One answer of `/ui`.
pub struct Asset {
    /// HTTP status (200, or 301 for `/ui` → `/ui/`).
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// The file.
    pub body: &'static [u8],
    /// Where a redirect points.
    location: Option<String>,
}

impl Asset {
    /// The security headers, and a redirect's `location`.
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        let mut h = vec![
            ("content-security-policy", CSP),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
            ("cache-control", "no-cache"),
        ];
        if let Some(l) = &self.location {
            h.push(("location", l.as_str()));
        }
        h
    }
}

const HTML: &str = "text/html; charset=utf-8";

fn redirect(to: String) -> Option<Asset> {
    Some(Asset {
        status: 301,
        content_type: HTML,
        body: b"",
        location: Some(to),
    })
}

/// The file served at `path` (`/ui` or under `/ui/`), if any.
pub fn asset(path: &str) -> Option<Asset> {
    // The page addresses of plasmite 0.8's console (`/ui/pools/NAME`) lead
    // to the same pages here.
    if let Some(rest) = path.strip_prefix("/ui/pools") {
        let name = rest.trim_start_matches('/');
        if name.is_empty() {
            return redirect("/ui/".into());
        }
        let name = super::routes::percent_decode(name, false).ok()?;
        plasmite::validate_name(&name).ok()?;
        // A valid name is letters, digits, `.`, `_` and `-`: nothing to escape.
        return redirect(format!("/ui/#/pool/{name}"));
    }
    let (content_type, body): (&'static str, &'static [u8]) = match path {
        // Relative links in the page resolve under `/ui/` only.
        "/ui" => return redirect("/ui/".into()),
        "/ui/" | "/ui/index.html" => (HTML, include_bytes!("ui/index.html")),
        "/ui/app.js" => ("text/javascript; charset=utf-8", include_bytes!("ui/app.js")),
        "/ui/app.css" => ("text/css; charset=utf-8", include_bytes!("ui/app.css")),
        "/ui/icon.svg" => ("image/svg+xml", include_bytes!("ui/icon.svg")),
        _ => return None,
    };
    Some(Asset {
        status: 200,
        content_type,
        body,
        location: None,
    })
}
