import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The dakgraph command's contract with scripts: --version, and the exit codes README's command section and
 * `dakgraph --help` document (0 done, 1 failed, 2 an import rejected rows), through the package's own bin.
 */
const ROOT = new URL("..", import.meta.url).pathname;
const BIN = path.join(ROOT, "src/cli/bin.js");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-ops-cli-"));

function dakgraph(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: "", DAKGRAPH_DATA_DIR: dataDir },
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("dakgraph command line", () => {
  it("prints package.json's version", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(execFileSync(process.execPath, [BIN, "--version"], { cwd: ROOT, encoding: "utf8" }).trim()).toBe(version);
  });

  it("documents the exit codes in --help", () => {
    const { code, output } = dakgraph("--help");
    expect(code).toBe(0);
    expect(output).toMatch(/Exit codes:[\s\S]*2 {2}an import/);
  });

  it("exits 2 when an import stored its good rows and rejected others, 0 when it rejected none, 1 when it could not run", () => {
    const fixture = fs.readFileSync(path.join(ROOT, "test/fixtures/post-offices-current.csv"), "utf8").split("\n");
    const csv = path.join(dataDir, "offices.csv");
    // The header, one good office and one whose PIN has five digits.
    fs.writeFileSync(csv, [fixture[0], fixture[1], fixture[2]!.replace(",194401,", ",19440,")].join("\n") + "\n");
    const rejected = dakgraph("import", "post-offices", "--csv", csv);
    expect(rejected.code, rejected.output).toBe(2);
    expect(rejected.output).toMatch(/1 inserted, 0 updated, 0 unchanged, 1 rejected/);

    fs.writeFileSync(csv, [fixture[0], fixture[1]].join("\n") + "\n");
    const clean = dakgraph("import", "post-offices", "--csv", csv);
    expect(clean.code, clean.output).toBe(0);
    expect(clean.output).toMatch(/0 inserted, 0 updated, 1 unchanged, 0 rejected/);

    const missing = dakgraph("import", "post-offices", "--csv", path.join(dataDir, "no-such-file.csv"));
    expect(missing.code, missing.output).toBe(1);
  });
});
