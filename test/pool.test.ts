import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, queryRows, queryText } from "../src/db/client.js";
import { SERVER_URL, type TestDatabase, createTestDatabase, engines } from "./support/databases.js";

/*
 * DAKGRAPH_POOL_MAX (maxConnections) bounds the connections a process opens across both postgres.js pools:
 * the main one (drizzle and queryRows) and the fixed-statement one (queryText). Many more statements than
 * connections run at once through both, and PostgreSQL never sees more than the setting.
 */
const hasServer = engines.includes("postgres");
if (!hasServer) console.warn(`test/pool.test.ts: no PostgreSQL answers at ${SERVER_URL}; skipped.`);

describe.skipIf(!hasServer)("DAKGRAPH_POOL_MAX", () => {
  let test: TestDatabase;
  let observer: postgres.Sql;
  beforeAll(async () => {
    test = await createTestDatabase("postgres");
    observer = postgres(test.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await observer?.end({ timeout: 1 });
    await test?.drop();
  });

  it.each([5, 2])("opens at most %i connections across both pools, and uses both", async (max) => {
    const database: Database = await openDatabase({ databaseUrl: test.url, dataDir: null, maxConnections: max });
    try {
      const name = new URL(test.url!).pathname.slice(1);
      const connections = async () =>
        (await observer`select count(*)::int as n from pg_stat_activity where datname = ${name} and application_name = 'dakgraph'`)[0]!.n as number;
      // The test database's own handle (createTestDatabase) keeps its idle connections open.
      const before = await connections();
      const sleeps = Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0 ? queryRows(database.db, sql`select pg_sleep(0.4)`) : queryText(database.db, "select pg_sleep($1)", [0.4]),
      );
      let most = 0;
      const watching = (async () => {
        for (let i = 0; i < 20; i++) {
          most = Math.max(most, (await connections()) - before);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await Promise.all([...sleeps, watching]);
      expect(most).toBe(max);
    } finally {
      await database.close();
    }
  });
});
