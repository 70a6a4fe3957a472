import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/*
 * The quick start's server entry point, started as `npm start` starts it (on an empty embedded database,
 * without the directory and demo loads that make a first start take ~20 s): it must come up and answer.
 * Module-load mistakes (a decorator evaluated before reflect-metadata, say) only show here.
 */
it("starts the server from src/main.ts and answers /healthz and a query", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-main-"));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
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
      child.on("exit", (code) => reject(new Error(`src/main.ts exited with ${code}:\n${stderr}`)));
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
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
