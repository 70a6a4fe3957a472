import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { ErrorCode } from "../../src/lib/errors.js";
import { fromGlobalId, integerKeyOf, toGlobalId } from "../../src/lib/global-id.js";
import { decodeCursor, encodeCursor, pageSize } from "../../src/lib/pagination.js";
import { parsePin } from "../../src/lib/scalars.js";

describe("PIN scalar", () => {
  it("accepts six digits not starting with 0", () => {
    expect(parsePin("194401")).toBe("194401");
    expect(parsePin("900099")).toBe("900099");
  });
  it.each(["012345", "12345", "1234567", "19440A", " 194401", ""])("rejects %j naming it", (value) => {
    expect(() => parsePin(value)).toThrow(JSON.stringify(value));
  });
  it("rejects numbers: a PIN is a string", () => {
    expect(() => parsePin(194401)).toThrow(/string/);
  });
});

describe("global ids", () => {
  it("round-trip", () => {
    const id = toGlobalId("PostOffice", 42);
    expect(fromGlobalId(id)).toEqual({ typeName: "PostOffice", key: "42" });
    expect(integerKeyOf(id, "PostOffice")).toBe(42);
  });
  it("refuse ids of another type or malformed ones", () => {
    expect(() => integerKeyOf(toGlobalId("Circle", 1), "PostOffice")).toThrow(/PostOffice/);
    for (const bad of ["", "!!!", "bm9wZQ", "a".repeat(500)]) expect(() => fromGlobalId(bad)).toThrow();
  });
});

describe("paging", () => {
  it("defaults to 50 and caps at the maximum", () => {
    expect(pageSize(undefined, 500)).toBe(50);
    expect(pageSize(500, 500)).toBe(500);
    expect(() => pageSize(501, 500)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.PAGE_SIZE_EXCEEDED }) }));
    expect(() => pageSize(-1, 500)).toThrow(/0 or more/);
  });
  it("cursors round-trip and refuse other shapes", () => {
    const cursor = encodeCursor(["NAME_ASC", "Diskit", 7]);
    expect(decodeCursor(cursor, "ssn")).toEqual(["NAME_ASC", "Diskit", 7]);
    expect(() => decodeCursor(cursor, "s")).toThrow();
    expect(() => decodeCursor("%%%", "s")).toThrow();
  });
});

describe("config", () => {
  it("has sensible defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: null, port: 4000, maxPageSize: 500, environment: "production" });
    expect(Object.isFrozen(config)).toBe(true);
  });
  it("names the variable and value it rejects", () => {
    expect(() => loadConfig({ PORT: "forty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "forty" })).toThrow(/PORT="forty"/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ NODE_ENV: "staging" })).toThrow(/NODE_ENV/);
    expect(() => loadConfig({ DAKGRAPH_MAX_PAGE_SIZE: "0" })).toThrow(/DAKGRAPH_MAX_PAGE_SIZE/);
  });
});
