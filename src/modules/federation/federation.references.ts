import { type GraphQLSchema, isObjectType } from "graphql";
import type { ApolloGraphQLObjectTypeExtensions, GraphQLReferenceResolver } from "@apollo/subgraph";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import { integerKeyOf } from "../../lib/global-id.js";
import { parseTrackingNumber } from "../../lib/s10.js";
import { parseCalendarDate, parsePin } from "../../lib/scalars.js";
import { requireRoles } from "../access/access.roles.js";
import { scopedPickupLocation } from "../pickup-location/pickup-location.resolver.js";
import { withinCircleScope } from "../shipment/shipment.resolver.js";
import type { EntityRepresentation } from "./federation.type.js";

/** One key field of a representation, which the router always sends as its JSON value (a string for all of ours). */
function keyField(reference: EntityRepresentation, field: string): string {
  const value = reference[field];
  if (typeof value !== "string") {
    throw new BadUserInputError(`A ${reference.__typename} representation needs ${field} (a string, a field of its @key); got ${JSON.stringify(value ?? null)}.`, {
      field: `representations.${field}`,
      value: value ?? null,
    });
  }
  return value;
}

type Resolve = (reference: EntityRepresentation, ctx: Context) => Promise<object | null>;

/*
 * How `_entities` finds each entity type by its @key: through the request's loaders, so any number of representations of
 * a type cost one statement (per loader), and under the same rules as the root field that returns the type: the
 * directory is public (the `_entities` field is marked @Public, as `postOffices` and `pincode` are); pickup locations and
 * shipments need credentials (as `pickupLocation` and `shipment`) and read as null outside the viewer's circle. The
 * entity's fields then resolve through their own resolvers, with their own marks: a field denied through `shipment` is
 * denied through `_entities` with the same error.
 */
export const REFERENCE_RESOLVERS: Readonly<Record<string, Resolve>> = {
  PostOffice: (reference, ctx) => ctx.loaders.postOfficeById.load(integerKeyOf(keyField(reference, "id"), "PostOffice", "representations.id")),
  Pincode: (reference, ctx) => ctx.loaders.pincodeByCode.load(parsePin(keyField(reference, "code"))),
  PickupLocation: async (reference, ctx) => {
    requireRoles(ctx.viewer, [], "Query._entities(PickupLocation)");
    const code = keyField(reference, "code").trim().toUpperCase();
    return scopedPickupLocation(ctx, await ctx.loaders.pickupLocationByCode.load(code));
  },
  Shipment: async (reference, ctx) => {
    requireRoles(ctx.viewer, [], "Query._entities(Shipment)");
    const trackingNumber = parseTrackingNumber(keyField(reference, "trackingNumber"));
    const bookingDate = parseCalendarDate(keyField(reference, "bookingDate"), "representations.bookingDate");
    const row = await ctx.loaders.shipmentByTrackingKey.load({ trackingNumber, bookingDate });
    return row !== null && (await withinCircleScope(row, ctx)) ? row : null;
  },
};

/**
 * Puts each entity type's reference resolver where @apollo/subgraph's entitiesResolver looks for it (the type's
 * `apollo.subgraph.resolveReference` extension), as buildSubgraphSchema itself does. type-graphql offers no place for it.
 */
export function applyReferenceResolvers(schema: GraphQLSchema): void {
  for (const [name, resolve] of Object.entries(REFERENCE_RESOLVERS)) {
    const type = schema.getType(name);
    if (!isObjectType(type)) throw new Error(`The entity type ${name} is not in the schema.`);
    // Async, so a malformed key rejects only its own entry: a synchronous throw would fail the whole `_entities` list.
    const resolveReference: GraphQLReferenceResolver<Context> = async (reference, ctx) => resolve(reference as EntityRepresentation, ctx);
    const extensions = type.extensions as ApolloGraphQLObjectTypeExtensions;
    // graphql-js keeps a type's extensions as a plain object; the entities resolver reads it at execution.
    (type as { extensions: ApolloGraphQLObjectTypeExtensions }).extensions = { ...extensions, apollo: { ...extensions.apollo, subgraph: { resolveReference } } };
  }
}
