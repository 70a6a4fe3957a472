import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Tracer } from "@opentelemetry/api";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type SQL, sql } from "drizzle-orm";
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { assertBeforeDeadline, statementCounter } from "../lib/request-scope.js";
import { logger } from "../server/logger.js";
import { lockDataDirectory } from "./data-dir-lock.js";
import * as schema from "./schema.js";
import { type ConnectionAttempts, ConnectionMonitor, withNoDelaySocket } from "./socket.js";
import { tracedPglite, tracedPostgres } from "./traced.js";

export type Schema = typeof schema;
/** The one database type: PGlite and postgres.js handles (and their transactions) both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Engine = "pglite" | "postgres";

/** A database handle that can also bulk-load through COPY. */
export interface Session {
  readonly engine: Engine;
  readonly db: Db;
  /** Bulk-load CSV text (header-less, RFC 4180) into `table (columns)` through COPY. */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
}

export interface Database extends Session {
  /** Runs `work` in one transaction on one connection, COPY included: all of it lands or none. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** What the server pool's connection attempts are doing (null on PGlite, which has no connections). */
  connectionAttempts(): ConnectionAttempts | null;
  /** The connection pools' state now, for metrics (src/server/metrics.ts). */
  poolStats(): PoolStats;
  /**
   * Hears NOTIFY on `channel` (src/db/notify.ts names them): `onMessage` gets each payload sent by a transaction
   * that committed, from any process on this database. `onListening` runs each time the channel is subscribed,
   * the first time and again after the listening connection was lost and reopened: messages sent while it was
   * down are gone, so a consumer treats it as "anything may have changed". On a server the subscription has
   * one connection of its own (postgres.js `listen`), which reopens after a restart of PostgreSQL with the
   * pool's backoff; on PGlite notifications are in-process. Resolves once the first subscription has been
   * tried (if PostgreSQL is down then, it is retried in the background and `onListening` says when it took),
   * with the function that stops this listener.
   */
  listen(channel: string, onMessage: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One consumer of a channel (Database.listen). */
interface Listener {
  readonly onMessage: (payload: string) => void;
  readonly onListening: (() => void) | undefined;
}

/**
 * The consumers of each channel a Database listens on, over one subscription per channel. `subscribe` sends
 * LISTEN for each channel given; when the connection it uses is lost, resubscribe() LISTENs to every channel
 * again, retrying until it succeeds, then tells every consumer (onListening). One loop does this, so a channel
 * is never subscribed twice on one connection (postgres.js's own `listen` may, after a reconnect that raced a
 * new subscription: every message was then heard twice). A consumer's exception is logged and kept from the
 * driver, where it would be thrown from a socket event.
 */
class ChannelListeners {
  private readonly channels = new Map<string, Set<Listener>>();
  /** Channels LISTENed to on the current connection. */
  private readonly subscribed = new Set<string>();
  private running: Promise<void> | null = null;
  /** The connection was lost since the loop last subscribed everything. */
  private lost = false;
  private closed = false;

  constructor(
    private readonly subscribe: (channels: readonly string[]) => Promise<void>,
    private readonly retryDelayMs: (failures: number) => number,
  ) {}

  dispatch(channel: string, payload: string): void {
    for (const listener of this.channels.get(channel) ?? []) guarded(channel, () => listener.onMessage(payload));
  }

  /** The listening connection closed: every channel must be LISTENed to again on the next one. */
  connectionLost(): void {
    if (this.closed) return;
    this.lost = true;
    void this.run();
  }

  close(): void {
    this.closed = true;
  }

  async add(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let listeners = this.channels.get(channel);
    if (listeners === undefined) this.channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    if (this.subscribed.has(channel) && !this.lost) {
      if (listener.onListening !== undefined) guarded(channel, listener.onListening);
    } else {
      // Resolves after the first attempt; if that failed, retries continue in the background.
      await Promise.race([this.run(), this.firstAttempt(channel)]);
    }
    return async () => {
      listeners.delete(listener);
    };
  }

  private attempts = new Map<string, () => void>();

  private firstAttempt(channel: string): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.attempts.get(channel);
      this.attempts.set(channel, () => {
        previous?.();
        resolve();
      });
    });
  }

  private run(): Promise<void> {
    this.running ??= (async () => {
      for (let failures = 0; !this.closed; ) {
        if (this.lost) {
          this.lost = false;
          this.subscribed.clear();
        }
        const missing = [...this.channels.keys()].filter((channel) => !this.subscribed.has(channel));
        if (missing.length === 0) break;
        try {
          await this.subscribe(missing);
          // Lost while subscribing: LISTEN may have gone to the old connection; do it all again.
          if (this.lost) continue;
          for (const channel of missing) this.subscribed.add(channel);
          failures = 0;
          for (const channel of missing) {
            for (const listener of this.channels.get(channel) ?? []) if (listener.onListening !== undefined) guarded(channel, listener.onListening);
          }
        } catch (error) {
          failures += 1;
          if (failures === 1) logger.warn("LISTEN failed; retrying until PostgreSQL answers", { channels: missing, error: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs(failures)));
        } finally {
          for (const channel of missing) {
            this.attempts.get(channel)?.();
            this.attempts.delete(channel);
          }
        }
      }
    })().finally(() => {
      this.running = null;
      // Lost, or a channel added, after the loop's last look.
      if (!this.closed && (this.lost || [...this.channels.keys()].some((channel) => !this.subscribed.has(channel)))) void this.run();
    });
    return this.running;
  }
}

function guarded(channel: string, work: () => void): void {
  try {
    work();
  } catch (error) {
    logger.error("a listener threw", error, { channel });
  }
}

/**
 * Connections of a server database's pools (both postgres.js pools added up), from postgres.js's own queues
 * (exposed by patches/postgres+3.4.9.patch). PGlite is one in-process connection: it reports one, in use while a
 * transaction runs, with the transactions queued behind it waiting (its single statements queue inside PGlite, uncounted).
 */
export interface PoolStats {
  /** Connections running statements or held by a transaction. */
  readonly inUse: number;
  /** Open connections with nothing to do. */
  readonly idle: number;
  /** Connections being opened. */
  readonly connecting: number;
  /** Statements queued for a connection: every connection is busy and the pool is at its maximum. */
  readonly waiting: number;
  /** Most connections the pools may open. */
  readonly max: number;
}

/** postgres.js's queue lengths, from its `poolStats()` (added by patches/postgres+3.4.9.patch). */
interface RawPoolStats {
  readonly open: number;
  readonly busy: number;
  readonly full: number;
  readonly reserved: number;
  readonly connecting: number;
  readonly waiting: number;
}

export interface OpenOptions {
  /** postgres:// URL; null opens PGlite. */
  readonly databaseUrl: string | null;
  /** PGlite's directory; null keeps PGlite in memory (tests). */
  readonly dataDir: string | null;
  /**
   * Most connections the process opens to a server, across both postgres.js pools (default 20): the main
   * pool gets half, rounded up, the fixed-statement pool the rest, and each at least one.
   */
  readonly maxConnections?: number;
  /**
   * statement_timeout of every PostgreSQL connection, in ms (0: none). Not applied to PGlite: it
   * accepts `SET statement_timeout` but never cancels a statement (no timer signal in WASM).
   */
  readonly statementTimeoutMs?: number;
  /** Longest a PostgreSQL connection may take to open (TCP connect and startup), in ms; postgres.js's default is 30 s. */
  readonly connectTimeoutMs?: number;
  /** Record a span per SQL statement of a request (src/db/traced.ts); absent: no tracing, no wrapper. */
  readonly tracer?: Tracer;
  /** A PGlite data-directory tarball (dumpDataDir) to start an empty `dataDir` from, instead of an empty cluster. */
  readonly initialDataDir?: Blob;
}

/**
 * Seconds postgres.js waits before reopening a connection after a failed one, by the pool's count of
 * failures in a row. Its default grows to 10–20 s, which held requests that long after PostgreSQL was back
 * from a restart; a refused connect costs nothing, so the wait stays under a second.
 */
function reconnectBackoff(failures: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function copyStatement(table: string, columns: readonly string[]): string {
  return `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) FROM STDIN WITH (FORMAT csv)`;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl !== null) {
    // Startup parameters, so every pooled connection has them without an extra round trip.
    // JIT off: the graph's statements are index lookups and small aggregates, which PostgreSQL's JIT
    // compilation slows down many times over when the planner's row estimates (from JSON parameters) run high.
    const monitor = new ConnectionMonitor();
    const total = options.maxConnections ?? 20;
    const mainMax = Math.max(1, Math.ceil(total / 2));
    const pool = (max: number, connection: Partial<postgres.ConnectionParameters>, extra: { fetch_types?: boolean } = {}) =>
      postgres(options.databaseUrl!, withNoDelaySocket({
        max,
        onnotice: () => {},
        connect_timeout: (options.connectTimeoutMs ?? 5000) / 1000,
        backoff: reconnectBackoff,
        connection: { application_name: "dakgraph", statement_timeout: options.statementTimeoutMs ?? 0, jit: "off", ...connection },
        ...extra,
      }, monitor));
    // Custom plans for prepared statements (queryRows): planned with their parameters every time, as unnamed
    // statements are, so preparing saves the round trip without risking a generic plan chosen blind.
    const rawClient = pool(mainMax, { plan_cache_mode: "force_custom_plan" });
    // A second pool, opened on first use, for the single-statement executor's fixed statements (queryText):
    // the session default, plan_cache_mode auto, lets PostgreSQL keep a generic plan once it is as good as
    // the custom ones. For short lookups such as tracking, planning costs more than executing.
    // Their parameters are scalars: no array types to look up when a connection opens. plan_cache_mode is
    // a session setting, so the two kinds of statement cannot share connections without a SET per statement.
    const rawFixedStatements = pool(Math.max(1, total - mainMax), {}, { fetch_types: false });
    const traced = (handle: postgres.Sql) => (options.tracer === undefined ? handle : tracedPostgres(handle, options.tracer));
    const client = traced(rawClient);
    const fixedStatements = traced(rawFixedStatements);
    // One more connection, opened on the first listen, for LISTEN: never idle-closed or retired (a LISTEN lives
    // as long as its session), and its loss is the signal to subscribe again.
    let listenClient: postgres.Sql | null = null;
    const listeners = new ChannelListeners(async (channels) => {
      // Not counted by the pools' connection monitor: its attempts say whether requests can be served.
      listenClient ??= postgres(options.databaseUrl!, withNoDelaySocket({
        max: 1,
        onnotice: () => {},
        connect_timeout: (options.connectTimeoutMs ?? 5000) / 1000,
        backoff: reconnectBackoff,
        max_lifetime: null,
        fetch_types: false,
        connection: { application_name: "dakgraph listen" },
        // An option postgres.js's own `listen` uses and its types leave out.
        onnotify: (channel: string, payload: string) => listeners.dispatch(channel, payload),
        onclose: () => listeners.connectionLost(),
      } as postgres.Options<Record<string, never>>));
      for (const channel of channels) await listenClient.unsafe(`LISTEN ${quoteIdent(channel)}`);
    }, (failures) => reconnectBackoff(failures) * 1000);
    const session = (sql: postgres.Sql, fixed: postgres.Sql = sql): Session => ({
      engine: "postgres",
      db: withPreparedStatements(drizzlePostgres({ client: sql, schema, logger: statementCounter }) as unknown as Db, sql, fixed),
      async copyCsv(table, columns, csv) {
        const writable = await sql.unsafe(copyStatement(table, columns)).writable();
        await new Promise<void>((resolve, reject) => {
          writable.on("error", reject);
          writable.on("finish", resolve);
          writable.end(csv);
        });
      },
    });
    return {
      ...session(client, fixedStatements),
      async transaction(work) {
        return (await client.begin(async (tx) => {
          // drizzle reads type parsers from `options`, which a postgres.js transaction handle lacks.
          const handle = Object.assign(tx, { options: client.options }) as unknown as postgres.Sql;
          const result = await work(session(handle));
          // A request answered 503 at its deadline must not commit afterwards: throwing here rolls back.
          assertBeforeDeadline();
          return result;
        })) as Awaited<ReturnType<typeof work>>;
      },
      connectionAttempts: () => monitor.attempts,
      listen: (channel, onMessage, onListening) => listeners.add(channel, { onMessage, onListening }),
      poolStats() {
        const [a, b] = [rawClient, rawFixedStatements].map((handle) => (handle as unknown as { poolStats(): RawPoolStats }).poolStats());
        return {
          inUse: a!.busy + a!.full + a!.reserved + b!.busy + b!.full + b!.reserved,
          idle: a!.open + b!.open,
          connecting: a!.connecting + b!.connecting,
          waiting: a!.waiting + b!.waiting,
          max: mainMax + Math.max(1, total - mainMax),
        };
      },
      async close() {
        listeners.close();
        await Promise.all([client.end({ timeout: 5 }), fixedStatements.end({ timeout: 5 }), listenClient?.end({ timeout: 1 })]);
      },
    };
  }
  if (options.dataDir !== null) fs.mkdirSync(options.dataDir, { recursive: true });
  const unlock = options.dataDir === null ? () => {} : lockDataDirectory(options.dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(options.dataDir === null ? {} : { dataDir: options.dataDir }),
      ...(options.initialDataDir === undefined ? {} : { loadDataDir: options.initialDataDir }),
      extensions: { pg_trgm },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  type Queryable = Pick<PGlite, "query">;
  // In-process: the subscription cannot be lost, so onListening runs once per consumer.
  const pgliteListeners: ChannelListeners = new ChannelListeners(async (channels) => {
    for (const channel of channels) await client.listen(channel, (payload) => pgliteListeners.dispatch(channel, payload));
  }, () => 1000);
  let running = 0;
  const counted = <T>(work: Promise<T>): Promise<T> => {
    running += 1;
    return work.finally(() => (running -= 1));
  };
  const session = (unwrapped: Queryable): Session => {
    const target = options.tracer === undefined ? unwrapped : tracedPglite(unwrapped, options.tracer);
    return {
    engine: "pglite",
    db: drizzlePglite({ client: target as PGlite, schema, logger: statementCounter }) as unknown as Db,
    async copyCsv(table, columns, csv) {
      // PGlite has no client socket: COPY FROM STDIN is not available, '/dev/blob' is its equivalent.
      await target.query(copyStatement(table, columns).replace("FROM STDIN", "FROM '/dev/blob'"), [], {
        blob: new Blob([csv]),
      });
    },
    };
  };
  return {
    ...session(client),
    transaction(work) {
      return counted(
        client.transaction(async (tx) => {
          const result = await work(session(tx as unknown as Queryable));
          assertBeforeDeadline();
          return result;
        }),
      );
    },
    connectionAttempts: () => null,
    listen: (channel, onMessage, onListening) => pgliteListeners.add(channel, { onMessage, onListening }),
    poolStats: () => ({ inUse: Math.min(running, 1), idle: running === 0 ? 1 : 0, connecting: 0, waiting: Math.max(running - 1, 0), max: 1 }),
    async close() {
      pgliteListeners.close();
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/** The postgres.js handle behind each drizzle handle on a server (its transactions' included). */
const serverClients = new WeakMap<Db, postgres.Sql>();
/** The handle for queryText: the fixed-statement pool outside transactions, the transaction's own inside. */
const fixedStatementClients = new WeakMap<Db, postgres.Sql>();
const dialect = new PgDialect();

function withPreparedStatements(db: Db, client: postgres.Sql, fixed: postgres.Sql): Db {
  serverClients.set(db, client);
  fixedStatementClients.set(db, fixed);
  return db;
}

/**
 * Rows of a raw statement, whichever engine ran it (PGlite answers `{ rows }`, postgres.js an array).
 *
 * On a server the statement is sent as a named prepared statement, kept per connection by postgres.js:
 * the first run on a connection parses and describes it, every later run is one round trip (bind and
 * execute). drizzle sends its statements unnamed, and postgres.js must then describe a statement with
 * parameters before binding it: two round trips every time, which for short statements is most of the
 * wait and a good part of the CPU (loopback socket writes). Our raw statements are fixed
 * texts with parameters, so the per-connection cache stays small; postgres.js retires connections after
 * 30–60 minutes, which bounds it in any case.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const client = serverClients.get(db);
  if (client !== undefined) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    statementCounter.logQuery(text, params);
    return (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[];
  }
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

/**
 * Rows of a statement given as text with numbered parameters ($1, $2, …), whichever engine runs it: for
 * statements built once and run many times (src/server/single-statement.ts), which need no drizzle SQL
 * object per run. On a server it is prepared, on the fixed-statement pool (generic plans allowed).
 */
export async function queryText<T>(db: Db, text: string, params: readonly unknown[]): Promise<T[]> {
  statementCounter.logQuery(text, params as unknown[]);
  const client = fixedStatementClients.get(db);
  if (client !== undefined) return (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as T[];
  const pglite = (db as unknown as { $client: Pick<PGlite, "query"> }).$client;
  return (await pglite.query<T>(text, params as unknown[])).rows;
}

export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
