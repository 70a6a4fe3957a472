import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/unavailable.js";
import { type HealthBounds, processHealth } from "../../src/server/health.js";

const coded = (code: string) => Object.assign(new Error(code), { code });

describe("isDatabaseUnavailable", () => {
  it.each(["ECONNREFUSED", "ECONNRESET", "EPIPE", "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "CONNECT_TIMEOUT", "57P01", "57P02", "57P03", "08006", "08001", "08P01"])(
    "takes %s for the database being away",
    (code) => expect(isDatabaseUnavailable(coded(code))).toBe(true),
  );

  it.each(["23505", "57014", "40001", "42P01", "22P02", "BAD_USER_INPUT", "ERR_INVALID_ARG_TYPE"])("does not take %s for it", (code) => {
    expect(isDatabaseUnavailable(coded(code))).toBe(false);
  });

  it("finds the cause through drizzle's wrapping and graphql-js's", () => {
    const drizzle = new Error("Failed query: insert into shipment …", { cause: coded("57P01") });
    expect(isDatabaseUnavailable(new GraphQLError("x", { originalError: drizzle }))).toBe(true);
    expect(isDatabaseUnavailable(new GraphQLError("x", { originalError: new Error("no code") }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe("processHealth", () => {
  const bounds: HealthBounds = { connectTimeoutMs: 3000, statementTimeoutMs: 15_000 };
  const attempts = (oldestConnectingSince: number | null) => ({
    connecting: oldestConnectingSince === null ? 0 : 1,
    oldestConnectingSince,
    lastConnectedAt: null,
    lastFailure: { at: 0, message: "connect ECONNREFUSED 127.0.0.1:5432" },
  });

  it("stays healthy while connections fail, as they do while PostgreSQL is away", () => {
    expect(processHealth({}, attempts(null), 100_000, bounds)).toEqual({
      healthy: true,
      body: { status: "ok", connecting: 0, lastFailure: "connect ECONNREFUSED 127.0.0.1:5432" },
    });
    expect(processHealth({}, null, 100_000, bounds).healthy).toBe(true);
  });

  it("is unhealthy when a connection attempt outlives twice the connect timeout and the grace", () => {
    expect(processHealth({}, attempts(100_000 - 11_000), 100_000, bounds).healthy).toBe(true);
    const stuck = processHealth({}, attempts(100_000 - 11_001), 100_000, bounds);
    expect(stuck.healthy).toBe(false);
    expect(stuck.body.reason).toMatch(/opening for 11 s/);
  });

  it("is unhealthy when its probe statement waits past the connect and statement timeouts", () => {
    expect(processHealth({ probeSentAt: 100_000 - 23_000 }, attempts(null), 100_000, bounds).healthy).toBe(true);
    const stuck = processHealth({ probeSentAt: 100_000 - 23_001 }, attempts(null), 100_000, bounds);
    expect(stuck.healthy).toBe(false);
    expect(stuck.body.reason).toMatch(/probe statement has waited 23 s/);
  });
});
