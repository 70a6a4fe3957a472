import { isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { createSchema } from "../src/schema.js";
import { registry, resolverOnlyFields } from "./support/field-registry.js";

/*
 * The field registry (src/lib/projection.ts) is complete: every field of a type it defines has a SQL definition
 * or is declared resolver-only with its reason. test/single-statement.test.ts generates operations from the
 * registry and compares the single statement with the resolvers on every defined field.
 */

describe("the field registry", () => {
  it("defines or declares resolver-only every field of each type it defines", async () => {
    const schema = await createSchema();
    const types = registry();
    const declared = resolverOnlyFields();
    const missing: string[] = [];
    const stale: string[] = [];
    for (const [typeName, fields] of types) {
      if (typeName === "Query") continue;
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      const resolverOnly = declared.get(typeName) ?? new Map<string, string>();
      for (const name of Object.keys(type.getFields())) {
        if (!fields.has(name) && !resolverOnly.has(name)) missing.push(`${typeName}.${name}`);
      }
      for (const name of [...fields.keys(), ...resolverOnly.keys()]) if (type.getFields()[name] === undefined) stale.push(`${typeName}.${name}`);
      for (const [name, reason] of resolverOnly) {
        if (fields.has(name)) stale.push(`${typeName}.${name} (both defined and resolver-only)`);
        if (reason.trim().length < 10) stale.push(`${typeName}.${name} (resolver-only without a reason)`);
      }
    }
    expect(missing, "fields with neither a SQL definition nor a reason to be resolver-only").toEqual([]);
    expect(stale, "registry entries naming no field, or a field twice").toEqual([]);
  });

  it("lets only leaves be grouped on, and only one-to-one relations be filtered or ordered through", () => {
    for (const [type, fields] of registry()) {
      for (const [name, projection] of fields) {
        if (projection.kind === "value") continue;
        const uses = (projection as { uses?: Record<string, unknown> }).uses;
        if (projection.kind !== "object") expect(uses, `${type}.${name}`).toBeUndefined();
        else expect(uses?.group, `${type}.${name}`).toBeUndefined();
      }
    }
  });
});
