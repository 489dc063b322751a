"use strict";
// Shared by the tests: temp dirs, the package's pls binary, a real `pls serve`
// on a free port, and running README examples as child processes.

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const pkgRoot = path.resolve(__dirname, "..");
const pls = path.join(pkgRoot, "bin", "native", "pls");
const shim = path.join(pkgRoot, "bin", "plasmite.js");

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plasmite-node-"));
  if (t) t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp dir whose node_modules/plasmite is this package, as after `npm install plasmite`. */
function projectDir(t) {
  const dir = tmpdir(t);
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(pkgRoot, path.join(dir, "node_modules", "plasmite"), "dir");
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `<cmd> serve DIR --port P` and waits for /healthz; stopped after the test. */
async function startServe(t, dir, { cmd = [pls], args = [] } = {}) {
  const port = await freePort();
  const child = spawn(cmd[0], [...cmd.slice(1), "serve", dir, "--port", String(port), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", () => {});
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pls serve exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`pls serve did not come up: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, port, child, exited, stderr: () => stderr };
}

/** The ```js blocks of node/README.md, in order. */
function readmeBlocks(lang = "js") {
  const text = fs.readFileSync(path.join(pkgRoot, "README.md"), "utf8");
  const re = new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g");
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** Runs `code` with node in `cwd`; resolves to {code, stdout, stderr}. */
function runNode(cwd, args, { input, timeoutMs = 30000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} timed out; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", ...opts });
}

module.exports = { pkgRoot, pls, shim, tmpdir, projectDir, freePort, startServe, readmeBlocks, runNode, run };
