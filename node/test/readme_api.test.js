"use strict";
// The README's API tables: every row's example (the last column) runs, in
// order, and is true. Local rows first (against ./data), then the module
// rows, then the remote rows against a real `pls serve`.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { projectDir, startServe, runNode, pkgRoot } = require("./support.js");

function tableExamples() {
  const text = fs.readFileSync(path.join(pkgRoot, "README.md"), "utf8");
  const api = text.slice(text.indexOf("\n## API\n"), text.indexOf("\n### Error handling\n"));
  const sections = {};
  let current = null;
  for (const line of api.split("\n")) {
    const h = /^### (.*)$/.exec(line);
    if (h) current = sections[h[1]] = [];
    const row = /^\|.*\| `([^`]+)` \|$/.exec(line);
    if (row && current) current.push(row[1]);
  }
  return sections;
}

test("README API tables: one example per method, each runs and is true", async (t) => {
  const sections = tableExamples();
  const ordered = [...sections["Local pools"], ...sections["Module"], ...sections["Remote pools"]];
  assert.ok(sections["Local pools"].length >= 20 && sections["Module"].length >= 5 && sections["Remote pools"].length >= 15, JSON.stringify(sections));
  const dir = projectDir(t);
  const srv = await startServe(t, path.join(dir, "served"));
  const program = `
const plasmite = require("plasmite");
Object.assign(globalThis, plasmite);
(async () => {
  const client = new plasmite.Client("./data");
  const pool = client.pool("api-events");
  const remote = new plasmite.RemoteClient(${JSON.stringify(srv.url)});
  const examples = ${JSON.stringify(ordered)};
  for (const ex of examples) {
    let ok;
    try {
      ok = await eval("(async () => (" + ex + "))()");
    } catch (err) {
      console.log("THREW " + ex + " :: " + err.message);
      continue;
    }
    console.log((ok === true ? "OK " : "FALSE ") + ex);
  }
  process.exit(0);
})();
`;
  const r = await runNode(dir, ["-e", program], { timeoutMs: 60000 });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, ordered.length, r.stdout);
  for (const l of lines) assert.ok(l.startsWith("OK "), l);
});
