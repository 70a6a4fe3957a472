import net from "node:net";
import path from "node:path";

/**
 * The one reader of process.env. Everything else receives a frozen Config.
 * A bad value stops the process with a message that names the variable, the
 * value and what would have been accepted.
 */
export type Environment = "development" | "production" | "test";

export interface Config {
  /** postgres:// URL of a real server; null selects the embedded PGlite engine. */
  readonly databaseUrl: string | null;
  /** Where PGlite keeps its files when databaseUrl is null. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly environment: Environment;
  /** Largest `first` a connection accepts. */
  readonly maxPageSize: number;
  /** Load the post-office directory from the npm packages when the database has none. */
  readonly loadDirectoryOnStart: boolean;
  /**
   * Generate the SYNTHETIC demo data on start when the database holds no shipment. On by default only on
   * the embedded database: an empty server database is as likely a new production one as a demo.
   */
  readonly seedDemoOnStart: boolean;
  /** How many demo shipments that first start generates. */
  readonly demoShipments: number;
  /** Anonymous callers may read the post-office directory (post offices, PINs, circles, products). */
  readonly publicDirectory: boolean;
  /** HS256 secret for bearer JWTs; null: no shared-secret tokens. */
  readonly jwtSecret: string | null;
  /** JWKS URL for bearer JWTs (used when jwtSecret is null); null: none. */
  readonly jwksUrl: string | null;
  readonly jwtIssuer: string | null;
  readonly jwtAudience: string | null;
  /**
   * The only JWS algorithms a token may be signed with: HMAC ones with jwtSecret, public-key ones with
   * jwksUrl, so that a public key can never be used as an HMAC secret.
   */
  readonly jwtAlgorithms: readonly string[];
  /** Oldest a token without `exp` may be, in seconds since its `iat`; a token with neither is refused. */
  readonly jwtMaxAgeSeconds: number;
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Deepest selection-set nesting an operation may have. */
  readonly maxDepth: number;
  /** Largest estimated cost of an operation (see src/server/plugins/cost-limit.ts). */
  readonly maxCost: number;
  /** Most aliases an operation may use. */
  readonly maxAliases: number;
  /** Most operations in one HTTP batch (a JSON array body). */
  readonly maxBatch: number;
  /** Most subscriptions one WebSocket may hold open at once (src/server/subscriptions.ts). */
  readonly maxSubscriptionsPerSocket: number;
  /** Most subscription events one WebSocket is sent per second, all its subscriptions together; past it the subscription that overflowed ends with an error. */
  readonly maxSubscriptionEventsPerSecond: number;
  /** Requests per minute per API key, token subject or IP address (token bucket). */
  readonly rateLimitPerMinute: number;
  /** Requests a caller may make at once before the per-minute rate applies. */
  readonly rateLimitBurst: number;
  /**
   * Redis (redis:// or rediss:// URL) holding the rate limit shared by every replica; null: each process keeps
   * its own (src/server/rate-limit.ts).
   */
  readonly redisUrl: string | null;
  /** What this deployment's Redis keys start with, so deployments sharing a Redis keep apart. */
  readonly redisKeyPrefix: string;
  /** PostgreSQL statement_timeout for every connection, in ms (PGlite cannot enforce one). */
  readonly statementTimeoutMs: number;
  /** Longest a new PostgreSQL connection may take to open, in ms; a database that is away fails requests this fast. */
  readonly dbConnectTimeoutMs: number;
  /** Longest a GraphQL request may take, in ms: then it answers 503 and starts no further statement. */
  readonly requestTimeoutMs: number;
  /** "allowlist": only the operations in src/operations/*.graphql run for non-ADMIN viewers. */
  readonly operations: "all" | "allowlist";
  /**
   * Browser origins allowed to call the graph cross-origin (CORS); empty: same origin only. `*` admits any
   * origin without credentials (src/server/http.ts corsHeaders).
   */
  readonly corsOrigins: readonly string[];
  /** Which proxies' X-Forwarded-For to believe for the client address (rate limits, logs). */
  readonly trustProxy: TrustProxy;
  /** On SIGTERM/SIGINT, how long in-flight requests may run before their connections are closed, in ms. */
  readonly shutdownGraceMs: number;
  /** Serve repeated read operations from memory (src/server/response-cache.ts). */
  readonly responseCache: boolean;
  /** Most memory the response cache may hold, in bytes of stored JSON. */
  readonly responseCacheBytes: number;
  /** Longest a cached response is served, in seconds, whatever else happens. */
  readonly responseCacheTtlSeconds: number;
  /**
   * Who may introspect the schema (and see "did you mean" suggestions in errors): "all", "authenticated"
   * callers only, or nobody ("off").
   */
  readonly introspection: IntrospectionMode;
  /** LOG_LEVEL: the least severe log lines written (a line per request is `info`). */
  readonly logLevel: LogLevel;
  /** Bearer token for GET /metrics on the main port; null: /metrics on the main port answers 404. */
  readonly metricsToken: string | null;
  /** Port of a separate /metrics listener (no token, on `host`); null: none. */
  readonly metricsPort: number | null;
  /** OTLP/HTTP collector base URL (OTEL_EXPORTER_OTLP_ENDPOINT); null: no traces are recorded. */
  readonly otlpEndpoint: string | null;
  /**
   * On a server database (databaseUrl set), apply pending migrations at start. Off, a server with migrations
   * pending refuses to start and names `dakgraph migrate`. The embedded database always migrates at start.
   */
  readonly migrateOnStart: boolean;
  /**
   * Most PostgreSQL connections one process opens, across its two postgres.js pools (src/db/client.ts
   * openDatabase: half each, rounded up for the main one).
   */
  readonly poolMax: number;
  /**
   * postgres:// URLs of streaming replicas of databaseUrl that GraphQL requests read from (src/db/read-replicas.ts);
   * empty: every read goes to databaseUrl.
   */
  readonly replicaUrls: readonly string[];
  /** A replica further behind its primary than this, in ms, is not read from. */
  readonly maxReplicaLagMs: number;
  /** How often each replica's lag is measured, in ms. */
  readonly replicaCheckIntervalMs: number;
}

/**
 * The proxies in front of the server. `none`: the socket's peer is the client. `hops`: that many proxies,
 * each appending its peer to X-Forwarded-For. `addresses`: the peers (addresses or CIDR blocks) whose
 * X-Forwarded-For is believed, walked from the socket back to the first address not in the list.
 */
export type TrustProxy =
  | { readonly kind: "none" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "addresses"; readonly subnets: readonly { readonly address: string; readonly prefix: number; readonly family: "ipv4" | "ipv6" }[] };

export type IntrospectionMode = "all" | "authenticated" | "off";

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly value: string, expected: string) {
    super(`Invalid configuration: ${variable}=${JSON.stringify(value)}; expected ${expected}.`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, raw, `a whole number from ${min} to ${max}`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, raw, `a whole number from ${min} to ${max}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new ConfigError(name, raw, "true or false");
}

function isPostgresUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === "postgres:" || protocol === "postgresql:";
}

function databaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw.trim() === "") return null;
  if (!isPostgresUrl(raw.trim())) throw new ConfigError("DATABASE_URL", raw, "a postgres://user@host:port/database URL");
  return raw.trim();
}

function replicaUrls(env: Env, primary: string | null): string[] {
  const raw = optionalText(env, "DATABASE_REPLICA_URLS");
  if (raw === null) return [];
  const urls = raw.split(",").map((url) => url.trim()).filter((url) => url !== "");
  if (urls.some((url) => !isPostgresUrl(url))) throw new ConfigError("DATABASE_REPLICA_URLS", raw, "a comma-separated list of postgres://user@host:port/database URLs");
  // Replicas of the embedded database cannot exist: PGlite has no replication.
  if (primary === null && urls.length > 0) throw new ConfigError("DATABASE_REPLICA_URLS", raw, "no value without DATABASE_URL (replicas follow a PostgreSQL server)");
  return urls;
}

function environment(env: Env): Environment {
  const raw = env.NODE_ENV;
  if (raw === undefined || raw.trim() === "") return "production";
  const value = raw.trim();
  if (value === "development" || value === "production" || value === "test") return value;
  throw new ConfigError("NODE_ENV", raw, "development, production or test");
}

function optionalText(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? null : raw;
}

function httpUrl(env: Env, name: string): string | null {
  const raw = optionalText(env, name);
  if (raw === null) return null;
  if (!/^https?:\/\//.test(raw) || !URL.canParse(raw)) throw new ConfigError(name, raw, "an http:// or https:// URL");
  return raw;
}

function redisUrl(env: Env): string | null {
  const raw = optionalText(env, "DAKGRAPH_REDIS_URL");
  if (raw === null) return null;
  if (!/^rediss?:\/\//.test(raw) || !URL.canParse(raw)) throw new ConfigError("DAKGRAPH_REDIS_URL", raw, "a redis:// or rediss:// URL");
  return raw;
}

function operationsMode(env: Env): "all" | "allowlist" {
  const raw = optionalText(env, "DAKGRAPH_OPERATIONS") ?? "all";
  if (raw === "all" || raw === "allowlist") return raw;
  throw new ConfigError("DAKGRAPH_OPERATIONS", raw, "all or allowlist");
}

function origins(env: Env): string[] {
  const raw = optionalText(env, "DAKGRAPH_CORS_ORIGINS");
  if (raw === null) return [];
  const list = raw.split(",").map((origin) => origin.trim()).filter((origin) => origin !== "");
  for (const origin of list) {
    if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError("DAKGRAPH_CORS_ORIGINS", raw, "a comma-separated list of origins like https://dash.example.in (no path), or *");
    }
  }
  return list;
}

function trustProxy(env: Env): TrustProxy {
  const raw = optionalText(env, "DAKGRAPH_TRUST_PROXY");
  const expected = "a number of proxy hops (0 to 10), or a comma-separated list of proxy addresses or CIDR blocks like 10.0.0.0/8, ::1";
  if (raw === null) return { kind: "none" };
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError("DAKGRAPH_TRUST_PROXY", raw, expected);
    return hops === 0 ? { kind: "none" } : { kind: "hops", hops };
  }
  const subnets = raw.split(",").map((entry) => {
    const [address = "", prefix, ...rest] = entry.trim().split("/");
    const version = net.isIP(address);
    const bits = version === 4 ? 32 : 128;
    if (version === 0 || rest.length > 0 || (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > bits))) {
      throw new ConfigError("DAKGRAPH_TRUST_PROXY", raw, expected);
    }
    return { address, prefix: prefix === undefined ? bits : Number(prefix), family: version === 4 ? ("ipv4" as const) : ("ipv6" as const) };
  });
  return { kind: "addresses", subnets };
}

const HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"];
const PUBLIC_KEY_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

function jwtAlgorithms(env: Env, usesSecret: boolean): string[] {
  const raw = optionalText(env, "DAKGRAPH_JWT_ALGORITHMS");
  const allowed = usesSecret ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS;
  if (raw === null) return usesSecret ? ["HS256"] : ["RS256", "ES256"];
  const list = raw.split(",").map((alg) => alg.trim());
  if (list.some((alg) => !allowed.includes(alg))) {
    const source = usesSecret ? "DAKGRAPH_JWT_SECRET" : "DAKGRAPH_JWKS_URL";
    throw new ConfigError("DAKGRAPH_JWT_ALGORITHMS", raw, `a comma-separated list of ${allowed.join(", ")} (the algorithms that fit ${source})`);
  }
  return list;
}

function logLevel(env: Env): LogLevel {
  const raw = optionalText(env, "LOG_LEVEL") ?? "info";
  const level = LOG_LEVELS.find((name) => name === raw.toLowerCase());
  if (level === undefined) throw new ConfigError("LOG_LEVEL", raw, LOG_LEVELS.join(", "));
  return level;
}

/**
 * LOG_LEVEL for the process's logger, which exists before the configuration is read (a bad configuration is itself
 * logged): a bad value means info here, and loadConfig refuses it with its message.
 */
export function processLogLevel(env: Env = process.env): LogLevel {
  try {
    return logLevel(env);
  } catch {
    return "info";
  }
}

function metricsPort(env: Env): number | null {
  return optionalText(env, "DAKGRAPH_METRICS_PORT") === null ? null : integer(env, "DAKGRAPH_METRICS_PORT", 0, 0, 65535);
}

function introspection(env: Env): IntrospectionMode {
  // Production keeps the schema from anonymous callers; development and tests show it to everyone.
  const raw = optionalText(env, "DAKGRAPH_INTROSPECTION") ?? (environment(env) === "production" ? "authenticated" : "all");
  if (raw === "all" || raw === "authenticated" || raw === "off") return raw;
  throw new ConfigError("DAKGRAPH_INTROSPECTION", raw, "all, authenticated or off");
}

export function loadConfig(env: Env = process.env): Config {
  const host = env.HOST?.trim() || "127.0.0.1";
  const database = databaseUrl(env);
  const jwtSecret = optionalText(env, "DAKGRAPH_JWT_SECRET");
  return Object.freeze({
    databaseUrl: database,
    dataDir: path.resolve(env.DAKGRAPH_DATA_DIR?.trim() || "data"),
    host,
    port: integer(env, "PORT", 4000, 0, 65535),
    environment: environment(env),
    maxPageSize: integer(env, "DAKGRAPH_MAX_PAGE_SIZE", 500, 1, 10000),
    loadDirectoryOnStart: boolean(env, "DAKGRAPH_LOAD_DIRECTORY", true),
    seedDemoOnStart: boolean(env, "DAKGRAPH_SEED_DEMO", database === null),
    // Sized so that a first start on an empty PGlite database, directory load included, stays under 30 s.
    demoShipments: integer(env, "DAKGRAPH_DEMO_SHIPMENTS", 60_000, 1, 50_000_000),
    publicDirectory: boolean(env, "DAKGRAPH_PUBLIC_DIRECTORY", true),
    jwtSecret,
    jwksUrl: httpUrl(env, "DAKGRAPH_JWKS_URL"),
    jwtIssuer: optionalText(env, "DAKGRAPH_JWT_ISSUER"),
    jwtAudience: optionalText(env, "DAKGRAPH_JWT_AUDIENCE"),
    jwtAlgorithms: Object.freeze(jwtAlgorithms(env, jwtSecret !== null)),
    jwtMaxAgeSeconds: integer(env, "DAKGRAPH_JWT_MAX_AGE_SECONDS", 3600, 1, 31_536_000),
    maxBodyBytes: integer(env, "DAKGRAPH_MAX_BODY_BYTES", 1_048_576, 1024, 104_857_600),
    maxDepth: integer(env, "DAKGRAPH_MAX_DEPTH", 12, 2, 100),
    maxCost: integer(env, "DAKGRAPH_MAX_COST", 200_000, 10, 100_000_000),
    maxAliases: integer(env, "DAKGRAPH_MAX_ALIASES", 30, 0, 10_000),
    maxBatch: integer(env, "DAKGRAPH_MAX_BATCH", 10, 1, 1000),
    maxSubscriptionsPerSocket: integer(env, "DAKGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET", 20, 1, 1000),
    maxSubscriptionEventsPerSecond: integer(env, "DAKGRAPH_MAX_SUBSCRIPTION_EVENTS_PER_SECOND", 100, 1, 100_000),
    rateLimitPerMinute: integer(env, "DAKGRAPH_RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
    rateLimitBurst: integer(env, "DAKGRAPH_RATE_LIMIT_BURST", 60, 1, 1_000_000),
    redisUrl: redisUrl(env),
    redisKeyPrefix: optionalText(env, "DAKGRAPH_REDIS_KEY_PREFIX") ?? "dakgraph",
    statementTimeoutMs: integer(env, "DAKGRAPH_STATEMENT_TIMEOUT_MS", 15_000, 0, 3_600_000),
    dbConnectTimeoutMs: integer(env, "DAKGRAPH_DB_CONNECT_TIMEOUT_MS", 3000, 100, 120_000),
    // Above the statement timeout, so a statement that runs its full course still answers with its own error.
    requestTimeoutMs: integer(env, "DAKGRAPH_REQUEST_TIMEOUT_MS", 20_000, 100, 3_600_000),
    operations: operationsMode(env),
    corsOrigins: origins(env),
    trustProxy: trustProxy(env),
    shutdownGraceMs: integer(env, "DAKGRAPH_SHUTDOWN_GRACE_MS", 25_000, 0, 3_600_000),
    // Off under test by default: tests write to the database directly between requests.
    responseCache: boolean(env, "DAKGRAPH_RESPONSE_CACHE", environment(env) !== "test"),
    responseCacheBytes: integer(env, "DAKGRAPH_RESPONSE_CACHE_MB", 64, 1, 65_536) * 1_048_576,
    responseCacheTtlSeconds: integer(env, "DAKGRAPH_RESPONSE_CACHE_TTL_SECONDS", 60, 1, 86_400),
    introspection: introspection(env),
    logLevel: logLevel(env),
    metricsToken: optionalText(env, "DAKGRAPH_METRICS_TOKEN"),
    metricsPort: metricsPort(env),
    otlpEndpoint: httpUrl(env, "OTEL_EXPORTER_OTLP_ENDPOINT"),
    migrateOnStart: boolean(env, "DAKGRAPH_MIGRATE_ON_START", false),
    // 20: the two pools of 10 each that a process opened before the setting existed.
    poolMax: integer(env, "DAKGRAPH_POOL_MAX", 20, 2, 1000),
    replicaUrls: Object.freeze(replicaUrls(env, database)),
    maxReplicaLagMs: integer(env, "DAKGRAPH_MAX_REPLICA_LAG_MS", 1000, 0, 3_600_000),
    replicaCheckIntervalMs: integer(env, "DAKGRAPH_REPLICA_CHECK_INTERVAL_MS", 250, 50, 60_000),
  });
}
