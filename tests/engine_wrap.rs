//! Wrap-around in tiny pools: random sizes up to the largest message a pool
//! takes, many laps, every read checked byte for byte against a model of what
//! must be retained; oversized messages are refused without writing anything.
//!
//! The model follows docs/format.md: frames are `align8(32 + tags + payload)`
//! bytes at growing logical positions, a frame that does not fit before the
//! ring's end goes to its start, and a frame is dropped exactly when the new
//! frame's end is more than one ring length past the frame's start.

use std::collections::VecDeque;

use plasmite::{Batch, Client, CursorOptions, Durability, ErrorKind, GapPolicy, Pool, PoolOptions, Start};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone)]
struct Msg {
    seq: u64,
    pos: u64,
    payload: Vec<u8>,
    tags_json: Vec<u8>,
}

struct Model {
    ring: u64,
    write: u64,
    next_seq: u64,
    msgs: VecDeque<Msg>,
}

fn align8(n: u64) -> u64 {
    (n + 7) & !7
}

fn tags_json(tags: &[String]) -> Vec<u8> {
    if tags.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(tags).unwrap()
    }
}

impl Model {
    fn new(pool: &Pool) -> Model {
        Model {
            ring: pool.geometry().ring_size,
            write: 0,
            next_seq: 1,
            msgs: VecDeque::new(),
        }
    }

    fn append(&mut self, payload: &[u8], tags: &[String]) -> u64 {
        let tags_json = tags_json(tags);
        let len = align8(32 + tags_json.len() as u64 + payload.len() as u64);
        assert!(len <= self.ring);
        let room = self.ring - self.write % self.ring;
        let at = if room < len { self.write + room } else { self.write };
        let end = at + len;
        while self.msgs.front().is_some_and(|m| m.pos + self.ring < end) {
            self.msgs.pop_front();
        }
        let seq = self.next_seq;
        self.msgs.push_back(Msg {
            seq,
            pos: at,
            payload: payload.to_vec(),
            tags_json,
        });
        self.write = end;
        self.next_seq += 1;
        seq
    }

    fn oldest(&self) -> u64 {
        self.msgs.front().map_or(self.next_seq, |m| m.seq)
    }

    fn find(&self, seq: u64) -> Option<&Msg> {
        let first = self.msgs.front()?.seq;
        self.msgs.get(seq.checked_sub(first)? as usize)
    }

    fn laps(&self) -> u64 {
        self.write / self.ring
    }
}

fn same(what: &str, got: (u64, &[u8], &[u8], plasmite::Encoding), want: &Msg) {
    assert_eq!(got.0, want.seq, "{what}: wrong seq");
    assert_eq!(got.3, plasmite::Encoding::Json, "{what}: seq {}", want.seq);
    assert!(
        got.1 == want.tags_json.as_slice(),
        "{what}: seq {} tags {:?} != {:?}",
        want.seq,
        String::from_utf8_lossy(got.1),
        String::from_utf8_lossy(&want.tags_json)
    );
    assert!(
        got.2 == want.payload.as_slice(),
        "{what}: seq {} payload differs ({} vs {} bytes)",
        want.seq,
        got.2.len(),
        want.payload.len()
    );
}

fn check_get(pool: &Pool, model: &Model, seq: u64) {
    match model.find(seq) {
        Some(want) => {
            let m = pool
                .get(seq)
                .unwrap_or_else(|e| panic!("get({seq}) of a retained message: {e:?}"));
            same(
                "get",
                (m.seq, m.as_ref().tags_json, m.payload(), m.encoding),
                want,
            );
        }
        None => {
            let e = pool
                .get(seq)
                .expect_err("get of an overwritten or absent message");
            assert_eq!((e.kind(), e.seq()), (ErrorKind::NotFound, Some(seq)), "{e:?}");
        }
    }
}

/// A compact JSON text of exactly `len` bytes (len >= 2): mostly strings
/// mixing ASCII, escapes and multi-byte UTF-8, sometimes arrays.
fn json_of_len(rng: &mut StdRng, len: usize) -> Vec<u8> {
    assert!(len >= 2);
    if len < 16 || !rng.gen_ratio(1, 8) {
        return string_of_len(rng, len);
    }
    let mut out = b"[".to_vec();
    loop {
        let tok: &[u8] = match rng.gen_range(0..6) {
            0 => b"1.50",
            1 => b"-3e2",
            2 => b"true",
            3 => b"null",
            4 => b"{\"k\":0}",
            _ => b"7",
        };
        // Keep room for a closing string of 2+ bytes and the bracket.
        if out.len() + tok.len() + 1 + 2 + 1 > len || rng.gen_ratio(1, 50) {
            break;
        }
        out.extend_from_slice(tok);
        out.push(b',');
    }
    let rest = len - out.len() - 1;
    out.extend_from_slice(&string_of_len(rng, rest));
    out.push(b']');
    assert_eq!(out.len(), len);
    assert!(plasmite::json::validate(&out).is_ok());
    out
}

/// A JSON string of exactly `len` bytes (len >= 2). It starts with a
/// counter so no two are alike; the rest is built from 64-byte chunks of
/// mixed ASCII, escapes and multi-byte UTF-8 (cheap in debug builds).
fn string_of_len(rng: &mut StdRng, len: usize) -> Vec<u8> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static CHUNKS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let chunks = CHUNKS.get_or_init(|| {
        let mut r = StdRng::seed_from_u64(99);
        (0..64)
            .map(|_| {
                let mut c = Vec::with_capacity(64);
                fill_tokens(&mut r, &mut c, 64);
                c
            })
            .collect()
    });
    let mut out = Vec::with_capacity(len);
    out.push(b'"');
    let id = format!("#{}:", COUNTER.fetch_add(1, Ordering::Relaxed));
    if id.len() + 2 <= len {
        out.extend_from_slice(id.as_bytes());
    }
    while out.len() + 1 + 64 <= len {
        out.extend_from_slice(&chunks[rng.gen_range(0..chunks.len())]);
    }
    fill_tokens(rng, &mut out, len - 1);
    out.push(b'"');
    assert_eq!(out.len(), len);
    out
}

/// Appends string-body tokens until `out` is exactly `upto` bytes long.
fn fill_tokens(rng: &mut StdRng, out: &mut Vec<u8>, upto: usize) {
    while out.len() < upto {
        let left = upto - out.len();
        let tok: &[u8] = match rng.gen_range(0..40) {
            0 => b"\\n",
            1 => b"\\\"",
            2 => b"\\\\",
            3 => "\u{e9}".as_bytes(),
            4 => "\u{20ac}".as_bytes(),
            5 => "\u{1F600}".as_bytes(),
            6 => b"\\u00e9",
            7 => b" ",
            _ => &b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.gen_range(0..36)..][..1],
        };
        if tok.len() <= left {
            out.extend_from_slice(tok);
        } else {
            out.push(b'x');
        }
    }
}

const TAG_NAMES: [&str; 5] = ["a", "b", "ops", "t\"q", "\u{e9}t\u{e9}"];

fn random_tags(rng: &mut StdRng) -> Vec<String> {
    let n = rng.gen_range(0..3);
    (0..n)
        .map(|_| TAG_NAMES[rng.gen_range(0..5)].to_string())
        .collect()
}

/// Random message size: mostly small, some medium, some up to the limit.
fn random_len(rng: &mut StdRng, max_body: u64, tags_len: usize, small_only: bool) -> usize {
    let cap = max_body as usize - tags_len;
    let len = match rng.gen_range(0..10) {
        _ if small_only => rng.gen_range(2..100),
        0..=4 => rng.gen_range(2..200),
        5..=7 => rng.gen_range(2..4096),
        8 => rng.gen_range(cap / 2..=cap),
        _ => rng.gen_range(2..=cap),
    };
    len.min(cap).max(2)
}

/// Followers: a Continue cursor that must skip exactly what the model
/// dropped, and an Error cursor that must report the first missing seq.
struct Followers {
    cont: plasmite::Cursor,
    cont_next: u64,
    strict: plasmite::Cursor,
    strict_next: u64,
    gaps: u64,
}

impl Followers {
    fn new(pool: &Pool) -> Followers {
        let open = |gaps| {
            pool.cursor(CursorOptions {
                gaps,
                ..Default::default()
            })
            .unwrap()
        };
        Followers {
            cont: open(GapPolicy::Continue),
            cont_next: 1,
            strict: open(GapPolicy::Error),
            strict_next: 1,
            gaps: 0,
        }
    }

    fn drain(&mut self, pool: &Pool, model: &Model) {
        loop {
            let skipped = self.cont.skipped();
            let Some(m) = self
                .cont
                .try_next()
                .unwrap_or_else(|e| panic!("continue cursor: {e:?}"))
            else {
                break;
            };
            let (seq, tags, payload, enc) = (m.seq, m.tags_json.to_vec(), m.payload.to_vec(), m.encoding);
            let lost = self.cont.skipped() - skipped;
            assert_eq!(
                seq,
                self.cont_next + lost,
                "continue cursor: seq {seq} with {lost} skipped"
            );
            assert!(lost == 0 || model.oldest() <= seq, "skipped to {seq}");
            for s in self.cont_next..seq {
                assert!(
                    model.find(s).is_none(),
                    "continue cursor skipped retained seq {s}"
                );
            }
            let want = model
                .find(seq)
                .expect("continue cursor returned a dropped message");
            same("continue cursor", (seq, &tags, &payload, enc), want);
            self.cont_next = seq + 1;
        }
        assert_eq!(self.cont_next, model.next_seq, "continue cursor stopped early");
        loop {
            match self.strict.try_next() {
                Ok(Some(m)) => {
                    let want = model
                        .find(m.seq)
                        .expect("error cursor returned a dropped message");
                    assert_eq!(m.seq, self.strict_next);
                    same("error cursor", (m.seq, m.tags_json, m.payload, m.encoding), want);
                    self.strict_next += 1;
                }
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(
                        (e.kind(), e.seq()),
                        (ErrorKind::RetentionGap, Some(self.strict_next)),
                        "{e:?}"
                    );
                    assert!(model.find(self.strict_next).is_none());
                    // The cursor has ended; start over from the oldest.
                    assert!(self.strict.try_next().unwrap().is_none());
                    self.gaps += 1;
                    self.strict = pool
                        .cursor(CursorOptions {
                            gaps: GapPolicy::Error,
                            ..Default::default()
                        })
                        .unwrap();
                    self.strict_next = pool.info().unwrap().oldest.unwrap();
                }
            }
        }
        assert_eq!(self.strict_next, model.next_seq, "error cursor stopped early");
    }
}

/// Everything about the pool agrees with the model.
fn full_check(pool: &Pool, model: &Model, rng: &mut StdRng) {
    let info = pool.info().unwrap();
    assert_eq!(info.oldest, model.msgs.front().map(|m| m.seq), "oldest retained");
    assert_eq!(info.newest, model.msgs.back().map(|m| m.seq));
    assert_eq!(info.message_count, model.msgs.len() as u64);
    for m in &model.msgs {
        check_get(pool, model, m.seq);
    }
    for _ in 0..5 {
        let s = rng.gen_range(0..model.next_seq + 3);
        check_get(pool, model, s);
    }
    let mut c = pool.cursor(CursorOptions::default()).unwrap();
    for want in &model.msgs {
        let m = c.try_next().unwrap().expect("fresh cursor ended early");
        same("fresh cursor", (m.seq, m.tags_json, m.payload, m.encoding), want);
    }
    assert!(c.try_next().unwrap().is_none());
    if let Some(mid) = model.msgs.get(model.msgs.len() / 2) {
        let mut c = pool
            .cursor(CursorOptions {
                start: Start::Since(mid.seq),
                ..Default::default()
            })
            .unwrap();
        let m = c.try_next().unwrap().unwrap();
        same("since cursor", (m.seq, m.tags_json, m.payload, m.encoding), mid);
    }
    let report = pool.validate();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.messages_checked, model.msgs.len() as u64);
}

fn run_laps(pool: &Pool, seed: u64, appends: usize, small_only: bool) -> Model {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut model = Model::new(pool);
    let mut followers = Followers::new(pool);
    let max_body = pool.max_message_len();
    let mut batch = Batch::new();
    let mut done = 0;
    while done < appends {
        if rng.gen_ratio(1, 10) {
            // A batch: each member fits, though together they may not.
            batch.clear();
            let n = rng.gen_range(2..6);
            let mut expect = Vec::new();
            for _ in 0..n {
                let tags = random_tags(&mut rng);
                let tl = tags_json(&tags).len();
                let n = random_len(&mut rng, max_body, tl, small_only);
                let p = json_of_len(&mut rng, n);
                batch.push_json(&p, &tags).unwrap();
                expect.push((p, tags));
            }
            let r = pool.append_batch(&batch, Durability::Fast).unwrap();
            let seqs: Vec<u64> = expect.iter().map(|(p, t)| model.append(p, t)).collect();
            let first = seqs[0];
            assert_eq!((r.first_seq, r.count), (first, n));
            done += n as usize;
        } else {
            let tags = random_tags(&mut rng);
            let tl = tags_json(&tags).len();
            let n = random_len(&mut rng, max_body, tl, small_only);
            let p = json_of_len(&mut rng, n);
            let r = pool.append_json(&p, &tags, Durability::Fast).unwrap();
            assert_eq!(r.seq, model.append(&p, &tags));
            done += 1;
        }
        check_get(pool, &model, model.next_seq - 1);
        let some = model.msgs[rng.gen_range(0..model.msgs.len())].seq;
        check_get(pool, &model, some);
        check_get(pool, &model, model.oldest().saturating_sub(1));
        assert_eq!(
            pool.info().unwrap().oldest,
            Some(model.oldest()),
            "after seq {}",
            model.next_seq - 1
        );
        if rng.gen_ratio(2, 3) {
            followers.drain(pool, &model);
        }
        if done % 97 == 0 {
            full_check(pool, &model, &mut rng);
        }
    }
    followers.drain(pool, &model);
    full_check(pool, &model, &mut rng);
    assert!(followers.gaps > 0 || small_only);
    model
}

#[test]
fn random_sizes_many_laps() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("wrap", 64 * 1024).unwrap();
    let t0 = std::time::Instant::now();
    let model = run_laps(&pool, 1, 3000, false);
    eprintln!("random sizes: {} laps, {:?}", model.laps(), t0.elapsed());
    assert!(model.laps() >= 50, "only {} laps", model.laps());
}

/// Small messages, far more retained than index slots (3, not a power of
/// two): reads fall back to scans and still find the right message.
#[test]
fn small_messages_with_colliding_index_slots() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path())
        .create_pool_with(
            "tiny-index",
            PoolOptions {
                size_bytes: 64 * 1024,
                index_capacity: Some(3),
            },
        )
        .unwrap();
    let t0 = std::time::Instant::now();
    let model = run_laps(&pool, 2, 6000, true);
    eprintln!("small messages: {} laps, {:?}", model.laps(), t0.elapsed());
    assert!(model.laps() >= 5, "only {} laps", model.laps());
    assert!(model.msgs.len() > 100);
}

/// The same with the default index of a larger (but still small) pool.
#[test]
fn random_sizes_in_a_256k_pool() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path())
        .create_pool("wrap256", 256 * 1024)
        .unwrap();
    let model = run_laps(&pool, 3, 3000, false);
    assert!(model.laps() >= 10, "only {} laps", model.laps());
}

/// The largest message fits exactly; one byte more is a Usage error that
/// writes nothing, alone or inside a batch.
#[test]
fn oversized_messages_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("big", 64 * 1024).unwrap();
    let mut rng = StdRng::seed_from_u64(4);
    let mut model = Model::new(&pool);
    let max = pool.max_message_len() as usize;
    assert_eq!(max as u64, pool.geometry().ring_size - 32);
    let tags = vec!["big".to_string()];
    let tl = tags_json(&tags).len();
    for round in 0..6 {
        // A few small ones first so the head sits somewhere inside the ring.
        for _ in 0..rng.gen_range(0..40) {
            let n = rng.gen_range(2..300);
            let p = json_of_len(&mut rng, n);
            assert_eq!(
                pool.append_json(&p, &tags, Durability::Fast).unwrap().seq,
                model.append(&p, &tags)
            );
        }
        let before = pool.info().unwrap();
        let file_before = std::fs::read(pool.path()).unwrap();
        for extra in [1usize, 8, 4096, max] {
            let p = json_of_len(&mut rng, max - tl + extra);
            let e = pool.append_json(&p, &tags, Durability::Fast).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Usage, "{e:?}");
            assert!(
                e.message().contains(&max.to_string()),
                "the error names the limit: {e}"
            );
            let mut b = Batch::new();
            b.push_json(b"1", &tags).unwrap();
            b.push_json(&p, &tags).unwrap();
            b.push_json(b"2", &tags).unwrap();
            let e = pool.append_batch(&b, Durability::Flush).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Usage, "{e:?}");
        }
        assert_eq!(
            pool.info().unwrap(),
            before,
            "round {round}: a refused append changed the pool"
        );
        let file_after = std::fs::read(pool.path()).unwrap();
        // Nothing outside the lock bookkeeping changed (offsets 128..256).
        let differs: Vec<usize> = (0..file_before.len())
            .filter(|&i| file_before[i] != file_after[i] && !(128..256).contains(&i))
            .collect();
        assert!(
            differs.is_empty(),
            "round {round}: refused appends wrote bytes at {differs:?}"
        );
        // Exactly the limit is accepted and read back intact.
        let p = json_of_len(&mut rng, max - tl);
        let r = pool.append_json(&p, &tags, Durability::Fast).unwrap();
        assert_eq!(r.seq, model.append(&p, &tags));
        assert_eq!(
            pool.info().unwrap().message_count,
            1,
            "a ring-sized message leaves room for nothing else"
        );
        full_check(&pool, &model, &mut rng);
    }
}

/// A follower caught up at the head, then one message so large that every
/// retained message must go: the follower gets that message (not an error,
/// not stale bytes).
#[test]
fn caught_up_cursor_survives_an_append_that_evicts_everything() {
    for head in [100usize, 1000, 20_000, 30_000, 40_000] {
        let dir = tempfile::tempdir().unwrap();
        let pool = Client::new(dir.path())
            .create_pool("evict-all", 64 * 1024)
            .unwrap();
        let mut rng = StdRng::seed_from_u64(head as u64);
        let mut model = Model::new(&pool);
        let mut followers = Followers::new(&pool);
        // Move the head `head` bytes into the ring (second lap, so the ring
        // holds stale frames too), with a follower keeping up.
        while model.laps() < 1 || model.write % model.ring < head as u64 {
            let n = rng.gen_range(2..400);
            let p = json_of_len(&mut rng, n);
            pool.append_json(&p, &["s"], Durability::Fast).unwrap();
            model.append(&p, &["s".to_string()]);
            followers.drain(&pool, &model);
        }
        let p = json_of_len(
            &mut rng,
            pool.max_message_len() as usize - tags_json(&["s".to_string()]).len(),
        );
        pool.append_json(&p, &["s"], Durability::Fast).unwrap();
        model.append(&p, &["s".to_string()]);
        assert_eq!(model.msgs.len(), 1);
        followers.drain(&pool, &model);
        full_check(&pool, &model, &mut rng);
        let p = json_of_len(&mut rng, 50);
        pool.append_json(&p, &["s"], Durability::Fast).unwrap();
        model.append(&p, &["s".to_string()]);
        followers.drain(&pool, &model);
        full_check(&pool, &model, &mut rng);
    }
}
