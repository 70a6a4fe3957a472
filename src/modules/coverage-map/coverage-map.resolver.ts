import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { type FiscalQuarter, FiscalQuarterScalar, formatFiscalQuarter, istDateOf, quarterEndDate } from "../../lib/fiscal-quarter.js";
import { DateScalar } from "../../lib/scalars.js";
import type { InputDeclarations } from "../access/access.inputs.js";
import { circleScope, Restricted } from "../access/access.roles.js";
import { findCoverageMapPins } from "./coverage-map.repository.js";
import { coverageMapLists } from "./coverage-map.rules.js";
import { CoverageMap, type CoverageMapClass } from "./coverage-map.type.js";

/**
 * The cost limit's estimate for the map: one row per PIN it can draw, rounded up from the directory's ~19,100 PINs
 * (the default cost model would count its lists of scalars as nothing). A tenth of DAKGRAPH_MAX_COST's default.
 */
export const COVERAGE_MAP_COST = 20_000;

@Resolver()
export class CoverageMapResolver {
  // Authenticated, as Pincode.coverage: the classes are coverage; a circle-limited key gets HIDDEN outside its circle.
  @Restricted()
  @Query(() => CoverageMap, {
    complexity: COVERAGE_MAP_COST,
    description:
      "The coverage map in one answer: every PIN with usable coordinates outside zone 9, with its centroid, primary circle and " +
      "class (ACTIVE, SERVED, NOT_SERVED; HIDDEN where the viewer may not read its coverage), as parallel lists. Read in one " +
      "statement; about 0.7 MB of JSON (37 bytes a PIN) for the directory's ~19,100 PINs.",
  })
  async coverageMap(
    @Arg("quarter", () => FiscalQuarterScalar, { description: "The fiscal quarter a delivery makes a PIN ACTIVE in." }) quarter: FiscalQuarter,
    @Arg("asOf", () => DateScalar, {
      nullable: true,
      description: "The IST day serviceability is read on (SERVED); default the quarter's last day, or today while the quarter runs.",
    })
    asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<CoverageMap> {
    const today = istDateOf(new Date());
    const end = quarterEndDate(quarter);
    const day = asOf ?? (end < today ? end : today);
    const q = formatFiscalQuarter(quarter);
    const lists = coverageMapLists(await findCoverageMapPins(ctx.database.db, day, q), circleScope(ctx.viewer));
    return Object.assign(new CoverageMap(), { quarter: q, asOf: day, count: lists.codes.length, ...lists, classes: lists.classes as CoverageMapClass[] });
  }
}

/** What each coverageMap argument selects by (access.inputs.ts). */
export const coverageMapInputAccess: InputDeclarations = {
  "Query.coverageMap(quarter:)": "CoverageMap.quarter",
  "Query.coverageMap(asOf:)": "CoverageMap.asOf",
};
