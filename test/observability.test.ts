import http from "node:http";
import type { AddressInfo } from "node:net";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { Database } from "../src/db/client.js";
import { PickupDashboardDocument, RecordShipmentsDocument, type ShipmentInput } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen, type RunningServer } from "../src/server/http.js";
import { createTelemetry } from "../src/server/telemetry.js";
import { startTracing, type Tracing } from "../src/server/tracing.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { setUpDelhiPickup } from "./support/delhi-pickup.js";
import { createTestGraph } from "./support/graph.js";

/*
 * Logs, metrics and traces of real HTTP requests: every request, the ones refused before GraphQL included, is one
 * log line and counted once; the pickup dashboard's trace is a request span with a span per SQL statement.
 */

const DASHBOARD = print(PickupDashboardDocument);

function booking(serial: number): ShipmentInput {
  const digits = String(serial).padStart(8, "0");
  return {
    trackingNumber: `EE${digits}${s10CheckDigit(digits)}IN`,
    bookedAt: new Date(Date.parse("2025-06-02T04:30:00Z") + serial * 60_000).toISOString(),
    productCode: "EXPRESS_PARCEL",
    paymentMode: "PREPAID",
    weightGrams: 500,
    pickupLocationCode: "DEL-GPO",
    destinationPincode: "110001",
  } as ShipmentInput;
}

interface Started {
  readonly server: RunningServer;
  /** Log lines written so far, parsed. */
  lines(): Record<string, any>[];
  /** The log as written. */
  text(): string;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

async function start(database: Database, env: Record<string, string>, tracing?: Tracing): Promise<Started> {
  const written: string[] = [];
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env });
  const telemetry = createTelemetry(config, database, { logDestination: { write: (chunk: string) => void written.push(chunk) }, tracer: tracing?.tracer ?? null });
  const apollo = createApolloServer(await createSchema(), config, { telemetry });
  await apollo.start();
  const server = await listen({ config, database, apollo, telemetry });
  return {
    server,
    text: () => written.join(""),
    lines: () => written.join("").split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, any>),
    async post(body, headers = {}) {
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text, headers: response.headers };
    },
    async close() {
      await server.close();
      await apollo.stop();
    },
  };
}

/** The request lines (msg "request"), in the order written. */
function requestLines(started: Started): Record<string, any>[] {
  return started.lines().filter((line) => line.msg === "request");
}

/** Waits until the response's close event has written the request's line (it follows the last byte sent). */
async function settled(started: Started, count: number): Promise<Record<string, any>[]> {
  for (let i = 0; i < 100 && requestLines(started).length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return requestLines(started);
}

async function scrape(url: string, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text() };
}

/** A metric's sample value: `name{labels} value`, labels given as they are printed (prom-client sorts none: order as declared). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("logs and metrics of each request (PGlite)", () => {
  let db: TestDatabase;
  let started: Started;
  let secret: string;
  let keyId: string;
  const TOKEN = "metrics-token-for-tests";

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    const graph = await createTestGraph(db.database);
    await setUpDelhiPickup(db.database, graph, 500);
    await graph.stop();
    const created = await createApiKey(db.database.db, { name: "observability test", organisation: "AMAZON", roles: ["ADMIN"], circle: null });
    secret = created.key;
    keyId = String(created.summary.id);
    started = await start(db.database, { DAKGRAPH_RESPONSE_CACHE: "true", DAKGRAPH_METRICS_TOKEN: TOKEN, DAKGRAPH_METRICS_PORT: "0", DAKGRAPH_RATE_LIMIT_BURST: "12", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1" });
  });
  afterAll(async () => {
    await started?.close();
    await db?.drop();
  });

  it("writes one JSON line per request with its id, operation, hash, viewer, status, duration, statements, cache state and error codes", async () => {
    const auth = { authorization: `Bearer ${secret}` };
    const recorded = await started.post({ query: print(RecordShipmentsDocument), variables: { input: { shipments: [booking(1), booking(2)] } } }, auth);
    expect(recorded.body.errors).toBeUndefined();
    const dashboard = await started.post({ query: DASHBOARD, operationName: "PickupDashboard", variables: { latest: 5 } }, { ...auth, "x-request-id": "dash-1" });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.data.pickupLocations[0].shipments.totalCount).toBe(2);
    const unknown = await started.post({ query: "query Mine { pickupLocations { code } }" }, auth);
    expect(unknown.status).toBe(200);
    const invalid = await started.post({ query: "{ noSuchField }" }, auth);
    expect(invalid.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const lines = await settled(started, 4);
    expect(lines).toHaveLength(4);
    const line = lines.find((l) => l.requestId === "dash-1")!;
    expect(line).toMatchObject({
      level: "info",
      method: "POST",
      path: "/graphql",
      status: 200,
      operationName: "PickupDashboard",
      viewer: { kind: "apiKey", keyId, organisation: "AMAZON" },
      cache: "miss",
    });
    expect(line.queryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(line.statements).toBe(Number(dashboard.headers.get("x-sql-statements")));
    expect(line.statements).toBeGreaterThan(0);
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.errors).toBeUndefined();
    expect(line.headers).toBeUndefined();
    expect(lines[3]).toMatchObject({ status: 200, errors: ["GRAPHQL_VALIDATION_FAILED"] });
  });

  it("logs the requests answered before GraphQL (404, 401, 413) and never writes a key's secret", async () => {
    const before = requestLines(started).length;
    const notFound = await fetch(new URL("/nowhere", started.server.url));
    expect(notFound.status).toBe(404);
    const wrongSecret = `${secret.slice(0, -6)}AAAAAA`;
    const refused = await started.post({ query: "{ __typename }" }, { authorization: `Bearer ${wrongSecret}` });
    expect(refused.status).toBe(401);
    const tooLarge = await started.post({ query: `{ __typename } #${"x".repeat(1_100_000)}` }, { authorization: `Bearer ${secret}` });
    expect(tooLarge.status).toBe(413);
    const lines = (await settled(started, before + 3)).slice(before);
    expect(lines.map((l) => [l.path, l.status])).toEqual([
      ["/nowhere", 404],
      ["/graphql", 401],
      ["/graphql", 413],
    ]);
    expect(lines[1]!.errors).toEqual(["UNAUTHENTICATED"]);
    expect(lines[2]!.errors).toEqual(["PAYLOAD_TOO_LARGE"]);
    // Failed requests carry their headers for whoever investigates, the credentials redacted.
    expect(lines[1]!.headers.authorization).toBe("[redacted]");
    expect(lines[2]!.headers.authorization).toBe("[redacted]");
    const log = started.text();
    expect(log).not.toContain(secret.split("_").at(-1)!);
    expect(log).not.toContain(wrongSecret.split("_").at(-1)!);
  });

  it("serves /metrics on the main port with the token only, and on the metrics port without one", async () => {
    const metricsUrl = new URL("/metrics", started.server.url).toString();
    expect((await scrape(metricsUrl)).status).toBe(401);
    expect((await scrape(metricsUrl, "wrong")).status).toBe(401);
    const main = await scrape(metricsUrl, TOKEN);
    expect(main.status).toBe(200);
    expect(started.server.metricsUrl).not.toBeNull();
    const separate = await scrape(started.server.metricsUrl!);
    expect(separate.status).toBe(200);
    expect((await fetch(started.server.metricsUrl!.replace("/metrics", "/graphql"))).status).toBe(404);
    const text = separate.text;
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(sample(text, 'dakgraph_request_duration_seconds_count{operation="PickupDashboard",outcome="ok"}')).toBe(1);
    // An operation name outside src/operations is counted as "other": callers cannot mint label values.
    expect(sample(text, 'dakgraph_request_duration_seconds_count{operation="other",outcome="ok"}')).toBe(1);
    expect(text).not.toContain('operation="Mine"');
    expect(sample(text, 'dakgraph_request_duration_seconds_count{operation="none",outcome="client_error"}')).toBe(2);
    expect(sample(text, 'dakgraph_sql_statements_per_request_count{operation="PickupDashboard"}')).toBe(1);
    expect(sample(text, 'dakgraph_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(sample(text, 'dakgraph_errors_total{code="UNAUTHENTICATED"}')).toBe(3);
    expect(sample(text, 'dakgraph_errors_total{code="PAYLOAD_TOO_LARGE"}')).toBe(1);
    expect(sample(text, 'dakgraph_http_responses_total{route="other",status="404"}')).toBe(1);
    expect(sample(text, 'dakgraph_ingest_rows_total{mutation="recordShipments",outcome="created"}')).toBe(2);
    // The mutation and the invalid document bypass the cache; the two queries were not cached yet.
    expect(sample(text, 'dakgraph_response_cache_requests_total{state="bypass"}')).toBe(2);
    expect(sample(text, 'dakgraph_response_cache_requests_total{state="miss"}')).toBe(2);
    expect(sample(text, "dakgraph_response_cache_bytes")).toBeGreaterThan(0);
    expect(sample(text, 'dakgraph_db_pool_connections{state="in_use"}')).toBe(0);
    expect(sample(text, "dakgraph_db_pool_max_connections")).toBe(1);
    expect(sample(text, "dakgraph_db_pool_waiting")).toBe(0);
  });

  it("counts a refused batch's items as rejected and the rate limit's refusals", async () => {
    const auth = { authorization: `Bearer ${secret}` };
    const refused = await started.post({ query: print(RecordShipmentsDocument), variables: { input: { shipments: [booking(3), { ...booking(4), weightGrams: -1 }] } } }, auth);
    expect(refused.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const before = requestLines(started).length;
    const unresolved = await started.post({ query: DASHBOARD, operationName: "Nope" }, auth);
    expect(unresolved.status).toBe(400);
    const [line] = (await settled(started, before + 1)).slice(before);
    expect(line).toMatchObject({ status: 400, operationName: "Nope", errors: ["OPERATION_RESOLUTION_FAILURE"] });
    let limited = 0;
    for (let i = 0; i < 20 && limited === 0; i++) if ((await started.post({ query: "{ __typename }" }, auth)).status === 429) limited += 1;
    expect(limited).toBe(1);
    const { text } = await scrape(started.server.metricsUrl!);
    expect(sample(text, 'dakgraph_ingest_rows_total{mutation="recordShipments",outcome="rejected"}')).toBe(2);
    expect(sample(text, "dakgraph_rate_limited_total")).toBe(1);
    // The unknown operationName, and the first test's document that did not validate.
    expect(sample(text, 'dakgraph_request_duration_seconds_count{operation="other",outcome="client_error"}')).toBe(2);
    expect(sample(text, 'dakgraph_errors_total{code="RATE_LIMITED"}')).toBe(1);
  });
});

it("answers 404 on /metrics when no token is set, and opens no metrics port", async () => {
  const db = await createTestDatabase("pglite");
  const started = await start(db.database, {});
  try {
    expect((await fetch(new URL("/metrics", started.server.url))).status).toBe(404);
    expect(started.server.metricsUrl).toBeNull();
  } finally {
    await started.close();
    await db.drop();
  }
});

/** A statement span's text, for failure messages. */
function texts0(span: OtlpSpan): string {
  return span.attributes.find((a) => a.key === "db.query.text")?.value.stringValue?.slice(0, 200) ?? "";
}

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: readonly { key: string; value: { stringValue?: string } }[];
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps the spans of every JSON export it is sent. */
async function otlpReceiver(): Promise<{ endpoint: string; spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      expect(req.url).toBe("/v1/traces");
      expect(req.headers["content-type"]).toContain("application/json");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.each(engines)("the pickup dashboard's trace on %s", (engine) => {
  it("is a span named PickupDashboard with a child span per SQL statement, its trace id in the request's log line", async () => {
    const receiver = await otlpReceiver();
    const tracing = startTracing(receiver.endpoint);
    const db = await createTestDatabase(engine, { tracer: tracing.tracer });
    const graph = await createTestGraph(db.database);
    await setUpDelhiPickup(db.database, graph, 500);
    await graph.execute(RecordShipmentsDocument, { input: { shipments: [booking(11), booking(12)] } });
    await graph.stop();
    const { key } = await createApiKey(db.database.db, { name: "trace test", organisation: "INDIA_POST", roles: ["ADMIN"], circle: null });
    const started = await start(db.database, {}, tracing);
    try {
      // Statements outside a request (the set-up above) make no spans.
      await tracing.flush();
      expect(receiver.spans).toEqual([]);
      const answer = await started.post({ query: DASHBOARD, variables: { latest: 5 } }, { "x-request-id": "traced", authorization: `Bearer ${key}` });
      expect(answer.body.data.pickupLocations[0].shipments.totalCount).toBe(2);
      const [line] = await settled(started, 1);
      await tracing.flush();
      const roots = receiver.spans.filter((span) => span.parentSpanId === undefined || span.parentSpanId === "");
      expect(roots.map((span) => span.name)).toEqual(["PickupDashboard"]);
      const root = roots[0]!;
      const children = receiver.spans.filter((span) => span !== root);
      expect(children.length).toBe(Number(answer.headers.get("x-sql-statements")));
      expect(children.length).toBeGreaterThan(0);
      for (const child of children) {
        expect(child.traceId).toBe(root.traceId);
        expect(child.parentSpanId).toBe(root.spanId);
        // The API key's lookup (and its last-used mark) are the request's statements too.
        expect(child.name, texts0(child)).toMatch(/^(SELECT|WITH|UPDATE)$/);
        expect(child.attributes.find((a) => a.key === "db.system.name")?.value.stringValue).toBe(engine === "pglite" ? "pglite" : "postgresql");
      }
      const texts = children.map((child) => child.attributes.find((a) => a.key === "db.query.text")?.value.stringValue ?? "");
      expect(texts.some((text) => /"?shipment"?/.test(text) && /"?pickup_location"?/.test(text))).toBe(true);
      expect(line!.traceId).toBe(root.traceId);
      // A caller's traceparent makes the request's span a child of the caller's, in the caller's trace.
      const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
      const callerSpan = "00f067aa0ba902b7";
      await started.post({ query: DASHBOARD, variables: { latest: 5 } }, { traceparent: `00-${callerTrace}-${callerSpan}-01`, authorization: `Bearer ${key}` });
      await settled(started, 2);
      await tracing.flush();
      const joined = receiver.spans.filter((span) => span.name === "PickupDashboard" && span !== root);
      expect(joined.map((span) => [span.traceId, span.parentSpanId])).toEqual([[callerTrace, callerSpan]]);
      console.log(JSON.stringify(line));
      console.log(
        [root, ...children].map((span) => `${span === root ? "" : "  └ "}${span.name}${span === root ? "" : ` ${span.attributes.find((a) => a.key === "db.query.text")?.value.stringValue?.slice(0, 80)}…`}`).join("\n"),
      );
    } finally {
      await started.close();
      await tracing.shutdown();
      await receiver.close();
      await db.drop();
    }
  });
});
