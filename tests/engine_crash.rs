//! kill -9 a writer at random moments, hundreds of times: the pool always
//! opens, validates clean, keeps every message whose append returned (Fast
//! or Flush), and the next writer goes on at once (the robust lock recovers).

use crate::common;

use std::time::{Duration, Instant};

use common::{check_payload, env, env_u64, file_u32, payload, spawn_child, OFF_OWNER_PID, ROLE};
use plasmite::{Batch, Client, Durability, ErrorKind, Pool};
use rand::{Rng, SeedableRng};

/// Crash child: appends until killed (at most `LIMIT` messages), printing
/// `SEQ <seq> <i>` after each append returns. Mixes Fast and Flush, single
/// appends and small batches, and sizes from tiny to several KiB so the ring
/// wraps and evicts often. Message `i` of child `K` is `payload(K, i, ..)`.
#[test]
fn child_crash_writer() {
    if std::env::var(ROLE).as_deref() != Ok("crash") {
        return;
    }
    use std::io::Write;
    let pool = Pool::open(env("POOL")).unwrap();
    let (k, limit) = (env_u64("K"), env_u64("LIMIT"));
    let mut rng = rand::rngs::StdRng::seed_from_u64(k);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let mut i = 0u64;
    let mut batch = Batch::new();
    let mut line = String::new();
    while i < limit {
        let durability = if rng.gen_ratio(1, 8) {
            Durability::Flush
        } else {
            Durability::Fast
        };
        let n = if rng.gen_ratio(1, 5) {
            rng.gen_range(2..=8)
        } else {
            1
        };
        let msgs: Vec<Vec<u8>> = (0..n)
            .map(|j| {
                let fill = if rng.gen_ratio(1, 4) {
                    rng.gen_range(1000..6000)
                } else {
                    rng.gen_range(0..300)
                };
                payload(k, i + j, fill)
            })
            .collect();
        let first = if n == 1 {
            pool.append_json(&msgs[0], &["crash"], durability).unwrap().seq
        } else {
            batch.clear();
            for m in &msgs {
                batch.push_json(m, &["crash"]).unwrap();
            }
            pool.append_batch(&batch, durability).unwrap().first_seq
        };
        line.clear();
        for j in 0..n {
            line.push_str(&format!("SEQ {} {}\n", first + j, i + j));
        }
        // One write per append: a line is never half-written when we die.
        out.write_all(line.as_bytes()).unwrap();
        out.flush().unwrap();
        i += n;
    }
}

/// After a crash: the pool opens and validates clean; the messages the dead
/// child committed are exactly a run of its messages `0..` in order, every
/// reported one among them (if still retained) with the right payload.
fn check_after_crash(path: &std::path::Path, k: u64, before: u64, reported: &[(u64, u64)]) -> u64 {
    let pool = Pool::open(path).unwrap_or_else(|e| panic!("round {k}: pool does not open: {e:?}"));
    let report = pool.validate();
    assert!(report.is_clean(), "round {k}: {report:?}");
    let newest = pool.newest_seq().unwrap().unwrap_or(0);
    // Reported seqs are consecutive from just after the previous newest.
    for (n, &(seq, i)) in reported.iter().enumerate() {
        assert_eq!(
            (seq, i),
            (before + 1 + n as u64, n as u64),
            "round {k}: report out of order"
        );
    }
    let last_reported = before + reported.len() as u64;
    // Everything reported was committed; at most one batch more was committed
    // but not reported (killed between the append and the print).
    assert!(
        newest >= last_reported && newest <= last_reported + 8,
        "round {k}: newest {newest}, last reported {last_reported}"
    );
    let oldest = pool.info().unwrap().oldest.unwrap_or(1);
    for seq in (before + 1).max(oldest)..=newest {
        let m = pool
            .get(seq)
            .unwrap_or_else(|e| panic!("round {k}: seq {seq} (newest {newest}) unreadable: {e:?}"));
        let (w, i) = check_payload(m.payload()).unwrap_or_else(|e| panic!("round {k}: {e}"));
        assert_eq!(
            (w, i),
            (k, seq - before - 1),
            "round {k}: seq {seq} holds the wrong message"
        );
        assert_eq!(m.tags(), ["crash"]);
    }
    // The reported messages are all retained unless the child alone wrote
    // more than the ring holds.
    if oldest > before + 1 {
        let info = pool.info().unwrap();
        assert!(
            info.bytes_used > info.ring_size / 2,
            "round {k}: reported messages from {} dropped though the ring is not full: {info:?}",
            before + 1
        );
    }
    newest
}

#[test]
fn kill_minus_nine_at_random_moments() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    const ROUNDS: u64 = 400;
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let pool = client.create_pool("crash", 1 << 20).unwrap();
    let path = pool.path().to_path_buf();
    drop(pool);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xC0FFEE);
    let mut before = 0u64;
    let (mut killed_mid_run, mut killed_holding_lock, mut total_reported) = (0, 0, 0);
    for k in 1..=ROUNDS {
        assert!(
            t0.elapsed() < Duration::from_secs(240),
            "crash loop too slow: {k} rounds in {:?}",
            t0.elapsed()
        );
        let mut child = spawn_child(
            "engine_crash::child_crash_writer",
            "crash",
            &[
                ("POOL", path.display().to_string()),
                ("K", k.to_string()),
                ("LIMIT", "400".to_string()),
            ],
        );
        child.expect_line("READY", Duration::from_secs(30));
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..5000)));
        // SIGKILL: the child gets no chance to clean up.
        let _ = child.child.kill();
        let status = child.wait(Duration::from_secs(30));
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(9) {
            killed_mid_run += 1;
        } else {
            assert!(status.success(), "round {k}: child failed on its own: {status:?}");
        }
        if file_u32(&path, OFF_OWNER_PID) == child.child.id() {
            killed_holding_lock += 1;
        }
        let reported: Vec<(u64, u64)> = child
            .collect_rest()
            .iter()
            .filter_map(|l| l.strip_prefix("SEQ "))
            .map(|l| {
                let mut it = l.split(' ').map(|x| x.parse::<u64>().unwrap());
                (it.next().unwrap(), it.next().unwrap())
            })
            .collect();
        total_reported += reported.len();
        let newest = check_after_crash(&path, k, before, &reported);
        // The next writer proceeds at once (no wait for a dead lock holder).
        let pool = Pool::open(&path).unwrap();
        let started = Instant::now();
        let r = pool
            .append_json(&payload(0, k, 10), &["after"], Durability::Fast)
            .unwrap_or_else(|e| panic!("round {k}: append after the crash failed: {e:?}"));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "round {k}: append waited {:?}",
            started.elapsed()
        );
        assert_eq!(r.seq, newest + 1);
        assert_eq!(pool.get(r.seq).unwrap().payload(), payload(0, k, 10));
        before = r.seq;
    }
    let pool = Pool::open(&path).unwrap();
    assert!(pool.validate().is_clean());
    let e = pool.get(u64::MAX).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    eprintln!(
        "kill -9: {ROUNDS} rounds, {killed_mid_run} killed mid-run, {killed_holding_lock} while holding \
         the lock, {total_reported} appends reported, {:?}",
        t0.elapsed()
    );
    assert!(
        killed_mid_run >= ROUNDS / 2,
        "most kills must land while the child appends"
    );
    assert!(
        killed_holding_lock >= 1,
        "no kill landed while the writer held the lock"
    );
}
