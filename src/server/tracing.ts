import fs from "node:fs";
import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Traces sent to an OTLP/HTTP collector: a span per request (src/server/http.ts), a child per SQL statement (src/db/traced.ts). */
export interface Tracing {
  readonly tracer: Tracer;
  /** Sends the spans ended so far (tests; shutdown). */
  flush(): Promise<void>;
  /** Sends what is left and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * A tracer exporting OTLP over HTTP (JSON) to `endpoint`/v1/traces, OTEL_EXPORTER_OTLP_ENDPOINT's meaning in the
 * OpenTelemetry specification. Spans leave in batches from a buffer (BatchSpanProcessor: every 5 s or 512 spans), never
 * on a request's path. The service is "dakgraph" unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise;
 * OTEL_EXPORTER_OTLP_HEADERS (a collector's credentials) is read by the exporter itself. No provider, context manager or
 * propagator is registered globally: the request's span reaches its statements through the request scope.
 */
export function startTracing(endpoint: string): Tracing {
  const { version } = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` });
  const resource = resourceFromAttributes({ "service.name": "dakgraph", "service.version": version }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  return {
    tracer: provider.getTracer("dakgraph", version),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
