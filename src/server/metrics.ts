import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PoolStats } from "../db/client.js";
import type { ReadTargetStatus } from "../db/read-replicas.js";

/** Seconds: from a cached hit (~1 ms) to the request deadline's order (20 s by default). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** Statements: one for the single statement, a handful for resolvers batching by level, more for writes. */
const STATEMENT_BUCKETS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

/** The label of a request whose operation is not one of src/operations' registered operations (bounded cardinality). */
export const OTHER_OPERATION = "other";

/** What a finished GraphQL request tells the metrics. */
export interface RequestObservation {
  /** A registered operation's name, OTHER_OPERATION, "batch", or "none" when refused before any operation was read. */
  readonly operation: string;
  readonly outcome: "ok" | "client_error" | "server_error";
  readonly seconds: number;
  readonly statements: number;
}

/**
 * One server's metrics, in a registry of its own (several servers in one process, as in tests, do not share
 * counts): prom-client's process metrics (CPU, memory, event-loop lag, GC) and dakgraph's.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<"operation" | "outcome">;
  private readonly statements: Histogram<"operation">;
  private readonly responses: Counter<"route" | "status">;
  private readonly errors: Counter<"code">;
  private readonly cache: Counter<"state">;
  private readonly rateLimited: Counter;
  private readonly ingest: Counter<"mutation" | "outcome">;
  /** What the response cache holds now, when the server has one (set by createApolloServer). */
  responseCacheSize: (() => { entries: number; bytes: number }) | null = null;

  /** `readTargets`: where requests' statements went and each read replica's lag (src/db/read-replicas.ts); none without replicas. */
  constructor(poolStats: () => PoolStats, readTargets: () => readonly ReadTargetStatus[] = () => []) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: "dakgraph_request_duration_seconds",
      help: "GraphQL requests by operation (registered operations by name, others as 'other') and outcome, in seconds from the request's arrival to its answer.",
      labelNames: ["operation", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.statements = new Histogram({
      name: "dakgraph_sql_statements_per_request",
      help: "SQL statements one GraphQL request issued (0 for a cached answer), by operation.",
      labelNames: ["operation"],
      buckets: STATEMENT_BUCKETS,
      registers,
    });
    this.responses = new Counter({
      name: "dakgraph_http_responses_total",
      help: "HTTP responses by route (graphql, export, healthz, readyz, metrics, explorer, other) and status code, the ones answered before GraphQL included.",
      labelNames: ["route", "status"],
      registers,
    });
    this.errors = new Counter({
      name: "dakgraph_errors_total",
      help: "Errors answered, by extensions.code (GraphQL errors and the HTTP layer's refusals).",
      labelNames: ["code"],
      registers,
    });
    this.cache = new Counter({
      name: "dakgraph_response_cache_requests_total",
      help: "GraphQL requests by response-cache state: hit (answered from memory), miss (executed, then stored), bypass (not cacheable).",
      labelNames: ["state"],
      registers,
    });
    this.rateLimited = new Counter({
      name: "dakgraph_rate_limited_total",
      help: "Requests refused with 429 by the per-caller rate limit (DAKGRAPH_RATE_LIMIT_PER_MINUTE).",
      registers,
    });
    this.ingest = new Counter({
      name: "dakgraph_ingest_rows_total",
      help: "Items sent to recordShipments and recordScanEvents, by outcome: created, updated, unchanged, rejected (a refused batch rejects all its items).",
      labelNames: ["mutation", "outcome"],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: "dakgraph_response_cache_bytes",
      help: "Bytes of JSON the response cache holds now (DAKGRAPH_RESPONSE_CACHE_MB bounds it).",
      registers,
      collect() {
        this.set(metrics.responseCacheSize?.().bytes ?? 0);
      },
    });
    new Gauge({
      name: "dakgraph_db_pool_connections",
      help: "Database connections by state: in_use (running statements or holding a transaction), idle, connecting. PGlite counts as one connection.",
      labelNames: ["state"],
      registers,
      collect() {
        const pool = poolStats();
        this.set({ state: "in_use" }, pool.inUse);
        this.set({ state: "idle" }, pool.idle);
        this.set({ state: "connecting" }, pool.connecting);
      },
    });
    new Gauge({
      name: "dakgraph_db_pool_waiting",
      help: "Statements queued for a database connection because every connection of the pool is busy.",
      registers,
      collect() {
        this.set(poolStats().waiting);
      },
    });
    new Gauge({
      name: "dakgraph_db_pool_max_connections",
      help: "Most connections the database pools may open.",
      registers,
      collect() {
        this.set(poolStats().max);
      },
    });
    // Read replicas (DATABASE_REPLICA_URLS): each series appears only when replicas are configured.
    new Counter({
      name: "dakgraph_db_read_statements_total",
      help: "With read replicas: SQL statements of GraphQL requests outside transactions, by the server that ran them (target: primary, or a replica's host:port). A replica's statement that ran again on the primary counts on both.",
      labelNames: ["target"],
      registers,
      collect() {
        this.reset();
        for (const target of readTargets()) this.inc({ target: target.name }, target.statements);
      },
    });
    new Counter({
      name: "dakgraph_db_replica_fallbacks_total",
      help: "Statements a read replica could not answer (it went away, or cancelled them in a conflict with recovery) that ran again on the primary.",
      labelNames: ["replica"],
      registers,
      collect() {
        this.reset();
        for (const target of readTargets()) if (target.role === "replica") this.inc({ replica: target.name }, target.fallbacks);
      },
    });
    new Gauge({
      name: "dakgraph_db_replica_lag_seconds",
      help: "A read replica's lag now (at its last check plus the time since), in seconds: reads there see every transaction the primary committed this long ago (+Inf: not known, e.g. the replica is down).",
      labelNames: ["replica"],
      registers,
      collect() {
        this.reset();
        for (const target of readTargets()) if (target.role === "replica") this.set({ replica: target.name }, target.lagMs / 1000);
      },
    });
    new Gauge({
      name: "dakgraph_db_replica_usable",
      help: "1 when requests read from the replica, 0 when it is skipped; `state` says why: ok, lagging (beyond DAKGRAPH_MAX_REPLICA_LAG_MS), down, promoted (no longer in recovery), unknown (not yet measured).",
      labelNames: ["replica", "state"],
      registers,
      collect() {
        this.reset();
        for (const target of readTargets()) if (target.role === "replica") this.set({ replica: target.name, state: target.state }, target.state === "ok" ? 1 : 0);
      },
    });
  }

  observeRequest(request: RequestObservation): void {
    this.duration.observe({ operation: request.operation, outcome: request.outcome }, request.seconds);
    this.statements.observe({ operation: request.operation }, request.statements);
  }

  observeResponse(route: string, status: number, errorCodes: readonly string[]): void {
    this.responses.inc({ route, status: String(status) });
    for (const code of errorCodes) this.errors.inc({ code });
    if (status === 429) this.rateLimited.inc();
  }

  observeCache(state: string): void {
    this.cache.inc({ state });
  }

  observeIngest(mutation: string, counts: Readonly<Record<string, number>>): void {
    for (const [outcome, rows] of Object.entries(counts)) if (rows > 0) this.ingest.inc({ mutation, outcome }, rows);
  }
}
