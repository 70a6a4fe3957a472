import { GraphQLScalarType, Kind, valueFromASTUntyped } from "graphql";
import { createUnionType, Field, ObjectType } from "type-graphql";
import { BadUserInputError } from "../../lib/errors.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import { Pincode } from "../pincode/pincode.type.js";
import { PostOffice } from "../post-office/post-office.type.js";
import { Shipment } from "../shipment/shipment.type.js";

/*
 * The Apollo Federation 2 subgraph fields (https://www.apollographql.com/docs/graphos/reference/federation/subgraph-spec):
 * `_service` and `_entities`, with the names and shapes the spec fixes. They are built here by type-graphql, beside the
 * rest of the schema, rather than by @apollo/subgraph's buildSubgraphSchema: that rebuilds the schema from printed SDL,
 * which would drop what our schema carries besides its SDL (the access marks and input rules on fields, arguments and
 * enum values, the cost estimates, the scalars' parsing) and that every plugin reads.
 */

/** A representation as the router sends it: the type's name and the fields of one of its @key field sets. */
export interface EntityRepresentation {
  readonly __typename: string;
  readonly [field: string]: unknown;
}

function parseRepresentation(value: unknown): EntityRepresentation {
  if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as { __typename?: unknown }).__typename !== "string") {
    throw new BadUserInputError(`A representation must be an object with a string __typename and the fields of the type's @key; got ${JSON.stringify(value)}.`, {
      field: "representations",
    });
  }
  return value as EntityRepresentation;
}

export const AnyScalar = new GraphQLScalarType<EntityRepresentation, never>({
  name: "_Any",
  description:
    "Apollo Federation: an entity representation, a JSON object with `__typename` (one of the `_Entity` types) and the " +
    "fields of that type's @key, e.g. {\"__typename\": \"Pincode\", \"code\": \"194401\"} or {\"__typename\": \"Shipment\", " +
    "\"trackingNumber\": \"EE123456785IN\", \"bookingDate\": \"2025-07-14\"}. Sent by a federation router, not by people.",
  serialize: () => {
    throw new Error("_Any is an input type only.");
  },
  parseValue: parseRepresentation,
  parseLiteral: (ast, variables) => {
    if (ast.kind !== Kind.OBJECT) throw new BadUserInputError("A representation must be an object literal.", { field: "representations" });
    return parseRepresentation(valueFromASTUntyped(ast, variables));
  },
});

export const EntityUnion = createUnionType({
  name: "_Entity",
  description:
    "Apollo Federation: every type another subgraph may reference by its @key and extend: PostOffice (id), Pincode " +
    "(code), PickupLocation (code) and Shipment (trackingNumber and bookingDate).",
  types: () => [PostOffice, Pincode, PickupLocation, Shipment] as const,
  // @apollo/subgraph's entitiesResolver tags each entity it resolves with the representation's __typename.
  resolveType: (value) => (value as { __typename?: string }).__typename,
});

@ObjectType("_Service", { description: "Apollo Federation: what a router needs to know about this subgraph." })
export class FederationService {
  @Field(() => String, {
    description:
      "This subgraph's schema as federation SDL: the schema with its @link to the federation 2 spec and the @key of each " +
      "entity type, as committed in schema/subgraph.graphql. Composition tools (rover, @apollo/composition) read it.",
  })
  sdl!: string;
}
