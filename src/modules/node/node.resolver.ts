import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { Public, requireRoles, Role } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { fromGlobalId, integerKeyOf } from "../../lib/global-id.js";
import { InvalidIdError } from "../../lib/errors.js";
import { parsePin } from "../../lib/scalars.js";
import { findScopedPickupLocation } from "../pickup-location/pickup-location.resolver.js";
import { withinCircleScope } from "../shipment/shipment.resolver.js";
import { Node, type TypedRow } from "./node.type.js";
import type { InputDeclarations } from "../access/access.inputs.js";

type Fetch = (key: string, id: string, ctx: Context) => Promise<object | null>;

// Every type with a global id, and how to load one by its key (through the request's loaders).
const FETCHERS: Record<string, Fetch> = {
  PostOffice: (_, id, ctx) => ctx.loaders.postOfficeById.load(integerKeyOf(id, "PostOffice")),
  Pincode: (key, id, ctx) => {
    try {
      return ctx.loaders.pincodeByCode.load(parsePin(key));
    } catch {
      throw new InvalidIdError("id", id, "Pincode");
    }
  },
  Circle: (_, id, ctx) => ctx.loaders.circleById.load(integerKeyOf(id, "Circle")),
  Region: (_, id, ctx) => ctx.loaders.regionById.load(integerKeyOf(id, "Region")),
  Division: (_, id, ctx) => ctx.loaders.divisionById.load(integerKeyOf(id, "Division")),
  PickupLocation: (_, id, ctx) => {
    // Pickup locations are partnership data, not the public directory: same rule as Query.pickupLocation.
    requireRoles(ctx.viewer, [], "Query.node(PickupLocation)");
    return findScopedPickupLocation(ctx, integerKeyOf(id, "PickupLocation"));
  },
  // Partnership data is not public: the same rules as the root fields that return it.
  Shipment: async (_, id, ctx) => {
    requireRoles(ctx.viewer, [], "Query.node(Shipment)");
    const row = await ctx.loaders.shipmentById.load(integerKeyOf(id, "Shipment"));
    return row !== null && (await withinCircleScope(row, ctx)) ? row : null;
  },
  ScanEvent: async (_, id, ctx) => {
    requireRoles(ctx.viewer, [], "Query.node(ScanEvent)");
    const event = await ctx.loaders.scanEventById.load(integerKeyOf(id, "ScanEvent"));
    const shipment = event === null ? null : await ctx.loaders.shipmentById.load(event.shipmentId);
    return shipment !== null && (await withinCircleScope(shipment, ctx)) ? event : null;
  },
  CodRemittance: (_, id, ctx) => {
    requireRoles(ctx.viewer, [Role.FINANCE], "Query.node(CodRemittance)");
    return ctx.loaders.remittanceById.load(integerKeyOf(id, "CodRemittance"));
  },
  // Reviews are read by analysts, as Query.quarterlyReview.
  QuarterlyReview: (_, id, ctx) => {
    requireRoles(ctx.viewer, [Role.ANALYST], "Query.node(QuarterlyReview)");
    return ctx.loaders.reviewById.load(integerKeyOf(id, "QuarterlyReview"));
  },
  ReviewActionItem: (_, id, ctx) => {
    requireRoles(ctx.viewer, [Role.ANALYST], "Query.node(ReviewActionItem)");
    return ctx.loaders.actionItemById.load(integerKeyOf(id, "ReviewActionItem"));
  },
};

@Resolver()
export class NodeResolver {
  @Public()
  @Query(() => Node, {
    nullable: true,
    description: "Any object by its global id (Relay's node interface); null when no such object exists.",
  })
  async node(@Arg("id", () => ID, { description: "A global id from any type's `id` field." }) id: string, @Ctx() ctx: Context) {
    const { typeName, key } = fromGlobalId(id);
    const fetch = FETCHERS[typeName];
    if (fetch === undefined) throw new InvalidIdError("id", id);
    const row = await fetch(key, id, ctx);
    return row === null ? null : ({ ...row, __typename: typeName } satisfies TypedRow);
  }
}

/** node(id:) selects by id; the type an id names brings its own rule (above). */
export const nodeInputAccess: InputDeclarations = {
  "Query.node(id:)": "Node.id",
};
