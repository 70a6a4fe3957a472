import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../src/db/data-dir-lock.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";

/*
 * The server as `npm start` runs it, in a child process on the embedded database (an empty one, without the
 * directory and demo loads): a draining shutdown on SIGTERM, and the lock that keeps a second process out of
 * its data directory.
 */
interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly origin: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the line of stderr that matches, once it is written. */
  waitFor(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const { child, exited, stderr } = run(["src/main.ts"], {
    PORT: "0",
    HOST: "127.0.0.1",
    DAKGRAPH_DATA_DIR: dataDir,
    DAKGRAPH_LOAD_DIRECTORY: "false",
    DAKGRAPH_SEED_DEMO: "false",
    DAKGRAPH_RATE_LIMIT_BURST: "1000",
    DAKGRAPH_CORS_ORIGINS: "https://dash.example.in",
    ...env,
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(stderr());
        if (match === null) return false;
        child.stderr.off("data", look);
        resolve(match[0]);
        return true;
      };
      if (look()) return;
      child.stderr.on("data", look);
      void exited.then(({ code }) => reject(new Error(`src/main.ts exited with ${code} before writing ${pattern}:\n${stderr()}`)));
    });
  const line = await waitFor(/dakgraph serving (http:\/\/\S+?)\/?\s/);
  const origin = new URL(/http:\/\/\S+/.exec(line)![0]).origin;
  return { child, origin, stderr, waitFor, exited };
}

async function dakgraph(args: string[], dataDir: string) {
  const { child, exited, stderr } = run(["src/cli/dakgraph.ts", ...args], { DAKGRAPH_DATA_DIR: dataDir });
  child.stdin.end();
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const { code } = await exited;
  return { code, stdout, stderr: stderr() };
}

/**
 * A POST /graphql held open: its headers are sent with `Expect: 100-continue`, and it resolves `admitted`
 * when the server answers 100 Continue, which node's HTTP server does in the same tick as it hands the
 * request to the handler. The body goes when `send()` is called.
 */
function heldRequest(origin: string, agent: http.Agent) {
  const body = JSON.stringify({ query: "{ __typename }" });
  const url = new URL("/graphql", origin);
  const request = http.request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: "POST",
    agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
  });
  const admitted = new Promise<void>((resolve) => request.once("continue", resolve));
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, body: text }));
      response.on("error", reject);
    });
  });
  request.flushHeaders();
  return { admitted, answered, send: () => request.end(body) };
}

/**
 * 50 requests admitted and held, SIGTERM, then: readiness and a new request answer 503, liveness 200, the 50
 * finish with 200 once their bodies come, and the process exits 0 (which it can only do once the idle
 * keep-alive connection opened first is closed).
 */
async function drainsOnSigterm(server: Started): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const warm = heldRequest(server.origin, agent);
  warm.send();
  expect((await warm.answered).status).toBe(200);
  const held = Array.from({ length: 50 }, () => heldRequest(server.origin, agent));
  await Promise.all(held.map((request) => request.admitted));

  server.child.kill("SIGTERM");
  expect(await server.waitFor(/SIGTERM: draining, \d+ requests in flight/)).toBe("SIGTERM: draining, 50 requests in flight");
  const ready = await fetch(`${server.origin}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: "draining" });
  expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  const refused = await fetch(`${server.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "https://dash.example.in" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  // A browser dashboard can read the refusal and retry.
  expect(refused.headers.get("access-control-allow-origin")).toBe("https://dash.example.in");
  expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("SHUTTING_DOWN");

  for (const request of held) request.send();
  const answers = await Promise.all(held.map((request) => request.answered));
  expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
  expect(answers.every((answer) => JSON.parse(answer.body).data.__typename === "Query")).toBe(true);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toContain("dakgraph stopped");
  agent.destroy();
}

describe("a draining shutdown and an exclusive data directory", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-shutdown-"));
  let server: Started;
  beforeAll(async () => {
    server = await startServer(dataDir, { DAKGRAPH_SHUTDOWN_GRACE_MS: "60000" });
  }, 60_000);
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a second process on the running server's data directory, naming the server and what to do", async () => {
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), "utf8")) as { pid: number };
    expect(lock.pid).toBe(server.child.pid);
    const keys = await dakgraph(["keys", "list"], dataDir);
    expect(keys.code).toBe(1);
    expect(keys.stderr).toContain(`is open in another process: pid ${server.child.pid}, the dakgraph server at ${server.origin}/graphql (`);
    expect(keys.stderr).toContain("src/main.ts");
    expect(keys.stderr).toContain(`Stop that process (Ctrl-C, or kill -TERM ${server.child.pid}) and run this again`);
    expect(keys.stderr).toContain(`--endpoint ${server.origin}/graphql`);
    const second = await startServer(dataDir).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(second).toContain(`pid ${server.child.pid}`);
  }, 60_000);

  it("on SIGTERM answers 503 to new requests and lets 50 requests in flight finish, then exits 0", () => drainsOnSigterm(server), 60_000);

  it("releases the lock on exit, and takes over a lock whose process is gone", async () => {
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    expect((await dakgraph(["keys", "list"], dataDir)).code).toBe(0);
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("exit", resolve));
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: gone.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: "crashed" }));
    const keys = await dakgraph(["keys", "list"], dataDir);
    expect(keys.stderr).not.toContain("another process");
    expect(keys.code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 60_000);
});

it("cuts requests still running when DAKGRAPH_SHUTDOWN_GRACE_MS is over, and exits 0", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-grace-"));
  const server = await startServer(dataDir, { DAKGRAPH_SHUTDOWN_GRACE_MS: "200" });
  try {
    const agent = new http.Agent({ keepAlive: true });
    // Its body never comes.
    const stuck = heldRequest(server.origin, agent);
    await stuck.admitted;
    server.child.kill("SIGTERM");
    await expect(stuck.answered).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    agent.destroy();
  } finally {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

describe.skipIf(!engines.includes("postgres"))("a draining shutdown on a PostgreSQL server", () => {
  let db: TestDatabase;
  let server: Started;
  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    server = await startServer(os.tmpdir(), { DATABASE_URL: db.url!, DAKGRAPH_SHUTDOWN_GRACE_MS: "60000" });
  }, 60_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
    await db?.drop();
  });

  it("on SIGTERM answers 503 to new requests and lets 50 requests in flight finish, then exits 0", () => drainsOnSigterm(server), 60_000);
});
