import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATION_LOCK_KEY, migrationStatus } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/client.js";
import { SERVER_URL, engines } from "./support/databases.js";

/*
 * Migrations as a step, on an empty scratch database of the PostgreSQL server at TEST_DATABASE_URL
 * (default 127.0.0.1:5432): the server refuses to start while migrations are pending, and two
 * `dakgraph migrate` at once take turns under the advisory lock, neither failing.
 */
const ROOT = new URL("..", import.meta.url).pathname;
const hasServer = engines.includes("postgres");
if (!hasServer) console.warn(`test/migrate.test.ts: no PostgreSQL answers at ${SERVER_URL}; the migration lock tests are skipped.`);

function run(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DAKGRAPH_LOAD_DIRECTORY: "false", DAKGRAPH_SEED_DEMO: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe.skipIf(!hasServer)("migrations as a step (PostgreSQL)", () => {
  const name = `dakgraph_ops_migrate_${randomBytes(5).toString("hex")}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  let admin: postgres.Sql;
  let scratch: postgres.Sql;

  beforeAll(async () => {
    admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    scratch = postgres(url.toString(), { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await scratch?.end({ timeout: 1 });
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end({ timeout: 1 });
  });

  it("refuses to serve while migrations are pending, naming `dakgraph migrate`, and changes nothing", async () => {
    const server = run(["src/main.ts"], { DATABASE_URL: url.toString() });
    const code = await server.exited;
    expect(code, server.output()).not.toBe(0);
    expect(server.output()).toContain("dakgraph migrate");
    expect(server.output()).toContain("DAKGRAPH_MIGRATE_ON_START=true");
    const [tables] = await scratch`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`;
    expect(tables!.n).toBe(0);
  });

  it("runs two `dakgraph migrate` at once: one waits for the other's lock, neither fails, each migration is applied once", async () => {
    // Hold the lock first, so both migrators are certainly waiting at the same time when it is released.
    const holder = await scratch.reserve();
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
    const env = { DATABASE_URL: url.toString() };
    const first = run(["src/cli/dakgraph.ts", "migrate"], env);
    const second = run(["src/cli/dakgraph.ts", "migrate"], env);
    try {
      const waiting = async () =>
        (await admin`select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
                     where d.datname = ${name} and l.locktype = 'advisory' and not l.granted`)[0]!.n as number;
      const deadline = Date.now() + 60_000;
      while ((await waiting()) < 2) {
        if (Date.now() > deadline) throw new Error(`the two migrators never both waited for the lock:\n${first.output()}\n${second.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
      holder.release();
    }
    const codes = await Promise.all([first.exited, second.exited]);
    expect(codes, `${first.output()}\n${second.output()}`).toEqual([0, 0]);
    const outputs = [first.output(), second.output()];
    for (const output of outputs) expect(output).toContain("waiting for it to finish");
    // Whichever got the lock first applied everything; the other found nothing left to do.
    expect(outputs.filter((output) => /Applied \d+ migration\(s\)/.test(output))).toHaveLength(1);
    expect(outputs.filter((output) => output.includes("The database is up to date"))).toHaveLength(1);

    const rows = await scratch`select created_at::text from drizzle.__drizzle_migrations order by created_at`;
    expect(new Set(rows.map((row) => row.created_at)).size).toBe(rows.length);
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, maxConnections: 2 });
    try {
      const status = await migrationStatus(database);
      expect(status).toEqual({ applied: status.expected, expected: status.expected, pending: 0 });
      expect(rows).toHaveLength(status.expected);
    } finally {
      await database.close();
    }
  });
});
