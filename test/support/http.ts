import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { type Database, queryRows } from "../../src/db/client.js";
import { createSchema } from "../../src/schema.js";
import { createApolloServer } from "../../src/server/apollo.js";
import { listen, type RunningServer } from "../../src/server/http.js";

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (an array for a batch); the raw text when it is not JSON. */
  readonly body: any;
  /** x-sql-statements: SQL statements the request issued. */
  readonly statements: number;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  readonly method?: "GET" | "POST" | "OPTIONS";
  /** Sent as is instead of JSON.stringify(body). */
  readonly raw?: string;
}

export interface TestServer {
  readonly url: string;
  /** The server listen() started: its open sockets and subscriptions. */
  readonly running: RunningServer;
  request(body?: unknown, options?: RequestOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

/** The real HTTP server (src/server/http.ts) on a free port over a test database. */
export async function startTestServer(database: Database, env: Record<string, string> = {}): Promise<TestServer> {
  // Request lines at info would fill the test output; a test that reads the log sets LOG_LEVEL itself.
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "warn", ...env });
  const apollo = createApolloServer(await createSchema(), config);
  await apollo.start();
  const server = await listen({ config, database, apollo });
  return {
    url: server.url,
    running: server,
    async request(body, options = {}) {
      const method = options.method ?? "POST";
      const response = await fetch(server.url, {
        method,
        headers: { ...(method === "POST" ? { "content-type": "application/json" } : {}), ...options.headers },
        ...(method === "POST" ? { body: options.raw ?? JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed, statements: Number(response.headers.get("x-sql-statements") ?? "0") };
    },
    async close() {
      await server.close();
      await apollo.stop();
    },
  };
}

/**
 * Row count and an md5 of every row of each table in the public schema: equal before and after
 * means nothing was written (the audit log aside, which is meant to grow).
 *
 * Two statements whatever the number of tables: the table list, then one UNION ALL of every table's digest.
 * The bad-input corpus takes a fingerprint after each of its 2,000-odd requests; a statement per table (and
 * information_schema's view for the list) cost 57 ms of CPU a fingerprint on PGlite, this 8 ms.
 */
export async function databaseFingerprint(database: Database, except: readonly string[] = ["audit_log", "api_key"]): Promise<Record<string, string>> {
  // pg_tables: the schema's ordinary and partitioned tables, what information_schema.tables calls BASE TABLE.
  const tables = await queryRows<{ name: string }>(database.db, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const kept = tables.map((table) => table.name).filter((name) => !except.includes(name));
  if (kept.length === 0) return {};
  const digests = await queryRows<{ name: string; fingerprint: string }>(
    database.db,
    sql.raw(
      kept
        .map(
          (name) =>
            `select '${name.replaceAll("'", "''")}' as name, count(*)::int || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as fingerprint from "${name.replaceAll('"', '""')}" t`,
        )
        .join(" union all "),
    ),
  );
  const result: Record<string, string> = {};
  for (const { name, fingerprint } of digests) result[name] = fingerprint;
  return result;
}
