//! Many processes on one pool: concurrent writers never lose, duplicate or
//! reorder a message; followers in other processes see every message in
//! order, or (when the ring is too small for them) learn exactly what they
//! lost, and never get a torn or wrong payload.
//!
//! Children are this test binary re-run with `PLASMITE_TEST_ROLE` set; the
//! `child_*` test functions return at once in the parent run.

use crate::common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{check_payload, env, env_u64, fill_len, payload, spawn_child, wait_until, ChildProc, ROLE};
use plasmite::{Batch, Client, CursorOptions, Durability, ErrorKind, GapPolicy, Pool, Start};

const CHILD_WAIT: Duration = Duration::from_secs(90);

fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

/// Writer child: waits for the parent's "go" message (seq 1, through a
/// blocking cursor), then appends `N` messages `payload(W, i, ..)`, singly
/// or (when `BATCH` is set) in batches of 1..=64.
#[test]
fn child_writer() {
    if role().as_deref() != Some("writer") {
        return;
    }
    let pool = Pool::open(env("POOL")).unwrap();
    let (w, n, max_fill) = (env_u64("W"), env_u64("N"), env_u64("FILL") as usize);
    let batched = env_u64("BATCH") == 1;
    let mut go = pool
        .cursor(CursorOptions {
            start: Start::Since(1),
            gaps: GapPolicy::Error,
            ..Default::default()
        })
        .unwrap();
    // In a small pool the other writers may already have overwritten it.
    match go.next_within(Duration::from_secs(30)) {
        Ok(Some(first)) => assert_eq!(first.payload, b"\"go\""),
        Ok(None) => panic!("no go message within 30 s"),
        Err(e) => assert_eq!((e.kind(), e.seq()), (ErrorKind::RetentionGap, Some(1))),
    }
    let mut batch = Batch::new();
    let mut i = 0u64;
    while i < n {
        if batched {
            batch.clear();
            let k = 1 + common::mix(w ^ i) % 64;
            for _ in 0..k.min(n - i) {
                batch
                    .push_json(&payload(w, i, fill_len(w, i, max_fill)), &["w"])
                    .unwrap();
                i += 1;
            }
            pool.append_batch(&batch, Durability::Fast).unwrap();
        } else {
            pool.append_json(&payload(w, i, fill_len(w, i, max_fill)), &["w"], Durability::Fast)
                .unwrap();
            i += 1;
        }
    }
    println!("DONE {w}");
}

/// What a reader saw of the writers' messages.
#[derive(Default)]
struct Seen {
    /// Next `i` expected from each writer.
    next_i: HashMap<u64, u64>,
    /// Messages checked.
    count: u64,
    /// FNV-style digest of the (seq, w, i) sequence.
    digest: u64,
    /// Times consecutive messages came from different writers.
    switches: u64,
    last_w: Option<u64>,
}

impl Seen {
    /// Checks one message: a writer's payload, in that writer's order
    /// (`allow_skip`: messages lost to a reported gap may be missing).
    fn check(&mut self, seq: u64, bytes: &[u8], allow_skip: bool) -> Result<(u64, u64), String> {
        let (w, i) = check_payload(bytes).map_err(|e| format!("seq {seq}: {e}"))?;
        let want = self.next_i.entry(w).or_insert(0);
        if i != *want && !(allow_skip && i > *want) {
            return Err(format!(
                "seq {seq}: writer {w} message {i} where {} was expected",
                *want
            ));
        }
        *want = i + 1;
        self.count += 1;
        for x in [seq, w, i] {
            self.digest = (self.digest ^ x).wrapping_mul(0x100_0000_01B3);
        }
        if self.last_w.is_some_and(|l| l != w) {
            self.switches += 1;
        }
        self.last_w = Some(w);
        Ok((w, i))
    }

    fn done(&self, writers: u64, n: u64) -> bool {
        (0..writers).all(|w| self.next_i.get(&w) == Some(&n))
    }
}

/// Follower child: reads from seq 1 with a blocking cursor while the writers
/// run, checks every message, and prints what it saw.
///
/// `GAPS=error|continue`; `SLOW=1` makes it fall behind on purpose: after
/// 100 messages it waits (bounded) until its next message has been
/// overwritten, so a gap is certain, and it reads slowly throughout.
#[test]
fn child_follower() {
    if role().as_deref() != Some("follower") {
        return;
    }
    let pool = Pool::open(env("POOL")).unwrap();
    let (writers, n) = (env_u64("WRITERS"), env_u64("N"));
    let slow = env_u64("SLOW") == 1;
    let gaps = env("GAPS").parse::<GapPolicy>().unwrap();
    let mut cursor = pool
        .cursor(CursorOptions {
            start: Start::Since(1),
            timeout: Some(Duration::from_secs(30)),
            gaps,
            ..Default::default()
        })
        .unwrap();
    println!("READY");
    let mut seen = Seen::default();
    // Seq 1 is the parent's "go" (which a starved follower may find
    // overwritten already).
    let mut prev_seq = 0u64;
    let mut saw_go = false;
    let mut gaps_seen = 0u64;
    let mut forced = !slow;
    loop {
        if !forced && seen.count >= 100 {
            // Fall behind for sure: wait until the next message we need is gone.
            let want = cursor.next_seq();
            assert!(
                wait_until(Duration::from_secs(60), || {
                    pool.info().unwrap().oldest.is_some_and(|o| o > want)
                }),
                "writers never overwrote seq {want}"
            );
            forced = true;
        }
        let skipped_before = cursor.skipped();
        match cursor.next() {
            Ok(Some(m)) => {
                let m = m.to_owned();
                let lost = cursor.skipped() - skipped_before;
                assert_eq!(
                    m.seq,
                    prev_seq + 1 + lost,
                    "seq {} after {prev_seq} with {lost} reported skipped",
                    m.seq
                );
                if lost > 0 {
                    gaps_seen += 1;
                    // What was skipped really is gone.
                    let e = pool.get(m.seq - 1).unwrap_err();
                    assert_eq!((e.kind(), e.seq()), (ErrorKind::NotFound, Some(m.seq - 1)));
                }
                if m.seq == 1 {
                    assert_eq!(m.payload(), b"\"go\"");
                    prev_seq = 1;
                    saw_go = true;
                    println!("GO");
                    continue;
                }
                // Once anything was skipped, a writer's next message may be
                // any later one of its messages; before, it must be the next.
                seen.check(m.seq, m.payload(), cursor.skipped() > 0).unwrap();
                prev_seq = m.seq;
                if m.seq == 1 + writers * n {
                    if cursor.skipped() == 0 {
                        assert!(seen.done(writers, n));
                    }
                    break;
                }
            }
            Ok(None) => panic!(
                "follower: no message for 30 s after seq {prev_seq} ({:?})",
                cursor.end_reason()
            ),
            Err(e) => {
                assert_eq!(gaps, GapPolicy::Error, "unexpected error {e:?}");
                assert_eq!(e.kind(), ErrorKind::RetentionGap, "{e:?}");
                // The gap starts exactly at the first message not delivered.
                assert_eq!(e.seq(), Some(prev_seq + 1), "{e:?}");
                let g = pool.get(prev_seq + 1).unwrap_err();
                assert_eq!((g.kind(), g.seq()), (ErrorKind::NotFound, Some(prev_seq + 1)));
                assert!(pool.info().unwrap().oldest.unwrap() > prev_seq + 1);
                // The stream has ended.
                assert!(cursor.try_next().unwrap().is_none());
                println!("GAP {} {}", prev_seq + 1, seen.count);
                return;
            }
        }
        if slow && seen.count % 16 == 0 {
            std::thread::sleep(Duration::from_micros(500));
        }
    }
    println!(
        "SEEN {} {} {} {} {}",
        seen.count,
        seen.digest,
        gaps_seen,
        cursor.skipped(),
        u8::from(saw_go)
    );
}

fn go(pool: &Pool) {
    let r = pool.append_json(b"\"go\"", &["go"], Durability::Fast).unwrap();
    assert_eq!(r.seq, 1);
}

fn writer(pool: &Pool, w: u64, n: u64, fill: usize, batch: bool) -> ChildProc {
    spawn_child(
        "engine_concurrency::child_writer",
        "writer",
        &[
            ("POOL", pool.path().display().to_string()),
            ("W", w.to_string()),
            ("N", n.to_string()),
            ("FILL", fill.to_string()),
            ("BATCH", (batch as u8).to_string()),
        ],
    )
}

fn follower(pool: &Pool, writers: u64, n: u64, gaps: &str, slow: bool) -> ChildProc {
    let mut c = spawn_child(
        "engine_concurrency::child_follower",
        "follower",
        &[
            ("POOL", pool.path().display().to_string()),
            ("WRITERS", writers.to_string()),
            ("N", n.to_string()),
            ("GAPS", gaps.to_string()),
            ("SLOW", (slow as u8).to_string()),
        ],
    );
    c.expect_line("READY", Duration::from_secs(30));
    c
}

/// Reads the whole pool in this process and checks it: the "go" message,
/// then every writer message exactly once, seqs without holes.
fn read_all(pool: &Pool, writers: u64, n: u64) -> Seen {
    let mut cursor = pool.cursor(CursorOptions::default()).unwrap();
    let go = cursor.try_next().unwrap().unwrap();
    assert_eq!((go.seq, go.payload), (1, &b"\"go\""[..]));
    let mut seen = Seen::default();
    let mut prev = 1;
    while let Some(m) = cursor.try_next().unwrap() {
        assert_eq!(m.seq, prev + 1, "hole or disorder in seqs");
        assert_eq!(m.tags_json, br#"["w"]"#);
        seen.check(m.seq, m.payload, false).unwrap();
        prev = m.seq;
    }
    assert!(
        seen.done(writers, n),
        "not every message is present: {:?}",
        seen.next_i
    );
    assert_eq!(seen.count, writers * n);
    assert_eq!(pool.newest_seq().unwrap(), Some(1 + writers * n));
    seen
}

/// 4 writer processes × 50 000 messages: every message present exactly once,
/// seqs strictly increasing without holes, each writer's messages in its order.
#[test]
fn concurrent_writers_lose_nothing() {
    if role().is_some() {
        return;
    }
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("conc", 64 << 20).unwrap();
    const WRITERS: u64 = 4;
    const N: u64 = 50_000;
    // Writers 1 and 3 append in batches, 0 and 2 one message at a time.
    let children: Vec<_> = (0..WRITERS)
        .map(|w| writer(&pool, w, N, 48, w % 2 == 1))
        .collect();
    go(&pool);
    for c in children {
        c.finish(CHILD_WAIT);
    }
    let seen = read_all(&pool, WRITERS, N);
    // The writers really interleaved (else this test proves little).
    assert!(
        seen.switches >= 10,
        "writers never interleaved ({} switches)",
        seen.switches
    );
    let report = pool.validate();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.messages_checked, WRITERS * N + 1);
    // Random access agrees with the cursor.
    for k in 0..2000u64 {
        let seq = 2 + common::mix(k) % (WRITERS * N);
        let m = pool.get(seq).unwrap();
        assert_eq!(m.seq, seq);
        check_payload(m.payload()).unwrap();
    }
    eprintln!(
        "concurrent_writers_lose_nothing: {} switches, {:?}",
        seen.switches,
        t0.elapsed()
    );
}

/// Followers in other processes, started before the writers, see every
/// message in order while the writers run (the pool holds everything).
#[test]
fn followers_see_everything_in_order() {
    if role().is_some() {
        return;
    }
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("follow", 32 << 20).unwrap();
    const WRITERS: u64 = 2;
    const N: u64 = 20_000;
    let mut followers: Vec<_> = (0..2)
        .map(|_| follower(&pool, WRITERS, N, "error", false))
        .collect();
    go(&pool);
    for f in &mut followers {
        f.expect_line("GO", Duration::from_secs(30));
    }
    let writers: Vec<_> = (0..WRITERS).map(|w| writer(&pool, w, N, 200, w == 1)).collect();
    for w in writers {
        w.finish(CHILD_WAIT);
    }
    let seen = read_all(&pool, WRITERS, N);
    for f in followers {
        let lines = f.finish(CHILD_WAIT);
        let line = lines.iter().find(|l| l.starts_with("SEEN ")).expect("SEEN line");
        // Same messages, same order, no gaps.
        assert_eq!(line, &format!("SEEN {} {} 0 0 1", WRITERS * N, seen.digest));
    }
    eprintln!("followers_see_everything_in_order: {:?}", t0.elapsed());
}

/// A small pool, fast writers, a slow follower with `GapPolicy::Error`: the
/// follower gets `RetentionGap` naming the first missing seq, after only
/// correct payloads.
#[test]
fn slow_follower_gets_retention_gap() {
    if role().is_some() {
        return;
    }
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("gap", 64 * 1024).unwrap();
    const WRITERS: u64 = 2;
    const N: u64 = 4000;
    let mut f = follower(&pool, WRITERS, N, "error", true);
    go(&pool);
    f.expect_line("GO", Duration::from_secs(30));
    let writers: Vec<_> = (0..WRITERS).map(|w| writer(&pool, w, N, 1500, w == 1)).collect();
    for w in writers {
        w.finish(CHILD_WAIT);
    }
    let lines = f.finish(CHILD_WAIT);
    let gap = lines
        .iter()
        .find(|l| l.starts_with("GAP "))
        .expect("the follower saw no gap");
    eprintln!("slow_follower_gets_retention_gap: {gap}, {:?}", t0.elapsed());
}

/// The same with `GapPolicy::Continue`: the follower skips exactly what was
/// overwritten (and says so), reads to the end, and every payload it is
/// given is intact, though writers overwrite the ring under it all along.
#[test]
fn slow_follower_skips_gaps_and_never_reads_torn_payloads() {
    if role().is_some() {
        return;
    }
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("skip", 64 * 1024).unwrap();
    const WRITERS: u64 = 2;
    const N: u64 = 4000;
    let mut followers: Vec<_> = [true, false]
        .into_iter()
        .map(|slow| follower(&pool, WRITERS, N, "continue", slow))
        .collect();
    go(&pool);
    for f in &mut followers {
        f.expect_line("GO", Duration::from_secs(30));
    }
    let mut writers: Vec<_> = (0..WRITERS).map(|w| writer(&pool, w, N, 1500, w == 1)).collect();
    // The doctor is safe on a live pool: no false problems while the
    // writers overwrite the ring under it.
    let mut live_checks = 0;
    let deadline = Instant::now() + CHILD_WAIT;
    while writers.iter_mut().any(|w| w.child.try_wait().unwrap().is_none()) && Instant::now() < deadline {
        let report = pool.validate();
        assert!(report.is_clean(), "validate on a live pool: {report:?}");
        live_checks += 1;
    }
    for w in writers {
        w.finish(CHILD_WAIT);
    }
    eprintln!("{live_checks} validations while writing");
    for (k, f) in followers.into_iter().enumerate() {
        let lines = f.finish(CHILD_WAIT);
        let line = lines.iter().find(|l| l.starts_with("SEEN ")).expect("SEEN line");
        let fields: Vec<u64> = line[5..].split(' ').map(|x| x.parse().unwrap()).collect();
        let (count, gaps, skipped, saw_go) = (fields[0], fields[2], fields[3], fields[4]);
        // Seqs 1..=1+WRITERS*N were either delivered or reported skipped.
        assert_eq!(count + saw_go + skipped, WRITERS * N + 1, "{line}");
        if k == 0 {
            assert!(
                gaps >= 1 && skipped >= 1,
                "the slow follower never fell behind: {line}"
            );
        }
        eprintln!("follower {k}: {line}");
    }
    eprintln!("slow_follower_skips_gaps: {:?}", t0.elapsed());
}
