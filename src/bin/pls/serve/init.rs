//! What `pls serve` decides before it binds, and its two subcommands:
//! `pls serve init [DIR]` (a token file and a self-signed certificate, with
//! the commands that use them) and `pls serve check` (the same decisions as
//! a start, without binding: what would be served, or why not).
//!
//! [`plan`] is the one place where the options become a configuration: the
//! bind address (`--bind HOST[:PORT]`, `--port`), the token, TLS (files or
//! `--tls-self-signed`) and the exposure rules (a non-loopback address needs
//! `--allow-non-loopback` and a token, and accepts writes only over TLS
//! unless `--insecure-no-tls`). `run_cli` and `check` both call it.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use plasmite::{Error, Result};

use super::{Access, ServeArgs};

/// Default port.
pub const DEFAULT_PORT: u16 = 9700;
/// File names written by `pls serve init` (those of plasmite 0.8.0).
pub const TOKEN_FILE: &str = "plasmite-auth-token.txt";
/// See [`TOKEN_FILE`].
pub const CERT_FILE: &str = "plasmite-tls-cert.pem";
/// See [`TOKEN_FILE`].
pub const KEY_FILE: &str = "plasmite-tls-key.pem";
/// Names that are subcommands of `pls serve`, never pool directories.
pub const SUBCOMMANDS: [&str; 3] = ["init", "check", "help"];

/// `pls serve init` and `pls serve check`.
#[derive(Debug, Subcommand)]
pub enum ServeAction {
    /// Write a random token file and a self-signed TLS certificate and key,
    /// and print the certificate's fingerprint and the commands that use them
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Validate the serve options given before `check` (token, TLS files,
    /// bind address, directory) and print the endpoints, without binding
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
}

const INIT_HELP: &str = "\
Files (refused when they exist, unless --force):
  DIR/plasmite-auth-token.txt  a random token, mode 0600
  DIR/plasmite-tls-cert.pem    a self-signed certificate, for localhost, 127.0.0.1,
                               ::1, this machine's host name and each --host
  DIR/plasmite-tls-key.pem     its private key, mode 0600
A client trusts the server with --tls-ca DIR/plasmite-tls-cert.pem (or
SSL_CERT_FILE), or pins it with --tls-fingerprint SHA256:...

Examples:
  pls serve init ./serve-secrets
  pls serve init ./serve-secrets --host events.example.net --bind 0.0.0.0:9700";

const CHECK_HELP: &str = "\
Serve options go before `check`; only --json follows it. Exits 0 when `pls serve`
with the same options would start, otherwise with the error it would give.

Examples:
  pls serve ./data check
  pls serve ./data --bind 0.0.0.0:9700 --allow-non-loopback --token-file t --tls-self-signed check --json";

/// Options of `pls serve init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write the three files into (created if missing; default:
    /// the current directory)
    #[arg(value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The same as DIR (plasmite 0.8.0's name)
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub output_dir: Option<PathBuf>,
    /// Address the printed server command binds (HOST:PORT)
    #[arg(long, default_value = "0.0.0.0:9700", value_name = "HOST:PORT")]
    pub bind: String,
    /// Another host name or IP address clients will use, put in the
    /// certificate (repeatable)
    #[arg(long = "host", value_name = "NAME")]
    pub hosts: Vec<String>,
    /// Overwrite the files if they exist
    #[arg(long)]
    pub force: bool,
    /// Print JSON (the default when stdout is not a terminal, as with
    /// plasmite 0.8.0)
    #[arg(long)]
    pub json: bool,
}

/// Options of `pls serve check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// TLS of a server about to start.
pub struct Tls {
    /// The rustls configuration.
    pub config: Arc<rustls::ServerConfig>,
    /// `SHA256:AB:CD:…` of the (first) certificate.
    pub fingerprint: String,
    /// Generated at start (`--tls-self-signed`).
    pub self_signed: bool,
}

/// Everything decided from the options before binding.
pub struct Plan {
    /// Pool directory.
    pub dir: PathBuf,
    /// Listen address.
    pub addr: SocketAddr,
    /// Required bearer token.
    pub token: Option<String>,
    /// Where the token came from (`--token-file`, `--token`), if any.
    pub token_source: Option<&'static str>,
    /// TLS, if served.
    pub tls: Option<Tls>,
}

/// `--bind` and `--port` as one address: `HOST:PORT` (`[::1]:9700` for
/// IPv6), or `HOST` with `--port` (default 9700). A port in both is a
/// usage error unless they agree.
pub fn parse_bind(bind: &str, port: Option<u16>) -> Result<SocketAddr> {
    let (host, bind_port) = split_host_port(bind)
        .map_err(|m| Error::usage(format!("bad --bind {bind:?}: {m}")).with_hint(BIND_HINT))?;
    let port = match (bind_port, port) {
        (Some(a), Some(b)) if a != b => {
            return Err(
                Error::usage(format!("--bind {bind:?} names port {a} but --port says {b}"))
                    .with_hint("give the port once: --bind HOST:PORT, or --bind HOST --port N"),
            )
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => DEFAULT_PORT,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::usage(format!("bad --bind address {host:?}: {e}")).with_hint(BIND_HINT))?
        .next()
        .ok_or_else(|| Error::usage(format!("--bind {host:?} resolves to no address")))
}

const BIND_HINT: &str =
    "use --bind HOST:PORT (127.0.0.1:9700, 0.0.0.0:9700, [::1]:9700) or --bind HOST --port N";

/// `HOST[:PORT]` split; a bare IPv6 address has no port.
fn split_host_port(bind: &str) -> std::result::Result<(&str, Option<u16>), String> {
    if bind.is_empty() {
        return Err("empty address".into());
    }
    if bind.parse::<IpAddr>().is_ok() {
        return Ok((bind, None));
    }
    let port_of = |p: &str| p.parse::<u16>().map_err(|_| format!("bad port {p:?}"));
    if let Some(rest) = bind.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("unclosed [")?;
        return match after.strip_prefix(':') {
            Some(p) => Ok((host, Some(port_of(p)?))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(format!("unexpected {after:?} after ]")),
        };
    }
    match bind.rsplit_once(':') {
        Some((host, p)) if !host.contains(':') && !host.is_empty() => Ok((host, Some(port_of(p)?))),
        Some(_) => Err("an IPv6 address with a port is written [ADDR]:PORT".into()),
        None => Ok((bind, None)),
    }
}

/// `SHA256:AB:CD:…` of `der`.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let hex: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    format!("SHA256:{}", hex.join(":"))
}

fn server_config(
    certs: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> std::result::Result<Arc<rustls::ServerConfig>, rustls::Error> {
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map(Arc::new)
}

/// Loads `--tls-cert` and `--tls-key`, checking that the key is the
/// certificate's.
pub fn load_tls(cert: &Path, key: &Path) -> Result<Tls> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io("cannot read TLS file", e).with_path(p));
    let certs: Vec<_> = rustls_pemfile::certs(&mut read(cert)?.as_slice())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::usage(format!("bad TLS certificate: {e}")).with_path(cert))?;
    if certs.is_empty() {
        return Err(Error::usage("no certificate in the --tls-cert file").with_path(cert));
    }
    let key_der = rustls_pemfile::private_key(&mut read(key)?.as_slice())
        .map_err(|e| Error::usage(format!("bad TLS key: {e}")).with_path(key))?
        .ok_or_else(|| Error::usage("no private key in the --tls-key file").with_path(key))?;
    let fingerprint = fingerprint(&certs[0]);
    let config = server_config(certs, key_der).map_err(|e| {
        Error::usage(format!("unusable TLS certificate or key: {e}"))
            .with_path(cert)
            .with_hint("the key must be the certificate's (pls serve init writes a matching pair)")
    })?;
    Ok(Tls {
        config,
        fingerprint,
        self_signed: false,
    })
}

/// A self-signed certificate for `hosts` (host names or IP addresses) and
/// its key, as PEM.
fn self_signed(hosts: Vec<String>) -> Result<(String, String, String)> {
    let fail = |e: rcgen::Error| {
        Error::new(
            plasmite::ErrorKind::Internal,
            format!("cannot make a certificate: {e}"),
        )
    };
    let key = rcgen::KeyPair::generate().map_err(fail)?;
    let mut params = rcgen::CertificateParams::new(hosts).map_err(fail)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "plasmite serve (self-signed)");
    let cert = params.self_signed(&key).map_err(fail)?;
    Ok((cert.pem(), key.serialize_pem(), fingerprint(cert.der())))
}

/// The names a generated certificate covers: loopback, this machine's host
/// name, the bind address when it is a specific one, and `extra`.
fn cert_hosts(bind: Option<&SocketAddr>, extra: &[String]) -> Vec<String> {
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    if let Ok(h) = nix::unistd::gethostname() {
        if let Some(h) = h.to_str().filter(|h| !h.is_empty()) {
            hosts.push(h.to_string());
        }
    }
    if let Some(a) = bind.filter(|a| !a.ip().is_unspecified()) {
        hosts.push(a.ip().to_string());
    }
    hosts.extend(extra.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    hosts
}

/// Decides everything `pls serve` needs before binding (see the module
/// doc), or the error a start would fail with.
pub fn plan(dir: PathBuf, args: &ServeArgs) -> Result<Plan> {
    if let Some(d) = &args.directory {
        if SUBCOMMANDS.iter().any(|s| d.as_os_str() == *s) {
            return Err(Error::usage(format!(
                "{:?} is a `pls serve` subcommand, not taken as a pool directory",
                d.display().to_string()
            ))
            .with_hint(format!(
                "to serve a directory of that name write ./{0} (or --dir ./{0})",
                d.display()
            )));
        }
    }
    let addr = parse_bind(&args.bind, args.port)?;
    let (token, token_source) = match (&args.token_file, &args.token) {
        (Some(path), _) => (
            Some(plasmite::remote::read_token_file(path)?),
            Some("--token-file"),
        ),
        (None, Some(t)) => (Some(t.clone()), Some("--token")),
        (None, None) => (None, None),
    };
    if token
        .as_deref()
        .is_some_and(|t| t.is_empty() || t.contains(char::is_whitespace))
    {
        return Err(Error::usage(
            "the token must be non-empty and contain no whitespace",
        ));
    }
    let tls = if args.tls_self_signed {
        let (cert, key, _) = self_signed(cert_hosts(Some(&addr), &[]))?;
        let certs: Vec<_> = rustls_pemfile::certs(&mut cert.as_bytes())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::new(plasmite::ErrorKind::Internal, e.to_string()))?;
        let key = rustls_pemfile::private_key(&mut key.as_bytes())
            .ok()
            .flatten()
            .ok_or_else(|| Error::new(plasmite::ErrorKind::Internal, "generated key unreadable"))?;
        let fingerprint = fingerprint(&certs[0]);
        let config = server_config(certs, key)
            .map_err(|e| Error::new(plasmite::ErrorKind::Internal, e.to_string()))?;
        Some(Tls {
            config,
            fingerprint,
            self_signed: true,
        })
    } else {
        match (&args.tls_cert, &args.tls_key) {
            (Some(c), Some(k)) => Some(load_tls(c, k)?),
            _ => None,
        }
    };
    if !addr.ip().is_loopback() {
        if token.is_none() {
            return Err(Error::usage(format!(
                "refusing to serve {addr} without a token: any host that can reach it could read, \
                 append to and delete your pools"
            ))
            .with_hint("pass --token-file FILE (pls serve init writes one), or bind 127.0.0.1"));
        }
        if !args.allow_non_loopback {
            return Err(Error::usage(format!(
                "refusing to bind {addr}, which is not a loopback address, without --allow-non-loopback"
            ))
            .with_hint(
                "add --allow-non-loopback if other hosts should reach this server, or bind 127.0.0.1",
            ));
        }
        if tls.is_none() && args.access != Access::ReadOnly && !args.insecure_no_tls {
            return Err(Error::usage(format!(
                "refusing to accept writes on {addr} over plain HTTP: the token and the messages \
                 would cross the network in clear"
            ))
            .with_hint(
                "serve HTTPS (pls serve init, then --tls-cert/--tls-key; or --tls-self-signed), \
                 use --access read-only, or accept the risk with --insecure-no-tls",
            ));
        }
    }
    Ok(Plan {
        dir,
        addr,
        token,
        token_source,
        tls,
    })
}

/// Quotes `s` for a POSIX shell when it needs it.
fn sh(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn shp(p: &Path) -> String {
    sh(&p.display().to_string())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).map_err(|e| Error::io("cannot resolve the path", e).with_path(p))
}

/// Writes `bytes` to a new file `path` with `mode`, replacing it only when
/// `force`.
fn write_new(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut o = std::fs::OpenOptions::new();
    o.write(true).mode(mode);
    if force {
        o.create(true).truncate(true);
    } else {
        o.create_new(true);
    }
    let mut f = o.open(path).map_err(|e| {
        let err = Error::io("cannot write", e).with_path(path);
        if path.exists() && !force {
            Error::new(plasmite::ErrorKind::AlreadyExists, "the file exists already")
                .with_path(path)
                .with_hint("pass --force to replace it (clients must then trust the new certificate)")
        } else {
            err
        }
    })?;
    // An existing file keeps its old mode through open(): set it.
    f.set_permissions(std::fs::Permissions::from_mode(mode))
        .and_then(|_| f.write_all(bytes))
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io("cannot write", e).with_path(path))
}

/// `pls serve init`.
pub fn init(pool_dir: &Path, a: &InitArgs) -> Result<()> {
    let out = a
        .output_dir
        .clone()
        .or_else(|| a.out.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    let addr = parse_bind(&a.bind, None)?;
    std::fs::create_dir_all(&out).map_err(|e| Error::io("cannot create the directory", e).with_path(&out))?;
    let out = absolute(&out)?;
    let (token_path, cert_path, key_path) = (out.join(TOKEN_FILE), out.join(CERT_FILE), out.join(KEY_FILE));
    if !a.force {
        for p in [&token_path, &cert_path, &key_path] {
            if p.exists() {
                return Err(
                    Error::new(plasmite::ErrorKind::AlreadyExists, "the file exists already")
                        .with_path(p)
                        .with_hint(
                            "pass --force to replace the files (clients must then trust the new certificate)",
                        ),
                );
            }
        }
    }
    let hosts = cert_hosts(Some(&addr), &a.hosts);
    let (cert, key, fp) = self_signed(hosts.clone())?;
    let mut raw = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut raw)
        .map_err(|_| Error::new(plasmite::ErrorKind::Internal, "no randomness for the token"))?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    write_new(&token_path, format!("{token}\n").as_bytes(), 0o600, a.force)?;
    write_new(&key_path, key.as_bytes(), 0o600, a.force)?;
    write_new(&cert_path, cert.as_bytes(), 0o644, a.force)?;

    let client_host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        }
    };
    let base = format!("https://{client_host}:{}", addr.port());
    let pool_dir = absolute(pool_dir)?;
    let mut server = format!("pls serve {} --bind {}", shp(&pool_dir), sh(&addr.to_string()));
    if !addr.ip().is_loopback() {
        server.push_str(" --allow-non-loopback");
    }
    server.push_str(&format!(
        " --token-file {} --tls-cert {} --tls-key {}",
        shp(&token_path),
        shp(&cert_path),
        shp(&key_path)
    ));
    let trust = format!("--token-file {} --tls-ca {}", shp(&token_path), shp(&cert_path));
    let clients = [
        format!("pls append {base}/demo --create {trust} '{{\"hello\":\"world\"}}'"),
        format!("pls tail -f {base}/demo {trust}"),
        format!("pls list {base} {trust}"),
    ];
    let mut stdout = std::io::stdout().lock();
    let json = a.json || !std::io::IsTerminal::is_terminal(&std::io::stdout());
    let text = if json {
        let v = serde_json::json!({"init": {
            "artifact_paths": {
                "token_file": token_path, "tls_cert": cert_path, "tls_key": key_path,
            },
            "tls_fingerprint": fp,
            "certificate_hosts": hosts,
            "server_commands": [server],
            "client_commands": clients,
        }});
        format!("{v}\n")
    } else {
        format!(
            "Wrote, in {}:\n  {TOKEN_FILE}  the bearer token (mode 0600; never printed)\n  \
             {CERT_FILE}    a self-signed certificate for {}\n  \
             {KEY_FILE}     its private key (mode 0600)\n\n\
             Certificate fingerprint:\n  {fp}\n\n\
             Start the server:\n  {server}\n\n\
             Then, from a client (another host: use this machine's name or address, given to\n\
             init with --host so the certificate covers it):\n  {}\n\n\
             Clients that cannot take --tls-ca may pin the certificate instead:\n  \
             --tls-fingerprint {fp}\n",
            out.display(),
            hosts.join(", "),
            clients.join("\n  "),
        )
    };
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("cannot write to stdout", e))
}

/// Whether `dir` exists as a directory, or could be created.
fn check_dir(dir: &Path) -> Result<&'static str> {
    if dir.is_dir() {
        return Ok("exists");
    }
    if dir.exists() {
        return Err(Error::usage("the pool directory is not a directory").with_path(dir));
    }
    let mut up = absolute(dir)?;
    while !up.exists() {
        if !up.pop() {
            break;
        }
    }
    if !up.is_dir() || nix::unistd::access(&up, nix::unistd::AccessFlags::W_OK).is_err() {
        return Err(Error::new(
            plasmite::ErrorKind::Permission,
            "the pool directory does not exist and cannot be created",
        )
        .with_path(dir));
    }
    Ok("will be created")
}

/// `pls serve check`.
pub fn check(dir: PathBuf, args: &ServeArgs, c: &CheckArgs) -> Result<()> {
    let dir = args.directory.clone().unwrap_or(dir);
    let dir_state = check_dir(&dir)?;
    let p = plan(dir, args)?;
    let scheme = if p.tls.is_some() { "https" } else { "http" };
    let host = if p.addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        match p.addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        }
    };
    let base = format!("{scheme}://{host}:{}", p.addr.port());
    let access = super::access_name(args.access);
    let tls = match &p.tls {
        None => "disabled",
        Some(t) if t.self_signed => "self-signed",
        Some(_) => "files",
    };
    let auth = match p.token_source {
        Some(src) => format!("bearer token ({src})"),
        None => "none".into(),
    };
    // A self-signed certificate is made anew at each start: the one made
    // for this check says nothing about the next.
    let fp = p
        .tls
        .as_ref()
        .filter(|t| !t.self_signed)
        .map(|t| t.fingerprint.clone());
    let text = if c.json {
        let v = serde_json::json!({"check": {
            "status": "valid",
            "listen": p.addr.to_string(),
            "base_url": base,
            "pools_url": format!("{base}/v0/pools"),
            "health_url": format!("{base}/healthz"),
            "console_url": format!("{base}/ui/"),
            "dir": absolute(&p.dir)?,
            "dir_state": dir_state,
            "access": access,
            "auth": auth,
            "tls": tls,
            "tls_fingerprint": fp,
            "loopback": p.addr.ip().is_loopback(),
            "cors_allowed_origins": args.cors_origins,
            "limits": {
                "max_body_bytes": args.max_body,
                "max_pool_size_bytes": args.max_pool_size,
                "max_connections": args.max_connections,
                "max_tail_concurrency": args.max_tails,
                "max_tail_timeout_ms": args.max_tail_timeout.map(|d| d.as_millis() as u64),
                "client_timeout_ms": args.client_timeout.as_millis() as u64,
            },
        }});
        format!("{v}\n")
    } else {
        let mut t = format!(
            "Configuration valid.\n  listen:  {} ({})\n  base:    {base}\n  pools:   {base}/v0/pools\n  \
             health:  {base}/healthz\n  console: {base}/ui/\n  dir:     {} ({dir_state})\n  access:  {access}\n  auth:    {auth}\n  tls:     {tls}\n",
            p.addr,
            if p.addr.ip().is_loopback() { "loopback" } else { "not loopback" },
            absolute(&p.dir)?.display(),
        );
        match (&fp, &p.tls) {
            (Some(fp), _) => t.push_str(&format!("  fingerprint: {fp}\n")),
            (None, Some(_)) => t.push_str("  fingerprint: made at start, printed then\n"),
            _ => {}
        }
        t
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("cannot write to stdout", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_forms() {
        let p = |b: &str, port| parse_bind(b, port).map(|a| a.to_string()).map_err(|e| e.kind());
        assert_eq!(p("127.0.0.1", None), Ok("127.0.0.1:9700".into()));
        assert_eq!(p("127.0.0.1:80", None), Ok("127.0.0.1:80".into()));
        assert_eq!(p("127.0.0.1", Some(81)), Ok("127.0.0.1:81".into()));
        assert_eq!(p("127.0.0.1:81", Some(81)), Ok("127.0.0.1:81".into()));
        assert_eq!(p("::1", None), Ok("[::1]:9700".into()));
        assert_eq!(p("[::1]:82", None), Ok("[::1]:82".into()));
        assert_eq!(p("[::1]", Some(83)), Ok("[::1]:83".into()));
        assert_eq!(p("0.0.0.0:0", None), Ok("0.0.0.0:0".into()));
        assert!(p("localhost:84", None).is_ok());
        for bad in ["", "127.0.0.1:x", "127.0.0.1:70000", "[::1", "[::1]x", "::1]:80"] {
            assert_eq!(p(bad, None), Err(plasmite::ErrorKind::Usage), "{bad:?}");
        }
        assert_eq!(p("127.0.0.1:80", Some(81)), Err(plasmite::ErrorKind::Usage));
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(sh("/a/b-c.pem"), "/a/b-c.pem");
        assert_eq!(sh("/a b/it's"), r"'/a b/it'\''s'");
        assert_eq!(sh(""), "''");
    }
}
