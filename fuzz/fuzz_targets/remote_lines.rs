//! Fuzz target: the remote client's readers of what a server sends (lines
//! of a tail, bounded answer bodies, error envelopes), over arbitrary bytes.
//! See `fuzz/drivers/remote.rs`.
#![no_main]

#[path = "../drivers/remote.rs"]
mod remote;

libfuzzer_sys::fuzz_target!(|data: &[u8]| remote::run(data));
