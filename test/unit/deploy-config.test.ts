import fs from "node:fs";
import { describe, expect, it } from "vitest";
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
