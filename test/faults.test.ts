import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { ABANDONED, closeAbandonedAuditEntries } from "../src/modules/access/access.repository.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, root } from "./support/graph.js";
import { PostgresServer, postgresUnavailable } from "./support/postgres-server.js";
import { startServerProcess } from "./support/server-process.js";

/*
 * The server outlives its database (issue 17). A PostgreSQL 15 server of the test's own, and dakgraph
 * started from src/main.ts as `npm start` starts it (production settings: response cache and known
 * operations on), under a mixed load of recordShipments batches and reads over HTTP, while PostgreSQL is
 * restarted fast, restarted immediate (a crash: no checkpoint, WAL replayed) and stopped for 8 s. Then the
 * server is killed with SIGKILL in the middle of a mutation and started again.
 */

const CLIENTS = 6;
const BATCH = 5;
const CONNECT_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 4000;
/** Above the request deadline here (not in production), so a statement held by a lock outlives the deadline. */
const STATEMENT_TIMEOUT_MS = 6000;
/** A request's bound: the request deadline, and slack for a loaded machine's timers. */
const REQUEST_BOUND_MS = REQUEST_TIMEOUT_MS + 1500;
/** How long PostgreSQL stays stopped in the third fault (the issue asks for up to 30 s; CI keeps 8). */
const STOP_MS = Number(process.env.DAKGRAPH_FAULT_STOP_SECONDS ?? "8") * 1000;
/** The issue's bar: serving again within 5 s of PostgreSQL accepting connections. */
const RECOVERY_BOUND_MS = 5000;

const RECORD = `mutation ($input: RecordShipmentsInput!) { recordShipments(input: $input) { created updated unchanged } }`;
const READS = [
  `{ pickupLocation(code: "LEH-HO") { code name dailyCapacity } }`,
  `query ($pin: PIN!) { postOffices(filter: { pincode: $pin }, first: 3) { nodes { name officeType } } }`,
];

interface Outcome {
  readonly kind: "write" | "read";
  readonly started: number;
  readonly ended: number;
  readonly status: number;
  /** The first error's code, OK, or HANG (no answer within the client's own limit). */
  readonly code: string;
  readonly retryAfter: string | null;
}

interface Batch {
  readonly numbers: readonly string[];
  acknowledged: boolean;
}

function trackingNumber(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EF${digits}${s10CheckDigit(digits)}IN`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `work`, or a failure naming it when it has neither answered nor failed within 10 s. */
function settles<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([work, sleep(10_000).then(() => Promise.reject(new Error(`${what} neither answered nor failed within 10 s`)))]);
}

describe.skipIf(postgresUnavailable !== null)("dakgraph under PostgreSQL restarts and stops", () => {
  let pg: PostgresServer;
  /** The test's own handles on the server: raw SQL, and the repositories'. */
  let sql: postgres.Sql;
  let database: Database;
  let child: ChildProcess | null = null;
  let childExits: string[] = [];
  let origin = "";
  let key = "";
  let serial = 10_000_000;
  const outcomes: Outcome[] = [];
  const batches: Batch[] = [];
  const outages: { name: string; from: number; to: number; accepting: number; recoveryMs?: number }[] = [];

  async function startServer(): Promise<void> {
    const started = await startServerProcess(
      {
        DATABASE_URL: pg.url,
        DAKGRAPH_DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DAKGRAPH_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        DAKGRAPH_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000",
        DAKGRAPH_RATE_LIMIT_BURST: "1000000",
      },
      (why) => childExits.push(why),
    );
    child = started.child;
    origin = started.origin;
  }

  async function post(body: unknown, kind: Outcome["kind"]): Promise<{ outcome: Outcome; json: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } | null }> {
    const started = Date.now();
    try {
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
        // Far past the request bound: a request still unanswered then is a hang.
        signal: AbortSignal.timeout(REQUEST_BOUND_MS * 3),
      });
      const json = (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
      const code = json.errors?.[0]?.extensions?.code ?? "OK";
      const outcome = { kind, started, ended: Date.now(), status: response.status, code, retryAfter: response.headers.get("retry-after") };
      outcomes.push(outcome);
      return { outcome, json };
    } catch (error) {
      const code = (error as Error).name === "TimeoutError" ? "HANG" : `FETCH_FAILED ${(error as Error).message}`;
      const outcome = { kind, started, ended: Date.now(), status: 0, code, retryAfter: null };
      outcomes.push(outcome);
      return { outcome, json: null };
    }
  }

  async function writeBatch(): Promise<{ batch: Batch; outcome: Outcome }> {
    const numbers = Array.from({ length: BATCH }, () => trackingNumber((serial += 1)));
    const batch: Batch = { numbers, acknowledged: false };
    batches.push(batch);
    const shipments = numbers.map((trackingNumber) => ({
      trackingNumber,
      bookedAt: "2024-08-05T10:00:00+05:30",
      productCode: "SPEED_POST",
      paymentMode: "PREPAID",
      weightGrams: 500,
      pickupLocationCode: "LEH-HO",
      destinationPincode: "194401",
    }));
    const { outcome, json } = await post({ query: RECORD, variables: { input: { shipments } } }, "write");
    const result = json?.data?.recordShipments as { created: number } | undefined;
    batch.acknowledged = outcome.status === 200 && outcome.code === "OK" && result?.created === BATCH;
    return { batch, outcome };
  }

  async function client(index: number, running: () => boolean): Promise<void> {
    for (let turn = 0; running(); turn += 1) {
      if (turn % 2 === 0) await writeBatch();
      else if ((index + turn) % 4 === 1) await post({ query: READS[0] }, "read");
      else await post({ query: READS[1], variables: { pin: "194101" } }, "read");
      // A client that was just refused does not spin: it waits as Retry-After would have it, shortened.
      const last = outcomes[outcomes.length - 1];
      if (last !== undefined && last.code !== "OK") await sleep(100);
    }
  }

  /** Load runs from here until stop() is awaited. */
  function load() {
    let on = true;
    const clients = Array.from({ length: CLIENTS }, (_, index) => client(index, () => on));
    return async () => {
      on = false;
      await Promise.all(clients);
    };
  }

  /** Runs `fault` (which returns when PostgreSQL accepts connections again), then waits for a successful write started after that. */
  async function survive(name: string, fault: () => Promise<void>): Promise<void> {
    const from = Date.now();
    await fault();
    const accepting = Date.now();
    const outage: (typeof outages)[number] = { name, from, to: accepting, accepting };
    outages.push(outage);
    while (Date.now() - accepting < RECOVERY_BOUND_MS * 3) {
      const served = outcomes.find((o) => o.kind === "write" && o.code === "OK" && o.started >= accepting);
      if (served !== undefined) {
        outage.recoveryMs = served.ended - accepting;
        break;
      }
      await sleep(50);
    }
    expect(childExits, `the server exited during ${name}`).toEqual([]);
    expect(outage.recoveryMs, `no write succeeded within ${RECOVERY_BOUND_MS * 3} ms of PostgreSQL accepting connections after ${name}`).toBeDefined();
    // Settle before the next fault: steady state again.
    await sleep(2000);
  }

  beforeAll(async () => {
    pg = await PostgresServer.create();
    await pg.start();
    database = await openDatabase({ databaseUrl: pg.url, dataDir: null, maxConnections: 4 });
    {
      await migrate(database);
      await importPostOfficeCsv(database, DIRECTORY_FIXTURE, {});
      key = (await createApiKey(database.db, { name: "fault test", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
      const graph = await createTestGraph(database);
      const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "194101" } });
      const created = await graph.execute(UpsertPickupLocationDocument, {
        input: { code: "LEH-HO", name: "Leh", postOfficeId: root(offices, "postOffices").nodes[0]!.id, city: "Leh", activeFrom: "2022-01-01", dailyCapacity: 50 },
      });
      expect(created.errors).toBeUndefined();
    }
    sql = postgres(pg.url, { max: 2, onnotice: () => {} });
    await startServer();
  });

  afterAll(async () => {
    child?.kill("SIGKILL");
    await sql?.end({ timeout: 1 });
    await database?.close();
    await pg?.dispose();
  });

  // What patches/postgres+3.4.9.patch fixes, on the driver alone (porsager/postgres#1208, #1216): without it
  // the transaction's ROLLBACK, written after its backend died, crashed the process from a timer.
  it("postgres.js: a transaction whose backend dies rejects, leaves the pool usable, and runs nothing after", async () => {
    const pool = postgres(pg.url, { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      await pool`create table driver_probe (n int)`;
      let handle: postgres.TransactionSql | undefined;
      const transaction = pool.begin(async (tx) => {
        handle = tx;
        const [{ pid }] = (await tx`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
        await sql`select pg_terminate_backend(${pid})`;
        await tx`insert into driver_probe values (1)`;
      });
      await expect(settles(transaction, "the transaction")).rejects.toMatchObject({ code: expect.stringMatching(/^(57P01|CONNECTION_CLOSED|ECONNRESET)$/) });
      // The pool's one connection reopens; its first query gets its own answer, not the dead backend's error.
      expect(await settles(pool`select 1 as one`, "the next query")).toEqual([{ one: 1 }]);
      // A late statement through the dead transaction is refused rather than run, outside it, on the new session.
      await expect(settles(handle!`insert into driver_probe values (2)`, "a late statement")).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
      expect(await pool`select n from driver_probe`).toEqual([]);
    } finally {
      await settles(sql`drop table if exists driver_probe`, "dropping the probe table");
      await pool.end({ timeout: 1 });
    }
  });

  it(`keeps serving through fast and immediate restarts and a stop of ${STOP_MS / 1000} s, answering 503 meanwhile, losing no acknowledged write`, async () => {
    const stop = load();
    let readyDuringOutage: { status: number; ms: number } | null = null;
    let healthDuringOutage = 0;
    try {
      await sleep(2000);
      await survive("restart -m fast", () => pg.restart("fast"));
      await survive("restart -m immediate", () => pg.restart("immediate"));
      await survive(`stop ${STOP_MS / 1000} s, start`, async () => {
        await pg.stop("fast");
        await sleep(3000);
        const asked = Date.now();
        const ready = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(10_000) });
        readyDuringOutage = { status: ready.status, ms: Date.now() - asked };
        healthDuringOutage = (await fetch(`${origin}/healthz`)).status;
        await sleep(STOP_MS - 3000 - (Date.now() - asked));
        await pg.start();
      });
    } finally {
      await stop();
    }
    expect(childExits).toEqual([]);
    expect(child?.exitCode).toBeNull();

    // /readyz while PostgreSQL was stopped: 503 within 2 s; /healthz: the process is fine. After: ready.
    expect(readyDuringOutage).toMatchObject({ status: 503 });
    expect(readyDuringOutage!.ms).toBeLessThan(2000);
    expect(healthDuringOutage).toBe(200);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);

    // Every answer: a success, or 503 DATABASE_UNAVAILABLE with Retry-After; never a hang, a 500, or a 200 carrying an error.
    const refused = outcomes.filter((o) => o.code !== "OK");
    const unexpected = refused.filter((o) => !(o.status === 503 && o.code === "DATABASE_UNAVAILABLE" && o.retryAfter !== null));
    expect(unexpected.map((o) => `${o.kind} ${o.status} ${o.code} after ${o.ended - o.started} ms`)).toEqual([]);
    const slowest = Math.max(...outcomes.map((o) => o.ended - o.started));
    expect(slowest).toBeLessThan(REQUEST_BOUND_MS);
    for (const outage of outages) expect(outage.recoveryMs!, outage.name).toBeLessThan(RECOVERY_BOUND_MS);

    // Acknowledged batches are all stored; no batch is stored in part.
    const stored = new Set((await sql<{ n: string }[]>`select tracking_number as n from shipment`).map((row) => row.n));
    const acknowledged = batches.filter((b) => b.acknowledged);
    const partial = batches.filter((b) => {
      const present = b.numbers.filter((n) => stored.has(n)).length;
      return present !== 0 && present !== b.numbers.length;
    });
    const missing = acknowledged.filter((b) => !b.numbers.every((n) => stored.has(n)));
    expect(missing).toEqual([]);
    expect(partial).toEqual([]);
    const storedUnacknowledged = batches.filter((b) => !b.acknowledged && b.numbers.every((n) => stored.has(n))).length;
    expect(acknowledged.length).toBeGreaterThan(20);

    const duringOutages = outcomes.filter((o) => outages.some((w) => o.ended >= w.from && o.started <= w.accepting + (w.recoveryMs ?? 0)));
    const slowestDuringOutage = Math.max(0, ...duringOutages.map((o) => o.ended - o.started));
    console.log(
      [
        `fault test: ${outages.length} PostgreSQL faults survived (${outages.map((o) => `${o.name}: served again ${o.recoveryMs} ms after it accepted connections`).join("; ")});`,
        `${outcomes.length} requests, ${refused.length} answered 503 DATABASE_UNAVAILABLE with Retry-After, none other;`,
        `slowest request ${slowest} ms (bound ${REQUEST_BOUND_MS} ms), slowest during outages ${slowestDuringOutage} ms;`,
        `/readyz during the stop: ${readyDuringOutage!.status} in ${readyDuringOutage!.ms} ms;`,
        `${acknowledged.length} acknowledged batches (${acknowledged.length * BATCH} rows) all stored, ${batches.length} batches none partial,`,
        `${storedUnacknowledged} unacknowledged batches stored whole (a commit whose answer was lost: mutations are idempotent, a retry is safe).`,
      ].join("\n  "),
    );
  });

  it("sees another process's write within seconds once PostgreSQL is back (the response cache watcher resumes)", async () => {
    const read = async () => (await post({ query: READS[0] }, "read")).json?.data?.pickupLocation as { name: string } | undefined;
    expect((await read())?.name).toBe("Leh");
    // Cached now: a second answer comes from memory.
    expect((await read())?.name).toBe("Leh");
    await sql`update pickup_location set name = 'Leh HO' where code = 'LEH-HO'`;
    const since = Date.now();
    while ((await read())?.name !== "Leh HO") {
      // The TTL is 60 s: a watcher that stopped after the outages would serve the old name for that long.
      expect(Date.now() - since).toBeLessThan(10_000);
      await sleep(200);
    }
  });

  it("answers a mutation held past the request deadline 503 REQUEST_TIMEOUT with Retry-After, and it commits nothing after", async () => {
    const locker = await sql.reserve();
    let held: Awaited<ReturnType<typeof writeBatch>>;
    try {
      await locker`begin`;
      // Writes to shipment wait for this lock; reads do not.
      await locker`lock table shipment in exclusive mode`;
      held = await writeBatch();
    } finally {
      await locker`rollback`;
      locker.release();
    }
    expect(held.outcome).toMatchObject({ status: 503, code: "REQUEST_TIMEOUT", retryAfter: "2" });
    // The lock is gone: the mutation's insert runs now, and its transaction must roll back instead of committing.
    const [{ id }] = (await sql<{ id: string }[]>`select max(id)::text as id from audit_log`) as unknown as [{ id: string }];
    let outcome = "PENDING";
    for (let waited = 0; outcome === "PENDING" && waited < 10_000; waited += 100) {
      await sleep(100);
      outcome = (await sql<{ outcome: string }[]>`select outcome from audit_log where id = ${id}`)[0]!.outcome;
    }
    expect(outcome).toBe("REQUEST_TIMEOUT");
    expect(await sql`select 1 from shipment where tracking_number = any(${held.batch.numbers as string[]})`).toHaveLength(0);
  });

  it("closes the audit entry of a mutation whose process was killed, at the next start, as ABANDONED", async () => {
    // A mutation held mid-way by a lock the test takes, so its audit entry is PENDING when the process dies.
    // Entries the outages above left PENDING (their outcome could not be written while PostgreSQL was away).
    const before = new Set((await sql<{ id: string }[]>`select id::text from audit_log where outcome = 'PENDING'`).map((row) => row.id));
    const locker = await sql.reserve();
    try {
      await locker`begin`;
      await locker`lock table shipment in exclusive mode`;
      const held = writeBatch();
      let pending: { id: string }[] = [];
      for (let waited = 0; pending.length === 0 && waited < 5000; waited += 50) {
        await sleep(50);
        pending = (await sql<{ id: string }[]>`select id::text from audit_log where outcome = 'PENDING'`).filter((row) => !before.has(row.id));
      }
      expect(pending.length).toBe(1);
      const killed = child!;
      const exited = new Promise((resolve) => killed.once("exit", resolve));
      killed.kill("SIGKILL");
      await exited;
      await held;
      await locker`rollback`;
      childExits = [];
      // A young PENDING entry may belong to a live process: the sweep leaves it alone.
      expect(await closeAbandonedAuditEntries(database.db, 60_000)).toBe(0);
      await startServer();
      const since = Date.now();
      let outcome = "PENDING";
      while (outcome === "PENDING" && Date.now() - since < 20_000) {
        await sleep(250);
        outcome = (await sql<{ outcome: string }[]>`select outcome from audit_log where id = ${pending[0]!.id}`)[0]!.outcome;
      }
      expect(outcome).toBe(ABANDONED);
      expect((await sql`select 1 from audit_log where outcome = 'PENDING'`).length).toBe(0);
      console.log(`fault test: the killed mutation's audit entry and ${before.size} left PENDING by the outages closed as ABANDONED ${Date.now() - since} ms after the restart`);
    } finally {
      locker.release();
    }
  });
});

