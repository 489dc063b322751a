//! The integration tests, one binary (linked once): each module drives the
//! library, the real `pls` binary or the real server over a socket.
//! `common` and `serve_support` are their harnesses.

mod common;
mod serve_support;

mod architecture;
mod bridge_nats;
mod bridge_pool;
mod cli;
mod conformance;
mod engine_concurrency;
mod engine_crash;
mod engine_cursor;
mod engine_damage;
mod engine_wrap;
mod error_kinds;
mod filter;
mod groups;
mod groups_cli;
mod groups_serve;
mod hardening_engine;
mod hardening_engine_xfsz;
mod hardening_http;
mod hardening_http_reader;
mod hardening_input;
mod hardening_input_lite3;
mod hardening_interop;
mod input_formats;
mod lite3_edges;
mod lite3_pool;
mod lite3_props;
mod lite3_vectors;
mod mcp_groups;
mod mcp_server;
mod remote_cli;
mod serve_events;
mod serve_limits;
mod serve_routes;
mod serve_tail;
mod tap_duplex;
mod time;
mod trust;
mod vocabulary;
