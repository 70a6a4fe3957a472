import { Field, Int, ObjectType } from "type-graphql";
import { DateScalar } from "../../lib/scalars.js";

@ObjectType("Product", {
  description:
    "An India Post product that carries Amazon parcels, from a code list with the days each is offered (e.g. Speed Post " +
    "until 15 Dec 2024, then Speed Post Document / Speed Post Parcel). A shipment stores the product of its booking; " +
    "the tracking number's prefix is only a hint.",
})
export class Product {
  @Field(() => String, { description: "Stable product code, e.g. 'SPEED_POST', 'INDIA_POST_PARCEL'." })
  code!: string;

  @Field(() => String, { description: "Product name as India Post sells it." })
  name!: string;

  @Field(() => String, { description: "What the product is." })
  description!: string;

  // Named validFrom/validTo in the schema (docs/ARCHITECTURE.md, Naming); the deprecated effectiveFrom/effectiveTo
  // resolve from the same columns in product.resolver.ts.
  @Field(() => DateScalar, {
    name: "validFrom",
    nullable: true,
    description: "First day offered (IST calendar day, inclusive); null when it predates the data dakgraph holds.",
  })
  effectiveFrom!: string | null;

  @Field(() => DateScalar, { name: "validTo", nullable: true, description: "Last day offered (IST calendar day, inclusive); null while offered." })
  effectiveTo!: string | null;

  @Field(() => Int, { nullable: true, description: "Minimum weight per article, in grams; null where none is recorded." })
  minWeightGrams!: number | null;

  @Field(() => Int, { nullable: true, description: "Maximum weight per article, in grams (Speed Post: 35,000); null where not recorded." })
  maxWeightGrams!: number | null;
}
