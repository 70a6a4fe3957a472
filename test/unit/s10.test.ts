import { describe, expect, it } from "vitest";
import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { ErrorCode } from "../../src/lib/errors.js";
import {
  describeTrackingNumber,
  normaliseTrackingNumber,
  parseTrackingNumber,
  s10CheckDigit,
  TrackingNumberScalar,
} from "../../src/lib/s10.js";

describe("S10 check digit", () => {
  it.each([
    ["28704377", 5],
    ["94902277", 4],
    ["11621552", 3],
    ["12602377", 0], // S = 177, 177 mod 11 = 1, C = 10 → 0
    ["01938810", 5], // S = 154, 154 mod 11 = 0, C = 11 → 5
    ["12345678", 5],
    ["16906334", 8], // S = 168, 168 mod 11 = 3, C = 8
  ])("of %s is %i", (serial, check) => {
    expect(s10CheckDigit(serial)).toBe(check);
  });
  it("refuses a serial that is not 8 digits", () => {
    for (const bad of ["1234567", "123456789", "1234567A", ""]) expect(() => s10CheckDigit(bad)).toThrow(JSON.stringify(bad));
  });
});

describe("S10 tracking numbers", () => {
  it.each(["RR287043775IN", "EQ949022774IN", "PP116215523IN", "EB126023770IN", "RM019388105IN", "EE123456785IN"])(
    "accepts %s",
    (value) => {
      expect(parseTrackingNumber(value)).toBe(value);
    },
  );

  it.each([
    ["EE123456789IN", 5, 9], // India Post's own placeholder
    ["RK169063347IN", 8, 7],
  ])("rejects %s naming the expected and found check digit", (value, expected, found) => {
    expect(() => parseTrackingNumber(value)).toThrow(`expected check digit ${expected}, found ${found}`);
    expect(() => parseTrackingNumber(value)).toThrow(JSON.stringify(value));
    expect(() => parseTrackingNumber(value)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, value }) }),
    );
  });

  it("normalises spaces and lower case to the canonical form", () => {
    expect(normaliseTrackingNumber("ee 123 456 785 in")).toBe("EE123456785IN");
    expect(parseTrackingNumber("ee 123 456 785 in")).toBe("EE123456785IN");
    expect(parseTrackingNumber(" Rr287043775iN\t")).toBe("RR287043775IN");
    expect(parseTrackingNumber("EE\u00a0123456785\u00a0IN")).toBe("EE123456785IN");
  });

  it("does not let a non-ASCII letter upper-case into a valid one", () => {
    expect(() => parseTrackingNumber("EE123456785\u0131N")).toThrow(/country code/);
  });

  it.each([
    ["EE12345678IN", /12 characters/],
    ["EE1234567855IN", /14 characters/],
    ["", /0 characters/],
    ["E1123456785IN", /service indicator .* found "E1"/],
    ["12123456785IN", /service indicator/],
    ["EE12345A785IN", /serial .* found "12345A78"/],
    ["EE12345678XIN", /check digit \(character 11\) must be a digit/],
    ["EE1234567851N", /country code .* found "1N"/],
  ])("rejects %j saying what is wrong", (value, reason) => {
    expect(() => parseTrackingNumber(value)).toThrow(reason);
    expect(() => parseTrackingNumber(value)).toThrow(JSON.stringify(value));
  });

  it("names every broken part at once", () => {
    expect(() => parseTrackingNumber("1E12345A785I9")).toThrow(/service indicator.*; the serial.*; the country code/);
  });

  it.each([[123456785], [null], [undefined], [{ value: "EE123456785IN" }], [["EE123456785IN"]]])(
    "rejects the non-string %j",
    (value) => {
      expect(() => parseTrackingNumber(value)).toThrow(/must be a string/);
    },
  );

  it("describes the parts without mapping the prefix to a product", () => {
    expect(describeTrackingNumber("rm 019388105 in")).toEqual({
      serviceIndicator: "RM",
      serial: "01938810",
      checkDigit: 5,
      countryCode: "IN",
    });
    expect(() => describeTrackingNumber("EE123456789IN")).toThrow(/check digit/);
  });
});

describe("TrackingNumber scalar", () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        echo: {
          type: GraphQLString,
          args: { n: { type: TrackingNumberScalar } },
          resolve: (_source, args: { n: string }) => args.n,
        },
      },
    }),
  });

  it("documents the format, an example and the reuse rule", () => {
    expect(TrackingNumberScalar.name).toBe("TrackingNumber");
    expect(TrackingNumberScalar.description).toMatch(/EE123456785IN/);
    expect(TrackingNumberScalar.description).toMatch(/booking date/);
    expect(TrackingNumberScalar.description).toMatch(/12 months/);
  });

  it("normalises literals and variables", async () => {
    const literal = await graphql({ schema, source: '{ echo(n: "ee 123 456 785 in") }' });
    expect(literal).toEqual({ data: { echo: "EE123456785IN" } });
    const variable = await graphql({
      schema,
      source: "query ($n: TrackingNumber) { echo(n: $n) }",
      variableValues: { n: "rr287043775in" },
    });
    expect(variable).toEqual({ data: { echo: "RR287043775IN" } });
  });

  it("refuses bad values with the reason", async () => {
    const bad = await graphql({ schema, source: '{ echo(n: "EE123456789IN") }' });
    expect(bad.errors?.[0]?.message).toMatch(/expected check digit 5, found 9/);
    const number = await graphql({ schema, source: "{ echo(n: 123) }" });
    expect(number.errors?.[0]?.message).toMatch(/must be a string/);
  });
});
