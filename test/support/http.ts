import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { type Database, queryRows } from "../../src/db/client.js";
import { createSchema } from "../../src/schema.js";
import { createApolloServer } from "../../src/server/apollo.js";
import { listen } from "../../src/server/http.js";

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
 */
export async function databaseFingerprint(database: Database, except: readonly string[] = ["audit_log", "api_key"]): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(
    database.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    if (except.includes(name)) continue;
    const [row] = await queryRows<{ n: number; digest: string | null }>(
      database.db,
      sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from "${name}" t`),
    );
    result[name] = `${row!.n}:${row!.digest}`;
  }
  return result;
}
