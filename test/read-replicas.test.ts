import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, root } from "./support/graph.js";
import { POSTGRES_BIN, PostgresServer, postgresUnavailable } from "./support/postgres-server.js";
import { startServerProcess } from "./support/server-process.js";

/*
 * Read replicas (issue 22 item 2), on real servers: a PostgreSQL 15 primary of the test's own, a streaming replica
 * made from it with pg_basebackup -R and started as a second postgres on another port, and dakgraph started from
 * src/main.ts against both (DATABASE_URL, DATABASE_REPLICA_URLS). It shows reads served by the replica (the metric
 * per target, the replica's own connections, and an answer only the replica could give: the value from before a write
 * it has not replayed), a caller's write visible in its next read, a replica whose replay is paused skipped once
 * further behind than DAKGRAPH_MAX_REPLICA_LAG_MS, and a replica stopped dead skipped without a failed request.
 *
 * DAKGRAPH_TEST_REPLICA_PORTS=primary,replica,http pins the ports (on a shared machine); free ports otherwise.
 */

const MAX_LAG_MS = 3000;
const CHECK_INTERVAL_MS = 100;
const METRICS_TOKEN = "replica-test-token";
const [PRIMARY_PORT, REPLICA_PORT, HTTP_PORT] = (process.env.DAKGRAPH_TEST_REPLICA_PORTS ?? "").split(",").map((port) => (port.trim() === "" ? undefined : Number(port)));

const READ = `{ pickupLocation(code: "LEH-HO") { code name } }`;
/** Answered by the resolvers (a `filter` search), where READ is one single statement: both postgres.js pools are routed. */
const RESOLVER_READ = `{ postOffices(filter: { pincode: "194101" }, first: 3) { nodes { name } } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const since = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() - since > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Why this test cannot run here (no PostgreSQL server binaries), or null. */
const unavailable = postgresUnavailable ?? (fs.existsSync(path.join(POSTGRES_BIN, "pg_basebackup")) ? null : `pg_basebackup not found in ${POSTGRES_BIN} (set DAKGRAPH_TEST_PG_BIN)`);
if (unavailable !== null) console.log(`read replicas test skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)("read replicas: a real streaming replica", () => {
  let primary: PostgresServer;
  let replica: PostgresServer;
  let database: Database;
  let onPrimary: postgres.Sql;
  let onReplica: postgres.Sql;
  let child: ChildProcess | null = null;
  let exits: string[] = [];
  let origin = "";
  /** Two callers: the writer, and another that reads. */
  let writer = "";
  let reader = "";
  let locationInput: Record<string, unknown> = {};

  async function graphql(key: string, body: unknown): Promise<{ status: number; json: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } }> {
    const response = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, json: (await response.json()) as never };
  }

  async function locationName(key: string): Promise<string> {
    const { status, json } = await graphql(key, { query: READ });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.errors).toBeUndefined();
    return json.data.pickupLocation.name as string;
  }

  async function officeCount(key: string): Promise<number> {
    const { status, json } = await graphql(key, { query: RESOLVER_READ });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.errors).toBeUndefined();
    return json.data.postOffices.nodes.length as number;
  }

  async function rename(name: string): Promise<void> {
    const { status, json } = await graphql(writer, { query: `mutation ($input: UpsertPickupLocationInput!) { upsertPickupLocation(input: $input) { updated pickupLocation { name } } }`, variables: { input: { ...locationInput, name } } });
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    // The payload is read after the write, on the primary.
    expect(json.data.upsertPickupLocation).toEqual({ updated: 1, pickupLocation: { name } });
  }

  /** The metrics' samples whose name and labels start as given: `name{label="value"`. */
  async function metrics(): Promise<Map<string, number>> {
    const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const samples = new Map<string, number>();
    for (const line of text.split("\n")) {
      const match = /^(dakgraph_db_\S*) (\S+)$/.exec(line);
      if (match !== null) samples.set(match[1]!, Number(match[2]));
    }
    return samples;
  }

  const replicaLabel = () => `127.0.0.1:${replica.port}`;
  const statementsOn = async (target: string) => (await metrics()).get(`dakgraph_db_read_statements_total{target="${target}"}`) ?? 0;
  const replicaState = async () => {
    const samples = await metrics();
    for (const [name, value] of samples) {
      const match = /^dakgraph_db_replica_usable\{replica="([^"]+)",state="(\w+)"\}$/.exec(name);
      if (match !== null && match[1] === replicaLabel()) return { state: match[2]!, usable: value, lagSeconds: samples.get(`dakgraph_db_replica_lag_seconds{replica="${replicaLabel()}"}`) };
    }
    return undefined;
  };
  const stateIs = (state: string) => until(`replica state ${state}`, async () => (await replicaState())?.state === state);

  async function startServer(): Promise<void> {
    const started = await startServerProcess(
      {
        DATABASE_URL: primary.url,
        DATABASE_REPLICA_URLS: replica.url,
        DAKGRAPH_MAX_REPLICA_LAG_MS: String(MAX_LAG_MS),
        DAKGRAPH_REPLICA_CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS),
        DAKGRAPH_DB_CONNECT_TIMEOUT_MS: "1000",
        DAKGRAPH_POOL_MAX: "4",
        // Answers come from the database, not from memory: what a replica serves is what the test looks at.
        DAKGRAPH_RESPONSE_CACHE: "false",
        DAKGRAPH_METRICS_TOKEN: METRICS_TOKEN,
        PORT: String(HTTP_PORT ?? 0),
        DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000",
        DAKGRAPH_RATE_LIMIT_BURST: "1000000",
      },
      (why) => exits.push(why),
    );
    child = started.child;
    origin = started.origin;
  }

  beforeAll(async () => {
    primary = await PostgresServer.create(PRIMARY_PORT);
    await primary.start();
    database = await openDatabase({ databaseUrl: primary.url, dataDir: null, maxConnections: 4 });
    await migrate(database);
    await importPostOfficeCsv(database, DIRECTORY_FIXTURE, {});
    writer = (await createApiKey(database.db, { name: "replica test writer", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
    reader = (await createApiKey(database.db, { name: "replica test reader", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
    const graph = await createTestGraph(database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "194101" } });
    locationInput = { code: "LEH-HO", postOfficeId: root(offices, "postOffices").nodes[0]!.id, city: "Leh", activeFrom: "2022-01-01", dailyCapacity: 50 };
    const created = await graph.execute(UpsertPickupLocationDocument, { input: { ...locationInput, name: "Leh" } as never });
    expect(created.errors).toBeUndefined();
    await graph.stop();
    onPrimary = postgres(primary.url, { max: 1, onnotice: () => {} });

    replica = await PostgresServer.replicaOf(primary, REPLICA_PORT);
    await replica.start();
    onReplica = postgres(replica.url, { max: 1, onnotice: () => {} });
    expect((await onReplica<{ recovering: boolean }[]>`select pg_is_in_recovery() as recovering`)[0]!.recovering).toBe(true);
    await until("the replica has the pickup location", async () => (await onReplica`select 1 from pickup_location where code = 'LEH-HO'`).length === 1);
    await startServer();
  }, 120_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    await onPrimary?.end({ timeout: 1 });
    await onReplica?.end({ timeout: 1 });
    await database?.close();
    await replica?.dispose();
    await primary?.dispose();
  });

  it("serves reads from the replica", async () => {
    await stateIs("ok");
    const before = { primary: await statementsOn("primary"), replica: await statementsOn(replicaLabel()) };
    for (let i = 0; i < 5; i += 1) expect(await locationName(reader)).toBe("Leh");
    expect(await statementsOn(replicaLabel())).toBeGreaterThanOrEqual(before.replica + 5);
    const offices = await officeCount(reader);
    expect(offices).toBeGreaterThan(0);
    expect(await statementsOn(replicaLabel())).toBeGreaterThanOrEqual(before.replica + 6);
    expect(await statementsOn("primary")).toBe(before.primary);
    // DAKGRAPH_POOL_MAX=4 to each server.
    expect((await metrics()).get("dakgraph_db_pool_max_connections")).toBe(8);
    // The replica's own view: the graph's pool is connected there (besides the lag checks' connection).
    const sessions = await onReplica<{ name: string }[]>`select application_name as name from pg_stat_activity where application_name like 'dakgraph%'`;
    expect(sessions.map((s) => s.name)).toContain("dakgraph");
    expect(exits).toEqual([]);
  });

  it("shows a caller its write in the next read while the replica has not replayed it, and skips the replica once it is too far behind", async () => {
    await onReplica`select pg_wal_replay_pause()`;
    await until("replay paused", async () => (await onReplica<{ state: string }[]>`select pg_get_wal_replay_pause_state() as state`)[0]!.state === "paused");
    const wrote = Date.now();
    await rename("Leh HO");
    // The writer's next request reads the primary (the sticky window): its write is there.
    expect(await locationName(writer)).toBe("Leh HO");
    // Another caller still reads the replica, which has not replayed the write: only the replica can answer "Leh".
    // (Within the allowed lag, by design: a replica up to DAKGRAPH_MAX_REPLICA_LAG_MS behind is read from.)
    expect(await locationName(reader)).toBe("Leh");
    expect((await onPrimary`select name from pickup_location where code = 'LEH-HO'`)[0]!.name).toBe("Leh HO");

    // Replay stays paused while the primary moves on: past the allowed lag the replica is skipped, and the reader reads
    // the primary.
    const beforePrimary = await statementsOn("primary");
    await until("the reader sees the write", async () => (await locationName(reader)) === "Leh HO", MAX_LAG_MS + 10_000);
    const skippedAfter = Date.now() - wrote;
    const state = await replicaState();
    expect(state).toMatchObject({ state: "lagging", usable: 0 });
    expect(state!.lagSeconds).toBeGreaterThan(MAX_LAG_MS / 1000);
    expect(await statementsOn("primary")).toBeGreaterThan(beforePrimary);
    console.log(`read replicas: with replay paused the replica was skipped ${skippedAfter} ms after the write (DAKGRAPH_MAX_REPLICA_LAG_MS=${MAX_LAG_MS}, checks every ${CHECK_INTERVAL_MS} ms); lag then ${state!.lagSeconds} s`);

    // Replay resumed: the replica catches up and serves reads again, the write included.
    await onReplica`select pg_wal_replay_resume()`;
    const resumed = Date.now();
    await stateIs("ok");
    console.log(`read replicas: usable again ${Date.now() - resumed} ms after replay resumed`);
    const beforeReplica = await statementsOn(replicaLabel());
    expect(await locationName(reader)).toBe("Leh HO");
    expect(await statementsOn(replicaLabel())).toBeGreaterThan(beforeReplica);
  });

  it("skips a replica that is down: no request fails, readiness follows the primary, and it is read again once back", async () => {
    await stateIs("ok");
    // In-process too, with checks a minute apart: the replica is fit at its one check, so the statements sent after it
    // stops reach it, fail, and must run again on the primary (the server's frequent checks may notice first).
    const direct = await openDatabase({ databaseUrl: primary.url, dataDir: null, maxConnections: 2, replicaUrls: [replica.url], maxReplicaLagMs: 60_000, replicaCheckIntervalMs: 60_000 });
    const graph = await createTestGraph(direct);
    try {
      await direct.routing!.checked();
      expect(direct.routing!.targets().find((t) => t.role === "replica")).toMatchObject({ state: "ok", statements: 0 });
      expect((await graph.execute(READ)).data).toEqual({ pickupLocation: { code: "LEH-HO", name: "Leh HO" } });
      expect(direct.routing!.targets().find((t) => t.role === "replica")!.statements).toBeGreaterThan(0);
      await onReplica.end({ timeout: 1 });
      await replica.stop("immediate");
      const answer = await graph.execute(READ);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ pickupLocation: { code: "LEH-HO", name: "Leh HO" } });
      const offices = await graph.execute(RESOLVER_READ);
      expect(offices.errors).toBeUndefined();
      const replicaNow = direct.routing!.targets().find((t) => t.role === "replica")!;
      expect(replicaNow.fallbacks).toBeGreaterThanOrEqual(1);
      expect(replicaNow.state).toBe("down");
    } finally {
      await graph.stop();
      await direct.close();
    }
    const stopped = Date.now();
    // Straight away: a read routed to the dead replica before its check notices runs again on the primary.
    for (let i = 0; i < 10; i += 1) {
      expect(await locationName(reader)).toBe("Leh HO");
      expect(await officeCount(reader)).toBeGreaterThan(0);
    }
    await stateIs("down");
    const fallbacks = (await metrics()).get(`dakgraph_db_replica_fallbacks_total{replica="${replicaLabel()}"}`) ?? 0;
    console.log(`read replicas: a stopped replica was marked down ${Date.now() - stopped} ms after it stopped; 20 reads meanwhile all answered, ${fallbacks} statement(s) sent to it ran again on the primary`);
    const beforePrimary = await statementsOn("primary");
    expect(await locationName(reader)).toBe("Leh HO");
    expect(await statementsOn("primary")).toBeGreaterThan(beforePrimary);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    expect(exits).toEqual([]);

    await replica.start();
    const started = Date.now();
    await stateIs("ok");
    console.log(`read replicas: the restarted replica was read from again ${Date.now() - started} ms after it accepted connections`);
    const beforeReplica = await statementsOn(replicaLabel());
    expect(await locationName(reader)).toBe("Leh HO");
    expect(await statementsOn(replicaLabel())).toBeGreaterThan(beforeReplica);
    onReplica = postgres(replica.url, { max: 1, onnotice: () => {} });
  });
});
