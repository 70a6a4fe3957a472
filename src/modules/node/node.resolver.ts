import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { fromGlobalId, integerKeyOf } from "../../lib/global-id.js";
import { InvalidIdError } from "../../lib/errors.js";
import { parsePin } from "../../lib/scalars.js";
import { Node, type TypedRow } from "./node.type.js";

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
  PickupLocation: (_, id, ctx) => ctx.loaders.pickupLocationById.load(integerKeyOf(id, "PickupLocation")),
  Shipment: (_, id, ctx) => ctx.loaders.shipmentById.load(integerKeyOf(id, "Shipment")),
  ScanEvent: (_, id, ctx) => ctx.loaders.scanEventById.load(integerKeyOf(id, "ScanEvent")),
  CodRemittance: (_, id, ctx) => ctx.loaders.remittanceById.load(integerKeyOf(id, "CodRemittance")),
};

@Resolver()
export class NodeResolver {
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
