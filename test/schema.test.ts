import fs from "node:fs";
import { execFileSync } from "node:child_process";
import {
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

describe("resolvers prepared for the compiled executor (src/lib/plain-fields.ts)", () => {
  const fields = () =>
    Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })));

  it("keeps the access check of every restricted field and the resolver of every lazy one", () => {
    const unguarded = fields()
      .filter(({ field }) => (field.extensions as Record<string, unknown>)[ACCESS_EXTENSION] !== undefined || field.extensions.lazy === true)
      .filter(({ field }) => field.resolve === undefined)
      .map(({ name }) => name);
    expect(unguarded).toEqual([]);
  });

  it("reads plain properties without a wrapper, and answers resolver-backed fields through their resolvers", () => {
    const plain = new Set(fields().filter(({ field }) => field.resolve === undefined).map(({ name }) => name));
    for (const name of ["Shipment.trackingNumber", "Shipment.status", "ScanEvent.eventType", "PostOffice.name", "PickupLocation.code"]) {
      expect(plain.has(name), name).toBe(true);
    }
    for (const name of ["Shipment.id", "Pincode.id", "Shipment.deliveryOffice", "Shipment.lastEvent", "PickupLocation.shipments", "ShipmentConnection.totalCount"]) {
      expect(plain.has(name), name).toBe(false);
    }
  });

  it("resolves interface types synchronously (graphql-jit does not await resolveType)", () => {
    for (const type of Object.values(schema.getTypeMap()).filter(isInterfaceType)) {
      const answer = type.resolveType?.({ __typename: "Pincode" }, {}, {} as never, type);
      expect(answer, type.name).toBe("Pincode");
    }
  });
});
