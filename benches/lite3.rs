//! Throughput of the Lite3 codec against serde_json on the same documents
//! (std::time only). Run with `cargo bench --bench lite3`.

use plasmite::lite3::{decode_to_json_into, encode_json_into, validate};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Best-of-5 mean time per call, each round running for ~`budget`/5.
fn time_op(budget: Duration, mut f: impl FnMut()) -> f64 {
    // Calibrate.
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        if t.elapsed() > Duration::from_millis(20) {
            break;
        }
        n *= 2;
    }
    let per_round = budget / 5;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let mut iters = 0u64;
        while t.elapsed() < per_round {
            for _ in 0..n {
                f();
            }
            iters += n;
        }
        best = best.min(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    best
}

/// One event-like message of roughly 1 KB.
fn event(i: usize) -> String {
    format!(
        concat!(
            r#"{{"meta":{{"tags":["event","http","svc-{i}"]}},"data":{{"method":"POST","#,
            r#""path":"/api/v1/items/{i}","status":201,"duration_ms":{d},"bytes":{b},"#,
            r#""ok":true,"error":null,"user":{{"id":{i},"name":"user \"{i}\" \u00e9t\u00e9","#,
            r#""email":"user{i}@example.com","roles":["admin","dev","ops"],"score":{s}}},"#,
            r#""headers":{{"content-type":"application/json","accept":"*/*","#,
            r#""user-agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)","#,
            r#""x-request-id":"req_9f8e2a7c1b3d4e5f{i}","x-forwarded-for":"10.0.{i}.1"}},"#,
            r#""items":[{i},2,3,5,8,13,21,34,55,89],"tags":{{"env":"prod","region":"eu-west-1","#,
            r#""zone":"b","team":"storage"}},"message":"processed batch {i} in {d} ms with"#,
            r#" no errors; next checkpoint scheduled\nline two\ttabbed","ts":1700000000{i:03}}}}}"#
        ),
        i = i,
        d = 47.25 + i as f64 * 0.5,
        b = 1024 * (i + 1),
        s = 0.1 * i as f64 + 0.333
    )
}

fn big_doc() -> String {
    let mut s = String::from("[");
    let mut i = 0;
    while s.len() < 64 * 1024 - 1100 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&event(i));
        i += 1;
    }
    s.push(']');
    s
}

fn mbs(bytes: usize, ns: f64) -> f64 {
    bytes as f64 / ns * 1e3
}

fn bench_doc(name: &str, json: &str, budget: Duration) {
    let jb = json.as_bytes();
    let mut buf = Vec::new();
    encode_json_into(jb, &mut buf).expect("encode");
    let mut out = Vec::with_capacity(buf.len() * 2);
    decode_to_json_into(&buf, &mut out).expect("decode");
    let value: serde_json::Value = serde_json::from_slice(jb).expect("serde parse");
    let serde_text = serde_json::to_vec(&value).unwrap();
    println!(
        "{name}: json {} B, lite3 {} B, lite3->json {} B, serde_json text {} B",
        jb.len(),
        buf.len(),
        out.len(),
        serde_text.len()
    );

    let mut enc = Vec::with_capacity(buf.len());
    let enc_ns = time_op(budget, || {
        enc.clear();
        encode_json_into(black_box(jb), &mut enc).unwrap();
        black_box(&enc);
    });
    let sp_ns = time_op(budget, || {
        let v: serde_json::Value = serde_json::from_slice(black_box(jb)).unwrap();
        black_box(v);
    });
    let dec_ns = time_op(budget, || {
        out.clear();
        decode_to_json_into(black_box(&buf), &mut out).unwrap();
        black_box(&out);
    });
    let mut ser = Vec::with_capacity(serde_text.len());
    let ss_ns = time_op(budget, || {
        ser.clear();
        serde_json::to_writer(&mut ser, black_box(&value)).unwrap();
        black_box(&ser);
    });
    let ser_vec_ns = time_op(budget, || {
        black_box(serde_json::to_vec(black_box(&value)).unwrap());
    });
    let val_ns = time_op(budget, || {
        validate(black_box(&buf)).unwrap();
    });
    println!(
        "  encode  lite3 {:>10.0} ns/op {:>7.0} MB/s | serde_json::from_slice::<Value> {:>10.0} ns/op {:>7.0} MB/s | speedup {:.2}x",
        enc_ns, mbs(jb.len(), enc_ns), sp_ns, mbs(jb.len(), sp_ns), sp_ns / enc_ns
    );
    println!(
        "  decode  lite3 {:>10.0} ns/op {:>7.0} MB/s | serde_json::to_vec(&Value) {:>10.0} ns/op {:>7.0} MB/s | speedup {:.2}x (to_writer into reused Vec: {:.0} ns/op, speedup {:.2}x)",
        dec_ns, mbs(out.len(), dec_ns), ser_vec_ns, mbs(serde_text.len(), ser_vec_ns), ser_vec_ns / dec_ns, ss_ns, ss_ns / dec_ns
    );
    println!(
        "  validate {:>9.0} ns/op {:>7.2} GB/s",
        val_ns,
        buf.len() as f64 / val_ns
    );
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; a numeric argument sets the per-measurement budget in ms.
    let ms = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<u64>().ok())
        .unwrap_or(1000);
    let budget = Duration::from_millis(ms);

    let small = event(7);
    bench_doc("~1 KB message", &small, budget);
    let big = big_doc();
    bench_doc("~64 KB document", &big, budget);

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/lite3/vectors.jsonl");
    let text = std::fs::read_to_string(path).expect("vectors.jsonl");
    let mut cases: Vec<(String, Vec<u8>)> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_string(),
                unhex(v["lite3_hex"].as_str().unwrap()),
            )
        })
        .collect();
    cases.sort_by_key(|c| std::cmp::Reverse(c.1.len()));
    println!("validation throughput on the largest vectors:");
    for (name, buf) in cases.iter().take(6) {
        let ns = time_op(budget, || validate(black_box(buf)).unwrap());
        println!(
            "  {:<28} {:>7} B {:>10.0} ns/op {:>7.2} GB/s",
            name,
            buf.len(),
            ns,
            buf.len() as f64 / ns
        );
    }
}
