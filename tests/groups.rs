//! Consumer groups in the library: claim order, acks (by receipt and by bare
//! seq, stale receipts refused), nack, extend, lease expiry, dead letters,
//! the window bound, retention gaps, `protect`, and the kill test: four
//! consumer processes SIGKILLed at random moments over 100,000 messages.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{env, env_u64, spawn_child, ROLE};
use plasmite::{
    AckOutcome, Batch, Client, DeliveryReceipt, Durability, ErrorKind, GapPolicy, GroupOptions, GroupStart,
    Pool,
};

fn pool(dir: &tempfile::TempDir, name: &str, size: u64) -> Pool {
    Client::new(dir.path()).create_pool(name, size).unwrap()
}

fn fill(p: &Pool, n: u64) {
    let mut b = Batch::new();
    for i in 0..n {
        b.push_json(format!("{{\"i\":{i}}}").as_bytes(), &["job"])
            .unwrap();
    }
    p.append_batch(&b, Durability::Fast).unwrap();
}

fn boottime() -> u64 {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_BOOTTIME).unwrap();
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

#[test]
fn claims_go_in_seq_order_and_acks_settle_them() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 10);
    let a = p.group("workers").unwrap();
    let mut b = p.open_group("workers").unwrap();
    b.set_consumer("b").unwrap();
    let da = a.claim(3, None).unwrap();
    let db = b.claim(3, None).unwrap();
    let seqs: Vec<u64> = da.iter().chain(&db).map(|d| d.receipt.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5, 6]);
    assert!(da.iter().all(|d| d.receipt.delivery == 1));
    assert_eq!(da[0].message.payload(), br#"{"i":0}"#);
    let mut env = Vec::new();
    da[0].write_envelope(&mut env).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&env).unwrap();
    assert_eq!(v["delivery"], 1);
    assert_eq!(v["receipt"], "1.1");
    assert_eq!(v["data"]["i"], 0);

    assert_eq!(a.ack(da[1].receipt).unwrap(), AckOutcome::Acked);
    assert_eq!(
        a.ack(da[1].receipt).unwrap(),
        AckOutcome::AlreadyAcked,
        "acks are idempotent"
    );
    let info = a.info().unwrap();
    assert_eq!(
        (info.ack_floor, info.next_seq, info.pending, info.acked),
        (1, 7, 5, 1)
    );
    assert_eq!(info.lag, 4);
    // By bare seq (the operator's form) and in bulk.
    assert_eq!(a.ack("1".parse().unwrap()).unwrap(), AckOutcome::Acked);
    let r: Vec<DeliveryReceipt> = db.iter().map(|d| d.receipt).collect();
    assert_eq!(b.ack_many(&r).unwrap(), vec![AckOutcome::Acked; 3]);
    let info = a.info().unwrap();
    assert_eq!((info.ack_floor, info.pending), (3, 1));
    let names: Vec<&str> = info.consumers.iter().map(|c| c.name.as_str()).collect();
    assert!(
        names.contains(&"b") && names.iter().any(|n| n.starts_with("pid-")),
        "{names:?}"
    );
    // Never delivered: NotFound.
    assert_eq!(
        a.ack("9".parse().unwrap()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(p.group_names().unwrap(), vec!["workers".to_string()]);
    // The books survive reopening the pool.
    let p2 = Pool::open(p.path()).unwrap();
    assert_eq!(p2.open_group("workers").unwrap().info().unwrap().acked, 5);
}

#[test]
fn expired_leases_redeliver_first_and_stale_receipts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 5);
    let lease = Duration::from_millis(300);
    let g = p
        .group_with(
            "g",
            &GroupOptions {
                lease,
                ..Default::default()
            },
        )
        .unwrap();
    let first = g.claim(2, None).unwrap();
    let started = Instant::now();
    let other = p.open_group("g").unwrap();
    // Waiting: nothing new is claimed from 1, 2 until their lease ends;
    // 3.. are new. Take them all, then wait for the redeliveries.
    let fresh = other.claim(10, None).unwrap();
    assert_eq!(
        fresh.iter().map(|d| d.receipt.seq).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    let again = other
        .claim_wait(10, Some(Duration::from_secs(30)), Duration::from_secs(5))
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= lease,
        "redelivered after {waited:?}, before the lease ended"
    );
    assert!(
        waited <= lease + Duration::from_secs(1),
        "redelivered after {waited:?}"
    );
    // Redeliveries come before new messages, in seq order: 1 and 2 (and
    // 3..5, whose lease also ran out meanwhile, only if it did).
    assert_eq!(again[0].receipt, DeliveryReceipt { seq: 1, delivery: 2 });
    assert_eq!(again[1].receipt, DeliveryReceipt { seq: 2, delivery: 2 });
    // The first holder's ack is stale now: lease lost, nothing changes.
    let err = g.ack(first[0].receipt).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Busy);
    assert!(err.to_string().contains("lease lost"), "{err}");
    assert_eq!(
        g.ack_many(&[first[1].receipt]).unwrap(),
        vec![AckOutcome::LeaseLost(2)]
    );
    assert_eq!(other.ack(again[0].receipt).unwrap(), AckOutcome::Acked);
    let info = g.info().unwrap();
    assert_eq!(info.redelivered, again.len() as u64);
    assert_eq!(info.acked, 1);
}

#[test]
fn nack_releases_now_or_later_and_extend_keeps_a_lease() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 3);
    let g = p.group("g").unwrap();
    let d = g.claim(3, Some(Duration::from_millis(400))).unwrap();
    // Extend 3 well past the others.
    g.extend(d[2].receipt, Duration::from_secs(30)).unwrap();
    g.nack(d[0].receipt, Duration::ZERO).unwrap();
    g.nack(d[1].receipt, Duration::from_millis(200)).unwrap();
    let now = g.claim(10, None).unwrap();
    assert_eq!(
        now.iter().map(|x| x.receipt).collect::<Vec<_>>(),
        vec![DeliveryReceipt { seq: 1, delivery: 2 }]
    );
    let later = g.claim_wait(10, None, Duration::from_secs(3)).unwrap();
    assert_eq!(
        later.iter().map(|x| x.receipt).collect::<Vec<_>>(),
        vec![DeliveryReceipt { seq: 2, delivery: 2 }]
    );
    // Past the first lease, 3 is still held (extended).
    std::thread::sleep(Duration::from_millis(500));
    let none = g.claim(10, Some(Duration::from_secs(30))).unwrap();
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(g.ack(d[2].receipt).unwrap(), AckOutcome::Acked);
    assert_eq!(g.info().unwrap().nacked, 2);
    // Extending or nacking what is acked: NotFound.
    assert_eq!(
        g.extend(d[2].receipt, Duration::from_secs(1)).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn max_deliveries_routes_to_the_dead_letter_pool() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 2);
    let opts = GroupOptions {
        max_deliveries: 2,
        ..Default::default()
    };
    let g = p.group_with("g", &opts).unwrap();
    let d = g.claim(1, None).unwrap();
    g.nack(d[0].receipt, Duration::ZERO).unwrap();
    let d = g.claim(1, None).unwrap();
    assert_eq!(d[0].receipt, DeliveryReceipt { seq: 1, delivery: 2 });
    g.nack(d[0].receipt, Duration::ZERO).unwrap();
    // The third delivery would pass the maximum: dead-lettered, then 2.
    let d = g.claim(1, None).unwrap();
    assert_eq!(d[0].receipt, DeliveryReceipt { seq: 2, delivery: 1 });
    let dead = Client::new(dir.path()).open_pool("jobs.dead").unwrap();
    assert_eq!(
        dead.geometry().file_size,
        p.geometry().file_size,
        "documented size: the pool's"
    );
    let m = dead.get(1).unwrap();
    let v: serde_json::Value = serde_json::from_slice(m.payload()).unwrap();
    assert_eq!(v["reason"], "max-deliveries");
    assert_eq!(v["group"], "g");
    assert_eq!(v["seq"], 1);
    assert_eq!(v["deliveries"], 2);
    assert_eq!(v["message"]["data"]["i"], 0);
    assert_eq!(m.tags(), vec!["dead-letter".to_string()]);
    let info = g.info().unwrap();
    assert_eq!((info.dead, info.ack_floor, info.pending), (1, 2, 1));
    assert_eq!(
        g.ack(DeliveryReceipt { seq: 1, delivery: 2 }).unwrap(),
        AckOutcome::AlreadyAcked
    );
}

#[test]
fn a_full_window_is_busy_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 10);
    let g = p
        .group_with(
            "g",
            &GroupOptions {
                capacity: 4,
                ..Default::default()
            },
        )
        .unwrap();
    let d = g.claim(10, None).unwrap();
    assert_eq!(d.len(), 4);
    let err = g.claim(1, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Busy);
    assert!(err.hint().unwrap().contains("--capacity"), "{err:?}");
    // A blocking claim waits for room, then says Busy.
    let t = Instant::now();
    assert_eq!(
        g.claim_wait(1, None, Duration::from_millis(200))
            .unwrap_err()
            .kind(),
        ErrorKind::Busy
    );
    assert!(t.elapsed() >= Duration::from_millis(200));
    // Acking the oldest frees room; acking a later one does not.
    g.ack(d[3].receipt).unwrap();
    assert_eq!(g.claim(1, None).unwrap_err().kind(), ErrorKind::Busy);
    g.ack(d[0].receipt).unwrap();
    assert_eq!(g.claim(5, None).unwrap()[0].receipt.seq, 5);
    assert!(
        GroupOptions {
            capacity: 0,
            ..Default::default()
        }
        .capacity
            == 0
    );
    assert_eq!(
        p.create_group(
            "h",
            &GroupOptions {
                capacity: 0,
                ..Default::default()
            }
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Usage
    );
    assert_eq!(p.group("bad/name").unwrap_err().kind(), ErrorKind::Usage);
}

fn big(i: u64) -> Vec<u8> {
    format!("{{\"i\":{i},\"pad\":\"{}\"}}", "x".repeat(900)).into_bytes()
}

#[test]
fn overwritten_messages_are_counted_lost_and_reported_per_gap_policy() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "small", 64 * 1024);
    let cont = p.group("cont").unwrap();
    let strict = p
        .group_with(
            "strict",
            &GroupOptions {
                gap: GapPolicy::Error,
                ..Default::default()
            },
        )
        .unwrap();
    let held = cont.claim(2, None).unwrap();
    assert!(held.is_empty());
    p.append_json(&big(0), &[] as &[&str], Durability::Fast).unwrap();
    let held = cont.claim(1, None).unwrap();
    assert_eq!(held.len(), 1);
    for i in 1..200 {
        p.append_json(&big(i), &[] as &[&str], Durability::Fast).unwrap();
    }
    let oldest = p.info().unwrap().oldest.unwrap();
    assert!(oldest > 10);
    let d = cont.claim(1, None).unwrap();
    assert_eq!(d[0].receipt.seq, oldest);
    let info = cont.info().unwrap();
    assert_eq!(info.lost, oldest - 2, "undelivered 2..oldest");
    assert_eq!(info.lost_pending, 1, "seq 1 was pending when overwritten");
    let err = strict.claim(1, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RetentionGap);
    assert_eq!(err.seq(), Some(1));
    assert!(
        err.to_string().contains(&format!("{} message(s)", oldest - 1)),
        "{err}"
    );
    // The policy reports once; the group goes on.
    assert_eq!(strict.claim(1, None).unwrap()[0].receipt.seq, oldest);
}

#[test]
fn protect_refuses_appends_instead_of_overwriting_unacked_work() {
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "small", 64 * 1024);
    let g = p
        .group_with(
            "safe",
            &GroupOptions {
                protect: true,
                ..Default::default()
            },
        )
        .unwrap();
    let mut n = 0u64;
    let err = loop {
        match p.append_json(&big(n), &[] as &[&str], Durability::Fast) {
            Ok(_) => n += 1,
            Err(e) => break e,
        }
        assert!(n < 1000, "appends never refused");
    };
    assert_eq!(err.kind(), ErrorKind::Busy);
    assert!(err.to_string().contains("\"safe\""), "{err}");
    assert!(err.hint().is_some());
    assert_eq!(p.info().unwrap().oldest, Some(1), "nothing was overwritten");
    // A batch that does not fit is refused whole.
    let mut b = Batch::new();
    b.push_json(b"{}", &[] as &[&str]).unwrap();
    b.push_json(&big(n), &[] as &[&str]).unwrap();
    assert_eq!(
        p.append_batch(&b, Durability::Fast).unwrap_err().kind(),
        ErrorKind::Busy
    );
    assert_eq!(p.newest_seq().unwrap(), Some(n));
    // Work through half: appends go on, overwriting only acked messages.
    let d = g.claim((n / 2) as usize, None).unwrap();
    let r: Vec<DeliveryReceipt> = d.iter().map(|x| x.receipt).collect();
    g.ack_many(&r).unwrap();
    p.append_json(&big(n), &[] as &[&str], Durability::Fast).unwrap();
    assert!(p.info().unwrap().oldest.unwrap() <= n / 2 + 1);
    assert_eq!(g.info().unwrap().lost, 0);
    // Deleting the group lifts the protection.
    p.delete_group("safe").unwrap();
    for i in 0..200 {
        p.append_json(&big(i), &[] as &[&str], Durability::Fast).unwrap();
    }
    assert!(p.group_names().unwrap().is_empty());
}

#[test]
fn a_new_group_can_start_at_new_messages_and_a_deleted_pool_takes_its_groups() {
    let dir = tempfile::tempdir().unwrap();
    let c = Client::new(dir.path());
    let p = c.create_pool("jobs", 1 << 20).unwrap();
    fill(&p, 3);
    let g = p
        .create_group(
            "late",
            &GroupOptions {
                start: GroupStart::New,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(g.claim(10, None).unwrap().is_empty());
    fill(&p, 1);
    assert_eq!(g.claim(10, None).unwrap()[0].receipt.seq, 4);
    assert_eq!(
        p.create_group("late", &GroupOptions::default())
            .unwrap_err()
            .kind(),
        ErrorKind::AlreadyExists
    );
    drop(g);
    c.delete_pool("jobs").unwrap();
    let p = c.create_pool("jobs", 1 << 20).unwrap();
    assert!(p.group_names().unwrap().is_empty());
    assert_eq!(p.open_group("late").unwrap_err().kind(), ErrorKind::NotFound);
}

// ---- the kill test ----

const KILL_N: u64 = 100_000;
const KILL_LEASE_MS: u64 = 1000;

/// Consumer child: claims batches (1..64) and acks them, printing
/// `C seq delivery before after` (CLOCK_BOOTTIME around the claim call) for
/// each delivery and `A seq delivery outcome` after the ack returns.
#[test]
fn child_group_consumer() {
    if std::env::var(ROLE).as_deref() != Ok("group-consumer") {
        return;
    }
    use rand::{Rng, SeedableRng};
    use std::io::Write;
    let name = format!("c{}", env_u64("K"));
    let mut consumer = match std::env::var("URL") {
        Ok(url) => Consumer::Remote(plasmite::remote::Remote::new(&url, None), name),
        Err(_) => {
            let p = Pool::open(env("POOL")).unwrap();
            let mut g = p.open_group("kill").unwrap();
            g.set_consumer(&name).unwrap();
            Consumer::Local(g)
        }
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(env_u64("SEED"));
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let mut line = String::new();
    loop {
        let max = rng.gen_range(1..=64);
        let before = boottime();
        let receipts = consumer.claim(max);
        let after = boottime();
        line.clear();
        for r in &receipts {
            use std::fmt::Write;
            writeln!(line, "C {} {} {before} {after}", r.seq, r.delivery).unwrap();
        }
        out.write_all(line.as_bytes()).unwrap();
        out.flush().unwrap();
        if rng.gen_ratio(1, 50) {
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..5)));
        }
        let outcomes = consumer.ack(&receipts);
        line.clear();
        for (r, o) in receipts.iter().zip(outcomes) {
            use std::fmt::Write;
            let o = match o {
                AckOutcome::Acked => "acked",
                AckOutcome::AlreadyAcked => "already",
                AckOutcome::LeaseLost(_) => "lost",
            };
            writeln!(line, "A {} {} {o}", r.seq, r.delivery).unwrap();
        }
        out.write_all(line.as_bytes()).unwrap();
        out.flush().unwrap();
    }
}

/// A consumer of the kill test: the library in-process, or the library's
/// remote client through `pls serve`.
enum Consumer {
    Local(plasmite::Group),
    Remote(plasmite::remote::Remote, String),
}

impl Consumer {
    fn claim(&mut self, max: usize) -> Vec<DeliveryReceipt> {
        match self {
            Consumer::Local(g) => g
                .claim_wait(max, None, Duration::from_millis(100))
                .unwrap()
                .iter()
                .map(|d| d.receipt)
                .collect(),
            Consumer::Remote(r, name) => {
                let body = r
                    .claim(
                        "kill",
                        "kill",
                        max as u64,
                        None,
                        Duration::from_millis(100),
                        Some(name),
                    )
                    .unwrap();
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                v["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["receipt"].as_str().unwrap().parse().unwrap())
                    .collect()
            }
        }
    }

    fn ack(&mut self, receipts: &[DeliveryReceipt]) -> Vec<AckOutcome> {
        if receipts.is_empty() {
            return Vec::new();
        }
        match self {
            Consumer::Local(g) => g.ack_many(receipts).unwrap(),
            Consumer::Remote(r, _) => r.ack("kill", "kill", receipts).unwrap(),
        }
    }
}

#[test]
fn four_consumers_killed_at_random_ack_every_message_exactly_once() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    kill_test(&dir, None);
}

#[test]
fn four_remote_consumers_killed_at_random_through_pls_serve() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = crate::serve_support::Server::start_in(dir.path(), 0, &[]);
    kill_test(&dir, Some(server.url()));
}

fn kill_test(dir: &tempfile::TempDir, url: Option<String>) {
    use rand::{Rng, SeedableRng};
    let p = pool(dir, "kill", 64 << 20);
    let mut b = Batch::new();
    for i in 0..KILL_N {
        b.push_json(
            format!("{{\"job\":{i},\"pad\":\"{}\"}}", "y".repeat(200)).as_bytes(),
            &[] as &[&str],
        )
        .unwrap();
        if b.len() == 1000 {
            p.append_batch(&b, Durability::Fast).unwrap();
            b.clear();
        }
    }
    let opts = GroupOptions {
        lease: Duration::from_millis(KILL_LEASE_MS),
        max_deliveries: 1000,
        capacity: 1 << 18,
        ..Default::default()
    };
    p.create_group("kill", &opts).unwrap();
    let path = p.path().display().to_string();
    let test = "groups::child_group_consumer";
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let mut seed = 0u64;
    let mut spawn = |k: u64| {
        seed += 1;
        let mut env = vec![
            ("POOL", path.clone()),
            ("K", k.to_string()),
            ("SEED", seed.to_string()),
        ];
        if let Some(u) = &url {
            env.push(("URL", u.clone()));
        }
        let mut c = spawn_child(test, "group-consumer", &env);
        c.expect_line("READY", Duration::from_secs(60));
        c
    };
    let mut kids: Vec<_> = (0..4).map(&mut spawn).collect();
    let mut lines: Vec<(u64, String)> = Vec::new(); // (consumer incarnation, line)
    let mut incarnation: Vec<u64> = (0..4).collect();
    let mut next_incarnation = 4u64;
    let mut killed: HashSet<u64> = HashSet::new();
    let g = p.open_group("kill").unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut kills = 0;
    loop {
        for (k, c) in kids.iter_mut().enumerate() {
            while let Ok(l) = c.lines.try_recv() {
                lines.push((incarnation[k], l));
            }
        }
        let info = g.info().unwrap();
        if info.ack_floor > KILL_N {
            break;
        }
        assert!(Instant::now() < deadline, "not done in time: {info:?}");
        std::thread::sleep(Duration::from_millis(rng.gen_range(2..25)));
        if kills < 60 && rng.gen_ratio(3, 4) {
            let k = rng.gen_range(0..4);
            let c = &mut kids[k];
            let _ = c.child.kill(); // SIGKILL
            let _ = c.child.wait();
            while let Ok(l) = c.lines.recv_timeout(Duration::from_secs(5)) {
                lines.push((incarnation[k], l));
            }
            killed.insert(incarnation[k]);
            kills += 1;
            // Whatever the kill interrupted, the next locker leaves the
            // books consistent.
            assert_eq!(g.check().unwrap(), Vec::<String>::new(), "after kill {kills}");
            kids[k] = spawn(k as u64);
            incarnation[k] = next_incarnation;
            next_incarnation += 1;
        }
    }
    for (k, c) in kids.iter_mut().enumerate() {
        let _ = c.child.kill();
        let _ = c.child.wait();
        while let Ok(l) = c.lines.recv_timeout(Duration::from_secs(5)) {
            lines.push((incarnation[k], l));
        }
    }
    assert!(kills >= 10, "only {kills} kills");
    let info = g.info().unwrap();
    assert_eq!(g.check().unwrap(), Vec::<String>::new());
    // The books: every message acked exactly once, nothing pending or lost.
    assert_eq!(info.acked, KILL_N, "{info:?}");
    assert_eq!(
        (info.pending, info.lost, info.lost_pending, info.dead),
        (0, 0, 0, 0)
    );
    assert_eq!(info.next_seq, KILL_N + 1);

    // Delivery log: seq -> delivery -> (holder, before, after).
    let mut deliveries: HashMap<u64, HashMap<u32, (u64, u64, u64)>> = HashMap::new();
    let mut acked_by: HashMap<u64, u64> = HashMap::new();
    for (who, l) in &lines {
        let f: Vec<&str> = l.split(' ').collect();
        match f[0] {
            "C" => {
                let (seq, d) = (f[1].parse::<u64>().unwrap(), f[2].parse::<u32>().unwrap());
                let prev = deliveries
                    .entry(seq)
                    .or_default()
                    .insert(d, (*who, f[3].parse().unwrap(), f[4].parse().unwrap()));
                assert!(prev.is_none(), "seq {seq} delivery {d} handed out twice");
            }
            "A" if f[3] == "acked" => {
                let seq = f[1].parse::<u64>().unwrap();
                assert!(acked_by.insert(seq, *who).is_none(), "seq {seq} acked twice");
            }
            _ => {}
        }
    }
    let lease_ns = KILL_LEASE_MS * 1_000_000;
    let mut unlogged = 0;
    let mut redeliveries = 0;
    for seq in 1..=KILL_N {
        let ds = deliveries
            .get(&seq)
            .unwrap_or_else(|| panic!("seq {seq} was never delivered (logged)"));
        for (&d, &(_, _, after)) in ds {
            if d == 1 {
                continue;
            }
            redeliveries += 1;
            // The lease of the delivery before must have ended: it was
            // held by a consumer that was killed, or that took too long.
            match ds.get(&(d - 1)) {
                Some(&(holder, before, _)) => {
                    assert!(
                        after >= before + lease_ns,
                        "seq {seq}: delivery {d} while delivery {} (consumer {holder}) still held its lease",
                        d - 1
                    );
                    assert!(
                        killed.contains(&holder) || acked_by.get(&seq).is_none_or(|w| *w != holder),
                        "seq {seq}: redelivered although holder {holder} acked it"
                    );
                }
                // The holder died between the claim and printing it.
                None => unlogged += 1,
            }
        }
        // Acked once, by a holder that was not killed before printing it or by
        // a consumer killed after; unlogged acks belong to killed consumers.
        if !acked_by.contains_key(&seq) {
            unlogged += 1;
        }
    }
    assert!(
        unlogged <= kills * 2 * 64,
        "{unlogged} deliveries or acks without a log line, for {kills} kills"
    );
    eprintln!(
        "kill test ({}): {kills} kills, {redeliveries} redeliveries, {unlogged} unlogged",
        if url.is_some() { "remote" } else { "local" }
    );
}

#[test]
fn doctor_checks_group_books_and_protect_slots() {
    use std::os::unix::fs::FileExt;
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 5);
    let g = p.group("g").unwrap();
    let d = g.claim(3, None).unwrap();
    g.ack(d[1].receipt).unwrap();
    assert!(p.validate().is_clean(), "{:?}", p.validate());
    // The pending count (bytes 536..544 of the group file) no longer
    // matches the slots: doctor says so.
    let file = p.path().with_extension("plasmite.groups").join("g.group");
    let f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    f.write_all_at(&7u64.to_le_bytes(), 536).unwrap();
    let r = p.validate();
    assert!(!r.is_clean());
    assert!(
        r.problems[0].message.contains("group g: pending count 7"),
        "{r:?}"
    );
    assert_eq!(r.problems[0].kind, ErrorKind::Corrupt);
    // A protect slot whose group file is gone (a crash while creating it).
    p.create_group(
        "safe",
        &GroupOptions {
            protect: true,
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(file.with_file_name("safe.group")).unwrap();
    let r = p.validate();
    assert!(
        r.problems
            .iter()
            .any(|x| x.message.contains("protect slot 0 names group \"safe\"")),
        "{r:?}"
    );
    p.delete_group("safe").unwrap();
    assert!(!p
        .validate()
        .problems
        .iter()
        .any(|x| x.message.contains("protect slot")));
    assert_eq!(p.delete_group("safe").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn a_reboot_ends_every_lease() {
    use std::os::unix::fs::FileExt;
    let dir = tempfile::tempdir().unwrap();
    let p = pool(&dir, "jobs", 1 << 20);
    fill(&p, 3);
    let g = p.group("g").unwrap();
    let held = g.claim(2, Some(Duration::from_secs(3600))).unwrap();
    assert!(g.claim(1, None).unwrap()[0].receipt.seq == 3);
    assert!(g.claim(5, None).unwrap().is_empty(), "leases of an hour");
    // The deadlines' boot id (bytes 464..480 of the group file) is another
    // boot's: as after a reboot, the next locker ends every lease.
    let file = p.path().with_extension("plasmite.groups").join("g.group");
    let f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    f.write_all_at(&[0xAB; 16], 464).unwrap();
    let again = p.open_group("g").unwrap().claim(5, None).unwrap();
    let got: Vec<DeliveryReceipt> = again.iter().map(|d| d.receipt).collect();
    assert_eq!(
        got,
        vec![
            DeliveryReceipt { seq: 1, delivery: 2 },
            DeliveryReceipt { seq: 2, delivery: 2 },
            DeliveryReceipt { seq: 3, delivery: 2 },
        ],
        "delivered again at once, delivery counts kept"
    );
    assert_eq!(
        g.ack(held[0].receipt).unwrap_err().kind(),
        ErrorKind::Busy,
        "lease lost"
    );
    assert!(p.validate().is_clean());
}
