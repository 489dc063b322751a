"use strict";
// `npm pack` gives a tarball with the prebuilt addon and CLI; installed into
// an empty directory (no Rust, no compiler on PATH, no network), the README's
// quick start and `npx plasmite --version` run as written.

const test = require("node:test");
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { pkgRoot, tmpdir, readmeBlocks } = require("./support.js");

function npm(args, opts) {
  const r = spawnSync("npm", args, { encoding: "utf8", ...opts });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `npm ${args.join(" ")}: ${r.stderr}`);
  return r;
}

test("the packed tarball installs offline into an empty directory and runs the quick start", (t) => {
  const out = tmpdir(t);
  // npm test built the artifacts already; skip the prepack rebuild.
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", out], { cwd: pkgRoot }).stdout);
  const files = packed[0].files.map((f) => f.path).sort();
  for (const f of ["README.md", "bin/native/pls", "bin/plasmite.js", "index.js", "index.mjs", "package.json", "plasmite.linux-x64-gnu.node", "remote.js", "message.js", "types.d.ts"]) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files}`);
  }
  assert.ok(!files.some((f) => f.endsWith(".rs") || f.startsWith("test/") || f.startsWith("node_modules/")), `${files}`);
  const executable = packed[0].files.find((f) => f.path === "bin/native/pls").mode & 0o111;
  assert.ok(executable, "pls lost its executable bit");
  const tarball = path.join(out, packed[0].filename);
  const pkg = require(path.join(pkgRoot, "package.json"));
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
  for (const s of ["preinstall", "install", "postinstall"]) assert.equal(pkg.scripts[s], undefined);

  const app = tmpdir(t);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  // No cargo, rustc or compiler on PATH; no registry reachable.
  const env = {
    ...process.env,
    PATH: [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
    CC: "/nonexistent",
    CXX: "/nonexistent",
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_cache: path.join(app, ".npm-cache"),
  };
  npm(["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: app, env });
  assert.ok(fs.existsSync(path.join(app, "node_modules", "plasmite", "plasmite.linux-x64-gnu.node")));

  const quickStart = readmeBlocks()[0];
  const r = spawnSync(process.execPath, ["-e", quickStart], { cwd: app, env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\{\n  seq: 1,/);
  assert.match(r.stdout, /data: \{ kind: 'signup', user: 'alice' \}/);

  const v = spawnSync("npx", ["--offline", "plasmite", "--version"], { cwd: app, env, encoding: "utf8" });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^pls \d+\.\d+\.\d+/);
  const esm = spawnSync(process.execPath, ["--input-type=module", "-e", 'import { Client, Message } from "plasmite"; console.log(typeof Client, typeof Message);'], {
    cwd: app,
    env,
    encoding: "utf8",
  });
  assert.equal(esm.stdout, "function function\n", esm.stderr);
});
