import postgres from "postgres";
import { currentRequestScope, type RequestScope } from "../lib/request-scope.js";
import { lagNowMs, LsnHistory, parseLsn, RecentWriters, type ReplicaReading, type ReplicaState, replicaLagMs, replicaState, stickyWindowMs } from "../lib/replica-lag.js";
import {
  closeServerPools,
  type Database,
  type Db,
  drizzleOverPostgres,
  type OpenOptions,
  openServerPools,
  type PoolStats,
  type ServerPools,
  serverPoolStats,
} from "./client.js";
import { isDatabaseUnavailable } from "./unavailable.js";

/*
 * Read replicas (DATABASE_REPLICA_URLS): GraphQL requests read from PostgreSQL streaming replicas, and write to the
 * primary.
 *
 * Routed over postgres.js rather than with drizzle's withReplicas: withReplicas picks a handle per query builder
 * (select to a replica; insert, update, delete and execute to the primary) when the builder is made, and knows
 * nothing of the request. Most of our reads are raw SQL (queryRows, queryText: the single statement, the
 * repositories' statements), which withReplicas sends to the primary, and a request that wrote must read its write.
 * So the request's context gets a database whose postgres.js clients choose a server for each statement, from the
 * request's scope (src/lib/request-scope.ts):
 * - outside a request (start-up, the response cache's watcher, readiness, background sweeps): the primary;
 * - a request that runs a mutation or opened a transaction (`wrote`), or whose caller wrote within the sticky window
 *   (`readPrimary`, see RecentWriters): the primary;
 * - otherwise a replica within DAKGRAPH_MAX_REPLICA_LAG_MS now (its lag at the last check plus the time since), the
 *   same one for the whole request, taken in turn among those usable; the primary when none is.
 * Transactions, COPY and the authentication's key lookups (an UPDATE) always use the primary: only statements outside
 * transactions can go to a replica, and a write sent there by mistake fails (a replica is read-only) rather than
 * landing somewhere else.
 *
 * A statement a replica cannot answer because it went away (or cancelled it in a conflict with recovery) runs again
 * on the primary, and the replica is left out until its next check succeeds: a replica that dies costs no request.
 * Lag is measured in the background, every DAKGRAPH_REPLICA_CHECK_INTERVAL_MS, on connections of its own (a
 * replica's busy pool must not delay its check) and on a loop per server; see src/lib/replica-lag.ts for what it
 * measures.
 */

/** Where requests' statements went, and a replica's state: for metrics. */
export interface ReadTargetStatus {
  /** "primary", or the replica's host:port. */
  readonly name: string;
  readonly role: "primary" | "replica";
  /** Statements of GraphQL requests (outside transactions) sent to it since start. */
  readonly statements: number;
  /** Replicas: statements it failed that ran again on the primary. */
  readonly fallbacks: number;
  /** Replicas: the lag now, in ms: at the last check plus the time since (Infinity: not known). */
  readonly lagMs: number;
  readonly state: ReplicaState;
}

export interface ReadRouting {
  /** The database a GraphQL request's context uses: its statements go where the rules above say. */
  readonly database: Database;
  /** The primary, for writes made outside a transaction on a request's behalf (the audit log). */
  readonly primary: Database;
  /** Marks the request's reads for the primary when its caller (a rate-limit key) wrote within the sticky window. */
  beginRequest(scope: RequestScope, caller: string): void;
  /** Remembers that the caller wrote, when the request did. */
  endRequest(scope: RequestScope, caller: string): void;
  /** Where reads went and each replica's state now. */
  targets(): readonly ReadTargetStatus[];
  /**
   * The most a replica read from may be behind (DAKGRAPH_MAX_REPLICA_LAG_MS) plus one check interval: a read made this
   * long after a commit sees it, whichever replica served it. The response cache drops its answers again after it.
   */
  readonly staleForMs: number;
  /** Resolves once every replica has been checked at least once (tests, start-up logs). */
  checked(): Promise<void>;
}

interface Target {
  readonly name: string;
  readonly role: "primary" | "replica";
  readonly main: postgres.Sql;
  readonly fixed: postgres.Sql;
  statements: number;
  fallbacks: number;
  /** At the last check. */
  lagMs: number;
  state: ReplicaState;
  /** Date.now() when the last check's answer came (0: never). */
  checkedAt: number;
}

interface Replica extends Target {
  readonly pools: ServerPools;
  /** One connection of its own for the lag checks. */
  readonly probe: postgres.Sql;
}

/** The primary when a request must read its writes, or when nothing else is usable. */
export function primaryDatabase(database: Database): Database {
  return database.routing?.primary ?? database;
}

/** Errors after which a replica's statement runs again on the primary. */
function fallsBack(error: unknown): boolean {
  // 40001 on a standby: the statement was cancelled because replaying the primary's WAL needed what it held.
  return isDatabaseUnavailable(error) || (error as { code?: unknown } | null)?.code === "40001";
}

/** `work`, or a rejection after `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

function replicaName(url: string, taken: Set<string>): string {
  let name: string;
  try {
    name = new URL(url).host || "replica";
  } catch {
    name = "replica";
  }
  for (let n = 2; taken.has(name); n += 1) name = `${name.replace(/#\d+$/, "")}#${n}`;
  taken.add(name);
  return name;
}

/**
 * A postgres.js query as drizzle and queryRows use it (`unsafe(…)`, optionally `.values()`, then awaited), run on the
 * server chosen when it is awaited.
 */
class RoutedQuery implements PromiseLike<unknown> {
  private valuesMode = false;
  private started: Promise<unknown> | undefined;

  constructor(private readonly run: (values: boolean) => Promise<unknown>) {}

  values(): this {
    this.valuesMode = true;
    return this;
  }

  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.started ??= this.run(this.valuesMode);
    return this.started.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return this.then().finally(onFinally);
  }
}

export function withReadReplicas(primary: Database, primaryPools: ServerPools, urls: readonly string[], options: OpenOptions): Database {
  const maxLagMs = options.maxReplicaLagMs ?? 1000;
  const intervalMs = options.replicaCheckIntervalMs ?? 250;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  // A check still unanswered after this marks its replica down (a server that stopped answering, not just slow).
  const checkTimeoutMs = connectTimeoutMs + Math.max(1000, intervalMs);
  const probe = (url: string) =>
    postgres(url, {
      max: 1,
      onnotice: () => {},
      fetch_types: false,
      connect_timeout: connectTimeoutMs / 1000,
      connection: { application_name: "dakgraph-replica-check", statement_timeout: checkTimeoutMs },
    });

  const primaryTarget: Target = { name: "primary", role: "primary", main: primaryPools.main, fixed: primaryPools.fixed, statements: 0, fallbacks: 0, lagMs: 0, state: "ok", checkedAt: 0 };
  const taken = new Set(["primary"]);
  const replicas: Replica[] = urls.map((url) => {
    const pools = openServerPools(url, options);
    // drizzle sets its type parsers on the client it is given; the replica's pools parse as the primary's do.
    drizzleOverPostgres(pools.main, pools.fixed);
    return { name: replicaName(url, taken), role: "replica", main: pools.main, fixed: pools.fixed, pools, probe: probe(url), statements: 0, fallbacks: 0, lagMs: Infinity, state: "unknown", checkedAt: 0 };
  });
  const primaryProbe = probe(options.databaseUrl!);
  const history = new LsnHistory(2 * (maxLagMs + intervalMs) + 1000);
  const writers = new RecentWriters(stickyWindowMs(maxLagMs));
  let turn = 0;
  /** The state now: a replica found fit at its last check turns `lagging` once that check is too old to vouch for it. */
  const stateNow = (target: Target, now: number): ReplicaState =>
    target.role === "primary" || target.state !== "ok" ? target.state : lagNowMs(target.lagMs, target.checkedAt, now) > maxLagMs ? "lagging" : "ok";

  const choose = (): Target => {
    const scope = currentRequestScope();
    if (scope === undefined || scope.wrote === true || scope.readPrimary === true) return primaryTarget;
    const kept = scope.readTarget as Target | undefined;
    const now = Date.now();
    if (kept !== undefined) {
      // The request's replica, while usable. Once it is not, the primary: another replica may be behind what the
      // request has read already, and the primary never is.
      if (stateNow(kept, now) !== "ok") scope.readTarget = primaryTarget;
      return scope.readTarget as Target;
    }
    const usable = replicas.filter((replica) => stateNow(replica, now) === "ok");
    const chosen = usable.length === 0 ? primaryTarget : usable[turn++ % usable.length]!;
    scope.readTarget = chosen;
    return chosen;
  };

  const router = (pick: (target: Target) => postgres.Sql): postgres.Sql => {
    const unsafe = (text: string, params?: unknown[], queryOptions?: postgres.UnsafeQueryOptions) =>
      new RoutedQuery(async (values) => {
        const target = choose();
        const send = (on: Target) => {
          on.statements += 1;
          const query = pick(on).unsafe(text, params as postgres.ParameterOrJSON<never>[], queryOptions);
          return values ? query.values() : query;
        };
        if (target === primaryTarget) return send(target);
        try {
          return await send(target);
        } catch (error) {
          if (!fallsBack(error)) throw error;
          target.fallbacks += 1;
          if (isDatabaseUnavailable(error)) target.state = "down";
          return send(primaryTarget);
        }
      });
    const begin = (...args: unknown[]) => {
      const scope = currentRequestScope();
      if (scope !== undefined) scope.wrote = true;
      return (primaryTarget.main.begin as (...a: unknown[]) => Promise<unknown>)(...args);
    };
    return new Proxy(pick(primaryTarget), {
      get(target, property, receiver) {
        if (property === "unsafe") return unsafe;
        if (property === "begin") return begin;
        return Reflect.get(target, property, receiver);
      },
    });
  };
  const routedDb: Db = drizzleOverPostgres(
    router((target) => target.main),
    router((target) => target.fixed),
  );

  const checkReplica = async (replica: Replica): Promise<void> => {
    let reading: ReplicaReading | null = null;
    try {
      const [row] = await within(
        checkTimeoutMs,
        replica.probe.unsafe<{ recovering: boolean; replayed: string | null; replayed_commit_at: number | null }[]>(
          `/* replicaLag */ select pg_is_in_recovery() as recovering, pg_last_wal_replay_lsn()::text as replayed,
             (extract(epoch from pg_last_xact_replay_timestamp()) * 1000)::float8 as replayed_commit_at`,
        ),
      );
      reading = {
        at: Date.now(),
        inRecovery: row!.recovering,
        replayLsn: row!.replayed === null ? null : parseLsn(row!.replayed),
        replayedCommitAt: row!.replayed_commit_at,
      };
    } catch {
      reading = null;
    }
    replica.lagMs = reading === null ? Infinity : replicaLagMs(reading, history);
    replica.state = replicaState(reading, replica.lagMs, maxLagMs);
    replica.checkedAt = reading?.at ?? Date.now();
  };

  const samplePrimary = async (): Promise<void> => {
    try {
      const [row] = await within(
        checkTimeoutMs,
        primaryProbe.unsafe<{ lsn: string; clock: number }[]>(
          `/* primaryWalPosition */ select pg_current_wal_lsn()::text as lsn, (extract(epoch from clock_timestamp()) * 1000)::float8 as clock`,
        ),
      );
      history.add({ at: Date.now(), lsn: parseLsn(row!.lsn), primaryClock: row!.clock });
    } catch {
      // No new sample: replicas are measured against the last one, so their lag grows until the primary answers again.
    }
  };

  // Each server on a loop of its own: a replica whose check hangs (a host gone silent: up to the connect timeout)
  // delays only its own next check, not the others', whose lag would otherwise age past the limit meanwhile.
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const every = (work: () => Promise<void>) => {
    const next = () => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void work().finally(next);
      }, intervalMs);
      timer.unref();
      timers.add(timer);
    };
    next();
  };
  const firstCheck = samplePrimary().then(() => Promise.all(replicas.map(checkReplica))).then(() => {});
  void firstCheck.finally(() => {
    every(samplePrimary);
    for (const replica of replicas) every(() => checkReplica(replica));
  });

  const routing: ReadRouting = {
    database: undefined as unknown as Database,
    primary,
    beginRequest(scope, caller) {
      if (writers.pinned(caller, Date.now())) scope.readPrimary = true;
    },
    endRequest(scope, caller) {
      if (scope.wrote === true) writers.wrote(caller, Date.now());
    },
    targets: () => {
      const now = Date.now();
      return [primaryTarget, ...replicas].map((target) => ({
        name: target.name,
        role: target.role,
        statements: target.statements,
        fallbacks: target.fallbacks,
        lagMs: target.role === "primary" ? 0 : lagNowMs(target.lagMs, target.checkedAt, now),
        state: stateNow(target, now),
      }));
    },
    checked: () => firstCheck,
    staleForMs: maxLagMs + intervalMs,
  };
  // The metrics' pool figures add the replicas' pools to the primary's (the lag checks' connections aside).
  const poolStats = (): PoolStats =>
    replicas.map((replica) => serverPoolStats(replica.pools)).reduce(
      (sum, stats) => ({
        inUse: sum.inUse + stats.inUse,
        idle: sum.idle + stats.idle,
        connecting: sum.connecting + stats.connecting,
        waiting: sum.waiting + stats.waiting,
        max: sum.max + stats.max,
      }),
      primary.poolStats(),
    );
  const close = async () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all([
      ...replicas.map((replica) => Promise.all([closeServerPools(replica.pools), replica.probe.end({ timeout: 5 })])),
      primaryProbe.end({ timeout: 5 }),
    ]);
    await primary.close();
  };
  const routed: Database = {
    engine: "postgres",
    db: routedDb,
    copyCsv: (table, columns, csv) => primary.copyCsv(table, columns, csv),
    transaction(work) {
      const scope = currentRequestScope();
      if (scope !== undefined) scope.wrote = true;
      return primary.transaction(work);
    },
    connectionAttempts: () => primary.connectionAttempts(),
    // LISTEN on the primary: a standby refuses it, and NOTIFY is sent where the writes commit.
    listen: (channel, onMessage, onListening) => primary.listen(channel, onMessage, onListening),
    poolStats,
    routing,
    close,
  };
  (routing as { database: Database }).database = routed;
  return { ...primary, poolStats, routing, close };
}
