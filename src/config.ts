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
}

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

function databaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError("DATABASE_URL", raw, "a postgres://user@host:port/database URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError("DATABASE_URL", raw, "a postgres:// or postgresql:// URL");
  }
  return raw.trim();
}

function environment(env: Env): Environment {
  const raw = env.NODE_ENV;
  if (raw === undefined || raw.trim() === "") return "production";
  const value = raw.trim();
  if (value === "development" || value === "production" || value === "test") return value;
  throw new ConfigError("NODE_ENV", raw, "development, production or test");
}

export function loadConfig(env: Env = process.env): Config {
  const host = env.HOST?.trim() || "127.0.0.1";
  return Object.freeze({
    databaseUrl: databaseUrl(env),
    dataDir: path.resolve(env.DAKGRAPH_DATA_DIR?.trim() || "data"),
    host,
    port: integer(env, "PORT", 4000, 0, 65535),
    environment: environment(env),
    maxPageSize: integer(env, "DAKGRAPH_MAX_PAGE_SIZE", 500, 1, 10000),
    loadDirectoryOnStart: boolean(env, "DAKGRAPH_LOAD_DIRECTORY", true),
  });
}
