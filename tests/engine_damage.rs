//! Damaged pool files: wrong magic, newer or unknown versions, truncated or
//! extended files, and (seeded) random bytes flipped in the header, the index
//! and the ring. Opening, reading and validating must give the right error
//! kind or the right message: never a panic, a hang, a SIGBUS (which would
//! kill this process) or a wrong message.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use plasmite::Geometry;
use plasmite::{Client, CursorOptions, Durability, ErrorKind, Pool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What was appended: seq → (tags JSON, payload, timestamp).
type Expected = BTreeMap<u64, (Vec<u8>, Vec<u8>, u64)>;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    pristine: Vec<u8>,
    geo: Geometry,
    /// The retained messages.
    expected: Expected,
    /// Seqs appended but no longer retained.
    evicted: Vec<u64>,
}

/// A 256 KiB pool that has wrapped (so it holds wrap markers and stale
/// frames), messages of varied sizes and tags.
fn fixture(index_capacity: Option<u64>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path())
        .create_pool_with(
            "damaged",
            plasmite::PoolOptions {
                size_bytes: 256 * 1024,
                index_capacity,
            },
        )
        .unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let mut all = BTreeMap::new();
    for i in 0..1500u64 {
        let fill = if rng.gen_ratio(1, 10) {
            rng.gen_range(500..5000)
        } else {
            rng.gen_range(0..200)
        };
        let payload = format!("{{\"i\":{i},\"f\":\"{}\"}}", "z".repeat(fill)).into_bytes();
        let tags: Vec<String> = (0..i % 3).map(|t| format!("t{t}")).collect();
        let r = pool.append_json(&payload, &tags, Durability::Fast).unwrap();
        let tags_json = if tags.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&tags).unwrap()
        };
        all.insert(r.seq, (tags_json, payload, r.timestamp_ns));
    }
    let info = pool.info().unwrap();
    let oldest = info.oldest.unwrap();
    assert!(oldest > 100, "the fixture pool must have wrapped");
    let evicted: Vec<u64> = (1..oldest).collect();
    let expected = all.split_off(&oldest);
    let geo = pool.geometry();
    assert!(pool.validate().is_clean());
    drop(pool);
    let path = dir.path().join("damaged.plasmite");
    let pristine = std::fs::read(&path).unwrap();
    Fixture {
        _dir: dir,
        path,
        pristine,
        geo,
        expected,
        evicted,
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

fn open_err(path: &Path) -> plasmite::Error {
    let e = Pool::open(path).expect_err("a damaged pool opened");
    let report = plasmite::validate_path(path);
    assert!(!report.is_clean(), "validate_path found nothing wrong");
    assert_eq!(report.problems[0].kind, e.kind());
    e
}

#[test]
fn wrong_magic_is_corrupt() {
    let f = fixture(None);
    for (off, val) in [(0usize, b'p'), (7, 0), (3, 0xFF)] {
        let mut b = f.pristine.clone();
        b[off] = val;
        write(&f.path, &b);
        assert_eq!(open_err(&f.path).kind(), ErrorKind::Corrupt);
    }
    // Not a pool at all.
    write(&f.path, &vec![0u8; 256 * 1024]);
    assert_eq!(open_err(&f.path).kind(), ErrorKind::Corrupt);
    write(&f.path, b"{\"hello\": \"world\"}\n");
    assert_eq!(open_err(&f.path).kind(), ErrorKind::Corrupt);
}

#[test]
fn newer_version_is_usage_with_a_hint_and_unknown_older_is_corrupt() {
    let f = fixture(None);
    for v in [2u32, 3, 1000, u32::MAX] {
        let mut b = f.pristine.clone();
        b[8..12].copy_from_slice(&v.to_le_bytes());
        write(&f.path, &b);
        let e = open_err(&f.path);
        assert_eq!(e.kind(), ErrorKind::Usage, "version {v}: {e:?}");
        let hint = e.hint().expect("a newer version comes with a hint");
        assert!(hint.contains("upgrade"), "{hint}");
        assert!(e.message().contains(&v.to_string()), "{e}");
        // The client and delete see it the same way.
        let client = Client::new(f.path.parent().unwrap());
        assert_eq!(client.open_pool("damaged").unwrap_err().kind(), ErrorKind::Usage);
    }
    let mut b = f.pristine.clone();
    b[8..12].copy_from_slice(&0u32.to_le_bytes());
    write(&f.path, &b);
    assert_eq!(open_err(&f.path).kind(), ErrorKind::Corrupt);
}

#[test]
fn truncated_or_extended_files_are_corrupt() {
    let f = fixture(None);
    let len = f.pristine.len();
    for cut in [
        0,
        1,
        8,
        67,
        68,
        100,
        4095,
        4096,
        4097,
        8192,
        len / 2,
        len - 4096,
        len - 8,
        len - 1,
    ] {
        write(&f.path, &f.pristine[..cut]);
        let e = open_err(&f.path);
        assert_eq!(e.kind(), ErrorKind::Corrupt, "cut at {cut}: {e:?}");
    }
    for extra in [1usize, 7, 4096, len] {
        let mut b = f.pristine.clone();
        b.resize(b.len() + extra, 0);
        write(&f.path, &b);
        assert_eq!(
            open_err(&f.path).kind(),
            ErrorKind::Corrupt,
            "extended by {extra}"
        );
    }
    // Truncated, then grown back to the right length with zeros: the header
    // is fine but the ring's tail is gone.
    let mut b = f.pristine[..len / 2].to_vec();
    b.resize(len, 0);
    write(&f.path, &b);
    let pool = Pool::open(&f.path).unwrap();
    check_reads(&pool, &f, "zero-filled tail");
    assert!(!pool.validate().is_clean());
}

/// Reads everything the damaged pool claims to hold: each answer is the
/// right message or a `Corrupt` error (never a wrong message), and damage
/// that any read runs into is also found by validate. Returns whether every
/// read succeeded.
fn check_reads(pool: &Pool, f: &Fixture, what: &str) -> bool {
    let report = pool.validate();
    for p in &report.problems {
        assert_eq!(p.kind, ErrorKind::Corrupt, "{what}: {report:?}");
    }
    let mut all_ok = true;
    // Info either works or reports the damage.
    match pool.info() {
        Ok(info) => {
            assert_eq!(info.oldest, f.expected.keys().next().copied(), "{what}");
            assert_eq!(info.newest, f.expected.keys().next_back().copied(), "{what}");
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: {e:?}");
            all_ok = false;
        }
    }
    for (&seq, (tags, payload, ts)) in &f.expected {
        match pool.get(seq) {
            Ok(m) => {
                assert_eq!(m.seq, seq, "{what}");
                assert_eq!(m.as_ref().tags_json, &tags[..], "{what}: seq {seq} wrong tags");
                assert_eq!(m.payload(), &payload[..], "{what}: seq {seq} wrong payload");
                assert_eq!(m.timestamp_ns, *ts, "{what}: seq {seq} wrong time");
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: get({seq}): {e:?}");
                all_ok = false;
            }
        }
    }
    for &seq in f.evicted.iter().rev().take(20) {
        match pool.get(seq) {
            Ok(m) => panic!("{what}: get({seq}) of an evicted seq returned {m:?}"),
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Corrupt),
                "{what}: {e:?}"
            ),
        }
    }
    match pool.cursor(CursorOptions::default()) {
        Ok(mut c) => {
            let mut want = f.expected.iter();
            loop {
                match c.try_next() {
                    Ok(Some(m)) => {
                        let (&seq, (tags, payload, _)) = want.next().expect("cursor returned extra messages");
                        assert_eq!(m.seq, seq, "{what}: cursor out of order");
                        assert_eq!(m.tags_json, &tags[..], "{what}: cursor seq {seq}");
                        assert_eq!(m.payload, &payload[..], "{what}: cursor seq {seq}");
                    }
                    Ok(None) => {
                        assert!(
                            want.next().is_none(),
                            "{what}: cursor ended early without an error"
                        );
                        break;
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: cursor: {e:?}");
                        all_ok = false;
                        break;
                    }
                }
            }
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: cursor: {e:?}");
            all_ok = false;
        }
    }
    if !all_ok {
        assert!(
            !report.is_clean(),
            "{what}: reads failed but validate found nothing: {report:?}"
        );
    }
    if report.is_clean() {
        assert!(all_ok, "{what}: validate is clean but reads failed");
        assert_eq!(report.messages_checked, f.expected.len() as u64, "{what}");
    }
    all_ok
}

/// One trial: flip 1..=3 random bytes of `region`, then open, read,
/// validate, and try one append.
fn flip_trial(f: &Fixture, rng: &mut StdRng, region: std::ops::Range<usize>, what: &str) -> &'static str {
    let mut b = f.pristine.clone();
    let mut offs = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let off = rng.gen_range(region.clone());
        b[off] ^= rng.gen_range(1..=255u8);
        offs.push(off);
    }
    let what = format!("{what} flips at {offs:?}");
    write(&f.path, &b);
    let pool = match Pool::open(&f.path) {
        Ok(p) => p,
        Err(e) => {
            let version_hit = offs.iter().any(|o| (8..12).contains(o));
            let ok = e.kind() == ErrorKind::Corrupt || (version_hit && e.kind() == ErrorKind::Usage);
            assert!(ok, "{what}: open gave {e:?}");
            return "refused";
        }
    };
    let clean = check_reads(&pool, f, &what);
    // Appending to a damaged pool either fails cleanly or stores a message
    // that reads back intact. (The writer mutex bytes are left alone: a
    // scribbled-over mutex is the one thing a lock cannot detect.)
    if !offs.iter().any(|o| (128..256).contains(o)) {
        let payload = br#"{"after":"damage"}"#;
        match pool.append_json(payload, &["x"], Durability::Fast) {
            Ok(r) => {
                let m = pool.get(r.seq);
                match m {
                    Ok(m) => assert_eq!(m.payload(), payload, "{what}"),
                    Err(e) => assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: {e:?}"),
                }
            }
            Err(e) => assert_eq!(e.kind(), ErrorKind::Corrupt, "{what}: append: {e:?}"),
        }
    }
    if clean {
        "harmless"
    } else {
        "detected"
    }
}

fn flip_many(seed: u64, trials: usize, region: impl Fn(&Geometry) -> std::ops::Range<usize>, what: &str) {
    let t0 = Instant::now();
    let f = fixture(if seed % 2 == 0 { None } else { Some(512) });
    let mut rng = StdRng::seed_from_u64(seed);
    let mut outcomes = BTreeMap::new();
    for t in 0..trials {
        let o = flip_trial(&f, &mut rng, region(&f.geo), &format!("{what} trial {t}"));
        *outcomes.entry(o).or_insert(0) += 1;
    }
    eprintln!("{what}: {outcomes:?} in {:?}", t0.elapsed());
    assert!(
        outcomes.get("refused").copied().unwrap_or(0) + outcomes.get("detected").copied().unwrap_or(0) > 0
    );
}

#[test]
fn flipped_bytes_in_the_static_header() {
    flip_many(11, 300, |_| 0..68, "static header");
}

#[test]
fn flipped_bytes_in_the_published_state() {
    flip_many(12, 300, |_| 256..456, "published state");
}

#[test]
fn flipped_bytes_anywhere_in_the_header_page() {
    flip_many(13, 300, |_| 0..4096, "header page");
}

#[test]
fn flipped_bytes_in_the_index() {
    let t0 = Instant::now();
    // The index is only a hint: damage there never changes an answer.
    let f = fixture(None);
    let mut rng = StdRng::seed_from_u64(14);
    let range = 4096..(4096 + 8 * f.geo.index_capacity as usize);
    for t in 0..300 {
        let o = flip_trial(&f, &mut rng, range.clone(), &format!("index trial {t}"));
        assert_eq!(o, "harmless", "index damage changed a read");
    }
    // Slots pointing anywhere at all.
    for v in [0u64, 1, 8, u64::MAX, u64::MAX - 7, f.geo.ring_size, 1 << 40] {
        let mut b = f.pristine.clone();
        for slot in 0..f.geo.index_capacity as usize {
            b[4096 + slot * 8..4096 + slot * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        write(&f.path, &b);
        let pool = Pool::open(&f.path).unwrap();
        assert!(check_reads(&pool, &f, &format!("every slot = {v}")));
    }
    eprintln!("index: {:?}", t0.elapsed());
}

#[test]
fn flipped_bytes_in_the_ring() {
    flip_many(
        15,
        600,
        |g| g.ring_offset as usize..(g.ring_offset + g.ring_size) as usize,
        "ring",
    );
}

#[test]
fn flipped_bytes_anywhere() {
    flip_many(16, 400, |g| 0..g.file_size as usize, "anywhere");
}

/// Targeted frame damage: each field of the oldest retained frame's header.
#[test]
fn damaged_frame_header_fields_are_corrupt() {
    let f = fixture(None);
    let pool = Pool::open(&f.path).unwrap();
    let oldest = *f.expected.keys().next().unwrap();
    drop(pool);
    // Find the oldest frame: the published state's oldest_pos (slot g % 2).
    let g = u64::from_le_bytes(f.pristine[256..264].try_into().unwrap());
    let slot = [320usize, 384][(g % 2) as usize];
    let oldest_pos = u64::from_le_bytes(f.pristine[slot..slot + 8].try_into().unwrap());
    let mut at = (f.geo.ring_offset + oldest_pos % f.geo.ring_size) as usize;
    if &f.pristine[at..at + 4] == b"WRAP" {
        at = f.geo.ring_offset as usize;
    }
    assert_eq!(&f.pristine[at..at + 4], b"FRM1");
    assert_eq!(
        u64::from_le_bytes(f.pristine[at + 8..at + 16].try_into().unwrap()),
        oldest
    );
    let edits: Vec<(&str, usize, Vec<u8>)> = vec![
        ("marker", at, b"FRMX".to_vec()),
        ("marker to WRAP", at, b"WRAP".to_vec()),
        ("encoding", at + 4, vec![9]),
        ("flags", at + 5, vec![1]),
        ("tags_len", at + 6, vec![0xFF, 0xFF]),
        ("seq", at + 8, (oldest + 1).to_le_bytes().to_vec()),
        ("seq far", at + 8, u64::MAX.to_le_bytes().to_vec()),
        ("time", at + 16, 5u64.to_le_bytes().to_vec()),
        ("payload_len huge", at + 24, u32::MAX.to_le_bytes().to_vec()),
        ("payload_len +8", at + 24, {
            let l = u32::from_le_bytes(f.pristine[at + 24..at + 28].try_into().unwrap());
            (l + 8).to_le_bytes().to_vec()
        }),
        ("crc", at + 28, vec![0, 0, 0, 0]),
        ("payload byte", at + 40, vec![b'#']),
    ];
    for (name, off, bytes) in edits {
        let mut b = f.pristine.clone();
        b[off..off + bytes.len()].copy_from_slice(&bytes);
        write(&f.path, &b);
        let pool = Pool::open(&f.path).unwrap();
        assert!(!check_reads(&pool, &f, name), "{name}: damage went unnoticed");
        let e = pool.get(oldest).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "{name}");
        // The doctor points at the damage.
        let report = pool.validate();
        assert!(
            report.problems[0].offset.is_some(),
            "{name}: no offset: {report:?}"
        );
    }
}

/// A state slot with a correct checksum but a lie in it (more messages
/// than the ring holds) is caught by validate and by reads.
#[test]
fn a_lying_but_checksummed_state_is_caught() {
    let f = fixture(None);
    let g = u64::from_le_bytes(f.pristine[256..264].try_into().unwrap());
    let slot = [320usize, 384][(g % 2) as usize];
    let field =
        |b: &[u8], i: usize| u64::from_le_bytes(b[slot + i * 8..slot + i * 8 + 8].try_into().unwrap());
    for (name, idx, delta) in [
        ("next_seq + 1", 3usize, 1i64),
        ("oldest_seq - 1", 1, -1),
        ("write_pos + 8", 2, 8),
    ] {
        let mut b = f.pristine.clone();
        let v = (field(&b, idx) as i64 + delta) as u64;
        b[slot + idx * 8..slot + idx * 8 + 8].copy_from_slice(&v.to_le_bytes());
        let crc = crc32c::crc32c(&b[slot..slot + 40]);
        b[slot + 40..slot + 44].copy_from_slice(&crc.to_le_bytes());
        write(&f.path, &b);
        let pool = Pool::open(&f.path).unwrap();
        let report = pool.validate();
        assert!(!report.is_clean(), "{name}: {report:?}");
        for p in &report.problems {
            assert_eq!(p.kind, ErrorKind::Corrupt);
        }
        if idx == 3 {
            let e = pool.get(v - 1).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Corrupt, "{name}: {e:?}");
        }
    }
}
