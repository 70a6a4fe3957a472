import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/db/client.js";
import { DATA_CHANGED_CHANNEL, NOTIFY_PAYLOAD_MAX_BYTES, notifySql } from "../src/db/notify.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { PostgresServer, postgresUnavailable } from "./support/postgres-server.js";

/*
 * The change feed (src/db/notify.ts) on both engines: a NOTIFY sent inside a transaction is heard when the
 * transaction commits and never when it rolls back; on a server of the test's own, the listener subscribes
 * again after PostgreSQL restarts and says so through onListening.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` or `ms` have passed; returns whether it became true. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const since = Date.now();
  while (!done() && Date.now() - since < ms) await sleep(20);
  return done();
}

describe.each(engines)("LISTEN/NOTIFY on %s", (engine) => {
  let test: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    test = await createTestDatabase(engine);
    database = test.database;
  });
  afterAll(async () => {
    await test?.drop();
  });

  it("hears a committed transaction's message, not a rolled-back one's, and stops hearing after unlisten", async () => {
    const heard: string[] = [];
    let listening = 0;
    const unlisten = await database.listen(DATA_CHANGED_CHANNEL, (payload) => heard.push(payload), () => (listening += 1));
    expect(listening).toBe(1);

    await database
      .transaction(async (session) => {
        await session.db.execute(notifySql(DATA_CHANGED_CHANNEL, "rolled back"));
        throw new Error("roll back");
      })
      .catch(() => {});
    await database.transaction(async (session) => {
      await session.db.execute(notifySql(DATA_CHANGED_CHANNEL, "committed"));
      // Not delivered before the commit, even to a listener in the same process.
      await sleep(100);
      expect(heard).toEqual([]);
    });
    expect(await until(() => heard.length > 0, 5000)).toBe(true);
    // Time for a wrongly delivered rolled-back message to arrive too, had it been sent.
    await sleep(200);
    expect(heard).toEqual(["committed"]);

    // A second consumer on the same channel hears it too, and is told it is listening.
    const second: string[] = [];
    let secondListening = 0;
    const unlistenSecond = await database.listen(DATA_CHANGED_CHANNEL, (payload) => second.push(payload), () => (secondListening += 1));
    expect(secondListening).toBe(1);
    await unlisten();
    await database.db.execute(notifySql(DATA_CHANGED_CHANNEL, "after unlisten"));
    expect(await until(() => second.length > 0, 5000)).toBe(true);
    await sleep(200);
    expect(second).toEqual(["after unlisten"]);
    expect(heard).toEqual(["committed"]);
    await unlistenSecond();
  });

  it("refuses a payload past PostgreSQL's limit before sending it, and PostgreSQL refuses one byte more", async () => {
    const longest = "x".repeat(NOTIFY_PAYLOAD_MAX_BYTES);
    await database.db.execute(notifySql(DATA_CHANGED_CHANNEL, longest));
    expect(() => notifySql(DATA_CHANGED_CHANNEL, `${longest}x`)).toThrow(RangeError);
    // Multi-byte characters count as their UTF-8 bytes.
    expect(() => notifySql(DATA_CHANGED_CHANNEL, "ग".repeat(Math.ceil(NOTIFY_PAYLOAD_MAX_BYTES / 3) + 1))).toThrow(RangeError);
    const refused = await database.db.execute(sql`select pg_notify(${DATA_CHANGED_CHANNEL}, ${`${longest}x`})`).then(
      () => null,
      (error: Error) => error,
    );
    // drizzle wraps the driver's error: PostgreSQL's message is its cause's.
    expect(String((refused?.cause as Error | undefined)?.message ?? refused?.message)).toMatch(/payload string too long/);
  });
});

describe.skipIf(postgresUnavailable !== null)("LISTEN through a PostgreSQL restart", () => {
  let pg: PostgresServer;
  let database: Database;
  beforeAll(async () => {
    pg = await PostgresServer.create();
    await pg.start();
    database = await openDatabase({ databaseUrl: pg.url, dataDir: null, maxConnections: 2, connectTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.dispose();
  });

  for (const mode of ["fast", "immediate"] as const) {
    it(`subscribes again after restart -m ${mode}, calls onListening, and hears messages sent after`, async () => {
      const heard: string[] = [];
      let listening = 0;
      const unlisten = await database.listen(DATA_CHANGED_CHANNEL, (payload) => heard.push(payload), () => (listening += 1));
      expect(listening).toBe(1);
      await pg.stop(mode);
      // Down for a while: the listening connection's reconnects fail, with backoff, and must keep trying.
      await sleep(1500);
      await pg.start();
      const accepting = Date.now();
      expect(await until(() => listening === 2, 10_000), "onListening after the restart").toBe(true);
      console.log(`notify test: LISTEN again ${Date.now() - accepting} ms after PostgreSQL (restart -m ${mode}) accepted connections`);
      await database.transaction(async (session) => {
        await session.db.execute(notifySql(DATA_CHANGED_CHANNEL, `after ${mode} restart`));
      });
      expect(await until(() => heard.length > 0, 5000)).toBe(true);
      expect(heard).toEqual([`after ${mode} restart`]);
      expect(listening).toBe(2);
      await unlisten();
    });
  }

  it("subscribes in the background when PostgreSQL is down at the first listen", async () => {
    await pg.stop("fast");
    let listening = 0;
    const heard: string[] = [];
    const started = Date.now();
    const unlisten = await database.listen("dakgraph_late_channel", (payload) => heard.push(payload), () => (listening += 1));
    expect(Date.now() - started).toBeLessThan(8000);
    expect(listening).toBe(0);
    await pg.start();
    expect(await until(() => listening === 1, 10_000)).toBe(true);
    await database.db.execute(notifySql("dakgraph_late_channel", "late"));
    expect(await until(() => heard.length > 0, 5000)).toBe(true);
    expect(heard).toEqual(["late"]);
    expect(listening).toBe(1);
    await unlisten();
  });
});
