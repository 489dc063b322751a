//! Time: append times never decrease within a pool (several writer
//! processes, a writer whose clock is behind), `Start::Time` and `until` in
//! the engine, `--since` / `--until` / `--replay` in the command (local and
//! remote), and the server's `since_time` / `until_time`.

use crate::common;
use crate::serve_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{env, env_u64, spawn_child, ROLE};
use plasmite::{
    Batch, Client, CursorOptions, Durability, EndReason, ErrorKind, Follow, FollowEnd, Pool, PoolOptions,
    Start, Until,
};
use serve_support::Server;

const SEC: u64 = 1_000_000_000;

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

fn pls() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pls"));
    c.env_remove("PLASMITE_TOKEN").env_remove("PLASMITE_DIR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    pls().arg("--dir").arg(dir).args(args).output().unwrap()
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn seqs(o: &Output) -> Vec<u64> {
    assert!(
        o.status.success(),
        "{:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    lines(o).iter().map(|v| v["seq"].as_u64().unwrap()).collect()
}

/// Appends one message `{"n":n}` stamped `t`.
fn put_at(pool: &Pool, n: u64, t: u64) -> u64 {
    let mut b = Batch::new();
    b.push_json(format!("{{\"n\":{n}}}").as_bytes(), &["t"]).unwrap();
    let r = pool.append_batch_at(&b, t, Durability::Fast).unwrap();
    assert_eq!(r.timestamp_ns, t, "the time asked for was stored");
    r.first_seq
}

fn all_times(pool: &Pool) -> Vec<(u64, u64)> {
    let mut c = pool.cursor(CursorOptions::default()).unwrap();
    let mut out = Vec::new();
    while let Some(m) = c.try_next().unwrap() {
        out.push((m.seq, m.timestamp_ns));
    }
    out
}

// ---------------------------------------------------------------- engine

#[test]
fn a_writer_behind_the_newest_time_stamps_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("p", 1 << 20).unwrap();
    // Another process's clock was an hour ahead when it wrote seq 1.
    let ahead = now_ns() + 3600 * SEC;
    put_at(&pool, 1, ahead);
    let r = pool.append_json(b"2", &[] as &[&str], Durability::Fast).unwrap();
    assert_eq!(
        r.timestamp_ns, ahead,
        "stamped with the newest time, not the clock"
    );
    let mut b = Batch::new();
    b.push_json(b"3", &[] as &[&str]).unwrap();
    b.push_json(b"4", &[] as &[&str]).unwrap();
    assert_eq!(
        pool.append_batch(&b, Durability::Fast).unwrap().timestamp_ns,
        ahead
    );
    // An explicit earlier time is raised too.
    let r = pool.append_batch_at(&b, 5, Durability::Fast).unwrap();
    assert_eq!(r.timestamp_ns, ahead);
    assert_eq!(pool.get(6).unwrap().timestamp_ns, ahead);
    // The receipt's time is the stored one.
    assert!(all_times(&pool).iter().all(|&(_, t)| t == ahead));
}

#[test]
fn times_never_decrease_across_writer_processes() {
    if let Ok(role) = std::env::var(ROLE) {
        let pool = Pool::open(env("POOL")).unwrap();
        let behind = role == "behind";
        for i in 0..env_u64("N") {
            let mut b = Batch::new();
            b.push_json(format!("{{\"i\":{i}}}").as_bytes(), &[role.as_str()])
                .unwrap();
            if behind {
                // A clock ten minutes slow.
                pool.append_batch_at(&b, now_ns() - 600 * SEC, Durability::Fast)
                    .unwrap();
            } else {
                pool.append_batch(&b, Durability::Fast).unwrap();
            }
        }
        println!("done");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("p", 4 << 20).unwrap();
    let path = pool.path().display().to_string();
    let n = 2000u64;
    let kids: Vec<_> = ["on-time", "behind", "on-time", "behind"]
        .iter()
        .map(|role| {
            spawn_child(
                "time::times_never_decrease_across_writer_processes",
                role,
                &[("POOL", path.clone()), ("N", n.to_string())],
            )
        })
        .collect();
    for mut k in kids {
        k.expect_line("done", Duration::from_secs(120));
        assert!(k.wait(Duration::from_secs(60)).success());
    }
    let times = all_times(&pool);
    assert_eq!(times.len() as u64, 4 * n);
    for w in times.windows(2) {
        assert!(
            w[1].1 >= w[0].1,
            "seq {} has time {} before seq {}'s {}",
            w[1].0,
            w[1].1,
            w[0].0,
            w[0].1
        );
    }
}

/// A pool of messages stamped 1000, 2000, 2000, 3000, …: seq s at `T[s-1]`.
const T: [u64; 6] = [1000, 2000, 2000, 3000, 5000, 8000];

fn stamped_pool(dir: &Path) -> Pool {
    let pool = Client::new(dir).create_pool("p", 1 << 20).unwrap();
    for (i, t) in T.iter().enumerate() {
        put_at(&pool, i as u64 + 1, *t);
    }
    pool
}

fn first_from(pool: &Pool, start: Start) -> Option<u64> {
    let mut c = pool
        .cursor(CursorOptions {
            start,
            ..Default::default()
        })
        .unwrap();
    c.try_next().unwrap().map(|m| m.seq)
}

#[test]
fn start_time_at_every_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let pool = stamped_pool(dir.path());
    // (time, first seq at or after it)
    for (t, want) in [
        (0, 1),    // before the oldest
        (1000, 1), // exact hit on the oldest
        (1001, 2), // between
        (2000, 2), // exact hit on the first of two equal times
        (2500, 4),
        (3000, 4),
        (4999, 5),
        (8000, 6), // exact hit on the newest
        (8001, 7), // after the newest: nothing yet
        (u64::MAX, 7),
    ] {
        assert_eq!(pool.seq_at_time(t).unwrap(), want, "time {t}");
        let first = first_from(&pool, Start::Time(t));
        assert_eq!(first, (want <= 6).then_some(want), "cursor from time {t}");
    }
    // After the newest, a cursor from that time delivers what comes next.
    let mut c = pool
        .cursor(CursorOptions {
            start: Start::Time(9000),
            ..Default::default()
        })
        .unwrap();
    assert!(c.try_next().unwrap().is_none());
    put_at(&pool, 7, 9500);
    assert_eq!(c.try_next().unwrap().unwrap().seq, 7);
    // An empty pool.
    let empty = Client::new(dir.path()).create_pool("e", 1 << 20).unwrap();
    assert_eq!(empty.seq_at_time(0).unwrap(), 1);
    assert_eq!(first_from(&empty, Start::Time(0)), None);
}

#[test]
fn start_time_after_wrap_and_eviction() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("w", 64 << 10).unwrap();
    let fill = "x".repeat(200);
    let mut b = Batch::new();
    for i in 1..=2000u64 {
        b.clear();
        b.push_json(
            format!("{{\"i\":{i},\"f\":\"{fill}\"}}").as_bytes(),
            &[] as &[&str],
        )
        .unwrap();
        pool.append_batch_at(&b, i * 1000, Durability::Fast).unwrap();
    }
    let info = pool.info().unwrap();
    let (oldest, newest) = (info.oldest.unwrap(), info.newest.unwrap());
    assert!(oldest > 1000, "the ring wrapped many times (oldest {oldest})");
    // Before the oldest retained (and at an evicted message's time): the oldest.
    assert_eq!(pool.seq_at_time(0).unwrap(), oldest);
    assert_eq!(pool.seq_at_time(5 * 1000).unwrap(), oldest);
    assert_eq!(first_from(&pool, Start::Time(5 * 1000)), Some(oldest));
    for s in oldest..=newest {
        assert_eq!(pool.seq_at_time(s * 1000).unwrap(), s, "exact {s}");
        assert_eq!(pool.seq_at_time(s * 1000 - 1).unwrap(), s, "just before {s}");
    }
    assert_eq!(pool.seq_at_time(newest * 1000 + 1).unwrap(), newest + 1);
}

#[test]
fn start_time_beyond_the_index_scans_the_older_messages() {
    // 16 index slots for hundreds of retained messages: only the newest 16
    // are found through the index, the rest by walking frame headers.
    let dir = tempfile::tempdir().unwrap();
    let pool = Pool::create(
        dir.path().join("small.plasmite"),
        PoolOptions {
            size_bytes: 1 << 20,
            index_capacity: Some(16),
        },
    )
    .unwrap();
    for i in 1..=500u64 {
        put_at(&pool, i, i * 10);
    }
    for t in [0u64, 5, 10, 11, 100, 2000, 4830, 4840, 4841, 4990, 5000, 5001] {
        let want = t.div_ceil(10).clamp(1, 501);
        assert_eq!(pool.seq_at_time(t).unwrap(), want, "time {t}");
    }
}

#[test]
fn start_time_while_a_writer_wraps_the_ring() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("w", 64 << 10).unwrap();
    put_at(&pool, 0, 1);
    let writer = {
        let pool = pool.clone();
        std::thread::spawn(move || {
            let mut b = Batch::new();
            for i in 2..=30_000u64 {
                b.clear();
                b.push_json(
                    format!("{{\"i\":{i},\"pad\":\"....................\"}}").as_bytes(),
                    &[] as &[&str],
                )
                .unwrap();
                pool.append_batch_at(&b, i * 1000, Durability::Fast).unwrap();
            }
        })
    };
    let mut checked = 0;
    while !writer.is_finished() {
        let newest = pool.newest_seq().unwrap().unwrap();
        let k = newest.saturating_sub(50).max(2);
        // The seq stamped k × 1000, or, when the writer evicted it during
        // the search, a later oldest one.
        let got = pool.seq_at_time(k * 1000).unwrap();
        assert!(got >= k, "{got} for {k}");
        assert!(
            got == k || pool.info().unwrap().oldest.unwrap() > k,
            "{got} for {k}"
        );
        checked += 1;
    }
    writer.join().unwrap();
    assert!(checked > 0);
}

#[test]
fn until_stops_before_the_first_later_message() {
    let dir = tempfile::tempdir().unwrap();
    let pool = stamped_pool(dir.path());
    let read = |start: Start, until: Until| {
        let mut c = pool
            .cursor(CursorOptions {
                start,
                until: Some(until),
                ..Default::default()
            })
            .unwrap();
        let mut got = Vec::new();
        while let Some(m) = c.try_next().unwrap() {
            got.push(m.seq);
        }
        (got, c.end_reason())
    };
    assert_eq!(
        read(Start::Oldest, Until::Time(2000)),
        (vec![1, 2, 3], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Oldest, Until::Time(2999)),
        (vec![1, 2, 3], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Time(2000), Until::Time(5000)),
        (vec![2, 3, 4, 5], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Oldest, Until::Time(999)),
        (vec![], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Oldest, Until::Time(9000)),
        (vec![1, 2, 3, 4, 5, 6], None)
    );
    assert_eq!(
        read(Start::Since(2), Until::Seq(4)),
        (vec![2, 3, 4], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Since(5), Until::Seq(4)),
        (vec![], Some(EndReason::Until))
    );
    // Last(n) counts back from the bound.
    assert_eq!(
        read(Start::Last(2), Until::Time(3000)),
        (vec![3, 4], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Last(10), Until::Time(2500)),
        (vec![1, 2, 3], Some(EndReason::Until))
    );
    assert_eq!(
        read(Start::Last(2), Until::Seq(2)),
        (vec![1, 2], Some(EndReason::Until))
    );
    assert_eq!(read(Start::Last(2), Until::Time(99_999)), (vec![5, 6], None));

    // A follower stops once the clock passes a time bound, without a message.
    let bound = now_ns() + 300_000_000;
    let mut c = pool
        .cursor(CursorOptions {
            start: Start::Last(0),
            until: Some(Until::Time(bound)),
            ..Default::default()
        })
        .unwrap();
    struct Count(u64);
    impl plasmite::FollowSink for Count {
        fn message(&mut self, _: &plasmite::MessageRef<'_>) -> plasmite::Result<()> {
            self.0 += 1;
            Ok(())
        }
        fn caught_up(&mut self, _: u64) -> plasmite::Result<plasmite::Flow> {
            Ok(plasmite::Flow::Continue)
        }
    }
    let started = Instant::now();
    let end = c.follow(Follow::default(), &mut Count(0)).unwrap();
    assert_eq!(end, FollowEnd::Until);
    assert!(now_ns() > bound);
    assert!(started.elapsed() < Duration::from_secs(10));
    // Cursor::next as well.
    let mut c = pool
        .cursor(CursorOptions {
            start: Start::Last(0),
            until: Some(Until::Time(now_ns() + 100_000_000)),
            ..Default::default()
        })
        .unwrap();
    assert!(c.next().unwrap().is_none());
    assert_eq!(c.end_reason(), Some(EndReason::Until));
}

#[test]
fn parse_time_forms_and_errors() {
    assert_eq!(
        plasmite::parse_time("2026-01-15T10:00:00Z").unwrap(),
        1_768_471_200 * SEC
    );
    assert_eq!(
        plasmite::parse_time("2026-01-15T11:30:00.25+01:30").unwrap(),
        1_768_471_200 * SEC + SEC / 4
    );
    assert_eq!(
        plasmite::parse_time("1768471200000000000").unwrap(),
        1_768_471_200 * SEC
    );
    for bad in [
        "",
        "now",
        "5m",
        "2026-01-15",
        "2026-01-15T10:00:00",
        "2026-01-32T00:00:00Z",
        "1969-01-01T00:00:00Z",
    ] {
        assert_eq!(
            plasmite::parse_time(bad).unwrap_err().kind(),
            ErrorKind::Usage,
            "{bad:?}"
        );
    }
}

// ---------------------------------------------------------------- command

/// A pool with 5 messages two hours old and 3 from now.
fn old_and_new(dir: &Path) -> Pool {
    let pool = Client::new(dir).create_pool("p", 1 << 20).unwrap();
    let old = now_ns() - 2 * 3600 * SEC;
    for i in 1..=5 {
        put_at(&pool, i, old + i);
    }
    for i in 6..=8 {
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["t"], Durability::Fast)
            .unwrap();
    }
    pool
}

#[test]
fn tail_since_and_until_take_durations_times_and_seqs() {
    let dir = tempfile::tempdir().unwrap();
    let pool = old_and_new(dir.path());
    let d = dir.path();
    assert_eq!(seqs(&run(d, &["tail", "p", "--since", "5m"])), [6, 7, 8]);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "90s", "-n", "1"])),
        [6, 7, 8]
    );
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "3h"])),
        [1, 2, 3, 4, 5, 6, 7, 8]
    );
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "1d"])),
        [1, 2, 3, 4, 5, 6, 7, 8]
    );
    // A bare integer is a seq, for --since and --until.
    assert_eq!(seqs(&run(d, &["tail", "p", "--since", "4"])), [4, 5, 6, 7, 8]);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "2", "--until", "3"])),
        [2, 3]
    );
    // --until 1h: the old ones only; -n counts back from the bound.
    assert_eq!(seqs(&run(d, &["tail", "p", "--until", "1h", "-n", "2"])), [4, 5]);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--until", "6", "-n", "3"])),
        [4, 5, 6]
    );
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "1d", "--until", "1h"])),
        [1, 2, 3, 4, 5]
    );
    // RFC 3339, exact to the nanosecond, inclusive at both ends.
    let t2 = plasmite::format_rfc3339(pool.get(2).unwrap().timestamp_ns);
    let t4 = plasmite::format_rfc3339(pool.get(4).unwrap().timestamp_ns);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", &t2, "--until", &t4])),
        [2, 3, 4]
    );
    // Combined with tags and --max.
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", "5m", "-t", "t", "--max", "2"])),
        [6, 7]
    );
    // With -f, a time bound that passes ends the tail.
    let started = Instant::now();
    let soon = plasmite::format_rfc3339(now_ns() + 500_000_000);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "-f", "-n", "0", "--until", &soon])),
        Vec::<u64>::new()
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // With -f, a seq bound already read ends the tail at once (--timeout is
    // the test's safety net: it would exit 124).
    let started = Instant::now();
    assert_eq!(
        seqs(&run(
            d,
            &[
                "tail",
                "p",
                "-f",
                "--since",
                "7",
                "--until",
                "8",
                "--timeout",
                "30s"
            ]
        )),
        [7, 8]
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn bad_since_until_and_replay_values_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    old_and_new(dir.path());
    for args in [
        ["--since", "5x"],
        ["--since", "yesterday"],
        ["--since", "2026-01-15"],
        ["--since", "2026-13-01T00:00:00Z"],
        ["--until", "-5m"],
        ["--until", "99999999999d"],
        ["--replay", "-1"],
        ["--replay", "fast"],
    ] {
        let o = run(dir.path(), &["tail", "p", &format!("{}={}", args[0], args[1])]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(args[1]), "{args:?}: {err}");
    }
}

/// A pool of 3 messages stamped `gap` apart, ending now.
fn spaced(dir: &Path, gap: u64) -> Pool {
    let pool = Client::new(dir).create_pool("r", 1 << 20).unwrap();
    let t0 = now_ns() - 3 * gap;
    for i in 0..3 {
        put_at(&pool, i, t0 + i * gap);
    }
    pool
}

#[test]
fn replay_keeps_the_gaps_scaled() {
    let dir = tempfile::tempdir().unwrap();
    spaced(dir.path(), 200_000_000);
    let d = dir.path();
    // 2 × 200 ms of gaps at speed 2: about 200 ms.
    let started = Instant::now();
    assert_eq!(
        seqs(&run(d, &["tail", "r", "--since", "1h", "--replay", "2"])),
        [1, 2, 3]
    );
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
    // Speed 0: no pauses. Gaps of 5 s would take 10 s if paced.
    let dir = tempfile::tempdir().unwrap();
    spaced(dir.path(), 5 * SEC);
    let started = Instant::now();
    assert_eq!(
        seqs(&run(dir.path(), &["tail", "r", "-n", "3", "--replay", "0"])),
        [1, 2, 3]
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

/// Each message is printed when due: the first at once, the second 300 ms
/// later (speed 1).
#[test]
fn replay_prints_each_message_when_due_and_stops_on_ctrl_c_and_closed_pipes() {
    let dir = tempfile::tempdir().unwrap();
    spaced(dir.path(), 300_000_000);
    let mut child = pls()
        .arg("--dir")
        .arg(dir.path())
        .args(["tail", "r", "-n", "3", "--replay", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let first = Instant::now();
    line.clear();
    out.read_line(&mut line).unwrap();
    assert!(
        first.elapsed() >= Duration::from_millis(200),
        "{:?}",
        first.elapsed()
    );
    assert!(child.wait().unwrap().success());

    // Gaps of a minute: Ctrl-C ends the wait promptly with 130.
    let dir = tempfile::tempdir().unwrap();
    spaced(dir.path(), 60 * SEC);
    let mut child = pls()
        .arg("--dir")
        .arg(dir.path())
        .args(["tail", "r", "-n", "3", "--replay", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    line.clear();
    out.read_line(&mut line).unwrap();
    assert!(line.contains("\"seq\":1"), "{line}");
    let sent = Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::SIGINT,
    )
    .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(sent.elapsed() < Duration::from_secs(5), "{:?}", sent.elapsed());

    // The reader goes away: the replay ends too.
    let mut child = pls()
        .arg("--dir")
        .arg(dir.path())
        .args(["tail", "r", "-n", "3", "--replay", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    line.clear();
    out.read_line(&mut line).unwrap();
    drop(out);
    let closed = Instant::now();
    let status = child.wait().unwrap();
    assert!(
        closed.elapsed() < Duration::from_secs(5),
        "{:?}",
        closed.elapsed()
    );
    assert!(status.success(), "{status:?}");
}

// ---------------------------------------------------------------- server

#[test]
fn server_tail_since_time_and_until_time() {
    let s = Server::start(&[]);
    let pool = old_and_new(&s.dir);
    let t2 = pool.get(2).unwrap().timestamp_ns;
    let t4 = plasmite::format_rfc3339(pool.get(4).unwrap().timestamp_ns);
    let get = |q: &str| {
        let r = s.get(&format!("/v0/pools/p/tail?{q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        r.lines()
            .iter()
            .map(|v| v["seq"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(get(&format!("since_time={t2}&until_time={t4}")), [2, 3, 4]);
    assert_eq!(get(&format!("since_time={t4}&max=2")), [4, 5]);
    let recent = plasmite::format_rfc3339(now_ns() - 300 * SEC);
    assert_eq!(get(&format!("since_time={recent}&timeout_ms=200")), [6, 7, 8]);
    assert_eq!(get(&format!("until_time={t2}")), [1, 2]);
    // last counts back from until_time.
    assert_eq!(get(&format!("last=2&until_time={t4}")), [3, 4]);
    // An until_time that passes ends a follow.
    let soon = now_ns() + 300_000_000;
    assert_eq!(get(&format!("last=0&until_time={soon}")), Vec::<u64>::new());
    // Lite3 tail too: a 200 that ends.
    let r = s.get(&format!("/v0/pools/p/tail_lite3?since_time={t2}&until_time={t4}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!r.body.is_empty());
    for q in [
        "since_time=yesterday",
        "until_time=5m",
        "since_time=2026-13-01T00:00:00Z",
        "since_time=1&since_seq=1",
        "since_time=1&last=3",
    ] {
        let r = s.get(&format!("/v0/pools/p/tail?{q}"));
        assert_eq!((r.status, r.kind().as_str()), (400, "Usage"), "{q}: {}", r.text());
    }
    let r = s.get("/v0/pools/p/tail_lite3?until_time=x");
    assert_eq!(r.status, 400);
}

#[test]
fn remote_tail_since_until_and_replay() {
    let s = Server::start(&[]);
    old_and_new(&s.dir);
    let url = format!("{}/p", s.url());
    let d = s.dir.as_path();
    assert_eq!(seqs(&run(d, &["tail", &url, "--since", "5m"])), [6, 7, 8]);
    assert_eq!(
        seqs(&run(d, &["tail", &url, "--since", "1d", "--until", "1h"])),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(
        seqs(&run(d, &["tail", &url, "--since", "2", "--until", "3"])),
        [2, 3]
    );
    assert_eq!(
        seqs(&run(d, &["tail", &url, "--until", "6", "-n", "3"])),
        [4, 5, 6]
    );
    assert_eq!(seqs(&run(d, &["tail", &url, "--until", "1h", "-n", "2"])), [4, 5]);
    // -f with a time bound that passes ends.
    let soon = plasmite::format_rfc3339(now_ns() + 500_000_000);
    let started = Instant::now();
    assert_eq!(
        seqs(&run(d, &["tail", &url, "-f", "-n", "0", "--until", &soon])),
        Vec::<u64>::new()
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let started = Instant::now();
    assert_eq!(
        seqs(&run(
            d,
            &[
                "tail",
                &url,
                "-f",
                "--since",
                "7",
                "--until",
                "8",
                "--timeout",
                "30s"
            ]
        )),
        [7, 8]
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // Replay: paced remotely as locally.
    let pool = Client::new(&s.dir).create_pool("r", 1 << 20).unwrap();
    let t0 = now_ns() - SEC;
    for i in 0..3 {
        put_at(&pool, i, t0 + i * 200_000_000);
    }
    let url = format!("{}/r", s.url());
    let started = Instant::now();
    assert_eq!(
        seqs(&run(d, &["tail", &url, "--since", "1h", "--replay", "2"])),
        [1, 2, 3]
    );
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(took < Duration::from_millis(2500), "{took:?}");
    let o = run(d, &["tail", &url, "--since", "soon"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn append_time_stamps_imports_and_never_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    Client::new(d).create_pool("p", 1 << 20).unwrap();
    let two_h = now_ns() - 2 * 3600 * SEC;
    let o = run(d, &["append", "p", "--time", "2h", r#"{"a":1}"#]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t1 = plasmite::parse_time(lines(&o)[0]["time"].as_str().unwrap()).unwrap();
    assert!(t1.abs_diff(two_h) < 60 * SEC, "{t1} vs {two_h}");
    // A stream stamped earlier still is raised to the newest time.
    let mut child = pls()
        .arg("--dir")
        .arg(d)
        .args(["append", "p", "--time", "1970-01-02T00:00:00Z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"2\n3\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    for v in lines(&o) {
        assert_eq!(plasmite::parse_time(v["time"].as_str().unwrap()).unwrap(), t1);
    }
    run(d, &["append", "p", "4"]);
    assert_eq!(seqs(&run(d, &["tail", "p", "--since", "90m"])), [4]);
    let rfc = plasmite::format_rfc3339(t1);
    assert_eq!(
        seqs(&run(d, &["tail", "p", "--since", &rfc, "--until", &rfc])),
        [1, 2, 3]
    );
    let o = run(d, &["append", "p", "--time", "12", "5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(d, &["append", "http://127.0.0.1:9/p", "--time", "1h", "5"]);
    assert_eq!(o.status.code(), Some(2));
}
