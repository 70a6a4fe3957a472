import { graphql, GraphQLObjectType, GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { BadUserInputError, ErrorCode } from "../../src/lib/errors.js";
import {
  addQuarters,
  compareQuarters,
  fiscalQuarter,
  fiscalQuarterLabel,
  FiscalQuarterScalar,
  formatFiscalQuarter,
  istDateOf,
  MAX_QUARTERS_BETWEEN,
  nextQuarter,
  parseFiscalQuarter,
  previousQuarter,
  quarterEnd,
  quarterEndDate,
  quarterIndex,
  quarterOf,
  quartersBetween,
  quarterStart,
  quarterStartDate,
  sameQuarterLastYear,
  shortLabel,
  type FiscalQuarter,
} from "../../src/lib/fiscal-quarter.js";

const fq = (text: string): FiscalQuarter => parseFiscalQuarter(text);
const canonical = (q: FiscalQuarter): string => formatFiscalQuarter(q);

describe("parsing and formatting", () => {
  it("reads the three forms as the same quarter", () => {
    const expected = { fiscalYearStart: 2024, quarter: 3 };
    expect(parseFiscalQuarter("FY2024-25-Q3")).toEqual(expected);
    expect(parseFiscalQuarter("Q3 FY2024-25")).toEqual(expected);
    expect(parseFiscalQuarter("Q3 FY25")).toEqual(expected);
  });
  it("ignores case and extra spaces", () => {
    for (const text of ["fy2024-25-q3", "  FY 2024 - 25 - Q3 ", "q3   fy25", "Q 3 Fy 2024-25", "\tQ3\u00a0FY25\n"]) {
      expect(canonical(fq(text))).toBe("FY2024-25-Q3");
    }
  });
  it.each([
    ["FY2024-25-Q3", "Q3 FY2024-25 (Oct–Dec 2024)", "Q3 FY25"],
    ["FY2024-25-Q4", "Q4 FY2024-25 (Jan–Mar 2025)", "Q4 FY25"],
    ["FY2022-23-Q4", "Q4 FY2022-23 (Jan–Mar 2023)", "Q4 FY23"],
    ["FY2025-26-Q1", "Q1 FY2025-26 (Apr–Jun 2025)", "Q1 FY26"],
    ["FY2000-01-Q2", "Q2 FY2000-01 (Jul–Sep 2000)", "Q2 FY01"],
    ["FY2098-99-Q4", "Q4 FY2098-99 (Jan–Mar 2099)", "Q4 FY99"],
  ])("%s round-trips through every form", (text, label, short) => {
    const q = fq(text);
    expect(canonical(q)).toBe(text);
    expect(fiscalQuarterLabel(q)).toBe(label);
    expect(shortLabel(q)).toBe(short);
    expect(fq(shortLabel(q))).toEqual(q);
    expect(fq(fiscalQuarterLabel(q).replace(/ \(.*\)$/, ""))).toEqual(q);
  });
  it("returns frozen values", () => {
    expect(Object.isFrozen(fq("Q3 FY25"))).toBe(true);
  });
  it.each([
    "FY2024-26-Q3",
    "Q3 FY2024-26",
    "FY2024-24-Q3",
    "FY2024-25-Q5",
    "FY2024-25-Q0",
    "Q5",
    "Q5 FY25",
    "Q3",
    "FY24-25-Q3",
    "FY2024-25",
    "2024-25-Q3",
    "FY2024-25 Q3",
    "Q3 FY2025",
    "Q3 FY2024–25",
    "FY1999-00-Q1",
    "FY2099-00-Q1",
    "Q1 FY00",
    "FY2100-01-Q1",
    "Q3 FY25 (Oct–Dec 2024)",
    "",
  ])("rejects %j, naming it and the accepted forms", (text) => {
    expect(() => parseFiscalQuarter(text)).toThrow(BadUserInputError);
    expect(() => parseFiscalQuarter(text)).toThrow(JSON.stringify(text));
    expect(() => parseFiscalQuarter(text)).toThrow(/"FY2024-25-Q3" \(canonical\), "Q3 FY2024-25" or "Q3 FY25"/);
  });
  it("says why: non-consecutive years, a fifth quarter, the supported range", () => {
    expect(() => fq("FY2024-26-Q3")).toThrow(/does not end in the year after it starts/);
    expect(() => fq("Q5 FY25")).toThrow(/Q1 to Q4/);
    expect(() => fq("FY1999-00-Q1")).toThrow(/FY2000-01 to FY2098-99/);
  });
  it("rejects non-strings, carrying the field and value in the details", () => {
    expect(() => parseFiscalQuarter(20243, "filter.quarter")).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, field: "filter.quarter", value: 20243 }),
      }),
    );
    expect(() => parseFiscalQuarter({ fiscalYearStart: 2024, quarter: 3 })).toThrow(/must be a string/);
  });
  it("builds values only within range", () => {
    expect(fiscalQuarter(2024, 3)).toEqual(fq("FY2024-25-Q3"));
    expect(() => fiscalQuarter(2024, 5)).toThrow(/1, 2, 3 or 4/);
    expect(() => fiscalQuarter(2024.5, 1)).toThrow(BadUserInputError);
    expect(() => fiscalQuarter(1999, 1)).toThrow(/FY2000-01 to FY2098-99/);
  });
});

describe("quarters of instants, in IST", () => {
  it.each([
    ["2024-06-30T18:29:59.999Z", "FY2024-25-Q1"],
    ["2024-06-30T18:30:00.000Z", "FY2024-25-Q2"],
    ["2024-06-30T20:00:00.000Z", "FY2024-25-Q2"],
    ["2024-12-31T18:29:59.999Z", "FY2024-25-Q3"],
    ["2024-12-31T18:30:00.000Z", "FY2024-25-Q4"],
    ["2025-03-31T18:29:59.999Z", "FY2024-25-Q4"],
    ["2025-03-31T18:30:00.000Z", "FY2025-26-Q1"],
    ["2024-03-31T23:00:00.000Z", "FY2024-25-Q1"],
    ["2024-04-01T00:00:00.000Z", "FY2024-25-Q1"],
  ])("%s falls in %s", (instant, expected) => {
    expect(canonical(quarterOf(new Date(instant)))).toBe(expected);
  });
  it("reads the IST calendar date", () => {
    expect(istDateOf(new Date("2024-06-30T18:29:59.999Z"))).toBe("2024-06-30");
    expect(istDateOf(new Date("2024-06-30T18:30:00.000Z"))).toBe("2024-07-01");
    expect(istDateOf(new Date("2024-12-31T18:30:00.000Z"))).toBe("2025-01-01");
    expect(istDateOf(new Date("2024-02-29T00:00:00.000Z"))).toBe("2024-02-29");
  });
  it("refuses invalid dates", () => {
    expect(() => quarterOf(new Date("not a date"))).toThrow(BadUserInputError);
    expect(() => istDateOf(new Date(Number.NaN))).toThrow(/valid date/);
  });
});

describe("quarter boundaries", () => {
  it("start and end as UTC instants of IST midnight, end exclusive", () => {
    const q3 = fq("FY2024-25-Q3");
    expect(quarterStart(q3).toISOString()).toBe("2024-09-30T18:30:00.000Z");
    expect(quarterEnd(q3).toISOString()).toBe("2024-12-31T18:30:00.000Z");
    const q4 = fq("FY2024-25-Q4");
    expect(quarterStart(q4).toISOString()).toBe("2024-12-31T18:30:00.000Z");
    expect(quarterEnd(q4).toISOString()).toBe("2025-03-31T18:30:00.000Z");
    expect(quarterStart(fq("FY2025-26-Q1")).toISOString()).toBe("2025-03-31T18:30:00.000Z");
  });
  it("every quarter's end is the next one's start, and its instants map back to it", () => {
    for (const q of quartersBetween(fq("FY2022-23-Q1"), fq("FY2026-27-Q4"))) {
      expect(quarterEnd(q)).toEqual(quarterStart(nextQuarter(q)));
      expect(quarterOf(quarterStart(q))).toEqual(q);
      expect(quarterOf(new Date(quarterEnd(q).getTime() - 1))).toEqual(q);
      expect(istDateOf(quarterStart(q))).toBe(quarterStartDate(q));
      expect(istDateOf(new Date(quarterEnd(q).getTime() - 1))).toBe(quarterEndDate(q));
    }
  });
  it.each([
    ["FY2024-25-Q1", "2024-04-01", "2024-06-30"],
    ["FY2024-25-Q2", "2024-07-01", "2024-09-30"],
    ["FY2024-25-Q3", "2024-10-01", "2024-12-31"],
    ["FY2024-25-Q4", "2025-01-01", "2025-03-31"],
  ])("%s runs from %s to %s inclusive", (text, first, last) => {
    expect(quarterStartDate(fq(text))).toBe(first);
    expect(quarterEndDate(fq(text))).toBe(last);
  });
});

describe("quarter arithmetic", () => {
  it("steps across fiscal-year boundaries", () => {
    expect(canonical(previousQuarter(fq("FY2025-26-Q1")))).toBe("FY2024-25-Q4");
    expect(canonical(nextQuarter(fq("FY2024-25-Q4")))).toBe("FY2025-26-Q1");
    expect(canonical(previousQuarter(fq("FY2024-25-Q4")))).toBe("FY2024-25-Q3");
    expect(canonical(nextQuarter(fq("FY2024-25-Q3")))).toBe("FY2024-25-Q4");
  });
  it("finds the same quarter last year", () => {
    expect(canonical(sameQuarterLastYear(fq("FY2024-25-Q3")))).toBe("FY2023-24-Q3");
    expect(canonical(sameQuarterLastYear(fq("FY2025-26-Q1")))).toBe("FY2024-25-Q1");
  });
  it("puts the 3× base six quarters (18 months) before Q2 FY2024-25", () => {
    expect(canonical(addQuarters(fq("FY2022-23-Q4"), 6))).toBe("FY2024-25-Q2");
    expect(canonical(addQuarters(fq("FY2024-25-Q2"), -6))).toBe("FY2022-23-Q4");
    expect(canonical(addQuarters(fq("FY2024-25-Q2"), 0))).toBe("FY2024-25-Q2");
    expect(canonical(addQuarters(fq("FY2024-25-Q1"), -1))).toBe("FY2023-24-Q4");
    expect(canonical(addQuarters(fq("FY2024-25-Q1"), -9))).toBe("FY2021-22-Q4");
  });
  it("refuses fractional steps and results out of range", () => {
    expect(() => addQuarters(fq("FY2024-25-Q1"), 1.5)).toThrow(/whole number/);
    expect(() => nextQuarter(fq("FY2098-99-Q4"))).toThrow(/FY2000-01 to FY2098-99/);
    expect(() => previousQuarter(fq("FY2000-01-Q1"))).toThrow(BadUserInputError);
  });
  it("orders and indexes quarters monotonically", () => {
    const q = fq("FY2024-25-Q3");
    expect(quarterIndex(q)).toBe(2024 * 4 + 2);
    expect(quarterIndex(nextQuarter(fq("FY2024-25-Q4")))).toBe(quarterIndex(fq("FY2024-25-Q4")) + 1);
    expect(compareQuarters(q, q)).toBe(0);
    expect(compareQuarters(fq("FY2024-25-Q4"), fq("FY2025-26-Q1"))).toBeLessThan(0);
    expect(compareQuarters(fq("FY2025-26-Q1"), fq("FY2024-25-Q4"))).toBeGreaterThan(0);
    const sorted = ["FY2025-26-Q1", "FY2024-25-Q4", "FY2022-23-Q4", "FY2024-25-Q2"].map(fq).sort(compareQuarters);
    expect(sorted.map(canonical)).toEqual(["FY2022-23-Q4", "FY2024-25-Q2", "FY2024-25-Q4", "FY2025-26-Q1"]);
  });
});

describe("quartersBetween", () => {
  it("lists both ends and everything between", () => {
    expect(quartersBetween(fq("FY2024-25-Q3"), fq("FY2024-25-Q3")).map(canonical)).toEqual(["FY2024-25-Q3"]);
    expect(quartersBetween(fq("FY2024-25-Q3"), fq("FY2025-26-Q2")).map(canonical)).toEqual([
      "FY2024-25-Q3",
      "FY2024-25-Q4",
      "FY2025-26-Q1",
      "FY2025-26-Q2",
    ]);
    expect(quartersBetween(fq("FY2022-23-Q4"), fq("FY2024-25-Q2"))).toHaveLength(7);
    expect(quartersBetween(fq("FY2000-01-Q1"), fq("FY2049-50-Q4"))).toHaveLength(MAX_QUARTERS_BETWEEN);
  });
  it("refuses a reversed range or one over the maximum", () => {
    expect(() => quartersBetween(fq("FY2025-26-Q1"), fq("FY2024-25-Q4"))).toThrow(/FY2025-26-Q1 to FY2024-25-Q4 runs backwards/);
    expect(() => quartersBetween(fq("FY2000-01-Q1"), fq("FY2050-51-Q1"))).toThrow(/201 quarters; at most 200/);
  });
});

describe("FiscalQuarter scalar", () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        echo: {
          type: FiscalQuarterScalar,
          args: { q: { type: FiscalQuarterScalar } },
          resolve: (_root, args: { q: FiscalQuarter }) => args.q,
        },
        previous: {
          type: FiscalQuarterScalar,
          args: { q: { type: FiscalQuarterScalar } },
          resolve: (_root, args: { q: FiscalQuarter }) => previousQuarter(args.q),
        },
        broken: { type: FiscalQuarterScalar, resolve: () => ({ fiscalYearStart: 2024, quarter: 7 }) },
      },
    }),
  });

  it("parses any accepted form from literals and variables and returns the canonical one", async () => {
    const result = await graphql({
      schema,
      source: 'query ($v: FiscalQuarter) { a: echo(q: "q3 fy25") b: echo(q: $v) c: previous(q: "Q1 FY2025-26") }',
      variableValues: { v: "Q3 FY2024-25" },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: "FY2024-25-Q3", b: "FY2024-25-Q3", c: "FY2024-25-Q4" });
  });
  it("rejects bad input as BAD_USER_INPUT, naming the value", async () => {
    const literal = await graphql({ schema, source: '{ echo(q: "FY2024-26-Q3") }' });
    expect(literal.errors?.[0]?.message).toMatch(/"FY2024-26-Q3"/);
    const variable = await graphql({
      schema,
      source: "query ($v: FiscalQuarter) { echo(q: $v) }",
      variableValues: { v: "Q5 FY25" },
    });
    expect(variable.errors?.[0]?.message).toMatch(/"Q5 FY25"/);
    expect(variable.errors?.[0]?.originalError).toBeInstanceOf(BadUserInputError);
    const number = await graphql({ schema, source: "{ echo(q: 20243) }" });
    expect(number.errors?.[0]?.message).toMatch(/must be a string/);
  });
  it("treats an invalid output value as a server error, not the client's", async () => {
    const result = await graphql({ schema, source: "{ broken }" });
    expect(result.errors?.[0]?.message).toMatch(/Cannot serialise/);
    expect(result.errors?.[0]?.originalError).not.toBeInstanceOf(BadUserInputError);
  });
  it("documents the convention, the IST rule and examples", () => {
    expect(FiscalQuarterScalar.name).toBe("FiscalQuarter");
    for (const part of ["April–March", "Q3 = Oct–Dec", "IST", "UTC+05:30", '"FY2024-25-Q3"', '"Q3 FY25"', '"Q3 FY2024-25"']) {
      expect(FiscalQuarterScalar.description).toContain(part);
    }
  });
});
