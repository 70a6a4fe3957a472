import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { FiscalQuarterScalar } from "../../lib/fiscal-quarter.js";
import { renamedTo } from "../../lib/renamed.js";
import { DateScalar, DateTimeScalar } from "../../lib/scalars.js";

export enum CoverageLevel {
  NATIONAL = "NATIONAL",
  ZONE = "ZONE",
  CIRCLE = "CIRCLE",
  STATE = "STATE",
  DISTRICT = "DISTRICT",
}
registerEnumType(CoverageLevel, {
  name: "CoverageLevel",
  description:
    "The areas coverage is counted in. CIRCLE, STATE and DISTRICT follow each PIN's derived primary circle, state and district " +
    "(those of its delivery office: a PIN is not a state, see Pincode.primaryState), so every PIN is counted in exactly one " +
    "area and the areas of a level add up to the national figures. Army Postal locations are an area of their own " +
    '("Army Postal Service"; zone "9" at ZONE level).',
  valuesConfig: {
    NATIONAL: { description: "One area: India." },
    ZONE: { description: "The postal zone: a PIN's first digit, 1 to 9." },
    CIRCLE: { description: "The PIN's primary postal circle." },
    STATE: { description: "The PIN's primary state or union territory." },
    DISTRICT: { description: "The PIN's primary state and district, written 'State / District'." },
  },
});

export enum ServiceabilityChannel {
  INDIA_POST = "INDIA_POST",
  ARMY_POSTAL_SERVICE = "ARMY_POSTAL_SERVICE",
}
registerEnumType(ServiceabilityChannel, {
  name: "ServiceabilityChannel",
  description: "Through which network Amazon delivers to a PIN via India Post.",
  valuesConfig: {
    INDIA_POST: { description: "India Post's delivery offices: every civilian PIN." },
    ARMY_POSTAL_SERVICE: { description: "The Army Postal Service, via 56 APO or 99 APO: Army locations (zone-9 PINs) only." },
  },
});

@ObjectType("Ratio", {
  description:
    "A share, with the counts it is made of so it can be re-aggregated: percent = 100 × numerator ÷ denominator, from 0 to 100, " +
    "the scale of PERCENT KPIs (Metric.value).",
})
export class Ratio {
  @Field(() => Float, { description: "The count on top." })
  numerator!: number;

  @Field(() => Float, { description: "The count underneath." })
  denominator!: number;

  @Field(() => Float, { nullable: true, description: "100 × numerator ÷ denominator: a percentage from 0 to 100; null when the denominator is 0." })
  percent!: number | null;

  // A fraction, where every other share of the schema is a percentage: kept one release for the dashboards reading it.
  @Field(() => Float, {
    nullable: true,
    deprecationReason: "Use percent (0 to 100): shares are percentages throughout the schema; this field goes in the next release.",
    description: "numerator ÷ denominator as a fraction, 0 to 1; null when the denominator is 0.",
  })
  value!: number | null;

  @Field(() => String, { description: "What is divided by what." })
  definition!: string;
}

export function ratio(numerator: number, denominator: number, definition: string): Ratio {
  const value = denominator === 0 ? null : numerator / denominator;
  return Object.assign(new Ratio(), { numerator, denominator, percent: denominator === 0 ? null : (100 * numerator) / denominator, value, definition });
}

@ObjectType("CoverageArea", {
  description:
    "The partnership's reach in one area. Counts of PINs are of the post-office directory's PIN areas; deliveries come from " +
    "the per-PIN, per-quarter rollup kept current as shipments are delivered.",
})
export class CoverageArea {
  @Field(() => String, { description: "The area: 'India', a zone digit, a circle, a state, 'State / District', or 'Army Postal Service'." })
  area!: string;

  @Field(() => Int, { description: "PINs of the directory in the area." })
  pinsTotal!: number;

  @Field(() => Int, {
    description:
      "PINs that can be delivered to: at least one of their offices is a delivery office. A PIN whose offices are all non-delivery " +
      "never counts; a PIN whose offices' delivery status the directory does not record counts (and is also in pinsDeliveryStatusUnknown).",
  })
  pinsDeliverable!: number;

  @Field(() => Int, { description: "PINs none of whose offices has a recorded delivery status (the npm directory records none)." })
  pinsDeliveryStatusUnknown!: number;

  @Field(() => Int, { description: "Deliverable PINs Amazon marks serviceable through India Post on `asOf`." })
  pinsServiceable!: number;

  @Field(() => Int, { description: "PINs with at least one delivery to the addressee in the quarter (IST)." })
  pinsActive!: number;

  @Field(() => Int, { description: "Post offices of all kinds in the serviceable PINs." })
  officesInServiceablePins!: number;

  @Field(() => Int, { description: "Delivery offices in the serviceable PINs (where the directory records delivery status)." })
  deliveryOfficesInServiceablePins!: number;

  @Field(() => Int, { description: "Army Postal locations marked serviceable (channel ARMY_POSTAL_SERVICE) on `asOf`; counted beside PINs, never as PINs." })
  armyLocationsServed!: number;

  @Field(() => Int, { description: "Of them, those with at least one delivery in the quarter." })
  armyLocationsActive!: number;

  @Field(() => Int, { description: "PINs in at least one remote class (see remoteClasses)." })
  remotePinsTotal!: number;

  @Field(() => Int, { description: "Remote PINs that are serviceable on `asOf`." })
  remotePinsServed!: number;

  @Field(() => Int, { description: "Shipments delivered to the addressee in the quarter to the area's PINs and Army locations." })
  shipmentsDelivered!: number;

  @Field(() => Ratio, { description: "Share served: pinsServiceable ÷ pinsDeliverable, in percent (0 to 100)." })
  shareServed!: Ratio;

  @Field(() => Ratio, { description: "Share active: pinsActive ÷ pinsServiceable, in percent (0 to 100)." })
  shareActive!: Ratio;
}

@ObjectType("CoverageReport", { description: "Coverage per area at one level, on one day (serviceability) and in one quarter (deliveries)." })
export class CoverageReport {
  @Field(() => CoverageLevel, { description: "The level the areas are of." })
  level!: CoverageLevel;

  @Field(() => DateScalar, { description: "The day serviceability is read on (IST)." })
  asOf!: string;

  @Field(() => FiscalQuarterScalar, { description: "The quarter deliveries are counted in." })
  quarter!: string;

  @Field(() => [CoverageArea], { description: "One row per area, by area name." })
  areas!: CoverageArea[];
}

@ObjectType("Serviceability", { description: "One period in which Amazon marks a PIN (or Army location) serviceable through India Post." })
export class Serviceability {

  @Field(() => ServiceabilityChannel, { description: "The delivering network." })
  channel!: string;

  @Field(() => DateScalar, { description: "First day serviceable (inclusive)." })
  validFrom!: string;

  @Field(() => DateScalar, { nullable: true, description: "Last day serviceable (inclusive); null while open-ended." })
  validTo!: string | null;

  @Field(() => Boolean, { description: "True when the demo generator made this period: synthetic data." })
  synthetic!: boolean;
}

@ObjectType("PinCoverage", { description: "One PIN's coverage: serviceability on a day and deliveries in a quarter." })
export class PinCoverage {
  @Field(() => Boolean, { description: "Serviceable on the day asked about." })
  serviceable!: boolean;

  @Field(() => DateScalar, {
    nullable: true,
    description: "First day of the serviceability period in force that day (IST calendar day, inclusive); null when not serviceable.",
  })
  serviceableFrom!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Last day of that period (IST calendar day, inclusive); null when open-ended or not serviceable.",
  })
  serviceableTo!: string | null;

  @Field(() => DateScalar, { nullable: true, deprecationReason: renamedTo("serviceableFrom"), description: "The old name of serviceableFrom." })
  serviceableSince!: string | null;

  @Field(() => DateScalar, { nullable: true, deprecationReason: renamedTo("serviceableTo"), description: "The old name of serviceableTo." })
  serviceableUntil!: string | null;

  @Field(() => ServiceabilityChannel, { nullable: true, description: "The channel of that period; null when not serviceable." })
  channel!: string | null;

  @Field(() => FiscalQuarterScalar, { description: "The quarter the delivery counts are for." })
  quarter!: string;

  @Field(() => Boolean, { description: "At least one delivery to the addressee in the quarter." })
  activeInQuarter!: boolean;

  @Field(() => Int, { description: "Shipments delivered to the addressee in the quarter." })
  shipmentsDelivered!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "The first delivery to this PIN ever recorded; null when none." })
  firstDeliveredAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The latest delivery to this PIN; null when none." })
  lastDeliveredAt!: Date | null;
}

@ObjectType("RemoteClass", {
  description:
    "A class of remote or restricted areas, kept as data (table remote_class_rule): a PIN is in a class when its primary state, " +
    "its primary district or its PIN prefix matches one of the class's rules.",
})
export class RemoteClass {
  @Field(() => String, { description: "Stable code, e.g. NORTH_EAST." })
  code!: string;

  @Field(() => String, { description: "Name." })
  name!: string;

  @Field(() => String, { description: "What the class covers and why it matters to delivery." })
  description!: string;

  @Field(() => [String], { description: "The rules, written KIND:value (STATE:Ladakh, DISTRICT:Jammu & Kashmir/Kishtwar, PIN_PREFIX:744)." })
  rules!: string[];
}

@ObjectType("SetServiceabilityPayload", { description: "What setServiceability did. Counts add up to the number of entries sent." })
export class SetServiceabilityPayload {
  @Field(() => Int, { description: "New periods stored." })
  created!: number;

  @Field(() => Int, { description: "Stored periods (same PIN and first day) whose last day or channel changed." })
  updated!: number;

  @Field(() => Int, { description: "Entries equal to a stored period: nothing written." })
  unchanged!: number;

  @Field(() => [Serviceability], { description: "The periods as stored, in input order." })
  entries!: Serviceability[];
}

@ObjectType("NearbyOffice", { description: "A delivery office near a point, with the distance between the PINs' coordinates." })
export class NearbyOffice {
  @Field(() => Float, {
    description: "Great-circle distance in km between the two PINs' coordinates (one point per PIN, approximate; 0 within the same PIN).",
  })
  distanceKm!: number;
}
