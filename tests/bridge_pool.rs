//! The pool id and durable marks (the library parts of `pls bridge`):
//! ids at create, kept by a copy, given to old pools on a writable open;
//! marks that survive reopening, and a marked append whose publish never
//! happened (a writer killed between the two) that stays invisible.

use plasmite::{Batch, Client, Durability, Pool, PoolOptions};
use std::os::unix::fs::FileExt;

fn write_at(path: &std::path::Path, off: u64, bytes: &[u8]) {
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.write_all_at(bytes, off).unwrap();
}

fn read_at(path: &std::path::Path, off: u64, len: usize) -> Vec<u8> {
    let f = std::fs::File::open(path).unwrap();
    let mut b = vec![0u8; len];
    f.read_exact_at(&mut b, off).unwrap();
    b
}

#[test]
fn every_pool_has_an_id_that_a_copy_keeps_and_a_recreate_changes() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let a = client.create_pool("a", 1 << 16).unwrap();
    let id = a.id().expect("a new pool has an id");
    assert_ne!(id, [0u8; 16]);
    assert_eq!(
        read_at(a.path(), 72, 16),
        id.to_vec(),
        "bytes 72..88 of the header"
    );
    assert_eq!(a.id_hex().unwrap().len(), 32);
    assert_eq!(a.info().unwrap().to_json()["id"], a.id_hex().unwrap().as_str());
    // Reopened: the same id.
    assert_eq!(Pool::open(a.path()).unwrap().id(), Some(id));
    // A copy keeps it.
    let copy = dir.path().join("copy.plasmite");
    std::fs::copy(a.path(), &copy).unwrap();
    assert_eq!(Pool::open(&copy).unwrap().id(), Some(id));
    // Deleted and re-created: a new one.
    drop(a);
    client.delete_pool("a").unwrap();
    let b = client.create_pool("a", 1 << 16).unwrap();
    assert_ne!(b.id(), Some(id));
    let other = client.create_pool("other", 1 << 16).unwrap();
    assert_ne!(other.id(), b.id());
}

#[test]
fn an_old_pool_without_an_id_gets_one_on_its_first_writable_open_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.plasmite");
    let p = Pool::create(
        &path,
        PoolOptions {
            size_bytes: 1 << 16,
            index_capacity: None,
        },
    )
    .unwrap();
    p.append_json(b"{\"x\":1}", &["t"], Durability::Fast).unwrap();
    drop(p);
    // A pool written before ids existed: the reserved bytes are zero.
    write_at(&path, 72, &[0u8; 16]);
    // Read-only (mode 0444 as a non-root user, or a read-only open) cannot
    // give it one; a writable open does, once, and keeps it.
    let p = Pool::open(&path).unwrap();
    let id = p.id().expect("given on the writable open");
    assert_eq!(read_at(&path, 72, 16), id.to_vec());
    assert_eq!(Pool::open(&path).unwrap().id(), Some(id));
    assert_eq!(p.get(1).unwrap().payload(), b"{\"x\":1}");
    // The header checksum does not cover it: doctor stays clean.
    assert!(p.validate().problems.is_empty(), "{:?}", p.validate().problems);
}

#[test]
fn marks_are_durable_named_values_with_the_seq_they_were_set_at() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let p = client.create_pool("m", 1 << 16).unwrap();
    assert_eq!(p.mark("out:x").unwrap(), None);
    p.set_mark("out:x", 41, Durability::Flush).unwrap();
    p.append_json(b"1", &[] as &[&str], Durability::Fast).unwrap();
    p.set_mark("out:y", 7, Durability::Fast).unwrap();
    p.set_mark("out:x", 42, Durability::Fast).unwrap();
    let again = Pool::open(p.path()).unwrap();
    let x = again.mark("out:x").unwrap().unwrap();
    assert_eq!((x.value, x.at_seq), (42, 2));
    let y = again.mark("out:y").unwrap().unwrap();
    assert_eq!((y.value, y.at_seq), (7, 2));
    assert_eq!(again.mark("out:z").unwrap(), None);
    // Seven fit; the eighth name is a Usage error, and the others stay.
    for i in 0..5 {
        p.set_mark(&format!("n{i}"), i, Durability::Fast).unwrap();
    }
    let e = p.set_mark("one-too-many", 1, Durability::Fast).unwrap_err();
    assert_eq!(e.kind(), plasmite::ErrorKind::Usage);
    assert_eq!(p.mark("n4").unwrap().unwrap().value, 4);
    assert!(p.validate().problems.is_empty());
}

#[test]
fn a_marked_append_is_visible_with_its_mark_and_an_unpublished_one_never() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let p = client.create_pool("r", 1 << 16).unwrap();
    let mut batch = Batch::new();
    batch.push_json(b"{\"n\":1}", &["a"]).unwrap();
    batch.push_json(b"{\"n\":2}", &["a"]).unwrap();
    let r = p
        .append_batch_marked(&batch, "in:s", 10, Durability::Fast)
        .unwrap();
    assert_eq!((r.first_seq, r.count), (1, 2));
    let m = p.mark("in:s").unwrap().unwrap();
    assert_eq!((m.value, m.at_seq), (10, 3));

    // A writer killed after staging its mark but before publishing its
    // frames: the published state of before, the mark's new slot current,
    // the pending word set. Made here by putting the old state back.
    let path = p.path().to_path_buf();
    let state_before = read_at(&path, 256, 192);
    batch.clear();
    batch.push_json(b"{\"n\":3}", &["a"]).unwrap();
    p.append_batch_marked(&batch, "in:s", 11, Durability::Fast)
        .unwrap();
    drop(p);
    write_at(&path, 256, &state_before);
    write_at(&path, 512, &1u64.to_le_bytes());
    let p = Pool::open(&path).unwrap();
    assert_eq!(p.newest_seq().unwrap(), Some(2));
    assert_eq!(
        p.mark("in:s").unwrap().unwrap().value,
        10,
        "the unpublished mark is not the mark"
    );
    // Another writer now appends past the staged mark's seq: the next
    // locker undid the staged slot, so it never becomes the mark.
    p.append_json(b"{\"other\":1}", &[] as &[&str], Durability::Fast)
        .unwrap();
    p.append_json(b"{\"other\":2}", &[] as &[&str], Durability::Fast)
        .unwrap();
    assert_eq!(p.newest_seq().unwrap(), Some(4));
    let m = p.mark("in:s").unwrap().unwrap();
    assert_eq!((m.value, m.at_seq), (10, 3));
    // And the next marked append goes on from there.
    batch.clear();
    batch.push_json(b"{\"n\":3}", &["a"]).unwrap();
    p.append_batch_marked(&batch, "in:s", 11, Durability::Flush)
        .unwrap();
    let m = p.mark("in:s").unwrap().unwrap();
    assert_eq!((m.value, m.at_seq), (11, 6));
    assert!(p.validate().problems.is_empty());
}

#[test]
fn a_replicated_message_keeps_data_and_tags_and_shows_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let src = client.create_pool("src", 1 << 16).unwrap();
    let r = src
        .append_json(br#"{"b": 1.50, "a": [1, 2]}"#, &["x", "y"], Durability::Fast)
        .unwrap();
    let m = src.get(r.seq).unwrap();
    let origin = plasmite::Origin {
        pool: src.id().unwrap(),
        seq: m.seq,
        timestamp_ns: m.timestamp_ns,
    };
    let dst = client.create_pool("dst", 1 << 16).unwrap();
    dst.append_json(b"0", &["local"], Durability::Fast).unwrap();
    let mut batch = Batch::new();
    batch.push_json_from(m.payload(), &m.tags(), &origin).unwrap();
    dst.append_batch_marked(&batch, "in:S", 7, Durability::Fast)
        .unwrap();
    let copy = dst.get(2).unwrap();
    assert_eq!(copy.payload(), m.payload(), "data bytes identical");
    assert_eq!(copy.tags(), m.tags(), "tags identical");
    assert_eq!(copy.origin(), Some(origin));
    assert!(
        copy.timestamp_ns >= m.timestamp_ns,
        "the local time is the replica's own"
    );
    let env: serde_json::Value = serde_json::from_slice(&copy.envelope().unwrap()).unwrap();
    assert_eq!(env["seq"], 2);
    assert_eq!(env["meta"]["tags"], serde_json::json!(["x", "y"]));
    assert_eq!(env["meta"]["origin"]["pool"], src.id_hex().unwrap().as_str());
    assert_eq!(env["meta"]["origin"]["seq"], 1);
    assert_eq!(
        env["meta"]["origin"]["time"],
        plasmite::format_rfc3339(m.timestamp_ns).as_str()
    );
    assert_eq!(env["data"], serde_json::json!({"b": 1.50, "a": [1, 2]}));
    // A local message has no origin member.
    let first: serde_json::Value = serde_json::from_slice(&dst.get(1).unwrap().envelope().unwrap()).unwrap();
    assert!(first["meta"].get("origin").is_none());
    // Cursors, --where filters and doctor see the same.
    let mut c = dst
        .cursor(plasmite::CursorOptions {
            filter: Some(plasmite::Filter::new(&[".meta.origin.seq == 1"]).unwrap()),
            ..Default::default()
        })
        .unwrap();
    let hit = c.try_next().unwrap().unwrap();
    assert_eq!((hit.seq, hit.payload), (2, m.payload()));
    assert!(c.try_next().unwrap().is_none());
    assert!(
        dst.validate().problems.is_empty(),
        "{:?}",
        dst.validate().problems
    );
    // The command and the server's info show the id.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pls"))
        .arg("--dir")
        .arg(dir.path())
        .args(["info", "src", "--json"])
        .output()
        .unwrap();
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["pool"]["id"], src.id_hex().unwrap().as_str());
    assert_eq!(
        src.info().unwrap().to_public_json()["id"],
        src.id_hex().unwrap().as_str()
    );
}

#[test]
fn a_nats_url_the_client_cannot_use_is_a_usage_error_at_once() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[
            "bridge",
            "out",
            "p",
            "garbage://x",
            "--stream",
            "S",
            "--subject",
            "s",
        ][..],
        &["bridge", "in", "garbage://x", "--stream", "S", "p"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pls"))
            .args(args)
            .env("PLASMITE_DIR", dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "pls {args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("garbage"), "{err}");
    }
}
