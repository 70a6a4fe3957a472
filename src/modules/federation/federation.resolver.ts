import { entitiesResolver } from "@apollo/subgraph";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import type { InputDeclarations } from "../access/access.inputs.js";
import { Public } from "../access/access.roles.js";
import { AnyScalar, EntityUnion, type EntityRepresentation, FederationService } from "./federation.type.js";
import { printSubgraphSdl } from "./federation.sdl.js";

@Resolver()
export class FederationResolver {
  // Each type's own rule applies per representation (federation.references.ts); the directory types are public.
  @Public()
  @Query(() => [EntityUnion], {
    nullable: "items",
    description:
      "Apollo Federation: the entities a router names by their @key, in the order given; an entity that does not exist " +
      "(or lies outside the viewer's postal circle) is null, and one the viewer may not read is null with its error at " +
      "its index. Each type needs the rights of its root field (PostOffice and Pincode: public; PickupLocation and " +
      "Shipment: any authenticated viewer), and each field its own. Read through the request's loaders: one statement " +
      "per type however many representations.",
  })
  _entities(
    @Arg("representations", () => [AnyScalar], { description: "The entities wanted, each as its type's name and @key fields (see _Any); at most as many as the cost limit allows." })
    representations: EntityRepresentation[],
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): unknown[] {
    return entitiesResolver({ representations, context: ctx, info });
  }

  // The SDL tells no more than introspection does: the introspection plugin applies DAKGRAPH_INTROSPECTION to it too.
  @Public()
  @Query(() => FederationService, { description: "Apollo Federation: this subgraph's SDL, for composition into a supergraph." })
  _service(@Info() info: GraphQLResolveInfo): FederationService {
    return { sdl: printSubgraphSdl(info.schema) };
  }
}

/**
 * `_entities` selects by each type's @key, which names one entity as its global id does (every entity type is a Node),
 * and whose fields (PostOffice.id, Pincode.code, PickupLocation.code, Shipment.trackingNumber and bookingDate) are all
 * open to whoever reaches the type: as `node(id:)`, it mirrors Node.id, and the type a representation names brings its
 * own rule (federation.references.ts).
 */
export const federationInputAccess: InputDeclarations = {
  "Query._entities(representations:)": "Node.id",
};
