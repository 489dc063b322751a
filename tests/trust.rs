//! Remote trust, end to end with the real binary: `pls serve init` (token,
//! certificate, key), a real `pls serve` over TLS reached by `pls
//! append/get/tail/list https://…` with `--tls-ca`, `SSL_CERT_FILE`,
//! `--tls-fingerprint`, `--tls-skip-verify` and `--token-file`; `pls serve
//! check`; `--tls-self-signed`; `--bind HOST:PORT`; the non-loopback rules
//! (`--allow-non-loopback`, `--insecure-no-tls`); and subcommand names that
//! are never taken for a pool directory.

use crate::serve_support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serve_support::pls;

/// `pls` without the variables a test must set itself.
fn cmd() -> Command {
    let mut c = pls();
    c.env_remove("PLASMITE_TOKEN")
        .env_remove("SSL_CERT_FILE")
        .env_remove("PLASMITE_DIR")
        .stdin(Stdio::null());
    c
}

fn run(args: &[&str]) -> Output {
    cmd().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn err_json(o: &Output) -> serde_json::Value {
    let e = text(&o.stderr);
    let line = e
        .lines()
        .find(|l| l.starts_with("{\"error\""))
        .unwrap_or_else(|| panic!("no error in {e:?}"));
    serde_json::from_str(line).unwrap()
}

/// The three files of `pls serve init DIR`.
struct Init {
    _tmp: tempfile::TempDir,
    files: [PathBuf; 3],
    fingerprint: String,
}

impl Init {
    fn token(&self) -> &Path {
        &self.files[0]
    }
    fn cert(&self) -> &Path {
        &self.files[1]
    }
    fn key(&self) -> &Path {
        &self.files[2]
    }
}

fn init() -> Init {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let o = run(&["serve", "init", dir.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    Init {
        _tmp: tmp,
        files: [
            dir.join("plasmite-auth-token.txt"),
            dir.join("plasmite-tls-cert.pem"),
            dir.join("plasmite-tls-key.pem"),
        ],
        fingerprint: v["init"]["tls_fingerprint"].as_str().unwrap().to_string(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A running `pls serve` with its stderr lines, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    _pools: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
    /// Waits (bounded) for a stderr line containing `needle`.
    fn wait_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(l) = self.log.lock().unwrap().iter().find(|l| l.contains(needle)) {
                return l.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in {:?}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Starts `pls serve POOLS ARGS`; `Ok` once it printed its listening line
/// (port parsed from it), `Err(output)` when it exited instead.
fn serve(args: &[&str]) -> Result<Serve, Output> {
    let pools = tempfile::tempdir().unwrap();
    let mut child = cmd()
        .arg("serve")
        .arg(pools.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let first = loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("listening on") => break l,
            Some(Ok(l)) => seen.push(l),
            _ => {
                let mut out = child.wait_with_output().unwrap();
                out.stderr = seen.join("\n").into_bytes();
                return Err(out);
            }
        }
    };
    let port = first
        .rsplit(':')
        .next()
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    let log = Arc::new(Mutex::new(vec![first]));
    let sink = log.clone();
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(l);
        }
    });
    Ok(Serve {
        child,
        port,
        log,
        _pools: pools,
    })
}

fn tls_server(i: &Init) -> Serve {
    serve(&[
        "--port",
        "0",
        "--token-file",
        s(i.token()),
        "--tls-cert",
        s(i.cert()),
        "--tls-key",
        s(i.key()),
    ])
    .unwrap_or_else(|o| panic!("serve failed: {}", text(&o.stderr)))
}

#[test]
fn init_writes_a_private_token_and_a_certificate_and_prints_the_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a/b");
    // On a terminal (script(1) gives it one), text; the JSON form is
    // checked below.
    let o = Command::new("script")
        .env_remove("PLASMITE_TOKEN")
        .env_remove("PLASMITE_DIR")
        .stdin(Stdio::null())
        .arg("-qec")
        .arg(format!(
            "{} serve init {}",
            env!("CARGO_BIN_EXE_pls"),
            dir.display()
        ))
        .arg("/dev/null")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout).replace('\r', "");
    assert!(out.starts_with("Wrote, in "), "{out}");
    let mode = |f: &str| std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("plasmite-auth-token.txt"), 0o600);
    assert_eq!(mode("plasmite-tls-key.pem"), 0o600);
    let token = std::fs::read_to_string(dir.join("plasmite-auth-token.txt")).unwrap();
    let token = token.trim_end();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!out.contains(token), "the token is printed: {out}");
    let cert = std::fs::read_to_string(dir.join("plasmite-tls-cert.pem")).unwrap();
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"));
    let key = std::fs::read_to_string(dir.join("plasmite-tls-key.pem")).unwrap();
    assert!(key.contains("PRIVATE KEY"));
    // The fingerprint and the exact commands.
    assert!(out.contains("SHA256:"), "{out}");
    let cert_path = dir.canonicalize().unwrap().join("plasmite-tls-cert.pem");
    assert!(
        out.contains(&format!("--tls-ca {}", cert_path.display())),
        "{out}"
    );
    assert!(out.contains("pls serve "), "{out}");
    assert!(out.contains("--allow-non-loopback"), "{out}");

    // Never overwritten without --force (AlreadyExists, exit 4) ...
    let again = run(&["serve", "init", s(&dir)]);
    assert_eq!(again.status.code(), Some(4), "{}", text(&again.stderr));
    assert_eq!(err_json(&again)["error"]["kind"], "AlreadyExists");
    assert_eq!(
        std::fs::read_to_string(dir.join("plasmite-tls-cert.pem")).unwrap(),
        cert
    );
    // ... and replaced with it, keeping the modes.
    // Piped: JSON, as with plasmite 0.8.0.
    let forced = run(&["serve", "init", "--output-dir", s(&dir), "--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_ne!(
        std::fs::read_to_string(dir.join("plasmite-tls-cert.pem")).unwrap(),
        cert
    );
    assert_eq!(mode("plasmite-auth-token.txt"), 0o600);
    let v: serde_json::Value = serde_json::from_slice(&forced.stdout).unwrap();
    let fp = v["init"]["tls_fingerprint"].as_str().unwrap();
    assert_eq!(fp.len(), "SHA256:".len() + 32 * 3 - 1, "{fp}");
    assert!(v["init"]["client_commands"][0]
        .as_str()
        .unwrap()
        .contains("--token-file"));
    assert!(v["init"]["server_commands"][0]
        .as_str()
        .unwrap()
        .contains("--tls-key"));
}

#[test]
fn an_init_server_is_reached_with_its_ca_file_or_ssl_cert_file_and_refused_without() {
    let i = init();
    let srv = tls_server(&i);
    // The server prints the fingerprint init printed.
    assert!(srv.wait_log("TLS certificate").contains(&i.fingerprint));
    let url = format!("{}/demo", srv.base());

    // append with --tls-ca and --token-file.
    let o = run(&[
        "append",
        &url,
        "--create",
        "--token-file",
        s(i.token()),
        "--tls-ca",
        s(i.cert()),
        r#"{"n":1}"#,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"seq\":1"));

    // get with SSL_CERT_FILE and the token in PLASMITE_TOKEN.
    let token = std::fs::read_to_string(i.token()).unwrap();
    let o = cmd()
        .args(["get", &url, "1"])
        .env("SSL_CERT_FILE", i.cert())
        .env("PLASMITE_TOKEN", token.trim())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(r#""data":{"n":1}"#));

    // tail and list with --tls-ca, through the host name too.
    let o = run(&[
        "tail",
        &url,
        "--token-file",
        s(i.token()),
        "--tls-ca",
        s(i.cert()),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 1);
    let o = run(&[
        "list",
        &format!("https://localhost:{}", srv.port),
        "--json",
        "--token-file",
        s(i.token()),
        "--tls-ca",
        s(i.cert()),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"demo\""));

    // duplex and group take the same trust flags (duplex once took only
    // the token, so an https server was out of its reach).
    let mut child = cmd()
        .args([
            "duplex",
            &url,
            "--token-file",
            s(i.token()),
            "--tls-ca",
            s(i.cert()),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"n\":2}\n").unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let trusted = |args: &[&str]| {
        let flags = ["--token-file", s(i.token()), "--tls-ca", s(i.cert())];
        run(&[args, &flags[..]].concat())
    };
    let o = trusted(&["group", "create", &url, "g"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = trusted(&["group", "list", &url, "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"name\":\"g\""), "{}", text(&o.stdout));
    let o = trusted(&["group", "delete", &url, "g"]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    // Without trust: Permission (exit 6), saying why and what to do, for
    // every command.
    for args in [
        vec!["get", url.as_str(), "1"],
        vec!["tail", url.as_str()],
        vec!["append", url.as_str(), "{}"],
    ] {
        let mut a = args.clone();
        a.extend(["--token-file", s(i.token())]);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(6), "{args:?}: {}", text(&o.stderr));
        let e = err_json(&o);
        assert_eq!(e["error"]["kind"], "Permission");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("not trusted"),
            "{e}"
        );
        assert!(e["error"]["hint"].as_str().unwrap().contains("--tls-ca"), "{e}");
    }
    // Another CA does not help.
    let other = init();
    let o = run(&[
        "get",
        &url,
        "1",
        "--token-file",
        s(i.token()),
        "--tls-ca",
        s(other.cert()),
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stderr));
    // Nothing was appended by the refused commands.
    let o = run(&[
        "tail",
        &url,
        "--token-file",
        s(i.token()),
        "--tls-ca",
        s(i.cert()),
    ]);
    assert_eq!(text(&o.stdout).lines().count(), 2);
}

#[test]
fn skip_verify_works_and_warns_every_run() {
    let i = init();
    let srv = tls_server(&i);
    let url = format!("{}/demo", srv.base());
    for n in 1..=2 {
        let o = run(&[
            "append",
            &url,
            "--create",
            "--token-file",
            s(i.token()),
            "--tls-skip-verify",
            r#"{"k":1}"#,
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("warning") && err.contains("--tls-skip-verify"),
            "run {n}: {err}"
        );
    }
    let o = run(&["tail", &url, "--token-file", s(i.token()), "--tls-skip-verify"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 2);
    assert!(text(&o.stderr).contains("warning"));
}

#[test]
fn token_file_errors_and_precedence() {
    let i = init();
    let srv = tls_server(&i);
    let url = format!("{}/demo", srv.base());
    let ca = ["--tls-ca", s(i.cert())];
    // A missing token file: NotFound (exit 3; an unreadable one is Io),
    // naming the file.
    let o = run(&[&["info", &url, "--token-file", "/nonexistent/token"][..], &ca].concat());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert!(err_json(&o)["error"]["path"]
        .as_str()
        .unwrap()
        .contains("nonexistent"));
    // A wrong token in the file: the server's 401 (Permission).
    let tmp = tempfile::tempdir().unwrap();
    let wrong = tmp.path().join("wrong");
    std::fs::write(&wrong, "not-the-token\n").unwrap();
    let o = run(&[&["list", &srv.base(), "--token-file", s(&wrong)][..], &ca].concat());
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stderr));
    // --token-file wins over PLASMITE_TOKEN.
    let o = cmd()
        .args([&["list", &srv.base(), "--token-file", s(i.token())][..], &ca].concat())
        .env("PLASMITE_TOKEN", "not-the-token")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    // An empty token file is a usage error.
    let empty = tmp.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let o = run(&[&["list", &srv.base(), "--token-file", s(&empty)][..], &ca].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn self_signed_server_prints_a_fingerprint_that_clients_pin() {
    let tmp = tempfile::tempdir().unwrap();
    let token = tmp.path().join("t");
    std::fs::write(&token, "tok123\n").unwrap();
    let srv = serve(&["--port", "0", "--tls-self-signed", "--token-file", s(&token)])
        .unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    assert!(srv.log.lock().unwrap()[0].contains("https://127.0.0.1:"));
    let line = srv.wait_log("TLS certificate");
    let fp = line
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap_or_else(|| panic!("no fingerprint in {line:?}"))
        .to_string();
    let url = format!("{}/p", srv.base());
    let o = run(&[
        "append",
        &url,
        "--create",
        "--token-file",
        s(&token),
        "--tls-fingerprint",
        &fp,
        "{}",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(&[
        "get",
        &url,
        "1",
        "--token-file",
        s(&token),
        "--tls-fingerprint",
        &fp,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Unpinned, it is not trusted; pinned to another certificate, neither.
    let o = run(&["get", &url, "1", "--token-file", s(&token)]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stderr));
    let other = format!("SHA256:{}", ["00"; 32].join(":"));
    let o = run(&[
        "get",
        &url,
        "1",
        "--token-file",
        s(&token),
        "--tls-fingerprint",
        &other,
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stderr));
    assert!(err_json(&o)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("fingerprint"));
    // check: a self-signed certificate is made at start, so no fingerprint yet.
    let o = run(&["serve", "--tls-self-signed", "check", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["check"]["tls"], "self-signed");
    assert!(v["check"]["tls_fingerprint"].is_null());
    assert_eq!(v["check"]["base_url"], "https://127.0.0.1:9700");
    // A malformed pin is a usage error.
    let o = run(&["get", &url, "1", "--tls-fingerprint", "SHA256:12"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn check_validates_and_prints_the_endpoints() {
    let i = init();
    let pools = tempfile::tempdir().unwrap();
    let base_args = |cert: &Path, key: &Path| {
        vec![
            "serve".to_string(),
            s(pools.path()).to_string(),
            "--bind".into(),
            "0.0.0.0:9711".into(),
            "--allow-non-loopback".into(),
            "--token-file".into(),
            s(i.token()).to_string(),
            "--tls-cert".into(),
            s(cert).to_string(),
            "--tls-key".into(),
            s(key).to_string(),
            "check".into(),
        ]
    };
    let mut ok = base_args(i.cert(), i.key());
    ok.push("--json".into());
    let o = cmd().args(&ok).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["check"];
    assert_eq!(c["status"], "valid");
    assert_eq!(c["listen"], "0.0.0.0:9711");
    assert_eq!(c["base_url"], "https://127.0.0.1:9711");
    assert_eq!(c["tls"], "files");
    assert_eq!(c["tls_fingerprint"], i.fingerprint.as_str());
    assert_eq!(c["auth"], "bearer token (--token-file)");
    assert_eq!(c["access"], "read-write");

    // Human output.
    let o = cmd().args(base_args(i.cert(), i.key())).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("https://127.0.0.1:9711/v0/pools"));

    // A broken certificate, a key that is not the certificate's, a missing
    // token file.
    let tmp = tempfile::tempdir().unwrap();
    let junk = tmp.path().join("junk.pem");
    std::fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let o = cmd().args(base_args(&junk, i.key())).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let other = init();
    let o = cmd().args(base_args(i.cert(), other.key())).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        err_json(&o)["error"]["message"].as_str().unwrap().contains("TLS"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["serve", "--token-file", "/nonexistent/t", "check"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    // A bad bind address, and a port given twice.
    let o = run(&["serve", "--bind", "127.0.0.1:notaport", "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = run(&["serve", "--bind", "127.0.0.1:5000", "--port", "5001", "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // The non-loopback rules, without starting anything.
    let o = run(&[
        "serve",
        s(pools.path()),
        "--bind",
        "0.0.0.0:9711",
        "--token",
        "t",
        "check",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--allow-non-loopback"));
    // A pool directory that cannot be made.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let o = run(&["serve", s(&file.join("pools")), "check"]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stdout));
    // One that exists, or that can be made, is fine (and is not made).
    let o = run(&["serve", s(&tmp.path().join("new/pools")), "check", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("will be created"));
    assert!(!tmp.path().join("new").exists());
}

#[test]
fn bind_takes_host_and_port_in_one() {
    let srv = serve(&["--bind", "127.0.0.1:0"]).unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    assert!(srv.port > 0);
    let r = ureq_free_get(srv.port);
    assert!(r.contains("200"), "{r}");
    let srv6 = serve(&["--bind", "[::1]:0"]);
    if let Ok(srv6) = srv6 {
        assert!(srv6.log.lock().unwrap()[0].contains("[::1]:"));
    }
}

/// `GET /healthz` over a raw socket: the status line.
fn ureq_free_get(port: u16) -> String {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    let _ = c.read_to_string(&mut out);
    out.lines().next().unwrap_or("").to_string()
}

#[test]
fn non_loopback_needs_opt_in_and_writes_need_tls() {
    let i = init();
    let tok = ["--token-file", s(i.token())];
    // No --allow-non-loopback: refused at start.
    let o = serve(&[&["--bind", "0.0.0.0:0"][..], &tok].concat())
        .err()
        .expect("started");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--allow-non-loopback"),
        "{}",
        text(&o.stderr)
    );
    // Opted in, read-write over plain HTTP: refused, naming the ways out.
    let o = serve(&[&["--bind", "0.0.0.0:0", "--allow-non-loopback"][..], &tok].concat())
        .err()
        .expect("started");
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("--insecure-no-tls") && e.contains("HTTPS"), "{e}");
    // Still refused without a token, whatever else.
    let o = serve(&["--bind", "0.0.0.0:0", "--allow-non-loopback", "--insecure-no-tls"])
        .err()
        .expect("started");
    assert!(text(&o.stderr).contains("without a token"));

    // Read-only needs no TLS.
    let ro = serve(
        &[
            &[
                "--bind",
                "0.0.0.0:0",
                "--allow-non-loopback",
                "--access",
                "read-only",
            ][..],
            &tok,
        ]
        .concat(),
    )
    .unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    assert!(ro.log.lock().unwrap()[0].contains("0.0.0.0:"));
    drop(ro);

    // --insecure-no-tls: writes over plain HTTP with the token.
    let plain = serve(
        &[
            &["--bind", "0.0.0.0:0", "--allow-non-loopback", "--insecure-no-tls"][..],
            &tok,
        ]
        .concat(),
    )
    .unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    let url = format!("http://127.0.0.1:{}/p", plain.port);
    let o = run(&[&["append", &url, "--create", "{}"][..], &tok].concat());
    assert!(o.status.success(), "{}", text(&o.stderr));
    drop(plain);

    // With TLS: writes over HTTPS.
    let tls = serve(
        &[
            &[
                "--bind",
                "0.0.0.0:0",
                "--allow-non-loopback",
                "--tls-cert",
                s(i.cert()),
                "--tls-key",
                s(i.key()),
            ][..],
            &tok,
        ]
        .concat(),
    )
    .unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    let url = format!("https://127.0.0.1:{}/p", tls.port);
    let o = run(&[
        &["append", &url, "--create", "{}", "--tls-ca", s(i.cert())][..],
        &tok,
    ]
    .concat());
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn serve_init_never_serves_a_directory_named_init() {
    let cwd = tempfile::tempdir().unwrap();
    let pools = cwd.path().join("pools");
    // `pls serve init` writes the files into the current directory and
    // exits: it does not serve, and makes no directory named init.
    let mut child = cmd()
        .current_dir(cwd.path())
        .arg("--dir")
        .arg(&pools)
        .args(["serve", "init"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "`pls serve init` is still running (serving?)"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    assert!(!cwd.path().join("init").exists());
    assert!(cwd.path().join("plasmite-tls-cert.pem").exists());
    // The same for check.
    let o = cmd()
        .current_dir(cwd.path())
        .args(["serve", "check"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!cwd.path().join("check").exists());
    // `init` as a positional (after --) is refused, with the way to say it.
    for name in ["init", "check", "help"] {
        let o = cmd()
            .current_dir(cwd.path())
            .args(["serve", "--port", "0", "--", name])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o.stderr));
        let e = err_json(&o);
        assert_eq!(e["error"]["kind"], "Usage");
        assert!(
            e["error"]["hint"]
                .as_str()
                .unwrap()
                .contains(&format!("./{name}")),
            "{e}"
        );
        assert!(!cwd.path().join(name).exists());
    }
    // ./init is a directory, and is served.
    let o = cmd()
        .current_dir(cwd.path())
        .args(["serve", "./init", "--port", "0", "check", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["check"]["dir"].as_str().unwrap().ends_with("/init"), "{v}");
}

#[test]
fn ca_file_errors_and_plain_http_never_reads_them() {
    let i = init();
    let srv = tls_server(&i);
    let url = format!("{}/p", srv.base());
    let tok = ["--token-file", s(i.token())];
    // A missing CA file: NotFound (exit 3), naming it.
    let o = run(&[&["info", &url, "--tls-ca", "/nonexistent/ca.pem"][..], &tok].concat());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert_eq!(err_json(&o)["error"]["path"], "/nonexistent/ca.pem");
    // One without a certificate (the key file): Usage (exit 2).
    let o = run(&[&["info", &url, "--tls-ca", s(i.key())][..], &tok].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // SSL_CERT_FILE naming a missing file is an error too, for https.
    let o = cmd()
        .args([&["info", &url][..], &tok].concat())
        .env("SSL_CERT_FILE", "/nonexistent/bundle.pem")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    // A plain http:// reference never reads them.
    let plain = serve(&["--port", "0"]).unwrap_or_else(|o| panic!("{}", text(&o.stderr)));
    let o = cmd()
        .args([
            "list",
            &format!("http://127.0.0.1:{}", plain.port),
            "--tls-ca",
            "/nonexistent/ca.pem",
        ])
        .env("SSL_CERT_FILE", "/nonexistent/bundle.pem")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
}
