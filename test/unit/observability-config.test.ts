import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, processLogLevel } from "../../src/config.js";
import { withRequestScope } from "../../src/lib/request-scope.js";
import { createPino, wrapPino } from "../../src/server/logger.js";
import { routeOf } from "../../src/server/telemetry.js";

describe("LOG_LEVEL, DAKGRAPH_METRICS_TOKEN, DAKGRAPH_METRICS_PORT, OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("default to info, no /metrics and no traces", () => {
    const config = loadConfig({});
    expect(config.logLevel).toBe("info");
    expect(config.metricsToken).toBeNull();
    expect(config.metricsPort).toBeNull();
    expect(config.otlpEndpoint).toBeNull();
  });

  it("take valid values and refuse others with the variable's name", () => {
    const config = loadConfig({ LOG_LEVEL: "DEBUG", DAKGRAPH_METRICS_TOKEN: " s3cret ", DAKGRAPH_METRICS_PORT: "4290", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" });
    expect(config).toMatchObject({ logLevel: "debug", metricsToken: "s3cret", metricsPort: 4290, otlpEndpoint: "http://collector:4318" });
    expect(() => loadConfig({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL="verbose"; expected silent, fatal, error, warn, info, debug, trace/);
    expect(() => loadConfig({ DAKGRAPH_METRICS_PORT: "70000" })).toThrow(ConfigError);
    expect(() => loadConfig({ DAKGRAPH_METRICS_PORT: "nine" })).toThrow(/DAKGRAPH_METRICS_PORT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it("the process logger, made before the configuration is read, takes a bad LOG_LEVEL as info", () => {
    expect(processLogLevel({ LOG_LEVEL: "warn" })).toBe("warn");
    expect(processLogLevel({ LOG_LEVEL: "verbose" })).toBe("info");
    expect(processLogLevel({})).toBe("info");
  });
});

describe("the logger", () => {
  function capture(level: "info" | "warn" = "info") {
    const lines: string[] = [];
    const log = wrapPino(createPino({ level, destination: { write: (chunk: string) => void lines.push(chunk) } }));
    return { log, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  }

  it("writes a JSON line with the level's name, the message, the fields and the request id of the request being served", () => {
    const { log, lines } = capture();
    withRequestScope({ requestId: "r-1", statements: 0 }, () => log.info("hello", { n: 1 }));
    log.warn("outside");
    expect(lines()[0]).toMatchObject({ level: "info", msg: "hello", n: 1, requestId: "r-1" });
    expect(lines()[1]).toMatchObject({ level: "warn", msg: "outside" });
    expect(lines()[1]).not.toHaveProperty("requestId");
  });

  it("writes an error's message and stack, and nothing below its level", () => {
    const { log, lines } = capture("warn");
    log.info("dropped");
    log.error("failed", new Error("boom"), { path: "/x" });
    log.error("refused", undefined);
    expect(lines()).toHaveLength(2);
    expect(lines()[0]).toMatchObject({ level: "error", msg: "failed", path: "/x", err: { message: "boom" } });
    expect(String((lines()[0]!.err as { stack: string }).stack)).toContain("boom");
    expect(lines()[1]).not.toHaveProperty("err");
  });

  it("redacts the Authorization header and cookies of logged headers", () => {
    const { log, lines } = capture();
    log.info("request", { headers: { authorization: "Bearer dak_abcdefgh_secret", cookie: "s=1", accept: "*/*" } });
    expect(lines()[0]!.headers).toEqual({ authorization: "[redacted]", cookie: "[redacted]", accept: "*/*" });
  });
});

it("names a bounded set of routes", () => {
  expect(["/graphql", "/", "/healthz", "/readyz", "/metrics", "/explorer/static/x.js", "/wp-admin", "/graphql/x"].map(routeOf)).toEqual([
    "graphql",
    "graphql",
    "healthz",
    "readyz",
    "metrics",
    "explorer",
    "other",
    "other",
  ]);
});
