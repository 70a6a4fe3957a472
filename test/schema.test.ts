import fs from "node:fs";
import { execFileSync } from "node:child_process";
import {
  getNamedType,
  Kind,
  parse,
  validate,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createSchema, printSchemaSdl } from "../src/schema.js";
import { ACCESS_EXTENSION } from "../src/modules/access/access.roles.js";
import { EXPLORER_EXAMPLES } from "../src/server/explorer.js";
import { KPI_OPERATIONS, LATE_COD_PAGE_OPERATION, STATUS_GROUP_OPERATIONS } from "../bench/operations.js";
import { loadOperationRegistry } from "../src/server/operation-registry.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

describe("schema/schema.graphql", () => {
  it("matches the code (run `npm run schema:emit` when this fails)", () => {
    const committed = fs.readFileSync(new URL("../schema/schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printSchemaSdl(schema));
  });

  it("documents every type, field, argument and enum value", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (isScalarType(type) && ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("names days and periods one way (docs/ARCHITECTURE.md, Naming), old names only as deprecated", () => {
    // Every Date-typed field, argument and input field that is not deprecated, by its holder.
    const holders = new Map<string, string[]>();
    const add = (holder: string, name: string, type: GraphQLInputType | GraphQLOutputType, deprecated: unknown) => {
      if (getNamedType(type).name === "Date" && !deprecated) holders.set(holder, [...(holders.get(holder) ?? []), name]);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          add(type.name, field.name, field.type, field.deprecationReason);
          for (const arg of field.args) add(`${type.name}.${field.name}()`, arg.name, arg.type, arg.deprecationReason);
        }
      }
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) add(type.name, field.name, field.type, field.deprecationReason);
    }
    // A cycle runs until the next one's first day: its period has a start only, by design.
    const startOnly = new Set(["CodRemittanceCycle.validFrom", "SetCodRemittanceCycleInput.validFrom"]);
    const wrong: string[] = [];
    for (const [holder, names] of holders) {
      for (const name of names) {
        const at = `${holder}.${name}`;
        if (["activeOn", "on", "at", "activeFrom", "activeTo", "effectiveFrom", "effectiveTo"].includes(name) || /(Since|Until)$/.test(name)) wrong.push(`${at}: an old form`);
        const from = /^(.+)From$/.exec(name);
        if (from !== null && !names.includes(`${from[1]}To`) && !startOnly.has(at)) wrong.push(`${at}: no ${from[1]}To`);
        const to = /^(.+)To$/.exec(name);
        if (to !== null && !names.includes(`${to[1]}From`)) wrong.push(`${at}: no ${to[1]}From`);
      }
    }
    expect(wrong).toEqual([]);
    // The walk reaches the renamed places: it cannot pass on an empty enumeration.
    expect(holders.get("Query.pickupLocations()")).toEqual(["asOf"]);
    expect(holders.get("PickupLocation")).toEqual(expect.arrayContaining(["validFrom", "validTo"]));
    expect(holders.get("PinCoverage")).toEqual(expect.arrayContaining(["serviceableFrom", "serviceableTo"]));
  });
});

describe("codegen", () => {
  it("src/generated/operations.ts is up to date with the operations and the schema (run `npm run codegen`)", () => {
    expect(() =>
      execFileSync(process.execPath, ["node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.ts", "--check"], {
        stdio: "pipe",
      }),
    ).not.toThrow();
  });
});

describe("the explorer's examples", () => {
  it("are valid operations of the schema, and the daily questions are registered operations (so they export as CSV)", () => {
    const document = parse(EXPLORER_EXAMPLES);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    const examples = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name !== undefined ? [d.name.value] : []));
    const registered = new Set([...loadOperationRegistry().values()].map((o) => o.name));
    expect(["LateCodDeliveriesByProduct", "DeliverablePinsNotServiceable", "CodNotRemitted", "ShipmentsByTrackingNumber", "DeliveredPerMonthInQ3ByCircle"].filter((name) => !examples.includes(name))).toEqual([]);
    expect(["LateCodDeliveriesByProduct", "DeliverablePinsNotServiceable", "CodNotRemitted", "ShipmentsByTrackingNumber", "DeliveredPerMonthByCircle"].filter((name) => !registered.has(name))).toEqual([]);
  });

  it("and the bench's own operation texts are valid too (a stale one would fail only when the bench runs)", () => {
    for (const text of [KPI_OPERATIONS, STATUS_GROUP_OPERATIONS, LATE_COD_PAGE_OPERATION]) {
      expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
    }
  });
});

describe("restricted fields", () => {
  it("keep their access check: every field with an access rule has a resolver", () => {
    const unguarded = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })))
      .filter(({ field }) => (field.extensions as Record<string, unknown>)[ACCESS_EXTENSION] !== undefined)
      .filter(({ field }) => field.resolve === undefined)
      .map(({ name }) => name);
    expect(unguarded).toEqual([]);
  });
});
