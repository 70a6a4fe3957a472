import { Kind, parse, print } from "graphql";
import { parseFiscalQuarter, quarterEndDate, quarterStartDate } from "../src/lib/fiscal-quarter.js";
import {
  CoverageDocument,
  PickupDashboardDocument,
  SearchPostOfficesDocument,
  TrackShipmentDocument,
} from "../src/generated/operations.js";

/**
 * The KPI operations for `npm run bench`: `KpisNational` (12 quarters, national scope), `KpisOneCircle`
 * (12 quarters of the busiest destination circle, Maharashtra in the demo data) and `KpisPerCircle` (one
 * quarter, every postal circle: kpiBreakdown). Each is sent with the variables
 *   { from: <11 quarters before `to`>, to: <latest quarter of the data>, quarter: <the same as to> }
 * (variables an operation does not declare are ignored). When the schema has no Query.quarterlyKpis,
 * the KPI rows are skipped with a message.
 */
export const KPI_OPERATIONS = `
query KpisNational($from: FiscalQuarter!, $to: FiscalQuarter!) {
  quarterlyKpis(from: $from, to: $to) {
    quarter
    metrics { key value numerator denominator unit quarterOnQuarter { ratio pointChange } yearOnYear { ratio pointChange } }
    failedAttemptsByReason { reason metric { value numerator denominator } }
  }
}
query KpisOneCircle($from: FiscalQuarter!, $to: FiscalQuarter!) {
  quarterlyKpis(from: $from, to: $to, scope: { kind: CIRCLE, key: "Maharashtra" }) {
    quarter
    metrics { key value numerator denominator unit quarterOnQuarter { ratio pointChange } yearOnYear { ratio pointChange } }
    failedAttemptsByReason { reason metric { value numerator denominator } }
  }
}
query KpisPerCircle($quarter: FiscalQuarter!) {
  kpiBreakdown(quarter: $quarter, by: CIRCLE) {
    scope { key name }
    metrics { key value numerator denominator unit quarterOnQuarter { ratio pointChange } }
  }
}`;

/**
 * Shipments per status booked in the last two quarters of the data (issue 19's status group-by: about 1,60,000
 * bookings at 10,00,000 shipments): the deprecated shipmentStats, now a thin alias that maps its filter and
 * dimensions onto shipmentAggregates (its own statement, which computed every measure whatever was asked, is gone),
 * against shipmentAggregates itself. Both read the shipment rows: the KPI rollup has no status.
 */
export const STATUS_GROUP_OPERATIONS = `
query StatusStats($filter: ShipmentFilter) {
  shipmentStats(filter: $filter, groupBy: [STATUS]) { status shipments }
}
query StatusAggregates($where: ShipmentWhere) {
  shipmentAggregates(where: $where, groupBy: [{ dimension: STATUS }]) { status bookedVolume { value } }
}`;

/**
 * Issue 19's two grouped questions at scale: one quarter's deliveries by destination circle × product, and twelve
 * months of deliveries by circle, each with additive KPI measures a review reads (volume, on-time share, mean
 * transit, COD collected), which the monthly rollup answers. The delivery day's range is the filter; the time
 * dimension buckets it. A percentile would send either to the shipment rows (README "Benchmark" says how long).
 */
export const GROUPED_OPERATIONS = `
query QuarterByCircleProduct($where: ShipmentWhere) {
  shipmentAggregates(
    where: $where
    groupBy: [{ dimension: DELIVERED_AT, granularity: FISCAL_QUARTER }, { dimension: DESTINATION_CIRCLE }, { dimension: PRODUCT }]
  ) {
    deliveredAt { label } destinationCircle productCode
    deliveredVolume { value } onTimeDelivery { value } transitDaysMean { value } codCollected { value }
  }
}
query MonthsByCircle($where: ShipmentWhere) {
  shipmentAggregates(where: $where, groupBy: [{ dimension: DELIVERED_AT, granularity: MONTH }, { dimension: DESTINATION_CIRCLE }]) {
    deliveredAt { label } destinationCircle
    deliveredVolume { value } onTimeDelivery { value } transitDaysMean { value }
  }
}`;

/**
 * A filtered, ordered shipments page (issue 19: late COD deliveries in a circle, largest COD first, 50 rows),
 * selecting only fields the single statement answers: codAmount, destination and product are resolver-only
 * fields and would send the page down the resolver path. Ordering by COD_AMOUNT needs FINANCE (the bench's key
 * is ADMIN). Sent once per circle of LATE_COD_CIRCLES, in turn.
 */
export const LATE_COD_PAGE_OPERATION = `
query LateCodPage($where: ShipmentWhere, $orderBy: [ShipmentOrderBy!], $first: Int) {
  shipments(where: $where, orderBy: $orderBy, first: $first) {
    nodes { trackingNumber status deliveredAt transitDays codStatus pickupLocation { code } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Destination circles of the late-COD page, from the busiest in the demo data to a small one. */
export const LATE_COD_CIRCLES = ["Maharashtra", "Tamil Nadu", "West Bengal", "Karnataka", "Assam", "Punjab"];

export const KPI_OPERATION_NAMES = { national: "KpisNational", oneCircle: "KpisOneCircle", perCircle: "KpisPerCircle" } as const;

/** Which server answers a bench row: the graph, the graph with its response cache on, or the SQL baseline. */
export type Target = "graph" | "graph-cached" | "baseline";

export interface BenchOperation {
  readonly name: string;
  readonly operationName: string;
  /** JSON request bodies, sent in turn (each connection takes the next). */
  readonly bodies: readonly string[];
  /** The servers measured, interleaved round by round; the baseline's figures are the ratios' denominator. */
  readonly targets: readonly Target[];
  /** Set when the row cannot run in this tree; it is reported, not measured. */
  readonly skipped?: string;
}

export interface BenchInputs {
  /** Tracking numbers with their booking days, sampled from the database. */
  readonly tracking: readonly { trackingNumber: string; bookingDate: string }[];
  /** The latest fiscal quarter with deliveries, "FY2024-25-Q4". */
  readonly quarter: string;
  /** Whether the served schema has Query.quarterlyKpis. */
  readonly hasKpis: boolean;
  /** Whether to measure the graph with its response cache on as well. */
  readonly withCache: boolean;
}

const body = (operationName: string, query: string, variables: Record<string, unknown>) => JSON.stringify({ operationName, query, variables });

/** "FY2024-25-Q3" moved by `delta` quarters. */
export function shiftQuarter(quarter: string, delta: number): string {
  const match = /^FY(\d{4})-\d{2}-Q([1-4])$/.exec(quarter);
  if (match === null) throw new Error(`not a fiscal quarter: ${quarter}`);
  const index = Number(match[1]) * 4 + Number(match[2]) - 1 + delta;
  const year = Math.floor(index / 4);
  return `FY${year}-${String((year + 1) % 100).padStart(2, "0")}-Q${(index % 4) + 1}`;
}

// Prefixes common among India Post office names, so each search has a full first page.
const NAME_PREFIXES = ["Ra", "Sh", "Ma", "Ko", "Ba", "Na", "Ka", "Pa", "Ch", "Su"];

function kpiOperation(name: string, operationName: string, inputs: BenchInputs): BenchOperation {
  const skipped = !inputs.hasKpis
    ? "the schema has no Query.quarterlyKpis yet"
    : KPI_OPERATIONS.trim() === ""
      ? "KPI_OPERATIONS in bench/operations.ts is empty: fill in the KPI query text"
      : undefined;
  if (skipped !== undefined) return { name, operationName, bodies: [], targets: ["graph"], skipped };
  const document = parse(KPI_OPERATIONS);
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name !== undefined ? [d.name.value] : []));
  if (!names.includes(operationName)) throw new Error(`KPI_OPERATIONS in bench/operations.ts has no operation named ${operationName} (it has ${names.join(", ") || "none"}).`);
  const variables = { from: shiftQuarter(inputs.quarter, -11), to: inputs.quarter, quarter: inputs.quarter };
  return { name, operationName, bodies: [body(operationName, KPI_OPERATIONS, variables)], targets: ["graph"] };
}

export function benchOperations(inputs: BenchInputs): BenchOperation[] {
  const dashboard = body("PickupDashboard", print(PickupDashboardDocument), { asOf: null, latest: 20 });
  const track = print(TrackShipmentDocument);
  const search = print(SearchPostOfficesDocument);
  return [
    {
      name: "dashboard",
      operationName: "PickupDashboard",
      bodies: [dashboard],
      targets: inputs.withCache ? ["graph", "graph-cached", "baseline"] : ["graph", "baseline"],
    },
    {
      name: "tracking lookup",
      operationName: "TrackShipment",
      bodies: inputs.tracking.map((t) => body("TrackShipment", track, { trackingNumber: t.trackingNumber, bookingDate: t.bookingDate })),
      targets: ["graph", "baseline"],
    },
    {
      name: "directory search",
      operationName: "SearchPostOffices",
      bodies: NAME_PREFIXES.map((prefix) => body("SearchPostOffices", search, { filter: { nameStartsWith: prefix }, first: 50 })),
      targets: ["graph"],
    },
    {
      name: "coverage by circle",
      operationName: "Coverage",
      bodies: [body("Coverage", print(CoverageDocument), { level: "CIRCLE", quarter: inputs.quarter })],
      targets: ["graph"],
    },
    ...(["StatusStats", "StatusAggregates"] as const).map((operationName) => ({
      name: `status group-by ${operationName === "StatusStats" ? "shipmentStats" : "shipmentAggregates"}`,
      operationName,
      bodies: [
        body(
          operationName,
          STATUS_GROUP_OPERATIONS,
          // The same bookings (the last two quarters') through each field's filter.
          operationName === "StatusStats"
            ? { filter: { bookedFrom: quarterStartDate(parseFiscalQuarter(shiftQuarter(inputs.quarter, -1))), bookedTo: quarterEndDate(parseFiscalQuarter(inputs.quarter)) } }
            : { where: { bookingDate: { gte: quarterStartDate(parseFiscalQuarter(shiftQuarter(inputs.quarter, -1))), lte: quarterEndDate(parseFiscalQuarter(inputs.quarter)) } } },
        ),
      ],
      targets: ["graph"] as const,
    })),
    {
      name: "late COD page",
      operationName: "LateCodPage",
      bodies: LATE_COD_CIRCLES.map((circle) =>
        body("LateCodPage", LATE_COD_PAGE_OPERATION, {
          where: { paymentMode: { eq: "COD" }, onTime: { eq: false }, destination: { primaryCircle: { name: { eq: circle } } } },
          orderBy: [{ field: "COD_AMOUNT", direction: "DESC" }],
          first: 50,
        }),
      ),
      targets: ["graph"] as const,
    },
    {
      name: "quarter by circle × product",
      operationName: "QuarterByCircleProduct",
      bodies: [
        body("QuarterByCircleProduct", GROUPED_OPERATIONS, {
          where: { deliveryDate: { gte: quarterStartDate(parseFiscalQuarter(inputs.quarter)), lte: quarterEndDate(parseFiscalQuarter(inputs.quarter)) } },
        }),
      ],
      targets: ["graph"] as const,
    },
    {
      name: "12 months by circle",
      operationName: "MonthsByCircle",
      bodies: [
        body("MonthsByCircle", GROUPED_OPERATIONS, {
          // The four quarters through the latest: twelve whole months.
          where: {
            deliveryDate: { gte: quarterStartDate(parseFiscalQuarter(shiftQuarter(inputs.quarter, -3))), lte: quarterEndDate(parseFiscalQuarter(inputs.quarter)) },
          },
        }),
      ],
      targets: ["graph"] as const,
    },
    kpiOperation("KPIs 12 quarters national", KPI_OPERATION_NAMES.national, inputs),
    kpiOperation("KPIs 12 quarters one circle", KPI_OPERATION_NAMES.oneCircle, inputs),
    kpiOperation("KPIs per circle one quarter", KPI_OPERATION_NAMES.perCircle, inputs),
  ];
}
