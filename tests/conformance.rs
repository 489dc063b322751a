//! The conformance manifests (`tests/conformance/*.json`) run over the Rust
//! library: the first of three runners (the Node package locally and its
//! remote client against `pls serve` run the same files from
//! `node/test/conformance.test.js`). Multi-process appends use real `pls`
//! processes, each appending through the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use plasmite::{Client, CursorOptions, Durability, Filter, GapPolicy, Start};
use serde_json::{json, Value};

fn manifests() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no manifests in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn opt_u64(v: &Value) -> Option<u64> {
    v.as_u64()
}

struct Lib {
    client: Client,
    dir: PathBuf,
}

impl Lib {
    /// Runs one step; `Ok(result)` or the library's error.
    fn run(&self, step: &Value) -> plasmite::Result<Value> {
        let pool = step["pool"].as_str().unwrap_or("");
        match step["op"].as_str().unwrap() {
            "create" => {
                self.client.create_pool(pool, step["size"].as_u64().unwrap())?;
                Ok(Value::Null)
            }
            "append" => {
                let data = serde_json::to_vec(&step["data"]).unwrap();
                let r = self.client.open_pool(pool)?.append_json(
                    &data,
                    &strs(&step["tags"]),
                    Durability::Fast,
                )?;
                Ok(json!({ "seq": r.seq }))
            }
            "append_many" => {
                let p = self.client.open_pool(pool)?;
                let pad = "x".repeat(step["pad"].as_u64().unwrap_or(0) as usize);
                for i in 1..=step["count"].as_u64().unwrap() {
                    let data = serde_json::to_vec(&json!({ "i": i, "pad": pad })).unwrap();
                    p.append_json(&data, &[] as &[String], Durability::Fast)?;
                }
                Ok(Value::Null)
            }
            "get" => {
                let m = self.client.open_pool(pool)?.get(step["seq"].as_u64().unwrap())?;
                let mut env = Vec::new();
                m.as_ref().write_envelope(&mut env)?;
                let env: Value = serde_json::from_slice(&env).unwrap();
                Ok(json!({ "seq": env["seq"], "tags": env["meta"]["tags"], "data": env["data"] }))
            }
            "tail" => {
                let wheres = strs(&step["where"]);
                let filter = if wheres.is_empty() {
                    None
                } else {
                    Some(Filter::new(&wheres)?)
                };
                let mut c = self.client.open_pool(pool)?.cursor(CursorOptions {
                    start: opt_u64(&step["since_seq"]).map_or(Start::Oldest, Start::Since),
                    max: opt_u64(&step["max"]),
                    tags: strs(&step["tags"]),
                    gaps: if step["error_on_gap"].as_bool() == Some(true) {
                        GapPolicy::Error
                    } else {
                        GapPolicy::Continue
                    },
                    filter,
                    ..Default::default()
                })?;
                let mut seqs = Vec::new();
                while let Some(m) = c.try_next()? {
                    seqs.push(m.seq);
                }
                Ok(json!({ "seqs": seqs }))
            }
            "info" => {
                let i = self.client.pool_info(pool)?;
                Ok(json!({ "oldest": i.oldest, "newest": i.newest, "count": i.message_count }))
            }
            "list" => {
                let names: Vec<String> = self.client.list_pools()?.into_iter().map(|i| i.name).collect();
                Ok(json!({ "names": names }))
            }
            "delete" => {
                self.client.delete_pool(pool)?;
                Ok(Value::Null)
            }
            "multi_append" => {
                self.multi_append(
                    pool,
                    step["procs"].as_u64().unwrap(),
                    step["each"].as_u64().unwrap(),
                );
                Ok(Value::Null)
            }
            other => panic!("unknown op {other}"),
        }
    }

    /// `procs` `pls append` processes at once, each appending `each` lines.
    fn multi_append(&self, pool: &str, procs: u64, each: u64) {
        let children: Vec<_> = (0..procs)
            .map(|w| {
                let mut child = Command::new(env!("CARGO_BIN_EXE_pls"))
                    .arg("--dir")
                    .arg(&self.dir)
                    .args(["append", pool, "--quiet"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                let mut input = String::new();
                for i in 0..each {
                    input.push_str(&format!("{{\"w\":{w},\"i\":{i}}}\n"));
                }
                child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
                child
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success(), "a pls append writer failed");
        }
    }

    fn all_data(&self, pool: &str) -> Vec<Value> {
        let mut c = self
            .client
            .open_pool(pool)
            .unwrap()
            .cursor(CursorOptions::default())
            .unwrap();
        let mut out = Vec::new();
        while let Some(m) = c.try_next().unwrap() {
            let mut env = Vec::new();
            m.write_envelope(&mut env).unwrap();
            out.push(serde_json::from_slice::<Value>(&env).unwrap()["data"].clone());
        }
        out
    }
}

fn run_manifest(file: &str, manifest: &Value, dir: &Path) {
    let lib = Lib {
        client: Client::new(dir),
        dir: dir.to_owned(),
    };
    for (n, step) in manifest["steps"].as_array().unwrap().iter().enumerate() {
        let at = format!("{file} step {} ({step})", n + 1);
        let got = lib.run(step);
        if let Some(want) = step.get("error") {
            let e = match got {
                Err(e) => e,
                Ok(v) => panic!("{at}: expected a {} error, got {v}", want["kind"]),
            };
            assert_eq!(
                e.kind().as_str(),
                want["kind"].as_str().unwrap(),
                "{at}: {}",
                e.message()
            );
            for frag in strs(&want["contains"]) {
                assert!(
                    e.message().contains(&frag),
                    "{at}: message {:?} lacks {frag:?}",
                    e.message()
                );
            }
            if let Some(seq) = want.get("seq") {
                assert_eq!(e.seq(), seq.as_u64(), "{at}");
            }
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{at}: {}: {}", e.kind().as_str(), e.message()));
        let Some(expect) = step.get("expect") else {
            continue;
        };
        match step["op"].as_str().unwrap() {
            "multi_append" => {
                let data: Vec<Value> = lib
                    .all_data(step["pool"].as_str().unwrap())
                    .into_iter()
                    .filter(|d| d["w"].is_u64())
                    .collect();
                assert_eq!(data.len() as u64, expect["count"].as_u64().unwrap(), "{at}");
                let mut next = vec![0u64; step["procs"].as_u64().unwrap() as usize];
                for d in data {
                    let w = d["w"].as_u64().unwrap() as usize;
                    assert_eq!(d["i"].as_u64().unwrap(), next[w], "{at}: writer {w} out of order");
                    next[w] += 1;
                }
            }
            "tail" if expect["seqs"].as_array().unwrap().iter().any(|s| s == "oldest") => {
                let info = lib.run(&json!({ "op": "info", "pool": step["pool"] })).unwrap();
                let want: Vec<Value> = expect["seqs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        if s == "oldest" {
                            info["oldest"].clone()
                        } else {
                            s.clone()
                        }
                    })
                    .collect();
                assert_eq!(got["seqs"], Value::Array(want), "{at}");
            }
            _ => {
                for (k, v) in expect.as_object().unwrap() {
                    assert_eq!(&got[k], v, "{at}: {k}");
                }
            }
        }
    }
}

#[test]
fn manifests_pass_over_the_library() {
    for (file, manifest) in manifests() {
        let dir = tempfile::tempdir().unwrap();
        run_manifest(&file, &manifest, dir.path());
    }
}
