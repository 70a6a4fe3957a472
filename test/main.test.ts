import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/** `npm start`'s command line after `node`: its flags and the launcher (src/start.mjs). */
const START = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/).slice(1);
const BUNDLE_STAMP = "node_modules/.cache/dakgraph/start/sources.sha1";

/*
 * The quick start's server entry point, started as `npm start` starts it (on an empty embedded database,
 * without the directory and demo loads that make a first start take ~20 s): it must come up and answer.
 * Module-load mistakes (a decorator evaluated before reflect-metadata, say) only show here, and so do the
 * launcher's: src/start.mjs runs src/main.ts from an esbuild bundle, which it builds again when a source changed.
 */
it("starts the server as npm start does, from the bundle of src/main.ts, and answers /healthz and a query", async () => {
  // A source file touched (content unchanged) makes the bundle stale: this start builds it again.
  const touched = "src/lib/days.ts";
  const now = new Date();
  fs.utimesSync(touched, now, now);
  const before = fs.existsSync(BUNDLE_STAMP) ? fs.readFileSync(BUNDLE_STAMP, "utf8") : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-main-"));
  const child = spawn(process.execPath, START, {
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DAKGRAPH_DATA_DIR: dataDir, DAKGRAPH_LOAD_DIRECTORY: "false", DAKGRAPH_SEED_DEMO: "false", DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /dakgraph serving (http:\/\/\S+?)\/?\s/.exec(stderr);
        if (match) resolve(new URL(match[1]!).origin);
      });
      child.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${stderr}`)));
    });
    expect(stderr).not.toContain("running through tsx");
    const after = fs.readFileSync(BUNDLE_STAMP, "utf8");
    expect(after).not.toBe(before);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The start line names the dashboard, and the bundle finds the postinstall's build of it (src/server/dashboard.ts).
    expect(stderr).toContain(`the dashboard at ${url}/dashboard`);
    const dashboard = await fetch(`${url}/dashboard`);
    expect(dashboard.status, await dashboard.clone().text()).toBe(200);
    expect(await dashboard.text()).toContain('src="/dashboard/app.js"');
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ kpiDefinitions { key } }" }),
    });
    // Anonymous: the field needs a key, so the server answers with UNAUTHENTICATED, which proves the schema loaded.
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  } finally {
    child.kill("SIGTERM");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
