import { Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { isAuthenticated, Public } from "./access.roles.js";
import { ViewerInfo } from "./access.type.js";

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Public()
  @Query(() => ViewerInfo, { description: "Who am I: the organisation, roles and circle behind this request's credentials." })
  viewer(@Ctx() ctx: Context): ViewerInfo {
    const { viewer } = ctx;
    return {
      authenticated: isAuthenticated(viewer),
      kind: viewer.kind,
      name: viewer.name,
      organisation: viewer.organisation,
      roles: [...viewer.roles],
      circle: viewer.circle,
    };
  }
}
