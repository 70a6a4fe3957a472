import { getNamedType, type GraphQLObjectType, type GraphQLSchema, isLeafType, isObjectType } from "graphql";
import type { FieldProjection } from "../../src/lib/projection.js";
import { Role } from "../../src/modules/access/access.roles.js";
import { testViewer } from "../../src/modules/access/access.viewer.js";
import { PROJECTIONS } from "../../src/schema.js";

/*
 * The field registry (src/lib/projection.ts) as tests read it: every defined field by type, the fields declared
 * resolver-only, and operations generated from it (test/field-definitions.test.ts, test/single-statement.test.ts).
 */

export const EVERY_ROLE = testViewer(Object.values(Role), { name: "every role" });

/**
 * Leaves the fixture (the npm-sourced directory and the synthetic demo data) gives one value only: compared all
 * the same, but not required to vary.
 */
export const FIXTURE_HAS_ONE_VALUE: Readonly<Record<string, string>> = {
  "PickupLocation.validTo": "no demo pickup location has closed: always null",
  "PickupLocation.activeTo": "deprecated name of validTo: always null too",
  "PickupLocation.synthetic": "every demo pickup location is synthetic",
  "Shipment.synthetic": "every demo shipment is synthetic",
  "CodRemittance.synthetic": "every demo remittance batch is synthetic",
  "PostOffice.delivery": "the npm-sourced directory does not say which offices deliver: always null",
  "Pincode.deliveryOfficeCount": "unknown (null) for the npm-sourced directory",
  "Pincode.isDeliverable": "unknown (null) for the npm-sourced directory",
  "Pincode.isArmyPostal": "the directory holds no zone-9 PIN: always false",
};

export type Registry = Map<string, Map<string, FieldProjection>>;

export function registry(): Registry {
  const types: Registry = new Map();
  for (const { type, fields } of PROJECTIONS) {
    const known = types.get(type) ?? new Map<string, FieldProjection>();
    for (const [name, projection] of Object.entries(fields)) known.set(name, projection);
    types.set(type, known);
  }
  return types;
}

/** The fields each type's modules declare resolver-only, with their reasons. */
export function resolverOnlyFields(): Map<string, Map<string, string>> {
  const types = new Map<string, Map<string, string>>();
  for (const { type, resolverOnly } of PROJECTIONS) {
    const known = types.get(type) ?? new Map<string, string>();
    for (const [name, reason] of Object.entries(resolverOnly ?? {})) known.set(name, reason);
    types.set(type, known);
  }
  return types;
}

/**
 * A selection of every defined field of `type`, relations expanded into their own types' defined fields. A type
 * already on the path is not expanded again (only its `id`), so the selection is finite; `seen` collects every
 * (type, field) the selection reaches.
 */
export function selectionOf(schema: GraphQLSchema, types: Registry, type: string, path: readonly string[], seen: Set<string>, pageSize: number): string {
  const fields = types.get(type)!;
  const parts: string[] = [];
  for (const [name, projection] of fields) {
    seen.add(`${type}.${name}`);
    if (projection.kind === "value") parts.push(name);
    else if (path.includes(projection.type)) parts.push(`${name} { id }`);
    else {
      const inner = selectionOf(schema, types, projection.type, [...path, type], seen, pageSize);
      if (projection.kind === "connection") parts.push(`${name}(first: ${pageSize}) { totalCount nodes { ${inner} } }`);
      else parts.push(`${name} { ${inner} }`);
    }
  }
  return parts.join(" ");
}

/** Every leaf value the answer holds, by "Type.field", with the type read from the schema along the path. */
export function valuesByField(schema: GraphQLSchema, type: GraphQLObjectType, value: unknown, into: Map<string, unknown[]>): void {
  if (Array.isArray(value)) {
    for (const item of value) valuesByField(schema, type, item, into);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, inner] of Object.entries(value)) {
    const field = type.getFields()[key];
    if (field === undefined) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      const list = into.get(`${type.name}.${key}`) ?? [];
      list.push(inner);
      into.set(`${type.name}.${key}`, list);
    } else if (isObjectType(named)) valuesByField(schema, named, inner, into);
  }
}

