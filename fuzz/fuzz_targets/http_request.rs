//! Fuzz target: the server's HTTP/1.1 request reader (heads, Content-Length
//! and chunked bodies, pipelining, its limits) over arbitrary client bytes,
//! read whole and in small pieces. See `fuzz/drivers/request.rs`.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/bin/pls/serve/http.rs"]
mod http;
#[path = "../drivers/request.rs"]
mod request;

libfuzzer_sys::fuzz_target!(|data: &[u8]| request::run(data));
