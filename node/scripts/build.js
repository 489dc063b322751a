#!/usr/bin/env node
"use strict";
// Builds the release addon and the pls CLI with cargo and puts them where the
// package loads them from: ./plasmite.<platform>-<arch>[-abi].node and
// ./bin/native/pls. Cargo makes repeated runs cheap.
//
//   node scripts/build.js            release build (what npm test and npm pack use)
//   node scripts/build.js --debug    debug build (faster to compile)

const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const repo = path.resolve(root, "..");
const debug = process.argv.includes("--debug");
const profile = debug ? "debug" : "release";

function cargo(args) {
  execFileSync("cargo", args, { cwd: repo, stdio: ["ignore", "inherit", "inherit"] });
}

const release = debug ? [] : ["--release"];
cargo(["build", ...release, "-p", "plasmite-node"]);
cargo(["build", ...release, "-p", "plasmite", "--bin", "pls"]);

const meta = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], { cwd: repo, maxBuffer: 64 << 20 }),
);
const out = path.join(meta.target_directory, profile);

let abi = "";
if (process.platform === "linux") abi = process.report.getReport().header.glibcVersionRuntime ? "-gnu" : "-musl";
const lib = { linux: "libplasmite_node.so", darwin: "libplasmite_node.dylib", win32: "plasmite_node.dll" }[process.platform];
const addon = path.join(root, `plasmite.${process.platform}-${process.arch}${abi}.node`);
const exe = process.platform === "win32" ? "pls.exe" : "pls";

function install(from, to, mode) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  // Copy to a temp name and rename: a process that has the old file mapped
  // keeps it, and no reader ever sees a half-written file.
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, mode);
  if (!debug) {
    // The release profile keeps line tables for the Rust side's profiling;
    // the package does not need them (a quarter of the size without).
    try {
      execFileSync("strip", ["--strip-debug", tmp], { stdio: "ignore" });
    } catch {}
  }
  fs.renameSync(tmp, to);
}

install(path.join(out, lib), addon, 0o644);
install(path.join(out, exe), path.join(root, "bin", "native", exe), 0o755);
process.stderr.write(`plasmite: ${profile} addon -> ${path.relative(process.cwd(), addon) || addon}\n`);
