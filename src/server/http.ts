import { randomUUID, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { Config } from "../config.js";
import { type Context, createContext } from "../context.js";
import type { Database } from "../db/client.js";
import { ping } from "../db/client.js";
import { migrationStatus } from "../db/migrate.js";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../db/unavailable.js";
import { ErrorCode, findDakgraphError } from "../lib/errors.js";
import { type RequestScope, withRequestScope } from "../lib/request-scope.js";
import { type Authenticate, createAuthenticator, type Viewer } from "../modules/access/access.viewer.js";
import { MAX_INPUT_DEPTH, tooDeepEntry } from "./input-guard.js";
import { withDocumentId } from "./persisted-request.js";
import { EXPORT_PATH, EXPORT_STATUS_TRAILER, ExportRefused, parseExportVariables, type PreparedExport, prepareExport } from "./export.js";
import { renderExplorer, serveExplorerAsset } from "./explorer.js";
import { isDashboardPath, serveDashboard } from "./dashboard.js";
import { type HealthState, processHealth } from "./health.js";
import type { Metrics } from "./metrics.js";
import { RETRY_RESPONSE } from "./plugins/database-unavailable.js";
import { createRateLimiter, createRedisRateLimiter, type RateLimiter } from "./rate-limit.js";
import { createClientAddress } from "./client-address.js";
import { createSubscriptionServer } from "./subscriptions.js";
import { createTelemetry, type RequestRecord, requestFinished, routeOf, startRequestSpan, type Telemetry } from "./telemetry.js";

export const GRAPHQL_PATH = "/graphql";

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: HttpError, requestId: string): void {
  const body = { errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] };
  sendJson(res, error.status, body, { ...error.headers, "x-request-id": requestId });
}

function payloadTooLarge(size: number, max: number): HttpError {
  return new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is ${size} bytes or more; at most ${max} are accepted (DAKGRAPH_MAX_BODY_BYTES).`, {
    limit: "maxBodyBytes",
    value: size,
    max,
  });
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) throw payloadTooLarge(declared, max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw payloadTooLarge(size, max);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (contentType === undefined || !/^application\/(graphql-response\+)?json/i.test(contentType)) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new HttpError(400, "BAD_REQUEST", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** How many operations a body holds (an array is a batch); GET requests hold one. */
function operationCount(body: unknown): number {
  return Array.isArray(body) ? body.length : 1;
}

/** A GET request's `variables` or `extensions` search parameter as JSON; undefined when absent or not JSON (Apollo refuses those). */
function searchJson(url: URL, name: string): unknown {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Refuses variables or extensions nested deeper than MAX_INPUT_DEPTH before anything that recurses reads them
 * (src/server/input-guard.ts): the response cache key, the audit log, coercion.
 */
function checkInputDepth(req: IncomingMessage, url: URL, body: unknown): void {
  const operations: { prefix: string; operation: unknown }[] =
    req.method === "GET"
      ? [{ prefix: "", operation: { variables: searchJson(url, "variables"), extensions: searchJson(url, "extensions") } }]
      : Array.isArray(body)
        ? body.map((operation, i) => ({ prefix: `[${i}].`, operation }))
        : [{ prefix: "", operation: body }];
  for (const { prefix, operation } of operations) {
    if (typeof operation !== "object" || operation === null) continue;
    for (const part of ["variables", "extensions"] as const) {
      const entry = tooDeepEntry((operation as Record<string, unknown>)[part], `${prefix}${part}`);
      if (entry !== null) {
        throw new HttpError(400, "BAD_REQUEST", `${entry} nests objects or lists more than ${MAX_INPUT_DEPTH} levels deep.`, {
          field: entry,
          limit: "maxInputDepth",
          max: MAX_INPUT_DEPTH,
        });
      }
    }
  }
}

/**
 * CORS for the configured origins only; without DAKGRAPH_CORS_ORIGINS browsers get same-origin access only.
 * A listed origin is echoed with credentials allowed; `*` admits every other origin as `*`, which browsers
 * never combine with credentials (cookies, HTTP auth). Bearer tokens need none: the Authorization header
 * is allowed by name in the preflight.
 */
function corsHeaders(req: IncomingMessage, origins: readonly string[]): Record<string, string> | null {
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  const exposed = { "access-control-expose-headers": "x-request-id, x-sql-statements, x-response-cache, retry-after", vary: "Origin" };
  if (origins.includes(origin)) return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", ...exposed };
  if (origins.includes("*")) return { "access-control-allow-origin": "*", ...exposed };
  return null;
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === "GET" && !url.searchParams.has("query") && (req.headers.accept ?? "").includes("text/html");
}

export interface HttpDependencies {
  readonly config: Config;
  readonly database: Database;
  readonly apollo: ApolloServer<Context>;
  /** Logs, metrics and traces; made from the configuration when absent (no traces then). */
  readonly telemetry?: Telemetry;
  /** The per-caller limit; made from the configuration when absent (rateLimiterFor). */
  readonly rateLimiter?: RateLimiter;
}

/** Shared through Redis when DAKGRAPH_REDIS_URL is set, else this process's own. */
export function rateLimiterFor(config: Config): RateLimiter {
  return config.redisUrl === null
    ? createRateLimiter(config.rateLimitPerMinute, config.rateLimitBurst)
    : createRedisRateLimiter({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst });
}

interface Guards {
  readonly authenticate: Authenticate;
  readonly rateLimiter: RateLimiter;
  readonly clientAddress: (req: IncomingMessage) => string;
}

/** A 503 the client should retry after RETRY_AFTER_SECONDS: nothing of the request was acknowledged. */
function retryLater(code: ErrorCode, reason: string): HttpError {
  const message = `${reason}; nothing was acknowledged. Retry after ${RETRY_AFTER_SECONDS} s.`;
  return new HttpError(503, code, message, { retryAfterSeconds: RETRY_AFTER_SECONDS }, RETRY_RESPONSE.headers);
}

function databaseUnavailable(): HttpError {
  return retryLater(ErrorCode.DATABASE_UNAVAILABLE, "The database cannot be reached right now");
}

/**
 * The answer of a request whose deadline passed. When a connection attempt to the database failed during
 * the request (each fails within the connect timeout, well inside the deadline), it is the database that
 * kept the request waiting.
 */
function deadlinePassed(deps: HttpDependencies, started: number): HttpError {
  const failure = deps.database.connectionAttempts()?.lastFailure;
  if (failure != null && failure.at >= started) return databaseUnavailable();
  return retryLater(ErrorCode.REQUEST_TIMEOUT, `The request did not finish within ${deps.config.requestTimeoutMs} ms (DAKGRAPH_REQUEST_TIMEOUT_MS) and was abandoned`);
}

/**
 * Runs a GraphQL request under the request deadline. Past it the client gets a 503 at once, and the
 * request's scope is marked expired: it starts no further statement (src/lib/request-scope.ts) and writes
 * nothing more to the response.
 */
async function executeWithDeadline(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpDependencies, guards: Guards, record: RequestRecord, telemetry: Telemetry) {
  const span = startRequestSpan(telemetry, req, url.pathname);
  const scope: RequestScope = { requestId: record.requestId, statements: 0, operations: [], ...(span === undefined ? {} : { span }) };
  record.scope = scope;
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deps.config.requestTimeoutMs);
  });
  const work = executeGraphql(req, res, url, deps, guards, record, scope);
  try {
    if ((await Promise.race([work, deadline])) !== "deadline") return;
  } finally {
    clearTimeout(timer);
  }
  scope.expired = true;
  work.catch((error: unknown) => {
    if (!(error instanceof HttpError) && !isDatabaseUnavailable(error) && findDakgraphError(error) === undefined) {
      withRequestScope(scope, () => telemetry.log.error("request failed after its deadline", error, { path: url.pathname }));
    }
  });
  throw deadlinePassed(deps, started);
}

/**
 * Who is asking (API key or JWT), and a rate-limit token for each operation: the same door for /graphql and
 * /export. A refusal is a 401 or 429 answered here.
 */
async function admit(req: IncomingMessage, config: Config, guards: Guards, record: RequestRecord, scope: RequestScope, operations: number): Promise<Viewer> {
  let viewer: Viewer;
  try {
    // The key lookup is the request's work: it runs inside the scope and shows in x-sql-statements.
    viewer = await withRequestScope(scope, () => guards.authenticate(req.headers.authorization, guards.clientAddress(req)));
  } catch (error) {
    const ours = findDakgraphError(error);
    if (ours === undefined) throw error;
    throw new HttpError(401, ours.extensions.code as string, ours.message, {}, { "www-authenticate": 'Bearer realm="dakgraph"' });
  }
  record.viewer = viewer;
  const wait = await guards.rateLimiter.take(viewer.rateKey, Math.max(1, operations));
  if (wait > 0) {
    throw new HttpError(
      429,
      ErrorCode.RATE_LIMITED,
      `Too many requests: at most ${config.rateLimitPerMinute} a minute (bursts of ${config.rateLimitBurst}) per caller (DAKGRAPH_RATE_LIMIT_PER_MINUTE). Retry after ${wait} s.`,
      { limit: "rateLimitPerMinute", max: config.rateLimitPerMinute, retryAfterSeconds: wait },
      { "retry-after": String(wait) },
    );
  }
  return viewer;
}

/**
 * GET /export?operation=<registered operation>&variables=<JSON>: the operation's rows as CSV (src/server/export.ts),
 * admitted as /graphql admits a request (one rate-limit token for the whole export). Refusals are JSON, before any
 * CSV byte; once the CSV has begun, a failed page ends it with an error line and the `x-export-status` trailer.
 */
async function exportCsv(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpDependencies, guards: Guards, record: RequestRecord, telemetry: Telemetry, lifecycle: RequestLifecycle) {
  const span = startRequestSpan(telemetry, req, url.pathname);
  const scope: RequestScope = { requestId: record.requestId, statements: 0, operations: [], ...(span === undefined ? {} : { span }) };
  record.scope = scope;
  res.setHeader("x-request-id", scope.requestId);
  checkInputDepth(req, url, undefined);
  const viewer = await admit(req, deps.config, guards, record, scope, 1);
  deps.database.routing?.beginRequest(scope, viewer.rateKey);
  // Listened for from here: a client gone while the first page runs must not leave the writer waiting for a 'drain'.
  let gone = false;
  res.once("close", () => (gone = true));
  let prepared: PreparedExport;
  try {
    const variables = parseExportVariables(url.searchParams.get("variables"));
    const source = { apollo: deps.apollo, config: deps.config, database: deps.database, viewer, requestId: scope.requestId, scope };
    prepared = await prepareExport(source, url.searchParams.get("operation"), variables);
  } catch (error) {
    if (!(error instanceof ExportRefused)) throw error;
    const codes = error.errors.map((e) => String(e.extensions?.code));
    if (scope.operations!.length === 0) record.httpErrorCode = codes[0];
    res.setHeader("x-sql-statements", String(scope.statements));
    sendJson(res, error.status, { errors: error.errors });
    return;
  }
  if (gone) return;
  res.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${prepared.filename}"`,
    "cache-control": "no-store",
    trailer: EXPORT_STATUS_TRAILER,
  });
  const outcome = await prepared.write({
    async write(text) {
      if (gone || res.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    },
    stopped: () =>
      gone
        ? { code: "CLIENT_GONE", message: "the client closed the connection" }
        : lifecycle.draining
          ? { code: ErrorCode.SHUTTING_DOWN, message: "the server is shutting down; export again from the last row's cursor" }
          : null,
  });
  if (gone) return;
  res.addTrailers({ [EXPORT_STATUS_TRAILER]: outcome.error === null ? `complete; rows=${outcome.rows}` : `error; code=${outcome.error.code}; rows=${outcome.rows}` });
  res.end();
}

async function executeGraphql(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpDependencies, guards: Guards, record: RequestRecord, scope: RequestScope) {
  const { config } = deps;
  res.setHeader("x-request-id", scope.requestId);
  const raw = req.method === "POST" ? await readBody(req, config.maxBodyBytes) : "";
  const parsed = parseBody(raw, req.headers["content-type"]);
  const operations = operationCount(parsed);
  if (operations > config.maxBatch) {
    throw new HttpError(400, ErrorCode.BATCH_TOO_LARGE, `The batch holds ${operations} operations; at most ${config.maxBatch} are accepted (DAKGRAPH_MAX_BATCH).`, {
      limit: "maxBatch",
      value: operations,
      max: config.maxBatch,
    });
  }
  checkInputDepth(req, url, parsed);
  const viewer = await admit(req, config, guards, record, scope, operations);
  const request: HTTPGraphQLRequest = {
    method: req.method ?? "GET",
    headers: headerMap(req),
    search: url.search,
    body: Array.isArray(parsed) ? parsed.map(withDocumentId) : withDocumentId(parsed),
  };
  // Read replicas: a caller that wrote moments ago reads the primary; a request that writes makes its caller do so.
  const routing = deps.database.routing;
  routing?.beginRequest(scope, viewer.rateKey);
  let response: Awaited<ReturnType<typeof deps.apollo.executeHTTPGraphQLRequest>>;
  try {
    response = await withRequestScope(scope, () =>
      deps.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: async () => createContext(config, deps.database, viewer, scope.requestId),
      }),
    );
  } finally {
    routing?.endRequest(scope, viewer.rateKey);
  }
  if (scope.expired === true) return;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.setHeader("x-sql-statements", String(scope.statements));
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** /readyz answers within this, whatever the database does (orchestrators time probes out at 1–2 s). */
const READINESS_TIMEOUT_MS = 1500;

function within<T>(ms: number, work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function readiness(deps: HttpDependencies): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  try {
    const check = (async () => {
      await ping(deps.database.db);
      return migrationStatus(deps.database);
    })();
    const migrations = await within(READINESS_TIMEOUT_MS, check, `no answer from the database within ${READINESS_TIMEOUT_MS} ms`);
    const ready = migrations.applied >= migrations.expected;
    return { ready, body: { status: ready ? "ready" : "migrations pending", engine: deps.database.engine, migrations } };
  } catch (error) {
    return { ready: false, body: { status: "database unreachable", engine: deps.database.engine, error: (error as Error).message } };
  }
}

/**
 * The requests a server is running, and whether it is draining (shutting down): a draining server answers
 * readiness 503 and new requests 503 SHUTTING_DOWN, and lets the running ones finish.
 */
class RequestLifecycle {
  draining = false;
  private readonly running = new Set<ServerResponse>();
  private idleWaiters: (() => void)[] = [];

  get inFlight(): number {
    return this.running.size;
  }

  track(res: ServerResponse): void {
    this.running.add(res);
    // "close" fires once a response is sent or its connection is gone, whichever comes first.
    res.once("close", () => {
      this.running.delete(res);
      if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  startDraining(): void {
    this.draining = true;
    // Answers still to be written tell keep-alive clients not to send more on this connection.
    for (const res of this.running) if (!res.headersSent) res.setHeader("connection", "close");
  }

  idle(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

function refuseWhileDraining(res: ServerResponse, url: URL, requestId: string): void {
  const close = { connection: "close" };
  if (url.pathname === "/readyz") sendJson(res, 503, { status: "draining" }, close);
  else sendError(res, new HttpError(503, ErrorCode.SHUTTING_DOWN, "The server is shutting down; retry the request (another server will answer it).", {}, { ...close, "retry-after": "1" }), requestId);
}

/** Whether the Authorization header is `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function sendMetrics(res: ServerResponse, metrics: Metrics): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { "content-type": metrics.registry.contentType });
  res.end(text);
}

/**
 * GET /metrics on the main port, when DAKGRAPH_METRICS_TOKEN is set: the token as a Bearer token, else 401.
 * Without the token the path is not served here (404), whatever DAKGRAPH_METRICS_PORT says.
 */
async function metricsOnMainPort(req: IncomingMessage, res: ServerResponse, config: Config, metrics: Metrics | null): Promise<boolean> {
  if (config.metricsToken === null || metrics === null) return false;
  if (!bearerMatches(req.headers.authorization, config.metricsToken)) {
    throw new HttpError(401, ErrorCode.UNAUTHENTICATED, "GET /metrics needs `Authorization: Bearer <DAKGRAPH_METRICS_TOKEN>`.", {}, { "www-authenticate": 'Bearer realm="dakgraph metrics"' });
  }
  await sendMetrics(res, metrics);
  return true;
}

/** The authenticator, rate limiter and client address rule: one set per server, shared by HTTP and its WebSockets. */
function createGuards(config: Config, database: Database, rateLimiter: RateLimiter = rateLimiterFor(config)): Guards {
  const clientAddress = createClientAddress(config.trustProxy);
  return {
    authenticate: createAuthenticator(config, database),
    rateLimiter,
    clientAddress: (req) => clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"]),
  };
}

export function createRequestHandler(deps: HttpDependencies, lifecycle = new RequestLifecycle(), guards = createGuards(deps.config, deps.database, deps.rateLimiter)) {
  const telemetry = deps.telemetry ?? createTelemetry(deps.config, deps.database);
  const healthState: HealthState = {};
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    const requestId = requestIdOf(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const record: RequestRecord = { requestId, route: routeOf(url.pathname), startedAt };
    res.once("close", () => requestFinished(telemetry, record, req, res));
    // Liveness is unchanged by a shutdown: a draining process is alive and must not be restarted.
    if (lifecycle.draining && url.pathname !== "/healthz") {
      // With CORS headers, a browser client sees the 503 and its Retry-After rather than a network error.
      for (const [name, value] of Object.entries(corsHeaders(req, deps.config.corsOrigins) ?? {})) res.setHeader(name, value);
      if (url.pathname !== "/readyz") record.httpErrorCode = ErrorCode.SHUTTING_DOWN;
      refuseWhileDraining(res, url, requestId);
      return;
    }
    lifecycle.track(res);
    try {
      const cors = corsHeaders(req, deps.config.corsOrigins);
      for (const [name, value] of Object.entries(cors ?? {})) res.setHeader(name, value);
      if (req.method === "OPTIONS" && url.pathname === GRAPHQL_PATH) {
        res.writeHead(204, {
          ...(cors === null
            ? {}
            : {
                "access-control-allow-methods": "GET, POST, OPTIONS",
                "access-control-allow-headers": "authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id",
                "access-control-max-age": "600",
              }),
        });
        res.end();
      } else if (url.pathname === "/healthz") {
        if (healthState.probeSentAt == null) {
          healthState.probeSentAt = Date.now();
          ping(deps.database.db)
            .catch(() => {})
            .finally(() => (healthState.probeSentAt = null));
        }
        const health = processHealth(healthState, deps.database.connectionAttempts(), Date.now(), {
          connectTimeoutMs: deps.config.dbConnectTimeoutMs,
          statementTimeoutMs: deps.config.statementTimeoutMs,
        });
        sendJson(res, health.healthy ? 200 : 503, health.body);
      } else if (url.pathname === "/readyz") {
        const { ready, body } = await readiness(deps);
        sendJson(res, ready ? 200 : 503, body);
      } else if (url.pathname.startsWith("/explorer/static/")) {
        serveExplorerAsset(req, res);
      } else if (isDashboardPath(url.pathname) && (req.method === "GET" || req.method === "HEAD")) {
        serveDashboard(url.pathname, res, req);
      } else if (url.pathname === GRAPHQL_PATH || url.pathname === "/") {
        if (wantsExplorer(req, url)) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          res.end(renderExplorer(GRAPHQL_PATH));
        } else if (url.pathname === "/") {
          res.writeHead(302, { location: GRAPHQL_PATH }).end();
        } else {
          record.client = guards.clientAddress(req);
          await executeWithDeadline(req, res, url, deps, guards, record, telemetry);
        }
      } else if (url.pathname === EXPORT_PATH && req.method === "GET") {
        record.client = guards.clientAddress(req);
        await exportCsv(req, res, url, deps, guards, record, telemetry, lifecycle);
      } else if (url.pathname === "/metrics" && req.method === "GET" && (await metricsOnMainPort(req, res, deps.config, telemetry.metrics))) {
        // Answered.
      } else {
        sendJson(res, 404, { error: `No route for ${url.pathname}. The graph is at ${GRAPHQL_PATH}.` });
      }
    } catch (caught) {
      const error = isDatabaseUnavailable(caught) ? databaseUnavailable() : caught;
      if (error instanceof HttpError) {
        record.httpErrorCode = error.code;
        if (res.headersSent) res.destroy();
        else sendError(res, error, requestId);
        return;
      }
      withRequestScope({ requestId, statements: 0 }, () => telemetry.log.error("request failed", error, { path: url.pathname, client: guards.clientAddress(req) }));
      record.httpErrorCode = ErrorCode.INTERNAL_SERVER_ERROR;
      if (!res.headersSent) {
        sendError(res, new HttpError(500, "INTERNAL_SERVER_ERROR", "Internal server error."), requestId);
      } else {
        res.destroy();
      }
    }
  };
}

export interface RunningServer {
  readonly url: string;
  /** The separate metrics listener's URL (DAKGRAPH_METRICS_PORT); null when there is none. */
  readonly metricsUrl: string | null;
  /** Requests being answered now. */
  readonly inFlight: number;
  /** WebSockets (subscriptions) open now. */
  readonly sockets: number;
  /** Subscriptions open now, over all sockets. */
  readonly subscriptions: number;
  /**
   * Drains, then closes: readiness and new requests answer 503 at once, running requests get up to
   * `graceMs` to finish (their connections are cut after that), then every connection is closed.
   */
  close(graceMs?: number): Promise<void>;
}

function listening(server: http.Server, port: number, host: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shown === "127.0.0.1" ? "localhost" : shown}:${address.port}`);
    });
  });
}

/**
 * The DAKGRAPH_METRICS_PORT listener: GET /metrics without a token (the port is meant for a private network or a
 * sidecar), 404 for anything else. Its scrapes are counted under route "metrics" like the main port's.
 */
function metricsServer(telemetry: Telemetry, metrics: Metrics): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const record: RequestRecord = { requestId: requestIdOf(req), route: routeOf(url.pathname), startedAt: performance.now() };
    res.once("close", () => requestFinished(telemetry, record, req, res));
    if (url.pathname !== "/metrics" || req.method !== "GET") {
      sendJson(res, 404, { error: `No route for ${url.pathname}: this port serves GET /metrics only.` });
      return;
    }
    sendMetrics(res, metrics).catch((error: unknown) => {
      telemetry.log.error("metrics collection failed", error);
      if (!res.headersSent) sendJson(res, 500, { error: "metrics collection failed" });
    });
  });
}

export async function listen(deps: HttpDependencies): Promise<RunningServer> {
  const lifecycle = new RequestLifecycle();
  const telemetry = deps.telemetry ?? createTelemetry(deps.config, deps.database);
  const rateLimiter = deps.rateLimiter ?? rateLimiterFor(deps.config);
  const guards = createGuards(deps.config, deps.database, rateLimiter);
  const server = http.createServer(createRequestHandler({ ...deps, telemetry, rateLimiter }, lifecycle, guards));
  server.keepAliveTimeout = 65_000;
  const subscriptions = createSubscriptionServer({ ...deps, ...guards });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== GRAPHQL_PATH || lifecycle.draining) {
      const [status, text] = lifecycle.draining ? [503, "Service Unavailable"] : [404, "Not Found"];
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    subscriptions.handleUpgrade(req, socket, head);
  });
  const origin = await listening(server, deps.config.port, deps.config.host);
  const metrics = deps.config.metricsPort === null || telemetry.metrics === null ? null : metricsServer(telemetry, telemetry.metrics);
  let metricsOrigin: string | null = null;
  if (metrics !== null) {
    try {
      metricsOrigin = await listening(metrics, deps.config.metricsPort!, deps.config.host);
    } catch (error) {
      server.close();
      await rateLimiter.close();
      throw error;
    }
  }
  return {
    url: `${origin}${GRAPHQL_PATH}`,
    metricsUrl: metricsOrigin === null ? null : `${metricsOrigin}/metrics`,
    get inFlight() {
      return lifecycle.inFlight;
    },
    get sockets() {
      return subscriptions.sockets;
    },
    get subscriptions() {
      return subscriptions.subscriptions;
    },
    async close(graceMs = 0) {
      lifecycle.startDraining();
      // Subscriptions never finish by themselves: their sockets close at once (1001), and clients reconnect to another server.
      const socketsClosed = subscriptions.close();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([lifecycle.idle(), graceOver]);
      clearTimeout(timer);
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Idle keep-alive connections would otherwise hold close() open until keepAliveTimeout.
      server.closeIdleConnections();
      if (lifecycle.inFlight > 0) server.closeAllConnections();
      if (metrics !== null) {
        metrics.closeAllConnections();
        await new Promise<void>((resolve) => metrics.close(() => resolve()));
      }
      await socketsClosed;
      await closed;
      await rateLimiter.close();
    },
  };
}
