import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { FiscalQuarterScalar } from "../../lib/fiscal-quarter.js";
import { DateScalar, PinScalar } from "../../lib/scalars.js";

export enum CoverageMapClass {
  ACTIVE = "ACTIVE",
  SERVED = "SERVED",
  NOT_SERVED = "NOT_SERVED",
  HIDDEN = "HIDDEN",
}
registerEnumType(CoverageMapClass, {
  name: "CoverageMapClass",
  description: "A PIN's class on the coverage map, from its coverage (Pincode.coverage) for the map's day and quarter.",
  valuesConfig: {
    ACTIVE: { description: "At least one shipment was delivered to the PIN in the quarter (PinCoverage.activeInQuarter)." },
    SERVED: { description: "Serviceable on `asOf` (PinCoverage.serviceable), with no delivery in the quarter." },
    NOT_SERVED: { description: "Neither serviceable on `asOf` nor delivered to in the quarter." },
    HIDDEN: {
      description:
        "The viewer may not read this PIN's coverage: its primary circle is not the circle the viewer's key is limited to " +
        "(Pincode.coverage is null there too). Its code, centroid and circle are directory facts, given as for any PIN.",
    },
  },
});

@ObjectType("CoverageMap", {
  description:
    "Every PIN the coverage map can draw, as parallel lists: entry i of `codes`, `latitudes`, `longitudes`, `circleIndexes` " +
    "and `classes` is the same PIN, PINs in code order. The PINs are those with usable coordinates (coordinateQuality " +
    "IN_INDIA, SWAPPED_CORRECTED or GEONAMES) outside zone 9 (Army Postal locations have no centroid; count them with " +
    "pincodes(where: { isArmyPostal: { eq: true } })): what pincodes with the same coordinateQuality filter, zone by zone, " +
    "gives with each PIN's location, primaryCircle and coverage, in one answer of about 37 bytes of JSON a PIN instead of pages.",
})
export class CoverageMap {
  @Field(() => FiscalQuarterScalar, { description: "The quarter deliveries are counted in (ACTIVE)." })
  quarter!: string;

  @Field(() => DateScalar, { description: "The IST day serviceability is read on (SERVED)." })
  asOf!: string;

  @Field(() => Int, { description: "How many PINs the lists hold (the length of each per-PIN list)." })
  count!: number;

  @Field(() => [String], { description: "The postal circles of the PINs, by name in alphabetical order: what `circleIndexes` point into." })
  circles!: string[];

  @Field(() => [PinScalar], { description: "Per PIN: its code, ascending." })
  codes!: string[];

  @Field(() => [Float], {
    description:
      "Per PIN: the latitude of its centroid in degrees north (as Pincode.location), rounded to 4 decimals: 0.0001° is about 11 m, " +
      "far finer than a PIN area's approximate centre.",
  })
  latitudes!: number[];

  @Field(() => [Float], {
    description:
      "Per PIN: the longitude of its centroid in degrees east (as Pincode.location), rounded to 4 decimals: at most about 11 m.",
  })
  longitudes!: number[];

  @Field(() => [Int], {
    nullable: "items",
    description: "Per PIN: the index (from 0) in `circles` of its derived primary circle (Pincode.primaryCircle); null when it has none.",
  })
  circleIndexes!: (number | null)[];

  @Field(() => [CoverageMapClass], { description: "Per PIN: its class on the map for `asOf` and `quarter`." })
  classes!: CoverageMapClass[];
}
