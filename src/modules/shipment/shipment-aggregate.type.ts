import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { DateScalar } from "../../lib/scalars.js";
import { Restricted, Role } from "../access/access.roles.js";
import { kpiDefinition, KpiKey, METRIC_UNIT_DESCRIPTIONS } from "../kpi/kpi.definitions.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import { AggregateGranularity } from "../../lib/aggregate-groups.js";
import { AggregateMeasure } from "./shipment-aggregate.rules.js";
import { PaymentMode, RouteClass, ShipmentStatus } from "./shipment.type.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";

registerEnumType(AggregateGranularity, {
  name: "AggregateGranularity",
  description: "A calendar period a time dimension groups by, on the IST calendar (UTC+05:30).",
  valuesConfig: {
    DAY: { description: "The IST calendar day." },
    WEEK: { description: "The ISO 8601 week, Monday to Sunday (IST); labelled like 2024-W40 (the year of its Thursday)." },
    MONTH: { description: "The calendar month (IST); labelled like 2024-10." },
    FISCAL_QUARTER: { description: "India's fiscal quarter (Q1 April–June … Q4 January–March, IST); labelled like FY2024-25-Q3." },
    FISCAL_YEAR: { description: "India's fiscal year, 1 April to 31 March (IST); labelled like FY2024-25." },
  },
});

/** The KPI's own definition, so the schema says what each measure is in the KPIs' words. */
const kpiText = (key: AggregateMeasure) => {
  const d = kpiDefinition(KpiKey[key]);
  return `${d.name} (KPI ${d.key}, unit ${d.unit}: ${METRIC_UNIT_DESCRIPTIONS[d.unit]}) ${d.definition}`;
};

const EVENT_TEXT: Record<AggregateMeasure, string> = {
  BOOKED_VOLUME: "Counted over the group's shipments; equals the KPI when grouped by BOOKED_AT FISCAL_QUARTER, or by no time.",
  DELIVERED_VOLUME: "Counted over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  ON_TIME_DELIVERY: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  FIRST_ATTEMPT_DELIVERY: "Over the group's shipments with an attempt; equals the KPI summed over quarters when grouped by no time.",
  FAILED_ATTEMPT_RATE: "Over the group's shipments with an attempt; equals the KPI summed over quarters when grouped by no time.",
  TRANSIT_DAYS_MEAN: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  TRANSIT_DAYS_P50: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  TRANSIT_DAYS_P90: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  TRANSIT_DAYS_P95: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
  RETURN_TO_ORIGIN: "Over the group's shipments in a final state; equals the KPI when grouped by BOOKED_AT FISCAL_QUARTER, or by no time.",
  COD_COLLECTED: "Over the group's delivered shipments; equals the KPI when grouped by DELIVERED_AT FISCAL_QUARTER, or by no time.",
};

export const measureDescription = (key: AggregateMeasure) => `${kpiText(key)} ${EVENT_TEXT[key]}`;

registerEnumType(AggregateMeasure, {
  name: "ShipmentAggregateMeasure",
  description: "A measure of shipmentAggregates, for having and orderBy: each one a KPI (kpiDefinitions), by the KPI's key. Compared by its value.",
  valuesConfig: Object.fromEntries(Object.values(AggregateMeasure).map((m) => [m, { description: measureDescription(m) }])),
});

@ObjectType("AggregatePeriod", { description: "The calendar period of a time grouping, IST days, first and last included." })
export class AggregatePeriod {
  @Field(() => AggregateGranularity, { description: "The period's kind." })
  granularity!: AggregateGranularity;

  @Field(() => DateScalar, { description: "Its first IST day." })
  start!: string;

  @Field(() => DateScalar, { description: "Its last IST day (inclusive)." })
  end!: string;

  @Field(() => String, { description: "Its name: 2024-10-01 (day), 2024-W40 (ISO week), 2024-10 (month), FY2024-25-Q3 (fiscal quarter), FY2024-25 (fiscal year)." })
  label!: string;
}

@ObjectType("AggregateFigure", {
  description:
    "A measure of one group, as a KPI Metric carries it: the value, and the numerator and denominator it is computed from " +
    "(null where the KPI has none). The unit is the KPI's (the measure's description names it): SHIPMENTS counts, PERCENT " +
    "0 to 100, DAYS, RUPEES.",
})
export class AggregateFigure {
  @Field(() => Float, { nullable: true, description: "The figure in the KPI's unit; null when its denominator is 0." })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: "What the value is computed from: the numerator (shipments, days or rupees), when the KPI has one." })
  numerator!: number | null;

  @Field(() => Float, { nullable: true, description: "The denominator (shipments), when the KPI has one." })
  denominator!: number | null;
}

const key = (dimension: string, what: string) => `${what}, when grouped by ${dimension}; null otherwise.`;
const measure = (m: AggregateMeasure) => ({ nullable: true, description: measureDescription(m) });

@ObjectType("ShipmentAggregate", {
  description:
    "One group of shipmentAggregates: the keys of the dimensions grouped by (the others null) and the measures asked for " +
    "(only those selected, or named in having or orderBy, are computed).",
})
export class ShipmentAggregate {
  @Field(() => String, { nullable: true, description: key("DESTINATION_CIRCLE", "The destination PIN's primary postal circle; 'Army Postal Service' for Army Postal destinations, '(no circle)' for a PIN without one") })
  destinationCircle!: string | null;

  @Field(() => String, { nullable: true, description: key("DESTINATION_STATE or DESTINATION_DISTRICT", "The destination PIN's derived primary state; 'Army Postal Service' for Army Postal destinations") })
  destinationState!: string | null;

  @Field(() => String, { nullable: true, description: key("DESTINATION_DISTRICT", "The destination PIN's derived primary district (grouped within its state: destinationState says which)") })
  destinationDistrict!: string | null;

  @Field(() => String, { nullable: true, description: key("DESTINATION_PINCODE", "The destination PIN; Army Postal PINs only for ARMY_POSTAL viewers, grouped under null for others") })
  destinationPincode!: string | null;

  @Field(() => String, { nullable: true, description: key("PRODUCT", "The product code") })
  productCode!: string | null;

  @Field(() => PaymentMode, { nullable: true, description: key("PAYMENT_MODE", "PREPAID or COD") })
  paymentMode!: string | null;

  @Field(() => RouteClass, { nullable: true, description: key("ROUTE_CLASS", "The service-norm route class fixed at booking") })
  routeClass!: string | null;

  @Field(() => ShipmentStatus, { nullable: true, description: key("STATUS", "The normalised status now") })
  status!: string | null;

  @Field(() => String, { nullable: true, description: key("REMOTE_CLASS", "The destination's remote class code (remoteClasses; the first by code when rules put a PIN in several); null within that grouping for a destination in none") })
  remoteClass!: string | null;

  @Field(() => AggregatePeriod, { nullable: true, description: key("BOOKED_AT", "The IST period of booking") })
  bookedAt!: AggregatePeriod | null;

  @Field(() => AggregatePeriod, { nullable: true, description: key("DELIVERED_AT", "The IST period of delivery to the addressee") })
  deliveredAt!: AggregatePeriod | null;

  @Field(() => PickupLocation, { nullable: true, description: key("PICKUP_LOCATION", "The pickup location the shipments were booked at") })
  pickupLocation!: PickupLocationRow | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.BOOKED_VOLUME))
  bookedVolume!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.DELIVERED_VOLUME))
  deliveredVolume!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.ON_TIME_DELIVERY))
  onTimeDelivery!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.FIRST_ATTEMPT_DELIVERY))
  firstAttemptDelivery!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.FAILED_ATTEMPT_RATE))
  failedAttemptRate!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.TRANSIT_DAYS_MEAN))
  transitDaysMean!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.TRANSIT_DAYS_P50))
  transitDaysP50!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.TRANSIT_DAYS_P90))
  transitDaysP90!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.TRANSIT_DAYS_P95))
  transitDaysP95!: AggregateFigure | null;

  @Field(() => AggregateFigure, measure(AggregateMeasure.RETURN_TO_ORIGIN))
  returnToOrigin!: AggregateFigure | null;

  // COD money is FINANCE's at every scope, as the KPI COD_COLLECTED and Shipment.codAmount are.
  @Restricted(Role.FINANCE)
  @Field(() => AggregateFigure, measure(AggregateMeasure.COD_COLLECTED))
  codCollected!: AggregateFigure | null;
}

