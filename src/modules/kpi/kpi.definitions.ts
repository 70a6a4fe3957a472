import { Role } from "../access/access.roles.js";

/*
 * The KPIs of the quarterly review (docs/DOMAIN-NOTES.md, "Fiscal quarters, KPIs and service norms"),
 * as data: the one place their names, units, direction and definitions are written. The schema's enum
 * descriptions, every Metric's `definition`, and the report's definitions section all read from here.
 */

export enum KpiKey {
  BOOKED_VOLUME = "BOOKED_VOLUME",
  DELIVERED_VOLUME = "DELIVERED_VOLUME",
  ON_TIME_DELIVERY = "ON_TIME_DELIVERY",
  FIRST_ATTEMPT_DELIVERY = "FIRST_ATTEMPT_DELIVERY",
  FAILED_ATTEMPT_RATE = "FAILED_ATTEMPT_RATE",
  TRANSIT_DAYS_MEAN = "TRANSIT_DAYS_MEAN",
  TRANSIT_DAYS_P50 = "TRANSIT_DAYS_P50",
  TRANSIT_DAYS_P90 = "TRANSIT_DAYS_P90",
  TRANSIT_DAYS_P95 = "TRANSIT_DAYS_P95",
  RETURN_TO_ORIGIN = "RETURN_TO_ORIGIN",
  COD_COLLECTED = "COD_COLLECTED",
  COD_REMITTED = "COD_REMITTED",
  COD_OUTSTANDING = "COD_OUTSTANDING",
  REMITTANCE_DAYS_MEAN = "REMITTANCE_DAYS_MEAN",
  REMITTANCE_DAYS_P90 = "REMITTANCE_DAYS_P90",
  REMITTANCE_WITHIN_CYCLE = "REMITTANCE_WITHIN_CYCLE",
  PICKUP_UTILISATION = "PICKUP_UTILISATION",
  SERVICEABLE_PINS = "SERVICEABLE_PINS",
  ACTIVE_PINS = "ACTIVE_PINS",
}

export enum MetricUnit {
  SHIPMENTS = "SHIPMENTS",
  PERCENT = "PERCENT",
  DAYS = "DAYS",
  RUPEES = "RUPEES",
  PINS = "PINS",
}

export const METRIC_UNIT_DESCRIPTIONS: Readonly<Record<MetricUnit, string>> = {
  SHIPMENTS: "A count of shipments (articles).",
  PERCENT: "A percentage from 0 to 100: 100 × numerator ÷ denominator.",
  DAYS: "Days; fractional where the KPI is a mean or measured in hours.",
  RUPEES: "Indian rupees (₹), exact to the paisa.",
  PINS: "A count of PIN codes.",
};

/** Which way is good, for attainment and for the report's movers and missed targets. */
export enum MetricDirection {
  HIGHER_IS_BETTER = "HIGHER_IS_BETTER",
  LOWER_IS_BETTER = "LOWER_IS_BETTER",
}

export interface KpiDefinition {
  readonly key: KpiKey;
  /** Short name for tables and charts. */
  readonly name: string;
  readonly unit: MetricUnit;
  readonly direction: MetricDirection;
  /** The formula, with numerator, denominator and the quarter the figure belongs to. */
  readonly definition: string;
  /** Scope kinds the KPI is defined for; others answer null with the reason in the definition. */
  readonly scopes: "ALL" | readonly string[];
  /**
   * Roles whose viewers may read its figures (ADMIN always); absent: whoever may read KPIs. For other
   * viewers value, numerator and denominator are null, at every scope (kpi.service.ts readableKpis).
   */
  readonly roles?: readonly Role[];
}

const AREA_SCOPES = ["NATIONAL", "CIRCLE", "STATE"] as const;

const D = (
  key: KpiKey,
  name: string,
  unit: MetricUnit,
  direction: MetricDirection,
  definition: string,
  scopes: KpiDefinition["scopes"] = "ALL",
): KpiDefinition => ({ key, name, unit, direction, definition, scopes });

const { HIGHER_IS_BETTER: UP, LOWER_IS_BETTER: DOWN } = MetricDirection;

/**
 * COD money and remittance timing are FINANCE's (the role that reads COD amounts and remittances), at
 * every scope: a national figure barely differs from the sum of a few pickup locations', and a location
 * or product with one COD shipment in a quarter would show that shipment's amount.
 */
const finance = (definition: KpiDefinition): KpiDefinition => ({ ...definition, roles: [Role.FINANCE] });

/** In the order the review presents them. */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  D(KpiKey.BOOKED_VOLUME, "Booked volume", MetricUnit.SHIPMENTS, UP, "Shipments booked in the quarter (IST booking time), whatever became of them, cancellations included."),
  D(KpiKey.DELIVERED_VOLUME, "Delivered volume", MetricUnit.SHIPMENTS, UP, "Shipments delivered to the addressee in the quarter (IST time of the delivery scan). Returns delivered back to the sender are not deliveries."),
  D(
    KpiKey.ON_TIME_DELIVERY,
    "On-time delivery",
    MetricUnit.PERCENT,
    UP,
    "Delivered on or before the promised day ÷ delivered, by delivery quarter. Promised day: the IST booking day D plus the service norm's working days for the product and route class (serviceNorms), skipping Sundays and the public holidays (publicHolidays), plus one working day when a branch office delivers.",
  ),
  D(
    KpiKey.FIRST_ATTEMPT_DELIVERY,
    "First-attempt delivery",
    MetricUnit.PERCENT,
    UP,
    "Shipments delivered on their first out-for-delivery (no failed attempt before, at most one out-for-delivery scan) ÷ shipments with at least one attempt with an outcome (a failed attempt or the delivery), by the quarter of that first outcome.",
  ),
  D(
    KpiKey.FAILED_ATTEMPT_RATE,
    "Failed-attempt rate",
    MetricUnit.PERCENT,
    DOWN,
    "Shipments with at least one failed delivery attempt to the addressee ÷ shipments attempted (as for first-attempt delivery), by the quarter of the first attempt. By reason: shipments with at least one failed attempt for that reason ÷ shipments attempted (a shipment can count under several reasons).",
  ),
  D(
    KpiKey.TRANSIT_DAYS_MEAN,
    "Transit days (mean)",
    MetricUnit.DAYS,
    DOWN,
    "Mean of delivered − booked over shipments delivered in the quarter; each transit is counted in whole hours rounded up, then ÷ 24. Numerator: total transit days; denominator: shipments delivered.",
  ),
  D(KpiKey.TRANSIT_DAYS_P50, "Transit days (p50)", MetricUnit.DAYS, DOWN, "Median transit of shipments delivered in the quarter: the nearest-rank 50th percentile of whole transit hours rounded up, ÷ 24. Denominator: shipments delivered; no numerator."),
  D(KpiKey.TRANSIT_DAYS_P90, "Transit days (p90)", MetricUnit.DAYS, DOWN, "The nearest-rank 90th percentile of transit (whole hours rounded up, ÷ 24) of shipments delivered in the quarter. Denominator: shipments delivered; no numerator."),
  D(KpiKey.TRANSIT_DAYS_P95, "Transit days (p95)", MetricUnit.DAYS, DOWN, "The nearest-rank 95th percentile of transit (whole hours rounded up, ÷ 24) of shipments delivered in the quarter. Denominator: shipments delivered; no numerator."),
  D(
    KpiKey.RETURN_TO_ORIGIN,
    "Return to origin (RTO)",
    MetricUnit.PERCENT,
    DOWN,
    "Shipments whose return reached the sender (RTO_DELIVERED) ÷ shipments that reached a final state (delivered, returned, lost or cancelled), by booking quarter: a quarter's figure settles as its shipments finish.",
  ),
  finance(D(KpiKey.COD_COLLECTED, "COD collected", MetricUnit.RUPEES, UP, "Cash-on-delivery amounts of COD shipments delivered in the quarter (collected by the postman at delivery).")),
  finance(D(KpiKey.COD_REMITTED, "COD remitted", MetricUnit.RUPEES, UP, "COD amounts of shipments covered by remittances whose value day falls in the quarter.")),
  finance(D(KpiKey.COD_OUTSTANDING, "COD outstanding", MetricUnit.RUPEES, DOWN, "Collected but not yet remitted at the end of the quarter: cumulative COD collected − cumulative COD remitted, over every quarter up to this one.")),
  finance(D(KpiKey.REMITTANCE_DAYS_MEAN, "Remittance days (mean)", MetricUnit.DAYS, DOWN, "Mean of remittance day − IST delivery day (whole days) over COD shipments remitted in the quarter. Numerator: total days; denominator: shipments remitted.")),
  finance(D(KpiKey.REMITTANCE_DAYS_P90, "Remittance days (p90)", MetricUnit.DAYS, DOWN, "The nearest-rank 90th percentile of remittance day − IST delivery day (whole days) over COD shipments remitted in the quarter. Denominator: shipments remitted; no numerator.")),
  finance(
    D(
      KpiKey.REMITTANCE_WITHIN_CYCLE,
      "Remitted within the contract cycle",
      MetricUnit.PERCENT,
      UP,
      "COD shipments remitted at most the contract's remittance cycle days after delivery ÷ COD shipments remitted in the quarter; the cycle is the one in force on the quarter's last day (codRemittanceCycles). Null while no cycle is recorded.",
    ),
  ),
  D(
    KpiKey.PICKUP_UTILISATION,
    "Pickup-point utilisation",
    MetricUnit.PERCENT,
    UP,
    "Parcels handed over (booked) at the pickup locations in the quarter ÷ their committed capacity (daily capacity × the days of the quarter each location was open, up to today for the quarter in progress). National: all locations together. Defined for the national and pickup-location scopes only.",
    ["NATIONAL", "PICKUP_LOCATION"],
  ),
  D(
    KpiKey.SERVICEABLE_PINS,
    "Serviceable PINs",
    MetricUnit.PINS,
    UP,
    "Deliverable directory PINs marked serviceable on the quarter's last day (serviceability periods as recorded), as coverage's pinsServiceable counts them; the Army Postal Service scope counts Army Postal locations. Defined for the national, circle and state scopes only.",
    AREA_SCOPES,
  ),
  D(
    KpiKey.ACTIVE_PINS,
    "Active PINs",
    MetricUnit.PINS,
    UP,
    "Directory PINs with at least one delivery in the quarter, as coverage's pinsActive counts them; the Army Postal Service scope counts Army Postal locations. Defined for the national, circle and state scopes only.",
    AREA_SCOPES,
  ),
];

export const KPI_DEFINITION: ReadonlyMap<KpiKey, KpiDefinition> = new Map(KPI_DEFINITIONS.map((d) => [d.key, d]));

export function kpiDefinition(key: KpiKey): KpiDefinition {
  const definition = KPI_DEFINITION.get(key);
  if (definition === undefined) throw new RangeError(`No definition for KPI ${key}`);
  return definition;
}
