import type { IncomingMessage, ServerResponse } from "node:http";
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { DestinationStream } from "pino";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { ErrorCode } from "../lib/errors.js";
import type { OperationFacts, RequestScope } from "../lib/request-scope.js";
import type { Viewer } from "../modules/access/access.viewer.js";
import { createPino, type Log, logger, wrapPino } from "./logger.js";
import { Metrics, OTHER_OPERATION } from "./metrics.js";
import { loadOperationRegistry } from "./operation-registry.js";
import { RESPONSE_CACHE_HEADER } from "./response-cache.js";

/** A server's logs, metrics and traces: each request is written to all three once, when its response is done. */
export interface Telemetry {
  /** The request lines and request errors, at the server's LOG_LEVEL. */
  readonly log: Log;
  /** null unless /metrics is served (DAKGRAPH_METRICS_TOKEN or DAKGRAPH_METRICS_PORT): nothing is counted then. */
  readonly metrics: Metrics | null;
  /** null unless traces are exported (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly tracer: Tracer | null;
  /** The registered operations' names: the only operation label values besides "other", "batch" and "none". */
  readonly operationNames: ReadonlySet<string>;
}

export interface TelemetryOptions {
  readonly tracer?: Tracer | null;
  /** Where the server's log lines go (tests); the process logger's destination when absent. */
  readonly logDestination?: DestinationStream;
}

export function createTelemetry(config: Config, database: Database, options: TelemetryOptions = {}): Telemetry {
  const base =
    options.logDestination === undefined ? logger.pino.child({}, { level: config.logLevel }) : createPino({ level: config.logLevel, destination: options.logDestination });
  return {
    log: wrapPino(base),
    metrics: config.metricsToken !== null || config.metricsPort !== null ? new Metrics(() => database.poolStats(), () => database.routing?.targets() ?? []) : null,
    tracer: options.tracer ?? null,
    operationNames: new Set([...loadOperationRegistry().values()].map((operation) => operation.name)),
  };
}

/** What the HTTP layer learns of a request while answering it. */
export interface RequestRecord {
  readonly requestId: string;
  readonly route: string;
  readonly startedAt: number;
  /** GraphQL requests only: statements, operations and span. */
  scope?: RequestScope;
  viewer?: Viewer;
  /** extensions.code of an error answered by the HTTP layer itself (401, 413, 429, 503…). */
  httpErrorCode?: string;
  client?: string;
}

/** The route label: the paths a server answers, everything else "other" (cardinality stays bounded). */
export function routeOf(pathname: string): string {
  if (pathname === "/graphql" || pathname === "/") return "graphql";
  if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics" || pathname === "/export") return pathname.slice(1);
  if (pathname.startsWith("/explorer/")) return "explorer";
  if (pathname === "/dashboard" || pathname.startsWith("/dashboard/")) return "dashboard";
  return "other";
}

const traceContext = new W3CTraceContextPropagator();

/**
 * The span of a GraphQL request, renamed after its operation once Apollo resolves it (src/server/plugins/observe.ts).
 * A caller's `traceparent` header (W3C Trace Context) makes it a child of the caller's span, in the caller's trace.
 */
export function startRequestSpan(telemetry: Telemetry, req: IncomingMessage, path: string) {
  if (telemetry.tracer === null) return undefined;
  const parent = req.headers.traceparent === undefined ? ROOT_CONTEXT : traceContext.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
  return telemetry.tracer.startSpan(
    `${req.method ?? "GET"} ${path}`,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method ?? "GET", "url.path": path } },
    parent,
  );
}

const SERVER_ERROR_CODES = new Set<string>([ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.REQUEST_TIMEOUT]);

function outcomeOf(status: number, codes: readonly string[]): "ok" | "client_error" | "server_error" {
  if (status >= 500 || codes.some((code) => SERVER_ERROR_CODES.has(code))) return "server_error";
  return status >= 400 || codes.length > 0 ? "client_error" : "ok";
}

function operationLabel(telemetry: Telemetry, operations: readonly OperationFacts[]): string {
  if (operations.length === 0) return "none";
  if (operations.length > 1) return "batch";
  const name = operations[0]!.name;
  return name !== null && telemetry.operationNames.has(name) ? name : OTHER_OPERATION;
}

function viewerFields(viewer: Viewer): Record<string, unknown> {
  return { kind: viewer.kind, ...(viewer.id === null ? {} : { keyId: viewer.id }), ...(viewer.organisation === null ? {} : { organisation: viewer.organisation }) };
}

/**
 * The request's line, metrics and span end, once its response is sent (or its connection is gone: `aborted`).
 * Failed requests (status 400 and up) carry their headers, Authorization and cookies redacted (src/server/logger.ts).
 */
export function requestFinished(telemetry: Telemetry, record: RequestRecord, req: IncomingMessage, res: ServerResponse): void {
  const seconds = (performance.now() - record.startedAt) / 1000;
  const status = res.statusCode;
  const operations = record.scope?.operations ?? [];
  const codes = [...(record.httpErrorCode === undefined ? [] : [record.httpErrorCode]), ...operations.flatMap((operation) => operation.errorCodes)];
  const cache = res.getHeader(RESPONSE_CACHE_HEADER);
  const span = record.scope?.span;
  const metrics = telemetry.metrics;
  if (metrics !== null) {
    metrics.observeResponse(record.route, status, codes);
    if (record.scope !== undefined) {
      const operation = operationLabel(telemetry, operations);
      metrics.observeRequest({ operation, outcome: outcomeOf(status, codes), seconds, statements: record.scope.statements });
      if (typeof cache === "string") metrics.observeCache(cache);
      for (const { ingest } of operations) if (ingest !== undefined) metrics.observeIngest(ingest.mutation, ingest.counts);
    }
  }
  if (span !== undefined) {
    span.setAttribute("http.response.status_code", status);
    if (status >= 500 || codes.length > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(", ") || `HTTP ${status}` });
    span.end();
  }
  const level = status >= 500 ? "warn" : "info";
  if (!telemetry.log.enabled(level)) return;
  const single = operations.length === 1 ? operations[0]! : undefined;
  telemetry.log[level]("request", {
    requestId: record.requestId,
    method: req.method,
    path: req.url?.split("?")[0],
    status,
    durationMs: Math.round(seconds * 10_000) / 10,
    ...(single === undefined ? {} : { operationName: single.name, queryHash: single.queryHash }),
    ...(operations.length > 1 ? { operations: operations.map(({ name, queryHash }) => ({ name, queryHash })) } : {}),
    ...(record.viewer === undefined ? {} : { viewer: viewerFields(record.viewer) }),
    ...(record.scope === undefined ? {} : { statements: record.scope.statements }),
    ...(typeof cache === "string" ? { cache } : {}),
    ...(codes.length === 0 ? {} : { errors: codes }),
    ...(span === undefined ? {} : { traceId: span.spanContext().traceId }),
    ...(record.client === undefined ? {} : { client: record.client }),
    ...(res.writableFinished ? {} : { aborted: true }),
    ...(status >= 400 ? { headers: req.headers } : {}),
  });
}
