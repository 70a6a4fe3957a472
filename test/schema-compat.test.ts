import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compareSdl, describeReport, readAllowList } from "./support/schema-compat.js";

/*
 * Breaking changes to the released schema fail CI unless marked (test/support/schema-compat.ts,
 * README "Releasing the schema"). The small schemas check the rule itself in both directions; the
 * last test is the check on the real files.
 */

const RELEASED = /* GraphQL */ `
  type Query {
    shipments(first: Int): [Shipment!]!
    "Old name of shipments."
    parcels: [Shipment!]! @deprecated(reason: "Use shipments.")
  }
  enum Status {
    BOOKED
    DELIVERED
    LOST @deprecated(reason: "Reported as RETURNED from 0.2.")
  }
  type Shipment {
    trackingNumber: String!
    weightGrams: Int
    status: Status!
  }
`;

describe("schema compatibility rule", () => {
  it("fails on a field removed without deprecation", async () => {
    const current = RELEASED.replace("    weightGrams: Int\n", "");
    const report = await compareSdl(RELEASED, current);
    expect(report.unmarked.map((c) => `${c.type} ${c.path}`)).toEqual(["FIELD_REMOVED Shipment.weightGrams"]);
    expect(describeReport(report)).toContain("FIELD_REMOVED Shipment.weightGrams");
  });

  it("fails on an argument's type changed and on an enum value removed without deprecation", async () => {
    const current = RELEASED.replace("shipments(first: Int)", "shipments(first: String)").replace("    DELIVERED\n", "");
    const report = await compareSdl(RELEASED, current);
    expect(report.unmarked.map((c) => `${c.type} ${c.path}`).sort()).toEqual([
      "ENUM_VALUE_REMOVED Status.DELIVERED",
      "FIELD_ARGUMENT_TYPE_CHANGED Query.shipments.first",
    ]);
  });

  it("passes the removal of a field and of an enum value deprecated in the released schema, reporting them as dangerous", async () => {
    const current = RELEASED.replace(/ {4}"Old name of shipments."\n.*\n/, "").replace(/ {4}LOST .*\n/, "");
    expect(current).not.toContain("parcels");
    expect(current).not.toContain("LOST");
    const report = await compareSdl(RELEASED, current);
    expect(report.unmarked).toEqual([]);
    expect(report.dangerous.map((c) => `${c.type} ${c.path}`).sort()).toEqual(["ENUM_VALUE_REMOVED Status.LOST", "FIELD_REMOVED Query.parcels"]);
  });

  it("passes a breaking change the allow-list names with a reason, and fails an entry that matches nothing", async () => {
    const current = RELEASED.replace("    weightGrams: Int\n", "");
    const allowed = { type: "FIELD_REMOVED", path: "Shipment.weightGrams", reason: "Never filled; the two dashboards that listed it were told on 2026-11-30." };
    const report = await compareSdl(RELEASED, current, [allowed]);
    expect(report.unmarked).toEqual([]);
    expect(report.allowed.map((c) => c.path)).toEqual(["Shipment.weightGrams"]);
    expect(report.stale).toEqual([]);

    const stale = await compareSdl(RELEASED, RELEASED, [allowed]);
    expect(stale.stale).toEqual([allowed]);
  });

  it("passes dangerous and non-breaking changes: an enum value, an optional argument and a field added", async () => {
    const current = RELEASED.replace("    BOOKED\n", "    BOOKED\n    RETURNED\n")
      .replace("shipments(first: Int)", "shipments(first: Int, after: String)")
      .replace("    status: Status!\n", "    status: Status!\n    declaredValuePaise: Int\n");
    const report = await compareSdl(RELEASED, current);
    expect(report.unmarked).toEqual([]);
    // A value a client's exhaustive switch does not know, and an argument whose absence keeps the old answer: dangerous.
    expect(report.dangerous.map((c) => c.type).sort()).toEqual(["ENUM_VALUE_ADDED", "FIELD_ARGUMENT_ADDED"]);
    expect(report.nonBreaking.map((c) => c.type)).toEqual(["FIELD_ADDED"]);
  });

  it("refuses an allow-list entry without a reason", () => {
    const file = `${fs.mkdtempSync("/tmp/dakgraph-allow-")}/allowed.json`;
    fs.writeFileSync(file, JSON.stringify([{ type: "FIELD_REMOVED", path: "Shipment.weightGrams", reason: " " }]));
    expect(() => readAllowList(file)).toThrow(/"reason" must be a non-empty string/);
  });
});

describe("schema/schema.graphql against schema/released.graphql", () => {
  it("breaks nothing the last release offered, unless deprecated first or allow-listed (README: Releasing the schema)", async () => {
    const read = (name: string) => fs.readFileSync(new URL(`../schema/${name}`, import.meta.url), "utf8");
    const report = await compareSdl(read("released.graphql"), read("schema.graphql"), readAllowList(new URL("../schema/allowed-breaking-changes.json", import.meta.url).pathname));
    expect({ unmarked: report.unmarked.length, stale: report.stale.length }, describeReport(report)).toEqual({ unmarked: 0, stale: 0 });
  });
});
