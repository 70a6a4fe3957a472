import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "../../src/config.js";

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

describe("DAKGRAPH_MIGRATE_ON_START", () => {
  it("is off unless asked for", () => {
    expect(loadConfig({}).migrateOnStart).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://db.internal/dakgraph", DAKGRAPH_MIGRATE_ON_START: "true" }).migrateOnStart).toBe(true);
  });
  it("refuses what is not a boolean, naming the variable", () => {
    expect(() => loadConfig({ DAKGRAPH_MIGRATE_ON_START: "always" })).toThrow(/DAKGRAPH_MIGRATE_ON_START="always"/);
  });
});

describe("DAKGRAPH_POOL_MAX", () => {
  it("defaults to the 20 connections (two pools of 10) a process opened before the setting", () => {
    expect(loadConfig({}).poolMax).toBe(20);
    expect(loadConfig({ DAKGRAPH_POOL_MAX: "6" }).poolMax).toBe(6);
  });
  it.each(["1", "0", "1001", "ten", "-4"])("refuses %j: one connection per pool at least", (value) => {
    expect(() => loadConfig({ DAKGRAPH_POOL_MAX: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DAKGRAPH_POOL_MAX: value })).toThrow(`DAKGRAPH_POOL_MAX=${JSON.stringify(value)}`);
  });
});

describe(".env.example", () => {
  /** The variables loadConfig asks its environment for, caught as it reads them, plus any its source names. */
  function variablesConfigReads(): Set<string> {
    const asked = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get(_, name) {
        if (typeof name === "string") asked.add(name);
        return undefined;
      },
    });
    loadConfig(env);
    const source = read("src/config.ts");
    for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|\(env, "([A-Z][A-Z0-9_]*)"/g)) asked.add((match[1] ?? match[2])!);
    return asked;
  }
  const entries = new Map([...read(".env.example").matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));

  it("lists every variable src/config.ts reads", () => {
    const missing = [...variablesConfigReads()].filter((name) => !entries.has(name));
    expect(missing, "add these to .env.example with their default and meaning").toEqual([]);
  });

  it("lists nothing that no part of dakgraph reads", () => {
    const config = variablesConfigReads();
    const elsewhere = [read("src/cli/report.ts"), read("compose.yaml")].join("\n");
    const unread = [...entries.keys()].filter(
      (name) => !config.has(name) && !elsewhere.includes(`process.env.${name}`) && !elsewhere.includes(`\${${name}`),
    );
    expect(unread).toEqual([]);
  });

  it("gives each variable's default: setting a listed value explicitly changes nothing", () => {
    const defaults = loadConfig({});
    const given = [...entries].filter(([, value]) => value !== "");
    expect(given.length).toBeGreaterThan(20);
    for (const [name, value] of given) expect(loadConfig({ [name]: value }), `${name}=${value}`).toEqual(defaults);
  });
});

describe("compose.yaml and docs/deploy/prometheus.yml", () => {
  interface Service {
    image?: string;
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    secrets?: string[];
    volumes?: string[];
  }
  const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, Service>; secrets: Record<string, { environment: string }> };
  const prometheus = parse(read("docs/deploy/prometheus.yml")) as {
    scrape_configs: { metrics_path: string; authorization: { type: string; credentials_file: string }; static_configs: { targets: string[] }[] }[];
  };
  const replicas = Object.entries(compose.services).filter(([name, service]) => service.image === "dakgraph:local" && name !== "migrate");

  it("runs PostgreSQL 16 and a one-shot `dakgraph migrate` before two replicas", () => {
    expect(compose.services.postgres?.image).toBe("postgres:16");
    expect(compose.services.migrate?.command?.join(" ")).toMatch(/\bdakgraph migrate\b/);
    expect(compose.services.migrate?.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(replicas).toHaveLength(2);
    for (const [, service] of replicas) {
      expect(service.depends_on?.migrate?.condition).toBe("service_completed_successfully");
      expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      // Migrations are the migrate service's job: replicas must not race to apply them.
      expect(service.environment?.DAKGRAPH_MIGRATE_ON_START ?? "false").toBe("false");
    }
  });

  it("has Prometheus scrape every replica's /metrics with the token the replicas check", () => {
    const [job] = prometheus.scrape_configs;
    const port = /ENV [^\n]*\bPORT=(\d+)/.exec(read("Dockerfile"))![1];
    expect(job!.metrics_path).toBe("/metrics");
    expect(job!.static_configs.flatMap((config) => config.targets).sort()).toEqual(replicas.map(([name]) => `${name}:${port}`).sort());
    const secret = compose.services.prometheus?.secrets?.[0];
    expect(job!.authorization).toEqual({ type: "Bearer", credentials_file: `/run/secrets/${secret}` });
    expect(compose.secrets[secret!]?.environment).toBe("DAKGRAPH_METRICS_TOKEN");
    for (const [, service] of replicas) expect(service.environment?.DAKGRAPH_METRICS_TOKEN).toMatch(/^\$\{DAKGRAPH_METRICS_TOKEN/);
    expect(compose.services.prometheus?.volumes).toContain("./docs/deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  });
});
