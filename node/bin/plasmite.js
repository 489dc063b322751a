#!/usr/bin/env node
"use strict";
// `npx plasmite …` / `pls …`: runs the prebuilt pls binary shipped in this
// package (the same Rust CLI), with inherited stdio; its exit code or signal
// becomes ours, and signals sent to us are passed on to it.

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const bin = path.join(__dirname, "native", process.platform === "win32" ? "pls.exe" : "pls");

if (!fs.existsSync(bin)) {
  process.stderr.write(
    `plasmite: no prebuilt CLI for ${process.platform}-${process.arch} in this package (${bin});\n` +
      "install plasmite with Homebrew or build it from source (cargo install --path .).\n",
  );
  process.exit(127);
}

// Some unpackers drop the executable bit; put it back if we may.
try {
  fs.accessSync(bin, fs.constants.X_OK);
} catch {
  try {
    fs.chmodSync(bin, 0o755);
  } catch {}
}

const child = spawn(bin, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
const forward = (sig) => {
  try {
    child.kill(sig);
  } catch {}
};
for (const sig of forwarded) process.on(sig, forward);

child.on("error", (err) => {
  process.stderr.write(`plasmite: cannot run ${bin}: ${err.message}\n`);
  process.exit(127);
});

child.on("exit", (code, signal) => {
  for (const sig of forwarded) process.removeListener(sig, forward);
  if (signal) {
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
