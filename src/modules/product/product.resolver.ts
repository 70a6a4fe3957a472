import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { Public } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { DateScalar } from "../../lib/scalars.js";
import { findProducts } from "./product.repository.js";
import type { ProductRow } from "./product.sql.js";
import { Product } from "./product.type.js";
import type { InputDeclarations } from "../access/access.inputs.js";

@Resolver(() => Product)
export class ProductResolver {
  @Public()
  @Query(() => [Product], { description: "The product code list, by code; with `activeOn`, only products offered that day." })
  products(
    @Arg("activeOn", () => DateScalar, { nullable: true, description: "A day: only products offered on it. Omitted: all." })
    activeOn: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProductRow[]> {
    return findProducts(ctx.database.db, activeOn ?? null);
  }
}

/** What each product input selects rows by (access.inputs.ts). */
export const productInputAccess: InputDeclarations = {
  "Query.products(activeOn:)": "Product.effectiveFrom",
};
