//! Cursor behaviours: start points, `max`, the inactivity timeout, tag
//! filters (AND, exact), gap policies, blocking reads woken by appends from
//! another thread and another process, and `get` of absent messages.

use crate::common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{env, follower_asleep, spawn_child, wait_until, ROLE};
use plasmite::{Client, CursorOptions, Durability, EndReason, ErrorKind, GapPolicy, Pool, Start};

fn pool_with(n: u64, size: u64) -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("c", size).unwrap();
    for i in 1..=n {
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["all"], Durability::Fast)
            .unwrap();
    }
    (dir, pool)
}

fn seqs(pool: &Pool, o: CursorOptions) -> Vec<u64> {
    let mut c = pool.cursor(o).unwrap();
    let mut out = Vec::new();
    while let Some(m) = c.try_next().unwrap() {
        assert_eq!(m.payload, format!("{{\"n\":{}}}", m.seq).as_bytes());
        out.push(m.seq);
    }
    out
}

fn start(s: Start) -> CursorOptions {
    CursorOptions {
        start: s,
        ..Default::default()
    }
}

#[test]
fn start_variants() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(10, 1 << 20);
    let all: Vec<u64> = (1..=10).collect();
    assert_eq!(seqs(&pool, start(Start::Oldest)), all);
    assert_eq!(seqs(&pool, start(Start::Since(1))), all);
    assert_eq!(seqs(&pool, start(Start::Since(0))), all);
    assert_eq!(seqs(&pool, start(Start::Since(7))), vec![7, 8, 9, 10]);
    assert_eq!(seqs(&pool, start(Start::Since(10))), vec![10]);
    assert_eq!(seqs(&pool, start(Start::Since(11))), Vec::<u64>::new());
    assert_eq!(seqs(&pool, start(Start::Last(3))), vec![8, 9, 10]);
    assert_eq!(seqs(&pool, start(Start::Last(1))), vec![10]);
    assert_eq!(seqs(&pool, start(Start::Last(10))), all);
    assert_eq!(seqs(&pool, start(Start::Last(1000))), all);
    assert_eq!(seqs(&pool, start(Start::Last(0))), Vec::<u64>::new());

    // Cursors opened now see later appends from where they stand.
    let mut since_future = pool.cursor(start(Start::Since(12))).unwrap();
    let mut last0 = pool.cursor(start(Start::Last(0))).unwrap();
    let mut last2 = pool.cursor(start(Start::Last(2))).unwrap();
    assert!(since_future.try_next().unwrap().is_none());
    assert!(last0.try_next().unwrap().is_none());
    for i in 11..=13 {
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["all"], Durability::Fast)
            .unwrap();
    }
    let take = |c: &mut plasmite::Cursor| {
        let mut v = Vec::new();
        while let Some(m) = c.try_next().unwrap() {
            v.push(m.seq);
        }
        v
    };
    assert_eq!(take(&mut since_future), vec![12, 13]);
    assert_eq!(take(&mut last0), vec![11, 12, 13]);
    assert_eq!(take(&mut last2), vec![9, 10, 11, 12, 13]);

    // On an empty pool, Oldest and Last(n) wait for the first message.
    let (_d2, empty) = pool_with(0, 1 << 20);
    let mut c = empty.cursor(start(Start::Oldest)).unwrap();
    let mut l = empty.cursor(start(Start::Last(5))).unwrap();
    assert!(c.try_next().unwrap().is_none());
    empty
        .append_json(b"{\"n\":1}", &["all"], Durability::Fast)
        .unwrap();
    assert_eq!(c.try_next().unwrap().unwrap().seq, 1);
    assert_eq!(l.try_next().unwrap().unwrap().seq, 1);
}

#[test]
fn max_stops_after_that_many_messages() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    for max in [0u64, 1, 3, 10, 20] {
        let (_d, pool) = pool_with(10, 1 << 20);
        let mut c = pool
            .cursor(CursorOptions {
                max: Some(max),
                timeout: Some(Duration::from_millis(50)),
                ..Default::default()
            })
            .unwrap();
        let mut got = Vec::new();
        while let Some(m) = c.next().unwrap() {
            got.push(m.seq);
        }
        assert_eq!(got, (1..=max.min(10)).collect::<Vec<_>>(), "max {max}");
        let reason = if max <= 10 {
            EndReason::Max
        } else {
            EndReason::Timeout
        };
        assert_eq!(c.end_reason(), Some(reason), "max {max}");
        assert_eq!(c.delivered(), max.min(10));
        // Ended for good, even when more arrive.
        pool.append_json(b"{\"n\":0}", &["late"], Durability::Fast)
            .unwrap();
        assert!(c.try_next().unwrap().is_none());
        assert!(c.next().unwrap().is_none());
    }
    // max counts delivered (filtered) messages only.
    let (_d, pool) = pool_with(0, 1 << 20);
    for i in 1..=10u64 {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        pool.append_json(format!("{i}").as_bytes(), &[tag], Durability::Fast)
            .unwrap();
    }
    let mut c = pool
        .cursor(CursorOptions {
            max: Some(2),
            tags: vec!["even".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(c.try_next().unwrap().unwrap().seq, 2);
    assert_eq!(c.try_next().unwrap().unwrap().seq, 4);
    assert!(c.try_next().unwrap().is_none());
    assert_eq!(c.end_reason(), Some(EndReason::Max));
}

#[test]
fn inactivity_timeout_ends_a_blocking_cursor() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(3, 1 << 20);
    let mut c = pool
        .cursor(CursorOptions {
            timeout: Some(Duration::from_millis(300)),
            ..Default::default()
        })
        .unwrap();
    for want in 1..=3 {
        assert_eq!(c.next().unwrap().unwrap().seq, want);
    }
    let t = Instant::now();
    assert!(c.next().unwrap().is_none());
    let waited = t.elapsed();
    assert!(waited >= Duration::from_millis(300), "returned after {waited:?}");
    assert!(waited < Duration::from_secs(3), "returned after {waited:?}");
    assert_eq!(c.end_reason(), Some(EndReason::Timeout));
    // The timeout is about inactivity: a message within it resets the clock.
    let mut c = pool
        .cursor(CursorOptions {
            start: Start::Last(0),
            timeout: Some(Duration::from_millis(400)),
            ..Default::default()
        })
        .unwrap();
    let p2 = pool.clone();
    let feeder = std::thread::spawn(move || {
        for i in 0..3 {
            std::thread::sleep(Duration::from_millis(150));
            p2.append_json(
                format!("{{\"n\":{}}}", 4 + i).as_bytes(),
                &["all"],
                Durability::Fast,
            )
            .unwrap();
        }
    });
    let mut got = Vec::new();
    while let Some(m) = c.next().unwrap() {
        got.push(m.seq);
    }
    feeder.join().unwrap();
    assert_eq!(got, vec![4, 5, 6]);
    assert_eq!(c.end_reason(), Some(EndReason::Timeout));
    // next_within bounds one wait without ending the cursor.
    let mut c = pool.cursor(start(Start::Last(0))).unwrap();
    assert!(c.next_within(Duration::from_millis(50)).unwrap().is_none());
    assert_eq!(c.end_reason(), None);
    pool.append_json(b"{\"n\":7}", &["all"], Durability::Fast)
        .unwrap();
    assert_eq!(c.next_within(Duration::from_secs(5)).unwrap().unwrap().seq, 7);
}

#[test]
fn tag_filters_are_exact_and_all_must_match() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(0, 1 << 20);
    let cases: Vec<Vec<&str>> = vec![
        vec!["a"],
        vec!["a", "b"],
        vec!["ab"],
        vec!["b", "a"],
        vec!["A"],
        vec![],
        vec!["a\"b"],
        vec!["a b"],
        vec!["b"],
        vec!["\u{e9}"],
        vec!["a,b"],
        vec!["[\"a\"]"],
    ];
    for (i, tags) in cases.iter().enumerate() {
        pool.append_json(format!("{}", i + 1).as_bytes(), tags, Durability::Fast)
            .unwrap();
    }
    let filter = |tags: &[&str]| {
        let mut c = pool
            .cursor(CursorOptions {
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            })
            .unwrap();
        let mut v = Vec::new();
        while let Some(m) = c.try_next().unwrap() {
            v.push(m.seq);
        }
        v
    };
    assert_eq!(filter(&["a"]), vec![1, 2, 4]);
    assert_eq!(filter(&["b"]), vec![2, 4, 9]);
    assert_eq!(filter(&["a", "b"]), vec![2, 4]);
    assert_eq!(filter(&["b", "a"]), vec![2, 4]);
    assert_eq!(filter(&["ab"]), vec![3]);
    assert_eq!(filter(&["A"]), vec![5]);
    assert_eq!(filter(&["a\"b"]), vec![7]);
    assert_eq!(filter(&["a b"]), vec![8]);
    assert_eq!(filter(&["\u{e9}"]), vec![10]);
    assert_eq!(filter(&["a,b"]), vec![11]);
    assert_eq!(filter(&["[\"a\"]"]), vec![12]);
    assert_eq!(filter(&["a", "zzz"]), Vec::<u64>::new());
    assert_eq!(filter(&[]), (1..=12).collect::<Vec<_>>());
    let e = pool
        .cursor(CursorOptions {
            tags: vec![String::new()],
            ..Default::default()
        })
        .err()
        .expect("an empty tag filter is refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert_eq!(
        pool.append_json(b"1", &[""], Durability::Fast)
            .unwrap_err()
            .kind(),
        ErrorKind::Usage
    );
}

/// Fills the 64 KiB pool with ~1 KiB messages until `seq` is overwritten.
fn overwrite(pool: &Pool, seq: u64) {
    let filler = format!("\"{}\"", "f".repeat(1000));
    while pool.info().unwrap().oldest.unwrap_or(0) <= seq {
        pool.append_json(filler.as_bytes(), &["fill"], Durability::Fast)
            .unwrap();
    }
}

#[test]
fn gap_policies() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(5, 64 * 1024);
    let open = |gaps, tags: &[&str]| {
        pool.cursor(CursorOptions {
            gaps,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            // Bounds a next() that wrongly keeps waiting after the stream ended.
            timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        })
        .unwrap()
    };
    let mut cont = open(GapPolicy::Continue, &[]);
    let mut strict = open(GapPolicy::Error, &[]);
    // A filter that matches nothing still does not hide a gap.
    let mut strict_filtered = open(GapPolicy::Error, &["nothing-has-this"]);
    assert_eq!(strict_filtered.try_next().unwrap().map(|m| m.seq), None);
    for c in [&mut cont, &mut strict] {
        assert_eq!(c.try_next().unwrap().unwrap().seq, 1);
        assert_eq!(c.try_next().unwrap().unwrap().seq, 2);
    }
    overwrite(&pool, 40);
    let oldest = pool.info().unwrap().oldest.unwrap();
    assert!(oldest > 40);

    let m = cont.try_next().unwrap().unwrap();
    assert_eq!(m.seq, oldest, "continue resumes at the oldest retained message");
    assert_eq!(cont.skipped(), oldest - 3);

    let e = strict.try_next().unwrap_err();
    assert_eq!((e.kind(), e.seq()), (ErrorKind::RetentionGap, Some(3)), "{e:?}");
    assert!(e.hint().is_some());
    assert!(
        strict.try_next().unwrap().is_none(),
        "the stream ends after the gap"
    );
    let t = Instant::now();
    assert!(strict.next().unwrap().is_none());
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "next() waited after the stream ended"
    );

    let e = strict_filtered.try_next().unwrap_err();
    assert_eq!((e.kind(), e.seq()), (ErrorKind::RetentionGap, Some(6)), "{e:?}");
    // A cursor started before the oldest retained message.
    let mut early = pool
        .cursor(CursorOptions {
            start: Start::Since(2),
            gaps: GapPolicy::Error,
            ..Default::default()
        })
        .unwrap();
    let e = early.try_next().unwrap_err();
    assert_eq!((e.kind(), e.seq()), (ErrorKind::RetentionGap, Some(2)));
    let mut early = pool.cursor(start(Start::Since(2))).unwrap();
    assert_eq!(early.try_next().unwrap().unwrap().seq, oldest);
    assert_eq!(early.skipped(), oldest - 2);
}

#[test]
fn get_not_found_names_the_seq() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(0, 64 * 1024);
    for seq in [0u64, 1, 2, u64::MAX] {
        let e = pool.get(seq).unwrap_err();
        assert_eq!((e.kind(), e.seq()), (ErrorKind::NotFound, Some(seq)));
    }
    for i in 1..=5 {
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["all"], Durability::Fast)
            .unwrap();
    }
    assert_eq!(pool.get(5).unwrap().payload(), b"{\"n\":5}");
    for seq in [0u64, 6, 7, u64::MAX] {
        let e = pool.get(seq).unwrap_err();
        assert_eq!((e.kind(), e.seq()), (ErrorKind::NotFound, Some(seq)));
    }
    overwrite(&pool, 5);
    for seq in 1..=5 {
        let e = pool.get(seq).unwrap_err();
        assert_eq!(
            (e.kind(), e.seq()),
            (ErrorKind::NotFound, Some(seq)),
            "overwritten {seq}"
        );
    }
    let oldest = pool.info().unwrap().oldest.unwrap();
    assert!(pool.get(oldest).is_ok());
    assert_eq!(pool.get(oldest - 1).unwrap_err().kind(), ErrorKind::NotFound);
}

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A follower blocked in `next()` is woken by an append from another thread:
/// every wait ends within a bound, and typically at once (a lost wake-up
/// would cost the whole 100 ms re-check period every time).
#[test]
fn blocking_next_is_woken_by_another_thread() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(0, 1 << 20);
    let path = pool.path().to_path_buf();
    let p2 = pool.clone();
    let consumed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let consumed2 = consumed.clone();
    let follower = std::thread::spawn(move || {
        let mut c = p2
            .cursor(CursorOptions {
                timeout: Some(Duration::from_secs(20)),
                ..Default::default()
            })
            .unwrap();
        let mut lat = Vec::new();
        for want in 1..=20u64 {
            let m = c.next().unwrap().expect("woken within the timeout");
            assert_eq!(m.seq, want);
            lat.push(Duration::from_nanos(now_ns().saturating_sub(m.timestamp_ns)));
            consumed2.store(want, std::sync::atomic::Ordering::SeqCst);
        }
        lat
    });
    for i in 1..=20u64 {
        // Append only once the follower has taken the previous message and
        // sleeps on the futex again.
        assert!(wait_until(Duration::from_secs(20), || {
            consumed.load(std::sync::atomic::Ordering::SeqCst) == i - 1
        }));
        assert!(
            wait_until(Duration::from_secs(20), || follower_asleep(&path)),
            "the follower never waited"
        );
        pool.append_json(format!("{{\"n\":{i}}}").as_bytes(), &["all"], Durability::Fast)
            .unwrap();
    }
    let lat = follower.join().unwrap();
    let (med, max) = (median(lat.clone()), *lat.iter().max().unwrap());
    eprintln!("thread wake-up latency: median {med:?}, max {max:?}");
    assert!(max < Duration::from_secs(2), "{lat:?}");
    assert!(
        med < Duration::from_millis(50),
        "wake-ups are not delivered: {lat:?}"
    );
}

/// Child for the cross-process wake-up test: for each round, waits (with a
/// blocking cursor of its own) for the parent's "ack" message, then for the
/// parent to be asleep on the futex, then appends a "data" message.
#[test]
fn child_waker() {
    if std::env::var(ROLE).as_deref() != Ok("waker") {
        return;
    }
    let pool = Pool::open(env("POOL")).unwrap();
    let path = pool.path().to_path_buf();
    let mut acks = pool
        .cursor(CursorOptions {
            tags: vec!["ack".into()],
            timeout: Some(Duration::from_secs(20)),
            ..Default::default()
        })
        .unwrap();
    for r in 0..10u64 {
        let m = acks.next().unwrap().expect("ack from the parent");
        assert_eq!(m.payload, format!("{r}").as_bytes());
        assert!(
            wait_until(Duration::from_secs(20), || follower_asleep(&path)),
            "the parent never waited"
        );
        pool.append_json(format!("{r}").as_bytes(), &["data"], Durability::Fast)
            .unwrap();
    }
    println!("WAKER DONE");
}

/// The same across processes: the parent blocks in `next()` and a child
/// process's append wakes it.
#[test]
fn blocking_next_is_woken_by_another_process() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let (_d, pool) = pool_with(0, 1 << 20);
    let child = spawn_child(
        "engine_cursor::child_waker",
        "waker",
        &[("POOL", pool.path().display().to_string())],
    );
    let mut data = pool
        .cursor(CursorOptions {
            tags: vec!["data".into()],
            timeout: Some(Duration::from_secs(20)),
            ..Default::default()
        })
        .unwrap();
    let mut lat = Vec::new();
    for r in 0..10u64 {
        pool.append_json(format!("{r}").as_bytes(), &["ack"], Durability::Fast)
            .unwrap();
        let m = data
            .next()
            .unwrap()
            .expect("the child's message within the timeout");
        assert_eq!(m.payload, format!("{r}").as_bytes());
        lat.push(Duration::from_nanos(now_ns().saturating_sub(m.timestamp_ns)));
    }
    child.finish(Duration::from_secs(60));
    let (med, max) = (median(lat.clone()), *lat.iter().max().unwrap());
    eprintln!("process wake-up latency: median {med:?}, max {max:?}");
    assert!(max < Duration::from_secs(2), "{lat:?}");
    assert!(
        med < Duration::from_millis(50),
        "wake-ups are not delivered across processes: {lat:?}"
    );
}

/// A follower killed while asleep leaves the sleeping bit set; the next
/// append clears it (one spare wake-up) and later appends pay nothing.
#[test]
fn killed_sleeping_follower_costs_one_wake_up_at_most() {
    let dir = tempfile::tempdir().unwrap();
    let pool = plasmite::Client::new(dir.path())
        .create_pool("k", 1 << 20)
        .unwrap();
    let path = pool.path().to_path_buf();
    let mut follower = std::process::Command::new(env!("CARGO_BIN_EXE_pls"))
        .args(["tail", "-f", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || follower_asleep(&path)),
        "follower never slept"
    );
    follower.kill().unwrap();
    follower.wait().unwrap();
    assert!(
        follower_asleep(&path),
        "the killed follower's bit should still be set"
    );
    pool.append_json(b"1", &[] as &[&str], plasmite::Durability::Fast)
        .unwrap();
    assert!(!follower_asleep(&path), "the append should clear the bit");
    pool.append_json(b"2", &[] as &[&str], plasmite::Durability::Fast)
        .unwrap();
    assert!(!follower_asleep(&path));
}
