import { describe, expect, it } from "vitest";
import { mergeRanges } from "../../src/lib/id-ranges.js";
import { isUniqueViolation } from "../../src/db/savepoint.js";

/** The id runs a bulk import reserves (src/lib/id-ranges.ts) and the error it undoes (src/db/savepoint.ts). */
describe("mergeRanges", () => {
  it("sorts ranges and joins overlapping or adjacent ones", () => {
    expect(mergeRanges([[21, 30], [1, 10], [11, 20]])).toEqual([[1, 30]]);
    expect(mergeRanges([[1, 10], [5, 7], [12, 15]])).toEqual([[1, 10], [12, 15]]);
    expect(mergeRanges([[40, 40], [1, 1]])).toEqual([[1, 1], [40, 40]]);
    expect(mergeRanges([])).toEqual([]);
  });

  it("leaves its input alone", () => {
    const input: [number, number][] = [[11, 20], [1, 10]];
    mergeRanges(input);
    expect(input).toEqual([[11, 20], [1, 10]]);
  });
});

describe("isUniqueViolation", () => {
  it("finds SQLSTATE 23505 on the error or an error it wraps", () => {
    expect(isUniqueViolation(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(true);
    expect(isUniqueViolation(new Error("query failed", { cause: Object.assign(new Error("duplicate key"), { code: "23505" }) }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error("check"), { code: "23514" }))).toBe(false);
    expect(isUniqueViolation("23505")).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
