import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Public } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { eitherName, renamedTo } from "../../lib/renamed.js";
import { DateScalar } from "../../lib/scalars.js";
import { findProducts } from "./product.repository.js";
import type { ProductRow } from "./product.sql.js";
import { Product } from "./product.type.js";
import type { InputDeclarations } from "../access/access.inputs.js";

@Resolver(() => Product)
export class ProductResolver {
  @Public()
  @Query(() => [Product], { description: "The product code list, by code; with `asOf`, only products offered that day." })
  products(
    @Arg("asOf", () => DateScalar, { nullable: true, description: "An IST calendar day: only products offered on it. Omitted: all." })
    asOf: string | null,
    @Arg("activeOn", () => DateScalar, { nullable: true, deprecationReason: renamedTo("asOf"), description: "The old name of asOf." })
    activeOn: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProductRow[]> {
    return findProducts(ctx.database.db, eitherName<string>({ asOf, activeOn }, { current: "asOf", deprecated: "activeOn" }));
  }

  @FieldResolver(() => DateScalar, { name: "effectiveFrom", nullable: true, deprecationReason: renamedTo("validFrom"), description: "First day offered." })
  deprecatedEffectiveFrom(@Root() product: ProductRow): string | null {
    return product.effectiveFrom;
  }

  @FieldResolver(() => DateScalar, { name: "effectiveTo", nullable: true, deprecationReason: renamedTo("validTo"), description: "Last day offered (inclusive)." })
  deprecatedEffectiveTo(@Root() product: ProductRow): string | null {
    return product.effectiveTo;
  }
}

/** What each product input selects rows by (access.inputs.ts). */
export const productInputAccess: InputDeclarations = {
  "Query.products(asOf:)": "Product.validFrom",
  "Query.products(activeOn:)": "Product.validFrom",
};
