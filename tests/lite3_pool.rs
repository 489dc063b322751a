//! Lite3 payloads in pools: stored as given, converted at the edge, filtered
//! by tags without decoding, and round-tripped byte for byte.

use plasmite::lite3::{decode_to_json, encode_message};
use plasmite::FLAG_STORED_LITE3;
use plasmite::{Client, CursorOptions, Durability, Encoding, ErrorKind, Start};

fn pool() -> (tempfile::TempDir, plasmite::Pool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = Client::new(dir.path()).create_pool("l", 1 << 20).unwrap();
    (dir, pool)
}

#[test]
fn lite3_append_is_stored_as_given_and_read_back_identically() {
    let (_d, pool) = pool();
    let doc = encode_message(&["a", "b"], br#"{"user":"alice","n":[1,2,3],"ok":true}"#).unwrap();
    let r = pool.append_lite3(&doc, Durability::Flush).unwrap();
    assert_eq!(r.seq, 1);
    let f = pool.get_lite3(1).unwrap();
    assert_eq!(f.payload, doc);
    assert_eq!(f.flags & FLAG_STORED_LITE3, FLAG_STORED_LITE3);
    assert_eq!(f.timestamp_ns, r.timestamp_ns);
    // Round trip: appending the payload of get_lite3 gives identical bytes.
    let r2 = pool.append_lite3(&f.payload, Durability::Fast).unwrap();
    assert_eq!(pool.get_lite3(r2.seq).unwrap().payload, doc);
    let m = pool.get(1).unwrap();
    assert_eq!(m.encoding, Encoding::Lite3);
    assert_eq!(m.tags(), ["a", "b"]);
}

#[test]
fn json_reads_of_lite3_frames_give_the_json_envelope() {
    let (_d, pool) = pool();
    let data = br#"{"kind":"deploy","sha":"abc123","n":-7,"nested":{"x":[null,false]}}"#;
    pool.append_json(data, &["ops"], Durability::Fast).unwrap();
    pool.append_lite3(&encode_message(&["ops"], data).unwrap(), Durability::Fast)
        .unwrap();
    let a = pool.get(1).unwrap().envelope().unwrap();
    let b = pool.get(2).unwrap().envelope().unwrap();
    // Same envelope apart from seq and time (Lite3 objects print their keys
    // in hash order, docs/lite3.md §10, so compare values, not text).
    let strip = |e: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(e).unwrap();
        (v["meta"].clone(), v["data"].clone())
    };
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(
        strip(&b).1,
        serde_json::from_slice::<serde_json::Value>(data).unwrap()
    );
}

#[test]
fn lite3_reads_of_json_frames_encode_the_message() {
    let (_d, pool) = pool();
    pool.append_json(br#"{"a": 1, "b": "two"}"#, &["t"], Durability::Fast)
        .unwrap();
    let f = pool.get_lite3(1).unwrap();
    assert_eq!(f.flags & FLAG_STORED_LITE3, 0);
    assert_eq!(
        f.payload,
        encode_message(&["t"], br#"{"a":1,"b":"two"}"#).unwrap()
    );
    let decoded: serde_json::Value = serde_json::from_slice(&decode_to_json(&f.payload).unwrap()).unwrap();
    assert_eq!(
        decoded,
        serde_json::json!({"meta": {"tags": ["t"]}, "data": {"a": 1, "b": "two"}})
    );
    // Appending that payload and reading it as JSON gives the same data.
    let r = pool.append_lite3(&f.payload, Durability::Fast).unwrap();
    let env: serde_json::Value =
        serde_json::from_slice(&pool.get(r.seq).unwrap().envelope().unwrap()).unwrap();
    assert_eq!(env["data"], serde_json::json!({"a": 1, "b": "two"}));
    // Data that is not an object has no Lite3 message form.
    pool.append_json(b"[1,2]", &[] as &[&str], Durability::Fast)
        .unwrap();
    let e = pool.get_lite3(3).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert_eq!(e.seq(), Some(3));
}

#[test]
fn invalid_lite3_is_rejected_and_nothing_is_written() {
    let (_d, pool) = pool();
    let not_message = plasmite::lite3::encode_json(br#"{"data":{}}"#).unwrap();
    for bad in [&b""[..], b"\x06", &not_message, &[0xFFu8; 200]] {
        let e = pool.append_lite3(bad, Durability::Fast).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage, "{e}");
    }
    assert_eq!(pool.info().unwrap().message_count, 0);
    let too_big = encode_message(&[], format!("{{\"s\":\"{}\"}}", "x".repeat(1 << 20)).as_bytes()).unwrap();
    assert_eq!(
        pool.append_lite3(&too_big, Durability::Fast).unwrap_err().kind(),
        ErrorKind::Usage
    );
    assert_eq!(pool.info().unwrap().message_count, 0);
}

#[test]
fn lite3_cursor_mirrors_the_json_one_and_filters_tags_without_decoding() {
    let (_d, pool) = pool();
    for i in 0..6 {
        let tags: &[&str] = if i % 2 == 0 { &["even"] } else { &["odd"] };
        let data = format!("{{\"i\":{i}}}");
        if i % 3 == 0 {
            pool.append_lite3(&encode_message(tags, data.as_bytes()).unwrap(), Durability::Fast)
                .unwrap();
        } else {
            pool.append_json(data.as_bytes(), tags, Durability::Fast).unwrap();
        }
    }
    let mut cursor = pool
        .cursor(CursorOptions {
            start: Start::Oldest,
            tags: vec!["even".into()],
            ..Default::default()
        })
        .unwrap();
    let mut seen = Vec::new();
    while let Some(m) = cursor.try_next().unwrap() {
        let mut doc = Vec::new();
        m.write_lite3(&mut doc).unwrap();
        let mut data = Vec::new();
        m.write_data_json(&mut data).unwrap();
        let decoded: serde_json::Value = serde_json::from_slice(&decode_to_json(&doc).unwrap()).unwrap();
        let data_value: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert_eq!(
            decoded,
            serde_json::json!({"meta": {"tags": ["even"]}, "data": data_value})
        );
        seen.push((m.seq, String::from_utf8(data).unwrap()));
    }
    assert_eq!(
        seen,
        [
            (1, r#"{"i":0}"#.to_string()),
            (3, r#"{"i":2}"#.to_string()),
            (5, r#"{"i":4}"#.to_string())
        ]
    );
}

#[test]
fn damaged_lite3_payload_is_corrupt_not_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(dir.path());
    let pool = client.create_pool("l", 1 << 20).unwrap();
    let doc = encode_message(&["x"], br#"{"k":"value"}"#).unwrap();
    pool.append_lite3(&doc, Durability::Fast).unwrap();
    let path = pool.path().to_path_buf();
    let ring = pool.geometry();
    drop(pool);
    // Flip a payload byte of the only frame: the checksum catches it.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = (ring.ring_offset + 32 + 5 + 40) as usize;
    bytes[at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let pool = client.open_pool("l").unwrap();
    assert_eq!(pool.get(1).unwrap_err().kind(), ErrorKind::Corrupt);
    assert_eq!(pool.get_lite3(1).unwrap_err().kind(), ErrorKind::Corrupt);
}
