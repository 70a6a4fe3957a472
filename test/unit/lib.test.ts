import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { ErrorCode } from "../../src/lib/errors.js";
import { fromGlobalId, integerKeyOf, toGlobalId } from "../../src/lib/global-id.js";
import { decodeCursor, encodeCursor, pageSize } from "../../src/lib/pagination.js";
import { eitherName } from "../../src/lib/renamed.js";
import { NullRootFieldError, requireRoot } from "../../src/lib/root-field.js";
import { parsePin } from "../../src/lib/scalars.js";
import { nulPath, tooDeepEntry } from "../../src/server/input-guard.js";

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
  it("refuse integer keys no serial column holds, as INVALID_ID", () => {
    expect(integerKeyOf(toGlobalId("PostOffice", 2 ** 31 - 1), "PostOffice")).toBe(2 ** 31 - 1);
    for (const key of ["2147483648", "9999999999", "-1", "0", "1.5", "1e3", " 7"]) {
      expect(() => integerKeyOf(toGlobalId("PostOffice", key), "PostOffice", "input.postOfficeId")).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.INVALID_ID, field: "input.postOfficeId" }) }),
      );
    }
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
  it("cursors refuse items PostgreSQL would refuse: keys out of range, NUL, days and instants that do not exist", () => {
    expect(decodeCursor(encodeCursor(["2024-08-05T04:30:00.000Z", 2 ** 31 - 1]), "tn")).toEqual(["2024-08-05T04:30:00.000Z", 2 ** 31 - 1]);
    expect(decodeCursor(encodeCursor(["2024-02-29", 1]), "dn")).toEqual(["2024-02-29", 1]);
    const refused: [unknown[], string][] = [
      [["2024-08-05T04:30:00.000Z", 2 ** 31], "tn"],
      [["2024-08-05T04:30:00.000Z", -1], "tn"],
      [["2024-08-05T04:30:00.000Z", 1.5], "tn"],
      [["1", 1], "tn"],
      [["2024-02-30T00:00:00.000Z", 1], "tn"],
      [["2024-08-05", 1], "tn"],
      [["2023-02-29", 1], "dn"],
      [["yesterday", 1], "dn"],
      [["NAME_ASC", "a\u0000", 1], "ssn"],
    ];
    for (const [items, shape] of refused) {
      expect(() => decodeCursor(Buffer.from(JSON.stringify(items)).toString("base64url"), shape), JSON.stringify(items)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.INVALID_CURSOR }) }),
      );
    }
  });
});

describe("request input guard", () => {
  it("finds the entry nested too deep, without recursion, far past the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(tooDeepEntry({ ok: [[1]], x: deep }, "variables")).toBe("variables.x");
    expect(tooDeepEntry({ x: JSON.parse(`${"[".repeat(31)}1${"]".repeat(31)}`) }, "variables")).toBeNull();
    expect(tooDeepEntry({ x: JSON.parse(`${"[".repeat(32)}1${"]".repeat(32)}`) }, "variables")).toBe("variables.x");
    expect(tooDeepEntry("text", "variables")).toBeNull();
  });
  it("finds a NUL in any string or key, naming its path", () => {
    expect(nulPath({ input: { shipments: [{ a: "x" }, { name: "Le\u0000h" }] } }, "variables")).toBe("variables.input.shipments[1].name");
    expect(nulPath({ filter: { ["st\u0000ate"]: "Delhi" } }, "variables")).toBe("variables.filter.st\u0000ate");
    expect(nulPath({ input: { name: "Leh", codes: ["A", "B"], n: 1, none: null } }, "variables")).toBeNull();
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

describe("renamed arguments and input fields", () => {
  const names = { current: "asOf", deprecated: "activeOn" };

  it("takes the new name, else the deprecated one, else null", () => {
    expect(eitherName({ asOf: "2024-10-04" }, names)).toBe("2024-10-04");
    expect(eitherName({ activeOn: "2024-10-04" }, names)).toBe("2024-10-04");
    expect(eitherName({ asOf: null, activeOn: undefined }, names)).toBeNull();
  });

  it("refuses both names at once, even with one value, naming the deprecated field", () => {
    const both = () => eitherName({ validFrom: "2024-10-04", activeFrom: "2024-10-04" }, { current: "validFrom", deprecated: "activeFrom" }, "input.");
    expect(both).toThrow(/input\.activeFrom is the deprecated name of input\.validFrom/);
    try {
      both();
    } catch (error) {
      expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({
        code: ErrorCode.BAD_USER_INPUT,
        field: "input.activeFrom",
        replacedBy: "input.validFrom",
      });
    }
  });
});

describe("requireRoot", () => {
  it("returns a root field's value, falsy values included", () => {
    expect(requireRoot({ quarterlyKpis: [], products: [{ code: "SP" }] }, "quarterlyKpis")).toEqual([]);
    expect(requireRoot({ count: 0 }, "count")).toBe(0);
  });
  it("turns a null root into an error naming the field and its own errors, not the other fields'", () => {
    const errors = [
      { message: "Needs ANALYST.", path: ["quarterlyKpis"], extensions: { code: "FORBIDDEN" } },
      { message: "Needs FINANCE.", path: ["codRemittances"], extensions: { code: "FORBIDDEN" } },
    ];
    const data: { quarterlyKpis: unknown[] | null; codRemittances: unknown | null } = { quarterlyKpis: null, codRemittances: null };
    expect(() => requireRoot(data, "quarterlyKpis", errors)).toThrow(new NullRootFieldError("The answer has no quarterlyKpis (FORBIDDEN: Needs ANALYST.)"));
    expect(() => requireRoot(null as typeof data | null, "codRemittances")).toThrow(/no codRemittances \(and no error saying why\)/);
  });
});
