import { Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { ATTRIBUTION_TEXT } from "../../server/attribution.js";
import { Restricted } from "../access/access.roles.js";
import { countRowOrigins } from "./provenance.repository.js";

@ObjectType("RowOrigin", { description: "How many rows of one kind of partnership data are real and how many synthetic." })
class RowOrigin {
  @Field(() => String, { description: "What the rows are: pickup locations, shipments, COD remittances, serviceability periods, KPI targets, quarterly reviews or review action items." })
  kind!: string;

  @Field(() => Int, { description: "Rows recorded through the mutations or the importers: the partners' own data." })
  real!: number;

  @Field(() => Int, { description: "Rows made by `dakgraph seed demo`: synthetic, never the partners' data." })
  synthetic!: number;
}

@ObjectType("DataProvenance", {
  description:
    "Where the graph's data comes from. Dashboards and the quarterly report show a 'synthetic data' banner whenever " +
    "`containsSyntheticData` is true.",
})
class DataProvenance {
  @Field(() => Boolean, { description: "True when any partnership row was made by the demo generator: figures then describe synthetic data." })
  containsSyntheticData!: boolean;

  @Field(() => [RowOrigin], { description: "Real and synthetic row counts per kind of partnership data." })
  rows!: RowOrigin[];

  @Field(() => String, { description: "The open-data attribution of the post-office directory (real data, GODL-India) and of the GeoNames PIN positions (CC BY 4.0)." })
  directoryAttribution!: string;
}

@Resolver()
export class ProvenanceResolver {
  @Restricted()
  @Query(() => DataProvenance, { description: "Real versus synthetic data in the graph, and the directory's attribution. One statement." })
  async dataProvenance(@Ctx() ctx: Context): Promise<DataProvenance> {
    const rows = await countRowOrigins(ctx.database.db);
    const origins = rows.map((r) => Object.assign(new RowOrigin(), { kind: r.kind, real: Number(r.real), synthetic: Number(r.synthetic) }));
    return Object.assign(new DataProvenance(), {
      containsSyntheticData: origins.some((o) => o.synthetic > 0),
      rows: origins,
      directoryAttribution: ATTRIBUTION_TEXT,
    });
  }
}
